//! Calico CNI annotations (calico-reference §5) as written on Namespaces, Pods and pod templates,
//! and anywhere else they were put. Pure: the loader records sites and values with their places;
//! this module says what Calico does with them (which objects it reads, how it decodes a value,
//! how a pool-list entry resolves) and judges nothing itself.
//!
//! How values are read, following `cni-plugin/pkg/k8s/k8s.go`:
//! - Every value is decoded with Go's `json.Unmarshal` into `[]string`; [`parse_string_list`]
//!   reproduces that decoder's acceptance and its error messages, and keeps each entry's byte
//!   range so a finding can point at one entry.
//! - An empty string is the same as no annotation (the plugin tests `len(value) != 0`).
//! - Pod and namespace values do not merge: the namespace's `ipv4pools`/`ipv6pools`/`ipFamilies`
//!   apply to a pod only when the pod's own value is the empty string (or absent). A pod value
//!   of `[]` or `null` is not empty, so it wins and means "no explicit pools" for that pod. Each
//!   written value is therefore judged where it is written: a bad namespace value fails every pod
//!   of the namespace that does not set its own, a bad pod value fails that pod.

use foldhash::{HashMap, HashMapExt};
use std::net::IpAddr;

use ipnet::IpNet;

use super::cidr::{self, Family};
use super::pool::{Pool, Spanned, WrongType};
use crate::source::Loc;

/// The prefix of every Calico CNI annotation.
pub const CNI_PREFIX: &str = "cni.projectcalico.org";

/// Annotations under [`CNI_PREFIX`] that are not about IP assignment (or that Calico writes
/// itself): never reported as misspellings of the keys below.
pub const OTHER_CNI_NAMES: [&str; 5] = [
    "hwAddr",
    "allowedSourcePrefixes",
    "podIP",
    "podIPs",
    "containerID",
];

/// An IPAM annotation the Calico CNI plugin reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CniKey {
    Ipv4Pools,
    Ipv6Pools,
    IpAddrs,
    IpAddrsNoIpam,
    FloatingIps,
    IpFamilies,
}

impl CniKey {
    pub const ALL: [CniKey; 6] = [
        CniKey::Ipv4Pools,
        CniKey::Ipv6Pools,
        CniKey::IpAddrs,
        CniKey::IpAddrsNoIpam,
        CniKey::FloatingIps,
        CniKey::IpFamilies,
    ];

    /// The part after `cni.projectcalico.org/`.
    pub fn name(self) -> &'static str {
        match self {
            CniKey::Ipv4Pools => "ipv4pools",
            CniKey::Ipv6Pools => "ipv6pools",
            CniKey::IpAddrs => "ipAddrs",
            CniKey::IpAddrsNoIpam => "ipAddrsNoIpam",
            CniKey::FloatingIps => "floatingIPs",
            CniKey::IpFamilies => "ipFamilies",
        }
    }

    /// The whole annotation key.
    pub const fn key(self) -> &'static str {
        match self {
            CniKey::Ipv4Pools => "cni.projectcalico.org/ipv4pools",
            CniKey::Ipv6Pools => "cni.projectcalico.org/ipv6pools",
            CniKey::IpAddrs => "cni.projectcalico.org/ipAddrs",
            CniKey::IpAddrsNoIpam => "cni.projectcalico.org/ipAddrsNoIpam",
            CniKey::FloatingIps => "cni.projectcalico.org/floatingIPs",
            CniKey::IpFamilies => "cni.projectcalico.org/ipFamilies",
        }
    }

    /// The key exactly as Calico looks it up (annotation keys are case-sensitive).
    pub fn from_key(key: &str) -> Option<CniKey> {
        CniKey::ALL.into_iter().find(|k| k.key() == key)
    }

    /// The family of the pools a pool-list annotation names; `None` for the other keys.
    pub fn pool_family(self) -> Option<Family> {
        match self {
            CniKey::Ipv4Pools => Some(Family::V4),
            CniKey::Ipv6Pools => Some(Family::V6),
            _ => None,
        }
    }

    /// Calico reads this key from Namespaces as well as Pods; the others only from Pods.
    pub fn read_on_namespaces(self) -> bool {
        matches!(
            self,
            CniKey::Ipv4Pools | CniKey::Ipv6Pools | CniKey::IpFamilies
        )
    }
}

/// What Calico does with the annotations of a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A Namespace: its pool annotations apply to its pods that set none of their own.
    Namespace,
    /// A Pod.
    Pod,
    /// The pod template of a workload (`spec.template`, a CronJob's
    /// `spec.jobTemplate.spec.template`): every pod it creates carries these annotations.
    PodTemplate,
    /// A workload's own metadata (or a CronJob's `spec.jobTemplate.metadata`): never copied to
    /// the pods, so Calico never sees it. `template` is where the annotations belong.
    WorkloadMetadata { template: &'static str },
    /// Any other object (Service, ConfigMap, ...): Calico never reads it.
    Unread,
    /// The pool lists of a CNI network config (`ipam.ipv4_pools`/`ipv6_pools` of the calico
    /// plugin, e.g. the calico-config ConfigMap's `cni_network_config`): every pod whose pod
    /// and namespace set no pool annotation draws from them.
    CniConfig,
}

impl Place {
    /// Calico reads this key at this place.
    pub fn reads(self, key: CniKey) -> bool {
        match self {
            Place::Namespace => key.read_on_namespaces(),
            Place::Pod | Place::PodTemplate => true,
            Place::CniConfig => key.pool_family().is_some(),
            Place::WorkloadMetadata { .. } | Place::Unread => false,
        }
    }

    /// Calico reads some CNI annotations here.
    pub fn is_read(self) -> bool {
        matches!(
            self,
            Place::Namespace | Place::Pod | Place::PodTemplate | Place::CniConfig
        )
    }
}

/// An object carrying annotations that matter to Calico IPAM.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnotationSite {
    /// `Kind/namespace/name` as findings name objects.
    pub object: String,
    /// The object's kind, e.g. `Deployment`.
    pub kind: String,
    pub place: Place,
    /// Where the annotations are in the object, e.g. `spec.template.metadata.annotations`.
    pub path: &'static str,
    /// The namespace the annotations apply in: a Namespace's own name, a pod's (or workload's)
    /// `metadata.namespace`; `None` when not written (kubectl's current namespace decides).
    pub namespace: Option<String>,
    /// The exact CNI keys and the near misses (keys that look Calico-related); every other
    /// annotation is dropped at load time.
    pub annotations: Vec<Annotation>,
    /// How many pods a pod template makes at once, as far as the object says (IPP210).
    pub replicas: Replicas,
}

/// How many pods at once carry a site's annotations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replicas {
    /// One, or not said in a form the loader can read (`replicas` absent means 1; a templated
    /// value is not judged).
    One,
    /// `spec.replicas` above one, where it is written.
    Many { count: i64, loc: Loc },
    /// A DaemonSet: a pod on every node it selects.
    PerNode,
}

/// One annotation of a site.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    pub key: Spanned<String>,
    /// `Some` when the key is exactly a CNI key; `None` for a near miss.
    pub cni: Option<CniKey>,
    pub value: Value,
}

/// An annotation value as the API server and the CNI plugin see it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A YAML string (a null value counts as the empty string).
    Text {
        text: String,
        /// The scalar as written, quotes included.
        loc: Loc,
        /// The value decoded as Go's `json.Unmarshal` into `[]string` does. Not attempted for
        /// the empty string, which Calico treats as no annotation.
        list: Result<Vec<Entry>, JsonFault>,
    },
    /// Not a string: Kubernetes rejects the object (annotation values are strings).
    NotText(WrongType),
}

impl Annotation {
    /// The value's text when it is a non-empty string (Calico ignores an empty one).
    pub fn text(&self) -> Option<&str> {
        match &self.value {
            Value::Text { text, .. } if !text.is_empty() => Some(text),
            _ => None,
        }
    }

    /// The decoded entries when the value is set and decodes.
    pub fn entries(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Text {
                text,
                list: Ok(entries),
                ..
            } if !text.is_empty() => Some(entries),
            _ => None,
        }
    }

    /// Where the value is written.
    pub fn value_loc(&self) -> Loc {
        match &self.value {
            Value::Text { loc, .. } => *loc,
            Value::NotText(wrong) => wrong.loc,
        }
    }
}

/// One element of a decoded JSON list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The decoded string; empty for a JSON `null` element (Go leaves the zero value).
    pub text: String,
    /// The entry's text inside its JSON quotes (the whole token when that is empty or `null`).
    pub loc: Loc,
    pub null: bool,
}

/// Why a value does not decode, with the place of the offending character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonFault {
    /// Go's message, e.g. `invalid character 'e' looking for beginning of value`.
    pub message: String,
    pub loc: Loc,
}

impl AnnotationSite {
    /// Every entry of the pool-list annotations Calico reads at this site, with its key.
    pub fn pool_entries(&self) -> impl Iterator<Item = (&Annotation, CniKey, &Entry)> + '_ {
        self.annotations.iter().flat_map(move |annotation| {
            let key = annotation
                .cni
                .filter(|key| key.pool_family().is_some() && self.place.reads(*key));
            let entries = key.and_then(|_| annotation.entries()).unwrap_or(&[]);
            entries
                .iter()
                .filter_map(move |entry| Some((annotation, key?, entry)))
        })
    }

    /// The pool-list entries Calico reads here, each with what it resolves to among `pools`
    /// (calico-reference §5 steps 1–4), for the rules that judge one kind of resolution.
    pub fn resolved_pool_entries<'s, 'p>(
        &'s self,
        pools: &'s PoolIndex<'p>,
    ) -> impl Iterator<Item = (&'s Annotation, &'s Entry, Resolution<'p>)> + 's {
        self.pool_entries()
            .filter_map(move |(annotation, key, entry)| {
                let family = key.pool_family()?;
                Some((annotation, entry, resolve(&entry.text, family, pools)))
            })
    }

    /// The annotation with this exact CNI key, when Calico reads it here.
    pub fn read(&self, key: CniKey) -> Option<&Annotation> {
        if !self.place.reads(key) {
            return None;
        }
        self.annotations.iter().find(|a| a.cni == Some(key))
    }

    /// Who suffers when Calico rejects a value at this site, for messages.
    pub fn affected(&self) -> String {
        match self.place {
            Place::Namespace => match &self.namespace {
                Some(ns) => format!("pods in namespace {ns} that set no pools of their own"),
                None => "pods in this namespace that set no pools of their own".to_owned(),
            },
            Place::Pod => "the pod".to_owned(),
            Place::PodTemplate => format!("every pod of {}", self.object),
            Place::CniConfig => "every pod that sets no pools of its own".to_owned(),
            Place::WorkloadMetadata { .. } | Place::Unread => "no pod".to_owned(),
        }
    }

    /// How messages name one of the site's values: `annotation cni.projectcalico.org/ipv4pools`,
    /// or `CNI config ipam.ipv4_pools`.
    pub fn label(&self, annotation: &Annotation) -> String {
        match self.place {
            Place::CniConfig => format!("CNI config {}", annotation.key.value),
            _ => format!("annotation {}", annotation.key.value),
        }
    }

    /// [`AnnotationSite::label`] for a CNI key.
    pub fn label_for(&self, key: CniKey) -> String {
        match (self.place, key) {
            (Place::CniConfig, CniKey::Ipv6Pools) => "CNI config ipam.ipv6_pools".to_owned(),
            (Place::CniConfig, _) => "CNI config ipam.ipv4_pools".to_owned(),
            _ => format!("annotation {}", key.key()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Pool-list entries (calico-reference §5, "Pool resolution", steps 1–4)
// ---------------------------------------------------------------------------------------------

/// What one `ipv4pools`/`ipv6pools` entry comes to, judged in the order Calico fails a pod:
/// parse or name lookup, family, the IPAM exact-CIDR match against enabled pools, allowed uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resolution<'p> {
    /// An enabled pool of the right family that allows Workload.
    Usable(&'p Pool),
    /// The inputs define no pool at all, so names and CIDRs cannot be judged.
    NoPools,
    /// Neither a CIDR nor the name of any pool (step 1).
    Unknown,
    /// The empty string (a `""` or `null` element).
    Empty,
    /// A pool (by name, or a CIDR entry) of the other family (step 2). `pool` is `None` for a
    /// CIDR entry.
    WrongFamily {
        pool: Option<&'p Pool>,
        family: Family,
    },
    /// Names a disabled pool, or is exactly the CIDR of one (step 3).
    Disabled(&'p Pool),
    /// A CIDR that is not exactly the CIDR of an enabled pool (step 3). `near` is a pool it
    /// overlaps (a subset or superset), if any.
    NotAPoolCidr { net: IpNet, near: Option<&'p Pool> },
    /// The pool's allowedUses lacks Workload (step 4).
    NotForWorkloads(&'p Pool),
    /// Names a pool whose own CIDR does not parse: Calico fails with "failed to parse IP pool
    /// cidr", which IPP001 reports at the pool.
    BrokenPool(&'p Pool),
}

/// Every known pool, indexed by name and by CIDR once, so that resolving an entry costs a few
/// lookups and not a scan of every pool: 100k pools and as many annotations stay linear.
/// Lookups answer as a scan in declaration order would: the first pool that qualifies.
#[derive(Debug, Default)]
pub struct PoolIndex<'p> {
    pools: Vec<&'p Pool>,
    /// The first pool of each name.
    by_name: HashMap<&'p str, usize>,
    /// Pools by masked CIDR, in declaration order.
    by_cidr: HashMap<IpNet, Vec<usize>>,
    /// (masked CIDR, index) sorted by network address: the pools inside a range.
    by_start: Vec<(IpNet, usize)>,
}

impl<'p> PoolIndex<'p> {
    pub fn new(pools: impl IntoIterator<Item = &'p Pool>) -> Self {
        let pools: Vec<&'p Pool> = pools.into_iter().collect();
        let mut index = PoolIndex {
            by_name: HashMap::with_capacity(pools.len()),
            by_cidr: HashMap::with_capacity(pools.len()),
            by_start: Vec::with_capacity(pools.len()),
            pools: Vec::new(),
        };
        for (i, pool) in pools.iter().enumerate() {
            if let Some(name) = pool.name.value() {
                index.by_name.entry(name.as_str()).or_insert(i);
            }
            if let Some(net) = pool.cidr_net() {
                let net = net.trunc();
                index.by_cidr.entry(net).or_default().push(i);
                index.by_start.push((net, i));
            }
        }
        index
            .by_start
            .sort_unstable_by_key(|(net, i)| (net.network(), *i));
        index.pools = pools;
        index
    }

    pub fn is_empty(&self) -> bool {
        self.pools.is_empty()
    }

    pub fn pools(&self) -> &[&'p Pool] {
        &self.pools
    }

    pub fn named(&self, name: &str) -> Option<&'p Pool> {
        self.by_name.get(name).map(|&i| self.pools[i])
    }

    /// Pools whose CIDR is exactly `net` (masked), in declaration order.
    fn with_cidr(&self, net: &IpNet) -> impl Iterator<Item = &'p Pool> + '_ {
        self.by_cidr
            .get(net)
            .into_iter()
            .flatten()
            .map(|&i| self.pools[i])
    }

    /// A pool whose CIDR overlaps `net`: the first declared that contains it (one lookup per
    /// shorter prefix), else the lowest-addressed inside it (a binary search). Bounded per
    /// entry, whatever the number of pools.
    fn first_overlapping(&self, net: &IpNet) -> Option<&'p Pool> {
        let containing = (0..=net.prefix_len())
            .filter_map(|len| IpNet::new(net.network(), len).ok())
            .filter_map(|outer| self.by_cidr.get(&outer.trunc())?.first().copied())
            .min();
        if let Some(i) = containing {
            return Some(self.pools[i]);
        }
        let from = self
            .by_start
            .partition_point(|(pool, _)| pool.network() < net.network());
        self.by_start
            .get(from)
            .filter(|(pool, _)| net.contains(&pool.network()))
            .map(|&(_, i)| self.pools[i])
    }
}

/// Resolves a pool-list entry against every known pool, as the CNI plugin and IPAM do.
pub fn resolve<'p>(entry: &str, family: Family, pools: &PoolIndex<'p>) -> Resolution<'p> {
    if entry.is_empty() {
        return Resolution::Empty;
    }
    // Step 1: anything that parses as a CIDR is a CIDR (masked, as Go's ParseCIDR returns it).
    if let Ok(net) = cidr::parse(entry) {
        let net = net.trunc();
        if Family::of(&net) != family {
            return Resolution::WrongFamily {
                pool: None,
                family: Family::of(&net),
            };
        }
        if pools.is_empty() {
            return Resolution::NoPools;
        }
        if let Some(pool) = pools.with_cidr(&net).find(|p| !p.is_disabled()) {
            return usable_or_not(pool);
        }
        if let Some(pool) = pools.with_cidr(&net).next() {
            return Resolution::Disabled(pool);
        }
        let near = pools.first_overlapping(&net);
        return Resolution::NotAPoolCidr { net, near };
    }
    if pools.is_empty() {
        return Resolution::NoPools;
    }
    let Some(pool) = pools.named(entry) else {
        return Resolution::Unknown;
    };
    let Some(pool_family) = pool.family() else {
        return Resolution::BrokenPool(pool);
    };
    if pool_family != family {
        return Resolution::WrongFamily {
            pool: Some(pool),
            family: pool_family,
        };
    }
    if pool.is_disabled() {
        return Resolution::Disabled(pool);
    }
    usable_or_not(pool)
}

fn usable_or_not<'p>(pool: &'p Pool) -> Resolution<'p> {
    if pool.allows_use("Workload") {
        Resolution::Usable(pool)
    } else {
        Resolution::NotForWorkloads(pool)
    }
}

/// An address as Go's `net.ParseIP` reads it, with the family Calico gives it (`To4() != nil`:
/// an IPv4-mapped IPv6 address counts as IPv4).
pub fn parse_ip(text: &str) -> Option<(IpAddr, Family)> {
    let addr: IpAddr = text.parse().ok()?;
    let addr = match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        IpAddr::V4(_) => addr,
    };
    Some((addr, Family::of_addr(&addr)))
}

// ---------------------------------------------------------------------------------------------
// JSON, as Go's encoding/json decodes into []string
// ---------------------------------------------------------------------------------------------

/// One element of a decoded JSON list, with byte ranges into the decoded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonString {
    pub text: String,
    /// The element token, quotes included (or the `null` literal).
    pub token: std::ops::Range<usize>,
    /// Between the quotes (equal to `token` for `null`).
    pub content: std::ops::Range<usize>,
    pub null: bool,
}

/// A decoding error: Go's message and the byte offset of the offending character (the length
/// of the input for an unexpected end).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub message: String,
    pub offset: usize,
}

/// Go's scanner gives up at this nesting depth.
const MAX_DEPTH: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl Kind {
    /// The name `json.UnmarshalTypeError` gives the JSON value.
    fn go_name(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "bool",
            Kind::Number => "number",
            Kind::String => "string",
            Kind::Array => "array",
            Kind::Object => "object",
        }
    }
}

/// Decodes `value` as Go's `json.Unmarshal([]byte(value), &[]string{})` does: the whole input
/// must be valid JSON (syntax errors win over type errors, as Go checks syntax first); `null`
/// is an empty list; elements must be strings, a `null` element becomes `""`.
pub fn parse_string_list(value: &str) -> Result<Vec<JsonString>, JsonError> {
    let mut scanner = Scanner {
        text: value,
        bytes: value.as_bytes(),
        pos: 0,
    };
    let (top, top_start, items) = scanner.document()?;
    match top {
        Kind::Null => Ok(Vec::new()),
        Kind::Array => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item.kind {
                    Kind::String | Kind::Null => out.push(JsonString {
                        text: item.text.unwrap_or_default(),
                        content: if item.kind == Kind::Null {
                            item.start..item.end
                        } else {
                            item.start + 1..item.end.saturating_sub(1).max(item.start + 1)
                        },
                        token: item.start..item.end,
                        null: item.kind == Kind::Null,
                    }),
                    kind => {
                        return Err(JsonError {
                            message: format!(
                                "json: cannot unmarshal {} into Go value of type string",
                                kind.go_name()
                            ),
                            offset: item.start,
                        });
                    }
                }
            }
            Ok(out)
        }
        kind => Err(JsonError {
            message: format!(
                "json: cannot unmarshal {} into Go value of type []string",
                kind.go_name()
            ),
            offset: top_start,
        }),
    }
}

struct Item {
    kind: Kind,
    start: usize,
    end: usize,
    text: Option<String>,
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Container {
    Array,
    Object,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// `invalid character 'x' <context>` at the current position, or the end-of-input error.
    fn invalid(&self, context: &str) -> JsonError {
        match self
            .text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
        {
            Some(c) => JsonError {
                message: format!("invalid character {} {context}", quote_char(c)),
                offset: self.pos,
            },
            None => self.eof(),
        }
    }

    fn eof(&self) -> JsonError {
        JsonError {
            message: "unexpected end of JSON input".to_owned(),
            offset: self.bytes.len(),
        }
    }

    /// Scans the whole input iteratively (no recursion, whatever the nesting). Returns the
    /// top-level kind, where it starts, and the elements directly inside a top-level array.
    fn document(&mut self) -> Result<(Kind, usize, Vec<Item>), JsonError> {
        let mut stack: Vec<(Container, usize)> = Vec::new();
        let mut items = Vec::new();
        let mut top = (Kind::Null, 0);
        self.skip_ws();
        'value: loop {
            // Expecting a value.
            let start = self.pos;
            let (mut kind, mut value_start, mut text) = match self.peek() {
                None => return Err(self.eof()),
                Some(open @ (b'[' | b'{')) => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(JsonError {
                            message: "exceeded max depth".to_owned(),
                            offset: self.pos,
                        });
                    }
                    self.pos += 1;
                    self.skip_ws();
                    let (container, close) = if open == b'[' {
                        (Container::Array, b']')
                    } else {
                        (Container::Object, b'}')
                    };
                    if self.peek() == Some(close) {
                        self.pos += 1;
                        let kind = if open == b'[' {
                            Kind::Array
                        } else {
                            Kind::Object
                        };
                        (kind, start, None)
                    } else {
                        stack.push((container, start));
                        if container == Container::Object {
                            self.object_key()?;
                        }
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    let decoded = self.string()?;
                    (Kind::String, start, Some(decoded))
                }
                Some(b'-' | b'0'..=b'9') => {
                    self.number()?;
                    (Kind::Number, start, None)
                }
                Some(b't') => {
                    self.literal("true")?;
                    (Kind::Bool, start, None)
                }
                Some(b'f') => {
                    self.literal("false")?;
                    (Kind::Bool, start, None)
                }
                Some(b'n') => {
                    self.literal("null")?;
                    (Kind::Null, start, None)
                }
                Some(_) => return Err(self.invalid("looking for beginning of value")),
            };
            // A value is complete; close every container it completes.
            loop {
                match stack.as_slice() {
                    [] => top = (kind, value_start),
                    [(Container::Array, _)] => items.push(Item {
                        kind,
                        start: value_start,
                        end: self.pos,
                        text: text.take(),
                    }),
                    _ => {}
                }
                self.skip_ws();
                let Some(&(container, container_start)) = stack.last() else {
                    if self.pos < self.bytes.len() {
                        return Err(self.invalid("after top-level value"));
                    }
                    return Ok((top.0, top.1, items));
                };
                match (container, self.peek()) {
                    (_, None) => return Err(self.eof()),
                    (Container::Array, Some(b',')) => {
                        self.pos += 1;
                        self.skip_ws();
                        continue 'value;
                    }
                    (Container::Object, Some(b',')) => {
                        self.pos += 1;
                        self.skip_ws();
                        self.object_key()?;
                        continue 'value;
                    }
                    (Container::Array, Some(b']')) | (Container::Object, Some(b'}')) => {
                        self.pos += 1;
                        stack.pop();
                        kind = if container == Container::Array {
                            Kind::Array
                        } else {
                            Kind::Object
                        };
                        value_start = container_start;
                        text = None;
                    }
                    (Container::Array, Some(_)) => {
                        return Err(self.invalid("after array element"));
                    }
                    (Container::Object, Some(_)) => {
                        return Err(self.invalid("after object key:value pair"));
                    }
                }
            }
        }
    }

    /// A key string, the colon, and the whitespace before the value.
    fn object_key(&mut self) -> Result<(), JsonError> {
        if self.peek() != Some(b'"') {
            return Err(self.invalid("looking for beginning of object key string"));
        }
        self.string()?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.invalid("after object key"));
        }
        self.pos += 1;
        self.skip_ws();
        Ok(())
    }

    /// A string token starting at the opening quote; returns the decoded text.
    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self
                .text
                .get(self.pos..)
                .and_then(|rest| rest.chars().next())
            else {
                return Err(self.eof());
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                '\\' => {
                    self.pos += 1;
                    let Some(escape) = self.peek() else {
                        return Err(self.eof());
                    };
                    let decoded = match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            self.pos += 1;
                            let unit = self.hex4()?;
                            out.push(self.utf16(unit));
                            continue;
                        }
                        _ => return Err(self.invalid("in string escape code")),
                    };
                    self.pos += 1;
                    out.push(decoded);
                }
                c if u32::from(c) < 0x20 => return Err(self.invalid("in string literal")),
                c => {
                    self.pos += c.len_utf8();
                    out.push(c);
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u16, JsonError> {
        let mut unit: u16 = 0;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(b) if b.is_ascii_hexdigit() => char::from(b).to_digit(16).unwrap_or(0),
                Some(_) => return Err(self.invalid("in \\u hexadecimal character escape")),
                None => return Err(self.eof()),
            };
            // Four hex digits always fit in 16 bits.
            unit = (unit << 4) | u16::try_from(digit).unwrap_or(0);
            self.pos += 1;
        }
        Ok(unit)
    }

    /// A `\uXXXX` unit after decoding, pairing surrogates when a second `\uXXXX` follows; lone
    /// surrogates become U+FFFD as in Go.
    fn utf16(&mut self, unit: u16) -> char {
        if (0xD800..0xDC00).contains(&unit)
            && self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u")
            && self
                .bytes
                .get(self.pos + 2..self.pos + 6)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
        {
            let save = self.pos;
            self.pos += 2;
            if let Ok(low) = self.hex4()
                && (0xDC00..0xE000).contains(&low)
            {
                let code = 0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                return char::from_u32(code).unwrap_or('\u{FFFD}');
            }
            self.pos = save;
        }
        char::from_u32(u32::from(unit)).unwrap_or('\u{FFFD}')
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Result<(), JsonError> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.invalid("in numeric literal")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.invalid("after decimal point in numeric literal"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.invalid("in exponent of numeric literal"));
            }
        }
        Ok(())
    }

    fn literal(&mut self, word: &'static str) -> Result<(), JsonError> {
        for expected in word.bytes() {
            match self.peek() {
                Some(b) if b == expected => self.pos += 1,
                // The first byte was already seen; Go names the byte it expected next.
                Some(_) => {
                    return Err(self.invalid(&format!(
                        "in literal {word} (expecting {})",
                        quote_char(char::from(expected))
                    )));
                }
                None => return Err(self.eof()),
            }
        }
        Ok(())
    }
}

/// Go's `quoteChar` in encoding/json: `'x'`, with `'\''` and `'"'` special-cased and anything
/// unprintable escaped as `strconv.Quote` does.
fn quote_char(c: char) -> String {
    match c {
        '\'' => r"'\''".to_owned(),
        '"' => "'\"'".to_owned(),
        '\u{7}' => r"'\a'".to_owned(),
        '\u{8}' => r"'\b'".to_owned(),
        '\u{c}' => r"'\f'".to_owned(),
        '\n' => r"'\n'".to_owned(),
        '\r' => r"'\r'".to_owned(),
        '\t' => r"'\t'".to_owned(),
        '\u{b}' => r"'\v'".to_owned(),
        c if u32::from(c) < 0x80 && c.is_control() => format!("'\\x{:02x}'", u32::from(c)),
        c if c.is_control() || c == '\u{feff}' || c == '\u{a0}' => {
            format!("'\\u{:04x}'", u32::from(c))
        }
        c => format!("'{c}'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pool_index_answers_as_a_scan_in_declaration_order() {
        use crate::model::pool::{Field, PoolSource};
        use crate::source::Span;
        let loc = Loc::new(0, Span { start: 0, end: 1 });
        let pool = |name: &str, cidr: &str| {
            let mut pool = Pool::new(PoolSource::V3, loc);
            pool.name = Field::Set(Spanned {
                value: name.to_owned(),
                loc,
            });
            pool.cidr = Field::Set(Spanned {
                value: cidr.to_owned(),
                loc,
            });
            pool
        };
        let pools = [
            pool("a", "10.0.0.0/16"),
            pool("b", "10.0.0.0/8"),
            pool("a", "10.9.0.0/16"),
            pool("c", "10.0.4.0/24"),
            pool("d", "10.0.0.0/16"),
            pool("e", "192.168.1.0/24"),
        ];
        let index = PoolIndex::new(pools.iter());
        let name = |p: Option<&Pool>| p.and_then(|p| p.name.value().cloned());
        assert_eq!(name(index.named("a")), Some("a".to_owned()));
        assert!(std::ptr::eq(index.named("a").unwrap(), &pools[0]));
        let net = |text: &str| text.parse::<IpNet>().unwrap();
        let exact: Vec<_> = index
            .with_cidr(&net("10.0.0.0/16"))
            .map(|p| name(Some(p)))
            .collect();
        assert_eq!(exact, [Some("a".to_owned()), Some("d".to_owned())]);
        // Inside a, b and c: a, declared first, as a scan would find it.
        assert_eq!(
            name(index.first_overlapping(&net("10.0.4.0/25"))),
            Some("a".to_owned())
        );
        assert_eq!(
            name(index.first_overlapping(&net("10.9.0.0/24"))),
            Some("b".to_owned())
        );
        // Containing e only.
        assert_eq!(
            name(index.first_overlapping(&net("192.168.0.0/16"))),
            Some("e".to_owned())
        );
        assert_eq!(index.first_overlapping(&net("172.16.0.0/12")), None);
    }

    fn ok(value: &str) -> Vec<String> {
        parse_string_list(value)
            .unwrap_or_else(|e| panic!("{value}: {e:?}"))
            .into_iter()
            .map(|s| s.text)
            .collect()
    }

    fn err(value: &str) -> (String, usize) {
        let e = parse_string_list(value).expect_err(value);
        (e.message, e.offset)
    }

    #[test]
    fn decodes_what_go_decodes() {
        assert_eq!(ok(r#"["a","b"]"#), ["a", "b"]);
        assert_eq!(ok(" [ \"a\" ,\n\"b\" ] \r\n"), ["a", "b"]);
        assert_eq!(ok("[]"), Vec::<String>::new());
        assert_eq!(ok("null"), Vec::<String>::new());
        assert_eq!(ok(" null "), Vec::<String>::new());
        assert_eq!(ok(r#"[null, "x"]"#), ["", "x"]);
        assert_eq!(ok(r#"["\u0041\"\\\/\n"]"#), ["A\"\\/\n"]);
        assert_eq!(ok(r#"["\ud83d\ude00"]"#), ["😀"]);
        assert_eq!(ok(r#"["\ud83d"]"#), ["\u{FFFD}"]);
        assert_eq!(ok(r#"["é"]"#), ["é"]);
    }

    #[test]
    fn ranges_point_inside_the_quotes() {
        let list = parse_string_list(r#"[ "ab", "", null ]"#).unwrap_or_default();
        assert_eq!(list.len(), 3);
        assert_eq!(
            (list[0].token.clone(), list[0].content.clone()),
            (2..6, 3..5)
        );
        assert_eq!(
            (list[1].token.clone(), list[1].content.clone()),
            (8..10, 9..9)
        );
        assert_eq!(list[2].token, 12..16);
        assert!(list[2].null);
    }

    #[test]
    fn syntax_errors_read_like_go() {
        assert_eq!(
            err("[extra-ippool]"),
            (
                "invalid character 'e' looking for beginning of value".to_owned(),
                1
            )
        );
        assert_eq!(
            err(r#"["a",]"#),
            (
                "invalid character ']' looking for beginning of value".to_owned(),
                5
            )
        );
        assert_eq!(
            err(r#"["a" "b"]"#),
            ("invalid character '\"' after array element".to_owned(), 5)
        );
        assert_eq!(
            err(r#"["a""#),
            ("unexpected end of JSON input".to_owned(), 4)
        );
        assert_eq!(err(""), ("unexpected end of JSON input".to_owned(), 0));
        assert_eq!(
            err(r#"["a"] x"#),
            ("invalid character 'x' after top-level value".to_owned(), 6)
        );
        assert_eq!(
            err(r"['a']"),
            (
                r"invalid character '\'' looking for beginning of value".to_owned(),
                1
            )
        );
        assert_eq!(
            err(r#"["\q"]"#),
            ("invalid character 'q' in string escape code".to_owned(), 3)
        );
        assert_eq!(
            err("[\"a\nb\"]"),
            (r"invalid character '\n' in string literal".to_owned(), 3)
        );
        assert_eq!(
            err("[nul]"),
            (
                "invalid character ']' in literal null (expecting 'l')".to_owned(),
                4
            )
        );
        assert_eq!(
            err("[01]"),
            ("invalid character '1' after array element".to_owned(), 2)
        );
        assert_eq!(
            err("[1.]"),
            (
                "invalid character ']' after decimal point in numeric literal".to_owned(),
                3
            )
        );
        assert_eq!(
            err(r#"{"a" 1}"#),
            ("invalid character '1' after object key".to_owned(), 5)
        );
        assert_eq!(
            err(r#"[{"a":1 "b"}]"#),
            (
                "invalid character '\"' after object key:value pair".to_owned(),
                8
            )
        );
    }

    #[test]
    fn syntax_wins_over_type_errors() {
        assert_eq!(
            err(r#"[1, "a", ]"#),
            (
                "invalid character ']' looking for beginning of value".to_owned(),
                9
            )
        );
    }

    #[test]
    fn type_errors_read_like_go() {
        assert_eq!(
            err(r#""a""#),
            (
                "json: cannot unmarshal string into Go value of type []string".to_owned(),
                0
            )
        );
        assert_eq!(
            err(r#" {"a": ["b"]}"#),
            (
                "json: cannot unmarshal object into Go value of type []string".to_owned(),
                1
            )
        );
        assert_eq!(
            err(r#"["a", 1, true]"#),
            (
                "json: cannot unmarshal number into Go value of type string".to_owned(),
                6
            )
        );
        assert_eq!(
            err(r#"[["a"]]"#),
            (
                "json: cannot unmarshal array into Go value of type string".to_owned(),
                1
            )
        );
        assert_eq!(
            err("true"),
            (
                "json: cannot unmarshal bool into Go value of type []string".to_owned(),
                0
            )
        );
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let deep = "[".repeat(200_000);
        assert_eq!(err(&deep).0, "exceeded max depth");
        let fine = format!("{}{}", "[".repeat(500), "]".repeat(500));
        assert_eq!(
            err(&format!("[{fine}]")).0,
            "json: cannot unmarshal array into Go value of type string"
        );
    }

    #[test]
    fn ips_are_read_like_go() {
        assert_eq!(parse_ip("10.0.0.1").map(|(_, f)| f), Some(Family::V4));
        assert_eq!(
            parse_ip("::ffff:10.0.0.1").map(|(_, f)| f),
            Some(Family::V4)
        );
        assert_eq!(parse_ip("fd00::1").map(|(_, f)| f), Some(Family::V6));
        assert!(parse_ip("10.0.0.1/32").is_none());
        assert!(parse_ip("010.0.0.1").is_none());
        assert!(parse_ip("").is_none());
    }

    #[test]
    fn keys_round_trip() {
        for key in CniKey::ALL {
            assert_eq!(CniKey::from_key(key.key()), Some(key));
            assert_eq!(key.key(), format!("{CNI_PREFIX}/{}", key.name()));
        }
        assert_eq!(CniKey::from_key("cni.projectcalico.org/ipv4Pools"), None);
    }
}

//! The one pool model every pool source becomes (CONTRACT §5, last paragraph): each field keeps
//! what was written (value or wrong-typed value), and where, so rules can both judge the value
//! and point at it. Calico's defaults (calico-reference §1.3) are methods, never stored, so a
//! rule can tell "omitted" from "written as the default".

use std::sync::OnceLock;

use ipnet::IpNet;

use super::cidr::{self, Family};
use super::selector::Selector;
use crate::source::{Loc, Span};

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub loc: Loc,
}

/// A value of the wrong YAML type where the schema wants another, e.g. `blockSize: "26"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrongType {
    pub loc: Loc,
    pub expected: &'static str,
    /// What was found, for messages: `string "26"`, `boolean true`, `a list`.
    pub found: String,
}

/// One field of a pool as written.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Field<T> {
    /// Not written, or written as null (which the API server treats the same).
    #[default]
    Absent,
    Set(Spanned<T>),
    /// Boxed: rare, and three times the size of a set value, which every field of every pool
    /// would otherwise pay for.
    WrongType(Box<WrongType>),
}

impl<T> Field<T> {
    /// The same field with its value on the heap (a pool's selectors: large and often absent).
    pub fn boxed(self) -> Field<Box<T>> {
        match self {
            Field::Absent => Field::Absent,
            Field::Set(Spanned { value, loc }) => Field::Set(Spanned {
                value: Box::new(value),
                loc,
            }),
            Field::WrongType(wrong) => Field::WrongType(wrong),
        }
    }

    pub fn value(&self) -> Option<&T> {
        match self {
            Field::Set(spanned) => Some(&spanned.value),
            _ => None,
        }
    }

    pub fn spanned(&self) -> Option<&Spanned<T>> {
        match self {
            Field::Set(spanned) => Some(spanned),
            _ => None,
        }
    }

    /// Where the value is, whether it is well-typed or not.
    pub fn loc(&self) -> Option<Loc> {
        match self {
            Field::Absent => None,
            Field::Set(spanned) => Some(spanned.loc),
            Field::WrongType(wrong) => Some(wrong.loc),
        }
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, Field::Absent)
    }
}

/// Which kind of declaration a pool came from (CONTRACT §5, last paragraph).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolSource {
    /// `crd.projectcalico.org/v1` IPPool (the KDD storage form).
    CrdV1,
    /// `projectcalico.org/v3` IPPool.
    V3,
    /// An entry of operator `Installation.spec.calicoNetwork.ipPools` (calico-reference §7.1).
    Installation,
    /// The default pool calico-node creates from `CALICO_IPV4POOL_*`/`CALICO_IPV6POOL_*` (§7.2).
    CalicoNodeEnv,
    /// kubespray `calico_pool_*` group_vars (§7.3).
    Kubespray,
}

impl PoolSource {
    /// An IPPool resource, whose fields and types the IPPool schema rules (IPP014, IPP016,
    /// IPP017) judge; other sources have their own value checks (IPP301, IPP302).
    pub fn is_resource(self) -> bool {
        matches!(self, PoolSource::CrdV1 | PoolSource::V3)
    }

    /// How messages name a pool of this source.
    pub fn noun(self) -> &'static str {
        match self {
            PoolSource::CrdV1 | PoolSource::V3 => "IPPool",
            PoolSource::Installation => "Installation ipPool",
            PoolSource::CalicoNodeEnv => "calico-node pool",
            PoolSource::Kubespray => "kubespray pool",
        }
    }
}

/// A `nodeSelector`/`namespaceSelector` value, parsed where it was loaded so a syntax error can
/// point at the exact character of the source (quoting and escapes accounted for).
#[derive(Debug, Clone, PartialEq)]
pub struct SelectorField {
    pub text: String,
    pub parsed: Result<Selector, SelectorFault>,
    /// A YAML tag on the value. An unquoted `!all()` is read by YAML as the tag `!all()` on an
    /// empty string (projectcalico/calico#2385), so the selector Calico sees is not the one written.
    pub yaml_tag: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorFault {
    pub message: String,
    /// The offending character, or the whole value when it cannot be mapped exactly.
    pub loc: Loc,
}

/// A key written under `spec`, known or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecKey {
    pub name: String,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct LegacyFields {
    /// `spec.ipip` as written: `Some(true)` when non-null.
    pub ipip: Option<Spanned<bool>>,
    /// `spec.nat-outgoing` as written.
    pub nat_outgoing: Field<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pool {
    pub source: PoolSource,
    /// For pools that are not IPPool resources: the object that declares them, as findings name
    /// objects (`Installation/default`); `None` for IPPools and for files that are not objects.
    pub declared_by: Option<String>,
    /// `metadata.name`.
    pub name: Field<String>,
    /// Where to point when the problem is a missing field: the `spec` key, else the `kind` value.
    pub anchor: Loc,
    /// Every key under `spec`, in order, for the unknown- and legacy-field rules.
    pub spec_keys: Vec<SpecKey>,
    pub cidr: Field<String>,
    pub block_size: Field<i64>,
    pub ipip_mode: Field<String>,
    pub vxlan_mode: Field<String>,
    pub nat_outgoing: Field<bool>,
    pub disabled: Field<bool>,
    pub disable_bgp_export: Field<bool>,
    pub node_selector: Field<Box<SelectorField>>,
    pub namespace_selector: Field<Box<SelectorField>>,
    pub allowed_uses: Field<Vec<Spanned<String>>>,
    pub assignment_mode: Field<String>,
    pub legacy: LegacyFields,
    /// `cidr` parsed on first use: rules ask for it once per pool per reference, which with 100k
    /// pools made CIDR parsing a tenth of a run. `cidr` is written while the pool is built, and
    /// after that only through [`Pool::rewrite_cidr`].
    parsed_cidr: ParsedCidr,
}

/// A cache, not part of the pool's value: two pools are equal whether or not either has parsed
/// its CIDR yet.
#[derive(Debug, Clone, Default)]
struct ParsedCidr(OnceLock<Option<IpNet>>);

impl PartialEq for ParsedCidr {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Encapsulation modes (P9): exact, case-sensitive.
pub const ENCAPSULATION_MODES: [&str; 3] = ["Never", "Always", "CrossSubnet"];
pub const ALLOWED_USES: [&str; 3] = ["Workload", "Tunnel", "LoadBalancer"];
pub const ASSIGNMENT_MODES: [&str; 2] = ["Automatic", "Manual"];

impl Pool {
    pub fn new(source: PoolSource, anchor: Loc) -> Self {
        Self {
            source,
            declared_by: None,
            name: Field::Absent,
            anchor,
            spec_keys: Vec::new(),
            cidr: Field::Absent,
            block_size: Field::Absent,
            ipip_mode: Field::Absent,
            vxlan_mode: Field::Absent,
            nat_outgoing: Field::Absent,
            disabled: Field::Absent,
            disable_bgp_export: Field::Absent,
            node_selector: Field::Absent,
            namespace_selector: Field::Absent,
            allowed_uses: Field::Absent,
            assignment_mode: Field::Absent,
            legacy: LegacyFields::default(),
            parsed_cidr: ParsedCidr::default(),
        }
    }

    /// The object findings name: `IPPool/<name>`, or the declaring object for other sources
    /// (`Installation/default`, `DaemonSet/kube-system/calico-node`).
    pub fn object(&self) -> String {
        match (&self.declared_by, self.name.value()) {
            (Some(owner), _) => owner.clone(),
            (None, Some(name)) => format!("IPPool/{name}"),
            (None, None) => "IPPool".to_owned(),
        }
    }

    /// How messages name the pool: `IPPool extra-ippool`, `Installation ipPool default-ipv4-ippool`.
    pub fn display_name(&self) -> String {
        match self.name.value() {
            Some(name) => format!("{} {name}", self.source.noun()),
            None => format!("{} (unnamed)", self.source.noun()),
        }
    }

    /// Replaces a written CIDR's text (calico-node's default, once a kubeadm podSubnet is known)
    /// and forgets the parsed one, so a cache filled before the rewrite cannot go stale.
    pub fn rewrite_cidr(&mut self, text: &str) {
        if let Field::Set(cidr) = &mut self.cidr {
            cidr.value.clear();
            cidr.value.push_str(text);
            self.parsed_cidr = ParsedCidr::default();
        }
    }

    /// The CIDR as written, when it parses (host bits possibly set).
    pub fn cidr_net(&self) -> Option<IpNet> {
        *self
            .parsed_cidr
            .0
            .get_or_init(|| cidr::parse(self.cidr.value()?).ok())
    }

    pub fn family(&self) -> Option<Family> {
        self.cidr_net().map(|net| Family::of(&net))
    }

    /// blockSize as Calico uses it: the written value unless 0 or absent, then 26/122.
    pub fn effective_block_size(&self) -> Option<i64> {
        match self.block_size.value() {
            Some(&size) if size != 0 => Some(size),
            _ => self.family().map(|f| i64::from(f.default_block_size())),
        }
    }

    pub fn is_disabled(&self) -> bool {
        self.disabled.value() == Some(&true)
    }

    /// Calico defaults empty modes to `Never`; a mode is "enabled" when Always or CrossSubnet.
    pub fn ipip_enabled(&self) -> bool {
        mode_enabled(&self.ipip_mode)
    }

    pub fn vxlan_enabled(&self) -> bool {
        mode_enabled(&self.vxlan_mode)
    }

    /// allowedUses after defaulting: `[Workload, Tunnel]` when absent or empty.
    pub fn effective_allowed_uses(&self) -> Vec<&str> {
        match self.allowed_uses.value() {
            Some(uses) if !uses.is_empty() => uses.iter().map(|u| u.value.as_str()).collect(),
            _ => vec!["Workload", "Tunnel"],
        }
    }

    pub fn allows_use(&self, wanted: &str) -> bool {
        self.effective_allowed_uses().contains(&wanted)
    }

    /// nodeSelector after defaulting: `all()` when absent or empty.
    pub fn effective_node_selector(&self) -> &str {
        match self.node_selector.value() {
            Some(field) if !field.text.is_empty() => &field.text,
            _ => "all()",
        }
    }

    pub fn assignment_mode_or_default(&self) -> &str {
        self.assignment_mode
            .value()
            .map_or("Automatic", String::as_str)
    }
}

/// How an operator `Installation` ipPool spells an IPPool field (calico-reference §7.1).
pub fn installation_field(field: &str) -> &str {
    match field {
        "ipipMode" | "vxlanMode" => "encapsulation",
        "disabled" => "disableNewAllocations",
        "metadata.name" => "name",
        _ => field,
    }
}

fn mode_enabled(field: &Field<String>) -> bool {
    matches!(
        field.value().map(String::as_str),
        Some("Always" | "CrossSubnet")
    )
}

impl<T> Spanned<T> {
    /// The source place of bytes `start..end` of the scalar's value `text`, when the value can be
    /// mapped onto the source without the loader's help: a plain scalar written exactly as its
    /// value, or a one-line quoted scalar without escapes (every YAML transformation — escapes,
    /// `''`, line folding, block headers, tags — makes the source longer than the value, so equal
    /// lengths mean none happened). Otherwise the whole scalar.
    pub fn loc_within(&self, text: &str, start: usize, end: usize) -> Loc {
        let span = self.loc.span();
        let written = span.end.saturating_sub(span.start);
        let opening = if written == text.len() {
            0
        } else if written == text.len() + 2 {
            1
        } else {
            return self.loc;
        };
        if start > end || end > text.len() {
            return self.loc;
        }
        Loc::new(
            self.loc.source,
            Span {
                start: span.start + opening + start,
                end: span.start + opening + end,
            },
        )
    }
}

/// A wrong-typed field, with the path users know it by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrongTypeAt<'a> {
    /// `metadata.name`, `spec.blockSize`, `spec.allowedUses`, ...
    pub path: &'static str,
    pub wrong: &'a WrongType,
}

impl Pool {
    /// Every field written with the wrong YAML type, in document order of the model's fields.
    /// For `allowedUses` this is the list itself or its first wrong item (`expected` tells which).
    pub fn wrong_types(&self) -> Vec<WrongTypeAt<'_>> {
        let fields: [(&'static str, Option<&WrongType>); 13] = [
            ("metadata.name", self.name.wrong_type()),
            ("spec.cidr", self.cidr.wrong_type()),
            ("spec.blockSize", self.block_size.wrong_type()),
            ("spec.ipipMode", self.ipip_mode.wrong_type()),
            ("spec.vxlanMode", self.vxlan_mode.wrong_type()),
            ("spec.natOutgoing", self.nat_outgoing.wrong_type()),
            ("spec.disabled", self.disabled.wrong_type()),
            (
                "spec.disableBGPExport",
                self.disable_bgp_export.wrong_type(),
            ),
            ("spec.nodeSelector", self.node_selector.wrong_type()),
            (
                "spec.namespaceSelector",
                self.namespace_selector.wrong_type(),
            ),
            ("spec.allowedUses", self.allowed_uses.wrong_type()),
            ("spec.assignmentMode", self.assignment_mode.wrong_type()),
            ("spec.nat-outgoing", self.legacy.nat_outgoing.wrong_type()),
        ];
        let mut found: Vec<WrongTypeAt<'_>> = fields
            .into_iter()
            .filter_map(|(path, wrong)| wrong.map(|wrong| WrongTypeAt { path, wrong }))
            .collect();
        found.sort_by_key(|at| (at.wrong.loc.source, at.wrong.loc.span().start));
        found
    }
}

impl<T> Field<T> {
    /// The wrong-typed value, if that is what was written.
    pub fn wrong_type(&self) -> Option<&WrongType> {
        match self {
            Field::WrongType(wrong) => Some(&**wrong),
            _ => None,
        }
    }
}

impl Pool {
    /// How this pool's source spells an IPPool field, for messages and helps: `ipipMode` is
    /// `encapsulation` in an Installation, `CALICO_IPV4POOL_IPIP` for calico-node and
    /// `calico_ipip_mode` for kubespray. Fields a source does not have keep their IPPool name.
    pub fn field_name(&self, field: &str) -> String {
        let v6 = self.family() == Some(Family::V6);
        match self.source {
            PoolSource::CrdV1 | PoolSource::V3 => field.to_owned(),
            PoolSource::Installation => installation_field(field).to_owned(),
            PoolSource::CalicoNodeEnv => {
                let suffix = match field {
                    "cidr" => "CIDR",
                    "blockSize" => "BLOCK_SIZE",
                    "ipipMode" => "IPIP",
                    "vxlanMode" => "VXLAN",
                    "natOutgoing" => "NAT_OUTGOING",
                    "nodeSelector" => "NODE_SELECTOR",
                    "disableBGPExport" => "DISABLE_BGP_EXPORT",
                    _ => return field.to_owned(),
                };
                format!("CALICO_IPV{}POOL_{suffix}", if v6 { 6 } else { 4 })
            }
            PoolSource::Kubespray => {
                let base = match field {
                    "metadata.name" => return "calico_pool_name".to_owned(),
                    "cidr" => "calico_pool_cidr",
                    "blockSize" => "calico_pool_blocksize",
                    "ipipMode" => "calico_ipip_mode",
                    "vxlanMode" => "calico_vxlan_mode",
                    "natOutgoing" => "nat_outgoing",
                    _ => return field.to_owned(),
                };
                format!("{base}{}", if v6 { "_ipv6" } else { "" })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    #[test]
    fn a_rewritten_cidr_is_parsed_again() {
        let loc = Loc::new(0, Span { start: 0, end: 1 });
        let mut pool = Pool::new(PoolSource::CalicoNodeEnv, loc);
        pool.cidr = Field::Set(Spanned {
            value: "192.168.0.0/16".to_owned(),
            loc,
        });
        assert_eq!(pool.cidr_net(), "192.168.0.0/16".parse().ok());
        pool.rewrite_cidr("10.244.0.0/16");
        assert_eq!(pool.cidr_net(), "10.244.0.0/16".parse().ok());
    }
}

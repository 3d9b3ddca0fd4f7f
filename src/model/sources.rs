//! Pool declarations that are not IPPool resources, as written: operator `Installation` ipPools
//! (calico-reference §7.1), calico-node `CALICO_IPV*POOL_*` env (§7.2) and kubespray group_vars
//! (§7.3). Owns what each source means: how the operator names and defaults its pools, how
//! calico-node reads its environment, how kubespray defaults its vars; and the mapping of each
//! declaration onto the one [`Pool`] model, which the pool rules judge. The faults only a source
//! has (values calico-node dies on, values the operator rejects) are judged by IPP301 and IPP302
//! from the facts kept here. Pure: no YAML, no I/O, no findings.

use std::collections::HashMap;

use ipnet::IpNet;

use super::cidr::{self, Family};
use super::pool::{Field, Pool, PoolSource, SelectorFault, SelectorField, Spanned, SpecKey};
use crate::source::Loc;

/// Raw facts of the non-IPPool pool sources, for their own checks and for building their pools.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceFacts {
    pub installations: Vec<Installation>,
    pub calico_node: Vec<CalicoNodeEnv>,
    /// One entry per group_vars file recognised as kubespray's, in input order.
    pub kubespray: Vec<KubesprayVars>,
}

impl SourceFacts {
    pub fn is_empty(&self) -> bool {
        let SourceFacts {
            installations,
            calico_node,
            kubespray,
        } = self;
        installations.is_empty() && calico_node.is_empty() && kubespray.is_empty()
    }

    pub fn merge(&mut self, other: SourceFacts) {
        let SourceFacts {
            installations,
            calico_node,
            kubespray,
        } = other;
        self.installations.extend(installations);
        self.calico_node.extend(calico_node);
        self.kubespray.extend(kubespray);
    }
}

// ---------------------------------------------------------------------------------------------
// Operator Installation (§7.1)
// ---------------------------------------------------------------------------------------------

/// `spec.calicoNetwork.ipPools` has `maxItems: 25` in the Installation CRD.
pub const MAX_INSTALLATION_POOLS: usize = 25;
/// The operator's `encapsulation` enum, in its own order.
pub const ENCAPSULATIONS: [&str; 5] = [
    "IPIPCrossSubnet",
    "IPIP",
    "VXLAN",
    "VXLANCrossSubnet",
    "None",
];
pub const NAT_OUTGOING_VALUES: [&str; 2] = ["Enabled", "Disabled"];
/// The fields of an operator `IPPool` entry.
pub const INSTALLATION_POOL_FIELDS: [&str; 10] = [
    "name",
    "cidr",
    "encapsulation",
    "natOutgoing",
    "nodeSelector",
    "blockSize",
    "disableBGPExport",
    "disableNewAllocations",
    "allowedUses",
    "assignmentMode",
];
/// The names the operator gives the default pools of each family.
pub const DEFAULT_IPV4_POOL_NAME: &str = "default-ipv4-ippool";
pub const DEFAULT_IPV6_POOL_NAME: &str = "default-ipv6-ippool";

/// An operator `Installation` (`operator.tigera.io/v1`) and what its pools depend on.
#[derive(Debug, Clone, PartialEq)]
pub struct Installation {
    /// `Installation/<metadata.name>`.
    pub object: String,
    /// The `kind` value, for findings about the object as a whole.
    pub kind: Loc,
    /// The `spec.calicoNetwork.ipPools` key, when written.
    pub ip_pools: Option<Loc>,
    pub pools: Vec<InstallationPool>,
    /// `spec.kubernetesProvider`, `spec.cni.type`, `spec.cni.ipam.type`,
    /// `spec.calicoNetwork.bgp` and `spec.calicoNetwork.clusterRoutingMode` as written.
    pub provider: Option<Spanned<String>>,
    pub cni_type: Option<Spanned<String>>,
    pub ipam_type: Option<Spanned<String>>,
    pub bgp: Option<Spanned<String>>,
    pub cluster_routing_mode: Option<Spanned<String>>,
}

/// One entry of `spec.calicoNetwork.ipPools`, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct InstallationPool {
    /// The entry's first key: where findings about the entry as a whole point.
    pub anchor: Loc,
    /// Every key of the entry, for unknown fields.
    pub keys: Vec<SpecKey>,
    pub name: Field<String>,
    pub cidr: Field<String>,
    pub encapsulation: Field<String>,
    pub nat_outgoing: Field<String>,
    pub node_selector: Field<SelectorField>,
    pub block_size: Field<i64>,
    pub disable_bgp_export: Field<bool>,
    pub disable_new_allocations: Field<bool>,
    pub allowed_uses: Field<Vec<Spanned<String>>>,
    pub assignment_mode: Field<String>,
}

impl InstallationPool {
    pub fn new(anchor: Loc) -> Self {
        Self {
            anchor,
            keys: Vec::new(),
            name: Field::Absent,
            cidr: Field::Absent,
            encapsulation: Field::Absent,
            nat_outgoing: Field::Absent,
            node_selector: Field::Absent,
            block_size: Field::Absent,
            disable_bgp_export: Field::Absent,
            disable_new_allocations: Field::Absent,
            allowed_uses: Field::Absent,
            assignment_mode: Field::Absent,
        }
    }

    /// The CIDR as written, when Go's `net.ParseCIDR` (the operator's parser) accepts it.
    pub fn net(&self) -> Option<IpNet> {
        cidr::parse(self.cidr.value()?).ok()
    }

    pub fn family(&self) -> Option<Family> {
        self.net().map(|net| Family::of(&net))
    }

    /// A name the operator keeps: a non-empty string (an empty one is derived like a missing one).
    pub fn written_name(&self) -> Option<&Spanned<String>> {
        self.name.spanned().filter(|name| !name.value.is_empty())
    }

    pub fn allows_load_balancer(&self) -> bool {
        self.allowed_uses
            .value()
            .is_some_and(|uses| uses.iter().any(|u| u.value == "LoadBalancer"))
    }

    pub fn disables_new_allocations(&self) -> bool {
        self.disable_new_allocations.value() == Some(&true)
    }
}

/// How an Installation's pool will be encapsulated once the operator has defaulted it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EffectiveEncapsulation<'a> {
    pub value: &'a str,
    /// Where it was written; `None` when it is the operator's default.
    pub loc: Option<Loc>,
}

impl Installation {
    fn provider(&self) -> &str {
        self.provider.as_ref().map_or("", |p| p.value.as_str())
    }

    /// `spec.cni.type` once defaulted: written, else by provider (AKS, EKS, GKE have their own).
    pub fn cni(&self) -> &str {
        match &self.cni_type {
            Some(cni) => &cni.value,
            None => match self.provider() {
                "AKS" => "AzureVNET",
                "EKS" => "AmazonVPC",
                "GKE" => "GKE",
                _ => "Calico",
            },
        }
    }

    pub fn cni_is_calico(&self) -> bool {
        self.cni() == "Calico"
    }

    /// `spec.cni.ipam.type` once defaulted from the CNI plugin.
    pub fn ipam(&self) -> &str {
        match &self.ipam_type {
            Some(ipam) => &ipam.value,
            None => match self.cni() {
                "AzureVNET" => "AzureVNET",
                "AmazonVPC" => "AmazonVPC",
                "GKE" => "HostLocal",
                _ => "Calico",
            },
        }
    }

    /// `spec.calicoNetwork.bgp` once defaulted: Enabled with Calico CNI (except on EKS).
    pub fn bgp_enabled(&self) -> bool {
        match &self.bgp {
            Some(bgp) => bgp.value == "Enabled",
            None => self.cni_is_calico() && self.provider() != "EKS",
        }
    }

    /// The encapsulation the operator uses for a pool: a valid written value, else IPv4 `IPIP`
    /// with Calico CNI (`None` otherwise), IPv6 `None`. `None` when unknown (an invalid value, or
    /// a CIDR that does not parse).
    pub fn encapsulation<'a>(
        &self,
        pool: &'a InstallationPool,
    ) -> Option<EffectiveEncapsulation<'a>> {
        match &pool.encapsulation {
            Field::Set(written) if ENCAPSULATIONS.contains(&written.value.as_str()) => {
                Some(EffectiveEncapsulation {
                    value: &written.value,
                    loc: Some(written.loc),
                })
            }
            Field::Absent => {
                let value = match pool.family()? {
                    Family::V4 if self.cni_is_calico() => "IPIP",
                    _ => "None",
                };
                Some(EffectiveEncapsulation { value, loc: None })
            }
            _ => None,
        }
    }

    /// The name of each pool once the operator has defaulted it (§7.1): as written; else
    /// `default-ipv4-ippool`/`default-ipv6-ippool` for a single pool or one pool of each family;
    /// else derived from the CIDR. (The operator would also reuse the name of a live pool with
    /// the same CIDR; offline there is none.)
    pub fn effective_names(&self) -> Vec<String> {
        let families: Vec<Option<Family>> =
            self.pools.iter().map(InstallationPool::family).collect();
        let dual_stack =
            families.contains(&Some(Family::V4)) && families.contains(&Some(Family::V6));
        let defaults = self.pools.len() == 1 || (self.pools.len() == 2 && dual_stack);
        self.pools
            .iter()
            .zip(families)
            .map(|(pool, family)| {
                if let Some(name) = pool.written_name() {
                    return name.value.clone();
                }
                if defaults {
                    // Go's `addr.To4() == nil` also holds for a CIDR that does not parse.
                    return if family == Some(Family::V4) {
                        DEFAULT_IPV4_POOL_NAME.to_owned()
                    } else {
                        DEFAULT_IPV6_POOL_NAME.to_owned()
                    };
                }
                pool.net()
                    .map_or_else(String::new, |net| cidr_to_name(&net))
            })
            .collect()
    }

    /// The pools the operator creates, in the one pool model.
    pub fn to_pools(&self) -> Vec<Pool> {
        self.pools
            .iter()
            .zip(self.effective_names())
            .map(|(entry, name)| self.to_pool(entry, name))
            .collect()
    }

    fn to_pool(&self, entry: &InstallationPool, name: String) -> Pool {
        let mut pool = Pool::new(PoolSource::Installation, entry.anchor);
        pool.declared_by = Some(self.object.clone());
        pool.name = match &entry.name {
            Field::Set(written) if !written.value.is_empty() => Field::Set(written.clone()),
            Field::WrongType(wrong) => Field::WrongType(wrong.clone()),
            // Derived from the CIDR (or the pool count): point at the CIDR.
            other => Field::Set(Spanned {
                value: name,
                loc: entry.cidr.loc().or(other.loc()).unwrap_or(entry.anchor),
            }),
        };
        pool.cidr = entry.cidr.clone();
        pool.block_size = entry.block_size.clone();
        if let Field::Set(encapsulation) = &entry.encapsulation {
            let modes = match encapsulation.value.as_str() {
                "IPIP" => Some(("Always", "Never")),
                "IPIPCrossSubnet" => Some(("CrossSubnet", "Never")),
                "VXLAN" => Some(("Never", "Always")),
                "VXLANCrossSubnet" => Some(("Never", "CrossSubnet")),
                "None" => Some(("Never", "Never")),
                // Not in the enum: IPP302's to report; the modes stay unknown.
                _ => None,
            };
            if let Some((ipip, vxlan)) = modes {
                let at = |mode: &str| {
                    Field::Set(Spanned {
                        value: mode.to_owned(),
                        loc: encapsulation.loc,
                    })
                };
                pool.ipip_mode = at(ipip);
                pool.vxlan_mode = at(vxlan);
            }
        }
        if let Field::Set(nat) = &entry.nat_outgoing {
            let value = match nat.value.as_str() {
                "Enabled" => Some(true),
                "Disabled" => Some(false),
                _ => None,
            };
            if let Some(value) = value {
                pool.nat_outgoing = Field::Set(Spanned {
                    value,
                    loc: nat.loc,
                });
            }
        }
        pool.node_selector = entry.node_selector.clone().boxed();
        pool.disable_bgp_export = entry.disable_bgp_export.clone();
        pool.disabled = entry.disable_new_allocations.clone();
        pool.allowed_uses = entry.allowed_uses.clone();
        pool.assignment_mode = entry.assignment_mode.clone();
        pool
    }
}

/// The operator's name for a pool of this CIDR (`cidrToName`): the network address in expanded
/// form with `:` replaced by `.`, then `-<prefix length>`: `10.0.0.0-16`,
/// `fd00.0000.0000.0000.0000.0000.0000.0000-64`.
pub fn cidr_to_name(net: &IpNet) -> String {
    let network = net.trunc();
    let address = match network {
        IpNet::V4(v4) => v4.network().to_string(),
        IpNet::V6(v6) => v6
            .network()
            .segments()
            .iter()
            .map(|segment| format!("{segment:04x}"))
            .collect::<Vec<_>>()
            .join("."),
    };
    format!("{address}-{}", network.prefix_len())
}

// ---------------------------------------------------------------------------------------------
// calico-node environment (§7.2)
// ---------------------------------------------------------------------------------------------

pub const NO_DEFAULT_POOLS: &str = "NO_DEFAULT_POOLS";
/// calico-node's IPv4 CIDR when neither the env nor a kubeadm podSubnet gives one. (It picks one
/// of 172.16.0.0/16 … 172.31.0.0/16 instead when this overlaps a host address, which only the
/// node knows.)
pub const CALICO_NODE_DEFAULT_IPV4_CIDR: &str = "192.168.0.0/16";

/// True for the variables calico-node reads to create its default pools.
pub fn is_pool_env(name: &str) -> bool {
    name == NO_DEFAULT_POOLS
        || name.starts_with("CALICO_IPV4POOL_")
        || name.starts_with("CALICO_IPV6POOL_")
}

/// A container (typically `calico-node`) whose env configures calico-node's default pools.
#[derive(Debug, Clone, PartialEq)]
pub struct CalicoNodeEnv {
    /// `DaemonSet/<namespace>/<name>`.
    pub object: String,
    /// The container's `name` value; where defaulted pool fields point.
    pub container: Spanned<String>,
    /// Every env entry of the container, in order.
    pub vars: Vec<EnvVar>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnvVar {
    pub name: String,
    pub name_loc: Loc,
    pub value: EnvValue,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EnvValue {
    /// A string `value` (absent or null reads as ""), and where: the value, or the name when it
    /// has none. `selector` is the value parsed as a selector, for `*_NODE_SELECTOR`.
    Text {
        text: String,
        loc: Loc,
        selector: Option<SelectorField>,
    },
    /// A `value` of another YAML type (`value: 26`): the API server rejects the object; its text
    /// is what the author meant.
    NotString {
        text: String,
        found: String,
        loc: Loc,
    },
    /// `valueFrom`: not known from the manifest.
    Unknown,
}

/// What calico-node does with its env: the pools it creates and what it dies on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnvReading {
    pub pools: Vec<EnvPool>,
    pub faults: Vec<EnvFault>,
}

/// A default pool calico-node creates. Fields it would die on stay `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvPool {
    pub family: Family,
    pub name: &'static str,
    /// The CIDR variable's name, else the container name.
    pub name_loc: Loc,
    /// The CIDR with host bits masked (calico-node masks silently), at its value; `None` when
    /// unset: a kubeadm podSubnet, else [`CALICO_NODE_DEFAULT_IPV4_CIDR`] (IPv4 only).
    pub cidr: Option<Spanned<String>>,
    pub block_size: Option<Spanned<i64>>,
    /// Canonical `Never`/`Always`/`CrossSubnet`, at the env value.
    pub ipip_mode: Option<Spanned<String>>,
    pub vxlan_mode: Option<Spanned<String>>,
    pub nat_outgoing: Option<Spanned<bool>>,
    pub disable_bgp_export: Option<Spanned<bool>>,
    pub node_selector: Option<Spanned<SelectorField>>,
}

/// A value calico-node exits on at startup (or that the API server rejects first).
#[derive(Debug, Clone, PartialEq)]
pub enum EnvFault {
    /// `value:` is not a string.
    NotAString {
        var: String,
        text: String,
        found: String,
        loc: Loc,
    },
    /// `NO_DEFAULT_POOLS=true` with a pool CIDR set: "Invalid configuration with NO_DEFAULT_POOLS
    /// defined and CALICO_IPV4POOL_CIDR or CALICO_IPV6POOL_CIDR defined."
    NoDefaultPoolsWithCidr {
        cidr_var: String,
        cidr: Loc,
        no_default_pools: Loc,
    },
    /// Not a CIDR of the variable's family.
    InvalidCidr {
        var: String,
        value: String,
        family: Family,
        loc: Loc,
    },
    BlockSizeNotInteger {
        var: String,
        value: String,
        loc: Loc,
    },
    BlockSizeOutOfRange {
        var: String,
        value: i64,
        family: Family,
        loc: Loc,
    },
    /// Not one of ``/off/never, crosssubnet/cross-subnet, always (any case).
    InvalidMode {
        var: String,
        value: String,
        loc: Loc,
    },
    InvalidSelector {
        var: String,
        value: String,
        fault: SelectorFault,
    },
}

/// calico-node's reading of an IPIP/VXLAN mode variable (`createIPPool`).
pub fn env_mode(value: &str) -> Option<&'static str> {
    match value.to_ascii_lowercase().as_str() {
        "" | "off" | "never" => Some("Never"),
        "crosssubnet" | "cross-subnet" => Some("CrossSubnet"),
        "always" => Some("Always"),
        _ => None,
    }
}

/// calico-node's `evaluateENVBool` for a set variable.
pub fn env_bool(value: &str) -> bool {
    !matches!(
        value.to_ascii_lowercase().as_str(),
        "false" | "0" | "no" | "n" | "f"
    )
}

/// Go's `strconv.Atoi`: an optional sign and decimal digits, nothing else.
fn atoi(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

struct FamilyVars {
    family: Family,
    prefix: &'static str,
    name: &'static str,
    nat_default: bool,
}

const FAMILIES: [FamilyVars; 2] = [
    FamilyVars {
        family: Family::V4,
        prefix: "CALICO_IPV4POOL_",
        name: DEFAULT_IPV4_POOL_NAME,
        nat_default: true,
    },
    FamilyVars {
        family: Family::V6,
        prefix: "CALICO_IPV6POOL_",
        name: DEFAULT_IPV6_POOL_NAME,
        nat_default: false,
    },
];

impl CalicoNodeEnv {
    /// The entry the container gets for `name`: the last one wins.
    pub fn var(&self, name: &str) -> Option<&EnvVar> {
        self.vars.iter().rev().find(|var| var.name == name)
    }

    /// A variable's text and where, as calico-node sees it; `None` when unset or unknown
    /// (`valueFrom`), with `unknown` telling which.
    fn text(&self, name: &str) -> Lookup<'_> {
        match self.var(name).map(|var| &var.value) {
            None => Lookup::Unset,
            Some(EnvValue::Unknown) => Lookup::Unknown,
            Some(EnvValue::Text { text, loc, .. } | EnvValue::NotString { text, loc, .. }) => {
                Lookup::Set(text, *loc)
            }
        }
    }

    /// calico-node's `configureIPPools`/`createIPPool` applied to this env (§7.2).
    pub fn read(&self) -> EnvReading {
        let mut reading = EnvReading::default();
        for var in &self.vars {
            if let (true, EnvValue::NotString { text, found, loc }) =
                (is_pool_env(&var.name), &var.value)
            {
                reading.faults.push(EnvFault::NotAString {
                    var: var.name.clone(),
                    text: text.clone(),
                    found: found.clone(),
                    loc: *loc,
                });
            }
        }
        match self.text(NO_DEFAULT_POOLS) {
            // Unknown: whether any pool is created cannot be told.
            Lookup::Unknown => return reading,
            Lookup::Set(value, no_default_pools) if value.eq_ignore_ascii_case("true") => {
                for cidr_var in ["CALICO_IPV4POOL_CIDR", "CALICO_IPV6POOL_CIDR"] {
                    if let Lookup::Set(cidr, loc) = self.text(cidr_var)
                        && !cidr.is_empty()
                    {
                        reading.faults.push(EnvFault::NoDefaultPoolsWithCidr {
                            cidr_var: cidr_var.to_owned(),
                            cidr: loc,
                            no_default_pools,
                        });
                    }
                }
                return reading;
            }
            _ => {}
        }
        for family in &FAMILIES {
            self.read_family(family, &mut reading);
        }
        reading
    }

    fn read_family(&self, vars: &FamilyVars, reading: &mut EnvReading) {
        let var = |suffix: &str| format!("{}{suffix}", vars.prefix);
        let cidr_var = var("CIDR");
        let cidr_lookup = self.text(&cidr_var);
        if matches!(cidr_lookup, Lookup::Set("none", _)) {
            return;
        }

        let block_var = var("BLOCK_SIZE");
        let mut block_size = None;
        if let Lookup::Set(text, loc) = self.text(&block_var)
            && !text.is_empty()
        {
            match atoi(text) {
                None => reading.faults.push(EnvFault::BlockSizeNotInteger {
                    var: block_var.clone(),
                    value: text.to_owned(),
                    loc,
                }),
                Some(value) if !vars.family.block_size_range().contains(&value) => {
                    reading.faults.push(EnvFault::BlockSizeOutOfRange {
                        var: block_var.clone(),
                        value,
                        family: vars.family,
                        loc,
                    });
                }
                Some(value) => block_size = Some(Spanned { value, loc }),
            }
        }

        let selector_var = var("NODE_SELECTOR");
        let mut node_selector = None;
        if let Some(EnvVar {
            value:
                EnvValue::Text {
                    text,
                    loc,
                    selector: Some(selector),
                },
            ..
        }) = self.var(&selector_var)
        {
            match &selector.parsed {
                Err(fault) => reading.faults.push(EnvFault::InvalidSelector {
                    var: selector_var.clone(),
                    value: text.clone(),
                    fault: fault.clone(),
                }),
                // Empty reads as all(), as in an IPPool; a YAML tag is IPP012's to report.
                Ok(_) if !text.is_empty() || selector.yaml_tag.is_some() => {
                    node_selector = Some(Spanned {
                        value: selector.clone(),
                        loc: *loc,
                    });
                }
                Ok(_) => {}
            }
        }

        let cidr = match cidr_lookup {
            Lookup::Unknown => None,
            Lookup::Unset => Some(None),
            Lookup::Set("", _) => Some(None),
            Lookup::Set(text, loc) => match cidr::parse(text) {
                Ok(net) if Family::of(&net) == vars.family => Some(Some(Spanned {
                    value: net.trunc().to_string(),
                    loc,
                })),
                _ => {
                    reading.faults.push(EnvFault::InvalidCidr {
                        var: cidr_var.clone(),
                        value: text.to_owned(),
                        family: vars.family,
                        loc,
                    });
                    None
                }
            },
        };

        // There is no CALICO_IPV6POOL_IPIP: IPv6 pools are created with ipipMode Never.
        let mut mode = |suffix: &str| {
            let name = var(suffix);
            match self.text(&name) {
                Lookup::Set(text, loc) => match env_mode(text) {
                    Some(mode) => Some(Spanned {
                        value: mode.to_owned(),
                        loc,
                    }),
                    None => {
                        reading.faults.push(EnvFault::InvalidMode {
                            var: name,
                            value: text.to_owned(),
                            loc,
                        });
                        None
                    }
                },
                _ => None,
            }
        };
        let ipip_mode = if vars.family == Family::V4 {
            mode("IPIP")
        } else {
            None
        };
        let vxlan_mode = mode("VXLAN");

        let flag = |suffix: &str, default: bool| match self.text(&var(suffix)) {
            Lookup::Set(text, loc) => Some(Spanned {
                value: env_bool(text),
                loc,
            }),
            Lookup::Unset if default => Some(Spanned {
                value: true,
                loc: self.container.loc,
            }),
            _ => None,
        };
        let nat_outgoing = flag("NAT_OUTGOING", vars.nat_default);
        let disable_bgp_export = flag("DISABLE_BGP_EXPORT", false);

        let Some(cidr) = cidr else {
            return;
        };
        // An unset IPv6 CIDR becomes a random ULA /48 (or the kubeadm v6 podSubnet): nothing to
        // model.
        if cidr.is_none() && vars.family == Family::V6 {
            return;
        }
        let name_loc = self
            .var(&cidr_var)
            .map_or(self.container.loc, |var| var.name_loc);
        reading.pools.push(EnvPool {
            family: vars.family,
            name: vars.name,
            name_loc,
            cidr,
            block_size,
            ipip_mode,
            vxlan_mode,
            nat_outgoing,
            disable_bgp_export,
            node_selector,
        });
    }

    /// The pools in the one pool model; an unset IPv4 CIDR becomes `default_cidr` at the
    /// container name.
    pub fn to_pools(&self, default_cidr: &str) -> Vec<Pool> {
        self.read()
            .pools
            .into_iter()
            .map(|env| {
                let mut pool = Pool::new(PoolSource::CalicoNodeEnv, self.container.loc);
                pool.declared_by = Some(self.object.clone());
                pool.name = Field::Set(Spanned {
                    value: env.name.to_owned(),
                    loc: env.name_loc,
                });
                pool.cidr = Field::Set(env.cidr.unwrap_or_else(|| Spanned {
                    value: default_cidr.to_owned(),
                    loc: self.container.loc,
                }));
                pool.block_size = set(env.block_size);
                pool.ipip_mode = set(env.ipip_mode);
                pool.vxlan_mode = set(env.vxlan_mode);
                pool.nat_outgoing = set(env.nat_outgoing);
                pool.disable_bgp_export = set(env.disable_bgp_export);
                pool.node_selector = set(env.node_selector).boxed();
                pool
            })
            .collect()
    }
}

/// Whether a pool of `PoolSource::CalicoNodeEnv` took calico-node's default IPv4 CIDR (the one
/// a kubeadm podSubnet replaces): its CIDR points at the container name, like its anchor.
pub fn has_default_cidr(pool: &Pool) -> bool {
    pool.source == PoolSource::CalicoNodeEnv && pool.cidr.loc() == Some(pool.anchor)
}

enum Lookup<'a> {
    Unset,
    Unknown,
    Set(&'a str, Loc),
}

fn set<T>(value: Option<Spanned<T>>) -> Field<T> {
    value.map_or(Field::Absent, Field::Set)
}

// ---------------------------------------------------------------------------------------------
// kubespray group_vars (§7.3)
// ---------------------------------------------------------------------------------------------

/// Top-level keys that make a plain YAML map kubespray group_vars (with any `calico_` key).
pub const KUBESPRAY_KEYS: [&str; 7] = [
    "kube_pods_subnet",
    "kube_pods_subnet_ipv6",
    "kube_service_addresses",
    "kube_service_addresses_ipv6",
    "enable_dual_stack_networks",
    "ipv4_stack",
    "ipv6_stack",
];

/// kubespray's defaults (`roles/kubespray_defaults`, `roles/network_plugin/calico_defaults`)
/// for the vars its pools are made of.
const KUBESPRAY_DEFAULTS: [(&str, DefaultValue); 14] = [
    ("kube_pods_subnet", DefaultValue::Str("10.233.64.0/18")),
    ("kube_service_addresses", DefaultValue::Str("10.233.0.0/18")),
    (
        "kube_pods_subnet_ipv6",
        DefaultValue::Str("fd85:ee78:d8a6:8607::1:0000/112"),
    ),
    (
        "kube_service_addresses_ipv6",
        DefaultValue::Str("fd85:ee78:d8a6:8607::1000/116"),
    ),
    ("calico_pool_name", DefaultValue::Str("default-pool")),
    ("calico_pool_blocksize", DefaultValue::Int(26)),
    ("calico_pool_blocksize_ipv6", DefaultValue::Int(122)),
    ("calico_ipip_mode", DefaultValue::Str("Never")),
    ("calico_vxlan_mode", DefaultValue::Str("Always")),
    ("calico_ipip_mode_ipv6", DefaultValue::Str("Never")),
    ("calico_vxlan_mode_ipv6", DefaultValue::Str("Always")),
    ("nat_outgoing", DefaultValue::Bool(true)),
    ("nat_outgoing_ipv6", DefaultValue::Bool(false)),
    ("enable_dual_stack_networks", DefaultValue::Bool(false)),
];

#[derive(Debug, Clone, Copy)]
enum DefaultValue {
    Str(&'static str),
    Int(i64),
    Bool(bool),
}

/// The top-level vars of one kubespray group_vars file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KubesprayVars {
    pub vars: Vec<Var>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Var {
    pub name: String,
    pub key: Loc,
    pub value: VarValue,
    pub loc: Loc,
}

/// A var's value as Ansible reads it (YAML 1.1 scalars).
#[derive(Debug, Clone, PartialEq)]
pub enum VarValue {
    Str(String),
    Int(i64),
    Bool(bool),
    /// A list, a map, or something else no pool field takes.
    Other,
}

impl VarValue {
    /// The text Jinja renders it as.
    fn text(&self) -> Option<String> {
        match self {
            VarValue::Str(text) => Some(text.clone()),
            VarValue::Int(value) => Some(value.to_string()),
            // Python's str(True).
            VarValue::Bool(true) => Some("True".to_owned()),
            VarValue::Bool(false) => Some("False".to_owned()),
            VarValue::Other => None,
        }
    }

    /// Ansible's `bool` reading.
    fn truth(&self) -> Option<bool> {
        match self {
            VarValue::Bool(value) => Some(*value),
            VarValue::Int(value) => Some(*value != 0),
            VarValue::Str(text) => match text.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "1" | "y" => Some(true),
                "false" | "no" | "off" | "0" | "n" | "" => Some(false),
                _ => None,
            },
            VarValue::Other => None,
        }
    }

    fn integer(&self) -> Option<i64> {
        match self {
            VarValue::Int(value) => Some(*value),
            VarValue::Str(text) => atoi(text.trim()),
            _ => None,
        }
    }
}

/// A var after following `{{ other_var }}` references; `loc` is `None` for kubespray's default.
#[derive(Debug, Clone, PartialEq)]
struct Resolved {
    value: VarValue,
    loc: Option<Loc>,
}

/// The vars of an inventory: later files override earlier ones (input order follows paths, so
/// `group_vars/all` comes before `group_vars/k8s_cluster`, as Ansible's precedence has it).
struct VarScope<'a> {
    vars: HashMap<&'a str, &'a Var>,
}

impl<'a> VarScope<'a> {
    fn new(files: &'a [KubesprayVars]) -> Self {
        let mut vars = HashMap::new();
        for var in files.iter().flat_map(|file| &file.vars) {
            vars.insert(var.name.as_str(), var);
        }
        Self { vars }
    }

    fn written(&self, name: &str) -> Option<&'a Var> {
        self.vars.get(name).copied()
    }

    /// The value of `name`: written (references followed), else kubespray's default. `None`
    /// when the value is a Jinja expression other than a plain `{{ var }}`, or undefined.
    fn resolve(&self, name: &str) -> Option<Resolved> {
        let mut name = name.to_owned();
        // References longer than this are a loop or not worth following.
        for _ in 0..8 {
            let Some(var) = self.written(&name) else {
                return default_of(&name).map(|value| Resolved { value, loc: None });
            };
            match &var.value {
                VarValue::Str(text) if text.contains("{{") || text.contains("{%") => {
                    name = reference(text)?.to_owned();
                }
                value => {
                    return Some(Resolved {
                        value: value.clone(),
                        loc: Some(var.loc),
                    });
                }
            }
        }
        None
    }
}

fn default_of(name: &str) -> Option<VarValue> {
    KUBESPRAY_DEFAULTS
        .iter()
        .find(|(var, _)| *var == name)
        .map(|(_, value)| match value {
            DefaultValue::Str(text) => VarValue::Str((*text).to_owned()),
            DefaultValue::Int(value) => VarValue::Int(*value),
            DefaultValue::Bool(value) => VarValue::Bool(*value),
        })
}

/// `other_var` when `text` is exactly `{{ other_var }}` (spaces optional).
fn reference(text: &str) -> Option<&str> {
    let inner = text.trim().strip_prefix("{{")?.strip_suffix("}}")?.trim();
    let mut chars = inner.chars();
    let first = chars.next()?;
    ((first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then_some(inner)
}

/// A kubespray var's value with where it was written, following references within `files`:
/// kubespray's default when unwritten (`loc` then `None`); `None` when not known here.
pub fn kubespray_var(files: &[KubesprayVars], name: &str) -> Option<(String, Option<Loc>)> {
    let resolved = VarScope::new(files).resolve(name)?;
    Some((resolved.value.text()?, resolved.loc))
}

/// The pools kubespray creates from these vars (one inventory): `calico_pool_name` (IPv4) and
/// `<name>-ipv6` when the IPv6 stack is on. Nothing unless some var is a `calico_` one: files
/// with only cluster-wide vars (`k8s-cluster.yml`) declare no pool by themselves.
pub fn kubespray_pools(files: &[KubesprayVars]) -> Vec<Pool> {
    let scope = VarScope::new(files);
    let Some(first_calico) = files
        .iter()
        .flat_map(|file| &file.vars)
        .find(|var| var.name.starts_with("calico_"))
    else {
        return Vec::new();
    };
    let anchor = scope
        .written("calico_pool_name")
        .map_or(first_calico.key, |var| var.key);
    let flag = |name: &str| scope.resolve(name).and_then(|r| r.value.truth());
    let written_flag = |name: &str| {
        scope
            .written(name)
            .and_then(|_| scope.resolve(name))
            .and_then(|r| r.value.truth())
    };

    let mut pools = Vec::new();
    let Some(name) = scope.resolve("calico_pool_name") else {
        return pools;
    };
    let Some(name_text) = name.value.text() else {
        return pools;
    };
    let name_loc = name.loc.unwrap_or(anchor);

    let build = |pool_name: String, suffix: &str, cidr_default: &str| {
        let var = |base: &str| format!("{base}{suffix}");
        // A written CIDR that is an expression is unknown; only an unwritten one defaults.
        let cidr = match scope.written(&var("calico_pool_cidr")) {
            Some(_) => scope.resolve(&var("calico_pool_cidr")),
            None => scope.resolve(cidr_default),
        }?;
        let cidr_text = cidr.value.text()?;
        let mut pool = Pool::new(PoolSource::Kubespray, anchor);
        pool.name = Field::Set(Spanned {
            value: pool_name,
            loc: name_loc,
        });
        pool.cidr = Field::Set(Spanned {
            value: cidr_text,
            loc: cidr.loc.unwrap_or(anchor),
        });
        // Defaults equal to Calico's own (blockSize 26/122, ipipMode Never, natOutgoing false
        // for IPv6) stay unwritten; kubespray's other defaults point at the pool's anchor.
        let written = |base: &str| {
            scope
                .resolve(&var(base))
                .filter(|resolved| resolved.loc.is_some())
        };
        if let Some(size) = written("calico_pool_blocksize")
            && let Some(value) = size.value.integer()
        {
            pool.block_size = Field::Set(Spanned {
                value,
                loc: size.loc.unwrap_or(anchor),
            });
        }
        let mode = |base: &str, kubespray_default: &str| -> Field<String> {
            match scope.resolve(&var(base)) {
                Some(Resolved {
                    value,
                    loc: Some(loc),
                }) => value
                    .text()
                    .map_or(Field::Absent, |value| Field::Set(Spanned { value, loc })),
                _ if kubespray_default == "Never" => Field::Absent,
                _ => Field::Set(Spanned {
                    value: kubespray_default.to_owned(),
                    loc: anchor,
                }),
            }
        };
        pool.ipip_mode = mode("calico_ipip_mode", "Never");
        pool.vxlan_mode = mode("calico_vxlan_mode", "Always");
        let nat = scope.resolve(&var("nat_outgoing"));
        if let Some(value) = nat.as_ref().and_then(|n| n.value.truth()) {
            let loc = nat.and_then(|n| n.loc);
            if value || loc.is_some() {
                pool.nat_outgoing = Field::Set(Spanned {
                    value,
                    loc: loc.unwrap_or(anchor),
                });
            }
        }
        Some(pool)
    };

    if flag("ipv4_stack") != Some(false)
        && let Some(pool) = build(name_text.clone(), "", "kube_pods_subnet")
    {
        pools.push(pool);
    }
    let ipv6 = match (
        written_flag("ipv6_stack"),
        written_flag("enable_dual_stack_networks"),
    ) {
        (Some(true), _) | (_, Some(true)) => true,
        (Some(false), _) | (_, Some(false)) => false,
        (None, None) => scope.written("calico_pool_cidr_ipv6").is_some(),
    };
    if ipv6
        && let Some(pool) = build(
            format!("{name_text}-ipv6"),
            "_ipv6",
            "kube_pods_subnet_ipv6",
        )
    {
        pools.push(pool);
    }
    pools
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn loc(start: usize) -> Loc {
        Loc::new(
            0,
            Span {
                start,
                end: start + 1,
            },
        )
    }

    #[test]
    fn operator_names_pools_after_their_cidr() {
        let net = |text| cidr::parse(text).unwrap();
        assert_eq!(cidr_to_name(&net("10.0.0.0/16")), "10.0.0.0-16");
        assert_eq!(cidr_to_name(&net("10.0.0.1/16")), "10.0.0.0-16");
        assert_eq!(
            cidr_to_name(&net("fe80::/64")),
            "fe80.0000.0000.0000.0000.0000.0000.0000-64"
        );
    }

    fn installation(cidrs: &[&str]) -> Installation {
        Installation {
            object: "Installation/default".to_owned(),
            kind: loc(0),
            ip_pools: None,
            pools: cidrs
                .iter()
                .enumerate()
                .map(|(i, cidr)| {
                    let mut pool = InstallationPool::new(loc(10 * i + 10));
                    pool.cidr = Field::Set(Spanned {
                        value: (*cidr).to_owned(),
                        loc: loc(10 * i + 11),
                    });
                    pool
                })
                .collect(),
            provider: None,
            cni_type: None,
            ipam_type: None,
            bgp: None,
            cluster_routing_mode: None,
        }
    }

    #[test]
    fn operator_default_names() {
        assert_eq!(
            installation(&["10.0.0.0/16"]).effective_names(),
            ["default-ipv4-ippool"]
        );
        assert_eq!(
            installation(&["fd00::/48", "10.0.0.0/16"]).effective_names(),
            ["default-ipv6-ippool", "default-ipv4-ippool"]
        );
        assert_eq!(
            installation(&["10.0.0.0/16", "10.1.0.0/16"]).effective_names(),
            ["10.0.0.0-16", "10.1.0.0-16"]
        );
        let mut named = installation(&["10.0.0.0/16", "10.1.0.0/16"]);
        named.pools[0].name = Field::Set(Spanned {
            value: "main".to_owned(),
            loc: loc(5),
        });
        assert_eq!(named.effective_names(), ["main", "10.1.0.0-16"]);
    }

    #[test]
    fn operator_encapsulation_defaults() {
        let mut install = installation(&["10.0.0.0/16", "fd00::/48"]);
        fn encap(install: &Installation, i: usize) -> Option<&str> {
            install.encapsulation(&install.pools[i]).map(|e| e.value)
        }
        assert_eq!(encap(&install, 0), Some("IPIP"));
        assert_eq!(encap(&install, 1), Some("None"));
        install.provider = Some(Spanned {
            value: "EKS".to_owned(),
            loc: loc(1),
        });
        assert_eq!(encap(&install, 0), Some("None"));
        assert!(!install.bgp_enabled());
    }

    fn env(vars: &[(&str, &str)]) -> CalicoNodeEnv {
        CalicoNodeEnv {
            object: "DaemonSet/kube-system/calico-node".to_owned(),
            container: Spanned {
                value: "calico-node".to_owned(),
                loc: loc(0),
            },
            vars: vars
                .iter()
                .enumerate()
                .map(|(i, (name, value))| EnvVar {
                    name: (*name).to_owned(),
                    name_loc: loc(100 * i + 1),
                    value: EnvValue::Text {
                        text: (*value).to_owned(),
                        loc: loc(100 * i + 50),
                        selector: None,
                    },
                })
                .collect(),
        }
    }

    #[test]
    fn calico_node_env_like_the_stock_manifest() {
        let reading = env(&[
            ("CALICO_IPV4POOL_IPIP", "Always"),
            ("CALICO_IPV4POOL_VXLAN", "Never"),
            ("CALICO_IPV6POOL_VXLAN", "Never"),
        ])
        .read();
        assert!(reading.faults.is_empty());
        // No IPv6 CIDR: a random ULA, not modelled.
        assert_eq!(reading.pools.len(), 1);
        let pool = &reading.pools[0];
        assert_eq!(pool.cidr, None);
        assert_eq!(
            pool.ipip_mode.as_ref().map(|m| m.value.as_str()),
            Some("Always")
        );
        assert_eq!(pool.nat_outgoing.as_ref().map(|n| n.value), Some(true));
    }

    #[test]
    fn calico_node_env_masks_and_parses_case_insensitively() {
        let reading = env(&[
            ("CALICO_IPV4POOL_CIDR", "10.244.1.0/16"),
            ("CALICO_IPV4POOL_IPIP", "cross-subnet"),
            ("CALICO_IPV4POOL_NAT_OUTGOING", "No"),
            ("CALICO_IPV6POOL_CIDR", "none"),
            ("CALICO_IPV6POOL_BLOCK_SIZE", "999"),
        ])
        .read();
        // IPv6 is off, so its block size is never read.
        assert!(reading.faults.is_empty(), "{:?}", reading.faults);
        let pool = &reading.pools[0];
        assert_eq!(
            pool.cidr.as_ref().map(|c| c.value.as_str()),
            Some("10.244.0.0/16")
        );
        assert_eq!(
            pool.ipip_mode.as_ref().map(|m| m.value.as_str()),
            Some("CrossSubnet")
        );
        assert_eq!(pool.nat_outgoing.as_ref().map(|n| n.value), Some(false));
    }

    #[test]
    fn calico_node_env_faults() {
        let reading = env(&[
            ("CALICO_IPV4POOL_CIDR", "fd00::/48"),
            ("CALICO_IPV4POOL_BLOCK_SIZE", "26 "),
            ("CALICO_IPV4POOL_VXLAN", "enabled"),
            ("CALICO_IPV6POOL_CIDR", "fd00::/48"),
            ("CALICO_IPV6POOL_BLOCK_SIZE", "64"),
        ])
        .read();
        assert_eq!(reading.faults.len(), 4, "{:?}", reading.faults);
        // The IPv4 pool is not created at all; the IPv6 one is, with its default block size.
        assert_eq!(reading.pools.len(), 1);
        assert_eq!(reading.pools[0].family, Family::V6);
        assert_eq!(reading.pools[0].block_size, None);
    }

    #[test]
    fn pools_name_fields_as_their_source_does() {
        let pools = env(&[("CALICO_IPV4POOL_CIDR", "10.244.0.0/16")]).to_pools("unused");
        assert_eq!(
            pools[0].field_name("blockSize"),
            "CALICO_IPV4POOL_BLOCK_SIZE"
        );
        let install = installation(&["fd00::/48"]).to_pools();
        assert_eq!(install[0].field_name("ipipMode"), "encapsulation");
        assert_eq!(install[0].field_name("disabled"), "disableNewAllocations");
        let kubespray = kubespray_pools(&[vars(&[("calico_pool_cidr_ipv6", text("fd00::/48"))])]);
        assert_eq!(kubespray[1].field_name("cidr"), "calico_pool_cidr_ipv6");
    }

    #[test]
    fn no_default_pools() {
        let none = env(&[("NO_DEFAULT_POOLS", "TRUE")]).read();
        assert!(none.pools.is_empty() && none.faults.is_empty());
        let fatal = env(&[
            ("NO_DEFAULT_POOLS", "true"),
            ("CALICO_IPV4POOL_CIDR", "10.0.0.0/16"),
        ])
        .read();
        assert!(fatal.pools.is_empty());
        assert!(matches!(
            fatal.faults.as_slice(),
            [EnvFault::NoDefaultPoolsWithCidr { .. }]
        ));
    }

    fn vars(entries: &[(&str, VarValue)]) -> KubesprayVars {
        KubesprayVars {
            vars: entries
                .iter()
                .enumerate()
                .map(|(i, (name, value))| Var {
                    name: (*name).to_owned(),
                    key: loc(100 * i),
                    value: value.clone(),
                    loc: loc(100 * i + 20),
                })
                .collect(),
        }
    }

    fn text(value: &str) -> VarValue {
        VarValue::Str(value.to_owned())
    }

    #[test]
    fn kubespray_defaults_and_references() {
        let cluster = vars(&[
            ("kube_pods_subnet", text("10.200.0.0/16")),
            ("enable_dual_stack_networks", VarValue::Bool(false)),
        ]);
        // Cluster vars alone declare no pool.
        assert!(kubespray_pools(std::slice::from_ref(&cluster)).is_empty());
        let calico = vars(&[
            ("calico_pool_blocksize", VarValue::Int(24)),
            ("calico_pool_cidr", text("{{ kube_pods_subnet }}")),
            ("calico_pool_cidr_ipv6", text("fd00::/48")),
        ]);
        let pools = kubespray_pools(&[cluster, calico]);
        assert_eq!(pools.len(), 1, "dual stack is off");
        let pool = &pools[0];
        assert_eq!(pool.name.value().map(String::as_str), Some("default-pool"));
        assert_eq!(pool.cidr.value().map(String::as_str), Some("10.200.0.0/16"));
        assert_eq!(pool.block_size.value(), Some(&24));
        assert_eq!(pool.vxlan_mode.value().map(String::as_str), Some("Always"));
        assert!(pool.ipip_mode.is_absent());
        assert_eq!(pool.nat_outgoing.value(), Some(&true));
    }

    #[test]
    fn kubespray_ipv6_and_unknown_expressions() {
        let pools = kubespray_pools(&[vars(&[
            ("calico_pool_name", text("pods")),
            (
                "calico_pool_cidr",
                text("{{ kube_pods_subnet | ipaddr('net') }}"),
            ),
            ("calico_pool_cidr_ipv6", text("fd00::/48")),
        ])]);
        // The IPv4 CIDR is an expression: not modelled.
        assert_eq!(pools.len(), 1);
        assert_eq!(pools[0].name.value().map(String::as_str), Some("pods-ipv6"));
        assert_eq!(reference("{{kube_pods_subnet}}"), Some("kube_pods_subnet"));
        assert_eq!(reference("{{ a | b }}"), None);
    }
}

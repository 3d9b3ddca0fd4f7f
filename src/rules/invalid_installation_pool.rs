//! IPP302 invalid-installation-pool.

use super::prelude::*;
use crate::model::cidr::Family;
use crate::model::pool::WrongType;
use crate::model::sources::{
    ENCAPSULATIONS, INSTALLATION_POOL_FIELDS, Installation, InstallationPool,
    MAX_INSTALLATION_POOLS, NAT_OUTGOING_VALUES,
};
use crate::source::Loc;

declare_rule! {
    /// ## What it does
    /// Checks the pools of an operator `Installation` (`spec.calicoNetwork.ipPools`) for what
    /// the Tigera operator rejects before it creates any IPPool:
    /// `encapsulation` not one of `IPIP`, `IPIPCrossSubnet`, `VXLAN`, `VXLANCrossSubnet`,
    /// `None`; `natOutgoing` not `Enabled` or `Disabled`; a CIDR or name given twice; a
    /// `blockSize` of 0; a pool smaller than one block even with `disableNewAllocations`; a
    /// LoadBalancer pool left with the default IPIP encapsulation; IPIP or no encapsulation while
    /// `bgp: Disabled`; VXLAN with host-local IPAM; encapsulation or a nodeSelector other than
    /// `all()` with a non-Calico CNI; more than 25 pools; fields of the wrong type or unknown to
    /// the Installation CRD.
    ///
    /// What the operator checks that an IPPool also gets checked for (an invalid CIDR, a
    /// blockSize out of range, a pool smaller than a block, IPIP on IPv6, the LoadBalancer
    /// rules, selectors) is reported by the IPPool rules on the pool the Installation declares.
    /// An empty `nodeSelector` is not an error: the operator fills in `all()` before it
    /// validates.
    ///
    /// ## Why is this bad?
    /// The operator validates the whole list before it creates or updates any pool: one bad
    /// entry stops it ("error validating IP pool configuration", status Degraded) and no pool
    /// of the Installation is created or changed, so a new cluster has no pod network. Fields
    /// of the wrong type or unknown to the CRD make `kubectl apply` fail.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: operator.tigera.io/v1
    /// kind: Installation
    /// metadata:
    ///   name: default
    /// spec:
    ///   calicoNetwork:
    ///     ipPools:
    ///       - cidr: 10.244.0.0/16
    ///         encapsulation: VXLANCROSSSUBNET
    ///         natOutgoing: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: operator.tigera.io/v1
    /// kind: Installation
    /// metadata:
    ///   name: default
    /// spec:
    ///   calicoNetwork:
    ///     ipPools:
    ///       - cidr: 10.244.0.0/16
    ///         encapsulation: VXLANCrossSubnet
    ///         natOutgoing: Enabled
    /// ```
    ///
    /// ## Calico source
    /// tigera/operator `pkg/controller/ippool/validation.go` (`ValidatePools`),
    /// `pkg/controller/ippool/defaults.go` (`fillDefaults`, run before validation),
    /// `pkg/controller/installation/validation.go`, `api/v1/installation_types.go` (`IPPool`,
    /// `ipPools` `maxItems: 25`).
    code: "IPP302",
    name: "invalid-installation-pool",
    severity: Error,
    summary: "operator `Installation` ipPools values Calico's operator rejects",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for installation in &ctx.inventory.sources.installations {
        check_installation(ctx, installation, out);
    }
}

struct Entry<'a> {
    pool: &'a InstallationPool,
    /// `Installation ipPool <name>`.
    display: String,
    name: String,
}

fn check_installation(ctx: &Context<'_>, installation: &Installation, out: &mut Vec<Finding>) {
    let at = |loc: Loc| Location::at(loc, Some(installation.object.clone()));
    let noun = crate::model::pool::PoolSource::Installation.noun();
    let entries: Vec<Entry<'_>> = installation
        .pools
        .iter()
        .zip(installation.effective_names())
        .map(|(pool, name)| Entry {
            pool,
            display: if name.is_empty() {
                format!("{noun} (unnamed)")
            } else {
                format!("{noun} {name}")
            },
            name,
        })
        .collect();

    if let Some(extra) = installation.pools.get(MAX_INSTALLATION_POOLS) {
        let mut finding = RULE
            .finding(
                format!(
                    "{} lists {} ipPools; the Installation CRD allows at most {MAX_INSTALLATION_POOLS}",
                    installation.object,
                    installation.pools.len()
                ),
                at(extra.anchor),
            )
            .with_label(format!(
                "pool {} of at most {MAX_INSTALLATION_POOLS}",
                MAX_INSTALLATION_POOLS + 1
            ))
            .with_help(
                "create the extra pools as IPPool resources; the operator manages only the pools of its own list",
            );
        if let Some(key) = installation.ip_pools {
            finding = finding.with_related("the list", at(key));
        }
        out.push(finding);
    }

    for (index, entry) in entries.iter().enumerate() {
        let pool = entry.pool;
        let display = &entry.display;
        unknown_fields(pool, display, &at, out);
        wrong_types(pool, display, &at, out);
        enum_values(pool, display, &at, out);
        if duplicate(&installation.object, &entries[..index], entry, &at, out) {
            continue;
        }
        block_size(pool, display, &at, out);
        encapsulation(ctx, installation, pool, display, &at, out);
        if !installation.cni_is_calico()
            && let Some(selector) = pool.node_selector.spanned()
            && !selector.value.text.is_empty()
            && selector.value.text != "all()"
        {
            out.push(
                RULE.finding(
                    format!(
                        "{display} has nodeSelector {:?}; with the {} CNI plugin the operator requires all()",
                        selector.value.text,
                        installation.cni()
                    ),
                    at(selector.loc),
                )
                .with_label("not all()")
                .with_help(
                    "remove the nodeSelector; pools can select nodes only with Calico CNI",
                ),
            );
        }
    }
}

fn unknown_fields(
    pool: &InstallationPool,
    display: &str,
    at: &impl Fn(Loc) -> Location,
    out: &mut Vec<Finding>,
) {
    for key in &pool.keys {
        let name = key.name.as_str();
        if INSTALLATION_POOL_FIELDS.contains(&name) {
            continue;
        }
        let help = match name {
            "ipipMode" | "vxlanMode" | "ipip" | "vxlan" => {
                "an Installation sets both modes with `encapsulation:` (IPIP, IPIPCrossSubnet, VXLAN, VXLANCrossSubnet or None)".to_owned()
            }
            "disabled" => {
                "an Installation disables a pool with `disableNewAllocations: true`".to_owned()
            }
            "namespaceSelector" => {
                "Installation ipPools have no namespaceSelector; declare this pool as an IPPool resource instead".to_owned()
            }
            _ => match super::closest(name, INSTALLATION_POOL_FIELDS) {
                Some(field) => format!("did you mean `{field}`?"),
                None => format!(
                    "remove it; an Installation ipPool has only {}",
                    INSTALLATION_POOL_FIELDS.join(", ")
                ),
            },
        };
        out.push(
            RULE.finding(format!("{display} has unknown field {name:?}"), at(key.loc))
                .with_label("not a field of an Installation ipPool")
                .with_help(help),
        );
    }
}

fn wrong_types(
    pool: &InstallationPool,
    display: &str,
    at: &impl Fn(Loc) -> Location,
    out: &mut Vec<Finding>,
) {
    let fields: [(&str, Option<&WrongType>); 10] = [
        ("name", pool.name.wrong_type()),
        ("cidr", pool.cidr.wrong_type()),
        ("encapsulation", pool.encapsulation.wrong_type()),
        ("natOutgoing", pool.nat_outgoing.wrong_type()),
        ("nodeSelector", pool.node_selector.wrong_type()),
        ("blockSize", pool.block_size.wrong_type()),
        ("disableBGPExport", pool.disable_bgp_export.wrong_type()),
        (
            "disableNewAllocations",
            pool.disable_new_allocations.wrong_type(),
        ),
        ("allowedUses", pool.allowed_uses.wrong_type()),
        ("assignmentMode", pool.assignment_mode.wrong_type()),
    ];
    for (field, wrong) in fields {
        let Some(wrong) = wrong else { continue };
        let help = match (field, wrong.found.as_str()) {
            ("natOutgoing", "boolean true" | "boolean yes" | "boolean on") => {
                "write `natOutgoing: Enabled`".to_owned()
            }
            ("natOutgoing", found) if found.starts_with("boolean") => {
                "write `natOutgoing: Disabled`".to_owned()
            }
            (_, found) if found.starts_with("string") && wrong.expected != "string" => {
                format!("write the {} without quotes", wrong.expected)
            }
            _ => format!("write {field} as a {}", wrong.expected),
        };
        out.push(
            RULE.finding(
                format!(
                    "{display} has {field} {}; the Installation CRD wants {}",
                    wrong.found,
                    with_article(wrong.expected)
                ),
                at(wrong.loc),
            )
            .with_label(format!("not {}", with_article(wrong.expected)))
            .with_help(help),
        );
    }
}

fn with_article(noun: &str) -> String {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {noun}")
    } else {
        format!("a {noun}")
    }
}

fn enum_values(
    pool: &InstallationPool,
    display: &str,
    at: &impl Fn(Loc) -> Location,
    out: &mut Vec<Finding>,
) {
    if let Some(encapsulation) = pool.encapsulation.spanned() {
        let value = encapsulation.value.as_str();
        if !ENCAPSULATIONS.contains(&value) {
            let help = match encapsulation_suggestion(value) {
                Some(right) => format!("write `encapsulation: {right}`"),
                None => "use IPIP, IPIPCrossSubnet, VXLAN, VXLANCrossSubnet or None".to_owned(),
            };
            out.push(
                RULE.finding(
                    format!(
                        "{display} has encapsulation {value:?}; the operator accepts IPIP, IPIPCrossSubnet, VXLAN, VXLANCrossSubnet or None"
                    ),
                    at(encapsulation.loc),
                )
                .with_label("not an operator encapsulation")
                .with_help(help),
            );
        }
    }
    if let Some(nat) = pool.nat_outgoing.spanned() {
        let value = nat.value.as_str();
        if !NAT_OUTGOING_VALUES.contains(&value) {
            let help = match value.to_ascii_lowercase().as_str() {
                "enabled" | "enable" | "true" | "yes" | "on" => "write `natOutgoing: Enabled`",
                "disabled" | "disable" | "false" | "no" | "off" => "write `natOutgoing: Disabled`",
                _ => "use Enabled or Disabled",
            };
            out.push(
                RULE.finding(
                    format!(
                        "{display} has natOutgoing {value:?}; the operator accepts Enabled or Disabled"
                    ),
                    at(nat.loc),
                )
                .with_label("not Enabled or Disabled")
                .with_help(help),
            );
        }
    }
}

fn encapsulation_suggestion(value: &str) -> Option<&'static str> {
    let folded: String = value
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .collect::<String>()
        .to_ascii_lowercase();
    if let Some(right) = ENCAPSULATIONS
        .iter()
        .find(|e| e.to_ascii_lowercase() == folded)
    {
        return Some(right);
    }
    match folded.as_str() {
        "never" | "off" | "none" | "disabled" | "false" | "no" => Some("None"),
        "ipinip" => Some("IPIP"),
        _ => super::closest(value, ENCAPSULATIONS),
    }
}

/// The operator's "IP pool %v is specified more than once", for a CIDR (as written) or a name
/// (once defaulted) of an earlier entry. True when reported.
fn duplicate(
    object: &str,
    earlier: &[Entry<'_>],
    entry: &Entry<'_>,
    at: &impl Fn(Loc) -> Location,
    out: &mut Vec<Finding>,
) -> bool {
    let pool = entry.pool;
    if let Some(cidr) = pool.cidr.spanned()
        && let Some(first) = earlier
            .iter()
            .find_map(|e| e.pool.cidr.spanned().filter(|c| c.value == cidr.value))
    {
        out.push(
            RULE.finding(
                format!(
                    "{object} lists cidr {} twice; the operator rejects it: \"IP pool {} is specified more than once\"",
                    cidr.value, cidr.value
                ),
                at(cidr.loc),
            )
            .with_label("specified again")
            .with_related("first specified here", at(first.loc))
            .with_help("remove one of the two entries"),
        );
        return true;
    }
    if entry.name.is_empty() {
        return false;
    }
    let Some(first) = earlier.iter().find(|e| e.name == entry.name) else {
        return false;
    };
    let place = |e: &Entry<'_>| {
        e.pool
            .written_name()
            .map(|n| n.loc)
            .or(e.pool.cidr.loc())
            .unwrap_or(e.pool.anchor)
    };
    let derived = pool.written_name().is_none();
    out.push(
        RULE.finding(
            format!(
                "{object} has two ipPools named {}; the operator rejects it: \"IP pool {} is specified more than once\"",
                entry.name, entry.name
            ),
            at(place(entry)),
        )
        .with_label(if derived {
            "the operator names this pool after its CIDR"
        } else {
            "named again"
        })
        .with_related("first named here", at(place(first)))
        .with_help("give each pool its own `name:`"),
    );
    true
}

fn block_size(
    pool: &InstallationPool,
    display: &str,
    at: &impl Fn(Loc) -> Location,
    out: &mut Vec<Finding>,
) {
    // A CIDR that does not parse is IPP001's.
    let (Some(net), Some(family)) = (pool.net(), pool.family()) else {
        return;
    };
    let range = family.block_size_range();
    let operator_range = match family {
        Family::V4 => "IPv4 pool block size must be greater than 19 and less than or equal to 32",
        Family::V6 => "IPv6 pool block size must be greater than 115 and less than or equal to 128",
    };
    match pool.block_size.spanned() {
        // An IPPool takes 0 as "the default"; the operator does not. Other values out of range
        // are IPP004's.
        Some(size) if size.value == 0 => {
            out.push(
                RULE.finding(
                    format!("{display} has blockSize 0: {operator_range}"),
                    at(size.loc),
                )
                .with_label("0 is not the default here")
                .with_help(format!(
                    "omit blockSize for the default {}, or use {}–{}",
                    family.default_block_size(),
                    range.start(),
                    range.end()
                )),
            );
        }
        _ => {}
    }
    // The operator checks the pool size whether or not new allocations are disabled; enabled
    // pools are IPP005's.
    if !pool.disables_new_allocations() {
        return;
    }
    let block = match pool.block_size.spanned() {
        Some(size) if range.contains(&size.value) => size.value,
        Some(_) => return,
        None => i64::from(family.default_block_size()),
    };
    let prefix = i64::from(net.prefix_len());
    if prefix <= block {
        return;
    }
    let Some(cidr) = pool.cidr.spanned() else {
        return;
    };
    let mut finding = RULE
        .finding(
            format!(
                "{display} (cidr {}) is smaller than one /{block} block; the operator rejects it even with disableNewAllocations: \"IP pool size is too small\"",
                cidr.value
            ),
            at(cidr.loc),
        )
        .with_label(format!("/{prefix} is smaller than a /{block} block"))
        .with_help(format!(
            "use a /{block} or larger CIDR, or a blockSize of {prefix} to {}",
            family.bits()
        ));
    if let Some(disabled) = pool.disable_new_allocations.spanned() {
        finding = finding.with_related("disabled here, which does not exempt it", at(disabled.loc));
    }
    out.push(finding);
}

fn encapsulation(
    ctx: &Context<'_>,
    installation: &Installation,
    pool: &InstallationPool,
    display: &str,
    at: &impl Fn(Loc) -> Location,
    out: &mut Vec<Finding>,
) {
    let Some(effective) = installation.encapsulation(pool) else {
        return;
    };
    let value = effective.value;
    let (place, how) = match effective.loc {
        Some(loc) => (loc, format!("encapsulation {value}")),
        None => (
            pool.cidr.loc().unwrap_or(pool.anchor),
            format!("encapsulation {value} (the operator's default)"),
        ),
    };

    // Written IPIP/VXLAN on a LoadBalancer pool is IPP010's, on the modes it maps to.
    if ctx.calico.at_least(3, 30)
        && pool.allows_load_balancer()
        && effective.loc.is_none()
        && value != "None"
    {
        let lb = pool
            .allowed_uses
            .value()
            .and_then(|uses| uses.iter().find(|u| u.value == "LoadBalancer"));
        let mut finding = RULE
            .finding(
                format!(
                    "{display} is a LoadBalancer pool without `encapsulation`, so the operator gives it {value}: \"IP pool encapsulation must be none if allowedUse is LoadBalancer\""
                ),
                at(place),
            )
            .with_label(format!("defaults to {value}"))
            .with_help("add `encapsulation: None` to the pool");
        if let Some(lb) = lb {
            finding = finding.with_related("LoadBalancer use listed here", at(lb.loc));
        }
        out.push(finding);
        // Whatever else the default encapsulation breaks is fixed by the same line.
        return;
    }

    if !installation.cni_is_calico() {
        if let Some(loc) = effective.loc
            && value != "None"
        {
            out.push(
                RULE.finding(
                    format!(
                        "{display} has encapsulation {value}; with the {} CNI plugin the operator requires None",
                        installation.cni()
                    ),
                    at(loc),
                )
                .with_label("must be None")
                .with_help("write `encapsulation: None` (or omit it); the cluster's own CNI plugin routes pod traffic"),
            );
        }
        return;
    }

    match installation.ipam() {
        "Calico" => {
            let felix_routes = installation
                .cluster_routing_mode
                .as_ref()
                .is_some_and(|mode| mode.value == "Felix");
            let needs_bgp = matches!(value, "IPIP" | "IPIPCrossSubnet" | "None");
            if installation.bgp_enabled() || felix_routes || !needs_bgp {
                return;
            }
            let operator = if value == "None" {
                "Unencapsulated IP pools require that BGP is enabled"
            } else {
                "IPIP encapsulation requires that BGP is enabled"
            };
            let mut finding = RULE
                .finding(
                    format!(
                        "{display} uses {how} while {} disables BGP: \"{operator}\"",
                        installation.object
                    ),
                    at(place),
                )
                .with_label(if effective.loc.is_some() {
                    "needs BGP".to_owned()
                } else {
                    format!("defaults to {value}, which needs BGP")
                })
                .with_help(
                    "set `encapsulation: VXLAN` or `VXLANCrossSubnet` on the pool, or enable BGP (`bgp: Enabled`)",
                );
            if let Some(bgp) = &installation.bgp {
                finding = finding.with_related("BGP disabled here", at(bgp.loc));
            }
            out.push(finding);
        }
        "HostLocal" => {
            if let Some(loc) = effective.loc
                && value.starts_with("VXLAN")
            {
                out.push(
                    RULE.finding(
                        format!(
                            "{display} has encapsulation {value}, which host-local IPAM does not support"
                        ),
                        at(loc),
                    )
                    .with_label("not with host-local IPAM")
                    .with_help("use IPIP, IPIPCrossSubnet or None, or Calico IPAM"),
                );
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::encapsulation_suggestion;

    #[test]
    fn suggests_operator_spellings() {
        assert_eq!(encapsulation_suggestion("vxlan"), Some("VXLAN"));
        assert_eq!(
            encapsulation_suggestion("VXLAN-CrossSubnet"),
            Some("VXLANCrossSubnet")
        );
        assert_eq!(encapsulation_suggestion("Never"), Some("None"));
        assert_eq!(
            encapsulation_suggestion("IPIPCrosSubnet"),
            Some("IPIPCrossSubnet")
        );
    }
}

//! IPP301 invalid-calico-node-env.

use super::prelude::*;
use crate::model::cidr::{self, CidrError, Family};
use crate::model::sources::{CalicoNodeEnv, EnvFault, env_mode};

declare_rule! {
    /// ## What it does
    /// Checks the environment of calico-node containers (the stock `calico.yaml` manifest) for
    /// values calico-node exits on when it starts:
    /// `CALICO_IPV4POOL_CIDR`/`CALICO_IPV6POOL_CIDR` that are not a CIDR of their family;
    /// `CALICO_IPV4POOL_BLOCK_SIZE`/`CALICO_IPV6POOL_BLOCK_SIZE` that are not a whole number in
    /// 20–32 / 116–128; `CALICO_IPV4POOL_IPIP`, `CALICO_IPV4POOL_VXLAN` or
    /// `CALICO_IPV6POOL_VXLAN` other than `Never`/`Off`, `CrossSubnet`/`Cross-Subnet` or `Always`
    /// (any case); a `*_NODE_SELECTOR` that does not parse; `NO_DEFAULT_POOLS=true` together
    /// with a pool CIDR; and `value:`s that are not strings, which the API server rejects.
    ///
    /// The pool calico-node creates from this env is checked by the IPPool rules like any
    /// other (e.g. a /27 CIDR with the default block size 26 is IPP005, IPIP and VXLAN both
    /// enabled is IPP008).
    ///
    /// ## Why is this bad?
    /// calico-node validates these variables before it creates its default pools, and exits
    /// when one is wrong ("Invalid CIDR specified in CALICO_IPV4POOL_CIDR", "Invalid blocksize",
    /// "Unrecognized IPIP mode"). Every calico-node pod then crash-loops, nodes stay NotReady and
    /// no pod gets an address.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata:
    ///   name: calico-node
    ///   namespace: kube-system
    /// spec:
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: calico-node
    ///           image: docker.io/calico/node:v3.30.0
    ///           env:
    ///             - name: CALICO_IPV4POOL_CIDR
    ///               value: "10.244.0.0"
    ///             - name: CALICO_IPV4POOL_IPIP
    ///               value: "Enabled"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata:
    ///   name: calico-node
    ///   namespace: kube-system
    /// spec:
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: calico-node
    ///           image: docker.io/calico/node:v3.30.0
    ///           env:
    ///             - name: CALICO_IPV4POOL_CIDR
    ///               value: "10.244.0.0/16"
    ///             - name: CALICO_IPV4POOL_IPIP
    ///               value: "Always"
    /// ```
    ///
    /// ## Calico source
    /// `node/pkg/lifecycle/startup/startup.go` (`configureIPPools`, `createIPPool`,
    /// `parseBlockSizeEnvironment`, `validateBlockSize`, `validateNodeSelector`,
    /// `evaluateENVBool`); docs `calico/reference/configure-calico-node.mdx`.
    code: "IPP301",
    name: "invalid-calico-node-env",
    severity: Error,
    summary: "invalid `CALICO_IPV4POOL_*` / `CALICO_IPV6POOL_*` / `NO_DEFAULT_POOLS` values in a calico-node container",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for env in &ctx.inventory.sources.calico_node {
        for fault in env.read().faults {
            out.push(finding(env, fault));
        }
    }
}

fn finding(env: &CalicoNodeEnv, fault: EnvFault) -> Finding {
    let at = |loc| Location::at(loc, Some(env.object.clone()));
    let container = format!("container {}", env.container.value);
    match fault {
        EnvFault::NotAString {
            var,
            text,
            found,
            loc,
        } => RULE
            .finding(
                format!(
                    "{var} in {container} is written as {found}; the API server accepts only strings as env values"
                ),
                at(loc),
            )
            .with_label("not a string")
            .with_help(format!("quote it: `value: \"{text}\"`")),
        EnvFault::NoDefaultPoolsWithCidr {
            cidr_var,
            cidr,
            no_default_pools,
        } => RULE
            .finding(
                format!(
                    "{container} sets {cidr_var} together with NO_DEFAULT_POOLS=true; calico-node exits: \"Invalid configuration with NO_DEFAULT_POOLS defined and CALICO_IPV4POOL_CIDR or CALICO_IPV6POOL_CIDR defined.\""
                ),
                at(cidr),
            )
            .with_label("ignored pool CIDR")
            .with_related("NO_DEFAULT_POOLS set here", at(no_default_pools))
            .with_help(format!(
                "remove {cidr_var} when pools are created another way (IPPool manifests, the operator), or remove NO_DEFAULT_POOLS to let calico-node create its default pool"
            )),
        EnvFault::InvalidCidr {
            var,
            value,
            family,
            loc,
        } => {
            let (label, help) = cidr_advice(&var, &value, family);
            RULE.finding(
                format!(
                    "{var} {value:?} in {container} is not an {} CIDR; calico-node exits: \"Invalid CIDR specified in {var}\"",
                    family.name()
                ),
                at(loc),
            )
            .with_label(label)
            .with_help(help)
        }
        EnvFault::BlockSizeNotInteger { var, value, loc } => {
            let family = if var.contains("IPV6") { Family::V6 } else { Family::V4 };
            RULE.finding(
                format!(
                    "{var} {value:?} in {container} is not a whole number; calico-node exits: \"Unable to convert blocksize to int\""
                ),
                at(loc),
            )
            .with_label("not a number")
            .with_help(block_size_help(family))
        }
        EnvFault::BlockSizeOutOfRange {
            var,
            value,
            family,
            loc,
        } => {
            let range = family.block_size_range();
            RULE.finding(
                format!(
                    "{var} {value} in {container} is outside {}–{}; calico-node exits: \"Invalid blocksize {value} for version {}\"",
                    range.start(),
                    range.end(),
                    if family == Family::V4 { 4 } else { 6 }
                ),
                at(loc),
            )
            .with_label(format!("outside {}–{}", range.start(), range.end()))
            .with_help(block_size_help(family))
        }
        EnvFault::InvalidMode { var, value, loc } => {
            let encap = if var.ends_with("_IPIP") { "IPIP" } else { "VXLAN" };
            let trimmed = value.trim();
            let help = if trimmed != value && env_mode(trimmed).is_some() {
                format!("remove the spaces: `value: \"{trimmed}\"`")
            } else {
                match mode_suggestion(&value) {
                    Some(mode) => format!("write `value: \"{mode}\"`"),
                    None => "use Never (or Off), CrossSubnet or Always".to_owned(),
                }
            };
            RULE.finding(
                format!(
                    "{var} {value:?} in {container} is not an encapsulation mode; calico-node exits: \"Unrecognized {encap} mode specified in {var}\""
                ),
                at(loc),
            )
            .with_label("not Never, CrossSubnet or Always")
            .with_help(help)
        }
        EnvFault::InvalidSelector { var, value, fault } => RULE
            .finding(
                format!(
                    "{var} {value:?} in {container} is not a valid selector ({}); calico-node exits: \"Invalid node selector\"",
                    fault.message
                ),
                at(fault.loc),
            )
            .with_label(fault.message)
            .with_help(
                "write a Calico selector, e.g. `all()`, `has(zone)` or `zone == \"a\"`; leave it empty to select every node",
            ),
    }
}

fn cidr_advice(var: &str, value: &str, family: Family) -> (String, String) {
    let other = match family {
        Family::V4 => Family::V6,
        Family::V6 => Family::V4,
    };
    let other_var = var.replace(
        if family == Family::V4 { "IPV4" } else { "IPV6" },
        if family == Family::V4 { "IPV6" } else { "IPV4" },
    );
    let example = match family {
        Family::V4 => "10.244.0.0/16",
        Family::V6 => "fd00:10:244::/48",
    };
    if value.eq_ignore_ascii_case("none") {
        return (
            "only lower-case `none` disables the pool".to_owned(),
            format!("write `none` to create no {} pool", family.name()),
        );
    }
    match cidr::parse(value) {
        Ok(net) if Family::of(&net) == other => (
            format!("an {} CIDR", other.name()),
            format!("set {other_var} for an {} pool", other.name()),
        ),
        Err(CidrError::BareAddress(addr)) => (
            "an address, not a subnet".to_owned(),
            format!("add the prefix length, e.g. `{addr}/16`"),
        ),
        Err(error) => (
            error.to_string(),
            format!("write an {} CIDR such as {example}", family.name()),
        ),
        Ok(_) => (
            "not a CIDR".to_owned(),
            format!("write an {} CIDR such as {example}", family.name()),
        ),
    }
}

fn block_size_help(family: Family) -> String {
    let range = family.block_size_range();
    format!(
        "write a whole number from {} to {} (without spaces), or remove the variable for the default {}",
        range.start(),
        range.end(),
        family.default_block_size()
    )
}

fn mode_suggestion(value: &str) -> Option<&'static str> {
    let folded: String = value
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .collect::<String>()
        .to_ascii_lowercase();
    match folded.as_str() {
        "enabled" | "enable" | "true" | "on" | "yes" | "ipip" | "vxlan" => Some("Always"),
        "disabled" | "disable" | "false" | "no" | "none" => Some("Never"),
        "cross" | "crosssubnets" | "subnet" => Some("CrossSubnet"),
        _ => super::closest(value, ["Never", "CrossSubnet", "Always"]),
    }
}

#[cfg(test)]
mod tests {
    use super::mode_suggestion;

    #[test]
    fn suggests_modes() {
        assert_eq!(mode_suggestion("Enabled"), Some("Always"));
        assert_eq!(mode_suggestion("none"), Some("Never"));
        assert_eq!(mode_suggestion("Alwyas"), Some("Always"));
        assert_eq!(mode_suggestion("wireguard"), None);
    }
}

//! IPP102 duplicate-pool-name.

use foldhash::{HashMap, HashMapExt};

use super::prelude::*;
use crate::model::pool::SelectorField;

declare_rule! {
    /// ## What it does
    /// Checks that a pool name declared more than once, in any sources, has the same effective
    /// spec every time: CIDR network, blockSize, ipipMode, vxlanMode, natOutgoing, disabled,
    /// disableBGPExport, nodeSelector, namespaceSelector, allowedUses and assignmentMode, each
    /// compared after Calico's defaulting, so `blockSize: 26` and an
    /// omitted blockSize agree. Identical copies, such as a kustomize base next to its rendered
    /// output, are not reported.
    ///
    /// ## Why is this bad?
    /// A name is one pool. Whichever declaration is applied last wins, so what the cluster ends
    /// up with depends on apply order; and where the two differ in `cidr` or `blockSize` the
    /// second apply fails, because those fields cannot be changed (U1, U2).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 10.244.0.0/16
    /// ---
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 10.244.0.0/16
    ///   blockSize: 24
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 10.244.0.0/16
    /// ---
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 10.244.0.0/16
    ///   blockSize: 26
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/clientv3/ippool.go` (`validateAndSetDefaults`, `Update`: defaulting and
    /// the immutable cidr and blockSize).
    code: "IPP102",
    name: "duplicate-pool-name",
    severity: Error,
    summary: "one pool name declared twice with different specs",
    check: check,
}

/// A pool's spec after Calico's defaulting, one `(field, value)` per compared field, the value
/// as messages show it.
type Spec = Vec<(&'static str, String)>;

/// Whether [`effective_spec`] has one for the pool, without spelling it out.
fn has_spec(pool: &Pool) -> bool {
    pool.cidr_net().is_some() && pool.effective_block_size().is_some()
}

fn effective_spec(pool: &Pool) -> Option<Spec> {
    // A pool whose cidr does not parse is IPP001's; its other values mean little.
    let network = pool.cidr_net()?.trunc();
    let block_size = pool.effective_block_size()?;
    let mut uses: Vec<&str> = pool.effective_allowed_uses();
    uses.sort_unstable();
    uses.dedup();
    Some(vec![
        ("cidr", network.to_string()),
        ("blockSize", block_size.to_string()),
        ("ipipMode", mode(&pool.ipip_mode)),
        ("vxlanMode", mode(&pool.vxlan_mode)),
        ("natOutgoing", flag(&pool.nat_outgoing)),
        ("disabled", flag(&pool.disabled)),
        ("disableBGPExport", flag(&pool.disable_bgp_export)),
        ("nodeSelector", selector(&pool.node_selector, "all()")),
        ("namespaceSelector", selector(&pool.namespace_selector, "")),
        ("allowedUses", format!("[{}]", uses.join(", "))),
        (
            "assignmentMode",
            pool.assignment_mode_or_default().to_owned(),
        ),
    ])
}

fn mode(field: &Field<String>) -> String {
    match field.value() {
        Some(mode) if !mode.is_empty() => mode.clone(),
        _ => "Never".to_owned(),
    }
}

fn flag(field: &Field<bool>) -> String {
    field.value().copied().unwrap_or(false).to_string()
}

/// The canonical form when the selector parses, so `all( )` and `all()` agree; else the text.
fn selector(field: &Field<Box<SelectorField>>, default: &str) -> String {
    match field.value() {
        Some(written) if !written.text.is_empty() => match &written.parsed {
            Ok(parsed) => parsed.to_string(),
            Err(_) => written.text.clone(),
        },
        _ => default.to_owned(),
    }
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    // The first declaration of each name, which later ones are compared with. Specs are
    // spelled out only for a name seen twice: with 100k distinct names, none is.
    let mut first: HashMap<&str, &Pool> = HashMap::with_capacity(ctx.inventory.pools.len());
    for pool in ctx.pools() {
        let Some(name) = pool.name.spanned() else {
            continue;
        };
        let Some(&original) = first.get(name.value.as_str()) else {
            if has_spec(pool) {
                first.insert(&name.value, pool);
            }
            continue;
        };
        let (Some(spec), Some(original_spec)) = (effective_spec(pool), effective_spec(original))
        else {
            continue;
        };
        let original_spec = &original_spec;
        let differences: Vec<String> = spec
            .iter()
            .zip(original_spec)
            .filter(|(now, before)| now.1 != before.1)
            .map(|((field, now), (_, before))| format!("{field} {now} instead of {before}"))
            .collect();
        // A name repeated inside one Installation is the operator's own refusal (IPP302).
        if differences.is_empty() || super::overlapping_pools::same_installation(original, pool) {
            continue;
        }
        let Some(original_name) = original.name.spanned() else {
            continue;
        };
        let fields: Vec<&str> = spec
            .iter()
            .zip(original_spec)
            .filter(|(now, before)| now.1 != before.1)
            .map(|((field, _), _)| *field)
            .collect();
        out.push(
            RULE.finding(
                format!(
                    "{} is declared again with a different spec: {}",
                    pool.display_name(),
                    differences.join(", ")
                ),
                at_pool(pool, name.loc),
            )
            .with_label(format!("differs in {}", fields.join(", ")))
            .with_related(
                format!("{} first declared here", original.display_name()),
                at_pool(original, original_name.loc),
            )
            .with_help(
                "keep one declaration of each pool, or make the copies identical; the last one \
                 applied wins, and a changed cidr or blockSize is refused",
            ),
        );
    }
}

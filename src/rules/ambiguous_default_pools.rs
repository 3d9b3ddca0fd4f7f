//! IPP107 ambiguous-default-pools.

use std::collections::BTreeMap;

use foldhash::{HashSet, HashSetExt};

use super::node_without_pool::{NodeClasses, node_selector, serves_pods_automatically};
use super::prelude::*;
use crate::model::cidr::Family;
use crate::model::cluster::NodeFact;
use crate::model::selector::Selector;
use crate::source::Loc;

declare_rule! {
    /// ## What it does
    /// Reports a node that more than one enabled pool of a family would serve automatically:
    /// pools with `assignmentMode: Automatic` and `Workload` among their allowedUses whose
    /// nodeSelectors select the same node. With Node
    /// manifests in the inputs, the nodes are evaluated; without, two such pools that both
    /// select every node (`all()` or no nodeSelector) are reported. Pools with a
    /// namespaceSelector are left out, since which namespaces they share is not known here.
    /// Reported once per set of pools, naming the nodes they share.
    ///
    /// ## Why is this bad?
    /// Nothing makes one of them the default: Calico takes new blocks from the pools in name
    /// order, so pods land in the alphabetically first pool until it is full, whatever was
    /// meant (projectcalico/calico#7299). Usually one of the pools was meant for some nodes or
    /// some workloads only, or is the old pool of a migration that should have been disabled.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 192.168.0.0/16
    /// ---
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: batch-pool
    /// spec:
    ///   cidr: 10.50.0.0/16
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 192.168.0.0/16
    /// ---
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: batch-pool
    /// spec:
    ///   cidr: 10.50.0.0/16
    ///   assignmentMode: Manual
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/ipam/ipam.go` (`determinePools`, `autoAssign`: pools in list order),
    /// `libcalico-go/lib/ipam/pools.go` (`SelectsNode`).
    code: "IPP107",
    name: "ambiguous-default-pools",
    severity: Info,
    summary: "more than one enabled Automatic Workload pool selects the same nodes",
    check: check,
}

struct Candidate<'a> {
    pool: &'a Pool,
    name: &'a str,
    selector: &'a Selector,
    /// The nodeSelector value, else the cidr: where the pool decides which nodes it serves.
    loc: Loc,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for family in [Family::V4, Family::V6] {
        let candidates = candidates(ctx, family);
        if candidates.len() < 2 {
            continue;
        }
        let nodes = &ctx.inventory.nodes;
        if nodes.is_empty() {
            let everywhere: Vec<&Candidate<'_>> =
                candidates.iter().filter(|c| c.selector.is_all()).collect();
            if everywhere.len() >= 2 {
                out.extend(finding(family, &everywhere, &[]));
            }
            continue;
        }
        // The nodes each set of pools shares, keyed by the pools' indexes.
        let mut shared: BTreeMap<Vec<usize>, Vec<&NodeFact>> = BTreeMap::new();
        let selectors: Vec<&Selector> = candidates.iter().map(|c| c.selector).collect();
        let classes = NodeClasses::new(nodes, selectors.iter().copied());
        for (serving, class) in classes.selected_by(&selectors) {
            if serving.len() >= 2 {
                shared.entry(serving).or_default().extend(class);
            }
        }
        // In input order, as a walk over the nodes would list them.
        for nodes in shared.values_mut() {
            nodes.sort_by_key(|node| (node.loc.source, node.loc.span().start));
        }
        for (indexes, nodes) in shared {
            let group: Vec<&Candidate<'_>> =
                indexes.iter().filter_map(|&i| candidates.get(i)).collect();
            out.extend(finding(family, &group, &nodes));
        }
    }
}

/// Enabled Automatic Workload pools of the family, one per name (a repeated name is one pool;
/// IPP102 compares the copies), without a namespaceSelector and with a nodeSelector that parses.
fn candidates<'a>(ctx: &Context<'a>, family: Family) -> Vec<Candidate<'a>> {
    let mut seen = HashSet::new();
    ctx.pools()
        .filter(|pool| pool.family() == Some(family) && serves_pods_automatically(pool))
        .filter(|pool| match &pool.namespace_selector {
            Field::Absent => true,
            Field::Set(written) => {
                written.value.text.is_empty()
                    || written.value.parsed.as_ref().is_ok_and(Selector::is_all)
            }
            Field::WrongType(_) => false,
        })
        .filter_map(|pool| {
            let name = pool.name.value()?;
            let selector = node_selector(pool)?;
            let loc = pool.node_selector.loc().or_else(|| pool.cidr.loc())?;
            seen.insert(name.as_str()).then_some(Candidate {
                pool,
                name,
                selector,
                loc,
            })
        })
        .collect()
}

/// Pools a message names; the others are counted (their places are the related locations).
const NAMED_IN_MESSAGE: usize = 5;

/// "A and B", "A, B and C", "A, B, C, D, E and 19995 other pools".
fn join(names: &[String]) -> String {
    if names.len() > NAMED_IN_MESSAGE {
        let rest = names.len() - NAMED_IN_MESSAGE;
        return format!(
            "{} and {rest} other pools",
            names[..NAMED_IN_MESSAGE].join(", ")
        );
    }
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn finding(family: Family, group: &[&Candidate<'_>], nodes: &[&NodeFact]) -> Option<Finding> {
    // Point at the pool written last: usually the one added to a working setup.
    let mut by_place: Vec<&Candidate<'_>> = group.to_vec();
    by_place.sort_by_key(|c| (c.loc.source, c.loc.span().start));
    let mut by_name: Vec<&Candidate<'_>> = group.to_vec();
    by_name.sort_by_key(|c| c.name);
    let (primary, first_by_name) = (by_place.last()?, by_name.first()?);
    let names: Vec<String> = by_name.iter().map(|c| c.pool.display_name()).collect();
    let both = if group.len() == 2 { "both" } else { "all" };
    let selects = match nodes {
        [] => "every node".to_owned(),
        [one] => format!("Node {}", one.name),
        [first, rest @ ..] => format!(
            "Node {} and {} other node{}",
            first.name,
            rest.len(),
            if rest.len() == 1 { "" } else { "s" }
        ),
    };
    let mut finding = RULE
        .finding(
            format!(
                "{} are {both} default {} pools for {selects}; Calico takes new blocks from \
                 them in name order, {} first",
                join(&names),
                family.name(),
                first_by_name.name,
            ),
            at_pool(primary.pool, primary.loc),
        )
        .with_label(format!("selects {selects}"))
        .with_help(
            "give the pools disjoint nodeSelectors, set `assignmentMode: Manual` on a pool meant \
             for pods that ask for it (annotation cni.projectcalico.org/ipv4pools or ipv6pools), \
             or disable the pool being replaced",
        );
    for other in by_place.iter().rev().skip(1).rev() {
        finding = finding.with_related(
            format!("{} also selects {selects}", other.pool.display_name()),
            at_pool(other.pool, other.loc),
        );
    }
    Some(finding)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_message_names_a_few_pools_and_counts_the_rest() {
        let names: Vec<String> = (0..20_000).map(|i| format!("IPPool pool-{i}")).collect();
        let text = super::join(&names);
        assert!(text.len() < 200, "{text}");
        assert!(
            text.ends_with("IPPool pool-4 and 19995 other pools"),
            "{text}"
        );
        assert_eq!(super::join(&names[..2]), "IPPool pool-0 and IPPool pool-1");
    }
}

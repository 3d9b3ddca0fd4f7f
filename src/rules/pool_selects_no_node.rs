//! IPP106 pool-selects-no-node.

use std::collections::BTreeSet;

use super::node_without_pool::{NodeClasses, node_selector};
use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// When the inputs contain Node manifests, checks that each enabled pool's nodeSelector
    /// selects at least one of them. Pools deliberately
    /// kept for explicit requests are left alone: `nodeSelector: "!all()"` (the documented way
    /// to select no node) and `assignmentMode: Manual`. Disabled pools, and pools whose
    /// nodeSelector does not parse (`invalid-selector`), are not checked.
    ///
    /// ## Why is this bad?
    /// Calico assigns addresses from a pool only on nodes its nodeSelector selects. A selector
    /// matching no node, usually a label key or value spelled differently from the nodes'
    /// labels, leaves the pool unused while pods take addresses from other pools, or from none.
    /// The Node manifests in the inputs may be only some of the cluster's nodes, hence a
    /// warning.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: rack-1
    /// spec:
    ///   cidr: 10.244.0.0/18
    ///   nodeSelector: rack == "rack1"
    /// ---
    /// apiVersion: v1
    /// kind: Node
    /// metadata:
    ///   name: worker-1
    ///   labels:
    ///     rack: "1"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: rack-1
    /// spec:
    ///   cidr: 10.244.0.0/18
    ///   nodeSelector: rack == "1"
    /// ---
    /// apiVersion: v1
    /// kind: Node
    /// metadata:
    ///   name: worker-1
    ///   labels:
    ///     rack: "1"
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/ipam/pools.go` (`SelectsNode`), `libcalico-go/lib/ipam/ipam.go`
    /// (`determinePools`).
    code: "IPP106",
    name: "pool-selects-no-node",
    severity: Warning,
    summary: "Node manifests present, and the pool's nodeSelector matches none of them",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let nodes = &ctx.inventory.nodes;
    if nodes.is_empty() {
        return;
    }
    let classes = NodeClasses::new(nodes, ctx.pools().filter_map(node_selector));
    for pool in ctx.pools() {
        if pool.is_disabled()
            || pool.assignment_mode_or_default() == "Manual"
            || pool.cidr_net().is_none()
        {
            continue;
        }
        let (Some(selector), Some(written)) = (node_selector(pool), pool.node_selector.spanned())
        else {
            // An omitted nodeSelector is `all()`, which selects every node.
            continue;
        };
        if selector.selects_nothing() || classes.any_selected(selector) {
            continue;
        }
        let selects_none = match nodes.as_slice() {
            [only] => format!(
                "does not select Node {}, the only Node manifest in the inputs",
                only.name
            ),
            _ => format!(
                "selects none of the {} Node manifests in the inputs",
                nodes.len()
            ),
        };
        let keys = selector.label_keys();
        let known: BTreeSet<&str> = nodes
            .iter()
            .flat_map(|node| node.labels.keys().map(String::as_str))
            .collect();
        let missing = keys.iter().copied().find(|key| !known.contains(key));
        let mut help = match missing {
            Some(key) => match super::closest(key, known.iter().copied()) {
                Some(near) => format!(
                    "fix the nodeSelector: no node has the label `{key}` (did you mean `{near}`?)"
                ),
                None => format!(
                    "fix the nodeSelector or label the nodes: no node has the label `{key}`"
                ),
            },
            None => "fix the nodeSelector so that its values match your nodes' labels".to_owned(),
        };
        help.push_str(
            "; or, for a pool meant only for pods that ask for it, use `nodeSelector: \"!all()\"` \
             or `assignmentMode: Manual`",
        );
        out.push(
            RULE.finding(
                format!(
                    "{} (nodeSelector `{}`) {selects_none}",
                    pool.display_name(),
                    written.value.text,
                ),
                at_pool(pool, written.loc),
            )
            .with_label("matches no node")
            .with_help(help),
        );
    }
}

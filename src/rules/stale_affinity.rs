//! IPP505 stale-affinity.

use super::live_state::LiveState;
use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `lint --cluster`, reports block affinities for nodes that no longer exist: a
    /// BlockAffinity whose `node` is no Node, and an IPAM block whose `affinity: host:<node>`
    /// names one (when no BlockAffinity already says so).
    ///
    /// ## Why is this bad?
    /// The block stays claimed by the deleted node: no other node takes new blocks from that
    /// range, and the pool looks fuller than it is. kube-controllers releases such affinities
    /// only when it can tell the node is gone; until then the range is lost.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: v1
    ///   kind: Node
    ///   metadata:
    ///     name: worker-1
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: BlockAffinity
    ///   metadata:
    ///     name: worker-9-10-244-0-0-26
    ///   spec:
    ///     node: worker-9
    ///     cidr: 10.244.0.0/26
    ///     state: confirmed
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: v1
    ///   kind: Node
    ///   metadata:
    ///     name: worker-1
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: BlockAffinity
    ///   metadata:
    ///     name: worker-1-10-244-0-0-26
    ///   spec:
    ///     node: worker-1
    ///     cidr: 10.244.0.0/26
    ///     state: confirmed
    /// ```
    ///
    /// ## Calico source
    /// `kube-controllers/pkg/controllers/node/ipam.go` (releasing the affinities of deleted
    /// nodes); `libcalico-go/lib/backend/model/block_affinity.go`.
    code: "IPP505",
    name: "stale-affinity",
    severity: Warning,
    summary: "a block affinity for a node that no longer exists",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(state) = LiveState::of(ctx) else {
        return;
    };
    // A state without Nodes (a dump of IPAM objects only) says nothing about which exist.
    if state.nodes.is_empty() {
        return;
    }
    let help = "once no pod on it is left, release the node's blocks: `calicoctl ipam release`, or delete the BlockAffinity and let kube-controllers clean up";
    let mut reported = std::collections::HashSet::new();
    for affinity in ctx
        .inventory
        .ipam
        .affinities
        .iter()
        .filter(|a| ctx.is_live(a.node.loc))
    {
        if state.nodes.contains(affinity.node.value.as_str()) {
            continue;
        }
        if let Some(cidr) = affinity.cidr {
            reported.insert(cidr);
        }
        let cidr = affinity
            .cidr
            .map(|c| format!(" on {c}"))
            .unwrap_or_default();
        out.push(
            RULE.finding(
                format!(
                    "{} holds a block{cidr} for node {}, which no longer exists",
                    affinity.object, affinity.node.value
                ),
                Location::at(affinity.node.loc, Some(affinity.object.clone())),
            )
            .with_label("no such node")
            .with_help(help),
        );
    }
    for block in &state.blocks {
        let (Some(host), Some(affinity)) = (block.host(), &block.affinity) else {
            continue;
        };
        if state.nodes.contains(host) || reported.contains(&block.cidr.value) {
            continue;
        }
        out.push(
            RULE.finding(
                format!(
                    "{} ({}) is affine to node {host}, which no longer exists",
                    block.object, block.cidr.value
                ),
                Location::at(affinity.loc, Some(block.object.clone())),
            )
            .with_label("no such node")
            .with_help(help),
        );
    }
}

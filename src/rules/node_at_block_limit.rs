//! IPP502 node-at-block-limit.

use super::live_state::{LiveState, plural};
use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `lint --cluster`, counts each node's affine IPAM blocks and reports a node that
    /// holds `maxBlocksPerHost` of them (IPAMConfig, else 20), or that will before it runs as
    /// many pods as it may: its pod capacity (`status.allocatable.pods`) needs more blocks of
    /// its block size than the limit allows.
    ///
    /// ## Why is this bad?
    /// A node at the limit claims no new block: once the addresses in its blocks are used, new
    /// pods on it borrow addresses from other nodes' blocks (extra /32 routes) or, with
    /// strictAffinity, fail with "cannot allocate new block due to per host block limit" and
    /// stay in ContainerCreating.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: IPAMConfig
    ///   metadata:
    ///     name: default
    ///   spec:
    ///     maxBlocksPerHost: 1
    /// - apiVersion: v1
    ///   kind: Node
    ///   metadata:
    ///     name: worker-1
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: IPAMBlock
    ///   metadata:
    ///     name: 10-244-0-0-26
    ///   spec:
    ///     cidr: 10.244.0.0/26
    ///     affinity: host:worker-1
    ///     allocations: []
    ///     unallocated: []
    ///     attributes: []
    /// ```
    ///
    /// Use instead (a limit the node's pods fit in):
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: IPAMConfig
    ///   metadata:
    ///     name: default
    ///   spec:
    ///     maxBlocksPerHost: 4
    /// - apiVersion: v1
    ///   kind: Node
    ///   metadata:
    ///     name: worker-1
    ///   status:
    ///     allocatable:
    ///       pods: "110"
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: IPAMBlock
    ///   metadata:
    ///     name: 10-244-0-0-26
    ///   spec:
    ///     cidr: 10.244.0.0/26
    ///     affinity: host:worker-1
    ///     allocations: []
    ///     unallocated: []
    ///     attributes: []
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/ipam/ipam.go` (`autoAssign`, `ErrBlockLimit`: "cannot allocate new
    /// block due to per host block limit").
    code: "IPP502",
    name: "node-at-block-limit",
    severity: Warning,
    summary: "a node's affine blocks reach maxBlocksPerHost, or will at its pod capacity",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(state) = LiveState::of(ctx) else {
        return;
    };
    let max = ctx.max_blocks_per_host();
    if max.value == 0 {
        return;
    }
    // Past the limit Calico borrows from other nodes' blocks, unless strictAffinity forbids it.
    let strict = ctx.inventory.strict_affinity.iter().any(|s| s.value);
    let outcome = if strict {
        "new pods on it fail (\"cannot allocate new block due to per host block limit\"; strictAffinity forbids borrowing)"
    } else {
        "new pods on it borrow addresses from other nodes' blocks, each a /32 route (Calico logs \"cannot allocate new block due to per host block limit\")"
    };
    let mut per_node: std::collections::HashMap<&str, Vec<&crate::model::ipam::BlockFact>> =
        std::collections::HashMap::new();
    for block in &state.blocks {
        if let Some(host) = block.host() {
            per_node.entry(host).or_default().push(block);
        }
    }
    let nodes = ctx
        .inventory
        .nodes
        .iter()
        .filter(|node| ctx.is_live(node.loc));
    for node in nodes {
        let Some(blocks) = per_node.get(node.name.as_str()) else {
            continue;
        };
        let count = blocks.len() as u64;
        let addresses: u128 = blocks.iter().map(|b| b.capacity()).sum();
        let free: u128 = blocks.iter().map(|b| b.capacity() - b.in_use()).sum();
        let block_addresses = blocks
            .iter()
            .map(|b| b.capacity())
            .min()
            .unwrap_or(1)
            .max(1);
        let capacity = ctx
            .inventory
            .ipam
            .node_pod_capacity
            .get(&node.name)
            .copied()
            .unwrap_or_else(|| ctx.pods_per_node().value);
        let limit = format!("maxBlocksPerHost is {} ({})", max.value, max.what);
        let location = Location::at(node.loc, Some(format!("Node/{}", node.name)));
        let mut finding = if count >= max.value {
            RULE.finding(
                format!(
                    "Node {} holds {} ({} addresses, {} free) and {limit}: once they are used, {outcome}",
                    node.name,
                    plural(u128::from(count), "affine block", "affine blocks"),
                    addresses,
                    free,
                ),
                location,
            )
            .with_label(format!("{count} of {} blocks", max.value))
        } else {
            let reachable = u128::from(max.value) * block_addresses;
            if reachable >= u128::from(capacity) {
                continue;
            }
            RULE.finding(
                format!(
                    "Node {} may run {capacity} pods, but {limit}, and {} of {block_addresses} addresses hold only {reachable}: beyond them, {outcome}",
                    node.name,
                    plural(u128::from(max.value), "block", "blocks"),
                ),
                location,
            )
            .with_label(format!("{count} of {} blocks now", max.value))
        };
        finding = finding.with_help(
            "raise maxBlocksPerHost in the IPAMConfig `default` (0 means 20), or use a pool with larger blocks (smaller blockSize) for this node",
        );
        if let Some(loc) = max.loc {
            finding = finding.with_related("the limit", Location::at(loc, None));
        }
        out.push(finding);
    }
}

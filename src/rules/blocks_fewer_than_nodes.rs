//! IPP103 blocks-fewer-than-nodes.

use super::node_without_pool::{NodeClasses, node_selector};
use super::prelude::*;
use crate::model::cidr;

declare_rule! {
    /// ## What it does
    /// Checks that an enabled pool has at least one block per node it serves. A pool of prefix
    /// length `p` and blockSize `b` has 2^(b − p) blocks. The
    /// nodes are the Node manifests in the inputs that the pool's nodeSelector selects; without
    /// Node manifests, the `--nodes` count (every node, whatever the selector); without either,
    /// the rule does not judge. LoadBalancer-only pools, whose blocks belong to no node, are
    /// not checked.
    ///
    /// ## Why is this bad?
    /// Calico gives each node its own blocks. Once every block is taken, a node without one
    /// borrows single addresses from other nodes' blocks, which spreads /32 routes through the
    /// network; with `strictAffinity` (required on Windows) it cannot borrow and its pods fail
    /// to start. Blocks stay with the node that claimed them even when empty.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 10.244.0.0/25
    ///   blockSize: 26
    /// ---
    /// apiVersion: v1
    /// kind: Node
    /// metadata:
    ///   name: node-1
    /// ---
    /// apiVersion: v1
    /// kind: Node
    /// metadata:
    ///   name: node-2
    /// ---
    /// apiVersion: v1
    /// kind: Node
    /// metadata:
    ///   name: node-3
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 10.244.0.0/24
    ///   blockSize: 26
    /// ---
    /// apiVersion: v1
    /// kind: Node
    /// metadata:
    ///   name: node-1
    /// ---
    /// apiVersion: v1
    /// kind: Node
    /// metadata:
    ///   name: node-2
    /// ---
    /// apiVersion: v1
    /// kind: Node
    /// metadata:
    ///   name: node-3
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/ipam/ipam.go` (`autoAssign`, `findOrClaimBlock`: affine blocks, then
    /// borrowing unless strictAffinity).
    code: "IPP103",
    name: "blocks-fewer-than-nodes",
    severity: Warning,
    summary: "2^(blockSize − prefix) < nodes the pool selects (Node manifests, else `--nodes`)",
    check: check,
}

/// The smallest `k` with 2^k ≥ `n`.
fn bits_for(n: u64) -> u32 {
    u64::BITS - n.saturating_sub(1).leading_zeros()
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let manifests = &ctx.inventory.nodes;
    let classes = NodeClasses::new(manifests, ctx.pools().filter_map(node_selector));
    for pool in ctx.pools() {
        if pool.is_disabled() || !(pool.allows_use("Workload") || pool.allows_use("Tunnel")) {
            continue;
        }
        let (Some(net), Some(written), Some(family)) =
            (pool.cidr_net(), pool.cidr.spanned(), pool.family())
        else {
            continue;
        };
        // A wrong-typed or out-of-range blockSize is IPP017's or IPP004's.
        let Some(block_size) = pool
            .effective_block_size()
            .filter(|size| family.block_size_range().contains(size))
            .and_then(|size| u8::try_from(size).ok())
        else {
            continue;
        };
        if matches!(pool.block_size, Field::WrongType(_)) {
            continue;
        }
        let prefix = net.prefix_len();
        // A pool smaller than one block is IPP005's.
        let Some(blocks) = cidr::block_count(prefix, block_size) else {
            continue;
        };
        let Some(selector) = node_selector(pool) else {
            continue;
        };
        let (nodes, counted) = if !manifests.is_empty() {
            let selected = classes.count_selected(selector);
            let counted = if selector.is_all() {
                "the Node manifests in the inputs"
            } else {
                "the Node manifests its nodeSelector selects"
            };
            (u64::try_from(selected).unwrap_or(u64::MAX), counted)
        } else if let Some(nodes) = ctx.cluster.nodes {
            // `!all()` marks a pool kept for explicit requests only: it serves no node by itself.
            if selector.selects_nothing() {
                continue;
            }
            (nodes, "--nodes")
        } else {
            continue;
        };
        if blocks >= u128::from(nodes) {
            continue;
        }

        let default = if matches!(pool.block_size.value(), None | Some(0)) {
            " the default"
        } else {
            ""
        };
        let needed = bits_for(nodes);
        let mut options = Vec::new();
        if let Some(larger) = block_size.checked_sub(u8::try_from(needed).unwrap_or(u8::MAX)) {
            options.push(format!("make the pool /{larger} or larger"));
        }
        let smaller = u32::from(prefix) + needed;
        if smaller <= u32::from(family.bits())
            && family.block_size_range().contains(&i64::from(smaller))
        {
            options.push(format!("use blockSize {smaller} (smaller blocks)"));
        }
        let mut help = if options.is_empty() {
            "use a larger pool, or add a second pool for these nodes".to_owned()
        } else {
            options.join(", or ")
        };
        help.push_str(
            "; cidr and blockSize cannot be changed in place, so create a new pool and migrate \
             (`kubectl ippool resize` / `migrate`)",
        );
        let mut finding = RULE
            .finding(
                format!(
                    "{} ({}) with{default} blockSize {block_size} has {blocks} blocks for {nodes} \
                     nodes ({counted}); nodes without a block of their own borrow addresses or fail",
                    pool.display_name(),
                    written.value,
                ),
                at_pool(pool, written.loc),
            )
            .with_label(format!("{blocks} blocks of /{block_size}"))
            .with_help(help);
        if let Some(size) = pool.block_size.spanned() {
            finding = finding.with_related(
                format!("blockSize {} set here", size.value),
                at_pool(pool, size.loc),
            );
        }
        out.push(finding);
    }
}

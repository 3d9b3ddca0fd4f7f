//! IPP503 pool-nearly-exhausted.

use super::live_state::LiveState;
use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `lint --cluster`, reports an enabled live pool whose addresses, or whose blocks,
    /// are used up to `--exhaustion-threshold` percent (default 90): addresses in use as
    /// `calicoctl ipam show` counts them (each block's size less its free addresses), and
    /// blocks allocated out of the pool's 2^(blockSize − prefix).
    ///
    /// ## Why is this bad?
    /// When every block of a pool is claimed, a new node gets no block: its pods borrow
    /// addresses from other nodes' blocks, or fail with strictAffinity. When every address is
    /// used, new pods fail ("no more free addresses", "cannot find a qualified ippool").
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: IPPool
    ///   metadata:
    ///     name: small-pool
    ///   spec:
    ///     cidr: 10.9.0.0/26
    ///     blockSize: 26
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: IPAMBlock
    ///   metadata:
    ///     name: 10-9-0-0-26
    ///   spec:
    ///     cidr: 10.9.0.0/26
    ///     affinity: host:worker-1
    ///     allocations: []
    ///     unallocated: []
    ///     attributes: []
    /// ```
    ///
    /// Use instead (room to grow):
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: IPPool
    ///   metadata:
    ///     name: small-pool
    ///   spec:
    ///     cidr: 10.9.0.0/22
    ///     blockSize: 26
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: IPAMBlock
    ///   metadata:
    ///     name: 10-9-0-0-26
    ///   spec:
    ///     cidr: 10.9.0.0/26
    ///     affinity: host:worker-1
    ///     allocations: [null]
    ///     unallocated: [0]
    ///     attributes: []
    /// ```
    ///
    /// ## Calico source
    /// `calicoctl/calicoctl/commands/ipam/show.go` (utilisation per pool);
    /// `libcalico-go/lib/ipam/ipam.go` (`GetUtilization`, block claiming and borrowing).
    code: "IPP503",
    name: "pool-nearly-exhausted",
    severity: Warning,
    summary: "a live pool's addresses or blocks are used beyond --exhaustion-threshold",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(state) = LiveState::of(ctx) else {
        return;
    };
    let threshold = ctx.exhaustion_threshold;
    let mut usage: Vec<(u128, u128)> = vec![(0, 0); state.pools.len()];
    for block in &state.blocks {
        if let Some(index) = state
            .pools
            .iter()
            .position(|(_, net)| crate::model::cidr::overlaps(net, &block.cidr.value))
            && let Some(slot) = usage.get_mut(index)
        {
            slot.0 += 1;
            slot.1 += block.in_use();
        }
    }
    for ((pool, net), (blocks, in_use)) in state.pools.iter().zip(usage) {
        if pool.is_disabled() {
            continue;
        }
        let (Some(size), Some(loc)) = (pool.effective_block_size(), pool.cidr.loc()) else {
            continue;
        };
        let Ok(size) = u8::try_from(size) else {
            continue;
        };
        let bits = u32::from(net.max_prefix_len() - net.prefix_len());
        let Some(total) = 1u128.checked_shl(bits) else {
            continue;
        };
        let Some(slots) = crate::model::cidr::block_count(net.prefix_len(), size) else {
            continue;
        };
        let address_percent = 100.0 * in_use as f64 / total as f64;
        let block_percent = 100.0 * blocks as f64 / slots.max(1) as f64;
        if address_percent < threshold && block_percent < threshold {
            continue;
        }
        let consequence = if blocks >= slots {
            "every block is claimed: a node without one borrows addresses, or fails with strictAffinity"
        } else {
            "new blocks and addresses run out soon"
        };
        out.push(
            RULE.finding(
                format!(
                    "{} ({net}) has {in_use} of {total} addresses in use ({address_percent:.0}%) and {blocks} of {slots} blocks allocated ({block_percent:.0}%): {consequence}",
                    pool.display_name(),
                ),
                at_pool(pool, loc),
            )
            .with_label(format!("{:.0}% used", address_percent.max(block_percent)))
            .with_help(
                "add a pool (a new CIDR for the same nodes), or move workloads to a larger pool with `kubectl ippool migrate`; the threshold is --exhaustion-threshold",
            ),
        );
    }
}

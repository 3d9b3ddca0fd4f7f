//! IPP504 orphaned-block.

use super::live_state::{LiveState, plural};
use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `lint --cluster`, reports an IPAM block that lies in no live pool: what
    /// `calicoctl ipam show` calls an "orphaned allocation block", left when a pool was deleted
    /// before its pods moved.
    ///
    /// ## Why is this bad?
    /// Calico hands out no new address from it, but its allocated addresses stay allocated, and
    /// a new pool over the same range with another block size is refused ("IPPool blocksSize
    /// conflicts with existing allocations that use a different blockSize").
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: IPPool
    ///   metadata:
    ///     name: default-ipv4-ippool
    ///   spec:
    ///     cidr: 10.244.0.0/16
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: IPAMBlock
    ///   metadata:
    ///     name: 10-9-0-0-26
    ///   spec:
    ///     cidr: 10.9.0.0/26
    ///     allocations: []
    ///     unallocated: []
    ///     attributes: []
    /// ```
    ///
    /// Use instead (the block released, or its pool kept):
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: IPPool
    ///   metadata:
    ///     name: default-ipv4-ippool
    ///   spec:
    ///     cidr: 10.244.0.0/16
    /// ```
    ///
    /// ## Calico source
    /// `calicoctl/calicoctl/commands/ipam/show.go` ("orphaned allocation blocks");
    /// `libcalico-go/lib/clientv3/ippool.go` (`Delete` leaves the blocks).
    code: "IPP504",
    name: "orphaned-block",
    severity: Warning,
    summary: "a live IPAM block that lies in no pool (left over from a deleted pool)",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(state) = LiveState::of(ctx) else {
        return;
    };
    for block in &state.blocks {
        if state.pool_of_block(block).is_some() {
            continue;
        }
        let affine = block
            .host()
            .map(|host| format!(", affine to node {host}"))
            .unwrap_or_default();
        out.push(
            RULE.finding(
                format!(
                    "{} ({}{affine}) lies in no IPPool; {} still allocated in it",
                    block.object,
                    block.cidr.value,
                    plural(block.in_use(), "address is", "addresses are"),
                ),
                Location::at(block.cidr.loc, Some(block.object.clone())),
            )
            .with_label("in no pool")
            .with_help(
                "recreate the pods that still use its addresses, then release the block (`calicoctl ipam check`, `calicoctl ipam release --from-report`); or recreate the pool it came from",
            ),
        );
    }
}

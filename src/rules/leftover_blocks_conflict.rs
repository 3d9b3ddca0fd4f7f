//! IPP404 leftover-blocks-conflict.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `lint --cluster`, reports a pool in the manifests that the cluster does not have yet
    /// whose CIDR covers live IPAM blocks of another size than its effective blockSize:
    /// typically blocks left over from a deleted pool, or from a pool being resized.
    ///
    /// ## Why is this bad?
    /// Calico refuses to create the pool ("IPPool blocksSize conflicts with existing allocations
    /// that use a different blockSize"). The blocks go away only when their addresses are
    /// released and the blocks are deleted (`calicoctl ipam release`, `calicoctl ipam check`).
    ///
    /// ## Example
    /// The live state: a block of /24 left over, and no pool:
    /// ```yaml
    /// apiVersion: crd.projectcalico.org/v1
    /// kind: IPAMBlock
    /// metadata:
    ///   name: 10-244-0-0-24
    /// spec:
    ///   cidr: 10.244.0.0/24
    ///   affinity: host:worker-1
    ///   allocations: []
    ///   unallocated: []
    ///   attributes: []
    ///   strictAffinity: false
    /// ```
    ///
    /// A manifest that fires:
    /// ```yaml
    /// apiVersion: crd.projectcalico.org/v1
    /// kind: IPPool
    /// metadata:
    ///   name: new-pool
    /// spec:
    ///   cidr: 10.244.0.0/16
    ///   blockSize: 26
    /// ```
    ///
    /// Use instead (the block size of the blocks left there, or another CIDR):
    /// ```yaml
    /// apiVersion: crd.projectcalico.org/v1
    /// kind: IPPool
    /// metadata:
    ///   name: new-pool
    /// spec:
    ///   cidr: 10.244.0.0/16
    ///   blockSize: 24
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/clientv3/ippool.go` (`Create`: existing blocks of another size);
    /// docs `calico/networking/ipam/change-block-size.mdx`.
    code: "IPP404",
    name: "leftover-blocks-conflict",
    severity: Error,
    summary: "a manifest pool would cover live IPAM blocks of another block size",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    if ctx.live_from.is_none() {
        return;
    }
    let blocks: Vec<_> = ctx
        .inventory
        .ipam
        .blocks
        .iter()
        .filter(|block| ctx.is_live(block.cidr.loc))
        .collect();
    let existing: Vec<&str> = ctx
        .live_pools()
        .filter_map(|pool| pool.name.value().map(String::as_str))
        .collect();
    for pool in ctx.pools().filter(|p| !ctx.is_live(p.anchor)) {
        // An update is judged by IPP401; C2 applies when the pool is created.
        if pool
            .name
            .value()
            .is_some_and(|name| existing.contains(&name.as_str()))
        {
            continue;
        }
        let (Some(written), Some(net), Some(size)) = (
            pool.cidr.spanned(),
            pool.cidr_net(),
            pool.effective_block_size(),
        ) else {
            continue;
        };
        let net = net.trunc();
        let conflicting: Vec<_> = blocks
            .iter()
            .filter(|block| {
                i64::from(block.cidr.value.prefix_len()) != size
                    && crate::model::cidr::overlaps(&net, &block.cidr.value)
            })
            .collect();
        let Some(first) = conflicting.first() else {
            continue;
        };
        let sizes: std::collections::BTreeSet<u8> = conflicting
            .iter()
            .map(|block| block.cidr.value.prefix_len())
            .collect();
        let sizes: Vec<String> = sizes.iter().map(|s| format!("/{s}")).collect();
        let blocks_text = if conflicting.len() == 1 {
            "1 live IPAM block".to_owned()
        } else {
            format!("{} live IPAM blocks", conflicting.len())
        };
        out.push(
            RULE.finding(
                format!(
                    "{} ({}, blockSize {size}) covers {blocks_text} of size {}: Calico refuses it (\"IPPool blocksSize conflicts with existing allocations that use a different blockSize\")",
                    pool.display_name(),
                    written.value,
                    sizes.join(", ")
                ),
                at_pool(pool, pool.block_size.loc().unwrap_or(written.loc)),
            )
            .with_label(format!("live blocks here are {}", sizes.join(", ")))
            .with_related(
                format!("{} ({})", first.object, first.cidr.value),
                Location::at(first.cidr.loc, Some(first.object.clone())),
            )
            .with_help(format!(
                "use blockSize {} like the blocks there, another CIDR, or release the leftover blocks first (`calicoctl ipam check`, then `calicoctl ipam release`)",
                sizes[0].trim_start_matches('/')
            )),
        );
    }
}

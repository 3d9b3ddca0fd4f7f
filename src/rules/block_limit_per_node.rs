//! IPP104 block-limit-per-node.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that a full node fits within Calico's per-host block limit: a block of blockSize
    /// `b` holds 2^(32 − b) (IPv4) or 2^(128 − b) (IPv6) addresses, so a node running
    /// `pods per node` pods from this pool needs ceil(pods / block addresses) blocks, which must
    /// not exceed `maxBlocksPerHost`. Pods per node is
    /// `--pods-per-node`, else the largest `KubeletConfiguration.maxPods` in the inputs, else
    /// 110; maxBlocksPerHost is `--max-blocks-per-host`, else the inputs' `IPAMConfig`, else 20.
    /// Checks enabled pools that allow `Workload`.
    ///
    /// ## Why is this bad?
    /// When a node holds `maxBlocksPerHost` blocks, Calico claims no more ("cannot allocate new
    /// block due to per host block limit"): pods beyond the limit borrow addresses from other
    /// nodes' blocks or, with strictAffinity, stay in ContainerCreating. Small blocks
    /// (blockSize 30–32) hit it quickly.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 10.244.0.0/16
    ///   blockSize: 32
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
    ///   blockSize: 26
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/ipam/ipam.go` (`autoAssign`: the per-host block limit, default 20 when
    /// IPAMConfig leaves `maxBlocksPerHost` at 0).
    code: "IPP104",
    name: "block-limit-per-node",
    severity: Warning,
    summary: "pods per node need more blocks than maxBlocksPerHost allows",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let pods = ctx.pods_per_node();
    let max = ctx.max_blocks_per_host();
    // No limit to exceed.
    if max.value == 0 {
        return;
    }
    for pool in ctx.pools() {
        if pool.is_disabled() || !pool.allows_use("Workload") {
            continue;
        }
        let (Some(net), Some(written), Some(family)) =
            (pool.cidr_net(), pool.cidr.spanned(), pool.family())
        else {
            continue;
        };
        if matches!(pool.block_size, Field::WrongType(_)) {
            continue;
        }
        // Out of range is IPP004's, a pool smaller than its block IPP005's.
        let Some(block_size) = pool
            .effective_block_size()
            .filter(|size| family.block_size_range().contains(size))
            .and_then(|size| u32::try_from(size).ok())
            .filter(|&size| u32::from(net.prefix_len()) <= size)
        else {
            continue;
        };
        let bits = u32::from(family.bits());
        // At most 12 host bits (IPv4 /20, IPv6 /116): no overflow.
        let per_block = 1u64 << (bits - block_size);
        let needed = pods.value.div_ceil(per_block);
        if needed <= max.value {
            continue;
        }

        // The smallest blockSize number (largest block) is the family's minimum; suggest the
        // largest number whose blocks still fit, which keeps blocks as small as possible.
        let min_per_block = pods.value.div_ceil(max.value);
        let host_bits = u64::BITS - min_per_block.saturating_sub(1).leading_zeros();
        let suggestion = bits
            .checked_sub(host_bits)
            .map(i64::from)
            .filter(|size| family.block_size_range().contains(size));

        let addresses = if per_block == 1 {
            "address"
        } else {
            "addresses"
        };
        let (primary, label) = match pool.block_size.spanned() {
            Some(size) if size.value != 0 => {
                (size.loc, format!("{per_block} {addresses} per block"))
            }
            _ => (
                written.loc,
                format!("default blockSize {block_size}: {per_block} {addresses} per block"),
            ),
        };
        let mut finding = RULE
            .finding(
                format!(
                    "{} with blockSize {block_size} ({per_block} {addresses} per block) needs \
                     {needed} blocks per node for {} pods ({}), but a node may hold at most {} \
                     ({})",
                    pool.display_name(),
                    pods.value,
                    pods.what,
                    max.value,
                    max.what,
                ),
                at_pool(pool, primary),
            )
            .with_label(label)
            .with_help(match suggestion {
                Some(size) => format!(
                    "use blockSize {size} or smaller (larger blocks), or raise maxBlocksPerHost in \
                     the IPAMConfig; blockSize cannot be changed in place (`kubectl ippool resize`)"
                ),
                None => "raise maxBlocksPerHost in the IPAMConfig, or lower the pods per node"
                    .to_owned(),
            });
        if let Some(loc) = pods.loc {
            finding = finding.with_related("maxPods set here", Location::at(loc, None));
        }
        if let Some(loc) = max.loc {
            finding = finding.with_related("maxBlocksPerHost set here", Location::at(loc, None));
        }
        out.push(finding);
    }
}

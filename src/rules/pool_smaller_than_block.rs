//! IPP005 pool-smaller-than-block.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that an enabled pool holds at least one IPAM block: its prefix length must not be
    /// longer than its effective `blockSize` (the written value, or 26 for IPv4 and 122 for IPv6
    /// when omitted or 0). A `/27` pool with the default block size of 26
    /// fires; so does an IPv6 `/124` pool. Disabled pools are exempt, as in Calico.
    ///
    /// ## Why is this bad?
    /// Calico IPAM hands out addresses a block at a time, so a pool smaller than one block could
    /// never be used. Calico rejects it: "IP pool size is too small for use with Calico IPAM. It
    /// must be equal to or greater than the block size."
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: 10.0.0.0/27
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: 10.0.0.0/27
    ///   blockSize: 28
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/validator/v3/validator.go` (`validateIPPoolSpec`) and
    /// `libcalico-go/lib/clientv3/ippool.go` (up to 3.32); the CRD rule in
    /// `api/pkg/apis/projectcalico/v3/ippool.go` (master).
    code: "IPP005",
    name: "pool-smaller-than-block",
    severity: Error,
    summary: "enabled pool whose prefix is longer than its effective blockSize",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for pool in ctx.pools() {
        if pool.is_disabled() {
            continue;
        }
        // An unparsable cidr is IPP001's; a wrong-typed blockSize is IPP017's.
        let (Some(net), Some(written), Some(family)) =
            (pool.cidr_net(), pool.cidr.spanned(), pool.family())
        else {
            continue;
        };
        if matches!(pool.block_size, Field::WrongType(_)) {
            continue;
        }
        let defaulted = matches!(pool.block_size.value(), None | Some(0));
        let Some(block_size) = pool.effective_block_size() else {
            continue;
        };
        // An out-of-range blockSize is IPP004's.
        if !family.block_size_range().contains(&block_size) {
            continue;
        }
        let prefix = i64::from(net.prefix_len());
        if prefix <= block_size {
            continue;
        }
        let block = if defaulted {
            format!("the {} default blockSize {block_size}", family.name())
        } else {
            format!("its blockSize {block_size}")
        };
        let max = i64::from(family.bits());
        let bigger_blocks = if prefix == max {
            format!("set `blockSize: {max}`")
        } else {
            format!("set `blockSize:` to {prefix}–{max}")
        };
        out.push(
            RULE.finding(
                format!(
                    "{} (cidr {}) is smaller than one block: prefix /{prefix} is longer than {block}",
                    pool.display_name(),
                    written.value
                ),
                at_pool(pool, written.loc),
            )
            .with_label(format!("/{prefix} is smaller than a /{block_size} block"))
            .with_help(format!(
                "use a /{block_size} or larger pool, {bigger_blocks}, or set `disabled: true`"
            )),
        );
    }
}

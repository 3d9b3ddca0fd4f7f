//! IPP402 block-size-omitted.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `lint --cluster`, reports an IPPool manifest that leaves out `blockSize` while the
    /// live pool of the same name has a blockSize other than the default (26 for IPv4, 122 for
    /// IPv6).
    ///
    /// ## Why is this bad?
    /// Calico fills in the default before it compares the new object with the stored one, so
    /// an omitted blockSize is a change to 26 (or 122), and the update is refused ("IPPool
    /// BlockSize cannot be modified"). With the native v3 CRDs the CEL rule only runs when both
    /// objects have the field: removing it is accepted, and the effective block size silently
    /// changes under the allocated blocks.
    ///
    /// ## Example
    /// The live pool:
    /// ```yaml
    /// apiVersion: crd.projectcalico.org/v1
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 10.244.0.0/16
    ///   blockSize: 24
    /// ```
    ///
    /// A manifest that fires:
    /// ```yaml
    /// apiVersion: crd.projectcalico.org/v1
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 10.244.0.0/16
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: crd.projectcalico.org/v1
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 10.244.0.0/16
    ///   blockSize: 24
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/clientv3/ippool.go` (`Update` compares the defaulted blockSize);
    /// `libcalico-go/lib/apis/v3` defaults (`blockSize` 26 / 122).
    code: "IPP402",
    name: "block-size-omitted",
    severity: Error,
    summary: "manifest omits blockSize for a live pool whose blockSize is not the default (U2)",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for (pool, live) in super::live_state::redefined_pools(ctx) {
        let Some(family) = pool.family() else {
            continue;
        };
        if !pool.block_size.is_absent() {
            continue;
        }
        let default = i64::from(family.default_block_size());
        let (Some(live_size), Some(live_loc)) = (live.block_size.value(), live.block_size.loc())
        else {
            continue;
        };
        if *live_size == default || *live_size == 0 {
            continue;
        }
        let at = pool.cidr.loc().unwrap_or(pool.anchor);
        out.push(
            RULE.finding(
                format!(
                    "{} leaves out blockSize, which Calico defaults to {default}, but the live pool's is {live_size}: the update is refused (\"IPPool BlockSize cannot be modified\")",
                    pool.display_name()
                ),
                at_pool(pool, at),
            )
            .with_label(format!("add blockSize: {live_size} to this spec"))
            .with_related("the live pool's blockSize", at_pool(live, live_loc))
            .with_help(format!("write `blockSize: {live_size}` in the manifest")),
        );
    }
}

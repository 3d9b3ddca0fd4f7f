//! IPP401 immutable-field-changed.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `lint --cluster`, compares each IPPool manifest with the live pool of the same name
    /// and reports a change Calico refuses: another `cidr` (a different network), another
    /// `blockSize`, or a pool that has `LoadBalancer` in `allowedUses` given any other use.
    ///
    /// ## Why is this bad?
    /// `cidr` and `blockSize` can never be changed ("IPPool CIDR cannot be modified", "IPPool
    /// BlockSize cannot be modified"; with the native v3 CRDs "CIDR cannot be changed; follow IP
    /// pool migration guide to avoid corruption."), and a LoadBalancer pool cannot become a
    /// Workload or Tunnel pool: `kubectl apply` of the manifest fails, and the deploy with it.
    /// Changing them is a migration: a new pool, the pods moved, the old pool deleted.
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
    ///   blockSize: 26
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
    ///   blockSize: 24
    /// ```
    ///
    /// Use instead (keep the live values; change the block size with Calico's procedure):
    /// ```yaml
    /// apiVersion: crd.projectcalico.org/v1
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 10.244.0.0/16
    ///   blockSize: 26
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/clientv3/ippool.go` (`Update`: CIDR, BlockSize and LoadBalancer use
    /// cannot be modified); the IPPool CRD's CEL rules in `api/config/crd/`; docs
    /// `calico/networking/ipam/migrate-pools.mdx` and `change-block-size.mdx`.
    code: "IPP401",
    name: "immutable-field-changed",
    severity: Error,
    summary: "manifest changes `cidr` or `blockSize` (or LoadBalancer use) of a live pool (U1–U3)",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for (pool, live) in super::live_state::redefined_pools(ctx) {
        if let (Some(written), Some(net), Some(live_net)) =
            (pool.cidr.spanned(), pool.cidr_net(), live.cidr_net())
            && net.trunc() != live_net.trunc()
            && let Some(live_written) = live.cidr.spanned()
        {
            out.push(
                RULE.finding(
                    format!(
                        "{} changes cidr from {} (live) to {}: Calico refuses (\"IPPool CIDR cannot be modified\")",
                        pool.display_name(),
                        live_written.value,
                        written.value
                    ),
                    at_pool(pool, written.loc),
                )
                .with_label(format!("live: {}", live_written.value))
                .with_related("the live pool's cidr", at_pool(live, live_written.loc))
                .with_help(format!(
                    "keep cidr: {}; to move to {}, create a new pool and migrate the pods (`kubectl ippool migrate`, Calico's \"Migrate from one IP pool to another\")",
                    live_written.value, written.value
                )),
            );
        }
        if let (Some(written), Some(size), Some(live_size)) = (
            pool.block_size.spanned(),
            pool.effective_block_size(),
            live.effective_block_size(),
        ) && size != live_size
        {
            let related = live
                .block_size
                .loc()
                .or(live.cidr.loc())
                .unwrap_or(live.anchor);
            out.push(
                RULE.finding(
                    format!(
                        "{} changes blockSize from {live_size} (live) to {size}: Calico refuses (\"IPPool BlockSize cannot be modified\")",
                        pool.display_name(),
                    ),
                    at_pool(pool, written.loc),
                )
                .with_label(format!("live: {live_size}"))
                .with_related(
                    if live.block_size.is_absent() {
                        format!("the live pool has the default blockSize {live_size}")
                    } else {
                        "the live pool's blockSize".to_owned()
                    },
                    at_pool(live, related),
                )
                .with_help(format!(
                    "keep blockSize: {live_size}; a new block size takes Calico's \"Change IP pool block size\" procedure (`kubectl ippool resize`)"
                )),
            );
        }
        if live.allows_use("LoadBalancer")
            && let Some(uses) = pool.allowed_uses.spanned()
            && let Some(other) = uses.value.iter().find(|u| u.value != "LoadBalancer")
        {
            let related = live.allowed_uses.loc().unwrap_or(live.anchor);
            out.push(
                RULE.finding(
                    format!(
                        "{} adds the use {} to a LoadBalancer pool: Calico refuses (\"IPPool allowed use cannot be changed from LoadBalacer to Workload or Tunnel\")",
                        pool.display_name(),
                        other.value
                    ),
                    at_pool(pool, other.loc),
                )
                .with_label("live pool is LoadBalancer only")
                .with_related("the live pool's allowedUses", at_pool(live, related))
                .with_help("keep allowedUses: [LoadBalancer]; declare a separate pool for workloads"),
            );
        }
    }
}

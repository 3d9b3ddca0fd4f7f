//! IPP403 overlaps-live-pool.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `lint --cluster`, reports a pool in the manifests whose CIDR overlaps the CIDR of a
    /// live pool of another name, disabled pools included. (Pools that only the manifests, or
    /// only the cluster, hold are compared by `overlapping-pools`.)
    ///
    /// ## Why is this bad?
    /// Calico refuses to create a pool that overlaps any existing pool ("IPPool(new-pool) CIDR
    /// overlaps with IPPool(default-ipv4-ippool) CIDR 10.244.0.0/16"); with the native v3 CRDs
    /// of Calico 3.32+ kube-controllers marks one of the two `Allocatable=False` instead, and
    /// IPAM stops using it without an error anyone sees.
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
    /// ```
    ///
    /// A manifest that fires:
    /// ```yaml
    /// apiVersion: crd.projectcalico.org/v1
    /// kind: IPPool
    /// metadata:
    ///   name: new-pool
    /// spec:
    ///   cidr: 10.244.128.0/18
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: crd.projectcalico.org/v1
    /// kind: IPPool
    /// metadata:
    ///   name: new-pool
    /// spec:
    ///   cidr: 10.245.0.0/18
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/clientv3/ippool.go` (`Create`, the overlap loop);
    /// `kube-controllers/pkg/controllers/ippool/pool_controller.go` (`CIDROverlap`).
    code: "IPP403",
    name: "overlaps-live-pool",
    severity: Error,
    summary: "a manifest pool overlaps a live pool of another name",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    if ctx.live_from.is_none() {
        return;
    }
    let live: Vec<(&Pool, ipnet::IpNet)> = ctx
        .live_pools()
        .filter_map(|pool| Some((pool, pool.cidr_net()?.trunc())))
        .collect();
    for pool in ctx.pools().filter(|p| !ctx.is_live(p.anchor)) {
        let (Some(written), Some(net)) = (pool.cidr.spanned(), pool.cidr_net()) else {
            continue;
        };
        let net = net.trunc();
        let name = pool.name.value();
        let mut overlapping = live.iter().filter(|(other, other_net)| {
            other.name.value() != name && crate::model::cidr::overlaps(&net, other_net)
        });
        let Some((first, first_net)) = overlapping.next() else {
            continue;
        };
        let others = match overlapping.count() {
            0 => String::new(),
            1 => " and 1 other live pool".to_owned(),
            n => format!(" and {n} other live pools"),
        };
        let Some(first_loc) = first.cidr.loc() else {
            continue;
        };
        out.push(
            RULE.finding(
                format!(
                    "{} ({}) overlaps the live {} ({first_net}){others}",
                    pool.display_name(),
                    written.value,
                    first.display_name(),
                ),
                at_pool(pool, written.loc),
            )
            .with_label(format!("overlaps live {first_net}"))
            .with_related("the live pool's cidr", at_pool(first, first_loc))
            .with_help("choose a CIDR that no live pool covers (`kubectl ippool list` shows them); Calico rejects an overlapping pool"),
        );
    }
}

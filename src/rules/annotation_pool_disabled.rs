//! IPP203 annotation-pool-disabled.

use super::prelude::*;
use crate::model::annotations::Resolution;

declare_rule! {
    /// ## What it does
    /// Checks that no entry of a `cni.projectcalico.org/ipv4pools` or `ipv6pools` annotation (on
    /// a Namespace, a Pod or a pod template) names a disabled pool, or is exactly the CIDR of
    /// one.
    ///
    /// ## Why is this bad?
    /// Calico looks a named pool up among all pools, disabled ones included, and then asks IPAM
    /// for an address from that CIDR; IPAM only allocates from enabled pools, so every pod the
    /// annotation applies to fails with "the given pool (<cidr>) does not exist, or is not
    /// enabled" and stays in `ContainerCreating`. Pools are typically disabled during a
    /// migration, which leaves annotations pointing at the old pool.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: old-ippool
    /// spec:
    ///   cidr: 10.244.0.0/16
    ///   disabled: true
    /// ---
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: team-a
    ///   annotations:
    ///     cni.projectcalico.org/ipv4pools: '["old-ippool"]'
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: old-ippool
    /// spec:
    ///   cidr: 10.244.0.0/16
    ///   disabled: true
    /// ---
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: new-ippool
    /// spec:
    ///   cidr: 10.245.0.0/16
    /// ---
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: team-a
    ///   annotations:
    ///     cni.projectcalico.org/ipv4pools: '["new-ippool"]'
    /// ```
    ///
    /// ## Calico source
    /// `cni-plugin/internal/pkg/utils/utils.go` (`ResolvePools`),
    /// `libcalico-go/lib/ipam/ipam.go` (`determinePools`).
    code: "IPP203",
    name: "annotation-pool-disabled",
    severity: Error,
    summary: "an annotation names a disabled pool",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let pools = ctx.pool_index();
    for site in &ctx.inventory.annotation_sites {
        for (annotation, entry, resolution) in site.resolved_pool_entries(pools) {
            let Resolution::Disabled(pool) = resolution else {
                continue;
            };
            let by_name = pool.name.value().is_some_and(|name| *name == entry.text);
            let breaking = super::live_state::pods_breaking(ctx, site, entry.loc);
            let message = if by_name {
                format!(
                    "{} {} names {}, which is disabled{breaking}",
                    site.object,
                    site.label(annotation),
                    pool.display_name()
                )
            } else {
                format!(
                    "{} {} lists {}, the CIDR of {}, which is disabled{breaking}",
                    site.object,
                    site.label(annotation),
                    entry.text,
                    pool.display_name()
                )
            };
            let cidr = pool
                .cidr_net()
                .map_or_else(|| entry.text.clone(), |net| net.trunc().to_string());
            let mut finding = RULE
                .finding(message, Location::at(entry.loc, Some(site.object.clone())))
                .with_label("disabled pool")
                .with_help(format!(
                    "name an enabled pool, or enable this one; until then Calico fails {} with \"the given pool ({cidr}) does not exist, or is not enabled\"",
                    site.affected()
                ));
            if let Some(loc) = pool.disabled.loc() {
                finding = finding.with_related(
                    format!("{} is disabled here", pool.display_name()),
                    at_pool(pool, loc),
                );
            }
            out.push(finding);
        }
    }
}

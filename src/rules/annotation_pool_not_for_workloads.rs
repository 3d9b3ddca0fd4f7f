//! IPP206 annotation-pool-not-for-workloads.

use super::prelude::*;
use crate::model::annotations::Resolution;

declare_rule! {
    /// ## What it does
    /// Checks that every pool named (or matched by CIDR) in a `cni.projectcalico.org/ipv4pools`
    /// or `ipv6pools` annotation (on a Namespace, a Pod or a pod template) allows the
    /// `Workload` use: its `allowedUses` is omitted (Calico's default is `[Workload, Tunnel]`)
    /// or lists `Workload`.
    ///
    /// ## Why is this bad?
    /// Requesting pools explicitly bypasses their nodeSelector, namespaceSelector and
    /// assignmentMode, but not their allowed uses: IPAM drops pools that are not for workloads
    /// (Tunnel-only or LoadBalancer pools), and when none is left the pod fails with "cannot
    /// find a qualified ippool, no pools match the required use (Workload)".
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: tunnel-ippool
    /// spec:
    ///   cidr: 10.246.0.0/16
    ///   allowedUses: [Tunnel]
    /// ---
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: team-a
    ///   annotations:
    ///     cni.projectcalico.org/ipv4pools: '["tunnel-ippool"]'
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: tunnel-ippool
    /// spec:
    ///   cidr: 10.246.0.0/16
    ///   allowedUses: [Workload, Tunnel]
    /// ---
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: team-a
    ///   annotations:
    ///     cni.projectcalico.org/ipv4pools: '["tunnel-ippool"]'
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/ipam/ipam.go` (`determinePools`, `filterPoolsByUse`).
    code: "IPP206",
    name: "annotation-pool-not-for-workloads",
    severity: Error,
    summary: "the named pool's allowedUses lacks Workload",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let pools = ctx.pool_index();
    for site in &ctx.inventory.annotation_sites {
        for (annotation, entry, resolution) in site.resolved_pool_entries(pools) {
            let Resolution::NotForWorkloads(pool) = resolution else {
                continue;
            };
            let uses = pool.effective_allowed_uses().join(", ");
            let mut finding = RULE
                .finding(
                    format!(
                        "{} {} lists {}, whose allowedUses [{uses}] lacks Workload",
                        site.object,
                        site.label(annotation),
                        pool.display_name()
                    ),
                    Location::at(entry.loc, Some(site.object.clone())),
                )
                .with_label("not a pool for workloads")
                .with_help(format!(
                    "list a pool whose allowedUses includes Workload, or add Workload to this one; IPAM skips this pool and fails {} when no listed pool is left",
                    site.affected()
                ));
            if let Some(loc) = pool.allowed_uses.loc() {
                finding = finding.with_related(
                    format!("{} allows only {uses}", pool.display_name()),
                    at_pool(pool, loc),
                );
            }
            out.push(finding);
        }
    }
}

//! IPP205 annotation-cidr-not-a-pool.

use super::prelude::*;
use crate::model::annotations::Resolution;

declare_rule! {
    /// ## What it does
    /// Checks that every CIDR entry of a `cni.projectcalico.org/ipv4pools` or `ipv6pools`
    /// annotation (on a Namespace, a Pod or a pod template) is exactly the CIDR of an enabled
    /// pool, after masking as Calico does.
    /// A CIDR equal to a disabled pool's is IPP203's; one of the other family is IPP204's.
    ///
    /// ## Why is this bad?
    /// Calico uses an entry that parses as a CIDR as-is and asks IPAM for an address from a
    /// pool with exactly that CIDR. A subnet of a pool (to pin pods to part of it), a supernet,
    /// or an unrelated range matches no pool: every pod the annotation applies to fails with
    /// "the given pool (<cidr>) does not exist, or is not enabled" (projectcalico/cni-plugin#272).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: 10.245.0.0/16
    /// ---
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: team-a
    ///   annotations:
    ///     cni.projectcalico.org/ipv4pools: '["10.245.1.0/24"]'
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: 10.245.0.0/16
    /// ---
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: team-a
    ///   annotations:
    ///     cni.projectcalico.org/ipv4pools: '["10.245.0.0/16"]'
    /// ```
    ///
    /// ## Calico source
    /// `cni-plugin/internal/pkg/utils/utils.go` (`ResolvePools`),
    /// `libcalico-go/lib/ipam/ipam.go` (`determinePools`).
    code: "IPP205",
    name: "annotation-cidr-not-a-pool",
    severity: Error,
    summary: "a CIDR entry not exactly equal to some pool's CIDR (subset/superset)",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let pools = ctx.pool_index();
    for site in &ctx.inventory.annotation_sites {
        for (annotation, entry, resolution) in site.resolved_pool_entries(pools) {
            let Resolution::NotAPoolCidr { net, near } = resolution else {
                continue;
            };
            let near_net = near.and_then(|pool| pool.cidr_net().map(|p| (pool, p.trunc())));
            let (label, relation) = match near_net {
                Some((_, pool_net)) if pool_net.contains(&net) => {
                    ("a subnet of a pool", "is inside")
                }
                Some(_) => ("a supernet of a pool", "contains"),
                None => ("no pool has this CIDR", ""),
            };
            let mut message = format!(
                "{} {} lists CIDR {}, which is not the CIDR of any enabled pool",
                site.object,
                site.label(annotation),
                entry.text
            );
            let mut help = format!(
                "list a pool's exact CIDR or its name; Calico fails {} with \"the given pool ({net}) does not exist, or is not enabled\"",
                site.affected()
            );
            let mut related = None;
            if let Some((pool, pool_net)) = near_net {
                message.push_str(&format!(
                    " (it {relation} {} {pool_net})",
                    pool.display_name()
                ));
                let name = pool
                    .name
                    .value()
                    .map_or(String::new(), |n| format!(" or `{n}`"));
                help = format!(
                    "list the pool's exact CIDR `{pool_net}`{name}; Calico does not match a subnet or supernet of a pool and fails {} with \"the given pool ({net}) does not exist, or is not enabled\"",
                    site.affected()
                );
                if let Some(loc) = pool.cidr.loc() {
                    related = Some((
                        format!("{} has CIDR {pool_net}", pool.display_name()),
                        at_pool(pool, loc),
                    ));
                }
            }
            let mut finding = RULE
                .finding(message, Location::at(entry.loc, Some(site.object.clone())))
                .with_label(label)
                .with_help(help);
            if let Some((text, location)) = related {
                finding = finding.with_related(text, location);
            }
            out.push(finding);
        }
    }
}

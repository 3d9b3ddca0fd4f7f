//! IPP204 annotation-family-mismatch.

use super::prelude::*;
use crate::model::annotations::{CniKey, Resolution, resolve};
use crate::model::cidr::Family;

declare_rule! {
    /// ## What it does
    /// Checks that `cni.projectcalico.org/ipv4pools` lists only IPv4 pools (by name or CIDR)
    /// and `ipv6pools` only IPv6 ones, on Namespaces, Pods and pod templates.
    ///
    /// ## Why is this bad?
    /// Calico checks the family of every resolved entry before asking IPAM for an address and
    /// fails the pod with `"<ip>" isn't a IPv4 address` (or IPv6). An `ipv6pools` annotation is
    /// resolved even when the cluster does not assign IPv6, so a wrong entry there fails pods of
    /// IPv4-only clusters too.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv6-ippool
    /// spec:
    ///   cidr: fd00:10:244::/64
    /// ---
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: team-a
    ///   annotations:
    ///     cni.projectcalico.org/ipv4pools: '["default-ipv6-ippool"]'
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv6-ippool
    /// spec:
    ///   cidr: fd00:10:244::/64
    /// ---
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: team-a
    ///   annotations:
    ///     cni.projectcalico.org/ipv6pools: '["default-ipv6-ippool"]'
    /// ```
    ///
    /// ## Calico source
    /// `cni-plugin/internal/pkg/utils/utils.go` (`ResolvePools`).
    code: "IPP204",
    name: "annotation-family-mismatch",
    severity: Error,
    summary: "an IPv6 pool in `ipv4pools` or the reverse",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let pools = ctx.pool_index();
    for site in &ctx.inventory.annotation_sites {
        for (annotation, key, entry) in site.pool_entries() {
            let Some(wanted) = key.pool_family() else {
                continue;
            };
            let Resolution::WrongFamily { pool, family } = resolve(&entry.text, wanted, pools)
            else {
                continue;
            };
            let what = match pool {
                Some(pool) => pool.display_name(),
                None => format!("CIDR {}", entry.text),
            };
            let other_key = match family {
                Family::V4 => CniKey::Ipv4Pools,
                Family::V6 => CniKey::Ipv6Pools,
            };
            let mut finding = RULE
                .finding(
                    format!(
                        "{} {} lists {what}, which is {}",
                        site.object,
                        site.label(annotation),
                        family.name()
                    ),
                    Location::at(entry.loc, Some(site.object.clone())),
                )
                .with_label(format!("{} in {}", family.name(), key.name()))
                .with_help(format!(
                    "move it to {}; Calico fails {} because it is not an {} pool",
                    other_key.key(),
                    site.affected(),
                    wanted.name()
                ));
            if let Some(pool) = pool
                && let Some(loc) = pool.cidr.loc()
            {
                finding = finding.with_related(
                    format!("{} has an {} CIDR", pool.display_name(), family.name()),
                    at_pool(pool, loc),
                );
            }
            out.push(finding);
        }
    }
}

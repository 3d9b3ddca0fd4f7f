//! IPP207 ip-addrs-outside-pools.

use super::prelude::*;
use crate::model::annotations::{Annotation, AnnotationSite, CniKey, parse_ip};
use crate::model::cidr::Family;
use crate::model::version::CalicoVersion;

declare_rule! {
    /// ## What it does
    /// Checks the fixed addresses a pod asks for:
    /// - every address of `cni.projectcalico.org/ipAddrs` lies in an enabled pool (any pool:
    ///   node and namespace selectors do not matter); from Calico master on, one that allows
    ///   `Workload`;
    /// - `ipAddrs` and `ipAddrsNoIpam` list at most one IPv4 and one IPv6 address;
    /// - a pod does not set both `ipAddrs` and `ipAddrsNoIpam`.
    ///
    /// Pods and pod templates are checked (Calico reads these annotations only from pods).
    /// When the inputs define no pool, addresses are not checked against pools.
    ///
    /// ## Why is this bad?
    /// Calico fails the pod at network setup: "The provided IP address is not in a configured
    /// pool", "cannot have more than one IPv4 address for \"cni.projectcalico.org/ipAddrs\"
    /// annotation", "can't have both annotations: 'ipAddrs' and 'ipAddrsNoIpam' in use at the
    /// same time". `ipAddrsNoIpam` bypasses IPAM, so its addresses are not checked against
    /// pools.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 10.244.0.0/16
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: fixed-ip
    ///   namespace: team-a
    ///   annotations:
    ///     cni.projectcalico.org/ipAddrs: '["10.99.0.10"]'
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: nginx
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
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: fixed-ip
    ///   namespace: team-a
    ///   annotations:
    ///     cni.projectcalico.org/ipAddrs: '["10.244.0.10"]'
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: nginx
    /// ```
    ///
    /// ## Calico source
    /// `cni-plugin/pkg/k8s/k8s.go` (`validateAndExtractIPs`, the `ipAddrs`/`ipAddrsNoIpam`
    /// switch), `libcalico-go/lib/ipam/ipam.go` (`AssignIP`).
    code: "IPP207",
    name: "ip-addrs-outside-pools",
    severity: Error,
    summary: "`ipAddrs` address in no enabled pool, or more than one per family, or both ipAddrs and ipAddrsNoIpam",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let pools: Vec<&Pool> = ctx.pools().collect();
    for site in &ctx.inventory.annotation_sites {
        let ip_addrs = site.read(CniKey::IpAddrs);
        let no_ipam = site.read(CniKey::IpAddrsNoIpam);
        for annotation in [ip_addrs, no_ipam].into_iter().flatten() {
            one_per_family(site, annotation, out);
        }
        if let Some(annotation) = ip_addrs
            && !pools.is_empty()
        {
            in_pools(ctx, site, annotation, &pools, out);
        }
        if let (Some(a), Some(b)) = (ip_addrs, no_ipam)
            && a.text().is_some()
            && b.text().is_some()
        {
            let (first, second) = if a.key.loc.span().start <= b.key.loc.span().start {
                (a, b)
            } else {
                (b, a)
            };
            out.push(
                RULE.finding(
                    format!(
                        "{} sets both {} and {}; Calico fails {}",
                        site.object,
                        CniKey::IpAddrs.key(),
                        CniKey::IpAddrsNoIpam.key(),
                        site.affected()
                    ),
                    Location::at(second.key.loc, Some(site.object.clone())),
                )
                .with_label("second fixed-address annotation")
                .with_related(
                    format!("{} is set here", first.key.value),
                    Location::at(first.key.loc, Some(site.object.clone())),
                )
                .with_help(
                    "keep one: ipAddrs takes the address from a pool through IPAM, ipAddrsNoIpam bypasses IPAM",
                ),
            );
        }
    }
}

fn one_per_family(site: &AnnotationSite, annotation: &Annotation, out: &mut Vec<Finding>) {
    let Some(entries) = annotation.entries() else {
        return;
    };
    let mut seen: [Option<&crate::model::annotations::Entry>; 2] = [None, None];
    for entry in entries {
        let Some((_, family)) = parse_ip(&entry.text) else {
            continue;
        };
        let slot = usize::from(family == Family::V6);
        match seen[slot] {
            None => seen[slot] = Some(entry),
            Some(first) => out.push(
                RULE.finding(
                    format!(
                        "{} annotation {} lists more than one {} address; Calico fails {}",
                        site.object,
                        annotation.key.value,
                        family.name(),
                        site.affected()
                    ),
                    Location::at(entry.loc, Some(site.object.clone())),
                )
                .with_label(format!("second {} address", family.name()))
                .with_related(
                    format!("first {} address", family.name()),
                    Location::at(first.loc, Some(site.object.clone())),
                )
                .with_help("a pod gets at most one address of each family; keep one"),
            ),
        }
    }
}

fn in_pools(
    ctx: &Context<'_>,
    site: &AnnotationSite,
    annotation: &Annotation,
    pools: &[&Pool],
    out: &mut Vec<Finding>,
) {
    let Some(entries) = annotation.entries() else {
        return;
    };
    for entry in entries {
        let Some((addr, family)) = parse_ip(&entry.text) else {
            continue;
        };
        let containing: Vec<&Pool> = pools
            .iter()
            .copied()
            .filter(|pool| {
                pool.cidr_net()
                    .is_some_and(|net| net.trunc().contains(&addr))
            })
            .collect();
        let enabled: Vec<&Pool> = containing
            .iter()
            .copied()
            .filter(|p| !p.is_disabled())
            .collect();
        let at = Location::at(entry.loc, Some(site.object.clone()));
        if enabled.is_empty() {
            let mut finding = match containing.first() {
                Some(pool) => RULE
                    .finding(
                        format!(
                            "{} annotation {} asks for {addr}, which is in {}, a disabled pool",
                            site.object,
                            annotation.key.value,
                            pool.display_name()
                        ),
                        at,
                    )
                    .with_label("in a disabled pool"),
                None => RULE
                    .finding(
                        format!(
                            "{} annotation {} asks for {addr}, which is in no {} pool",
                            site.object,
                            annotation.key.value,
                            family.name()
                        ),
                        at,
                    )
                    .with_label("in no pool"),
            };
            if let Some(pool) = containing.first()
                && let Some(loc) = pool.disabled.loc()
            {
                finding = finding.with_related(
                    format!("{} is disabled here", pool.display_name()),
                    at_pool(pool, loc),
                );
            }
            out.push(finding.with_help(
                "choose an address inside an enabled pool; Calico fails the pod with \"The provided IP address is not in a configured pool\"",
            ));
            continue;
        }
        if ctx.calico >= CalicoVersion::MASTER && !enabled.iter().any(|p| p.allows_use("Workload"))
        {
            let pool = enabled[0];
            let mut finding = RULE
                .finding(
                    format!(
                        "{} annotation {} asks for {addr}, which is in {}, a pool not for workloads",
                        site.object,
                        annotation.key.value,
                        pool.display_name()
                    ),
                    at,
                )
                .with_label("in a pool not for workloads")
                .with_help("choose an address inside a pool whose allowedUses includes Workload");
            if let Some(loc) = pool.allowed_uses.loc() {
                finding = finding.with_related(
                    format!("{} allowedUses", pool.display_name()),
                    at_pool(pool, loc),
                );
            }
            out.push(finding);
        }
    }
}

//! IPP109 pool-overlaps-service-cidr.

use super::prelude::*;
use crate::model::cidr;
use crate::model::cluster::CidrFact;

declare_rule! {
    /// ## What it does
    /// Checks that no pool, disabled or not, overlaps a known Service CIDR: `--service-cidr`,
    /// kubeadm `ClusterConfiguration` `networking.serviceSubnet` (kubeadm's default
    /// 10.96.0.0/12 when a ClusterConfiguration leaves it out) in the inputs. Calico itself does not check this.
    ///
    /// ## Why is this bad?
    /// Service cluster IPs are virtual: kube-proxy (or Calico's eBPF dataplane) intercepts
    /// traffic to them on every node. A pod whose address falls in the Service range is
    /// unreachable, or shadows a Service that is later given the same address.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubeadm.k8s.io/v1beta3
    /// kind: ClusterConfiguration
    /// networking:
    ///   podSubnet: 10.96.0.0/11
    ///   serviceSubnet: 10.96.0.0/12
    /// ---
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 10.96.0.0/11
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: kubeadm.k8s.io/v1beta3
    /// kind: ClusterConfiguration
    /// networking:
    ///   podSubnet: 10.244.0.0/16
    ///   serviceSubnet: 10.96.0.0/12
    /// ---
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 10.244.0.0/16
    /// ```
    ///
    /// ## Calico source
    /// Not checked by Calico; kubeadm
    /// `cmd/kubeadm/app/apis/kubeadm/validation/validation.go` for the Service subnet.
    code: "IPP109",
    name: "pool-overlaps-service-cidr",
    severity: Error,
    summary: "pool overlaps a known Service CIDR",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut services: Vec<CidrFact> = Vec::new();
    for mut service in ctx.service_cidrs() {
        service.net = service.net.trunc();
        // A flag and a kubeadm file often give the same range: one finding, not two.
        if !services.iter().any(|seen| seen.net == service.net) {
            services.push(service);
        }
    }
    if services.is_empty() {
        return;
    }
    for pool in ctx.pools() {
        let (Some(net), Some(written)) = (pool.cidr_net(), pool.cidr.spanned()) else {
            continue;
        };
        let net = net.trunc();
        for service in services.iter().filter(|s| cidr::overlaps(&s.net, &net)) {
            let label = if net == service.net {
                "same range as the Service CIDR".to_owned()
            } else if net.contains(&service.net) {
                format!("contains Service CIDR {}", service.net)
            } else {
                format!("inside Service CIDR {}", service.net)
            };
            let mut finding = RULE
                .finding(
                    format!(
                        "{} ({}) overlaps the Service CIDR {} ({})",
                        pool.display_name(),
                        written.value,
                        service.net,
                        service.what
                    ),
                    at_pool(pool, written.loc),
                )
                .with_label(label)
                .with_help(format!(
                    "give the pool a CIDR disjoint from {}; pod and Service addresses must not collide",
                    service.net
                ));
            if let Some(loc) = service.loc {
                finding = finding.with_related(service.what.clone(), Location::at(loc, None));
            }
            out.push(finding);
        }
    }
}

//! IPP108 pool-outside-cluster-cidr.

use super::prelude::*;
use crate::model::cidr::Family;
use crate::model::cluster::CidrFact;

declare_rule! {
    /// ## What it does
    /// Checks that each pool lies inside a cluster (pod) CIDR of its family, when any is known:
    /// `--cluster-cidr`, kubeadm `ClusterConfiguration` `networking.podSubnet`, or kube-proxy
    /// `KubeProxyConfiguration` `clusterCIDR` in the inputs.
    /// Pools used only for LoadBalancer addresses are not pod addresses and are not checked.
    ///
    /// ## Why is this bad?
    /// Kubernetes components use the cluster CIDR to tell pod traffic from outside traffic:
    /// kube-proxy masquerades Service traffic from addresses outside it, so pods in such a pool
    /// reach Services with their source address rewritten, which breaks network policy and
    /// source-IP logging. The Tigera operator refuses to install pools outside the platform's
    /// pod CIDR ("IPPool … is not within the platform's configured pod network CIDR(s)"). A
    /// classic cause: `CALICO_IPV4POOL_CIDR` left at 192.168.0.0/16 while kubeadm's
    /// `--pod-network-cidr` says otherwise.
    ///
    /// ## Example
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
    ///   cidr: 192.168.0.0/16
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
    /// tigera/operator `pkg/controller/ippool/validation.go` and `kubeadm.go` (pools must lie
    /// in the pod CIDR); docs `calico/networking/ipam/migrate-pools.mdx` ("IP pools and cluster
    /// CIDRs").
    code: "IPP108",
    name: "pool-outside-cluster-cidr",
    severity: Warning,
    summary: "pool not inside a known cluster (pod) CIDR",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let known = distinct(ctx.cluster_cidrs());
    if known.is_empty() {
        return;
    }
    for pool in ctx.pools() {
        if !(pool.allows_use("Workload") || pool.allows_use("Tunnel")) {
            continue;
        }
        let (Some(net), Some(written)) = (pool.cidr_net(), pool.cidr.spanned()) else {
            continue;
        };
        let net = net.trunc();
        let family = Family::of(&net);
        let of_family: Vec<&CidrFact> = known
            .iter()
            .filter(|c| Family::of(&c.net) == family)
            .collect();
        let Some(first) = of_family.first() else {
            continue;
        };
        if of_family.iter().any(|c| c.net.contains(&net)) {
            continue;
        }
        let label = match (
            of_family.iter().find(|c| net.contains(&c.net)),
            of_family.as_slice(),
        ) {
            (Some(inner), _) => format!("larger than {}", inner.net),
            (None, [_]) => format!("outside {}", first.net),
            (None, _) => "outside every cluster CIDR".to_owned(),
        };
        let described: Vec<String> = of_family
            .iter()
            .map(|c| format!("{} ({})", c.net, c.what))
            .collect();
        let (which, help) = match of_family.as_slice() {
            [_] => (
                format!("the {} cluster CIDR {}", family.name(), described.join("")),
                format!(
                    "choose a pool CIDR inside {}, or widen the cluster CIDR (kubeadm podSubnet, \
                     kube-proxy clusterCIDR) to include {net}",
                    first.net
                ),
            ),
            _ => (
                format!(
                    "any {} cluster CIDR: {}",
                    family.name(),
                    described.join(", ")
                ),
                format!(
                    "choose a pool CIDR inside one of the cluster CIDRs, or widen one to include {net}"
                ),
            ),
        };
        let mut finding = RULE
            .finding(
                format!(
                    "{} ({}) is not inside {which}",
                    pool.display_name(),
                    written.value
                ),
                at_pool(pool, written.loc),
            )
            .with_label(label)
            .with_help(help);
        for cidr in &of_family {
            if let Some(loc) = cidr.loc {
                finding = finding.with_related(cidr.what.clone(), Location::at(loc, None));
            }
        }
        out.push(finding);
    }
}

/// The known CIDRs, masked, each network once (a flag and a kubeadm file often agree).
fn distinct(cidrs: Vec<CidrFact>) -> Vec<CidrFact> {
    let mut out: Vec<CidrFact> = Vec::with_capacity(cidrs.len());
    for mut cidr in cidrs {
        cidr.net = cidr.net.trunc();
        if !out.iter().any(|seen| seen.net == cidr.net) {
            out.push(cidr);
        }
    }
    out
}

//! IPP210 ip-addrs-on-replicated-workload.

use super::prelude::*;
use crate::model::annotations::{Annotation, AnnotationSite, CniKey, Replicas};

declare_rule! {
    /// ## What it does
    /// Checks that a fixed address (`cni.projectcalico.org/ipAddrs` or `ipAddrsNoIpam`) is
    /// asked for by one pod only: not in the pod template of a DaemonSet, nor of a workload
    /// whose `spec.replicas` is above one (Deployment, StatefulSet, ReplicaSet,
    /// ReplicationController).
    ///
    /// ## Why is this bad?
    /// Every pod of the template carries the same annotation, so every pod asks for the same
    /// address. With `ipAddrs`, Calico IPAM gives it to the first pod and fails the others at
    /// network setup ("Address already assigned in block"): all but one replica stay in
    /// ContainerCreating. With `ipAddrsNoIpam` nothing checks the address, and the pods share
    /// it on the network.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: team-a
    /// spec:
    ///   replicas: 3
    ///   selector:
    ///     matchLabels: {app: web}
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    ///       annotations:
    ///         cni.projectcalico.org/ipAddrs: '["10.244.0.10"]'
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: nginx
    /// ```
    ///
    /// Use instead: one fixed address per pod (one Pod or one-replica workload per address),
    /// or no `ipAddrs` and a pool for the workload (`cni.projectcalico.org/ipv4pools`).
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: team-a
    /// spec:
    ///   replicas: 3
    ///   selector:
    ///     matchLabels: {app: web}
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    ///       annotations:
    ///         cni.projectcalico.org/ipv4pools: '["web-pool"]'
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: nginx
    /// ```
    ///
    /// ## Calico source
    /// `cni-plugin/pkg/k8s/k8s.go` (the `ipAddrs` annotation: one `AssignIP` per pod),
    /// `libcalico-go/lib/ipam/ipam.go` (`AssignIP`: "Address already assigned in block");
    /// docs `calico/reference/configure-cni-plugins.mdx` ("Using Kubernetes annotations").
    code: "IPP210",
    name: "ip-addrs-on-replicated-workload",
    severity: Error,
    summary: "`ipAddrs`/`ipAddrsNoIpam` in the pod template of a DaemonSet or of a workload with more than one replica",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for site in &ctx.inventory.annotation_sites {
        // The loader leaves every site but a pod template at `One`.
        if site.replicas == Replicas::One {
            continue;
        }
        for key in [CniKey::IpAddrs, CniKey::IpAddrsNoIpam] {
            if let Some(annotation) = site.read(key).filter(|a| a.text().is_some()) {
                out.push(finding(site, annotation, key));
            }
        }
    }
}

fn finding(site: &AnnotationSite, annotation: &Annotation, key: CniKey) -> Finding {
    let pods = match site.replicas {
        Replicas::Many { count, .. } => format!("each of its {count} replicas"),
        Replicas::PerNode | Replicas::One => "its pod on every node".to_owned(),
    };
    let outcome = if key == CniKey::IpAddrs {
        "Calico gives it to one pod and fails the others (\"Address already assigned in block\")"
    } else {
        "nothing checks it, and the pods share one address on the network"
    };
    let mut finding = RULE
        .finding(
            format!(
                "{} asks for the same fixed address for {pods}: {outcome}",
                site.object
            ),
            Location::at(annotation.key.loc, Some(site.object.clone())),
        )
        .with_label("every pod of the template asks for these addresses")
        .with_help(
            "give each pod its own address (one Pod or one-replica workload per address), or \
             drop the fixed address and name a pool for the workload (cni.projectcalico.org/ipv4pools)",
        );
    if let Replicas::Many { count, loc } = site.replicas {
        finding = finding.with_related(
            format!("{count} replicas"),
            Location::at(loc, Some(site.object.clone())),
        );
    }
    finding
}

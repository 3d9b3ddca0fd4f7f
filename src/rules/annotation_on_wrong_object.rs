//! IPP209 annotation-on-wrong-object.

use super::prelude::*;
use crate::model::annotations::Place;

declare_rule! {
    /// ## What it does
    /// Finds Calico CNI annotations (`cni.projectcalico.org/ipv4pools`, `ipv6pools`,
    /// `ipFamilies`, `ipAddrs`, `ipAddrsNoIpam`, `floatingIPs`) where Calico never reads them: on a workload's own metadata (Deployment, StatefulSet, DaemonSet,
    /// Job, CronJob and its `jobTemplate`, ...) instead of its pod template, on any kind other
    /// than a Namespace or a Pod, and the pod-only keys (`ipAddrs`, `ipAddrsNoIpam`,
    /// `floatingIPs`) on a Namespace.
    ///
    /// ## Why is this bad?
    /// The CNI plugin reads the annotations of the pod being created and of its namespace,
    /// nothing else. Annotations on a Deployment are not copied to its pods, so the pods get
    /// addresses from the default pools and nothing reports it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: team-a
    ///   annotations:
    ///     cni.projectcalico.org/ipv4pools: '["default-ipv4-ippool"]'
    /// spec:
    ///   selector:
    ///     matchLabels: {app: web}
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: nginx
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: team-a
    /// spec:
    ///   selector:
    ///     matchLabels: {app: web}
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    ///       annotations:
    ///         cni.projectcalico.org/ipv4pools: '["default-ipv4-ippool"]'
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: nginx
    /// ```
    ///
    /// ## Calico source
    /// `cni-plugin/pkg/k8s/k8s.go` (`CmdAddK8s` reads the pod's and the namespace's
    /// annotations).
    code: "IPP209",
    name: "annotation-on-wrong-object",
    severity: Warning,
    summary: "pool annotations on a Deployment's own metadata instead of its pod template, and similar places Calico never reads",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for site in &ctx.inventory.annotation_sites {
        for annotation in &site.annotations {
            let Some(key) = annotation.cni else { continue };
            if site.place.reads(key) {
                continue;
            }
            let (message, help) = match site.place {
                Place::WorkloadMetadata { template } => (
                    format!(
                        "{} has {} in its {}, which Calico never reads",
                        site.object,
                        key.key(),
                        site.path
                    ),
                    format!(
                        "move the annotation to {template}: Calico reads the annotations of the pods, and a {} does not copy its own to them",
                        site.kind
                    ),
                ),
                Place::Namespace => (
                    format!(
                        "{} has {}, which Calico reads only from Pods",
                        site.object,
                        key.key()
                    ),
                    "set it on the pod, or in the pod template of its workload (spec.template.metadata.annotations)".to_owned(),
                ),
                _ => {
                    let readers = if key.read_on_namespaces() {
                        "Namespaces and Pods"
                    } else {
                        "Pods"
                    };
                    (
                        format!(
                            "{} has {}, which Calico reads only from {readers}",
                            site.object,
                            key.key()
                        ),
                        format!(
                            "set it on the {} (or the pod template of a workload) it is meant for",
                            if key.read_on_namespaces() { "Namespace or pod" } else { "pod" }
                        ),
                    )
                }
            };
            out.push(
                RULE.finding(
                    message,
                    Location::at(annotation.key.loc, Some(site.object.clone())),
                )
                .with_label("Calico never reads it here")
                .with_help(help),
            );
        }
    }
}

//! Which Calico API a cluster serves, and the resource types live mode touches.
//!
//! Pools are read and written through `projectcalico.org/v3` when the cluster serves it (the
//! Calico API server, or the native v3 CRDs of Calico 3.32+), so Calico's own server-side
//! validation applies to every write; otherwise through `crd.projectcalico.org/v1`, the storage
//! form, where nothing but this tool checks a write (calico-reference §1.2). IPAM objects always
//! come from `crd.projectcalico.org/v1`.

use super::client::{Connection, LiveError, Resource};

pub const NAMESPACES: Resource = Resource::core("namespaces", "Namespace", false);
pub const NODES: Resource = Resource::core("nodes", "Node", false);
pub const PODS: Resource = Resource::core("pods", "Pod", true);
pub const CONFIGMAPS: Resource = Resource::core("configmaps", "ConfigMap", true);

/// Where manifest installs keep the CNI network config calico-node writes on each node.
pub const CALICO_CONFIG: (&str, &str) = ("kube-system", "calico-config");

/// Where kubeadm keeps its ClusterConfiguration (the pod and Service CIDRs).
pub const KUBEADM_CONFIG: (&str, &str) = ("kube-system", "kubeadm-config");

const fn apps(plural: &'static str, kind: &'static str) -> Resource {
    Resource {
        group: "apps",
        version: "v1",
        plural,
        kind,
        namespaced: true,
    }
}

const fn batch(plural: &'static str, kind: &'static str) -> Resource {
    Resource {
        group: "batch",
        version: "v1",
        plural,
        kind,
        namespaced: true,
    }
}

const fn crd_v1(plural: &'static str, kind: &'static str) -> Resource {
    Resource {
        group: "crd.projectcalico.org",
        version: "v1",
        plural,
        kind,
        namespaced: false,
    }
}

pub const DEPLOYMENTS: Resource = apps("deployments", "Deployment");
pub const STATEFULSETS: Resource = apps("statefulsets", "StatefulSet");
pub const DAEMONSETS: Resource = apps("daemonsets", "DaemonSet");
pub const REPLICASETS: Resource = apps("replicasets", "ReplicaSet");
pub const JOBS: Resource = batch("jobs", "Job");
pub const CRONJOBS: Resource = batch("cronjobs", "CronJob");

pub const IPAM_BLOCKS: Resource = crd_v1("ipamblocks", "IPAMBlock");
pub const BLOCK_AFFINITIES: Resource = crd_v1("blockaffinities", "BlockAffinity");
pub const IPAM_CONFIGS: Resource = crd_v1("ipamconfigs", "IPAMConfig");
pub const POOLS_CRD_V1: Resource = crd_v1("ippools", "IPPool");
pub const POOLS_V3: Resource = Resource {
    group: "projectcalico.org",
    version: "v3",
    plural: "ippools",
    kind: "IPPool",
    namespaced: false,
};

/// The Tigera operator's `Installation`: its ipPools are the pools the operator keeps.
pub const INSTALLATIONS: Resource = Resource {
    group: "operator.tigera.io",
    version: "v1",
    plural: "installations",
    kind: "Installation",
    namespaced: false,
};

/// Every workload kind whose pod template carries pool annotations, with where the template is.
pub const WORKLOADS: [(Resource, &[&str]); 6] = [
    (DEPLOYMENTS, &["spec", "template"]),
    (STATEFULSETS, &["spec", "template"]),
    (DAEMONSETS, &["spec", "template"]),
    (REPLICASETS, &["spec", "template"]),
    (JOBS, &["spec", "template"]),
    (CRONJOBS, &["spec", "jobTemplate", "spec", "template"]),
];

/// The Calico API a cluster serves for pools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalicoApi {
    pub pools: Resource,
}

impl CalicoApi {
    /// Whether Calico itself validates writes (v3), or only this tool does (crd v1).
    pub fn validates(&self) -> bool {
        self.pools == POOLS_V3
    }
}

/// One `GET /apis`: v3 when served, else crd v1, else the cluster runs no Calico.
pub fn discover(connection: &Connection) -> Result<CalicoApi, LiveError> {
    let groups = connection.api_groups()?;
    let serves = |group: &str, version: &str| {
        groups
            .iter()
            .any(|(name, versions)| name == group && versions.iter().any(|v| v == version))
    };
    if serves("projectcalico.org", "v3") {
        return Ok(CalicoApi { pools: POOLS_V3 });
    }
    if serves("crd.projectcalico.org", "v1") {
        return Ok(CalicoApi {
            pools: POOLS_CRD_V1,
        });
    }
    Err(LiveError::Refused(format!(
        "the cluster at {} serves neither projectcalico.org/v3 nor crd.projectcalico.org/v1: is Calico installed, and is this the right context?",
        connection.server
    )))
}

/// What `assign`/`unassign` change: a namespace, a pod, or a workload's pod template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub resource: Resource,
    pub name: String,
    /// The path of the pod template inside the object; empty for namespaces and pods, whose own
    /// annotations are the ones Calico reads.
    pub template: &'static [&'static str],
}

impl Target {
    pub fn is_workload(&self) -> bool {
        !self.template.is_empty()
    }

    /// `namespace/test-ns`, `deployment.apps/web`: how kubectl names what it changed.
    pub fn kubectl_ref(&self) -> String {
        format!("{}/{}", self.resource.kubectl_name(), self.name)
    }
}

const KIND_WORDS: &str = "ns, pod, deploy, sts, ds, rs, job or cronjob";

/// Reads `TYPE NAME` or `TYPE/NAME` as kubectl does. Returns the target and how many of the
/// words after the type were used for the name.
pub fn parse_target(type_word: &str, next: Option<&str>) -> Result<(Target, usize), LiveError> {
    let (kind, name, used) = match type_word.split_once('/') {
        Some((kind, name)) => (kind, name.to_owned(), 0),
        None => match next {
            Some(name) => (type_word, name.to_owned(), 1),
            None => {
                return Err(LiveError::Refused(format!(
                    "name the {type_word} to change: `{type_word} NAME` or `{type_word}/NAME`"
                )));
            }
        },
    };
    if name.is_empty() {
        return Err(LiveError::Refused(format!(
            "name the {kind} to change: `{kind} NAME` or `{kind}/NAME`"
        )));
    }
    let (resource, template): (Resource, &'static [&'static str]) =
        match kind.to_ascii_lowercase().as_str() {
            "ns" | "namespace" | "namespaces" => (NAMESPACES, &[]),
            "po" | "pod" | "pods" => (PODS, &[]),
            "deploy" | "deployment" | "deployments" => (DEPLOYMENTS, WORKLOADS[0].1),
            "sts" | "statefulset" | "statefulsets" => (STATEFULSETS, WORKLOADS[1].1),
            "ds" | "daemonset" | "daemonsets" => (DAEMONSETS, WORKLOADS[2].1),
            "rs" | "replicaset" | "replicasets" => (REPLICASETS, WORKLOADS[3].1),
            "job" | "jobs" => (JOBS, WORKLOADS[4].1),
            "cj" | "cronjob" | "cronjobs" => (CRONJOBS, WORKLOADS[5].1),
            _ => {
                let words = [
                    "ns",
                    "namespace",
                    "pod",
                    "deploy",
                    "deployment",
                    "sts",
                    "statefulset",
                    "ds",
                    "daemonset",
                    "rs",
                    "replicaset",
                    "job",
                    "cronjob",
                ];
                let hint = crate::suggest::closest(kind, words)
                    .map(|near| format!(" (did you mean {near}?)"))
                    .unwrap_or_default();
                return Err(LiveError::Refused(format!(
                    "unknown resource type {kind:?}{hint}: use {KIND_WORDS}"
                )));
            }
        };
    Ok((
        Target {
            resource,
            name,
            template,
        },
        used,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_read_like_kubectl() {
        let (target, used) = parse_target("ns", Some("test-ns")).unwrap();
        assert_eq!(
            (target.resource, target.name.as_str(), used),
            (NAMESPACES, "test-ns", 1)
        );
        let (target, used) = parse_target("deploy/web", Some("pool")).unwrap();
        assert_eq!(
            (target.resource, target.name.as_str(), used),
            (DEPLOYMENTS, "web", 0)
        );
        assert_eq!(target.kubectl_ref(), "deployment.apps/web");
        let (target, _) = parse_target("CronJob/nightly", None).unwrap();
        assert_eq!(
            target.template,
            &["spec", "jobTemplate", "spec", "template"]
        );
        let error = parse_target("deplyo", Some("web")).unwrap_err().to_string();
        assert!(error.contains("did you mean deploy?"), "{error}");
        assert!(parse_target("pod/", None).is_err());
        assert!(parse_target("pod", None).is_err());
    }
}

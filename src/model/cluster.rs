//! Facts about the cluster around the pools, read from the inputs (kubeadm, kube-proxy, kubelet
//! and IPAM configuration, Node and Namespace objects, kubespray vars) or given as flags. The
//! pool-set and annotation rules judge pools against them.

use std::collections::BTreeMap;

use ipnet::IpNet;

use crate::source::Loc;

/// A value read from the inputs, with where and what it was (`KubeletConfiguration maxPods`).
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    pub value: T,
    pub loc: Loc,
    pub what: String,
}

/// A cluster (pod) or Service CIDR: from the inputs (with its place) or from a flag (`loc` None).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CidrFact {
    pub net: IpNet,
    pub loc: Option<Loc>,
    /// Where it came from, for messages: `kubeadm ClusterConfiguration networking.podSubnet`,
    /// `--cluster-cidr`.
    pub what: String,
}

/// A Node manifest: its name and labels, which pool nodeSelectors are evaluated against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeFact {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// The `metadata.name` value.
    pub loc: Loc,
}

/// A Namespace manifest: name and labels (namespaceSelectors; `kubernetes.io/metadata.name` is
/// added as the API server does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceFact {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub loc: Loc,
}

/// Cluster facts given on the command line (or, later, in `.ippool-lint.yaml`). They add to what
/// the inputs say; where both give a single value, the flag wins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterOptions {
    pub nodes: Option<u64>,
    pub pods_per_node: Option<u64>,
    pub max_blocks_per_host: Option<u64>,
    pub cluster_cidrs: Vec<IpNet>,
    pub service_cidrs: Vec<IpNet>,
}

impl ClusterOptions {
    pub const NONE: ClusterOptions = ClusterOptions {
        nodes: None,
        pods_per_node: None,
        max_blocks_per_host: None,
        cluster_cidrs: Vec::new(),
        service_cidrs: Vec::new(),
    };
}

/// Kubernetes' default `maxPods` (CONTRACT §2 `--pods-per-node` default).
pub const DEFAULT_PODS_PER_NODE: u64 = 110;
/// Calico's built-in `maxBlocksPerHost` when IPAMConfig leaves it 0 (calico-reference §6.1 step 7).
pub const DEFAULT_MAX_BLOCKS_PER_HOST: u64 = 20;

/// A value the rules use, with where it came from so messages can say so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective<T> {
    pub value: T,
    /// `--pods-per-node`, `KubeletConfiguration maxPods`, `the Kubernetes default`.
    pub what: String,
    pub loc: Option<Loc>,
}

//! The seam between inputs and rules (STYLE.md): everything the rules may know about the inputs,
//! whether they came from manifests or, later, from a live cluster. Rules never see raw YAML.

use super::annotations::AnnotationSite;
use super::cluster::{CidrFact, NamespaceFact, NodeFact, Setting};
use super::ipam::IpamFacts;
use super::pool::Pool;
use super::sources::SourceFacts;

#[derive(Debug, Default)]
pub struct Inventory {
    /// Pools from every source. Boxed because every file's pools are moved into one list, and
    /// 100k pools (672 bytes each, then) moved by value were the peak of the run: 70 MB written
    /// while the files' own lists were not yet given back (issue 13).
    #[allow(clippy::vec_box)]
    pub pools: Vec<Box<Pool>>,
    pub nodes: Vec<NodeFact>,
    pub namespaces: Vec<NamespaceFact>,
    /// Labels and annotations of IPPools, Nodes and Namespaces.
    pub metadata: Vec<crate::model::metadata::MetadataFact>,
    /// Namespaces, Pods, pod templates and other objects with Calico CNI annotations.
    pub annotation_sites: Vec<AnnotationSite>,
    pub cluster_cidrs: Vec<CidrFact>,
    pub service_cidrs: Vec<CidrFact>,
    /// `KubeletConfiguration.maxPods` values.
    pub max_pods: Vec<Setting<i64>>,
    /// `IPAMConfig`/`IPAMConfiguration` `maxBlocksPerHost` values (0 means Calico's default, 20).
    pub max_blocks_per_host: Vec<Setting<i64>>,
    /// `IPAMConfig`/`IPAMConfiguration` `strictAffinity` values.
    pub strict_affinity: Vec<Setting<bool>>,
    /// Raw values of the non-IPPool pool sources, for IPP301/IPP302.
    pub sources: SourceFacts,
    /// IPAM blocks, affinities and pod addresses: a live cluster's, or a recorded dump's.
    pub ipam: IpamFacts,
    /// `ipam.type` of the calico plugin in each CNI network config (`calico-ipam`,
    /// `host-local`).
    pub cni_ipam_types: Vec<Setting<String>>,
}

impl Inventory {
    /// Nothing a rule could read or point at.
    pub fn is_empty(&self) -> bool {
        let Inventory {
            pools,
            nodes,
            namespaces,
            metadata,
            annotation_sites,
            cluster_cidrs,
            service_cidrs,
            max_pods,
            max_blocks_per_host,
            strict_affinity,
            sources,
            ipam,
            cni_ipam_types,
        } = self;
        pools.is_empty()
            && nodes.is_empty()
            && namespaces.is_empty()
            && metadata.is_empty()
            && annotation_sites.is_empty()
            && cluster_cidrs.is_empty()
            && service_cidrs.is_empty()
            && max_pods.is_empty()
            && max_blocks_per_host.is_empty()
            && strict_affinity.is_empty()
            && sources.is_empty()
            && ipam.is_empty()
            && cni_ipam_types.is_empty()
    }

    /// Room for what `parts` hold, so that merging them moves each pool once instead of again
    /// at every doubling of the vectors (a pool is a kilobyte; 100k of them moved ~17 times).
    pub fn reserve_for<'i>(&mut self, parts: impl Iterator<Item = &'i Inventory> + Clone) {
        self.pools
            .reserve(parts.clone().map(|p| p.pools.len()).sum());
        self.nodes
            .reserve(parts.clone().map(|p| p.nodes.len()).sum());
        self.namespaces
            .reserve(parts.clone().map(|p| p.namespaces.len()).sum());
        self.metadata
            .reserve(parts.clone().map(|p| p.metadata.len()).sum());
        self.annotation_sites
            .reserve(parts.map(|p| p.annotation_sites.len()).sum());
    }

    pub fn merge(&mut self, other: Inventory) {
        let Inventory {
            pools,
            nodes,
            namespaces,
            metadata,
            annotation_sites,
            cluster_cidrs,
            service_cidrs,
            max_pods,
            max_blocks_per_host,
            strict_affinity,
            sources,
            ipam,
            cni_ipam_types,
        } = other;
        append(&mut self.pools, pools);
        append(&mut self.nodes, nodes);
        append(&mut self.namespaces, namespaces);
        append(&mut self.metadata, metadata);
        append(&mut self.annotation_sites, annotation_sites);
        append(&mut self.cluster_cidrs, cluster_cidrs);
        append(&mut self.service_cidrs, service_cidrs);
        append(&mut self.max_pods, max_pods);
        append(&mut self.max_blocks_per_host, max_blocks_per_host);
        append(&mut self.strict_affinity, strict_affinity);
        self.sources.merge(sources);
        self.ipam.merge(ipam);
        append(&mut self.cni_ipam_types, cni_ipam_types);
    }
}

/// `from` after `into`. Into an empty vector `from` is moved whole, not copied: one file of
/// 100k pools holds 65 MB of them, and copying them into the run's inventory kept both.
fn append<T>(into: &mut Vec<T>, mut from: Vec<T>) {
    if into.is_empty() && from.capacity() >= into.capacity() {
        *into = from;
    } else {
        into.append(&mut from);
    }
}

//! What the live IPAM health rules (IPP5xx) share: the cluster's own objects, apart from what
//! the manifests declare, and the lookups they all need.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use ipnet::IpNet;

use super::Context;
use crate::model::ipam::{BlockFact, PodFact};
use crate::model::pool::Pool;

pub(crate) struct LiveState<'a> {
    /// Live pools with a CIDR, in name order (Calico's order).
    pub pools: Vec<(&'a Pool, IpNet)>,
    pub blocks: Vec<&'a BlockFact>,
    pub pods: Vec<&'a PodFact>,
    /// Pods by namespace and name.
    pub pods_by_name: HashMap<(&'a str, &'a str), &'a PodFact>,
    /// Names of the live Nodes.
    pub nodes: HashSet<&'a str>,
}

impl<'a> LiveState<'a> {
    /// The live state, when the run has one (`lint --cluster`, `--cluster-dump`).
    pub fn of(ctx: &Context<'a>) -> Option<LiveState<'a>> {
        if !ctx.has_cluster_state() {
            return None;
        }
        let ipam = &ctx.inventory.ipam;
        let mut pools: Vec<(&Pool, IpNet)> = ctx
            .live_pools()
            .filter_map(|pool| Some((pool, pool.cidr_net()?.trunc())))
            .collect();
        pools.sort_by(|a, b| a.0.name.value().cmp(&b.0.name.value()));
        let pods: Vec<&PodFact> = ipam.pods.iter().filter(|p| ctx.is_live(p.loc)).collect();
        let pods_by_name = pods
            .iter()
            .map(|pod| ((pod.namespace.as_str(), pod.name.as_str()), *pod))
            .collect();
        let replaced_nodes = ctx.replaced.into_iter().flat_map(|r| r.nodes.iter());
        let nodes = ctx
            .inventory
            .nodes
            .iter()
            .filter(|node| ctx.is_live(node.loc))
            .chain(replaced_nodes)
            .map(|node| node.name.as_str())
            .collect();
        Some(LiveState {
            pools,
            blocks: ipam
                .blocks
                .iter()
                .filter(|b| ctx.is_live(b.cidr.loc))
                .collect(),
            pods,
            pods_by_name,
            nodes,
        })
    }

    /// The first pool, in name order, whose CIDR holds the address.
    pub fn pool_holding(&self, address: IpAddr) -> Option<&'a Pool> {
        self.pools
            .iter()
            .find(|(_, net)| net.contains(&address))
            .map(|(pool, _)| *pool)
    }

    /// The pool a block belongs to as `calicoctl ipam show` decides: the first, in name order,
    /// whose CIDR overlaps it.
    pub fn pool_of_block(&self, block: &BlockFact) -> Option<&'a Pool> {
        self.pools
            .iter()
            .find(|(_, net)| crate::model::cidr::overlaps(net, &block.cidr.value))
            .map(|(pool, _)| *pool)
    }
}

/// The IPPool manifests of a run with a cluster state, each with the live pool of its name that
/// it would replace (the drift rules compare the two).
pub(crate) fn redefined_pools<'a>(ctx: &Context<'a>) -> Vec<(&'a Pool, &'a Pool)> {
    let Some(replaced) = ctx.replaced else {
        return Vec::new();
    };
    let by_name: HashMap<&str, &Pool> = replaced
        .pools
        .iter()
        .map(Box::as_ref)
        .filter_map(|live| Some((live.name.value()?.as_str(), live)))
        .collect();
    ctx.pools()
        .filter(|pool| pool.source.is_resource() && !ctx.is_live(pool.anchor))
        .filter_map(|pool| Some((pool, *by_name.get(pool.name.value()?.as_str())?)))
        .collect()
}

/// How many running pods of the cluster a pool annotation of `site` applies to, said as a
/// clause for a message (" (12 running pods there fail when they are recreated)"); empty when
/// the run has no cluster state, the site is not a live object, or no pod is concerned.
pub(crate) fn pods_breaking(
    ctx: &Context<'_>,
    site: &crate::model::annotations::AnnotationSite,
    at: crate::source::Loc,
) -> String {
    use crate::model::annotations::Place;
    if !ctx.has_cluster_state() || !ctx.is_live(at) {
        return String::new();
    }
    let pods = ctx
        .inventory
        .ipam
        .pods
        .iter()
        .filter(|pod| ctx.is_live(pod.loc) && uses_pod_network(pod));
    let name = site.object.rsplit('/').next().unwrap_or_default();
    let namespace = site.namespace.as_deref().unwrap_or("default");
    let count = match site.place {
        Place::Namespace => pods.filter(|pod| pod.namespace == name).count(),
        Place::PodTemplate => pods
            .filter(|pod| pod.namespace == namespace)
            .filter(|pod| pod.is_owned_by(&site.kind, name))
            .count(),
        // Every pod that neither it nor its namespace gives a pool list of the family.
        Place::CniConfig => {
            let setting: HashSet<&str> = ctx
                .inventory
                .annotation_sites
                .iter()
                .filter(|s| s.pool_entries().next().is_some())
                .map(|s| s.object.as_str())
                .collect();
            pods.filter(|pod| {
                !setting.contains(pod.object.as_str())
                    && !setting.contains(format!("Namespace/{}", pod.namespace).as_str())
            })
            .count()
        }
        Place::Pod | Place::WorkloadMetadata { .. } | Place::Unread => 0,
    };
    match count {
        0 => String::new(),
        1 => " (1 running pod there fails when it is recreated)".to_owned(),
        n => format!(" ({n} running pods there fail when they are recreated)"),
    }
}

/// Pods that hold their address from IPAM: not on the host's network, not finished.
pub(crate) fn uses_pod_network(pod: &PodFact) -> bool {
    !pod.host_network && !matches!(pod.phase.as_deref(), Some("Succeeded" | "Failed"))
}

pub(crate) fn plural(count: u128, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

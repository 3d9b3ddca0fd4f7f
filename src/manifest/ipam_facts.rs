//! Reads what IPAM holds from IPAMBlock and BlockAffinity objects, and what pods use from Pod
//! status and Node capacity: the facts of the live health rules. Records facts with their
//! places; judges nothing.

use std::net::IpAddr;

use super::extract::{Reader, group_and_kind};
use super::yaml::{NodeRef, ScalarType};
use crate::model::inventory::Inventory;
use crate::model::ipam::{AffinityFact, Allocation, BlockFact, PodFact};
use crate::model::pool::Spanned;

/// Ordinals a block may have: a /20 (the smallest IPv4 blockSize) or a /116 holds 4,096.
const MAX_BLOCK_ORDINALS: usize = 4096;

pub fn read(reader: &Reader<'_>, object: NodeRef<'_>, inventory: &mut Inventory) {
    let Some((group, kind)) = group_and_kind(object) else {
        return;
    };
    // Only the kinds read here look their name up: this runs on every object of every file.
    let name = || {
        object
            .get("metadata")
            .and_then(|m| m.get("name"))
            .and_then(|n| n.as_str())
    };
    match (group, kind) {
        ("crd.projectcalico.org", "IPAMBlock") => {
            if let Some(block) = block(reader, object, name().unwrap_or_default()) {
                inventory.ipam.blocks.push(block);
            }
        }
        ("crd.projectcalico.org", "BlockAffinity") => {
            let spec = object.get("spec");
            let node = spec.and_then(|s| s.get("node"));
            if let Some(node) = node
                && let Some(text) = node.as_str()
            {
                inventory.ipam.affinities.push(AffinityFact {
                    object: format!("BlockAffinity/{}", name().unwrap_or_default()),
                    node: Spanned {
                        value: text.to_owned(),
                        loc: reader.loc(node.span()),
                    },
                    cidr: spec
                        .and_then(|s| s.get("cidr"))
                        .and_then(|c| c.as_str())
                        .and_then(|c| c.parse().ok()),
                    state: spec
                        .and_then(|s| s.get("state"))
                        .and_then(|s| s.as_str())
                        .map(str::to_owned),
                });
            }
        }
        ("", "Pod") => {
            if let Some(pod) = pod(reader, object) {
                inventory.ipam.pods.push(pod);
            }
        }
        ("", "Node") => {
            let status = object.get("status");
            let pods = ["allocatable", "capacity"].iter().find_map(|key| {
                let value = status?.get(key)?.get("pods")?;
                match value.scalar_type() {
                    ScalarType::Int(n) => u64::try_from(n).ok(),
                    _ => value.as_str()?.parse().ok(),
                }
            });
            if let (Some(name), Some(pods)) = (name(), pods) {
                inventory
                    .ipam
                    .node_pod_capacity
                    .insert(name.to_owned(), pods);
            }
        }
        _ => {}
    }
}

fn block(reader: &Reader<'_>, object: NodeRef<'_>, name: &str) -> Option<BlockFact> {
    let spec = object.get("spec")?;
    let cidr_node = spec.get("cidr")?;
    let cidr: ipnet::IpNet = cidr_node.as_str()?.parse().ok()?;
    let affinity = spec.get("affinity").and_then(|node| {
        Some(Spanned {
            value: node.as_str()?.to_owned(),
            loc: reader.loc(node.span()),
        })
    });
    let mut allocations: Vec<Allocation> = spec
        .get("attributes")
        .filter(|a| a.is_seq())
        .map(|attributes| {
            attributes
                .items()
                .map(|entry| attribute(reader, entry))
                .collect()
        })
        .unwrap_or_default();
    let mut allocated = Vec::new();
    if let Some(list) = spec.get("allocations").filter(|a| a.is_seq()) {
        for (ordinal, item) in list.items().take(MAX_BLOCK_ORDINALS).enumerate() {
            let index = match item.scalar_type() {
                ScalarType::Int(index) => usize::try_from(index).ok(),
                _ => None,
            };
            allocated.push(index.is_some());
            if let Some(allocation) = index.and_then(|i| allocations.get_mut(i))
                && let Ok(ordinal) = u32::try_from(ordinal)
            {
                allocation.ordinals.push(ordinal);
            }
        }
    }
    let unallocated = spec
        .get("unallocated")
        .filter(|u| u.is_seq())
        .map_or(0, |u| u.items().count());
    Some(BlockFact {
        object: format!("IPAMBlock/{name}"),
        cidr: Spanned {
            value: cidr,
            loc: reader.loc(cidr_node.span()),
        },
        affinity,
        allocated,
        unallocated,
        allocations,
    })
}

fn attribute(reader: &Reader<'_>, entry: NodeRef<'_>) -> Allocation {
    let handle = entry.get("handle_id");
    let secondary = entry.get("secondary");
    let text = |key: &str| {
        secondary
            .and_then(|s| s.get(key))
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    Allocation {
        handle: handle.and_then(|h| h.as_str()).map(str::to_owned),
        loc: reader.loc(handle.map_or(entry.span(), |h| h.span())),
        namespace: text("namespace"),
        pod: text("pod"),
        node: text("node"),
        kind: text("type"),
        released: entry.get("releasedAt").is_some_and(|r| !r.is_null()),
        ordinals: Vec::new(),
    }
}

fn pod(reader: &Reader<'_>, object: NodeRef<'_>) -> Option<PodFact> {
    let metadata = object.get("metadata")?;
    let name_node = metadata.get("name")?;
    let name = name_node.as_str()?.to_owned();
    let namespace = metadata
        .get("namespace")
        .and_then(|n| n.as_str())
        .unwrap_or("default")
        .to_owned();
    let spec = object.get("spec");
    let status = object.get("status");
    let mut addresses = Vec::new();
    let mut push = |node: NodeRef<'_>| {
        if let Some(address) = node.as_str().and_then(|a| a.parse::<IpAddr>().ok()) {
            addresses.push(Spanned {
                value: address,
                loc: reader.loc(node.span()),
            });
        }
    };
    match status.and_then(|s| s.get("podIPs")).filter(|p| p.is_seq()) {
        Some(list) => list
            .items()
            .filter_map(|item| item.get("ip"))
            .for_each(&mut push),
        None => {
            if let Some(ip) = status.and_then(|s| s.get("podIP")) {
                push(ip);
            }
        }
    }
    let no_ipam = metadata
        .get("annotations")
        .and_then(|a| a.get(crate::model::annotations::CniKey::IpAddrsNoIpam.key()))
        .is_some();
    Some(PodFact {
        object: format!("Pod/{namespace}/{name}"),
        namespace,
        name,
        node: spec
            .and_then(|s| s.get("nodeName"))
            .and_then(|n| n.as_str())
            .map(str::to_owned),
        host_network: spec
            .and_then(|s| s.get("hostNetwork"))
            .is_some_and(|h| h.scalar_type() == ScalarType::Bool(true)),
        no_ipam,
        phase: status
            .and_then(|s| s.get("phase"))
            .and_then(|p| p.as_str())
            .map(str::to_owned),
        owners: metadata
            .get("ownerReferences")
            .filter(|o| o.is_seq())
            .map(|owners| {
                owners
                    .items()
                    .filter_map(|owner| {
                        let kind = owner.get("kind")?.as_str()?;
                        let name = owner.get("name")?.as_str()?;
                        Some((kind.to_owned(), name.to_owned()))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        addresses,
        loc: reader.loc(name_node.span()),
    })
}

//! What a cluster's IPAM holds and what its pods use, as the live health rules (IPP5xx) read it:
//! IPAMBlocks (their CIDR, affinity, which addresses are allocated and to whom), BlockAffinities,
//! Pods (node, addresses) and the pod capacity of Nodes. Read from a live cluster or a recorded
//! dump of one; each fact keeps where it was written, so a finding points at the value.

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;

use super::pool::Spanned;
use crate::source::Loc;

/// The allocation attribute `type` of a node's tunnel address (calico:
/// `libcalico-go/lib/backend/model/block.go`, `IPAMBlockAttributeType*`).
pub const TUNNEL_TYPES: [&str; 5] = [
    "ipipTunnelAddress",
    "vxlanTunnelAddress",
    "vxlanV6TunnelAddress",
    "wireguardTunnelAddress",
    "wireguardV6TunnelAddress",
];

/// The handle Calico uses for the addresses it reserves in each block on Windows nodes.
pub const WINDOWS_RESERVED_HANDLE: &str = "windows-reserved-ipam-handle";

/// One entry of an IPAMBlock's `attributes`, and the ordinals whose allocation points at it.
#[derive(Debug, Clone, PartialEq)]
pub struct Allocation {
    pub handle: Option<String>,
    /// The `handle_id` value, else the attributes entry.
    pub loc: Loc,
    pub namespace: Option<String>,
    pub pod: Option<String>,
    pub node: Option<String>,
    /// `type`: a tunnel address type, `LoadBalancer`, or absent for pods.
    pub kind: Option<String>,
    /// `releasedAt` is set: the address is cooling down before reuse.
    pub released: bool,
    pub ordinals: Vec<u32>,
}

impl Allocation {
    pub fn is_tunnel(&self) -> bool {
        self.kind
            .as_deref()
            .is_some_and(|kind| TUNNEL_TYPES.contains(&kind))
    }
}

/// One IPAMBlock.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockFact {
    /// `IPAMBlock/<name>`.
    pub object: String,
    pub cidr: Spanned<IpNet>,
    /// `spec.affinity` as written: `host:<node>` or `virtual:<name>`.
    pub affinity: Option<Spanned<String>>,
    /// Whether each ordinal holds an allocation.
    pub allocated: Vec<bool>,
    /// Length of `spec.unallocated`: free ordinals, as `calicoctl ipam show` counts them.
    pub unallocated: usize,
    pub allocations: Vec<Allocation>,
}

impl BlockFact {
    /// The node of a `host:` affinity.
    pub fn host(&self) -> Option<&str> {
        self.affinity
            .as_ref()
            .and_then(|affinity| affinity.value.strip_prefix("host:"))
    }

    /// Addresses in the block.
    pub fn capacity(&self) -> u128 {
        let bits = u32::from(self.cidr.value.max_prefix_len() - self.cidr.value.prefix_len());
        1u128.checked_shl(bits).unwrap_or(u128::MAX)
    }

    /// Addresses in use as `calicoctl ipam show` counts them: all but the unallocated ones.
    pub fn in_use(&self) -> u128 {
        self.capacity().saturating_sub(self.unallocated as u128)
    }

    /// The address at an ordinal of the block.
    pub fn address(&self, ordinal: u32) -> Option<IpAddr> {
        offset_address(self.cidr.value.network(), u128::from(ordinal))
    }

    /// The ordinal of an address inside the block.
    pub fn ordinal(&self, address: IpAddr) -> Option<u32> {
        if !self.cidr.value.contains(&address) {
            return None;
        }
        let offset = as_u128(address).checked_sub(as_u128(self.cidr.value.network()))?;
        u32::try_from(offset).ok()
    }
}

fn as_u128(address: IpAddr) -> u128 {
    match address {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

fn offset_address(base: IpAddr, offset: u128) -> Option<IpAddr> {
    match base {
        IpAddr::V4(v4) => {
            let value = u32::from(v4).checked_add(u32::try_from(offset).ok()?)?;
            Some(IpAddr::V4(value.into()))
        }
        IpAddr::V6(v6) => Some(IpAddr::V6(u128::from(v6).checked_add(offset)?.into())),
    }
}

/// One BlockAffinity: a node's claim on a block.
#[derive(Debug, Clone, PartialEq)]
pub struct AffinityFact {
    /// `BlockAffinity/<name>`.
    pub object: String,
    pub node: Spanned<String>,
    pub cidr: Option<IpNet>,
    pub state: Option<String>,
}

/// One Pod as IPAM sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct PodFact {
    /// `Pod/<namespace>/<name>`.
    pub object: String,
    pub namespace: String,
    pub name: String,
    pub node: Option<String>,
    pub host_network: bool,
    /// Uses `cni.projectcalico.org/ipAddrsNoIpam`: its address bypasses IPAM by design.
    pub no_ipam: bool,
    pub phase: Option<String>,
    /// `metadata.ownerReferences`: kind and name of each owner.
    pub owners: Vec<(String, String)>,
    /// `status.podIPs[].ip` (else `status.podIP`), with where each was written.
    pub addresses: Vec<Spanned<IpAddr>>,
    /// `metadata.name`.
    pub loc: Loc,
}

impl PodFact {
    /// The workload that owns the pod, by kind and name. A ReplicaSet `web-7d9f` counts as
    /// Deployment `web`: its name less the pod-template hash (ReplicaSet objects are not read).
    pub fn workload(&self) -> Option<(String, String)> {
        let (kind, name) = self.owners.first()?;
        match (kind.as_str(), name.rsplit_once('-')) {
            ("ReplicaSet", Some((deployment, _))) => {
                Some(("Deployment".to_owned(), deployment.to_owned()))
            }
            _ => Some((kind.clone(), name.clone())),
        }
    }

    /// Whether the workload `kind`/`name` owns the pod: directly, or through the ReplicaSets of
    /// a Deployment and the Jobs of a CronJob, named after it with one more `-suffix`.
    pub fn is_owned_by(&self, kind: &str, name: &str) -> bool {
        let through = |owner: &str| {
            owner
                .rsplit_once('-')
                .is_some_and(|(prefix, _)| prefix == name)
        };
        self.owners.iter().any(|(owner_kind, owner)| match kind {
            "Deployment" => owner_kind == "ReplicaSet" && through(owner),
            "CronJob" => owner_kind == "Job" && through(owner),
            _ => owner_kind == kind && owner == name,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct IpamFacts {
    pub blocks: Vec<BlockFact>,
    pub affinities: Vec<AffinityFact>,
    pub pods: Vec<PodFact>,
    /// `status.allocatable.pods` (else `status.capacity.pods`) of each Node.
    pub node_pod_capacity: BTreeMap<String, u64>,
}

impl IpamFacts {
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
            && self.affinities.is_empty()
            && self.pods.is_empty()
            && self.node_pod_capacity.is_empty()
    }

    pub fn merge(&mut self, other: IpamFacts) {
        self.blocks.extend(other.blocks);
        self.affinities.extend(other.affinities);
        self.pods.extend(other.pods);
        self.node_pod_capacity.extend(other.node_pod_capacity);
    }
}

/// Blocks sorted by network address, to find the block holding an address in log time (blocks
/// of one family never overlap, so at most one holds it).
pub struct BlockIndex<'a> {
    sorted: Vec<&'a BlockFact>,
}

impl<'a> BlockIndex<'a> {
    pub fn new(blocks: &'a [BlockFact]) -> Self {
        let mut sorted: Vec<&BlockFact> = blocks.iter().collect();
        sorted.sort_by_key(|block| block.cidr.value.network());
        Self { sorted }
    }

    pub fn holding(&self, address: IpAddr) -> Option<&'a BlockFact> {
        let after = self
            .sorted
            .partition_point(|block| block.cidr.value.network() <= address);
        self.sorted[..after]
            .iter()
            .rev()
            .take(2)
            .find(|block| block.cidr.value.contains(&address))
            .copied()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::manifest::yaml::Span;

    fn block(cidr: &str) -> BlockFact {
        let loc = Loc::new(0, Span { start: 0, end: 0 });
        BlockFact {
            object: "IPAMBlock/x".to_owned(),
            cidr: Spanned {
                value: cidr.parse().unwrap(),
                loc,
            },
            affinity: None,
            allocated: Vec::new(),
            unallocated: 0,
            allocations: Vec::new(),
        }
    }

    #[test]
    fn ordinals_and_addresses_are_inverse() {
        let block = block("10.0.1.64/26");
        let address: IpAddr = "10.0.1.70".parse().unwrap();
        assert_eq!(block.ordinal(address), Some(6));
        assert_eq!(block.address(6), Some(address));
        assert_eq!(block.ordinal("10.0.1.128".parse().unwrap()), None);
        assert_eq!(block.capacity(), 64);
        let v6 = super::tests::block("fd00::/122");
        assert_eq!(v6.address(63), Some("fd00::3f".parse().unwrap()));
    }

    #[test]
    fn the_index_finds_the_holding_block() {
        let blocks = vec![
            block("10.0.0.0/26"),
            block("10.0.0.128/26"),
            block("fd00::/122"),
        ];
        let index = BlockIndex::new(&blocks);
        let found = |ip: &str| {
            index
                .holding(ip.parse().unwrap())
                .map(|b| b.cidr.value.to_string())
        };
        assert_eq!(found("10.0.0.130").as_deref(), Some("10.0.0.128/26"));
        assert_eq!(found("10.0.0.64"), None);
        assert_eq!(found("fd00::1").as_deref(), Some("fd00::/122"));
        assert_eq!(found("9.9.9.9"), None);
    }
}

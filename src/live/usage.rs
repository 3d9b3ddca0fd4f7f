//! Pool usage from IPAMBlocks, as `calicoctl ipam show` computes it (calico-reference §6.6):
//! each block belongs to the first pool, in name order, whose CIDR overlaps it; a block's
//! addresses in use are its size less its `unallocated` list; a pool's total is its whole CIDR.
//! Pure: objects in, figures out.

use std::collections::BTreeMap;

use ipnet::IpNet;
use serde_json::Value;

/// One IPAMBlock as usage needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub cidr: IpNet,
    /// The node of a `host:<node>` affinity.
    pub host: Option<String>,
    pub capacity: u128,
    pub in_use: u128,
}

/// Reads an IPAMBlock object; `None` when its `spec.cidr` is not a CIDR.
pub fn parse_block(object: &Value) -> Option<Block> {
    let spec = &object["spec"];
    let cidr: IpNet = spec["cidr"].as_str()?.parse().ok()?;
    let bits = u32::from(cidr.max_prefix_len() - cidr.prefix_len());
    let capacity = 1u128.checked_shl(bits).unwrap_or(u128::MAX);
    let unallocated = spec["unallocated"].as_array().map_or(0, Vec::len) as u128;
    let host = spec["affinity"]
        .as_str()
        .and_then(|affinity| affinity.strip_prefix("host:"))
        .map(str::to_owned);
    Some(Block {
        cidr,
        host,
        capacity,
        in_use: capacity.saturating_sub(unallocated),
    })
}

/// One pool's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolUsage {
    pub blocks: usize,
    pub in_use: u128,
    /// Addresses in the pool's CIDR; `None` beyond what 128 bits count (a `::/0` pool).
    pub total: Option<u128>,
    /// Blocks and addresses in use per affine node (`None`: blocks without host affinity).
    pub per_node: BTreeMap<Option<String>, (usize, u128)>,
}

impl PoolUsage {
    /// Percent of the pool in use, as calicoctl prints it (`%.f`).
    pub fn percent(&self) -> f64 {
        match self.total {
            Some(0) | None => 0.0,
            Some(total) => 100.0 * self.in_use as f64 / total as f64,
        }
    }
}

fn total_of(net: &IpNet) -> Option<u128> {
    let bits = u32::from(net.max_prefix_len() - net.prefix_len());
    1u128.checked_shl(bits)
}

fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// Usage of each pool (`pools` in name order: name and CIDR), and of the blocks no pool holds
/// (calicoctl's "orphaned allocation blocks").
pub fn usage(pools: &[(String, Option<IpNet>)], blocks: &[Block]) -> (Vec<PoolUsage>, PoolUsage) {
    let mut per_pool: Vec<PoolUsage> = pools
        .iter()
        .map(|(_, net)| PoolUsage {
            total: net.as_ref().and_then(total_of),
            ..PoolUsage::default()
        })
        .collect();
    let mut orphans = PoolUsage::default();
    for block in blocks {
        let owner = pools
            .iter()
            .position(|(_, net)| net.as_ref().is_some_and(|net| overlaps(net, &block.cidr)));
        let usage = match owner {
            Some(index) => &mut per_pool[index],
            None => &mut orphans,
        };
        usage.blocks += 1;
        usage.in_use += block.in_use;
        let node = usage.per_node.entry(block.host.clone()).or_default();
        node.0 += 1;
        node.1 += block.in_use;
    }
    (per_pool, orphans)
}

/// A count as calicoctl's `%.5g` would show a huge one, exact while it is readable.
pub fn count_text(count: Option<u128>) -> String {
    match count {
        Some(n) if n < 1_000_000_000_000 => n.to_string(),
        Some(n) => format!("{:.4e}", n as f64),
        None => "2^128".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn block(cidr: &str, host: &str, free: usize) -> Block {
        let unallocated: Vec<usize> = (0..free).collect();
        parse_block(&json!({"spec": {"cidr": cidr, "affinity": format!("host:{host}"), "unallocated": unallocated}}))
            .unwrap()
    }

    #[test]
    fn blocks_go_to_the_first_overlapping_pool_in_name_order() {
        let pools = vec![
            ("a-pool".to_owned(), Some("10.0.0.0/16".parse().unwrap())),
            ("b-pool".to_owned(), Some("10.0.0.0/8".parse().unwrap())),
        ];
        let blocks = vec![
            block("10.0.1.0/26", "n1", 60),
            block("10.0.2.0/26", "n1", 0),
            block("10.9.0.0/26", "n2", 64),
            block("172.16.0.0/26", "n3", 10),
        ];
        let (per_pool, orphans) = usage(&pools, &blocks);
        assert_eq!(per_pool[0].blocks, 2);
        assert_eq!(per_pool[0].in_use, 4 + 64);
        assert_eq!(per_pool[0].total, Some(65_536));
        assert_eq!(per_pool[0].per_node[&Some("n1".to_owned())], (2, 68));
        assert_eq!(per_pool[1].blocks, 1);
        assert_eq!(per_pool[1].in_use, 0);
        assert_eq!(orphans.blocks, 1);
        assert_eq!(orphans.in_use, 54);
        assert_eq!(format!("{:.0}", per_pool[0].percent()), "0");
    }

    #[test]
    fn huge_counts_stay_readable() {
        assert_eq!(count_text(Some(65_536)), "65536");
        assert_eq!(
            count_text(total_of(&"fd00::/64".parse().unwrap())),
            "1.8447e19"
        );
        assert_eq!(count_text(total_of(&"::/0".parse().unwrap())), "2^128");
    }
}

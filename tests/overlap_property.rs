//! The sort-and-sweep overlap detection (`model::overlap`) against its definition, the pairwise
//! `cidr::overlaps` check, on random pool sets biased towards overlaps: most subnets are drawn
//! from small address spaces, so nested, identical and sibling ranges are common; the rest are
//! anywhere, of either family, with host bits sometimes set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use kubectl_ippool::model::overlap::{
    Overlaps, overlap_summary, overlapping_pairs, overlapping_pairs_brute_force,
};
use proptest::prelude::*;

fn v4(addr: u32, prefix: u8) -> IpNet {
    IpNet::V4(Ipv4Net::new(Ipv4Addr::from(addr), prefix).unwrap())
}

fn v6(addr: u128, prefix: u8) -> IpNet {
    IpNet::V6(Ipv6Net::new(Ipv6Addr::from(addr), prefix).unwrap())
}

fn subnet() -> impl Strategy<Value = IpNet> {
    prop_oneof![
        // 10.0.0.0/20: 4,096 addresses, prefixes /20 to /32.
        4 => (0u32..4096, 20u8..=32).prop_map(|(a, p)| v4(0x0a00_0000 | a, p)),
        // Four /16s side by side with coarse prefixes: siblings and parents.
        2 => (0u32..4, 8u8..=18).prop_map(|(a, p)| v4(0x0a00_0000 | (a << 16), p)),
        // fd00::/116 with IPv6 block-sized prefixes.
        3 => (0u128..4096, 116u8..=128).prop_map(|(a, p)| v6((0xfd00u128 << 112) | a, p)),
        // The same integers as the IPv4 space above, in IPv6: must never meet IPv4.
        1 => (0u128..4096, 116u8..=128).prop_map(|(a, p)| v6(0x0a00_0000 | a, p)),
        // Anywhere.
        1 => (any::<u32>(), 0u8..=32).prop_map(|(a, p)| v4(a, p)),
        1 => (any::<u128>(), 0u8..=128).prop_map(|(a, p)| v6(a, p)),
    ]
}

fn pool_set() -> impl Strategy<Value = Vec<(usize, IpNet)>> {
    prop::collection::vec(subnet(), 0..2000).prop_map(|nets| nets.into_iter().enumerate().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn sweep_equals_pairwise(nets in pool_set()) {
        prop_assert_eq!(overlapping_pairs(&nets), overlapping_pairs_brute_force(&nets));
    }

    /// The per-subnet summary (count and first partner) is the pairwise definition, aggregated.
    #[test]
    fn summary_equals_pairwise(nets in prop::collection::vec(subnet(), 0..300)) {
        let ids: Vec<(usize, IpNet)> = nets.iter().copied().enumerate().collect();
        let mut expected: Vec<Option<Overlaps>> = vec![None; nets.len()];
        for (a, b) in overlapping_pairs_brute_force(&ids) {
            for (me, other) in [(a, b), (b, a)] {
                let entry = expected[me].get_or_insert(Overlaps { first: other, count: 0 });
                entry.count += 1;
                entry.first = entry.first.min(other);
            }
        }
        prop_assert_eq!(overlap_summary(&nets), expected);
    }

    /// Small sets, many cases: the shrinker finds minimal counterexamples here.
    #[test]
    fn sweep_equals_pairwise_small(nets in prop::collection::vec(subnet(), 0..12)
        .prop_map(|nets| nets.into_iter().enumerate().collect::<Vec<_>>()))
    {
        prop_assert_eq!(overlapping_pairs(&nets), overlapping_pairs_brute_force(&nets));
    }

    #[test]
    fn order_of_input_does_not_matter(nets in prop::collection::vec(subnet(), 0..200)
        .prop_map(|nets| nets.into_iter().enumerate().collect::<Vec<_>>()))
    {
        let mut reversed = nets.clone();
        reversed.reverse();
        prop_assert_eq!(overlapping_pairs(&nets), overlapping_pairs(&reversed));
    }
}

/// 100,000 pools finish (the brute force would make 5·10⁹ comparisons). No timing assertion:
/// a quadratic regression shows up as a test that does not end.
#[test]
fn a_hundred_thousand_pools() {
    let mut nets = Vec::with_capacity(100_000);
    for i in 0..100_000u32 {
        // Distinct /26s of 10.0.0.0/8 for most, a /16 parent every 1,000, and IPv6 /122s.
        let net = match i % 1000 {
            0 => v4(0x0a00_0000 | ((i / 1000) << 16), 16),
            n if n % 3 == 0 => v6((0xfd00u128 << 112) | (u128::from(i) << 6), 122),
            _ => v4(0x0a00_0000 | (i << 6), 26),
        };
        nets.push((i as usize, net));
    }
    let pairs = overlapping_pairs(&nets);
    // Every /16 contains the /26s that fall inside it.
    assert!(!pairs.is_empty());
    assert!(pairs.windows(2).all(|w| w[0] < w[1]));
}

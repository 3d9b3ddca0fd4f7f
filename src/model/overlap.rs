//! Which subnets of a set overlap, in O(n log n + k) for n subnets and k overlapping pairs
//! (calico-reference C1: two pools overlap when either contains the other, same family only).
//! Pure: ids in, id pairs out; no pools, spans or messages here.
//!
//! CIDR ranges are laminar: two of them are either nested or disjoint, never partly overlapping.
//! Sorted by (family, network address, prefix length), every range comes after all the ranges
//! that contain it, and the ranges still "open" at any point form one nested chain. A sweep that
//! keeps that chain on a stack therefore finds, for each range, exactly the ranges containing it:
//! they are the stack after popping the ranges that end before it starts.

use ipnet::IpNet;

use super::cidr::Family;

/// A subnet as an inclusive range of 128-bit integers, IPv4 mapped to the low 32 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Range {
    family: Family,
    start: u128,
    prefix: u8,
    end: u128,
}

impl Range {
    fn of(net: &IpNet) -> Range {
        let (start, end) = match net.trunc() {
            IpNet::V4(v4) => (
                u128::from(u32::from(v4.network())),
                u128::from(u32::from(v4.broadcast())),
            ),
            IpNet::V6(v6) => (u128::from(v6.network()), u128::from(v6.broadcast())),
        };
        Range {
            family: Family::of(net),
            start,
            prefix: net.prefix_len(),
            end,
        }
    }

    fn contains(&self, other: &Range) -> bool {
        self.family == other.family && self.start <= other.start && other.end <= self.end
    }
}

/// Every pair of ids whose subnets overlap (either contains the other; host bits are ignored;
/// IPv4 never overlaps IPv6). Each pair is reported once as `(smaller id, larger id)`, and the
/// list is sorted, so the answer does not depend on the input order. Ids are the caller's and
/// should be unique; a pair of entries with the same id is not reported.
pub fn overlapping_pairs(nets: &[(usize, IpNet)]) -> Vec<(usize, usize)> {
    let mut sorted: Vec<(Range, usize)> =
        nets.iter().map(|(id, net)| (Range::of(net), *id)).collect();
    sorted.sort_unstable();

    let mut pairs = Vec::new();
    let mut open: Vec<(Range, usize)> = Vec::new();
    for &(range, id) in &sorted {
        while open.last().is_some_and(|(top, _)| !top.contains(&range)) {
            open.pop();
        }
        // Laminarity makes every range left on the stack contain this one.
        for &(_, other) in &open {
            if other != id {
                pairs.push((other.min(id), other.max(id)));
            }
        }
        open.push((range, id));
    }
    pairs.sort_unstable();
    pairs
}

/// For one subnet: how many others overlap it, and the first of them (the smallest index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overlaps {
    pub first: usize,
    pub count: usize,
}

/// For every subnet (by index), the subnets overlapping it summarised, in O(n log n) however
/// many pairs overlap: n copies of one CIDR have n²/2 pairs, and a report of each would be
/// quadratic in time and size (issue 9 item 3).
///
/// In the sorted sweep each range's containers are the stack; its contained ranges are its
/// subtree in the containment forest the sweep builds (an equal range later in the order is a
/// child of the earlier). Counts and first indexes of both are aggregated, never enumerated.
pub fn overlap_summary(nets: &[IpNet]) -> Vec<Option<Overlaps>> {
    let n = nets.len();
    let mut sorted: Vec<(Range, usize)> = nets
        .iter()
        .enumerate()
        .map(|(id, net)| (Range::of(net), id))
        .collect();
    sorted.sort_unstable();
    // Containers: depth and first index of the stack below each range.
    let mut ancestors: Vec<(usize, usize)> = vec![(0, usize::MAX); n];
    let mut parent: Vec<Option<usize>> = vec![None; n];
    // (range, id, depth including it, first index on the stack up to it)
    let mut open: Vec<(Range, usize, usize, usize)> = Vec::new();
    for &(range, id) in &sorted {
        while open.last().is_some_and(|(top, ..)| !top.contains(&range)) {
            open.pop();
        }
        let (depth, first) = open.last().map_or((0, usize::MAX), |&(_, _, d, f)| (d, f));
        ancestors[id] = (depth, first);
        parent[id] = open.last().map(|&(_, top, ..)| top);
        open.push((range, id, depth + 1, first.min(id)));
    }
    // Contained ranges: subtree sizes and first indexes, children before parents.
    let mut below: Vec<(usize, usize)> = vec![(0, usize::MAX); n];
    for &(_, id) in sorted.iter().rev() {
        if let Some(up) = parent[id] {
            let (count, first) = below[id];
            let entry = &mut below[up];
            entry.0 += count + 1;
            entry.1 = entry.1.min(first).min(id);
        }
    }
    (0..n)
        .map(|id| {
            let count = ancestors[id].0 + below[id].0;
            (count > 0).then(|| Overlaps {
                first: ancestors[id].1.min(below[id].1),
                count,
            })
        })
        .collect()
}

/// The quadratic definition that [`overlapping_pairs`] must agree with; for tests and for
/// callers with a handful of subnets.
pub fn overlapping_pairs_brute_force(nets: &[(usize, IpNet)]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for (i, (a_id, a)) in nets.iter().enumerate() {
        for (b_id, b) in &nets[i + 1..] {
            if a_id != b_id && super::cidr::overlaps(&a.trunc(), &b.trunc()) {
                pairs.push(((*a_id).min(*b_id), (*a_id).max(*b_id)));
            }
        }
    }
    pairs.sort_unstable();
    pairs
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn nets(texts: &[&str]) -> Vec<(usize, IpNet)> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| (i, t.parse().unwrap()))
            .collect()
    }

    #[test]
    fn table() {
        type Case<'a> = (&'a [&'a str], &'a [(usize, usize)]);
        let cases: &[Case<'_>] = &[
            (&[], &[]),
            (&["10.0.0.0/8"], &[]),
            (&["10.0.0.0/8", "10.1.0.0/16"], &[(0, 1)]),
            (&["10.1.0.0/16", "10.0.0.0/8"], &[(0, 1)]),
            (&["10.0.0.0/16", "10.1.0.0/16"], &[]),
            (&["10.0.0.0/16", "10.0.0.0/16"], &[(0, 1)]),
            // Host bits do not matter: both are 10.0.0.0/16.
            (&["10.0.0.1/16", "10.0.255.255/16"], &[(0, 1)]),
            // A chain, a sibling after the chain closes, and an unrelated range.
            (
                &[
                    "10.0.0.0/8",
                    "10.1.0.0/16",
                    "10.1.2.0/24",
                    "10.2.0.0/16",
                    "11.0.0.0/8",
                ],
                &[(0, 1), (0, 2), (0, 3), (1, 2)],
            ),
            // Families never overlap, even at the same integer range.
            (&["0.0.0.0/0", "::/96", "::/0"], &[(1, 2)]),
            (
                &["0.0.0.0/0", "255.255.255.255/32", "::ffff:0:0/96"],
                &[(0, 1)],
            ),
            (
                &["::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"],
                &[(0, 1)],
            ),
        ];
        for (input, expected) in cases {
            let input = nets(input);
            assert_eq!(overlapping_pairs(&input), expected.to_vec(), "{input:?}");
            assert_eq!(
                overlapping_pairs_brute_force(&input),
                expected.to_vec(),
                "{input:?}"
            );
        }
    }

    #[test]
    fn ids_are_the_callers() {
        let input = vec![
            (7, "10.0.0.0/8".parse().unwrap()),
            (3, "10.9.0.0/16".parse().unwrap()),
        ];
        assert_eq!(overlapping_pairs(&input), vec![(3, 7)]);
    }

    #[test]
    fn every_pair_of_identical_ranges_is_reported_once() {
        let input = nets(&["fd00::/64"; 4]);
        assert_eq!(
            overlapping_pairs(&input),
            vec![(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
        );
    }
}

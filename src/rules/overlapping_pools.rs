//! IPP101 overlapping-pools.

use std::collections::HashSet;

use ipnet::IpNet;

use super::prelude::*;
use crate::model::overlap::overlapping_pairs;
use crate::model::pool::PoolSource;
use crate::source::Loc;

declare_rule! {
    /// ## What it does
    /// Checks that no two pools have overlapping CIDRs: one containing the other, or both the
    /// same, in the same IP family (calico-reference C1). Pools from every source are compared
    /// with each other (IPPool resources, operator `Installation` ipPools, calico-node
    /// environment, kubespray variables), and disabled pools count too. Two declarations of the
    /// same pool name are one pool, not an overlap (`duplicate-pool-name` judges those).
    ///
    /// ## Why is this bad?
    /// Calico refuses to create a pool whose CIDR overlaps any existing pool of another name,
    /// disabled or not ("IPPool(extra-ippool) CIDR overlaps with IPPool(default-ipv4-ippool) CIDR
    /// 192.168.0.0/16"). With the native `projectcalico.org/v3` CRDs of Calico 3.32+ there is no
    /// such check at creation: kube-controllers marks one of the pools `Allocatable=False` with
    /// reason `CIDROverlap` instead, and IPAM silently stops using it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 192.168.0.0/16
    /// ---
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: 192.168.0.0/20
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 192.168.0.0/17
    /// ---
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: 192.168.128.0/20
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/clientv3/ippool.go` (`Create`, the overlap loop);
    /// `kube-controllers/pkg/controllers/ippool/pool_controller.go` (the `CIDROverlap` condition
    /// of native-CRD mode).
    code: "IPP101",
    name: "overlapping-pools",
    severity: Error,
    summary: "two pools (any sources, disabled included) whose CIDRs overlap (C1)",
    check: check,
}

/// A pool that takes part: its written cidr, where, and its network.
struct Candidate<'a> {
    pool: &'a Pool,
    text: &'a str,
    loc: Loc,
    net: IpNet,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    // An unparsable cidr is IPP001's; Calico ignores such pools when checking overlap.
    let candidates: Vec<Candidate<'_>> = ctx
        .pools()
        .filter_map(|pool| {
            let written = pool.cidr.spanned()?;
            Some(Candidate {
                pool,
                text: &written.value,
                loc: written.loc,
                net: pool.cidr_net()?.trunc(),
            })
        })
        .collect();
    let nets: Vec<(usize, IpNet)> = candidates.iter().map(|c| c.net).enumerate().collect();

    // An identical copy of a pool (a kustomize base next to its overlay, say) would repeat every
    // overlap of the original; report each pair of (name, network) once.
    let mut reported: HashSet<[(Option<&str>, IpNet); 2]> = HashSet::new();
    for (a, b) in overlapping_pairs(&nets) {
        let (Some(a), Some(b)) = (candidates.get(a), candidates.get(b)) else {
            continue;
        };
        let (name_a, name_b) = (a.pool.name.value(), b.pool.name.value());
        // Calico compares a new pool with pools of other names only: a second declaration of
        // the same name is the same pool (IPP102 compares the two).
        if name_a.is_some() && name_a == name_b {
            continue;
        }
        // The same CIDR twice in one Installation is the operator's "specified more than once"
        // (IPP302), refused before any pool is created.
        if same_installation(a.pool, b.pool) && a.net == b.net {
            continue;
        }
        // The one written later is the one Calico would refuse.
        let (earlier, later) =
            if (a.loc.source, a.loc.span.start) <= (b.loc.source, b.loc.span.start) {
                (a, b)
            } else {
                (b, a)
            };
        if name_a.is_some() && name_b.is_some() {
            let mut key = [
                (earlier.pool.name.value().map(String::as_str), earlier.net),
                (later.pool.name.value().map(String::as_str), later.net),
            ];
            key.sort_unstable();
            if !reported.insert(key) {
                continue;
            }
        }
        let label = if later.net == earlier.net {
            format!("same range as {}", earlier.text)
        } else if later.net.contains(&earlier.net) {
            format!("contains {}", earlier.text)
        } else {
            format!("inside {}", earlier.text)
        };
        out.push(
            RULE.finding(
                format!(
                    "{} ({}) overlaps {} ({})",
                    later.pool.display_name(),
                    later.text,
                    earlier.pool.display_name(),
                    earlier.text
                ),
                at_pool(later.pool, later.loc),
            )
            .with_label(label)
            .with_related(
                "overlapping pool defined here",
                at_pool(earlier.pool, earlier.loc),
            )
            .with_help("give the pools disjoint CIDRs; Calico rejects the second pool"),
        );
    }
}

/// Both pools are entries of the same operator Installation.
pub(super) fn same_installation(a: &Pool, b: &Pool) -> bool {
    a.source == PoolSource::Installation
        && b.source == PoolSource::Installation
        && a.declared_by.is_some()
        && a.declared_by == b.declared_by
}

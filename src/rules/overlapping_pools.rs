//! IPP101 overlapping-pools.

use foldhash::{HashSet, HashSetExt};

use ipnet::IpNet;

use super::prelude::*;
use crate::model::overlap::overlap_summary;
use crate::model::pool::PoolSource;
use crate::source::Loc;

declare_rule! {
    /// ## What it does
    /// Checks that no two pools have overlapping CIDRs: one containing the other, or both the
    /// same, in the same IP family. Pools from every source are compared
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
    summary: "two pools (any sources, disabled included) whose CIDRs overlap",
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
    let mut candidates: Vec<Candidate<'_>> = ctx
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
    // Declaration order: the pool written later is the one Calico would refuse.
    candidates.sort_by_key(|c| (c.loc.source, c.loc.span().start));
    // Calico compares a new pool with pools of other names only: a second declaration of a name
    // is the same pool (IPP102 compares the two; an identical copy, a kustomize base next to its
    // overlay say, would repeat every overlap of the original). The same CIDR twice in one
    // Installation is the operator's "specified more than once" (IPP302).
    let mut names = HashSet::new();
    let mut installation_nets = HashSet::new();
    candidates.retain(|c| match c.pool.name.value() {
        Some(name) if !names.insert(name.as_str()) => false,
        _ if c.pool.source == PoolSource::Installation => {
            installation_nets.insert((c.pool.declared_by.as_deref(), c.net))
        }
        _ => true,
    });
    // With `lint --cluster`, a manifest pool against a live one is IPP403's: only pools of one
    // side are compared here.
    let (live, declared): (Vec<Candidate<'_>>, Vec<Candidate<'_>>) =
        candidates.into_iter().partition(|c| ctx.is_live(c.loc));
    for side in [declared, live] {
        report_overlaps(&side, out);
    }
}

fn report_overlaps(candidates: &[Candidate<'_>], out: &mut Vec<Finding>) {
    let nets: Vec<IpNet> = candidates.iter().map(|c| c.net).collect();
    // One finding per pool that overlaps an earlier one, naming the first it overlaps: n copies
    // of a CIDR make n findings, not n²/2.
    for (index, summary) in overlap_summary(&nets).into_iter().enumerate() {
        let Some(summary) = summary else {
            continue;
        };
        if summary.first >= index {
            continue;
        }
        let (Some(later), Some(earlier)) = (candidates.get(index), candidates.get(summary.first))
        else {
            continue;
        };
        let label = if later.net == earlier.net {
            format!("same range as {}", earlier.text)
        } else if later.net.contains(&earlier.net) {
            format!("contains {}", earlier.text)
        } else {
            format!("inside {}", earlier.text)
        };
        let others = match summary.count - 1 {
            0 => String::new(),
            1 => " and 1 other pool".to_owned(),
            n => format!(" and {n} other pools"),
        };
        out.push(
            RULE.finding(
                format!(
                    "{} ({}) overlaps {} ({}){others}",
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

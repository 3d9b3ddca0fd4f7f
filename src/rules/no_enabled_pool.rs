//! IPP111 no-enabled-pool.

use super::prelude::*;
use crate::model::cidr::Family;

declare_rule! {
    /// ## What it does
    /// Checks that an IP family with pools in the inputs has at least one that is not
    /// `disabled: true`. Pools whose CIDR does not parse
    /// are not counted.
    ///
    /// ## Why is this bad?
    /// Calico allocates new addresses only from enabled pools. With every pool of a family
    /// disabled, each new pod that needs an address of that family fails to start ("cannot
    /// find a qualified ippool"); existing pods keep theirs. This is the state a migration
    /// leaves when the old pool is disabled before the new one is created.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 192.168.0.0/16
    ///   disabled: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 192.168.0.0/16
    ///   disabled: true
    /// ---
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: new-ipv4-ippool
    /// spec:
    ///   cidr: 10.244.0.0/16
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/clientv3/client.go` (`filterIPPool`: only enabled pools),
    /// `libcalico-go/lib/ipam/ipam.go` (`determinePools`).
    code: "IPP111",
    name: "no-enabled-pool",
    severity: Warning,
    summary: "a family has pools, and all are disabled",
    check: check,
}

/// At most this many other pools are pointed at.
const MAX_RELATED: usize = 5;

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for family in [Family::V4, Family::V6] {
        let mut pools: Vec<&Pool> = ctx
            .pools()
            .filter(|pool| pool.family() == Some(family))
            .collect();
        if pools.is_empty() || !pools.iter().all(|pool| pool.is_disabled()) {
            continue;
        }
        pools.sort_by_key(|pool| {
            pool.disabled
                .loc()
                .map(|loc| (loc.source, loc.span().start))
        });
        // Every pool here is disabled, so each has a written `disabled` value.
        let disabled: Vec<(&Pool, crate::source::Loc)> = pools
            .iter()
            .filter_map(|pool| Some((*pool, pool.disabled.loc()?)))
            .collect();
        let Some(((first, first_loc), others)) = disabled.split_first() else {
            continue;
        };
        let message = match others {
            [] => format!(
                "{} is the only {} pool and it is disabled, so Calico cannot give new pods {} addresses",
                first.display_name(),
                family.name(),
                family.name()
            ),
            _ => format!(
                "{} {} pools are disabled ({}), so Calico cannot give new pods {} addresses",
                match disabled.len() {
                    2 => "Both".to_owned(),
                    n => format!("All {n}"),
                },
                family.name(),
                disabled
                    .iter()
                    .map(|(pool, _)| pool.display_name())
                    .collect::<Vec<_>>()
                    .join(", "),
                family.name()
            ),
        };
        let mut finding = RULE
            .finding(message, at_pool(first, *first_loc))
            .with_label(format!("no enabled {} pool", family.name()))
            .with_help(format!(
                "enable a pool (`disabled: false`) or add an enabled {} pool; when migrating, \
                 create the new pool before disabling the old one",
                family.name()
            ));
        for (pool, loc) in others.iter().take(MAX_RELATED) {
            finding = finding.with_related(
                format!("{} disabled here", pool.display_name()),
                at_pool(pool, *loc),
            );
        }
        out.push(finding);
    }
}

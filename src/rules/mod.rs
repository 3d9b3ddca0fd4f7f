//! The rule registry. One file per rule: its code, name, default severity, documentation (the
//! text `explain` prints and the README table is generated from) and its check. Adding a rule
//! touches its own file, the list below, and its fixtures under `testdata/rules/<name>/`.

use crate::model::cluster::{
    CidrFact, ClusterOptions, DEFAULT_MAX_BLOCKS_PER_HOST, DEFAULT_PODS_PER_NODE, Effective,
};
use crate::model::inventory::Inventory;
use crate::model::version::CalicoVersion;
use crate::report::{Finding, Location, Severity};

/// Declares a rule's `RULE` static from `///` doc lines and its metadata, in the manner of
/// clippy's `declare_clippy_lint!`: the doc comment becomes the rule's documentation.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        code: $code:literal,
        name: $name:literal,
        severity: $severity:ident,
        summary: $summary:literal,
        $(fix: $fix:ident,)?
        check: $check:path $(,)?
    ) => {
        pub static RULE: $crate::rules::Rule = $crate::rules::Rule {
            code: $code,
            name: $name,
            severity: $crate::report::Severity::$severity,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            fix: $crate::rules::Fixable::NONE $(.or($crate::rules::Fixable::$fix))?,
            check: $check,
        };
    };
}

/// What every rule file imports.
mod prelude {
    #[allow(unused_imports)]
    pub(super) use super::{Context, at_pool};
    #[allow(unused_imports)]
    pub(super) use crate::model::pool::{Field, Pool};
    #[allow(unused_imports)]
    pub(super) use crate::report::{Applicability, Finding, Fix, Location};
}

pub mod allowed_uses;
pub mod ambiguous_default_pools;
pub mod annotation_cidr_not_a_pool;
pub mod annotation_family_mismatch;
pub mod annotation_on_wrong_object;
pub mod annotation_pool_disabled;
pub mod annotation_pool_not_for_workloads;
pub mod assignment_mode;
pub mod block_limit_per_node;
pub mod block_size;
pub mod block_size_omitted;
pub mod blocks_fewer_than_nodes;
pub mod cidr_host_bits;
pub mod duplicate_pool_name;
pub mod encapsulation_mode;
pub mod immutable_field_changed;
pub mod invalid_calico_node_env;
pub mod invalid_cidr;
pub mod invalid_installation_pool;
pub mod invalid_metadata;
pub mod invalid_yaml;
pub mod ip_addrs_on_replicated_workload;
pub mod ip_addrs_outside_pools;
pub mod ipip_and_vxlan;
pub mod ipip_on_ipv6;
pub mod leaked_allocation;
pub mod leftover_blocks_conflict;
pub mod legacy_field;
pub mod link_local;
mod live_state;
pub mod load_balancer;
pub mod malformed_pool_annotation;
pub mod misspelled_annotation;
pub mod no_enabled_pool;
pub mod node_at_block_limit;
pub mod node_without_pool;
pub mod orphaned_block;
pub mod overlapping_pools;
pub mod overlaps_live_pool;
pub mod pod_address_outside_pools;
pub mod pool_name;
pub mod pool_nearly_exhausted;
pub mod pool_outside_cluster_cidr;
pub mod pool_overlaps_reserved_range;
pub mod pool_overlaps_service_cidr;
pub mod pool_selects_no_node;
pub mod pool_smaller_than_block;
pub mod selector;
pub mod stale_affinity;
pub mod tunnel_namespace_selector;
pub mod unknown_field;
pub mod unknown_pool;
pub mod unrecorded_pod_address;
pub mod unused_suppression;
pub mod wrong_field_type;

/// `--exhaustion-threshold` default, percent.
pub const DEFAULT_EXHAUSTION_THRESHOLD: f64 = 90.0;

static NO_CLUSTER_OPTIONS: ClusterOptions = ClusterOptions::NONE;

/// What a check may read.
pub struct Context<'a> {
    pub inventory: &'a Inventory,
    pub calico: CalicoVersion,
    pub cluster: &'a ClusterOptions,
    /// The inventory is a live cluster's state (or what a live command is about to make it):
    /// messages speak of "the cluster" where they would speak of "the inputs".
    pub live: bool,
    /// `lint --cluster`: sources from this id on are the cluster's live objects.
    pub live_from: Option<crate::source::SourceId>,
    /// `lint --cluster`: the live objects that a manifest redefines, as they are in the cluster.
    pub replaced: Option<&'a Inventory>,
    /// Percent of a pool in use from which IPP503 reports it.
    pub exhaustion_threshold: f64,
    /// Built by the first rule that resolves a pool reference and shared by the others: five
    /// rules built one each, 5 % of a 50k-pool run's instructions (callgrind).
    pub(crate) pool_index: std::sync::OnceLock<crate::model::annotations::PoolIndex<'a>>,
}

impl<'a> Context<'a> {
    /// A context with no cluster facts beyond what the inventory holds.
    pub fn new(inventory: &'a Inventory, calico: CalicoVersion) -> Self {
        Self {
            inventory,
            calico,
            cluster: &NO_CLUSTER_OPTIONS,
            live: false,
            live_from: None,
            replaced: None,
            exhaustion_threshold: DEFAULT_EXHAUSTION_THRESHOLD,
            pool_index: std::sync::OnceLock::new(),
        }
    }

    /// [`Context::pools`], indexed by name and CIDR.
    pub fn pool_index(&self) -> &crate::model::annotations::PoolIndex<'a> {
        self.pool_index
            .get_or_init(|| crate::model::annotations::PoolIndex::new(self.pools()))
    }

    /// A context over a live cluster's state.
    pub fn live(inventory: &'a Inventory, calico: CalicoVersion) -> Self {
        Self {
            live: true,
            ..Self::new(inventory, calico)
        }
    }

    /// Whether a location is in a live object (`lint --cluster`).
    pub fn is_live(&self, loc: crate::source::Loc) -> bool {
        self.live_from.is_some_and(|first| loc.source >= first)
    }

    /// Whether the inventory holds a cluster's whole state, read live: the IPAM health rules,
    /// which also judge what is missing (a pod that no longer exists), run only then.
    pub fn has_cluster_state(&self) -> bool {
        self.live_from.is_some()
    }

    /// The cluster's pools as they are now: the live pools no manifest redefines, and the live
    /// versions of those it does.
    pub fn live_pools(&self) -> impl Iterator<Item = &'a crate::model::pool::Pool> + use<'a, '_> {
        self.inventory
            .pools
            .iter()
            .map(Box::as_ref)
            .filter(|pool| self.is_live(pool.anchor))
            .chain(
                self.replaced
                    .into_iter()
                    .flat_map(|r| r.pools.iter().map(Box::as_ref)),
            )
    }

    /// Pools from every source.
    pub fn pools(&self) -> impl Iterator<Item = &'a crate::model::pool::Pool> + use<'a> {
        self.inventory.pools.iter().map(Box::as_ref)
    }

    /// Cluster (pod) CIDRs: the flags, then those the inputs declare.
    pub fn cluster_cidrs(&self) -> Vec<CidrFact> {
        with_flags(
            &self.cluster.cluster_cidrs,
            "--cluster-cidr",
            &self.inventory.cluster_cidrs,
        )
    }

    /// Service CIDRs: the flags, then those the inputs declare.
    pub fn service_cidrs(&self) -> Vec<CidrFact> {
        with_flags(
            &self.cluster.service_cidrs,
            "--service-cidr",
            &self.inventory.service_cidrs,
        )
    }

    /// Pods per node: `--pods-per-node`, else the largest `KubeletConfiguration.maxPods` in the
    /// inputs, else Kubernetes' default 110.
    pub fn pods_per_node(&self) -> Effective<u64> {
        if let Some(value) = self.cluster.pods_per_node {
            return Effective {
                value,
                what: "--pods-per-node".to_owned(),
                loc: None,
            };
        }
        self.inventory
            .max_pods
            .iter()
            .filter_map(|s| u64::try_from(s.value).ok().map(|v| (v, s)))
            .max_by_key(|(value, _)| *value)
            .map_or_else(
                || Effective {
                    value: DEFAULT_PODS_PER_NODE,
                    what: "the Kubernetes default maxPods".to_owned(),
                    loc: None,
                },
                |(value, setting)| Effective {
                    value,
                    what: setting.what.clone(),
                    loc: Some(setting.loc),
                },
            )
    }

    /// `maxBlocksPerHost`: the flag, else an IPAMConfig in the inputs (0 means 20), else 20.
    pub fn max_blocks_per_host(&self) -> Effective<u64> {
        if let Some(value) = self.cluster.max_blocks_per_host {
            return Effective {
                value,
                what: "--max-blocks-per-host".to_owned(),
                loc: None,
            };
        }
        match self.inventory.max_blocks_per_host.first() {
            Some(setting) => Effective {
                value: match u64::try_from(setting.value) {
                    Ok(0) | Err(_) => DEFAULT_MAX_BLOCKS_PER_HOST,
                    Ok(value) => value,
                },
                what: setting.what.clone(),
                loc: Some(setting.loc),
            },
            None => Effective {
                value: DEFAULT_MAX_BLOCKS_PER_HOST,
                what: "Calico's default maxBlocksPerHost".to_owned(),
                loc: None,
            },
        }
    }
}

fn with_flags(flags: &[ipnet::IpNet], flag: &str, declared: &[CidrFact]) -> Vec<CidrFact> {
    flags
        .iter()
        .map(|net| CidrFact {
            net: *net,
            loc: None,
            what: flag.to_owned(),
        })
        .chain(declared.iter().cloned())
        .collect()
}

pub type Check = fn(&Context<'_>, &mut Vec<Finding>);

pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line for `rules` and the README table.
    pub summary: &'static str,
    /// Markdown: `## What it does`, `## Why is this bad?`, `## Example`, ...
    pub doc: &'static str,
    /// Which of its findings `lint --fix` can mend; the rule's doc says when.
    pub fix: Fixable,
    pub check: Check,
}

/// The fixes a rule offers, for `rules`, `explain` and docs/rules.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fixable {
    pub safe: bool,
    pub unsafe_: bool,
}

impl Fixable {
    pub const NONE: Fixable = Fixable {
        safe: false,
        unsafe_: false,
    };
    pub const SAFE: Fixable = Fixable {
        safe: true,
        unsafe_: false,
    };
    pub const UNSAFE: Fixable = Fixable {
        safe: false,
        unsafe_: true,
    };
    pub const SAFE_OR_UNSAFE: Fixable = Fixable {
        safe: true,
        unsafe_: true,
    };

    pub const fn or(self, other: Fixable) -> Fixable {
        Fixable {
            safe: self.safe || other.safe,
            unsafe_: self.unsafe_ || other.unsafe_,
        }
    }

    /// `safe` (`--fix`), `unsafe` (`--fix --unsafe-fixes`), `safe+unsafe` (some of each), or
    /// empty.
    pub fn label(self) -> &'static str {
        match (self.safe, self.unsafe_) {
            (true, true) => "safe+unsafe",
            (true, false) => "safe",
            (false, true) => "unsafe",
            (false, false) => "",
        }
    }
}

impl Rule {
    /// A finding of this rule at its default severity.
    pub fn finding(&'static self, message: impl Into<String>, location: Location) -> Finding {
        Finding {
            code: self.code,
            rule: self.name,
            severity: self.severity,
            message: crate::report::elide_long_words(message.into()),
            location,
            label: None,
            related: Vec::new(),
            help: None,
            fix: None,
        }
    }

    /// The documentation without the one-space indent that `///` leaves on every line.
    pub fn doc_text(&self) -> String {
        let mut text = String::with_capacity(self.doc.len());
        for line in self.doc.lines() {
            text.push_str(line.strip_prefix(' ').unwrap_or(line));
            text.push('\n');
        }
        text
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.name)
    }
}

/// Every rule, in code order.
pub static RULES: &[&Rule] = &[
    &invalid_yaml::RULE,
    &invalid_cidr::RULE,
    &cidr_host_bits::RULE,
    &link_local::RULE,
    &block_size::RULE,
    &pool_smaller_than_block::RULE,
    &encapsulation_mode::RULE,
    &ipip_on_ipv6::RULE,
    &ipip_and_vxlan::RULE,
    &allowed_uses::RULE,
    &load_balancer::RULE,
    &tunnel_namespace_selector::RULE,
    &selector::RULE,
    &assignment_mode::RULE,
    &legacy_field::RULE,
    &pool_name::RULE,
    &unknown_field::RULE,
    &wrong_field_type::RULE,
    &invalid_metadata::RULE,
    &overlapping_pools::RULE,
    &duplicate_pool_name::RULE,
    &blocks_fewer_than_nodes::RULE,
    &block_limit_per_node::RULE,
    &node_without_pool::RULE,
    &pool_selects_no_node::RULE,
    &ambiguous_default_pools::RULE,
    &pool_outside_cluster_cidr::RULE,
    &pool_overlaps_service_cidr::RULE,
    &pool_overlaps_reserved_range::RULE,
    &no_enabled_pool::RULE,
    &malformed_pool_annotation::RULE,
    &unknown_pool::RULE,
    &annotation_pool_disabled::RULE,
    &annotation_family_mismatch::RULE,
    &annotation_cidr_not_a_pool::RULE,
    &annotation_pool_not_for_workloads::RULE,
    &ip_addrs_outside_pools::RULE,
    &misspelled_annotation::RULE,
    &annotation_on_wrong_object::RULE,
    &ip_addrs_on_replicated_workload::RULE,
    &invalid_calico_node_env::RULE,
    &invalid_installation_pool::RULE,
    &immutable_field_changed::RULE,
    &block_size_omitted::RULE,
    &overlaps_live_pool::RULE,
    &leftover_blocks_conflict::RULE,
    &pod_address_outside_pools::RULE,
    &node_at_block_limit::RULE,
    &pool_nearly_exhausted::RULE,
    &orphaned_block::RULE,
    &stale_affinity::RULE,
    &leaked_allocation::RULE,
    &unrecorded_pod_address::RULE,
    &unused_suppression::RULE,
];

/// A finding's location at a place inside a pool's declaration.
pub(crate) fn at_pool(pool: &crate::model::pool::Pool, loc: crate::source::Loc) -> Location {
    Location::at(loc, Some(pool.object()))
}

/// Finds a rule by code (`IPP004`, any case) or name (`block-size-out-of-range`).
pub fn lookup(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|rule| rule.code.eq_ignore_ascii_case(code_or_name) || rule.name == code_or_name)
}

/// Runs every rule over the inventory. Selection and severity overrides are the caller's.
pub fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in RULES {
        (rule.check)(ctx, &mut findings);
    }
    findings
}

/// A check for rules whose findings are produced while loading.
pub(crate) fn no_check(_: &Context<'_>, _: &mut Vec<Finding>) {}

pub use crate::suggest::closest;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for rule in RULES {
            assert!(codes.insert(rule.code), "duplicate code {}", rule.code);
            assert!(names.insert(rule.name), "duplicate name {}", rule.name);
            assert!(
                rule.code.len() == 6 && rule.code.starts_with("IPP"),
                "{rule:?}"
            );
            // Named after the problem, not the advice (`no-enabled-pool` is CONTRACT's name for
            // the problem "no pool is enabled", so `no-` alone is not banned).
            assert!(
                !rule.name.starts_with("avoid-") && !rule.name.starts_with("use-"),
                "rules are named after the problem: {rule:?}"
            );
        }
        let mut sorted: Vec<_> = RULES.iter().map(|r| r.code).collect();
        sorted.sort_unstable();
        assert_eq!(sorted, RULES.iter().map(|r| r.code).collect::<Vec<_>>());
    }

    #[test]
    fn every_rule_has_the_doc_sections() {
        for rule in RULES {
            let doc = rule.doc_text();
            for heading in ["## What it does", "## Why is this bad?", "## Example"] {
                assert!(doc.contains(heading), "{rule:?} lacks {heading}");
            }
            // What --fix does is documented exactly where it can do something.
            assert_eq!(
                doc.contains("## Fix"),
                rule.fix != Fixable::NONE,
                "{rule:?}: a ## Fix section goes with a fix: declaration"
            );
        }
    }

    #[test]
    fn lookup_by_code_or_name() {
        assert_eq!(lookup("ipp001").map(|r| r.name), Some("invalid-cidr"));
        assert_eq!(lookup("invalid-cidr").map(|r| r.code), Some("IPP001"));
        assert!(lookup("IPP999").is_none());
    }

    #[test]
    fn closest_finds_typos_only() {
        assert_eq!(
            closest("blocksize", ["blockSize", "cidr"]),
            Some("blockSize")
        );
        assert_eq!(closest("natOutgoin", ["natOutgoing"]), Some("natOutgoing"));
        assert_eq!(closest("frobnicate", ["cidr", "blockSize"]), None);
    }
}

//! The rule registry. One file per rule: its code, name, default severity, documentation (the
//! text `explain` prints and the README table is generated from) and its check. Adding a rule
//! touches its own file, the list below, and its fixtures under `testdata/rules/<name>/`.

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
        check: $check:path $(,)?
    ) => {
        pub static RULE: $crate::rules::Rule = $crate::rules::Rule {
            code: $code,
            name: $name,
            severity: $crate::report::Severity::$severity,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
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
    pub(super) use crate::report::{Finding, Location};
}

pub mod allowed_uses;
pub mod assignment_mode;
pub mod block_size;
pub mod cidr_host_bits;
pub mod encapsulation_mode;
pub mod invalid_cidr;
pub mod invalid_yaml;
pub mod ipip_and_vxlan;
pub mod ipip_on_ipv6;
pub mod legacy_field;
pub mod link_local;
pub mod load_balancer;
pub mod pool_name;
pub mod pool_smaller_than_block;
pub mod selector;
pub mod tunnel_namespace_selector;
pub mod unknown_field;
pub mod wrong_field_type;

/// What a check may read.
pub struct Context<'a> {
    pub inventory: &'a Inventory,
    pub calico: CalicoVersion,
}

impl Context<'_> {
    /// Pools declared as IPPool resources (the single-pool rules IPP001–IPP017 judge these).
    pub fn pools(&self) -> impl Iterator<Item = &crate::model::pool::Pool> {
        self.inventory.pools.iter()
    }
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
    pub check: Check,
}

impl Rule {
    /// A finding of this rule at its default severity.
    pub fn finding(&'static self, message: impl Into<String>, location: Location) -> Finding {
        Finding {
            code: self.code,
            rule: self.name,
            severity: self.severity,
            message: message.into(),
            location,
            label: None,
            related: Vec::new(),
            help: None,
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
];

/// A finding's location at a place inside a pool's declaration.
pub(crate) fn at_pool(
    pool: &crate::model::pool::Pool,
    loc: crate::manifest::source::Loc,
) -> Location {
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

/// Nearest candidate by edit distance, for "did you mean" helps. Returns `None` when nothing is
/// close enough to be a plausible typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            (
                edit_distance(&word_lower, &candidate.to_ascii_lowercase()),
                candidate,
            )
        })
        .filter(|&(distance, candidate)| distance <= (candidate.len() / 3).max(2))
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

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
            assert!(
                !rule.name.starts_with("no-") && !rule.name.starts_with("avoid-"),
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

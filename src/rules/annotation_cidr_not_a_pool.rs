//! IPP205 annotation-cidr-not-a-pool. TODO: docs, check, fixtures.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// TODO
    ///
    /// ## Why is this bad?
    /// TODO
    ///
    /// ## Example
    /// TODO
    code: "IPP205",
    name: "annotation-cidr-not-a-pool",
    severity: Error,
    summary: "a CIDR entry not exactly equal to some pool's CIDR (subset/superset)",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

//! IPP102 duplicate-pool-name. TODO: docs, check, fixtures.

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
    code: "IPP102",
    name: "duplicate-pool-name",
    severity: Error,
    summary: "one pool name declared twice with different specs",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

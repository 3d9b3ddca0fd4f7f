//! IPP101 overlapping-pools. TODO: docs, check, fixtures.

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
    code: "IPP101",
    name: "overlapping-pools",
    severity: Error,
    summary: "two pools (any sources, disabled included) whose CIDRs overlap (C1)",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

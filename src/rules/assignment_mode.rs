//! IPP013 invalid-assignment-mode. TODO(helper): docs, check, fixtures.

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
    code: "IPP013",
    name: "invalid-assignment-mode",
    severity: Error,
    summary: "assignmentMode not Automatic/Manual (P22)",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

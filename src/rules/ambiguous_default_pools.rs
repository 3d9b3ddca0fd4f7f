//! IPP107 ambiguous-default-pools. TODO: docs, check, fixtures.

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
    code: "IPP107",
    name: "ambiguous-default-pools",
    severity: Info,
    summary: "more than one enabled Automatic Workload pool selects the same nodes",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

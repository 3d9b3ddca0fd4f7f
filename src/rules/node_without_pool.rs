//! IPP105 node-without-pool. TODO: docs, check, fixtures.

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
    code: "IPP105",
    name: "node-without-pool",
    severity: Error,
    summary: "a Node in the inputs selected by no enabled Automatic Workload pool of a family that has pools",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

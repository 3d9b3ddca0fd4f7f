//! IPP202 unknown-pool. TODO: docs, check, fixtures.

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
    code: "IPP202",
    name: "unknown-pool",
    severity: Error,
    summary: "an annotation names a pool that no input (or the live cluster) defines",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

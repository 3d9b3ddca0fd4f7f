//! IPP104 block-limit-per-node. TODO: docs, check, fixtures.

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
    code: "IPP104",
    name: "block-limit-per-node",
    severity: Warning,
    summary: "pods per node need more blocks than maxBlocksPerHost allows",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

//! IPP106 pool-selects-no-node. TODO: docs, check, fixtures.

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
    code: "IPP106",
    name: "pool-selects-no-node",
    severity: Warning,
    summary: "Node manifests present, and the pool's nodeSelector matches none of them",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

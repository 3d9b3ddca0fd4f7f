//! IPP005 pool-smaller-than-block. TODO(helper): docs, check, fixtures.

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
    code: "IPP005",
    name: "pool-smaller-than-block",
    severity: Error,
    summary: "enabled pool whose prefix is longer than its effective blockSize (P8)",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

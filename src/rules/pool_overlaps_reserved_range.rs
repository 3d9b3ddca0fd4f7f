//! IPP110 pool-overlaps-reserved-range. TODO: docs, check, fixtures.

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
    code: "IPP110",
    name: "pool-overlaps-reserved-range",
    severity: Warning,
    summary: "loopback, multicast, unspecified or other reserved ranges",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

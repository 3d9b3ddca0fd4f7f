//! IPP004 block-size-out-of-range. TODO(helper): docs, check, fixtures.

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
    code: "IPP004",
    name: "block-size-out-of-range",
    severity: Error,
    summary: "IPv4 20–32, IPv6 116–128 (P7)",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

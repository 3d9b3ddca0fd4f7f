//! IPP204 annotation-family-mismatch. TODO: docs, check, fixtures.

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
    code: "IPP204",
    name: "annotation-family-mismatch",
    severity: Error,
    summary: "an IPv6 pool in `ipv4pools` or the reverse",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

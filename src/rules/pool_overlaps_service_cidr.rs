//! IPP109 pool-overlaps-service-cidr. TODO: docs, check, fixtures.

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
    code: "IPP109",
    name: "pool-overlaps-service-cidr",
    severity: Error,
    summary: "pool overlaps a known Service CIDR",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

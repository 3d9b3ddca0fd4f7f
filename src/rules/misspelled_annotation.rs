//! IPP208 misspelled-annotation. TODO: docs, check, fixtures.

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
    code: "IPP208",
    name: "misspelled-annotation",
    severity: Error,
    summary: "a key that is almost a Calico CNI annotation (`ipv4pool`, `ipv4Pools`, wrong prefix): Calico silently ignores it",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

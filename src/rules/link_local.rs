//! IPP003 link-local-overlap. TODO(helper): docs, check, fixtures.

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
    code: "IPP003",
    name: "link-local-overlap",
    severity: Error,
    summary: "overlaps 169.254.0.0/16 or fe80::/10 (P5, P6)",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

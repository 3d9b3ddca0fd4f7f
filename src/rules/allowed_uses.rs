//! IPP009 invalid-allowed-uses. TODO(helper): docs, check, fixtures.

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
    code: "IPP009",
    name: "invalid-allowed-uses",
    severity: Error,
    summary: "unknown use, duplicates, more than 10 (P12, P23)",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

//! IPP014 legacy-field. TODO(helper): docs, check, fixtures.

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
    code: "IPP014",
    name: "legacy-field",
    severity: Error,
    summary: "legacy `ipip` / `nat-outgoing` fields (P24, P25)",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

//! IPP006 invalid-encapsulation-mode. TODO(helper): docs, check, fixtures.

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
    code: "IPP006",
    name: "invalid-encapsulation-mode",
    severity: Error,
    summary: "ipipMode/vxlanMode not exactly Never/Always/CrossSubnet (P9); help suggests the right case",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

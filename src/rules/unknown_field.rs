//! IPP016 unknown-field. TODO(helper): docs, check, fixtures.

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
    code: "IPP016",
    name: "unknown-field",
    severity: Error,
    summary: "a key under `spec` that IPPool does not have (e.g. `blocksize`); help names the closest real field",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

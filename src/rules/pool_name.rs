//! IPP015 invalid-pool-name. TODO(helper): docs, check, fixtures.

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
    code: "IPP015",
    name: "invalid-pool-name",
    severity: Error,
    summary: "metadata.name not a lowercase DNS-1123 subdomain ≤ 253 chars",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

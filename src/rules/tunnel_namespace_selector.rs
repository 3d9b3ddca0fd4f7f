//! IPP011 tunnel-with-namespace-selector. TODO(helper): docs, check, fixtures.

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
    code: "IPP011",
    name: "tunnel-with-namespace-selector",
    severity: Error,
    summary: "Tunnel use together with a namespaceSelector (P17)",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

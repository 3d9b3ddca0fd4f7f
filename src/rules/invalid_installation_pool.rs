//! IPP302 invalid-installation-pool. TODO: docs, check, fixtures.

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
    code: "IPP302",
    name: "invalid-installation-pool",
    severity: Error,
    summary: "operator `Installation` ipPools values Calico's operator rejects (§7.1)",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

//! IPP301 invalid-calico-node-env. TODO: docs, check, fixtures.

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
    code: "IPP301",
    name: "invalid-calico-node-env",
    severity: Error,
    summary: "invalid `CALICO_IPV4POOL_*` / `CALICO_IPV6POOL_*` / `NO_DEFAULT_POOLS` values in a calico-node container (§7.2)",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

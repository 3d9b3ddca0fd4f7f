//! IPP108 pool-outside-cluster-cidr. TODO: docs, check, fixtures.

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
    code: "IPP108",
    name: "pool-outside-cluster-cidr",
    severity: Warning,
    summary: "pool not inside a known cluster (pod) CIDR",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

//! IPP206 annotation-pool-not-for-workloads. TODO: docs, check, fixtures.

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
    code: "IPP206",
    name: "annotation-pool-not-for-workloads",
    severity: Error,
    summary: "the named pool's allowedUses lacks Workload",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

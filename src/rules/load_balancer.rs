//! IPP010 load-balancer-pool-conflict. TODO(helper): docs, check, fixtures.

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
    code: "IPP010",
    name: "load-balancer-pool-conflict",
    severity: Error,
    summary: "LoadBalancer combined with other uses, encapsulation, disableBGPExport, or nodeSelector ≠ `all()` (P13–P16)",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

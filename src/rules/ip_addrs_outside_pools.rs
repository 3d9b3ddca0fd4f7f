//! IPP207 ip-addrs-outside-pools. TODO: docs, check, fixtures.

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
    code: "IPP207",
    name: "ip-addrs-outside-pools",
    severity: Error,
    summary: "`ipAddrs` address in no enabled pool, or more than one per family, or both ipAddrs and ipAddrsNoIpam",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

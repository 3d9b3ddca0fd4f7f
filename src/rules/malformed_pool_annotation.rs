//! IPP201 malformed-pool-annotation. TODO: docs, check, fixtures.

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
    code: "IPP201",
    name: "malformed-pool-annotation",
    severity: Error,
    summary: "`ipv4pools`/`ipv6pools`/`ipAddrs`/`ipAddrsNoIpam`/`floatingIPs`/`ipFamilies` value not in the accepted JSON form",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

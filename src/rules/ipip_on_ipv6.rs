//! IPP007 ipip-on-ipv6. TODO(helper): docs, check, fixtures.

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
    code: "IPP007",
    name: "ipip-on-ipv6",
    severity: Error,
    summary: "IPIP enabled on an IPv6 pool (P10)",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

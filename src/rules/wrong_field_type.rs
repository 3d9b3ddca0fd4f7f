//! IPP017 wrong-field-type. TODO(helper): docs, check, fixtures.

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
    code: "IPP017",
    name: "wrong-field-type",
    severity: Error,
    summary: "e.g. `blockSize: \"26\"`, `natOutgoing: \"yes\"`",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

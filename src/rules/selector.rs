//! IPP012 invalid-selector. TODO(helper): docs, check, fixtures.

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
    code: "IPP012",
    name: "invalid-selector",
    severity: Error,
    summary: "nodeSelector/namespaceSelector that does not parse, contains `global(`, > 1024 chars, trailing newline (P18–P21)",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

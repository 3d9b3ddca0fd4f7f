//! IPP209 annotation-on-wrong-object. TODO: docs, check, fixtures.

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
    code: "IPP209",
    name: "annotation-on-wrong-object",
    severity: Warning,
    summary: "pool annotations on a Deployment's own metadata instead of its pod template, and similar places Calico never reads",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

//! IPP103 blocks-fewer-than-nodes. TODO: docs, check, fixtures.

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
    code: "IPP103",
    name: "blocks-fewer-than-nodes",
    severity: Warning,
    summary: "2^(blockSize − prefix) < nodes the pool selects (Node manifests, else `--nodes`)",
    check: check,
}

fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}

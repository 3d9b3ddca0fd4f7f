//! What `migrate` and `resize` print: the pre-flight checks, then the numbered steps, each with what it
//! changes, how it is verified and what it affects.

use std::io::{self, Write};

use crate::live::runbook::Plan;

pub fn render(out: &mut dyn Write, plan: &Plan) -> io::Result<()> {
    writeln!(out, "{}", plan.title)?;
    writeln!(out)?;
    writeln!(out, "Checks before the first write:")?;
    for check in &plan.checks {
        let mark = match (check.passed, check.blocking) {
            (true, _) => "✓",
            (false, true) => "✗",
            (false, false) => "!",
        };
        writeln!(out, "  {mark} {}", check.message)?;
        if let Some(fix) = &check.fix {
            writeln!(out, "    fix: {fix}")?;
        }
    }
    writeln!(out)?;
    let pods: usize = plan.waves.iter().map(|w| w.pods.len()).sum();
    writeln!(
        out,
        "Plan ({} to move, in {} {}):",
        if pods == 1 {
            "1 pod".to_owned()
        } else {
            format!("{pods} pods")
        },
        plan.waves.len(),
        if plan.waves.len() == 1 {
            "wave"
        } else {
            "waves"
        }
    )?;
    for (number, step) in plan.steps.iter().enumerate() {
        writeln!(out, "  {}. {}", number + 1, step.title)?;
        writeln!(out, "     changes: {}", step.changes)?;
        writeln!(out, "     verify:  {}", step.verify)?;
        writeln!(out, "     affects: {}", step.affects)?;
    }
    writeln!(out)?;
    if plan.blocked() {
        writeln!(
            out,
            "A check blocks the migration: fix it, then plan again."
        )?;
    } else {
        writeln!(
            out,
            "Nothing was changed: this release prints the plan; run its steps with `kubectl ippool` (assign, disable) and kubectl (rollout restart, delete)."
        )?;
    }
    Ok(())
}

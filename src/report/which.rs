//! What `which` prints: per family, the numbered steps Calico takes, the pools considered by
//! their selectors, and the outcome (the pools, or Calico's error and the fix).

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::model::selection::{FamilyAnswer, Placement};

fn heading(placement: &Placement<'_>) -> String {
    let node = match &placement.node {
        Some(node) => format!(", on node {node}"),
        None => String::new(),
    };
    let (kind, rest) = placement
        .object
        .split_once('/')
        .unwrap_or(("", &placement.object));
    format!("A new pod of {kind} {rest}{node}")
}

pub fn render(
    out: &mut dyn Write,
    placement: &Placement<'_>,
    answers: &[FamilyAnswer],
) -> io::Result<()> {
    writeln!(out, "{}", heading(placement))?;
    for answer in answers {
        writeln!(out)?;
        writeln!(out, "{}:", answer.family)?;
        for (number, step) in answer.steps.iter().enumerate() {
            let place = match (&step.object, &step.field) {
                (Some(object), Some(field)) => format!(" ({object} {field})"),
                (Some(object), None) => format!(" ({object})"),
                _ => String::new(),
            };
            match &step.value {
                Some(value) if step.source != "pool selection" => {
                    writeln!(out, "  {}. {}{place} = {value}", number + 1, step.source)?;
                }
                Some(value) => {
                    writeln!(out, "  {}. {}: {value}", number + 1, step.source)?;
                }
                None => {
                    writeln!(
                        out,
                        "  {}. {}{place}: {}",
                        number + 1,
                        step.source,
                        step.outcome
                    )?;
                    continue;
                }
            }
            for part in step.outcome.split("; ") {
                writeln!(out, "     {part}")?;
            }
        }
        for candidate in &answer.candidates {
            let mark = if candidate.qualifies { "✓" } else { "✗" };
            writeln!(
                out,
                "     {mark} {} ({}): {}",
                candidate.pool, candidate.cidr, candidate.reason
            )?;
        }
        match &answer.error {
            Some(error) => {
                writeln!(out, "  Calico fails the pod: \"{error}\"")?;
                if let Some(fix) = &answer.fix {
                    writeln!(out, "  fix: {fix}")?;
                }
            }
            None => writeln!(out, "  New pods draw from: {}", answer.pools.join(", "))?,
        }
    }
    Ok(())
}

pub fn to_json(placement: &Placement<'_>, answers: &[FamilyAnswer]) -> Value {
    json!({
        "object": placement.object,
        "namespace": placement.namespace,
        "node": placement.node,
        "families": answers,
    })
}

//! Renders a capacity [`Plan`] (`kubectl ippool plan`): an aligned table with the recommendation
//! sentence, or a versioned JSON document. The arithmetic lives in `model::capacity`; nothing
//! here computes beyond formatting.
//!
//! JSON (version 1): `{"version":1,"cidr":…,"nodes":…,"pods_per_node":…,"max_blocks_per_host":…,
//! "candidates":[{"block_size","blocks","addresses_per_block","blocks_per_node","fits",
//! "blocks_needed","headroom","nodes_supported","addresses_wasted_per_node"}],"recommended":
//! <blockSize or null>,"reason":"…","note":<string or null>,"suggested_cidr":<CIDR or null>,
//! "findings":[{"code","rule","severity","message","help"}]}` (what `lint` says of the pool).
//! Counts are JSON numbers when they fit in 64 bits (`headroom` is negative when the pool is
//! short) and decimal strings beyond that, which only large IPv6 pools reach.

use std::io::{self, Write};

use serde::{Serialize, Serializer};

use super::{Finding, Severity};
use crate::model::capacity::{Candidate, Headroom, Plan, percent};

pub const SCHEMA_VERSION: u32 = 1;

const HEADERS: [&str; 7] = [
    "BLOCKSIZE",
    "BLOCKS",
    "ADDRS/BLOCK",
    "BLOCKS/NODE",
    // Per node, as BLOCKS/NODE: not whether the pool holds every node (HEADROOM says that).
    "FITS/NODE",
    "NEEDED",
    "HEADROOM",
];

pub fn render_human(out: &mut dyn Write, plan: &Plan, findings: &[Finding]) -> io::Result<()> {
    writeln!(
        out,
        "{} ({}, {} addresses): {} {} × {} pods per node, maxBlocksPerHost {}",
        plan.cidr,
        plan.family.name(),
        plan.addresses,
        plan.nodes,
        if plan.nodes == 1 { "node" } else { "nodes" },
        plan.pods_per_node,
        plan.max_blocks_per_host
    )?;
    writeln!(out)?;
    let mut rows = vec![HEADERS.map(str::to_owned)];
    rows.extend(plan.candidates.iter().map(cells));
    let mut widths = [0; HEADERS.len()];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for (index, row) in rows.iter().enumerate() {
        let mut line = String::new();
        for (column, (cell, width)) in row.iter().zip(widths).enumerate() {
            if column > 0 {
                line.push_str("  ");
            }
            line.push_str(&format!("{cell:<width$}"));
        }
        let recommended = index > 0
            && plan
                .candidates
                .get(index - 1)
                .is_some_and(|c| Some(c.block_size) == plan.recommended);
        if recommended {
            line.push_str("  <- recommended");
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    writeln!(out)?;
    match plan.recommended {
        Some(_) => writeln!(out, "Recommendation: {}", plan.reason)?,
        None => writeln!(out, "No recommendation: {}", plan.reason)?,
    }
    if let Some(note) = &plan.note {
        writeln!(out, "Note: {note}")?;
    }
    for finding in findings {
        writeln!(
            out,
            "{}: {} {}: {}",
            match finding.severity {
                Severity::Error => "Error",
                Severity::Warning => "Warning",
                Severity::Info => "Info",
            },
            finding.code,
            finding.rule,
            super::escape_controls(&finding.message, &[])
        )?;
        if let Some(help) = &finding.help {
            writeln!(out, "  help: {}", super::escape_controls(help, &[]))?;
        }
    }
    Ok(())
}

fn cells(c: &Candidate) -> [String; 7] {
    let headroom = match c.headroom() {
        Headroom::Spare(spare) => format!("{spare} ({})", percent(c)),
        Headroom::Short(short) => format!("-{short}"),
    };
    [
        c.block_size.to_string(),
        c.blocks.to_string(),
        c.addresses_per_block.to_string(),
        c.blocks_per_node.to_string(),
        if c.fits { "yes" } else { "no" }.to_owned(),
        c.blocks_needed.to_string(),
        headroom,
    ]
}

/// A count that is a JSON number when it fits in 64 bits, else a decimal string.
struct Count(u128);

impl Serialize for Count {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match u64::try_from(self.0) {
            Ok(n) => serializer.serialize_u64(n),
            Err(_) => serializer.serialize_str(&self.0.to_string()),
        }
    }
}

/// Signed headroom, a JSON number when it fits in 64 bits, else a decimal string.
struct SignedCount(Headroom);

impl Serialize for SignedCount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Headroom::Spare(n) => Count(n).serialize(serializer),
            Headroom::Short(n) => match u64::try_from(n).ok().and_then(|n| i64::try_from(n).ok()) {
                Some(n) => serializer.serialize_i64(-n),
                None => serializer.serialize_str(&format!("-{n}")),
            },
        }
    }
}

#[derive(Serialize)]
struct WirePlan<'a> {
    version: u32,
    cidr: String,
    nodes: u64,
    pods_per_node: u64,
    max_blocks_per_host: u64,
    candidates: Vec<WireCandidate>,
    recommended: Option<u8>,
    reason: &'a str,
    note: Option<&'a str>,
    suggested_cidr: Option<String>,
    /// What `lint` says about the recommended pool.
    findings: Vec<WireFinding<'a>>,
}

#[derive(Serialize)]
struct WireFinding<'a> {
    code: &'static str,
    rule: &'static str,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct WireCandidate {
    block_size: u8,
    blocks: Count,
    addresses_per_block: u64,
    blocks_per_node: u64,
    fits: bool,
    blocks_needed: Count,
    headroom: SignedCount,
    nodes_supported: Count,
    addresses_wasted_per_node: u64,
}

pub fn render_json(out: &mut dyn Write, plan: &Plan, findings: &[Finding]) -> io::Result<()> {
    let wire = WirePlan {
        version: SCHEMA_VERSION,
        cidr: plan.cidr.to_string(),
        nodes: plan.nodes,
        pods_per_node: plan.pods_per_node,
        max_blocks_per_host: plan.max_blocks_per_host,
        candidates: plan
            .candidates
            .iter()
            .map(|c| WireCandidate {
                block_size: c.block_size,
                blocks: Count(c.blocks),
                addresses_per_block: c.addresses_per_block,
                blocks_per_node: c.blocks_per_node,
                fits: c.fits,
                blocks_needed: Count(c.blocks_needed),
                headroom: SignedCount(c.headroom()),
                nodes_supported: Count(c.nodes_supported),
                addresses_wasted_per_node: c.addresses_wasted_per_node,
            })
            .collect(),
        recommended: plan.recommended,
        reason: &plan.reason,
        note: plan.note.as_deref(),
        suggested_cidr: plan.suggested_cidr.map(|net| net.to_string()),
        findings: findings
            .iter()
            .map(|f| WireFinding {
                code: f.code,
                rule: f.rule,
                severity: f.severity.as_str(),
                message: &f.message,
                help: f.help.as_deref(),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &wire).map_err(io::Error::from)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::capacity::PlanInput;

    fn plan(cidr: &str, nodes: u64) -> Plan {
        Plan::new(&PlanInput {
            cidr,
            nodes,
            pods_per_node: 110,
            max_blocks_per_host: 20,
            block_size: None,
        })
        .unwrap()
    }

    #[test]
    fn counts_beyond_64_bits_are_strings() {
        let mut out = Vec::new();
        render_json(&mut out, &plan("fd00::/48", 10), &[]).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let row = &json["candidates"][0];
        assert_eq!(row["block_size"], 116);
        assert_eq!(row["blocks"], serde_json::json!(format!("{}", 1u128 << 68)));
        assert_eq!(row["addresses_per_block"], 4096);
        let last = &json["candidates"][12];
        assert_eq!(last["blocks"], (1u128 << 80).to_string());
    }

    #[test]
    fn short_headroom_is_negative() {
        let mut out = Vec::new();
        render_json(&mut out, &plan("10.244.0.0/16", 500), &[]).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(json["candidates"][0]["headroom"], -484);
        assert_eq!(json["recommended"], 26);
        let huge = SignedCount(Headroom::Short(u128::from(u64::MAX)));
        assert_eq!(
            serde_json::to_value(&huge).unwrap(),
            serde_json::json!(format!("-{}", u64::MAX))
        );
    }

    #[test]
    fn human_table_is_aligned_and_marks_the_recommendation() {
        let mut out = Vec::new();
        render_human(&mut out, &plan("10.244.0.0/16", 500), &[]).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[2].starts_with("BLOCKSIZE  BLOCKS  ADDRS/BLOCK"));
        let column = lines[2].find("HEADROOM").unwrap();
        for line in &lines[3..16] {
            assert!(line.len() > column, "{line}");
        }
        let marked: Vec<&&str> = lines
            .iter()
            .filter(|l| l.ends_with("<- recommended"))
            .collect();
        assert_eq!(marked.len(), 1);
        assert!(marked[0].starts_with("26 "));
    }
}

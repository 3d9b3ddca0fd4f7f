//! `-o json`: the versioned wire format of CONTRACT §4. The wire structs are separate from
//! [`Finding`] so the public schema cannot drift by accident.

use std::io::{self, Write};

use serde::Serialize;

use super::{Finding, Location, Summary, position};
use crate::source::SourceMap;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    tool: Tool,
    summary: Summary,
    diagnostics: Vec<Diagnostic<'a>>,
    /// Paths that could not be read or walked (the run exits 2); left out when none.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    problems: &'a [crate::manifest::discover::Problem],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    code: &'static str,
    rule: &'static str,
    severity: &'static str,
    message: &'a str,
    location: WireLocation<'a>,
    related: Vec<WireRelated<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    /// What `--fix` would write, when the finding has a fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<WireFix<'a>>,
}

#[derive(Serialize)]
struct WireFix<'a> {
    applicability: super::Applicability,
    message: &'a str,
    edits: Vec<WireEdit<'a>>,
}

#[derive(Serialize)]
struct WireEdit<'a> {
    location: WireLocation<'a>,
    content: String,
}

/// A fix with its edits resolved against the text; `None` when they cannot be (the file is
/// gone, or the value is not one the fix can rewrite in place), as `--fix` would skip it.
fn wire_fix<'a>(sources: &'a SourceMap, fix: &'a super::Fix) -> Option<WireFix<'a>> {
    let edits = super::resolved_edits(fix, sources)?
        .into_iter()
        .map(|(position, content)| WireEdit {
            location: WireLocation {
                path: Some(position.path),
                line: Some(position.start.line),
                column: Some(position.start.column),
                end_line: Some(position.end.line),
                end_column: Some(position.end.column),
                object: None,
            },
            content,
        })
        .collect();
    Some(WireFix {
        applicability: fix.applicability,
        message: &fix.message,
        edits,
    })
}

#[derive(Serialize)]
struct WireRelated<'a> {
    message: &'a str,
    location: WireLocation<'a>,
}

#[derive(Serialize)]
struct WireLocation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object: Option<&'a str>,
}

fn wire_location<'a>(sources: &'a SourceMap, location: &'a Location) -> WireLocation<'a> {
    let position = location.loc.as_ref().and_then(|loc| position(sources, loc));
    // A file that changed since it was linted keeps its path, without a position.
    let path = position.as_ref().map(|p| p.path).or_else(|| {
        let loc = location.loc.as_ref()?;
        sources.get(loc.source).map(|file| file.name.as_str())
    });
    WireLocation {
        path,
        line: position.as_ref().map(|p| p.start.line),
        column: position.as_ref().map(|p| p.start.column),
        end_line: position.as_ref().map(|p| p.end.line),
        end_column: position.as_ref().map(|p| p.end.column),
        object: location.object.as_deref(),
    }
}

pub fn render(
    out: &mut dyn Write,
    findings: &[Finding],
    sources: &SourceMap,
    summary: &Summary,
    problems: &[crate::manifest::discover::Problem],
) -> io::Result<()> {
    let report = Report {
        problems,
        version: SCHEMA_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: *summary,
        diagnostics: findings
            .iter()
            .map(|finding| Diagnostic {
                code: finding.code,
                rule: finding.rule,
                severity: finding.severity.as_str(),
                message: &finding.message,
                location: wire_location(sources, &finding.location),
                related: finding
                    .related
                    .iter()
                    .map(|related| WireRelated {
                        message: &related.message,
                        location: wire_location(sources, &related.location),
                    })
                    .collect(),
                help: finding.help.as_deref(),
                fix: finding.fix.as_ref().and_then(|fix| wire_fix(sources, fix)),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &report).map_err(io::Error::from)?;
    writeln!(out)
}

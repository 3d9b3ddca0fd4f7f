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
) -> io::Result<()> {
    let report = Report {
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
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &report).map_err(io::Error::from)?;
    writeln!(out)
}

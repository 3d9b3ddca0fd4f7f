//! Human output: one miette graphical report per finding (code, message, the source snippet with
//! a label under the exact value, related spans from their own files, help), then a summary line.

use std::fmt;
use std::io::{self, Write};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan};

use super::snippet::Snippet;

use super::{Finding, Location, Severity, Summary, escape_controls};
use crate::source::SourceMap;

/// Wide enough for a snippet and its label without wrapping typical manifest lines, and fixed so
/// output does not depend on the terminal.
const WIDTH: usize = 100;

/// Related locations drawn per finding.
const MAX_RELATED_DRAWN: usize = 20;

pub struct Options {
    pub color: bool,
    /// Box drawing and arrows; ASCII where the locale or terminal cannot show them.
    pub unicode: bool,
}

impl Options {
    pub fn theme(&self) -> GraphicalTheme {
        match (self.unicode, self.color) {
            (true, true) => GraphicalTheme::unicode(),
            (true, false) => GraphicalTheme::unicode_nocolor(),
            (false, true) => GraphicalTheme::ascii(),
            (false, false) => GraphicalTheme::none(),
        }
    }
}

pub fn render(
    out: &mut dyn Write,
    findings: &[Finding],
    sources: &SourceMap,
    summary: &Summary,
    options: &Options,
) -> io::Result<()> {
    render_findings(out, findings, sources, options)?;
    writeln!(out, "{}", summary_line(summary))
}

/// The findings alone, without the summary line (live commands print their own verdict).
pub fn render_findings(
    out: &mut dyn Write,
    findings: &[Finding],
    sources: &SourceMap,
    options: &Options,
) -> io::Result<()> {
    let handler = GraphicalReportHandler::new_themed(options.theme())
        .with_width(WIDTH)
        .with_links(false);
    let mut text = String::new();
    for finding in findings {
        text.clear();
        let report = Report::new(finding, sources);
        handler
            .render_report(&mut text, &report)
            .map_err(io::Error::other)?;
        out.write_all(text.as_bytes())?;
        writeln!(out)?;
    }
    Ok(())
}

pub fn summary_line(summary: &Summary) -> String {
    let mut files = plural(summary.files, "file");
    if summary.cluster_objects > 0 {
        files = format!(
            "{files} and {} from the cluster",
            plural(summary.cluster_objects, "object")
        );
    }
    let context = format!(
        "{files} ({}, {})",
        plural(summary.documents, "document"),
        plural(summary.pools, "pool")
    );
    if summary.errors + summary.warnings + summary.infos == 0 {
        return format!("No problems found in {context}.");
    }
    format!(
        "Found {}, {} and {} in {context}.",
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.infos, "info"),
    )
}

pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// A finding (or one of its related notes) as a miette diagnostic.
#[derive(Debug)]
struct Report {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<Snippet>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl Report {
    fn new(finding: &Finding, sources: &SourceMap) -> Self {
        let label_text = safe(finding.label.as_deref().unwrap_or(&finding.message));
        let (source, label) = snippet(sources, &finding.location, Some(label_text), true);
        let mut labels: Vec<LabeledSpan> = label.into_iter().collect();
        let primary_source = finding.location.loc.map(|loc| loc.source);
        let mut related = Vec::new();
        // A picture with thousands of labels helps nobody and costs labels² to draw (miette
        // lays out every label on every line of every snippet): the first few are drawn, the
        // rest counted; `-o json` lists them all.
        let drawn = finding.related.len().min(MAX_RELATED_DRAWN);
        for note in &finding.related[..drawn] {
            let same_file = note.location.loc.is_some()
                && note.location.loc.map(|loc| loc.source) == primary_source;
            if same_file {
                // Drawn in the primary snippet: one picture, both places.
                let (_, label) = snippet(sources, &note.location, Some(safe(&note.message)), false);
                labels.extend(label);
                continue;
            }
            // Its own report is headed by the message: the span is only underlined.
            let (source, label) = snippet(sources, &note.location, None, false);
            related.push(Report {
                message: with_object(&note.message, &note.location, source.is_none()),
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                source,
                labels: label.into_iter().collect(),
                related: Vec::new(),
            });
        }
        let hidden = finding.related.len() - drawn;
        let mut help = finding
            .help
            .as_deref()
            .map(|help| escape_controls(help, &['\n']).into_owned());
        if let Some(fix) = &finding.fix {
            let how = match fix.applicability {
                super::Applicability::Safe => "--fix",
                super::Applicability::Unsafe => "--fix --unsafe-fixes",
            };
            let note = format!("({how} does this: {})", safe(&fix.message));
            help = Some(match help {
                Some(help) => format!("{help}\n{note}"),
                None => note,
            });
        }
        if hidden > 0 {
            let more = format!(
                "{hidden} more related {} not drawn (-o json lists them all)",
                if hidden == 1 { "location" } else { "locations" }
            );
            help = Some(match help {
                Some(help) => format!("{help}\n{more}"),
                None => more,
            });
        }
        Report {
            message: with_object(&finding.message, &finding.location, source.is_none()),
            code: Some(format!("{} {}", finding.code, finding.rule)),
            severity: match finding.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            help,
            source,
            labels,
            related,
        }
    }
}

/// Without a snippet (live objects), the object is the only location the reader gets.
fn with_object(message: &str, location: &Location, no_snippet: bool) -> String {
    match (&location.object, no_snippet) {
        (Some(object), true) => safe(&format!("{object}: {message}")),
        _ => safe(message),
    }
}

/// A one-line text from the input, with every control character escaped.
fn safe(text: &str) -> String {
    escape_controls(text, &[]).into_owned()
}

/// The snippet around a location and its label; the finding's own label is the primary one,
/// whose position the report's header names even when a related span in the same file comes
/// first.
fn snippet(
    sources: &SourceMap,
    location: &Location,
    label: Option<String>,
    primary: bool,
) -> (Option<Snippet>, Option<LabeledSpan>) {
    let Some(loc) = location.loc else {
        return (None, None);
    };
    let Some(file) = sources.get(loc.source).filter(|file| !file.is_changed()) else {
        return (None, None);
    };
    let source = Snippet::new(safe(&file.name), file);
    let (span, clipped) = source.label_span(loc.span().start, loc.span().end);
    let label = match (label, clipped) {
        (Some(label), Some(note)) => Some(format!("{label} ({note})")),
        (None, Some(note)) => Some(note.to_string()),
        (label, None) => label,
    };
    let label = if primary {
        LabeledSpan::new_primary_with_span(label, span)
    } else {
        LabeledSpan::new_with_span(label, span)
    };
    (Some(source), Some(label))
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|code| Box::new(code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

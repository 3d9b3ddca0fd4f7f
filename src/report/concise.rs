//! `-o concise`: one `path:line:col: CODE message` line per finding, for grep, `sort` and editor
//! problem matchers (the line ruff and compilers print). A finding without a position (a live
//! object, a file that changed) names its object or file instead.

use std::io::{self, Write};

use super::{Finding, escape_controls, position};
use crate::source::SourceMap;

pub fn render(out: &mut dyn Write, findings: &[Finding], sources: &SourceMap) -> io::Result<()> {
    for finding in findings {
        writeln!(out, "{}", line(finding, sources))?;
    }
    Ok(())
}

fn line(finding: &Finding, sources: &SourceMap) -> String {
    let loc = finding.location.loc.as_ref();
    let place = match loc.and_then(|loc| position(sources, loc)) {
        Some(p) => format!("{}:{}:{}", p.path, p.start.line, p.start.column),
        None => loc
            .and_then(|loc| sources.get(loc.source))
            .map(|file| file.name.clone())
            .or_else(|| finding.location.object.clone())
            .unwrap_or_else(|| "-".to_owned()),
    };
    let fixable = if finding.fix.is_some() { " [*]" } else { "" };
    // One finding, one line: a message never breaks it.
    let message = finding.message.replace(['\n', '\r'], " ");
    format!(
        "{}: {} [{}]{fixable} {}",
        escape_controls(&place, &[]),
        finding.code,
        finding.severity,
        escape_controls(&message, &[])
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Location, Severity};
    use crate::source::{Loc, SourceFile, Span};

    #[test]
    fn one_line_per_finding_at_its_start() {
        let mut sources = SourceMap::default();
        sources.add(SourceFile::new("a.yaml", "spec:\n  cidr: 10.0.0.5/16\n"));
        let finding = Finding {
            code: "IPP002",
            rule: "cidr-host-bits-set",
            severity: Severity::Error,
            message: "host bits\nset".to_owned(),
            location: Location::at(Loc::new(0, Span { start: 14, end: 25 }), None),
            label: None,
            related: Vec::new(),
            help: None,
            fix: None,
        };
        assert_eq!(
            line(&finding, &sources),
            "a.yaml:2:9: IPP002 [error] host bits set"
        );
    }
}

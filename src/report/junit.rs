//! `-o junit`: JUnit XML for CI test reports (CONTRACT §4: one testcase per file, one failure per
//! diagnostic). Every linted file is a testcase, so a clean file shows as a passing test; findings
//! without a file (live objects) get a testcase named by their object; a path that could not be
//! read is a testcase with an `<error>`.

use std::collections::HashMap;
use std::io::{self, Write};

use super::{Finding, Location, Severity, position};
use crate::manifest::discover::Problem;
use crate::source::SourceMap;

const SUITE: &str = "kubectl-ippool";

/// One testcase: a file (or an object without a file) and what went wrong in it.
struct Case {
    name: String,
    failures: Vec<Failure>,
    /// Findings below `--fail-on`: shown in `<system-out>`, not failures (the job passes).
    notes: Vec<String>,
    error: Option<String>,
}

struct Failure {
    code: &'static str,
    message: String,
    body: String,
}

pub fn render(
    out: &mut dyn Write,
    findings: &[Finding],
    sources: &SourceMap,
    problems: &[Problem],
    fail_on: Option<Severity>,
) -> io::Result<()> {
    let cases = cases(findings, sources, problems, fail_on);
    let tests = cases.len();
    // JUnit counts failed and errored testcases, not failure elements: consumers compute
    // passed = tests - failures - errors.
    let failures = cases
        .iter()
        .filter(|case| case.error.is_none() && !case.failures.is_empty())
        .count();
    let errors = cases.iter().filter(|case| case.error.is_some()).count();

    let mut xml = String::new();
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!("tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\"");
    xml.push_str(&format!("<testsuites name=\"{SUITE}\" {counts}>\n"));
    xml.push_str(&format!("  <testsuite name=\"{SUITE}\" {counts}>\n"));
    for case in &cases {
        let name = attribute(&case.name);
        let open = format!("    <testcase name=\"{name}\" classname=\"{SUITE}\"");
        if case.failures.is_empty() && case.error.is_none() && case.notes.is_empty() {
            xml.push_str(&open);
            xml.push_str("/>\n");
            continue;
        }
        xml.push_str(&open);
        xml.push_str(">\n");
        if let Some(error) = &case.error {
            xml.push_str(&format!(
                "      <error type=\"unreadable\" message=\"{}\"/>\n",
                attribute(error)
            ));
        }
        for failure in &case.failures {
            xml.push_str(&format!(
                "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                attribute(failure.code),
                attribute(&failure.message),
                text(&failure.body)
            ));
        }
        if !case.notes.is_empty() {
            xml.push_str(&format!(
                "      <system-out>{}</system-out>\n",
                text(&case.notes.join("\n"))
            ));
        }
        xml.push_str("    </testcase>\n");
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    out.write_all(xml.as_bytes())
}

fn cases(
    findings: &[Finding],
    sources: &SourceMap,
    problems: &[Problem],
    fail_on: Option<Severity>,
) -> Vec<Case> {
    let mut cases = Cases::default();
    for id in 0..sources.len() {
        if let Some(file) = u32::try_from(id).ok().and_then(|id| sources.get(id)) {
            cases.get(&file.name);
        }
    }
    for problem in problems {
        cases.get(&problem.path).error = Some(problem.message.clone());
    }
    for finding in findings {
        let name = case_name(&finding.location, sources);
        let failure = failure(finding, sources);
        let case = cases.get(&name);
        if fail_on.is_some_and(|threshold| finding.severity >= threshold) {
            case.failures.push(failure);
        } else {
            case.notes
                .push(format!("{}: {}", finding.severity.as_str(), failure.body));
        }
    }
    cases.cases
}

/// Testcases in first-seen order, found by name.
#[derive(Default)]
struct Cases {
    cases: Vec<Case>,
    index: HashMap<String, usize>,
}

impl Cases {
    fn get(&mut self, name: &str) -> &mut Case {
        let index = match self.index.get(name) {
            Some(&index) => index,
            None => {
                self.cases.push(Case {
                    name: name.to_owned(),
                    failures: Vec::new(),
                    notes: Vec::new(),
                    error: None,
                });
                self.index.insert(name.to_owned(), self.cases.len() - 1);
                self.cases.len() - 1
            }
        };
        &mut self.cases[index]
    }
}

fn case_name(location: &Location, sources: &SourceMap) -> String {
    if let Some(position) = location.loc.as_ref().and_then(|loc| position(sources, loc)) {
        return position.path.to_owned();
    }
    location
        .object
        .clone()
        .unwrap_or_else(|| "(no location)".to_owned())
}

/// `path:line:col: CODE rule: message`, the help, then each related place on its own line.
fn failure(finding: &Finding, sources: &SourceMap) -> Failure {
    let mut body = format!(
        "{}: {} {}: {}",
        place(&finding.location, sources),
        finding.code,
        finding.rule,
        finding.message
    );
    if let Some(help) = &finding.help {
        body.push_str("\nhelp: ");
        body.push_str(help);
    }
    for related in &finding.related {
        body.push_str(&format!(
            "\n{}: note: {}",
            place(&related.location, sources),
            related.message
        ));
    }
    Failure {
        code: finding.code,
        message: finding.message.clone(),
        body,
    }
}

fn place(location: &Location, sources: &SourceMap) -> String {
    let position = location.loc.as_ref().and_then(|loc| position(sources, loc));
    match (position, &location.object) {
        (Some(position), _) => format!(
            "{}:{}:{}",
            position.path, position.start.line, position.start.column
        ),
        (None, Some(object)) => object.clone(),
        (None, None) => SUITE.to_owned(),
    }
}

/// Escapes element text. A character XML 1.0 cannot carry at all becomes U+FFFD; `\r` is kept
/// as a reference so parsers do not fold it into `\n`.
fn text(value: &str) -> String {
    escape(value, false)
}

/// Escapes an attribute value; tabs and line breaks are references, which attribute
/// normalization would otherwise turn into spaces.
fn attribute(value: &str) -> String {
    escape(value, true)
}

fn escape(value: &str, in_attribute: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if in_attribute => out.push_str("&quot;"),
            '\'' if in_attribute => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' if in_attribute => out.push_str("&#10;"),
            '\t' if in_attribute => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            c if allowed_in_xml(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// XML 1.0 `Char`: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
/// (a Rust `char` is never a surrogate).
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Severity;
    use crate::source::SourceFile;

    fn finding(location: Location) -> Finding {
        Finding {
            code: "IPP101",
            rule: "overlapping-pools",
            severity: Severity::Error,
            message: "pools overlap".to_owned(),
            location,
            label: None,
            related: Vec::new(),
            help: None,
            fix: None,
        }
    }

    #[test]
    fn live_objects_and_unreadable_paths_are_testcases_too() {
        let mut sources = SourceMap::default();
        sources.add(SourceFile::new("clean.yaml", "a: 1\n"));
        sources.add(SourceFile::new("unreadable.yaml", ""));
        let findings = [
            finding(Location {
                loc: None,
                object: Some("IPPool/live".to_owned()),
            }),
            finding(Location {
                loc: None,
                object: Some("IPPool/live".to_owned()),
            }),
        ];
        let problems = [Problem {
            path: "unreadable.yaml".to_owned(),
            message: "permission denied".to_owned(),
        }];
        let mut out = Vec::new();
        render(
            &mut out,
            &findings,
            &sources,
            &problems,
            Some(Severity::Info),
        )
        .unwrap();
        let xml = String::from_utf8(out).unwrap();
        assert!(
            xml.contains("tests=\"3\" failures=\"1\" errors=\"1\""),
            "{xml}"
        );
        assert!(xml.contains("<testcase name=\"clean.yaml\" classname=\"kubectl-ippool\"/>"));
        assert!(xml.contains(
            "<testcase name=\"unreadable.yaml\" classname=\"kubectl-ippool\">\n      \
             <error type=\"unreadable\" message=\"permission denied\"/>"
        ));
        assert_eq!(xml.matches("<testcase name=\"IPPool/live\"").count(), 1);
        assert_eq!(
            xml.matches(">IPPool/live: IPP101 overlapping-pools: pools overlap</failure>")
                .count(),
            2,
            "{xml}"
        );
    }

    #[test]
    fn escapes_markup_quotes_and_characters_xml_cannot_carry() {
        assert_eq!(
            text("a & <b> \"c\" 'd'\te\r\nf\u{1}g\u{1b}\u{FFFE}h"),
            "a &amp; &lt;b&gt; \"c\" 'd'\te&#13;\nf\u{FFFD}g\u{FFFD}\u{FFFD}h"
        );
        assert_eq!(attribute("a\tb\nc \"'"), "a&#9;b&#10;c &quot;&apos;");
        assert_eq!(text("ç 😀"), "ç 😀");
    }
}

//! `-o github`: one GitHub Actions workflow command per finding (`::error file=…,line=…::message`),
//! which the runner turns into an annotation on the file and line. Nothing else is printed: the
//! runner would show any other line in the log only, and a summary would be noise there.

use std::io::{self, Write};

use super::{Finding, Severity, position};
use crate::source::SourceMap;

/// Where annotations' paths are relative to: the runner resolves `file=` against the repository
/// root (`GITHUB_WORKSPACE`), not the step's `working-directory`.
#[derive(Debug, Clone, Default)]
pub struct Paths {
    /// The working directory the displayed paths are relative to.
    pub cwd: Option<std::path::PathBuf>,
    /// `GITHUB_WORKSPACE`.
    pub workspace: Option<std::path::PathBuf>,
}

impl Paths {
    /// The path an annotation names: relative to the workspace when the file lies in it, else as
    /// displayed.
    fn annotation_path(&self, displayed: &str) -> String {
        let (Some(cwd), Some(workspace)) = (&self.cwd, &self.workspace) else {
            return displayed.to_owned();
        };
        let absolute = cwd.join(displayed);
        let normalized = normalize(&absolute);
        let workspace = normalize(workspace);
        match normalized.strip_prefix(&workspace) {
            Ok(relative) if !relative.as_os_str().is_empty() => {
                relative.to_string_lossy().into_owned()
            }
            _ => displayed.to_owned(),
        }
    }
}

/// `a/./b/../c` as `a/c`, without touching the file system (the file was read; symlinks in the
/// workspace path are the runner's, and match as written).
fn normalize(path: &std::path::Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

pub fn render(
    out: &mut dyn Write,
    findings: &[Finding],
    sources: &SourceMap,
    paths: &Paths,
) -> io::Result<()> {
    for finding in findings {
        writeln!(out, "{}", command(finding, sources, paths))?;
    }
    Ok(())
}

fn command(finding: &Finding, sources: &SourceMap, paths: &Paths) -> String {
    let name = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut properties = Vec::new();
    let position = finding
        .location
        .loc
        .as_ref()
        .and_then(|loc| position(sources, loc))
        .filter(|position| !super::is_live_source(position.path));
    if let Some(position) = &position {
        properties.push(("file", paths.annotation_path(position.path)));
        properties.push(("line", position.start.line.to_string()));
        // GitHub takes columns only for a range on one line.
        if position.start.line == position.end.line {
            properties.push(("col", position.start.column.to_string()));
        }
        properties.push(("endLine", position.end.line.to_string()));
        if position.start.line == position.end.line {
            properties.push(("endColumn", position.end.column.to_string()));
        }
    }
    properties.push(("title", format!("{} {}", finding.code, finding.rule)));
    let properties: Vec<String> = properties
        .into_iter()
        .map(|(key, value)| format!("{key}={}", escape_property(&value)))
        .collect();

    let mut message = match (&finding.location.object, &position) {
        // Without a file the annotation has no place: name the object instead.
        (Some(object), None) => format!("{object}: {}", finding.message),
        _ => finding.message.clone(),
    };
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::{name} {}::{}",
        properties.join(","),
        escape_data(&message)
    )
}

/// What `@actions/core` does to a command's message (`escapeData`).
/// Control characters other than line breaks are escaped first, so no input reaches the log raw.
pub fn escape_data(text: &str) -> String {
    super::escape_controls(text, &['\n', '\r'])
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// What `@actions/core` does to a property value (`escapeProperty`).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Finding, Location};
    use crate::source::{Loc, SourceFile, Span};

    fn finding(severity: Severity, location: Location) -> Finding {
        Finding {
            code: "IPP101",
            rule: "overlapping-pools",
            severity,
            message: "100% of a:b, c\r\nnext line".to_owned(),
            location,
            label: None,
            related: Vec::new(),
            help: Some("fix: this, now".to_owned()),
            fix: None,
        }
    }

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("a%b\r\nc:d,e"), "a%25b%0D%0Ac:d,e");
        assert_eq!(escape_property("a%b\r\nc:d,e"), "a%25b%0D%0Ac%3Ad%2Ce");
        // `%` first, so the escapes themselves are not escaped again.
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn a_finding_is_one_command_line_with_the_help_on_a_new_line() {
        let mut sources = SourceMap::default();
        let source = sources.add(SourceFile::new("dir,1/a:b.yaml", "spec:\n  cidr: x\n"));
        let location = Location::at(Loc::new(source, Span { start: 14, end: 15 }), None);
        assert_eq!(
            command(
                &finding(Severity::Error, location),
                &sources,
                &Paths::default()
            ),
            "::error file=dir%2C1/a%3Ab.yaml,line=2,col=9,endLine=2,endColumn=10,\
             title=IPP101 overlapping-pools::100%25 of a:b, c%0D%0Anext line%0Ahelp: fix: this, now"
        );
    }

    #[test]
    fn a_range_over_lines_has_no_columns_and_paths_are_relative_to_the_workspace() {
        let mut sources = SourceMap::default();
        let source = sources.add(SourceFile::new("../deploy/a.yaml", "spec:\n  cidr: x\n"));
        let location = Location::at(Loc::new(source, Span { start: 0, end: 15 }), None);
        let paths = Paths {
            cwd: Some("/work/repo/tools".into()),
            workspace: Some("/work/repo/".into()),
        };
        let line = command(&finding(Severity::Error, location), &sources, &paths);
        assert!(
            line.starts_with("::error file=deploy/a.yaml,line=1,endLine=2,title="),
            "{line}"
        );
        // Outside the workspace, the path stays as displayed.
        let outside = Paths {
            cwd: Some("/elsewhere".into()),
            workspace: Some("/work/repo".into()),
        };
        assert_eq!(outside.annotation_path("a.yaml"), "a.yaml");
    }

    #[test]
    fn severities_map_to_error_warning_notice_and_objects_stand_in_for_files() {
        let sources = SourceMap::default();
        let live = Location {
            loc: None,
            object: Some("IPPool/default-ipv4-ippool".to_owned()),
        };
        let line = command(
            &finding(Severity::Info, live.clone()),
            &sources,
            &Paths::default(),
        );
        assert!(
            line.starts_with(
                "::notice title=IPP101 overlapping-pools::IPPool/default-ipv4-ippool: 100%25"
            ),
            "{line}"
        );
        let line = command(
            &finding(Severity::Warning, live),
            &sources,
            &Paths::default(),
        );
        assert!(line.starts_with("::warning title="), "{line}");
    }
}

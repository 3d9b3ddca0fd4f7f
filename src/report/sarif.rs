//! `-o sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers (CONTRACT §4). One run
//! whose driver lists every rule with its documentation, and one result per finding with the same
//! line and column as `-o json`. Paths become URIs relative to `%SRCROOT%` (the working directory)
//! where they can; the wire structs are private so the format changes only here.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use super::{Finding, Location, Severity, position};
use crate::rules::Rule;
use crate::source::SourceMap;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const INFORMATION_URI: &str = "https://github.com/kubectl-ippool/kubectl-ippool";
/// Each rule's documentation; the fragment is the lower-case code (`#ipp101`).
pub const RULES_DOC_URI: &str =
    "https://github.com/kubectl-ippool/kubectl-ippool/blob/main/docs/rules.md";
const SRCROOT: &str = "%SRCROOT%";
/// The name `lint` gives standard input; it has no file to point at.
const STDIN_NAME: &str = "<stdin>";
/// The base of stdin's `uri`, declared with a description and no URI: it is no file.
const STDIN_BASE: &str = "STDIN";

pub struct Options<'a> {
    /// Every rule, in the order `ruleIndex` refers to.
    pub rules: &'a [&'a Rule],
    /// What `%SRCROOT%` stands for; relative paths are relative to it.
    pub cwd: Option<&'a Path>,
    /// Paths that could not be read or walked: `toolExecutionNotifications`, and the run is
    /// not `executionSuccessful`.
    pub notifications: &'a [crate::manifest::discover::Problem],
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    original_uri_base_ids: BTreeMap<&'static str, BaseUri>,
    /// Our columns count Unicode scalar values (CONTRACT §4), not UTF-16 code units.
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
    invocations: [Invocation; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<NotificationLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationLocation {
    physical_location: NotificationPlace,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationPlace {
    artifact_location: ArtifactLocation,
}

/// A base URI, or (stdin) a base with no URI, only a description of what it is.
#[derive(Serialize)]
struct BaseUri {
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Text>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Descriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text,
    full_description: Text,
    help: Markdown,
    help_uri: String,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Markdown {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: Vec<SarifLocation<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
}

/// What `--fix` would write (`--unsafe-fixes` ones too: a reviewer decides).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: Vec<ArtifactChange>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    name: &'a str,
    fully_qualified_name: &'a str,
    kind: &'static str,
}

pub fn render(
    out: &mut dyn Write,
    findings: &[Finding],
    sources: &SourceMap,
    options: &Options<'_>,
) -> io::Result<()> {
    let mut original_uri_base_ids = BTreeMap::new();
    if let Some(cwd) = options.cwd {
        let mut uri = file_uri(cwd);
        if !uri.ends_with('/') {
            uri.push('/');
        }
        original_uri_base_ids.insert(
            SRCROOT,
            BaseUri {
                uri: Some(uri),
                description: None,
            },
        );
    }
    let from_stdin = |path: &str| path == STDIN_NAME;
    let reads_stdin = findings
        .iter()
        .filter_map(|finding| finding.location.loc)
        .any(|loc| {
            sources
                .get(loc.source)
                .is_some_and(|file| from_stdin(&file.name))
        });
    if reads_stdin {
        original_uri_base_ids.insert(
            STDIN_BASE,
            BaseUri {
                uri: None,
                description: Some(Text {
                    text: "standard input, which has no path: name it with --stdin-filename"
                        .to_owned(),
                }),
            },
        );
    }
    let tool_execution_notifications = options
        .notifications
        .iter()
        .map(|problem| Notification {
            level: "error",
            message: Text {
                text: format!("{}: {}", problem.path, problem.message),
            },
            locations: vec![NotificationLocation {
                physical_location: NotificationPlace {
                    artifact_location: artifact_location(&problem.path, options.cwd),
                },
            }],
        })
        .collect();
    let results = findings
        .iter()
        .map(|finding| result(finding, sources, options))
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: env!("CARGO_PKG_NAME"),
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: options.rules.iter().map(|rule| descriptor(rule)).collect(),
                },
            },
            original_uri_base_ids,
            column_kind: "unicodeCodePoints",
            results,
            invocations: [Invocation {
                execution_successful: options.notifications.is_empty(),
                tool_execution_notifications,
            }],
        }],
    };
    // `io::Error::from` keeps the kind, so a closed stdout stays a quiet broken pipe.
    serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::from)?;
    writeln!(out)
}

fn descriptor(rule: &Rule) -> Descriptor<'_> {
    let doc = rule.doc_text();
    let doc = doc.trim_end().to_owned();
    Descriptor {
        id: rule.code,
        name: rule.name,
        short_description: Text {
            text: rule.summary.to_owned(),
        },
        full_description: Text {
            text: what_it_does(&doc).unwrap_or_else(|| rule.summary.to_owned()),
        },
        help: Markdown {
            text: doc.clone(),
            markdown: doc,
        },
        help_uri: help_uri(rule.code),
        default_configuration: Configuration {
            level: level(rule.severity),
        },
    }
}

pub fn help_uri(code: &str) -> String {
    format!("{RULES_DOC_URI}#{}", code.to_ascii_lowercase())
}

/// The first paragraph under `## What it does`, joined into one line.
fn what_it_does(doc: &str) -> Option<String> {
    let mut lines = doc
        .lines()
        .skip_while(|line| line.trim() != "## What it does");
    lines.next()?;
    let paragraph: Vec<&str> = lines
        .skip_while(|line| line.trim().is_empty())
        .take_while(|line| {
            let line = line.trim();
            !line.is_empty() && !line.starts_with('#') && !line.starts_with("```")
        })
        .map(str::trim)
        .collect();
    (!paragraph.is_empty()).then(|| paragraph.join(" "))
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn result<'a>(finding: &'a Finding, sources: &SourceMap, options: &Options<'_>) -> SarifResult<'a> {
    let text = match &finding.help {
        Some(help) => format!("{}\nhelp: {help}", finding.message),
        None => finding.message.clone(),
    };
    SarifResult {
        rule_id: finding.code,
        rule_index: options
            .rules
            .iter()
            .position(|rule| rule.code == finding.code),
        level: level(finding.severity),
        message: Text { text },
        locations: vec![location(&finding.location, sources, options.cwd, None)],
        related_locations: finding
            .related
            .iter()
            .enumerate()
            .map(|(id, related)| {
                let mut location = location(&related.location, sources, options.cwd, Some(id));
                location.message = Some(Text {
                    text: related.message.clone(),
                });
                location
            })
            .collect(),
        fixes: finding
            .fix
            .as_ref()
            .and_then(|fix| sarif_fix(fix, sources, options.cwd))
            .into_iter()
            .collect(),
    }
}

/// A fix as SARIF describes one: one artifact change per edit (fixes edit one file), in the
/// file's regions; none when an edit cannot be resolved or its file has no artifact.
fn sarif_fix(fix: &super::Fix, sources: &SourceMap, cwd: Option<&Path>) -> Option<SarifFix> {
    let artifact_changes = super::resolved_edits(fix, sources)?
        .into_iter()
        .map(|(position, content)| {
            // A live object has no artifact to change.
            (!super::is_live_source(position.path)).then(|| ArtifactChange {
                artifact_location: artifact_location(position.path, cwd),
                replacements: vec![Replacement {
                    deleted_region: Region {
                        start_line: position.start.line,
                        start_column: position.start.column,
                        end_line: position.end.line,
                        end_column: position.end.column,
                    },
                    inserted_content: Text { text: content },
                }],
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(SarifFix {
        description: Text {
            text: fix.message.clone(),
        },
        artifact_changes,
    })
}

fn location<'a>(
    location: &'a Location,
    sources: &SourceMap,
    cwd: Option<&Path>,
    id: Option<usize>,
) -> SarifLocation<'a> {
    let physical_location = location
        .loc
        .as_ref()
        .and_then(|loc| position(sources, loc))
        // A live object is named by its logical location only: there is no artifact to open.
        .filter(|position| !super::is_live_source(position.path))
        .map(|position| PhysicalLocation {
            artifact_location: artifact_location(position.path, cwd),
            region: Region {
                start_line: position.start.line,
                start_column: position.start.column,
                end_line: position.end.line,
                end_column: position.end.column,
            },
        });
    let logical_locations = location
        .object
        .as_deref()
        .map(|object| LogicalLocation {
            // `Kind/namespace/name`: the name is the last part.
            name: object.rsplit('/').next().unwrap_or(object),
            fully_qualified_name: object,
            kind: "resource",
        })
        .into_iter()
        .collect();
    SarifLocation {
        id,
        physical_location,
        logical_locations,
        message: None,
    }
}

/// A path as the user gave it, as a SARIF artifact location: relative to `%SRCROOT%` when it is
/// the working directory or below it, else an absolute `file://` URI.
fn artifact_location(path: &str, cwd: Option<&Path>) -> ArtifactLocation {
    if path == STDIN_NAME {
        return ArtifactLocation {
            uri: "stdin".to_owned(),
            uri_base_id: Some(STDIN_BASE),
        };
    }
    let relative_to_root = |relative: &Path| ArtifactLocation {
        uri: encode_path(relative, false),
        uri_base_id: Some(SRCROOT),
    };
    let given = Path::new(path);
    let absolute = if given.is_absolute() {
        normalize(given)
    } else {
        let relative = normalize(given);
        let escapes = matches!(relative.components().next(), Some(Component::ParentDir));
        match cwd {
            Some(cwd) if escapes => normalize(&cwd.join(given)),
            _ => return relative_to_root(&relative),
        }
    };
    match cwd.and_then(|cwd| absolute.strip_prefix(normalize(cwd)).ok()) {
        Some(relative) => relative_to_root(relative),
        None => ArtifactLocation {
            uri: file_uri(&absolute),
            uri_base_id: None,
        },
    }
}

/// Removes `.` and resolves `..` lexically; a relative path keeps the `..` it cannot resolve.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let can_pop = matches!(out.components().next_back(), Some(Component::Normal(_)));
                if can_pop {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn file_uri(path: &Path) -> String {
    let encoded = encode_path(path, true);
    if encoded.starts_with('/') {
        format!("file://{encoded}")
    } else {
        // A Windows drive path (`C:/…`) needs the empty authority and a slash before it.
        format!("file:///{encoded}")
    }
}

/// Percent-encodes a path for a URI, `/`-separated. A colon is kept only in absolute paths (a
/// Windows drive); in a relative reference it would read as a scheme.
fn encode_path(path: &Path, absolute: bool) -> String {
    let text = path.to_string_lossy();
    let text = if cfg!(windows) {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    };
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || b"-._~/!$&'()*+,;=@".contains(&byte)
            || (absolute && byte == b':');
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(path: &str, cwd: &str) -> ArtifactLocation {
        artifact_location(path, Some(Path::new(cwd)))
    }

    fn relative(uri: &str) -> ArtifactLocation {
        ArtifactLocation {
            uri: uri.to_owned(),
            uri_base_id: Some(SRCROOT),
        }
    }

    fn absolute(uri: &str) -> ArtifactLocation {
        ArtifactLocation {
            uri: uri.to_owned(),
            uri_base_id: None,
        }
    }

    #[cfg(unix)]
    #[test]
    fn paths_become_uris_relative_to_the_working_directory_where_they_can() {
        assert_eq!(at("a/b.yaml", "/repo"), relative("a/b.yaml"));
        assert_eq!(at("./a/./b.yaml", "/repo"), relative("a/b.yaml"));
        assert_eq!(at("/repo/a/b.yaml", "/repo"), relative("a/b.yaml"));
        assert_eq!(at("/repo/a/b.yaml", "/repo/"), relative("a/b.yaml"));
        assert_eq!(
            at("/other/b.yaml", "/repo"),
            absolute("file:///other/b.yaml")
        );
        assert_eq!(
            at("/repository/b.yaml", "/repo"),
            absolute("file:///repository/b.yaml")
        );
        assert_eq!(
            at("../x/b.yaml", "/repo/sub"),
            absolute("file:///repo/x/b.yaml")
        );
        assert_eq!(at("a/../../b.yaml", "/repo"), absolute("file:///b.yaml"));
        assert_eq!(at("a/../b.yaml", "/repo"), relative("b.yaml"));
        assert_eq!(
            at("dir with space/ç:%.yaml", "/repo"),
            relative("dir%20with%20space/%C3%A7%3A%25.yaml")
        );
        assert_eq!(
            at("<stdin>", "/repo"),
            ArtifactLocation {
                uri: "stdin".to_owned(),
                uri_base_id: Some(STDIN_BASE),
            }
        );
        assert_eq!(artifact_location("../b.yaml", None), relative("../b.yaml"));
    }

    #[cfg(unix)]
    #[test]
    fn the_source_root_is_a_directory_uri() {
        assert_eq!(file_uri(Path::new("/srv/my repo")), "file:///srv/my%20repo");
    }

    #[test]
    fn full_description_is_the_first_paragraph_of_what_it_does() {
        let doc = "## What it does\nChecks that a pool\ndoes not overlap.\n\nMore.\n\n## Why is this bad?\nx\n";
        assert_eq!(
            what_it_does(doc).as_deref(),
            Some("Checks that a pool does not overlap.")
        );
        assert_eq!(what_it_does("no headings"), None);
    }
}

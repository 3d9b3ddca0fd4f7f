//! Findings as data, and one renderer per output format. A renderer sees only [`Finding`]s, the
//! sources they point into and the run summary, never a rule's internals; each writes to a
//! `&mut dyn Write` so the binary decides where output goes.

pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod plan;
pub mod pools;
pub mod runbook;
pub mod sarif;
pub mod snippet;
pub mod which;

/// Text from the input (names, keys, values, paths, server messages) made safe to print: every
/// control character but a line feed or tab becomes a visible escape (`\u{1b}`), so no input can
/// move the cursor, retitle the window or hide output (issue 9 item 14). `keep` names the
/// controls a format handles itself (line breaks in a multi-line help, GitHub's `%0D%0A`).
pub fn escape_controls<'t>(text: &'t str, keep: &[char]) -> std::borrow::Cow<'t, str> {
    let escaped = |c: char| c.is_control() && c != '\t' && !keep.contains(&c);
    if !text.chars().any(escaped) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escaped(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Longest word (run of non-space characters) a message, label or object name keeps whole.
/// Kubernetes names stop at 253 characters, so only a value no API server would take is cut.
pub const MAX_WORD: usize = 256;

/// `text` with every word longer than [`MAX_WORD`] cut to its start and end around an
/// ellipsis that says how long it was: a 50 KB value aliased two thousand times must not make
/// a hundred megabytes of output (issue 9 item 9).
pub fn elide_long_words(text: String) -> String {
    // Every finding's texts pass here: most are shorter than one long word could be.
    if text.len() <= MAX_WORD {
        return text;
    }
    let long = |word: &&str| word.len() > MAX_WORD && word.chars().count() > MAX_WORD;
    if !text.split_whitespace().any(|word| long(&word)) {
        return text;
    }
    let mut out = String::with_capacity(MAX_WORD * 2);
    let mut rest = text.as_str();
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        if long(&word) {
            let head: String = word.chars().take(64).collect();
            let tail: Vec<char> = word.chars().rev().take(4).collect();
            out.push_str(&head);
            out.push('…');
            out.extend(tail.iter().rev());
            out.push_str(&format!(" ({} characters)", word.chars().count()));
        } else {
            out.push_str(word);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

use std::fmt;

use serde::Serialize;

use crate::source::{LineCol, Loc, SourceMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding points: a span in a file, an object (`Kind/namespace/name`), or both. Live
/// objects have no file, only `object`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    pub loc: Option<Loc>,
    pub object: Option<String>,
}

impl Location {
    pub fn at(loc: Loc, object: Option<String>) -> Self {
        Self {
            loc: Some(loc),
            object: object.map(elide_long_words),
        }
    }
}

/// A secondary place that explains the finding, e.g. the other pool of an overlap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub message: String,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    /// Short text drawn under the primary span in human output; defaults to the message.
    pub label: Option<String>,
    pub related: Vec<Related>,
    pub help: Option<String>,
    /// The edit that makes the finding go away, when it is mechanical (`lint --fix`).
    pub fix: Option<Fix>,
}

/// Whether a fix keeps what the author evidently meant (`always` → `Always`), or guesses at it
/// (a host-bits CIDR masked, a near-miss annotation key renamed): those are applied only with
/// `--unsafe-fixes`, as ruff does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Safe,
    Unsafe,
}

/// Edits to the flagged spans, nothing else: every other byte of the file stays as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, in the imperative (`write vxlanMode: Always`).
    pub message: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    /// One scalar (a value or a key) rewritten to `content`, in the quotes it was written in.
    pub fn scalar(
        applicability: Applicability,
        message: impl Into<String>,
        at: Loc,
        content: impl Into<String>,
    ) -> Self {
        Fix {
            applicability,
            message: message.into(),
            edits: vec![Edit {
                loc: at,
                content: content.into(),
                quoting: Quoting::Keep,
            }],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub loc: Loc,
    pub content: String,
    pub quoting: Quoting,
}

impl Edit {
    /// The byte range the edit replaces in `text` and what it writes there; `None` when the span
    /// is not a one-line scalar whose quoting the content can keep.
    pub fn resolve(&self, text: &str) -> Option<(std::ops::Range<usize>, String)> {
        let range = self.loc.span().start..self.loc.span().end;
        let original = text.get(range.clone())?;
        if original.contains(['\n', '\r']) || self.content.contains(['\n', '\r']) {
            return None;
        }
        let quoted = |text: &str| {
            text.len() >= 2
                && ['"', '\'']
                    .iter()
                    .any(|&q| text.starts_with(q) && text.ends_with(q))
        };
        let content = match self.quoting {
            Quoting::Keep => keep_quoting(original, &self.content)?,
            Quoting::Unquote if quoted(original) && plain_safe(&self.content) => {
                self.content.clone()
            }
            Quoting::Quote if !quoted(original) && !self.content.contains(['"', '\\']) => {
                format!("\"{}\"", self.content)
            }
            Quoting::Unquote | Quoting::Quote => return None,
        };
        Some((range, content))
    }
}

fn keep_quoting(original: &str, content: &str) -> Option<String> {
    for quote in ['"', '\''] {
        if original.len() >= 2 && original.starts_with(quote) && original.ends_with(quote) {
            // Inside quotes only text that needs no escape.
            if content.contains(['"', '\'', '\\']) {
                return None;
            }
            return Some(format!("{quote}{content}{quote}"));
        }
    }
    plain_safe(content).then(|| content.to_owned())
}

/// Text that YAML reads back as the same plain string in a block or flow context: the names,
/// modes, keys and CIDRs fixes write.
fn plain_safe(content: &str) -> bool {
    !content.is_empty()
        && content
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '-' | '_' | ':'))
        && !content.starts_with(['-', ':'])
        && !content.ends_with(':')
}

/// How an edit's content meets the text it replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    /// The span is a scalar: the content goes inside the quotes it has, if any.
    Keep,
    /// The span is a quoted scalar: the content replaces it without quotes (`"26"` → `26`).
    Unquote,
    /// The span is a plain scalar: the content replaces it in double quotes (`off` → `"off"`).
    Quote,
}

impl Finding {
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(elide_long_words(label.into()));
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(elide_long_words(help.into()));
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn with_related(mut self, message: impl Into<String>, location: Location) -> Self {
        self.related.push(Related {
            message: elide_long_words(message.into()),
            location,
        });
        self
    }
}

#[cfg(test)]
mod edit_tests {
    use super::keep_quoting;

    #[test]
    fn content_that_would_need_quotes_is_not_written_plain() {
        assert_eq!(keep_quoting("x", "a: b"), None);
        assert_eq!(keep_quoting("x", "- a"), None);
        assert_eq!(keep_quoting("x", "fd00::/64").as_deref(), Some("fd00::/64"));
        assert_eq!(keep_quoting("'x'", "Always").as_deref(), Some("'Always'"));
        assert_eq!(keep_quoting("\"x\"", "a\"b"), None);
    }
}

/// A fix's edits as the machine formats print them: each edit's position and the text it
/// writes there. `None` when an edit cannot be resolved (its file is gone or changed, or the
/// value is not one the fix can rewrite in place), as `--fix` would skip it.
pub fn resolved_edits<'s>(
    fix: &Fix,
    sources: &'s SourceMap,
) -> Option<Vec<(Position<'s>, String)>> {
    fix.edits
        .iter()
        .map(|edit| {
            let file = sources.get(edit.loc.source)?;
            let (_, content) = edit.resolve(&file.text)?;
            Some((position(sources, &edit.loc)?, content))
        })
        .collect()
}

/// A source rendered from a live object (`cluster:IPPool/x`): it has no file a CI annotation or
/// a code-scanning alert could point into.
pub fn is_live_source(path: &str) -> bool {
    path.strip_prefix(crate::manifest::emit::CLUSTER_SOURCE)
        .is_some_and(|rest| rest.starts_with(':'))
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

/// Counts that every format reports (CONTRACT §4 `summary`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    /// Live objects read with `lint --cluster` (or from `--cluster-dump`); left out of JSON
    /// when none.
    #[serde(skip_serializing_if = "is_zero")]
    pub cluster_objects: usize,
    pub pools: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn count(&mut self, findings: &[Finding]) {
        for finding in findings {
            match finding.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
        }
    }
}

/// A resolved position, as the JSON, SARIF and GitHub formats print it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position<'a> {
    pub path: &'a str,
    pub start: LineCol,
    pub end: LineCol,
}

/// `None` without a file, or for a file that changed after it was linted, whose positions
/// would point at the wrong bytes.
pub fn position<'a>(sources: &'a SourceMap, loc: &Loc) -> Option<Position<'a>> {
    let file = sources.get(loc.source).filter(|file| !file.is_changed())?;
    Some(Position {
        path: &file.name,
        start: file.line_col(loc.span().start),
        end: file.line_col(loc.span().end),
    })
}

/// The order CONTRACT §4 fixes: path, line, column, code. Findings without a file come last.
pub fn sort(findings: &mut [Finding], sources: &SourceMap) {
    findings.sort_by_cached_key(|finding| {
        let place = finding
            .location
            .loc
            .as_ref()
            .and_then(|loc| position(sources, loc))
            .map(|p| (p.path.to_owned(), p.start, p.end));
        (
            place.is_none(),
            place,
            finding.code,
            finding.location.object.clone(),
            finding.message.clone(),
        )
    });
}

//! Suppressions: `# ippool-lint: ignore CODE -- reason` comments and the `ippool.lint/ignore`
//! object annotation (CONTRACT §6). They are collected per file while loading
//! (`read_comments`, `read_object`), where malformed ones and unknown codes become IPP900
//! findings, and applied to the findings once the rules ran (`apply`), which also reports the
//! ones that silenced nothing. Nothing here judges a manifest.

use std::collections::{HashMap, HashSet};

use crate::manifest::extract::{Reader, describe};
use crate::manifest::yaml::{NodeKind, NodeRef, Parsed, ScalarType, Span};
use crate::report::{Finding, Location};
use crate::rules::unused_suppression::RULE as UNUSED;
use crate::rules::{self, RULES, Rule};
use crate::source::{Loc, SourceId};

/// The object annotation; its value lists codes or names, or `all`.
pub const ANNOTATION: &str = "ippool.lint/ignore";

/// What starts a suppression comment, after the `#`.
const MARKER: &str = "ippool-lint:";

/// Where a suppression applies: findings whose primary location starts inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A line (with its line break); whether the comment ends that very line, and the 1-based
    /// number of the line (`None` for a comment on the last line of content, which applies to
    /// nothing).
    Line {
        span: Span,
        trailing: bool,
        line: Option<usize>,
    },
    /// The object that carries the annotation.
    Object(Span),
}

#[derive(Debug, Clone, Copy)]
pub enum Target {
    All,
    Rule(&'static Rule),
}

impl Target {
    fn matches(self, code: &str) -> bool {
        match self {
            Target::All => true,
            Target::Rule(rule) => rule.code == code,
        }
    }
}

/// One code or name of a suppression, and where it is written.
#[derive(Debug, Clone)]
pub struct Entry {
    pub target: Target,
    /// The code or name as written.
    pub word: String,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct Suppression {
    pub source: SourceId,
    pub scope: Scope,
    pub entries: Vec<Entry>,
    /// How many codes or names it lists, unknown ones included.
    pub written: usize,
    /// The annotated object (`Kind/namespace/name`), for annotations.
    pub object: Option<String>,
}

impl Suppression {
    fn form(&self) -> &'static str {
        match self.scope {
            Scope::Line { .. } => "comment",
            Scope::Object(_) => "annotation",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Collecting
// ---------------------------------------------------------------------------------------------

/// What one file's suppressions are, read while the loader holds its tree.
#[derive(Debug, Default)]
pub struct Collector {
    pub suppressions: Vec<Suppression>,
    /// IPP900 findings for malformed suppressions and unknown codes.
    pub findings: Vec<Finding>,
}

impl crate::manifest::Extras for Collector {
    fn object(&mut self, reader: &Reader<'_>, object: NodeRef<'_>) {
        read_object(reader, object, &mut self.suppressions, &mut self.findings);
    }

    /// Suppression comments are read over the whole file at once (a comment's line may belong
    /// to another document's tree): a file with any is loaded whole.
    fn per_document(&self, text: &str) -> bool {
        !text.contains(MARKER)
    }

    fn join(&mut self, later: Collector) {
        self.suppressions.extend(later.suppressions);
        self.findings.extend(later.findings);
    }

    fn file(&mut self, source: SourceId, text: &str, parsed: &Parsed) {
        read_comments(
            source,
            text,
            parsed,
            &mut self.suppressions,
            &mut self.findings,
        );
    }
}

/// Reads every `# ippool-lint:` comment of a file. Comments inside scalars (a quoted value, a
/// block scalar) are not comments and are skipped.
pub fn read_comments(
    source: SourceId,
    text: &str,
    parsed: &Parsed,
    out: &mut Vec<Suppression>,
    findings: &mut Vec<Finding>,
) {
    // Almost no file has one: skip the line scan.
    if !text.contains(MARKER) {
        return;
    }
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        lines.push((start, line));
        start += line.len();
    }
    // A comment on a line of its own applies to the next line with content: computed from the
    // end in one pass, as a run of comment lines would make a forward search per comment
    // quadratic.
    let mut next_content = vec![None; lines.len()];
    let mut following = None;
    for (index, &(_, line)) in lines.iter().enumerate().rev() {
        next_content[index] = following;
        let line = line.trim();
        if !line.is_empty() && !line.starts_with('#') {
            following = Some(index);
        }
    }
    let scalars = ScalarSpans::new(parsed);
    for (index, &(line_start, line)) in lines.iter().enumerate() {
        if !line.contains(MARKER) {
            continue;
        }
        let content = line.trim_end_matches(['\n', '\r']);
        let Some(hash) = comment_start(content) else {
            continue;
        };
        if scalars.contains(line_start + hash) {
            continue;
        }
        let body = &content[hash + 1..];
        let body_start = line_start + hash + 1 + (body.len() - body.trim_start().len());
        let Some(directive) = body.trim_start().strip_prefix(MARKER) else {
            continue;
        };
        let comment = Loc::new(
            source,
            Span {
                start: line_start + hash,
                end: line_start + content.len(),
            },
        );
        let trailing = !content[..hash].trim().is_empty();
        let target = if trailing {
            Some(index)
        } else {
            next_content[index]
        };
        let target_line = target.map(|index| (index, lines[index].0, lines[index].1));
        let directive_start = body_start + MARKER.len();
        let Some(list) = ignore_list(directive, directive_start, source, comment, findings) else {
            continue;
        };
        if list.is_empty() {
            findings.push(
                UNUSED
                    .finding(
                        "the ippool-lint comment names no rule to ignore",
                        Location::at(comment, None),
                    )
                    .with_label("no code or name")
                    .with_help(
                        "name the rules, e.g. `# ippool-lint: ignore IPP101 -- reason`, or `all`",
                    ),
            );
            continue;
        }
        let entries = resolve_entries(
            source,
            list.iter().map(|&(offset, word)| {
                (
                    word,
                    Span {
                        start: offset,
                        end: offset + word.len(),
                    },
                )
            }),
            "an ippool-lint comment",
            findings,
        );
        // A comment on the last line applies to nothing: its entries are reported as unused.
        let span = target_line.map_or(
            Span {
                start: text.len() + 1,
                end: text.len() + 1,
            },
            |(_, start, line)| Span {
                start,
                // Include the line break, or one past the end of the text on the last line, so
                // a finding at the very end still counts as on the line.
                end: start + line.len() + usize::from(!line.ends_with('\n')),
            },
        );
        out.push(Suppression {
            source,
            scope: Scope::Line {
                span,
                trailing,
                line: target_line.map(|(index, _, _)| index + 1),
            },
            entries,
            written: list.len(),
            object: None,
        });
    }
}

/// The codes of an `ignore` directive with their byte offsets in the file, the `-- reason`
/// left out; `None` (with an IPP900 finding) for another directive.
fn ignore_list<'t>(
    directive: &'t str,
    directive_start: usize,
    source: SourceId,
    comment: Loc,
    findings: &mut Vec<Finding>,
) -> Option<Vec<(usize, &'t str)>> {
    let trimmed = directive.trim_start();
    let offset = directive_start + directive.len() - trimmed.len();
    let verb_end = trimmed
        .find(|c: char| c.is_whitespace() || c == ',')
        .unwrap_or(trimmed.len());
    let verb = &trimmed[..verb_end];
    if verb != "ignore" {
        let span = Span {
            start: offset,
            end: offset + verb.len(),
        };
        let (message, loc) = if verb.is_empty() {
            (
                "the ippool-lint comment has no directive".to_owned(),
                comment,
            )
        } else {
            (
                format!("unknown ippool-lint directive {verb:?}"),
                Loc::new(source, span),
            )
        };
        findings.push(
            UNUSED
                .finding(message, Location::at(loc, None))
                .with_label("expected `ignore`")
                .with_help("write `# ippool-lint: ignore IPP101 -- reason`"),
        );
        return None;
    }
    let rest = &trimmed[verb_end..];
    let rest_start = offset + verb_end;
    let list = rest.find("--").map_or(rest, |reason| &rest[..reason]);
    Some(
        words(list)
            .map(|(at, word)| (rest_start + at, word))
            .collect(),
    )
}

/// The words of a list separated by commas and white space, with their offsets.
fn words(list: &str) -> impl Iterator<Item = (usize, &str)> {
    list.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|word| !word.is_empty())
        .map(move |word| (word.as_ptr() as usize - list.as_ptr() as usize, word))
}

/// The byte offset of the `#` that starts a comment on this line: at the start of the line or
/// after white space, outside quotes. Quotes open only where a YAML scalar can start, so the
/// apostrophe of `it's` does not.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous: Option<char> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match quote {
            Some('"') => match c {
                '\\' => {
                    chars.next();
                }
                '"' => quote = None,
                _ => {}
            },
            Some(_) => {
                if c == '\'' {
                    // `''` is an escaped quote inside a single-quoted scalar.
                    if chars.peek().is_some_and(|&(_, next)| next == '\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
            }
            None => {
                let at_token_start = previous
                    .is_none_or(|p| p.is_whitespace() || matches!(p, '[' | '{' | ',' | ':'));
                if c == '#' && previous.is_none_or(char::is_whitespace) {
                    return Some(at);
                }
                if (c == '"' || c == '\'') && at_token_start {
                    quote = Some(c);
                }
            }
        }
        previous = Some(c);
    }
    None
}

/// The spans of every scalar of a file, sorted, to tell a `#` inside a quoted or block scalar
/// from a comment in O(log n) per marker line.
struct ScalarSpans(Vec<Span>);

impl ScalarSpans {
    fn new(parsed: &Parsed) -> ScalarSpans {
        let mut spans: Vec<Span> = parsed
            .documents
            .iter()
            .flat_map(|document| &document.nodes)
            .filter(|node| matches!(node.kind, NodeKind::Scalar { .. }))
            .map(|node| node.span)
            .collect();
        spans.sort_unstable_by_key(|span| span.start);
        ScalarSpans(spans)
    }

    /// Scalars never nest, so only the last one starting at or before `offset` can hold it.
    fn contains(&self, offset: usize) -> bool {
        let after = self.0.partition_point(|span| span.start <= offset);
        after > 0 && offset < self.0[after - 1].end
    }
}

/// Reads the `ippool.lint/ignore` annotation of one object.
pub fn read_object(
    reader: &Reader<'_>,
    object: NodeRef<'_>,
    out: &mut Vec<Suppression>,
    findings: &mut Vec<Finding>,
) {
    let Some(metadata) = object.get("metadata") else {
        return;
    };
    let Some((_, value)) = metadata
        .get("annotations")
        .and_then(|annotations| annotations.get_entry(ANNOTATION))
    else {
        return;
    };
    let name = object_name(object, metadata);
    let at = |span: Span| Location::at(reader.loc(span), Some(name.clone()));
    let text = match value.scalar_type() {
        ScalarType::Str => value.as_str().unwrap_or_default(),
        ScalarType::Null => "",
        _ => {
            findings.push(
                UNUSED
                    .finding(
                        format!(
                            "the {ANNOTATION} annotation of {name} must be a string, but is {}",
                            describe(value)
                        ),
                        at(value.span()),
                    )
                    .with_label("not a string")
                    .with_help(
                        "quote the list of codes or names, e.g. `ippool.lint/ignore: \"IPP103\"`",
                    ),
            );
            return;
        }
    };
    let list: Vec<_> = words(text).collect();
    if list.is_empty() {
        findings.push(
            UNUSED
                .finding(
                    format!("the {ANNOTATION} annotation of {name} names no rule to ignore"),
                    at(value.span()),
                )
                .with_label("no code or name")
                .with_help(
                    "name the rules, e.g. `ippool.lint/ignore: \"IPP103,IPP106\"`, or `all`",
                ),
        );
        return;
    }
    let entries = resolve_entries(
        reader.source,
        list.iter().map(|&(offset, word)| {
            (
                word,
                reader.value_range(value, text, offset, offset + word.len()),
            )
        }),
        &format!("the {ANNOTATION} annotation of {name}"),
        findings,
    );
    out.push(Suppression {
        source: reader.source,
        scope: Scope::Object(object.span()),
        entries,
        written: list.len(),
        object: Some(name),
    });
}

fn object_name(object: NodeRef<'_>, metadata: NodeRef<'_>) -> String {
    let kind = object
        .get("kind")
        .and_then(|kind| kind.as_str())
        .unwrap_or("object");
    let field = |key: &str| metadata.get(key).and_then(|node| node.as_str());
    match (field("name"), field("namespace")) {
        (Some(name), Some(namespace)) => format!("{kind}/{namespace}/{name}"),
        (Some(name), None) => format!("{kind}/{name}"),
        (None, _) => kind.to_owned(),
    }
}

/// Turns the words of a suppression into entries; unknown words, and IPP900 itself, become
/// IPP900 findings instead.
fn resolve_entries<'w>(
    source: SourceId,
    words: impl Iterator<Item = (&'w str, Span)>,
    place: &str,
    findings: &mut Vec<Finding>,
) -> Vec<Entry> {
    let mut entries = Vec::new();
    for (word, span) in words {
        let loc = Loc::new(source, span);
        let location = Location::at(loc, None);
        if word.eq_ignore_ascii_case("all") {
            entries.push(Entry {
                target: Target::All,
                word: word.to_owned(),
                loc,
            });
            continue;
        }
        match rules::lookup(word) {
            Some(rule) if rule.code == UNUSED.code => findings.push(
                UNUSED
                    .finding(
                        format!("{place} cannot silence IPP900 unused-suppression"),
                        location,
                    )
                    .with_label("not suppressible here")
                    .with_help(
                        "remove it; turn the rule off with `--ignore IPP900` or `ignore: [IPP900]` \
                         in .ippool-lint.yaml",
                    ),
            ),
            Some(rule) => entries.push(Entry {
                target: Target::Rule(rule),
                word: word.to_owned(),
                loc,
            }),
            None => {
                let candidates = RULES.iter().flat_map(|rule| [rule.code, rule.name]);
                let help = match rules::closest(word, candidates) {
                    Some(near) => format!("did you mean {near}?"),
                    None => "`kubectl ippool rules` lists every code and name".to_owned(),
                };
                findings.push(
                    UNUSED
                        .finding(format!("{place} names unknown rule {word:?}"), location)
                        .with_label("not a rule code or name")
                        .with_help(help),
                );
            }
        }
    }
    entries
}

// ---------------------------------------------------------------------------------------------
// Applying
// ---------------------------------------------------------------------------------------------

/// The suppressions of a run grouped by the span they cover, per file, sorted by start: a
/// finding finds the scopes holding it by binary search instead of trying every suppression of
/// its file.
struct Scopes {
    groups: Vec<Group>,
    /// Per file, group indices sorted by span start, with the largest end so far, so a lookup
    /// walks back only over scopes that can still reach the offset (nested objects).
    by_source: HashMap<SourceId, Vec<(usize, usize)>>,
}

struct Group {
    span: Span,
    members: Vec<usize>,
}

impl Scopes {
    fn new(suppressions: &[Suppression]) -> Scopes {
        let mut keyed: HashMap<(SourceId, usize, usize), usize> = HashMap::new();
        let mut groups: Vec<Group> = Vec::new();
        for (index, suppression) in suppressions.iter().enumerate() {
            let (Scope::Line { span, .. } | Scope::Object(span)) = suppression.scope;
            let group = *keyed
                .entry((suppression.source, span.start, span.end))
                .or_insert_with(|| {
                    groups.push(Group {
                        span,
                        members: Vec::new(),
                    });
                    groups.len() - 1
                });
            groups[group].members.push(index);
        }
        let mut by_source: HashMap<SourceId, Vec<usize>> = HashMap::new();
        for ((source, _, _), group) in keyed {
            by_source.entry(source).or_default().push(group);
        }
        let by_source = by_source
            .into_iter()
            .map(|(source, mut list)| {
                list.sort_unstable_by_key(|&group| (groups[group].span.start, group));
                let mut reach = 0;
                let list = list
                    .into_iter()
                    .map(|group| {
                        reach = reach.max(groups[group].span.end);
                        (group, reach)
                    })
                    .collect();
                (source, list)
            })
            .collect();
        Scopes { groups, by_source }
    }

    fn covering(&self, source: SourceId, offset: usize) -> impl Iterator<Item = usize> + '_ {
        let list = self.by_source.get(&source).map_or(&[][..], Vec::as_slice);
        let after = list.partition_point(|&(group, _)| self.groups[group].span.start <= offset);
        list[..after]
            .iter()
            .rev()
            .take_while(move |&&(_, reach)| offset < reach)
            .filter(move |&&(group, _)| offset < self.groups[group].span.end)
            .map(|&(group, _)| group)
    }
}

/// Removes the findings a suppression covers and returns an IPP900 finding for every entry that
/// silenced nothing. `ran` says whether a rule ran: an entry for a rule that did not is not
/// reported, nor is `all` unless every rule ran. IPP900 findings are never suppressed.
pub fn apply(
    findings: &mut Vec<Finding>,
    suppressions: &[Suppression],
    ran: &dyn Fn(&str) -> bool,
) -> Vec<Finding> {
    if suppressions.is_empty() {
        return Vec::new();
    }
    let scopes = Scopes::new(suppressions);
    let mut used: Vec<Vec<bool>> = suppressions
        .iter()
        .map(|s| vec![false; s.entries.len()])
        .collect();
    // Per scope and code, whether its entries are already marked used: every later finding of
    // that code in that scope is silenced without walking the entries again, so a thousand
    // comments on one line cost once, not once per finding.
    let mut marked: HashSet<(usize, &'static str)> = HashSet::new();
    findings.retain(|finding| {
        if finding.code == UNUSED.code {
            return true;
        }
        let Some(loc) = finding.location.loc else {
            return true;
        };
        let mut suppressed = false;
        for group in scopes.covering(loc.source, loc.span().start) {
            if marked.contains(&(group, finding.code)) {
                suppressed = true;
                continue;
            }
            let mut matched = false;
            for &index in &scopes.groups[group].members {
                let entries = suppressions[index].entries.iter();
                for (entry, used) in entries.zip(used[index].iter_mut()) {
                    if entry.target.matches(finding.code) {
                        *used = true;
                        matched = true;
                    }
                }
            }
            if matched {
                marked.insert((group, finding.code));
                suppressed = true;
            }
        }
        !suppressed
    });

    let every_rule_ran = RULES
        .iter()
        .all(|rule| rule.code == UNUSED.code || ran(rule.code));
    let mut unused = Vec::new();
    for (suppression, used) in suppressions.iter().zip(&used) {
        let alone = suppression.written == 1;
        for (entry, _) in suppression
            .entries
            .iter()
            .zip(used)
            .filter(|(_, used)| !**used)
        {
            let what = match entry.target {
                Target::Rule(rule) if ran(rule.code) => format!("{} {}", rule.code, rule.name),
                Target::All if every_rule_ran => "no rule".to_owned(),
                _ => continue,
            };
            let reports = if matches!(entry.target, Target::All) {
                "reports anything"
            } else {
                "reports nothing"
            };
            let place = match (suppression.scope, &suppression.object) {
                (Scope::Object(_), Some(object)) => format!("in {object}"),
                (Scope::Object(_), None) => "in this object".to_owned(),
                (Scope::Line { trailing: true, .. }, _) => "on this line".to_owned(),
                (
                    Scope::Line {
                        line: Some(line), ..
                    },
                    _,
                ) => format!("on line {line}"),
                (Scope::Line { line: None, .. }, _) => String::new(),
            };
            let message = if place.is_empty() {
                "unused suppression: no line follows this comment, so it silences nothing"
                    .to_owned()
            } else {
                format!("unused suppression: {what} {reports} {place}")
            };
            let help = if alone {
                format!("remove the {}", suppression.form())
            } else {
                format!("remove `{}` from the {}", entry.word, suppression.form())
            };
            unused.push(
                UNUSED
                    .finding(message, Location::at(entry.loc, suppression.object.clone()))
                    .with_label("nothing to ignore")
                    .with_help(help),
            );
        }
    }
    unused
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_start_skips_quotes_and_words() {
        assert_eq!(comment_start("# ippool-lint: ignore x"), Some(0));
        assert_eq!(comment_start("  cidr: 10.0.0.0/8 # c"), Some(19));
        assert_eq!(comment_start("  name: a#b"), None);
        assert_eq!(comment_start("  s: \"a # b\" # c"), Some(13));
        assert_eq!(comment_start("  s: 'it''s # x' # c"), Some(17));
        assert_eq!(comment_start("  s: it's # c"), Some(10));
        assert_eq!(comment_start("  s: \"a \\\" # b\""), None);
        assert_eq!(comment_start("  - '# not'"), None);
    }

    #[test]
    fn words_keep_their_offsets() {
        let list = " IPP101,IPP102  pool-selects-no-node ";
        let got: Vec<_> = words(list).collect();
        assert_eq!(
            got,
            vec![(1, "IPP101"), (8, "IPP102"), (16, "pool-selects-no-node")]
        );
    }
}

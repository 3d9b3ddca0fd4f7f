//! Span-keeping YAML loader.
//!
//! Most manifests are plain block YAML, and [`block`] reads such a document straight from the
//! bytes (its recursion is bounded by a depth limit; it declines anything unusual). Every other
//! document goes to `saphyr_parser`'s event iterator (never its recursive loader), which builds
//! the same arena tree with an explicit stack. Either way every span is a byte range into the
//! original text (saphyr's markers count characters; they are converted here), and both paths
//! produce identical trees: `tests/yaml_block_path.rs` and the `yaml_loader` fuzz target check it.
//!
//! Aliases stay references ([`NodeKind::Alias`]), so alias bombs cost O(input). Errors never
//! abort the file: the loader records the error, drops the interrupted document and resumes at
//! the next line starting with `---`.

mod block;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use std::collections::HashMap;
use std::collections::hash_map::Entry;

pub use crate::source::Span;

/// Index of a node in [`Document::nodes`].
pub type NodeId = u32;

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// `value` is the decoded value (escapes resolved, lines folded).
    Scalar {
        value: String,
        style: Style,
    },
    Seq(Vec<NodeId>),
    /// Entries in source order; duplicate keys are kept.
    Map(Vec<(NodeId, NodeId)>),
    /// A `*alias`: the id of the anchored node (never itself an alias).
    Alias(NodeId),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    /// The node as written, without its anchor/tag properties: a quoted scalar includes its
    /// quotes, a block scalar starts at its `|`/`>` header, a flow collection spans its brackets,
    /// a block collection runs from its first entry to the end of its last one, an alias is the
    /// `*name` token.
    pub span: Span,
    /// The tag as written (handle + suffix), e.g. `!!str`, `!all()`, `!<tag:yaml.org,2002:str>`.
    pub tag: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub nodes: Vec<Node>,
    /// `None` for an empty document.
    pub root: Option<NodeId>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Limits {
    /// Maximum collection nesting depth.
    pub max_depth: usize,
    /// Maximum number of nodes per file (all documents together).
    pub max_nodes: usize,
    /// Maximum number of aliases per document.
    pub max_aliases: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 512,
            max_nodes: 5_000_000,
            max_aliases: 10_000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    pub documents: Vec<Document>,
    pub errors: Vec<YamlError>,
    /// (first key span, second key span, key) for every repeated scalar key in a mapping.
    pub duplicate_keys: Vec<(Span, Span, String)>,
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/// Parses every document of `text`. Never panics; errors are collected in [`Parsed::errors`].
pub fn parse(text: &str, limits: &Limits) -> Parsed {
    let mut out = Parsed::default();
    parse_range_into(text, 0..text.len(), limits, &mut out);
    out
}

/// Parses the documents in `text[range]` (which must start at a document boundary), appending
/// them to `out` with spans in `text`'s coordinates. Lets the loader parse only the documents
/// that matter without copying them out.
///
/// Each document goes to the block fast path ([`block`]) first and to saphyr when that declines
/// it; saphyr then parses one document (or recovers from its error) and the fast path resumes
/// at the next document. A range that cannot be read a document at a time as saphyr reads it
/// whole (see [`read_as_one_stream`]) is saphyr's throughout.
pub fn parse_range_into(
    text: &str,
    range: std::ops::Range<usize>,
    limits: &Limits,
    out: &mut Parsed,
) {
    parse_range_with(text, range, limits, out, true);
}

/// `text` read by saphyr alone: what the block fast path must agree with (tests and fuzzing).
pub fn parse_without_fast_path(text: &str, limits: &Limits) -> Parsed {
    let mut out = Parsed::default();
    parse_range_with(text, 0..text.len(), limits, &mut out, false);
    out
}

fn parse_range_with(
    text: &str,
    range: std::ops::Range<usize>,
    limits: &Limits,
    out: &mut Parsed,
    fast: bool,
) {
    let Some(text) = text.get(..range.end) else {
        return;
    };
    let ascii = text.get(range.start..).is_some_and(str::is_ascii);
    let mut fast = fast
        && text
            .get(range.start..)
            .is_some_and(|t| !read_as_one_stream(t.as_bytes()));
    let mut budget = limits.max_nodes;
    let mut base = range.start;
    loop {
        if fast {
            let next = next_document_marker(text.as_bytes(), base);
            if let Some(built) = block::document(text, base, next, budget) {
                if let Some(document) = built.document {
                    budget -= document.nodes.len();
                    out.duplicate_keys.extend(built.duplicates);
                    out.documents.push(document);
                }
                if next >= text.len() {
                    break;
                }
                base = next;
                continue;
            }
            // saphyr's anchors outlive their document: from one that may define some, the rest
            // is saphyr's, as one stream (the fast path defines none).
            if text
                .as_bytes()
                .get(base..next)
                .is_some_and(|d| d.contains(&b'&'))
            {
                fast = false;
            }
        }
        match parse_slice(text, base, ascii, fast, limits, &mut budget, out) {
            Outcome::Done => break,
            Outcome::Document { next } => base = next,
            Outcome::Recover {
                error_at,
                doc_start,
            } => match recovery_point(text, error_at, doc_start.max(base)) {
                Some(next) if next > base => base = next,
                _ => break,
            },
        }
    }
}

/// What makes reading a range document by document unlike saphyr's reading of the whole: `%`
/// directives and `...` document ends carry state from one document to the next; a carriage
/// return is a line break to saphyr and NUL ends a token like one, so `\r---` and `---\0` are
/// markers the `\n---` search here does not see; and saphyr reads a byte order mark before
/// `---` as part of the marker line (the leniency pass puts a later document's mark there).
fn read_as_one_stream(b: &[u8]) -> bool {
    b.first() == Some(&b'%')
        || memchr::memmem::find(b, b"\n%").is_some()
        || b.starts_with(b"...")
        || memchr::memmem::find(b, b"\n...").is_some()
        || memchr::memmem::find(b, "\u{feff}".as_bytes()).is_some()
        || memchr::memchr2(b'\r', b'\0', b).is_some()
}

/// Where the document after one that saphyr ended at `end_event` starts: the marker line holding
/// the end event or the first after it, and after `after` (the document's own start).
fn marker_at_or_after(b: &[u8], end_event: usize, after: usize) -> usize {
    let end_event = end_event.min(b.len());
    let line = b[..end_event]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    if line > after && is_document_marker(b, line) {
        line
    } else {
        next_document_marker(b, line.max(after))
    }
}

/// The start of the first `---` line after `from`, or the end of `b`.
fn next_document_marker(b: &[u8], from: usize) -> usize {
    let mut at = from;
    while let Some(i) = b
        .get(at..)
        .and_then(|rest| super::DOCUMENT_MARKER.find(rest))
    {
        let line = at + i + 1;
        if is_document_marker(b, line) {
            return line;
        }
        at = line;
    }
    b.len()
}

enum Outcome {
    /// The slice was consumed (or the file must stop).
    Done,
    /// One document was read, as asked; the next starts at `next`.
    Document { next: usize },
    /// An error interrupted the document starting at `doc_start`; resume after `error_at`.
    Recover { error_at: usize, doc_start: usize },
}

enum BuildError {
    /// Drop the document and resume at the next `---` line.
    Recover(YamlError),
    /// Stop the file.
    Stop(YamlError),
}

/// The first line starting with a `---` marker that starts after `after` and not before the line
/// holding `error_at` (the error's own line counts: saphyr often reports an unterminated
/// construct at the next document's marker).
fn recovery_point(text: &str, error_at: usize, after: usize) -> Option<usize> {
    let b = text.as_bytes();
    let error_at = error_at.min(b.len());
    let mut pos = b[..error_at]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    loop {
        if pos > after && is_document_marker(b, pos) {
            return Some(pos);
        }
        match b[pos..].iter().position(|&c| c == b'\n') {
            Some(i) => pos += i + 1,
            None => return None,
        }
    }
}

/// The dash of a line `<blanks>- <blanks>#comment` whose end is `end`.
fn dash_before_comment(b: &[u8], end: usize) -> Option<usize> {
    let line = b[..end]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    let dash = line + b[line..end].iter().position(|&c| c != b' ')?;
    let rest = &b[dash + 1..end];
    let hash = rest.iter().position(|&c| c != b' ' && c != b'\t')?;
    (b[dash] == b'-' && hash > 0 && rest[hash] == b'#').then_some(dash)
}

fn is_document_marker(b: &[u8], pos: usize) -> bool {
    b.get(pos..).is_some_and(|rest| rest.starts_with(b"---"))
        && matches!(b.get(pos + 3), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
}

/// Converts saphyr's character indexes (relative to a slice) into byte offsets, lazily: a cursor
/// that walks forward plus a checkpoint every [`STRIDE`] characters for stepping back.
struct CharToByte<'t> {
    text: &'t [u8],
    ascii: bool,
    checkpoints: Vec<usize>,
    cur_char: usize,
    cur_byte: usize,
}

const STRIDE: usize = 64;

impl<'t> CharToByte<'t> {
    fn new(text: &'t str, ascii: bool) -> Self {
        CharToByte {
            text: text.as_bytes(),
            ascii,
            checkpoints: vec![0],
            cur_char: 0,
            cur_byte: 0,
        }
    }

    fn byte(&mut self, ch: usize) -> usize {
        if self.ascii {
            return ch.min(self.text.len());
        }
        if ch < self.cur_char {
            let k = ch / STRIDE;
            match self.checkpoints.get(k) {
                Some(&b) => {
                    self.cur_char = k * STRIDE;
                    self.cur_byte = b;
                }
                None => {
                    self.cur_char = 0;
                    self.cur_byte = 0;
                }
            }
        }
        while self.cur_char < ch {
            let Some(&lead) = self.text.get(self.cur_byte) else {
                break;
            };
            if lead < 0x80 {
                // Skip an ASCII run in one go, stopping at the target or the next checkpoint.
                let next_cp = (self.cur_char / STRIDE + 1) * STRIDE;
                let want = (ch.min(next_cp) - self.cur_char).min(self.text.len() - self.cur_byte);
                let run = self.text[self.cur_byte..self.cur_byte + want]
                    .iter()
                    .take_while(|&&c| c < 0x80)
                    .count()
                    .max(1);
                self.cur_byte += run;
                self.cur_char += run;
            } else {
                self.cur_byte += utf8_len(lead);
                self.cur_char += 1;
            }
            if self.cur_char == self.checkpoints.len() * STRIDE {
                self.checkpoints.push(self.cur_byte);
            }
        }
        self.cur_byte.min(self.text.len())
    }
}

fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        0x80.. => 2,
        _ => 1,
    }
}

struct Frame {
    id: NodeId,
    anchor: usize,
    flow: bool,
    /// End of the last child (or of the start token).
    last_end: usize,
    kind: FrameKind,
}

enum FrameKind {
    Seq(Vec<NodeId>),
    Map {
        entries: Vec<(NodeId, NodeId)>,
        key: Option<NodeId>,
    },
}

struct DocBuilder {
    nodes: Vec<Node>,
    stack: Vec<Frame>,
    root: Option<NodeId>,
    /// saphyr anchor id → completed node.
    anchors: HashMap<usize, NodeId>,
    aliases: usize,
    start: usize,
    end: usize,
    duplicates: Vec<(Span, Span, String)>,
}

impl DocBuilder {
    fn new(start: usize, end: usize) -> Self {
        DocBuilder {
            nodes: Vec::new(),
            stack: Vec::new(),
            root: None,
            anchors: HashMap::new(),
            aliases: 0,
            start,
            end,
            duplicates: Vec::new(),
        }
    }

    fn push_node(&mut self, node: Node, budget: &mut usize) -> Result<NodeId, BuildError> {
        if *budget == 0 || self.nodes.len() >= NodeId::MAX as usize {
            return Err(BuildError::Stop(YamlError {
                message: "too many nodes".to_string(),
                span: node.span,
            }));
        }
        *budget -= 1;
        let id = self.nodes.len() as NodeId;
        self.nodes.push(node);
        Ok(id)
    }

    fn attach(&mut self, id: NodeId, end: usize) {
        match self.stack.last_mut() {
            Some(top) => {
                top.last_end = top.last_end.max(end);
                match &mut top.kind {
                    FrameKind::Seq(items) => items.push(id),
                    FrameKind::Map { entries, key } => match key.take() {
                        None => *key = Some(id),
                        Some(k) => entries.push((k, id)),
                    },
                }
            }
            None => {
                if self.root.is_none() {
                    self.root = Some(id);
                }
                self.end = self.end.max(end);
            }
        }
    }

    fn finish(mut self, end_event: Span, text: &str, out: &mut Parsed) {
        if text.get(end_event.start..end_event.end) == Some("...") {
            self.end = self.end.max(end_event.end);
        }
        // An explicit document with no content yields an empty plain scalar: that is no root.
        let empty_root = self.root.is_some_and(|root| {
            matches!(
                self.nodes.get(root as usize),
                Some(Node { kind: NodeKind::Scalar { value, style: Style::Plain }, tag: None, .. })
                    if value.is_empty()
            ) && !self.anchors.values().any(|&n| n == root)
        });
        if empty_root {
            self.root = None;
            self.nodes.clear();
        }
        out.duplicate_keys.append(&mut self.duplicates);
        out.documents.push(Document {
            nodes: self.nodes,
            root: self.root,
            span: Span {
                start: self.start,
                end: self.end.max(self.start),
            },
        });
    }
}

fn style_of(s: ScalarStyle) -> Style {
    match s {
        ScalarStyle::Plain => Style::Plain,
        ScalarStyle::SingleQuoted => Style::SingleQuoted,
        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
        ScalarStyle::Literal => Style::Literal,
        ScalarStyle::Folded => Style::Folded,
    }
}

/// Fallback when the tag text cannot be found in the source.
fn tag_to_string(t: &Tag) -> String {
    if t.handle == "tag:yaml.org,2002:" {
        format!("!!{}", t.suffix)
    } else if t.handle == "!" {
        format!("!{}", t.suffix)
    } else if t.handle.is_empty() && t.suffix == "!" {
        "!".to_string()
    } else {
        format!("!<{}{}>", t.handle, t.suffix)
    }
}

fn is_flow_delim(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
    )
}

/// Skips node properties (anchor, tag), whitespace and comments from `pos` (at most to `end`).
/// Returns the content start and the tag text as written.
fn skip_properties(text: &str, mut pos: usize, end: usize) -> (usize, Option<&str>) {
    let b = text.as_bytes();
    let end = end.min(b.len());
    let mut tag = None;
    while pos < end {
        match b[pos] {
            b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
            b'#' => {
                while pos < end && b[pos] != b'\n' {
                    pos += 1;
                }
            }
            c @ (b'&' | b'!') => {
                let s = pos;
                if c == b'!' && b.get(pos + 1) == Some(&b'<') {
                    while pos < end && b[pos] != b'>' {
                        pos += 1;
                    }
                    pos = (pos + 1).min(end);
                } else {
                    pos += 1;
                    while pos < end && !is_flow_delim(b[pos]) {
                        pos += 1;
                    }
                }
                if c == b'!' {
                    tag = text.get(s..pos);
                }
            }
            _ => break,
        }
    }
    (pos, tag)
}

/// Finds a block scalar's `|`/`>` header between the previous event's end and the content.
fn find_block_header(text: &str, from: usize, to: usize) -> Option<usize> {
    let b = text.as_bytes();
    let to = to.min(b.len());
    let mut pos = from;
    while pos < to {
        match b[pos] {
            b' ' | b'\t' | b'\r' | b'\n' | b':' | b'-' | b'?' => pos += 1,
            b'#' => {
                while pos < to && b[pos] != b'\n' {
                    pos += 1;
                }
            }
            b'|' | b'>' => return Some(pos),
            _ => return None,
        }
    }
    None
}

fn trim_end_ws(text: &str, start: usize, end: usize) -> usize {
    let b = text.as_bytes();
    let mut e = end.min(b.len());
    while e > start && matches!(b[e - 1], b' ' | b'\t' | b'\r' | b'\n') {
        e -= 1;
    }
    e
}

/// The end (exclusive) of the quoted scalar that starts at `start`, found by scanning for its
/// closing quote within `start..limit`: `''` escapes a quote in single-quoted scalars, a
/// backslash escapes the next character in double-quoted ones.
fn closing_quote_end(text: &str, start: usize, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes().get(start..limit.min(text.len()))?;
    let quote = *bytes.first()?;
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == quote => return Some(start + i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Parses `text[base..]`, appending finished documents to `out`.
fn parse_slice(
    text: &str,
    base: usize,
    ascii: bool,
    one_document: bool,
    limits: &Limits,
    budget: &mut usize,
    out: &mut Parsed,
) -> Outcome {
    let Some(slice) = text.get(base..) else {
        return Outcome::Done;
    };
    let mut parser = Parser::new_from_str(slice);
    let mut conv = CharToByte::new(slice, ascii);
    let mut doc: Option<DocBuilder> = None;
    // Where an explicit document's own `---` line is, which cannot be the next one's.
    let mut own_marker = None;
    let mut prev_end = base;
    loop {
        let (event, span) = match parser.next_event() {
            None => return Outcome::Done,
            Some(Ok(ev)) => ev,
            Some(Err(e)) => {
                let at = base + conv.byte(e.marker().index());
                out.errors.push(YamlError {
                    message: e.info().to_string(),
                    span: Span { start: at, end: at },
                });
                let doc_start = doc.as_ref().map_or(base, |d| d.start);
                return Outcome::Recover {
                    error_at: at,
                    doc_start,
                };
            }
        };
        let s = base + conv.byte(span.start.index());
        let e = (base + conv.byte(span.end.index())).max(s);
        let result = match event {
            Event::StreamStart | Event::Nothing => Ok(()),
            Event::StreamEnd => return Outcome::Done,
            Event::DocumentStart(explicit) => {
                doc = Some(DocBuilder::new(s, if explicit { e } else { s }));
                own_marker = explicit.then_some(s);
                if !explicit {
                    // The implicit start's span is the first token; keep `prev_end` before it.
                    continue;
                }
                Ok(())
            }
            Event::DocumentEnd => {
                if let Some(d) = doc.take() {
                    d.finish(Span { start: s, end: e }, text, out);
                }
                if one_document {
                    // Comments before an explicit document put its marker after `base`.
                    let after = own_marker.map_or(base, |at| at.max(base));
                    return Outcome::Document {
                        next: marker_at_or_after(text.as_bytes(), s, after),
                    };
                }
                Ok(())
            }
            other => match doc.as_mut() {
                Some(d) => handle_node_event(d, other, s, e, prev_end, text, limits, budget),
                None => Ok(()),
            },
        };
        prev_end = e;
        match result {
            Ok(()) => {}
            Err(BuildError::Stop(err)) => {
                out.errors.push(err);
                return Outcome::Done;
            }
            Err(BuildError::Recover(err)) => {
                let error_at = err.span.start;
                out.errors.push(err);
                let doc_start = doc.as_ref().map_or(base, |d| d.start);
                return Outcome::Recover {
                    error_at,
                    doc_start,
                };
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn handle_node_event(
    d: &mut DocBuilder,
    event: Event<'_>,
    s: usize,
    e: usize,
    prev_end: usize,
    text: &str,
    limits: &Limits,
    budget: &mut usize,
) -> Result<(), BuildError> {
    let is_map = matches!(event, Event::MappingStart(..));
    match event {
        Event::Scalar(value, style, anchor, tag) => {
            let has_props = anchor > 0 || tag.is_some();
            let (mut start, tag_text) = if has_props {
                skip_properties(text, s, e)
            } else {
                (s, None)
            };
            let tag = tag.map(|t| tag_text.map_or_else(|| tag_to_string(&t), str::to_owned));
            let mut end = e.max(start);
            if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                let header = if has_props {
                    matches!(text.as_bytes().get(start), Some(b'|' | b'>')).then_some(start)
                } else if prev_end <= s {
                    find_block_header(text, prev_end, s)
                } else {
                    None
                };
                if let Some(h) = header {
                    start = h;
                }
                end = trim_end_ws(text, start, end).max((start + 1).min(end));
            } else if matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) {
                // saphyr's end mark runs on to the next token (blanks, a comment); stop at the
                // closing quote.
                end = closing_quote_end(text, start, end).unwrap_or(end);
            }
            let node = Node {
                kind: NodeKind::Scalar {
                    value: value.into_owned(),
                    style: style_of(style),
                },
                span: Span { start, end },
                tag,
            };
            let id = d.push_node(node, budget)?;
            if anchor > 0 {
                d.anchors.insert(anchor, id);
            }
            d.attach(id, end);
        }
        Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
            let has_props = anchor > 0 || tag.is_some();
            let (mut start, tag_text) = if has_props {
                skip_properties(text, s, e)
            } else {
                (s, None)
            };
            let b = text.as_bytes();
            // A flow collection's event covers its opening bracket; a block one's is empty.
            let opens_flow = e == start + 1 && matches!(b.get(start), Some(b'[' | b'{'));
            let at_dash = b.get(start) == Some(&b'-')
                && matches!(b.get(start + 1), None | Some(b' ' | b'\n' | b'\t' | b'\r'));
            if !is_map && !has_props && !opens_flow && !at_dash {
                // An indentless sequence's event sits after its first `- `: start at the dash.
                let mut p = start;
                while p > prev_end && matches!(b[p - 1], b' ' | b'\t') {
                    p -= 1;
                }
                if p > prev_end && b[p - 1] == b'-' {
                    start = p - 1;
                } else if let Some(dash) = dash_before_comment(b, start).filter(|&d| d >= prev_end)
                {
                    // An empty first item followed by a comment: the event is at the line's end.
                    start = dash;
                }
            }
            if d.stack.len() >= limits.max_depth {
                return Err(BuildError::Recover(YamlError {
                    message: format!("nesting deeper than {} levels", limits.max_depth),
                    span: Span {
                        start,
                        end: e.max(start),
                    },
                }));
            }
            let tag = tag.map(|t| tag_to_string_or(&t, tag_text));
            let kind = if is_map {
                NodeKind::Map(Vec::new())
            } else {
                NodeKind::Seq(Vec::new())
            };
            let end = e.max(start);
            let id = d.push_node(
                Node {
                    kind,
                    span: Span { start, end },
                    tag,
                },
                budget,
            )?;
            let kind = if is_map {
                FrameKind::Map {
                    entries: Vec::new(),
                    key: None,
                }
            } else {
                FrameKind::Seq(Vec::new())
            };
            d.stack.push(Frame {
                id,
                anchor,
                flow: opens_flow,
                last_end: end,
                kind,
            });
        }
        Event::SequenceEnd | Event::MappingEnd => {
            let Some(frame) = d.stack.pop() else {
                return Ok(());
            };
            let end = if frame.flow {
                e.max(frame.last_end)
            } else {
                frame.last_end
            };
            let kind = match frame.kind {
                FrameKind::Seq(items) => NodeKind::Seq(items),
                FrameKind::Map { entries, .. } => {
                    let explicit: Vec<(NodeId, NodeId)> = entries
                        .iter()
                        .copied()
                        .filter(|&(key, _)| !is_merge_key(&d.nodes, key))
                        .collect();
                    find_duplicates(&d.nodes, &explicit, &mut d.duplicates);
                    if explicit.len() == entries.len() {
                        NodeKind::Map(entries)
                    } else {
                        NodeKind::Map(apply_merges(&d.nodes, &entries, budget)?)
                    }
                }
            };
            if let Some(node) = d.nodes.get_mut(frame.id as usize) {
                node.kind = kind;
                node.span.end = end.max(node.span.start);
            }
            if frame.anchor > 0 {
                d.anchors.insert(frame.anchor, frame.id);
            }
            d.attach(frame.id, end);
        }
        Event::Alias(anchor) => {
            let span = Span { start: s, end: e };
            d.aliases += 1;
            if d.aliases > limits.max_aliases {
                return Err(BuildError::Recover(YamlError {
                    message: format!(
                        "too many aliases (more than {} in one document)",
                        limits.max_aliases
                    ),
                    span,
                }));
            }
            let name = text.get(s..e).unwrap_or("*");
            let Some(&target) = d.anchors.get(&anchor) else {
                let message = if d.stack.iter().any(|f| f.anchor == anchor) {
                    format!("recursive alias: {name} refers to a node that contains it")
                } else {
                    format!("alias {name} refers to an anchor that is not defined in this document")
                };
                return Err(BuildError::Recover(YamlError { message, span }));
            };
            let id = d.push_node(
                Node {
                    kind: NodeKind::Alias(target),
                    span,
                    tag: None,
                },
                budget,
            )?;
            d.attach(id, e);
        }
        Event::StreamStart
        | Event::StreamEnd
        | Event::DocumentStart(_)
        | Event::DocumentEnd
        | Event::Nothing => {}
    }
    Ok(())
}

fn tag_to_string_or(t: &Tag, written: Option<&str>) -> String {
    written.map_or_else(|| tag_to_string(t), str::to_owned)
}

/// The scalar value of a key node, through one alias hop.
fn key_str(nodes: &[Node], id: NodeId) -> Option<&str> {
    let mut node = nodes.get(id as usize)?;
    if let NodeKind::Alias(t) = node.kind {
        node = nodes.get(t as usize)?;
    }
    match &node.kind {
        NodeKind::Scalar { value, .. } => Some(value),
        _ => None,
    }
}

/// A `<<` merge key: plain and untagged, or tagged `!!merge` (YAML 1.1 merge key type, which
/// go-yaml v2 and so Kubernetes apply).
fn is_merge_key(nodes: &[Node], id: NodeId) -> bool {
    let Some(node) = nodes.get(id as usize) else {
        return false;
    };
    let NodeKind::Scalar { value, style } = &node.kind else {
        return false;
    };
    value == "<<"
        && match node.tag.as_deref().map(core_tag) {
            None => *style == Style::Plain,
            Some(tag) => tag == "!!merge" || tag == "!<tag:yaml.org,2002:merge>",
        }
}

/// A mapping's entries with its `<<` merges applied as go-yaml v2 applies them: in the order
/// written, each key set overwriting the one set before, a merged sequence of maps taken from
/// its last map to its first so that earlier maps win. Merged entries keep their own nodes, so
/// spans point at the merged values. Every entry copied counts against the node budget: a
/// merge of a merge of ... cannot grow without bound (issue 9 item 13).
fn apply_merges(
    nodes: &[Node],
    entries: &[(NodeId, NodeId)],
    budget: &mut usize,
) -> Result<Vec<(NodeId, NodeId)>, BuildError> {
    let resolve = |id: NodeId| -> Option<&Node> {
        let node = nodes.get(id as usize)?;
        match node.kind {
            NodeKind::Alias(target) => nodes.get(target as usize),
            _ => Some(node),
        }
    };
    let mut merged: Vec<(NodeId, NodeId)> = Vec::with_capacity(entries.len());
    let mut position: HashMap<&str, usize> = HashMap::new();
    let mut set = |key: NodeId, value: NodeId, budget: &mut usize| {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        match key_str(nodes, key) {
            Some(text) => match position.entry(text) {
                Entry::Occupied(at) => merged[*at.get()] = (key, value),
                Entry::Vacant(slot) => {
                    slot.insert(merged.len());
                    merged.push((key, value));
                }
            },
            None => merged.push((key, value)),
        }
        true
    };
    let want_map = |id: NodeId| {
        let span = nodes.get(id as usize).map_or(Span::default(), |n| n.span);
        BuildError::Recover(YamlError {
            message: "map merge requires map or sequence of maps as the value".to_owned(),
            span,
        })
    };
    let too_many = |id: NodeId| {
        let span = nodes.get(id as usize).map_or(Span::default(), |n| n.span);
        BuildError::Stop(YamlError {
            message: "too many nodes (merge keys)".to_owned(),
            span,
        })
    };
    for &(key, value) in entries {
        if !is_merge_key(nodes, key) {
            if !set(key, value, budget) {
                return Err(too_many(key));
            }
            continue;
        }
        let maps: Vec<NodeId> = match resolve(value).map(|node| &node.kind) {
            Some(NodeKind::Map(_)) => vec![value],
            Some(NodeKind::Seq(items)) => items.iter().rev().copied().collect(),
            _ => return Err(want_map(value)),
        };
        for map in maps {
            let Some(NodeKind::Map(from)) = resolve(map).map(|node| &node.kind) else {
                return Err(want_map(map));
            };
            for &(k, v) in from {
                if !set(k, v, budget) {
                    return Err(too_many(map));
                }
            }
        }
    }
    Ok(merged)
}

fn find_duplicates(
    nodes: &[Node],
    entries: &[(NodeId, NodeId)],
    out: &mut Vec<(Span, Span, String)>,
) {
    let span = |id: NodeId| nodes.get(id as usize).map_or(Span::default(), |n| n.span);
    if entries.len() <= 16 {
        for (j, &(kj, _)) in entries.iter().enumerate().skip(1) {
            let Some(vj) = key_str(nodes, kj) else {
                continue;
            };
            if let Some(&(ki, _)) = entries[..j]
                .iter()
                .find(|&&(ki, _)| key_str(nodes, ki) == Some(vj))
            {
                out.push((span(ki), span(kj), vj.to_string()));
            }
        }
    } else {
        let mut seen: HashMap<&str, NodeId> = HashMap::with_capacity(entries.len());
        for &(k, _) in entries {
            let Some(v) = key_str(nodes, k) else { continue };
            match seen.entry(v) {
                Entry::Occupied(first) => out.push((span(*first.get()), span(k), v.to_string())),
                Entry::Vacant(slot) => {
                    slot.insert(k);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Access
// ---------------------------------------------------------------------------------------------

impl Document {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }
    pub fn root(&self) -> Option<NodeRef<'_>> {
        self.root.map(|id| NodeRef { doc: self, id })
    }
    /// A reference to node `id` of this document.
    pub fn node_ref(&self, id: NodeId) -> NodeRef<'_> {
        NodeRef { doc: self, id }
    }
}

#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    pub doc: &'a Document,
    pub id: NodeId,
}

impl std::fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeRef")
            .field("id", &self.id)
            .field("node", self.node())
            .finish()
    }
}

/// What Kubernetes (go-yaml v2, YAML 1.1) decodes a scalar as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarType {
    Null,
    Bool(bool),
    Int(i64),
    /// Also integers beyond the i64 range (go-yaml decodes them as uint64).
    Float,
    Str,
    NotScalar,
}

impl<'a> NodeRef<'a> {
    /// The node, resolved through an alias (one hop: anchored nodes are never aliases).
    pub fn node(&self) -> &'a Node {
        let n = self.doc.node(self.id);
        match n.kind {
            NodeKind::Alias(t) => self.doc.node(t),
            _ => n,
        }
    }
    /// The id of the node after alias resolution.
    pub fn resolved_id(&self) -> NodeId {
        match self.doc.node(self.id).kind {
            NodeKind::Alias(t) => t,
            _ => self.id,
        }
    }
    /// The span as written at this place (for an alias, the `*name` token).
    pub fn span(&self) -> Span {
        self.doc.node(self.id).span
    }
    /// The tag as written on the (resolved) node.
    pub fn tag(&self) -> Option<&'a str> {
        self.node().tag.as_deref()
    }
    pub fn as_scalar(&self) -> Option<(&'a str, Style)> {
        match &self.node().kind {
            NodeKind::Scalar { value, style } => Some((value.as_str(), *style)),
            _ => None,
        }
    }
    /// The scalar's decoded value, whatever its type.
    pub fn as_str(&self) -> Option<&'a str> {
        self.as_scalar().map(|(v, _)| v)
    }
    /// YAML 1.1 null: plain `""`, `~`, `null`, `Null`, `NULL` with no tag or `!!null`.
    pub fn is_null(&self) -> bool {
        self.scalar_type() == ScalarType::Null
    }
    /// The value of the FIRST entry whose key is the scalar `key`.
    pub fn get(&self, key: &str) -> Option<NodeRef<'a>> {
        self.get_entry(key).map(|(_, v)| v)
    }
    pub fn get_entry(&self, key: &str) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        self.entries().find(|(k, _)| k.as_str() == Some(key))
    }
    pub fn entries(&self) -> impl ExactSizeIterator<Item = (NodeRef<'a>, NodeRef<'a>)> + use<'a> {
        let doc = self.doc;
        let slice: &'a [(NodeId, NodeId)] = match &self.node().kind {
            NodeKind::Map(e) => e,
            _ => &[],
        };
        slice
            .iter()
            .map(move |&(k, v)| (NodeRef { doc, id: k }, NodeRef { doc, id: v }))
    }
    pub fn items(&self) -> impl Iterator<Item = NodeRef<'a>> + use<'a> {
        let doc = self.doc;
        let slice: &'a [NodeId] = match &self.node().kind {
            NodeKind::Seq(i) => i,
            _ => &[],
        };
        slice.iter().map(move |&id| NodeRef { doc, id })
    }
    pub fn is_map(&self) -> bool {
        matches!(self.node().kind, NodeKind::Map(_))
    }
    pub fn is_seq(&self) -> bool {
        matches!(self.node().kind, NodeKind::Seq(_))
    }
    pub fn is_scalar(&self) -> bool {
        matches!(self.node().kind, NodeKind::Scalar { .. })
    }
    /// What the API server sees (go-yaml v2 resolution).
    pub fn scalar_type(&self) -> ScalarType {
        let node = self.node();
        let NodeKind::Scalar { value, style } = &node.kind else {
            return ScalarType::NotScalar;
        };
        match node.tag.as_deref() {
            None if *style == Style::Plain => resolve_plain(value),
            None => ScalarType::Str,
            Some(tag) => resolve_tagged(core_tag(tag), value),
        }
    }
    /// The source position of every offset of a scalar's decoded value, in one walk of it: the
    /// byte offset in `text` of the character that produced each value offset
    /// (`value.len()` maps to just after the last one), where that can be known exactly.
    pub fn value_map(&self, text: &str) -> Option<ValueMap> {
        let node = self.node();
        let NodeKind::Scalar { value, style } = &node.kind else {
            return None;
        };
        let src = text.get(node.span.start..node.span.end)?;
        let start = u32::try_from(node.span.start).ok()?;
        u32::try_from(node.span.end).ok()?;
        let mut table = Vec::with_capacity(value.len() + 1);
        let mut map = TableBuilder(&mut table);
        match style {
            Style::Plain => map_flow(src, value, None, &mut map),
            Style::SingleQuoted => map_flow(src, value, Some(b'\''), &mut map),
            Style::DoubleQuoted => map_flow(src, value, Some(b'"'), &mut map),
            Style::Literal => map_block(src, value, false, &mut map),
            Style::Folded => map_block(src, value, true, &mut map),
        };
        Some(ValueMap {
            value_len: value.len(),
            start,
            table,
        })
    }
}

/// Where each byte offset of a scalar's decoded value came from in the source. A walk that
/// cannot follow the source exactly stops, and offsets past it are unknown.
#[derive(Debug, Clone)]
pub struct ValueMap {
    value_len: usize,
    start: u32,
    /// Offsets relative to the scalar's start; `UNMAPPED` inside a multi-byte character or
    /// escape.
    table: Vec<u32>,
}

const UNMAPPED: u32 = u32::MAX;

impl ValueMap {
    pub fn get(&self, offset: usize) -> Option<usize> {
        if offset > self.value_len {
            return None;
        }
        match self.table.get(offset) {
            Some(&UNMAPPED) | None => None,
            Some(&relative) => Some(self.start as usize + relative as usize),
        }
    }
}

/// Records, value offset by value offset, the source offset (relative to the scalar) that
/// produced it.
struct TableBuilder<'t>(&'t mut Vec<u32>);

impl TableBuilder<'_> {
    /// `count` value bytes all come from source offset `at`.
    fn repeat(&mut self, at: usize, count: usize) {
        let at = u32::try_from(at).unwrap_or(UNMAPPED);
        self.0.extend(std::iter::repeat_n(at, count));
    }

    /// One character of `width` value bytes comes from source offset `at`; only its first
    /// byte maps.
    fn character(&mut self, at: usize, width: usize) {
        self.repeat(at, 1);
        self.0
            .extend(std::iter::repeat_n(UNMAPPED, width.saturating_sub(1)));
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

// ---------------------------------------------------------------------------------------------
// Scalar resolution (go-yaml v2 resolve.go)
// ---------------------------------------------------------------------------------------------

fn core_tag(tag: &str) -> &str {
    tag.strip_prefix("!<tag:yaml.org,2002:")
        .and_then(|t| t.strip_suffix('>'))
        .map_or(tag, |suffix| match suffix {
            "str" => "!!str",
            "int" => "!!int",
            "bool" => "!!bool",
            "null" => "!!null",
            "float" => "!!float",
            _ => tag,
        })
}

fn is_null_word(v: &str) -> bool {
    matches!(v, "" | "~" | "null" | "Null" | "NULL")
}

fn bool_word(v: &str) -> Option<bool> {
    match v {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Some(false)
        }
        _ => None,
    }
}

fn is_special_float(v: &str) -> bool {
    matches!(
        v,
        ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
            | ".nan"
            | ".NaN"
            | ".NAN"
    )
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_float(v: &str) -> bool {
    let b = v.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let digits = |i: &mut usize| {
        let s = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - s
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

enum GoInt {
    Int(i64),
    /// Valid unsigned integer beyond i64.
    Big,
}

/// Go `strconv.ParseInt(s, 0, 64)`, falling back to `ParseUint(s, 0, 64)`.
fn go_parse_int(s: &str) -> Option<GoInt> {
    let (neg, signed, body) = match s.as_bytes().first() {
        Some(b'-') => (true, true, &s[1..]),
        Some(b'+') => (false, true, &s[1..]),
        _ => (false, false, s),
    };
    let bb = body.as_bytes();
    let (radix, digits) = if bb.len() > 1 && bb[0] == b'0' {
        match bb[1] {
            b'x' | b'X' => (16, &body[2..]),
            b'b' | b'B' => (2, &body[2..]),
            b'o' | b'O' => (8, &body[2..]),
            _ => (8, &body[1..]),
        }
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let mag = u64::from_str_radix(digits, radix).ok()?;
    if neg {
        if mag <= i64::MAX as u64 + 1 {
            Some(GoInt::Int((mag as i64).wrapping_neg()))
        } else {
            None
        }
    } else if let Ok(v) = i64::try_from(mag) {
        Some(GoInt::Int(v))
    } else if !signed {
        Some(GoInt::Big)
    } else {
        None
    }
}

fn resolve_plain(v: &str) -> ScalarType {
    if is_null_word(v) {
        return ScalarType::Null;
    }
    if let Some(b) = bool_word(v) {
        return ScalarType::Bool(b);
    }
    if is_special_float(v) {
        return ScalarType::Float;
    }
    match v.as_bytes().first() {
        Some(b'.') => {
            if is_yaml_float(v) {
                ScalarType::Float
            } else {
                ScalarType::Str
            }
        }
        Some(b'0'..=b'9' | b'+' | b'-') => {
            let plain = v.replace('_', "");
            match go_parse_int(&plain) {
                Some(GoInt::Int(i)) => ScalarType::Int(i),
                Some(GoInt::Big) => ScalarType::Float,
                None if is_yaml_float(&plain) => ScalarType::Float,
                None => ScalarType::Str,
            }
        }
        _ => ScalarType::Str,
    }
}

fn resolve_tagged(tag: &str, v: &str) -> ScalarType {
    match tag {
        "!!null" if is_null_word(v) => ScalarType::Null,
        "!!bool" => bool_word(v).map_or(ScalarType::Str, ScalarType::Bool),
        "!!int" => match go_parse_int(&v.replace('_', "")) {
            Some(GoInt::Int(i)) => ScalarType::Int(i),
            _ => ScalarType::Str,
        },
        "!!float" => {
            let plain = v.replace('_', "");
            if is_special_float(v) || is_yaml_float(&plain) || go_parse_int(&plain).is_some() {
                ScalarType::Float
            } else {
                ScalarType::Str
            }
        }
        _ => ScalarType::Str,
    }
}

// ---------------------------------------------------------------------------------------------
// Value offset → source offset
// ---------------------------------------------------------------------------------------------

fn is_break(c: u8) -> bool {
    c == b'\n' || c == b'\r'
}

/// Consumes one line break at `p` (`\r\n`, `\n` or `\r`).
fn skip_break(s: &[u8], p: usize) -> usize {
    if s.get(p) == Some(&b'\r') && s.get(p + 1) == Some(&b'\n') {
        p + 2
    } else {
        p + 1
    }
}

/// Walks a flow scalar's source (`quote`: none for plain) against its decoded value.
fn map_flow(src: &str, value: &str, quote: Option<u8>, map: &mut TableBuilder<'_>) -> Option<()> {
    let s = src.as_bytes();
    let v = value.as_bytes();
    let (lo, hi) = match quote {
        None => (0, s.len()),
        Some(q) => {
            if s.len() < 2 || s[0] != q || s[s.len() - 1] != q {
                return None;
            }
            (1, s.len() - 1)
        }
    };
    let mut i = lo;
    let mut vpos = 0usize;
    while i < hi {
        let c = s[i];
        if matches!(c, b' ' | b'\t') || is_break(c) {
            let mut j = i;
            while j < hi && matches!(s[j], b' ' | b'\t') {
                j += 1;
            }
            if j < hi && is_break(s[j]) {
                // Line folding: trailing blanks, k breaks (k-1 empty lines), leading blanks.
                let nl = j;
                let mut p = j;
                let mut k = 0usize;
                loop {
                    p = skip_break(s, p);
                    k += 1;
                    while p < hi && matches!(s[p], b' ' | b'\t') {
                        p += 1;
                    }
                    if !(p < hi && is_break(s[p])) {
                        break;
                    }
                }
                let (sep, n) = if k == 1 { (b' ', 1) } else { (b'\n', k - 1) };
                if vpos + n > v.len() || v[vpos..vpos + n].iter().any(|&b| b != sep) {
                    return None;
                }
                map.repeat(nl, n);
                vpos += n;
                i = p;
                continue;
            }
            if v.get(vpos) != Some(&c) {
                return None;
            }
            map.character(i, 1);
            vpos += 1;
            i += 1;
            continue;
        }
        if quote == Some(b'\'') && c == b'\'' {
            if s.get(i + 1) != Some(&b'\'') || v.get(vpos) != Some(&b'\'') {
                return None;
            }
            map.character(i, 1);
            vpos += 1;
            i += 2;
            continue;
        }
        if quote == Some(b'"') && c == b'\\' {
            if s.get(i + 1).is_some_and(|&n| is_break(n)) {
                // Escaped line break: joins the lines without a space.
                let mut p = skip_break(s, i + 1);
                while p < hi && matches!(s[p], b' ' | b'\t') {
                    p += 1;
                }
                if p < hi && is_break(s[p]) {
                    return None;
                }
                i = p;
                continue;
            }
            let (ch, len) = decode_escape(src.get(i + 1..hi)?)?;
            let mut buf = [0u8; 4];
            let enc = ch.encode_utf8(&mut buf).as_bytes();
            if !v[vpos..].starts_with(enc) {
                return None;
            }
            map.character(i, enc.len());
            vpos += enc.len();
            i += len;
            continue;
        }
        let n = utf8_len(c);
        if i + n > hi || vpos + n > v.len() || s[i..i + n] != v[vpos..vpos + n] {
            return None;
        }
        map.character(i, n);
        vpos += n;
        i += n;
    }
    if vpos == v.len() {
        map.character(i, 1);
    }
    Some(())
}

/// Decodes the escape after a backslash: (character, source length including the backslash).
fn decode_escape(rest: &str) -> Option<(char, usize)> {
    let n = rest.chars().next()?;
    let c = match n {
        '0' => '\0',
        'a' => '\x07',
        'b' => '\x08',
        't' | '\t' => '\t',
        'n' => '\n',
        'v' => '\x0b',
        'f' => '\x0c',
        'r' => '\r',
        'e' => '\x1b',
        ' ' => ' ',
        '"' => '"',
        '/' => '/',
        '\\' => '\\',
        'N' => '\u{85}',
        '_' => '\u{a0}',
        'L' => '\u{2028}',
        'P' => '\u{2029}',
        'x' | 'u' | 'U' => {
            let width = match n {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            let hex = rest.get(1..1 + width)?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            let cp = u32::from_str_radix(hex, 16).ok()?;
            return Some((char::from_u32(cp)?, 2 + width));
        }
        _ => return None,
    };
    Some((c, 1 + n.len_utf8()))
}

/// Walks a block scalar's source (starting at its header) against its decoded value.
fn map_block(src: &str, value: &str, folded: bool, map: &mut TableBuilder<'_>) -> Option<()> {
    let s = src.as_bytes();
    let v = value.as_bytes();
    let header_end = s.iter().position(|&c| c == b'\n')?;
    // An explicit indentation indicator needs the parent's indentation, which we do not know:
    // auto-detection plus exact verification below either agrees or gives up.
    let body_start = header_end + 1;
    // Lines of the body: (start, end without the line break).
    let mut lines = Vec::new();
    let mut p = body_start;
    while p <= s.len() {
        let end = s[p..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(s.len(), |i| p + i);
        let content_end = if end > p && s[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        lines.push((p, content_end));
        if end >= s.len() {
            break;
        }
        p = end + 1;
    }
    let lead = |(a, b): (usize, usize)| s[a..b].iter().take_while(|&&c| c == b' ').count();
    let indent = lines
        .iter()
        .find(|&&(a, b)| s[a..b].iter().any(|&c| c != b' ' && c != b'\t'))
        .map(|&l| lead(l))?;
    let mut vpos = 0usize;
    let mut prev: Option<(bool, usize)> = None; // (more indented, line-break position)
    let mut empties = 0usize;
    for &(a, b) in &lines {
        let ld = lead((a, b));
        if ld == b - a && ld <= indent {
            empties += 1;
            continue;
        }
        if ld < indent {
            break;
        }
        let content_start = a + indent;
        let content = &s[content_start..b];
        let more = matches!(content.first(), Some(b' ' | b'\t'));
        // Separator produced by the breaks since the previous content line.
        let (sep, n, at) = match prev {
            None => (b'\n', empties, a),
            Some((prev_more, nl)) => {
                if folded && !prev_more && !more {
                    if empties == 0 {
                        (b' ', 1, nl)
                    } else {
                        (b'\n', empties, nl)
                    }
                } else {
                    (b'\n', empties + 1, nl)
                }
            }
        };
        if vpos + n > v.len() || v[vpos..vpos + n].iter().any(|&c| c != sep) {
            return None;
        }
        map.repeat(at, n);
        vpos += n;
        if vpos + content.len() > v.len() || &v[vpos..vpos + content.len()] != content {
            return None;
        }
        map.0.extend((content_start..b).map(|at| {
            // Only a character's first byte maps.
            if (s[at] as i8) < -0x40 {
                UNMAPPED
            } else {
                u32::try_from(at).unwrap_or(UNMAPPED)
            }
        }));
        vpos += content.len();
        prev = Some((more, b));
        empties = 0;
    }
    // The end of the last line maps too, as the end of the value or of its content before the
    // trailing breaks.
    if let Some((_, end)) = prev
        && map.len() == vpos
    {
        map.repeat(end, 1);
    }
    Some(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn block_path_matches_saphyr() {
        let mut failed = Vec::new();
        for text in BLOCK_SAMPLES {
            let fast = parse(text, &Limits::default());
            let saphyr = parse_without_fast_path(text, &Limits::default());
            if fast != saphyr {
                failed.push(format!(
                    "{text:?}\n  fast:   {fast:?}\n  saphyr: {saphyr:?}"
                ));
            }
        }
        assert!(failed.is_empty(), "{}", failed.join("\n"));
    }

    const BLOCK_SAMPLES: &[&str] = &[
        "",
        "# only a comment\n",
        "a: 1\n",
        "a: 1",
        "a: 1\nb: two words  \nc: 'q''s'\nd: \"dq\"  # c\n",
        "a:\nb: 1\n",
        "a:\n",
        "a:",
        "a:   # c\n  # d\nb:\n",
        "a:\n  b:\n    c: d\n  e: f\ng: h\n",
        "a:\n- 1\n- x: y\n  z: w\n-\n- - n\n  - m\nb: c\n",
        "a:\n  - 1\n  -   2\n",
        "- a\n- b: c\n  d: e\n- []\n- {}\n",
        "a:\n- []\n- [x, y]\n",
        "k: |\n  a\n  ",
        "k: >-\n  a\n ",
        "items:\n- #c\n- x\n",
        "# \x12\n--- a\n",
        ">\n\n---\na: 'b\n",
        "# \x12\n---\na: b\n---\nc\n",
        "a: &x {b: c}\n---\nd: e\n---\nf: *x\n",
        "items:\n-   # c\nk: v\n",
        // A first item that starts with a dash is not the sequence's own dash.
        "a:\n- ---x\n- -y\n",
        "a:\n- {}\nb:\n  - [x]\n",
        "---\na: 1\n---\nb: 2\n...\n",
        "a: {b: c}\n---\n\u{feff}d: e\n",
        "a: b\n---\n\u{feff}d: e\n",
        "a: [b]\r---\rc: d\r",
        "a: b\n---\0\nc: d\n---\ne: f\n",
        "a: [b]\r\n---\r\nc: d\r\n",
        // Where the leniency pass moves a later document's byte order mark.
        "a: {b: c}\n\u{feff}---\nd: e\n",
        "a: b\n\u{feff}---\nd: e\n",
        "---\na: 1\n---\nb: 2\n",
        "---\n---\na: 1\n",
        "---\n",
        "--- # c\na: 1\n",
        "# c\n---\na: 1\n",
        "\u{feff}# c\n---\na: 1\n",
        "a: 1\n---\n\t: x\n---\nb: 2\n",
        "a: [1]\n---\nb: 2\n",
        "a: |\n  x\n   y\n\n  z\n\nb: 1\n",
        "a: |-\n  x\n  y\n",
        "a: |\n  x\n  y",
        "a: >\n  x\n  y\n\n  z\n",
        "a: >-\n  x\n\n\n  y\n# c\nb: |\n    k\n  # not\n",
        "a: |\n\n  x\n",
        "a: |\n    \n  x\n",
        "a: |\n  x\n    \n",
        "- |\n  x\n- >\n  y\n",
        "a: b: c\n",
        "a: b\n  c\n",
        "a: 'b\n  c'\n",
        "a: \"b\\nc\"\n",
        "a: x #c\nb: x#y\nc: http://h:1/p\nd: -1\ne: :x\n",
        "'q k': 1\n\"d k\": 2\n",
        "a: 1\na: 2\n",
        "<<: {a: 1}\nb: 2\n",
        "a: &x 1\nb: *x\n",
        "a:\n  b: 1\n c: 2\n",
        "a: 1\n - b\n",
        "a:\n  - b\n  c: 1\n",
        "  a: 1\n  b: 2\n",
        "  a: 1\nb: 2\n",
        "key with spaces: v\n",
        "a : 1\n",
        "a: 1 # c\n# d\n\nb:\n  # e\n  c: 2\n",
        "a: 'x' y\n",
        "a: [] x\n",
        "-\n-\n",
        "-   \n- a\n",
        "- # c\n",
        "- # c\n- a\n",
        "a: # c\n",
        "- a\n-b\n",
        "- # c\n  a: 1\n",
        "a: |2\n   x\n",
        "a: |+\n  x\n\n",
        "a: é\nb: 日本\n",
        "a: \u{80}\n",
        "a: b\r\nc: d\r\n",
        "a: |\n  x\n---\nb: 1\n",
        "a: \"unterminated\n---\nb: 1\n",
        "a: 1\n--- \nb: 2\n",
        "---a: 1\n",
        "a: -\n",
        "a: ? x\n",
        "? a\n: b\n",
        "a: !!str 1\n",
        "a: %x\n",
        "a: @x\n",
    ];

    fn p(text: &str) -> Parsed {
        parse(text, &Limits::default())
    }

    fn sp(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn quoted_scalar_span_stops_at_the_closing_quote() {
        // Regression: saphyr's end mark includes blanks after the closing quote.
        let text = "a: 'x'\t \nb: \"y\"  # c\n";
        let p = parse(text, &Limits::default());
        let root = p.documents[0].root().unwrap();
        let a = root.get("a").unwrap().span();
        let b = root.get("b").unwrap().span();
        assert_eq!(&text[a.start..a.end], "'x'");
        assert_eq!(&text[b.start..b.end], "\"y\"");
    }

    #[test]
    fn key_value_spans_plain_quoted_block_flow() {
        let text = "a: 1\nb: 'two'\nc: \"th\\\"ree\"\nd: |\n  lit\n  more\ne: [x, {y: z}]\nf: >-\n  fold\n";
        let r = p(text);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let doc = &r.documents[0];
        let root = doc.root().unwrap();
        assert!(root.is_map());
        let (k, v) = root.get_entry("a").unwrap();
        assert_eq!(sp(text, k.span()), "a");
        assert_eq!(sp(text, v.span()), "1");
        assert_eq!(sp(text, root.get("b").unwrap().span()), "'two'");
        assert_eq!(
            root.get("b").unwrap().as_scalar(),
            Some(("two", Style::SingleQuoted))
        );
        assert_eq!(sp(text, root.get("c").unwrap().span()), "\"th\\\"ree\"");
        assert_eq!(root.get("c").unwrap().as_str(), Some("th\"ree"));
        let d = root.get("d").unwrap();
        assert_eq!(sp(text, d.span()), "|\n  lit\n  more");
        assert_eq!(d.as_scalar(), Some(("lit\nmore\n", Style::Literal)));
        let e = root.get("e").unwrap();
        assert_eq!(sp(text, e.span()), "[x, {y: z}]");
        let items: Vec<_> = e.items().collect();
        assert_eq!(items.len(), 2);
        assert_eq!(sp(text, items[1].span()), "{y: z}");
        assert_eq!(sp(text, items[1].get("y").unwrap().span()), "z");
        assert_eq!(sp(text, root.get("f").unwrap().span()), ">-\n  fold");
        assert_eq!(sp(text, root.span()), text.trim_end());
        assert_eq!(
            doc.span,
            Span {
                start: 0,
                end: text.trim_end().len()
            }
        );
    }

    #[test]
    fn indentless_sequence_spans_start_at_their_dash() {
        // saphyr's path moved a flow item's start back to the dash and lost its `]`.
        let text = "a:\n- []\n- [x, y]\n";
        let r = parse_without_fast_path(text, &Limits::default());
        let a = r.documents[0].root().unwrap().get("a").unwrap();
        assert_eq!(sp(text, a.span()), "- []\n- [x, y]");
        let items: Vec<_> = a.items().collect();
        assert_eq!(sp(text, items[0].span()), "[]");
        assert_eq!(sp(text, items[1].span()), "[x, y]");
        // Nor did it start at the dash when the first item began with one.
        let text = "a:\n- ---x\n";
        let r = parse_without_fast_path(text, &Limits::default());
        let a = r.documents[0].root().unwrap().get("a").unwrap();
        assert_eq!(sp(text, a.span()), "- ---x");
    }

    #[test]
    fn nested_block_spans_and_tags() {
        let text = "spec:\n  cidr: 10.0.0.0/16   # comment\n  list:\n  - a\n  - !!str b\n  t: !all() x\nz: &anc !!str \"q\"\n";
        let r = p(text);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let root = r.documents[0].root().unwrap();
        let spec = root.get("spec").unwrap();
        assert_eq!(
            sp(text, spec.span()),
            "cidr: 10.0.0.0/16   # comment\n  list:\n  - a\n  - !!str b\n  t: !all() x"
        );
        assert_eq!(sp(text, spec.get("cidr").unwrap().span()), "10.0.0.0/16");
        let list = spec.get("list").unwrap();
        assert_eq!(sp(text, list.span()), "- a\n  - !!str b");
        let b = list.items().nth(1).unwrap();
        assert_eq!(sp(text, b.span()), "b");
        assert_eq!(b.tag(), Some("!!str"));
        let t = spec.get("t").unwrap();
        assert_eq!(t.tag(), Some("!all()"));
        assert_eq!(sp(text, t.span()), "x");
        let z = root.get("z").unwrap();
        assert_eq!(sp(text, z.span()), "\"q\"");
        assert_eq!(z.tag(), Some("!!str"));
    }

    #[test]
    fn multi_doc_and_non_ascii() {
        let text = "# ünïcödé comment ✓\na: é\n---\nb: ✓✓ x\n---\n---\nname: \"日本\"\n";
        let r = p(text);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.documents.len(), 4);
        let a = r.documents[0].root().unwrap().get_entry("a").unwrap();
        assert_eq!(sp(text, a.0.span()), "a");
        assert_eq!(sp(text, a.1.span()), "é");
        let b = r.documents[1].root().unwrap().get("b").unwrap();
        assert_eq!(sp(text, b.span()), "✓✓ x");
        assert!(r.documents[2].root().is_none());
        let n = r.documents[3].root().unwrap().get("name").unwrap();
        assert_eq!(sp(text, n.span()), "\"日本\"");
        assert_eq!(sp(text, r.documents[1].span), "---\nb: ✓✓ x");
    }

    /// Issue 9 item 13: merge keys were kept as a key named `<<`, so a merged spec had "no
    /// cidr" and an "unknown field spec.<<". go-yaml v2 applies them.
    #[test]
    fn merge_keys_apply_as_go_yaml_v2_does() {
        let text = "base: &b {cidr: a, size: 1}\nother: &o {cidr: z, mode: m}\n\
                    m1: {<<: *b, size: 2}\n\
                    m2: {size: 2, <<: *b}\n\
                    m3: {<<: [*b, *o]}\n\
                    m4: {!!merge <<: *o}\n\
                    m5: {'<<': *o}\n";
        let r = p(text);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert!(r.duplicate_keys.is_empty(), "{:?}", r.duplicate_keys);
        let root = r.documents[0].root().unwrap();
        let get = |map: &str, key: &str| {
            root.get(map)
                .and_then(|m| m.get(key))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        // Later keys overwrite earlier ones, merged or not.
        assert_eq!(get("m1", "size").as_deref(), Some("2"));
        assert_eq!(get("m2", "size").as_deref(), Some("1"));
        // In a sequence of maps, the earlier map wins.
        assert_eq!(get("m3", "cidr").as_deref(), Some("a"));
        assert_eq!(get("m3", "mode").as_deref(), Some("m"));
        assert_eq!(get("m4", "cidr").as_deref(), Some("z"));
        // A quoted `<<` is an ordinary key.
        assert_eq!(get("m5", "cidr"), None);
        assert!(root.get("m5").unwrap().get("<<").is_some());
        assert!(root.get("m1").unwrap().get("<<").is_none());
        // Merged values keep their own spans.
        let cidr = root.get("m1").unwrap().get("cidr").unwrap().span();
        assert_eq!(cidr, root.get("base").unwrap().get("cidr").unwrap().span());
    }

    #[test]
    fn a_merge_of_a_scalar_is_an_error_and_merges_are_bounded() {
        let r = p("a: &s x\nb: {<<: *s}\n");
        assert_eq!(r.errors.len(), 1);
        assert!(
            r.errors[0].message.contains("map merge requires map"),
            "{:?}",
            r.errors
        );
        // Merging a chain keeps one entry per key.
        let mut text = String::from("l0: &l0 {a: 1, b: 2}\n");
        for level in 1..40 {
            let previous = level - 1;
            text.push_str(&format!(
                "l{level}: &l{level} {{<<: [*l{previous}, *l{previous}], k{level}: v}}\n"
            ));
        }
        let r = p(&text);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(
            r.documents[0]
                .root()
                .unwrap()
                .get("l39")
                .unwrap()
                .entries()
                .count(),
            41
        );
        // A wide map merged many times: the copies count against the node budget.
        let keys: Vec<String> = (0..5_000).map(|i| format!("k{i}: v")).collect();
        let mut text = format!("base: &b {{{}}}\n", keys.join(", "));
        for i in 0..100 {
            text.push_str(&format!("m{i}: {{<<: *b}}\n"));
        }
        let limits = Limits {
            max_nodes: 100_000,
            ..Limits::default()
        };
        let r = parse(&text, &limits);
        assert!(
            r.errors
                .iter()
                .any(|e| e.message.contains("too many nodes")),
            "{:?}",
            r.errors
        );
    }

    #[test]
    fn duplicate_keys_reported_and_kept() {
        let text = "a: 1\nb: 2\n'a': 3\n";
        let r = p(text);
        assert_eq!(r.duplicate_keys.len(), 1);
        let (first, second, key) = &r.duplicate_keys[0];
        assert_eq!(key, "a");
        assert_eq!(sp(text, *first), "a");
        assert_eq!(sp(text, *second), "'a'");
        let root = r.documents[0].root().unwrap();
        assert_eq!(root.entries().count(), 3);
        assert_eq!(root.get("a").unwrap().as_str(), Some("1"));
        // Large map: hash path.
        let mut big = String::new();
        for i in 0..40 {
            big.push_str(&format!("k{i}: v\n"));
        }
        big.push_str("k7: again\n");
        let r = p(&big);
        assert_eq!(r.duplicate_keys.len(), 1);
        assert_eq!(r.duplicate_keys[0].2, "k7");
        assert_eq!(sp(&big, r.duplicate_keys[0].1), "k7");
        assert!(r.duplicate_keys[0].0.start < r.duplicate_keys[0].1.start);
    }

    #[test]
    fn alias_kept_as_reference() {
        let text = "base: &b\n  x: 1\nuse: *b\nlist: [*b, *b]\n";
        let r = p(text);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let root = r.documents[0].root().unwrap();
        let u = root.get("use").unwrap();
        assert!(matches!(r.documents[0].node(u.id).kind, NodeKind::Alias(_)));
        assert_eq!(sp(text, u.span()), "*b");
        assert!(u.is_map());
        assert_eq!(u.get("x").unwrap().as_str(), Some("1"));
        assert_eq!(sp(text, u.get("x").unwrap().span()), "1");
        assert_eq!(root.get("list").unwrap().items().count(), 2);
    }

    #[test]
    fn alias_bomb_is_linear() {
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for w in names.windows(2) {
            let refs = vec![format!("*{}", w[0]); 9].join(",");
            text.push_str(&format!("{}: &{} [{}]\n", w[1], w[1], refs));
        }
        let t = Instant::now();
        let r = p(&text);
        assert!(t.elapsed() < Duration::from_secs(1));
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert!(r.documents[0].nodes.len() < 200);
    }

    #[test]
    fn too_many_aliases() {
        let text = format!("a: &a x\nb: [{}]\n---\nok: 1\n", vec!["*a"; 20].join(","));
        let limits = Limits {
            max_aliases: 10,
            ..Limits::default()
        };
        let r = parse(&text, &limits);
        assert_eq!(r.errors.len(), 1);
        assert!(r.errors[0].message.contains("too many aliases"));
        assert_eq!(r.documents.len(), 1);
        assert!(r.documents[0].root().unwrap().get("ok").is_some());
    }

    #[test]
    fn recursive_alias_is_an_error() {
        let r = p("&a [*a]");
        assert!(r.documents.is_empty());
        assert_eq!(r.errors.len(), 1);
        assert!(r.errors[0].message.contains("recursive"), "{:?}", r.errors);
        assert_eq!(r.errors[0].span, Span { start: 4, end: 6 });
        let r = p("a: &x\n  b: *x\n");
        assert_eq!(r.errors.len(), 1);
        let r = p("a: *nope\n");
        assert_eq!(r.errors.len(), 1);
        assert!(r.documents.is_empty());
        // An anchor from another document does not leak.
        let r = p("a: &x 1\n---\nb: *x\n");
        assert_eq!(r.documents.len(), 1);
        assert_eq!(r.errors.len(), 1);
    }

    fn assert_deep_fails(text: &str) {
        let t = Instant::now();
        let r = p(text);
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "took {:?}",
            t.elapsed()
        );
        assert!(r.documents.is_empty());
        assert!(!r.errors.is_empty());
    }

    #[test]
    fn deep_nesting_fails_fast() {
        assert_deep_fails(&"[".repeat(100_000));
        assert_deep_fails(&"{".repeat(100_000));
        assert_deep_fails(&"- ".repeat(100_000));
        let mut s = String::new();
        for i in 0..2_000 {
            s.push_str(&" ".repeat(i));
            s.push_str("a:\n");
        }
        let r = p(&s);
        assert!(r.documents.is_empty());
        assert_eq!(r.errors.len(), 1);
        assert!(
            r.errors[0].message.contains("nesting deeper than 512"),
            "{:?}",
            r.errors
        );
        // Within the limit is fine.
        let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
        let r = p(&ok);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
    }

    #[test]
    fn depth_error_recovers_at_next_document() {
        let text = format!("a: 1\n---\n{}\n---\nc: 3\n", "- ".repeat(600));
        let r = p(&text);
        assert_eq!(r.documents.len(), 2);
        assert_eq!(r.errors.len(), 1);
        assert!(
            r.errors[0]
                .message
                .contains("nesting deeper than 512 levels")
        );
    }

    #[test]
    fn too_many_nodes_stops() {
        let limits = Limits {
            max_nodes: 10,
            ..Limits::default()
        };
        let r = parse(
            "a: 1\n---\n[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n---\nb: 1\n",
            &limits,
        );
        assert_eq!(r.documents.len(), 1);
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].message, "too many nodes");
    }

    #[test]
    fn huge_scalar() {
        let mut text = String::with_capacity(50_000_010);
        text.push_str("a: ");
        text.extend(std::iter::repeat_n('x', 50_000_000));
        text.push('\n');
        let r = p(&text);
        assert!(r.errors.is_empty());
        let v = r.documents[0].root().unwrap().get("a").unwrap();
        assert_eq!(v.as_str().map(str::len), Some(50_000_000));
        assert_eq!(
            v.span(),
            Span {
                start: 3,
                end: 50_000_003
            }
        );
    }

    #[test]
    fn error_recovery_keeps_other_documents() {
        let text = "a: 1\n---\nb: [1, 2\nc: 3\n---\nd: 4\n";
        let r = p(text);
        assert_eq!(r.documents.len(), 2, "{:?}", r.errors);
        assert!(r.documents[0].root().unwrap().get("a").is_some());
        let d = r.documents[1].root().unwrap().get_entry("d").unwrap();
        assert_eq!(sp(text, d.0.span()), "d");
        assert_eq!(d.0.span().start, text.find("d:").unwrap());
        assert_eq!(r.errors.len(), 1);
        let line = text[..r.errors[0].span.start].matches('\n').count() + 1;
        // saphyr detects the unclosed `[` at the `:` on line 4.
        assert_eq!(line, 4, "{:?}", r.errors);
        // Error reported at the next document's marker still lets that document through.
        let text = "a: 1\n---\nb: [1, 2\n---\nd: 4\n";
        let r = p(text);
        assert_eq!(r.documents.len(), 2, "{:?}", r.errors);
        assert_eq!(r.errors.len(), 1);
        // Non-ASCII before the error.
        let text = "é: 1\n---\nb: [ü, 2\nc: 3\n---\nd: 4\n";
        let r = p(text);
        assert_eq!(r.documents.len(), 2);
        assert!(text.is_char_boundary(r.errors[0].span.start));
        assert_eq!(
            sp(
                text,
                r.documents[1].root().unwrap().get("d").unwrap().span()
            ),
            "4"
        );
    }

    #[test]
    fn nul_does_not_panic() {
        let _ = p("x: 1\n\0y: 2\n");
        let _ = p("\0");
        let _ = p("a: \"\0\"\n");
    }

    fn ty(text: &str) -> ScalarType {
        let r = p(&format!("v: {text}\n"));
        assert!(r.errors.is_empty(), "{text}: {:?}", r.errors);
        r.documents[0]
            .root()
            .unwrap()
            .get("v")
            .unwrap()
            .scalar_type()
    }

    #[test]
    fn scalar_types() {
        use ScalarType::*;
        let table: &[(&str, ScalarType)] = &[
            ("yes", Bool(true)),
            ("no", Bool(false)),
            ("on", Bool(true)),
            ("off", Bool(false)),
            ("y", Bool(true)),
            ("n", Bool(false)),
            ("True", Bool(true)),
            ("\"yes\"", Str),
            ("0x1A", Int(26)),
            ("0644", Int(420)),
            ("1_000", Int(1000)),
            ("26", Int(26)),
            ("-26", Int(-26)),
            ("+26", Int(26)),
            ("0b101", Int(5)),
            ("\"26\"", Str),
            ("'26'", Str),
            ("~", Null),
            ("null", Null),
            ("", Null),
            ("1e3", Float),
            ("1.5", Float),
            (".5", Float),
            ("08", Float),
            (".inf", Float),
            ("-.Inf", Float),
            (".nan", Float),
            ("!!str 26", Str),
            ("!!int \"26\"", Int(26)),
            ("!!bool yes", Bool(true)),
            ("!!int abc", Str),
            ("!!null ~", Null),
            ("!!float 1", Float),
            ("!custom 26", Str),
            ("10.0.0.0/16", Str),
            ("1.2.3", Str),
            ("0x", Str),
            ("9223372036854775807", Int(i64::MAX)),
            ("-9223372036854775808", Int(i64::MIN)),
            ("18446744073709551615", Float),
            ("|\n  26", Str),
            ("yess", Str),
        ];
        for (text, want) in table {
            assert_eq!(ty(text), *want, "{text}");
        }
        let r = p("v: [1]\n");
        assert_eq!(
            r.documents[0]
                .root()
                .unwrap()
                .get("v")
                .unwrap()
                .scalar_type(),
            NotScalar
        );
        assert!(
            p("v: ~\n").documents[0]
                .root()
                .unwrap()
                .get("v")
                .unwrap()
                .is_null()
        );
        assert!(
            p("v:\n").documents[0]
                .root()
                .unwrap()
                .get("v")
                .unwrap()
                .is_null()
        );
        assert!(
            !p("v: ''\n").documents[0]
                .root()
                .unwrap()
                .get("v")
                .unwrap()
                .is_null()
        );
    }

    /// Checks that every value offset maps to the source character that produced it.
    fn offsets(text: &str, key: &str) -> Vec<Option<usize>> {
        let r = p(text);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let v = r.documents[0].root().unwrap().get(key).unwrap();
        let value = v.as_str().unwrap();
        let map = v.value_map(text);
        (0..=value.len())
            .map(|o| map.as_ref().and_then(|map| map.get(o)))
            .collect()
    }

    #[test]
    fn value_offsets_plain() {
        let text = "a: hello world\n";
        let o = offsets(text, "a");
        assert_eq!(o[0], Some(3));
        assert_eq!(o[6], Some(9));
        assert_eq!(o[11], Some(14));
    }

    #[test]
    fn value_offsets_single_quoted() {
        let text = "a: 'it''s x'\n";
        // value: it's x
        let o = offsets(text, "a");
        assert_eq!(o[0], Some(4));
        assert_eq!(o[2], Some(6)); // the ' from ''
        assert_eq!(o[3], Some(8)); // s
        assert_eq!(o[5], Some(10)); // x
        assert_eq!(o[6], Some(11)); // closing quote = just after
    }

    #[test]
    fn value_offsets_double_quoted() {
        let text = "a: \"q\\\"x\\ty\\u00e9z\"\n";
        // value: q"x<TAB>yéz
        let o = offsets(text, "a");
        assert_eq!(o[0], Some(4)); // q
        assert_eq!(o[1], Some(5)); // \"
        assert_eq!(o[2], Some(7)); // x
        assert_eq!(o[3], Some(8)); // \t
        assert_eq!(o[4], Some(10)); // y
        assert_eq!(o[5], Some(11)); // \u00e9
        assert_eq!(o[6], None); // inside é
        assert_eq!(o[7], Some(17)); // z
        assert_eq!(o[8], Some(18)); // end
    }

    #[test]
    fn value_offsets_block() {
        let text = "a: |  # c\n  one\n\n    two\n  three\nb: >\n  f1\n  f2\n\n  f3\n";
        let o = offsets(text, "a");
        let value = "one\n\n  two\nthree\n";
        let line = |n: &str| text.find(n).unwrap();
        assert_eq!(o[0], Some(line("one")));
        assert_eq!(o[value.find("two").unwrap()], Some(line("two")));
        assert_eq!(o[value.find("  two").unwrap()], Some(line("  two")));
        assert_eq!(o[value.find("three").unwrap() + 2], Some(line("three") + 2));
        let o = offsets(text, "b");
        let value = "f1 f2\nf3\n";
        assert_eq!(o[value.find("f2").unwrap()], Some(line("f2")));
        assert_eq!(o[value.find("f3").unwrap() + 1], Some(line("f3") + 1));
        assert_eq!(o[2], Some(line("f1") + 2)); // the folded space → the line break
    }

    #[test]
    fn value_offsets_non_ascii_and_multiline() {
        let text = "ü: x\na: \"日本 ok\"\nb: plain\n  folded ✓\n";
        let o = offsets(text, "a");
        let q = text.find('"').unwrap();
        assert_eq!(o[0], Some(q + 1));
        assert_eq!(o[3], Some(q + 4));
        assert_eq!(o[1], None);
        assert_eq!(o["日本 ".len()], Some(text.find("ok").unwrap()));
        let o = offsets(text, "b");
        assert_eq!(o["plain ".len()], Some(text.find("folded").unwrap()));
        assert_eq!(o["plain".len()], Some(text.find("plain").unwrap() + 5));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn never_panics_and_spans_valid(text in "(\\PC|[\\[\\]{}:,'\"\\\\|>&*!#? \n-]|\u{0}|\t|\r){0,80}") {
            check_spans(&text);
        }

        #[test]
        fn yamlish_never_panics(text in "([a-zé ]{0,4}(: |- |\n|  |---\n|&a |\\*a |!t |\\[|\\]|\\{|\\}|, |'|\"|\\|\n|>-\n|#c)){0,30}") {
            check_spans(&text);
        }
    }

    fn check_spans(text: &str) {
        let r = p(text);
        let ok = |s: Span| {
            s.start <= s.end
                && s.end <= text.len()
                && text.is_char_boundary(s.start)
                && text.is_char_boundary(s.end)
        };
        for d in &r.documents {
            assert!(ok(d.span), "{:?}", d.span);
            for (i, n) in d.nodes.iter().enumerate() {
                assert!(ok(n.span), "{:?} in {text:?}", n.span);
                let nr = d.node_ref(i as NodeId);
                let _ = nr.scalar_type();
                let src = &text[n.span.start..n.span.end];
                match &n.kind {
                    NodeKind::Scalar {
                        value,
                        style: Style::Plain,
                    } if !value.is_empty() && !src.contains(['\n', '\r']) => {
                        assert_eq!(src, value, "plain span in {text:?}");
                    }
                    NodeKind::Scalar {
                        style: Style::SingleQuoted,
                        ..
                    } => {
                        assert!(
                            src.len() >= 2 && src.starts_with('\'') && src.ends_with('\''),
                            "{src:?} in {text:?}"
                        );
                    }
                    NodeKind::Scalar {
                        style: Style::DoubleQuoted,
                        ..
                    } => {
                        assert!(
                            src.len() >= 2 && src.starts_with('"') && src.ends_with('"'),
                            "{src:?} in {text:?}"
                        );
                    }
                    NodeKind::Scalar {
                        style: Style::Literal,
                        ..
                    } => assert!(src.starts_with('|'), "{src:?} in {text:?}"),
                    NodeKind::Scalar {
                        style: Style::Folded,
                        ..
                    } => assert!(src.starts_with('>'), "{src:?} in {text:?}"),
                    NodeKind::Alias(_) => assert!(src.starts_with('*'), "{src:?} in {text:?}"),
                    NodeKind::Seq(items) if !items.is_empty() => {
                        assert!(src.starts_with(['[', '-']), "{src:?} in {text:?}");
                    }
                    _ => {}
                }
                if let (Some(v), Some(map)) = (nr.as_str(), nr.value_map(text)) {
                    for o in 0..=v.len() {
                        if let Some(x) = map.get(o) {
                            assert!(x <= text.len() && text.is_char_boundary(x));
                        }
                    }
                }
            }
        }
        for e in &r.errors {
            assert!(ok(e.span), "{:?}", e.span);
        }
        for (a, b, _) in &r.duplicate_keys {
            assert!(ok(*a) && ok(*b));
        }
    }
}

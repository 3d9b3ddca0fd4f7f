//! The block-YAML fast path: one document of the plain block YAML nearly every manifest is
//! written in (block mappings and sequences, one-line plain and quoted scalars, literal and
//! folded block scalars, comments, `[]` and `{}`), read straight from the bytes into the same
//! tree [`super::parse_slice`] builds from saphyr's events.
//!
//! It is a recogniser of a subset, not a second YAML parser: the first construct outside the
//! subset (an anchor, a tag, a flow collection, a multi-line plain or quoted scalar, an escape,
//! a tab, a merge key, a chomping indicator it does not fold, anything it would have to judge
//! an error) makes it give up on the document, and saphyr parses that document as before. So
//! what it accepts it must build exactly as saphyr would; `tests::block_path_matches_saphyr`
//! and the `yaml_loader` fuzz target check that on every input they see.
//!
//! saphyr spends most of a pool file's load turning characters into tokens and tokens into
//! events (issue 13): here a mapping entry is a few `memchr`s over its line.

use super::{Document, Node, NodeId, NodeKind, Span, Style, find_duplicates, trim_end_ws};

/// Deeper documents are left to the saphyr path, which has the depth limit and its message;
/// this bound also keeps the recursion here shallow.
const MAX_DEPTH: usize = 64;

/// A document built by the fast path, with its duplicate keys.
pub(super) struct Built {
    pub document: Option<Document>,
    pub duplicates: Vec<(Span, Span, String)>,
}

/// Builds the document in `text[start..end]` (from a line start up to the next `---` line or
/// the end), or `None` when it is not in the subset. `Some` with no document means the range
/// held only comments and blank lines, for which saphyr reports no document either.
pub(super) fn document(text: &str, start: usize, end: usize, budget: usize) -> Option<Built> {
    let b = text.as_bytes().get(..end)?;
    if !plain_bytes(b.get(start..)?) {
        return None;
    }
    let mut reader = Reader {
        text,
        b,
        nodes: Vec::new(),
        duplicates: Vec::new(),
        depth: 0,
    };
    let explicit = super::is_document_marker(b, start);
    let body = if explicit {
        reader.end_of_line(start + 3)?
    } else {
        start
    };
    let first = reader.next_content(body);
    let Some(first) = first else {
        // An explicit empty document ends where saphyr finds its next token: its business.
        return (!explicit).then(|| Built {
            document: None,
            duplicates: Vec::new(),
        });
    };
    let (root, after) = reader.collection(first)?;
    if after.is_some() || reader.nodes.len() > budget {
        return None;
    }
    let root_end = reader.nodes.get(root as usize)?.span.end;
    let doc_start = if explicit { start } else { first.pos };
    Some(Built {
        document: Some(Document {
            nodes: reader.nodes,
            root: Some(root),
            span: Span {
                start: doc_start,
                end: root_end.max(if explicit { start + 3 } else { doc_start }),
            },
        }),
        duplicates: reader.duplicates,
    })
}

/// No byte the subset leaves to saphyr's judgement: C0 controls but the line feed (tabs and
/// carriage returns included), DEL, and the lead bytes of the C1 controls (U+0080–U+009F, which
/// shares its lead byte with U+00A0–U+00BF) and of U+F000–U+FFFF (the byte order mark, the
/// noncharacters U+FFFE/U+FFFF).
fn plain_bytes(b: &[u8]) -> bool {
    // Fold whole chunks without an early exit so the loop vectorises; the text is valid.
    b.chunks(256).all(|chunk| {
        !chunk.iter().fold(false, |bad, &c| {
            bad | ((c < 0x20) & (c != b'\n')) | (c == 0x7f) | (c == 0xc2) | (c == 0xef)
        })
    })
}

/// The first content byte of a line and its column.
#[derive(Clone, Copy, Debug)]
struct Line {
    pos: usize,
    col: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Parent {
    /// A mapping value: an indentless sequence may follow at the mapping's own column.
    Map,
    /// A sequence item: a nested sequence or a mapping may start on the dash's line.
    Seq,
}

/// What follows a node: the next content line, or `None` at the end of the document.
type Next = Option<Line>;

struct Reader<'t> {
    text: &'t str,
    b: &'t [u8],
    nodes: Vec<Node>,
    duplicates: Vec<(Span, Span, String)>,
    depth: usize,
}

impl Reader<'_> {
    fn end(&self) -> usize {
        self.b.len()
    }

    fn line_end(&self, from: usize) -> usize {
        memchr::memchr(b'\n', self.b.get(from..).unwrap_or_default())
            .map_or(self.end(), |i| from + i)
    }

    /// The next line with content from the line starting at `from`, over blank and comment
    /// lines.
    fn next_content(&self, mut from: usize) -> Next {
        let end = self.end();
        while from < end {
            let mut p = from;
            while p < end && self.b[p] == b' ' {
                p += 1;
            }
            match self.b.get(p) {
                None => return None,
                Some(b'\n') => from = p + 1,
                Some(b'#') => from = self.line_end(p) + 1,
                Some(_) => {
                    return Some(Line {
                        pos: p,
                        col: p - from,
                    });
                }
            }
        }
        None
    }

    /// After a node that ends on its line: blanks and a comment may follow, nothing else. Returns
    /// the start of the next line.
    fn end_of_line(&self, mut p: usize) -> Option<usize> {
        let start = p;
        while self.b.get(p) == Some(&b' ') {
            p += 1;
        }
        match self.b.get(p) {
            None => Some(self.end()),
            Some(b'\n') => Some(p + 1),
            Some(b'#') if p > start => Some(self.line_end(p) + 1),
            Some(_) => None,
        }
    }

    fn push(&mut self, kind: NodeKind, span: Span) -> NodeId {
        let id = self.nodes.len() as NodeId;
        self.nodes.push(Node {
            kind,
            span,
            tag: None,
        });
        id
    }

    /// Gives a collection, pushed before its children so that it precedes them as in saphyr's
    /// tree, its children and span.
    fn fill(&mut self, id: NodeId, kind: NodeKind, span: Span) -> Option<()> {
        let node = self.nodes.get_mut(id as usize)?;
        node.kind = kind;
        node.span = span;
        Some(())
    }

    fn scalar(&mut self, value: String, style: Style, start: usize, end: usize) -> NodeId {
        self.push(NodeKind::Scalar { value, style }, Span { start, end })
    }

    fn str(&self, start: usize, end: usize) -> Option<&str> {
        self.text.get(start..end)
    }

    fn is_dash(&self, p: usize) -> bool {
        self.b.get(p) == Some(&b'-') && matches!(self.b.get(p + 1), None | Some(b' ' | b'\n'))
    }

    /// A block collection starting at `at`: a sequence at a dash, else a mapping at a key.
    fn collection(&mut self, at: Line) -> Option<(NodeId, Next)> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let built = if self.is_dash(at.pos) {
            self.sequence(at)
        } else {
            self.mapping(at)
        };
        self.depth -= 1;
        built
    }

    fn sequence(&mut self, at: Line) -> Option<(NodeId, Next)> {
        let id = self.push(NodeKind::Seq(Vec::new()), Span::default());
        let mut items = Vec::new();
        let mut end = at.pos;
        let mut line = at;
        let next = loop {
            let (item, next) = self.value(line.pos + 1, line.col, Parent::Seq)?;
            items.push(item);
            end = end.max(self.nodes.get(item as usize)?.span.end);
            match next {
                Some(n) if n.col == at.col && self.is_dash(n.pos) => line = n,
                Some(n) if n.col > at.col => return None,
                other => break other,
            }
        };
        self.fill(id, NodeKind::Seq(items), Span { start: at.pos, end })?;
        Some((id, next))
    }

    fn mapping(&mut self, at: Line) -> Option<(NodeId, Next)> {
        let id = self.push(NodeKind::Map(Vec::new()), Span::default());
        let mut entries = Vec::new();
        let mut end = at.pos;
        let mut line = at;
        let next = loop {
            let (key, colon) = self.key(line.pos)?;
            let (value, next) = self.value(colon + 1, at.col, Parent::Map)?;
            entries.push((key, value));
            end = end.max(self.nodes.get(value as usize)?.span.end);
            match next {
                Some(n) if n.col == at.col && !self.is_dash(n.pos) => line = n,
                Some(n) if n.col >= at.col => return None,
                other => break other,
            }
        };
        find_duplicates(&self.nodes, &entries, &mut self.duplicates);
        self.fill(id, NodeKind::Map(entries), Span { start: at.pos, end })?;
        Some((id, next))
    }

    /// The implicit key at `p` on its line: its start, end and the colon after it.
    fn find_key(&self, p: usize) -> Option<(usize, usize, usize)> {
        let first = *self.b.get(p)?;
        let colon = match first {
            b'\'' | b'"' => {
                let close = self.quoted_end(p)?;
                (self.b.get(close) == Some(&b':')).then_some(close)?
            }
            _ if !self.plain_start(p) => return None,
            _ => {
                let line = self.b.get(p..self.line_end(p))?;
                let mut from = 0;
                loop {
                    let i = from + memchr::memchr2(b':', b'#', line.get(from..)?)?;
                    if line[i] == b'#' {
                        if line[i - 1] == b' ' {
                            return None;
                        }
                    } else if matches!(line.get(i + 1), None | Some(b' ')) {
                        break p + i;
                    }
                    from = i + 1;
                }
            }
        };
        if !matches!(self.b.get(colon + 1), None | Some(b' ' | b'\n')) {
            return None;
        }
        let key_end = if matches!(first, b'\'' | b'"') {
            colon
        } else {
            let mut e = colon;
            while e > p && self.b[e - 1] == b' ' {
                e -= 1;
            }
            e
        };
        Some((p, key_end, colon))
    }

    fn key(&mut self, p: usize) -> Option<(NodeId, usize)> {
        let (start, end, colon) = self.find_key(p)?;
        let id = match self.b[start] {
            b'\'' | b'"' => self.quoted(start, end)?,
            _ => {
                let value = self.str(start, end)?;
                if value == "<<" {
                    return None;
                }
                self.scalar(value.to_owned(), Style::Plain, start, end)
            }
        };
        Some((id, colon))
    }

    /// A plain scalar may start here (block context): not at an indicator, and at `-`, `?` or
    /// `:` only when a non-blank follows.
    fn plain_start(&self, p: usize) -> bool {
        match self.b.get(p) {
            None => false,
            Some(b'-' | b'?' | b':') => !matches!(self.b.get(p + 1), None | Some(b' ' | b'\n')),
            Some(
                b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
                | b'"' | b'%' | b'@' | b'`',
            ) => false,
            Some(_) => true,
        }
    }

    /// The value after a key's colon or a sequence's dash at `p`; `indent` is the column of the
    /// mapping or of the dash.
    fn value(&mut self, p: usize, indent: usize, parent: Parent) -> Option<(NodeId, Next)> {
        let mut q = p;
        while self.b.get(q) == Some(&b' ') {
            q += 1;
        }
        let on_line = match self.b.get(q) {
            None | Some(b'\n') => false,
            // A comment: `find_key` and `is_dash` saw a blank after the indicator.
            Some(b'#') => false,
            Some(_) => true,
        };
        if !on_line {
            let next = self.next_content(self.line_end(q) + 1);
            return match next {
                Some(n) if n.col > indent => self.collection(n),
                Some(n) if parent == Parent::Map && n.col == indent && self.is_dash(n.pos) => {
                    self.collection(n)
                }
                _ => {
                    // saphyr places an empty value at a mapping's colon, or at the end of a
                    // sequence dash's line.
                    let at = if parent == Parent::Map {
                        p - 1
                    } else {
                        self.line_end(q)
                    };
                    let id = self.scalar(String::new(), Style::Plain, at, at);
                    Some((id, next))
                }
            };
        }
        let col = indent + (q - p) + usize::from(parent == Parent::Seq);
        let id = match self.b[q] {
            b'|' | b'>' => return self.block_scalar(q, indent),
            b'\'' | b'"' => {
                let close = self.quoted_end(q)?;
                if self.find_key(q).is_some() {
                    return None;
                }
                let id = self.quoted(q, close)?;
                self.after_scalar(id, close, indent)?
            }
            b'[' | b'{' => {
                let kind = match self.b.get(q..q + 2)? {
                    b"[]" => NodeKind::Seq(Vec::new()),
                    b"{}" => NodeKind::Map(Vec::new()),
                    _ => return None,
                };
                let id = self.push(
                    kind,
                    Span {
                        start: q,
                        end: q + 2,
                    },
                );
                self.after_scalar(id, q + 2, indent)?
            }
            // saphyr starts the outer of two sequences opened on one line at the inner one.
            _ if self.is_dash(q) => return None,
            _ if parent == Parent::Seq && self.find_key(q).is_some() => {
                return self.collection(Line { pos: q, col });
            }
            _ if !self.plain_start(q) || self.find_key(q).is_some() => return None,
            _ => {
                let line_end = self.line_end(q);
                let line = self.b.get(q..line_end)?;
                let mut end = memchr::memmem::find(line, b" #").map_or(line_end, |i| q + i);
                while self.b[end - 1] == b' ' {
                    end -= 1;
                }
                let value = self.str(q, end)?.to_owned();
                let id = self.scalar(value, Style::Plain, q, end);
                self.after_scalar(id, end, indent)?
            }
        };
        Some(id)
    }

    /// Ends a one-line scalar: the rest of its line is blank or a comment, and no more-indented
    /// line continues it.
    fn after_scalar(&self, id: NodeId, end: usize, indent: usize) -> Option<(NodeId, Next)> {
        let next = self.next_content(self.end_of_line(end)?);
        match next {
            Some(n) if n.col > indent => None,
            _ => Some((id, next)),
        }
    }

    /// The end (past the closing quote) of the one-line quoted scalar at `p`.
    fn quoted_end(&self, p: usize) -> Option<usize> {
        let quote = *self.b.get(p)?;
        let mut i = p + 1;
        loop {
            let found = i + memchr::memchr3(quote, b'\n', b'\\', self.b.get(i..)?)?;
            match self.b[found] {
                b'\n' => return None,
                b'\\' if quote == b'"' => return None,
                b'\\' => i = found + 1,
                _ if quote == b'\'' && self.b.get(found + 1) == Some(&b'\'') => i = found + 2,
                _ => return Some(found + 1),
            }
        }
    }

    fn quoted(&mut self, start: usize, end: usize) -> Option<NodeId> {
        let inner = self.str(start + 1, end - 1)?;
        let (value, style) = if self.b[start] == b'\'' {
            (inner.replace("''", "'"), Style::SingleQuoted)
        } else {
            (inner.to_owned(), Style::DoubleQuoted)
        };
        Some(self.scalar(value, style, start, end))
    }

    /// A `|` or `>` block scalar whose header is at `h`, with clip or strip chomping and an
    /// indentation found from its first line; `indent` is the parent's column.
    fn block_scalar(&mut self, h: usize, indent: usize) -> Option<(NodeId, Next)> {
        let folded = self.b[h] == b'>';
        let strip = match self.b.get(h + 1) {
            Some(b'-') => true,
            Some(b' ' | b'\n') | None => false,
            Some(_) => return None,
        };
        let mut line = self.end_of_line(h + 1 + usize::from(strip))?;
        let end = self.end();
        // (content start, content end) of each line in the body; `None` for an empty line.
        let mut lines: Vec<Option<(usize, usize)>> = Vec::new();
        let mut width = None;
        let mut leading_spaces = 0;
        let next = loop {
            if line >= end {
                break None;
            }
            let eol = self.line_end(line);
            let mut p = line;
            while p < eol && self.b[p] == b' ' {
                p += 1;
            }
            let spaces = p - line;
            if p == eol {
                // saphyr reads a last line of only spaces, unterminated, as one more line break.
                if eol == end {
                    return None;
                }
                // Blank lines with more spaces than the body's indentation hold content.
                match width {
                    Some(w) if spaces > w => return None,
                    None => leading_spaces = leading_spaces.max(spaces),
                    _ => {}
                }
                lines.push(None);
                line = eol + 1;
                continue;
            }
            let w = *width.get_or_insert(spaces);
            if spaces < w || w <= indent {
                break self.next_content(line);
            }
            if spaces > w && folded {
                return None;
            }
            lines.push(Some((line + w, eol)));
            line = eol + 1;
        };
        let w = width?;
        if leading_spaces > w || lines.iter().all(Option::is_none) {
            return None;
        }
        while lines.last() == Some(&None) {
            lines.pop();
        }
        let mut value = String::new();
        let mut blank_run = 0;
        let mut last_end = h;
        for entry in &lines {
            let Some((s, e)) = *entry else {
                blank_run += 1;
                continue;
            };
            if last_end > h {
                if !folded {
                    value.push('\n');
                    value.extend(std::iter::repeat_n('\n', blank_run));
                } else if blank_run == 0 {
                    value.push(' ');
                } else {
                    value.extend(std::iter::repeat_n('\n', blank_run));
                }
            } else {
                value.extend(std::iter::repeat_n('\n', blank_run));
            }
            blank_run = 0;
            value.push_str(self.str(s, e)?);
            last_end = e;
        }
        // saphyr clips to one line break even where the text ends without one.
        if !strip {
            value.push('\n');
        }
        let span_end = trim_end_ws(self.text, h, last_end).max(h + 1);
        let style = if folded {
            Style::Folded
        } else {
            Style::Literal
        };
        let id = self.scalar(value, style, h, span_end);
        Some((id, next))
    }
}

//! Source texts and positions, the bottom layer every other module may use: the loader makes
//! spans, the model keeps them, reports draw them. Owns the mapping from byte offsets (what every
//! span in the crate is) to the 1-based line and Unicode-scalar column that users and CI
//! annotations see. It knows nothing of YAML, rules or clusters.

use std::sync::{Arc, OnceLock};

/// A byte range `start..end` into a source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Index of a file in a [`SourceMap`].
pub type SourceId = u32;

/// A place in a source: which file, which bytes. The offsets are kept in 32 bits: the model
/// holds about twenty per pool, and with 100k pools the 24-byte form was 34 MB of the peak. No
/// input comes near 4 GiB (files are capped at 32 MiB); an offset past it would point at the
/// last representable byte, never wrap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Loc {
    pub source: SourceId,
    start: u32,
    end: u32,
}

impl Loc {
    pub fn new(source: SourceId, span: Span) -> Self {
        let narrow = |offset: usize| u32::try_from(offset).unwrap_or(u32::MAX);
        Self {
            source,
            start: narrow(span.start),
            end: narrow(span.end),
        }
    }

    pub fn span(&self) -> Span {
        Span {
            start: self.start as usize,
            end: self.end as usize,
        }
    }
}

/// One input file (or stdin) as read, with its line-start table.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user should see it: the command-line argument joined with the path below it.
    pub name: String,
    pub text: Arc<str>,
    /// Built on the first position asked for: most files of a large run are never reported on.
    line_starts: OnceLock<Vec<usize>>,
    /// The text as snippets show it (see [`SourceFile::display_text`]).
    display: OnceLock<Arc<str>>,
    /// Characters before every `CHAR_CHECKPOINT`-th byte, `None` for an all-ASCII text: a
    /// column is then counted from the nearest checkpoint instead of from the line start, so
    /// many positions on one long line cost linear time, not quadratic (issue 9 item 7).
    char_checkpoints: OnceLock<Option<Vec<usize>>>,
    /// The file changed on disk between loading and reporting: its text is gone and no
    /// position in it can be trusted.
    changed: bool,
}

const CHAR_CHECKPOINT: usize = 4096;

/// Characters (Unicode scalar values) in a run of UTF-8 bytes, which need not start or end on a
/// character boundary: every byte that is not a continuation byte starts one.
fn chars_in(bytes: &[u8]) -> usize {
    if bytes.is_ascii() {
        bytes.len()
    } else {
        bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
    }
}

/// A 1-based line and column; the column counts Unicode scalar values, as CONTRACT §4 says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
            display: OnceLock::new(),
            char_checkpoints: OnceLock::new(),
            changed: false,
        }
    }

    /// A file that changed on disk after it was linted (see [`SourceFile::is_changed`]).
    pub fn changed(name: impl Into<String>) -> Self {
        Self {
            changed: true,
            ..Self::new(name, "")
        }
    }

    pub fn is_changed(&self) -> bool {
        self.changed
    }

    /// The text with every control character a terminal would act on (ESC, OSC, a lone CR, C1
    /// controls, ...) replaced by a visible one of the same byte length, so snippets cannot
    /// drive the terminal and every span still points at the same bytes. The text itself when it
    /// has none, which is the common case.
    pub fn display_text(&self) -> Arc<str> {
        Arc::clone(
            self.display
                .get_or_init(|| match visible_same_length(&self.text) {
                    Some(visible) => visible.into(),
                    None => Arc::clone(&self.text),
                }),
        )
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
                .collect()
        })
    }

    /// The 0-based line of a byte offset (clamped to the text).
    pub fn line_index(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.line_starts().partition_point(|&start| start <= offset) - 1
    }

    /// Lines in the text (a last line without a line feed counts).
    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// Byte range of line `index` without its line feed; past the last line, the end.
    pub fn line_range(&self, index: usize) -> std::ops::Range<usize> {
        let starts = self.line_starts();
        let len = self.text.len();
        let Some(&start) = starts.get(index) else {
            return len..len;
        };
        let end = starts.get(index + 1).map_or(len, |&next| next - 1);
        start..end.max(start)
    }

    /// Line and column of a byte offset; offsets past the end clamp to the end, offsets inside a
    /// multi-byte character count as that character.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line_starts = self.line_starts();
        let line_index = line_starts.partition_point(|&start| start <= offset) - 1;
        let line_start = line_starts[line_index];
        let column = self.chars_before(offset) - self.chars_before(line_start);
        LineCol {
            line: line_index + 1,
            column: column + 1,
        }
    }

    /// Characters in `text[..offset]`.
    fn chars_before(&self, offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        if offset < CHAR_CHECKPOINT {
            return chars_in(&bytes[..offset]);
        }
        let checkpoints = self.char_checkpoints.get_or_init(|| {
            if bytes.is_ascii() {
                return None;
            }
            let mut total = 0;
            let mut counts = vec![0];
            for chunk in bytes.chunks(CHAR_CHECKPOINT) {
                total += chars_in(chunk);
                counts.push(total);
            }
            Some(counts)
        });
        match checkpoints {
            None => offset,
            Some(counts) => {
                let chunk = offset / CHAR_CHECKPOINT;
                counts[chunk] + chars_in(&bytes[chunk * CHAR_CHECKPOINT..offset])
            }
        }
    }
}

/// `text` with terminal-active control characters replaced byte for byte (`?` for an ASCII
/// control, `·` for a two-byte C1 control), or `None` when there are none. Tabs, line feeds
/// and the CR of a CRLF stay.
pub fn visible_same_length(text: &str) -> Option<String> {
    let active = |(i, c): (usize, char)| {
        c.is_control()
            && c != '\n'
            && c != '\t'
            && !(c == '\r' && text.as_bytes().get(i + 1) == Some(&b'\n'))
    };
    if !text.char_indices().any(active) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if active((i, c)) {
            // Controls are U+0000-U+001F, U+007F (one byte) and U+0080-U+009F (two bytes,
            // like '·').
            out.push(if c.is_ascii() { '?' } else { '·' });
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// Every source a run has read, addressed by [`SourceId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<Arc<SourceFile>>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> SourceId {
        self.files.push(Arc::new(file));
        SourceId::try_from(self.files.len() - 1).unwrap_or(SourceId::MAX)
    }

    /// Puts a file's text back (see `lint::reload_sources`).
    pub fn replace(&mut self, id: SourceId, file: SourceFile) {
        if let Some(slot) = self.files.get_mut(id as usize) {
            *slot = Arc::new(file);
        }
    }

    pub fn get(&self, id: SourceId) -> Option<&Arc<SourceFile>> {
        self.files.get(id as usize)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_text_neutralises_terminal_controls_without_moving_spans() {
        let text = "a: \u{1b}]0;pwned\u{7}\r\nb: \u{9b}31m\rc\td\n";
        let file = SourceFile::new("x.yaml", text);
        let shown = file.display_text();
        assert_eq!(shown.len(), text.len());
        assert_eq!(&*shown, "a: ?]0;pwned?\r\nb: ·31m?c\td\n");
        let plain = SourceFile::new("y.yaml", "a: b\r\n");
        assert!(Arc::ptr_eq(&plain.display_text(), &plain.text));
    }

    #[test]
    fn line_col_counts_scalar_values_not_bytes() {
        let file = SourceFile::new("a.yaml", "ab\nçé: x\n\nlast");
        assert_eq!(file.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(2), LineCol { line: 1, column: 3 });
        assert_eq!(file.line_col(3), LineCol { line: 2, column: 1 });
        // "çé" is 4 bytes; the ':' after it is the third character.
        assert_eq!(file.line_col(7), LineCol { line: 2, column: 3 });
        assert_eq!(file.line_col(11), LineCol { line: 3, column: 1 });
        assert_eq!(file.line_col(12), LineCol { line: 4, column: 1 });
        assert_eq!(file.line_col(999), LineCol { line: 4, column: 5 });
    }

    /// Issue 9 item 7: columns were counted from the line start for every position, so a
    /// minified file with many findings on its one line cost positions × line length. Columns
    /// now count from checkpoints; this checks them against a plain count across checkpoint
    /// boundaries, on ASCII and non-ASCII lines.
    #[test]
    fn line_col_agrees_with_counting_from_the_line_start() {
        for unit in ["abc,", "é,x", "日本,"] {
            let text = format!("first\n{}\nlast é", unit.repeat(5_000));
            let file = SourceFile::new("a.json", text.as_str());
            for offset in (0..=text.len())
                .filter(|&o| text.is_char_boundary(o))
                .step_by(97)
            {
                let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
                let expected = LineCol {
                    line: text[..offset].matches('\n').count() + 1,
                    column: text[line_start..offset].chars().count() + 1,
                };
                assert_eq!(file.line_col(offset), expected, "{unit:?} at {offset}");
            }
        }
    }
}

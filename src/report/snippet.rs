//! The source text as miette reads it for snippets, backed by our line index.
//!
//! miette's own `SourceCode` for a string scans from offset 0 for every label, and its
//! graphical handler panics when a label starts past column 65,535 (it pads with a `u16`
//! width). Here a span's lines are found through the line index, and a line longer than
//! [`LONG_LINE`] bytes (a minified JSON manifest) is shown as a window around the span only;
//! the label says which columns are shown. The text shown is [`SourceFile::display_text`], so
//! control characters from the input never reach the terminal.

use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::source::SourceFile;

/// Lines longer than this are clipped around the span.
pub const LONG_LINE: usize = 512;
/// Bytes shown on each side of a span in a clipped line.
const WINDOW: usize = 80;
/// Longest label span drawn in a clipped line.
const LONGEST_LABEL: usize = 256;

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// One source, named as the header shows it.
#[derive(Debug)]
pub struct Snippet {
    name: String,
    file: Arc<SourceFile>,
    text: Arc<str>,
}

impl Snippet {
    pub fn new(name: String, file: &Arc<SourceFile>) -> Self {
        Self {
            name,
            text: file.display_text(),
            file: Arc::clone(file),
        }
    }

    /// Whether a span lies on a line too long to draw whole.
    fn clipped(&self, start: usize, end: usize) -> bool {
        let first = self.file.line_index(start);
        let last = self.file.line_index(end.max(start));
        (first..=last).any(|line| self.file.line_range(line).len() > LONG_LINE)
    }

    /// The span a label may use, and a note to add to the label when its line is clipped.
    pub fn label_span(&self, start: usize, end: usize) -> (SourceSpan, Option<String>) {
        let end = end.max(start);
        if !self.clipped(start, end) {
            return (SourceSpan::new(start.into(), end - start), None);
        }
        let shown_end = ceil_boundary(&self.text, end.min(start + LONGEST_LABEL));
        let line = self.file.line_range(self.file.line_index(start));
        let from = floor_boundary(&self.text, start.saturating_sub(WINDOW).max(line.start));
        let to = ceil_boundary(&self.text, (shown_end + WINDOW).min(line.end));
        let column = |offset: usize| self.text[line.start..offset].chars().count() + 1;
        let note = format!(
            "line {} is {} characters long: columns {}-{} shown",
            self.file.line_index(start) + 1,
            self.text[line.clone()].chars().count(),
            column(from),
            // `to` is exclusive: the last column shown is the one before it.
            (column(to) - 1).max(column(from)),
        );
        (SourceSpan::new(start.into(), shown_end - start), Some(note))
    }
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text = &*self.text;
        let start = span.offset();
        let end = start + span.len();
        if start > text.len() || end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.file.line_index(start);
        // A span that ends with its line feed reaches into the next line, as miette's own
        // reader counts it.
        let last = if end > start && text.as_bytes()[end - 1] == b'\n' {
            self.file.line_index(end)
        } else {
            self.file.line_index(end.saturating_sub(1).max(start))
        };
        let (data_start, data_end, line) = if self.clipped(start, end) {
            // The span's own line only, a window around the span.
            let range = self.file.line_range(first);
            let from = if context_lines_before == 0 {
                start
            } else {
                floor_boundary(text, start.saturating_sub(WINDOW).max(range.start))
            };
            let to = ceil_boundary(text, (end + WINDOW).min(self.file.line_range(last).end));
            (from, to.max(from), first)
        } else {
            // Context lines stop before a line too long to draw: a short line beside a
            // minified one must not print it whole.
            let short = |line: &usize| self.file.line_range(*line).len() <= LONG_LINE;
            let from_line = (first.saturating_sub(context_lines_before)..first)
                .rev()
                .take_while(short)
                .last()
                .unwrap_or(first);
            let to_line = (last + 1
                ..=(last + context_lines_after).min(self.file.line_count().saturating_sub(1)))
                .take_while(short)
                .last()
                .unwrap_or(last);
            let from = if context_lines_before == 0 {
                start
            } else {
                self.file.line_range(from_line).start
            };
            let line_end = self.file.line_range(to_line).end;
            // Include the line feed, as miette's own reader does.
            let to = if line_end < text.len() {
                line_end + 1
            } else {
                line_end
            };
            (from, to.max(from), from_line)
        };
        let line_start = self.file.line_range(line).start;
        let column = text[line_start..data_start.max(line_start)].chars().count();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &text.as_bytes()[data_start..data_end],
            SourceSpan::new(data_start.into(), data_end - data_start),
            line,
            column,
            // The lines of the contents. miette's own reader counts the line feeds from the
            // start of the text instead, which made it merge every snippet of a file with many
            // labels into one and render it once per label: quadratic (issue 9 item 5).
            self.file.line_index(data_end) - line,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The contents of a span are its lines and the context lines, however large the file:
    /// reading from the start of the text made human output quadratic (issue 9 item 5).
    #[test]
    fn contents_hold_the_spans_lines_only() {
        let text: String = (0..20_000).map(|i| format!("line: {i}\n")).collect();
        let file = Arc::new(SourceFile::new("big.yaml", text.as_str()));
        let snippet = Snippet::new("big.yaml".to_owned(), &file);
        let start = text.find("line: 15000").unwrap() + 6;
        let span = SourceSpan::new(start.into(), 5);
        let contents = snippet.read_span(&span, 1, 1).unwrap();
        let data = std::str::from_utf8(contents.data()).unwrap();
        assert_eq!(data, "line: 14999\nline: 15000\nline: 15001\n");
        assert_eq!(contents.line(), 14_999);
        let primary = snippet.read_span(&span, 0, 0).unwrap();
        assert_eq!(std::str::from_utf8(primary.data()).unwrap(), "15000\n");
        assert_eq!(primary.column(), 6);
    }
}

//! Where our YAML parser is stricter than go-yaml v2, which Kubernetes reads manifests with
//! (through sigs.k8s.io/yaml), the text is patched and parsed again, so that a file kubectl
//! accepts is linted instead of reported as invalid YAML (issue 9 item 15). Every patch keeps
//! the text's length and the offset of every token, so spans stay true for the original text:
//! - a tab after a mapping `:` (libyaml counts a tab as blank) becomes a space;
//! - a comment touching a quoted scalar (`'v'#c`, a comment to libyaml) becomes spaces;
//! - a line break inside a flow collection whose next line is indented no deeper than its key
//!   (libyaml ignores indentation inside flow collections) becomes a space;
//! - a byte order mark at the start of a later document (kubectl splits documents before
//!   parsing each) moves before that document's `---` marker.

use std::borrow::Cow;

use super::yaml::Parsed;

/// Patches at most this many places per file: each costs a parse of the file.
const MAX_PATCHES: usize = 16;

/// Parses `text` with `parse`, patching and parsing again while an error is one go-yaml v2
/// would not raise. Returns the text the tree was parsed from (the original when nothing was
/// patched) and the tree.
pub fn parse_leniently<'t, T>(
    text: &'t str,
    mut parse: impl FnMut(&str) -> (Parsed, T),
) -> (Cow<'t, str>, Parsed, T) {
    let (mut parsed, mut extra) = parse(text);
    let mut patched: Cow<'t, str> = Cow::Borrowed(text);
    for _ in 0..MAX_PATCHES {
        let Some(next) = parsed
            .errors
            .iter()
            .find_map(|error| patch(&patched, &error.message, error.span.start))
        else {
            break;
        };
        (parsed, extra) = parse(&next);
        patched = Cow::Owned(next);
    }
    (patched, parsed, extra)
}

/// The text with the one place `message` at `at` complains of made acceptable, if it is a
/// leniency of go-yaml v2.
fn patch(text: &str, message: &str, at: usize) -> Option<String> {
    let at = at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut bytes = text.as_bytes().to_vec();
    if message.contains("must be followed by a valid YAML whitespace") {
        let colon = text[line_start..at].rfind(":\t")? + line_start;
        bytes[colon + 1] = b' ';
    } else if message.contains("comments must be separated from other tokens by whitespace") {
        let hash = text[at..].find('#')? + at;
        let line_end = text[hash..]
            .find(['\n', '\r'])
            .map_or(text.len(), |i| hash + i);
        bytes[hash..line_end].fill(b' ');
    } else if message.contains("invalid indentation in flow construct") {
        let newline = line_start.checked_sub(1)?;
        let previous_start = text[..newline].rfind('\n').map_or(0, |i| i + 1);
        // Joined, a comment on the line before would swallow the next line.
        if text[previous_start..newline].contains('#') {
            return None;
        }
        bytes[newline] = b' ';
        if newline > 0 && bytes[newline - 1] == b'\r' {
            bytes[newline - 1] = b' ';
        }
    } else if message.contains("byte order mark must not appear inside a document") {
        let bom = text[at..].find('\u{feff}')? + at;
        // The marker line right before: `---` and a line break.
        let marker_end = bom;
        let marker_start = text[..marker_end.checked_sub(1)?]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let marker = &text[marker_start..marker_end];
        if !(marker.starts_with("---") && marker[3..].trim().is_empty()) {
            return None;
        }
        let mut moved = String::with_capacity(marker.len() + 3);
        moved.push('\u{feff}');
        moved.push_str(marker);
        bytes[marker_start..bom + 3].copy_from_slice(moved.as_bytes());
    } else {
        return None;
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::manifest::yaml::{Limits, parse};

    fn lenient(text: &str) -> (String, Parsed) {
        let (patched, parsed, ()) =
            parse_leniently(text, |text| (parse(text, &Limits::default()), ()));
        assert_eq!(patched.len(), text.len());
        (patched.into_owned(), parsed)
    }

    #[test]
    fn what_go_yaml_v2_accepts_parses() {
        for text in [
            "a:\tb\nc: d\n",
            "a: 'v'#c\nb: 1\n",
            "m:\n  l: [a,\n  b]\n  n: {x: y,\r\n  z: w}\n",
            "a: 1\n---\n\u{feff}b: 2\n",
        ] {
            let (_, parsed) = lenient(text);
            assert!(parsed.errors.is_empty(), "{text:?}: {:?}", parsed.errors);
        }
        let (_, parsed) = lenient("m:\n  l: [a,\n  b]\n");
        let l = parsed.documents[0]
            .root()
            .unwrap()
            .get("m")
            .unwrap()
            .get("l")
            .unwrap();
        assert_eq!(l.items().count(), 2);
        // Spans still point at the original bytes.
        let text = "a:\tb\n";
        let (_, parsed) = lenient(text);
        let b = parsed.documents[0].root().unwrap().get("a").unwrap().span();
        assert_eq!(&text[b.start..b.end], "b");
    }

    #[test]
    fn other_errors_stay() {
        for text in ["a: [b\n", "a: b: c\n", "a:\tb: c\n"] {
            let (_, parsed) = lenient(text);
            assert!(!parsed.errors.is_empty(), "{text:?}");
        }
    }
}

//! Renders JSON values as block-style YAML, the way `kubectl get -o yaml` lays objects out. Live
//! objects are rendered with it into named sources (`cluster:IPPool/extra-ippool`) and loaded
//! through the same loader as files, so a diagnostic on a live object gets a snippet; `-o yaml`
//! prints with it too.
//!
//! Every string is written so that YAML 1.1 (what Kubernetes reads) and our loader read back the
//! very same string: plain only when nothing could read it as another type, single-quoted when
//! that keeps it on one line without escapes (so spans inside annotation values stay exact),
//! double-quoted with JSON escapes otherwise.

use std::fmt::Write as _;

use serde_json::Value;

/// The prefix of the sources live objects are rendered into: `cluster:IPPool/extra-ippool`.
pub const CLUSTER_SOURCE: &str = "cluster";

/// `Kind/name` or `Kind/namespace/name`, as findings name objects.
pub fn object_ref(object: &Value) -> String {
    let kind = object["kind"].as_str().unwrap_or("object");
    let name = object["metadata"]["name"].as_str().unwrap_or_default();
    match object["metadata"]["namespace"].as_str() {
        Some(namespace) if !namespace.is_empty() => format!("{kind}/{namespace}/{name}"),
        _ => format!("{kind}/{name}"),
    }
}

/// The YAML text of `value`, ending with a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_list(&mut out, items, 0),
        scalar => {
            write_scalar(&mut out, scalar);
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, level: usize) {
    for (key, value) in map {
        indent(out, level);
        write_string(out, key);
        out.push(':');
        write_value_after_key(out, value, level);
    }
}

/// A value after `key:` (or after `- ` for list items, with `level` the item's own level).
fn write_value_after_key(out: &mut String, value: &Value, level: usize) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_map(out, map, level + 1);
        }
        // kubectl's layout: a list under a key starts at the key's own indentation.
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_list(out, items, level);
        }
        scalar => {
            out.push(' ');
            write_scalar(out, scalar);
            out.push('\n');
        }
    }
}

fn write_list(out: &mut String, items: &[Value], level: usize) {
    for item in items {
        indent(out, level);
        out.push('-');
        match item {
            Value::Object(map) if !map.is_empty() => {
                // The first entry shares the dash's line; the others align with it.
                let mut first = true;
                for (key, value) in map {
                    if first {
                        out.push(' ');
                        first = false;
                    } else {
                        indent(out, level + 1);
                    }
                    write_string(out, key);
                    out.push(':');
                    write_value_after_key(out, value, level + 1);
                }
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                write_list(out, inner, level + 1);
            }
            scalar => {
                out.push(' ');
                write_scalar(out, scalar);
                out.push('\n');
            }
        }
    }
}

fn write_scalar(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_string(out, s),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
    }
}

fn write_string(out: &mut String, s: &str) {
    if is_plain_safe(s) {
        out.push_str(s);
    } else if s.chars().all(|c| !c.is_control() && !is_yaml_break(c)) && !s.contains('\'') {
        out.push('\'');
        out.push_str(s);
        out.push('\'');
    } else {
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if c.is_control() || is_yaml_break(c) => {
                    let _ = write!(out, "\\u{:04x}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }
}

/// Characters some YAML readers take as line breaks, or as a byte-order mark.
fn is_yaml_break(c: char) -> bool {
    matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// A string that reads back as itself, and as a string, when written plain.
fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let body_ok = s.chars().all(|c| {
        c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-' | '(' | ')' | ':' | '@')
    });
    if !body_ok || s.ends_with(':') || s.contains("::") {
        return false;
    }
    // Numbers, timestamps and sexagesimals of YAML 1.1 start with a digit, a sign or a dot; a
    // CIDR is the one such string worth keeping plain, and no YAML type has a slash.
    if first.is_ascii_digit() || matches!(first, '-' | '.' | '+') {
        return first.is_ascii_digit() && s.contains('/') && !s.contains(':');
    }
    if !first.is_ascii_alphabetic() {
        return false;
    }
    const SPECIAL: [&str; 13] = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf", "<<", "=",
    ];
    !SPECIAL.iter().any(|word| s.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::yaml::{self, Limits};
    use serde_json::json;

    /// Whatever we write, our loader reads back as the same strings.
    fn round_trips(value: &Value) {
        let text = to_yaml(value);
        let parsed = yaml::parse(&text, &Limits::default());
        assert!(parsed.errors.is_empty(), "{text}\n{:?}", parsed.errors);
        let root = parsed.documents[0].root().expect("a root");
        assert_eq!(&to_json(root), value, "{text}");
    }

    fn to_json(node: yaml::NodeRef<'_>) -> Value {
        if node.is_map() {
            let map = node
                .entries()
                .map(|(k, v)| (k.as_str().expect("string keys").to_owned(), to_json(v)))
                .collect();
            return Value::Object(map);
        }
        if node.is_seq() {
            return Value::Array(node.items().map(to_json).collect());
        }
        match node.scalar_type() {
            yaml::ScalarType::Null => Value::Null,
            yaml::ScalarType::Bool(b) => Value::Bool(b),
            yaml::ScalarType::Int(i) => json!(i),
            _ => Value::String(node.as_str().expect("a scalar").to_owned()),
        }
    }

    #[test]
    fn objects_round_trip_through_the_loader() {
        round_trips(&json!({
            "apiVersion": "crd.projectcalico.org/v1",
            "kind": "IPPool",
            "metadata": {
                "name": "extra-ippool",
                "labels": {"app.kubernetes.io/managed-by": "tigera-operator", "yes": "no"},
                "annotations": {"cni.projectcalico.org/ipv4pools": "[\"a\",\"b\"]", "x": "it's"},
                "creationTimestamp": "2026-01-01T00:00:00Z",
            },
            "spec": {
                "cidr": "10.0.0.0/16",
                "v6": "fd00::/64",
                "blockSize": 26,
                "nodeSelector": "!all()",
                "ns": "team == 'a'",
                "disabled": false,
                "allowedUses": ["Workload", "Tunnel"],
                "empty": [],
                "none": {},
                "null": null,
                "text": "line\nbreak \u{1b}[31m \u{2028}",
                "number-like": "0644",
                "sexagesimal": "1:20",
                "nested": [{"a": 1, "b": [1, 2]}, [3]],
            },
        }));
    }

    #[test]
    fn annotation_values_are_single_quoted_so_their_spans_stay_exact() {
        let text = to_yaml(&json!({"a": "[\"extra-ippool\"]"}));
        assert_eq!(text, "a: '[\"extra-ippool\"]'\n");
    }
}

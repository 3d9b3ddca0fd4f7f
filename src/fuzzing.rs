//! The properties the fuzz targets (`fuzz/`) check, in the library so that `cargo test` replays
//! the committed corpus and every crash input through the very same code
//! (`tests/fuzz_corpus.rs`). Each function panics when a property fails.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::ffi::OsString;

use crate::app::{self, Io};
use crate::manifest::yaml::{self, Limits, NodeKind};
use crate::model::{annotations, selector};

/// The YAML loader: every node, error and duplicate-key span lies inside the text on
/// character boundaries, children inside their collections, and every mapped value offset
/// lands on a character boundary of the text.
pub fn yaml_loader(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = yaml::parse(text, &Limits::default());
    // The block fast path must be invisible: same tree, spans, errors and duplicates as saphyr.
    assert_eq!(
        parsed,
        yaml::parse_without_fast_path(text, &Limits::default()),
        "fast path differs from saphyr"
    );
    let in_text = |start: usize, end: usize| {
        start <= end
            && end <= text.len()
            && text.is_char_boundary(start)
            && text.is_char_boundary(end)
    };
    for document in &parsed.documents {
        for (id, node) in document.nodes.iter().enumerate() {
            assert!(
                in_text(node.span.start, node.span.end),
                "node {id}: {:?}",
                node.span
            );
            let children: Vec<u32> = match &node.kind {
                NodeKind::Seq(items) => items.clone(),
                NodeKind::Map(entries) => entries.iter().flat_map(|&(k, v)| [k, v]).collect(),
                _ => Vec::new(),
            };
            // Merged entries point into the map they came from, outside this one.
            let merged = matches!(&node.kind, NodeKind::Map(_))
                && children
                    .iter()
                    .any(|&c| document.node(c).span.start < node.span.start);
            for child in children {
                let span = document.node(child).span;
                assert!(
                    merged
                        || matches!(document.node(child).kind, NodeKind::Alias(_))
                        || (node.span.start <= span.start && span.end <= node.span.end)
                        || node.span.start == node.span.end,
                    "child {child} {span:?} outside {id} {:?}",
                    node.span
                );
            }
            let node_ref = document.node_ref(id as u32);
            if let Some(map) = node_ref.value_map(text) {
                let len = node_ref.as_str().map_or(0, str::len);
                for offset in 0..=len {
                    if let Some(at) = map.get(offset) {
                        assert!(
                            at <= text.len() && text.is_char_boundary(at),
                            "{offset} -> {at}"
                        );
                    }
                }
            }
        }
    }
    for error in &parsed.errors {
        assert!(in_text(error.span.start, error.span.end), "{error:?}");
    }
    for (first, second, _) in &parsed.duplicate_keys {
        assert!(in_text(first.start, first.end) && in_text(second.start, second.end));
    }
}

/// The selector parser: an error's offset lies in the input, and a parsed selector's canonical
/// form parses back to itself (a fixed point).
pub fn selector(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match selector::parse(text) {
        Err(error) => assert!(error.offset <= text.len(), "{error:?} in {text:?}"),
        Ok(parsed) => {
            let canonical = parsed.to_string();
            let again = selector::parse(&canonical)
                .unwrap_or_else(|error| panic!("{canonical:?} from {text:?}: {error:?}"));
            assert_eq!(again.to_string(), canonical, "from {text:?}");
        }
    }
}

/// The CNI annotation parsers: Go-JSON string lists report offsets inside the value and
/// token ranges on its character boundaries; IP parsing never panics.
pub fn cni_annotations(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match annotations::parse_string_list(text) {
        Err(error) => assert!(error.offset <= text.len(), "{error:?}"),
        Ok(items) => {
            for item in items {
                for range in [&item.token, &item.content] {
                    assert!(range.start <= range.end && range.end <= text.len());
                    assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
                }
            }
        }
    }
    for entry in text.split(',') {
        let _ = annotations::parse_ip(entry.trim());
    }
}

/// The whole pipeline on stdin, in every output format: it exits 0, 1 or 2, never panics, and
/// its JSON is valid.
pub fn pipeline(data: &[u8]) {
    for format in ["human", "json", "sarif", "github", "junit"] {
        let mut stdin = data;
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        let mut io = Io {
            stdin: &mut stdin,
            stdout: &mut stdout,
            stderr: &mut stderr,
            stdout_is_terminal: false,
            stderr_is_terminal: false,
            stdin_is_terminal: false,
        };
        let args: Vec<OsString> = [
            "kubectl-ippool",
            "lint",
            "-",
            "-o",
            format,
            "--color",
            "never",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        let code = app::run(args, &mut io);
        assert!(matches!(code, 0..=2), "{format}: exit {code}");
        if format == "json" && code != 2 {
            serde_json::from_slice::<serde_json::Value>(&stdout).expect("valid JSON");
        }
    }
}

/// A recorded cluster state (`lint --cluster-dump`): reading it never panics, and linting what
/// it holds as a live cluster never panics and points only inside the rendered sources.
pub fn cluster_dump(data: &[u8]) {
    use clap::Parser;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(objects) = crate::live::dump::parse(text, "fuzz") else {
        return;
    };
    let objects = crate::live::snapshot::cluster_objects(objects);
    let cli = crate::cli::Cli::try_parse_from(["kubectl-ippool", "lint", "--cluster-dump", "fuzz"])
        .expect("valid arguments");
    let crate::cli::Command::Lint(crate::cli::Deferred(args)) = cli.command else {
        unreachable!("lint arguments")
    };
    let settings =
        crate::settings::LintSettings::resolve_with(args, crate::config::Config::default())
            .expect("settings");
    let outcome = crate::lint::run_with_cluster(&settings, &mut std::io::empty(), objects)
        .expect("no paths to discover");
    for finding in &outcome.findings {
        let locations =
            std::iter::once(&finding.location).chain(finding.related.iter().map(|r| &r.location));
        for loc in locations.filter_map(|l| l.loc) {
            let source = outcome.sources.get(loc.source).expect("a known source");
            assert!(
                loc.span().start <= loc.span().end
                    && loc.span().end <= source.text.len()
                    && source.text.is_char_boundary(loc.span().start)
                    && source.text.is_char_boundary(loc.span().end),
                "{}: {:?} outside {}",
                finding.code,
                loc.span(),
                source.name
            );
        }
    }
}

//! The cheap scan loses nothing (issue 5): over every fixture, the demo, the project trees and
//! a generated corpus, `lint` reports exactly the same JSON — findings and summary — with the
//! skip (the default) and with `--no-skip`.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

use std::path::Path;

use assert_cmd::Command;

fn report(path: &Path, extra: &[&str]) -> String {
    let output = Command::cargo_bin("kubectl-ippool")
        .unwrap()
        .arg("lint")
        .arg(path)
        .args(["-o", "json", "--fail-on", "never"])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn assert_same_with_and_without_skip(path: &Path) {
    let skipped = report(path, &[]);
    let full = report(path, &["--no-skip"]);
    assert!(
        skipped == full,
        "{}: the skip changed the report\n--- with skip\n{skipped}\n--- --no-skip\n{full}",
        path.display()
    );
}

#[test]
fn skip_loses_no_diagnostic_on_the_fixtures() {
    for tree in ["testdata/rules", "testdata/demo", "testdata/projects"] {
        assert_same_with_and_without_skip(Path::new(tree));
    }
    // File by file as well: a finding may depend on what else is in the run.
    for entry in walk(Path::new("testdata")) {
        assert_same_with_and_without_skip(&entry);
    }
}

#[test]
fn skip_loses_no_diagnostic_on_a_generated_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let stats = gen_corpus::generate(dir.path(), 3_000, 7);
    assert!(stats.documents >= 3_000);
    assert_same_with_and_without_skip(dir.path());
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Issue 9 item 12: the skip dropped documents it could not read for sure (a Node in flow style,
/// quoted keys, an indented root, `kind: !!str Node`, an escaped kind, an explicit `? kind`),
/// and a `%TAG` directive made it report IPP000. The same objects written in every YAML style
/// load to the same model and problems with the skip as without.
mod styles {
    use kubectl_ippool::manifest::{NoExtras, load_text};
    use proptest::prelude::*;

    /// (kind, name, labels or annotations as key/value pairs)
    #[derive(Debug, Clone)]
    struct Object {
        kind: &'static str,
        name: String,
        labels: Vec<(String, String)>,
        annotation: bool,
    }

    fn object() -> impl Strategy<Value = Object> {
        (
            prop::sample::select(vec![
                "Node",
                "Namespace",
                "IPPool",
                "Deployment",
                "ConfigMap",
            ]),
            "[a-z][a-z0-9-]{0,8}",
            // Distinct keys: a duplicate key is a syntax problem, which the skip documents
            // it gives up in documents no rule reads.
            prop::collection::btree_map("[a-z]{1,5}", "[a-z0-9]{0,5}", 0..3)
                .prop_map(|labels| labels.into_iter().collect::<Vec<_>>()),
            any::<bool>(),
        )
            .prop_map(|(kind, name, labels, annotation)| Object {
                kind,
                name,
                labels,
                annotation,
            })
    }

    #[derive(Debug, Clone, Copy)]
    enum Style {
        Block,
        Flow,
        QuotedKeys,
        Tagged,
        EscapedKind,
        ExplicitKey,
        Indented,
        Commented,
    }

    fn style() -> impl Strategy<Value = Style> {
        prop::sample::select(vec![
            Style::Block,
            Style::Flow,
            Style::QuotedKeys,
            Style::Tagged,
            Style::EscapedKind,
            Style::ExplicitKey,
            Style::Indented,
            Style::Commented,
        ])
    }

    fn api_version(kind: &str) -> &'static str {
        match kind {
            "IPPool" => "projectcalico.org/v3",
            "Deployment" => "apps/v1",
            _ => "v1",
        }
    }

    fn render(object: &Object, style: Style) -> String {
        let api = api_version(object.kind);
        let kind = object.kind;
        let name = &object.name;
        let labels: Vec<String> = object
            .labels
            .iter()
            .map(|(k, v)| format!("{k}: \"{v}\""))
            .collect();
        // The annotation names a pool: only the full parse sees it on a Deployment.
        let annotation = if object.annotation {
            "cni.projectcalico.org/ipv4pools: '[\"missing\"]'"
        } else {
            "x: y"
        };
        let spec = if kind == "IPPool" {
            "spec: {cidr: 10.0.0.1/16}\n"
        } else {
            ""
        };
        match style {
            Style::Flow => format!(
                "{{apiVersion: {api}, kind: {kind}, metadata: {{name: {name}, labels: {{{}}}}}{}}}\n",
                labels.join(", "),
                if kind == "IPPool" {
                    ", spec: {cidr: 10.0.0.1/16}"
                } else {
                    ""
                }
            ),
            Style::QuotedKeys => format!(
                "\"apiVersion\": {api}\n\"kind\": {kind}\n\"metadata\":\n  \"name\": {name}\n  \"labels\": {{{}}}\n{spec}",
                labels.join(", ")
            ),
            Style::Tagged => format!(
                "apiVersion: {api}\nkind: !!str {kind}\nmetadata:\n  name: {name}\n  labels: {{{}}}\n{spec}",
                labels.join(", ")
            ),
            Style::EscapedKind => {
                let escaped: String = kind
                    .chars()
                    .map(|c| format!("\\x{:02x}", c as u32))
                    .collect();
                format!(
                    "apiVersion: {api}\nkind: \"{escaped}\"\nmetadata:\n  name: {name}\n  labels: {{{}}}\n{spec}",
                    labels.join(", ")
                )
            }
            Style::ExplicitKey => format!(
                "apiVersion: {api}\n? kind\n: {kind}\nmetadata:\n  name: {name}\n  labels: {{{}}}\n{spec}",
                labels.join(", ")
            ),
            Style::Indented => format!(
                "  apiVersion: {api}\n  kind: {kind}\n  metadata:\n    name: {name}\n    labels: {{{}}}\n{}",
                labels.join(", "),
                if kind == "IPPool" {
                    "  spec: {cidr: 10.0.0.1/16}\n"
                } else {
                    ""
                }
            ),
            Style::Commented => format!(
                "# a comment\napiVersion: {api} # trailing\nkind: {kind} # the kind\nmetadata:\n  # inside\n  name: {name}\n  labels: {{{}}}\n{spec}",
                labels.join(", ")
            ),
            Style::Block => format!(
                "apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\n  labels: {{{}}}\n  annotations:\n    {annotation}\n{spec}",
                labels.join(", ")
            ),
        }
    }

    fn file() -> impl Strategy<Value = String> {
        (
            prop::collection::vec((object(), style()), 1..6),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(objects, directive, crlf)| {
                let documents: Vec<String> = objects.iter().map(|(o, s)| render(o, *s)).collect();
                let mut text = String::new();
                if directive {
                    text.push_str("%TAG !k! tag:k8s.io,2024:\n");
                }
                text.push_str("---\n");
                text.push_str(&documents.join("---\n"));
                if crlf {
                    text = text.replace('\n', "\r\n");
                }
                text
            })
    }

    fn loaded(text: &str, skip: bool) -> String {
        let loaded = load_text("styles.yaml", text, 0, skip, &mut NoExtras);
        format!(
            "{:#?}\n{:#?}\n{}",
            loaded.inventory, loaded.problems, loaded.documents
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn skip_reads_every_style_as_the_full_parse_does(text in file()) {
            prop_assert_eq!(loaded(&text, true), loaded(&text, false), "{}", text);
        }
    }
}

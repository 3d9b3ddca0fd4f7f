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

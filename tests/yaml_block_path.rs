//! The block-YAML fast path (issue 13) must build exactly the tree saphyr builds, errors and
//! duplicate keys included, wherever it accepts a document. Checked here on every YAML file in
//! the repository (fixtures, examples, the fuzz corpus), each whole and cut after every line, so
//! that documents that end early are read too; `YAML_DIFF_DIR` adds a directory (for instance a
//! checkout of yaml-test-suite's `data` branch).

use kubectl_ippool::manifest::yaml::{self, Limits, Parsed};
use std::path::{Path, PathBuf};

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            yaml_files(&path, out);
        } else if kind.is_file() {
            let name = path.to_string_lossy();
            if name.ends_with(".yaml") || name.ends_with(".yml") || name.contains("/corpus/") {
                out.push(path);
            }
        }
    }
}

fn differ(text: &str) -> Option<(Parsed, Parsed)> {
    let limits = Limits::default();
    let fast = yaml::parse(text, &limits);
    let saphyr = yaml::parse_without_fast_path(text, &limits);
    (fast != saphyr).then_some((fast, saphyr))
}

#[test]
fn block_path_builds_what_saphyr_builds_on_every_repository_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["testdata", "tests", "examples", "fuzz/corpus"] {
        yaml_files(&root.join(dir), &mut files);
    }
    if let Some(extra) = std::env::var_os("YAML_DIFF_DIR") {
        yaml_files(Path::new(&extra), &mut files);
    }
    assert!(files.len() > 100, "only {} YAML files found", files.len());
    let mut failures = Vec::new();
    let mut checked = 0;
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let cuts = text.match_indices('\n').map(|(i, _)| i + 1);
        for cut in cuts.chain([text.len()]) {
            checked += 1;
            if let Some((fast, saphyr)) = differ(&text[..cut]) {
                failures.push(format!(
                    "{} cut at {cut}:\n{:?}\n  fast:   {fast:?}\n  saphyr: {saphyr:?}",
                    file.display(),
                    &text[..cut]
                ));
                break;
            }
        }
    }
    assert!(checked > 1000, "only {checked} texts checked");
    assert!(
        failures.is_empty(),
        "{} of {} files differ:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

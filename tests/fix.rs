//! `lint --fix`, `--unsafe-fixes` and `--diff` through the binary, on the demo tree copied into a
//! git repository: every fixable finding is fixed, a second lint reports none of them, and the
//! files differ from what was committed exactly by the edits JSON announced.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;
use predicates::prelude::PredicateBooleanExt;
use serde_json::Value;

fn bin() -> Command {
    let mut cmd = Command::cargo_bin("kubectl-ippool").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Process::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// The demo tree in a fresh git repository, committed.
fn demo_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(Path::new("testdata/demo"), dir.path());
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "demo"]);
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn lint_json(dir: &Path, extra: &[&str]) -> Value {
    let output = bin()
        .current_dir(dir)
        .args(["lint", ".", "-o", "json"])
        .args(extra)
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap()
}

fn diagnostics(report: &Value) -> Vec<Value> {
    report["diagnostics"].as_array().unwrap().clone()
}

/// `code path:line:column` of a diagnostic.
fn place(diagnostic: &Value) -> String {
    let location = &diagnostic["location"];
    format!(
        "{} {}:{}:{}",
        diagnostic["code"].as_str().unwrap(),
        location["path"].as_str().unwrap(),
        location["line"],
        location["column"]
    )
}

/// Applies the edits JSON announced to the text, by line and column (Unicode scalar values),
/// as an independent check of what --fix wrote.
fn apply_announced(text: &str, edits: &[(usize, usize, usize, usize, String)]) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let mut edits = edits.to_vec();
    // From the end, so earlier columns stay true.
    edits.sort_by_key(|edit| std::cmp::Reverse((edit.0, edit.1)));
    for (line, column, end_line, end_column, content) in edits {
        assert_eq!(line, end_line, "fixes edit one line");
        let chars: Vec<char> = lines[line - 1].chars().collect();
        let before: String = chars[..column - 1].iter().collect();
        let after: String = chars[end_column - 1..].iter().collect();
        lines[line - 1] = format!("{before}{content}{after}");
    }
    lines.join("\n")
}

#[test]
fn fix_mends_every_fixable_finding_of_the_demo_and_touches_nothing_else() {
    let repo = demo_repo();
    let dir = repo.path();
    let before = diagnostics(&lint_json(dir, &[]));
    let fixable: Vec<&Value> = before.iter().filter(|d| !d["fix"].is_null()).collect();
    assert!(
        fixable.len() >= 5,
        "the demo shows safe and unsafe fixes: {fixable:?}"
    );
    assert!(fixable.iter().any(|d| d["fix"]["applicability"] == "safe"));
    assert!(
        fixable
            .iter()
            .any(|d| d["fix"]["applicability"] == "unsafe")
    );

    bin()
        .current_dir(dir)
        .args(["lint", ".", "--fix", "--unsafe-fixes", "--color", "never"])
        .assert()
        // What no fix can mend (a selector typo, both encapsulations) still fails the run.
        .code(1)
        .stderr(predicates::str::contains(format!(
            "fixed {} findings in 3 files",
            fixable.len()
        )));

    let after = diagnostics(&lint_json(dir, &[]));
    let after_places: Vec<String> = after.iter().map(place).collect();
    for diagnostic in &fixable {
        assert!(
            !after_places.contains(&place(diagnostic)),
            "{} is still reported after --fix",
            place(diagnostic)
        );
    }
    assert!(after.iter().all(|d| d["fix"].is_null()), "{after:?}");
    assert!(after.iter().all(|d| d["code"] != "IPP000"));

    // Each changed file is the committed one with exactly the announced edits.
    let changed = git(dir, &["diff", "--name-only"]);
    let mut changed: Vec<&str> = changed.lines().collect();
    changed.sort_unstable();
    let mut announced_files: Vec<String> = fixable
        .iter()
        .map(|d| {
            d["fix"]["edits"][0]["location"]["path"]
                .as_str()
                .unwrap()
                .trim_start_matches("./")
                .to_owned()
        })
        .collect();
    announced_files.sort_unstable();
    announced_files.dedup();
    assert_eq!(changed, announced_files);
    for file in &announced_files {
        let committed = git(dir, &["show", &format!("HEAD:{file}")]);
        let edits: Vec<_> = fixable
            .iter()
            .flat_map(|d| d["fix"]["edits"].as_array().unwrap().clone())
            .filter(|e| {
                e["location"]["path"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("./")
                    == file
            })
            .map(|e| {
                let l = &e["location"];
                let n = |key: &str| l[key].as_u64().unwrap() as usize;
                (
                    n("line"),
                    n("column"),
                    n("end_line"),
                    n("end_column"),
                    e["content"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            fs::read_to_string(dir.join(file)).unwrap(),
            apply_announced(&committed, &edits),
            "{file}"
        );
    }
}

#[test]
fn fix_without_the_opt_in_leaves_the_guesses_and_says_so() {
    let repo = demo_repo();
    let dir = repo.path();
    bin()
        .current_dir(dir)
        .args(["lint", ".", "--fix", "-o", "concise"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "fixed 3 findings in 2 files; 2 more with --unsafe-fixes",
        ))
        // The masked CIDR and the near-miss pool name are still reported, marked fixable.
        .stdout(predicates::str::contains("IPP002 [error] [*]"))
        .stdout(predicates::str::contains("IPP202 [error] [*]"))
        .stdout(predicates::str::contains("IPP006").not());
    let diff = git(dir, &["diff", "-U0"]);
    assert!(diff.contains("+  ipipMode: Always"), "{diff}");
    assert!(diff.contains("+  natOutgoing: true"), "{diff}");
    assert!(diff.contains("+  blockSize: 28"), "{diff}");
    assert!(!diff.contains("cidr"), "{diff}");
}

#[test]
fn diff_writes_nothing_and_prints_a_patch_git_applies() {
    let repo = demo_repo();
    let dir = repo.path();
    let output = bin()
        .current_dir(dir)
        .args(["lint", ".", "--diff", "--unsafe-fixes"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(git(dir, &["status", "--porcelain"]), "", "--diff wrote");
    let patch = dir.join("fixes.patch");
    fs::write(&patch, &output.stdout).unwrap();
    git(dir, &["apply", "fixes.patch"]);
    fs::remove_file(&patch).unwrap();
    let applied = git(dir, &["diff"]);

    git(dir, &["checkout", "-q", "."]);
    bin()
        .current_dir(dir)
        .args(["lint", ".", "--fix", "--unsafe-fixes"])
        .assert()
        .code(1);
    assert_eq!(
        git(dir, &["diff"]),
        applied,
        "--diff shows what --fix writes"
    );

    // Nothing left to fix: an empty diff, exit 0.
    bin()
        .current_dir(dir)
        .args(["lint", ".", "--diff", "--unsafe-fixes"])
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn fix_keeps_quotes_comments_line_ends_and_the_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# a comment that stays\r\napiVersion: projectcalico.org/v3\r\nkind: IPPool\r\nmetadata:\r\n  name: quoted\r\nspec:\r\n  cidr: 10.0.0.0/16\r\n  vxlanMode: 'cross-subnet'   # keep me\r\n  blockSize: \"26\"\r\n";
    fs::write(dir.path().join("real.yaml"), text).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("real.yaml", dir.path().join("link.yaml")).unwrap();
    let target = if cfg!(unix) { "link.yaml" } else { "real.yaml" };
    bin()
        .current_dir(dir.path())
        .args(["lint", target, "--fix"])
        .assert()
        .code(0);
    assert_eq!(
        fs::read_to_string(dir.path().join("real.yaml")).unwrap(),
        text.replace("'cross-subnet'", "'CrossSubnet'")
            .replace("\"26\"", "26")
    );
    #[cfg(unix)]
    assert!(
        fs::symlink_metadata(dir.path().join("link.yaml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn one_value_reached_through_aliases_is_fixed_once() {
    let dir = tempfile::tempdir().unwrap();
    let text = "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: projectcalico.org/v3\n    kind: IPPool\n    metadata: {name: a}\n    spec: {cidr: 10.0.0.0/16, ipipMode: &mode never}\n  - apiVersion: projectcalico.org/v3\n    kind: IPPool\n    metadata: {name: b}\n    spec: {cidr: 10.1.0.0/16, ipipMode: *mode}\n";
    let path = dir.path().join("pools.yaml");
    fs::write(&path, text).unwrap();
    bin().arg("lint").arg(&path).arg("--fix").assert().code(0);
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        text.replace("&mode never", "&mode Never")
    );
}

#[test]
fn stdin_is_reported_not_fixed() {
    let text = "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: a\nspec:\n  cidr: 10.0.0.0/16\n  ipipMode: always\n";
    bin()
        .args(["lint", "-", "--fix", "-o", "concise"])
        .write_stdin(text)
        .assert()
        .code(1)
        .stdout(predicates::str::contains("<stdin>:7:13: IPP006"))
        .stderr(predicates::str::contains(
            "<stdin>: not a file on disk; 1 fix not applied",
        ));
}

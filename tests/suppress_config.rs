//! Suppressions (`# ippool-lint: ignore` comments, the `ippool.lint/ignore` annotation, IPP900)
//! and `.ippool-lint.yaml` (discovery, every key, flags over the file, usage errors), through the
//! real binary in temporary directories.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn bin() -> Command {
    let mut cmd = Command::cargo_bin("kubectl-ippool").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

/// `extra-ippool` (line 13) overlaps `default-ipv4-ippool`: IPP101 (error) and IPP107 (info)
/// both point at its cidr on line 13.
const OVERLAP: &str = "apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: default-ipv4-ippool
spec:
  cidr: 10.244.0.0/16
---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: extra-ippool
spec:
  cidr: 10.244.0.0/20
";

/// A pool with host bits set (IPP002, error, line 6) and nothing else.
const HOST_BITS: &str = "apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: extra-ippool
spec:
  cidr: 10.0.1.0/16
";

struct Run {
    code: i32,
    json: Value,
    stderr: String,
}

impl Run {
    /// `CODE LINE` of every diagnostic, in output order.
    fn found(&self) -> Vec<String> {
        self.diagnostics()
            .iter()
            .map(|d| format!("{} {}", d["code"].as_str().unwrap(), d["location"]["line"]))
            .collect()
    }

    fn diagnostics(&self) -> &Vec<Value> {
        self.json["diagnostics"].as_array().unwrap()
    }

    fn one(&self, code: &str) -> &Value {
        let found: Vec<_> = self
            .diagnostics()
            .iter()
            .filter(|d| d["code"] == code)
            .collect();
        assert_eq!(found.len(), 1, "one {code} in {:?}", self.found());
        found[0]
    }
}

/// Runs `lint -o json ARGS` in `cwd`.
fn lint(cwd: &Path, args: &[&str]) -> Run {
    let output = bin()
        .current_dir(cwd)
        .arg("lint")
        .args(args)
        .args(["-o", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let json = if output.stdout.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&output.stdout).expect("stdout is one JSON document")
    };
    Run {
        code: output.status.code().unwrap(),
        json,
        stderr,
    }
}

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

/// `OVERLAP` with `line` inserted before its line `at` (1-based).
fn overlap_with(at: usize, line: &str) -> String {
    let mut lines: Vec<&str> = OVERLAP.lines().collect();
    lines.insert(at - 1, line);
    lines.join("\n") + "\n"
}

#[test]
fn unsuppressed_overlap_reports_ipp101_and_ipp107() {
    let dir = tree(&[("pools.yaml", OVERLAP)]);
    let run = lint(dir.path(), &["pools.yaml"]);
    assert_eq!(run.found(), ["IPP101 13", "IPP107 13"]);
    assert_eq!(run.code, 1);
}

#[test]
fn comment_on_the_line_before_silences_exactly_that_diagnostic() {
    let text = overlap_with(13, "  # ippool-lint: ignore IPP101 -- planned migration");
    let dir = tree(&[("pools.yaml", &text)]);
    let run = lint(dir.path(), &["pools.yaml"]);
    assert_eq!(run.found(), ["IPP107 14"]);
    assert_eq!(run.json["summary"]["errors"], 0);
    assert_eq!(run.json["summary"]["infos"], 1);
    assert_eq!(run.code, 0, "a suppressed error does not fail the run");
}

#[test]
fn comment_at_the_end_of_the_line_silences_it() {
    let text = OVERLAP.replace(
        "cidr: 10.244.0.0/20",
        "cidr: 10.244.0.0/20 # ippool-lint: ignore overlapping-pools, IPP107 -- migration",
    );
    let dir = tree(&[("pools.yaml", &text)]);
    let run = lint(dir.path(), &["pools.yaml"]);
    assert!(run.found().is_empty(), "{:?}", run.found());
    assert_eq!(run.code, 0);
}

#[test]
fn comment_skips_comment_lines_but_not_other_lines() {
    let text = overlap_with(
        13,
        "  # ippool-lint: ignore IPP101\n  # why: see the runbook",
    );
    let dir = tree(&[("pools.yaml", &text)]);
    assert_eq!(lint(dir.path(), &["pools.yaml"]).found(), ["IPP107 15"]);

    // Above `spec:`, the comment applies to `spec:`, where nothing is reported.
    let text = overlap_with(12, "# ippool-lint: ignore IPP101");
    let dir = tree(&[("pools.yaml", &text)]);
    let run = lint(dir.path(), &["pools.yaml"]);
    assert_eq!(run.found(), ["IPP900 12", "IPP101 14", "IPP107 14"]);
    assert_eq!(run.code, 1);
}

#[test]
fn hash_inside_a_quoted_value_is_not_a_comment() {
    let text = OVERLAP.replace(
        "cidr: 10.244.0.0/20",
        "cidr: \"10.244.0.0/20\"\n  description: \"x # ippool-lint: ignore IPP101\"",
    );
    let dir = tree(&[("pools.yaml", &text)]);
    let run = lint(dir.path(), &["pools.yaml", "--select", "IPP101,IPP900"]);
    assert_eq!(run.found(), ["IPP101 13"]);
}

fn annotated(value: &str) -> String {
    OVERLAP.replace(
        "  name: extra-ippool\n",
        &format!("  name: extra-ippool\n  annotations:\n    ippool.lint/ignore: {value}\n"),
    )
}

#[test]
fn annotation_silences_a_code_a_name_or_all_in_its_object() {
    for (value, left) in [
        ("IPP101", vec!["IPP107 15"]),
        ("\"overlapping-pools\"", vec!["IPP107 15"]),
        ("\"IPP107,overlapping-pools\"", vec![]),
        ("all", vec![]),
    ] {
        let dir = tree(&[("pools.yaml", &annotated(value))]);
        let run = lint(dir.path(), &["pools.yaml"]);
        assert_eq!(run.found(), left, "ippool.lint/ignore: {value}");
        assert_eq!(run.code, 0, "ippool.lint/ignore: {value}");
    }
}

#[test]
fn annotation_does_not_reach_other_objects() {
    // On the first pool, it covers nothing: both findings point into the second.
    let text = OVERLAP.replacen(
        "  name: default-ipv4-ippool\n",
        "  name: default-ipv4-ippool\n  annotations:\n    ippool.lint/ignore: IPP101\n",
        1,
    );
    let dir = tree(&[("pools.yaml", &text)]);
    let run = lint(dir.path(), &["pools.yaml"]);
    assert_eq!(run.found(), ["IPP900 6", "IPP101 15", "IPP107 15"]);
}

#[test]
fn unused_suppression_is_an_info_that_does_not_fail_the_run() {
    let text = HOST_BITS.replace(
        "cidr: 10.0.1.0/16",
        "cidr: 10.0.0.0/16 # ippool-lint: ignore IPP002 -- fixed",
    );
    let dir = tree(&[("pool.yaml", &text)]);
    let run = lint(dir.path(), &["pool.yaml"]);
    let unused = run.one("IPP900");
    assert_eq!(unused["severity"], "info");
    assert_eq!(unused["rule"], "unused-suppression");
    assert_eq!(unused["location"]["line"], 6);
    assert_eq!(unused["location"]["column"], 43);
    assert_eq!(unused["help"], "remove the comment");
    assert_eq!(run.code, 0);
    assert_eq!(
        lint(dir.path(), &["pool.yaml", "--fail-on", "info"]).code,
        1
    );
    let ignored = lint(dir.path(), &["pool.yaml", "--ignore", "IPP900"]);
    assert!(ignored.found().is_empty());
}

#[test]
fn unknown_code_is_reported_with_did_you_mean() {
    let text = HOST_BITS.replace(
        "cidr: 10.0.1.0/16",
        "cidr: 10.0.1.0/16 # ippool-lint: ignore IPP0O2",
    );
    let dir = tree(&[("pool.yaml", &text)]);
    let run = lint(dir.path(), &["pool.yaml"]);
    assert_eq!(run.found(), ["IPP002 6", "IPP900 6"]);
    let unknown = run.one("IPP900");
    assert_eq!(
        unknown["message"],
        "an ippool-lint comment names unknown rule \"IPP0O2\""
    );
    assert_eq!(unknown["help"], "did you mean IPP002?");
    assert_eq!(unknown["location"]["column"], 43);
}

#[test]
fn suppressions_of_rules_that_did_not_run_are_not_reported() {
    let text = overlap_with(13, "  # ippool-lint: ignore IPP101, IPP002");
    let dir = tree(&[("pools.yaml", &text)]);
    let run = lint(dir.path(), &["pools.yaml", "--select", "IPP101"]);
    assert!(run.found().is_empty(), "{:?}", run.found());
}

#[test]
fn a_suppression_never_silences_ipp900() {
    let text = HOST_BITS.replace(
        "cidr: 10.0.1.0/16",
        "cidr: 10.0.0.0/16 # ippool-lint: ignore all IPP900",
    );
    let dir = tree(&[("pool.yaml", &text)]);
    let run = lint(dir.path(), &["pool.yaml"]);
    let messages: Vec<_> = run
        .diagnostics()
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].contains("no rule reports anything on this line"));
    assert!(messages[1].contains("cannot silence IPP900"));
}

// ---------------------------------------------------------------------------------------------
// .ippool-lint.yaml
// ---------------------------------------------------------------------------------------------

#[test]
fn config_select_and_ignore() {
    let dir = tree(&[
        ("pools.yaml", OVERLAP),
        (".ippool-lint.yaml", "select: [overlapping-pools]\n"),
    ]);
    assert_eq!(lint(dir.path(), &["pools.yaml"]).found(), ["IPP101 13"]);
    fs::write(dir.path().join(".ippool-lint.yaml"), "ignore: IPP101\n").unwrap();
    let run = lint(dir.path(), &["pools.yaml"]);
    assert_eq!(run.found(), ["IPP107 13"]);
    assert_eq!(run.code, 0);
}

#[test]
fn config_severity_overrides_the_reported_severity_and_the_exit_code() {
    let dir = tree(&[
        ("pools.yaml", OVERLAP),
        (
            ".ippool-lint.yaml",
            "severity:\n  IPP101: warning\n  ambiguous-default-pools: error\n",
        ),
    ]);
    let run = lint(dir.path(), &["pools.yaml"]);
    assert_eq!(run.one("IPP101")["severity"], "warning");
    assert_eq!(run.one("IPP107")["severity"], "error");
    assert_eq!(run.json["summary"]["errors"], 1);
    assert_eq!(run.json["summary"]["warnings"], 1);
    assert_eq!(run.code, 1);

    fs::write(
        dir.path().join(".ippool-lint.yaml"),
        "severity: {IPP101: info}\n",
    )
    .unwrap();
    let run = lint(dir.path(), &["pools.yaml"]);
    assert_eq!(run.one("IPP101")["severity"], "info");
    assert_eq!(run.code, 0);
}

#[test]
fn config_exclude_skips_files() {
    let dir = tree(&[
        ("manifests/pool.yaml", HOST_BITS),
        ("manifests/vendor/pool.yaml", HOST_BITS),
        (".ippool-lint.yaml", "exclude: [vendor]\n"),
    ]);
    let run = lint(dir.path(), &["manifests"]);
    assert_eq!(run.json["summary"]["files"], 1);
    assert_eq!(run.found(), ["IPP002 6"]);
    // A flag replaces the file's list.
    let run = lint(dir.path(), &["manifests", "--exclude", "nothing"]);
    assert_eq!(run.json["summary"]["files"], 2);
}

#[test]
fn config_calico_version_gates_rules() {
    let pool = "apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: manual
spec:
  cidr: 10.244.0.0/16
  assignmentMode: Automatic
";
    let dir = tree(&[
        ("pool.yaml", pool),
        (".ippool-lint.yaml", "calicoVersion: 3.29\n"),
    ]);
    assert_eq!(lint(dir.path(), &["pool.yaml"]).found(), ["IPP016 7"]);
    let run = lint(dir.path(), &["pool.yaml", "--calico-version", "3.30"]);
    assert!(run.found().is_empty(), "the flag wins: {:?}", run.found());
}

#[test]
fn config_cluster_facts_reach_the_rules() {
    let pool = "apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: default-ipv4-ippool
spec:
  cidr: 10.244.0.0/24
  blockSize: 27
";
    let dir = tree(&[("pool.yaml", pool)]);
    let config = |text: &str| fs::write(dir.path().join(".ippool-lint.yaml"), text).unwrap();
    let found = || lint(dir.path(), &["pool.yaml"]).found();
    assert!(found().is_empty(), "{:?}", found());

    // 8 blocks of /27 for 9 nodes.
    config("nodes: 9\n");
    assert_eq!(found(), ["IPP103 6"]);
    // 64 pods need 2 blocks of 32 addresses, over a limit of 1.
    config("podsPerNode: 64\nmaxBlocksPerHost: 1\n");
    assert_eq!(found(), ["IPP104 7"]);
    config("clusterCIDRs: [10.96.0.0/16]\n");
    assert_eq!(found(), ["IPP108 6"]);
    config("serviceCIDRs: 10.244.0.0/25\n");
    assert_eq!(found(), ["IPP109 6"]);
}

#[test]
fn flags_replace_the_config_value_of_their_key() {
    let dir = tree(&[
        ("pools.yaml", OVERLAP),
        (".ippool-lint.yaml", "ignore: [IPP101]\nnodes: 100000\n"),
    ]);
    let run = lint(dir.path(), &["pools.yaml"]);
    assert!(
        run.found().contains(&"IPP103 13".to_owned()),
        "{:?}",
        run.found()
    );
    assert!(!run.found().iter().any(|f| f.starts_with("IPP101")));
    let run = lint(
        dir.path(),
        &["pools.yaml", "--ignore", "IPP107", "--nodes", "1"],
    );
    assert_eq!(run.found(), ["IPP101 13"]);
}

#[test]
fn config_is_discovered_from_a_subdirectory_upward() {
    let dir = tree(&[
        ("deploy/calico/pools.yaml", OVERLAP),
        (".ippool-lint.yaml", "ignore: [IPP107]\n"),
    ]);
    let cwd = dir.path().join("deploy/calico");
    assert_eq!(lint(&cwd, &["pools.yaml"]).found(), ["IPP101 13"]);
    // The nearest file wins.
    fs::write(
        dir.path().join("deploy/.ippool-lint.yaml"),
        "ignore: [IPP101]\n",
    )
    .unwrap();
    assert_eq!(lint(&cwd, &["pools.yaml"]).found(), ["IPP107 13"]);
    // --config names another file.
    fs::write(dir.path().join("other.yaml"), "select: [IPP107]\n").unwrap();
    let run = lint(&cwd, &["pools.yaml", "--config", "../../other.yaml"]);
    assert_eq!(run.found(), ["IPP107 13"]);
}

#[test]
fn unknown_key_exits_2_with_the_file_and_line_of_the_key() {
    let dir = tree(&[
        ("pools.yaml", OVERLAP),
        (".ippool-lint.yaml", "nodes: 3\nselct: [IPP101]\n"),
    ]);
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).unwrap();
    let run = lint(&sub, &["../pools.yaml", "--color", "never"]);
    assert_eq!(run.code, 2);
    assert!(run.json.is_null(), "no report on stdout");
    assert!(
        run.stderr
            .contains("../.ippool-lint.yaml:2:1: unknown key \"selct\" (did you mean \"select\"?)"),
        "{}",
        run.stderr
    );
    // The miette snippet, with a label under the key.
    assert!(run.stderr.contains("2 │ selct: [IPP101]"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown key"), "{}", run.stderr);
}

#[test]
fn bad_values_exit_2_naming_the_key() {
    let dir = tree(&[("pools.yaml", OVERLAP)]);
    for (text, expected) in [
        (
            "select: [IPP1O1]\n",
            ".ippool-lint.yaml:1:10: select: unknown rule \"IPP1O1\"",
        ),
        (
            "nodes: \"3\"\n",
            ".ippool-lint.yaml:1:8: nodes: expected a non-negative integer, found string \"3\"",
        ),
        (
            "severity:\n  IPP101: fatal\n",
            ".ippool-lint.yaml:2:11: severity.IPP101: string \"fatal\" is not a severity",
        ),
        (
            "severity:\n  IPP999: info\n",
            ".ippool-lint.yaml:2:3: severity: unknown rule \"IPP999\"",
        ),
        (
            "clusterCIDRs: [10.0.0.0/8, 10.0.0.0/33]\n",
            ".ippool-lint.yaml:1:28: clusterCIDRs: \"10.0.0.0/33\" is not a CIDR",
        ),
        (
            "serviceCIDRs: nope\n",
            ".ippool-lint.yaml:1:15: serviceCIDRs: \"nope\" is not a CIDR",
        ),
        (
            "calicoVersion: \"4.1\"\n",
            ".ippool-lint.yaml:1:16: calicoVersion: unsupported Calico version",
        ),
        (
            "exclude: {a: b}\n",
            ".ippool-lint.yaml:1:10: exclude: expected a list, found a map",
        ),
        ("select: [IPP101\n", ".ippool-lint.yaml:2:1: invalid YAML"),
    ] {
        fs::write(dir.path().join(".ippool-lint.yaml"), text).unwrap();
        let run = lint(dir.path(), &["pools.yaml"]);
        assert_eq!(run.code, 2, "{text}");
        assert!(run.stderr.contains(expected), "{text}\n{}", run.stderr);
    }
}

#[test]
fn missing_config_file_exits_2() {
    let dir = tree(&[("pools.yaml", OVERLAP)]);
    let run = lint(dir.path(), &["pools.yaml", "--config", "nope.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("nope.yaml: no such file or directory"),
        "{}",
        run.stderr
    );
}

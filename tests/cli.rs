//! The binary as users and scripts meet it: exit codes (CONTRACT §3), formats, stdin, paths that
//! do not exist or cannot be walked, usage errors, and a closed stdout.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::io::Read;
use std::process::Stdio;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn bin() -> Command {
    let mut cmd = Command::cargo_bin("kubectl-ippool").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

const VALID_POOL: &str = "apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: extra-ippool
spec:
  cidr: 10.0.0.0/16
";

const HOST_BITS_POOL: &str = "apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: extra-ippool
spec:
  cidr: 10.0.1.0/16
";

fn json_of(output: &[u8]) -> Value {
    serde_json::from_slice(output).expect("stdout is one JSON document")
}

#[test]
fn demo_reports_findings_and_exits_1() {
    bin()
        .args(["lint", "testdata/demo", "--color", "never"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("IPP002 cidr-host-bits-set"))
        .stdout(predicate::str::contains(
            "testdata/demo/calico/extra-ippool.yaml",
        ))
        .stdout(predicate::str::is_match(r"Found \d+ errors?, ").unwrap());
}

#[test]
fn clean_input_exits_0_with_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("pool.yaml"), VALID_POOL).unwrap();
    bin()
        .arg("lint")
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "No problems found in 1 file (1 document, 1 pool).",
        ));
}

#[test]
fn json_output_follows_the_contract_field_for_field() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("pool.yaml"), HOST_BITS_POOL).unwrap();
    let output = bin()
        .arg("lint")
        .arg(dir.path())
        .args(["-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report = json_of(&output.stdout);
    let keys = |v: &Value| -> Vec<String> {
        let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(&report), ["diagnostics", "summary", "tool", "version"]);
    assert_eq!(report["version"], 1);
    assert_eq!(report["tool"]["name"], "kubectl-ippool");
    assert_eq!(report["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        keys(&report["summary"]),
        ["documents", "errors", "files", "infos", "pools", "warnings"]
    );
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["summary"]["documents"], 1);
    assert_eq!(report["summary"]["pools"], 1);
    assert_eq!(report["summary"]["errors"], 1);
    let diagnostic = &report["diagnostics"][0];
    assert_eq!(
        keys(diagnostic),
        [
            "code", "fix", "help", "location", "message", "related", "rule", "severity"
        ]
    );
    // Masking host bits guesses at the meaning: an unsafe fix, with its one edit resolved.
    assert_eq!(diagnostic["fix"]["applicability"], "unsafe");
    assert_eq!(diagnostic["fix"]["edits"][0]["content"], "10.0.0.0/16");
    assert_eq!(diagnostic["fix"]["edits"][0]["location"]["line"], 6);
    assert_eq!(diagnostic["fix"]["edits"][0]["location"]["column"], 9);
    assert_eq!(diagnostic["code"], "IPP002");
    assert_eq!(diagnostic["rule"], "cidr-host-bits-set");
    assert_eq!(diagnostic["severity"], "error");
    assert_eq!(diagnostic["related"], Value::Array(vec![]));
    let location = &diagnostic["location"];
    assert_eq!(
        keys(location),
        ["column", "end_column", "end_line", "line", "object", "path"]
    );
    let path = location["path"].as_str().unwrap();
    assert!(path.ends_with("pool.yaml") && path.starts_with(dir.path().to_str().unwrap()));
    assert_eq!(location["line"], 6);
    assert_eq!(location["column"], 9);
    assert_eq!(location["end_line"], 6);
    assert_eq!(location["end_column"], 20);
    assert_eq!(location["object"], "IPPool/extra-ippool");
    assert!(diagnostic["help"].as_str().unwrap().contains("10.0.0.0/16"));
}

#[test]
fn stdin_is_read_for_dash() {
    let output = bin()
        .args(["lint", "-", "-o", "json"])
        .write_stdin(HOST_BITS_POOL)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report = json_of(&output.stdout);
    assert_eq!(report["diagnostics"][0]["location"]["path"], "<stdin>");
    assert_eq!(report["diagnostics"][0]["code"], "IPP002");
}

#[test]
fn a_missing_path_is_exit_2_with_the_path_named() {
    bin()
        .args(["lint", "testdata/does-not-exist"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("testdata/does-not-exist"))
        .stderr(predicate::str::contains("no such file or directory"));
}

#[test]
fn fail_on_sets_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("pool.yaml"), HOST_BITS_POOL).unwrap();
    bin()
        .arg("lint")
        .arg(dir.path())
        .args(["--fail-on", "never"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("IPP002"));
    bin()
        .arg("lint")
        .arg(dir.path())
        .args(["--fail-on", "warning"])
        .assert()
        .code(1);
}

#[test]
fn select_and_ignore_take_codes_and_names() {
    bin()
        .args(["lint", "testdata/demo", "--select", "IPP002", "-o", "json"])
        .assert()
        .code(1)
        .stdout(predicate::function(|out: &str| {
            let report: Value = serde_json::from_str(out).unwrap();
            let diagnostics = report["diagnostics"].as_array().unwrap();
            !diagnostics.is_empty() && diagnostics.iter().all(|d| d["code"] == "IPP002")
        }));
    bin()
        .args([
            "lint",
            "testdata/demo",
            "--ignore",
            "cidr-host-bits-set",
            "-o",
            "json",
        ])
        .assert()
        .stdout(predicate::function(|out: &str| {
            let report: Value = serde_json::from_str(out).unwrap();
            report["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["code"] != "IPP002")
        }));
    bin()
        .args(["lint", "testdata/demo", "--select", "IPP999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule \"IPP999\""));
}

#[test]
fn include_and_exclude_filter_directory_walks() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("vendor")).unwrap();
    fs::write(dir.path().join("vendor/pool.yaml"), HOST_BITS_POOL).unwrap();
    fs::write(dir.path().join("pool.txt"), HOST_BITS_POOL).unwrap();
    fs::write(dir.path().join("ok.yml"), VALID_POOL).unwrap();
    bin()
        .arg("lint")
        .arg(dir.path())
        .args(["--exclude", "vendor"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("1 file "));
    bin()
        .arg("lint")
        .arg(dir.path())
        .args(["--include", "*.txt"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("pool.txt"));
    // A file named on the command line is read whatever its extension.
    bin()
        .arg("lint")
        .arg(dir.path().join("pool.txt"))
        .assert()
        .code(1);
}

#[test]
fn walk_order_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["b.yaml", "a.yaml", "c/a.yaml", "c/0.yaml"] {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, HOST_BITS_POOL).unwrap();
    }
    let output = bin()
        .arg("lint")
        .arg(dir.path())
        .args(["-o", "json"])
        .output()
        .unwrap();
    let report = json_of(&output.stdout);
    let paths: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let path = d["location"]["path"].as_str().unwrap();
            path.strip_prefix(dir.path().to_str().unwrap())
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(paths, ["/a.yaml", "/b.yaml", "/c/0.yaml", "/c/a.yaml"]);
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_broken_links_are_reported_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("sub/loop")).unwrap();
    std::os::unix::fs::symlink("missing.yaml", dir.path().join("broken.yaml")).unwrap();
    fs::write(dir.path().join("pool.yaml"), HOST_BITS_POOL).unwrap();
    bin()
        .arg("lint")
        .arg(dir.path())
        .assert()
        .code(2)
        .stdout(predicate::str::contains("IPP002"))
        .stderr(predicate::str::contains("symbolic link loop"))
        .stderr(predicate::str::contains("broken.yaml"));
}

#[cfg(target_os = "linux")]
#[test]
fn an_unreadable_file_is_reported_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("pool.yaml"), HOST_BITS_POOL).unwrap();
    // Tests may run as root, for whom permission bits do not stop a read; a directory given
    // where a file is read fails for everyone.
    let output = bin()
        .arg("lint")
        .arg(dir.path().join("pool.yaml"))
        .arg("/proc/self/mem")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/proc/self/mem"), "{stderr}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("IPP002"));
}

#[test]
fn usage_errors_exit_2() {
    bin().args(["lint", "--output", "xml"]).assert().code(2);
    bin().args(["frobnicate"]).assert().code(2);
    bin()
        .args(["lint", "--calico-version", "banana", "testdata/demo"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid Calico version"));
}

#[test]
fn help_names_the_kubectl_plugin_form() {
    bin()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Usage: kubectl ippool"));
}

/// Each subcommand's own help opens with the summary the top-level help lists for it. Its
/// arguments are built lazily (start-up), after that summary is set, and a flattened struct's
/// doc comment (`ClusterArgs`) once replaced it in `lint --help`.
#[test]
fn every_subcommand_help_opens_with_its_listed_summary() {
    let top = String::from_utf8(bin().arg("--help").output().unwrap().stdout).unwrap();
    let listed: Vec<(String, String)> = top
        .split_once("Commands:\n")
        .expect("a Commands section")
        .1
        .lines()
        .take_while(|line| !line.is_empty())
        .filter_map(|line| {
            let (name, summary) = line.trim_start().split_once("  ")?;
            Some((name.to_owned(), summary.trim().to_owned()))
        })
        .filter(|(name, _)| name != "help")
        .collect();
    assert!(listed.len() >= 10, "{top}");
    for (name, summary) in listed {
        let help = bin().args([name.as_str(), "-h"]).output().unwrap();
        let help = String::from_utf8(help.stdout).unwrap();
        // The listing wraps long summaries; their first words are enough.
        let start: String = summary
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        let opening = help.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(opening.starts_with(&start), "{name} -h:\n{help}");
    }
}

#[test]
fn rules_lists_every_rule_and_explain_prints_one() {
    let output = bin().arg("rules").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    for rule in kubectl_ippool::rules::RULES {
        assert!(
            text.contains(rule.code) && text.contains(rule.name),
            "{rule:?}"
        );
    }
    let rules = json_of(&bin().args(["rules", "-o", "json"]).output().unwrap().stdout);
    assert_eq!(
        rules.as_array().unwrap().len(),
        kubectl_ippool::rules::RULES.len()
    );
    bin()
        .args(["explain", "IPP002"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "# IPP002 cidr-host-bits-set (error)",
        ))
        .stdout(predicate::str::contains("## Why is this bad?"));
    bin()
        .args(["explain", "cidr-host-bits-set"])
        .assert()
        .code(0);
    bin().args(["explain", "IPP999"]).assert().code(2);
}

#[test]
fn color_follows_the_flag_and_no_color() {
    let has_escape = |out: &[u8]| out.contains(&0x1b);
    let always = bin()
        .args(["lint", "testdata/demo", "--color", "always"])
        .output()
        .unwrap();
    assert!(has_escape(&always.stdout));
    let never = bin()
        .args(["lint", "testdata/demo", "--color", "never"])
        .output()
        .unwrap();
    assert!(!has_escape(&never.stdout));
    // Piped stdout in auto mode: no color either.
    let auto = bin()
        .args(["lint", "testdata/demo"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!has_escape(&auto.stdout));
}

#[test]
fn a_closed_stdout_exits_quietly() {
    // Enough findings to overflow the pipe buffer, so the writes really hit a closed pipe.
    let dir = tempfile::tempdir().unwrap();
    for index in 0..300 {
        fs::write(
            dir.path().join(format!("pool-{index}.yaml")),
            HOST_BITS_POOL,
        )
        .unwrap();
    }
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("kubectl-ippool"))
        .arg("lint")
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(stderr.is_empty(), "stderr: {stderr}");
    assert_eq!(
        status.code(),
        Some(1),
        "the exit code still reports the findings"
    );
}

#[test]
fn kustomize_patches_are_not_judged_as_whole_pools() {
    let dir = tempfile::tempdir().unwrap();
    let patch = "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: extra-ippool\nspec:\n  disabled: true\n";
    fs::create_dir_all(dir.path().join("overlay")).unwrap();
    fs::write(dir.path().join("overlay/disable.yaml"), patch).unwrap();
    // Without a Kustomization naming it, the partial pool lacks its CIDR.
    bin()
        .arg("lint")
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("IPP001"));
    fs::write(
        dir.path().join("overlay/kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\npatches:\n  - path: ./disable.yaml\n",
    )
    .unwrap();
    bin()
        .arg("lint")
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 pools"));
}

/// Issue 9 item 20: `--calico-version 3.27` (and 3.3, 3.34, …) ran silently with some rule set.
#[test]
fn unknown_calico_versions_exit_2_naming_the_known_ones() {
    for version in ["3.3", "3.27", "3.34"] {
        let output = bin()
            .args(["lint", "testdata/demo", "--calico-version", version])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{version}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("3.28, 3.29, 3.30, 3.31, 3.32, 3.33"),
            "{stderr}"
        );
    }
    let output = bin()
        .args([
            "lint",
            "testdata/demo",
            "--calico-version",
            "master",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn the_human_header_names_the_findings_place_even_when_a_related_span_comes_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pool.yaml");
    fs::write(
        &path,
        "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: p\nspec:\n  cidr: 10.1.0.0/16\n  ipipMode: Always\n  vxlanMode: Always\n",
    )
    .unwrap();
    let output = bin().arg("lint").arg(&path).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let json = bin()
        .arg("lint")
        .arg(&path)
        .args(["-o", "json"])
        .output()
        .unwrap();
    let diagnostic = &json_of(&json.stdout)["diagnostics"][0];
    assert_eq!(diagnostic["code"], "IPP008");
    let header = format!(
        "{}:{}:{}]",
        path.display(),
        diagnostic["location"]["line"],
        diagnostic["location"]["column"]
    );
    assert!(stdout.contains(&header), "{header} not in:\n{stdout}");
    assert!(stdout.contains("pool.yaml:8:14]"), "{stdout}");
}

fn lint_json(args: &[&str], cwd: &std::path::Path) -> (i32, Value, String) {
    let output = bin()
        .current_dir(cwd)
        .arg("lint")
        .args(args)
        .args(["-o", "json"])
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        json_of(&output.stdout),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn a_file_reached_twice_is_linted_once() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("deploy/sub")).unwrap();
    fs::write(dir.path().join("deploy/pool.yaml"), HOST_BITS_POOL).unwrap();
    fs::write(dir.path().join("deploy/sub/other.yaml"), VALID_POOL).unwrap();
    std::os::unix::fs::symlink("../pool.yaml", dir.path().join("deploy/sub/link.yaml")).unwrap();
    let (_, once, _) = lint_json(&["deploy/pool.yaml"], dir.path());
    assert_eq!(once["summary"]["files"], 1);
    for args in [
        &["deploy", "./deploy/"][..],
        &["deploy", "deploy/sub", "deploy/pool.yaml"][..],
        &["deploy"][..],
    ] {
        let (code, report, _) = lint_json(args, dir.path());
        assert_eq!(code, 1, "{args:?}");
        assert_eq!(report["summary"]["files"], 2, "{args:?}: {report:#}");
        let host_bits = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "IPP002")
            .count();
        assert_eq!(host_bits, 1, "{args:?}: {report:#}");
    }
}

#[test]
fn linting_nothing_warns_and_can_be_made_an_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("empty")).unwrap();
    let (code, report, stderr) = lint_json(&["empty"], dir.path());
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["files"], 0);
    assert!(
        stderr.contains("kubectl-ippool: warning: no file to lint in empty (files matching *.yaml, *.yml, *.json); --fail-if-no-files makes this an error"),
        "{stderr}"
    );
    let (code, _, stderr) = lint_json(&["empty", "--fail-if-no-files"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("kubectl-ippool: error: no file to lint"),
        "{stderr}"
    );
    // An include glob that matches nothing is the same mistake.
    fs::write(dir.path().join("empty/pool.yaml"), VALID_POOL).unwrap();
    let (_, _, stderr) = lint_json(&["empty", "--include", "*.yml"], dir.path());
    assert!(
        stderr.contains("no file to lint in empty (files matching *.yml)"),
        "{stderr}"
    );
}

#[test]
fn extensions_match_whatever_their_case() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("POOL.YAML"), HOST_BITS_POOL).unwrap();
    fs::write(dir.path().join("other.Yml"), VALID_POOL).unwrap();
    let (code, report, _) = lint_json(&["."], dir.path());
    assert_eq!(code, 1);
    assert_eq!(report["summary"]["files"], 2, "{report:#}");
}

#[test]
fn a_bare_exclude_name_matches_at_any_depth_and_one_that_matches_nothing_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("charts/a/vendor")).unwrap();
    fs::create_dir_all(dir.path().join("vendor")).unwrap();
    fs::write(dir.path().join("charts/a/vendor/bad.yaml"), HOST_BITS_POOL).unwrap();
    fs::write(dir.path().join("vendor/bad.yaml"), HOST_BITS_POOL).unwrap();
    fs::write(dir.path().join("charts/a/pool.yaml"), VALID_POOL).unwrap();
    let (code, report, stderr) = lint_json(&[".", "--exclude", "vendor"], dir.path());
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["files"], 1);
    assert!(!stderr.contains("matched nothing"), "{stderr}");
    // With a slash, the pattern is anchored at the PATH argument, as in .gitignore.
    let (code, report, _) = lint_json(&[".", "--exclude", "charts/*/vendor"], dir.path());
    assert_eq!(code, 1);
    assert_eq!(report["summary"]["files"], 2);
    let (_, _, stderr) = lint_json(&[".", "--exclude", "vendr"], dir.path());
    assert!(
        stderr.contains("kubectl-ippool: warning: --exclude \"vendr\" matched nothing"),
        "{stderr}"
    );
}

#[test]
fn tracked_only_reads_what_git_knows_and_says_when_there_is_no_work_tree() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("tracked.yaml"), VALID_POOL).unwrap();
    fs::write(dir.path().join("stray.yaml"), HOST_BITS_POOL).unwrap();
    let (code, report, stderr) = lint_json(&[".", "--tracked-only"], dir.path());
    assert_eq!(code, 1, "not a work tree: everything is read");
    assert_eq!(report["summary"]["files"], 2);
    assert!(
        stderr.contains("--tracked-only: not inside a git work tree; every file below it is read"),
        "{stderr}"
    );
    let git = |args: &[&str]| {
        assert!(
            std::process::Command::new("git")
                .current_dir(dir.path())
                .args(args)
                .status()
                .unwrap()
                .success()
        );
    };
    git(&["init", "-q"]);
    git(&["add", "tracked.yaml"]);
    let (code, report, _) = lint_json(&[".", "--tracked-only"], dir.path());
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["files"], 1);
    // Named on the command line, a file is read anyway.
    let (code, _, _) = lint_json(&["stray.yaml", "--tracked-only"], dir.path());
    assert_eq!(code, 1);
}

/// A citation of the internal reference (`P7`, `C1`, `§7.2`) that users cannot open.
fn internal_citation(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let next_digit = chars.get(i + 1).is_some_and(char::is_ascii_digit);
        let before = if i == 0 { ' ' } else { chars[i - 1] };
        let cited = match c {
            '§' => true,
            'P' | 'C' => next_digit && !before.is_alphanumeric() && before != '-',
            _ => false,
        };
        if cited {
            let end = (i + 12).min(chars.len());
            return Some(chars[i.saturating_sub(20)..end].iter().collect());
        }
    }
    None
}

#[test]
fn what_users_read_cites_calicos_docs_and_sources_not_the_internal_reference() {
    let rules = bin().arg("rules").output().unwrap();
    let rules = String::from_utf8(rules.stdout).unwrap();
    assert_eq!(internal_citation(&rules), None, "rules");
    let codes: Vec<&str> = rules
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.starts_with("IPP"))
        .collect();
    assert!(codes.len() > 40, "{rules}");
    for code in codes {
        let explained = bin().args(["explain", code]).output().unwrap();
        let explained = String::from_utf8(explained.stdout).unwrap();
        assert_eq!(internal_citation(&explained), None, "explain {code}");
    }
    let sarif = bin()
        .args(["lint", "testdata/demo", "-o", "sarif"])
        .output()
        .unwrap();
    let sarif = String::from_utf8(sarif.stdout).unwrap();
    assert_eq!(internal_citation(&sarif), None, "SARIF");
    let docs = fs::read_to_string("docs/rules.md").unwrap();
    assert_eq!(internal_citation(&docs), None, "docs/rules.md");
    assert_eq!(
        internal_citation("IPP101 at 10.0.0.0/8 in C-3 and P-9"),
        None
    );
    assert!(internal_citation("Calico rejects it (P7)").is_some());
}

/// A chart whose template is a Go template that would not parse as YAML (and names
/// `annotations`, which makes the cheap scan read a document).
fn chart(dir: &std::path::Path) -> std::path::PathBuf {
    let chart = dir.join("charts/web");
    fs::create_dir_all(chart.join("templates")).unwrap();
    fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    )
    .unwrap();
    fs::write(chart.join("values.yaml"), "cidr: 10.0.1.0/16\n").unwrap();
    fs::write(
        chart.join("templates/pool.yaml"),
        "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: {{ .Release.Name }}-pool\n  annotations:\n    {{- toYaml .Values.annotations | nindent 4 }}\nspec:\n  cidr: {{ .Values.cidr }}\n",
    )
    .unwrap();
    chart
}

#[test]
fn a_helm_chart_is_never_parsed_as_yaml_and_is_rendered_when_helm_is_there() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path());
    let bin_dir = dir.path().join("bin");
    fs::create_dir_all(&bin_dir).unwrap();
    let lint = || {
        let output = bin()
            .current_dir(dir.path())
            .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
            .args(["lint", ".", "-o", "json", "--helm-values", "prod.yaml"])
            .output()
            .unwrap();
        (
            output.status.code().unwrap(),
            json_of(&output.stdout),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    // Without helm: one line says the chart was not rendered, and no template is judged.
    let (code, report, stderr) = lint();
    assert_eq!(code, 0, "{report:#}\n{stderr}");
    assert!(
        report["diagnostics"].as_array().unwrap().is_empty(),
        "{report:#}"
    );
    assert_eq!(
        stderr
            .matches("a Helm chart, not rendered: helm is not on the PATH")
            .count(),
        1,
        "{stderr}"
    );

    // A stub helm that renders it (with a host-bits CIDR) and records its arguments.
    let helm = bin_dir.join("helm");
    fs::write(
        &helm,
        format!(
            "#!/bin/sh\necho \"$@\" > {}/helm-args\ncat <<'YAML'\n---\n# Source: web/templates/pool.yaml\napiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: release-pool\nspec:\n  cidr: 10.0.1.0/16\n---\n# Source: web/templates/app.yaml\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n  annotations:\n    cni.projectcalico.org/ipv4pools: '[\"missing-pool\"]'\nYAML\n",
            dir.path().display()
        ),
    )
    .unwrap();
    fs::set_permissions(&helm, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let (code, report, stderr) = lint();
    assert_eq!(code, 1, "{report:#}\n{stderr}");
    let found: Vec<(String, String, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["location"]["path"].as_str().unwrap().to_owned(),
                d["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        found.contains(&(
            "IPP002".to_owned(),
            "./charts/web/templates/pool.yaml (helm template)".to_owned(),
            7
        )),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "IPP202".to_owned(),
            "./charts/web/templates/app.yaml (helm template)".to_owned(),
            7
        )),
        "{found:?}"
    );
    let args = fs::read_to_string(dir.path().join("helm-args")).unwrap();
    assert_eq!(args.trim(), "template ./charts/web --values prod.yaml");
}

#[test]
fn kustomize_builds_a_kustomization_with_kubectl_and_lints_the_result() {
    // kubectl is on every machine this runs on (CI included): `kubectl kustomize` builds it.
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base");
    let prod = dir.path().join("overlays/prod");
    fs::create_dir_all(&base).unwrap();
    fs::create_dir_all(&prod).unwrap();
    fs::write(base.join("pool.yaml"), VALID_POOL).unwrap();
    fs::write(base.join("kustomization.yaml"), "resources: [pool.yaml]\n").unwrap();
    // The overlay sets host bits: only the built result shows it.
    fs::write(
        prod.join("kustomization.yaml"),
        "resources: [../../base]\npatches:\n- target: {kind: IPPool, name: extra-ippool}\n  patch: |\n    - op: replace\n      path: /spec/cidr\n      value: 10.0.1.0/16\n",
    )
    .unwrap();
    let (code, report, _) = lint_json(&["overlays/prod"], dir.path());
    assert_eq!(code, 0, "the raw overlay holds no pool: {report:#}");
    let (code, report, stderr) = lint_json(&["overlays/prod", "--kustomize"], dir.path());
    assert_eq!(code, 1, "{report:#}\n{stderr}");
    let diagnostic = &report["diagnostics"][0];
    assert_eq!(diagnostic["code"], "IPP002");
    assert_eq!(
        diagnostic["location"]["path"],
        "overlays/prod (kustomize build)"
    );
    // A kustomization that does not build is a problem of the run (exit 2).
    fs::write(
        prod.join("kustomization.yaml"),
        "resources: [missing.yaml]\n",
    )
    .unwrap();
    let (code, _, stderr) = lint_json(&["overlays/prod", "--kustomize"], dir.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("kubectl kustomize failed"), "{stderr}");
}

#[test]
fn rule_selection_takes_all_a_code_prefix_and_suggests_the_nearest_rule() {
    let all = |args: &[&str]| {
        lint_json(
            &[&["testdata/demo"][..], args].concat(),
            &std::env::current_dir().unwrap(),
        )
    };
    let (_, everything, _) = all(&[]);
    let (_, selected_all, _) = all(&["--select", "all"]);
    assert_eq!(everything["diagnostics"], selected_all["diagnostics"]);
    // IPP0: the single-pool rules; the demo's findings are all of them but its IPP202.
    let (_, prefixed, _) = all(&["--select", "IPP0"]);
    let codes: Vec<&str> = prefixed["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(
        !codes.is_empty() && codes.iter().all(|c| c.starts_with("IPP0")),
        "{codes:?}"
    );
    let (_, ignored, _) = all(&["--ignore", "ipp2"]);
    assert!(
        ignored["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| !d["code"].as_str().unwrap().starts_with("IPP2"))
    );
    let output = bin()
        .args(["lint", "testdata/demo", "--select", "overlaping-pools"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr,
        "kubectl-ippool: error: unknown rule \"overlaping-pools\"\n  help: did you mean overlapping-pools? (`kubectl ippool rules` lists them all)\n"
    );
}

#[test]
fn zero_nodes_or_pods_per_node_is_a_usage_error_and_help_lists_exit_codes() {
    for flag in ["--nodes", "--pods-per-node"] {
        let output = bin()
            .args(["lint", "testdata/demo", flag, "0"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{flag}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(
            stderr.starts_with(&format!("kubectl-ippool: error: {flag} must be at least 1")),
            "{stderr}"
        );
    }
    let help = bin().args(["lint", "--help"]).output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(
        help.contains("Exit codes: 0 no diagnostic at or above --fail-on"),
        "{help}"
    );
}

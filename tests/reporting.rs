//! The reporting flags through the binary, as ruff and kube-linter users expect them: `-q`,
//! `--statistics`, `-o concise`, `--show-files`, `--show-config`, `--no-config`,
//! `--extend-select`/`--extend-ignore`, `--stdin-filename`; what the human output looks like under
//! `LANG=C`, `TERM=dumb` and `FORCE_COLOR`; and paths that cannot be read in JSON and SARIF.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn bin() -> Command {
    let mut cmd = Command::cargo_bin("kubectl-ippool").unwrap();
    for var in [
        "NO_COLOR",
        "FORCE_COLOR",
        "CLICOLOR_FORCE",
        "LC_ALL",
        "LC_CTYPE",
        "TERM",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("LANG", "C.UTF-8");
    cmd
}

fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}

const HOST_BITS_POOL: &str = "apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: extra-ippool
spec:
  cidr: 10.0.1.0/16
";

/// A pool with host bits (IPP002, an unsafe fix) and a lower-case mode (IPP006, a safe one).
const TWO_PROBLEMS: &str = "apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: extra-ippool
spec:
  cidr: 10.0.1.0/16
  vxlanMode: always
";

#[test]
fn quiet_prints_the_findings_only() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("pool.yaml"), HOST_BITS_POOL).unwrap();
    let output = bin()
        .arg("lint")
        .arg(dir.path())
        .args(["-q", "--exclude", "nothing-here", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("IPP002 cidr-host-bits-set"), "{stdout}");
    assert!(!stdout.contains("Found "), "{stdout}");
    assert_eq!(String::from_utf8(output.stderr).unwrap(), "");

    let clean = tempfile::tempdir().unwrap();
    bin()
        .arg("lint")
        .arg(clean.path())
        .arg("-q")
        .assert()
        .code(0)
        .stdout("")
        .stderr("");
}

#[test]
fn statistics_count_findings_per_rule() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.yaml"), TWO_PROBLEMS).unwrap();
    fs::write(
        dir.path().join("b.yaml"),
        TWO_PROBLEMS
            .replace("extra-ippool", "other")
            .replace("10.0.1.0", "10.1.1.0"),
    )
    .unwrap();
    let stats = ["--statistics", "--select", "IPP002,IPP006"];
    let text = stdout_of(bin().arg("lint").arg(dir.path()).args(stats));
    assert_eq!(
        text,
        "2  IPP002  cidr-host-bits-set          error\n\
         2  IPP006  invalid-encapsulation-mode  error  [fixable]\n\
         Found 4 errors, 0 warnings and 0 infos in 2 files (2 documents, 2 pools).\n"
    );
    let json: Value = serde_json::from_str(&stdout_of(
        bin()
            .arg("lint")
            .arg(dir.path())
            .args(stats)
            .args(["-o", "json"]),
    ))
    .unwrap();
    assert_eq!(json[0]["code"], "IPP002");
    assert_eq!(json[0]["count"], 2);
    assert_eq!(json[0]["fixable"], 0);
    assert_eq!(json[1]["fixable"], 2);
}

#[test]
fn concise_is_one_grep_able_line_per_finding() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pool.yaml");
    fs::write(&path, TWO_PROBLEMS).unwrap();
    let text = stdout_of(bin().arg("lint").arg(&path).args(["-o", "concise"]));
    let lines: Vec<&str> = text.lines().collect();
    let p = path.display();
    assert_eq!(
        lines,
        [
            format!("{p}:6:9: IPP002 [error] [*] IPPool extra-ippool has host bits set in cidr 10.0.1.0/16; its network is 10.0.0.0/16"),
            format!("{p}:7:14: IPP006 [error] [*] IPPool extra-ippool has vxlanMode \"always\"; it must be Never, Always or CrossSubnet"),
            "Found 2 errors, 0 warnings and 0 infos in 1 file (1 document, 1 pool). 1 fixable with --fix (1 more with --unsafe-fixes).".to_owned(),
        ]
    );
}

#[test]
fn show_files_lists_what_is_read_and_what_the_scan_passes_over() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("pool.yaml"), HOST_BITS_POOL).unwrap();
    let config_map =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  key: value\n";
    fs::write(
        dir.path().join("mixed.yaml"),
        format!(
            "{config_map}---\n{}",
            HOST_BITS_POOL
                .replace("extra-ippool", "b")
                .replace("10.0.1.0", "10.9.1.0")
        ),
    )
    .unwrap();
    fs::write(dir.path().join("notes.txt"), "not read").unwrap();
    let output = bin()
        .current_dir(dir.path())
        .args(["lint", ".", "--show-files"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "no finding is reported");
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!(
            "./mixed.yaml  ({} bytes, 2 documents, 1 not parsed: no rule reads them)\n\
             ./pool.yaml  ({} bytes, 1 document)\n2 files read.\n",
            fs::metadata(dir.path().join("mixed.yaml")).unwrap().len(),
            HOST_BITS_POOL.len()
        )
    );
}

const CONFIG: &str = "select: [IPP101]\nignore: [IPP006]\n";

#[test]
fn show_config_prints_the_settings_in_the_files_own_keys() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".ippool-lint.yaml"), CONFIG).unwrap();
    let text =
        stdout_of(
            bin()
                .current_dir(dir.path())
                .args(["lint", "--show-config", "--nodes", "40"]),
        );
    assert!(
        text.contains("# settings file: .ippool-lint.yaml\n"),
        "{text}"
    );
    assert!(text.contains("select: [IPP000, IPP101]\n"), "{text}");
    assert!(text.contains("nodes: 40\n"), "{text}");
    // What it prints is a settings file the tool reads back.
    let copy = dir.path().join("copy.yaml");
    fs::write(&copy, &text).unwrap();
    bin()
        .current_dir(dir.path())
        .arg("lint")
        .arg("--config")
        .arg(&copy)
        .arg("--show-config")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("select: [IPP000, IPP101]\n"));

    let ignored =
        stdout_of(
            bin()
                .current_dir(dir.path())
                .args(["lint", "--show-config", "--no-config"]),
        );
    assert!(ignored.contains("# settings file: none\n"), "{ignored}");
}

#[test]
fn no_config_ignores_the_nearest_settings_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".ippool-lint.yaml"), CONFIG).unwrap();
    fs::write(dir.path().join("pool.yaml"), HOST_BITS_POOL).unwrap();
    bin()
        .current_dir(dir.path())
        .args(["lint", "pool.yaml"])
        .assert()
        .code(0);
    bin()
        .current_dir(dir.path())
        .args(["lint", "pool.yaml", "--no-config", "-o", "concise"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("IPP002"));
    bin()
        .current_dir(dir.path())
        .args(["lint", "--no-config", "--config", "x.yaml"])
        .assert()
        .code(2);
}

#[test]
fn extend_select_and_extend_ignore_add_to_the_files_lists() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".ippool-lint.yaml"), CONFIG).unwrap();
    fs::write(dir.path().join("pool.yaml"), TWO_PROBLEMS).unwrap();
    let codes = |extra: &[&str]| -> Vec<String> {
        let json: Value = serde_json::from_str(&stdout_of(
            bin()
                .current_dir(dir.path())
                .args(["lint", "pool.yaml", "-o", "json"])
                .args(extra),
        ))
        .unwrap();
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(codes(&[]).is_empty());
    assert_eq!(codes(&["--extend-select", "IPP002"]), ["IPP002"]);
    // The file's ignore still holds when a rule is added: IPP006 stays off.
    assert_eq!(codes(&["--extend-select", "IPP002,IPP006"]), ["IPP002"]);
    // --select replaces the file's list; --extend-ignore adds to its ignore.
    assert_eq!(codes(&["--select", "all"]), ["IPP002"]);
    assert!(codes(&["--select", "all", "--extend-ignore", "IPP002"]).is_empty());
    bin()
        .current_dir(dir.path())
        .args(["lint", "pool.yaml", "--extend-select", "IPP99x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule"));
}

#[test]
fn stdin_takes_a_name_and_sarif_gives_it_a_base() {
    let text = stdout_of(
        bin()
            .args([
                "lint",
                "-",
                "--stdin-filename",
                "deploy/pool.yaml",
                "-o",
                "concise",
            ])
            .write_stdin(HOST_BITS_POOL),
    );
    assert!(text.starts_with("deploy/pool.yaml:6:9: IPP002"), "{text}");

    let named: Value = serde_json::from_str(&stdout_of(
        bin()
            .args([
                "lint",
                "-",
                "--stdin-filename",
                "deploy/pool.yaml",
                "-o",
                "sarif",
            ])
            .write_stdin(HOST_BITS_POOL),
    ))
    .unwrap();
    let artifact =
        &named["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uri"], "deploy/pool.yaml");
    assert_eq!(artifact["uriBaseId"], "%SRCROOT%");

    let unnamed: Value = serde_json::from_str(&stdout_of(
        bin()
            .args(["lint", "-", "-o", "sarif"])
            .write_stdin(HOST_BITS_POOL),
    ))
    .unwrap();
    let run = &unnamed["runs"][0];
    let artifact = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uriBaseId"], "STDIN");
    assert!(
        run["originalUriBaseIds"]["STDIN"]["description"]["text"]
            .as_str()
            .unwrap()
            .contains("--stdin-filename")
    );
}

#[cfg(unix)]
#[test]
fn a_dangling_symlink_is_said_plainly_and_recorded_in_json_and_sarif() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("pool.yaml"), HOST_BITS_POOL).unwrap();
    std::os::unix::fs::symlink("gone.yaml", dir.path().join("broken.yaml")).unwrap();
    let output = bin()
        .arg("lint")
        .arg(dir.path())
        .args(["-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("broken.yaml: broken symbolic link: its target gone.yaml does not exist"),
        "{stderr}"
    );
    assert!(!stderr.contains("IO error for operation"), "{stderr}");
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let problems = json["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("broken.yaml")
    );

    let sarif: Value = serde_json::from_str(&stdout_of(
        bin().arg("lint").arg(dir.path()).args(["-o", "sarif"]),
    ))
    .unwrap();
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    assert!(
        notification["message"]["text"]
            .as_str()
            .unwrap()
            .contains("broken symbolic link")
    );
}

#[test]
fn the_locale_and_the_terminal_decide_box_drawing_and_colour() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pool.yaml");
    fs::write(&path, HOST_BITS_POOL).unwrap();
    let boxes = |text: &str| text.chars().any(|c| ('\u{2500}'..='\u{257f}').contains(&c));
    let ansi = |text: &str| text.contains('\u{1b}');

    let utf8 = stdout_of(bin().arg("lint").arg(&path));
    assert!(boxes(&utf8) && !ansi(&utf8), "{utf8}");
    let c_locale = stdout_of(bin().arg("lint").arg(&path).env("LANG", "C"));
    assert!(!boxes(&c_locale) && c_locale.is_ascii(), "{c_locale}");
    assert!(c_locale.contains("IPP002 cidr-host-bits-set"));
    let dumb = stdout_of(bin().arg("lint").arg(&path).env("TERM", "dumb"));
    assert!(!boxes(&dumb) && !ansi(&dumb), "{dumb}");
    for force in ["FORCE_COLOR", "CLICOLOR_FORCE"] {
        let forced = stdout_of(bin().arg("lint").arg(&path).env(force, "1"));
        assert!(ansi(&forced), "{force}: {forced}");
    }
    let no_color = stdout_of(
        bin()
            .arg("lint")
            .arg(&path)
            .env("FORCE_COLOR", "1")
            .env("NO_COLOR", "1"),
    );
    assert!(!ansi(&no_color));
}

#[test]
fn a_json_file_is_told_about_in_jsons_words() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pool.json");
    fs::write(
        &path,
        "{\"apiVersion\": \"projectcalico.org/v3\", \"kind\": \"IPPool\", \"metadata\": {}\n",
    )
    .unwrap();
    let text = stdout_of(bin().arg("lint").arg(&path).args(["-o", "concise"]));
    assert!(
        text.contains("IPP000 [error] invalid JSON: while parsing an object"),
        "{text}"
    );
    assert!(!text.contains("flow mapping"), "{text}");

    let control = dir.path().join("control.json");
    fs::write(&control, "{\"kind\": \"IPPool\", \"x\": \"a\u{1}b\"}\n").unwrap();
    let json: Value = serde_json::from_str(&stdout_of(
        bin().arg("lint").arg(&control).args(["-o", "json"]),
    ))
    .unwrap();
    let help = json["diagnostics"][0]["help"].as_str().unwrap();
    assert!(
        help.contains("\\u001b") && !help.contains("\\x1b"),
        "{help}"
    );
}

#[test]
fn a_tab_error_points_at_the_tab() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pool.yaml");
    fs::write(
        &path,
        "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: a\nspec:\n\tcidr: 10.0.0.0/16\n",
    )
    .unwrap();
    let text = stdout_of(bin().arg("lint").arg(&path).args(["-o", "concise"]));
    assert!(text.contains("pool.yaml:6:1: IPP000"), "{text}");
}

#[test]
fn a_related_place_in_another_file_is_headed_by_its_message_once() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.yaml"),
        HOST_BITS_POOL.replace("10.0.1.0/16", "10.0.0.0/16"),
    )
    .unwrap();
    fs::write(
        dir.path().join("b.yaml"),
        HOST_BITS_POOL
            .replace("extra-ippool", "second")
            .replace("10.0.1.0/16", "10.0.0.0/24"),
    )
    .unwrap();
    let text = stdout_of(
        bin()
            .arg("lint")
            .arg(dir.path())
            .args(["--select", "IPP101"]),
    );
    let message = "overlapping pool defined here";
    assert_eq!(text.matches(message).count(), 1, "{text}");
}

#[test]
fn threads_change_nothing_but_the_speed() {
    let json = |threads: &str| {
        stdout_of(
            bin()
                .args(["lint", "testdata/demo", "-o", "json", "-j"])
                .arg(threads),
        )
    };
    let one = json("1");
    assert!(one.contains("IPP101"), "{one}");
    assert_eq!(one, json("2"));
    assert_eq!(one, json("7"));
    assert_eq!(
        one,
        stdout_of(bin().args(["lint", "testdata/demo", "-o", "json"]))
    );
    bin()
        .args(["lint", "testdata/demo", "--threads", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--threads must be at least 1"));
}

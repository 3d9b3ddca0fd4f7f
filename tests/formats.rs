//! The CI formats through the real binary (CONTRACT §4): `-o sarif` validates against the OASIS
//! SARIF 2.1.0 schema and places every result where `-o json` places it, `-o github` prints one
//! workflow command per diagnostic and nothing else, `-o junit` is well-formed XML with one
//! testcase per linted file; exit codes do not depend on the format, and colour never applies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const FORMATS: [&str; 5] = ["human", "json", "sarif", "github", "junit"];

const VALID_POOL: &str = "apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: extra-ippool
spec:
  cidr: 10.0.0.0/16
";

/// Markup, workflow-command separators, `%` and a control character in the pool name, which
/// several messages quote.
const AWKWARD_POOL: &str = r#"apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: "a<&>,:%\x01'b"
spec:
  cidr: 10.0.1.0/16
  nodeSelector: "x == \"a,b:c\" &&"
"#;

fn bin() -> Command {
    let mut cmd = Command::cargo_bin("kubectl-ippool").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

/// Runs `lint ARGS -o FORMAT` and returns (exit code, stdout).
fn lint(args: &[&str], format: &str, cwd: Option<&Path>) -> (i32, String) {
    let mut cmd = bin();
    if let Some(cwd) = cwd {
        cmd.current_dir(cwd);
    }
    let output = cmd
        .arg("lint")
        .args(args)
        .args(["-o", format])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    (output.status.code().unwrap(), stdout)
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&lint(args, "json", None).1).unwrap()
}

fn sarif(args: &[&str], cwd: Option<&Path>) -> Value {
    let log: Value = serde_json::from_str(&lint(args, "sarif", cwd).1).unwrap();
    assert_valid_sarif(&log);
    log
}

/// Every way `log` breaks the OASIS SARIF 2.1.0 schema.
fn schema_errors(log: &Value) -> Vec<String> {
    let mut schema: Value = serde_json::from_str(
        &fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    // The official schema's `language` patterns end in a stray `]` (`…{2}]?$`), which the crate
    // rejects while vetting the schema itself; the vendored file stays as published and only
    // this copy gets the pattern the spec's prose means. `-o sarif` never sets a `language`.
    assert!(fix_language_patterns(&mut schema) > 0);
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(log)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

fn assert_valid_sarif(log: &Value) {
    let errors = schema_errors(log);
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));

    // What GitHub code scanning requires beyond the schema.
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].is_string());
    let run = &log["runs"][0];
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    assert_eq!(run["tool"]["driver"]["name"], "kubectl-ippool");
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        assert!(rule["id"].is_string());
    }
    for result in run["results"].as_array().unwrap() {
        assert!(result["ruleId"].is_string());
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let physical = &result["locations"][0]["physicalLocation"];
        assert!(physical["artifactLocation"]["uri"].is_string());
        assert!(physical["region"]["startLine"].as_u64().unwrap() >= 1);
    }
}

fn fix_language_patterns(value: &mut Value) -> usize {
    match value {
        Value::Object(map) => {
            let mut fixed = 0;
            for (key, value) in map.iter_mut() {
                if key == "pattern" && *value == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
                    *value = Value::from("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
                    fixed += 1;
                } else {
                    fixed += fix_language_patterns(value);
                }
            }
            fixed
        }
        Value::Array(items) => items.iter_mut().map(fix_language_patterns).sum(),
        _ => 0,
    }
}

fn file_uri_of_dir(dir: &Path) -> String {
    let mut uri = format!("file://{}", dir.to_str().unwrap());
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

#[test]
fn sarif_lists_every_rule_with_its_documentation() {
    let log = sarif(&["testdata/demo"], None);
    let listed: Value =
        serde_json::from_slice(&bin().args(["rules", "-o", "json"]).output().unwrap().stdout)
            .unwrap();
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let rules = driver["rules"].as_array().unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(rules.len(), listed.len());
    for (rule, listed) in rules.iter().zip(listed) {
        assert_eq!(rule["id"], listed["code"]);
        assert_eq!(rule["name"], listed["name"]);
        assert_eq!(rule["shortDescription"]["text"], listed["summary"]);
        let full = rule["fullDescription"]["text"].as_str().unwrap();
        assert!(!full.is_empty() && !full.contains('\n'), "{full}");
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("## What it does")
        );
        assert!(rule["help"]["text"].is_string());
        let code = listed["code"].as_str().unwrap().to_ascii_lowercase();
        assert!(
            rule["helpUri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("#{code}"))
        );
        let level = match listed["severity"].as_str().unwrap() {
            "info" => "note",
            other => other,
        };
        assert_eq!(rule["defaultConfiguration"]["level"], level);
    }
}

#[test]
fn sarif_results_sit_where_the_json_diagnostics_do() {
    let report = json(&["testdata/demo"]);
    let log = sarif(&["testdata/demo"], None);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let cwd = std::env::current_dir().unwrap();
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        file_uri_of_dir(&cwd)
    );
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(!diagnostics.is_empty());
    assert_eq!(results.len(), diagnostics.len());
    for (result, diagnostic) in results.iter().zip(diagnostics) {
        assert_eq!(result["ruleId"], diagnostic["code"]);
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], diagnostic["code"]);
        let level = match diagnostic["severity"].as_str().unwrap() {
            "info" => "note",
            other => other,
        };
        assert_eq!(result["level"], level);
        let text = result["message"]["text"].as_str().unwrap();
        assert!(text.starts_with(diagnostic["message"].as_str().unwrap()));
        if let Some(help) = diagnostic["help"].as_str() {
            assert!(text.ends_with(&format!("\nhelp: {help}")), "{text}");
        }
        assert_same_place(&result["locations"][0], &diagnostic["location"]);
        let related = diagnostic["related"].as_array().unwrap();
        let sarif_related = result["relatedLocations"]
            .as_array()
            .map_or(&[][..], Vec::as_slice);
        assert_eq!(sarif_related.len(), related.len());
        for (sarif, json) in sarif_related.iter().zip(related) {
            assert_eq!(sarif["message"]["text"], json["message"]);
            assert_same_place(sarif, &json["location"]);
        }
    }
}

fn assert_same_place(sarif: &Value, json: &Value) {
    let physical = &sarif["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], json["path"]);
    assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    let region = &physical["region"];
    assert_eq!(region["startLine"], json["line"]);
    assert_eq!(region["startColumn"], json["column"]);
    assert_eq!(region["endLine"], json["end_line"]);
    assert_eq!(region["endColumn"], json["end_column"]);
    if let Some(object) = json["object"].as_str() {
        assert_eq!(sarif["logicalLocations"][0]["fullyQualifiedName"], object);
    }
}

#[test]
fn the_schema_check_catches_a_broken_log() {
    let mut log = sarif(&["testdata/demo"], None);
    let result = &mut log["runs"][0]["results"][0];
    result["locations"][0]["physicalLocation"]["region"]["startLine"] = Value::from(0);
    result["level"] = Value::from("fatal");
    result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        Value::from("<stdin> x");
    let errors = schema_errors(&log);
    assert_eq!(errors.len(), 3, "{errors:#?}");
}

#[test]
fn sarif_of_a_clean_tree_has_an_empty_results_array() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("pool.yaml"), VALID_POOL).unwrap();
    let (code, stdout) = lint(&["."], "sarif", Some(dir.path()));
    assert_eq!(code, 0);
    let log: Value = serde_json::from_str(&stdout).unwrap();
    assert_valid_sarif(&log);
    assert_eq!(log["runs"][0]["results"], Value::Array(Vec::new()));
}

#[test]
fn sarif_uris_are_relative_below_the_working_directory_and_absolute_elsewhere() {
    let inside = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    // The child's working directory is the canonical path; name the files the same way.
    let inside_dir = inside.path().canonicalize().unwrap();
    let outside_dir = outside.path().canonicalize().unwrap();
    fs::create_dir(inside_dir.join("sub dir")).unwrap();
    fs::write(inside_dir.join("sub dir/pool.yaml"), AWKWARD_POOL).unwrap();
    fs::write(outside_dir.join("pool.yaml"), AWKWARD_POOL).unwrap();
    let inside_file = inside_dir.join("sub dir/pool.yaml");
    let outside_file = outside_dir.join("pool.yaml");
    let log = sarif(
        &[
            inside_file.to_str().unwrap(),
            outside_file.to_str().unwrap(),
        ],
        Some(&inside_dir),
    );
    let run = &log["runs"][0];
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        file_uri_of_dir(&inside_dir)
    );
    let mut uris: BTreeMap<String, Value> = BTreeMap::new();
    for result in run["results"].as_array().unwrap() {
        let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        uris.insert(
            artifact["uri"].as_str().unwrap().to_owned(),
            artifact["uriBaseId"].clone(),
        );
    }
    let expected: BTreeMap<String, Value> = [
        ("sub%20dir/pool.yaml".to_owned(), Value::from("%SRCROOT%")),
        (
            format!("file://{}", outside_file.to_str().unwrap()),
            Value::Null,
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(uris, expected);
}

#[test]
fn github_prints_one_workflow_command_per_diagnostic_and_nothing_else() {
    let report = json(&["testdata/demo"]);
    let (code, stdout) = lint(&["testdata/demo"], "github", None);
    assert_eq!(code, 1);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert!(stdout.ends_with('\n'));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), diagnostics.len(), "{stdout}");
    for (line, diagnostic) in lines.iter().zip(diagnostics) {
        let command = match diagnostic["severity"].as_str().unwrap() {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        let location = &diagnostic["location"];
        let prefix = format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={} {}::{}",
            location["path"].as_str().unwrap(),
            location["line"],
            location["column"],
            location["end_line"],
            location["end_column"],
            diagnostic["code"].as_str().unwrap(),
            diagnostic["rule"].as_str().unwrap(),
            diagnostic["message"].as_str().unwrap().replace('%', "%25"),
        );
        assert!(line.starts_with(&prefix), "{line}\nwanted {prefix}");
        if let Some(help) = diagnostic["help"].as_str() {
            assert!(line.ends_with(&format!("%0Ahelp: {}", help.replace('%', "%25"))));
        }
    }
}

#[test]
fn github_escapes_data_and_properties_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a,b:c%.yaml"), AWKWARD_POOL).unwrap();
    let (code, stdout) = lint(&["a,b:c%.yaml"], "github", Some(dir.path()));
    assert_eq!(code, 1);
    for line in stdout.lines() {
        assert!(
            line.starts_with("::error file=a%2Cb%3Ac%25.yaml,line="),
            "{line}"
        );
        // One command per line: the help's line break is escaped.
        assert!(line.contains("%0Ahelp: "), "{line}");
        // A control character from the input is escaped, never sent raw (issue 9 item 14).
        assert!(line.contains("a<&>,:%25\\u{1}'b"), "{line}");
    }
}

/// Errors, warnings and infos.
const JUNIT_TREES: &[&str] = &[
    "testdata/demo",
    "testdata/rules/pool-outside-cluster-cidr",
    "testdata/rules/ambiguous-default-pools",
];

#[test]
fn junit_has_one_testcase_per_linted_file_and_one_failure_per_diagnostic() {
    let report = json(JUNIT_TREES);
    let (code, stdout) = lint(JUNIT_TREES, "junit", None);
    assert_eq!(code, 1);
    let document = roxmltree::Document::parse(&stdout).expect("well-formed XML");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), 1);
    let suite = suites[0];
    assert_eq!(suite.tag_name().name(), "testsuite");
    assert_eq!(suite.attribute("name"), Some("kubectl-ippool"));

    let cases: Vec<_> = suite.children().filter(|n| n.is_element()).collect();
    assert!(
        cases
            .iter()
            .all(|case| case.tag_name().name() == "testcase")
    );
    let files = report["summary"]["files"].as_u64().unwrap() as usize;
    assert_eq!(cases.len(), files);
    assert_eq!(suite.attribute("tests"), Some(files.to_string().as_str()));

    // Failures are the diagnostics at or above --fail-on (error by default): a warning fails no
    // test in a job that passes. The others are the testcase's system-out.
    let mut expected: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    let mut noted: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for diagnostic in report["diagnostics"].as_array().unwrap() {
        let path = diagnostic["location"]["path"].as_str().unwrap();
        if diagnostic["severity"] == "error" {
            expected.entry(path).or_default().push((
                diagnostic["code"].as_str().unwrap(),
                diagnostic["message"].as_str().unwrap(),
            ));
        } else {
            noted
                .entry(path)
                .or_default()
                .push(diagnostic["code"].as_str().unwrap());
        }
    }
    assert!(!noted.is_empty(), "the demo has warnings or infos");
    for case in &cases {
        let name = case.attribute("name").unwrap();
        let out: String = case
            .children()
            .filter(|n| n.has_tag_name("system-out"))
            .filter_map(|n| n.text())
            .collect();
        for code in noted.remove(name).unwrap_or_default() {
            assert!(out.contains(code), "{name}: {code} not in {out:?}");
        }
    }
    assert!(noted.is_empty(), "{noted:?}");
    let mut failing = 0;
    for case in &cases {
        assert_eq!(case.attribute("classname"), Some("kubectl-ippool"));
        let name = case.attribute("name").unwrap();
        let failures: Vec<(&str, &str)> = case
            .children()
            .filter(|n| n.has_tag_name("failure"))
            .map(|n| {
                (
                    n.attribute("type").unwrap(),
                    n.attribute("message").unwrap(),
                )
            })
            .collect();
        assert_eq!(
            failures,
            expected.remove(name).unwrap_or_default(),
            "{name}"
        );
        failing += usize::from(!failures.is_empty());
    }
    assert!(
        expected.is_empty(),
        "diagnostics outside any testcase: {expected:?}"
    );
    assert_eq!(
        suite.attribute("failures"),
        Some(failing.to_string().as_str())
    );
    assert_eq!(
        root.attribute("failures"),
        Some(failing.to_string().as_str())
    );
}

fn of_severity(report: &Value, severity: &str) -> usize {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == severity)
        .count()
}

#[test]
fn junit_failures_follow_fail_on() {
    let count = |fail_on: &str| {
        let args: Vec<&str> = JUNIT_TREES
            .iter()
            .copied()
            .chain(["--fail-on", fail_on])
            .collect();
        let (_, stdout) = lint(&args, "junit", None);
        stdout.matches("<failure ").count()
    };
    let report = json(JUNIT_TREES);
    assert!(of_severity(&report, "warning") > 0 && of_severity(&report, "info") > 0);
    let of = |severities: &[&str]| {
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| severities.contains(&d["severity"].as_str().unwrap()))
            .count()
    };
    assert_eq!(count("error"), of(&["error"]));
    assert_eq!(count("warning"), of(&["error", "warning"]));
    assert_eq!(count("info"), of(&["error", "warning", "info"]));
    assert_eq!(count("never"), 0);
}

#[test]
fn junit_failure_text_names_the_place_and_escapes_what_xml_cannot_hold() {
    let dir = tempfile::tempdir().unwrap();
    // A CIDR apart from the awkward pool's, so that the clean file stays clean.
    let clean = VALID_POOL.replace("10.0.0.0/16", "192.168.0.0/16");
    fs::write(dir.path().join("clean.yaml"), clean).unwrap();
    fs::write(dir.path().join("awkward.yaml"), AWKWARD_POOL).unwrap();
    let (code, stdout) = lint(&["."], "junit", Some(dir.path()));
    assert_eq!(code, 1);
    let document = roxmltree::Document::parse(&stdout).expect("well-formed XML");
    let cases: Vec<_> = document
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let names: Vec<_> = cases.iter().map(|c| c.attribute("name").unwrap()).collect();
    assert_eq!(names, ["./awkward.yaml", "./clean.yaml"]);
    assert_eq!(cases[1].children().filter(|n| n.is_element()).count(), 0);
    let failure = cases[0]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    let body = failure.text().unwrap();
    assert!(body.starts_with("./awkward.yaml:"), "{body}");
    // The control character XML 1.0 cannot carry is replaced; the markup survives.
    assert!(body.contains("a<&>,:%\u{FFFD}'b"), "{body}");
    assert!(body.contains("\nhelp: "), "{body}");
}

#[test]
fn exit_codes_do_not_depend_on_the_format() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("pool.yaml"), VALID_POOL).unwrap();
    let clean = dir.path().to_str().unwrap();
    for format in FORMATS {
        assert_eq!(lint(&["testdata/demo"], format, None).0, 1, "{format}");
        assert_eq!(
            lint(&["testdata/demo", "--fail-on", "never"], format, None).0,
            0,
            "{format}"
        );
        assert_eq!(lint(&[clean], format, None).0, 0, "{format}");
        assert_eq!(
            lint(&["testdata/does-not-exist"], format, None).0,
            2,
            "{format}"
        );
    }
}

#[test]
fn colour_never_applies_to_machine_formats() {
    for format in ["json", "sarif", "github", "junit"] {
        let (_, stdout) = lint(&["testdata/demo", "--color", "always"], format, None);
        assert!(!stdout.contains('\u{1b}'), "{format}: {stdout}");
    }
}

#[test]
fn stdin_has_no_file_to_point_at() {
    let output = bin()
        .args(["lint", "-", "-o", "sarif"])
        .write_stdin(AWKWARD_POOL)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_valid_sarif(&log);
    let artifact =
        &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uri"], "stdin");
    // A base that says what it is (no URI: stdin is no file), not a bare relative reference.
    assert_eq!(artifact["uriBaseId"], "STDIN");
    assert!(log["runs"][0]["originalUriBaseIds"]["STDIN"]["uri"].is_null());
}

#[test]
fn a_closed_stdout_stays_quiet_in_every_format() {
    for format in FORMATS {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("kubectl-ippool"))
            .args(["lint", "testdata/demo", "-o", format])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        let status = child.wait().unwrap();
        assert!(stderr.is_empty(), "{format}: {stderr}");
        assert_eq!(status.code(), Some(1), "{format}");
    }
}

#[test]
fn inside_github_actions_lint_annotates_by_default_at_paths_from_the_repository_root() {
    let repo = tempfile::tempdir().unwrap();
    let deploy = repo.path().join("deploy");
    let tools = repo.path().join("tools");
    fs::create_dir_all(&deploy).unwrap();
    fs::create_dir_all(&tools).unwrap();
    // A list where a number belongs: the value's range spans two lines.
    fs::write(
        deploy.join("pool.yaml"),
        "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: p\nspec:\n  cidr: 10.0.0.0/16\n  blockSize:\n    - 26\n    - 27\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let output = bin()
            .current_dir(&tools)
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", repo.path())
            .arg("lint")
            .arg("../deploy")
            .args(extra)
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    let annotations = run(&[]);
    let lines: Vec<&str> = annotations.lines().collect();
    assert_eq!(lines.len(), 1, "{annotations}");
    assert!(
        lines[0].starts_with("::error file=deploy/pool.yaml,line=8,endLine=9,title=IPP017"),
        "{annotations}"
    );
    // A flag still wins.
    assert!(run(&["-o", "human"]).contains("IPP017 wrong-field-type"));
}

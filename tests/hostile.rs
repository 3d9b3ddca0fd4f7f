//! Hostile and broken input through the real binary: each ends in a diagnostic naming the file
//! and position (IPP000) or is linted normally, in bounded time, and the other files of the run
//! are still linted. None may crash or hang.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const POOL_WITH_HOST_BITS: &str = "apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: canary
spec:
  cidr: 10.0.1.0/16
";

/// Lints `name` (written with `content`) next to a canary file with a known finding, and
/// returns the diagnostics of the hostile file. The canary proves the run went on. Each input
/// goes through both paths: the default one, where the cheap scan may skip documents no rule
/// reads, and `--no-skip`, which parses everything; the full parse's diagnostics are returned.
fn lint_beside_canary(name: &str, content: &[u8]) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(name), content).unwrap();
    fs::write(dir.path().join("zz-canary.yaml"), POOL_WITH_HOST_BITS).unwrap();
    let mut full = Vec::new();
    for extra in [None, Some("--no-skip")] {
        let output = Command::cargo_bin("kubectl-ippool")
            .unwrap()
            .arg("lint")
            .arg(dir.path())
            .args(["-o", "json"])
            .args(extra)
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(1),
            "stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            output.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        let diagnostics = report["diagnostics"].as_array().unwrap().clone();
        assert!(
            diagnostics.iter().any(|d| d["code"] == "IPP002"
                && d["location"]["path"]
                    .as_str()
                    .unwrap()
                    .ends_with("zz-canary.yaml")),
            "the canary was not linted: {diagnostics:#?}"
        );
        full = diagnostics
            .into_iter()
            .filter(|d| {
                Path::new(d["location"]["path"].as_str().unwrap_or_default())
                    .file_name()
                    .is_some_and(|f| f == name)
            })
            .collect();
    }
    full
}

fn single_ipp000(diagnostics: &[Value]) -> &Value {
    let invalid: Vec<_> = diagnostics
        .iter()
        .filter(|d| d["code"] == "IPP000")
        .collect();
    assert!(!invalid.is_empty(), "expected IPP000, got {diagnostics:#?}");
    invalid[0]
}

#[test]
fn syntax_error_points_at_line_and_column() {
    let diagnostics = lint_beside_canary(
        "broken.yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: [unclosed\n",
    );
    let finding = single_ipp000(&diagnostics);
    assert!(finding["location"]["line"].as_u64().unwrap() >= 5);
}

#[test]
fn documents_after_a_broken_one_are_still_linted() {
    let content =
        format!("apiVersion: v1\nkind: ConfigMap\ndata: {{broken\n---\n{POOL_WITH_HOST_BITS}");
    let diagnostics = lint_beside_canary("multi.yaml", content.as_bytes());
    single_ipp000(&diagnostics);
    assert!(
        diagnostics.iter().any(|d| d["code"] == "IPP002"),
        "{diagnostics:#?}"
    );
}

#[test]
fn alias_bomb() {
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut previous = 'a';
    for name in 'b'..='j' {
        bomb.push_str(&format!(
            "{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]\n"
        ));
        previous = name;
    }
    // Parsed without expansion: nothing to report, and it returns.
    let diagnostics = lint_beside_canary("bomb.yaml", bomb.as_bytes());
    assert!(diagnostics.iter().all(|d| d["code"] == "IPP000"));
}

#[test]
fn self_referencing_alias() {
    let diagnostics = lint_beside_canary("cycle.yaml", b"a: &a [*a]\n");
    single_ipp000(&diagnostics);
}

#[test]
fn deep_flow_nesting() {
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    single_ipp000(&lint_beside_canary("deep-flow.yaml", deep.as_bytes()));
}

#[test]
fn deep_block_nesting() {
    let mut deep = String::new();
    for depth in 0..100_000 {
        deep.push_str(&" ".repeat(depth));
        deep.push_str("- \n");
    }
    // Either a depth diagnostic or a syntax error; it must end.
    let diagnostics = lint_beside_canary("deep-block.yaml", deep.as_bytes());
    single_ipp000(&diagnostics);
}

#[test]
fn deep_nested_maps() {
    let mut deep = String::new();
    for depth in 0..20_000 {
        deep.push_str(&" ".repeat(depth));
        deep.push_str("k:\n");
    }
    single_ipp000(&lint_beside_canary("deep-maps.yaml", deep.as_bytes()));
}

#[test]
fn file_over_the_size_limit() {
    let mut huge = String::from("apiVersion: v1\nkind: ConfigMap\ndata:\n  blob: \"");
    huge.push_str(&"x".repeat(50 * 1024 * 1024));
    huge.push_str("\"\n");
    let finding = single_ipp000(&lint_beside_canary("huge.yaml", huge.as_bytes())).clone();
    assert!(finding["message"].as_str().unwrap().contains("larger than"));
}

#[test]
fn multi_megabyte_scalar_is_linted_normally() {
    let mut big = String::from("apiVersion: v1\nkind: ConfigMap\ndata:\n  blob: \"");
    big.push_str(&"x".repeat(8 * 1024 * 1024));
    big.push_str("\"\n---\n");
    big.push_str(POOL_WITH_HOST_BITS);
    let diagnostics = lint_beside_canary("big.yaml", big.as_bytes());
    assert!(
        diagnostics.iter().any(|d| d["code"] == "IPP002"),
        "{diagnostics:#?}"
    );
}

#[test]
fn nul_bytes() {
    let finding = single_ipp000(&lint_beside_canary("nul.yaml", b"a: b\nc: d\0e\n")).clone();
    assert_eq!(finding["location"]["line"], 2);
    assert_eq!(finding["location"]["column"], 5);
}

#[test]
fn invalid_utf8() {
    let finding =
        single_ipp000(&lint_beside_canary("latin1.yaml", b"a: b\nname: caf\xe9\n")).clone();
    assert_eq!(finding["location"]["line"], 2);
    assert_eq!(finding["location"]["column"], 10);
    assert!(finding["message"].as_str().unwrap().contains("UTF-8"));
}

#[test]
fn binary_file() {
    let png: Vec<u8> = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"
        .iter()
        .copied()
        .chain((0..4096u32).map(|i| (i * 31 % 251) as u8))
        .collect();
    single_ipp000(&lint_beside_canary("image.yaml", &png));
}

#[test]
fn duplicate_keys_in_an_object() {
    let diagnostics = lint_beside_canary(
        "dup.yaml",
        b"apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: p\nspec:\n  cidr: 10.0.0.0/16\n  cidr: 10.1.0.0/16\n",
    );
    let finding = single_ipp000(&diagnostics);
    assert_eq!(finding["location"]["line"], 7);
    assert_eq!(finding["related"][0]["location"]["line"], 6);
}

#[test]
fn empty_and_comment_only_files() {
    let diagnostics = lint_beside_canary("empty.yaml", b"");
    assert!(diagnostics.is_empty());
    let diagnostics = lint_beside_canary("comments.yaml", b"# nothing here\n---\n# nor here\n");
    assert!(diagnostics.is_empty());
}

#[test]
fn json_files_are_linted() {
    let json = br#"{"apiVersion": "projectcalico.org/v3", "kind": "IPPool",
	"metadata": {"name": "from-json"},
	"spec": {"cidr": "10.0.1.0/16"}}"#;
    let diagnostics = lint_beside_canary("pool.json", json);
    assert!(
        diagnostics.iter().any(|d| d["code"] == "IPP002"),
        "{diagnostics:#?}"
    );
}

#[test]
fn list_items_are_linted() {
    let list = b"apiVersion: v1\nkind: List\nitems:\n- apiVersion: projectcalico.org/v3\n  kind: IPPool\n  metadata:\n    name: in-list\n  spec:\n    cidr: 10.0.1.0/16\n";
    let diagnostics = lint_beside_canary("list.yaml", list);
    let finding = diagnostics.iter().find(|d| d["code"] == "IPP002").unwrap();
    assert_eq!(finding["location"]["line"], 9);
    assert_eq!(finding["location"]["object"], "IPPool/in-list");
}

/// The default run parses only documents some rule reads: a syntax error in a ConfigMap is
/// `--no-skip`'s to report (README, "How it works").
#[test]
fn skipped_documents_are_not_parsed_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: [unclosed\n";
    fs::write(dir.path().join("broken.yaml"), broken).unwrap();
    let run = |extra: &[&str]| {
        let output = Command::cargo_bin("kubectl-ippool")
            .unwrap()
            .arg("lint")
            .arg(dir.path())
            .args(["-o", "json"])
            .args(extra)
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        (
            output.status.code(),
            report["diagnostics"].as_array().unwrap().len(),
        )
    };
    assert_eq!(run(&[]), (Some(0), 0));
    assert_eq!(run(&["--no-skip"]), (Some(1), 1));
}

/// n pools with one CIDR, every pool in its own document.
fn identical_pools(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: pool-{i}\nspec:\n  cidr: 10.200.0.0/16\n"
            )
        })
        .collect::<Vec<_>>()
        .join("---\n")
}

/// Issue 9 item 3: n pools with the same CIDR gave n²/2 IPP101 findings (2,000 pools: 13 s,
/// 2.3 GB, 1.7 GB of JSON). Each pool is reported once, naming the first it overlaps and
/// counting the others.
#[test]
fn identical_cidrs_are_reported_once_per_pool() {
    let n = 300;
    let diagnostics = lint_beside_canary("pools.yaml", identical_pools(n).as_bytes());
    let overlaps: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "IPP101")
        .collect();
    assert_eq!(overlaps.len(), n - 1);
    for diagnostic in &overlaps {
        assert_eq!(diagnostic["related"].as_array().unwrap().len(), 1);
        assert!(
            diagnostic["message"].as_str().unwrap().contains(&format!(
                "overlaps IPPool pool-0 (10.200.0.0/16) and {} other pools",
                n - 2
            )),
            "{diagnostic}"
        );
    }
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Issue 9 item 2: a FIFO with no writer blocked the run forever in open(), and the files after
/// it were never linted.
#[test]
fn a_named_fifo_without_a_writer_does_not_hang_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("pipe.yaml");
    mkfifo(&pipe);
    let good = dir.path().join("good.yaml");
    fs::write(&good, POOL_WITH_HOST_BITS).unwrap();
    let output = Command::cargo_bin("kubectl-ippool")
        .unwrap()
        .arg("lint")
        .arg(&pipe)
        .arg(&good)
        .args(["-o", "json"])
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["files"], 2);
    assert_eq!(report["diagnostics"][0]["code"], "IPP002");
    // The same as --config.
    let output = Command::cargo_bin("kubectl-ippool")
        .unwrap()
        .arg("lint")
        .arg(&good)
        .arg("--config")
        .arg(&pipe)
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert!(output.status.code().is_some(), "killed by the timeout");
}

/// Process substitution names a pipe that has a writer: it must still be read.
#[test]
fn process_substitution_is_read() {
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "{} lint <(cat testdata/demo/calico/extra-ippool.yaml) -o json",
            env!("CARGO_BIN_EXE_kubectl-ippool")
        ))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["pools"], 1);
    assert!(
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "IPP002")
    );
}

/// A FIFO met while walking a directory is skipped and counted; a socket named on the command
/// line is a problem (exit 2), not a hang.
#[test]
fn special_files_in_a_tree_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("pipe.yaml"));
    fs::write(dir.path().join("good.yaml"), POOL_WITH_HOST_BITS).unwrap();
    let output = Command::cargo_bin("kubectl-ippool")
        .unwrap()
        .arg("lint")
        .arg(dir.path())
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("note:") && stderr.contains("skipped 1 special file"),
        "{stderr}"
    );

    let socket = dir.path().join("lint.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let output = Command::cargo_bin("kubectl-ippool")
        .unwrap()
        .arg("lint")
        .arg(&socket)
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("a socket, not a file"));
}

/// Issue 9 item 14: ESC and OSC sequences in names, keys and values reached the terminal raw in
/// human output, even with `--color never`.
#[test]
fn terminal_escapes_from_the_input_never_reach_the_output_raw() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: \"evil\\e]0;pwned\\a\\e[2J\"\nspec:\n  cidr: \"10.0.1.0/16\\e[31m\"\n  \"blocksize\\e[8m\": 26\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n  annotations:\n    cni.projectcalico.org/ipv4pools: \"[\\\"x\\e[1A\\\"]\"\n";
    let file = dir.path().join("evil\u{1b}[7m.yaml");
    fs::write(&file, hostile).unwrap();
    fs::write(
        dir.path().join("raw.yaml"),
        "a: \u{1b}]0;title\u{7}\nb: [\n",
    )
    .unwrap();
    for format in ["human", "github", "junit", "json", "sarif"] {
        let output = Command::cargo_bin("kubectl-ippool")
            .unwrap()
            .arg("lint")
            .arg(dir.path())
            .args(["--no-skip", "--color", "never", "-o", format])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{format}");
        for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            assert!(
                !bytes.iter().any(|&b| b == 0x1b || b == 0x07),
                "{format} {stream} carries a raw control character:\n{}",
                String::from_utf8_lossy(bytes)
            );
        }
        if format == "human" {
            let text = String::from_utf8_lossy(&output.stdout);
            assert!(
                text.contains("\\u{1b}"),
                "the escape is shown, escaped:\n{text}"
            );
        }
    }
}

/// Issue 9 item 1: human output panicked past column 65,535 (miette pads with a u16 width):
/// exit 101, the later findings and the summary lost. A one-line JSON IPPool list of 80 KB puts
/// a finding there.
#[test]
fn findings_past_column_65535_render_clipped() {
    let dir = tempfile::tempdir().unwrap();
    let filler: Vec<String> = (0..700)
        .map(|i| format!(r#"{{"apiVersion":"projectcalico.org/v3","kind":"IPPool","metadata":{{"name":"p{i}"}},"spec":{{"cidr":"10.{}.{}.0/24"}}}}"#, i / 256, i % 256))
        .collect();
    let list = format!(
        r#"{{"apiVersion":"v1","kind":"List","items":[{},{{"apiVersion":"projectcalico.org/v3","kind":"IPPool","metadata":{{"name":"last"}},"spec":{{"cidr":"10.200.0.1/16"}}}}]}}"#,
        filler.join(",")
    );
    assert!(list.len() > 70_000);
    fs::write(dir.path().join("a-minified.json"), &list).unwrap();
    fs::write(dir.path().join("zz-canary.yaml"), POOL_WITH_HOST_BITS).unwrap();
    let output = Command::cargo_bin("kubectl-ippool")
        .unwrap()
        .arg("lint")
        .arg(dir.path())
        .args(["--color", "never"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("a-minified.json:1:"), "{stdout}");
    assert!(stdout.contains("columns"), "the clip is said: {stdout}");
    assert!(
        stdout.contains("zz-canary.yaml"),
        "later findings are kept: {stdout}"
    );
    assert!(stdout.contains("\nFound "), "the summary is kept: {stdout}");
    assert!(
        stdout.lines().all(|line| line.chars().count() < 400),
        "{stdout}"
    );

    // The same for a .ippool-lint.yaml error on such a line.
    let config = dir.path().join("config.yaml");
    let globs = vec!["\"vendor/**\""; 9000].join(", ");
    fs::write(
        &config,
        format!("{{\"exclude\": [{globs}], \"bogus\": 1}}\n"),
    )
    .unwrap();
    let output = Command::cargo_bin("kubectl-ippool")
        .unwrap()
        .arg("lint")
        .arg(dir.path().join("zz-canary.yaml"))
        .arg("--config")
        .arg(&config)
        .args(["-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bogus"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Issue 9 item 8: 10k unknown pool names against 5,000 pools spent 26.6 s in did-you-mean.
/// Each name is now looked up once, within a budget of name comparisons; past it the help
/// lists pools instead of guessing.
#[test]
fn did_you_mean_is_bounded_and_cached() {
    let pools = 1_000;
    let mut text = String::new();
    for i in 0..pools {
        text.push_str(&format!(
            "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: pool-{i:05}\nspec:\n  cidr: 10.{}.{}.0/24\n---\n",
            i / 256,
            i % 256
        ));
    }
    // 1,500 namespaces, each with a typo of a pool name; every typo appears twice.
    for i in 0..1_500 {
        text.push_str(&format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-{i}\n  annotations:\n    cni.projectcalico.org/ipv4pools: '[\"pool-{:05}x\"]'\n---\n",
            i % 750
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("cluster.yaml"), text).unwrap();
    let output = Command::cargo_bin("kubectl-ippool")
        .unwrap()
        .arg("lint")
        .arg(dir.path())
        .args(["-o", "json", "--select", "IPP202"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let helps: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["help"].as_str().unwrap())
        .collect();
    assert_eq!(helps.len(), 1_500);
    // 750 distinct typos, each looked up once: all within the budget, all suggested.
    assert!(
        helps.iter().all(|h| h.starts_with("did you mean pool-")),
        "{:?}",
        &helps[..3]
    );
}

/// Issue 9 item 5: human output of a finding with thousands of related locations (IPP107 over
/// every pool) cost labels² to draw. The first 20 are drawn, the rest counted.
#[test]
fn human_output_draws_a_bounded_number_of_related_locations() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("pools.yaml"), identical_pools(60)).unwrap();
    let output = Command::cargo_bin("kubectl-ippool")
        .unwrap()
        .arg("lint")
        .arg(dir.path())
        .args(["--color", "never", "--select", "IPP107"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("39 more related locations not drawn (-o json lists them all)"),
        "{stdout}"
    );
    assert_eq!(stdout.matches("╰── ").count(), 21, "{stdout}");
}

/// Issue 9 item 4: 200k `# ippool-lint:` comment lines took minutes, as each comment searched
/// forward for its line and every finding tried every suppression of its file. A run of 100k
/// comments before one line all apply to that line, silence its overlap, and none is unused.
#[test]
fn a_long_run_of_suppression_comments_applies_to_the_next_line() {
    let n = 100_000;
    let comments = "    # ippool-lint: ignore IPP101 -- reviewed\n".repeat(n);
    let pools = format!(
        "apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: first
spec:
  cidr: 10.0.0.0/16
---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: second
spec:
  # ippool-lint: ignore IPP101 -- reviewed
{comments}  cidr: 10.0.0.0/16
"
    );
    let diagnostics = lint_beside_canary("pools.yaml", pools.as_bytes());
    let codes: Vec<&str> = diagnostics
        .iter()
        .filter(|d| {
            d["location"]["path"]
                .as_str()
                .unwrap()
                .ends_with("pools.yaml")
        })
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(
        !codes
            .iter()
            .any(|&code| code == "IPP101" || code == "IPP900"),
        "{codes:?}"
    );
}

/// Runs `lint -o json` over `files` with a bound on time that only a quadratic path misses (the
/// figures are in BENCHMARKS.md), and returns the diagnostics.
fn lint_json_bounded(files: &[(&str, &str)]) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        fs::write(dir.path().join(name), content).unwrap();
    }
    let output = Command::cargo_bin("kubectl-ippool")
        .unwrap()
        .arg("lint")
        .arg(dir.path())
        .args(["-o", "json"])
        .timeout(std::time::Duration::from_secs(90))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    report["diagnostics"].as_array().unwrap().clone()
}

/// Issue 9 item 6: a namespace annotation listing 10k / 20k / 40k pool names took 4 / 16 / 70 s,
/// as the offset of every entry was mapped by walking the value from its start. Every entry is
/// still reported at its own column.
#[test]
fn an_annotation_with_many_pool_names_maps_each_entry_once() {
    let n = 20_000;
    let names: Vec<String> = (0..n).map(|i| format!("\"p-{i}\"")).collect();
    let namespace = format!(
        "apiVersion: v1
kind: Namespace
metadata:
  name: busy
  annotations:
    cni.projectcalico.org/ipv4pools: '[{}]'
",
        names.join(",")
    );
    let pool = "apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: p-0
spec:
  cidr: 10.0.0.0/16
";
    let diagnostics = lint_json_bounded(&[("ns.yaml", &namespace), ("pool.yaml", pool)]);
    let unknown: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "IPP202")
        .collect();
    assert_eq!(unknown.len(), n - 1);
    let line = namespace.lines().nth(5).unwrap();
    for diagnostic in [unknown[0], unknown[n / 2], unknown[n - 2]] {
        let message = diagnostic["message"].as_str().unwrap();
        let name = message.split('"').nth(1).unwrap();
        let column = line.find(&format!("\"{name}\"")).unwrap() + 2;
        assert_eq!(diagnostic["location"]["line"], 6, "{diagnostic}");
        assert_eq!(diagnostic["location"]["column"], column, "{diagnostic}");
    }
}

/// Issue 9 item 7: a minified JSON List of many pools, one line, took 29 s at 50k pools, as each
/// position's column was counted from the line start. Each finding keeps its exact column.
#[test]
fn many_findings_on_one_long_line_have_exact_columns() {
    let n = 30_000;
    let items: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"apiVersion":"projectcalico.org/v3","kind":"IPPool","metadata":{{"name":"é{i}"}},"spec":{{"cidr":"10.{}.{}.1/24"}}}}"#,
                i / 256,
                i % 256
            )
        })
        .collect();
    let list = format!(
        r#"{{"apiVersion":"v1","kind":"List","items":[{}]}}"#,
        items.join(",")
    );
    let diagnostics = lint_json_bounded(&[("list.json", &list)]);
    let host_bits: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "IPP002")
        .collect();
    assert_eq!(host_bits.len(), n);
    let last = host_bits
        .iter()
        .find(|d| d["location"]["object"] == format!("IPPool/é{}", n - 1))
        .unwrap();
    let cidr = format!("\"10.{}.{}.1/24\"", (n - 1) / 256, (n - 1) % 256);
    let column = list[..list.rfind(&cidr).unwrap()].chars().count() + 1;
    assert_eq!(last["location"]["line"], 1);
    assert_eq!(last["location"]["column"], column, "{last}");
}

/// Issue 9 item 9: a 50 KB anchored scalar aliased 2,000 times turned 62 KB of input into
/// 101 MB of output. Quoted values are cut, and a value reached through aliases is reported
/// once, saying how many objects share it.
#[test]
fn an_aliased_long_value_is_reported_once_and_cut() {
    let big = "x".repeat(20_000);
    let mut list = format!(
        "apiVersion: v1
kind: List
items:
- apiVersion: projectcalico.org/v3
  kind: IPPool
  metadata:
    name: first
  spec:
    cidr: 10.0.0.0/16
    nodeSelector: &v {big}
"
    );
    for i in 0..500 {
        list.push_str(&format!(
            "- apiVersion: projectcalico.org/v3
  kind: IPPool
  metadata:
    name: p{i}
  spec:
    cidr: 10.{}.{}.0/24
    nodeSelector: *v
    ipipMode: *v
",
            1 + i / 256,
            i % 256
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("list.yaml"), &list).unwrap();
    for format in ["json", "human", "sarif", "github", "junit"] {
        let output = Command::cargo_bin("kubectl-ippool")
            .unwrap()
            .arg("lint")
            .arg(dir.path())
            .args(["-o", format, "--color", "never"])
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{format}");
        // SARIF carries the rule catalogue, about 150 KB, whatever it reports.
        let bound = if format == "sarif" { 250_000 } else { 60_000 };
        assert!(
            output.stdout.len() < bound,
            "{format}: {} bytes of output",
            output.stdout.len()
        );
    }
    let diagnostics = lint_json_bounded(&[("list.yaml", &list)]);
    let selectors: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "IPP012")
        .collect();
    assert_eq!(selectors.len(), 1, "{selectors:#?}");
    let help = selectors[0]["help"].as_str().unwrap();
    assert!(
        help.contains("500 more objects use this value through a YAML alias"),
        "{help}"
    );
    let modes: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "IPP006")
        .collect();
    assert_eq!(modes.len(), 1, "{modes:#?}");
    let message = modes[0]["message"].as_str().unwrap();
    assert!(message.len() < 400, "{message}");
    assert!(message.contains("…xx\"; (20003 characters)"), "{message}");
}

/// Issue 9 item 13: `spec: {<<: *base, …}` gave a false "has no spec.cidr" and "unknown field
/// spec.<<", and missed the merged values' errors. Merges are applied as go-yaml v2 applies
/// them, with spans at the merged values.
#[test]
fn merge_keys_are_applied() {
    let list = "apiVersion: v1
kind: List
items:
- apiVersion: projectcalico.org/v3
  kind: IPPool
  metadata:
    name: merged
  spec:
    <<: &base {blockSize: 33, ipipMode: Always}
    cidr: 10.2.0.0/16
- apiVersion: projectcalico.org/v3
  kind: IPPool
  metadata:
    name: merged-list
  spec: {<<: [{cidr: 10.3.0.0/16}, {cidr: 10.9.0.0/16, ipipMode: Sometimes}]}
";
    let diagnostics = lint_json_bounded(&[("merge.yaml", list)]);
    let found: Vec<(String, u64, u64)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["location"]["line"].as_u64().unwrap(),
                d["location"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let codes: Vec<&str> = found.iter().map(|(code, _, _)| code.as_str()).collect();
    assert!(!codes.contains(&"IPP016"), "{found:?}");
    assert!(!codes.contains(&"IPP001"), "{found:?}");
    // blockSize 33 from the merged map, at the merged value.
    assert!(found.contains(&("IPP004".to_owned(), 9, 27)), "{found:?}");
    // The later map's ipipMode, since the earlier one has none.
    assert!(found.contains(&("IPP006".to_owned(), 15, 66)), "{found:?}");
}

/// Issue 9 item 2 (must show): `lint <(cat extra-ippool.yaml)` names a pipe. Its text cannot be
/// read a second time for the report, so it is kept: every finding used to be at line 1.
#[test]
fn process_substitution_reports_exact_positions() {
    let binary = assert_cmd::cargo::cargo_bin("kubectl-ippool");
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "{} lint <(cat testdata/demo/calico/extra-ippool.yaml) -o json",
            binary.display()
        ))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let host_bits = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "IPP002")
        .unwrap();
    assert_eq!(host_bits["location"]["line"], 8, "{host_bits}");
    assert_eq!(host_bits["location"]["column"], 9, "{host_bits}");
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Issue 9 item 15: where our YAML verdict differed from kubectl's (go-yaml v2 behind
/// sigs.k8s.io/yaml, and apimachinery's document splitter), we follow kubectl. What it accepts
/// is linted (the pool's host-bits finding is found); what it rejects is IPP000.
#[test]
fn yaml_verdicts_follow_kubectl() {
    let pool = |name: &str, spec: &str| {
        format!("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: {name}\n{spec}")
    };
    let accepted = [
        (
            "tab-after-colon.yaml",
            pool("tab", "spec:\n  cidr:\t10.0.1.0/16\n"),
        ),
        (
            "bom-in-later-document.yaml",
            format!(
                "{}---\n\u{feff}{}",
                pool("first", "spec: {cidr: 10.1.0.0/16}\n"),
                pool("bom", "spec:\n  cidr: 10.0.1.0/16\n")
            ),
        ),
        (
            "flow-at-key-indent.yaml",
            pool(
                "flow",
                "spec:\n  cidr: 10.0.1.0/16\n  allowedUses: [Workload,\n  Tunnel]\n",
            ),
        ),
        (
            "comment-after-quote.yaml",
            pool("quoted", "spec:\n  cidr: '10.0.1.0/16'#c\n"),
        ),
    ];
    for (name, text) in &accepted {
        let diagnostics = lint_beside_canary(name, text.as_bytes());
        let codes: Vec<&str> = diagnostics
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        assert!(
            codes.contains(&"IPP002") && !codes.contains(&"IPP000"),
            "{name}: {diagnostics:#?}"
        );
    }
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in pool("utf16", "spec:\n  cidr: 10.0.1.0/16\n").encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    let diagnostics = lint_beside_canary("utf16.yaml", &utf16);
    let host_bits = diagnostics.iter().find(|d| d["code"] == "IPP002").unwrap();
    assert_eq!(host_bits["location"]["line"], 6, "{host_bits}");

    let rejected = [
        (
            "control.yaml",
            pool("a\u{1}b", "spec:\n  cidr: 10.0.0.0/16\n"),
            "control character U+0001",
            4,
        ),
        (
            "separator.yaml",
            format!(
                "{}---apiVersion: v1\nkind: Namespace\n",
                pool("a", "spec:\n  cidr: 10.0.0.0/16\n")
            ),
            "invalid YAML document separator: apiVersion: v1",
            7,
        ),
    ];
    for (name, text, message, line) in &rejected {
        let diagnostics = lint_beside_canary(name, text.as_bytes());
        let invalid = single_ipp000(&diagnostics);
        assert!(
            invalid["message"].as_str().unwrap().contains(message),
            "{invalid}"
        );
        assert_eq!(invalid["location"]["line"], *line, "{invalid}");
    }
}

/// The peak resident memory (KiB) of a run of the binary, from the kernel's accounting of the
/// child as Python's `resource` module reads it (the project forbids `unsafe`, and CI has
/// Python for pre-commit anyway).
fn peak_rss_kib(args: &[&std::ffi::OsStr]) -> i64 {
    let script = "import resource, subprocess, sys\n\
                  subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n\
                  print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";
    let output = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(assert_cmd::cargo::cargo_bin("kubectl-ippool"))
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// Issue 9 item 10: a flow list near the node cap costs about a hundred times its size, and
/// files loaded in parallel, so peak memory was cores × that. Large files now load one at a
/// time: four of them peak about as high as one (a bound on memory, not on time).
#[test]
fn large_files_do_not_multiply_peak_memory() {
    let dir = tempfile::tempdir().unwrap();
    let list = format!("items: [{}]\n", vec!["a"; 1_250_000].join(","));
    let one = dir.path().join("one");
    fs::create_dir(&one).unwrap();
    fs::write(one.join("list-0.yaml"), &list).unwrap();
    let four = dir.path().join("four");
    fs::create_dir(&four).unwrap();
    for i in 0..4 {
        fs::write(four.join(format!("list-{i}.yaml")), &list).unwrap();
    }
    let run = |dir: &Path| peak_rss_kib(&["lint".as_ref(), dir.as_os_str(), "--no-skip".as_ref()]);
    let single = run(&one);
    let several = run(&four);
    assert!(
        several < single * 3 / 2,
        "one file peaked at {single} KiB, four at {several} KiB"
    );
}

//! Whole trees under `testdata/projects/<scenario>/`, linted by the binary as a user would
//! (`kubectl ippool lint DIR -o json`): every diagnostic's code and place is pinned in a snapshot
//! (`CODE path:line:column`, paths relative to the scenario), so a change in what any rule says
//! about a realistic install shows up in review. Each scenario's README says what it contains.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use serde_json::Value;

/// The diagnostics of one scenario, one `CODE path:line:column` line each, in report order.
fn diagnostics(scenario: &str) -> String {
    let dir = format!("testdata/projects/{scenario}");
    let output = Command::cargo_bin("kubectl-ippool")
        .unwrap()
        .args(["lint", &dir, "-o", "json"])
        .output()
        .unwrap();
    // 0 or 1: findings are not a failure of the tool.
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{scenario}: exit {:?}, stderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    let prefix = format!("{dir}/");
    report["diagnostics"]
        .as_array()
        .expect("a diagnostics array")
        .iter()
        .map(|d| {
            let location = &d["location"];
            let path = location["path"].as_str().unwrap_or_default();
            format!(
                "{} {}:{}:{}",
                d["code"].as_str().unwrap_or_default(),
                path.strip_prefix(&prefix).unwrap_or(path),
                location["line"],
                location["column"]
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn operator_install() {
    insta::assert_snapshot!(diagnostics("operator-install"));
}

#[test]
fn manifest_install() {
    insta::assert_snapshot!(diagnostics("manifest-install"));
}

#[test]
fn kubespray_inventory() {
    insta::assert_snapshot!(diagnostics("kubespray-inventory"));
}

#[test]
fn kustomize_tree() {
    // The production overlay's patch (a partial IPPool) is left alone; its gpu-ippool overlaps
    // the base's default pool.
    insta::assert_snapshot!(diagnostics("kustomize"));
}

#[test]
fn dual_stack_cluster() {
    insta::assert_snapshot!(diagnostics("dual-stack"));
}

/// The seed scenario, checked field by field rather than by snapshot: IPP101 once,
/// pointing at both `cidr` values in their own files, and IPP202 with a "did you mean" help.
#[test]
fn seed_scenario() {
    let output = Command::cargo_bin("kubectl-ippool")
        .unwrap()
        .args(["lint", "testdata/projects/seed", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let overlaps: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "IPP101")
        .collect();
    assert_eq!(overlaps.len(), 1, "{diagnostics:#?}");
    let overlap = overlaps[0];
    assert_eq!(
        overlap["message"],
        "IPPool extra-ippool (192.168.0.0/20) overlaps IPPool default-ipv4-ippool (192.168.0.0/16)"
    );
    let here = &overlap["location"];
    assert_eq!(here["path"], "testdata/projects/seed/extra-ippool.yaml");
    assert_eq!(
        (here["line"].as_u64(), here["column"].as_u64()),
        (Some(6), Some(9))
    );
    assert_eq!(
        (here["end_line"].as_u64(), here["end_column"].as_u64()),
        (Some(6), Some(23))
    );
    let there = &overlap["related"][0]["location"];
    assert_eq!(
        there["path"],
        "testdata/projects/seed/default-ipv4-ippool.yaml"
    );
    assert_eq!(
        (there["line"].as_u64(), there["column"].as_u64()),
        (Some(6), Some(9))
    );
    assert_eq!(there["object"], "IPPool/default-ipv4-ippool");

    let unknown: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "IPP202")
        .collect();
    assert_eq!(unknown.len(), 1, "{diagnostics:#?}");
    assert_eq!(
        unknown[0]["location"]["path"],
        "testdata/projects/seed/test-ns.yaml"
    );
    assert!(
        unknown[0]["help"]
            .as_str()
            .unwrap()
            .contains("did you mean extra-ippool"),
        "{:#?}",
        unknown[0]
    );
}

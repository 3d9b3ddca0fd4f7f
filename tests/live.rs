//! Live commands end to end: the real binary against the fake API server (tests/support), through
//! a real kubeconfig. Each test checks what the server stored and what it was asked (its request
//! log), not only what the binary printed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod support;

use std::time::Duration;

use assert_cmd::Command;
use serde_json::{Value, json};
use support::binary::{as_plugin, ippool, run};
use support::fake_api::{FakeApi, Fault};
use support::{CRD, seed};

const IPV4: &str = "cni.projectcalico.org/ipv4pools";
const IPV6: &str = "cni.projectcalico.org/ipv6pools";

fn cluster() -> FakeApi {
    let api = FakeApi::start();
    seed(&api);
    api.clear_log();
    api
}

fn namespace(api: &FakeApi, name: &str) -> Value {
    api.get("v1", "namespaces", "", name).expect("namespace")
}

fn annotations(object: &Value) -> Value {
    object["metadata"]["annotations"].clone()
}

#[test]
fn assign_sets_the_ipv4_key_and_keeps_every_other_annotation() {
    let api = cluster();
    let before = namespace(&api, "test-ns");
    let out = run(&api, &["assign", "ns", "test-ns", "extra-ippool"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "namespace/test-ns annotated\n");
    let after = annotations(&namespace(&api, "test-ns"));
    assert_eq!(after[IPV4], "[\"extra-ippool\"]");
    assert_eq!(after["example.com/owner"], "team-a");
    assert_eq!(
        after["scheduler.alpha.kubernetes.io/node-selector"],
        "zone=a"
    );
    // One merge patch, only our key, guarded by the resourceVersion read.
    let writes = api.writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].method, "PATCH");
    assert_eq!(writes[0].content_type, "application/merge-patch+json");
    let patch: Value = serde_json::from_str(&writes[0].body).unwrap();
    assert_eq!(
        patch,
        json!({"metadata": {
            "annotations": {IPV4: "[\"extra-ippool\"]"},
            "resourceVersion": before["metadata"]["resourceVersion"],
        }})
    );
    // Two of the three running pods have addresses in the default pool.
    assert!(
        out.stderr
            .contains("note: 2 of 3 running pods in namespace test-ns have addresses outside"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_ipv6_pool_goes_to_ipv6pools_and_dual_stack_sets_both() {
    let api = cluster();
    let out = run(
        &api,
        &[
            "assign",
            "namespace/test-ns",
            "extra-ippool",
            "default-ipv6-ippool",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let after = annotations(&namespace(&api, "test-ns"));
    assert_eq!(after[IPV4], "[\"extra-ippool\"]");
    assert_eq!(after[IPV6], "[\"default-ipv6-ippool\"]");
    // A pool given by its exact CIDR resolves like its name.
    let out = run(&api, &["assign", "ns", "default", "fd00:10::/64"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        annotations(&namespace(&api, "default"))[IPV6],
        "[\"fd00:10::/64\"]"
    );
}

#[test]
fn the_same_value_is_a_no_op_and_a_different_one_needs_overwrite() {
    let api = cluster();
    assert_eq!(
        run(&api, &["assign", "ns", "test-ns", "extra-ippool"]).code,
        0
    );
    api.clear_log();
    let same = run(&api, &["assign", "ns", "test-ns", "extra-ippool"]);
    assert_eq!(same.code, 0, "{}", same.stderr);
    assert!(
        same.stdout.starts_with("namespace/test-ns unchanged"),
        "{}",
        same.stdout
    );
    assert!(api.writes().is_empty());
    let other = run(&api, &["assign", "ns", "test-ns", "default-ipv4-ippool"]);
    assert_eq!(other.code, 2);
    assert!(other.stderr.contains("--overwrite"), "{}", other.stderr);
    assert!(api.writes().is_empty());
    let overwritten = run(
        &api,
        &[
            "assign",
            "ns",
            "test-ns",
            "default-ipv4-ippool",
            "--overwrite",
        ],
    );
    assert_eq!(overwritten.code, 0, "{}", overwritten.stderr);
    assert_eq!(
        annotations(&namespace(&api, "test-ns"))[IPV4],
        "[\"default-ipv4-ippool\"]"
    );
}

#[test]
fn missing_disabled_and_wrong_use_pools_are_refused_with_the_rules_help() {
    let api = cluster();
    let stored = api.snapshot();
    let cases = [
        ("extra-ipool", "IPP202", "did you mean extra-ippool?"),
        ("old-pool", "IPP203", "old-pool"),
        ("tunnel-pool", "IPP206", "Workload"),
    ];
    for (pool, code, help) in cases {
        let out = run(&api, &["assign", "ns", "test-ns", pool]);
        assert_eq!(out.code, 2, "{pool}: {}", out.stderr);
        assert!(out.stderr.contains(code), "{pool}: {}", out.stderr);
        assert!(out.stderr.contains(help), "{pool}: {}", out.stderr);
        // The snippet is the object as it would be written.
        assert!(
            out.stderr.contains("proposed:Namespace/test-ns"),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("nothing was written"), "{}", out.stderr);
    }
    assert!(api.writes().is_empty());
    assert_eq!(api.snapshot(), stored);
}

#[test]
fn dry_runs_leave_the_server_unchanged() {
    let api = cluster();
    let stored = api.snapshot();
    let client = run(
        &api,
        &[
            "assign",
            "ns",
            "test-ns",
            "extra-ippool",
            "--dry-run=client",
        ],
    );
    assert_eq!(client.code, 0, "{}", client.stderr);
    assert!(
        client
            .stdout
            .starts_with("namespace/test-ns annotated (dry run)\n")
    );
    assert!(
        client.stdout.contains("merge patch not sent:"),
        "{}",
        client.stdout
    );
    assert!(api.writes().is_empty(), "a client dry run sends nothing");

    let server = run(
        &api,
        &[
            "assign",
            "ns",
            "test-ns",
            "extra-ippool",
            "--dry-run=server",
            "-o",
            "json",
        ],
    );
    assert_eq!(server.code, 0, "{}", server.stderr);
    let shown: Value = serde_json::from_str(&server.stdout).unwrap();
    assert_eq!(shown["metadata"]["annotations"][IPV4], "[\"extra-ippool\"]");
    let writes = api.writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].query, "dryRun=All");
    assert_eq!(api.snapshot(), stored);
}

#[test]
fn a_workload_assignment_patches_the_template_and_asks_first() {
    let api = cluster();
    let refused = run(
        &api,
        &["assign", "deploy", "web", "extra-ippool", "-n", "test-ns"],
    );
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    assert!(api.writes().is_empty());
    let out = run(
        &api,
        &[
            "assign",
            "deploy/web",
            "extra-ippool",
            "-n",
            "test-ns",
            "--yes",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "deployment.apps/web annotated\n");
    let web = api.get("apps/v1", "deployments", "test-ns", "web").unwrap();
    let template = &web["spec"]["template"]["metadata"]["annotations"];
    assert_eq!(template[IPV4], "[\"extra-ippool\"]");
    assert_eq!(template["prometheus.io/scrape"], "true");
    assert!(web["metadata"].get("annotations").is_none());
}

#[test]
fn unassign_removes_only_our_keys() {
    let api = cluster();
    assert_eq!(
        run(
            &api,
            &[
                "assign",
                "ns",
                "test-ns",
                "extra-ippool",
                "default-ipv6-ippool"
            ]
        )
        .code,
        0
    );
    let out = run(&api, &["unassign", "ns/test-ns"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let after = annotations(&namespace(&api, "test-ns"));
    assert!(
        after.get(IPV4).is_none() && after.get(IPV6).is_none(),
        "{after}"
    );
    assert_eq!(after["example.com/owner"], "team-a");
    let again = run(&api, &["unassign", "ns", "test-ns"]);
    assert!(again.stdout.contains("unchanged"), "{}", again.stdout);
}

#[test]
fn a_conflict_is_read_again_and_the_other_writers_annotation_survives() {
    let api = cluster();
    // Between our read and our write another client annotates the namespace: our patch, guarded
    // by the resourceVersion we read, meets a real 409.
    api.fault(
        "PATCH",
        "/namespaces/test-ns",
        1,
        Fault::ConcurrentPatch(
            json!({"metadata": {"annotations": {"other.example/added": "meanwhile"}}}),
        ),
    );
    let out = run(&api, &["assign", "ns", "test-ns", "extra-ippool"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let after = annotations(&namespace(&api, "test-ns"));
    assert_eq!(after[IPV4], "[\"extra-ippool\"]");
    assert_eq!(after["other.example/added"], "meanwhile");
    let patches: Vec<_> = api
        .writes()
        .into_iter()
        .filter(|w| w.method == "PATCH")
        .collect();
    assert_eq!(
        patches.len(),
        2,
        "the first write conflicted, the second landed"
    );
    let gets = api
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == "/api/v1/namespaces/test-ns")
        .count();
    assert_eq!(gets, 2, "read again after the conflict");
}

#[test]
fn conflicts_that_never_end_give_up_with_one_line() {
    let api = cluster();
    api.fault(
        "PATCH",
        "/namespaces/test-ns",
        100,
        Fault::ConcurrentPatch(json!({"metadata": {"labels": {"churn": "yes"}}})),
    );
    let out = run(&api, &["assign", "ns", "test-ns", "extra-ippool"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(out.stderr.contains("conflicts in a row"), "{}", out.stderr);
}

#[test]
fn rbac_denials_name_the_verb_and_resource() {
    let api = cluster();
    api.deny("patch", "namespaces");
    let out = run(&api, &["assign", "ns", "test-ns", "extra-ippool"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "RBAC denied patch on namespaces \"test-ns\" (core API group) at cluster scope"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("User \"tester\" cannot patch resource"),
        "{}",
        out.stderr
    );
    let api = cluster();
    api.deny("list", "ippools");
    let out = run(&api, &["list"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("RBAC denied list on ippools (API group crd.projectcalico.org)"),
        "{}",
        out.stderr
    );
}

#[test]
fn connection_failures_are_one_line_and_exit_2() {
    let api = cluster();
    // 401: a token the server does not know.
    let bad = api.write_kubeconfig("bad-token", "wrong");
    let out = ippool(&api)
        .env("KUBECONFIG", &bad)
        .args(["list"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("401 Unauthorized"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    // Unreachable: nothing listens on the port any more.
    let dead = {
        let gone = FakeApi::start();
        gone.write_kubeconfig("kubeconfig", "test-token");
        let text = std::fs::read_to_string(gone.kubeconfig()).unwrap();
        let path = api.dir().join("dead");
        std::fs::write(&path, text).unwrap();
        (path, gone.url())
    };
    let out = ippool(&api)
        .env("KUBECONFIG", &dead.0)
        .args(["list"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains(&format!("cannot reach the cluster at {}", dead.1)),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    // TLS with a server that does not speak it.
    let plain = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = plain.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in plain.incoming().take(4) {
            let Ok(mut stream) = stream else { break };
            let mut buffer = [0u8; 1024];
            let _ = stream.read(&mut buffer);
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let text = std::fs::read_to_string(api.kubeconfig())
        .unwrap()
        .replace(&api.url(), &format!("https://127.0.0.1:{port}"));
    let tls = api.dir().join("tls");
    std::fs::write(&tls, text).unwrap();
    let out = ippool(&api)
        .env("KUBECONFIG", &tls)
        .args(["list"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains(&format!("TLS with https://127.0.0.1:{port} failed")),
        "{stderr}"
    );

    // A slow answer meets --request-timeout.
    api.fault("GET", "/apis", 1, Fault::Delay(Duration::from_secs(3)));
    let out = run(&api, &["list", "--request-timeout", "500ms"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(&format!(
            "no answer from {} within 500ms (--request-timeout)",
            api.url()
        )),
        "{}",
        out.stderr
    );

    // A 500 with the server's own message.
    api.fault(
        "GET",
        "/ipamblocks",
        1,
        Fault::Status {
            code: 500,
            reason: "InternalError",
            message: "etcd is down".into(),
        },
    );
    let out = run(&api, &["list"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("500 InternalError: etcd is down"),
        "{}",
        out.stderr
    );

    // 404 of the object to change.
    let out = run(&api, &["assign", "ns", "no-such-ns", "extra-ippool"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("namespaces \"no-such-ns\" not found"),
        "{}",
        out.stderr
    );

    // A context that the kubeconfig does not have.
    let out = run(&api, &["list", "--context", "nope"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("kubeconfig"), "{}", out.stderr);
}

#[test]
fn a_422_from_the_server_is_shown_with_its_message() {
    let api = cluster();
    api.serve_v3(true);
    api.insert(
        json!({"apiVersion": "projectcalico.org/v3", "kind": "IPPool",
        "metadata": {"name": "extra-ippool"}, "spec": {"cidr": "10.245.0.0/16"}}),
    );
    api.fault(
        "PATCH",
        "/ippools/extra-ippool",
        1,
        Fault::Status {
            code: 422,
            reason: "Invalid",
            message: "IPPool.projectcalico.org \"extra-ippool\" is invalid: spec.natOutgoing: Invalid value".into(),
        },
    );
    let out = run(&api, &["patch", "extra-ippool", "--nat-outgoing"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("422 Invalid): IPPool.projectcalico.org \"extra-ippool\" is invalid"),
        "{}",
        out.stderr
    );
}

#[test]
fn pools_are_read_and_written_through_v3_when_the_cluster_serves_it() {
    let api = cluster();
    api.serve_v3(true);
    api.insert(
        json!({"apiVersion": "projectcalico.org/v3", "kind": "IPPool",
        "metadata": {"name": "v3-pool"}, "spec": {"cidr": "10.250.0.0/16"}}),
    );
    let out = run(&api, &["patch", "v3-pool", "--vxlan-mode", "Always"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "ippool.projectcalico.org/v3-pool patched\n");
    let stored = api
        .get("projectcalico.org/v3", "ippools", "", "v3-pool")
        .unwrap();
    assert_eq!(stored["spec"]["vxlanMode"], "Always");
    assert!(
        api.requests()
            .iter()
            .all(|r| !r.path.contains("crd.projectcalico.org/v1/ippools"))
    );
}

#[test]
fn block_size_and_cidr_are_refused_before_any_request() {
    let api = cluster();
    for flag in [["--block-size", "27"], ["--cidr", "10.0.0.0/16"]] {
        let out = run(&api, &["patch", "default-ipv4-ippool", flag[0], flag[1]]);
        assert_eq!(out.code, 2);
        assert!(
            out.stderr.contains("can never be changed"),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("kubectl ippool"), "{}", out.stderr);
    }
    assert!(api.requests().is_empty(), "{:?}", api.requests());
}

#[test]
fn a_patch_with_an_invalid_selector_is_refused_with_the_rules_diagnostic() {
    let api = cluster();
    let stored = api.snapshot();
    let out = run(
        &api,
        &["patch", "extra-ippool", "--node-selector", "zone == "],
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("IPP012"), "{}", out.stderr);
    assert!(
        out.stderr.contains("proposed:IPPool/extra-ippool"),
        "{}",
        out.stderr
    );
    assert!(api.writes().is_empty());
    assert_eq!(api.snapshot(), stored);
    // A mode in the wrong case gets IPP006's did-you-mean.
    let out = run(&api, &["patch", "extra-ippool", "--ipip-mode", "always"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("IPP006") && out.stderr.contains("Always"),
        "{}",
        out.stderr
    );
}

#[test]
fn enabling_a_pool_that_overlaps_another_is_refused() {
    let api = cluster();
    api.insert(support::pool(
        "shadow",
        "10.245.0.0/20",
        json!({"disabled": true}),
    ));
    api.clear_log();
    let out = run(&api, &["enable", "shadow"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("IPP101"), "{}", out.stderr);
    assert!(api.writes().is_empty());
    // A pool that overlaps nothing is enabled.
    let out = run(&api, &["enable", "old-pool"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "ippool.crd.projectcalico.org/old-pool patched\n"
    );
    let stored = api.get(CRD, "ippools", "", "old-pool").unwrap();
    assert_eq!(stored["spec"]["disabled"], false);
}

#[test]
fn disabling_a_pool_in_use_lists_why_and_needs_yes() {
    let api = cluster();
    assert_eq!(
        run(&api, &["assign", "ns", "test-ns", "extra-ippool"]).code,
        0
    );
    api.clear_log();
    let out = run(&api, &["disable", "extra-ippool"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("IPP203"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("1 address is still allocated from it in 1 block"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Namespace/test-ns"), "{}", out.stderr);
    assert!(out.stderr.contains("--yes"), "{}", out.stderr);
    assert!(api.writes().is_empty());
    let out = run(&api, &["disable", "extra-ippool", "--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        api.get(CRD, "ippools", "", "extra-ippool").unwrap()["spec"]["disabled"],
        true
    );
}

#[test]
fn the_last_enabled_pool_of_a_family_needs_force() {
    let api = cluster();
    let out = run(&api, &["disable", "default-ipv6-ippool"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("last enabled IPv6 pool"),
        "{}",
        out.stderr
    );
    assert!(api.writes().is_empty());
    let out = run(&api, &["disable", "default-ipv6-ippool", "--force"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn operator_managed_pools_are_changed_through_the_installation() {
    let api = cluster();
    let mut managed = support::pool("op-pool", "10.248.0.0/16", json!({}));
    managed["metadata"]["labels"] = json!({"app.kubernetes.io/managed-by": "tigera-operator"});
    api.insert(managed);
    api.clear_log();
    let out = run(&api, &["patch", "op-pool", "--ipip-mode", "Always"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("managed by the Tigera operator"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("spec.calicoNetwork.ipPools[name=op-pool].encapsulation"),
        "{}",
        out.stderr
    );
    let out = run(&api, &["disable", "op-pool"]);
    assert!(
        out.stderr.contains("disableNewAllocations"),
        "{}",
        out.stderr
    );
    assert!(api.writes().is_empty());
    let out = run(
        &api,
        &["patch", "op-pool", "--ipip-mode", "Always", "--force"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn unknown_pools_get_a_did_you_mean() {
    let api = cluster();
    let out = run(&api, &["disable", "extra-ipool"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("\"extra-ipool\" not found; did you mean extra-ippool?"),
        "{}",
        out.stderr
    );
    let out = run(&api, &["show", "nothing-like-it"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("the cluster's pools:"),
        "{}",
        out.stderr
    );
}

#[test]
fn list_shows_the_calicoctl_columns_and_usage() {
    let api = cluster();
    let out = run(&api, &["list"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[0].starts_with("NAME "), "{}", out.stdout);
    for column in [
        "CIDR",
        "NAT",
        "IPIPMODE",
        "VXLANMODE",
        "DISABLED",
        "DISABLEBGPEXPORT",
        "SELECTOR",
        "ASSIGNMENTMODE",
        "BLOCKS",
        "IPS USED/TOTAL",
        "USE%",
    ] {
        assert!(lines[0].contains(column), "{column}: {}", lines[0]);
    }
    let default = lines
        .iter()
        .find(|l| l.starts_with("default-ipv4-ippool "))
        .unwrap();
    let cells: Vec<&str> = default.split_whitespace().collect();
    assert_eq!(
        cells,
        [
            "default-ipv4-ippool",
            "192.168.0.0/16",
            "true",
            "Never",
            "Never",
            "false",
            "false",
            "all()",
            "Automatic",
            "1",
            "2/65536",
            "0%"
        ]
    );
    assert!(
        out.stdout
            .ends_with("5 pools, 2 blocks, 3 addresses in use.\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn list_scales_with_pages_not_with_blocks_or_nodes() {
    let api = FakeApi::start();
    for i in 0..5 {
        api.insert(support::pool(
            &format!("pool-{i}"),
            &format!("10.{i}.0.0/16"),
            json!({}),
        ));
    }
    // 2,000 blocks: 400 per pool, block i of pool p holding i % 64 addresses.
    let mut expected_in_use = [0usize; 5];
    for b in 0..2000usize {
        let p = b % 5;
        let i = b / 5;
        let used = i % 64;
        expected_in_use[p] += used;
        api.insert(support::block(
            &format!("10.{p}.{}.{}/26", i / 4, (i % 4) * 64),
            &format!("node-{}", b % 500),
            used,
        ));
    }
    for n in 0..500 {
        api.insert(support::node(
            &format!("node-{n}"),
            json!({"zone": if n % 2 == 0 { "a" } else { "b" }}),
        ));
    }
    api.clear_log();
    let out = run(&api, &["list", "-o", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let document: Value = serde_json::from_str(&out.stdout).unwrap();
    let pools = document["pools"].as_array().unwrap();
    assert_eq!(pools.len(), 5);
    for (p, pool) in pools.iter().enumerate() {
        assert_eq!(pool["name"], format!("pool-{p}"));
        assert_eq!(pool["usage"]["blocks"], 400);
        assert_eq!(pool["usage"]["ips_in_use"], expected_in_use[p]);
        assert_eq!(pool["usage"]["ips_total"], 65536);
    }
    // Discovery, one page of pools, four pages of 500 blocks: nothing per block or per node.
    let requests = api.requests();
    assert_eq!(requests.len(), 1 + 1 + 4, "{requests:#?}");
    let wide = {
        api.clear_log();
        let out = run(&api, &["list", "-o", "wide"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(out.stdout.contains("NODES"), "{}", out.stdout);
        api.requests().len()
    };
    assert_eq!(wide, 1 + 1 + 4 + 1, "nodes are one page more");
}

#[test]
fn show_reports_spec_usage_nodes_references_and_pods() {
    let api = cluster();
    assert_eq!(
        run(&api, &["assign", "ns", "test-ns", "default-ipv4-ippool"]).code,
        0
    );
    let out = run(&api, &["show", "default-ipv4-ippool"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = &out.stdout;
    assert!(text.contains("Name:        default-ipv4-ippool"), "{text}");
    assert!(
        text.contains("ipipMode:          Never   (default)"),
        "{text}"
    );
    assert!(text.contains("blockSize:         26\n"), "{text}");
    assert!(
        text.contains("Usage:       2 of 65536 addresses in use (0%), 1 of 1024 blocks"),
        "{text}"
    );
    assert!(text.contains("node-1"), "{text}");
    assert!(
        text.contains("Nodes:       selects 2 of 2: node-1, node-2"),
        "{text}"
    );
    assert!(
        text.contains("Namespace/test-ns  (cni.projectcalico.org/ipv4pools)"),
        "{text}"
    );
    assert!(
        text.contains("Pods:        2 with addresses in 192.168.0.0/16"),
        "{text}"
    );
    let wide = run(&api, &["show", "default-ipv4-ippool", "-o", "wide"]);
    assert!(
        wide.stdout.contains("app-0") && wide.stdout.contains("192.168.0.5"),
        "{}",
        wide.stdout
    );
    let json = run(&api, &["show", "default-ipv4-ippool", "-o", "json"]);
    let document: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(document["usage"]["ips_in_use"], 2);
    assert_eq!(document["pods"].as_array().unwrap().len(), 2);
    assert_eq!(document["referenced_by"][0]["object"], "Namespace/test-ns");
    let yaml = run(&api, &["show", "default-ipv4-ippool", "-o", "yaml"]);
    assert!(
        yaml.stdout.contains("name: default-ipv4-ippool\n"),
        "{}",
        yaml.stdout
    );
}

#[test]
fn kubeconfig_files_merge_like_kubectl_and_context_picks_one() {
    let api = cluster();
    // The first file names a context that only the second one defines.
    let first = api.dir().join("first");
    std::fs::write(
        &first,
        "apiVersion: v1\nkind: Config\ncurrent-context: fake\nclusters: []\ncontexts: []\nusers: []\n",
    )
    .unwrap();
    let joined = std::env::join_paths([first, api.kubeconfig()]).unwrap();
    let out = ippool(&api)
        .env("KUBECONFIG", &joined)
        .args(["list"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // --kubeconfig wins over KUBECONFIG; -n over the context's namespace.
    let out = ippool(&api)
        .env("KUBECONFIG", "/nonexistent")
        .args([
            "assign",
            "pod",
            "app-0",
            "extra-ippool",
            "-n",
            "test-ns",
            "--context",
            "fake",
        ])
        .arg("--kubeconfig")
        .arg(api.kubeconfig())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_interactive_yes_confirms_a_rollout() {
    use kubectl_ippool::app::{Io, run};
    let api = cluster();
    // In-process, with a terminal on stdin: the question is asked on stderr and answered.
    // SAFETY of the environment: this test alone in this binary reads KUBECONFIG in-process.
    let kubeconfig = api.kubeconfig();
    let mut stdin: &[u8] = b"y\n";
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let mut io = Io {
        stdin: &mut stdin,
        stdout: &mut stdout,
        stderr: &mut stderr,
        stdout_is_terminal: false,
        stderr_is_terminal: false,
        stdin_is_terminal: true,
    };
    let args: Vec<std::ffi::OsString> = [
        "kubectl-ippool",
        "assign",
        "deploy/web",
        "extra-ippool",
        "-n",
        "test-ns",
        "--kubeconfig",
    ]
    .iter()
    .map(Into::into)
    .chain([kubeconfig.into_os_string()])
    .collect();
    let code = run(args, &mut io);
    let stderr = String::from_utf8_lossy(&stderr);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("its pods are replaced by a rollout. Continue? [y/N]"),
        "{stderr}"
    );
    let web = api.get("apps/v1", "deployments", "test-ns", "web").unwrap();
    assert_eq!(
        web["spec"]["template"]["metadata"]["annotations"][IPV4],
        "[\"extra-ippool\"]"
    );
}

/// `kubectl ippool …` as a plugin, and kubectl reading back what it wrote, from the same server.
#[test]
fn kubectl_runs_the_plugin_and_reads_back_what_it_wrote() {
    let api = cluster();
    api.require_token(false);
    let Some((kubectl, path)) = as_plugin(&api) else {
        eprintln!("skipped: kubectl is not installed");
        return;
    };
    let kubectl = |args: &[&str]| {
        let output = std::process::Command::new(kubectl)
            .args(args)
            .args(["--cache-dir"])
            .arg(api.dir().join("kube-cache"))
            .env("PATH", &path)
            .env("KUBECONFIG", api.kubeconfig())
            .env("HOME", api.dir())
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    // kubectl passes flags it does not know on to the plugin, so --cache-dir must not reach
    // it: run the plugin without it.
    let plugin = std::process::Command::new("/usr/bin/env")
        .args([
            "kubectl",
            "ippool",
            "assign",
            "ns",
            "test-ns",
            "extra-ippool",
            "default-ipv6-ippool",
        ])
        .env("PATH", &path)
        .env("KUBECONFIG", api.kubeconfig())
        .env("HOME", api.dir())
        .output()
        .unwrap();
    assert_eq!(
        plugin.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&plugin.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&plugin.stdout),
        "namespace/test-ns annotated\n"
    );
    let (code, v4, stderr) = kubectl(&[
        "get",
        "ns",
        "test-ns",
        "-o",
        r"jsonpath={.metadata.annotations.cni\.projectcalico\.org/ipv4pools}",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(v4, "[\"extra-ippool\"]");
    let (_, v6, _) = kubectl(&[
        "get",
        "ns",
        "test-ns",
        "-o",
        r"jsonpath={.metadata.annotations.cni\.projectcalico\.org/ipv6pools}",
    ]);
    assert_eq!(v6, "[\"default-ipv6-ippool\"]");
    let (_, owner, _) = kubectl(&[
        "get",
        "ns",
        "test-ns",
        "-o",
        r"jsonpath={.metadata.annotations.example\.com/owner}",
    ]);
    assert_eq!(owner, "team-a", "other annotations survive");
    // kubectl reads the pools the plugin lists.
    let (code, names, stderr) = kubectl(&[
        "get",
        "ippools.crd.projectcalico.org",
        "-o",
        "jsonpath={.items[*].metadata.name}",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(names.contains("extra-ippool"), "{names}");
}

/// The same scenarios against a real cluster with Calico, when `IPPOOL_E2E_KUBECONFIG` names
/// its kubeconfig. It creates and deletes one namespace and writes nothing else (pool patches
/// are server dry runs).
#[test]
fn real_cluster_when_a_kubeconfig_is_supplied() {
    let Some(kubeconfig) = std::env::var_os("IPPOOL_E2E_KUBECONFIG") else {
        eprintln!("skipped: set IPPOOL_E2E_KUBECONFIG to run against a real cluster with Calico");
        return;
    };
    let namespace = format!("ippool-e2e-{}", std::process::id());
    let kubectl = |args: &[&str]| {
        let output = std::process::Command::new("kubectl")
            .args(args)
            .env("KUBECONFIG", &kubeconfig)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "kubectl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let ippool = |args: &[&str]| {
        let output = Command::cargo_bin("kubectl-ippool")
            .unwrap()
            .args(args)
            .env("KUBECONFIG", &kubeconfig)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "kubectl-ippool {args:?}: {stderr}");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let listed: Value = serde_json::from_str(&ippool(&["list", "-o", "json"])).unwrap();
    let pool = listed["pools"]
        .as_array()
        .and_then(|pools| {
            pools.iter().find(|p| {
                p["spec"]["disabled"] == false
                    && p["spec"]["allowedUses"]
                        .as_array()
                        .is_some_and(|u| u.contains(&json!("Workload")))
            })
        })
        .expect("an enabled Workload pool")["name"]
        .as_str()
        .unwrap()
        .to_owned();
    ippool(&["show", &pool]);
    // The read-only commands of live lint: their output parses, whatever the cluster holds.
    let linted = Command::cargo_bin("kubectl-ippool")
        .unwrap()
        .args(["lint", "--cluster", "-o", "json", "--fail-on", "never"])
        .env("KUBECONFIG", &kubeconfig)
        .output()
        .unwrap();
    assert!(
        linted.status.success(),
        "{}",
        String::from_utf8_lossy(&linted.stderr)
    );
    let report: Value = serde_json::from_slice(&linted.stdout).unwrap();
    assert!(report["summary"]["cluster_objects"].as_u64().unwrap_or(0) > 0);
    kubectl(&["create", "namespace", &namespace]);
    let result = std::panic::catch_unwind(|| {
        assert_eq!(
            ippool(&["assign", "ns", &namespace, &pool]),
            format!("namespace/{namespace} annotated\n")
        );
        let key = if listed["pools"].as_array().unwrap().iter().any(|p| {
            p["name"] == pool.as_str()
                && p["spec"]["cidr"].as_str().unwrap_or_default().contains(':')
        }) {
            "ipv6pools"
        } else {
            "ipv4pools"
        };
        let read = kubectl(&[
            "get",
            "ns",
            &namespace,
            "-o",
            &format!(r"jsonpath={{.metadata.annotations.cni\.projectcalico\.org/{key}}}"),
        ]);
        assert_eq!(read, format!("[\"{pool}\"]"));
        let which = ippool(&["which", "ns", &namespace, "-o", "json"]);
        let which: Value = serde_json::from_str(&which).unwrap();
        assert!(
            which["families"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["pools"]
                    .as_array()
                    .is_some_and(|p| p.contains(&json!(pool)))),
            "{which:#}"
        );
        ippool(&["unassign", "ns", &namespace]);
        ippool(&["patch", &pool, "--nat-outgoing", "--dry-run=server"]);
    });
    kubectl(&["delete", "namespace", &namespace, "--wait=false"]);
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn flags_with_optional_values_take_them_only_after_an_equals_sign_like_kubectl() {
    let api = cluster();
    // `--dry-run` alone is a client dry run, and the pool after it stays a pool.
    let out = run(
        &api,
        &["assign", "ns", "test-ns", "--dry-run", "extra-ippool"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("namespace/test-ns annotated (dry run)"),
        "{}",
        out.stdout
    );
    assert!(api.writes().is_empty());
    let out = run(
        &api,
        &["patch", "default-ipv4-ippool", "--nat-outgoing=false"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let stored = api.get(CRD, "ippools", "", "default-ipv4-ippool").unwrap();
    assert_eq!(stored["spec"]["natOutgoing"], false);
    let out = run(
        &api,
        &["patch", "default-ipv4-ippool", "--disable-bgp-export"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let stored = api.get(CRD, "ippools", "", "default-ipv4-ippool").unwrap();
    assert_eq!(stored["spec"]["disableBGPExport"], true);
    // Nothing to change is said before anything is sent.
    api.clear_log();
    let out = run(&api, &["patch", "default-ipv4-ippool"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("nothing to change"), "{}", out.stderr);
    assert!(api.requests().is_empty());
}

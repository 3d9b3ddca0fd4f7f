//! `lint --cluster` end to end: the real binary against the fake API server (tests/support),
//! through a real kubeconfig. What it reports on the live state, what it reports on manifests
//! against it, and what it asks the server (one list per type, whatever the cluster's size).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use assert_cmd::Command;
use serde_json::{Value, json};
use support::binary::{as_plugin, assert_holds, run};
use support::fake_api::FakeApi;
use support::{CRD as CRD_V1, allocated_block, block, node, pod, pool, seed_large};

fn json_run(api: &FakeApi, args: &[&str]) -> (i32, Value) {
    let out = run(api, args);
    let report = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", out.stdout, out.stderr));
    (out.code, report)
}

fn with_code<'r>(report: &'r Value, code: &str) -> Vec<&'r Value> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}

#[test]
fn two_overlapping_live_pools_are_shown_from_their_cluster_sources() {
    let api = FakeApi::start();
    api.insert(pool(
        "default-ipv4-ippool",
        "10.244.0.0/16",
        json!({"blockSize": 26}),
    ));
    api.insert(pool("extra-ippool", "10.244.128.0/20", json!({})));
    let out = run(&api, &["lint", "--cluster", "--select", "IPP101"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    // Both snippets, each from its own cluster source, under the cidr value.
    assert_holds(
        &out.stdout,
        &[
            "IPPool extra-ippool (10.244.128.0/20) overlaps IPPool default-ipv4-ippool",
            "╭─[cluster:IPPool/extra-ippool:",
            "╭─[cluster:IPPool/default-ipv4-ippool:",
            "cidr: 10.244.128.0/20",
            "in 0 files and 2 objects from the cluster (0 documents, 2 pools)",
        ],
    );
    let (code, report) = json_run(&api, &["lint", "--cluster", "-o", "json"]);
    assert_eq!(code, 1);
    let overlap = with_code(&report, "IPP101");
    assert_eq!(overlap.len(), 1, "{report:#}");
    let location = &overlap[0]["location"];
    assert_eq!(location["path"], "cluster:IPPool/extra-ippool");
    assert_eq!(location["object"], "IPPool/extra-ippool");
    // The line the human report's snippet header names, where the cidr value is.
    let header = format!(
        "╭─[cluster:IPPool/extra-ippool:{}:{}]",
        location["line"], location["column"]
    );
    assert!(out.stdout.contains(&header), "{header}\n{}", out.stdout);
    assert_eq!(location["column"], 9);
    assert_eq!(location["end_column"], 24);
    let related = &overlap[0]["related"][0]["location"];
    assert_eq!(related["path"], "cluster:IPPool/default-ipv4-ippool");
    assert_eq!(related["object"], "IPPool/default-ipv4-ippool");
    assert_eq!(report["summary"]["cluster_objects"], 2);
}

#[test]
fn a_manifest_that_changes_a_live_block_size_is_reported_at_its_block_size() {
    let api = FakeApi::start();
    api.insert(pool(
        "default-ipv4-ippool",
        "10.244.0.0/16",
        json!({"blockSize": 26}),
    ));
    let manifests = api.dir().join("manifests");
    std::fs::create_dir_all(&manifests).unwrap();
    std::fs::write(
        manifests.join("pool.yaml"),
        "apiVersion: crd.projectcalico.org/v1\nkind: IPPool\nmetadata:\n  name: default-ipv4-ippool\nspec:\n  cidr: 10.244.0.0/16\n  blockSize: 24\n",
    )
    .unwrap();
    let (code, report) = json_run(&api, &["lint", "--cluster", "manifests", "-o", "json"]);
    assert_eq!(code, 1);
    let changed = with_code(&report, "IPP401");
    assert_eq!(changed.len(), 1, "{report:#}");
    assert_eq!(
        changed[0]["message"],
        "IPPool default-ipv4-ippool changes blockSize from 26 (live) to 24: Calico refuses (\"IPPool BlockSize cannot be modified\")"
    );
    let location = &changed[0]["location"];
    assert_eq!(location["path"], "manifests/pool.yaml");
    assert_eq!(
        (location["line"].as_u64(), location["column"].as_u64()),
        (Some(7), Some(14))
    );
    let related = &changed[0]["related"][0];
    assert_eq!(
        related["location"]["path"],
        "cluster:IPPool/default-ipv4-ippool"
    );
    assert_eq!(related["message"], "the live pool's blockSize");
    // The live pool gives way to the manifest: it is not a second declaration of its name.
    assert!(with_code(&report, "IPP102").is_empty(), "{report:#}");
    assert!(with_code(&report, "IPP101").is_empty(), "{report:#}");
}

#[test]
fn a_node_at_its_block_limit_a_pod_outside_every_pool_and_a_leak_are_reported_with_numbers() {
    let api = FakeApi::start();
    api.insert(pool(
        "default-ipv4-ippool",
        "10.244.0.0/16",
        json!({"blockSize": 26}),
    ));
    api.insert(json!({
        "apiVersion": "crd.projectcalico.org/v1", "kind": "IPAMConfig",
        "metadata": {"name": "default"}, "spec": {"maxBlocksPerHost": 2},
    }));
    api.insert(node("node-1", json!({})));
    api.insert(pod("shop", "web-0", "10.244.0.1", "node-1"));
    api.insert(pod("shop", "stray", "172.31.9.9", "node-1"));
    api.insert(allocated_block(
        "10.244.0.0/26",
        "node-1",
        &[(1, "shop", "web-0"), (2, "shop", "web-gone")],
    ));
    api.insert(block("10.244.0.64/26", "node-1", 64));
    let (code, report) = json_run(
        &api,
        &["lint", "--cluster", "-o", "json", "--fail-on", "warning"],
    );
    assert_eq!(code, 1);

    let limit = with_code(&report, "IPP502");
    assert_eq!(limit.len(), 1, "{report:#}");
    assert_eq!(
        limit[0]["message"],
        "Node node-1 holds 2 affine blocks (128 addresses, 62 free) and maxBlocksPerHost is 2 (IPAMConfig maxBlocksPerHost): once they are used, new pods on it borrow addresses from other nodes' blocks, each a /32 route (Calico logs \"cannot allocate new block due to per host block limit\")"
    );
    assert_eq!(limit[0]["location"]["path"], "cluster:Node/node-1");

    let outside = with_code(&report, "IPP501");
    assert_eq!(outside.len(), 1, "{report:#}");
    assert_eq!(
        outside[0]["message"],
        "Pod shop/stray has address 172.31.9.9, which is in no IPPool of the cluster"
    );
    assert_eq!(outside[0]["location"]["object"], "Pod/shop/stray");

    let leaked = with_code(&report, "IPP506");
    assert_eq!(leaked.len(), 1, "{report:#}");
    assert_eq!(
        leaked[0]["message"],
        "IPAMBlock/10-244-0-0-26 holds 1 address (10.244.0.2) for Pod shop/web-gone, which no longer exists: leaked"
    );
    assert_eq!(
        leaked[0]["location"]["path"],
        "cluster:IPAMBlock/10-244-0-0-26"
    );

    // web-0 is recorded and exists: neither leaked nor unrecorded.
    assert!(
        !report.to_string().contains("Pod shop/web-0 uses"),
        "{report:#}"
    );
}

/// Requests that start a list (not the pages after the first).
fn list_requests(api: &FakeApi) -> Vec<String> {
    let mut paths: Vec<String> = api
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && !r.query.contains("continue="))
        .map(|r| r.path.clone())
        .collect();
    paths.sort();
    paths
}

#[test]
fn the_number_of_list_requests_does_not_grow_with_the_cluster() {
    let small = FakeApi::start();
    seed_large(&small, 2, 2, 4);
    small.clear_log();
    let out = run(&small, &["lint", "--cluster", "-o", "json"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let small_lists = list_requests(&small);

    let large = FakeApi::start();
    seed_large(&large, 40, 80, 1200);
    large.clear_log();
    let out = run(&large, &["lint", "--cluster", "-o", "json"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let large_lists = list_requests(&large);

    assert_eq!(small_lists, large_lists);
    // Discovery, then one list per type: pools, IPAM blocks, affinities, IPAMConfig, nodes,
    // namespaces, pods, Installations and the six workload kinds; and the calico-config
    // (the CNI network config) and kubeadm-config (the cluster CIDRs) ConfigMaps.
    assert_eq!(large_lists.len(), 17, "{large_lists:#?}");
    // 1,200 pods come in pages of 500.
    let pod_pages = large
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v1/pods")
        .count();
    assert_eq!(pod_pages, 3);
    assert!(large.writes().is_empty());
}

#[test]
fn a_denied_list_names_what_was_denied_and_exits_2() {
    let api = FakeApi::start();
    api.insert(pool("default-ipv4-ippool", "10.244.0.0/16", json!({})));
    api.deny("list", "pods");
    let out = run(&api, &["lint", "--cluster"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("RBAC denied list on pods (core API group) in all namespaces"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[test]
fn a_dump_of_the_same_objects_gives_the_same_report() {
    let api = FakeApi::start();
    api.insert(pool(
        "default-ipv4-ippool",
        "10.244.0.0/16",
        json!({"blockSize": 26}),
    ));
    api.insert(pool("extra-ippool", "10.244.128.0/20", json!({})));
    api.insert(node("node-1", json!({})));
    api.insert(pod("shop", "stray", "172.31.9.9", "node-1"));
    let live = run(&api, &["lint", "--cluster", "--fail-on", "never"]);
    assert_eq!(live.code, 0, "{}", live.stderr);
    // What `kubectl get … -o yaml` would have written, as one List.
    let items: Vec<Value> = api.snapshot().into_values().collect();
    let dump = api.dir().join("dump.json");
    std::fs::write(
        &dump,
        serde_json::to_string(&json!({"apiVersion": "v1", "kind": "List", "items": items}))
            .unwrap(),
    )
    .unwrap();
    let recorded = run(
        &api,
        &[
            "lint",
            "--cluster-dump",
            dump.to_str().unwrap(),
            "--fail-on",
            "never",
        ],
    );
    assert_eq!(recorded.code, 0, "{}", recorded.stderr);
    assert_eq!(live.stdout, recorded.stdout);
    assert!(live.stdout.contains("IPP101"), "{}", live.stdout);
    assert!(live.stdout.contains("IPP501"), "{}", live.stdout);
}

#[test]
fn a_broken_dump_is_a_usage_error_naming_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("dump.yaml");
    std::fs::write(&dump, "kind: List\nitems: [\n").unwrap();
    let output = Command::cargo_bin("kubectl-ippool")
        .unwrap()
        .args(["lint", "--cluster-dump", dump.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("dump.yaml:"), "{stderr}");
    assert!(stderr.contains("invalid YAML"), "{stderr}");
}

/// A cluster where namespace `shop` names a disabled pool and namespace `plain` names none.
fn which_cluster() -> FakeApi {
    let api = FakeApi::start();
    api.insert(pool(
        "default-ipv4-ippool",
        "10.244.0.0/16",
        json!({"nodeSelector": "zone == 'a'"}),
    ));
    api.insert(pool("old-pool", "10.1.0.0/16", json!({"disabled": true})));
    api.insert(pool(
        "zone-b",
        "10.245.0.0/16",
        json!({"nodeSelector": "zone == 'b'"}),
    ));
    api.insert(node("worker-1", json!({"zone": "a"})));
    api.insert(json!({
        "apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": "shop", "annotations": {"cni.projectcalico.org/ipv4pools": "[\"old-pool\"]"}},
    }));
    api.insert(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "plain"}}));
    api.insert(pod("shop", "web-0", "10.1.0.5", "worker-1"));
    api.insert(pod("plain", "app", "10.244.0.9", "worker-1"));
    api
}

#[test]
fn which_names_the_namespace_annotation_as_the_deciding_step_and_calicos_error() {
    let api = which_cluster();
    let out = run(&api, &["which", "pod", "web-0", "-n", "shop"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(
            "2. namespace annotation (Namespace/shop metadata.annotations[\"cni.projectcalico.org/ipv4pools\"]) = [\"old-pool\"]"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("old-pool → IPPool old-pool: disabled"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "Calico fails the pod: \"the given pool (10.1.0.0/16) does not exist, or is not enabled\""
        ),
        "{}",
        out.stdout
    );
    // Read only.
    assert!(api.writes().is_empty());
}

#[test]
fn which_on_a_plain_pod_lists_the_pools_its_node_selects() {
    let api = which_cluster();
    let out = run(&api, &["which", "pod/app", "-n", "plain"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("A new pod of Pod plain/app, on node worker-1"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "✓ default-ipv4-ippool (10.244.0.0/16): nodeSelector `zone == 'a'` matches node worker-1"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "✗ zone-b (10.245.0.0/16): nodeSelector `zone == 'b'` does not match node worker-1 (zone=a)"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("New pods draw from: default-ipv4-ippool\n"),
        "{}",
        out.stdout
    );
    let (code, answer) = json_run(&api, &["which", "pod", "app", "-n", "plain", "-o", "json"]);
    assert_eq!(code, 0);
    assert_eq!(
        answer["families"][0]["pools"],
        json!(["default-ipv4-ippool"])
    );
    assert_eq!(answer["node"], "worker-1");
}

#[test]
fn which_gives_the_same_answer_offline_from_the_same_objects_in_files() {
    let api = which_cluster();
    let manifests = api.dir().join("recorded");
    std::fs::create_dir_all(&manifests).unwrap();
    for (index, object) in api.snapshot().into_values().enumerate() {
        let yaml = kubectl_ippool::manifest::emit::to_yaml(&object);
        std::fs::write(manifests.join(format!("{index:02}.yaml")), yaml).unwrap();
    }
    for args in [
        ["pod", "web-0", "shop"],
        ["pod", "app", "plain"],
        ["ns", "plain", "plain"],
    ] {
        let [kind, name, namespace] = args;
        let live = run(&api, &["which", kind, name, "-n", namespace]);
        let offline = run(
            &api,
            &[
                "which",
                kind,
                name,
                "-n",
                namespace,
                "-f",
                manifests.to_str().unwrap(),
            ],
        );
        assert_eq!(live.stdout, offline.stdout, "{args:?}");
        assert_eq!(live.code, offline.code, "{args:?}");
        assert!(!live.stdout.is_empty());
    }
    let missing = run(&api, &["which", "pod", "nope", "-n", "shop"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("pod \"nope\" not found in namespace shop in the cluster"),
        "{}",
        missing.stderr
    );
    let node = run(&api, &["which", "ns", "plain", "--node", "worker-9"]);
    assert_eq!(node.code, 2);
    assert!(
        node.stderr.contains("node \"worker-9\" not found"),
        "{}",
        node.stderr
    );
}

#[test]
fn a_live_annotation_naming_a_disabled_or_missing_pool_counts_the_pods_it_breaks() {
    let api = which_cluster();
    api.insert(pod("shop", "web-1", "10.1.0.6", "worker-1"));
    api.insert(json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "api", "namespace": "plain"},
        "spec": {"replicas": 2, "template": {
            "metadata": {"annotations": {"cni.projectcalico.org/ipv4pools": "[\"gone-pool\"]"}},
            "spec": {"containers": [{"name": "api", "image": "nginx"}]}}},
    }));
    for name in ["api-7d9f-x1", "api-7d9f-x2"] {
        let mut owned = pod("plain", name, "10.244.0.20", "worker-1");
        owned["metadata"]["ownerReferences"] =
            json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "api-7d9f"}]);
        api.insert(owned);
    }
    let (_, report) = json_run(&api, &["lint", "--cluster", "-o", "json"]);
    let disabled = with_code(&report, "IPP203");
    assert_eq!(disabled.len(), 1, "{report:#}");
    assert_eq!(
        disabled[0]["message"],
        "Namespace/shop annotation cni.projectcalico.org/ipv4pools names IPPool old-pool, which is disabled (2 running pods there fail when they are recreated)"
    );
    let unknown = with_code(&report, "IPP202");
    assert_eq!(unknown.len(), 1, "{report:#}");
    assert!(
        unknown[0]["message"]
            .as_str()
            .unwrap()
            .ends_with("(2 running pods there fail when they are recreated)"),
        "{report:#}"
    );
}

/// The README's `which` example is a real run against the same objects.
#[test]
fn the_readme_which_example_is_a_real_run() {
    let api = which_cluster();
    let out = run(&api, &["which", "pod", "web-0", "-n", "shop"]);
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let example = format!(
        "$ kubectl ippool which pod web-0 -n shop\n{}$ echo $?\n1\n",
        out.stdout
    );
    assert!(readme.contains(&example), "README.md lacks:\n{example}");
}

#[test]
fn a_live_installation_is_one_pool_with_the_ippools_it_made_and_its_values_are_judged() {
    let api = FakeApi::start();
    let mut managed = pool(
        "default-ipv4-ippool",
        "10.244.0.0/16",
        json!({"blockSize": 26}),
    );
    managed["metadata"]["labels"] = json!({"app.kubernetes.io/managed-by": "tigera-operator"});
    api.insert(managed);
    api.insert(json!({
        "apiVersion": "operator.tigera.io/v1", "kind": "Installation",
        "metadata": {"name": "default"},
        "spec": {"calicoNetwork": {"ipPools": [
            {"name": "default-ipv4-ippool", "cidr": "10.244.0.0/16", "blockSize": 26, "encapsulation": "VXLANCrossSubnet"},
            {"name": "extra", "cidr": "10.250.0.0/16", "encapsulation": "Vxlan"},
        ]}},
    }));
    let (_, report) = json_run(&api, &["lint", "--cluster", "-o", "json"]);
    assert!(with_code(&report, "IPP101").is_empty(), "{report:#}");
    assert!(with_code(&report, "IPP102").is_empty(), "{report:#}");
    let invalid = with_code(&report, "IPP302");
    assert_eq!(invalid.len(), 1, "{report:#}");
    assert_eq!(
        invalid[0]["location"]["path"],
        "cluster:Installation/default"
    );
    // The managed pool, and the Installation's second pool the operator has not made yet.
    assert_eq!(report["summary"]["pools"], 2, "{report:#}");
}

const CNI_CONFIG: &str = r#"{
  "name": "k8s-pod-network",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "calico",
      "mtu": __CNI_MTU__,
      "ipam": {"type": "calico-ipam", "ipv4_pools": ["old-pool"]},
      "policy": {"type": "k8s"},
      "kubernetes": {"kubeconfig": "__KUBECONFIG_FILEPATH__"}
    },
    {"type": "portmap", "snat": true, "capabilities": {"portMappings": true}}
  ]
}"#;

#[test]
fn the_cni_config_is_read_judged_like_an_annotation_and_decides_which() {
    let api = which_cluster();
    api.insert(json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "calico-config", "namespace": "kube-system"},
        "data": {"cni_network_config": CNI_CONFIG, "typha_service_name": "none"},
    }));
    let (_, report) = json_run(&api, &["lint", "--cluster", "-o", "json"]);
    let disabled: Vec<&Value> = with_code(&report, "IPP203")
        .into_iter()
        .filter(|d| d["location"]["object"] == "ConfigMap/kube-system/calico-config")
        .collect();
    assert_eq!(disabled.len(), 1, "{report:#}");
    // plain/app has no annotation of its own and its namespace none: the CNI config is its list.
    assert_eq!(
        disabled[0]["message"],
        "ConfigMap/kube-system/calico-config CNI config ipam.ipv4_pools names IPPool old-pool, which is disabled (1 running pod there fails when it is recreated)"
    );
    assert_eq!(
        disabled[0]["location"]["path"],
        "cluster:ConfigMap/kube-system/calico-config"
    );

    let out = run(&api, &["which", "pod", "app", "-n", "plain"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(
            "3. CNI network config (ConfigMap/kube-system/calico-config data.cni_network_config ipam.ipv4_pools) = [\"old-pool\"]"
        ),
        "{}",
        out.stdout
    );
    // The namespace annotation comes first: shop's pods are decided by it, not by the config.
    let out = run(&api, &["which", "pod", "web-0", "-n", "shop"]);
    assert!(
        !out.stdout.contains("3. CNI network config"),
        "{}",
        out.stdout
    );
}

#[test]
fn manifest_annotations_resolve_against_live_pools() {
    let api = FakeApi::start();
    api.insert(pool("live-only-pool", "10.244.0.0/16", json!({})));
    let manifests = api.dir().join("manifests");
    std::fs::create_dir_all(&manifests).unwrap();
    std::fs::write(
        manifests.join("ns.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n    cni.projectcalico.org/ipv4pools: '[\"live-only-pool\", \"typo-pool\"]'\n",
    )
    .unwrap();
    let (_, report) = json_run(&api, &["lint", "--cluster", "manifests", "-o", "json"]);
    let unknown = with_code(&report, "IPP202");
    assert_eq!(unknown.len(), 1, "{report:#}");
    assert_eq!(
        unknown[0]["message"],
        "Namespace/shop annotation cni.projectcalico.org/ipv4pools names pool \"typo-pool\", which neither the inputs nor the cluster define"
    );
    assert_eq!(unknown[0]["location"]["path"], "manifests/ns.yaml");
    // Offline, no pool is known, so the names cannot be judged at all.
    let offline = run(&api, &["lint", "manifests", "-o", "json"]);
    let offline: Value = serde_json::from_str(&offline.stdout).unwrap();
    let unjudged = with_code(&offline, "IPP202");
    assert_eq!(unjudged.len(), 1, "{offline:#}");
    assert!(
        unjudged[0]["message"]
            .as_str()
            .unwrap()
            .contains("cannot be checked"),
        "{offline:#}"
    );
}

/// CI formats have no file for a live object: GitHub annotations name the object instead of a
/// file that is not in the repository, SARIF results carry the object as a logical location.
#[test]
fn ci_formats_name_live_objects_instead_of_files() {
    let api = FakeApi::start();
    api.insert(pool("default-ipv4-ippool", "10.244.0.0/16", json!({})));
    api.insert(pool("extra-ippool", "10.244.128.0/20", json!({})));
    let github = run(&api, &["lint", "--cluster", "-o", "github"]);
    let line = github
        .stdout
        .lines()
        .find(|l| l.contains("IPP101"))
        .unwrap_or_else(|| panic!("{}", github.stdout));
    assert!(!line.contains("file="), "{line}");
    assert!(
        line.contains("::IPPool/extra-ippool: IPPool extra-ippool (10.244.128.0/20) overlaps"),
        "{line}"
    );
    let (_, sarif) = json_run(&api, &["lint", "--cluster", "-o", "sarif"]);
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "IPP101")
        .unwrap_or_else(|| panic!("{sarif:#}"));
    let location = &result["locations"][0];
    assert!(location.get("physicalLocation").is_none(), "{location:#}");
    assert_eq!(
        location["logicalLocations"][0]["fullyQualifiedName"],
        "IPPool/extra-ippool"
    );
}

/// A cluster whose default pool holds the pods of a Deployment, a StatefulSet and a bare pod,
/// with a namespace annotation naming it.
fn migration_cluster() -> FakeApi {
    let api = FakeApi::start();
    api.insert(pool(
        "default-ipv4-ippool",
        "192.168.0.0/16",
        json!({"blockSize": 26, "natOutgoing": true}),
    ));
    api.insert(pool(
        "zone-pool",
        "10.251.0.0/16",
        json!({"nodeSelector": "zone == 'b'"}),
    ));
    api.insert(node("node-1", json!({"zone": "a"})));
    api.insert(json!({
        "apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": "shop", "annotations": {
            "cni.projectcalico.org/ipv4pools": "[\"default-ipv4-ippool\"]", "team": "a"}},
    }));
    for (name, owner, ip) in [
        (
            "web-7d9f-a",
            Some(("ReplicaSet", "web-7d9f")),
            "192.168.0.5",
        ),
        (
            "web-7d9f-b",
            Some(("ReplicaSet", "web-7d9f")),
            "192.168.0.6",
        ),
        ("db-0", Some(("StatefulSet", "db")), "192.168.0.7"),
        ("debug", None, "192.168.0.8"),
    ] {
        let mut object = pod("shop", name, ip, "node-1");
        if let Some((kind, owner)) = owner {
            object["metadata"]["ownerReferences"] =
                json!([{"apiVersion": "apps/v1", "kind": kind, "name": owner}]);
        }
        api.insert(object);
    }
    api.insert(allocated_block(
        "192.168.0.0/26",
        "node-1",
        &[
            (5, "shop", "web-7d9f-a"),
            (6, "shop", "web-7d9f-b"),
            (7, "shop", "db-0"),
            (8, "shop", "debug"),
        ],
    ));
    api
}

#[test]
fn migrate_prints_a_checked_plan_with_its_pods_and_writes_nothing() {
    let api = migration_cluster();
    api.clear_log();
    let out = run(
        &api,
        &[
            "migrate",
            "--from",
            "default-ipv4-ippool",
            "--to-cidr",
            "10.250.0.0/16",
        ],
    );
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert_holds(
        &out.stdout,
        &[
            "Migrate pods from IPPool default-ipv4-ippool to IPPool 10.250.0.0-16 (10.250.0.0/16)",
            "✓ 10.250.0.0/16 overlaps no other pool",
            "✗ 1 object names default-ipv4-ippool in pool annotations: once it is disabled their new pods fail",
            "fix: pass --rewrite-annotations",
            "✗ 1 pod without a controller that recreates it (bare pods, pods of Jobs): deleting it loses it",
            "Plan (4 pods to move, in 3 waves):",
        ],
    );
    let (code, plan) = json_run(
        &api,
        &[
            "migrate",
            "--from",
            "default-ipv4-ippool",
            "--to-cidr",
            "10.250.0.0/16",
            "--name",
            "new-pool",
            "--rewrite-annotations",
            "--delete-bare-pods",
            "-o",
            "json",
        ],
    );
    assert_eq!(code, 0, "{plan:#}");
    let titles: Vec<&str> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Create IPPool new-pool (10.250.0.0/16)",
            "Rewrite the annotations that name default-ipv4-ippool",
            "Disable IPPool default-ipv4-ippool",
            "Restart Deployment/web in shop",
            "Delete the pods of Pod/debug in shop",
            "Restart StatefulSet/db in shop",
            "Verify every pod moved to new-pool",
            "Delete IPPool default-ipv4-ippool",
        ]
    );
    let waves: Vec<(String, usize)> = plan["waves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["owner"].as_str().unwrap().to_owned(),
                w["pods"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        waves,
        [
            ("Deployment/web".to_owned(), 2),
            ("Pod/debug".to_owned(), 1),
            ("StatefulSet/db".to_owned(), 1)
        ]
    );
    assert_eq!(
        plan["steps"][7]["verify"],
        "its IPAM blocks hold no allocation (now 1 block holding 4 addresses)"
    );
    assert!(api.writes().is_empty(), "{:?}", api.writes());
}

#[test]
fn migrate_refuses_an_overlapping_target_and_goes_through_the_installation_for_operator_pools() {
    let api = migration_cluster();
    let out = run(
        &api,
        &[
            "migrate",
            "--from",
            "default-ipv4-ippool",
            "--to",
            "zone-pool",
            "--rewrite-annotations",
            "--delete-bare-pods",
        ],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    // zone-pool selects zone b; node-1 is zone a.
    assert_holds(
        &out.stdout,
        &["! IPPool zone-pool's nodeSelector `zone == 'b'` does not select node-1"],
    );
    let out = run(
        &api,
        &[
            "migrate",
            "--from",
            "default-ipv4-ippool",
            "--to-cidr",
            "192.168.128.0/17",
        ],
    );
    assert_eq!(out.code, 1);
    assert_holds(
        &out.stdout,
        &["✗ 192.168.128.0/17 overlaps IPPool default-ipv4-ippool"],
    );

    let mut managed = pool(
        "default-ipv4-ippool",
        "192.168.0.0/16",
        json!({"blockSize": 26}),
    );
    managed["metadata"]["labels"] = json!({"app.kubernetes.io/managed-by": "tigera-operator"});
    api.insert(managed);
    let (_, plan) = json_run(
        &api,
        &[
            "migrate",
            "--from",
            "default-ipv4-ippool",
            "--to-cidr",
            "10.250.0.0/16",
            "--rewrite-annotations",
            "--delete-bare-pods",
            "-o",
            "json",
        ],
    );
    assert_eq!(plan["operator_managed"], true);
    assert_eq!(
        plan["steps"][2]["changes"],
        "spec.calicoNetwork.ipPools[name=default-ipv4-ippool].disableNewAllocations: true"
    );
    let missing = run(&api, &["migrate", "--from", "nope", "--to", "zone-pool"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("IPPool nope not found"),
        "{}",
        missing.stderr
    );
}

#[test]
fn the_pools_a_run_creates_are_judged_by_the_pool_rules_and_the_cluster_cidr() {
    let api = migration_cluster();
    api.insert(json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "kubeadm-config", "namespace": "kube-system"},
        "data": {"ClusterConfiguration": "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 192.168.0.0/16,fd00:10::/56\n  serviceSubnet: 10.96.0.0/12\n"},
    }));
    let base = [
        "migrate",
        "--from",
        "default-ipv4-ippool",
        "--rewrite-annotations",
        "--delete-bare-pods",
        "--to-cidr",
    ];
    let out = run(&api, &[&base[..], &["10.250.0.0/16"]].concat());
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_holds(
        &out.stdout,
        &[
            "! 10.250.0.0/16 is not inside the cluster CIDR 192.168.0.0/16 (kubeadm-config ClusterConfiguration networking.podSubnet): kube-proxy takes pods there for outside the cluster",
        ],
    );
    // The Service CIDR comes from the same string: an error of the created pool blocks the run.
    let out = run(&api, &[&base[..], &["10.96.0.0/16"]].concat());
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert_holds(
        &out.stdout,
        &[
            "✗ IPPool 10.96.0.0-16 as the run creates it: IPPool 10.96.0.0-16 (10.96.0.0/16) overlaps the Service CIDR 10.96.0.0/12 (kubeadm-config ClusterConfiguration networking.serviceSubnet) (IPP109 pool-overlaps-service-cidr)",
        ],
    );
    let out = run(
        &api,
        &[&base[..], &["10.96.0.0/16", "--execute", "--yes"]].concat(),
    );
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(api.writes().is_empty(), "{:?}", api.writes());

    // resize judges the pool again with its new blockSize: 4 blocks of /18 for 1 node is fine,
    // a blockSize larger than the pool is not.
    let out = run(
        &api,
        &[
            "resize",
            "default-ipv4-ippool",
            "--block-size",
            "18",
            "--temp-cidr",
            "192.169.0.0/16",
            "--rewrite-annotations",
            "--delete-bare-pods",
        ],
    );
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert_holds(
        &out.stdout,
        &[
            "✗ blockSize 18 is outside 20–32",
            "! 192.169.0.0/16 is not inside the cluster CIDR 192.168.0.0/16",
            "✗ IPPool default-ipv4-ippool as the run creates it: ",
        ],
    );
}

#[test]
fn resize_plans_the_way_out_through_a_temporary_pool_and_back() {
    let api = migration_cluster();
    api.clear_log();
    let (code, plan) = json_run(
        &api,
        &[
            "resize",
            "default-ipv4-ippool",
            "--block-size",
            "27",
            "--temp-cidr",
            "10.0.0.0/16",
            "--rewrite-annotations",
            "--delete-bare-pods",
            "-o",
            "json",
        ],
    );
    assert_eq!(code, 0, "{plan:#}");
    assert_eq!(
        plan["title"],
        "Change the blockSize of IPPool default-ipv4-ippool from 26 to 27, through the temporary IPPool default-ipv4-ippool-temp (10.0.0.0/16)"
    );
    let titles: Vec<&str> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Create IPPool default-ipv4-ippool-temp (10.0.0.0/16)",
            "Rewrite the annotations that name default-ipv4-ippool",
            "Disable IPPool default-ipv4-ippool",
            "Restart Deployment/web in shop",
            "Delete the pods of Pod/debug in shop",
            "Restart StatefulSet/db in shop",
            "Verify every pod moved to default-ipv4-ippool-temp",
            "Delete IPPool default-ipv4-ippool",
            "Create IPPool default-ipv4-ippool again with blockSize 27",
            "Disable IPPool default-ipv4-ippool-temp",
            "Restart Deployment/web in shop again",
            "Delete the pods of Pod/debug in shop again",
            "Restart StatefulSet/db in shop again",
            "Verify every pod is back in default-ipv4-ippool",
            "Delete IPPool default-ipv4-ippool-temp",
        ]
    );
    assert!(
        plan["steps"][8]["verify"]
            .as_str()
            .unwrap()
            .contains("no IPAM block of the old size /26 is left in 192.168.0.0/16 (now 1 block)"),
        "{plan:#}"
    );
    assert!(api.writes().is_empty());
    let same = run(
        &api,
        &[
            "resize",
            "default-ipv4-ippool",
            "--block-size",
            "26",
            "--temp-cidr",
            "10.0.0.0/16",
        ],
    );
    assert_eq!(same.code, 1);
    assert_holds(
        &same.stdout,
        &["✗ IPPool default-ipv4-ippool already has blockSize 26"],
    );
}

/// `ippool.lint/ignore` on a live object silences its findings, as on a manifest.
#[test]
fn a_live_objects_suppression_annotation_is_honoured() {
    let api = FakeApi::start();
    api.insert(pool("default-ipv4-ippool", "10.244.0.0/16", json!({})));
    let mut extra = pool("extra-ippool", "10.244.128.0/20", json!({}));
    extra["metadata"]["annotations"] =
        json!({"ippool.lint/ignore": "IPP101,ambiguous-default-pools"});
    api.insert(extra);
    let (code, report) = json_run(&api, &["lint", "--cluster", "-o", "json"]);
    assert_eq!(code, 0, "{report:#}");
    assert!(with_code(&report, "IPP101").is_empty(), "{report:#}");
}

/// `kubectl ippool lint --cluster` and `kubectl ippool which` through kubectl's plugin
/// mechanism, and the namespace annotation the answer names read back by kubectl.
#[test]
fn kubectl_runs_lint_cluster_and_which_as_a_plugin() {
    let api = which_cluster();
    api.require_token(false);
    let Some((kubectl, path)) = as_plugin(&api) else {
        return;
    };
    let kubectl_run = |args: &[&str]| {
        let output = std::process::Command::new(kubectl)
            .args(args)
            .env("PATH", &path)
            .env("KUBECONFIG", api.kubeconfig())
            .env("HOME", api.dir())
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    let (code, stdout) = kubectl_run(&["ippool", "lint", "--cluster", "-o", "json"]);
    assert_eq!(code, Some(1), "{stdout}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert!(!with_code(&report, "IPP203").is_empty(), "{report:#}");
    let (code, stdout) = kubectl_run(&["ippool", "which", "pod", "web-0", "-n", "shop"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("Calico fails the pod"), "{stdout}");
    let (_, annotation) = kubectl_run(&[
        "get",
        "ns",
        "shop",
        "-o",
        r"jsonpath={.metadata.annotations.cni\.projectcalico\.org/ipv4pools}",
    ]);
    assert_eq!(annotation, "[\"old-pool\"]");
    assert!(stdout.contains("= [\"old-pool\"]"), "{stdout}");
}

/// The simulator the runbook tests stand on: a pod-template change replaces a workload's pods,
/// and each new pod gets its address the way Calico picks it, recorded in an IPAM block.
#[test]
fn the_simulator_replaces_pods_and_allocates_as_calico_would() {
    let api = migration_cluster();
    api.insert(pool("new-pool", "10.250.0.0/16", json!({"blockSize": 28})));
    api.insert(json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"replicas": 2, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {}}},
    }));
    api.simulate(true);
    let out = run(
        &api,
        &["assign", "deploy/web", "new-pool", "-n", "shop", "--yes"],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let pods: Vec<(String, String)> = api
        .snapshot()
        .into_values()
        .filter(|o| {
            o["kind"] == "Pod" && o["metadata"]["name"].as_str().unwrap().starts_with("web-")
        })
        .map(|o| {
            (
                o["metadata"]["name"].as_str().unwrap().to_owned(),
                o["status"]["podIP"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(pods.len(), 2, "{pods:?}");
    assert!(
        pods.iter().all(|(_, ip)| ip.starts_with("10.250.0.")),
        "{pods:?}"
    );
    let block = api
        .get(CRD_V1, "ipamblocks", "", "10-250-0-0-28")
        .expect("a new block");
    assert_eq!(block["spec"]["affinity"], "host:node-1");
    assert_eq!(block["spec"]["unallocated"].as_array().unwrap().len(), 14);
    // The old addresses went back to the old pool's block.
    let old = api.get(CRD_V1, "ipamblocks", "", "192-168-0-0-26").unwrap();
    assert_eq!(old["spec"]["unallocated"].as_array().unwrap().len(), 62);
}

fn migration_workloads(api: &FakeApi) {
    api.insert(json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"replicas": 2, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {}}},
    }));
    api.insert(json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "db", "namespace": "shop"},
        "spec": {"replicas": 1, "template": {"metadata": {"labels": {"app": "db"}}, "spec": {}}},
    }));
    api.simulate(true);
}

fn pods_in(api: &FakeApi) -> Vec<(String, String)> {
    api.snapshot()
        .into_values()
        .filter(|o| o["kind"] == "Pod")
        .map(|o| {
            (
                o["metadata"]["name"].as_str().unwrap().to_owned(),
                o["status"]["podIP"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

const MIGRATE: &[&str] = &[
    "migrate",
    "--from",
    "default-ipv4-ippool",
    "--to-cidr",
    "10.250.0.0/16",
    "--name",
    "new-pool",
    "--rewrite-annotations",
    "--delete-bare-pods",
    "--execute",
    "--yes",
];

#[test]
fn migrate_execute_moves_every_pod_and_deletes_the_old_pool_touching_nothing_else() {
    let api = migration_cluster();
    migration_workloads(&api);
    let out = run(&api, MIGRATE);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_holds(
        &out.stdout,
        &[
            "ippool.crd.projectcalico.org/new-pool created",
            "namespace/shop annotated (cni.projectcalico.org/ipv4pools=[\"new-pool\"])",
            "ippool.crd.projectcalico.org/default-ipv4-ippool patched (disabled)",
            "verified: no pod has an address in 192.168.0.0/16",
            "ippool.crd.projectcalico.org/default-ipv4-ippool deleted",
            "migration to new-pool complete",
        ],
    );
    let pods = pods_in(&api);
    assert_eq!(pods.len(), 3, "{pods:?}");
    assert!(
        pods.iter().all(|(_, ip)| ip.starts_with("10.250.")),
        "{pods:?}"
    );
    assert!(
        pods.iter().any(|(name, _)| name == "db-0"),
        "a StatefulSet keeps its pod names"
    );
    assert!(
        !pods.iter().any(|(name, _)| name == "debug"),
        "the bare pod was deleted"
    );
    assert!(
        api.get(CRD_V1, "ippools", "", "default-ipv4-ippool")
            .is_none()
    );
    let namespace = api.get("v1", "namespaces", "", "shop").unwrap();
    assert_eq!(namespace["metadata"]["annotations"]["team"], "a");
    let zone = api.get(CRD_V1, "ippools", "", "zone-pool").unwrap();
    assert_eq!(zone["spec"]["nodeSelector"], "zone == 'b'");
    let new = api.get(CRD_V1, "ippools", "", "new-pool").unwrap();
    assert_eq!(new["spec"]["natOutgoing"], true, "the old pool's settings");
    assert_eq!(new["spec"]["blockSize"], 26);
}

#[test]
fn an_interrupted_migration_resumes_to_the_same_end() {
    use support::fake_api::Fault;
    // Each run stops at another write; running the command again finishes the migration.
    for (method, path) in [
        ("POST", "/ippools"),
        ("PATCH", "/namespaces/shop"),
        ("PATCH", "/ippools/default-ipv4-ippool"),
        ("PATCH", "/deployments/web"),
        ("DELETE", "/pods/debug"),
        ("PATCH", "/statefulsets/db"),
        ("DELETE", "/ippools/default-ipv4-ippool"),
    ] {
        let api = migration_cluster();
        migration_workloads(&api);
        api.fault(
            method,
            path,
            1,
            Fault::Status {
                code: 500,
                reason: "InternalError",
                message: "injected".to_owned(),
            },
        );
        let first = run(&api, MIGRATE);
        assert_eq!(
            first.code, 2,
            "{method} {path}: {}{}",
            first.stdout, first.stderr
        );
        let again = run(&api, MIGRATE);
        assert_eq!(
            again.code, 0,
            "{method} {path}: {}{}",
            again.stdout, again.stderr
        );
        let pods = pods_in(&api);
        assert_eq!(pods.len(), 3, "{method} {path}: {pods:?}");
        assert!(
            pods.iter().all(|(_, ip)| ip.starts_with("10.250.")),
            "{method} {path}: {pods:?}"
        );
        assert!(
            api.get(CRD_V1, "ippools", "", "default-ipv4-ippool")
                .is_none(),
            "{method} {path}"
        );
    }
}

const RESIZE: &[&str] = &[
    "resize",
    "default-ipv4-ippool",
    "--block-size",
    "27",
    "--temp-cidr",
    "10.0.0.0/16",
    "--rewrite-annotations",
    "--delete-bare-pods",
    "--execute",
    "--yes",
    "--wait",
    "10s",
];

#[test]
fn resize_execute_ends_with_the_pool_at_the_new_block_size_and_every_pod_back() {
    let api = migration_cluster();
    migration_workloads(&api);
    let out = run(&api, RESIZE);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_holds(
        &out.stdout,
        &[
            "ippool.crd.projectcalico.org/default-ipv4-ippool-temp created",
            "ippool.crd.projectcalico.org/default-ipv4-ippool created with blockSize 27",
            "ippool.crd.projectcalico.org/default-ipv4-ippool-temp deleted",
            "IPPool default-ipv4-ippool has blockSize 27",
        ],
    );
    let pool = api
        .get(CRD_V1, "ippools", "", "default-ipv4-ippool")
        .unwrap();
    assert_eq!(pool["spec"]["blockSize"], 27);
    assert_eq!(pool["spec"]["cidr"], "192.168.0.0/16");
    assert_eq!(pool["spec"]["natOutgoing"], true);
    assert!(
        api.get(CRD_V1, "ippools", "", "default-ipv4-ippool-temp")
            .is_none()
    );
    let pods = pods_in(&api);
    assert_eq!(pods.len(), 3, "{pods:?}");
    assert!(
        pods.iter().all(|(_, ip)| ip.starts_with("192.168.")),
        "{pods:?}"
    );
    // Their new blocks have the new size.
    let blocks: Vec<String> = api
        .snapshot()
        .into_values()
        .filter(|o| o["kind"] == "IPAMBlock")
        .filter_map(|o| o["spec"]["cidr"].as_str().map(str::to_owned))
        .collect();
    assert!(blocks.iter().all(|b| b.ends_with("/27")), "{blocks:?}");
    let namespace = api.get("v1", "namespaces", "", "shop").unwrap();
    assert_eq!(
        namespace["metadata"]["annotations"]["cni.projectcalico.org/ipv4pools"],
        "[\"default-ipv4-ippool\"]"
    );
    // Done is done.
    let again = run(&api, RESIZE);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_holds(&again.stdout, &["nothing to do"]);
}

#[test]
fn an_interrupted_resize_resumes_to_the_same_end() {
    use support::fake_api::Fault;
    // Each case fails one write per run, in order (a later run gets past the earlier faults),
    // then a clean run must finish the change.
    let cases: &[&[(&str, &str)]] = &[
        // The record of the change, written before its first write.
        &[("POST", "/namespaces/kube-system/configmaps")],
        &[("POST", "/ippools")],
        &[("PATCH", "/ippools/default-ipv4-ippool")],
        &[("DELETE", "/ippools/default-ipv4-ippool")],
        // The pool created again: only once the old one is gone.
        &[
            ("DELETE", "/ippools/default-ipv4-ippool"),
            ("POST", "/ippools"),
        ],
        &[("PATCH", "/ippools/default-ipv4-ippool-temp")],
        &[("DELETE", "/ippools/default-ipv4-ippool-temp")],
    ];
    for faults in cases {
        let api = migration_cluster();
        migration_workloads(&api);
        for (method, path) in *faults {
            api.fault(
                method,
                path,
                1,
                Fault::Status {
                    code: 500,
                    reason: "InternalError",
                    message: "injected".to_owned(),
                },
            );
            let stopped = run(&api, RESIZE);
            assert_eq!(
                stopped.code, 2,
                "{faults:?}: {}\n--- stderr:\n{}",
                stopped.stdout, stopped.stderr
            );
        }
        let again = run(&api, RESIZE);
        assert_eq!(
            again.code, 0,
            "{faults:?}: {}{}",
            again.stdout, again.stderr
        );
        let pool = api
            .get(CRD_V1, "ippools", "", "default-ipv4-ippool")
            .unwrap();
        assert_eq!(pool["spec"]["blockSize"], 27, "{faults:?}");
        let pods = pods_in(&api);
        assert_eq!(pods.len(), 3, "{faults:?}: {pods:?}");
        assert!(
            pods.iter().all(|(_, ip)| ip.starts_with("192.168.")),
            "{faults:?}: {pods:?}"
        );
        assert!(
            api.get(CRD_V1, "ippools", "", "default-ipv4-ippool-temp")
                .is_none()
        );
    }
}

#[test]
fn an_operator_managed_pool_is_migrated_through_the_installation_never_by_patching_the_pool() {
    let api = migration_cluster();
    migration_workloads(&api);
    let mut managed = pool(
        "default-ipv4-ippool",
        "192.168.0.0/16",
        json!({"blockSize": 26, "natOutgoing": true}),
    );
    managed["metadata"]["labels"] = json!({"app.kubernetes.io/managed-by": "tigera-operator"});
    api.insert(managed);
    api.insert(json!({
        "apiVersion": "operator.tigera.io/v1", "kind": "Installation",
        "metadata": {"name": "default"},
        "spec": {"variant": "Calico", "calicoNetwork": {"bgp": "Enabled", "ipPools": [
            {"name": "default-ipv4-ippool", "cidr": "192.168.0.0/16", "blockSize": 26,
             "encapsulation": "None", "natOutgoing": "Enabled", "nodeSelector": "all()"},
        ]}},
    }));
    api.clear_log();
    let out = run(&api, MIGRATE);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_holds(
        &out.stdout,
        &[
            "installation.operator.tigera.io/default patched (ipPools + new-pool)",
            "installation.operator.tigera.io/default patched (ipPools[name=default-ipv4-ippool].disableNewAllocations: true)",
            "installation.operator.tigera.io/default patched (ipPools - default-ipv4-ippool)",
            "ippool.crd.projectcalico.org/default-ipv4-ippool deleted by the operator",
        ],
    );
    let pool_writes: Vec<String> = api
        .writes()
        .iter()
        .filter(|w| w.path.contains("/ippools"))
        .map(|w| format!("{} {}", w.method, w.path))
        .collect();
    assert!(pool_writes.is_empty(), "{pool_writes:?}");
    let installation = api
        .get("operator.tigera.io/v1", "installations", "", "default")
        .unwrap();
    let entries = &installation["spec"]["calicoNetwork"]["ipPools"];
    assert_eq!(entries.as_array().unwrap().len(), 1, "{entries:#}");
    assert_eq!(entries[0]["name"], "new-pool");
    assert_eq!(entries[0]["cidr"], "10.250.0.0/16");
    assert_eq!(
        entries[0]["encapsulation"], "None",
        "the old entry's settings"
    );
    assert_eq!(installation["spec"]["calicoNetwork"]["bgp"], "Enabled");
    let pods = pods_in(&api);
    assert!(
        pods.iter().all(|(_, ip)| ip.starts_with("10.250.")),
        "{pods:?}"
    );
    assert!(
        api.get(CRD_V1, "ippools", "", "default-ipv4-ippool")
            .is_none()
    );
}

#[test]
fn a_migration_can_run_one_namespace_at_a_time() {
    let api = migration_cluster();
    migration_workloads(&api);
    api.insert(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "blog"}}));
    api.insert(json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "api", "namespace": "blog"},
        "spec": {"replicas": 1, "template": {"metadata": {"labels": {"app": "api"}}, "spec": {}}},
    }));
    let mut api_pod = pod("blog", "api-1a2b-x", "192.168.0.9", "node-1");
    api_pod["metadata"]["ownerReferences"] =
        json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "api-1a2b"}]);
    api.insert(api_pod);
    let shop: Vec<&str> = MIGRATE.iter().copied().chain(["-n", "shop"]).collect();
    let out = run(&api, &shop);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_holds(
        &out.stdout,
        &["namespace shop done; 1 pod in blog still has addresses in default-ipv4-ippool"],
    );
    assert!(!out.stdout.contains("Deployment/api"), "{}", out.stdout);
    let old = api
        .get(CRD_V1, "ippools", "", "default-ipv4-ippool")
        .expect("kept until the last wave");
    assert_eq!(old["spec"]["disabled"], true);
    let blog: Vec<&str> = MIGRATE.iter().copied().chain(["-n", "blog"]).collect();
    let out = run(&api, &blog);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_holds(
        &out.stdout,
        &[
            "Deployment/api in blog: 1 pod moved (1/1)",
            "migration to new-pool complete",
        ],
    );
    assert!(
        api.get(CRD_V1, "ippools", "", "default-ipv4-ippool")
            .is_none()
    );
    assert!(
        pods_in(&api)
            .iter()
            .all(|(_, ip)| ip.starts_with("10.250."))
    );
}

#[test]
fn a_dry_run_migration_changes_nothing() {
    let api = migration_cluster();
    migration_workloads(&api);
    let before = api.snapshot();
    let client: Vec<&str> = MIGRATE.iter().copied().chain(["--dry-run"]).collect();
    let out = run(&api, &client);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_holds(
        &out.stdout,
        &[
            "ippool.crd.projectcalico.org/new-pool created (dry run)",
            "namespace/shop annotated (cni.projectcalico.org/ipv4pools=[\"new-pool\"]) (dry run)",
            "ippool.crd.projectcalico.org/default-ipv4-ippool patched (disabled) (dry run)",
            "Deployment/web in shop: 2 pods restarted (dry run)",
            "Pod/debug in shop: 1 pod deleted (dry run)",
            "StatefulSet/db in shop: 1 pod restarted (dry run)",
            "ippool.crd.projectcalico.org/default-ipv4-ippool deleted (dry run)",
            "dry run: nothing was changed; no pod was recreated, so no step was verified",
        ],
    );
    assert!(api.writes().is_empty());
    let server: Vec<&str> = MIGRATE
        .iter()
        .copied()
        .chain(["--dry-run=server"])
        .collect();
    let out = run(&api, &server);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let writes = api.writes();
    assert!(
        writes.iter().all(|w| w.query.contains("dryRun=All")),
        "{writes:?}"
    );
    // Every step's writes are sent, as dry runs: the pool, the namespace, the old pool
    // disabled, two restarts, a pod deleted, the old pool deleted.
    let sent: Vec<(String, String)> = writes
        .iter()
        .map(|w| (w.method.clone(), w.path.clone()))
        .collect();
    for (method, path) in [
        ("POST", "/apis/crd.projectcalico.org/v1/ippools"),
        ("PATCH", "/api/v1/namespaces/shop"),
        (
            "PATCH",
            "/apis/crd.projectcalico.org/v1/ippools/default-ipv4-ippool",
        ),
        ("PATCH", "/apis/apps/v1/namespaces/shop/deployments/web"),
        ("PATCH", "/apis/apps/v1/namespaces/shop/statefulsets/db"),
        ("DELETE", "/api/v1/namespaces/shop/pods/debug"),
        (
            "DELETE",
            "/apis/crd.projectcalico.org/v1/ippools/default-ipv4-ippool",
        ),
    ] {
        assert!(
            sent.contains(&(method.to_owned(), path.to_owned())),
            "{method} {path} not in {sent:#?}"
        );
    }
    assert_eq!(api.snapshot(), before);
}

#[test]
fn abort_enables_the_old_pool_again_and_restores_the_rewritten_annotations() {
    use support::fake_api::Fault;
    let api = migration_cluster();
    migration_workloads(&api);
    api.fault(
        "PATCH",
        "/deployments/web",
        1,
        Fault::Status {
            code: 500,
            reason: "InternalError",
            message: "injected".to_owned(),
        },
    );
    let stopped = run(&api, MIGRATE);
    assert_eq!(stopped.code, 2, "{}{}", stopped.stdout, stopped.stderr);
    let record = api.get(
        "v1",
        "configmaps",
        "kube-system",
        "ippool-migration-default-ipv4-ippool",
    );
    assert!(
        record.is_some(),
        "the rewrite is recorded before it is made"
    );
    let out = run(
        &api,
        &[
            "migrate",
            "--from",
            "default-ipv4-ippool",
            "--to",
            "new-pool",
            "--abort",
        ],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_holds(
        &out.stdout,
        &[
            "ippool.crd.projectcalico.org/default-ipv4-ippool patched (enabled)",
            "namespace/shop annotated (cni.projectcalico.org/ipv4pools=[\"default-ipv4-ippool\"])",
            "IPPool new-pool stays",
        ],
    );
    let old = api
        .get(CRD_V1, "ippools", "", "default-ipv4-ippool")
        .unwrap();
    assert_eq!(old["spec"]["disabled"], false);
    let namespace = api.get("v1", "namespaces", "", "shop").unwrap();
    assert_eq!(
        namespace["metadata"]["annotations"]["cni.projectcalico.org/ipv4pools"],
        "[\"default-ipv4-ippool\"]"
    );
    assert_eq!(namespace["metadata"]["annotations"]["team"], "a");
    assert!(
        api.get(
            "v1",
            "configmaps",
            "kube-system",
            "ippool-migration-default-ipv4-ippool"
        )
        .is_none()
    );
    // A completed migration cannot be rolled back.
    let done = run(&api, MIGRATE);
    assert_eq!(done.code, 0, "{}{}", done.stdout, done.stderr);
    assert!(
        api.get(
            "v1",
            "configmaps",
            "kube-system",
            "ippool-migration-default-ipv4-ippool"
        )
        .is_none()
    );
    let late = run(
        &api,
        &[
            "migrate",
            "--from",
            "default-ipv4-ippool",
            "--to",
            "new-pool",
            "--abort",
        ],
    );
    assert_eq!(late.code, 2);
    assert!(
        late.stderr
            .contains("cannot roll back: IPPool default-ipv4-ippool was deleted"),
        "{}",
        late.stderr
    );
}

/// CONTRACT §1: a destructive step asks first; without a terminal it needs --yes, and then
/// nothing is written at all.
#[test]
fn migrate_execute_without_yes_and_without_a_terminal_writes_nothing() {
    let api = migration_cluster();
    migration_workloads(&api);
    api.clear_log();
    let no_yes: Vec<&str> = MIGRATE.iter().copied().filter(|a| *a != "--yes").collect();
    let out = run(&api, &no_yes);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("pass --yes to go ahead"),
        "{}",
        out.stderr
    );
    assert!(api.writes().is_empty(), "{:?}", api.writes());
}

/// CONTRACT §1: every command that writes takes --dry-run.
#[test]
fn a_dry_run_resize_changes_nothing() {
    let api = migration_cluster();
    migration_workloads(&api);
    let before = api.snapshot();
    for mode in ["--dry-run", "--dry-run=server"] {
        let args: Vec<&str> = RESIZE.iter().copied().chain([mode]).collect();
        let out = run(&api, &args);
        assert_eq!(out.code, 0, "{mode}: {}{}", out.stdout, out.stderr);
        assert_holds(
            &out.stdout,
            &[
                "ippool.crd.projectcalico.org/default-ipv4-ippool-temp created",
                "ippool.crd.projectcalico.org/default-ipv4-ippool deleted",
                "then, not sent in a dry run: IPPool default-ipv4-ippool created again with blockSize 27 (192.168.0.0/16), the pods moved back, IPPool default-ipv4-ippool-temp deleted",
            ],
        );
    }
    assert!(api.writes().iter().all(|w| w.query.contains("dryRun=All")));
    assert_eq!(api.snapshot(), before);
}

/// A managed default pool and the Installation entry it is made of.
fn operator_managed(api: &FakeApi) {
    let mut managed = pool(
        "default-ipv4-ippool",
        "192.168.0.0/16",
        json!({"blockSize": 26, "natOutgoing": true}),
    );
    managed["metadata"]["labels"] = json!({"app.kubernetes.io/managed-by": "tigera-operator"});
    api.insert(managed);
    api.insert(json!({
        "apiVersion": "operator.tigera.io/v1", "kind": "Installation",
        "metadata": {"name": "default"},
        "spec": {"variant": "Calico", "calicoNetwork": {"bgp": "Enabled", "ipPools": [
            {"name": "default-ipv4-ippool", "cidr": "192.168.0.0/16", "blockSize": 26,
             "encapsulation": "None", "natOutgoing": "Enabled", "nodeSelector": "all()"},
        ]}},
    }));
}

#[test]
fn an_operator_managed_pool_is_resized_through_the_installation_never_by_writing_a_pool() {
    let api = migration_cluster();
    migration_workloads(&api);
    operator_managed(&api);
    api.clear_log();
    let out = run(&api, RESIZE);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_holds(
        &out.stdout,
        &[
            "installation.operator.tigera.io/default patched (ipPools + default-ipv4-ippool-temp)",
            "installation.operator.tigera.io/default patched (ipPools[name=default-ipv4-ippool].disableNewAllocations: true)",
            "installation.operator.tigera.io/default patched (ipPools - default-ipv4-ippool)",
            "installation.operator.tigera.io/default patched (ipPools + default-ipv4-ippool)",
            "installation.operator.tigera.io/default patched (ipPools[name=default-ipv4-ippool-temp].disableNewAllocations: true)",
            "installation.operator.tigera.io/default patched (ipPools - default-ipv4-ippool-temp)",
            "IPPool default-ipv4-ippool has blockSize 27",
        ],
    );
    let pool_writes: Vec<String> = api
        .writes()
        .iter()
        .filter(|w| w.path.contains("/ippools"))
        .map(|w| format!("{} {}", w.method, w.path))
        .collect();
    assert!(pool_writes.is_empty(), "{pool_writes:?}");
    let installation = api
        .get("operator.tigera.io/v1", "installations", "", "default")
        .unwrap();
    let entries = installation["spec"]["calicoNetwork"]["ipPools"]
        .as_array()
        .unwrap();
    assert_eq!(entries.len(), 1, "{entries:#?}");
    assert_eq!(entries[0]["name"], "default-ipv4-ippool");
    assert_eq!(entries[0]["cidr"], "192.168.0.0/16");
    assert_eq!(entries[0]["blockSize"], 27);
    assert_eq!(entries[0]["encapsulation"], "None", "the entry's settings");
    assert!(entries[0].get("disableNewAllocations").is_none());
    let pool = api
        .get(CRD_V1, "ippools", "", "default-ipv4-ippool")
        .unwrap();
    assert_eq!(pool["spec"]["blockSize"], 27);
    let pods = pods_in(&api);
    assert_eq!(pods.len(), 3, "{pods:?}");
    assert!(
        pods.iter().all(|(_, ip)| ip.starts_with("192.168.")),
        "{pods:?}"
    );
    assert!(
        api.get(
            "v1",
            "configmaps",
            "kube-system",
            "ippool-resize-default-ipv4-ippool"
        )
        .is_none(),
        "the record is deleted at the end"
    );
}

#[test]
fn resize_abort_rolls_back_as_far_as_the_phase_allows() {
    use support::fake_api::Fault;
    let injected = || Fault::Status {
        code: 500,
        reason: "InternalError",
        message: "injected".to_owned(),
    };
    let abort: Vec<&str> = RESIZE
        .iter()
        .copied()
        .filter(|a| !matches!(*a, "--execute" | "--wait" | "10s"))
        .chain(["--abort"])
        .collect();

    // Phase 1: the pool disabled, the namespace annotation rewritten, no pod moved yet.
    let api = migration_cluster();
    migration_workloads(&api);
    api.fault("PATCH", "/deployments/web", 1, injected());
    assert_eq!(run(&api, RESIZE).code, 2);
    let pool = api
        .get(CRD_V1, "ippools", "", "default-ipv4-ippool")
        .unwrap();
    assert_eq!(pool["spec"]["disabled"], true);
    let out = run(&api, &abort);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_holds(
        &out.stdout,
        &[
            "ippool.crd.projectcalico.org/default-ipv4-ippool patched (enabled)",
            "namespace/shop annotated (cni.projectcalico.org/ipv4pools=[\"default-ipv4-ippool\"])",
            "move them back with `kubectl ippool migrate --from default-ipv4-ippool-temp --to default-ipv4-ippool --execute`",
        ],
    );
    let pool = api
        .get(CRD_V1, "ippools", "", "default-ipv4-ippool")
        .unwrap();
    assert_eq!(pool["spec"]["disabled"], false);
    let shop = api.get("v1", "namespaces", "", "shop").unwrap();
    assert_eq!(
        shop["metadata"]["annotations"]["cni.projectcalico.org/ipv4pools"],
        "[\"default-ipv4-ippool\"]"
    );
    assert_eq!(shop["metadata"]["annotations"]["team"], "a");
    assert!(
        api.get(
            "v1",
            "configmaps",
            "kube-system",
            "ippool-resize-default-ipv4-ippool"
        )
        .is_none()
    );

    // Phase 2: the pool deleted, stopped before it is created again.
    let api = migration_cluster();
    migration_workloads(&api);
    api.fault("DELETE", "/ippools/default-ipv4-ippool", 1, injected());
    assert_eq!(run(&api, RESIZE).code, 2);
    api.fault("POST", "/ippools", 1, injected());
    assert_eq!(run(&api, RESIZE).code, 2);
    assert!(
        api.get(CRD_V1, "ippools", "", "default-ipv4-ippool")
            .is_none()
    );
    let out = run(&api, &abort);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_holds(
        &out.stdout,
        &[
            "ippool.crd.projectcalico.org/default-ipv4-ippool created again with its old blockSize 26",
        ],
    );
    let pool = api
        .get(CRD_V1, "ippools", "", "default-ipv4-ippool")
        .unwrap();
    assert_eq!(pool["spec"]["blockSize"], 26);
    assert_eq!(pool["spec"]["cidr"], "192.168.0.0/16");
    assert_eq!(pool["spec"]["natOutgoing"], true, "the pool's settings");

    // Phase 3: the pool resized, the temporary pool disabled: the size stays.
    let api = migration_cluster();
    migration_workloads(&api);
    api.fault("DELETE", "/ippools/default-ipv4-ippool-temp", 1, injected());
    assert_eq!(run(&api, RESIZE).code, 2);
    let out = run(&api, &abort);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_holds(
        &out.stdout,
        &[
            "ippool.crd.projectcalico.org/default-ipv4-ippool-temp patched (enabled)",
            "IPPool default-ipv4-ippool has blockSize 27 already: changing it back is another resize",
        ],
    );
}

#[test]
fn a_label_selector_limits_a_run_to_the_pods_it_picks() {
    let api = migration_cluster();
    migration_workloads(&api);
    let mut db = pod("shop", "db-0", "192.168.0.7", "node-1");
    db["metadata"]["ownerReferences"] =
        json!([{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "db"}]);
    db["metadata"]["labels"] = json!({"app": "db"});
    api.insert(db);
    let only_db: Vec<&str> = MIGRATE.iter().copied().chain(["-l", "app=db"]).collect();
    let out = run(&api, &only_db);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_holds(
        &out.stdout,
        &[
            "StatefulSet/db in shop: 1 pod moved (1/1)",
            "the pods matching app=db done; 3 pods in shop still have addresses in default-ipv4-ippool",
        ],
    );
    assert!(!out.stdout.contains("Deployment/web"), "{}", out.stdout);
    assert!(
        api.get(CRD_V1, "ippools", "", "default-ipv4-ippool")
            .is_some()
    );
    let selected = api
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/v1/pods" && r.query.contains("labelSelector"))
        .expect("the selector is sent to the API server");
    assert!(
        selected.query.contains("labelSelector=app%3Ddb"),
        "{}",
        selected.query
    );

    // A selector the API server cannot parse is its 400, before any pod is touched.
    let bad: Vec<&str> = MIGRATE
        .iter()
        .copied()
        .chain(["-l", "app in web"])
        .collect();
    let out = run(&api, &bad);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert_holds(&out.stderr, &["400", "unable to parse requirement"]);

    let out = run(&api, MIGRATE);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_holds(&out.stdout, &["migration to new-pool complete"]);
}

#[test]
fn ctrl_c_stops_a_run_between_api_calls_and_the_same_command_resumes_it() {
    use std::process::{Command as Process, Stdio};
    use std::time::{Duration, Instant};
    let api = migration_cluster();
    migration_workloads(&api);
    // Nothing replaces the pods: the run waits on the first owner it restarted.
    api.simulate(false);
    let mut child = Process::new(env!("CARGO_BIN_EXE_kubectl-ippool"))
        .args(MIGRATE)
        .args(["--wait", "60s"])
        .env("KUBECONFIG", api.kubeconfig())
        .env("HOME", api.dir())
        .env("NO_COLOR", "1")
        .env_remove("KUBERNETES_SERVICE_HOST")
        .current_dir(api.dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !api
        .writes()
        .iter()
        .any(|w| w.path.contains("/deployments/web"))
    {
        assert!(Instant::now() < deadline, "the run never restarted web");
        std::thread::sleep(Duration::from_millis(50));
    }
    let signalled = Process::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(signalled.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the run did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert_holds(
        &stderr,
        &[
            "interrupted (Ctrl-C) before the pods of Deployment/web in shop moved",
            "run the same command again to resume",
        ],
    );
    let writes_at_stop = api.writes().len();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        api.writes().len(),
        writes_at_stop,
        "nothing is written after the stop"
    );

    api.simulate(true);
    // The restart was sent, but nothing replaced the pods: the simulator does it on the next
    // template change, which the resumed run makes.
    let out = run(&api, MIGRATE);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_holds(&out.stdout, &["migration to new-pool complete"]);
    assert!(
        pods_in(&api)
            .iter()
            .all(|(_, ip)| ip.starts_with("10.250.")),
        "{:?}",
        pods_in(&api)
    );
}

#[test]
fn an_interrupted_operator_managed_resize_resumes_to_the_same_end() {
    use support::fake_api::Fault;
    let end_state = |api: &FakeApi| {
        let installation = api
            .get("operator.tigera.io/v1", "installations", "", "default")
            .unwrap();
        let pools: Vec<(String, Value)> = ["default-ipv4-ippool", "default-ipv4-ippool-temp"]
            .iter()
            .filter_map(|name| api.get(CRD_V1, "ippools", "", name))
            .map(|p| {
                (
                    p["metadata"]["name"].as_str().unwrap().to_owned(),
                    p["spec"].clone(),
                )
            })
            .collect();
        // Pod names change with each replacement; where their addresses are does not.
        let mut prefixes: Vec<String> = pods_in(api)
            .into_iter()
            .map(|(_, ip)| ip[..8].to_owned())
            .collect();
        prefixes.sort();
        (installation["spec"].clone(), pools, prefixes)
    };
    let uninterrupted = {
        let api = migration_cluster();
        migration_workloads(&api);
        operator_managed(&api);
        assert_eq!(run(&api, RESIZE).code, 0);
        end_state(&api)
    };
    // Six Installation edits (temporary entry in, old entry disabled and out, the pool back,
    // temporary entry disabled and out), and the record: stop at each in turn.
    let mut cases: Vec<(&str, &str, usize)> = (1..=6)
        .map(|nth| ("PATCH", "/installations/default", nth))
        .collect();
    cases.push(("POST", "/namespaces/kube-system/configmaps", 1));
    for (method, path, nth) in cases {
        let api = migration_cluster();
        migration_workloads(&api);
        operator_managed(&api);
        api.fault_nth(
            method,
            path,
            nth,
            Fault::Status {
                code: 500,
                reason: "InternalError",
                message: "injected".to_owned(),
            },
        );
        let stopped = run(&api, RESIZE);
        assert_eq!(
            stopped.code, 2,
            "{method} {path} #{nth}: {}{}",
            stopped.stdout, stopped.stderr
        );
        let again = run(&api, RESIZE);
        assert_eq!(
            again.code, 0,
            "{method} {path} #{nth}: {}{}",
            again.stdout, again.stderr
        );
        assert_eq!(end_state(&api), uninterrupted, "{method} {path} #{nth}");
        assert!(
            api.writes().iter().all(|w| !w.path.contains("/ippools")),
            "{method} {path} #{nth}: an IPPool was written"
        );
    }
}

#[test]
fn the_seeds_block_size_change_runs_end_to_end() {
    let api = FakeApi::start();
    support::seed(&api);
    api.simulate(true);
    let untouched = |api: &FakeApi| {
        let pools: Vec<Value> = [
            "extra-ippool",
            "old-pool",
            "tunnel-pool",
            "default-ipv6-ippool",
        ]
        .iter()
        .map(|name| api.get(CRD_V1, "ippools", "", name).unwrap()["spec"].clone())
        .collect();
        let namespace = api.get("v1", "namespaces", "", "test-ns").unwrap();
        (pools, namespace["metadata"]["annotations"].clone())
    };
    let before = untouched(&api);
    let out = run(
        &api,
        &[
            "resize",
            "default-ipv4-ippool",
            "--block-size",
            "27",
            "--temp-cidr",
            "10.0.0.0/16",
            "--delete-bare-pods",
            "--execute",
            "--yes",
            "--wait",
            "10s",
        ],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let pool = api
        .get(CRD_V1, "ippools", "", "default-ipv4-ippool")
        .unwrap();
    assert_eq!(pool["spec"]["blockSize"], 27);
    assert_eq!(pool["spec"]["natOutgoing"], true);
    assert!(
        api.get(CRD_V1, "ippools", "", "default-ipv4-ippool-temp")
            .is_none()
    );
    assert!(
        pods_in(&api).iter().all(|(_, ip)| !ip.starts_with("10.0.")),
        "{:?}",
        pods_in(&api)
    );
    assert_eq!(untouched(&api), before);
}

#[test]
fn a_cni_config_naming_the_old_pool_is_rewritten_calico_node_restarted_and_abort_restores_it() {
    use support::fake_api::Fault;
    let config = CNI_CONFIG.replace("old-pool", "default-ipv4-ippool");
    let cluster = || {
        let api = migration_cluster();
        migration_workloads(&api);
        api.insert(json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "calico-config", "namespace": "kube-system"},
            "data": {"cni_network_config": config, "typha_service_name": "none"},
        }));
        api.insert(json!({
            "apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": "calico-node", "namespace": "kube-system"},
            "spec": {"template": {"metadata": {"labels": {"k8s-app": "calico-node"}}, "spec": {}}},
        }));
        api
    };
    // Without --rewrite-annotations the CNI config stops the run before any write.
    let api = cluster();
    let plain: Vec<&str> = MIGRATE
        .iter()
        .copied()
        .filter(|a| *a != "--rewrite-annotations")
        .collect();
    let out = run(&api, &plain);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert_holds(
        &out.stdout,
        &["ConfigMap/kube-system/calico-config (CNI config)"],
    );
    assert!(api.writes().is_empty(), "{:?}", api.writes());

    let out = run(&api, MIGRATE);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_holds(
        &out.stdout,
        &[
            "configmap/calico-config patched (data.cni_network_config ipam pool lists)",
            "daemonset.apps/calico-node restarted",
            "migration to new-pool complete",
        ],
    );
    let rewritten = api
        .get("v1", "configmaps", "kube-system", "calico-config")
        .unwrap();
    // Only the list changed: the placeholders and the other plugins are as they were.
    assert_eq!(
        rewritten["data"]["cni_network_config"],
        CNI_CONFIG.replace("[\"old-pool\"]", "[\"new-pool\"]")
    );
    assert_eq!(rewritten["data"]["typha_service_name"], "none");
    let node = api
        .get("apps/v1", "daemonsets", "kube-system", "calico-node")
        .unwrap();
    assert!(
        node["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"]
            .is_string()
    );

    // Stopped before the old pool is disabled, then aborted: the config names it again.
    let api = cluster();
    api.fault(
        "PATCH",
        "/ippools/default-ipv4-ippool",
        1,
        Fault::Status {
            code: 500,
            reason: "InternalError",
            message: "injected".to_owned(),
        },
    );
    assert_eq!(run(&api, MIGRATE).code, 2);
    let abort: Vec<&str> = MIGRATE
        .iter()
        .copied()
        .filter(|a| *a != "--execute")
        .chain(["--abort"])
        .collect();
    let out = run(&api, &abort);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let restored = api
        .get("v1", "configmaps", "kube-system", "calico-config")
        .unwrap();
    assert_eq!(restored["data"]["cni_network_config"], config);
}

#[test]
fn a_restart_is_waited_on_until_its_rollout_completes() {
    let api = migration_cluster();
    migration_workloads(&api);
    // Five replicas wanted, two pods: the rollout never completes.
    api.insert(json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"replicas": 5, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {}}},
    }));
    let args: Vec<&str> = MIGRATE.iter().copied().chain(["--wait", "1s"]).collect();
    let out = run(&api, &args);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert_holds(
        &out.stderr,
        &[
            "stopped: the rollout of Deployment/web in shop did not complete within --wait (2 of 5 updated, 2 available); see `kubectl rollout status -n shop deployment.apps/web`",
        ],
    );
    assert!(
        api.get(CRD_V1, "ippools", "", "default-ipv4-ippool")
            .is_some()
    );
}

#[test]
fn max_blocks_per_host_is_warned_about_and_the_simulator_holds_to_it() {
    let api = migration_cluster();
    migration_workloads(&api);
    // node-1 holds its /26 of the old pool, and may hold no other block.
    api.insert(json!({
        "apiVersion": CRD_V1, "kind": "IPAMConfig",
        "metadata": {"name": "default"}, "spec": {"maxBlocksPerHost": 1},
    }));
    let mut args: Vec<&str> = MIGRATE.to_vec();
    args.extend(["--block-size", "30", "--wait", "1s"]);
    let plan: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| !matches!(*a, "--execute" | "--yes" | "--wait" | "1s"))
        .collect();
    let out = run(&api, &plan);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_holds(
        &out.stdout,
        &[
            "! maxBlocksPerHost 1 (IPAMConfig maxBlocksPerHost) is too few on node-1 (4 pods need 1 of /30, beside the 1 it holds)",
            "(IPP104 block-limit-per-node)",
        ],
    );
    let out = run(&api, &args);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    // No block of the new pool for node-1: the restarted pods wait without an address.
    assert_holds(
        &out.stderr,
        &["did not complete within --wait (0 of 2 updated, 0 available)"],
    );
    let pending = pods_in(&api)
        .into_iter()
        .filter(|(_, ip)| ip.is_empty())
        .count();
    assert_eq!(pending, 2, "{:?}", pods_in(&api));
}

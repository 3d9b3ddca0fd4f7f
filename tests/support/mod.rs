//! Shared by the live tests: the fake API server and a small cluster to seed it with.
#![allow(dead_code)]

#[cfg(test)]
pub mod binary;
pub mod fake_api;

use serde_json::{Value, json};

pub const CRD: &str = "crd.projectcalico.org/v1";

pub fn pool(name: &str, cidr: &str, spec: Value) -> Value {
    let mut object = json!({
        "apiVersion": CRD,
        "kind": "IPPool",
        "metadata": {"name": name},
        "spec": {"cidr": cidr},
    });
    fake_api::merge_patch(&mut object, &json!({ "spec": spec }));
    object
}

pub fn pod(namespace: &str, name: &str, ip: &str, node: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"nodeName": node, "containers": [{"name": "app", "image": "nginx"}]},
        "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}]},
    })
}

pub fn node(name: &str, labels: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels}})
}

/// IPAMBlock `cidr` affine to `node`, with `used` of its addresses allocated.
pub fn block(cidr: &str, node: &str, used: usize) -> Value {
    let net: ipnet::IpNet = cidr.parse().expect("a block CIDR");
    let size = 1usize << (net.max_prefix_len() - net.prefix_len());
    let allocations: Vec<Value> = (0..size)
        .map(|i| if i < used { json!(0) } else { Value::Null })
        .collect();
    let unallocated: Vec<usize> = (used..size).collect();
    json!({
        "apiVersion": CRD, "kind": "IPAMBlock",
        "metadata": {"name": cidr.replace(['.', ':', '/'], "-")},
        "spec": {
            "cidr": cidr, "affinity": format!("host:{node}"), "allocations": allocations,
            "unallocated": unallocated,
            "attributes": [{"handle_id": "k8s-pod-network.x", "secondary": {"node": node}}],
            "strictAffinity": false,
        },
    })
}

/// A small cluster: five pools (one disabled, one for tunnels only, one IPv6, one the operator
/// manages), two nodes, namespace `test-ns` with pods in the default pool, and a Deployment.
pub fn seed(api: &fake_api::FakeApi) {
    api.insert(pool(
        "default-ipv4-ippool",
        "192.168.0.0/16",
        json!({"blockSize": 26, "natOutgoing": true}),
    ));
    api.insert(pool(
        "extra-ippool",
        "10.245.0.0/16",
        json!({"blockSize": 26}),
    ));
    api.insert(pool("old-pool", "10.246.0.0/16", json!({"disabled": true})));
    api.insert(pool(
        "tunnel-pool",
        "10.247.0.0/16",
        json!({"allowedUses": ["Tunnel"]}),
    ));
    api.insert(pool("default-ipv6-ippool", "fd00:10::/64", json!({})));
    api.insert(node(
        "node-1",
        json!({"kubernetes.io/hostname": "node-1", "zone": "a"}),
    ));
    api.insert(node(
        "node-2",
        json!({"kubernetes.io/hostname": "node-2", "zone": "b"}),
    ));
    api.insert(json!({
        "apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": "test-ns", "labels": {"team": "a"},
                     "annotations": {"example.com/owner": "team-a", "scheduler.alpha.kubernetes.io/node-selector": "zone=a"}},
    }));
    api.insert(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}}));
    for (i, ip) in ["192.168.0.5", "192.168.0.6", "10.245.0.7"]
        .iter()
        .enumerate()
    {
        api.insert(pod("test-ns", &format!("app-{i}"), ip, "node-1"));
    }
    // Each address allocated to its pod, as Calico records it.
    api.insert(allocated_block(
        "192.168.0.0/26",
        "node-1",
        &[(5, "test-ns", "app-0"), (6, "test-ns", "app-1")],
    ));
    api.insert(allocated_block(
        "10.245.0.0/26",
        "node-1",
        &[(7, "test-ns", "app-2")],
    ));
    api.insert(json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "test-ns"},
        "spec": {"replicas": 3, "template": {
            "metadata": {"labels": {"app": "web"}, "annotations": {"prometheus.io/scrape": "true"}},
            "spec": {"containers": [{"name": "web", "image": "nginx"}]}}},
    }));
}

/// IPAMBlock `cidr` affine to `node` whose ordinals listed in `owners` are allocated to those
/// pods (namespace, name), as Calico records them.
pub fn allocated_block(cidr: &str, node: &str, owners: &[(usize, &str, &str)]) -> Value {
    let mut object = block(cidr, node, 0);
    let spec = &mut object["spec"];
    let size = spec["allocations"].as_array().map_or(0, Vec::len);
    let mut allocations = vec![Value::Null; size];
    let mut attributes = Vec::new();
    for (index, (ordinal, namespace, name)) in owners.iter().enumerate() {
        allocations[*ordinal] = json!(index);
        attributes.push(json!({
            "handle_id": format!("k8s-pod-network.{name}"),
            "secondary": {"namespace": namespace, "pod": name, "node": node},
        }));
    }
    let unallocated: Vec<usize> = (0..size).filter(|o| allocations[*o].is_null()).collect();
    spec["allocations"] = Value::Array(allocations);
    spec["unallocated"] = json!(unallocated);
    spec["attributes"] = Value::Array(attributes);
    object
}

/// A healthy cluster of any size: one pool 10.0.0.0/8 of /26 blocks, `nodes` nodes, `blocks`
/// blocks spread over them, and `pods` running pods spread over the blocks, each address
/// allocated to its pod. `lint --cluster` finds nothing in it.
pub fn seed_large(api: &fake_api::FakeApi, nodes: usize, blocks: usize, pods: usize) {
    api.insert(pool(
        "default-ipv4-ippool",
        "10.0.0.0/8",
        json!({"blockSize": 26}),
    ));
    api.insert(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "apps"}}));
    for n in 0..nodes {
        api.insert(node(&format!("node-{n}"), json!({"zone": "a"})));
    }
    let per_block = pods.div_ceil(blocks.max(1)).min(64);
    let mut placed = 0;
    for b in 0..blocks {
        let node_name = format!("node-{}", b % nodes.max(1));
        let base = b * 64;
        let octets = |offset: usize| {
            let address = base + offset;
            format!(
                "10.{}.{}.{}",
                (address >> 16) & 255,
                (address >> 8) & 255,
                address & 255
            )
        };
        let names: Vec<String> = (0..per_block.min(pods - placed))
            .map(|p| format!("pod-{b}-{p}"))
            .collect();
        let owners: Vec<(usize, &str, &str)> = names
            .iter()
            .enumerate()
            .map(|(ordinal, name)| (ordinal, "apps", name.as_str()))
            .collect();
        api.insert(allocated_block(
            &format!("{}/26", octets(0)),
            &node_name,
            &owners,
        ));
        for (ordinal, name) in names.iter().enumerate() {
            api.insert(pod("apps", name, &octets(ordinal), &node_name));
        }
        placed += names.len();
    }
}

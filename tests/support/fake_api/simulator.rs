//! A small cluster simulator for the fake API server: what kube-controller-manager, the kubelet
//! and Calico's CNI plugin would do after a write, enough to carry out a pool migration end to
//! end. A workload whose pod template changes gets its pods replaced (a StatefulSet keeps their
//! names); a deleted pod's address is released; every new pod gets an IPv4 address the way
//! Calico would pick it (calico-reference §5, §6.1, simplified): the pod template's
//! `ipv4pools` annotation, else the namespace's, else the enabled Workload pools with
//! `assignmentMode` Automatic whose nodeSelector is empty, `all()` or `key == 'value'` matching
//! the node, in name order; from a block affine to the node, or a new block. A pod no pool
//! serves stays Pending without an address, as it would in ContainerCreating. Deleting a pool
//! deletes its empty blocks.

use serde_json::{Value, json};

use super::State;

const CRD: &str = "crd.projectcalico.org/v1";

fn object<'s>(state: &'s State, plural: &str, namespace: &str, name: &str) -> Option<&'s Value> {
    let version = if matches!(plural, "pods" | "namespaces" | "nodes") {
        "v1".to_owned()
    } else if matches!(plural, "ippools" | "ipamblocks") {
        CRD.to_owned()
    } else {
        "apps/v1".to_owned()
    };
    state.objects.get(&(
        version,
        plural.to_owned(),
        namespace.to_owned(),
        name.to_owned(),
    ))
}

fn of_type<'s>(state: &'s State, version: &str, plural: &str) -> Vec<&'s Value> {
    state
        .objects
        .iter()
        .filter(|((v, p, _, _), _)| v == version && p == plural)
        .map(|(_, object)| object)
        .collect()
}

/// After a write the server stored: the workload's pods replaced, or the pod's address freed.
pub(super) fn after_write(
    state: &mut State,
    plural: &str,
    namespace: &str,
    name: &str,
    before: Option<&Value>,
) {
    match plural {
        "deployments" | "statefulsets" | "daemonsets" => {
            let Some(after) = object(state, plural, namespace, name).cloned() else {
                return;
            };
            if before.is_some_and(|b| b["spec"]["template"] != after["spec"]["template"]) {
                let running = replace_pods(state, &after, namespace, name);
                rolled_out(state, plural, namespace, name, running);
            }
        }
        "pods" => {
            if let Some(pod) = before {
                release(state, pod);
            }
        }
        "installations" => reconcile_installation(state),
        // Deleting a pool releases its blocks' affinities; the empty blocks go with them.
        "ippools" if object(state, plural, namespace, name).is_none() => {
            if let Some(pool_net) = before
                .and_then(|p| p["spec"]["cidr"].as_str())
                .and_then(parse)
            {
                state.objects.retain(|(version, kind, _, _), block| {
                    version != CRD
                        || kind != "ipamblocks"
                        || !block["spec"]["cidr"]
                            .as_str()
                            .and_then(parse)
                            .is_some_and(|n| inside(pool_net, n))
                        || block["spec"]["allocations"]
                            .as_array()
                            .is_some_and(|a| a.iter().any(|x| !x.is_null()))
                });
            }
        }
        _ => {}
    }
}

const OPERATOR_LABEL: &str = "app.kubernetes.io/managed-by";

/// The Tigera operator's pool controller, simplified: each `spec.calicoNetwork.ipPools` entry
/// is an IPPool it labels as its own (`disableNewAllocations` → `disabled`), and a pool it
/// labelled whose entry is gone is deleted.
fn reconcile_installation(state: &mut State) {
    let Some(installation) = state
        .objects
        .get(&(
            "operator.tigera.io/v1".to_owned(),
            "installations".to_owned(),
            String::new(),
            "default".to_owned(),
        ))
        .cloned()
    else {
        return;
    };
    let entries = installation["spec"]["calicoNetwork"]["ipPools"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let key = |name: &str| {
        (
            CRD.to_owned(),
            "ippools".to_owned(),
            String::new(),
            name.to_owned(),
        )
    };
    for entry in &entries {
        let Some(name) = entry["name"].as_str() else {
            continue;
        };
        let mut spec = json!({"cidr": entry["cidr"], "blockSize": entry["blockSize"].as_u64().unwrap_or(26),
                              "natOutgoing": entry["natOutgoing"] != "Disabled",
                              "disabled": entry["disableNewAllocations"] == true});
        if let Some(selector) = entry["nodeSelector"].as_str() {
            spec["nodeSelector"] = json!(selector);
        }
        let mut pool = state.objects.get(&key(name)).cloned().unwrap_or_else(|| {
            json!({"apiVersion": CRD, "kind": "IPPool",
                   "metadata": {"name": name, "labels": {OPERATOR_LABEL: "tigera-operator"}}})
        });
        pool["spec"] = spec;
        state.resource_version += 1;
        pool["metadata"]["resourceVersion"] = json!(state.resource_version.to_string());
        state.objects.insert(key(name), pool);
    }
    let gone: Vec<(Value, String)> = of_type(state, CRD, "ippools")
        .into_iter()
        .filter(|p| p["metadata"]["labels"][OPERATOR_LABEL] == "tigera-operator")
        .filter(|p| !entries.iter().any(|e| e["name"] == p["metadata"]["name"]))
        .map(|p| {
            (
                p.clone(),
                p["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    for (pool, name) in gone {
        state.objects.remove(&key(&name));
        after_write(state, "ippools", "", &name, Some(&pool));
    }
}

fn owned_by(pod: &Value, kind: &str, name: &str) -> bool {
    pod["metadata"]["ownerReferences"]
        .as_array()
        .is_some_and(|owners| {
            owners.iter().any(|o| match kind {
                "Deployment" => {
                    o["kind"] == "ReplicaSet"
                        && o["name"]
                            .as_str()
                            .and_then(|n| n.rsplit_once('-'))
                            .is_some_and(|(prefix, _)| prefix == name)
                }
                _ => o["kind"] == kind && o["name"] == name,
            })
        })
}

/// The workload's status once its controller has replaced the pods: a new generation observed,
/// `running` pods updated and available (what `kubectl rollout status` waits for).
fn rolled_out(state: &mut State, plural: &str, namespace: &str, name: &str, running: usize) {
    let key = (
        "apps/v1".to_owned(),
        plural.to_owned(),
        namespace.to_owned(),
        name.to_owned(),
    );
    let Some(workload) = state.objects.get_mut(&key) else {
        return;
    };
    let generation = workload["metadata"]["generation"].as_i64().unwrap_or(1) + 1;
    workload["metadata"]["generation"] = json!(generation);
    workload["status"] = if plural == "daemonsets" {
        json!({"observedGeneration": generation, "desiredNumberScheduled": running,
               "updatedNumberScheduled": running, "numberAvailable": running})
    } else {
        json!({"observedGeneration": generation, "replicas": running, "updatedReplicas": running,
               "readyReplicas": running, "availableReplicas": running})
    };
}

/// Replaces the workload's pods; returns how many of the new ones got an address and run.
fn replace_pods(state: &mut State, workload: &Value, namespace: &str, name: &str) -> usize {
    let mut running = 0;
    let kind = workload["kind"].as_str().unwrap_or_default().to_owned();
    let pods: Vec<Value> = of_type(state, "v1", "pods")
        .into_iter()
        .filter(|pod| pod["metadata"]["namespace"] == namespace && owned_by(pod, &kind, name))
        .cloned()
        .collect();
    for old in pods {
        let old_name = old["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        release(state, &old);
        state.objects.remove(&(
            "v1".to_owned(),
            "pods".to_owned(),
            namespace.to_owned(),
            old_name.clone(),
        ));
        state.resource_version += 1;
        let new_name = if kind == "StatefulSet" {
            old_name
        } else {
            let base = old_name
                .rsplit_once('-')
                .map_or(old_name.as_str(), |(b, _)| b);
            format!("{base}-r{}", state.resource_version)
        };
        let node = old["spec"]["nodeName"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let mut pod = json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {
                "name": new_name, "namespace": namespace,
                "ownerReferences": old["metadata"]["ownerReferences"],
                "labels": workload["spec"]["template"]["metadata"]["labels"],
                "annotations": workload["spec"]["template"]["metadata"]["annotations"],
                "resourceVersion": state.resource_version.to_string(),
            },
            "spec": {"nodeName": node},
            "status": {"phase": "Pending"},
        });
        if let Some(ip) = allocate(state, &pod, namespace, &node) {
            pod["status"] = json!({"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}]});
            running += 1;
        }
        state.objects.insert(
            (
                "v1".to_owned(),
                "pods".to_owned(),
                namespace.to_owned(),
                new_name,
            ),
            pod,
        );
    }
    running
}

fn enabled(pool: &Value) -> bool {
    pool["spec"]["disabled"] != true
}

fn selects(selector: &str, labels: &Value) -> bool {
    let selector = selector.trim();
    if selector.is_empty() || selector == "all()" {
        return true;
    }
    match selector.split_once("==") {
        Some((key, value)) => labels[key.trim()] == value.trim().trim_matches(['\'', '"']),
        None => false,
    }
}

fn requested(annotations: &Value) -> Option<Vec<String>> {
    let text = annotations["cni.projectcalico.org/ipv4pools"].as_str()?;
    serde_json::from_str(text).ok()
}

/// The pools the CNI plugin would try for a new pod, in order.
fn pools_for(state: &State, pod: &Value, namespace: &str, node: &str) -> Vec<Value> {
    let mut pools: Vec<Value> = of_type(state, CRD, "ippools")
        .into_iter()
        .filter(|p| p["spec"]["cidr"].as_str().is_some_and(|c| !c.contains(':')))
        .cloned()
        .collect();
    pools.sort_by(|a, b| {
        a["metadata"]["name"]
            .as_str()
            .cmp(&b["metadata"]["name"].as_str())
    });
    let namespace_annotations = object(state, "namespaces", "", namespace)
        .map(|ns| ns["metadata"]["annotations"].clone())
        .unwrap_or(Value::Null);
    let asked =
        requested(&pod["metadata"]["annotations"]).or_else(|| requested(&namespace_annotations));
    if let Some(names) = asked {
        // Explicit pools: all must exist and be enabled, selectors are not consulted.
        let chosen: Vec<Value> = names
            .iter()
            .filter_map(|n| {
                pools
                    .iter()
                    .find(|p| p["metadata"]["name"] == n.as_str())
                    .cloned()
            })
            .collect();
        if chosen.len() != names.len() || !chosen.iter().all(enabled) {
            return Vec::new();
        }
        return chosen;
    }
    let labels = object(state, "nodes", "", node)
        .map(|n| n["metadata"]["labels"].clone())
        .unwrap_or(Value::Null);
    pools
        .into_iter()
        .filter(enabled)
        .filter(|p| p["spec"]["assignmentMode"] != "Manual")
        .filter(|p| {
            p["spec"]["allowedUses"]
                .as_array()
                .is_none_or(|uses| uses.is_empty() || uses.contains(&json!("Workload")))
        })
        .filter(|p| {
            selects(
                p["spec"]["nodeSelector"].as_str().unwrap_or_default(),
                &labels,
            )
        })
        .collect()
}

fn parse(cidr: &str) -> Option<(u32, u8)> {
    let (address, prefix) = cidr.split_once('/')?;
    let address: std::net::Ipv4Addr = address.parse().ok()?;
    Some((u32::from(address), prefix.parse().ok()?))
}

fn inside(outer: (u32, u8), inner: (u32, u8)) -> bool {
    let mask = if outer.1 == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(outer.1))
    };
    inner.1 >= outer.1 && inner.0 & mask == outer.0 & mask
}

/// Takes a free address for the pod: from a block of the first pool that has room, affine to
/// the node, claiming a new block when needed; records it in the block.
fn allocate(state: &mut State, pod: &Value, namespace: &str, node: &str) -> Option<String> {
    let pod_name = pod["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for pool in pools_for(state, pod, namespace, node) {
        let Some(pool_net) = pool["spec"]["cidr"].as_str().and_then(parse) else {
            continue;
        };
        let size = pool["spec"]["blockSize"]
            .as_u64()
            .filter(|&b| b != 0)
            .unwrap_or(26) as u8;
        let blocks: Vec<Value> = of_type(state, CRD, "ipamblocks")
            .into_iter()
            .cloned()
            .collect();
        let affine = blocks.iter().find(|b| {
            b["spec"]["affinity"] == format!("host:{node}")
                && b["spec"]["cidr"]
                    .as_str()
                    .and_then(parse)
                    .is_some_and(|n| inside(pool_net, n))
                && b["spec"]["unallocated"]
                    .as_array()
                    .is_some_and(|u| !u.is_empty())
        });
        let mut block = match affine {
            Some(block) => block.clone(),
            // A node claims no more blocks than IPAMConfig maxBlocksPerHost (0: Calico's 20).
            None if blocks
                .iter()
                .filter(|b| b["spec"]["affinity"] == format!("host:{node}"))
                .count()
                >= max_blocks_per_host(state) =>
            {
                continue;
            }
            None => {
                let slots = 1u64 << (size - pool_net.1);
                let taken: Vec<(u32, u8)> = blocks
                    .iter()
                    .filter_map(|b| b["spec"]["cidr"].as_str().and_then(parse))
                    .collect();
                let Some(slot) = (0..slots)
                    .map(|i| (pool_net.0 + (i as u32) * (1u32 << (32 - size)), size))
                    .find(|slot| !taken.iter().any(|t| inside(*t, *slot) || inside(*slot, *t)))
                else {
                    continue;
                };
                let count = 1usize << (32 - size);
                let cidr = format!("{}/{size}", std::net::Ipv4Addr::from(slot.0));
                json!({
                    "apiVersion": CRD, "kind": "IPAMBlock",
                    "metadata": {"name": cidr.replace(['.', '/'], "-")},
                    "spec": {"cidr": cidr, "affinity": format!("host:{node}"),
                             "allocations": vec![Value::Null; count],
                             "unallocated": (0..count).collect::<Vec<_>>(),
                             "attributes": [], "strictAffinity": false},
                })
            }
        };
        let spec = &mut block["spec"];
        let ordinal = spec["unallocated"].as_array_mut()?.remove(0).as_u64()? as usize;
        let index = spec["attributes"].as_array()?.len();
        spec["attributes"].as_array_mut()?.push(json!({
            "handle_id": format!("k8s-pod-network.{namespace}.{pod_name}"),
            "secondary": {"namespace": namespace, "pod": pod_name, "node": node},
        }));
        spec["allocations"][ordinal] = json!(index);
        let base = spec["cidr"].as_str().and_then(parse)?.0;
        let name = block["metadata"]["name"].as_str()?.to_owned();
        state.objects.insert(
            (CRD.to_owned(), "ipamblocks".to_owned(), String::new(), name),
            block,
        );
        return Some(std::net::Ipv4Addr::from(base + ordinal as u32).to_string());
    }
    None
}

fn max_blocks_per_host(state: &State) -> usize {
    of_type(state, CRD, "ipamconfigs")
        .into_iter()
        .find(|c| c["metadata"]["name"] == "default")
        .and_then(|c| c["spec"]["maxBlocksPerHost"].as_u64())
        .filter(|&m| m > 0)
        .map_or(20, |m| m as usize)
}

/// Frees the pod's addresses in their blocks.
fn release(state: &mut State, pod: &Value) {
    let Some(ips) = pod["status"]["podIPs"].as_array() else {
        return;
    };
    for ip in ips.iter().filter_map(|i| i["ip"].as_str()) {
        let Ok(address) = ip.parse::<std::net::Ipv4Addr>() else {
            continue;
        };
        let address = u32::from(address);
        for ((version, plural, _, _), block) in state.objects.iter_mut() {
            if version != CRD || plural != "ipamblocks" {
                continue;
            }
            let Some((base, prefix)) = block["spec"]["cidr"].as_str().and_then(parse) else {
                continue;
            };
            if !inside((base, prefix), (address, 32)) {
                continue;
            }
            let ordinal = (address - base) as usize;
            if !block["spec"]["allocations"][ordinal].is_null() {
                block["spec"]["allocations"][ordinal] = Value::Null;
                if let Some(free) = block["spec"]["unallocated"].as_array_mut() {
                    free.push(json!(ordinal));
                }
            }
        }
    }
}

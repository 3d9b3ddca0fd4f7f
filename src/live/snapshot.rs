//! Live objects in the model. Each object is rendered as YAML into a named source
//! (`cluster:IPPool/extra-ippool`) and loaded through the same loader as a file, so the rules
//! that guard manifests guard the cluster too, and a diagnostic on a live object points at its
//! field with a snippet. Pure: objects in, sources and inventory out.

use serde_json::Value;

use super::client::Resource;
use crate::manifest::{self, NoExtras, emit};
use crate::model::inventory::Inventory;
use crate::source::{SourceFile, SourceId, SourceMap};

/// The prefix of sources read from the cluster.
pub const CLUSTER: &str = crate::manifest::emit::CLUSTER_SOURCE;
/// The prefix of sources that show what a command is about to write.
pub const PROPOSED: &str = "proposed";

#[derive(Debug, Default)]
pub struct Snapshot {
    pub sources: SourceMap,
    pub inventory: Inventory,
}

pub use crate::manifest::emit::object_ref;

/// The object as the cluster sent it, made self-describing (list items carry no apiVersion or
/// kind) and without what only the API server's bookkeeping needs.
pub fn normalized(resource: &Resource, object: &Value) -> Value {
    into_normalized(resource, object.clone())
}

/// [`normalized`], taking the object.
pub fn into_normalized(resource: &Resource, mut object: Value) -> Value {
    if let Value::Object(map) = &mut object {
        map.insert(
            "apiVersion".to_owned(),
            Value::String(resource.api_version()),
        );
        map.insert("kind".to_owned(), Value::String(resource.kind.to_owned()));
        if let Some(Value::Object(metadata)) = map.get_mut("metadata") {
            metadata.remove("managedFields");
        }
    }
    object
}

impl Snapshot {
    /// Loads one object into the source `prefix:Kind/[namespace/]name`.
    pub fn add(&mut self, prefix: &str, object: &Value) -> SourceId {
        let name = format!("{prefix}:{}", object_ref(object));
        let text = emit::to_yaml(object);
        let id = self
            .sources
            .add(SourceFile::new(name.clone(), text.clone()));
        // Rendered by us, so it parses; a problem here would be ours, and is not the user's.
        let loaded = manifest::load_text(&name, &text, id, false, &mut NoExtras);
        self.inventory.merge(loaded.inventory);
        id
    }
}

/// What `lint --cluster` keeps of the objects a cluster (or a dump of one) holds: pools, IPAM
/// objects and IPAMConfig whole; of Nodes, Namespaces and Pods what the rules read (labels,
/// Calico's annotations, node, addresses, pod capacity); workloads only when their pod template
/// carries a Calico annotation and no other workload owns them. The same outline for a live
/// read and a dump, so both render to the same sources.
pub fn cluster_objects(objects: impl IntoIterator<Item = Value>) -> Vec<Value> {
    let mut kept = Vec::new();
    for mut object in objects {
        if let Some(Value::Object(metadata)) = object.get_mut("metadata") {
            metadata.remove("managedFields");
        }
        let kind = object["kind"].as_str().unwrap_or_default().to_owned();
        let outline = match kind.as_str() {
            "IPPool" | "IPAMBlock" | "BlockAffinity" | "IPAMConfig" | "IPAMConfiguration" => {
                Some(object)
            }
            "Installation" => Some(serde_json::json!({
                "apiVersion": object["apiVersion"],
                "kind": "Installation",
                "metadata": {"name": object["metadata"]["name"]},
                "spec": object["spec"],
            })),
            "Node" => Some(serde_json::json!({
                "apiVersion": object["apiVersion"],
                "kind": "Node",
                "metadata": {
                    "name": object["metadata"]["name"],
                    "labels": object["metadata"]["labels"],
                    "annotations": calico_annotations(&object["metadata"]["annotations"]),
                },
                "status": {
                    "allocatable": {"pods": object["status"]["allocatable"]["pods"]},
                    "capacity": {"pods": object["status"]["capacity"]["pods"]},
                },
            })),
            "Namespace" => Some(serde_json::json!({
                "apiVersion": object["apiVersion"],
                "kind": "Namespace",
                "metadata": {
                    "name": object["metadata"]["name"],
                    "labels": object["metadata"]["labels"],
                    "annotations": calico_annotations(&object["metadata"]["annotations"]),
                },
            })),
            "Pod" => Some(pod_outline(&object)),
            // calico-config's CNI network config, kubeadm-config's ClusterConfiguration.
            "ConfigMap" => ["cni_network_config", "ClusterConfiguration"]
                .into_iter()
                .find(|key| object["data"][*key].is_string())
                .map(|key| {
                    serde_json::json!({
                        "apiVersion": "v1",
                        "kind": "ConfigMap",
                        "metadata": {
                            "name": object["metadata"]["name"],
                            "namespace": object["metadata"]["namespace"],
                        },
                        "data": {key: object["data"][key]},
                    })
                }),
            _ => crate::live::calico::WORKLOADS
                .iter()
                .find(|(resource, _)| resource.kind == kind)
                .filter(|(_, template)| {
                    has_cni_annotation(&object, template) && !owned_by_workload(&object)
                })
                .map(|(_, template)| workload_outline(&object, template)),
        };
        if let Some(outline) = outline {
            kept.push(without_nulls(outline));
        }
    }
    kept
}

/// ReplicaSets of Deployments and Jobs of CronJobs repeat their owner's template.
pub fn owned_by_workload(object: &Value) -> bool {
    object["metadata"]["ownerReferences"]
        .as_array()
        .is_some_and(|owners| {
            owners
                .iter()
                .any(|o| o["kind"] == "Deployment" || o["kind"] == "CronJob")
        })
}

/// The annotations a rule may read: Calico's (and near misses of them) and our suppressions.
fn calico_annotations(annotations: &Value) -> Value {
    let Some(annotations) = annotations.as_object() else {
        return Value::Null;
    };
    let kept: serde_json::Map<String, Value> = annotations
        .iter()
        .filter(|(key, _)| {
            let lower = key.to_ascii_lowercase();
            lower.contains("calico") || lower.starts_with("ippool.lint/")
        })
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    if kept.is_empty() {
        Value::Null
    } else {
        Value::Object(kept)
    }
}

fn pod_outline(pod: &Value) -> Value {
    let owners: Vec<Value> = pod["metadata"]["ownerReferences"]
        .as_array()
        .map(|owners| {
            owners
                .iter()
                .map(|o| serde_json::json!({"kind": o["kind"], "name": o["name"]}))
                .collect()
        })
        .unwrap_or_default();
    serde_json::json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": pod["metadata"]["name"],
            "namespace": pod["metadata"]["namespace"],
            "annotations": calico_annotations(&pod["metadata"]["annotations"]),
            "ownerReferences": if owners.is_empty() { Value::Null } else { Value::Array(owners) },
        },
        "spec": {
            "nodeName": pod["spec"]["nodeName"],
            "hostNetwork": pod["spec"]["hostNetwork"],
        },
        "status": {
            "phase": pod["status"]["phase"],
            "podIP": pod["status"]["podIP"],
            "podIPs": pod["status"]["podIPs"],
        },
    })
}

/// Drops null members (and maps left empty), as the API server leaves out unset fields.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| (key, without_nulls(value)))
                .filter(|(_, value)| {
                    !value.is_null() && !value.as_object().is_some_and(serde_json::Map::is_empty)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// Whether an object carries a Calico CNI annotation where Calico reads it (its own metadata,
/// or its pod template's at `template`), so only those are loaded.
pub fn has_cni_annotation(object: &Value, template: &[&str]) -> bool {
    let mut node = object;
    for key in template {
        node = &node[*key];
    }
    node["metadata"]["annotations"]
        .as_object()
        .is_some_and(|annotations| {
            annotations
                .keys()
                .any(|key| key.starts_with(crate::model::annotations::CNI_PREFIX))
        })
}

/// Drops what the rules never read from a workload (containers, volumes), keeping the pod
/// template's metadata, so a cluster of large workloads stays small in memory.
pub fn workload_outline(object: &Value, template: &[&str]) -> Value {
    let mut outline = serde_json::json!({
        "apiVersion": object["apiVersion"],
        "kind": object["kind"],
        "metadata": object["metadata"],
    });
    if let Some(replicas) = object["spec"].get("replicas") {
        outline["spec"]["replicas"] = replicas.clone();
    }
    let mut source = object;
    for key in template {
        source = &source[*key];
    }
    let mut slot = &mut outline;
    for key in template {
        slot = &mut slot[*key];
    }
    *slot = serde_json::json!({"metadata": source["metadata"]});
    outline
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::calico::{DEPLOYMENTS, POOLS_CRD_V1};
    use serde_json::json;

    #[test]
    fn a_live_pool_becomes_a_model_pool_pointing_into_its_cluster_source() {
        let object = normalized(
            &POOLS_CRD_V1,
            &json!({"metadata": {"name": "extra-ippool", "managedFields": [{}]},
                    "spec": {"cidr": "10.245.0.0/16", "blockSize": 26}}),
        );
        assert!(object["metadata"].get("managedFields").is_none());
        let mut snapshot = Snapshot::default();
        let id = snapshot.add(CLUSTER, &object);
        let file = snapshot.sources.get(id).unwrap();
        assert_eq!(file.name, "cluster:IPPool/extra-ippool");
        let pool = &snapshot.inventory.pools[0];
        let loc = pool.cidr.loc().unwrap();
        assert_eq!(
            &file.text[loc.span().start..loc.span().end],
            "10.245.0.0/16"
        );
    }

    #[test]
    fn workload_outlines_keep_the_template_metadata_only() {
        let deployment = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"replicas": 3, "template": {
                "metadata": {"annotations": {"cni.projectcalico.org/ipv4pools": "[\"a\"]"}},
                "spec": {"containers": [{"name": "c", "image": "x"}]}}}
        });
        let template = crate::live::calico::WORKLOADS[0].1;
        assert_eq!(DEPLOYMENTS.kind, "Deployment");
        assert!(has_cni_annotation(&deployment, template));
        let outline = workload_outline(&deployment, template);
        assert!(outline["spec"]["template"].get("spec").is_none());
        assert_eq!(outline["spec"]["replicas"], 3);
        assert_eq!(
            outline["spec"]["template"]["metadata"]["annotations"]["cni.projectcalico.org/ipv4pools"],
            "[\"a\"]"
        );
    }
}

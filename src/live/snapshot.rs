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
pub const CLUSTER: &str = "cluster";
/// The prefix of sources that show what a command is about to write.
pub const PROPOSED: &str = "proposed";

#[derive(Debug, Default)]
pub struct Snapshot {
    pub sources: SourceMap,
    pub inventory: Inventory,
}

/// `Kind/name` or `Kind/namespace/name`, as findings name objects.
pub fn object_ref(object: &Value) -> String {
    let kind = object["kind"].as_str().unwrap_or("object");
    let name = object["metadata"]["name"].as_str().unwrap_or_default();
    match object["metadata"]["namespace"].as_str() {
        Some(namespace) if !namespace.is_empty() => format!("{kind}/{namespace}/{name}"),
        _ => format!("{kind}/{name}"),
    }
}

/// The object as the cluster sent it, made self-describing (list items carry no apiVersion or
/// kind) and without what only the API server's bookkeeping needs.
pub fn normalized(resource: &Resource, object: &Value) -> Value {
    let mut object = object.clone();
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
        assert_eq!(&file.text[loc.span.start..loc.span.end], "10.245.0.0/16");
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

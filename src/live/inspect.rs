//! What `list` and `show` report about live pools, computed without I/O: each pool's effective
//! spec as IPAM sees it (Calico's read-path defaults, calico-reference §1.3, with the defaulted
//! fields marked), its usage from IPAMBlocks (§6.6), the nodes its nodeSelector selects, the
//! objects whose pool annotations name it, and the pods with addresses in it.

use std::collections::BTreeMap;

use ipnet::IpNet;
use serde::Serialize;
use serde_json::Value;

use super::plan;
use super::snapshot::Snapshot;
use super::usage::{self, Block, PoolUsage};
use crate::model::annotations::{PoolIndex, Resolution};
use crate::model::pool::Pool;

/// A node's name and labels, for nodeSelectors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeLabels {
    pub name: String,
    pub labels: BTreeMap<String, String>,
}

/// A pool's spec after Calico's read-path defaults.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EffectiveSpec {
    pub cidr: String,
    #[serde(rename = "blockSize")]
    pub block_size: Option<i64>,
    #[serde(rename = "ipipMode")]
    pub ipip_mode: String,
    #[serde(rename = "vxlanMode")]
    pub vxlan_mode: String,
    #[serde(rename = "natOutgoing")]
    pub nat_outgoing: bool,
    pub disabled: bool,
    #[serde(rename = "disableBGPExport")]
    pub disable_bgp_export: bool,
    #[serde(rename = "nodeSelector")]
    pub node_selector: String,
    #[serde(rename = "namespaceSelector")]
    pub namespace_selector: String,
    #[serde(rename = "allowedUses")]
    pub allowed_uses: Vec<String>,
    #[serde(rename = "assignmentMode")]
    pub assignment_mode: String,
}

/// Spec fields in the order `show` prints them.
pub const SPEC_FIELDS: [&str; 11] = [
    "cidr",
    "blockSize",
    "ipipMode",
    "vxlanMode",
    "natOutgoing",
    "disabled",
    "disableBGPExport",
    "nodeSelector",
    "namespaceSelector",
    "allowedUses",
    "assignmentMode",
];

/// One row of `list`.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolRow {
    pub name: String,
    pub spec: EffectiveSpec,
    /// Spec fields the object leaves out, whose value is Calico's default.
    pub defaulted: Vec<&'static str>,
    pub managed_by_operator: bool,
    pub usage: PoolUsage,
    /// Nodes the nodeSelector selects, when nodes were read.
    pub nodes_selected: Option<Vec<String>>,
}

fn effective(pool: &Pool, object: &Value) -> (EffectiveSpec, Vec<&'static str>) {
    let spec = &object["spec"];
    let defaulted = SPEC_FIELDS
        .iter()
        .copied()
        .filter(|field| {
            *field != "namespaceSelector"
                && match spec.get(*field) {
                    None | Some(Value::Null) => true,
                    Some(Value::String(s)) => s.is_empty(),
                    Some(Value::Array(a)) => a.is_empty(),
                    Some(Value::Number(n)) => *field == "blockSize" && n.as_i64() == Some(0),
                    _ => false,
                }
        })
        .collect();
    let mode = |field: &crate::model::pool::Field<String>| {
        field
            .value()
            .filter(|v| !v.is_empty())
            .cloned()
            .unwrap_or_else(|| "Never".to_owned())
    };
    let spec = EffectiveSpec {
        cidr: pool.cidr.value().cloned().unwrap_or_default(),
        block_size: pool.effective_block_size(),
        ipip_mode: mode(&pool.ipip_mode),
        vxlan_mode: mode(&pool.vxlan_mode),
        nat_outgoing: pool.nat_outgoing.value() == Some(&true),
        disabled: pool.is_disabled(),
        disable_bgp_export: pool.disable_bgp_export.value() == Some(&true),
        node_selector: pool.effective_node_selector().to_owned(),
        namespace_selector: pool
            .namespace_selector
            .value()
            .map(|s| s.text.clone())
            .unwrap_or_default(),
        allowed_uses: pool
            .effective_allowed_uses()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        assignment_mode: pool.assignment_mode_or_default().to_owned(),
    };
    (spec, defaulted)
}

/// The nodes a pool's nodeSelector selects (none when the selector does not parse: IPAM then
/// fails the allocation).
fn selected_nodes(pool: &Pool, nodes: &[NodeLabels]) -> Vec<String> {
    let selector = match pool.node_selector.value() {
        None => None,
        Some(field) if field.text.trim().is_empty() => None,
        Some(field) => match &field.parsed {
            Ok(selector) => Some(selector),
            Err(_) => return Vec::new(),
        },
    };
    nodes
        .iter()
        .filter(|node| selector.is_none_or(|s| s.matches(&node.labels)))
        .map(|node| node.name.clone())
        .collect()
}

fn object_named<'o>(objects: &'o [Value], name: &str) -> Option<&'o Value> {
    objects
        .iter()
        .find(|o| o["kind"] == "IPPool" && o["metadata"]["name"] == name)
}

/// The rows of `list`, in name order.
pub fn rows(
    objects: &[Value],
    snapshot: &Snapshot,
    blocks: &[Block],
    nodes: Option<&[NodeLabels]>,
) -> Vec<PoolRow> {
    let pools = plan::pools_by_name(snapshot);
    let buckets: Vec<(String, Option<IpNet>)> = pools
        .iter()
        .map(|pool| {
            (
                pool.name.value().cloned().unwrap_or_default(),
                pool.cidr_net().map(|net| net.trunc()),
            )
        })
        .collect();
    let (per_pool, _) = usage::usage(&buckets, blocks);
    pools
        .iter()
        .zip(per_pool)
        .map(|(pool, usage)| {
            let name = pool.name.value().cloned().unwrap_or_default();
            let object = object_named(objects, &name).cloned().unwrap_or(Value::Null);
            let (spec, defaulted) = effective(pool, &object);
            PoolRow {
                managed_by_operator: plan::operator_managed(&object),
                name,
                spec,
                defaulted,
                usage,
                nodes_selected: nodes.map(|nodes| selected_nodes(pool, nodes)),
            }
        })
        .collect()
}

/// An object whose pool annotation names the pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    pub object: String,
    pub annotation: String,
}

/// A pod with an address in the pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PodAddress {
    pub namespace: String,
    pub name: String,
    pub ip: String,
    pub node: String,
}

/// Everything `show` prints about one pool.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolDetail {
    pub row: PoolRow,
    /// Nodes read in all, for "N of M".
    pub nodes_total: usize,
    pub referenced_by: Vec<Reference>,
    pub pods: Vec<PodAddress>,
}

/// The pool an annotation entry resolves to, whatever Calico then makes of it.
fn named_pool<'p>(resolution: &Resolution<'p>) -> Option<&'p Pool> {
    match resolution {
        Resolution::Usable(pool)
        | Resolution::Disabled(pool)
        | Resolution::NotForWorkloads(pool)
        | Resolution::BrokenPool(pool) => Some(pool),
        Resolution::WrongFamily { pool, .. } => *pool,
        _ => None,
    }
}

/// `show`'s figures for pool `name`; `None` when the cluster has no such pool.
pub fn detail(
    name: &str,
    objects: &[Value],
    snapshot: &Snapshot,
    blocks: &[Block],
    nodes: &[NodeLabels],
    pods: &[Value],
) -> Option<PoolDetail> {
    let row = rows(objects, snapshot, blocks, Some(nodes))
        .into_iter()
        .find(|row| row.name == name)?;
    let pools = PoolIndex::new(plan::pools_by_name(snapshot));
    let mut referenced_by = Vec::new();
    for site in &snapshot.inventory.annotation_sites {
        for (annotation, _, resolution) in site.resolved_pool_entries(&pools) {
            let names_it = named_pool(&resolution)
                .and_then(|pool| pool.name.value())
                .is_some_and(|n| n == name);
            let reference = Reference {
                object: site.object.clone(),
                annotation: annotation.key.value.clone(),
            };
            if names_it && !referenced_by.contains(&reference) {
                referenced_by.push(reference);
            }
        }
    }
    let net = pools
        .named(name)
        .and_then(|pool| pool.cidr_net())
        .map(|net| net.trunc());
    let mut in_pool = Vec::new();
    if let Some(net) = net {
        for pod in pods {
            for ip in plan::pod_ips(pod) {
                if net.contains(&ip) {
                    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
                    in_pool.push(PodAddress {
                        namespace: text(&pod["metadata"]["namespace"]),
                        name: text(&pod["metadata"]["name"]),
                        ip: ip.to_string(),
                        node: text(&pod["spec"]["nodeName"]),
                    });
                }
            }
        }
    }
    in_pool.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    Some(PoolDetail {
        row,
        nodes_total: nodes.len(),
        referenced_by,
        pods: in_pool,
    })
}

/// Pods with addresses in the pool, counted per namespace.
pub fn pods_per_namespace(pods: &[PodAddress]) -> BTreeMap<&str, usize> {
    let mut counts = BTreeMap::new();
    for pod in pods {
        *counts.entry(pod.namespace.as_str()).or_insert(0) += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::calico::{NAMESPACES, POOLS_CRD_V1};
    use crate::live::plan::OPERATOR_LABEL;
    use crate::live::plan::World;
    use crate::live::snapshot::normalized;
    use serde_json::json;

    fn world() -> World {
        World {
            objects: vec![
                normalized(
                    &POOLS_CRD_V1,
                    &json!({"metadata": {"name": "b-pool"},
                    "spec": {"cidr": "10.1.0.0/16", "nodeSelector": "zone == 'a'", "blockSize": 24}}),
                ),
                normalized(
                    &POOLS_CRD_V1,
                    &json!({"metadata": {"name": "a-pool",
                    "labels": {OPERATOR_LABEL: "tigera-operator"}},
                    "spec": {"cidr": "10.0.0.0/16", "ipipMode": "Always"}}),
                ),
                normalized(
                    &NAMESPACES,
                    &json!({"metadata": {"name": "team",
                    "annotations": {"cni.projectcalico.org/ipv4pools": "[\"b-pool\"]"}}}),
                ),
            ],
        }
    }

    #[test]
    fn rows_show_effective_values_and_what_was_defaulted() {
        let world = world();
        let snapshot = world.current();
        let nodes = vec![
            NodeLabels {
                name: "n1".into(),
                labels: [("zone".into(), "a".into())].into(),
            },
            NodeLabels {
                name: "n2".into(),
                labels: BTreeMap::new(),
            },
        ];
        let rows = rows(&world.objects, &snapshot, &[], Some(&nodes));
        assert_eq!(
            rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            ["a-pool", "b-pool"]
        );
        assert_eq!(rows[0].spec.block_size, Some(26));
        assert!(rows[0].defaulted.contains(&"blockSize"));
        assert!(rows[0].managed_by_operator);
        assert_eq!(rows[0].spec.ipip_mode, "Always");
        assert_eq!(rows[0].spec.vxlan_mode, "Never");
        assert_eq!(
            rows[0].nodes_selected.as_deref(),
            Some(&["n1".to_owned(), "n2".to_owned()][..])
        );
        assert_eq!(
            rows[1].nodes_selected.as_deref(),
            Some(&["n1".to_owned()][..])
        );
        assert!(!rows[1].defaulted.contains(&"blockSize"));
    }

    #[test]
    fn detail_lists_who_names_the_pool_and_the_pods_in_it() {
        let world = world();
        let snapshot = world.current();
        let pods = vec![
            json!({"metadata": {"namespace": "team", "name": "p1"}, "spec": {"nodeName": "n1"},
                   "status": {"podIP": "10.1.3.4"}}),
            json!({"metadata": {"namespace": "team", "name": "p2"}, "status": {"podIP": "10.0.3.4"}}),
        ];
        let shown = detail("b-pool", &world.objects, &snapshot, &[], &[], &pods).unwrap();
        assert_eq!(
            shown.referenced_by,
            [Reference {
                object: "Namespace/team".into(),
                annotation: "cni.projectcalico.org/ipv4pools".into()
            }]
        );
        assert_eq!(shown.pods.len(), 1);
        assert_eq!(shown.pods[0].name, "p1");
        assert!(detail("missing", &world.objects, &snapshot, &[], &[], &pods).is_none());
    }
}

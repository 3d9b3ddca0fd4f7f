//! Reads the cluster around the pools from the inputs: Node and Namespace objects, kubeadm
//! `ClusterConfiguration`, kube-proxy `KubeProxyConfiguration`, kubelet `KubeletConfiguration`
//! and Calico `IPAMConfig`/`IPAMConfiguration`. Records facts with their places; judges nothing.

use std::collections::BTreeMap;

use super::extract::Reader;
use super::yaml::{NodeRef, ScalarType};
use crate::model::cidr;
use crate::model::cluster::{CidrFact, NamespaceFact, NodeFact, Setting};
use crate::model::inventory::Inventory;

/// kubeadm's `networking.serviceSubnet` when a ClusterConfiguration leaves it out.
const KUBEADM_DEFAULT_SERVICE_SUBNET: &str = "10.96.0.0/12";

pub fn read(reader: &Reader<'_>, object: NodeRef<'_>, inventory: &mut Inventory) {
    let Some((group, kind)) = super::extract::group_and_kind(object) else {
        return;
    };
    match (group, kind) {
        ("", "Node") => {
            if let Some((name, loc)) = name_of(reader, object) {
                inventory.nodes.push(NodeFact {
                    name,
                    labels: labels_of(object),
                    loc,
                });
            }
        }
        ("", "Namespace") => {
            if let Some((name, loc)) = name_of(reader, object) {
                let mut labels = labels_of(object);
                // The API server sets this label on every namespace (Kubernetes 1.21+).
                labels.insert("kubernetes.io/metadata.name".to_owned(), name.clone());
                inventory
                    .namespaces
                    .push(NamespaceFact { name, labels, loc });
            }
        }
        ("kubeadm.k8s.io", "ClusterConfiguration") => {
            let networking = object.get("networking");
            let pod_subnet = networking.and_then(|n| n.get("podSubnet"));
            if let Some(value) = pod_subnet {
                cidr_list(
                    reader,
                    value,
                    "kubeadm ClusterConfiguration networking.podSubnet",
                    &mut inventory.cluster_cidrs,
                );
            }
            match networking.and_then(|n| n.get("serviceSubnet")) {
                Some(value) => cidr_list(
                    reader,
                    value,
                    "kubeadm ClusterConfiguration networking.serviceSubnet",
                    &mut inventory.service_cidrs,
                ),
                None => {
                    if let (Ok(net), Some(kind_node)) = (
                        cidr::parse(KUBEADM_DEFAULT_SERVICE_SUBNET),
                        object.get("kind"),
                    ) {
                        inventory.service_cidrs.push(CidrFact {
                            net,
                            loc: Some(reader.loc(kind_node.span())),
                            what: "kubeadm's default serviceSubnet".to_owned(),
                        });
                    }
                }
            }
        }
        ("", "ConfigMap") => kubeadm_config_map(reader, object, inventory),
        ("kubeproxy.config.k8s.io", "KubeProxyConfiguration") => {
            if let Some(value) = object.get("clusterCIDR") {
                cidr_list(
                    reader,
                    value,
                    "KubeProxyConfiguration clusterCIDR",
                    &mut inventory.cluster_cidrs,
                );
            }
        }
        ("kubelet.config.k8s.io", "KubeletConfiguration") => {
            if let Some(value) = object.get("maxPods")
                && let ScalarType::Int(max_pods) = value.scalar_type()
            {
                inventory.max_pods.push(Setting {
                    value: max_pods,
                    loc: reader.loc(value.span()),
                    what: "KubeletConfiguration maxPods".to_owned(),
                });
            }
        }
        ("crd.projectcalico.org", "IPAMConfig") | ("projectcalico.org", "IPAMConfiguration") => {
            let spec = object.get("spec");
            if let Some(value) = spec.and_then(|s| s.get("maxBlocksPerHost"))
                && let ScalarType::Int(max) = value.scalar_type()
            {
                inventory.max_blocks_per_host.push(Setting {
                    value: max,
                    loc: reader.loc(value.span()),
                    what: format!("{kind} maxBlocksPerHost"),
                });
            }
            if let Some(value) = spec.and_then(|s| s.get("strictAffinity"))
                && let ScalarType::Bool(strict) = value.scalar_type()
            {
                inventory.strict_affinity.push(Setting {
                    value: strict,
                    loc: reader.loc(value.span()),
                    what: format!("{kind} strictAffinity"),
                });
            }
        }
        _ => {}
    }
}

fn name_of(reader: &Reader<'_>, object: NodeRef<'_>) -> Option<(String, crate::source::Loc)> {
    let name = object.get("metadata")?.get("name")?;
    Some((name.as_str()?.to_owned(), reader.loc(name.span())))
}

/// `metadata.labels` as the API server stores them (string values; YAML 1.1 scalars keep their
/// text, which is what a label selector compares).
pub fn labels_of(object: NodeRef<'_>) -> BTreeMap<String, String> {
    object
        .get("metadata")
        .and_then(|m| m.get("labels"))
        .map(|labels| {
            labels
                .entries()
                .filter_map(|(key, value)| {
                    Some((key.as_str()?.to_owned(), value.as_str()?.to_owned()))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `kube-system/kubeadm-config`, where kubeadm keeps its ClusterConfiguration as a YAML string.
/// calico-node and the operator find the pod CIDR in it by the line `podSubnet: <cidr>[,<cidr>]`
/// (calico `node/pkg/lifecycle/startup/startup.go`, tigera/operator
/// `pkg/controller/ippool/kubeadm.go`), so it is read the same way, each CIDR pointing at its
/// place inside the string.
fn kubeadm_config_map(reader: &Reader<'_>, object: NodeRef<'_>, inventory: &mut Inventory) {
    let metadata = object.get("metadata");
    if metadata
        .and_then(|m| m.get("name"))
        .and_then(|n| n.as_str())
        != Some("kubeadm-config")
    {
        return;
    }
    let Some(node) = object
        .get("data")
        .and_then(|data| data.get("ClusterConfiguration"))
    else {
        return;
    };
    let Some(text) = node.as_str() else {
        return;
    };
    for (key, out) in [
        ("podSubnet", &mut inventory.cluster_cidrs),
        ("serviceSubnet", &mut inventory.service_cidrs),
    ] {
        let Some((start, value)) = line_value(text, key) else {
            continue;
        };
        cidr_entries(
            reader,
            node,
            text,
            start,
            value,
            &format!("kubeadm-config ClusterConfiguration networking.{key}"),
            out,
        );
    }
}

/// The value of the first `key: value` line (indented any amount) and its offset in `text`.
fn line_value<'t>(text: &'t str, key: &str) -> Option<(usize, &'t str)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start().len();
        if let Some(rest) = body[indent..]
            .strip_prefix(key)
            .and_then(|r| r.strip_prefix(':'))
        {
            let value = rest.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            if let Some(at) = body.find(value).filter(|_| !value.is_empty()) {
                return Some((offset + at, value));
            }
        }
        offset += line.len();
    }
    None
}

/// A comma-separated CIDR list (kubeadm dual-stack `a,b`), each entry pointing at its own text.
/// Entries that do not parse are skipped: kubeadm validates these files itself.
fn cidr_list(reader: &Reader<'_>, node: NodeRef<'_>, what: &str, out: &mut Vec<CidrFact>) {
    if let Some(value) = node.as_str() {
        cidr_entries(reader, node, value, 0, value, what, out);
    }
}

/// The CIDRs of `list`, which starts at `base` in the scalar `text` of `node`.
fn cidr_entries(
    reader: &Reader<'_>,
    node: NodeRef<'_>,
    text: &str,
    base: usize,
    list: &str,
    what: &str,
    out: &mut Vec<CidrFact>,
) {
    let mut offset = base;
    for entry in list.split(',') {
        let start = offset + (entry.len() - entry.trim_start().len());
        let trimmed = entry.trim();
        offset += entry.len() + 1;
        let Ok(net) = cidr::parse(trimmed) else {
            continue;
        };
        let span = reader.value_range(node, text, start, start + trimmed.len());
        out.push(CidrFact {
            net: net.trunc(),
            loc: Some(reader.loc(span)),
            what: what.to_owned(),
        });
    }
}

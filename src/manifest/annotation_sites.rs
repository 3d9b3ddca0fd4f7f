//! Reads Calico CNI annotations from Namespaces, Pods, pod templates of workloads, and the places
//! Calico never reads them (calico-reference §5). Keeps only the CNI keys and keys that look like
//! misspellings of them, each value decoded with its entries mapped back to the source (quotes
//! and YAML escapes accounted for). Judges nothing.

use super::extract::{Reader, describe};
use super::yaml::{NodeRef, ScalarType};
use crate::model::annotations::{
    Annotation, AnnotationSite, CNI_PREFIX, CniKey, Entry, JsonFault, OTHER_CNI_NAMES, Place,
    Replicas, Value, parse_string_list,
};
use crate::model::inventory::Inventory;
use crate::model::pool::{Spanned, WrongType};

/// Kinds whose `spec.template` is a pod template even when it does not look like one yet.
const WORKLOAD_KINDS: [&str; 6] = [
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
];

const TEMPLATE_PATH: &str = "spec.template.metadata.annotations";
const CRONJOB_TEMPLATE_PATH: &str = "spec.jobTemplate.spec.template.metadata.annotations";

pub fn read(reader: &Reader<'_>, object: NodeRef<'_>, inventory: &mut Inventory) {
    let Some((group, kind)) = super::extract::group_and_kind(object) else {
        return;
    };
    let metadata = object.get("metadata");
    let name = metadata
        .and_then(|m| m.get("name").or_else(|| m.get("generateName")))
        .and_then(|n| n.as_str());
    let namespace = metadata
        .and_then(|m| m.get("namespace"))
        .and_then(|n| n.as_str());
    // Named only where annotations are kept: this runs on every object of every file, and
    // most objects have none.
    let object_name = || match (name, namespace) {
        (Some(name), Some(ns)) if kind != "Namespace" => format!("{kind}/{ns}/{name}"),
        (Some(name), _) => format!("{kind}/{name}"),
        (None, _) => kind.to_owned(),
    };
    let spec = object.get("spec");
    let site =
        |place: Place, path: &'static str, meta: Option<NodeRef<'_>>| -> Option<AnnotationSite> {
            let annotations = annotations(reader, meta?.get("annotations")?, place);
            if annotations.is_empty() {
                return None;
            }
            Some(AnnotationSite {
                object: object_name(),
                kind: kind.to_owned(),
                place,
                path,
                namespace: if place == Place::Namespace {
                    name
                } else {
                    namespace
                }
                .map(str::to_owned),
                annotations,
                // Looked up only for a template with annotations, like the name: this runs on
                // every object of every file.
                replicas: if place == Place::PodTemplate {
                    replicas(reader, kind, spec)
                } else {
                    Replicas::One
                },
            })
        };
    let mut sites = Vec::new();
    match (group, kind) {
        ("", "Namespace") => sites.push(site(Place::Namespace, "metadata.annotations", metadata)),
        ("", "Pod") => sites.push(site(Place::Pod, "metadata.annotations", metadata)),
        ("", "PodTemplate") => {
            let template = object.get("template");
            sites.push(site(
                Place::WorkloadMetadata {
                    template: "template.metadata.annotations",
                },
                "metadata.annotations",
                metadata,
            ));
            sites.push(site(
                Place::PodTemplate,
                "template.metadata.annotations",
                template.and_then(|t| t.get("metadata")),
            ));
        }
        ("batch", "CronJob") => {
            let own = Place::WorkloadMetadata {
                template: CRONJOB_TEMPLATE_PATH,
            };
            let job_template = spec.and_then(|s| s.get("jobTemplate"));
            sites.push(site(own, "metadata.annotations", metadata));
            sites.push(site(
                own,
                "spec.jobTemplate.metadata.annotations",
                job_template.and_then(|j| j.get("metadata")),
            ));
            sites.push(site(
                Place::PodTemplate,
                CRONJOB_TEMPLATE_PATH,
                job_template
                    .and_then(|j| j.get("spec"))
                    .and_then(|s| s.get("template"))
                    .and_then(|t| t.get("metadata")),
            ));
        }
        _ => match spec.and_then(|s| s.get("template")) {
            Some(template) if is_pod_template(kind, template) => {
                sites.push(site(
                    Place::WorkloadMetadata {
                        template: TEMPLATE_PATH,
                    },
                    "metadata.annotations",
                    metadata,
                ));
                sites.push(site(
                    Place::PodTemplate,
                    TEMPLATE_PATH,
                    template.get("metadata"),
                ));
            }
            _ => sites.push(site(Place::Unread, "metadata.annotations", metadata)),
        },
    }
    inventory
        .annotation_sites
        .extend(sites.into_iter().flatten());
}

/// How many pods a workload's template makes at once: a DaemonSet's one per node, or
/// `spec.replicas` when it is an integer above one (Deployment, StatefulSet, ReplicaSet,
/// ReplicationController and the kinds that copy their shape).
fn replicas(reader: &Reader<'_>, kind: &str, spec: Option<NodeRef<'_>>) -> Replicas {
    if kind == "DaemonSet" {
        return Replicas::PerNode;
    }
    match spec.and_then(|s| s.get("replicas")) {
        Some(node) => match node.scalar_type() {
            ScalarType::Int(count) if count > 1 => Replicas::Many {
                count,
                loc: reader.loc(node.span()),
            },
            _ => Replicas::One,
        },
        None => Replicas::One,
    }
}

/// A workload kind's template, or any kind's `spec.template` that holds containers (Argo
/// Rollouts, OpenKruise CloneSets, ...).
fn is_pod_template(kind: &str, template: NodeRef<'_>) -> bool {
    template.is_map()
        && (WORKLOAD_KINDS.contains(&kind)
            || template
                .get("spec")
                .and_then(|s| s.get("containers"))
                .is_some())
}

/// The annotations worth keeping at a place: exact CNI keys everywhere (IPP209 needs them where
/// Calico does not read them), near misses where Calico reads annotations or where a workload's
/// own metadata was probably meant for its pods.
fn annotations(reader: &Reader<'_>, map: NodeRef<'_>, place: Place) -> Vec<Annotation> {
    let near_misses_matter = place.is_read() || matches!(place, Place::WorkloadMetadata { .. });
    let mut out = Vec::new();
    for (key_node, value_node) in map.entries() {
        let Some(key) = key_node.as_str() else {
            continue;
        };
        let cni = CniKey::from_key(key);
        if cni.is_none() && !(near_misses_matter && looks_calico_related(key)) {
            continue;
        }
        out.push(Annotation {
            key: Spanned {
                value: key.to_owned(),
                loc: reader.loc(key_node.span()),
            },
            cni,
            value: value(reader, value_node),
        });
    }
    out
}

/// Keys that may be a misspelled CNI annotation: they mention Calico, or their name part is
/// close to a CNI annotation name. Calico's other CNI annotations (`podIP`, written by Calico
/// itself) are not.
fn looks_calico_related(key: &str) -> bool {
    let (prefix, name) = key.rsplit_once('/').unwrap_or(("", key));
    if prefix == CNI_PREFIX && OTHER_CNI_NAMES.contains(&name) {
        return false;
    }
    key.to_ascii_lowercase().contains("calico")
        || crate::suggest::closest(name, CniKey::ALL.map(CniKey::name)).is_some()
}

/// The entries of a JSON string list that starts at byte `offset` of the scalar `node`'s value
/// `text`, each located at its content (or its whole token when empty or `null`).
pub(super) fn entries_at(
    reader: &Reader<'_>,
    node: NodeRef<'_>,
    text: &str,
    offset: usize,
    items: Vec<crate::model::annotations::JsonString>,
) -> Vec<Entry> {
    items
        .into_iter()
        .map(|item| {
            let range = if item.content.is_empty() {
                item.token
            } else {
                item.content
            };
            let (start, end) = (offset + range.start, offset + range.end);
            Entry {
                text: item.text,
                loc: reader.loc(reader.value_range(node, text, start, end)),
                null: item.null,
            }
        })
        .collect()
}

fn value(reader: &Reader<'_>, node: NodeRef<'_>) -> Value {
    let loc = reader.loc(node.span());
    let text = match node.scalar_type() {
        ScalarType::Null => "",
        ScalarType::Str => node.as_str().unwrap_or_default(),
        _ => {
            return Value::NotText(WrongType {
                loc,
                expected: "string",
                found: describe(node),
            });
        }
    };
    let list = if text.is_empty() {
        Ok(Vec::new())
    } else {
        parse_string_list(text)
            .map(|items| entries_at(reader, node, text, 0, items))
            .map_err(|error| JsonFault {
                message: error.message,
                loc: reader.loc(reader.value_span(node, text, error.offset)),
            })
    };
    Value::Text {
        text: text.to_owned(),
        loc,
        list,
    }
}

//! Reads the labels and annotations of IPPools, Nodes and Namespaces into
//! [`MetadataFact`]s for IPP018.

use super::extract::{Reader, group_and_kind};
use super::yaml::{NodeRef, ScalarType};
use crate::model::inventory::Inventory;
use crate::model::metadata::{Annotation, Label, MetadataFact};
use crate::model::pool::Spanned;

pub fn read(reader: &Reader<'_>, object: NodeRef<'_>, inventory: &mut Inventory) {
    let Some((group, kind)) = group_and_kind(object) else {
        return;
    };
    let read = matches!(
        (group, kind),
        ("crd.projectcalico.org" | "projectcalico.org", "IPPool") | ("", "Node" | "Namespace")
    );
    let Some(metadata) = object.get("metadata").filter(|_| read) else {
        return;
    };
    let name = metadata
        .get("name")
        .and_then(|name| name.as_str())
        .unwrap_or_default();
    let spanned = |node: NodeRef<'_>, text: &str| Spanned {
        value: text.to_owned(),
        loc: reader.loc(node.span()),
    };
    let labels: Vec<Label> = metadata
        .get("labels")
        .map(|labels| {
            labels
                .entries()
                .filter_map(|(key, value)| {
                    Some(Label {
                        key: spanned(key, key.as_str()?),
                        value: string(value).map(|text| spanned(value, text)),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let annotations_entry = metadata.get_entry("annotations");
    let annotations: Vec<Annotation> = annotations_entry
        .map(|(_, annotations)| {
            annotations
                .entries()
                .filter_map(|(key, value)| {
                    Some(Annotation {
                        key: spanned(key, key.as_str()?),
                        value_len: value.as_str().map_or(0, str::len),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    if labels.is_empty() && annotations.is_empty() {
        return;
    }
    inventory.metadata.push(MetadataFact {
        object: format!("{kind}/{name}"),
        labels,
        annotations,
        annotations_key: annotations_entry.map(|(key, _)| reader.loc(key.span())),
    });
}

fn string<'a>(node: NodeRef<'a>) -> Option<&'a str> {
    match node.scalar_type() {
        ScalarType::Str => node.as_str(),
        _ => None,
    }
}

//! Reads the pool lists of a CNI network config: a ConfigMap whose `cni_network_config` holds
//! the conflist calico-node installs (the calico-config ConfigMap of manifest installs). The
//! calico plugin's `ipam.ipv4_pools`/`ipv6_pools` name pools as annotations do, so they become an
//! annotation site ([`Place::CniConfig`]) and the same rules judge them, each entry pointing at
//! its place inside the JSON string. Records facts; judges nothing.

use super::extract::{Reader, group_and_kind};
use super::yaml::NodeRef;
use crate::model::annotations::{
    Annotation, AnnotationSite, CniKey, Place, Replicas, Value, parse_string_list,
};
use crate::model::inventory::Inventory;
use crate::model::pool::Spanned;

pub fn read(reader: &Reader<'_>, object: NodeRef<'_>, inventory: &mut Inventory) {
    if group_and_kind(object) != Some(("", "ConfigMap")) {
        return;
    }
    let Some(node) = object
        .get("data")
        .and_then(|data| data.get("cni_network_config"))
    else {
        return;
    };
    let Some(text) = node.as_str() else {
        return;
    };
    let Ok(config) = serde_json::from_str::<serde_json::Value>(&with_placeholders_filled(text))
    else {
        return;
    };
    let plugins = match config.get("plugins").and_then(|p| p.as_array()) {
        Some(plugins) => plugins.iter().collect(),
        None => vec![&config],
    };
    let Some(calico) = plugins.into_iter().find(|p| p["type"] == "calico") else {
        return;
    };
    let metadata = object.get("metadata");
    if let Some(ipam_type) = calico["ipam"]["type"].as_str() {
        inventory
            .cni_ipam_types
            .push(crate::model::cluster::Setting {
                value: ipam_type.to_owned(),
                loc: reader.loc(node.span()),
                what: "CNI network config ipam.type".to_owned(),
            });
    }
    let name = metadata
        .and_then(|m| m.get("name"))
        .and_then(|n| n.as_str())
        .unwrap_or_default();
    let namespace = metadata
        .and_then(|m| m.get("namespace"))
        .and_then(|n| n.as_str());
    let mut annotations = Vec::new();
    for (field, key) in [
        ("ipv4_pools", CniKey::Ipv4Pools),
        ("ipv6_pools", CniKey::Ipv6Pools),
    ] {
        if !calico["ipam"][field].is_array() {
            continue;
        }
        let Some((key_range, list_range)) = find_list(text, field) else {
            continue;
        };
        let list_text = &text[list_range.clone()];
        let Ok(items) = parse_string_list(list_text) else {
            continue;
        };
        let entries =
            super::annotation_sites::entries_at(reader, node, text, list_range.start, items);
        annotations.push(Annotation {
            key: Spanned {
                value: format!("ipam.{field}"),
                loc: reader.loc(reader.value_range(node, text, key_range.start, key_range.end)),
            },
            cni: Some(key),
            value: Value::Text {
                text: list_text.to_owned(),
                loc: reader.loc(reader.value_range(node, text, list_range.start, list_range.end)),
                list: Ok(entries),
            },
        });
    }
    if annotations.is_empty() {
        return;
    }
    inventory.annotation_sites.push(AnnotationSite {
        object: match namespace {
            Some(ns) => format!("ConfigMap/{ns}/{name}"),
            None => format!("ConfigMap/{name}"),
        },
        kind: "ConfigMap".to_owned(),
        place: Place::CniConfig,
        path: "data.cni_network_config",
        namespace: namespace.map(str::to_owned),
        annotations,
        replicas: Replicas::One,
    });
}

/// The CNI network config `text` with each entry of its `ipv4_pools`/`ipv6_pools` lists that
/// `rename` maps given its new name (an entry already in the list is not repeated); every other
/// byte as it was. `None` when no entry changes.
pub fn rename_pool_entries(text: &str, rename: impl Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = text.to_owned();
    let mut changed = false;
    for field in ["ipv4_pools", "ipv6_pools"] {
        let Some((_, list_range)) = find_list(&out, field) else {
            continue;
        };
        let Ok(items) = parse_string_list(&out[list_range.clone()]) else {
            continue;
        };
        if !items.iter().any(|item| rename(&item.text).is_some()) {
            continue;
        }
        let mut names: Vec<String> = Vec::new();
        for item in &items {
            let name = rename(&item.text).unwrap_or_else(|| item.text.clone());
            if !names.contains(&name) {
                names.push(name);
            }
        }
        let list = serde_json::to_string(&names).unwrap_or_default();
        out.replace_range(list_range, &list.replace("\",\"", "\", \""));
        changed = true;
    }
    changed.then_some(out)
}

/// calico-node fills `__CNI_MTU__` and the like in before it writes the file; unquoted ones
/// are not JSON until then. Each is replaced by a number of the same length, so offsets stay.
fn with_placeholders_filled(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(found) = text[at..].find("__") {
        let start = at + found;
        let name_end = text[start + 2..]
            .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .map_or(text.len(), |i| start + 2 + i);
        let is_placeholder =
            name_end >= start + 5 && bytes.get(name_end - 2..name_end) == Some(b"__");
        if is_placeholder {
            out.push_str(&text[at..start]);
            out.push('1');
            out.extend(std::iter::repeat_n('0', name_end - start - 1));
            at = name_end;
        } else {
            out.push_str(&text[at..start + 2]);
            at = start + 2;
        }
    }
    out.push_str(&text[at..]);
    out
}

/// The byte ranges of the key `"field"` and of the JSON list after it.
fn find_list(text: &str, field: &str) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let quoted = format!("\"{field}\"");
    let key_start = text.find(&quoted)?;
    let key_end = key_start + quoted.len();
    let after = &text[key_end..];
    let colon = after.find(':')?;
    if !after[..colon].trim().is_empty() {
        return None;
    }
    let open = key_end + colon + 1 + text[key_end + colon + 1..].find('[')?;
    if !text[key_end + colon + 1..open].trim().is_empty() {
        return None;
    }
    let mut in_string = false;
    let mut escaped = false;
    for (offset, c) in text[open..].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            ']' if !in_string => {
                return Some((key_start + 1..key_end - 1, open..open + offset + 1));
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_numbers_of_the_same_length() {
        let text = r#"{"mtu": __CNI_MTU__, "k": "__KUBECONFIG_FILEPATH__", "x": "a__b"}"#;
        let filled = with_placeholders_filled(text);
        assert_eq!(filled.len(), text.len());
        assert!(
            serde_json::from_str::<serde_json::Value>(&filled).is_ok(),
            "{filled}"
        );
        assert!(filled.contains("\"a__b\""));
    }

    #[test]
    fn renaming_pool_entries_changes_only_the_lists() {
        let text = "{\n  \"mtu\": __CNI_MTU__,\n  \"ipam\": {\"type\": \"calico-ipam\", \"ipv4_pools\": [\"old\", \"10.1.0.0/16\", \"new\"]}\n}";
        let renamed = rename_pool_entries(text, |entry| {
            matches!(entry, "old" | "10.1.0.0/16").then(|| "new".to_owned())
        });
        assert_eq!(
            renamed.as_deref(),
            Some(
                "{\n  \"mtu\": __CNI_MTU__,\n  \"ipam\": {\"type\": \"calico-ipam\", \"ipv4_pools\": [\"new\"]}\n}"
            )
        );
        assert_eq!(rename_pool_entries(text, |_| None), None);
    }

    #[test]
    fn the_list_after_a_key_is_found_whole() {
        let text = r#"{"ipam": {"type": "calico-ipam", "ipv4_pools" : ["a]b", "c"]}}"#;
        let (key, list) = find_list(text, "ipv4_pools").unwrap_or((0..0, 0..0));
        assert_eq!(&text[key], "ipv4_pools");
        assert_eq!(&text[list], r#"["a]b", "c"]"#);
        assert!(find_list(text, "ipv6_pools").is_none());
    }
}

//! Live mode: the commands that read and change a cluster (CONTRACT §1). `client` is the only
//! network I/O and turns failures into one clear sentence; `calico` knows which Calico API the
//! cluster serves; `snapshot` loads live objects into the model through the same loader as files;
//! `plan` decides, without I/O, what a command will send and what the lint rules say about it;
//! `usage` is the IPAM arithmetic of `list` and `show`; `apply` sends a planned write, guarded by
//! resourceVersion. Nothing here starts unless a live command runs.

pub mod apply;
pub mod calico;
pub mod client;
pub mod dump;
pub mod inspect;
pub mod plan;
pub mod runbook;
pub mod snapshot;
pub mod usage;

use serde_json::Value;

/// RFC 7386 JSON merge patch: what the API server does with `application/merge-patch+json`,
/// so a client dry run shows what the server would store.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(entries) => {
            if !target.is_object() {
                *target = Value::Object(serde_json::Map::new());
            }
            if let Value::Object(target) = target {
                for (key, value) in entries {
                    if value.is_null() {
                        target.remove(key);
                    } else {
                        merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
                    }
                }
            }
        }
        other => *target = other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7386() {
        let mut target = json!({"a": "b", "c": {"d": "e", "f": "g"}, "l": [1, 2]});
        merge_patch(
            &mut target,
            &json!({"a": "z", "c": {"f": null}, "l": [3], "n": {"x": 1}}),
        );
        assert_eq!(
            target,
            json!({"a": "z", "c": {"d": "e"}, "l": [3], "n": {"x": 1}})
        );
    }
}

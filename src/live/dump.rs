//! A recorded cluster state (`lint --cluster-dump FILE`): the objects of a `kubectl get … -o
//! yaml` (or `-o json`) read back as the live objects a cluster would send, so that a support
//! bundle is linted exactly as the cluster it came from, and the rule fixtures of the live rules
//! need no server.

use std::path::Path;

use serde_json::{Map, Number, Value};

use crate::manifest::yaml::{self, Limits, NodeRef, ScalarType};
use crate::manifest::{self, MAX_FILE_BYTES, discover};

/// Values a dump may expand to (aliases included): a bound on time and memory, far above any
/// real cluster's dump.
const MAX_VALUES: usize = 50_000_000;

/// The objects of a dump as `lint --cluster` keeps those of a live cluster
/// ([`super::snapshot::cluster_objects`]).
pub fn cluster_objects(path: &Path) -> Result<Vec<Value>, String> {
    read(path).map(super::snapshot::cluster_objects)
}

/// The objects of a dump, `List`s flattened. An error is one sentence naming the file and place.
pub fn read(path: &Path) -> Result<Vec<Value>, String> {
    let shown = path.display();
    let bytes = discover::read_input(path, MAX_FILE_BYTES)
        .map_err(|error| format!("cannot read cluster dump {shown}: {error}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "cluster dump {shown} is larger than {} MiB",
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    let (text, refused) = manifest::decode(0, bytes);
    if let Some(problem) = refused {
        return Err(format!("cluster dump {shown}: {}", problem.message));
    }
    parse(&text, &shown.to_string())
}

/// The objects of a dump's text; `shown` names it in errors.
pub fn parse(text: &str, shown: &str) -> Result<Vec<Value>, String> {
    let parsed = yaml::parse(text, &Limits::default());
    if let Some(error) = parsed.errors.first() {
        let (line, column) = line_col(text, error.span.start);
        return Err(format!(
            "cluster dump {shown}:{line}:{column}: invalid YAML: {}",
            error.message
        ));
    }
    let mut budget = MAX_VALUES;
    let mut objects = Vec::new();
    for document in &parsed.documents {
        let Some(root) = document.root() else {
            continue;
        };
        let value = to_json(root, &mut budget, 0).ok_or_else(|| {
            format!(
                "cluster dump {shown} expands to more than {MAX_VALUES} values or nests too deep"
            )
        })?;
        flatten(value, &mut objects);
    }
    Ok(objects)
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn flatten(value: Value, out: &mut Vec<Value>) {
    match value {
        Value::Object(mut map)
            if map
                .get("kind")
                .and_then(Value::as_str)
                .is_some_and(|kind| kind == "List" || kind.ends_with("List")) =>
        {
            if let Some(Value::Array(items)) = map.remove("items") {
                for item in items {
                    flatten(item, out);
                }
            }
        }
        Value::Object(map) if map.contains_key("kind") => out.push(Value::Object(map)),
        _ => {}
    }
}

/// The JSON value the API server would decode from a YAML node.
fn to_json(node: NodeRef<'_>, budget: &mut usize, depth: usize) -> Option<Value> {
    *budget = budget.checked_sub(1)?;
    if depth > 256 {
        return None;
    }
    if node.is_map() {
        let mut map = Map::new();
        for (key, value) in node.entries() {
            let key = key.as_str().unwrap_or_default().to_owned();
            map.insert(key, to_json(value, budget, depth + 1)?);
        }
        return Some(Value::Object(map));
    }
    if node.is_seq() {
        return node
            .items()
            .map(|item| to_json(item, budget, depth + 1))
            .collect::<Option<Vec<_>>>()
            .map(Value::Array);
    }
    let text = node.as_str().unwrap_or_default();
    Some(match node.scalar_type() {
        ScalarType::Null => Value::Null,
        ScalarType::Bool(b) => Value::Bool(b),
        ScalarType::Int(i) => Value::Number(i.into()),
        ScalarType::Float => text
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map_or_else(|| Value::String(text.to_owned()), Value::Number),
        ScalarType::Str | ScalarType::NotScalar => Value::String(text.to_owned()),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn lists_flatten_and_scalars_keep_their_types() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dump.yaml");
        std::fs::write(
            &path,
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata: {name: n1}\n  status: {allocatable: {pods: \"110\"}}\n---\nkind: IPAMBlock\nspec: {allocations: [0, null], strictAffinity: false}\n",
        )
        .unwrap();
        let objects = read(&path).unwrap();
        assert_eq!(objects.len(), 2);
        assert_eq!(objects[0]["metadata"]["name"], "n1");
        assert_eq!(objects[0]["status"]["allocatable"]["pods"], "110");
        assert_eq!(
            objects[1]["spec"]["allocations"],
            serde_json::json!([0, null])
        );
        assert_eq!(objects[1]["spec"]["strictAffinity"], false);
    }

    #[test]
    fn a_broken_dump_names_the_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dump.yaml");
        std::fs::write(&path, "kind: Pod\nmetadata: [\n").unwrap();
        let error = read(&path).unwrap_err();
        assert!(error.contains("dump.yaml:"), "{error}");
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\nkind: Pod\n";
        std::fs::write(&path, bomb).unwrap();
        assert!(read(&path).unwrap_err().contains("expands"));
    }
}

//! kustomize awareness. A patch file holds a partial object (`spec.disabled: true` and nothing
//! else), which judged as a whole IPPool would be missing its CIDR. The patches a
//! `Kustomization` lists are therefore known by path, and their pools are left out of the
//! inventory: what they change is only visible in kustomize's output, which users can lint by
//! piping `kustomize build` into `lint -`.

use std::path::{Component, Path, PathBuf};

use super::yaml::NodeRef;

/// The files a Kustomization lists as patches, resolved against its own directory.
pub fn patch_files(kustomization_path: &str, object: NodeRef<'_>) -> Vec<PathBuf> {
    let is_kustomization = object.get("kind").and_then(|k| k.as_str()) == Some("Kustomization")
        || object
            .get("apiVersion")
            .and_then(|v| v.as_str())
            .is_some_and(|v| v.starts_with("kustomize.config.k8s.io/"));
    if !is_kustomization {
        return Vec::new();
    }
    let base = Path::new(kustomization_path)
        .parent()
        .unwrap_or(Path::new(""));
    let mut relative: Vec<&str> = Vec::new();
    for key in ["patches", "patchesJson6902"] {
        if let Some(list) = object.get(key) {
            relative.extend(list.items().filter_map(|item| item.get("path")?.as_str()));
        }
    }
    if let Some(list) = object.get("patchesStrategicMerge") {
        // Entries are paths, or inline patches (multi-line YAML), which name no file.
        relative.extend(
            list.items()
                .filter_map(|item| item.as_str())
                .filter(|s| !s.contains('\n')),
        );
    }
    relative
        .into_iter()
        .map(|path| normalize(&base.join(path)))
        .collect()
}

/// Lexical normalisation (no file system access), so `overlays/prod/../../base/x.yaml` and
/// `base/x.yaml` compare equal.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

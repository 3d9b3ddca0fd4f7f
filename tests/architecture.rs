//! The layering STYLE.md and issue 8 ask for, checked on the source text: the model and the
//! loader know nothing of rules, reports or clusters (so live objects feed the same model as
//! files), and `lint` never reaches the live stack (no runtime, no client for an offline run).

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("UTF-8 source");
            out.push((path.display().to_string(), text));
        }
    }
}

fn uses(layer: &str, forbidden: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    let path = Path::new(layer);
    if path.is_dir() {
        sources(path, &mut files);
    } else {
        files.push((
            layer.to_owned(),
            std::fs::read_to_string(path).expect("a source file"),
        ));
    }
    let mut found = Vec::new();
    for (name, text) in &files {
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for module in forbidden {
                if code.contains(module) {
                    found.push(format!("{name}:{}: {}", number + 1, line.trim()));
                }
            }
        }
    }
    found
}

#[test]
fn the_model_and_the_loader_sit_below_rules_reports_and_live_mode() {
    let above = [
        "crate::rules",
        "crate::report",
        "crate::lint",
        "crate::suppress",
        "crate::live",
        "crate::app",
        "crate::settings",
    ];
    for layer in [
        "src/model",
        "src/manifest",
        "src/source.rs",
        "src/suggest.rs",
    ] {
        let found = uses(layer, &above);
        assert!(
            found.is_empty(),
            "{layer} reaches up:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn lint_never_reaches_the_live_stack() {
    let found = uses("src/lint.rs", &["crate::live", "tokio", "kube::"]);
    assert!(found.is_empty(), "{}", found.join("\n"));
    let found = uses("src/live", &["crate::app", "crate::lint"]);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

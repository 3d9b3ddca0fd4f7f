//! Replays the fuzz corpus (`fuzz/corpus/<target>/`) and every crash input kept in
//! `fuzz/artifacts/<target>/` through the fuzz targets' own checks, on stable Rust. A crash the
//! fuzzer found stays fixed once its input is committed.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::Path;

use kubectl_ippool::fuzzing;

fn replay(target: &str, check: fn(&[u8])) -> usize {
    let mut count = 0;
    for dir in ["fuzz/corpus", "fuzz/artifacts"] {
        let dir = Path::new(dir).join(target);
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries.map(|entry| entry.unwrap().path()).collect();
        paths.sort();
        for path in paths {
            let data = fs::read(&path).unwrap();
            let result = std::panic::catch_unwind(|| check(&data));
            assert!(result.is_ok(), "{} fails {target}", path.display());
            count += 1;
        }
    }
    count
}

#[test]
fn the_fuzz_corpus_replays_clean() {
    for (target, check) in [
        ("yaml_loader", fuzzing::yaml_loader as fn(&[u8])),
        ("selector", fuzzing::selector),
        ("cni_annotations", fuzzing::cni_annotations),
        ("pipeline", fuzzing::pipeline),
        ("cluster_dump", fuzzing::cluster_dump),
    ] {
        let replayed = replay(target, check);
        assert!(replayed > 0, "no corpus for {target}");
    }
}

/// The targets the fuzz crate builds are the ones replayed here.
#[test]
fn every_fuzz_target_is_replayed() {
    let manifest = fs::read_to_string("fuzz/Cargo.toml").unwrap();
    for target in [
        "yaml_loader",
        "selector",
        "cni_annotations",
        "pipeline",
        "cluster_dump",
    ] {
        assert!(
            manifest.contains(&format!("name = \"{target}\"")),
            "{target}"
        );
        assert!(Path::new(&format!("fuzz/fuzz_targets/{target}.rs")).exists());
    }
}

//! Property-based fuzzing of the whole offline pipeline (decode → YAML → model → every rule):
//! no input may panic. Inputs are arbitrary bytes, and real manifests with random edits, which
//! reach much deeper into the loader and the rules than random bytes do.
#![allow(clippy::unwrap_used)]

use kubectl_ippool::manifest::{decode, load_file};
use kubectl_ippool::model::version::CalicoVersion;
use kubectl_ippool::rules::{self, Context};
use kubectl_ippool::source::SourceFile;
use proptest::prelude::*;

const SEEDS: &[&str] = &[
    include_str!("../testdata/demo/calico/extra-ippool.yaml"),
    include_str!("../testdata/demo/calico/rack-pools.yaml"),
    include_str!("../testdata/demo/apps/test-ns.yaml"),
    include_str!("../testdata/rules/invalid-cidr/ok-valid-pools.yaml"),
];

fn lint_bytes(bytes: Vec<u8>) {
    let (text, refused) = decode(0, bytes);
    let file = SourceFile::new("fuzz.yaml", text);
    if refused.is_some() {
        return;
    }
    let loaded = load_file(&file, 0);
    for version in [
        CalicoVersion::new(3, 28),
        CalicoVersion::LATEST,
        CalicoVersion::MASTER,
    ] {
        let ctx = Context::new(&loaded.inventory, version);
        for finding in rules::run(&ctx) {
            if let Some(loc) = finding.location.loc {
                assert!(loc.span().start <= loc.span().end && loc.span().end <= file.text.len());
                assert!(file.text.is_char_boundary(loc.span().start));
                assert!(file.text.is_char_boundary(loc.span().end));
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, String),
    Duplicate(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let fragment = prop_oneof![
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("\n".to_owned()),
        Just("  ".to_owned()),
        Just("- ".to_owned()),
        Just(": ".to_owned()),
        Just("[".to_owned()),
        Just("{".to_owned()),
        Just("&a ".to_owned()),
        Just("*a".to_owned()),
        Just("!all()".to_owned()),
        Just("\\".to_owned()),
        Just("|\n".to_owned()),
        Just("---\n".to_owned()),
        Just("é".to_owned()),
        Just("\t".to_owned()),
        "[ -~]{0,8}",
    ];
    prop_oneof![
        (any::<usize>(), 0usize..40).prop_map(|(at, len)| Edit::Delete(at, len)),
        (any::<usize>(), fragment).prop_map(|(at, text)| Edit::Insert(at, text)),
        (any::<usize>(), 0usize..80).prop_map(|(at, len)| Edit::Duplicate(at, len)),
    ]
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(mut text: String, edits: &[Edit]) -> String {
    for edit in edits {
        if text.is_empty() {
            break;
        }
        match edit {
            Edit::Delete(at, len) => {
                let start = floor_boundary(&text, at % text.len());
                let end = floor_boundary(&text, start + len);
                text.replace_range(start..end, "");
            }
            Edit::Insert(at, fragment) => {
                let at = floor_boundary(&text, at % (text.len() + 1));
                text.insert_str(at, fragment);
            }
            Edit::Duplicate(at, len) => {
                let start = floor_boundary(&text, at % text.len());
                let end = floor_boundary(&text, start + len);
                let copy = text[start..end].to_owned();
                text.insert_str(end, &copy);
            }
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        lint_bytes(bytes);
    }

    #[test]
    fn edited_manifests_never_panic(
        seed in 0..SEEDS.len(),
        edits in proptest::collection::vec(edit(), 1..8),
    ) {
        lint_bytes(apply(SEEDS[seed].to_owned(), &edits).into_bytes());
    }
}

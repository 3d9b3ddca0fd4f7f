//! The cheap scan that decides which documents need the full YAML parse (issue 5). Parsing is
//! the expensive step (tens of MB/s per core) while a keyword scan runs at memory speed, and in a
//! real manifest tree most documents — Deployments, Services, ConfigMaps, Secrets — matter to no
//! rule. A document is parsed when anything in it could: a kind the loaders read, an
//! `annotations` key (where CNI annotations and their misspellings live), or a word that only
//! Calico-, kubespray- or suppression-related text contains. The test
//! `skip_loses_no_diagnostic` proves over every fixture and a generated corpus that the findings
//! are the same with and without the skip; `lint --no-skip` parses everything, which also
//! reports syntax errors in documents no rule reads.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Kinds whose objects some loader reads whatever their content.
const KINDS: &[&str] = &[
    "IPPool",
    "Installation",
    "Node",
    "Namespace",
    "ClusterConfiguration",
    "KubeProxyConfiguration",
    "KubeletConfiguration",
    "IPAMConfig",
    "IPAMConfiguration",
    "Kustomization",
    "List",
];

/// Words that make any document worth parsing: Calico env and vars (`CALICO_IPV4POOL_CIDR`,
/// `calico_pool_cidr`, a `calico-node` container), suppression comments (`ippool-lint`),
/// annotation maps (where CNI annotations, their misspellings under any prefix and
/// `ippool.lint/ignore` live), kubespray cluster vars. Matched case-sensitively in the spellings
/// that occur, so the scan runs on the SIMD multi-substring searcher (a case-insensitive one
/// measured at a quarter of the whole run's time).
const WORDS: &[&str] = &[
    "calico",
    "Calico",
    "CALICO",
    "ippool",
    "IPPool",
    "IPPOOL",
    "annotations",
    "kube_pods_subnet",
    "kube_service_addresses",
    "enable_dual_stack_networks",
    "ipv4_stack",
    "ipv6_stack",
];

static WORD_SCAN: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostFirst)
        .build(WORDS)
        .ok()
});

/// One YAML document's bytes, and whether a rule may need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub range: Range<usize>,
    pub relevant: bool,
    /// Whether the parser will count it as a document: it starts with a `---` marker or holds
    /// content beyond blank lines and comments.
    pub is_document: bool,
}

/// Splits `text` at `---` document markers and classifies each piece. JSON (and any text not
/// shaped like block YAML at the top) is one relevant chunk: it is rare in manifest trees, and
/// a keyword scan of flow text proves little.
pub fn chunks(text: &str) -> Vec<Chunk> {
    let first = text.trim_start();
    if first.starts_with('{') || first.starts_with('[') {
        return vec![Chunk {
            range: 0..text.len(),
            relevant: true,
            is_document: true,
        }];
    }
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    starts.extend(
        memchr::memmem::find_iter(bytes, b"\n---")
            .map(|newline| newline + 1)
            .filter(|&line| is_marker(bytes, line)),
    );
    starts.push(bytes.len());
    starts
        .windows(2)
        .map(|pair| {
            let range = pair[0]..pair[1];
            let piece = &text[range.clone()];
            Chunk {
                relevant: is_relevant(piece),
                is_document: is_marker(piece.as_bytes(), 0) || has_content(piece),
                range,
            }
        })
        .collect()
}

/// `---` at the start of a line, followed by a blank, a line end or the end of the text.
fn is_marker(bytes: &[u8], at: usize) -> bool {
    bytes.get(at..at + 3) == Some(b"---")
        && matches!(bytes.get(at + 3), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
}

fn has_content(piece: &str) -> bool {
    piece.lines().any(|line| {
        let line = line.trim();
        !line.is_empty() && !line.starts_with('#') && line != "..."
    })
}

fn is_relevant(piece: &str) -> bool {
    if let Some(kind) = top_level_kind(piece)
        && (KINDS.contains(&kind) || kind.ends_with("List"))
    {
        return true;
    }
    match WORD_SCAN.as_ref() {
        Some(scan) => scan.is_match(piece),
        // The automaton cannot fail to build from these fixed words; parse everything if it did.
        None => true,
    }
}

/// The value of a `kind:` key written at column 0, without quotes or a trailing comment.
fn top_level_kind(piece: &str) -> Option<&str> {
    let start = if piece.starts_with("kind:") {
        0
    } else {
        memchr::memmem::find(piece.as_bytes(), b"\nkind:")? + 1
    };
    let rest = piece.get(start + "kind:".len()..)?;
    let line = rest.split('\n').next().unwrap_or(rest);
    let value = line.split(" #").next().unwrap_or(line).trim();
    Some(value.trim_matches(|c| c == '"' || c == '\''))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_markers_and_classifies() {
        let text = "# header\n---\nkind: Deployment\nmetadata: {name: a}\n---\nkind: IPPool\n--- # c\nkind: ConfigMap\ndata:\n  x: \"--- not a marker\"\n  y: |\n    ---\n";
        let chunks = chunks(text);
        let summary: Vec<(bool, bool)> =
            chunks.iter().map(|c| (c.relevant, c.is_document)).collect();
        assert_eq!(
            summary,
            [(false, false), (false, true), (true, true), (false, true)]
        );
        assert_eq!(&text[chunks[2].range.clone()], "---\nkind: IPPool\n");
    }

    #[test]
    fn words_and_kinds_make_a_document_relevant() {
        for relevant in [
            "kind: Node\n",
            "kind: \"Namespace\"\n",
            "kind: PodList\nitems: []\n",
            "kind: Deployment\nmetadata:\n  annotations: {}\n",
            "kind: DaemonSet\nenv:\n- name: CALICO_IPV4POOL_CIDR\n",
            "calico_pool_cidr: 10.0.0.0/16\n",
            "kube_pods_subnet: 10.0.0.0/16\n",
            "kind: ConfigMap # ippool-lint: ignore IPP000\n",
            "{\"kind\": \"ConfigMap\"}",
        ] {
            assert!(chunks(relevant)[0].relevant, "{relevant}");
        }
        for irrelevant in [
            "kind: Deployment\nspec:\n  replicas: 2\n",
            "kind: ConfigMap\ndata:\n  nodes: \"3\"\n",
            "replicaCount: 2\n",
        ] {
            assert!(!chunks(irrelevant)[0].relevant, "{irrelevant}");
        }
    }
}

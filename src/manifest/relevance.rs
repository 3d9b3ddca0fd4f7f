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

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind, packed};
use memchr::memmem;

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
    // The kubeadm-config ConfigMap's key, where kubeadm keeps its ClusterConfiguration.
    "ClusterConfiguration",
    "kube_service_addresses",
    "enable_dual_stack_networks",
    "ipv4_stack",
    "ipv6_stack",
];

/// Whether a double-quoted escape that can spell any letter (`\x6b`, `\u006b`, `\U0000006b`), or
/// an escaped line break, which joins two lines with nothing between them, could hide a word.
/// Looked for apart from the words: searched together, their two bytes were the searcher's
/// shortest pattern, which limits its fingerprint to two bytes, and two-byte prefixes of the
/// words (`an`, `ca`, `ip`) are everywhere in prose; the word scan was a tenth of a tree's run.
fn hides_a_word(piece: &str) -> bool {
    let bytes = piece.as_bytes();
    memchr::memchr_iter(b'\\', bytes)
        .any(|at| matches!(bytes.get(at + 1), Some(b'x' | b'u' | b'U' | b'\n' | b'\r')))
}

/// Column-0 `kind` lines and root merge keys, looked for in every document: searchers built
/// once, as building one per document was 1.5 % of a tree's run.
static KIND_LINE: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(b"\nkind"));
static ROOT_MERGE: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(b"\n<<"));

static WORD_SCAN: LazyLock<Option<AnyOf>> = LazyLock::new(|| AnyOf::new(WORDS.iter().copied()));

/// Column-0 line starts that could write a `kind` the plain way cannot be read; looked for
/// only in a document with no plain `kind:` line, which is rare (with one, any other spelling
/// of `kind` would be a duplicate key, which kubectl rejects).
static COLUMN0_SCAN: LazyLock<Option<AnyOf>> =
    LazyLock::new(|| AnyOf::new(COLUMN0.iter().copied()));

/// Whether a text contains any of a few fixed words. Where the CPU has the SIMD instructions
/// for it this is the packed (Teddy) searcher alone: it builds in microseconds, where the full
/// automaton's DFA took 40 % of the instructions of a one-file lint (callgrind), and the scan
/// only ever asks whether a word occurs, never which or where.
enum AnyOf {
    Packed(packed::Searcher),
    Automaton(AhoCorasick),
}

impl AnyOf {
    fn new<'w>(words: impl Iterator<Item = &'w str> + Clone) -> Option<AnyOf> {
        let packed = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(words.clone())
            .build();
        match packed {
            Some(searcher) => Some(AnyOf::Packed(searcher)),
            None => AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostFirst)
                .build(words)
                .ok()
                .map(AnyOf::Automaton),
        }
    }

    fn is_match(&self, text: &str) -> bool {
        match self {
            AnyOf::Packed(searcher) => searcher.find(text).is_some(),
            AnyOf::Automaton(automaton) => automaton.is_match(text),
        }
    }
}

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
    // A directive (`%YAML`, `%TAG`) belongs to the document after it: cut apart, that document
    // would lose its tag handles. Files with one are parsed whole.
    let directive =
        text.starts_with('%') || memchr::memmem::find(text.as_bytes(), b"\n%").is_some();
    if first.starts_with('{') || first.starts_with('[') || directive {
        return vec![Chunk {
            range: 0..text.len(),
            relevant: true,
            is_document: true,
        }];
    }
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    starts.extend(
        super::DOCUMENT_MARKER
            .find_iter(bytes)
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

/// A document may be skipped only when the scan is sure no rule reads it: its root is a block
/// mapping at column 0 whose `kind` is written plainly and is not one the loaders read, and no
/// word a rule looks for appears in it. Whatever the scan cannot decide (a flow or indented
/// root, a quoted, tagged, aliased, merged or explicit `? kind` key, escapes that could spell a
/// word) goes to the full parse (issue 9 item 12).
fn is_relevant(piece: &str) -> bool {
    match root_kind(piece) {
        RootKind::Plain(kind) => KINDS.contains(&kind) || kind.ends_with("List"),
        RootKind::None => false,
        RootKind::Unsure | RootKind::Wanted => true,
    }
}

enum RootKind<'a> {
    /// `kind: Deployment` at column 0 of a block mapping root.
    Plain(&'a str),
    /// A block mapping root at column 0 with no `kind` key in any spelling.
    None,
    /// Anything the scan cannot read for sure.
    Unsure,
    /// A word a rule looks for, or an escape that could spell one.
    Wanted,
}

/// Column-0 line starts that can make a root's kind unreadable, or spell `kind`; found in one
/// SIMD pass, so the lines in between (nearly all, being indented) cost nothing.
const COLUMN0: &[&str] = &[
    "\n?", "\n<", "\n\"", "\n'", "\n{", "\n[", "\n!", "\n&", "\n*", "\n%", "\n\t", "\n...",
];

fn root_kind(piece: &str) -> RootKind<'_> {
    // The first content line: the root must be a block mapping at column 0 whose first key is
    // plain.
    let mut offset = 0;
    let mut first_line = true;
    let mut kind = None;
    let first_content = loop {
        let Some(line) = piece[offset..].split_inclusive('\n').next() else {
            // No content: comments only, which may still hold a suppression.
            let wanted =
                WORD_SCAN.as_ref().is_none_or(|scan| scan.is_match(piece)) || hides_a_word(piece);
            return if wanted {
                RootKind::Wanted
            } else {
                RootKind::None
            };
        };
        let line_start = offset;
        offset += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        if std::mem::take(&mut first_line) && is_marker(line.as_bytes(), 0) {
            // Content on the marker line (`--- {kind: Node}`, `--- !!map`) is not read here.
            let rest = line[3..].trim();
            if !(rest.is_empty() || rest.starts_with('#')) {
                return RootKind::Unsure;
            }
            continue;
        }
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if trimmed.len() != line.len() || !line.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return RootKind::Unsure;
        }
        // The scan below finds column-0 lines by their line feed; the text's first has none.
        if line_start == 0 {
            match column0_line(line) {
                Column0::Kind(value) => kind = Some(value),
                Column0::Unsure => return RootKind::Unsure,
                Column0::Other => {}
            }
        }
        break line_start;
    };
    let (Some(words), Some(column0)) = (WORD_SCAN.as_ref(), COLUMN0_SCAN.as_ref()) else {
        // The automata cannot fail to build from these fixed words; parse everything if they did.
        return RootKind::Unsure;
    };
    if words.is_match(piece) || hides_a_word(piece) {
        return RootKind::Wanted;
    }
    let after_first = first_content.saturating_sub(1);
    for newline in KIND_LINE.find_iter(&piece.as_bytes()[after_first..]) {
        let start = after_first + newline + 1;
        let end = piece[start..].find('\n').map_or(piece.len(), |i| start + i);
        match column0_line(piece[start..end].trim_end_matches('\r')) {
            Column0::Kind(value) if kind.is_none() => kind = Some(value),
            Column0::Kind(_) | Column0::Unsure => return RootKind::Unsure,
            Column0::Other => {}
        }
    }
    // A root merge key after the kind overwrites it (go-yaml v2 applies keys in order).
    let merges = || ROOT_MERGE.find(piece.as_bytes()).is_some();
    if (kind.is_none() && column0.is_match(piece)) || (kind.is_some() && merges()) {
        return RootKind::Unsure;
    }
    match kind {
        Some(kind) => RootKind::Plain(kind),
        None => RootKind::None,
    }
}

enum Column0<'a> {
    Kind(&'a str),
    Unsure,
    Other,
}

/// What one column-0 line of a block mapping root says about its kind.
fn column0_line(line: &str) -> Column0<'_> {
    if line.starts_with(['?', '<', '"', '\'', '{', '[', '!', '&', '*', '%', '\t'])
        || line.starts_with("...")
    {
        return Column0::Unsure;
    }
    let Some(rest) = line.strip_prefix("kind") else {
        return Column0::Other;
    };
    let Some(value) = rest.strip_prefix(':') else {
        // `kind :`, `kind\t:`, or another key that starts with the word (`kinds: x`).
        return if rest.trim_start().starts_with(':') {
            Column0::Unsure
        } else {
            Column0::Other
        };
    };
    let value = value.split(" #").next().unwrap_or(value).trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Column0::Kind(value)
    } else {
        Column0::Unsure
    }
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
    fn a_directive_keeps_the_file_whole() {
        let text = "kind: Deployment\n---\n%TAG !k! tag:k8s.io,2024:\n---\nkind: !k!x Node\n";
        let chunks = chunks(text);
        assert_eq!(chunks.len(), 1);
        assert!(chunks[0].relevant);
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
            // Issue 9 item 12: whatever the scan cannot read for sure is parsed.
            "---\n{kind: Node, metadata: {name: a}}\n",
            "--- {kind: Node}\n",
            "\"kind\": Node\n",
            "  kind: Node\n",
            "kind: !!str Node\n",
            "kind: \"No\\x64e\"\n",
            "? kind\n: Node\n",
            "kind : Node\n",
            "kind: *k\n",
            "<<: *base\nkind: Deployment\n",
            "kind: Deployment\nmetadata: &m {kind: Node}\n<<: *m\n",
            "kind: Deployment\nmetadata:\n  name: \"anno\\\n  tations\"\n",
            "kind: Deployment\nmetadata:\n  name: \"\\u0063alico\"\n",
            "kind: Deployment\nmetadata:\n  name: \"\\U00000063alico\"\n",
            "kind: Deployment\r\nmetadata:\r\n  name: \"anno\\\r\n  tations\"\r\n",
            "\u{feff}kind: Node\n",
        ] {
            assert!(chunks(relevant)[0].relevant, "{relevant}");
        }
        for irrelevant in [
            "kind: Deployment\nspec:\n  replicas: 2\n",
            "kind: ConfigMap\ndata:\n  nodes: \"3\"\n",
            "replicaCount: 2\n",
            "kind: Deployment # a comment\r\nspec:\r\n  kind: Node\r\n",
            "# header\nkind: Secret\nkinds: [Node]\n",
            "kind: Secret\nstringData:\n  path: \"C:\\\\temp\\tx\"\n",
        ] {
            assert!(!chunks(irrelevant)[0].relevant, "{irrelevant}");
        }
    }
}

//! Inputs: which files to read (`discover`), reading them safely, and loading their documents
//! into model objects with spans (`load_text`). Unreadable or unparsable input becomes a
//! [`LoadProblem`], data that `lint` turns into IPP000 findings; it never stops the run. This
//! layer knows the model and the source map, never rules or reports, so live objects can be
//! loaded through it just as files are.

pub mod annotation_sites;
pub mod cluster_facts;
pub mod cni_config;
pub mod discover;
pub mod emit;
pub mod extract;
pub mod ipam_facts;
pub mod kustomize;
pub mod leniency;
pub mod metadata_facts;
pub mod pool_sources;
pub mod relevance;
pub mod yaml;

use crate::model::inventory::Inventory;
use crate::source::{Loc, SourceFile, SourceId};
use rayon::prelude::*;
use yaml::{Limits, NodeRef, Parsed, Span};

/// Larger files are not manifests anyone applies (the API server takes at most 3 MiB a request);
/// reading them would only cost memory.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Why a file or document could not be read as YAML: the position, and what to tell the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadProblem {
    pub message: String,
    pub loc: Loc,
    /// Drawn under the span; the message when `None`.
    pub label: Option<String>,
    pub help: Option<String>,
    /// A second place that explains the first (the first of two duplicate keys).
    pub related: Option<(String, Loc)>,
}

impl LoadProblem {
    fn new(message: impl Into<String>, loc: Loc) -> Self {
        Self {
            message: message.into(),
            loc,
            label: None,
            help: None,
            related: None,
        }
    }

    fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// What loading one file produced.
#[derive(Debug, Default)]
pub struct Loaded {
    pub inventory: Inventory,
    pub problems: Vec<LoadProblem>,
    pub documents: usize,
    /// Of those, documents the cheap scan found no rule reads, counted but not parsed.
    pub skipped: usize,
    /// Files this file lists as kustomize patches (partial objects).
    pub patch_files: Vec<std::path::PathBuf>,
}

/// What a caller reads from the tree besides the model, while the tree is still in memory (lint
/// reads suppression comments and annotations this way).
pub trait Extras {
    fn object(&mut self, reader: &extract::Reader<'_>, object: NodeRef<'_>);
    /// Once per file loaded whole, with the file's tree.
    fn file(&mut self, source: SourceId, text: &str, parsed: &Parsed);
    /// Once per tree: the whole file's, or each document's when the file is loaded a document
    /// at a time.
    fn tree(&mut self, _source: SourceId, _parsed: &Parsed) {}
    /// Whether the file may be loaded a document at a time, `file` then not called at all.
    fn per_document(&self, _text: &str) -> bool {
        true
    }
    /// Appends what another instance read from the documents after this one's: a file loaded
    /// a document at a time is loaded in runs of documents side by side, each into extras of
    /// its own.
    fn join(&mut self, later: Self)
    where
        Self: Sized;
}

/// For callers that want the model only.
#[derive(Default)]
pub struct NoExtras;

impl Extras for NoExtras {
    fn object(&mut self, _: &extract::Reader<'_>, _: NodeRef<'_>) {}
    fn file(&mut self, _: SourceId, _: &str, _: &Parsed) {}
    fn join(&mut self, _: NoExtras) {}
}

impl Loaded {
    /// Appends what the documents after this one's gave.
    fn append(&mut self, later: Loaded) {
        let Loaded {
            inventory,
            problems,
            documents,
            skipped,
            patch_files,
        } = later;
        self.inventory.merge(inventory);
        self.problems.extend(problems);
        self.documents += documents;
        self.skipped += skipped;
        self.patch_files.extend(patch_files);
    }
}

/// `\n---`, built once: a searcher per file was a measurable part of a run.
pub static DOCUMENT_MARKER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\n---"));

/// The bytes as text when [`decode`] would take them as they are: UTF-8 without a NUL byte or
/// a UTF-16 byte order mark.
pub fn as_utf8(bytes: &[u8]) -> Option<&str> {
    if matches!(bytes.get(..2), Some([0xFF, 0xFE] | [0xFE, 0xFF]))
        || memchr::memchr(0, bytes).is_some()
    {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

/// Decodes raw bytes, refusing binary and non-UTF-8 content with a problem at the first bad byte.
/// Returns the text to keep for display (lossy where the bytes are not UTF-8) and whether it can
/// be parsed.
pub fn decode(source: SourceId, bytes: Vec<u8>) -> (String, Option<LoadProblem>) {
    // kubectl reads UTF-16 with a byte order mark (issue 9 item 15); so do we, and report
    // positions in the decoded text.
    let utf16 = match bytes.get(..2) {
        Some([0xFF, 0xFE]) => Some(u16::from_le_bytes as fn([u8; 2]) -> u16),
        Some([0xFE, 0xFF]) => Some(u16::from_be_bytes as fn([u8; 2]) -> u16),
        _ => None,
    };
    if let Some(unit) = utf16 {
        let units = bytes[2..]
            .chunks(2)
            .map(|pair| unit([pair[0], pair.get(1).copied().unwrap_or(0)]));
        let mut text = String::with_capacity(bytes.len());
        for decoded in char::decode_utf16(units) {
            match decoded {
                Ok(c) => text.push(c),
                Err(_) => {
                    let at = text.len();
                    let problem = LoadProblem::new(
                        "the file is not valid UTF-16 (an unpaired surrogate)",
                        Loc::new(source, Span { start: at, end: at }),
                    )
                    .label("invalid UTF-16")
                    .help("re-encode the file as UTF-8");
                    return (text, Some(problem));
                }
            }
        }
        return decode(source, text.into_bytes());
    }
    if let Some(nul) = memchr::memchr(0, &bytes) {
        let text = String::from_utf8_lossy(&bytes[..nul]).into_owned();
        let at = text.len();
        let problem = LoadProblem::new(
            "binary file: a NUL byte is not allowed in YAML or JSON",
            Loc::new(source, Span { start: at, end: at }),
        )
        .label("NUL byte here")
        .help("lint only manifest files; exclude this path with --exclude");
        return (text, Some(problem));
    }
    match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let problem = LoadProblem::new(
                format!("the file is not valid UTF-8 (invalid byte at offset {valid})"),
                Loc::new(
                    source,
                    Span {
                        start: valid,
                        end: valid,
                    },
                ),
            )
            .label("invalid UTF-8")
            .help("Kubernetes manifests must be UTF-8; re-encode the file");
            (text, Some(problem))
        }
    }
}

/// Parses every document of one file and extracts every object the rules need.
pub fn load_file(file: &SourceFile, source: SourceId) -> Loaded {
    load_text(&file.name, &file.text, source, false, &mut NoExtras)
}

/// The loader proper, on a file's name (as reported) and text. With `skip`, documents that
/// matter to no rule (decided by [`relevance`]'s cheap scan) are counted, not parsed.
pub fn load_text<E: Extras + Default + Send>(
    name: &str,
    text: &str,
    source: SourceId,
    skip: bool,
    extras: &mut E,
) -> Loaded {
    let mut loaded = Loaded::default();
    if text.len() > DOCUMENT_AT_A_TIME_BYTES && extras.per_document(text) {
        return load_in_runs(name, text, source, skip, extras, DOCUMENT_RUN_BYTES);
    }
    let (text, parsed, documents) = leniency::parse_leniently(text, |text| {
        let mut documents = 0;
        let parsed = if skip {
            parse_relevant(text, &mut documents)
        } else {
            yaml::parse(text, &Limits::default())
        };
        (parsed, documents)
    });
    let text: &str = &text;
    loaded.documents = documents;
    loaded.skipped = documents;
    loaded.problems.extend(kubectl_rejects(text, source));
    absorb(name, text, source, &parsed, &mut loaded, extras);
    extras.file(source, text, &parsed);
    loaded
}

/// A file larger than this is parsed and read one document at a time, each tree dropped before
/// the next is built: a tree costs about 40 bytes per byte of YAML, so 100k pools in one 21 MB
/// file held 850 MB at once.
const DOCUMENT_AT_A_TIME_BYTES: usize = 1024 * 1024;

/// A large file's documents, each parsed on its own and dropped before the next, in runs of
/// about `run_limit` bytes loaded side by side.
fn load_in_runs<E: Extras + Default + Send>(
    name: &str,
    text: &str,
    source: SourceId,
    skip: bool,
    extras: &mut E,
    run_limit: usize,
) -> Loaded {
    let mut loaded = Loaded::default();
    loaded.problems.extend(kubectl_rejects(text, source));
    let limits = Limits::default();
    let chunks = relevance::chunks(text);
    // Runs of documents are loaded side by side (one big file was one thread's work while the
    // other core idled) and appended in document order, so the result is the sequential one's.
    let mut runs = Vec::new();
    let mut run_start = 0;
    let mut run_bytes = 0;
    for (index, chunk) in chunks.iter().enumerate() {
        run_bytes += chunk.range.len();
        if run_bytes >= run_limit {
            runs.push(&chunks[run_start..=index]);
            run_start = index + 1;
            run_bytes = 0;
        }
    }
    runs.push(&chunks[run_start..]);
    let load_run = |run: &&[relevance::Chunk]| {
        let mut part = Loaded::default();
        let mut part_extras = E::default();
        for chunk in run.iter() {
            if skip && !chunk.relevant {
                if chunk.is_document {
                    part.documents += 1;
                    part.skipped += 1;
                }
                continue;
            }
            let (patched, parsed, ()) = leniency::parse_leniently(text, |text| {
                let mut parsed = yaml::Parsed::default();
                yaml::parse_range_into(text, chunk.range.clone(), &limits, &mut parsed);
                (parsed, ())
            });
            absorb(name, &patched, source, &parsed, &mut part, &mut part_extras);
        }
        (part, part_extras)
    };
    // A few runs at a time: each part holds its pools until appended, and all of them at once
    // were the file's pools twice over.
    for wave in runs.chunks(4 * rayon::current_num_threads()) {
        let parts: Vec<(Loaded, E)> = wave.par_iter().map(load_run).collect();
        for (part, part_extras) in parts {
            loaded.append(part);
            extras.join(part_extras);
        }
    }
    loaded
}

/// The text of one run of documents that a large file's loading hands to a worker.
const DOCUMENT_RUN_BYTES: usize = 256 * 1024;

/// Everything the loader takes from a parsed tree: its syntax errors, the objects and facts of
/// its documents, what the extras read, and duplicate keys.
fn absorb(
    name: &str,
    text: &str,
    source: SourceId,
    parsed: &Parsed,
    loaded: &mut Loaded,
    extras: &mut dyn Extras,
) {
    // JSON is YAML to the parser, but a JSON file's author reads JSON's words.
    let json = text.trim_start().starts_with(['{', '[']);
    for error in &parsed.errors {
        let (language, message) = if json {
            let message = error
                .message
                .replace("a flow mapping", "an object")
                .replace("a flow sequence", "an array")
                .replace("flow mapping", "object")
                .replace("flow sequence", "array");
            ("JSON", message)
        } else {
            ("YAML", error.message.clone())
        };
        loaded.problems.push(
            LoadProblem::new(
                format!("invalid {language}: {message}"),
                Loc::new(source, tab_start(text, error)),
            )
            .label(message),
        );
    }
    let reader = extract::Reader::new(source, text);
    let mut object_spans: Vec<Span> = Vec::new();
    for document in &parsed.documents {
        loaded.documents += 1;
        for object in reader.objects(document) {
            if object.get("apiVersion").is_some() && object.get("kind").is_some() {
                object_spans.push(object.span());
            }
            loaded
                .patch_files
                .extend(kustomize::patch_files(name, object));
            if let Some(pool) = reader.pool(object) {
                loaded.inventory.pools.push(Box::new(pool));
            }
            cluster_facts::read(&reader, object, &mut loaded.inventory);
            ipam_facts::read(&reader, object, &mut loaded.inventory);
            metadata_facts::read(&reader, object, &mut loaded.inventory);
            annotation_sites::read(&reader, object, &mut loaded.inventory);
            cni_config::read(&reader, object, &mut loaded.inventory);
            pool_sources::read_object(&reader, object, &mut loaded.inventory);
            extras.object(&reader, object);
        }
        // Files that are not Kubernetes objects: kubespray group_vars.
        if let Some(root) = document.root()
            && root.is_map()
            && root.get("kind").is_none()
        {
            pool_sources::read_vars(&reader, root, &mut loaded.inventory);
        }
    }
    extras.tree(source, parsed);
    // Duplicate keys: kubectl's strict field validation rejects them in Kubernetes objects;
    // elsewhere (Ansible vars, Helm values) they are someone else's business.
    for (first, second, key) in &parsed.duplicate_keys {
        let in_object = object_spans
            .iter()
            .any(|span| span.start <= second.start && second.end <= span.end);
        if !in_object {
            continue;
        }
        let mut problem =
            LoadProblem::new(format!("duplicate key {key:?}"), Loc::new(source, *second))
                .label("defined again here")
                .help("remove one of the two; Kubernetes rejects objects with duplicate fields");
        problem.related = Some(("first defined here".to_owned(), Loc::new(source, *first)));
        loaded.problems.push(problem);
    }
}

/// A tab error names the tab: the parser reports the token after it.
fn tab_start(text: &str, error: &yaml::YamlError) -> Span {
    if !error.message.contains("tab") {
        return error.span;
    }
    let before = &text.as_bytes()[..error.span.start.min(text.len())];
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |at| at + 1);
    match memchr::memrchr(b'\t', &before[line_start..]) {
        Some(at) => {
            let tab = line_start + at;
            Span {
                start: tab,
                end: tab + 1,
            }
        }
        None => error.span,
    }
}

/// Parses only the documents the cheap scan marks relevant, and counts the others as the parser
/// would have.
fn parse_relevant(text: &str, documents: &mut usize) -> yaml::Parsed {
    let chunks = relevance::chunks(text);
    if chunks.iter().all(|chunk| chunk.relevant) {
        return yaml::parse(text, &Limits::default());
    }
    let mut parsed = yaml::Parsed::default();
    let limits = Limits::default();
    let mut run: Option<std::ops::Range<usize>> = None;
    for chunk in &chunks {
        if chunk.relevant {
            // Neighbouring relevant documents are parsed in one call.
            run = Some(run.map_or(chunk.range.clone(), |r| r.start..chunk.range.end));
            continue;
        }
        if chunk.is_document {
            *documents += 1;
        }
        if let Some(range) = run.take() {
            yaml::parse_range_into(text, range, &limits, &mut parsed);
        }
    }
    if let Some(range) = run {
        yaml::parse_range_into(text, range, &limits, &mut parsed);
    }
    parsed
}

/// What kubectl rejects before or while parsing YAML that our parser lets through (issue 9
/// item 15): a `---` line with content after the marker, which its document splitter refuses
/// ("invalid Yaml document separator", `k8s.io/apimachinery/pkg/util/yaml`), and a control
/// character anywhere, which go-yaml v2's reader refuses ("control characters are not
/// allowed").
fn kubectl_rejects(text: &str, source: SourceId) -> Vec<LoadProblem> {
    let mut problems = Vec::new();
    let json = text.trim_start().starts_with(['{', '[']);
    if !json {
        let marker_lines = std::iter::once(0)
            .chain(DOCUMENT_MARKER.find_iter(text.as_bytes()).map(|at| at + 1))
            .filter(|&at| text[at..].starts_with("---"));
        for at in marker_lines {
            let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            let rest = text[at + 3..line_end].trim();
            if rest.is_empty() || rest.starts_with('#') {
                continue;
            }
            problems.push(
                LoadProblem::new(
                    format!("invalid YAML document separator: {rest}"),
                    Loc::new(
                        source,
                        Span {
                            start: at,
                            end: line_end.max(at + 3),
                        },
                    ),
                )
                .label("kubectl's document splitter allows only a comment after `---`")
                .help("put the content on the next line, after a line holding only `---`"),
            );
        }
    }
    // A byte test first: C0 controls and DEL are single bytes, C1 controls start with 0xC2,
    // U+FFFE and U+FFFF with 0xEF. Almost every file has none of these.
    // Branch-free over 64-byte chunks, so the compiler vectorizes it: a plain `any` ran at a
    // byte a cycle and was a fifth of a whole run.
    let suspicious = text.as_bytes().chunks(64).any(|chunk| {
        chunk.iter().fold(0u8, |seen, &b| {
            let c0 = u8::from(b < 0x20) & u8::from(b != b'\t' && b != b'\n' && b != b'\r');
            seen | c0 | u8::from(b == 0x7f) | u8::from(b == 0xc2) | u8::from(b == 0xef)
        }) != 0
    });
    if !suspicious {
        return problems;
    }
    let language = if json { "JSON" } else { "YAML" };
    let mut controls = text
        .char_indices()
        .filter(|&(_, c)| forbidden_control(c, json));
    if let Some((at, c)) = controls.next() {
        let more = controls.count();
        let message = match more {
            0 => format!(
                "control character U+{:04X} is not allowed in {language}",
                u32::from(c)
            ),
            n => format!(
                "control character U+{:04X} is not allowed in {language} ({n} more in this file)",
                u32::from(c)
            ),
        };
        problems.push(
            LoadProblem::new(
                message,
                Loc::new(source, Span { start: at, end: at + c.len_utf8() }),
            )
            .label("control character")
            .help(if json {
                "JSON allows no raw control character; write it as an escape in a string, e.g. \"\\u001b\""
            } else {
                "kubectl refuses the file (\"control characters are not allowed\"); write it as an escape in a double-quoted string, e.g. \"\\x1b\""
            }),
        );
    }
    problems
}

/// go-yaml v2 allows tab, line feed, carriage return, NEL and the printable ranges; JSON, read
/// by kubectl's JSON decoder instead, allows DEL and C1 controls inside strings.
fn forbidden_control(c: char, json: bool) -> bool {
    match c {
        '\t' | '\n' | '\r' => false,
        '\u{0}'..='\u{1f}' => true,
        '\u{7f}' | '\u{80}'..='\u{9f}' => !json && c != '\u{85}',
        '\u{fffe}' | '\u{ffff}' => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A large file loaded one document at a time, in runs of documents side by side, gives
    /// what loading it whole gives: the same pools and facts, problems, and counts, in the same
    /// order, with and without the skip, whatever the runs' length.
    #[test]
    fn a_document_at_a_time_is_the_whole_file_in_parts() {
        let mut text = String::new();
        for i in 0..60 {
            text.push_str(&format!(
                "---\napiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: p{i}\nspec:\n  cidr: 10.{i}.0.0/16\n  ipipMode: &m Always\n  vxlanMode: *m\n"
            ));
            text.push_str("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: |\n    text\n");
            if i == 20 {
                text.push_str("---\napiVersion: v1\nkind: IPPool\nspec: [unclosed\n");
            }
            if i == 30 {
                text.push_str(
                    "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: n\n  name: again\n",
                );
            }
        }
        text.push_str("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  annotations:\n    cni.projectcalico.org/ipv4pools: '[\"p1\"]'\n");
        for (skip, run_limit) in [
            (true, DOCUMENT_RUN_BYTES),
            (false, 1),
            (true, 1),
            (false, 900),
        ] {
            let whole = load_text("f.yaml", &text, 3, skip, &mut NoExtras);
            let parts = load_in_runs("f.yaml", &text, 3, skip, &mut NoExtras, run_limit);
            assert_eq!(
                format!("{:?}", whole.inventory),
                format!("{:?}", parts.inventory)
            );
            assert_eq!(
                format!("{:?}", whole.problems),
                format!("{:?}", parts.problems)
            );
            assert_eq!(
                (whole.documents, whole.skipped),
                (parts.documents, parts.skipped)
            );
            assert!(!whole.problems.is_empty() && whole.inventory.pools.len() == 60);
        }
    }
}

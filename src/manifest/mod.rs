//! Inputs: which files to read (`discover`), reading them safely, and loading their documents
//! into model objects with spans (`load_text`). Unreadable or unparsable input becomes a
//! [`LoadProblem`], data that `lint` turns into IPP000 findings; it never stops the run. This
//! layer knows the model and the source map, never rules or reports, so live objects can be
//! loaded through it just as files are.

pub mod annotation_sites;
pub mod cluster_facts;
pub mod discover;
pub mod emit;
pub mod extract;
pub mod kustomize;
pub mod metadata_facts;
pub mod pool_sources;
pub mod relevance;
pub mod yaml;

use crate::model::inventory::Inventory;
use crate::source::{Loc, SourceFile, SourceId};
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
    /// Files this file lists as kustomize patches (partial objects).
    pub patch_files: Vec<std::path::PathBuf>,
}

/// What a caller reads from the tree besides the model, while the tree is still in memory (lint
/// reads suppression comments and annotations this way).
pub trait Extras {
    fn object(&mut self, reader: &extract::Reader<'_>, object: NodeRef<'_>);
    fn file(&mut self, source: SourceId, text: &str, parsed: &Parsed);
}

/// For callers that want the model only.
pub struct NoExtras;

impl Extras for NoExtras {
    fn object(&mut self, _: &extract::Reader<'_>, _: NodeRef<'_>) {}
    fn file(&mut self, _: SourceId, _: &str, _: &Parsed) {}
}

/// Decodes raw bytes, refusing binary and non-UTF-8 content with a problem at the first bad byte.
/// Returns the text to keep for display (lossy where the bytes are not UTF-8) and whether it can
/// be parsed.
pub fn decode(source: SourceId, bytes: Vec<u8>) -> (String, Option<LoadProblem>) {
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
pub fn load_text(
    name: &str,
    text: &str,
    source: SourceId,
    skip: bool,
    extras: &mut dyn Extras,
) -> Loaded {
    let mut loaded = Loaded::default();
    let parsed = if skip {
        parse_relevant(text, &mut loaded.documents)
    } else {
        yaml::parse(text, &Limits::default())
    };
    for error in &parsed.errors {
        loaded.problems.push(
            LoadProblem::new(
                format!("invalid YAML: {}", error.message),
                Loc::new(source, error.span),
            )
            .label(error.message.clone()),
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
                loaded.inventory.pools.push(pool);
            }
            cluster_facts::read(&reader, object, &mut loaded.inventory);
            metadata_facts::read(&reader, object, &mut loaded.inventory);
            annotation_sites::read(&reader, object, &mut loaded.inventory);
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
    extras.file(source, text, &parsed);
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
    loaded
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

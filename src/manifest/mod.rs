//! Inputs: which files to read (`discover`), reading them safely, and loading their documents
//! into model objects with spans (`load_file`). Unreadable or unparsable input becomes an IPP000
//! finding or a discovery problem; it never stops the run.

pub mod annotation_sites;
pub mod cluster_facts;
pub mod discover;
pub mod extract;
pub mod kustomize;
pub mod pool_sources;
pub mod relevance;
pub mod source;
pub mod yaml;

use std::fmt::Write as _;

use source::{Loc, SourceFile, SourceId};
use yaml::{Limits, Span};

use crate::model::inventory::Inventory;
use crate::report::{Finding, Location};
use crate::rules::invalid_yaml::RULE as INVALID_YAML;

/// Larger files are not manifests anyone applies (the API server takes at most 3 MiB a request);
/// reading them would only cost memory.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// What loading one file produced.
#[derive(Debug, Default)]
pub struct Loaded {
    pub inventory: Inventory,
    pub findings: Vec<Finding>,
    pub documents: usize,
    /// Files this file lists as kustomize patches (partial objects).
    pub patch_files: Vec<std::path::PathBuf>,
    /// `# ippool-lint: ignore` comments and `ippool.lint/ignore` annotations, applied to the
    /// findings once the rules ran.
    pub suppressions: Vec<crate::suppress::Suppression>,
}

/// Decodes raw bytes, refusing binary and non-UTF-8 content with a finding at the first bad byte.
/// Returns the text to keep for display (lossy where the bytes are not UTF-8) and whether it can
/// be parsed.
pub fn decode(source: SourceId, bytes: Vec<u8>) -> (String, Option<Finding>) {
    if let Some(nul) = memchr::memchr(0, &bytes) {
        let text = String::from_utf8_lossy(&bytes[..nul]).into_owned();
        let at = text.len();
        let finding = INVALID_YAML
            .finding(
                "binary file: a NUL byte is not allowed in YAML or JSON",
                Location::at(Loc::new(source, Span { start: at, end: at }), None),
            )
            .with_label("NUL byte here")
            .with_help("lint only manifest files; exclude this path with --exclude");
        return (text, Some(finding));
    }
    match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let finding = INVALID_YAML
                .finding(
                    format!("the file is not valid UTF-8 (invalid byte at offset {valid})"),
                    Location::at(
                        Loc::new(
                            source,
                            Span {
                                start: valid,
                                end: valid,
                            },
                        ),
                        None,
                    ),
                )
                .with_label("invalid UTF-8")
                .with_help("Kubernetes manifests must be UTF-8; re-encode the file");
            (text, Some(finding))
        }
    }
}

/// Parses every document of one file and extracts every object the rules need.
pub fn load_file(file: &SourceFile, source: SourceId) -> Loaded {
    load_text(&file.name, &file.text, source, false)
}

/// Like [`load_file`], but documents that matter to no rule (decided by [`relevance`]'s cheap
/// scan) are counted, not parsed.
pub fn load_file_skipping(file: &SourceFile, source: SourceId) -> Loaded {
    load_text(&file.name, &file.text, source, true)
}

/// The loader proper, on a file's name (as reported) and text; `skip` as in
/// [`load_file_skipping`].
pub fn load_text(name: &str, text: &str, source: SourceId, skip: bool) -> Loaded {
    let mut loaded = Loaded::default();
    let parsed = if skip {
        parse_relevant(text, &mut loaded.documents)
    } else {
        yaml::parse(text, &Limits::default())
    };
    for error in &parsed.errors {
        loaded.findings.push(
            INVALID_YAML
                .finding(
                    format!("invalid YAML: {}", error.message),
                    Location::at(Loc::new(source, error.span), None),
                )
                .with_label(error.message.clone()),
        );
    }
    let reader = extract::Reader { source, text };
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
            annotation_sites::read(&reader, object, &mut loaded.inventory);
            pool_sources::read_object(&reader, object, &mut loaded.inventory);
            crate::suppress::read_object(
                &reader,
                object,
                &mut loaded.suppressions,
                &mut loaded.findings,
            );
        }
        // Files that are not Kubernetes objects: kubespray group_vars.
        if let Some(root) = document.root()
            && root.is_map()
            && root.get("kind").is_none()
        {
            pool_sources::read_vars(&reader, root, &mut loaded.inventory);
        }
    }
    crate::suppress::read_comments(
        source,
        text,
        &parsed,
        &mut loaded.suppressions,
        &mut loaded.findings,
    );
    // Duplicate keys: kubectl's strict field validation rejects them in Kubernetes objects;
    // elsewhere (Ansible vars, Helm values) they are someone else's business.
    for (first, second, key) in &parsed.duplicate_keys {
        let in_object = object_spans
            .iter()
            .any(|span| span.start <= second.start && second.end <= span.end);
        if !in_object {
            continue;
        }
        let mut message = String::new();
        let _ = write!(message, "duplicate key {key:?}");
        loaded.findings.push(
            INVALID_YAML
                .finding(message, Location::at(Loc::new(source, *second), None))
                .with_label("defined again here")
                .with_related(
                    "first defined here",
                    Location::at(Loc::new(source, *first), None),
                )
                .with_help(
                    "remove one of the two; Kubernetes rejects objects with duplicate fields",
                ),
        );
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

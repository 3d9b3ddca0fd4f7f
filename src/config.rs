//! `.ippool-lint.yaml` (CONTRACT §6): finding it (the working directory upward, or `--config`),
//! reading it with the crate's own YAML loader, and validating every key and value, so that a
//! mistake is a usage error pointing at the file, line and key. Merging with the command-line
//! flags is `settings`' job.

use std::fmt;
use std::path::{Path, PathBuf};

use ipnet::IpNet;
use miette::{Diagnostic, LabeledSpan, SourceCode};

use crate::manifest::extract::{Reader, describe};
use crate::manifest::yaml::{self, Limits, NodeRef, ScalarType, Span};
use crate::model::cidr;
use crate::model::version::CalicoVersion;
use crate::report::Severity;
use crate::rules::{self, RULES, Rule};
use crate::source::SourceFile;

pub const FILE_NAME: &str = ".ippool-lint.yaml";

/// Every key the file may hold, in the order the README documents them.
pub const KEYS: [&str; 10] = [
    "select",
    "ignore",
    "severity",
    "exclude",
    "nodes",
    "podsPerNode",
    "maxBlocksPerHost",
    "clusterCIDRs",
    "serviceCIDRs",
    "calicoVersion",
];

/// A configuration file is a handful of lines; anything bigger is the wrong file.
const MAX_BYTES: u64 = 1024 * 1024;

/// The settings a file gives; `None` (or empty) where it says nothing.
#[derive(Debug, Default)]
pub struct Config {
    /// The file as messages name it.
    pub path: Option<String>,
    pub select: Option<Vec<&'static Rule>>,
    pub ignore: Option<Vec<&'static Rule>>,
    /// Severity overrides, applied to findings after the rules ran.
    pub severity: Vec<(&'static Rule, Severity)>,
    pub exclude: Option<Vec<String>>,
    pub nodes: Option<u64>,
    pub pods_per_node: Option<u64>,
    pub max_blocks_per_host: Option<u64>,
    pub cluster_cidrs: Option<Vec<IpNet>>,
    pub service_cidrs: Option<Vec<IpNet>>,
    pub calico_version: Option<CalicoVersion>,
}

/// A configuration file that cannot be read or is wrong: `path:line:column: what`, drawn with
/// the snippet when there is a position.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    message: String,
    snippet: Option<Box<Snippet>>,
    help: Option<String>,
}

#[derive(Debug)]
struct Snippet {
    /// Our reader, not miette's: long lines are clipped, control characters neutralised.
    source: crate::report::snippet::Snippet,
    span: Span,
    label: String,
}

impl Diagnostic for ConfigError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("ippool::config"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet
            .as_ref()
            .map(|snippet| &snippet.source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let snippet = self.snippet.as_ref()?;
        let (span, clipped) = snippet
            .source
            .label_span(snippet.span.start, snippet.span.end);
        let label = match clipped {
            Some(note) => format!("{} ({note})", snippet.label),
            None => snippet.label.clone(),
        };
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(label),
            span,
        ))))
    }
}

impl ConfigError {
    fn plain(message: String) -> Self {
        Self {
            message,
            snippet: None,
            help: None,
        }
    }
}

/// The nearest `.ippool-lint.yaml` from `cwd` upward: its path, and how messages name it
/// (relative to `cwd`: `.ippool-lint.yaml`, `../.ippool-lint.yaml`, …).
pub fn discover(cwd: &Path) -> Option<(PathBuf, String)> {
    cwd.ancestors().enumerate().find_map(|(depth, dir)| {
        let path = dir.join(FILE_NAME);
        path.is_file()
            .then(|| (path, format!("{}{FILE_NAME}", "../".repeat(depth))))
    })
}

/// Reads and validates a configuration file; `display` is how messages name it.
pub fn load(path: &Path, display: &str) -> Result<Config, ConfigError> {
    let read = || crate::manifest::discover::read_input(path, MAX_BYTES);
    let bytes = read().map_err(|error| {
        ConfigError::plain(match error.kind() {
            std::io::ErrorKind::NotFound => format!("{display}: no such file or directory"),
            _ => format!("{display}: {error}"),
        })
    })?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(ConfigError::plain(format!(
            "{display}: larger than 1 MiB; not a kubectl-ippool configuration file"
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| ConfigError::plain(format!("{display}: not valid UTF-8")))?;
    parse(&text, display)
}

/// Validates the text of a configuration file; `display` is how messages name it.
pub fn parse(text: &str, display: &str) -> Result<Config, ConfigError> {
    let file = File {
        display,
        text,
        lines: SourceFile::new(display, text),
        reader: Reader::new(0, text),
    };
    let parsed = yaml::parse(text, &Limits::default());
    if let Some(error) = parsed.errors.first() {
        return Err(file.error(
            error.span,
            format!("invalid YAML: {}", error.message),
            &error.message,
            None,
        ));
    }
    if let Some(document) = parsed.documents.get(1) {
        return Err(file.error(
            document.span,
            "a configuration file holds one YAML document".to_owned(),
            "second document",
            Some("remove the `---` and what follows it".to_owned()),
        ));
    }
    let mut config = Config {
        path: Some(display.to_owned()),
        ..Config::default()
    };
    let Some(root) = parsed.documents.first().and_then(|doc| doc.root()) else {
        return Ok(config);
    };
    if root.is_null() {
        return Ok(config);
    }
    if !root.is_map() {
        return Err(file.error(
            root.span(),
            format!("expected a map of settings, found {}", describe(root)),
            "not a map",
            Some(keys_help()),
        ));
    }
    if let Some((_, second, key)) = parsed.duplicate_keys.first() {
        return Err(file.error(
            *second,
            format!("duplicate key {key:?}"),
            "given again here",
            Some("keep one of the two".to_owned()),
        ));
    }
    for (key, value) in root.entries() {
        let name = key.as_str().unwrap_or_default();
        if value.is_null() {
            // `select:` with nothing after it says nothing.
            if !KEYS.contains(&name) {
                return Err(file.unknown_key(key));
            }
            continue;
        }
        match name {
            "select" => config.select = Some(file.rules(name, value)?),
            "ignore" => config.ignore = Some(file.rules(name, value)?),
            "severity" => config.severity = file.severities(value)?,
            "exclude" => config.exclude = Some(file.globs(name, value)?),
            "nodes" => config.nodes = Some(file.count(name, value)?),
            "podsPerNode" => config.pods_per_node = Some(file.count(name, value)?),
            "maxBlocksPerHost" => config.max_blocks_per_host = Some(file.count(name, value)?),
            "clusterCIDRs" => config.cluster_cidrs = Some(file.cidrs(name, value)?),
            "serviceCIDRs" => config.service_cidrs = Some(file.cidrs(name, value)?),
            "calicoVersion" => config.calico_version = Some(file.version(name, value)?),
            _ => return Err(file.unknown_key(key)),
        }
    }
    Ok(config)
}

fn keys_help() -> String {
    format!("the keys are {}", KEYS.join(", "))
}

struct File<'t> {
    display: &'t str,
    text: &'t str,
    lines: SourceFile,
    reader: Reader<'t>,
}

impl File<'_> {
    fn error(&self, span: Span, what: String, label: &str, help: Option<String>) -> ConfigError {
        let at = self.lines.line_col(span.start);
        let file = std::sync::Arc::new(SourceFile::new(self.display, self.text));
        ConfigError {
            message: format!(
                "{}:{}:{}: {what}",
                crate::report::escape_controls(self.display, &[]),
                at.line,
                at.column
            ),
            snippet: Some(Box::new(Snippet {
                source: crate::report::snippet::Snippet::new(self.display.to_owned(), &file),
                span,
                label: label.to_owned(),
            })),
            help,
        }
    }

    fn unknown_key(&self, key: NodeRef<'_>) -> ConfigError {
        let name = key.as_str().unwrap_or_default();
        let what = match rules::closest(name, KEYS) {
            Some(near) => format!("unknown key {name:?} (did you mean {near:?}?)"),
            None => format!("unknown key {name:?}"),
        };
        self.error(key.span(), what, "unknown key", Some(keys_help()))
    }

    /// The items of a list, or a single value standing for a list of one.
    fn items<'d>(&self, key: &str, value: NodeRef<'d>) -> Result<Vec<NodeRef<'d>>, ConfigError> {
        if value.is_seq() {
            Ok(value.items().collect())
        } else if value.is_scalar() {
            Ok(vec![value])
        } else {
            Err(self.error(
                value.span(),
                format!("{key}: expected a list, found {}", describe(value)),
                "not a list",
                None,
            ))
        }
    }

    /// A string item, or an error naming the key and what was expected.
    fn string<'d>(
        &self,
        key: &str,
        item: NodeRef<'d>,
        expected: &str,
    ) -> Result<&'d str, ConfigError> {
        match item.scalar_type() {
            ScalarType::Str => Ok(item.as_str().unwrap_or_default()),
            _ => Err(self.error(
                item.span(),
                format!("{key}: expected {expected}, found {}", describe(item)),
                &format!("not {expected}"),
                None,
            )),
        }
    }

    /// Rule codes or names: a list, one string, or comma-separated like `--select`.
    fn rules(&self, key: &str, value: NodeRef<'_>) -> Result<Vec<&'static Rule>, ConfigError> {
        let mut found = Vec::new();
        for item in self.items(key, value)? {
            let text = self.string(key, item, "a rule code or name")?;
            let mut offset = 0;
            for word in text.split(',') {
                let start = offset + (word.len() - word.trim_start().len());
                offset += word.len() + 1;
                let word = word.trim();
                if word.is_empty() {
                    continue;
                }
                let span = self
                    .reader
                    .value_range(item, text, start, start + word.len());
                found.push(self.rule(key, word, span)?);
            }
        }
        Ok(found)
    }

    fn rule(&self, key: &str, word: &str, span: Span) -> Result<&'static Rule, ConfigError> {
        rules::lookup(word).ok_or_else(|| {
            let candidates = RULES.iter().flat_map(|rule| [rule.code, rule.name]);
            let help = match rules::closest(word, candidates) {
                Some(near) => format!("did you mean {near}?"),
                None => "`kubectl ippool rules` lists every code and name".to_owned(),
            };
            self.error(
                span,
                format!("{key}: unknown rule {word:?}"),
                "not a rule code or name",
                Some(help),
            )
        })
    }

    fn severities(
        &self,
        value: NodeRef<'_>,
    ) -> Result<Vec<(&'static Rule, Severity)>, ConfigError> {
        if !value.is_map() {
            return Err(self.error(
                value.span(),
                format!(
                    "severity: expected a map of rule to severity, found {}",
                    describe(value)
                ),
                "not a map",
                Some("e.g. `severity: {IPP107: warning}`".to_owned()),
            ));
        }
        let mut overrides = Vec::new();
        for (key, level) in value.entries() {
            let word = key.as_str().unwrap_or_default();
            let rule = self.rule("severity", word, key.span())?;
            let severity = match level.as_str() {
                Some("error") => Severity::Error,
                Some("warning") => Severity::Warning,
                Some("info") => Severity::Info,
                _ => {
                    return Err(self.error(
                        level.span(),
                        format!("severity.{word}: {} is not a severity", describe(level)),
                        "not a severity",
                        Some("use error, warning or info".to_owned()),
                    ));
                }
            };
            overrides.push((rule, severity));
        }
        Ok(overrides)
    }

    fn globs(&self, key: &str, value: NodeRef<'_>) -> Result<Vec<String>, ConfigError> {
        let mut globs = Vec::new();
        for item in self.items(key, value)? {
            let text = self.string(key, item, "a glob")?;
            if let Err(error) = globset::Glob::new(text) {
                return Err(self.error(
                    item.span(),
                    format!("{key}: invalid glob {text:?}: {}", error.kind()),
                    "invalid glob",
                    None,
                ));
            }
            globs.push(text.to_owned());
        }
        Ok(globs)
    }

    fn count(&self, key: &str, value: NodeRef<'_>) -> Result<u64, ConfigError> {
        match value.scalar_type() {
            ScalarType::Int(n) if n >= 0 => Ok(n.unsigned_abs()),
            _ => Err(self.error(
                value.span(),
                format!(
                    "{key}: expected a non-negative integer, found {}",
                    describe(value)
                ),
                "not a count",
                None,
            )),
        }
    }

    fn cidrs(&self, key: &str, value: NodeRef<'_>) -> Result<Vec<IpNet>, ConfigError> {
        let mut nets = Vec::new();
        for item in self.items(key, value)? {
            let text = self.string(key, item, "a CIDR")?;
            let net = cidr::parse(text.trim()).map_err(|error| {
                self.error(
                    item.span(),
                    format!("{key}: {text:?} is not a CIDR: {error}"),
                    "not a CIDR",
                    Some("give a subnet in CIDR notation, e.g. 10.244.0.0/16".to_owned()),
                )
            })?;
            nets.push(net.trunc());
        }
        Ok(nets)
    }

    fn version(&self, key: &str, value: NodeRef<'_>) -> Result<CalicoVersion, ConfigError> {
        // `calicoVersion: 3.30` is a YAML number; its text is what counts.
        let text = match value.scalar_type() {
            ScalarType::Str | ScalarType::Float | ScalarType::Int(_) => {
                value.as_str().unwrap_or_default()
            }
            _ => "",
        };
        text.parse().map_err(|reason: String| {
            self.error(
                value.span(),
                format!("{key}: {reason}"),
                "not a Calico version",
                Some("write MAJOR.MINOR, e.g. `calicoVersion: \"3.30\"`".to_owned()),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        parse(text, ".ippool-lint.yaml").unwrap_err().to_string()
    }

    #[test]
    fn every_key_is_read() {
        let config = parse(
            "select: [IPP101, cidr-host-bits-set]\nignore: IPP107,IPP110\nseverity:\n  IPP107: \
             warning\nexclude: [vendor]\nnodes: 3\npodsPerNode: 250\nmaxBlocksPerHost: 4\n\
             clusterCIDRs: [10.244.0.0/16]\nserviceCIDRs: 10.96.0.0/12\ncalicoVersion: 3.30\n",
            ".ippool-lint.yaml",
        )
        .unwrap();
        let codes = |rules: &[&Rule]| rules.iter().map(|r| r.code).collect::<Vec<_>>();
        assert_eq!(codes(&config.select.unwrap()), ["IPP101", "IPP002"]);
        assert_eq!(codes(&config.ignore.unwrap()), ["IPP107", "IPP110"]);
        assert_eq!(config.severity[0].0.code, "IPP107");
        assert_eq!(config.severity[0].1, Severity::Warning);
        assert_eq!(config.exclude.unwrap(), ["vendor"]);
        assert_eq!(config.nodes, Some(3));
        assert_eq!(config.pods_per_node, Some(250));
        assert_eq!(config.max_blocks_per_host, Some(4));
        assert_eq!(
            config.cluster_cidrs.unwrap()[0].to_string(),
            "10.244.0.0/16"
        );
        assert_eq!(config.service_cidrs.unwrap()[0].to_string(), "10.96.0.0/12");
        assert_eq!(config.calico_version, Some(CalicoVersion::new(3, 30)));
    }

    #[test]
    fn empty_files_and_empty_keys_say_nothing() {
        assert!(parse("", "c").unwrap().select.is_none());
        assert!(parse("# only a comment\n", "c").unwrap().select.is_none());
        assert!(parse("select:\n", "c").unwrap().select.is_none());
    }

    #[test]
    fn mistakes_name_the_file_line_and_key() {
        assert_eq!(
            error("nodes: 3\nselct: [IPP101]\n"),
            ".ippool-lint.yaml:2:1: unknown key \"selct\" (did you mean \"select\"?)"
        );
        assert_eq!(
            error("select: [IPP101, IPP1O2]\n"),
            ".ippool-lint.yaml:1:18: select: unknown rule \"IPP1O2\""
        );
        assert_eq!(
            error("nodes: \"3\"\n"),
            ".ippool-lint.yaml:1:8: nodes: expected a non-negative integer, found string \"3\""
        );
        assert_eq!(
            error("severity:\n  IPP101: fatal\n"),
            ".ippool-lint.yaml:2:11: severity.IPP101: string \"fatal\" is not a severity"
        );
        assert!(error("clusterCIDRs: [10.0.0.0/33]\n").contains("clusterCIDRs:"));
        assert!(error("calicoVersion: \"4.1\"\n").contains("calicoVersion:"));
        assert!(error("exclude: \"[\"\n").contains("exclude: invalid glob"));
        assert!(error("select: [\n").contains("invalid YAML"));
        assert!(error("- select\n").contains("expected a map"));
        assert!(error("nodes: 1\nnodes: 2\n").contains("duplicate key \"nodes\""));
        assert!(error("severity: {IPP101: warning, nope: info}\n").contains("unknown rule"));
    }

    #[test]
    fn discovery_walks_upward_and_names_the_file_relative_to_the_start() {
        let root = tempfile::tempdir().unwrap();
        let nested = root.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(root.path().join(FILE_NAME), "nodes: 3\n").unwrap();
        let (path, display) = discover(&nested).unwrap();
        assert_eq!(path, root.path().join(FILE_NAME));
        assert_eq!(display, "../../.ippool-lint.yaml");
        let (_, display) = discover(root.path()).unwrap();
        assert_eq!(display, ".ippool-lint.yaml");
    }
}

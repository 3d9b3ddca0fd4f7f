//! Resolves raw command-line arguments and the `.ippool-lint.yaml` they lead to into the settings
//! a lint run needs, rejecting what cannot work (unknown rule, bad version, a wrong configuration
//! file) as usage errors before any file is read. A flag given replaces the file's value for
//! that key.

use std::path::{Path, PathBuf};

use crate::cli::{ClusterArgs, ColorChoice, FailOn, LintArgs, OutputFormat};
use crate::config::{self, Config, ConfigError};
use crate::model::cidr;
use crate::model::cluster::ClusterOptions;
use crate::model::version::CalicoVersion;
use crate::report::Severity;
use crate::rules::{self, Rule};

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SettingsError {
    #[error("unknown rule {name:?}")]
    #[diagnostic(code(ippool::usage))]
    UnknownRule {
        name: String,
        #[help]
        help: String,
    },
    #[error("{0}")]
    #[diagnostic(code(ippool::usage))]
    BadVersion(String),
    #[error("{flag} {value:?}: {reason}")]
    #[diagnostic(
        code(ippool::usage),
        help("give a subnet in CIDR notation, e.g. 10.244.0.0/16")
    )]
    BadCidr {
        flag: String,
        value: String,
        reason: String,
    },
    #[error("{0} must be at least 1")]
    #[diagnostic(
        code(ippool::usage),
        help("leave the flag out to take the value from the inputs (or the default)")
    )]
    Zero(&'static str),
    #[error("--exhaustion-threshold {0}: give a percent between 0 and 100")]
    #[diagnostic(code(ippool::usage))]
    BadThreshold(f64),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] ConfigError),
}

/// Where `lint` reads a cluster's state from, besides the manifests.
#[derive(Debug, Clone)]
pub enum ClusterSource {
    None,
    /// `--cluster`: the live cluster.
    Live(ClusterArgs),
    /// `--cluster-dump FILE`: a recorded state.
    Dump(PathBuf),
}

#[derive(Debug)]
pub struct LintSettings {
    pub paths: Vec<String>,
    pub output: OutputFormat,
    /// `--fail-if-no-files`: linting nothing is an error (exit 2), not a warning.
    pub fail_if_no_files: bool,
    /// `--tracked-only`: below directories, only the files git knows.
    pub tracked_only: bool,
    /// `--helm-values`: for `helm template` of the charts in the tree.
    pub helm_values: Vec<String>,
    /// `--kustomize`: directory arguments with a kustomization are built first.
    pub kustomize: bool,
    /// The lowest severity that fails the run; `None` never fails.
    pub fail_on: Option<Severity>,
    /// Rules that run; empty `select` on the command line means all.
    pub selected: Vec<&'static Rule>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub calico: CalicoVersion,
    pub cluster: ClusterOptions,
    pub color: ColorChoice,
    /// Severity overrides from the configuration file, applied after the rules ran.
    pub severity: Vec<(&'static str, Severity)>,
    /// The configuration file read, as messages name it.
    pub config: Option<String>,
    /// Parse every document, not only those the cheap scan finds relevant.
    pub no_skip: bool,
    pub cluster_source: ClusterSource,
    pub exhaustion_threshold: f64,
    /// `--fix`, `--diff`: what to do with the fixes findings carry.
    pub fix: FixMode,
    /// `--unsafe-fixes`: fixes that guess at the meaning too.
    pub unsafe_fixes: bool,
    /// `--stdin-filename`: the name findings in stdin are reported at.
    pub stdin_filename: Option<String>,
    pub quiet: bool,
    pub statistics: bool,
    pub show_files: bool,
    pub show_config: bool,
    /// `-j/--threads`; `None` lets rayon size the pool (the CPUs this process may use).
    pub threads: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    /// Report only (a finding says when `--fix` would mend it).
    Report,
    /// Write the fixes, then report what is left.
    Write,
    /// Print the fixes as a diff; write nothing.
    Diff,
}

impl LintSettings {
    /// Resolves the arguments with `--config FILE`, else the nearest `.ippool-lint.yaml` from
    /// the working directory upward, else no configuration file.
    pub fn resolve(args: LintArgs) -> Result<Self, SettingsError> {
        let config = match &args.config {
            Some(path) => config::load(Path::new(path), path)?,
            None if args.no_config => Config::default(),
            None => match std::env::current_dir()
                .ok()
                .and_then(|cwd| config::discover(&cwd))
            {
                Some((path, display)) => config::load(&path, &display)?,
                None => Config::default(),
            },
        };
        Self::resolve_with(args, config)
    }

    /// Resolves the arguments over a configuration already read.
    pub fn resolve_with(args: LintArgs, config: Config) -> Result<Self, SettingsError> {
        let from_flags = |names: &[String]| -> Result<Option<Vec<&'static Rule>>, SettingsError> {
            if names.is_empty() {
                return Ok(None);
            }
            let mut found = Vec::new();
            for name in names {
                found.extend(rules_named(name.trim())?);
            }
            Ok(Some(found))
        };
        // --extend-* adds to what --select/--ignore or the file chose, as ruff's do.
        let mut select = from_flags(&args.select)?
            .or(config.select)
            .unwrap_or_default();
        let mut ignore = from_flags(&args.ignore)?
            .or(config.ignore)
            .unwrap_or_default();
        if let Some(extra) = from_flags(&args.extend_select)? {
            // Extending "every rule" selects every rule still.
            if !select.is_empty() {
                select.extend(extra);
            }
        }
        ignore.extend(from_flags(&args.extend_ignore)?.unwrap_or_default());
        let selected = rules::RULES
            .iter()
            .copied()
            .filter(|rule| {
                // Unparsable input hides every other finding, so IPP000 stays on unless ignored.
                let chosen = select.is_empty()
                    || rule.code == "IPP000"
                    || select.iter().any(|s| s.code == rule.code);
                chosen && !ignore.iter().any(|i| i.code == rule.code)
            })
            .collect();
        let calico = match &args.calico_version {
            Some(text) => text.parse().map_err(SettingsError::BadVersion)?,
            None => config.calico_version.unwrap_or(CalicoVersion::LATEST),
        };
        let fail_on = match args.fail_on {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        };
        let cidrs = |flag: &str, values: &[String]| {
            values
                .iter()
                .map(|text| {
                    cidr::parse(text.trim())
                        .map(|net| net.trunc())
                        .map_err(|error| SettingsError::BadCidr {
                            flag: flag.to_owned(),
                            value: text.clone(),
                            reason: error.to_string(),
                        })
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let cluster = ClusterOptions {
            nodes: args.nodes.or(config.nodes),
            pods_per_node: args.pods_per_node.or(config.pods_per_node),
            max_blocks_per_host: args.max_blocks_per_host.or(config.max_blocks_per_host),
            cluster_cidrs: flags_or(
                cidrs("--cluster-cidr", &args.cluster_cidr)?,
                config.cluster_cidrs,
            ),
            service_cidrs: flags_or(
                cidrs("--service-cidr", &args.service_cidr)?,
                config.service_cidrs,
            ),
        };
        // As `plan` has it: no node, or no pod per node, is a typo rather than a cluster.
        if args.nodes == Some(0) {
            return Err(SettingsError::Zero("--nodes"));
        }
        if args.pods_per_node == Some(0) {
            return Err(SettingsError::Zero("--pods-per-node"));
        }
        if args.threads == Some(0) {
            return Err(SettingsError::Zero("--threads"));
        }
        if !(0.0..=100.0).contains(&args.exhaustion_threshold) {
            return Err(SettingsError::BadThreshold(args.exhaustion_threshold));
        }
        let cluster_source = match (args.cluster, args.cluster_dump) {
            (_, Some(path)) => ClusterSource::Dump(path),
            (true, None) => ClusterSource::Live(args.connect),
            (false, None) => ClusterSource::None,
        };
        // Without a cluster, no PATH means the working directory; with one, only the cluster.
        let paths = if args.paths.is_empty() && matches!(cluster_source, ClusterSource::None) {
            vec![".".to_owned()]
        } else {
            args.paths
        };
        Ok(Self {
            paths,
            cluster_source,
            exhaustion_threshold: args.exhaustion_threshold,
            // As yamllint does: inside GitHub Actions, annotations unless told otherwise.
            output: args.output.unwrap_or_else(|| {
                if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
                    OutputFormat::Github
                } else {
                    OutputFormat::Human
                }
            }),
            fail_on,
            selected,
            include: args.include,
            exclude: flags_or(args.exclude, config.exclude),
            calico,
            cluster,
            color: args.color,
            no_skip: args.no_skip,
            fail_if_no_files: args.fail_if_no_files,
            tracked_only: args.tracked_only,
            helm_values: args.helm_values,
            kustomize: args.kustomize,
            severity: config
                .severity
                .iter()
                .map(|(rule, severity)| (rule.code, *severity))
                .collect(),
            config: config.path,
            fix: if args.diff {
                FixMode::Diff
            } else if args.fix {
                FixMode::Write
            } else {
                FixMode::Report
            },
            unsafe_fixes: args.unsafe_fixes,
            stdin_filename: args.stdin_filename,
            quiet: args.quiet,
            statistics: args.statistics,
            show_files: args.show_files,
            show_config: args.show_config,
            threads: args.threads,
        })
    }
}

/// The error for a word that names no rule, with the nearest code or name.
pub fn unknown_rule(word: &str) -> SettingsError {
    let candidates = rules::RULES.iter().flat_map(|rule| [rule.code, rule.name]);
    SettingsError::UnknownRule {
        name: word.to_owned(),
        help: match rules::closest(word, candidates) {
            Some(near) => format!("did you mean {near}? (`kubectl ippool rules` lists them all)"),
            None => "`kubectl ippool rules` lists every code and name".to_owned(),
        },
    }
}

/// The rules a `--select`/`--ignore` word names: a code or name, `all` (as suppressions take
/// it), or a code prefix (`IPP1`: every pool-set rule, as ruff selects `E4`).
fn rules_named(word: &str) -> Result<Vec<&'static Rule>, SettingsError> {
    if word.eq_ignore_ascii_case("all") {
        return Ok(rules::RULES.to_vec());
    }
    if let Some(rule) = rules::lookup(word) {
        return Ok(vec![rule]);
    }
    let upper = word.to_ascii_uppercase();
    if upper.starts_with("IPP") && upper[3..].chars().all(|c| c.is_ascii_digit()) {
        let prefixed: Vec<&'static Rule> = rules::RULES
            .iter()
            .copied()
            .filter(|rule| rule.code.starts_with(&upper))
            .collect();
        if !prefixed.is_empty() {
            return Ok(prefixed);
        }
    }
    Err(unknown_rule(word))
}

/// A repeatable flag given replaces the configuration file's list.
fn flags_or<T>(flags: Vec<T>, config: Option<Vec<T>>) -> Vec<T> {
    if flags.is_empty() {
        config.unwrap_or_default()
    } else {
        flags
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command, Deferred};

    fn resolve(flags: &[&str], config: &str) -> LintSettings {
        let cli = Cli::try_parse_from(["kubectl-ippool", "lint"].iter().chain(flags)).unwrap();
        let Command::Lint(Deferred(args)) = cli.command else {
            unreachable!()
        };
        let config = config::parse(config, ".ippool-lint.yaml").unwrap();
        LintSettings::resolve_with(args, config).unwrap()
    }

    const CONFIG: &str = "select: [IPP101, IPP103]\nignore: [IPP103]\nseverity: {IPP101: \
                          warning}\nexclude: [vendor]\nnodes: 3\npodsPerNode: 64\n\
                          maxBlocksPerHost: 2\nclusterCIDRs: [10.244.0.0/16]\nserviceCIDRs: \
                          [10.96.0.0/12]\ncalicoVersion: \"3.30\"\n";

    #[test]
    fn the_config_fills_what_no_flag_gives() {
        let settings = resolve(&[], CONFIG);
        let codes: Vec<_> = settings.selected.iter().map(|r| r.code).collect();
        assert_eq!(codes, ["IPP000", "IPP101"]);
        assert_eq!(settings.severity, [("IPP101", Severity::Warning)]);
        assert_eq!(settings.exclude, ["vendor"]);
        assert_eq!(settings.calico, CalicoVersion::new(3, 30));
        assert_eq!(settings.cluster.nodes, Some(3));
        assert_eq!(settings.cluster.pods_per_node, Some(64));
        assert_eq!(settings.cluster.max_blocks_per_host, Some(2));
        assert_eq!(
            settings.cluster.cluster_cidrs[0].to_string(),
            "10.244.0.0/16"
        );
        assert_eq!(
            settings.cluster.service_cidrs[0].to_string(),
            "10.96.0.0/12"
        );
        assert_eq!(settings.config.as_deref(), Some(".ippool-lint.yaml"));
    }

    #[test]
    fn a_flag_replaces_the_config_value_of_its_key() {
        let settings = resolve(
            &[
                "--select",
                "IPP002",
                "--exclude",
                "other",
                "--nodes",
                "7",
                "--pods-per-node",
                "30",
                "--max-blocks-per-host",
                "5",
                "--cluster-cidr",
                "10.0.0.0/8",
                "--service-cidr",
                "172.16.0.0/12",
                "--calico-version",
                "3.31",
            ],
            CONFIG,
        );
        let codes: Vec<_> = settings.selected.iter().map(|r| r.code).collect();
        assert_eq!(codes, ["IPP000", "IPP002"]);
        assert_eq!(settings.exclude, ["other"]);
        assert_eq!(settings.calico, CalicoVersion::new(3, 31));
        assert_eq!(settings.cluster.nodes, Some(7));
        assert_eq!(settings.cluster.pods_per_node, Some(30));
        assert_eq!(settings.cluster.max_blocks_per_host, Some(5));
        assert_eq!(settings.cluster.cluster_cidrs[0].to_string(), "10.0.0.0/8");
        assert_eq!(
            settings.cluster.service_cidrs[0].to_string(),
            "172.16.0.0/12"
        );
    }

    #[test]
    fn no_config_means_every_rule_and_the_defaults() {
        let settings = resolve(&[], "");
        assert_eq!(settings.selected.len(), rules::RULES.len());
        assert_eq!(settings.calico, CalicoVersion::LATEST);
        assert_eq!(settings.cluster, ClusterOptions::default());
        assert!(settings.severity.is_empty());
    }
}

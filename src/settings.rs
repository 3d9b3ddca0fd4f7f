//! Resolves raw command-line arguments into the settings a lint run needs, rejecting what cannot
//! work (unknown rule, bad version) as usage errors before any file is read.

use crate::cli::{ColorChoice, FailOn, LintArgs, OutputFormat};
use crate::model::cidr;
use crate::model::cluster::ClusterOptions;
use crate::model::version::CalicoVersion;
use crate::report::Severity;
use crate::rules::{self, Rule};

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SettingsError {
    #[error("unknown rule {0:?}")]
    #[diagnostic(
        code(ippool::usage),
        help("`kubectl ippool rules` lists every code and name")
    )]
    UnknownRule(String),
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
}

#[derive(Debug)]
pub struct LintSettings {
    pub paths: Vec<String>,
    pub output: OutputFormat,
    /// The lowest severity that fails the run; `None` never fails.
    pub fail_on: Option<Severity>,
    /// Rules that run; empty `select` on the command line means all.
    pub selected: Vec<&'static Rule>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub calico: CalicoVersion,
    pub cluster: ClusterOptions,
    pub color: ColorChoice,
}

impl LintSettings {
    pub fn resolve(args: LintArgs) -> Result<Self, SettingsError> {
        let lookup = |name: &String| {
            rules::lookup(name.trim()).ok_or_else(|| SettingsError::UnknownRule(name.clone()))
        };
        let select: Vec<&Rule> = args.select.iter().map(lookup).collect::<Result<_, _>>()?;
        let ignore: Vec<&Rule> = args.ignore.iter().map(lookup).collect::<Result<_, _>>()?;
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
            None => CalicoVersion::LATEST,
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
            nodes: args.nodes,
            pods_per_node: args.pods_per_node,
            max_blocks_per_host: args.max_blocks_per_host,
            cluster_cidrs: cidrs("--cluster-cidr", &args.cluster_cidr)?,
            service_cidrs: cidrs("--service-cidr", &args.service_cidr)?,
        };
        Ok(Self {
            paths: args.paths,
            output: args.output,
            fail_on,
            selected,
            include: args.include,
            exclude: args.exclude,
            calico,
            cluster,
            color: args.color,
        })
    }
}

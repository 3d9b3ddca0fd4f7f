//! The command line as clap sees it: raw arguments only. `settings` turns them into what a run
//! needs; nothing here validates beyond what clap does.

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "kubectl-ippool",
    version,
    about = "Lint and manage Calico IPPools",
    long_about = "Lint and manage Calico IPPools.\n\nCatches overlapping CIDRs, block sizes, selector \
                  typos and CNI pool annotations before they reach a cluster, with diagnostics \
                  that point at the exact value in the exact file."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
// Parsed once per run: boxing `LintArgs` would save nothing worth its noise.
#[allow(clippy::large_enum_variant)]
pub enum Command {
    /// Scan manifest files and directories and report problems with IPPools
    Lint(LintArgs),
    /// List every rule
    Rules(RulesArgs),
    /// Print one rule's documentation
    Explain {
        /// Rule code (IPP004) or name (block-size-out-of-range)
        rule: String,
    },
    /// Offline capacity calculator: blocks, addresses and headroom per blockSize, and a
    /// recommended blockSize
    #[command(
        long_about = PLAN_ABOUT,
        after_help = PLAN_EXIT_CODES,
        after_long_help = PLAN_AFTER_HELP
    )]
    Plan(PlanArgs),
    /// Print a shell completion script (bash, zsh, fish or powershell)
    #[command(long_about = COMPLETION_ABOUT)]
    Completion {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: CompletionShell,
    },
}

const COMPLETION_ABOUT: &str = "Print a shell completion script for `kubectl-ippool` to stdout:

  kubectl-ippool completion bash > ~/.local/share/bash-completion/completions/kubectl-ippool
  kubectl-ippool completion zsh > \"${fpath[1]}/_kubectl-ippool\"
  kubectl-ippool completion fish > ~/.config/fish/completions/kubectl-ippool.fish
  kubectl-ippool completion powershell | Out-String | Invoke-Expression

These complete the binary called directly. For `kubectl ippool <TAB>` (kubectl 1.26 or later), put \
the kubectl_complete-ippool script (completions/ in the source, or the release archive) on PATH \
next to the binary: kubectl runs it, and it asks the binary for candidates.";

/// The shells `completion` writes scripts for; `completions/` holds one generated script each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files and directories to lint (recursive; .yaml, .yml, .json); - reads stdin
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<String>,

    /// Output format
    #[arg(short = 'o', long = "output", visible_alias = "format", value_enum, default_value_t = OutputFormat::Human)]
    pub output: OutputFormat,

    /// Exit 1 when a diagnostic of this severity or higher is reported
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// Only run these rules (code or name; repeatable or comma-separated)
    #[arg(long, value_name = "CODE|NAME", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Skip these rules (code or name; repeatable or comma-separated)
    #[arg(long, value_name = "CODE|NAME", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Only read files below directories that match these globs (default: *.yaml, *.yml, *.json)
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,

    /// Skip files and directories that match these globs, relative to the PATH argument
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Settings file [default: the nearest .ippool-lint.yaml from the working directory upward]
    #[arg(long, value_name = "FILE")]
    pub config: Option<String>,

    /// Calico release whose rules apply (MAJOR.MINOR, 3.28 to 3.33; default: the newest release)
    #[arg(long, value_name = "X.Y")]
    pub calico_version: Option<String>,

    /// Number of nodes, for the capacity rules when the inputs hold no Node manifests
    #[arg(long, value_name = "N")]
    pub nodes: Option<u64>,

    /// Pods per node [default: a KubeletConfiguration maxPods in the inputs, else 110]
    #[arg(long, value_name = "P")]
    pub pods_per_node: Option<u64>,

    /// Calico's per-node block limit [default: an IPAMConfig in the inputs, else 20]
    #[arg(long, value_name = "M")]
    pub max_blocks_per_host: Option<u64>,

    /// Cluster (pod) CIDR, in addition to those the inputs declare (repeatable)
    #[arg(long, value_name = "CIDR")]
    pub cluster_cidr: Vec<String>,

    /// Service CIDR, in addition to those the inputs declare (repeatable)
    #[arg(long, value_name = "CIDR")]
    pub service_cidr: Vec<String>,

    /// Parse every document fully, also those no rule reads (reports their syntax errors too;
    /// slower on large trees)
    #[arg(long)]
    pub no_skip: bool,

    /// When to use colors (NO_COLOR is honoured in auto)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

const PLAN_ABOUT: &str = "Offline capacity calculator: for a pool CIDR, a node count and pods per \
node, show for each candidate blockSize (IPv4 20-32, IPv6 116-128, never a block larger than the \
pool) the blocks, addresses per block, blocks each node needs, whether that fits \
maxBlocksPerHost, the blocks all nodes need and the headroom left; then recommend one blockSize \
and say why.";

const PLAN_EXIT_CODES: &str = "Exit codes: 0 a plan with a recommendation; 1 no candidate \
qualifies (the plan is still printed); 2 invalid input.";

const PLAN_AFTER_HELP: &str = "\
Recommendation: among the sizes that fit maxBlocksPerHost and leave headroom >= 0, Calico's \
default (26 for IPv4, 122 for IPv6) when it qualifies; otherwise the largest block that keeps at \
least 25% of the blocks spare; otherwise the one with the most headroom. A negative headroom \
means the pool runs out: nodes then borrow addresses from other nodes' blocks (one /32 route \
each), or get none with strictAffinity.

Exit codes: 0 a plan with a recommendation; 1 no candidate qualifies (the plan is still printed, \
with the smallest CIDR that would fit); 2 invalid input (bad or unmasked CIDR, --nodes 0, \
--pods-per-node 0, --block-size out of range or larger than the pool).

JSON (-o json): {\"version\":1, \"cidr\", \"nodes\", \"pods_per_node\", \"max_blocks_per_host\", \
\"candidates\":[...], \"recommended\":<blockSize or null>, \"reason\", \"note\", \"suggested_cidr\"}; \
counts beyond 64 bits (large IPv6 pools) are decimal strings.";

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The pool CIDR, strictly masked (e.g. 10.244.0.0/16 or fd00:10:244::/56)
    #[arg(long, value_name = "CIDR")]
    pub cidr: String,

    /// Number of nodes the pool serves
    #[arg(long, value_name = "N")]
    pub nodes: u64,

    /// Pods per node (the kubelet's maxPods)
    #[arg(long, value_name = "P", default_value_t = 110)]
    pub pods_per_node: u64,

    /// Judge only this blockSize
    #[arg(long, value_name = "B")]
    pub block_size: Option<u32>,

    /// Calico's per-node block limit (IPAMConfig maxBlocksPerHost; 0 means Calico's default, 20)
    #[arg(long, value_name = "M", default_value_t = 20)]
    pub max_blocks_per_host: u64,

    /// Output format
    #[arg(short = 'o', long = "output", visible_alias = "format", value_enum, default_value_t = ListFormat::Human)]
    pub output: ListFormat,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format
    #[arg(short = 'o', long = "output", visible_alias = "format", value_enum, default_value_t = ListFormat::Human)]
    pub output: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

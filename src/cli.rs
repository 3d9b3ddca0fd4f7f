//! The command line as clap sees it: raw arguments only. `settings` turns them into what a run
//! needs; nothing here validates beyond what clap does.

use clap::builder::Resettable;
use clap::{ArgMatches, Args, FromArgMatches, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "kubectl-ippool",
    version,
    about = "Lint and manage Calico IPPools",
    long_about = "Lint and manage Calico IPPools.\n\nCatches overlapping CIDRs, block sizes, selector \
                  typos and CNI pool annotations before they reach a cluster, with diagnostics \
                  that point at the exact value in the exact file. Against a live cluster (the \
                  kubeconfig's, as kubectl finds it) it lists pools with their usage, assigns \
                  pools to namespaces and workloads, and changes pools, running the same rules \
                  on every change before it is sent."
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
    #[command(after_help = LINT_EXIT_CODES)]
    Lint(Deferred<LintArgs>),
    /// List every rule
    Rules(Deferred<RulesArgs>),
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
    Plan(Deferred<PlanArgs>),
    /// Name the pools new pods of a namespace, pod or workload draw from (CNI annotations)
    #[command(long_about = ASSIGN_ABOUT, after_help = LIVE_EXIT_CODES)]
    Assign(Deferred<AssignArgs>),
    /// Remove the pool annotations from a namespace, pod or workload
    #[command(after_help = LIVE_EXIT_CODES)]
    Unassign(Deferred<UnassignArgs>),
    /// Enable a pool (spec.disabled: false)
    #[command(after_help = LIVE_EXIT_CODES)]
    Enable(Deferred<PoolWriteArgs>),
    /// Disable a pool (spec.disabled: true): no new addresses come from it
    #[command(long_about = DISABLE_ABOUT, after_help = LIVE_EXIT_CODES)]
    Disable(Deferred<PoolWriteArgs>),
    /// Change a pool's mutable fields, checked by the lint rules before anything is sent
    #[command(long_about = PATCH_ABOUT, after_help = LIVE_EXIT_CODES)]
    Patch(Deferred<PatchArgs>),
    /// List the cluster's pools with their usage (blocks, addresses in use)
    #[command(after_help = LIVE_EXIT_CODES)]
    List(Deferred<ListArgs>),
    /// Show one pool: effective spec, blocks per node, who names it, pods using it
    #[command(after_help = LIVE_EXIT_CODES)]
    Show(Deferred<ShowArgs>),
    /// Explain which pools a new pod of a pod, namespace or workload draws from, step by step in
    /// Calico's order, and the error Calico gives when none qualifies
    #[command(long_about = WHICH_ABOUT, after_help = WHICH_EXIT_CODES)]
    Which(Deferred<WhichArgs>),
    /// Plan Calico's pool migration: every pod moved off a pool, checked before anything changes
    #[command(long_about = MIGRATE_ABOUT, after_help = MIGRATE_EXIT_CODES)]
    Migrate(Deferred<MigrateArgs>),
    /// Plan Calico's block-size change: a pool re-created with another blockSize, its pods moved
    /// out through a temporary pool and back
    #[command(long_about = RESIZE_ABOUT, after_help = MIGRATE_EXIT_CODES)]
    Resize(Deferred<ResizeArgs>),
    /// Print a shell completion script (bash, zsh, fish or powershell)
    #[command(long_about = COMPLETION_ABOUT)]
    Completion {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: CompletionShell,
    },
}

/// A subcommand's arguments, added to clap's command tree only when that subcommand is the one
/// being parsed (or help, completion or a script needs the whole tree). Building every
/// subcommand's arguments was a quarter of the start-up of a one-file `lint`, the pre-commit
/// case, which builds only its own.
#[derive(Debug)]
pub struct Deferred<T>(pub T);

impl<T: FromArgMatches> FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Self)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }
}

impl<T: Args> Args for Deferred<T> {
    fn augment_args(command: clap::Command) -> clap::Command {
        command.defer(|command| keep_about(command, T::augment_args))
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        command.defer(|command| keep_about(command, T::augment_args_for_update))
    }
}

/// Deferred, the arguments are added after the subcommand's own doc comment is set, so a
/// flattened struct's doc comment (`ClusterArgs`) would replace it; added first, it could not.
fn keep_about(
    command: clap::Command,
    augment: fn(clap::Command) -> clap::Command,
) -> clap::Command {
    let about = command.get_about().cloned();
    let long_about = command.get_long_about().cloned();
    augment(command)
        .about(Resettable::from(about))
        .long_about(Resettable::from(long_about))
}

const MIGRATE_ABOUT: &str = "\
Plan Calico's procedure for moving pods to another pool (Migrate from one IP pool to another,
https://docs.tigera.io/calico/latest/networking/ipam/migrate-pools): create the new pool (with
--to-cidr), disable the old one, recreate every pod still using it owner by owner (a rolling
restart for Deployments, StatefulSets and DaemonSets; bare pods and Jobs' pods only with
--delete-bare-pods), verify that each moved, and delete the old pool once its blocks are empty.

Every check runs before the first write: the new pool overlaps no other and has blocks for the
nodes the pods run on; objects whose pool annotations name the old pool are listed (their new pods
would fail); an operator-managed pool is changed through the Installation.

Without --execute the plan is printed and nothing changes. With --execute each step is carried out
and verified before the next; every step looks at the cluster first and skips what is done, so
running the same command again after a stop resumes it. A step that restarts or deletes pods asks
first on a terminal (--yes skips the question). An operator-managed pool is changed through the
Installation's spec.calicoNetwork.ipPools, never by patching the IPPool.";

const RESIZE_ABOUT: &str = "\
Plan Calico's procedure for changing a pool's blockSize, which can never be edited (Change IP pool
block size, https://docs.tigera.io/calico/latest/networking/ipam/change-block-size): create a
temporary pool, disable the pool, recreate its pods (they move to the temporary pool), delete the
pool, create it again with the new blockSize once no block of the old size is left in its CIDR,
disable the temporary pool, recreate the pods again (they move back) and delete the temporary pool.
The checks of `migrate` run first, for the temporary pool, and the rules judge both pools the run
creates. With --execute the steps are carried out; the ConfigMap kube-system/ippool-resize-POOL
records the pool's CIDR and spec while it is deleted, so running the same command again resumes
the change. An operator-managed pool is changed through the Installation's ipPools throughout.";

const LINT_EXIT_CODES: &str = "\
Exit codes: 0 no diagnostic at or above --fail-on (default error), 1 at least one, 2 the tool could
not do its job (bad usage, a path that does not exist or cannot be read, the cluster unreachable).";

const MIGRATE_EXIT_CODES: &str = "\
Exit codes: 0 the plan's checks pass (with --execute: the run did its steps), 1 a check blocks the
migration, 2 the pools or the cluster could not be read or a step was refused, 130 stopped by Ctrl-C
(run the same command again to resume).";

const WHICH_ABOUT: &str = "\
Explain which pools a new pod there would draw from, in Calico's order: the pod's own
cni.projectcalico.org/ipv4pools (or ipv6pools) annotation, or its workload's pod template's;
else its namespace's; else every enabled pool of the family with assignmentMode Automatic whose
nodeSelector matches the node, whose namespaceSelector matches the namespace and that allows
Workload, in name order. Each step names the object and field it read. When no pool qualifies,
the answer ends with the error Calico gives the pod and the change that fixes it.

Reads the cluster, or with -f the manifests, and gives the same answer from the same objects.";

const WHICH_EXIT_CODES: &str = "\
Exit codes: 0 a pool qualifies for every family, 1 a new pod there would fail, 2 the object
or the cluster could not be read.";

const LIVE_EXIT_CODES: &str = "Exit codes: 0 done (or nothing to change); 2 refused, or the tool \
could not do its job (cluster unreachable, permission denied, not found, conflict).";

const ASSIGN_ABOUT: &str = "Name the pools new pods draw their addresses from, by setting the \
Calico CNI annotations cni.projectcalico.org/ipv4pools and ipv6pools (each pool goes under the key \
of its family) on a namespace, a pod, or a workload's pod template.

Each pool is looked up in the cluster, by name or by exact CIDR; a pool that does not exist, is \
disabled, or does not allow Workload use is refused with the lint rule's diagnostic (IPP202-IPP206) \
and nothing is written. Only the two annotation keys are patched: every other annotation stays. \
Changing a workload's pod template starts a rollout, so it asks first (or needs --yes). Running \
pods keep their addresses: only pods created afterwards draw from the new pools.

  kubectl ippool assign ns test-ns extra-ippool
  kubectl ippool assign deploy/web extra-ippool extra-ipv6-ippool -n shop --yes
  kubectl ippool assign pod debug 10.245.0.0/16 --dry-run=server -o yaml";

const DISABLE_ABOUT: &str = "Disable a pool: Calico allocates no new addresses from it, and pods \
keep the ones they have. When blocks of the pool still hold addresses, or namespaces, pods or \
workloads name it in their pool annotations (their new pods would fail: \"the given pool (...) does \
not exist, or is not enabled\"), they are listed and the command asks first (or needs --yes). \
Disabling the last enabled pool of a family needs --force.";

const PATCH_ABOUT: &str = "Change a pool's mutable fields. The changed pool is checked by the \
single-pool and pool-set lint rules against the live pools before anything is sent; a change they \
reject is refused with their diagnostics. cidr and blockSize can never be changed (Calico refuses \
it); --cidr and --block-size are refused before any request, with the procedure to follow instead.

  kubectl ippool patch extra-ippool --nat-outgoing=false --ipip-mode CrossSubnet
  kubectl ippool patch rack-1 --node-selector \"rack == '1'\" --dry-run=server";

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
    /// [default: ., or none with --cluster]
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// Output format [default: human; github when GITHUB_ACTIONS=true]
    #[arg(short = 'o', long = "output", visible_alias = "format", value_enum)]
    pub output: Option<OutputFormat>,

    /// Exit 1 when a diagnostic of this severity or higher is reported
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// Only run these rules (code or name; repeatable or comma-separated)
    #[arg(long, value_name = "CODE|NAME", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Skip these rules (code or name; repeatable or comma-separated)
    #[arg(long, value_name = "CODE|NAME", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Run these rules too, besides those --select or the config file choose
    #[arg(long, value_name = "CODE|NAME", value_delimiter = ',')]
    pub extend_select: Vec<String>,

    /// Skip these rules too, besides those --ignore or the config file skip
    #[arg(long, value_name = "CODE|NAME", value_delimiter = ',')]
    pub extend_ignore: Vec<String>,

    /// Only read files below directories that match these globs (default: *.yaml, *.yml, *.json)
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,

    /// Skip files and directories that match these globs, relative to the PATH argument
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Settings file [default: the nearest .ippool-lint.yaml from the working directory upward]
    #[arg(long, value_name = "FILE")]
    pub config: Option<String>,

    /// Read no settings file, not even the nearest .ippool-lint.yaml
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,

    /// Calico release whose rules apply: 3.28 to 3.32, 3.33 (= master, unreleased), or latest
    /// (3.32) [default: latest]
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

    /// Threads that read and check files [default: the CPUs this process may use]
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// In a git work tree, read below directories only the files git tracks or has staged (as
    /// the whole-tree pre-commit hook does); files named on the command line are read anyway
    #[arg(long)]
    pub tracked_only: bool,

    /// Values file for `helm template` when a Helm chart in the tree is rendered (repeatable)
    #[arg(long, value_name = "FILE")]
    pub helm_values: Vec<String>,

    /// Lint a directory argument that holds a kustomization as `kubectl kustomize` builds it,
    /// instead of its files
    #[arg(long)]
    pub kustomize: bool,

    /// Exit 2 when no file is linted (an empty tree, an --include that matches nothing), which
    /// otherwise is only a warning
    #[arg(long)]
    pub fail_if_no_files: bool,

    /// The file name findings in stdin (`-`) are reported at [default: <stdin>]
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,

    /// Apply the safe fixes (case of a mode or field, a quoted number or boolean) to the files,
    /// changing only the flagged values, then report what is left
    #[arg(long, help_heading = "Fixes")]
    pub fix: bool,

    /// Also apply the fixes that guess at the meaning (mask a CIDR's host bits, rename a
    /// near-miss annotation key or field); with --fix or --diff
    #[arg(long, help_heading = "Fixes")]
    pub unsafe_fixes: bool,

    /// Print the fixes as a unified diff instead of writing them; exit 1 when there is one
    #[arg(long, help_heading = "Fixes")]
    pub diff: bool,

    /// Print the findings only: no summary line, notes or warnings
    #[arg(short, long, help_heading = "Reporting")]
    pub quiet: bool,

    /// Print the number of findings of each rule instead of the findings
    #[arg(long, help_heading = "Reporting")]
    pub statistics: bool,

    /// Print each file that would be read (and, for each, the documents the quick scan would
    /// pass over) instead of linting
    #[arg(long, help_heading = "Reporting")]
    pub show_files: bool,

    /// Print the settings the run would use (rules, versions, cluster facts given, the settings
    /// file) instead of linting
    #[arg(long, help_heading = "Reporting")]
    pub show_config: bool,

    /// When to use colors (NO_COLOR is honoured in auto; FORCE_COLOR and CLICOLOR_FORCE turn
    /// them on)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Also read the live cluster: lint its pools, IPAM blocks, nodes, namespaces, pods and
    /// workloads, and check the manifests (PATHs) against it
    #[arg(long, help_heading = "Cluster")]
    pub cluster: bool,

    /// Read the cluster's state from this file instead (a recorded `kubectl get … -o yaml` of
    /// ippools, ipamblocks, blockaffinities, ipamconfigs, nodes, namespaces and pods)
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "cluster",
        help_heading = "Cluster"
    )]
    pub cluster_dump: Option<std::path::PathBuf>,

    /// Percent of a pool's addresses (or blocks) in use from which it counts as nearly exhausted
    #[arg(
        long,
        value_name = "PERCENT",
        default_value_t = 90.0,
        help_heading = "Cluster"
    )]
    pub exhaustion_threshold: f64,

    #[command(flatten)]
    pub connect: ClusterArgs,
}

/// How to reach the cluster: kubectl's connection flags (kubectl forwards none to plugins).
#[derive(Debug, Clone, Default, Args)]
pub struct ConnectArgs {
    #[command(flatten)]
    pub cluster: ClusterArgs,

    /// Namespace of namespaced objects [default: the context's, else default]
    #[arg(
        short = 'n',
        long,
        value_name = "NAMESPACE",
        help_heading = "Connection"
    )]
    pub namespace: Option<String>,
}

/// Which cluster, as which user: the connection flags that do not pick a namespace, so that
/// `lint --cluster`, which reads every namespace, takes them too.
#[derive(Debug, Clone, Default, Args)]
pub struct ClusterArgs {
    /// Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does,
    /// else ~/.kube/config; inside a pod, its service account]
    #[arg(long, value_name = "FILE", help_heading = "Connection")]
    pub kubeconfig: Option<std::path::PathBuf>,

    /// The kubeconfig context to use [default: the current context]
    #[arg(long, value_name = "NAME", help_heading = "Connection")]
    pub context: Option<String>,

    /// The kubeconfig user to use [default: the context's]
    #[arg(long, value_name = "NAME", help_heading = "Connection")]
    pub user: Option<String>,

    /// How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "0",
        help_heading = "Connection"
    )]
    pub request_timeout: String,
}

/// What every command that writes takes.
#[derive(Debug, Clone, Args)]
pub struct WriteArgs {
    /// none: write; client: print the change and send nothing; server: let the API server
    /// check and show the change, storing nothing
    #[arg(long, value_enum, value_name = "MODE", default_value_t = DryRun::None, num_args = 0..=1, require_equals = true, default_missing_value = "client")]
    pub dry_run: DryRun,

    /// Do not ask before a change that restarts pods or disables a pool in use
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// Print the changed object instead of a one-line summary
    #[arg(short = 'o', long = "output", value_enum, value_name = "FORMAT")]
    pub output: Option<ObjectFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DryRun {
    None,
    Client,
    Server,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ObjectFormat {
    Json,
    Yaml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Wide,
    Json,
    Yaml,
}

#[derive(Debug, Args)]
pub struct AssignArgs {
    /// What to annotate: ns|pod|deploy|sts|ds|rs|job|cronjob NAME, or TYPE/NAME
    #[arg(value_name = "TYPE[/NAME]")]
    pub target: String,

    /// The NAME (unless given as TYPE/NAME), then the pools: names or exact CIDRs
    #[arg(value_name = "NAME|POOL", required = true)]
    pub rest: Vec<String>,

    /// Replace a pool annotation that already has another value
    #[arg(long)]
    pub overwrite: bool,

    #[command(flatten)]
    pub write: WriteArgs,

    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Debug, Args)]
pub struct UnassignArgs {
    /// What to change: ns|pod|deploy|sts|ds|rs|job|cronjob NAME, or TYPE/NAME
    #[arg(value_name = "TYPE[/NAME]")]
    pub target: String,

    /// The NAME, unless given as TYPE/NAME
    #[arg(value_name = "NAME")]
    pub name: Option<String>,

    #[command(flatten)]
    pub write: WriteArgs,

    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Debug, Args)]
pub struct PoolWriteArgs {
    /// The pool's name
    #[arg(value_name = "POOL")]
    pub pool: String,

    /// Go on where the command would refuse: a pool the Tigera operator manages (it reverts
    /// the change), or the last enabled pool of a family
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub write: WriteArgs,

    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Debug, Args)]
pub struct PatchArgs {
    #[command(flatten)]
    pub pool: PoolWriteArgs,

    /// spec.natOutgoing
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true", help_heading = "Fields")]
    pub nat_outgoing: Option<bool>,

    /// spec.ipipMode: Never, Always or CrossSubnet
    #[arg(long, value_name = "MODE", help_heading = "Fields")]
    pub ipip_mode: Option<String>,

    /// spec.vxlanMode: Never, Always or CrossSubnet
    #[arg(long, value_name = "MODE", help_heading = "Fields")]
    pub vxlan_mode: Option<String>,

    /// spec.nodeSelector, a Calico selector (e.g. "all()", "zone == 'a'")
    #[arg(
        long,
        value_name = "SELECTOR",
        allow_hyphen_values = true,
        help_heading = "Fields"
    )]
    pub node_selector: Option<String>,

    /// spec.namespaceSelector, a Calico selector ("" removes it)
    #[arg(
        long,
        value_name = "SELECTOR",
        allow_hyphen_values = true,
        help_heading = "Fields"
    )]
    pub namespace_selector: Option<String>,

    /// spec.disableBGPExport
    #[arg(long = "disable-bgp-export", value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true", help_heading = "Fields")]
    pub disable_bgp_export: Option<bool>,

    /// spec.allowedUses: Workload, Tunnel, LoadBalancer (comma-separated)
    #[arg(long, value_name = "USE", value_delimiter = ',', num_args = 1.., help_heading = "Fields")]
    pub allowed_uses: Option<Vec<String>>,

    /// spec.assignmentMode: Automatic or Manual
    #[arg(long, value_name = "MODE", help_heading = "Fields")]
    pub assignment_mode: Option<String>,

    /// Refused: a pool's cidr can never change (see `migrate`)
    #[arg(long, value_name = "CIDR", help_heading = "Fields")]
    pub cidr: Option<String>,

    /// Refused: a pool's blockSize can never change (see `resize`)
    #[arg(long, value_name = "BITS", help_heading = "Fields")]
    pub block_size: Option<String>,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The pool to move the pods off
    #[arg(long, value_name = "POOL")]
    pub from: String,

    /// The pool to move them to (an existing one)
    #[arg(
        long,
        value_name = "POOL",
        conflicts_with = "to_cidr",
        required_unless_present = "to_cidr"
    )]
    pub to: Option<String>,

    /// Create the pool to move them to, with this CIDR and the old pool's settings
    #[arg(long, value_name = "CIDR")]
    pub to_cidr: Option<String>,

    /// The name of the pool --to-cidr creates [default: the CIDR's, as the operator names pools:
    /// 10.250.0.0-16]
    #[arg(long, value_name = "NAME", requires = "to_cidr")]
    pub name: Option<String>,

    /// The blockSize of the pool --to-cidr creates [default: the old pool's]
    #[arg(long, value_name = "BITS", requires = "to_cidr")]
    pub block_size: Option<u8>,

    /// Roll back a migration under way: enable the old pool again and restore the annotations
    /// it rewrote (pods that moved keep their new addresses)
    #[arg(long, conflicts_with = "execute")]
    pub abort: bool,

    #[command(flatten)]
    pub run: RunbookArgs,
}

/// What `migrate` and `resize` share.
#[derive(Debug, Args)]
pub struct RunbookArgs {
    /// Rewrite the annotations (and CNI config) that name the old pool to the new one, as a step
    #[arg(long)]
    pub rewrite_annotations: bool,

    /// Delete the pods no controller recreates (bare pods, pods of Jobs)
    #[arg(long)]
    pub delete_bare_pods: bool,

    /// With --execute: recreate only the pods of this namespace (one wave); the old pool is
    /// deleted once a run finds no pod left in it
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,

    /// With --execute: recreate only the pods (and the owners of the pods) this label selector
    /// picks, as `kubectl get pods -l` does (e.g. app=web,tier!=db); combines with -n
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,

    /// Carry the plan out, step by step, each verified before the next; run again to resume
    #[arg(long)]
    pub execute: bool,

    /// With --execute: none writes; client prints each write and sends nothing; server sends
    /// each with dryRun=All. A dry run recreates no pod, so it stops after the first writes
    #[arg(long, value_enum, value_name = "MODE", default_value_t = DryRun::None, num_args = 0..=1, require_equals = true, default_missing_value = "client")]
    pub dry_run: DryRun,

    /// With --execute: do not ask before a step that disables a pool in use, or restarts or
    /// deletes pods
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// With --execute: delete the old pool even when its blocks still hold allocations
    #[arg(long)]
    pub force: bool,

    /// With --execute: how long to wait for an owner's pods to move (e.g. 90s, 5m)
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub wait: String,

    /// Print the plan as JSON or YAML
    #[arg(short = 'o', long = "output", value_enum, value_name = "FORMAT")]
    pub output: Option<ObjectFormat>,

    #[command(flatten)]
    pub connect: ClusterArgs,
}

#[derive(Debug, Args)]
pub struct ResizeArgs {
    /// The pool whose blockSize changes
    #[arg(value_name = "POOL")]
    pub pool: String,

    /// The new blockSize
    #[arg(long, value_name = "BITS")]
    pub block_size: u8,

    /// The CIDR of the temporary pool the pods move to meanwhile (overlapping no pool)
    #[arg(long, value_name = "CIDR")]
    pub temp_cidr: String,

    /// The temporary pool's name [default: POOL-temp]
    #[arg(long, value_name = "NAME")]
    pub temp_name: Option<String>,

    /// Roll back a change under way as far as its phase allows: before the pool is deleted, it
    /// allocates again; while it is deleted, it is created again with its old blockSize
    #[arg(long, conflicts_with = "execute")]
    pub abort: bool,

    #[command(flatten)]
    pub run: RunbookArgs,
}

#[derive(Debug, Args)]
pub struct WhichArgs {
    /// pod, ns, deploy, sts, ds, rs, job or cronjob (also TYPE/NAME)
    #[arg(value_name = "TYPE[/NAME]")]
    pub target: String,

    /// The object's name
    #[arg(value_name = "NAME")]
    pub name: Option<String>,

    /// The node the pod runs on, or would [default: a pod's spec.nodeName]
    #[arg(long, value_name = "NODE")]
    pub node: Option<String>,

    /// Answer from these manifests instead of the cluster (files or directories; repeatable)
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
    pub files: Vec<String>,

    /// Print the answer as JSON or YAML
    #[arg(short = 'o', long = "output", value_enum, value_name = "FORMAT")]
    pub output: Option<ObjectFormat>,

    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format: wide adds columns; json and yaml give every figure
    #[arg(short = 'o', long = "output", value_enum, value_name = "FORMAT")]
    pub output: Option<TableFormat>,

    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The pool's name
    #[arg(value_name = "POOL")]
    pub pool: String,

    /// Output format: wide lists every pod and node; json and yaml give every figure
    #[arg(short = 'o', long = "output", value_enum, value_name = "FORMAT")]
    pub output: Option<TableFormat>,

    #[command(flatten)]
    pub connect: ConnectArgs,
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
    /// One `path:line:col: CODE message` line per finding, for grep and editor problem matchers
    Concise,
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

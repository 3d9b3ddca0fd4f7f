//! One lint run: discover the inputs, read and load them in parallel, run the selected rules over
//! the merged inventory, and hand back sorted findings. No output here.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::manifest::discover::{self, DiscoverError, Filter, Input, Problem};
use crate::manifest::yaml::Span;
use crate::manifest::{self, LoadProblem, Loaded, MAX_FILE_BYTES, emit, kustomize};
use crate::model::inventory::Inventory;
use crate::report::{self, Finding, Location, Summary};
use crate::rules::Context;
use crate::rules::invalid_yaml::RULE as INVALID_YAML;
use crate::rules::unused_suppression::RULE as UNUSED_SUPPRESSION;
use crate::settings::LintSettings;
use crate::source::{Loc, SourceFile, SourceId, SourceMap};
use crate::suppress;

pub struct Outcome {
    pub findings: Vec<Finding>,
    pub sources: SourceMap,
    pub summary: Summary,
    /// Paths that could not be read or walked: reported on stderr, exit 2 at the end.
    pub problems: Vec<Problem>,
    /// What was passed over on purpose (special files in a tree): stderr, exit code unchanged.
    pub notes: Vec<Problem>,
    /// What is probably a mistake in the command line (an `--exclude` that matched nothing):
    /// stderr, exit code unchanged.
    pub warnings: Vec<String>,
    /// The file on disk behind each source, by [`SourceId`]: `None` for stdin, rendered charts
    /// and kustomizations, and live objects, which `--fix` cannot write back.
    pub on_disk: Vec<Option<PathBuf>>,
    /// Each input read, in input order (`--show-files`).
    pub read: Vec<FileRead>,
}

/// One input as `--show-files` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRead {
    pub name: String,
    pub bytes: usize,
    pub documents: usize,
    /// Documents the cheap scan passed over: no rule reads them, so they were not parsed.
    pub skipped: usize,
}

pub fn run(settings: &LintSettings, stdin: &mut dyn Read) -> Result<Outcome, DiscoverError> {
    run_with_cluster(settings, stdin, Vec::new())
}

/// A run over the manifests and a cluster's live objects (`lint --cluster`): each live object is
/// rendered into its own `cluster:Kind/[namespace/]name` source and loaded like a file. The
/// rules see the cluster as `kubectl apply` of the manifests would leave it: a live object that
/// a manifest redefines gives way to it, and is kept apart for the drift rules (IPP4xx).
pub fn run_with_cluster(
    settings: &LintSettings,
    stdin: &mut dyn Read,
    live: Vec<serde_json::Value>,
) -> Result<Outcome, DiscoverError> {
    let mut filter = Filter::new(&settings.include, &settings.exclude)?;
    filter.tracked_only = settings.tracked_only;
    filter.charts.values = settings.helm_values.clone();
    filter.charts.kustomize = settings.kustomize;
    // stdin is read here, once, before the walk: the workers must never wait for it.
    let mut stdin_bytes = None;
    let mut stdin_problem = None;
    if settings.paths.iter().any(|path| path == "-") {
        let mut bytes = Vec::new();
        match stdin.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes) {
            Ok(_) => stdin_bytes = Some(bytes),
            Err(error) => {
                stdin_problem = Some(Problem {
                    path: "<stdin>".to_owned(),
                    message: error.to_string(),
                });
            }
        }
    }
    // -j N: a pool of N for this run (rayon's global one is sized once per process).
    let pool = settings.threads.and_then(|threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .ok()
    });
    let run = || lint_inputs(settings, &filter, stdin_bytes, stdin_problem, live);
    match pool {
        Some(pool) => pool.install(run),
        None => run(),
    }
}

/// Reorders `(index, ..)` tuples so that each sits at its index, with one swap per misplaced
/// tuple; falls back to a sort should the indices not be exactly `0..n`.
fn put_in_walk_order<T>(loaded: &mut [(usize, T)]) {
    let mut at = 0;
    while at < loaded.len() {
        let target = loaded[at].0;
        if target == at || target >= loaded.len() || loaded[target].0 == target {
            at += 1;
        } else {
            loaded.swap(at, target);
        }
    }
    if !loaded.is_sorted_by_key(|(index, _)| *index) {
        loaded.sort_unstable_by_key(|(index, _)| *index);
    }
}

/// Frees a large inventory on a thread of its own while the report is made: freeing 100k pools
/// one allocation at a time took 3 % of a run, on the one thread left once the rules are done.
fn free_in_background(inventory: Inventory) {
    let records = inventory.pools.len() + inventory.annotation_sites.len() + inventory.nodes.len();
    if records < 10_000 {
        return;
    }
    // Should the thread not start, the closure, and the inventory with it, is dropped here.
    let _ = std::thread::Builder::new().spawn(move || drop(inventory));
}

/// Files the walk hands to the workers at a time: few enough that both workers start at once
/// on a small tree, enough that handing them over costs nothing per file.
const WALK_BATCH: usize = 16;

/// What reading and loading one input gave.
type LoadResult = Result<(SourceFile, FileResult), Problem>;

/// The run proper, with stdin already read: everything from here may run on the worker
/// threads.
fn lint_inputs(
    settings: &LintSettings,
    filter: &Filter,
    stdin_bytes: Option<Vec<u8>>,
    stdin_problem: Option<Problem>,
    live: Vec<serde_json::Value>,
) -> Result<Outcome, DiscoverError> {
    let budget = LoadBudget::new(LOAD_BUDGET_BYTES);
    let load_input =
        |(index, input): (usize, &Input)| {
            let source = SourceId::try_from(index).unwrap_or(SourceId::MAX);
            let name = match (input, &settings.stdin_filename) {
                (Input::Stdin, Some(name)) => name.as_str(),
                _ => input.display(),
            };
            let skip = !settings.no_skip;
            match input {
                Input::Stdin => {
                    let bytes = stdin_bytes.as_deref().unwrap_or_default();
                    let _share = budget.acquire(bytes.len() as u64);
                    Ok(load(name, source, bytes, skip, true))
                }
                Input::Rendered { text, .. } => {
                    let _share = budget.acquire(text.len() as u64);
                    Ok(load(name, source, text, skip, true))
                }
                Input::File { path, .. } => READ_BUFFER.with_borrow_mut(|buffer| {
                    // Stamped before the read: any change after it shows at report time.
                    let metadata = discover::read_input_into(path, MAX_FILE_BYTES, buffer)
                        .map_err(|error| Problem {
                            path: input.display().to_owned(),
                            message: error.to_string(),
                        })?;
                    let stamp = Some(Stamp::from_metadata(&metadata));
                    // Only facts and spans stay in memory; the text of a file a finding points
                    // into is read again for the report. Pipes (`<(helm template .)`) cannot be,
                    // so their text stays.
                    let keep_text = stamp.is_none_or(|stamp| !stamp.regular);
                    let _share = budget.acquire(buffer.len() as u64);
                    let (file, mut result) = load(name, source, buffer, skip, keep_text);
                    result.stamp = stamp;
                    // A one-off huge file does not keep its buffer for the rest of the run.
                    if buffer.capacity() > KEPT_BUFFER_BYTES {
                        *buffer = Vec::new();
                    }
                    Ok((file, result))
                }),
            }
        };
    // A tree is walked on a thread of its own while the workers read and load what it has
    // found so far; the results are put back in the walk's order, which source ids follow.
    // With one thread (`-j 1`, as `rg -j1`) the walk comes first on the same thread: a walker
    // beside the one worker made `-j 1` use 1.26 cores. Asked second: asking first started
    // rayon's threads for a one-file run, which never uses them.
    let walks_a_tree = settings
        .paths
        .iter()
        .any(|path| path != "-" && Path::new(path).is_dir())
        && rayon::current_num_threads() > 1;
    let (inputs, loaded, discovered): (Vec<Input>, Vec<LoadResult>, _) = if walks_a_tree {
        std::thread::scope(|scope| {
            let (found, inbox) = std::sync::mpsc::channel::<Vec<(usize, Input)>>();
            let walker = scope.spawn(move || {
                // Handed over in batches: one at a time, the channel and the bridge's lock
                // cost a futex call or two per file (26k for 21k files, rg's walk makes 67).
                let mut batch = Vec::with_capacity(WALK_BATCH);
                let mut found_so_far = 0;
                let discovered = discover::discover_each(&settings.paths, filter, &mut |input| {
                    batch.push((found_so_far, input));
                    found_so_far += 1;
                    if batch.len() == WALK_BATCH {
                        // The receiver lives until the walk ends.
                        let _ = found.send(std::mem::replace(
                            &mut batch,
                            Vec::with_capacity(WALK_BATCH),
                        ));
                    }
                });
                if !batch.is_empty() {
                    let _ = found.send(batch);
                }
                discovered
            });
            let mut loaded: Vec<(usize, (Input, LoadResult))> = inbox
                .into_iter()
                .par_bridge()
                .flat_map_iter(|batch| {
                    batch.into_iter().map(|(index, input)| {
                        let result = load_input((index, &input));
                        (index, (input, result))
                    })
                })
                .collect();
            let discovered = match walker.join() {
                Ok(discovered) => discovered?,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            // Each result knows its place in the walk (the indices are 0..n, each once): swapped
            // there, every result moves at most once and in place. A sort moved the large tuples
            // n log n times; a second vector by index held both at once (5 MB more peak).
            put_in_walk_order(&mut loaded);
            let (inputs, loaded) = loaded.into_iter().map(|(_, loaded)| loaded).unzip();
            Ok::<_, DiscoverError>((inputs, loaded, discovered))
        })?
    } else {
        let mut discovered = discover::discover(&settings.paths, filter)?;
        let inputs = std::mem::take(&mut discovered.inputs);
        // One file (a pre-commit run) is loaded on this thread: starting the pool costs more
        // than the file (two thread spawns and a cgroup read to size it).
        let loaded = if inputs.len() <= 1 {
            inputs.iter().enumerate().map(load_input).collect()
        } else {
            inputs.par_iter().enumerate().map(load_input).collect()
        };
        (inputs, loaded, discovered)
    };
    let discover::Discovered {
        mut problems,
        mut notes,
        ..
    } = discovered;
    problems.extend(stdin_problem);

    let mut sources = SourceMap::default();
    let mut inventory = Inventory::default();
    let mut findings = Vec::new();
    let mut summary = Summary::default();
    let mut patch_files = HashSet::new();
    let mut suppressions = Vec::new();
    let mut alias_targets = HashMap::new();
    let mut stamps: Vec<Option<Stamp>> = Vec::new();
    let mut read = Vec::new();
    inventory.reserve_for(
        loaded
            .iter()
            .filter_map(|result| result.as_ref().ok())
            .filter_map(|(_, result)| result.facts.as_ref())
            .map(|facts| &facts.inventory),
    );
    for result in loaded {
        match result {
            Ok((
                file,
                FileResult {
                    facts,
                    documents,
                    skipped,
                    stamp,
                    bytes: file_bytes,
                },
            )) => {
                stamps.push(stamp);
                read.push(FileRead {
                    name: file.name.clone(),
                    bytes: file_bytes,
                    documents,
                    skipped,
                });
                let source = sources.len() as SourceId;
                sources.add(file);
                summary.files += 1;
                summary.documents += documents;
                if let Some(facts) = facts {
                    let FileFacts {
                        inventory: file_inventory,
                        problems: load_problems,
                        patch_files: file_patches,
                        suppressed,
                        aliases,
                    } = *facts;
                    alias_targets.extend(
                        aliases
                            .0
                            .into_iter()
                            .map(|(alias, target)| ((source, alias.start, alias.end), target)),
                    );
                    patch_files.extend(file_patches);
                    inventory.merge(file_inventory);
                    findings.extend(load_problems.into_iter().map(invalid_yaml));
                    findings.extend(suppressed.findings);
                    suppressions.extend(suppressed.suppressions);
                }
            }
            Err(problem) => {
                // Keep source ids aligned with input order.
                stamps.push(None);
                sources.add(SourceFile::new(problem.path.clone(), ""));
                problems.push(problem);
            }
        }
    }
    // Facts spread over several files (kubespray group_vars, a kubeadm podSubnet that a
    // calico-node default pool takes) are combined once everything is loaded.
    manifest::pool_sources::resolve(&mut inventory);
    if !patch_files.is_empty() {
        // Normalised here, once per file and only when patches exist: for every file of every
        // tree it was 6 % of the serial merge.
        let is_patch: Vec<bool> = (0..sources.len())
            .map(|id| {
                SourceId::try_from(id)
                    .ok()
                    .and_then(|id| sources.get(id))
                    .is_some_and(|file| {
                        patch_files.contains(&kustomize::normalize(Path::new(&file.name)))
                    })
            })
            .collect();
        inventory.pools.retain(|pool| {
            !is_patch
                .get(pool.anchor.source as usize)
                .copied()
                .unwrap_or(false)
        });
    }
    summary.pools = inventory.pools.len();

    let live_from = (!live.is_empty()).then(|| sources.len() as SourceId);
    let mut replaced = Inventory::default();
    if !live.is_empty() {
        let declared = declared_objects(&inventory);
        summary.cluster_objects = live.len();
        // Each object is dropped once rendered: its text and facts are all that stay.
        for object in live {
            let mut suppressed = suppress::Collector::default();
            let loaded = load_live_object(&mut sources, &object, &mut suppressed);
            findings.extend(suppressed.findings);
            suppressions.extend(suppressed.suppressions);
            if declared.contains(&emit::object_ref(&object)) {
                // A manifest redefines the object, not what IPAM holds for it.
                let mut live_inventory = loaded.inventory;
                inventory
                    .ipam
                    .merge(std::mem::take(&mut live_inventory.ipam));
                replaced.merge(live_inventory);
            } else {
                inventory.merge(loaded.inventory);
            }
        }
        drop_adopted_installation_pools(&mut inventory, live_from);
        summary.pools = inventory.pools.len();
    }

    let ctx = Context {
        cluster: &settings.cluster,
        live_from,
        replaced: live_from.map(|_| &replaced),
        exhaustion_threshold: settings.exhaustion_threshold,
        ..Context::new(&inventory, settings.calico)
    };
    // Rules are independent readers of the inventory: they run side by side, and their
    // findings are joined in rule order, so the report does not depend on scheduling.
    let run_rule = |rule: &&'static crate::rules::Rule| {
        let mut out = Vec::new();
        (rule.check)(&ctx, &mut out);
        out
    };
    // A handful of documents (a pre-commit run) is checked on this thread: waking the pool
    // costs more than the rules.
    let per_rule: Vec<Vec<Finding>> = if summary.documents + summary.cluster_objects <= 64 {
        settings.selected.iter().map(run_rule).collect()
    } else {
        settings.selected.par_iter().map(run_rule).collect()
    };
    findings.extend(per_rule.into_iter().flatten());
    drop(ctx);
    free_in_background(inventory);
    let ran = |code: &str| settings.selected.iter().any(|rule| rule.code == code);
    findings.retain(|f| ran(f.code));
    collapse_aliased(&mut findings, &alias_targets);
    // Suppressed findings are gone before anything counts them.
    let unused = suppress::apply(&mut findings, &suppressions, &ran);
    if ran(UNUSED_SUPPRESSION.code) {
        findings.extend(unused);
    }
    for finding in &mut findings {
        if let Some(&(_, severity)) = settings.severity.iter().find(|(c, _)| *c == finding.code) {
            finding.severity = severity;
        }
    }
    notes.extend(reload_sources(&findings, &inputs, &stamps, &mut sources));
    report::sort(&mut findings, &sources);
    summary.count(&findings);
    let warnings = filter
        .unmatched_excludes()
        .into_iter()
        .map(|pattern| format!("--exclude {pattern:?} matched nothing"))
        .collect();
    let on_disk = inputs
        .iter()
        .map(|input| match input {
            Input::File { path, .. } => Some(path.clone()),
            Input::Stdin | Input::Rendered { .. } => None,
        })
        .collect();
    Ok(Outcome {
        findings,
        sources,
        summary,
        problems,
        notes,
        warnings,
        on_disk,
        read,
    })
}

/// A live Installation's ipPools are the live IPPools the operator made of them (by name, or by
/// CIDR when it adopted an existing pool): one pool, not two overlapping ones. The Installation's
/// own values stay for the rules that judge them (IPP302).
fn drop_adopted_installation_pools(inventory: &mut Inventory, live_from: Option<SourceId>) {
    use crate::model::pool::PoolSource;
    let Some(first) = live_from else {
        return;
    };
    let live = |pool: &crate::model::pool::Pool| pool.anchor.source >= first;
    let resources: Vec<(Option<String>, Option<ipnet::IpNet>)> = inventory
        .pools
        .iter()
        .filter(|pool| pool.source.is_resource() && live(pool))
        .map(|pool| {
            (
                pool.name.value().cloned(),
                pool.cidr_net().map(|n| n.trunc()),
            )
        })
        .collect();
    inventory.pools.retain(|pool| {
        pool.source != PoolSource::Installation
            || !live(pool)
            || !resources.iter().any(|(name, net)| {
                (name.is_some() && name.as_ref() == pool.name.value())
                    || (net.is_some() && *net == pool.cidr_net().map(|n| n.trunc()))
            })
    });
}

/// Renders a live object into its `cluster:Kind/[namespace/]name` source, added to `sources`,
/// and loads it like a file. Its `ippool.lint/ignore` annotation is read into `suppressed`, as a
/// manifest's is.
fn load_live_object(
    sources: &mut SourceMap,
    object: &serde_json::Value,
    suppressed: &mut suppress::Collector,
) -> Loaded {
    let name = format!("{}:{}", emit::CLUSTER_SOURCE, emit::object_ref(object));
    let id = sources.len() as SourceId;
    let text = emit::to_yaml(object);
    // Rendered by us, so it parses; a problem here would be ours, not the user's.
    let loaded = manifest::load_text(&name, &text, id, false, suppressed);
    sources.add(SourceFile::new(name, text));
    loaded
}

/// What `which` reads: the manifests under `paths` and the live objects, loaded into one
/// inventory (no rule runs). Paths that cannot be read are returned as problems.
pub fn load_inventory(
    paths: &[String],
    live: Vec<serde_json::Value>,
) -> Result<(SourceMap, Inventory, Vec<Problem>), DiscoverError> {
    let filter = Filter::new(&[], &[])?;
    let discovered = discover::discover(paths, &filter)?;
    let mut problems = discovered.problems;
    let mut sources = SourceMap::default();
    let mut inventory = Inventory::default();
    for input in &discovered.inputs {
        let Input::File { display, path } = input else {
            continue;
        };
        let id = sources.len() as SourceId;
        match read_limited(path) {
            Ok(bytes) => {
                let (file, result) = load(display, id, &bytes, false, true);
                sources.add(file);
                inventory.merge(result.into_inventory());
            }
            Err(error) => {
                sources.add(SourceFile::new(display.clone(), ""));
                problems.push(Problem {
                    path: display.clone(),
                    message: error.to_string(),
                });
            }
        }
    }
    manifest::pool_sources::resolve(&mut inventory);
    let live_from = (!live.is_empty()).then(|| sources.len() as SourceId);
    for object in live {
        let mut ignored = suppress::Collector::default();
        inventory.merge(load_live_object(&mut sources, &object, &mut ignored).inventory);
    }
    drop_adopted_installation_pools(&mut inventory, live_from);
    Ok((sources, inventory, problems))
}

/// The objects the manifests declare, named as [`emit::object_ref`] names live ones: the
/// live objects that `kubectl apply` of the manifests would replace.
fn declared_objects(inventory: &Inventory) -> HashSet<String> {
    let mut declared = HashSet::new();
    for pool in &inventory.pools {
        if pool.source.is_resource()
            && let Some(name) = pool.name.value()
        {
            declared.insert(format!("IPPool/{name}"));
        }
    }
    declared.extend(inventory.nodes.iter().map(|n| format!("Node/{}", n.name)));
    declared.extend(
        inventory
            .namespaces
            .iter()
            .map(|n| format!("Namespace/{}", n.name)),
    );
    declared.extend(inventory.annotation_sites.iter().map(|s| s.object.clone()));
    declared
}

/// Reads again the files the findings point into (primary or related), whose text was dropped
/// after loading. A file whose [`Stamp`] differs from the one taken when it was loaded, or that
/// cannot be read, changed meanwhile: it is marked so, its findings are reported without a
/// position rather than at the wrong bytes (issue 9 item 17), and a note says so.
fn reload_sources(
    findings: &[Finding],
    inputs: &[Input],
    stamps: &[Option<Stamp>],
    sources: &mut SourceMap,
) -> Vec<Problem> {
    let mut referenced: BTreeMap<SourceId, usize> = BTreeMap::new();
    for finding in findings {
        let locations =
            std::iter::once(&finding.location).chain(finding.related.iter().map(|r| &r.location));
        for source in locations.filter_map(|location| location.loc.map(|loc| loc.source)) {
            *referenced.entry(source).or_default() += 1;
        }
    }
    let mut notes = Vec::new();
    for (id, count) in referenced {
        let Some(Input::File { display, path }) = inputs.get(id as usize) else {
            continue;
        };
        if sources.get(id).is_some_and(|file| !file.text.is_empty()) {
            continue;
        }
        let before = stamps.get(id as usize).copied().flatten();
        let reread = read_limited(path)
            .ok()
            .filter(|_| before.is_some() && Stamp::of(path) == before);
        match reread {
            Some(bytes) => {
                let (text, _) = manifest::decode(id, bytes);
                sources.replace(id, SourceFile::new(display.clone(), text));
            }
            None => {
                sources.replace(id, SourceFile::changed(display.clone()));
                notes.push(Problem {
                    path: display.clone(),
                    message: format!(
                        "the file changed while it was being linted: {count} {} into it {} \
                         reported without line and column; lint it again",
                        if count == 1 { "location" } else { "locations" },
                        if count == 1 { "is" } else { "are" }
                    ),
                });
            }
        }
    }
    notes
}

/// What tells one version of a file from the next without keeping its text: size, times and
/// inode. A rewrite changes the modification time, or at least the change time, which no one
/// can set back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    regular: bool,
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    changed: (i64, i64),
    #[cfg(unix)]
    inode: u64,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        Some(Stamp::from_metadata(&std::fs::metadata(path).ok()?))
    }

    fn from_metadata(metadata: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        Stamp {
            regular: metadata.is_file(),
            len: metadata.len(),
            modified: metadata.modified().ok(),
            #[cfg(unix)]
            changed: (metadata.ctime(), metadata.ctime_nsec()),
            #[cfg(unix)]
            inode: metadata.ino(),
        }
    }
}

thread_local! {
    /// Each worker reads its files into one buffer, as ripgrep does: a fresh buffer per file
    /// costs an allocation and the kernel zeroing its pages, which was an eighth of a run.
    static READ_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A read buffer grown past this by one large file is dropped after it.
const KEPT_BUFFER_BYTES: usize = 4 * 1024 * 1024;

fn read_limited(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    discover::read_input(path, MAX_FILE_BYTES)
}

/// Bytes of input parsed at the same time. A parsed file costs up to about a hundred times its
/// size (a 10 MB flow list near the node cap: 1.36 GB), so large files load one at a time
/// while small ones share the threads: peak memory is bounded per run, not per file times
/// the cores (issue 9 item 10).
const LOAD_BUDGET_BYTES: u64 = 4 * 1024 * 1024;

/// A counting semaphore over bytes: a file takes its size (at most the whole budget) before it
/// is parsed and gives it back when done.
struct LoadBudget {
    total: u64,
    state: std::sync::Mutex<BudgetState>,
    freed: std::sync::Condvar,
}

struct BudgetState {
    available: u64,
    /// Loads waiting for bytes. Giving bytes back wakes them only when there are some: std's
    /// condition variable makes a futex call on every notify, one per file of a tree.
    waiting: usize,
}

struct BudgetShare<'b> {
    budget: &'b LoadBudget,
    bytes: u64,
}

impl LoadBudget {
    fn new(total: u64) -> LoadBudget {
        LoadBudget {
            total,
            state: std::sync::Mutex::new(BudgetState {
                available: total,
                waiting: 0,
            }),
            freed: std::sync::Condvar::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BudgetState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn acquire(&self, bytes: u64) -> BudgetShare<'_> {
        let bytes = bytes.min(self.total);
        let mut state = self.lock();
        while state.available < bytes {
            state.waiting += 1;
            state = self
                .freed
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            state.waiting -= 1;
        }
        state.available -= bytes;
        BudgetShare {
            budget: self,
            bytes,
        }
    }
}

impl Drop for BudgetShare<'_> {
    fn drop(&mut self) {
        let mut state = self.budget.lock();
        state.available += self.bytes;
        if state.waiting > 0 {
            self.budget.freed.notify_all();
        }
    }
}

/// What loading one file gave: its counts, and the facts when it has any.
struct FileResult {
    /// `None` for a file that declares and reports nothing, most files of a large tree: every
    /// file's result stays in memory until all are loaded, and an inline inventory made that
    /// 768 bytes a file (16 MB for a 20k-file tree, twice over while they were collected).
    facts: Option<Box<FileFacts>>,
    documents: usize,
    skipped: usize,
    stamp: Option<Stamp>,
    bytes: usize,
}

/// The model's part of one file and what lint reads beside it.
struct FileFacts {
    inventory: Inventory,
    problems: Vec<LoadProblem>,
    patch_files: Vec<PathBuf>,
    suppressed: suppress::Collector,
    aliases: Aliases,
}

impl FileResult {
    fn new(loaded: Loaded, extras: LintExtras, bytes: usize) -> Self {
        let LintExtras {
            suppressed,
            aliases,
        } = extras;
        let Loaded {
            inventory,
            problems,
            documents,
            skipped,
            patch_files,
        } = loaded;
        let empty = inventory.is_empty()
            && problems.is_empty()
            && patch_files.is_empty()
            && suppressed.suppressions.is_empty()
            && suppressed.findings.is_empty()
            && aliases.0.is_empty();
        let facts = (!empty).then(|| {
            Box::new(FileFacts {
                inventory,
                problems,
                patch_files,
                suppressed,
                aliases,
            })
        });
        FileResult {
            facts,
            documents,
            skipped,
            stamp: None,
            bytes,
        }
    }

    fn into_inventory(self) -> Inventory {
        self.facts.map(|facts| facts.inventory).unwrap_or_default()
    }
}

/// Where each alias of a file points: (alias token, anchored node) spans, so findings reached
/// through different aliases of one value are known as one (see [`collapse_aliased`]).
#[derive(Default)]
struct Aliases(Vec<(Span, Span)>);

/// What lint reads from the tree while the loader holds it.
#[derive(Default)]
struct LintExtras {
    suppressed: suppress::Collector,
    aliases: Aliases,
}

impl manifest::Extras for LintExtras {
    fn object(
        &mut self,
        reader: &manifest::extract::Reader<'_>,
        object: manifest::yaml::NodeRef<'_>,
    ) {
        self.suppressed.object(reader, object);
    }

    fn per_document(&self, text: &str) -> bool {
        manifest::Extras::per_document(&self.suppressed, text)
    }

    fn file(&mut self, source: SourceId, text: &str, parsed: &manifest::yaml::Parsed) {
        self.suppressed.file(source, text, parsed);
    }

    fn join(&mut self, later: LintExtras) {
        self.suppressed.join(later.suppressed);
        self.aliases.0.extend(later.aliases.0);
    }

    fn tree(&mut self, _source: SourceId, parsed: &manifest::yaml::Parsed) {
        for document in &parsed.documents {
            for node in &document.nodes {
                if let manifest::yaml::NodeKind::Alias(target) = node.kind {
                    self.aliases.0.push((node.span, document.node(target).span));
                }
            }
        }
    }
}

/// A load problem as the IPP000 finding users see.
pub fn invalid_yaml(problem: LoadProblem) -> Finding {
    let mut finding = INVALID_YAML.finding(problem.message, Location::at(problem.loc, None));
    if let Some(label) = problem.label {
        finding = finding.with_label(label);
    }
    if let Some(help) = problem.help {
        finding = finding.with_help(help);
    }
    if let Some((message, loc)) = problem.related {
        finding = finding.with_related(message, Location::at(loc, None));
    }
    finding
}

/// Turns one input's bytes into its source and what it declares; the source keeps its text only
/// when `keep_text`.
fn load(
    name: &str,
    source: SourceId,
    bytes: &[u8],
    skip: bool,
    keep_text: bool,
) -> (SourceFile, FileResult) {
    let mut extras = LintExtras::default();
    let size = bytes.len();
    if bytes.len() as u64 > MAX_FILE_BYTES {
        let problem = LoadProblem {
            message: format!(
                "{name} is larger than {} MiB; not linted",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            loc: Loc::new(source, Span { start: 0, end: 0 }),
            label: None,
            help: Some(
                "Kubernetes accepts at most 3 MiB per object; exclude this path with --exclude"
                    .to_owned(),
            ),
            related: None,
        };
        let loaded = Loaded {
            problems: vec![problem],
            ..Loaded::default()
        };
        return (
            SourceFile::new(name, ""),
            FileResult::new(loaded, extras, size),
        );
    }
    // Valid UTF-8, the common case, is linted where it lies; anything else is decoded (or
    // refused) into a text of its own.
    let decoded;
    let (text, refused): (&str, _) = match manifest::as_utf8(bytes) {
        Some(text) => (text, None),
        None => {
            decoded = manifest::decode(source, bytes.to_vec());
            (decoded.0.as_str(), decoded.1)
        }
    };
    let loaded = match refused {
        Some(problem) => Loaded {
            problems: vec![problem],
            ..Loaded::default()
        },
        None => manifest::load_text(name, text, source, skip, &mut extras),
    };
    let file = if keep_text {
        SourceFile::new(name, text)
    } else {
        SourceFile::new(name, "")
    };
    (file, FileResult::new(loaded, extras, size))
}

/// Keeps one finding per rule and span when several objects share that span: distinct objects
/// occupy distinct text, so only a YAML alias makes them point at one value, and an anchor
/// aliased two thousand times is one mistake, not two thousand (issue 9 item 9). Objects are
/// told apart by name, or, when an alias names them alike, by the finding being the same word
/// for word. The finding kept says how many objects share it.
fn collapse_aliased(
    findings: &mut Vec<Finding>,
    alias_targets: &HashMap<(SourceId, usize, usize), Span>,
) {
    if alias_targets.is_empty() {
        return;
    }
    // Only spans an alias reaches take part: a pool that a calico-node env and a kubeadm
    // podSubnet both describe may share a span with no alias involved.
    let mut anchored: Vec<(SourceId, Span)> = alias_targets
        .iter()
        .map(|(&(source, _, _), &target)| (source, target))
        .collect();
    anchored.sort_unstable_by_key(|&(source, span)| (source, span.start, span.end));
    anchored.dedup();
    let inside_anchored = |source: SourceId, span: Span| {
        let after = anchored.partition_point(|&(s, a)| (s, a.start) <= (source, span.start));
        // Anchors nest only as deep as the YAML does; walk back over the enclosing ones.
        anchored[..after]
            .iter()
            .rev()
            .take_while(|&&(s, _)| s == source)
            .take(64)
            .any(|&(_, a)| span.end <= a.end)
    };
    let mut first: HashMap<(&'static str, SourceId, usize, usize), (usize, usize)> = HashMap::new();
    let mut keep = vec![true; findings.len()];
    for (index, finding) in findings.iter().enumerate() {
        let (Some(loc), Some(object)) = (finding.location.loc, &finding.location.object) else {
            continue;
        };
        let written = (loc.source, loc.span().start, loc.span().end);
        let span = match alias_targets.get(&written) {
            Some(&target) => target,
            None if inside_anchored(loc.source, loc.span()) => loc.span(),
            None => continue,
        };
        let key = (finding.code, loc.source, span.start, span.end);
        match first.get_mut(&key) {
            None => {
                first.insert(key, (index, 0));
            }
            Some((kept, others)) => {
                let kept = &findings[*kept];
                if kept.location.object.as_ref() != Some(object) || kept.message == finding.message
                {
                    keep[index] = false;
                    *others += 1;
                }
            }
        }
    }
    for (index, others) in first.into_values() {
        if others > 0 {
            let finding = &mut findings[index];
            let note = format!(
                "{others} more object{} use this value through a YAML alias and are not \
                 reported again",
                if others == 1 { "" } else { "s" }
            );
            finding.help = Some(match finding.help.take() {
                Some(help) => format!("{help}\n{note}"),
                None => note,
            });
        }
    }
    let mut keep = keep.into_iter();
    findings.retain(|_| keep.next().unwrap_or(true));
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::rules::invalid_cidr::RULE as INVALID_CIDR;

    #[test]
    fn walk_results_are_put_back_in_walk_order() {
        let mut loaded: Vec<(usize, char)> = vec![(3, 'd'), (0, 'a'), (4, 'e'), (2, 'c'), (1, 'b')];
        put_in_walk_order(&mut loaded);
        assert_eq!(
            loaded,
            vec![(0, 'a'), (1, 'b'), (2, 'c'), (3, 'd'), (4, 'e')]
        );
        // Indices that are not exactly 0..n (they always are) still end sorted, without a loop.
        let mut odd: Vec<(usize, char)> = vec![(7, 'z'), (1, 'b'), (1, 'c'), (0, 'a')];
        put_in_walk_order(&mut odd);
        assert!(odd.is_sorted_by_key(|(index, _)| *index));
    }

    /// Issue 9 item 17: a file rewritten between load and report got silently wrong positions
    /// (its new text read as if it were the old). The change is noticed: positions are withheld
    /// and a note says so; an unchanged file reads back as before.
    #[test]
    fn a_file_changed_after_loading_is_reported_without_positions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pool.yaml");
        std::fs::write(&path, "spec:\n  cidr: bad\n").unwrap();
        let inputs = vec![Input::File {
            display: "pool.yaml".to_owned(),
            path: path.clone(),
        }];
        let stamps = vec![Stamp::of(&path)];
        let finding = INVALID_CIDR.finding(
            "bad",
            Location::at(Loc::new(0, Span { start: 14, end: 17 }), None),
        );
        let findings = vec![finding];

        let mut sources = SourceMap::default();
        sources.add(SourceFile::new("pool.yaml", ""));
        assert!(reload_sources(&findings, &inputs, &stamps, &mut sources).is_empty());
        let position = report::position(&sources, &findings[0].location.loc.unwrap()).unwrap();
        assert_eq!((position.start.line, position.start.column), (2, 9));

        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&path, "# a new first line\nspec:\n  cidr: bad\n").unwrap();
        let mut sources = SourceMap::default();
        sources.add(SourceFile::new("pool.yaml", ""));
        let notes = reload_sources(&findings, &inputs, &stamps, &mut sources);
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0]
                .message
                .contains("changed while it was being linted"),
            "{}",
            notes[0].message
        );
        assert!(report::position(&sources, &findings[0].location.loc.unwrap()).is_none());
        assert!(sources.get(0).unwrap().is_changed());
    }
}

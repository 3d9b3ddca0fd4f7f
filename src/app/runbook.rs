//! `migrate`: reads the cluster as `lint --cluster` does, plans Calico's migration procedure
//! (`live::runbook`, pure) and prints the plan.

use super::{Failure, Io, interrupt};
use serde_json::json;

use crate::cli::{DryRun, MigrateArgs, ObjectFormat, ResizeArgs, RunbookArgs};
use crate::live::calico;
use crate::live::client::{Connection, LiveError};
use crate::live::plan::World;
use crate::live::runbook::{self, Destination, MigrateRequest, Plan, ResizeRequest};
use crate::manifest::emit;
use crate::model::annotations::Place;
use crate::model::cidr;
use crate::model::inventory::Inventory;
use crate::report::Severity;
use crate::report::runbook as runbook_report;

/// How the operator names a pool it derives from a CIDR: `10.250.0.0-16`.
fn name_for(net: &ipnet::IpNet) -> String {
    format!("{}-{}", net.network(), net.prefix_len()).replace(':', ".")
}

pub(super) fn migrate(args: MigrateArgs, io: &mut Io<'_>) -> Result<i32, Failure> {
    let to = match (&args.to, &args.to_cidr) {
        (Some(name), _) => Destination::Existing(name.clone()),
        (None, Some(text)) => {
            let net = cidr::parse(text).map_err(|error| {
                Failure::Live(LiveError::Refused(format!("--to-cidr {text:?}: {error}")))
            })?;
            Destination::New {
                name: args.name.clone().unwrap_or_else(|| name_for(&net.trunc())),
                cidr: net,
                block_size: args.block_size,
            }
        }
        (None, None) => {
            return Err(Failure::Live(LiveError::Refused(
                "give --to POOL or --to-cidr CIDR".to_owned(),
            )));
        }
    };
    let connection = Connection::open_with(&args.run.connect, None).map_err(Failure::Live)?;
    let objects = super::live::read_cluster(&connection).map_err(Failure::Live)?;
    let (_, inventory, _) = crate::lint::load_inventory(&[], objects.clone())
        .map_err(|e| Failure::Report(Box::new(e)))?;
    let request = MigrateRequest {
        from: args.from.clone(),
        to,
        rewrite_annotations: args.run.rewrite_annotations,
        delete_bare_pods: args.run.delete_bare_pods,
    };
    if args.abort {
        interrupt::install();
        let run = Execution::new(&connection, &args.run)?;
        abort_migrate(io, &run, &request).map_err(Failure::Live)?;
        return Ok(super::EXIT_OK);
    }
    let mut plan = runbook::plan_migrate(&inventory, &request).map_err(not_found)?;
    if let Destination::New { block_size, .. } = &request.to
        && let Some(old) = live_pool(&objects, &request.from)
        && live_pool(&objects, &plan.to).is_none()
        && let Ok(net) = plan.to_cidr.parse()
    {
        let created = created_pool(old, &plan.to, net, *block_size);
        let world = pool_world(&objects);
        check_created(&mut plan, &world, None, &created);
    }
    if !args.run.execute {
        return print_plan(io, &plan, args.run.output);
    }
    if plan.blocked() {
        print_plan(io, &plan, None)?;
        return Err(Failure::Live(LiveError::Refused(
            "refused: a check blocks the migration; nothing was written".to_owned(),
        )));
    }
    interrupt::install();
    let run = Execution::new(&connection, &args.run)?;
    execute_migrate(io, &run, &request).map_err(Failure::Live)?;
    Ok(super::EXIT_OK)
}

pub(super) fn resize(args: ResizeArgs, io: &mut Io<'_>) -> Result<i32, Failure> {
    let temp_cidr = cidr::parse(&args.temp_cidr).map_err(|error| {
        Failure::Live(LiveError::Refused(format!(
            "--temp-cidr {:?}: {error}",
            args.temp_cidr
        )))
    })?;
    let connection = Connection::open_with(&args.run.connect, None).map_err(Failure::Live)?;
    let request = ResizeRequest {
        temp_name: args
            .temp_name
            .clone()
            .unwrap_or_else(|| format!("{}-temp", args.pool)),
        pool: args.pool.clone(),
        block_size: args.block_size,
        temp_cidr,
        rewrite_annotations: args.run.rewrite_annotations,
        delete_bare_pods: args.run.delete_bare_pods,
    };
    let objects = super::live::read_cluster(&connection).map_err(Failure::Live)?;
    let (_, inventory, _) = crate::lint::load_inventory(&[], objects.clone())
        .map_err(|e| Failure::Report(Box::new(e)))?;
    let planned = runbook::plan_resize(&inventory, &request).map(|mut plan| {
        // Before the change starts, the pools it creates are judged as they will be.
        if let Some(pool) = live_pool(&objects, &request.pool)
            && live_pool(&objects, &request.temp_name).is_none()
        {
            let mut world = pool_world(&objects);
            let temp = created_pool(pool, &request.temp_name, request.temp_cidr.trunc(), None);
            check_created(&mut plan, &world, None, &temp);
            if let Some(net) = pool["spec"]["cidr"]
                .as_str()
                .and_then(|c| cidr::parse(c).ok())
            {
                let resized =
                    created_pool(pool, &request.pool, net.trunc(), Some(request.block_size));
                // An operator-managed pool comes back from its Installation entry, changed too.
                for installation in world
                    .objects
                    .iter_mut()
                    .filter(|o| o["kind"] == "Installation")
                {
                    if let Some(entries) =
                        installation["spec"]["calicoNetwork"]["ipPools"].as_array_mut()
                    {
                        for entry in entries
                            .iter_mut()
                            .filter(|e| e["name"] == request.pool.as_str())
                        {
                            entry["blockSize"] = json!(request.block_size);
                        }
                    }
                }
                check_created(&mut plan, &world, Some(&request.pool), &resized);
            }
        }
        plan
    });
    if args.abort {
        interrupt::install();
        let run = Execution::new(&connection, &args.run)?;
        abort_resize(io, &run, &request).map_err(Failure::Live)?;
        return Ok(super::EXIT_OK);
    }
    if !args.run.execute {
        return print_plan(io, &planned.map_err(not_found)?, args.run.output);
    }
    interrupt::install();
    let run = Execution::new(&connection, &args.run)?;
    // A change under way (the pool deleted, or already resized) has no plan to check.
    if let Ok(plan) = planned
        && plan.blocked()
        && !plan
            .checks
            .iter()
            .any(|c| !c.passed && c.message.contains("already has blockSize"))
    {
        print_plan(io, &plan, None)?;
        return Err(Failure::Live(LiveError::Refused(
            "refused: a check blocks the change; nothing was written".to_owned(),
        )));
    }
    execute_resize(io, &run, &request).map_err(Failure::Live)?;
    Ok(super::EXIT_OK)
}

/// The live IPPool named `name`, as read.
fn live_pool<'o>(objects: &'o [serde_json::Value], name: &str) -> Option<&'o serde_json::Value> {
    objects
        .iter()
        .find(|o| o["kind"] == "IPPool" && o["metadata"]["name"] == name)
}

/// The IPPool a run creates: `from`'s spec (its settings), with the new CIDR and blockSize, and
/// enabled.
fn created_pool(
    from: &serde_json::Value,
    name: &str,
    net: ipnet::IpNet,
    block_size: Option<u8>,
) -> serde_json::Value {
    let mut spec = from["spec"].clone();
    spec["cidr"] = json!(net.to_string());
    if let Some(size) = block_size {
        spec["blockSize"] = json!(size);
    }
    if let Some(spec) = spec.as_object_mut() {
        spec.remove("disabled");
    }
    json!({
        "apiVersion": from["apiVersion"], "kind": "IPPool",
        "metadata": {"name": name}, "spec": spec,
    })
}

/// What the pool rules read: the objects less pods, IPAM blocks and affinities, which only the
/// live-state rules (not run on a pool about to be created) read.
fn pool_world(objects: &[serde_json::Value]) -> World {
    World {
        objects: objects
            .iter()
            .filter(|o| {
                !matches!(
                    o["kind"].as_str(),
                    Some("Pod" | "IPAMBlock" | "BlockAffinity")
                )
            })
            .cloned()
            .collect(),
    }
}

/// Codes the plan checks itself (overlap, the cluster CIDR), or that judge the cluster as it is
/// for a moment of the change rather than the pool: two default pools until the next step
/// disables the old one, blocks of the old size until the run releases them.
const PLAN_OWN_CODES: &[&str] = &["IPP101", "IPP107", "IPP108", "IPP401", "IPP403", "IPP404"];

/// Runs the rules on a pool the run will create (in place of the live pool `replaces`) and adds
/// what they find to the plan's checks: an error blocks the run, a warning is shown.
fn check_created(
    plan: &mut Plan,
    world: &World,
    replaces: Option<&str>,
    created: &serde_json::Value,
) {
    let name = created["metadata"]["name"].as_str().unwrap_or_default();
    let replace = replaces.and_then(|old| {
        world
            .objects
            .iter()
            .position(|o| o["kind"] == "IPPool" && o["metadata"]["name"] == old)
    });
    let judgement = world.judge(replace, created, &[]);
    for finding in judgement.new {
        if PLAN_OWN_CODES.contains(&finding.code) {
            continue;
        }
        plan.checks.push(runbook::Check {
            passed: false,
            blocking: finding.severity == Severity::Error,
            message: format!(
                "IPPool {name} as the run creates it: {} ({} {})",
                finding.message, finding.code, finding.rule
            ),
            fix: finding.help.clone().or_else(|| {
                Some(format!(
                    "`kubectl ippool explain {}` says what the rule checks",
                    finding.code
                ))
            }),
        });
    }
}

fn not_found(message: String) -> Failure {
    Failure::Live(LiveError::NotFound {
        message,
        help: String::new(),
    })
}

fn print_plan(io: &mut Io<'_>, plan: &Plan, output: Option<ObjectFormat>) -> Result<i32, Failure> {
    match output {
        Some(ObjectFormat::Json) => {
            serde_json::to_writer_pretty(&mut *io.stdout, plan).map_err(std::io::Error::from)?;
            writeln!(io.stdout)?;
        }
        Some(ObjectFormat::Yaml) => {
            let value = serde_json::to_value(plan).map_err(std::io::Error::from)?;
            io.stdout.write_all(emit::to_yaml(&value).as_bytes())?;
        }
        None => runbook_report::render(io.stdout, plan)?,
    }
    Ok(if plan.blocked() {
        super::EXIT_FINDINGS
    } else {
        super::EXIT_OK
    })
}

/// RFC 3339 UTC, as `kubectl rollout restart` stamps `kubectl.kubernetes.io/restartedAt`, with
/// nanoseconds: two restarts of one workload in the same second (moved out, then back) must
/// still change its pod template.
fn now_rfc3339() -> String {
    rfc3339(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default(),
    )
}

fn rfc3339(now: std::time::Duration) -> String {
    let seconds = now.as_secs();
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:09}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60,
        now.subsec_nanos()
    )
}

/// What `--execute` needs besides the request.
pub(super) struct Execution<'a> {
    pub connection: &'a Connection,
    /// Recreate only this namespace's pods (one wave).
    pub namespace: Option<String>,
    /// Recreate only the pods this label selector picks (one wave).
    pub selector: Option<String>,
    pub mode: DryRun,
    pub yes: bool,
    pub force: bool,
    pub wait: std::time::Duration,
}

/// How far a run went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Progress {
    /// Every step is done.
    Done,
    /// The run's wave (-n, -l) is done, or a dry run went through the steps without changing
    /// anything: the steps after it wait for another run.
    Stopped,
}

/// The pods a run limited by `-n`/`-l` recreates: `None` when it is not limited by a selector.
type Selected = Option<std::collections::BTreeSet<(String, String)>>;

impl<'a> Execution<'a> {
    fn new(connection: &'a Connection, args: &RunbookArgs) -> Result<Execution<'a>, Failure> {
        let wait = crate::live::client::parse_duration(&args.wait)
            .map_err(Failure::Live)?
            .unwrap_or(std::time::Duration::from_secs(3600));
        Ok(Execution {
            connection,
            namespace: args.namespace.clone(),
            selector: args.selector.clone(),
            mode: args.dry_run,
            yes: args.yes,
            force: args.force,
            wait,
        })
    }

    fn limited(&self) -> bool {
        self.namespace.is_some() || self.selector.is_some()
    }

    /// `namespace shop`, `the pods matching app=web`, both.
    fn limit_text(&self) -> String {
        match (&self.namespace, &self.selector) {
            (Some(ns), Some(sel)) => format!("the pods matching {sel} in namespace {ns}"),
            (Some(ns), None) => format!("namespace {ns}"),
            (None, Some(sel)) => format!("the pods matching {sel}"),
            (None, None) => "every pod".to_owned(),
        }
    }

    /// The pods `-l` picks, as the API server matches the selector.
    fn selected(&self) -> Result<Selected, LiveError> {
        let Some(selector) = &self.selector else {
            return Ok(None);
        };
        let pods =
            self.connection
                .list_selected(&calico::PODS, self.namespace.as_deref(), selector)?;
        Ok(Some(
            pods.iter()
                .filter_map(|pod| {
                    Some((
                        pod["metadata"]["namespace"].as_str()?.to_owned(),
                        pod["metadata"]["name"].as_str()?.to_owned(),
                    ))
                })
                .collect(),
        ))
    }

    /// Whether the run recreates this wave: its namespace, and one of its pods picked by `-l`
    /// (a rolling restart recreates the owner's other pods too).
    fn takes(&self, wave: &runbook::Wave, selected: &Selected) -> bool {
        self.namespace
            .as_ref()
            .is_none_or(|ns| *ns == wave.namespace)
            && selected.as_ref().is_none_or(|set| {
                wave.pods
                    .iter()
                    .any(|pod| set.contains(&(wave.namespace.clone(), pod.clone())))
            })
    }

    fn server_dry_run(&self) -> bool {
        self.mode == DryRun::Server
    }

    fn sends(&self) -> bool {
        self.mode != DryRun::Client
    }

    fn inventory(&self) -> Result<Inventory, LiveError> {
        let objects = super::live::read_cluster(self.connection)?;
        crate::lint::load_inventory(&[], objects)
            .map(|(_, inventory, _)| inventory)
            .map_err(|error| LiveError::Config(error.to_string()))
    }
}

/// Carries out a migration, each step looking at the cluster first and skipping what is done,
/// so that running it again after a stop resumes it.
pub(super) fn execute_migrate(
    io: &mut Io<'_>,
    run: &Execution<'_>,
    request: &MigrateRequest,
) -> Result<Progress, LiveError> {
    let connection = run.connection;
    let api = calico::discover(connection)?;
    let note = super::live::dry_run_note(run.mode);
    let pools = api.pools;
    let pool_ref = |name: &str| format!("{}/{name}", pools.kubectl_name());
    let plan = runbook::plan_migrate(&run.inventory()?, request).map_err(LiveError::Refused)?;
    let to = plan.to.clone();
    let to_net: ipnet::IpNet = plan
        .to_cidr
        .parse()
        .map_err(|_| LiveError::Refused(format!("{} is not a CIDR", plan.to_cidr)))?;
    let old = connection.get(&pools, None, &request.from)?;
    let old_net = old["spec"]["cidr"]
        .as_str()
        .and_then(|c| cidr::parse(c).ok())
        .map(|n| n.trunc())
        .ok_or_else(|| LiveError::Refused(format!("IPPool {} has no valid cidr", request.from)))?;

    // The run disables a pool still in use: ask before the first write.
    let moving: usize = plan.waves.iter().map(|w| w.pods.len()).sum();
    if moving > 0 && old["spec"]["disabled"] != true && run.mode == DryRun::None {
        super::live::confirm(
            io,
            &format!(
                "This disables IPPool {}: new pods get no address from it, and {} still {} addresses in it until recreated.",
                request.from,
                plural(moving, "pod", "pods"),
                if moving == 1 { "has" } else { "have" }
            ),
            run.yes,
        )?;
    }
    let operator = plan.operator_managed;
    // Create the new pool, with the old one's settings.
    if operator && let Destination::New { block_size, .. } = &request.to {
        let added = edit_installation(run, |entries| {
            if entries.iter().any(|e| e["name"] == to.as_str()) {
                return false;
            }
            let mut entry = entries
                .iter()
                .find(|e| e["name"] == request.from.as_str())
                .cloned()
                .unwrap_or_else(|| json!({}));
            entry["name"] = json!(to);
            entry["cidr"] = json!(to_net.to_string());
            if let Some(size) = block_size {
                entry["blockSize"] = json!(size);
            }
            if let Some(entry) = entry.as_object_mut() {
                entry.remove("disableNewAllocations");
            }
            entries.push(entry);
            true
        })?;
        report_installation(io, added, &format!("ipPools + {to}"), note)?;
        wait_for_pool(run, &pools, &to, true)?;
    } else if let Destination::New { block_size, .. } = &request.to {
        match connection.get(&pools, None, &to) {
            Ok(_) => writeln!(io.stdout, "{} exists", pool_ref(&to)).map_err(io_error)?,
            Err(LiveError::NotFound { .. }) => {
                let mut object = created_pool(&old, &to, to_net, *block_size);
                object["apiVersion"] = json!(pools.api_version());
                if run.sends() {
                    connection.create(&pools, None, &object, run.server_dry_run())?;
                }
                writeln!(io.stdout, "{} created{note}", pool_ref(&to)).map_err(io_error)?;
            }
            Err(error) => return Err(error),
        }
    }

    // Rewrite the annotations that name the old pool.
    if request.rewrite_annotations {
        rewrite_annotations(io, run, request, &to, old_net)?;
    }

    // Disable the old pool.
    if operator {
        allow_new_allocations(io, run, &request.from, false, note)?;
    } else if old["spec"]["disabled"] == true {
        writeln!(io.stdout, "{} is disabled", pool_ref(&request.from)).map_err(io_error)?;
    } else {
        let patch = json!({"spec": {"disabled": true},
                           "metadata": {"resourceVersion": old["metadata"]["resourceVersion"]}});
        if run.sends() {
            connection.merge_patch(&pools, None, &request.from, &patch, run.server_dry_run())?;
        }
        writeln!(
            io.stdout,
            "{} patched (disabled){note}",
            pool_ref(&request.from)
        )
        .map_err(io_error)?;
    }
    // Recreate the pods, owner by owner, and wait for each to move.
    let dry = run.mode != DryRun::None;
    let selected = run.selected()?;
    let waves: Vec<runbook::Wave> = runbook::plan_migrate(&run.inventory()?, request)
        .map_err(LiveError::Refused)?
        .waves
        .into_iter()
        .filter(|w| run.takes(w, &selected))
        .collect();
    let total: usize = waves.iter().map(|w| w.pods.len()).sum();
    let mut moved = 0;
    for wave in &waves {
        interrupt::check(&format!("recreating {} in {}", wave.owner, wave.namespace))?;
        if !dry {
            let what = if wave.restart {
                format!(
                    "This restarts {} in {}: its {} are replaced.",
                    wave.owner,
                    wave.namespace,
                    plural(wave.pods.len(), "pod", "pods")
                )
            } else {
                format!(
                    "This deletes {} in {} ({}); nothing recreates {}.",
                    wave.owner,
                    wave.namespace,
                    wave.pods.join(", "),
                    if wave.pods.len() == 1 { "it" } else { "them" }
                )
            };
            super::live::confirm(io, &what, run.yes)?;
        }
        recreate(run, wave)?;
        if dry {
            writeln!(
                io.stdout,
                "{} in {}: {} {}{note}",
                wave.owner,
                wave.namespace,
                plural(wave.pods.len(), "pod", "pods"),
                if wave.restart { "restarted" } else { "deleted" }
            )
            .map_err(io_error)?;
            continue;
        }
        wait_moved(run, wave, old_net)?;
        if wave.restart {
            wait_rolled_out(run, wave)?;
        }
        moved += wave.pods.len();
        writeln!(
            io.stdout,
            "{} in {}: {} moved ({moved}/{total})",
            wave.owner,
            wave.namespace,
            plural(wave.pods.len(), "pod", "pods")
        )
        .map_err(io_error)?;
    }
    if dry {
        // Nothing moved, so nothing can be verified; the deletion is sent (or shown) as a dry
        // run all the same, so that the server judges every write of the run.
        interrupt::check(&format!("deleting {}", pool_ref(&request.from)))?;
        if operator {
            let removed = edit_installation(run, |entries| {
                let before = entries.len();
                entries.retain(|e| e["name"] != request.from.as_str());
                entries.len() != before
            })?;
            report_installation(io, removed, &format!("ipPools - {}", request.from), note)?;
        } else {
            if run.sends() {
                connection.delete(&pools, None, &request.from, true)?;
            }
            writeln!(io.stdout, "{} deleted{note}", pool_ref(&request.from)).map_err(io_error)?;
        }
        writeln!(
            io.stdout,
            "dry run: nothing was changed; no pod was recreated, so no step was verified"
        )
        .map_err(io_error)?;
        return Ok(Progress::Stopped);
    }

    // Verify.
    interrupt::check(&format!("verifying that the pods left {}", request.from))?;
    let left = runbook::plan_migrate(&run.inventory()?, request)
        .map_err(LiveError::Refused)?
        .waves;
    if run.limited() && !left.is_empty() && left.iter().all(|w| !run.takes(w, &selected)) {
        let mut others: Vec<&str> = left.iter().map(|w| w.namespace.as_str()).collect();
        others.dedup();
        let count: usize = left.iter().map(|w| w.pods.len()).sum();
        writeln!(
            io.stdout,
            "{} done; {} in {} still {} addresses in {}: run again for the next wave (-n, -l), or without them to finish",
            run.limit_text(),
            plural(count, "pod", "pods"),
            others.join(", "),
            if count == 1 { "has" } else { "have" },
            request.from
        )
        .map_err(io_error)?;
        return Ok(Progress::Stopped);
    }
    if !left.is_empty() {
        let pods: Vec<String> = left
            .iter()
            .flat_map(|w| w.pods.iter().map(move |p| format!("{}/{p}", w.namespace)))
            .collect();
        return Err(LiveError::Refused(format!(
            "stopped: {} still {} an address in {}: {}; run the command again once they are recreated",
            plural(pods.len(), "pod", "pods"),
            if pods.len() == 1 { "has" } else { "have" },
            request.from,
            pods.join(", ")
        )));
    }
    writeln!(io.stdout, "verified: no pod has an address in {old_net}").map_err(io_error)?;

    // Delete the old pool once its blocks are empty.
    let inventory = run.inventory()?;
    let holding: Vec<String> = inventory
        .ipam
        .blocks
        .iter()
        .filter(|b| cidr::overlaps(&old_net, &b.cidr.value))
        .filter(|b| b.allocated.iter().any(|a| *a))
        .map(|b| b.object.clone())
        .collect();
    if !holding.is_empty() && !run.force {
        return Err(LiveError::Refused(format!(
            "stopped before deleting {}: {} still {} allocations ({}); release them (`calicoctl ipam check`), or pass --force",
            request.from,
            plural(holding.len(), "block", "blocks"),
            if holding.len() == 1 { "holds" } else { "hold" },
            holding.join(", ")
        )));
    }
    interrupt::check(&format!("deleting {}", pool_ref(&request.from)))?;
    if operator {
        let removed = edit_installation(run, |entries| {
            let before = entries.len();
            entries.retain(|e| e["name"] != request.from.as_str());
            entries.len() != before
        })?;
        report_installation(io, removed, &format!("ipPools - {}", request.from), note)?;
        wait_for_pool(run, &pools, &request.from, false)?;
        writeln!(
            io.stdout,
            "{} deleted by the operator",
            pool_ref(&request.from)
        )
        .map_err(io_error)?;
    } else {
        connection.delete(&pools, None, &request.from, false)?;
        writeln!(io.stdout, "{} deleted", pool_ref(&request.from)).map_err(io_error)?;
    }
    if read_record(run, &request.from)?.is_some() {
        connection.delete(
            &calico::CONFIGMAPS,
            Some(RECORD_NAMESPACE),
            &record_name(&request.from),
            false,
        )?;
    }
    writeln!(io.stdout, "migration to {to} complete").map_err(io_error)?;
    Ok(Progress::Done)
}

/// A read-modify-write of the operator's `Installation/default` pool list, guarded by its
/// resourceVersion (the list is replaced whole by a merge patch). `edit` says whether it
/// changed anything; nothing is sent when it did not.
fn edit_installation(
    run: &Execution<'_>,
    edit: impl Fn(&mut Vec<serde_json::Value>) -> bool,
) -> Result<bool, LiveError> {
    crate::live::apply::with_retries("installation.operator.tigera.io/default", |_| {
        let installation = run
            .connection
            .get(&calico::INSTALLATIONS, None, "default")?;
        let mut entries = installation["spec"]["calicoNetwork"]["ipPools"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if !edit(&mut entries) {
            return Ok(false);
        }
        let patch = json!({
            "metadata": {"resourceVersion": installation["metadata"]["resourceVersion"]},
            "spec": {"calicoNetwork": {"ipPools": entries}},
        });
        if run.sends() {
            run.connection.merge_patch(
                &calico::INSTALLATIONS,
                None,
                "default",
                &patch,
                run.server_dry_run(),
            )?;
        }
        Ok(true)
    })
}

/// Sets (or clears) `disableNewAllocations` on the Installation's entry for `pool`.
fn allow_new_allocations(
    io: &mut Io<'_>,
    run: &Execution<'_>,
    pool: &str,
    allow: bool,
    note: &str,
) -> Result<(), LiveError> {
    let changed = edit_installation(run, |entries| {
        let Some(entry) = entries.iter_mut().find(|e| e["name"] == pool) else {
            return false;
        };
        let disabled = entry["disableNewAllocations"] == true;
        if disabled != allow {
            return false;
        }
        match entry.as_object_mut() {
            Some(entry) if allow => {
                entry.remove("disableNewAllocations");
            }
            Some(entry) => {
                entry.insert("disableNewAllocations".to_owned(), json!(true));
            }
            None => return false,
        }
        true
    })?;
    let what = if allow {
        format!("ipPools[name={pool}] allocates again")
    } else {
        format!("ipPools[name={pool}].disableNewAllocations: true")
    };
    report_installation(io, changed, &what, note)
}

fn report_installation(
    io: &mut Io<'_>,
    changed: bool,
    what: &str,
    note: &str,
) -> Result<(), LiveError> {
    let verb = if changed { "patched" } else { "unchanged" };
    writeln!(
        io.stdout,
        "installation.operator.tigera.io/default {verb} ({what}){note}"
    )
    .map_err(io_error)
}

/// Waits until the operator has made (or removed) the IPPool of an Installation entry.
fn wait_for_pool(
    run: &Execution<'_>,
    pools: &crate::live::client::Resource,
    name: &str,
    present: bool,
) -> Result<(), LiveError> {
    if !run.sends() || run.server_dry_run() {
        return Ok(());
    }
    let deadline = std::time::Instant::now() + run.wait;
    loop {
        let found = match run.connection.get(pools, None, name) {
            Ok(_) => true,
            Err(LiveError::NotFound { .. }) => false,
            Err(error) => return Err(error),
        };
        if found == present {
            return Ok(());
        }
        interrupt::check(&format!(
            "the operator {} IPPool {name}",
            if present { "created" } else { "deleted" }
        ))?;
        if std::time::Instant::now() >= deadline {
            return Err(LiveError::Refused(format!(
                "stopped: the operator did not {} IPPool {name} within --wait; check its status (`kubectl get tigerastatus`), then run the command again",
                if present { "create" } else { "delete" }
            )));
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

/// `Kind/name` or `Kind/namespace/name`, as findings name objects, taken apart.
fn split_object_ref(object: &str) -> Option<(&str, Option<&str>, &str)> {
    let mut parts = object.split('/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(kind), Some(name), None, None) => Some((kind, None, name)),
        (Some(kind), Some(namespace), Some(name), None) => Some((kind, Some(namespace), name)),
        _ => None,
    }
}

fn io_error(error: std::io::Error) -> LiveError {
    LiveError::Config(error.to_string())
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// Restarts a workload as `kubectl rollout restart` does, or deletes bare pods.
fn recreate(run: &Execution<'_>, wave: &runbook::Wave) -> Result<(), LiveError> {
    let (kind, name) = wave.owner.split_once('/').unwrap_or(("Pod", &wave.owner));
    if !wave.restart {
        for pod in &wave.pods {
            interrupt::check(&format!("deleting pod {}/{pod}", wave.namespace))?;
            if run.sends() {
                run.connection.delete(
                    &calico::PODS,
                    Some(&wave.namespace),
                    pod,
                    run.server_dry_run(),
                )?;
            }
        }
        return Ok(());
    }
    let (target, _) = calico::parse_target(&kind.to_ascii_lowercase(), Some(name))?;
    let mut patch =
        json!({"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": now_rfc3339()}}});
    for key in target.template.iter().rev() {
        patch = json!({ *key: patch });
    }
    if run.sends() {
        run.connection.merge_patch(
            &target.resource,
            Some(&wave.namespace),
            name,
            &patch,
            run.server_dry_run(),
        )?;
    }
    Ok(())
}

/// Waits until no pod of the wave's owner has an address in the old pool.
fn wait_moved(
    run: &Execution<'_>,
    wave: &runbook::Wave,
    old_net: ipnet::IpNet,
) -> Result<(), LiveError> {
    let deadline = std::time::Instant::now() + run.wait;
    loop {
        let inventory = run.inventory()?;
        let left = inventory.ipam.pods.iter().any(|pod| {
            pod.namespace == wave.namespace
                && runbook::owner_of(pod).0 == wave.owner
                && pod.addresses.iter().any(|a| old_net.contains(&a.value))
        });
        if !left {
            return Ok(());
        }
        interrupt::check(&format!(
            "the pods of {} in {} moved",
            wave.owner, wave.namespace
        ))?;
        if std::time::Instant::now() >= deadline {
            return Err(LiveError::Refused(format!(
                "stopped: the pods of {} in {} did not move within --wait; run the command again to resume",
                wave.owner, wave.namespace
            )));
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

/// What is left of a workload's rollout, as `kubectl rollout status` judges it from the status
/// the controller writes: `None` once the new generation is observed and every replica (every
/// scheduled DaemonSet pod) is updated and available.
fn rollout_left(workload: &serde_json::Value) -> Option<String> {
    let status = &workload["status"];
    let count = |v: &serde_json::Value| v.as_i64().unwrap_or(0);
    if let Some(generation) = workload["metadata"]["generation"].as_i64()
        && count(&status["observedGeneration"]) < generation
    {
        return Some("the controller has not seen the restart yet".to_owned());
    }
    let (wanted, updated, available) = if workload["kind"] == "DaemonSet" {
        (
            count(&status["desiredNumberScheduled"]),
            count(&status["updatedNumberScheduled"]),
            count(&status["numberAvailable"]),
        )
    } else {
        (
            workload["spec"]["replicas"].as_i64().unwrap_or(1),
            count(&status["updatedReplicas"]),
            count(&status["availableReplicas"]),
        )
    };
    let old = count(&status["replicas"]) - updated;
    (updated < wanted || available < wanted || old > 0).then(|| {
        format!(
            "{updated} of {wanted} updated, {available} available{}",
            if old > 0 {
                format!(", {old} old still running")
            } else {
                String::new()
            }
        )
    })
}

/// Waits until the restarted workload's rollout completes.
fn wait_rolled_out(run: &Execution<'_>, wave: &runbook::Wave) -> Result<(), LiveError> {
    let (kind, name) = wave.owner.split_once('/').unwrap_or(("Pod", &wave.owner));
    let (target, _) = calico::parse_target(&kind.to_ascii_lowercase(), Some(name))?;
    let deadline = std::time::Instant::now() + run.wait;
    loop {
        let workload = run
            .connection
            .get(&target.resource, Some(&wave.namespace), name)?;
        let Some(left) = rollout_left(&workload) else {
            return Ok(());
        };
        interrupt::check(&format!(
            "the rollout of {} in {} completed",
            wave.owner, wave.namespace
        ))?;
        if std::time::Instant::now() >= deadline {
            return Err(LiveError::Refused(format!(
                "stopped: the rollout of {} in {} did not complete within --wait ({left}); see `kubectl rollout status -n {} {}`, then run the command again to resume",
                wave.owner,
                wave.namespace,
                wave.namespace,
                target.kubectl_ref()
            )));
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

/// Rewrites, in every namespace, pod and workload template, the pool-list entries that name the
/// old pool (or its CIDR) to the new pool, keeping every other entry and annotation.
fn rewrite_annotations(
    io: &mut Io<'_>,
    run: &Execution<'_>,
    request: &MigrateRequest,
    to: &str,
    old_net: ipnet::IpNet,
) -> Result<(), LiveError> {
    let inventory = run.inventory()?;
    let names_old = |text: &str| {
        text == request.from || cidr::parse(text).is_ok_and(|net| net.trunc() == old_net)
    };
    for site in &inventory.annotation_sites {
        if site.place == Place::CniConfig {
            if site.pool_entries().any(|(_, _, e)| names_old(&e.text))
                && let Some((_, Some(namespace), name)) = split_object_ref(&site.object)
            {
                rewrite_cni_config(
                    io,
                    run,
                    request,
                    (namespace, name),
                    &|entry| names_old(entry).then(|| to.to_owned()),
                    Some(to),
                )?;
            }
            continue;
        }
        for (annotation, _, _) in site.pool_entries() {
            let Some(entries) = annotation.entries() else {
                continue;
            };
            if !entries.iter().any(|e| names_old(&e.text)) {
                continue;
            }
            let mut rewritten: Vec<String> = Vec::new();
            for entry in entries {
                let text = if names_old(&entry.text) {
                    to.to_owned()
                } else {
                    entry.text.clone()
                };
                if !rewritten.contains(&text) {
                    rewritten.push(text);
                }
            }
            let Some((kind, namespace, name)) = split_object_ref(&site.object) else {
                continue;
            };
            let (target, _) = calico::parse_target(&kind.to_ascii_lowercase(), Some(name))?;
            let mut patch = json!({"metadata": {"annotations": {
                annotation.key.value.clone(): serde_json::to_string(&rewritten).unwrap_or_default()}}});
            for key in target.template.iter().rev() {
                patch = json!({ *key: patch });
            }
            if run.sends() {
                if !run.server_dry_run() {
                    record_rewrite(run, request, to, &site.object, &annotation.key.value)?;
                }
                run.connection.merge_patch(
                    &target.resource,
                    namespace,
                    name,
                    &patch,
                    run.server_dry_run(),
                )?;
            }
            writeln!(
                io.stdout,
                "{} annotated ({}={}){}",
                target.kubectl_ref(),
                annotation.key.value,
                serde_json::to_string(&rewritten).unwrap_or_default(),
                super::live::dry_run_note(run.mode)
            )
            .map_err(io_error)?;
        }
    }
    Ok(())
}

/// The key under which the migration record lists a rewritten CNI network config.
const CNI_CONFIG_KEY: &str = "data.cni_network_config";

/// Renames the pool-list entries of a ConfigMap's CNI network config (guarded by its
/// resourceVersion), then restarts calico-node: its install-cni container writes the config onto
/// each node as it starts. `record_to` records the rewrite (a migration) for `--abort`.
fn rewrite_cni_config(
    io: &mut Io<'_>,
    run: &Execution<'_>,
    request: &MigrateRequest,
    (namespace, name): (&str, &str),
    rename: &dyn Fn(&str) -> Option<String>,
    record_to: Option<&str>,
) -> Result<(), LiveError> {
    let object = format!("ConfigMap/{namespace}/{name}");
    let rewritten = crate::live::apply::with_retries(&format!("configmap/{name}"), |_| {
        let config = run
            .connection
            .get(&calico::CONFIGMAPS, Some(namespace), name)?;
        let Some(text) = config["data"]["cni_network_config"].as_str() else {
            return Ok(None);
        };
        let Some(renamed) = crate::manifest::cni_config::rename_pool_entries(text, rename) else {
            return Ok(None);
        };
        if run.sends() {
            if let Some(to) = record_to
                && !run.server_dry_run()
            {
                record_rewrite(run, request, to, &object, CNI_CONFIG_KEY)?;
            }
            let patch = json!({
                "metadata": {"resourceVersion": config["metadata"]["resourceVersion"]},
                "data": {"cni_network_config": renamed},
            });
            run.connection.merge_patch(
                &calico::CONFIGMAPS,
                Some(namespace),
                name,
                &patch,
                run.server_dry_run(),
            )?;
        }
        Ok(Some(renamed))
    })?;
    let note = super::live::dry_run_note(run.mode);
    if rewritten.is_none() {
        writeln!(io.stdout, "configmap/{name} unchanged ({CNI_CONFIG_KEY})").map_err(io_error)?;
        return Ok(());
    }
    writeln!(
        io.stdout,
        "configmap/{name} patched ({CNI_CONFIG_KEY} ipam pool lists){note}"
    )
    .map_err(io_error)?;
    interrupt::check("restarting calico-node")?;
    let (target, _) = calico::parse_target("ds", Some("calico-node"))?;
    match run
        .connection
        .get(&target.resource, Some(namespace), "calico-node")
    {
        Ok(_) => {}
        Err(LiveError::NotFound { .. }) => {
            writeln!(
                io.stdout,
                "no daemonset {namespace}/calico-node: restart the pods that install the CNI config so that each node's copy is rewritten"
            )
            .map_err(io_error)?;
            return Ok(());
        }
        Err(error) => return Err(error),
    }
    if run.mode == DryRun::None {
        super::live::confirm(
            io,
            "This restarts daemonset calico-node, one node at a time, so that each node's CNI config is rewritten.",
            run.yes,
        )?;
    }
    let patch = json!({"spec": {"template": {"metadata": {"annotations": {
        "kubectl.kubernetes.io/restartedAt": now_rfc3339()}}}}});
    if run.sends() {
        run.connection.merge_patch(
            &target.resource,
            Some(namespace),
            "calico-node",
            &patch,
            run.server_dry_run(),
        )?;
    }
    writeln!(io.stdout, "daemonset.apps/calico-node restarted{note}").map_err(io_error)
}

/// Where a migration records the annotations it rewrote, so that `--abort` can restore them:
/// a ConfigMap `kube-system/ippool-migration-OLD`, `data.rewritten` a JSON list of
/// `Kind/[namespace/]name key` entries. Written before each rewrite; deleted when the
/// migration completes or is aborted.
const RECORD_NAMESPACE: &str = "kube-system";

fn record_name(from: &str) -> String {
    format!("ippool-migration-{from}")
}

fn read_record(run: &Execution<'_>, from: &str) -> Result<Option<serde_json::Value>, LiveError> {
    match run.connection.get(
        &calico::CONFIGMAPS,
        Some(RECORD_NAMESPACE),
        &record_name(from),
    ) {
        Ok(record) => Ok(Some(record)),
        Err(LiveError::NotFound { .. }) => Ok(None),
        Err(error) => Err(error),
    }
}

fn rewritten_entries(record: &serde_json::Value) -> Vec<String> {
    record["data"]["rewritten"]
        .as_str()
        .and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or_default()
}

fn record_rewrite(
    run: &Execution<'_>,
    request: &MigrateRequest,
    to: &str,
    object: &str,
    key: &str,
) -> Result<(), LiveError> {
    let entry = format!("{object} {key}");
    crate::live::apply::with_retries("the migration record", |_| {
        match read_record(run, &request.from)? {
            None => {
                let record = json!({
                    "apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": record_name(&request.from), "namespace": RECORD_NAMESPACE},
                    "data": {"from": request.from, "to": to, "rewritten": json!([entry]).to_string()},
                });
                run.connection
                    .create(&calico::CONFIGMAPS, Some(RECORD_NAMESPACE), &record, false)
                    .map(|_| ())
            }
            Some(record) => {
                let mut entries = rewritten_entries(&record);
                if entries.contains(&entry) {
                    return Ok(());
                }
                entries.push(entry.clone());
                let patch = json!({
                    "metadata": {"resourceVersion": record["metadata"]["resourceVersion"]},
                    "data": {"rewritten": json!(entries).to_string()},
                });
                run.connection
                    .merge_patch(
                        &calico::CONFIGMAPS,
                        Some(RECORD_NAMESPACE),
                        &record_name(&request.from),
                        &patch,
                        false,
                    )
                    .map(|_| ())
            }
        }
    })
}

/// `migrate --abort`: what can be rolled back is (the old pool enabled again, the rewritten
/// annotations restored); what cannot is said (pods that moved keep their addresses, deleted
/// bare pods are gone, the new pool stays).
pub(super) fn abort_migrate(
    io: &mut Io<'_>,
    run: &Execution<'_>,
    request: &MigrateRequest,
) -> Result<(), LiveError> {
    let connection = run.connection;
    let pools = calico::discover(connection)?.pools;
    let old = match connection.get(&pools, None, &request.from) {
        Ok(old) => old,
        Err(LiveError::NotFound { .. }) => {
            return Err(LiveError::Refused(format!(
                "cannot roll back: IPPool {} was deleted, the last step of the migration; create it again by hand if it is still wanted",
                request.from
            )));
        }
        Err(error) => return Err(error),
    };
    if crate::live::plan::operator_managed(&old) {
        allow_new_allocations(io, run, &request.from, true, "")?;
    } else if old["spec"]["disabled"] == true {
        let patch = json!({"spec": {"disabled": false},
                           "metadata": {"resourceVersion": old["metadata"]["resourceVersion"]}});
        connection.merge_patch(&pools, None, &request.from, &patch, false)?;
        writeln!(
            io.stdout,
            "{}/{} patched (enabled)",
            pools.kubectl_name(),
            request.from
        )
        .map_err(io_error)?;
    }
    let record = read_record(run, &request.from)?;
    let to = record
        .as_ref()
        .and_then(|r| r["data"]["to"].as_str())
        .map(str::to_owned);
    for entry in record.as_ref().map(rewritten_entries).unwrap_or_default() {
        let (Some((object, key)), Some(to)) = (entry.split_once(' '), &to) else {
            continue;
        };
        let Some((kind, namespace, name)) = split_object_ref(object) else {
            continue;
        };
        if key == CNI_CONFIG_KEY {
            if let Some(namespace) = namespace {
                let from = request.from.clone();
                rewrite_cni_config(
                    io,
                    run,
                    request,
                    (namespace, name),
                    &|entry| (entry == to.as_str()).then(|| from.clone()),
                    None,
                )?;
            }
            continue;
        }
        let (target, _) = calico::parse_target(&kind.to_ascii_lowercase(), Some(name))?;
        let current = match connection.get(&target.resource, namespace, name) {
            Ok(current) => current,
            Err(LiveError::NotFound { .. }) => continue,
            Err(error) => return Err(error),
        };
        let Some(list) = crate::live::plan::annotations_at(&current, target.template)
            .and_then(|a| a.get(key))
            .and_then(|v| v.as_str())
            .and_then(|v| serde_json::from_str::<Vec<String>>(v).ok())
        else {
            continue;
        };
        let mut restored: Vec<String> = Vec::new();
        for item in list {
            let item = if item == *to {
                request.from.clone()
            } else {
                item
            };
            if !restored.contains(&item) {
                restored.push(item);
            }
        }
        let value = serde_json::to_string(&restored).unwrap_or_default();
        let mut patch = json!({"metadata": {"annotations": {key: value}}});
        for step in target.template.iter().rev() {
            patch = json!({ *step: patch });
        }
        connection.merge_patch(&target.resource, namespace, name, &patch, false)?;
        writeln!(
            io.stdout,
            "{} annotated ({key}={value})",
            target.kubectl_ref()
        )
        .map_err(io_error)?;
    }
    if record.is_some() {
        connection.delete(
            &calico::CONFIGMAPS,
            Some(RECORD_NAMESPACE),
            &record_name(&request.from),
            false,
        )?;
    }
    writeln!(
        io.stdout,
        "rolled back what can be: pods that already moved keep their new addresses until recreated, deleted bare pods are gone, and {} stays",
        to.map_or_else(|| "the new pool".to_owned(), |to| format!("IPPool {to}"))
    )
    .map_err(io_error)?;
    Ok(())
}

/// Where a block-size change records what the cluster forgets while the pool is deleted: a
/// ConfigMap `kube-system/ippool-resize-POOL` with the pool's CIDR, its spec (and, for an
/// operator-managed pool, its Installation entry) as they were, the new blockSize and the
/// temporary pool. Written before the first write of the change; deleted when it completes or
/// is aborted.
fn resize_record_name(pool: &str) -> String {
    format!("ippool-resize-{pool}")
}

/// A block-size change under way, as its record says.
struct ResizeRecord {
    cidr: ipnet::IpNet,
    /// The pool's spec before the change (its blockSize the old one).
    spec: serde_json::Value,
    /// The pool's `Installation` ipPools entry before the change, when the operator manages it.
    entry: Option<serde_json::Value>,
}

fn read_resize_record(run: &Execution<'_>, pool: &str) -> Result<Option<ResizeRecord>, LiveError> {
    let record = match run.connection.get(
        &calico::CONFIGMAPS,
        Some(RECORD_NAMESPACE),
        &resize_record_name(pool),
    ) {
        Ok(record) => record,
        Err(LiveError::NotFound { .. }) => return Ok(None),
        Err(error) => return Err(error),
    };
    let data = &record["data"];
    let parsed = |key: &str| {
        data[key]
            .as_str()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
    };
    let cidr = data["cidr"]
        .as_str()
        .and_then(|c| cidr::parse(c).ok())
        .map(|n| n.trunc())
        .ok_or_else(|| {
            LiveError::Refused(format!(
                "the record {RECORD_NAMESPACE}/{} has no cidr: restore it, or delete it and finish the change by hand",
                resize_record_name(pool)
            ))
        })?;
    Ok(Some(ResizeRecord {
        cidr,
        spec: parsed("spec").unwrap_or_else(|| json!({})),
        entry: parsed("entry").filter(|e| e.is_object()),
    }))
}

fn write_resize_record(
    run: &Execution<'_>,
    request: &ResizeRequest,
    pool: &serde_json::Value,
    entry: Option<&serde_json::Value>,
) -> Result<(), LiveError> {
    let mut data = json!({
        "pool": request.pool,
        "temp": request.temp_name,
        "cidr": pool["spec"]["cidr"],
        "blockSize": request.block_size.to_string(),
        "spec": pool["spec"].to_string(),
    });
    if let Some(entry) = entry {
        data["entry"] = json!(entry.to_string());
    }
    let record = json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": resize_record_name(&request.pool), "namespace": RECORD_NAMESPACE},
        "data": data,
    });
    match run
        .connection
        .create(&calico::CONFIGMAPS, Some(RECORD_NAMESPACE), &record, false)
    {
        Ok(_) => Ok(()),
        // Written by an earlier run of the same change that stopped before its next write.
        Err(error) if matches!(&error, LiveError::Server { code: 409, .. }) => Ok(()),
        Err(error) => Err(error),
    }
}

fn delete_resize_record(run: &Execution<'_>, pool: &str) -> Result<(), LiveError> {
    match run.connection.delete(
        &calico::CONFIGMAPS,
        Some(RECORD_NAMESPACE),
        &resize_record_name(pool),
        false,
    ) {
        Ok(_) | Err(LiveError::NotFound { .. }) => Ok(()),
        Err(error) => Err(error),
    }
}

/// Creates the pool a resize record describes, with `block_size` (the new one) or, without it,
/// the recorded one: through the Installation for an operator-managed pool, else directly.
fn create_recorded_pool(
    io: &mut Io<'_>,
    run: &Execution<'_>,
    pools: &crate::live::client::Resource,
    name: &str,
    record: &ResizeRecord,
    block_size: Option<u8>,
) -> Result<(), LiveError> {
    if let Some(entry) = &record.entry {
        let mut entry = entry.clone();
        if let Some(size) = block_size {
            entry["blockSize"] = json!(size);
        }
        return add_installation_entry(io, run, pools, entry);
    }
    let recorded = json!({"apiVersion": pools.api_version(), "spec": record.spec});
    let object = created_pool(&recorded, name, record.cidr, block_size);
    run.connection
        .create(pools, None, &object, false)
        .map(|_| ())
}

/// The Installation's ipPools entry named `name`.
fn installation_entry(
    run: &Execution<'_>,
    name: &str,
) -> Result<Option<serde_json::Value>, LiveError> {
    let installation = run
        .connection
        .get(&calico::INSTALLATIONS, None, "default")?;
    Ok(installation["spec"]["calicoNetwork"]["ipPools"]
        .as_array()
        .and_then(|entries| entries.iter().find(|e| e["name"] == name).cloned()))
}

/// Adds an ipPools entry to the Installation (unless one of that name is there) and waits for
/// the operator to make its IPPool.
fn add_installation_entry(
    io: &mut Io<'_>,
    run: &Execution<'_>,
    pools: &crate::live::client::Resource,
    mut entry: serde_json::Value,
) -> Result<(), LiveError> {
    let name = entry["name"].as_str().unwrap_or_default().to_owned();
    if let Some(fields) = entry.as_object_mut() {
        fields.remove("disableNewAllocations");
    }
    let added = edit_installation(run, |entries| {
        if entries.iter().any(|e| e["name"] == name.as_str()) {
            return false;
        }
        entries.push(entry.clone());
        true
    })?;
    report_installation(
        io,
        added,
        &format!("ipPools + {name}"),
        super::live::dry_run_note(run.mode),
    )?;
    wait_for_pool(run, pools, &name, true)
}

/// Carries out a block-size change in three phases, found from the cluster each run: move the
/// pods to the temporary pool (the pool is deleted at the end), create the pool again with the
/// new blockSize once no block of the old size is left, move the pods back (the temporary pool
/// is deleted at the end). An operator-managed pool is changed through the Installation's
/// ipPools throughout; its IPPools are never written.
pub(super) fn execute_resize(
    io: &mut Io<'_>,
    run: &Execution<'_>,
    request: &ResizeRequest,
) -> Result<Progress, LiveError> {
    let connection = run.connection;
    let pools = calico::discover(connection)?.pools;
    let get = |name: &str| match connection.get(&pools, None, name) {
        Ok(object) => Ok(Some(object)),
        Err(LiveError::NotFound { .. }) => Ok(None),
        Err(error) => Err(error),
    };
    let size = i64::from(request.block_size);
    let pool = get(&request.pool)?;
    let temp = get(&request.temp_name)?;
    let record = read_resize_record(run, &request.pool)?;
    let operator = match &pool {
        Some(pool) => crate::live::plan::operator_managed(pool),
        None => record.as_ref().is_some_and(|r| r.entry.is_some()),
    };
    let pool_size = pool
        .as_ref()
        .map(|p| p["spec"]["blockSize"].as_i64().unwrap_or(26));
    if pool_size == Some(size) && temp.is_none() {
        if record.is_some() && run.mode == DryRun::None {
            delete_resize_record(run, &request.pool)?;
        }
        writeln!(
            io.stdout,
            "IPPool {} has blockSize {size}: nothing to do",
            request.pool
        )
        .map_err(io_error)?;
        return Ok(Progress::Done);
    }
    if run.mode != DryRun::None {
        // The way out, every write as a dry run; the pool cannot be created again in a dry run
        // (it is still there), so the rest is described.
        let Some(pool_object) = pool.as_ref().filter(|_| temp.is_none()) else {
            writeln!(
                io.stdout,
                "dry run: the change is under way; run without --dry-run to go on"
            )
            .map_err(io_error)?;
            return Ok(Progress::Stopped);
        };
        let away = MigrateRequest {
            from: request.pool.clone(),
            to: Destination::New {
                name: request.temp_name.clone(),
                cidr: request.temp_cidr,
                block_size: pool_size.and_then(|s| u8::try_from(s).ok()),
            },
            rewrite_annotations: request.rewrite_annotations,
            delete_bare_pods: request.delete_bare_pods,
        };
        execute_migrate(io, run, &away)?;
        writeln!(
            io.stdout,
            "then, not sent in a dry run: IPPool {} created again with blockSize {size} ({}), the pods moved back, IPPool {} deleted",
            request.pool,
            pool_object["spec"]["cidr"].as_str().unwrap_or_default(),
            request.temp_name
        )
        .map_err(io_error)?;
        return Ok(Progress::Stopped);
    }

    // Phase 1: the record, the temporary pool, then the pods moved into it.
    if let (Some(pool_object), None) = (&pool, &temp) {
        interrupt::check(&format!("creating IPPool {}", request.temp_name))?;
        let entry = if operator {
            Some(installation_entry(run, &request.pool)?.ok_or_else(|| {
                LiveError::Refused(format!(
                    "IPPool {} is managed by the Tigera operator, but Installation/default has no ipPools entry for it",
                    request.pool
                ))
            })?)
        } else {
            None
        };
        write_resize_record(run, request, pool_object, entry.as_ref())?;
        match entry {
            Some(mut entry) => {
                entry["name"] = json!(request.temp_name);
                entry["cidr"] = json!(request.temp_cidr.trunc().to_string());
                add_installation_entry(io, run, &pools, entry)?;
            }
            None => {
                let mut object = created_pool(
                    pool_object,
                    &request.temp_name,
                    request.temp_cidr.trunc(),
                    None,
                );
                object["apiVersion"] = json!(pools.api_version());
                connection.create(&pools, None, &object, false)?;
                writeln!(
                    io.stdout,
                    "{}/{} created",
                    pools.kubectl_name(),
                    request.temp_name
                )
                .map_err(io_error)?;
            }
        }
    }
    if pool_size.is_some_and(|s| s != size) {
        let away = MigrateRequest {
            from: request.pool.clone(),
            to: Destination::Existing(request.temp_name.clone()),
            rewrite_annotations: request.rewrite_annotations,
            delete_bare_pods: request.delete_bare_pods,
        };
        if execute_migrate(io, run, &away)? == Progress::Stopped {
            return Ok(Progress::Stopped);
        }
    }
    // Phase 2: the pool again, with the new blockSize, once no block of the old size is left.
    if get(&request.pool)?.is_none() {
        let record = read_resize_record(run, &request.pool)?.ok_or_else(|| {
            LiveError::Refused(format!(
                "IPPool {} is gone and no record of a block-size change ({RECORD_NAMESPACE}/{}) is left: nothing to resume",
                request.pool,
                resize_record_name(&request.pool)
            ))
        })?;
        let net = record.cidr;
        let inventory = run.inventory()?;
        let left: Vec<String> = inventory
            .ipam
            .blocks
            .iter()
            .filter(|b| cidr::overlaps(&net, &b.cidr.value))
            .filter(|b| i64::from(b.cidr.value.prefix_len()) != size)
            .map(|b| b.object.clone())
            .collect();
        if !left.is_empty() {
            return Err(LiveError::Refused(format!(
                "stopped before creating IPPool {} again: {} of another size {} left in {net} ({}); Calico would refuse the pool (\"IPPool blocksSize conflicts with existing allocations that use a different blockSize\"): release them, then run again",
                request.pool,
                plural(left.len(), "block", "blocks"),
                if left.len() == 1 { "is" } else { "are" },
                left.join(", ")
            )));
        }
        interrupt::check(&format!("creating IPPool {} again", request.pool))?;
        create_recorded_pool(
            io,
            run,
            &pools,
            &request.pool,
            &record,
            Some(request.block_size),
        )?;
        writeln!(
            io.stdout,
            "{}/{} created with blockSize {size}",
            pools.kubectl_name(),
            request.pool
        )
        .map_err(io_error)?;
    }
    // Phase 3: the pods back, and the temporary pool deleted.
    if get(&request.temp_name)?.is_some() {
        let back = MigrateRequest {
            from: request.temp_name.clone(),
            to: Destination::Existing(request.pool.clone()),
            rewrite_annotations: request.rewrite_annotations,
            delete_bare_pods: request.delete_bare_pods,
        };
        if execute_migrate(io, run, &back)? == Progress::Stopped {
            return Ok(Progress::Stopped);
        }
    }
    delete_resize_record(run, &request.pool)?;
    writeln!(io.stdout, "IPPool {} has blockSize {size}", request.pool).map_err(io_error)?;
    Ok(Progress::Done)
}

/// `resize --abort`: back to the old blockSize where that is still possible, as the phase the
/// change is in allows. Before the pool is deleted, the migration out is aborted (the pool
/// allocates again, rewritten annotations are restored). While it is deleted, it is created again
/// with its old blockSize. Once it has the new one, only the move back can be aborted.
pub(super) fn abort_resize(
    io: &mut Io<'_>,
    run: &Execution<'_>,
    request: &ResizeRequest,
) -> Result<(), LiveError> {
    let connection = run.connection;
    let pools = calico::discover(connection)?.pools;
    let get = |name: &str| match connection.get(&pools, None, name) {
        Ok(object) => Ok(Some(object)),
        Err(LiveError::NotFound { .. }) => Ok(None),
        Err(error) => Err(error),
    };
    let size = i64::from(request.block_size);
    let record = read_resize_record(run, &request.pool)?;
    let pool = get(&request.pool)?;
    let temp_exists = get(&request.temp_name)?.is_some();
    let migration = |from: &str, to: &str| MigrateRequest {
        from: from.to_owned(),
        to: Destination::Existing(to.to_owned()),
        rewrite_annotations: false,
        delete_bare_pods: false,
    };
    let moved_back = format!(
        "the pods already in IPPool {} keep their addresses there until recreated: move them back with `kubectl ippool migrate --from {} --to {} --execute`",
        request.temp_name, request.temp_name, request.pool
    );
    match pool {
        Some(pool) if pool["spec"]["blockSize"].as_i64().unwrap_or(26) != size => {
            abort_migrate(io, run, &migration(&request.pool, &request.temp_name))?;
            if temp_exists {
                writeln!(io.stdout, "{moved_back}").map_err(io_error)?;
            }
        }
        Some(_) => {
            if temp_exists {
                abort_migrate(io, run, &migration(&request.temp_name, &request.pool))?;
            }
            writeln!(
                io.stdout,
                "IPPool {} has blockSize {size} already: changing it back is another resize",
                request.pool
            )
            .map_err(io_error)?;
        }
        None => {
            let record = record.as_ref().ok_or_else(|| {
                LiveError::Refused(format!(
                    "IPPool {} is gone and no record of a block-size change ({RECORD_NAMESPACE}/{}) is left: create it again by hand",
                    request.pool,
                    resize_record_name(&request.pool)
                ))
            })?;
            let old_size = record.spec["blockSize"].as_i64().unwrap_or(26);
            create_recorded_pool(io, run, &pools, &request.pool, record, None)?;
            writeln!(
                io.stdout,
                "{}/{} created again with its old blockSize {old_size}",
                pools.kubectl_name(),
                request.pool
            )
            .map_err(io_error)?;
            if temp_exists {
                writeln!(io.stdout, "{moved_back}").map_err(io_error)?;
            }
        }
    }
    delete_resize_record(run, &request.pool)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rollout_is_complete_once_every_replica_is_updated_and_available() {
        let deployment = |generation: i64, status: serde_json::Value| {
            json!({"kind": "Deployment", "metadata": {"generation": generation},
                   "spec": {"replicas": 2}, "status": status})
        };
        let done = json!({"observedGeneration": 3, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 2});
        assert_eq!(rollout_left(&deployment(3, done.clone())), None);
        assert_eq!(
            rollout_left(&deployment(4, done)).as_deref(),
            Some("the controller has not seen the restart yet")
        );
        let surging = json!({"observedGeneration": 4, "replicas": 3, "updatedReplicas": 2, "availableReplicas": 2});
        assert_eq!(
            rollout_left(&deployment(4, surging)).as_deref(),
            Some("2 of 2 updated, 2 available, 1 old still running")
        );
        let daemonset = json!({"kind": "DaemonSet", "status": {"desiredNumberScheduled": 3,
            "updatedNumberScheduled": 3, "numberAvailable": 2}});
        assert_eq!(
            rollout_left(&daemonset).as_deref(),
            Some("3 of 3 updated, 2 available")
        );
    }

    #[test]
    fn restart_stamps_are_rfc3339_utc_with_nanoseconds() {
        use std::time::Duration;
        assert_eq!(rfc3339(Duration::ZERO), "1970-01-01T00:00:00.000000000Z");
        assert_eq!(
            rfc3339(Duration::new(1_764_651_845, 7)),
            "2025-12-02T05:04:05.000000007Z"
        );
        assert_eq!(
            rfc3339(Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00.000000000Z"
        );
        assert_ne!(now_rfc3339(), now_rfc3339());
    }
}

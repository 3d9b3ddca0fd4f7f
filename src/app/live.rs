//! The live commands as the user runs them: read what the plan needs (a constant number of
//! list requests), plan and judge (pure, `live::plan`), ask where pods restart or a pool in use
//! is disabled, write (`live::apply`), and print what changed the way kubectl does.

use std::io::{BufRead, BufReader};

use ipnet::IpNet;
use serde_json::{Map, Value, json};

use super::{Failure, Io};
use crate::cli::{
    AssignArgs, DryRun, ObjectFormat, PatchArgs, PoolWriteArgs, TableFormat, UnassignArgs,
    WriteArgs,
};
use crate::live::apply::with_retries;
use crate::live::calico::{
    self, BLOCK_AFFINITIES, CalicoApi, IPAM_BLOCKS, IPAM_CONFIGS, NAMESPACES, NODES, PODS, Target,
    WORKLOADS,
};
use crate::live::client::{Connection, LiveError, Resource};
use crate::live::inspect::{self, NodeLabels};
use crate::live::plan::{self, Edit, Judgement, PoolEdit, SpecChange, World};
use crate::live::snapshot::{self, normalized};
use crate::live::usage::{self, Block};
use crate::manifest::emit;
use crate::model::cidr::Family;
use crate::model::pool::Pool;
use crate::report::{Finding, Severity, human, pools as pools_report};
use crate::settings::ClusterSource;
use crate::source::SourceMap;

pub(super) const EXIT_OK: i32 = 0;

/// Connects and learns which Calico API the cluster serves.
fn open(connect: &crate::cli::ConnectArgs) -> Result<(Connection, CalicoApi), LiveError> {
    let connection = Connection::open(connect)?;
    let api = calico::discover(&connection)?;
    Ok((connection, api))
}

fn list_normalized(connection: &Connection, resource: &Resource) -> Result<Vec<Value>, LiveError> {
    Ok(connection
        .list(resource, None)?
        .iter()
        .map(|object| normalized(resource, object))
        .collect())
}

/// What the rules read of the cluster: pools, nodes (name and labels), IPAMConfig, and every
/// namespace, pod and workload that carries a Calico annotation. One paginated list per type.
fn read_world(connection: &Connection, api: &CalicoApi) -> Result<World, LiveError> {
    let mut objects = list_normalized(connection, &api.pools)?;
    for node in connection.list(&NODES, None)? {
        let node = normalized(&NODES, &node);
        objects.push(json!({
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {
                "name": node["metadata"]["name"],
                "labels": node["metadata"]["labels"],
            },
        }));
    }
    objects.extend(list_normalized(connection, &IPAM_CONFIGS)?);
    objects.extend(annotated_objects(connection)?);
    Ok(World { objects })
}

/// Namespaces (all of them: namespaceSelectors read their labels), and the pods and workloads
/// whose annotations Calico reads for pools.
fn annotated_objects(connection: &Connection) -> Result<Vec<Value>, LiveError> {
    let mut objects = list_normalized(connection, &NAMESPACES)?;
    for pod in connection.list(&PODS, None)? {
        if snapshot::has_cni_annotation(&pod, &[]) {
            let mut pod = normalized(&PODS, &pod);
            if let Value::Object(map) = &mut pod {
                map.remove("status");
            }
            objects.push(pod);
        }
    }
    for (resource, template) in WORKLOADS {
        for object in connection.list(&resource, None)? {
            if snapshot::has_cni_annotation(&object, template) && !owned_by_workload(&object) {
                let object = normalized(&resource, &object);
                objects.push(snapshot::workload_outline(&object, template));
            }
        }
    }
    Ok(objects)
}

use crate::live::snapshot::owned_by_workload;

/// The types `lint --cluster` reads, one paginated list each: the request count does not grow
/// with the cluster, only the pages of each list do.
fn cluster_types(api: &CalicoApi) -> Vec<Resource> {
    let mut types = vec![
        api.pools,
        IPAM_BLOCKS,
        BLOCK_AFFINITIES,
        IPAM_CONFIGS,
        NODES,
        NAMESPACES,
        PODS,
        calico::INSTALLATIONS,
    ];
    types.extend(WORKLOADS.iter().map(|(resource, _)| *resource));
    types
}

/// What `lint --cluster` (or `--cluster-dump`) lints besides the manifests.
pub(super) fn cluster_state(source: &ClusterSource) -> Result<Vec<Value>, Failure> {
    match source {
        ClusterSource::None => Ok(Vec::new()),
        ClusterSource::Dump(path) => crate::live::dump::cluster_objects(path)
            .map_err(|message| Failure::Live(LiveError::Config(message))),
        ClusterSource::Live(args) => {
            let connection = Connection::open_with(args, None).map_err(Failure::Live)?;
            read_cluster(&connection).map_err(Failure::Live)
        }
    }
}

/// The cluster's state as `lint --cluster` and `which` read it.
pub(super) fn read_cluster(connection: &Connection) -> Result<Vec<Value>, LiveError> {
    let api = calico::discover(connection)?;
    let types = cluster_types(&api);
    let lists = connection.list_each(&types)?;
    let mut objects: Vec<Value> = types
        .iter()
        .zip(lists)
        .flat_map(|(resource, listed)| {
            listed
                .into_iter()
                .map(move |object| snapshot::into_normalized(resource, object))
        })
        .collect();
    // Operator installs render the CNI config themselves and have no calico-config; clusters
    // not made by kubeadm have no kubeadm-config.
    for (namespace, name) in [calico::CALICO_CONFIG, calico::KUBEADM_CONFIG] {
        match connection.get(&calico::CONFIGMAPS, Some(namespace), name) {
            Ok(config) => objects.push(snapshot::into_normalized(&calico::CONFIGMAPS, config)),
            Err(LiveError::NotFound { .. }) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(snapshot::cluster_objects(objects))
}

fn print_findings(io: &mut Io<'_>, findings: &[Finding], sources: &SourceMap) {
    let options = super::human_style(crate::cli::ColorChoice::Auto, io.stderr_is_terminal);
    let _ = human::render_findings(io.stderr, findings, sources, &options);
}

/// Refuses with the rule diagnostics when the change introduces errors; prints its warnings.
fn enforce(io: &mut Io<'_>, judgement: &Judgement, what: &str) -> Result<(), LiveError> {
    let (errors, others): (Vec<Finding>, Vec<Finding>) = judgement
        .new
        .iter()
        .cloned()
        .partition(|f| f.severity == Severity::Error);
    if !others.is_empty() {
        print_findings(io, &others, &judgement.after.sources);
    }
    if errors.is_empty() {
        return Ok(());
    }
    print_findings(io, &errors, &judgement.after.sources);
    let codes: Vec<&str> = errors.iter().map(|f| f.code).collect();
    Err(LiveError::Refused(format!(
        "refused: {what} would break {} ({}); nothing was written",
        if errors.len() == 1 { "a rule" } else { "rules" },
        codes.join(", ")
    )))
}

/// Asks on a terminal; without one, `--yes` must have been given.
pub(super) fn confirm(io: &mut Io<'_>, question: &str, yes: bool) -> Result<(), LiveError> {
    if yes {
        return Ok(());
    }
    if !io.stdin_is_terminal {
        return Err(LiveError::Refused(format!(
            "{question} There is no terminal to ask on: pass --yes to go ahead. Nothing was written."
        )));
    }
    let _ = write!(io.stderr, "{question} Continue? [y/N] ");
    let _ = io.stderr.flush();
    let mut answer = String::new();
    {
        let _prompt = super::interrupt::Prompt::start();
        let _ = BufReader::new(&mut *io.stdin).read_line(&mut answer);
    }
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(LiveError::Refused(
            "not confirmed; nothing was written".to_owned(),
        ))
    }
}

pub(super) fn dry_run_note(mode: DryRun) -> &'static str {
    match mode {
        DryRun::None => "",
        DryRun::Client => " (dry run)",
        DryRun::Server => " (server dry run)",
    }
}

/// Sends the patch (or, in a client dry run, does not) and returns the object as it is after.
fn send(
    connection: &Connection,
    resource: &Resource,
    namespace: Option<&str>,
    name: &str,
    patch: &Value,
    proposed: &Value,
    mode: DryRun,
) -> Result<Value, LiveError> {
    match mode {
        DryRun::Client => Ok(proposed.clone()),
        DryRun::Server => connection.merge_patch(resource, namespace, name, patch, true),
        DryRun::None => connection.merge_patch(resource, namespace, name, patch, false),
    }
}

/// Prints what a write did: the object with `-o`, else kubectl's one line (and, in a client dry
/// run, the patch it would have sent).
fn report_write(
    io: &mut Io<'_>,
    write: &WriteArgs,
    reference: &str,
    verb: &str,
    result: &Value,
    patch: &Value,
) -> Result<(), Failure> {
    match write.output {
        Some(ObjectFormat::Json) => {
            serde_json::to_writer_pretty(&mut *io.stdout, result).map_err(std::io::Error::from)?;
            writeln!(io.stdout)?;
        }
        Some(ObjectFormat::Yaml) => io.stdout.write_all(emit::to_yaml(result).as_bytes())?,
        None => {
            writeln!(
                io.stdout,
                "{reference} {verb}{}",
                dry_run_note(write.dry_run)
            )?;
            if write.dry_run == DryRun::Client {
                writeln!(
                    io.stdout,
                    "merge patch not sent: {}",
                    serde_json::to_string(patch).unwrap_or_default()
                )?;
            }
        }
    }
    Ok(())
}

fn namespace_for<'c>(target: &Target, connection: &'c Connection) -> Option<&'c str> {
    target
        .resource
        .namespaced
        .then_some(connection.namespace.as_str())
}

/// `TYPE NAME POOL…` or `TYPE/NAME POOL…`.
fn target_and_rest(type_word: &str, rest: &[String]) -> Result<(Target, Vec<String>), Failure> {
    let (target, used) =
        calico::parse_target(type_word, rest.first().map(String::as_str)).map_err(Failure::Live)?;
    Ok((target, rest[used.min(rest.len())..].to_vec()))
}

/// How a guarded write ended.
enum Written {
    /// Nothing to change; what the keys hold.
    Unchanged(Vec<plan::KeyChange>),
    /// The object after the write, and the patch.
    Done(Value, Value),
}

const ROLLOUT: &str = "its pods are replaced by a rollout.";

/// Where `assign` and `unassign` write.
struct Annotations<'a> {
    connection: &'a Connection,
    target: &'a Target,
    namespace: Option<&'a str>,
    write: &'a WriteArgs,
}

impl Annotations<'_> {
    /// Sends a planned annotation patch; a change to a pod template asks first, once.
    fn write(
        &self,
        io: &mut Io<'_>,
        confirmed: &mut bool,
        patch: Value,
        proposed: &Value,
    ) -> Result<Written, LiveError> {
        let target = self.target;
        if target.is_workload() && self.write.dry_run == DryRun::None && !*confirmed {
            let reference = target.kubectl_ref();
            confirm(
                io,
                &format!("This changes the pod template of {reference}: {ROLLOUT}"),
                self.write.yes,
            )?;
            *confirmed = true;
        }
        let result = send(
            self.connection,
            &target.resource,
            self.namespace,
            &target.name,
            &patch,
            proposed,
            self.write.dry_run,
        )?;
        Ok(Written::Done(result, patch))
    }
}

pub(super) fn assign(args: AssignArgs, io: &mut Io<'_>) -> Result<i32, Failure> {
    let (target, pools) = target_and_rest(&args.target, &args.rest)?;
    if pools.is_empty() {
        return Err(Failure::Live(LiveError::Refused(format!(
            "name at least one pool to assign to {}",
            target.kubectl_ref()
        ))));
    }
    let (connection, api) = open(&args.connect).map_err(Failure::Live)?;
    let world = World {
        objects: list_normalized(&connection, &api.pools).map_err(Failure::Live)?,
    };
    let current = world.current();
    let live_pools = plan::pools_by_name(&current);
    let namespace = namespace_for(&target, &connection).map(str::to_owned);
    let reference = target.kubectl_ref();
    let annotations = Annotations {
        connection: &connection,
        target: &target,
        namespace: namespace.as_deref(),
        write: &args.write,
    };
    let mut confirmed = false;
    // Each attempt reads the object, plans and judges on what it read, and writes guarded by
    // its resourceVersion; a 409 means someone wrote it meanwhile, and the next attempt starts
    // over from a fresh read.
    let written = with_retries(&reference, |attempt| {
        let object = connection
            .get(&target.resource, namespace.as_deref(), &target.name)
            .map(|o| normalized(&target.resource, &o))?;
        let (patch, proposed) =
            match plan::plan_assign(&target, &object, &live_pools, &pools, args.overwrite)? {
                Edit::Unchanged(changes) => return Ok(Written::Unchanged(changes)),
                Edit::Write {
                    patch, proposed, ..
                } => (patch, proposed),
            };
        let mut judged = world.clone();
        judged.objects.push(object);
        let judgement = judged.judge(Some(judged.objects.len() - 1), &proposed, &[]);
        if attempt == 0 {
            enforce(io, &judgement, &format!("assigning pools to {reference}"))?;
        } else if judgement.errors().next().is_some() {
            return Err(changed_meanwhile(&reference));
        }
        annotations.write(io, &mut confirmed, patch, &proposed)
    })
    .map_err(Failure::Live)?;
    match written {
        Written::Unchanged(changes) => {
            let values: Vec<String> = changes
                .iter()
                .map(|c| format!("{}={}", c.key, c.after.as_deref().unwrap_or("")))
                .collect();
            writeln!(
                io.stdout,
                "{reference} unchanged ({} already set)",
                values.join(", ")
            )?;
        }
        Written::Done(result, patch) => {
            report_write(io, &args.write, &reference, "annotated", &result, &patch)?;
            let assigned: Vec<IpNet> = live_pools
                .iter()
                .filter(|pool| pools.iter().any(|p| names_pool(p, pool)))
                .filter_map(|pool| pool.cidr_net())
                .collect();
            moved_only_when_recreated(io, &connection, &target, &result, &assigned);
        }
    }
    Ok(EXIT_OK)
}

fn changed_meanwhile(reference: &str) -> LiveError {
    LiveError::Refused(format!(
        "{reference} changed while we wrote it, and the change would now break a rule; nothing was written: run the command again"
    ))
}

/// Whether an `assign` argument names this pool: by name, or by its exact CIDR.
fn names_pool(argument: &str, pool: &Pool) -> bool {
    pool.name.value().is_some_and(|name| name == argument)
        || crate::model::cidr::parse(argument)
            .ok()
            .zip(pool.cidr_net())
            .is_some_and(|(a, b)| a == b)
}

/// After a namespace or pod assignment: running pods keep their addresses.
fn moved_only_when_recreated(
    io: &mut Io<'_>,
    connection: &Connection,
    target: &Target,
    object: &Value,
    assigned: &[IpNet],
) {
    if target.is_workload() || assigned.is_empty() {
        return;
    }
    let (pods, place) = if target.resource == NAMESPACES {
        match connection.list(&PODS, Some(&target.name)) {
            Ok(pods) => (pods, format!("in namespace {}", target.name)),
            Err(_) => return,
        }
    } else {
        (vec![object.clone()], String::new())
    };
    let (outside, running) = plan::pods_outside(&pods, assigned);
    if outside == 0 {
        return;
    }
    let _ = if target.resource == NAMESPACES {
        writeln!(
            io.stderr,
            "note: {outside} of {running} running pods {place} have addresses outside the assigned pools; they keep them until they are recreated"
        )
    } else {
        writeln!(
            io.stderr,
            "note: the pod is running with an address outside the assigned pools; it keeps it until it is recreated"
        )
    };
}

pub(super) fn unassign(args: UnassignArgs, io: &mut Io<'_>) -> Result<i32, Failure> {
    let rest: Vec<String> = args.name.iter().cloned().collect();
    let (target, extra) = target_and_rest(&args.target, &rest)?;
    if !extra.is_empty() {
        return Err(Failure::Live(LiveError::Refused(format!(
            "unexpected argument {:?}: unassign takes TYPE NAME or TYPE/NAME",
            extra[0]
        ))));
    }
    let connection = Connection::open(&args.connect).map_err(Failure::Live)?;
    let namespace = namespace_for(&target, &connection).map(str::to_owned);
    let reference = target.kubectl_ref();
    let annotations = Annotations {
        connection: &connection,
        target: &target,
        namespace: namespace.as_deref(),
        write: &args.write,
    };
    let mut confirmed = false;
    let written = with_retries(&reference, |_| {
        let object = connection
            .get(&target.resource, namespace.as_deref(), &target.name)
            .map(|o| normalized(&target.resource, &o))?;
        let (patch, proposed) = match plan::plan_unassign(&target, &object) {
            Edit::Unchanged(changes) => return Ok(Written::Unchanged(changes)),
            Edit::Write {
                patch, proposed, ..
            } => (patch, proposed),
        };
        annotations.write(io, &mut confirmed, patch, &proposed)
    })
    .map_err(Failure::Live)?;
    match written {
        Written::Unchanged(_) => {
            writeln!(io.stdout, "{reference} unchanged (no pool annotations)")?;
        }
        Written::Done(object, patch) => {
            report_write(io, &args.write, &reference, "annotated", &object, &patch)?;
        }
    }
    Ok(EXIT_OK)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PoolCommand {
    Enable,
    Disable,
    Patch,
}

pub(super) fn enable(args: PoolWriteArgs, io: &mut Io<'_>) -> Result<i32, Failure> {
    let change: SpecChange = [("disabled".to_owned(), json!(false))]
        .into_iter()
        .collect();
    pool_write(&args, change, PoolCommand::Enable, io)
}

pub(super) fn disable(args: PoolWriteArgs, io: &mut Io<'_>) -> Result<i32, Failure> {
    let change: SpecChange = [("disabled".to_owned(), json!(true))].into_iter().collect();
    pool_write(&args, change, PoolCommand::Disable, io)
}

pub(super) fn patch(args: PatchArgs, io: &mut Io<'_>) -> Result<i32, Failure> {
    // Immutable fields are refused before anything is sent, connection included.
    if args.cidr.is_some() {
        return Err(Failure::Live(LiveError::Refused(plan::immutable_refusal(
            "cidr",
        ))));
    }
    if args.block_size.is_some() {
        return Err(Failure::Live(LiveError::Refused(plan::immutable_refusal(
            "blockSize",
        ))));
    }
    let mut change = Map::new();
    let mut set = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            change.insert(key.to_owned(), value);
        }
    };
    set("natOutgoing", args.nat_outgoing.map(Value::Bool));
    set("ipipMode", args.ipip_mode.clone().map(Value::String));
    set("vxlanMode", args.vxlan_mode.clone().map(Value::String));
    set(
        "nodeSelector",
        args.node_selector.clone().map(Value::String),
    );
    // An empty namespaceSelector is removed rather than written empty.
    set(
        "namespaceSelector",
        args.namespace_selector.clone().map(|s| {
            if s.is_empty() {
                Value::Null
            } else {
                Value::String(s)
            }
        }),
    );
    set("disableBGPExport", args.disable_bgp_export.map(Value::Bool));
    set(
        "allowedUses",
        args.allowed_uses
            .clone()
            .map(|uses| Value::Array(uses.into_iter().map(Value::String).collect())),
    );
    set(
        "assignmentMode",
        args.assignment_mode.clone().map(Value::String),
    );
    if change.is_empty() {
        return Err(Failure::Live(LiveError::Refused(
            "nothing to change: pass at least one of --nat-outgoing, --ipip-mode, --vxlan-mode, --node-selector, --namespace-selector, --disable-bgp-export, --allowed-uses, --assignment-mode".to_owned(),
        )));
    }
    pool_write(&args.pool, change, PoolCommand::Patch, io)
}

fn pool_not_found(api: &CalicoApi, name: &str, world: &World) -> LiveError {
    let names: Vec<&str> = world
        .objects
        .iter()
        .filter(|o| o["kind"] == "IPPool")
        .filter_map(|o| o["metadata"]["name"].as_str())
        .collect();
    let help = match crate::suggest::closest(name, names.iter().copied()) {
        Some(near) => format!("; did you mean {near}?"),
        None if names.is_empty() => "; the cluster has no IPPool".to_owned(),
        None => format!("; the cluster's pools: {}", names.join(", ")),
    };
    LiveError::NotFound {
        message: format!(
            "{}.{} {name:?} not found",
            api.pools.plural, api.pools.group
        ),
        help,
    }
}

/// The pool a name refers to: index in the world and the object.
fn find_pool(api: &CalicoApi, world: &World, name: &str) -> Result<usize, LiveError> {
    world
        .find("IPPool", None, name)
        .ok_or_else(|| pool_not_found(api, name, world))
}

fn pool_write(
    args: &PoolWriteArgs,
    change: SpecChange,
    command: PoolCommand,
    io: &mut Io<'_>,
) -> Result<i32, Failure> {
    let (connection, api) = open(&args.connect).map_err(Failure::Live)?;
    let mut world = read_world(&connection, &api).map_err(Failure::Live)?;
    let index = find_pool(&api, &world, &args.pool).map_err(Failure::Live)?;
    let reference = format!("{}/{}", api.pools.kubectl_name(), args.pool);
    if plan::operator_managed(&world.objects[index]) && !args.force {
        let fields: Vec<&str> = change.keys().map(String::as_str).collect();
        return Err(Failure::Live(LiveError::Refused(plan::operator_refusal(
            &args.pool, &fields,
        ))));
    }
    let written = with_retries(&reference, |attempt| {
        if attempt > 0 {
            let fresh = connection.get(&api.pools, None, &args.pool)?;
            world.objects[index] = normalized(&api.pools, &fresh);
        }
        let pool = &world.objects[index];
        let (patch, proposed) = match plan::plan_pool(pool, &change) {
            PoolEdit::Unchanged => return Ok(None),
            PoolEdit::Write { patch, proposed } => (patch, proposed),
        };
        // Enabling a pool makes an overlap it already had a live one.
        let enabling = pool["spec"]["disabled"] == true && proposed["spec"]["disabled"] != true;
        let also_new: &[&str] = if enabling { &["IPP101"] } else { &[] };
        let judgement = world.judge(Some(index), &proposed, also_new);
        if attempt == 0 {
            if command == PoolCommand::Disable {
                disable_consequences(io, args, &connection, &world, &judgement)?;
            } else {
                enforce(io, &judgement, &format!("changing {reference}"))?;
            }
        } else if judgement
            .errors()
            .any(|f| command != PoolCommand::Disable || f.code != "IPP203")
        {
            return Err(changed_meanwhile(&reference));
        }
        let result = send(
            &connection,
            &api.pools,
            None,
            &args.pool,
            &patch,
            &proposed,
            args.write.dry_run,
        )?;
        Ok(Some((result, patch)))
    })
    .map_err(Failure::Live)?;
    match written {
        None => writeln!(io.stdout, "{reference} unchanged")?,
        Some((result, patch)) => {
            report_write(io, &args.write, &reference, "patched", &result, &patch)?
        }
    }
    Ok(EXIT_OK)
}

/// `disable` of a pool in use: addresses still allocated from it, objects whose annotations name
/// it (their new pods would fail), nodes left without a pool. Lists them and asks; the last
/// enabled pool of a family needs --force.
fn disable_consequences(
    io: &mut Io<'_>,
    args: &PoolWriteArgs,
    connection: &Connection,
    world: &World,
    judgement: &Judgement,
) -> Result<(), LiveError> {
    let pool_name = &args.pool;
    let current = world.current();
    let family = current
        .inventory
        .pools
        .iter()
        .find(|p| p.name.value().is_some_and(|n| n == pool_name))
        .and_then(|pool| pool.family());
    let other_enabled = current.inventory.pools.iter().any(|p| {
        p.name.value().is_some_and(|n| n != pool_name) && !p.is_disabled() && p.family() == family
    });
    if !other_enabled && !args.force {
        let family = family.map_or("its family", |f| match f {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        });
        return Err(LiveError::Refused(format!(
            "IPPool {pool_name} is the last enabled {family} pool: disabling it leaves new pods without addresses (\"cannot find a qualified ippool\"); add another pool first, or pass --force"
        )));
    }
    let (consequences, blocking): (Vec<Finding>, Vec<Finding>) = judgement
        .new
        .iter()
        .cloned()
        .partition(|f| matches!(f.code, "IPP203" | "IPP105" | "IPP111"));
    if blocking.iter().any(|f| f.severity == Severity::Error) {
        print_findings(io, &blocking, &judgement.after.sources);
        return Err(LiveError::Refused(format!(
            "refused: disabling {pool_name} would break rules; nothing was written"
        )));
    }
    let blocks = blocks(connection)?;
    let in_use = inspect::rows(&world.objects, &current, &blocks, None)
        .iter()
        .find(|row| row.name == *pool_name)
        .map(|row| (row.usage.in_use, row.usage.blocks))
        .unwrap_or_default();
    let mut reasons = Vec::new();
    if in_use.0 > 0 {
        reasons.push(format!(
            "{} still allocated from it in {} (their pods keep them; recreate the pods to move them)",
            counted(in_use.0, "address is", "addresses are"),
            counted(in_use.1 as u128, "block", "blocks"),
        ));
    }
    let naming: Vec<&Finding> = consequences.iter().filter(|f| f.code == "IPP203").collect();
    if !naming.is_empty() {
        let mut objects: Vec<&str> = naming
            .iter()
            .filter_map(|f| f.location.object.as_deref())
            .collect();
        objects.dedup();
        reasons.push(format!(
            "{} in pool annotations, so their new pods will fail (\"the given pool (...) does not exist, or is not enabled\"): {}",
            counted(objects.len() as u128, "object names it", "objects name it"),
            objects.join(", ")
        ));
    }
    if !consequences.is_empty() {
        print_findings(io, &consequences, &judgement.after.sources);
    }
    if reasons.is_empty() || args.write.dry_run != DryRun::None {
        return Ok(());
    }
    let question = format!("IPPool {pool_name} is in use: {}.", reasons.join("; "));
    confirm(io, &question, args.write.yes)
}

fn counted(n: u128, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn blocks(connection: &Connection) -> Result<Vec<Block>, LiveError> {
    Ok(connection
        .list(&IPAM_BLOCKS, None)?
        .iter()
        .filter_map(usage::parse_block)
        .collect())
}

pub(super) fn list(args: crate::cli::ListArgs, io: &mut Io<'_>) -> Result<i32, Failure> {
    let (connection, api) = open(&args.connect).map_err(Failure::Live)?;
    let world = World {
        objects: list_normalized(&connection, &api.pools).map_err(Failure::Live)?,
    };
    let blocks = blocks(&connection).map_err(Failure::Live)?;
    let nodes = if args.output == Some(TableFormat::Wide) {
        Some(node_labels(&connection).map_err(Failure::Live)?)
    } else {
        None
    };
    let rows = inspect::rows(&world.objects, &world.current(), &blocks, nodes.as_deref());
    pools_report::render_list(io.stdout, &rows, args.output, &api)?;
    Ok(EXIT_OK)
}

fn node_labels(connection: &Connection) -> Result<Vec<NodeLabels>, LiveError> {
    Ok(connection
        .list(&NODES, None)?
        .iter()
        .map(|node| NodeLabels {
            name: node["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            labels: node["metadata"]["labels"]
                .as_object()
                .map(|labels| {
                    labels
                        .iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect())
}

pub(super) fn show(args: crate::cli::ShowArgs, io: &mut Io<'_>) -> Result<i32, Failure> {
    let (connection, api) = open(&args.connect).map_err(Failure::Live)?;
    let mut world = World {
        objects: list_normalized(&connection, &api.pools).map_err(Failure::Live)?,
    };
    find_pool(&api, &world, &args.pool).map_err(Failure::Live)?;
    let blocks = blocks(&connection).map_err(Failure::Live)?;
    let nodes = node_labels(&connection).map_err(Failure::Live)?;
    let pods = connection.list(&PODS, None).map_err(Failure::Live)?;
    world
        .objects
        .extend(annotated_objects(&connection).map_err(Failure::Live)?);
    let snapshot = world.current();
    let Some(detail) = inspect::detail(
        &args.pool,
        &world.objects,
        &snapshot,
        &blocks,
        &nodes,
        &pods,
    ) else {
        return Err(Failure::Live(pool_not_found(&api, &args.pool, &world)));
    };
    pools_report::render_show(io.stdout, &detail, args.output, &api)?;
    Ok(EXIT_OK)
}

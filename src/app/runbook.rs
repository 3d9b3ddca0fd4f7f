//! `migrate`: reads the cluster as `lint --cluster` does, plans Calico's migration procedure
//! (`live::runbook`, pure) and prints the plan.

use super::{Failure, Io};
use crate::cli::{MigrateArgs, ObjectFormat, ResizeArgs};
use crate::live::client::{Connection, LiveError};
use crate::live::runbook::{self, Destination, MigrateRequest, Plan, ResizeRequest};
use crate::manifest::emit;
use crate::model::cidr;
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
    let inventory = cluster_inventory(&args.connect)?;
    let request = MigrateRequest {
        from: args.from.clone(),
        to,
        rewrite_annotations: args.rewrite_annotations,
        delete_bare_pods: args.delete_bare_pods,
    };
    let plan = runbook::plan_migrate(&inventory, &request).map_err(not_found)?;
    print_plan(io, &plan, args.output)
}

pub(super) fn resize(args: ResizeArgs, io: &mut Io<'_>) -> Result<i32, Failure> {
    let temp_cidr = cidr::parse(&args.temp_cidr).map_err(|error| {
        Failure::Live(LiveError::Refused(format!(
            "--temp-cidr {:?}: {error}",
            args.temp_cidr
        )))
    })?;
    let inventory = cluster_inventory(&args.connect)?;
    let request = ResizeRequest {
        temp_name: args
            .temp_name
            .clone()
            .unwrap_or_else(|| format!("{}-temp", args.pool)),
        pool: args.pool.clone(),
        block_size: args.block_size,
        temp_cidr,
        rewrite_annotations: args.rewrite_annotations,
        delete_bare_pods: args.delete_bare_pods,
    };
    let plan = runbook::plan_resize(&inventory, &request).map_err(not_found)?;
    print_plan(io, &plan, args.output)
}

fn not_found(message: String) -> Failure {
    Failure::Live(LiveError::NotFound {
        message,
        help: String::new(),
    })
}

/// The cluster as `lint --cluster` reads it.
fn cluster_inventory(
    connect: &crate::cli::ClusterArgs,
) -> Result<crate::model::inventory::Inventory, Failure> {
    let connection = Connection::open_with(connect, None).map_err(Failure::Live)?;
    let objects = super::live::read_cluster(&connection).map_err(Failure::Live)?;
    let (_, inventory, _) =
        crate::lint::load_inventory(&[], objects).map_err(|e| Failure::Report(Box::new(e)))?;
    Ok(inventory)
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

//! `which`: the pools a new pod of a pod, namespace or workload would draw from. Reads the
//! cluster (or, with `-f`, manifests) into an inventory, finds where the pod would be, and lets
//! `model::selection` decide; the same objects give the same answer either way.

use super::{Failure, Io};
use crate::cli::{ObjectFormat, WhichArgs};
use crate::live::calico::{self, NAMESPACES, PODS};
use crate::live::client::{Connection, LiveError};
use crate::manifest::emit;
use crate::model::annotations::Place;
use crate::model::inventory::Inventory;
use crate::model::selection::{self, FamilyAnswer, Placement};
use crate::report::which as which_report;

pub(super) fn which(args: WhichArgs, io: &mut Io<'_>) -> Result<i32, Failure> {
    let (target, used) =
        calico::parse_target(&args.target, args.name.as_deref()).map_err(Failure::Live)?;
    if used == 0
        && let Some(extra) = &args.name
    {
        return Err(Failure::Live(LiveError::Refused(format!(
            "unexpected argument {extra:?}: which takes TYPE NAME or TYPE/NAME"
        ))));
    }
    let offline = !args.files.is_empty();
    let (inventory, namespace, connection) = if offline {
        let (_, inventory, problems) = crate::lint::load_inventory(&args.files, Vec::new())
            .map_err(|e| Failure::Report(Box::new(e)))?;
        if let Some(problem) = problems.first() {
            return Err(Failure::Live(LiveError::Config(format!(
                "{}: {}",
                problem.path, problem.message
            ))));
        }
        let namespace = args
            .connect
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_owned());
        (inventory, namespace, None)
    } else {
        let connection = Connection::open(&args.connect).map_err(Failure::Live)?;
        let objects = super::live::read_cluster(&connection).map_err(Failure::Live)?;
        let (_, inventory, _) =
            crate::lint::load_inventory(&[], objects).map_err(|e| Failure::Report(Box::new(e)))?;
        let namespace = connection.namespace.clone();
        (inventory, namespace, Some(connection))
    };
    let placement = placement(
        &inventory,
        &target,
        &namespace,
        args.node.clone(),
        connection.as_ref(),
    )?;
    let answers = selection::explain(&inventory, &placement);
    match args.output {
        Some(ObjectFormat::Json) => {
            let value = which_report::to_json(&placement, &answers);
            serde_json::to_writer_pretty(&mut *io.stdout, &value).map_err(std::io::Error::from)?;
            writeln!(io.stdout)?;
        }
        Some(ObjectFormat::Yaml) => {
            let value = which_report::to_json(&placement, &answers);
            io.stdout.write_all(emit::to_yaml(&value).as_bytes())?;
        }
        None => which_report::render(io.stdout, &placement, &answers)?,
    }
    let fails = answers
        .iter()
        .any(|answer: &FamilyAnswer| answer.error.is_some());
    Ok(if fails {
        super::EXIT_FINDINGS
    } else {
        super::EXIT_OK
    })
}

fn not_found(what: &str, name: &str, namespace: Option<&str>, offline: bool) -> Failure {
    let place = namespace
        .map(|ns| format!(" in namespace {ns}"))
        .unwrap_or_default();
    let source = if offline {
        "the manifests"
    } else {
        "the cluster"
    };
    Failure::Live(LiveError::NotFound {
        message: format!("{what} {name:?} not found{place} in {source}"),
        help: if namespace.is_some() {
            "; pass -n NAMESPACE for another namespace".to_owned()
        } else {
            String::new()
        },
    })
}

/// Where a new pod of the target would be.
fn placement<'i>(
    inventory: &'i Inventory,
    target: &calico::Target,
    namespace: &str,
    node: Option<String>,
    connection: Option<&Connection>,
) -> Result<Placement<'i>, Failure> {
    let offline = connection.is_none();
    if let Some(name) = &node
        && !inventory.nodes.is_empty()
        && !inventory.nodes.iter().any(|known| &known.name == name)
    {
        return Err(not_found("node", name, None, offline));
    }
    if target.resource == NAMESPACES {
        if !inventory.namespaces.iter().any(|ns| ns.name == target.name) {
            return Err(not_found("namespace", &target.name, None, offline));
        }
        return Ok(Placement {
            object: format!("Namespace/{}", target.name),
            namespace: target.name.clone(),
            node,
            own: None,
        });
    }
    let object = format!("{}/{namespace}/{}", target.resource.kind, target.name);
    let own = inventory.annotation_sites.iter().find(|site| {
        site.object == object && matches!(site.place, Place::Pod | Place::PodTemplate)
    });
    if target.resource == PODS {
        let pod = inventory
            .ipam
            .pods
            .iter()
            .find(|pod| pod.namespace == namespace && pod.name == target.name)
            .ok_or_else(|| not_found("pod", &target.name, Some(namespace), offline))?;
        return Ok(Placement {
            object,
            namespace: namespace.to_owned(),
            node: node.or_else(|| pod.node.clone()),
            own,
        });
    }
    // Workloads are kept only when annotated; one that is not is looked up in the cluster.
    if own.is_none()
        && let Some(connection) = connection
    {
        connection
            .get(&target.resource, Some(namespace), &target.name)
            .map_err(Failure::Live)?;
    }
    Ok(Placement {
        object,
        namespace: namespace.to_owned(),
        node,
        own,
    })
}

//! Calico's pool-migration procedure as a plan (docs `calico/networking/ipam/migrate-pools.mdx`):
//! the checks that must pass before the first write, then numbered steps, each with what it
//! changes, how it is verified and what it affects. Pure: the cluster's inventory in, the plan
//! out; carrying it out (`app::runbook`) is a loop over the steps that reads the cluster before each.

use std::collections::BTreeMap;

use ipnet::IpNet;
use serde::Serialize;

use crate::model::annotations::Place;
use crate::model::cidr;
use crate::model::inventory::Inventory;
use crate::model::ipam::PodFact;
use crate::model::pool::Pool;

/// maxBlocksPerHost when IPAMConfig leaves it 0 or unset (libcalico-go's default).
const DEFAULT_MAX_BLOCKS_PER_HOST: i64 = 20;

/// Where the pods go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A pool the cluster has.
    Existing(String),
    /// A pool to create, with the old pool's settings.
    New {
        name: String,
        cidr: IpNet,
        block_size: Option<u8>,
    },
}

#[derive(Debug, Clone)]
pub struct MigrateRequest {
    pub from: String,
    pub to: Destination,
    pub rewrite_annotations: bool,
    pub delete_bare_pods: bool,
}

/// One pre-flight check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub passed: bool,
    /// A failed blocking check stops the run before any write; a warning does not.
    pub blocking: bool,
    pub message: String,
    pub fix: Option<String>,
}

/// One step of the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub title: String,
    pub changes: String,
    pub verify: String,
    pub affects: String,
}

/// Pods to recreate, grouped by namespace and owner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Wave {
    pub namespace: String,
    /// `Deployment/web`, `StatefulSet/db`, `Pod/debug` (bare), `Job/backup`.
    pub owner: String,
    /// How they are recreated: a rolling restart, or deletion (bare pods and Jobs' pods).
    pub restart: bool,
    pub pods: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// What the plan does, in one line.
    pub title: String,
    pub from: String,
    pub to: String,
    pub to_cidr: String,
    pub operator_managed: bool,
    pub checks: Vec<Check>,
    pub waves: Vec<Wave>,
    pub steps: Vec<Step>,
}

impl Plan {
    /// Whether a blocking check failed.
    pub fn blocked(&self) -> bool {
        self.checks.iter().any(|c| c.blocking && !c.passed)
    }
}

fn pool_named<'i>(inventory: &'i Inventory, name: &str) -> Option<&'i Pool> {
    inventory
        .pools
        .iter()
        .map(Box::as_ref)
        .filter(|pool| pool.source.is_resource())
        .find(|pool| pool.name.value().is_some_and(|n| n == name))
}

fn passed(message: String) -> Check {
    Check {
        passed: true,
        blocking: true,
        message,
        fix: None,
    }
}

fn failed(message: String, fix: impl Into<String>) -> Check {
    Check {
        passed: false,
        blocking: true,
        message,
        fix: Some(fix.into()),
    }
}

fn warning(message: String, fix: impl Into<String>) -> Check {
    Check {
        passed: false,
        blocking: false,
        message,
        fix: Some(fix.into()),
    }
}

/// The owner a pod is recreated through, and whether a rolling restart recreates it (a
/// Deployment, StatefulSet or DaemonSet); bare pods and Jobs' pods are only deleted.
pub fn owner_of(pod: &PodFact) -> (String, bool) {
    match pod.workload() {
        Some((kind, name)) => {
            let restart = matches!(kind.as_str(), "Deployment" | "StatefulSet" | "DaemonSet")
                || kind == "ReplicaSet";
            (format!("{kind}/{name}"), restart)
        }
        None => (format!("Pod/{}", pod.name), false),
    }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// Plans moving every pod off `request.from`. `None` when the old pool does not exist.
pub fn plan_migrate(inventory: &Inventory, request: &MigrateRequest) -> Result<Plan, String> {
    let old = pool_named(inventory, &request.from)
        .ok_or_else(|| format!("IPPool {} not found in the cluster", request.from))?;
    let old_net = old
        .cidr_net()
        .map(|n| n.trunc())
        .ok_or_else(|| format!("IPPool {} has no valid cidr", request.from))?;
    let operator_managed = inventory.metadata.iter().any(|fact| {
        fact.object == format!("IPPool/{}", request.from)
            && fact.labels.iter().any(|label| {
                label.key.value == super::plan::OPERATOR_LABEL
                    && label
                        .value
                        .as_ref()
                        .is_some_and(|v| v.value == "tigera-operator")
            })
    });
    let mut checks = Vec::new();
    let (to_name, to_net, to_block, creating) = match &request.to {
        Destination::Existing(name) => {
            if name == &request.from {
                return Err("--from and --to name the same pool".to_owned());
            }
            let new = pool_named(inventory, name).ok_or_else(|| {
                format!("IPPool {name} not found in the cluster (--to-cidr creates it)")
            })?;
            let net = new
                .cidr_net()
                .map(|n| n.trunc())
                .ok_or_else(|| format!("IPPool {name} has no valid cidr"))?;
            if new.is_disabled() {
                checks.push(failed(
                    format!("IPPool {name} is disabled: no pod can move to it"),
                    format!("enable it first: `kubectl ippool enable {name}`"),
                ));
            }
            if !new.allows_use("Workload") {
                checks.push(failed(
                    format!("IPPool {name} does not allow Workload: pods cannot use it"),
                    format!("`kubectl ippool patch {name} --allowed-uses Workload,Tunnel`"),
                ));
            }
            (name.clone(), net, new.effective_block_size(), false)
        }
        Destination::New {
            name,
            cidr,
            block_size,
        } => {
            let size = block_size
                .map(i64::from)
                .or_else(|| old.effective_block_size());
            match pool_named(inventory, name) {
                // Made by an earlier run of the same migration: resume with it.
                Some(made) if made.cidr_net().map(|n| n.trunc()) == Some(cidr.trunc()) => (
                    name.clone(),
                    cidr.trunc(),
                    made.effective_block_size(),
                    false,
                ),
                Some(_) => {
                    return Err(format!(
                        "IPPool {name} exists already with another CIDR: pass --to {name} to move pods to it, or choose another --name"
                    ));
                }
                None => (name.clone(), cidr.trunc(), size, true),
            }
        }
    };

    // The procedure moves pods between Calico IPAM pools; another IPAM ignores pools.
    if let Some(other) = inventory
        .cni_ipam_types
        .iter()
        .find(|setting| setting.value != "calico-ipam")
    {
        checks.push(failed(
            format!(
                "the CNI network config uses ipam.type {}, not calico-ipam: pods do not take addresses from IP pools, so there is nothing to migrate",
                other.value
            ),
            "migrate the IPAM itself first (Calico's \"Migrate from host-local IPAM\" guide)",
        ));
    }

    // Overlap with any other pool (C1).
    let overlapping: Vec<String> = inventory
        .pools
        .iter()
        .filter(|pool| pool.source.is_resource())
        .filter(|pool| pool.name.value().is_none_or(|n| *n != to_name))
        .filter(|pool| {
            pool.cidr_net()
                .is_some_and(|net| cidr::overlaps(&net.trunc(), &to_net))
        })
        .filter_map(|pool| pool.name.value().cloned())
        .collect();
    if overlapping.is_empty() {
        checks.push(passed(format!("{to_net} overlaps no other pool")));
    } else {
        checks.push(failed(
            format!("{to_net} overlaps IPPool {}", overlapping.join(", IPPool ")),
            "choose a CIDR that no pool covers (`kubectl ippool list` shows them)",
        ));
    }
    // Pods outside the cluster CIDR are outside the cluster to kube-proxy (IPP108).
    let family = cidr::Family::of(&to_net);
    let cluster_cidrs: Vec<_> = inventory
        .cluster_cidrs
        .iter()
        .filter(|fact| cidr::Family::of(&fact.net) == family)
        .collect();
    let described = |facts: &[&crate::model::cluster::CidrFact]| {
        facts
            .iter()
            .map(|fact| format!("{} ({})", fact.net, fact.what))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if cluster_cidrs.iter().any(|fact| fact.net.contains(&to_net)) {
        checks.push(passed(format!(
            "{to_net} lies inside the cluster CIDR {}",
            described(&cluster_cidrs)
        )));
    } else if !cluster_cidrs.is_empty() {
        checks.push(warning(
            format!(
                "{to_net} is not inside the cluster CIDR {}: kube-proxy takes pods there for outside the cluster and masquerades traffic to them (IPP108)",
                described(&cluster_cidrs)
            ),
            "choose a CIDR inside the cluster CIDR, or widen it first (Calico's \"Migrate from one IP pool to another\" guide, \"IP pools and cluster CIDRs\")",
        ));
    }
    // kubespray applies its pool (calico_pool_name, default `default-pool`) on every run.
    if matches!(request.from.as_str(), "default-pool" | "default-pool-ipv6") {
        checks.push(warning(
            format!(
                "IPPool {} has kubespray's default name: if kubespray deployed this cluster, its next run compares the pool with the inventory and fails (\"Your inventory doesn't match the current cluster configuration\")",
                request.from
            ),
            format!(
                "change the inventory too: calico_pool_name {to_name}, calico_pool_cidr {to_net}{}",
                to_block
                    .map(|b| format!(", calico_pool_blocksize {b}"))
                    .unwrap_or_default()
            ),
        ));
    }
    if let Some(size) = to_block {
        let range = family.block_size_range();
        if !range.contains(&size) {
            checks.push(failed(
                format!(
                    "blockSize {size} is outside {}–{}",
                    range.start(),
                    range.end()
                ),
                "give --block-size within the family's range",
            ));
        } else if i64::from(to_net.prefix_len()) > size {
            checks.push(failed(
                format!("{to_net} is smaller than one block of /{size}: Calico refuses the pool"),
                "choose a larger CIDR, or a larger blockSize (smaller blocks)",
            ));
        }
    }

    // Who moves: running pods with an address in the old pool.
    let moving: Vec<&PodFact> = inventory
        .ipam
        .pods
        .iter()
        .filter(|pod| {
            !pod.host_network && !matches!(pod.phase.as_deref(), Some("Succeeded" | "Failed"))
        })
        .filter(|pod| pod.addresses.iter().any(|a| old_net.contains(&a.value)))
        .collect();
    let mut grouped: BTreeMap<(String, String), (bool, Vec<String>)> = BTreeMap::new();
    for pod in &moving {
        let (owner, restart) = owner_of(pod);
        let entry = grouped
            .entry((pod.namespace.clone(), owner))
            .or_insert((restart, Vec::new()));
        entry.1.push(pod.name.clone());
    }
    let waves: Vec<Wave> = grouped
        .into_iter()
        .map(|((namespace, owner), (restart, pods))| Wave {
            namespace,
            owner,
            restart,
            pods,
        })
        .collect();
    let bare: usize = waves
        .iter()
        .filter(|w| !w.restart)
        .map(|w| w.pods.len())
        .sum();
    if bare > 0 && !request.delete_bare_pods {
        checks.push(failed(
            format!(
                "{} without a controller that recreates {} (bare pods, pods of Jobs): deleting {} loses {}",
                plural(bare, "pod", "pods"),
                if bare == 1 { "it" } else { "them" },
                if bare == 1 { "it" } else { "them" },
                if bare == 1 { "it" } else { "them" },
            ),
            "recreate them yourself, or pass --delete-bare-pods to delete them in the run",
        ));
    }

    // Room: a block per node that runs moving pods, addresses for every pod.
    let nodes: std::collections::BTreeSet<&str> = moving
        .iter()
        .filter_map(|pod| pod.node.as_deref())
        .collect();
    if let Some(size) = to_block.and_then(|s| u8::try_from(s).ok())
        && let Some(blocks) = cidr::block_count(to_net.prefix_len(), size)
    {
        if blocks < nodes.len() as u128 {
            checks.push(failed(
                format!(
                    "{to_net} with blockSize {size} has {blocks} blocks, fewer than the {} the moving pods run on",
                    plural(nodes.len(), "node", "nodes")
                ),
                "choose a larger CIDR, or a larger blockSize (smaller blocks)",
            ));
        } else {
            checks.push(passed(format!(
                "{to_net} has {blocks} blocks of /{size} for the {} the moving pods run on",
                plural(nodes.len(), "node", "nodes")
            )));
        }
    }

    // Room on each node: its moving pods take blocks of the new size, and a node holds at most
    // maxBlocksPerHost blocks (0 means Calico's built-in 20), its old ones still among them.
    if let Some(size) = to_block.and_then(|s| u32::try_from(s).ok()) {
        let bits = if family == cidr::Family::V4 { 32 } else { 128 };
        let per_block = 1u128
            .checked_shl(bits - size.min(bits))
            .unwrap_or(u128::MAX);
        let setting = inventory.max_blocks_per_host.first();
        let max = setting
            .map(|s| s.value)
            .filter(|m| *m > 0)
            .unwrap_or(DEFAULT_MAX_BLOCKS_PER_HOST);
        let mut over = Vec::new();
        for node in &nodes {
            let pods = moving
                .iter()
                .filter(|pod| pod.node.as_deref() == Some(*node))
                .count() as u128;
            let needed = pods.div_ceil(per_block.max(1));
            let held = inventory
                .ipam
                .blocks
                .iter()
                .filter(|b| b.host() == Some(*node))
                .count() as u128;
            if needed + held > max as u128 {
                over.push(format!(
                    "{node} ({} need {needed} of /{size}, beside the {held} it holds)",
                    plural(pods as usize, "pod", "pods")
                ));
            }
        }
        if !over.is_empty() {
            checks.push(warning(
                format!(
                    "maxBlocksPerHost {max}{} is too few on {}: pods there borrow addresses from other nodes' blocks, or get none with strictAffinity",
                    setting.map(|s| format!(" ({})", s.what)).unwrap_or_default(),
                    over.join(", ")
                ),
                "choose a larger blockSize (smaller blocks) for fewer of them, or raise maxBlocksPerHost in IPAMConfig default",
            ));
        }
    }

    // Pods that ask for no pool take one whose nodeSelector picks their node.
    if let Destination::Existing(name) = &request.to
        && let Some(new) = pool_named(inventory, name)
        && let crate::model::pool::Field::Set(written) = &new.node_selector
        && let Ok(selector) = &written.value.parsed
        && !written.value.text.trim().is_empty()
    {
        let unselected: Vec<&str> = nodes
            .iter()
            .copied()
            .filter(|node| {
                inventory
                    .nodes
                    .iter()
                    .find(|known| known.name == *node)
                    .is_some_and(|known| !selector.matches(&known.labels))
            })
            .collect();
        if !unselected.is_empty() {
            checks.push(warning(
                format!(
                    "IPPool {name}'s nodeSelector `{}` does not select {}, where pods to move run: those without a pool annotation find no pool there",
                    written.value.text,
                    unselected.join(", ")
                ),
                format!("widen the nodeSelector (`kubectl ippool patch {name} --node-selector …`), or name {name} in the namespaces' annotations"),
            ));
        }
    }

    // Objects that name the old pool: their new pods would fail once it is disabled.
    let naming: Vec<String> = inventory
        .annotation_sites
        .iter()
        .filter(|site| site.place.is_read())
        .filter(|site| {
            site.pool_entries().any(|(_, _, entry)| {
                entry.text == request.from
                    || cidr::parse(&entry.text).is_ok_and(|net| net.trunc() == old_net)
            })
        })
        .map(|site| match site.place {
            Place::CniConfig => format!("{} (CNI config)", site.object),
            _ => site.object.clone(),
        })
        .collect();
    if !naming.is_empty() && !request.rewrite_annotations {
        checks.push(failed(
            format!(
                "{} {} in pool annotations: once it is disabled their new pods fail (\"the given pool ({old_net}) does not exist, or is not enabled\"): {}",
                plural(naming.len(), "object names", "objects name"),
                request.from,
                naming.join(", ")
            ),
            format!("pass --rewrite-annotations to rewrite them to {to_name} as a step of the plan"),
        ));
    }

    if operator_managed {
        checks.push(passed(format!(
            "IPPool {} is managed by the Tigera operator: it is changed through Installation/default (spec.calicoNetwork.ipPools), never by patching the IPPool, which the operator reverts",
            request.from
        )));
    }
    let through = |direct: String, installation: String| {
        if operator_managed {
            installation
        } else {
            direct
        }
    };
    let mut steps = Vec::new();
    if creating {
        steps.push(Step {
            title: through(
                format!("Create IPPool {to_name} ({to_net})"),
                format!(
                    "Add {to_name} ({to_net}) to Installation/default spec.calicoNetwork.ipPools"
                ),
            ),
            changes: format!(
                "a new pool with {}'s settings{}",
                request.from,
                to_block
                    .map(|b| format!(", blockSize {b}"))
                    .unwrap_or_default()
            ),
            verify: format!("IPPool {to_name} exists and is enabled"),
            affects: "nothing yet: new pods may start to draw from it".to_owned(),
        });
    }
    if !naming.is_empty() && request.rewrite_annotations {
        let cni_config = naming.iter().any(|n| n.ends_with("(CNI config)"));
        steps.push(Step {
            title: format!("Rewrite the annotations that name {}", request.from),
            changes: format!("{} → {to_name} in {}", request.from, naming.join(", ")),
            verify: format!("no annotation names {}", request.from),
            affects: if cni_config {
                "workload pod templates roll out their pods; calico-node restarts on every node, to write the CNI config again".to_owned()
            } else {
                "workload pod templates roll out their pods".to_owned()
            },
        });
    }
    steps.push(Step {
        title: through(
            format!("Disable IPPool {}", request.from),
            format!(
                "Stop new allocations from {} in Installation/default",
                request.from
            ),
        ),
        changes: through(
            "spec.disabled: true".to_owned(),
            format!(
                "spec.calicoNetwork.ipPools[name={}].disableNewAllocations: true",
                request.from
            ),
        ),
        verify: "new pods get no address from it".to_owned(),
        affects: format!(
            "{} keep their addresses in it until recreated",
            plural(moving.len(), "running pod", "running pods")
        ),
    });
    for wave in &waves {
        let (title, changes) = if wave.restart {
            (
                format!("Restart {} in {}", wave.owner, wave.namespace),
                "a rolling restart (the pod-template annotation kubectl rollout restart sets), waited on until it completes".to_owned(),
            )
        } else {
            (
                format!("Delete the pods of {} in {}", wave.owner, wave.namespace),
                "the pods are deleted (--delete-bare-pods); nothing recreates them".to_owned(),
            )
        };
        steps.push(Step {
            title,
            changes,
            verify: format!("its pods have addresses in {to_name}"),
            affects: format!(
                "{}: {}",
                plural(wave.pods.len(), "pod", "pods"),
                wave.pods.join(", ")
            ),
        });
    }
    steps.push(Step {
        title: format!("Verify every pod moved to {to_name}"),
        changes: "nothing".to_owned(),
        verify: format!(
            "each of the {} has an address in {to_net}",
            plural(
                moving.len(),
                "pod that had an address in the old pool",
                "pods that had an address in the old pool"
            )
        ),
        affects: "stops the run, listing the pods that did not move".to_owned(),
    });
    let blocks: Vec<_> = inventory
        .ipam
        .blocks
        .iter()
        .filter(|block| cidr::overlaps(&old_net, &block.cidr.value))
        .collect();
    let in_use: u128 = blocks.iter().map(|b| b.in_use()).sum();
    steps.push(Step {
        title: through(
            format!("Delete IPPool {}", request.from),
            format!(
                "Remove {} from Installation/default spec.calicoNetwork.ipPools",
                request.from
            ),
        ),
        changes: through(
            format!("IPPool {} is deleted", request.from),
            format!("the operator deletes IPPool {}", request.from),
        ),
        verify: format!(
            "its IPAM blocks hold no allocation (now {} holding {in_use} addresses)",
            plural(blocks.len(), "block", "blocks")
        ),
        affects: "nothing once the pods moved".to_owned(),
    });
    Ok(Plan {
        title: format!(
            "Migrate pods from IPPool {} to IPPool {to_name} ({to_net})",
            request.from
        ),
        from: request.from.clone(),
        to: to_name,
        to_cidr: to_net.to_string(),
        operator_managed,
        checks,
        waves,
        steps,
    })
}

/// What `resize` asks for.
#[derive(Debug, Clone)]
pub struct ResizeRequest {
    pub pool: String,
    pub block_size: u8,
    pub temp_name: String,
    pub temp_cidr: IpNet,
    pub rewrite_annotations: bool,
    pub delete_bare_pods: bool,
}

/// Plans Calico's block-size change (docs `calico/networking/ipam/change-block-size.mdx`): the
/// pods move to a temporary pool, the pool is deleted and created again with the new blockSize
/// once no block of the old size is left in its CIDR, and the pods move back.
pub fn plan_resize(inventory: &Inventory, request: &ResizeRequest) -> Result<Plan, String> {
    let pool = pool_named(inventory, &request.pool)
        .ok_or_else(|| format!("IPPool {} not found in the cluster", request.pool))?;
    let net = pool
        .cidr_net()
        .map(|n| n.trunc())
        .ok_or_else(|| format!("IPPool {} has no valid cidr", request.pool))?;
    let current = pool.effective_block_size();
    let mut away = plan_migrate(
        inventory,
        &MigrateRequest {
            from: request.pool.clone(),
            to: Destination::New {
                name: request.temp_name.clone(),
                cidr: request.temp_cidr,
                block_size: current.and_then(|b| u8::try_from(b).ok()),
            },
            rewrite_annotations: request.rewrite_annotations,
            delete_bare_pods: request.delete_bare_pods,
        },
    )?;
    let size = i64::from(request.block_size);
    let range = cidr::Family::of(&net).block_size_range();
    if current == Some(size) {
        away.checks.push(failed(
            format!("IPPool {} already has blockSize {size}", request.pool),
            "nothing to change",
        ));
    } else if !range.contains(&size) {
        away.checks.push(failed(
            format!(
                "blockSize {size} is outside {}–{}",
                range.start(),
                range.end()
            ),
            "give --block-size within the family's range",
        ));
    } else if i64::from(net.prefix_len()) > size {
        away.checks.push(failed(
            format!("{net} is smaller than one block of /{size}: Calico refuses the pool"),
            "choose a larger blockSize (smaller blocks)",
        ));
    } else {
        away.checks.push(passed(format!(
            "{net} takes blockSize {size}: {} blocks",
            cidr::block_count(net.prefix_len(), request.block_size).unwrap_or(0)
        )));
    }
    // The steps of the way out, less the final deletion, then the pool again and the way back.
    let mut steps: Vec<Step> = away.steps.clone();
    let delete = steps.pop();
    let old_blocks = inventory
        .ipam
        .blocks
        .iter()
        .filter(|b| cidr::overlaps(&net, &b.cidr.value))
        .filter(|b| Some(i64::from(b.cidr.value.prefix_len())) == current)
        .count();
    if let Some(delete) = delete {
        steps.push(delete);
    }
    steps.push(Step {
        title: format!("Create IPPool {} again with blockSize {size}", request.pool),
        changes: format!("the same CIDR {net} and settings, blockSize {size}"),
        verify: format!(
            "no IPAM block of the old size /{} is left in {net} (now {}): Calico refuses the pool otherwise (\"IPPool blocksSize conflicts with existing allocations that use a different blockSize\")",
            current.unwrap_or_default(),
            plural(old_blocks, "block", "blocks")
        ),
        affects: "new pods may draw from it again".to_owned(),
    });
    steps.push(Step {
        title: format!("Disable IPPool {}", request.temp_name),
        changes: "spec.disabled: true".to_owned(),
        verify: format!("new pods get no address from {}", request.temp_name),
        affects: "the moved pods keep their temporary addresses until recreated".to_owned(),
    });
    for wave in &away.waves {
        steps.push(Step {
            title: if wave.restart {
                format!("Restart {} in {} again", wave.owner, wave.namespace)
            } else {
                format!(
                    "Delete the pods of {} in {} again",
                    wave.owner, wave.namespace
                )
            },
            changes: "as before, now into the resized pool".to_owned(),
            verify: format!("its pods have addresses in {}", request.pool),
            affects: plural(wave.pods.len(), "pod", "pods"),
        });
    }
    steps.push(Step {
        title: format!("Verify every pod is back in {}", request.pool),
        changes: "nothing".to_owned(),
        verify: format!("no pod has an address in {}", request.temp_cidr.trunc()),
        affects: "stops the run, listing the pods that did not move".to_owned(),
    });
    steps.push(Step {
        title: format!("Delete IPPool {}", request.temp_name),
        changes: format!("IPPool {} is deleted", request.temp_name),
        verify: "its IPAM blocks hold no allocation".to_owned(),
        affects: "nothing once the pods moved back".to_owned(),
    });
    if away.operator_managed {
        let installation = "Installation/default spec.calicoNetwork.ipPools";
        for step in &mut steps {
            if let Some(rest) = step
                .title
                .strip_prefix(&format!("Create IPPool {} again", request.pool))
            {
                step.title = format!("Put {} back in {installation}{rest}", request.pool);
            } else if step.title == format!("Disable IPPool {}", request.temp_name) {
                step.title = format!(
                    "Stop new allocations from {} in {installation}",
                    request.temp_name
                );
                step.changes = format!(
                    "ipPools[name={}].disableNewAllocations: true",
                    request.temp_name
                );
            } else if step.title == format!("Delete IPPool {}", request.temp_name) {
                step.title = format!("Remove {} from {installation}", request.temp_name);
                step.changes = format!("the operator deletes IPPool {}", request.temp_name);
            }
        }
    }
    Ok(Plan {
        title: format!(
            "Change the blockSize of IPPool {} from {} to {size}, through the temporary IPPool {} ({})",
            request.pool,
            current.unwrap_or_default(),
            request.temp_name,
            request.temp_cidr.trunc()
        ),
        steps,
        ..away
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::manifest::{self, NoExtras};

    fn inventory(yaml: &str) -> Inventory {
        manifest::load_text("cluster", yaml, 0, false, &mut NoExtras).inventory
    }

    const CLUSTER: &str = "\
apiVersion: crd.projectcalico.org/v1
kind: IPPool
metadata: {name: old}
spec: {cidr: 10.1.0.0/16, blockSize: 26}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-5f6d-x
  namespace: shop
  ownerReferences: [{kind: ReplicaSet, name: web-5f6d}]
spec: {nodeName: n1}
status: {phase: Running, podIPs: [{ip: 10.1.0.4}]}
---
apiVersion: v1
kind: Pod
metadata: {name: done, namespace: shop}
spec: {nodeName: n1}
status: {phase: Succeeded, podIPs: [{ip: 10.1.0.9}]}
---
apiVersion: v1
kind: Pod
metadata: {name: elsewhere, namespace: shop}
status: {phase: Running, podIPs: [{ip: 10.9.0.1}]}
";

    fn request(to: Destination) -> MigrateRequest {
        MigrateRequest {
            from: "old".to_owned(),
            to,
            rewrite_annotations: false,
            delete_bare_pods: false,
        }
    }

    #[test]
    fn only_running_pods_in_the_old_pool_move_grouped_by_owner() {
        let plan = plan_migrate(
            &inventory(CLUSTER),
            &request(Destination::New {
                name: "new".to_owned(),
                cidr: "10.2.0.0/16".parse().unwrap(),
                block_size: Some(24),
            }),
        )
        .unwrap();
        assert!(!plan.blocked(), "{:?}", plan.checks);
        assert_eq!(plan.waves.len(), 1);
        assert_eq!(plan.waves[0].owner, "Deployment/web");
        assert_eq!(plan.waves[0].pods, ["web-5f6d-x"]);
        assert!(plan.steps[0].changes.contains("blockSize 24"));
        assert_eq!(plan.steps.len(), 5);
    }

    #[test]
    fn another_ipam_blocks_the_migration() {
        let host_local = format!(
            "{CLUSTER}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: calico-config, namespace: kube-system}}\ndata:\n  cni_network_config: '{{\"plugins\": [{{\"type\": \"calico\", \"ipam\": {{\"type\": \"host-local\"}}}}]}}'\n"
        );
        let plan = plan_migrate(
            &inventory(&host_local),
            &request(Destination::New {
                name: "new".to_owned(),
                cidr: "10.2.0.0/16".parse().unwrap(),
                block_size: None,
            }),
        )
        .unwrap();
        assert!(plan.blocked());
        assert!(
            plan.checks
                .iter()
                .any(|c| c.message.contains("uses ipam.type host-local")),
            "{:?}",
            plan.checks
        );
    }

    #[test]
    fn a_target_too_small_for_the_nodes_or_the_same_pool_is_refused() {
        let small = plan_migrate(
            &inventory(CLUSTER),
            &request(Destination::New {
                name: "tiny".to_owned(),
                cidr: "10.2.0.0/27".parse().unwrap(),
                block_size: Some(26),
            }),
        )
        .unwrap();
        assert!(small.blocked());
        assert!(
            small.checks.iter().any(|c| c.message
                == "10.2.0.0/27 is smaller than one block of /26: Calico refuses the pool"),
            "{:?}",
            small.checks
        );
        assert!(
            plan_migrate(
                &inventory(CLUSTER),
                &request(Destination::Existing("old".to_owned()))
            )
            .is_err()
        );
        assert!(
            plan_migrate(
                &inventory(CLUSTER),
                &request(Destination::Existing("missing".to_owned()))
            )
            .is_err()
        );
    }

    #[test]
    fn a_target_outside_the_cluster_cidr_and_a_kubespray_pool_are_warned_about() {
        let kubeadm = "\
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
networking: {podSubnet: 10.0.0.0/12}
";
        let cluster = format!("{CLUSTER}{kubeadm}");
        let to = |cidr: &str| Destination::New {
            name: "new".to_owned(),
            cidr: cidr.parse().unwrap(),
            block_size: None,
        };
        let inside = plan_migrate(&inventory(&cluster), &request(to("10.2.0.0/16"))).unwrap();
        assert!(inside.checks.iter().any(|c| c.passed
            && c.message
                == "10.2.0.0/16 lies inside the cluster CIDR 10.0.0.0/12 (kubeadm ClusterConfiguration networking.podSubnet)"));
        let outside = plan_migrate(&inventory(&cluster), &request(to("10.250.0.0/16"))).unwrap();
        let warned: Vec<&Check> = outside.checks.iter().filter(|c| !c.passed).collect();
        assert_eq!(warned.len(), 1, "{warned:?}");
        assert!(!warned[0].blocking && warned[0].message.contains("(IPP108)"));
        assert!(!outside.blocked());
        // Without a known cluster CIDR there is nothing to say.
        let unknown = plan_migrate(&inventory(CLUSTER), &request(to("10.250.0.0/16"))).unwrap();
        assert!(
            unknown
                .checks
                .iter()
                .all(|c| !c.message.contains("cluster CIDR"))
        );

        let kubespray = CLUSTER.replace("name: old", "name: default-pool");
        let mut asked = request(to("10.2.0.0/16"));
        asked.from = "default-pool".to_owned();
        let plan = plan_migrate(&inventory(&kubespray), &asked).unwrap();
        let warning = plan
            .checks
            .iter()
            .find(|c| c.message.contains("kubespray's default name"))
            .unwrap();
        assert_eq!(
            warning.fix.as_deref(),
            Some(
                "change the inventory too: calico_pool_name new, calico_pool_cidr 10.2.0.0/16, calico_pool_blocksize 26"
            )
        );
    }

    #[test]
    fn a_node_whose_pods_need_more_blocks_than_max_blocks_per_host_is_warned_about() {
        let mut cluster = CLUSTER.to_owned();
        for i in 0..5 {
            cluster.push_str(&format!(
                "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: shop}}\nspec: {{nodeName: n1}}\nstatus: {{phase: Running, podIPs: [{{ip: 10.1.1.{i}}}]}}\n"
            ));
        }
        cluster.push_str("---\napiVersion: crd.projectcalico.org/v1\nkind: IPAMConfig\nmetadata: {name: default}\nspec: {maxBlocksPerHost: 2}\n");
        let to = |block_size| Destination::New {
            name: "new".to_owned(),
            cidr: "10.2.0.0/16".parse().unwrap(),
            block_size: Some(block_size),
        };
        // Six pods on n1 in blocks of 2 addresses: 3 blocks, one more than allowed.
        let tight = plan_migrate(&inventory(&cluster), &request(to(31))).unwrap();
        let warned = tight
            .checks
            .iter()
            .find(|c| {
                c.message
                    .starts_with("maxBlocksPerHost 2 (IPAMConfig maxBlocksPerHost)")
            })
            .unwrap();
        assert!(
            warned
                .message
                .contains("n1 (6 pods need 3 of /31, beside the 0 it holds)"),
            "{}",
            warned.message
        );
        let roomy = plan_migrate(&inventory(&cluster), &request(to(29))).unwrap();
        assert!(
            roomy
                .checks
                .iter()
                .all(|c| !c.message.starts_with("maxBlocksPerHost"))
        );
    }
}

//! Which pools a new pod would draw from, decided step by step in Calico's order: the pod's own
//! pool annotation (or its workload's pod template's), else its namespace's, else the CNI
//! network config's `ipam.ipv4_pools`/`ipv6_pools`, else the pools
//! whose selectors pick it (enabled, of the family, `Automatic`, nodeSelector matching the node,
//! namespaceSelector matching the namespace, allowing `Workload`), in name order. When nothing
//! qualifies, the error Calico gives and the change that fixes it. Pure: inventory in, answer
//! out, so `which` says the same live and on manifests.
//!
//! calico-reference §5 ("Pool resolution", precedence) and §6.1.

use std::collections::BTreeMap;

use serde::Serialize;

use super::annotations::{AnnotationSite, CniKey, Place, PoolIndex, Resolution, resolve};
use super::cidr::Family;
use super::inventory::Inventory;
use super::pool::{Field, Pool};
use super::selector::Selector;

/// Where a new pod would be: its namespace, the node (when known), and the object whose
/// annotations it carries (the pod itself, or the workload's pod template).
#[derive(Debug, Clone)]
pub struct Placement<'a> {
    /// `Pod/shop/web-0`, `Deployment/shop/web`, `Namespace/shop`.
    pub object: String,
    pub namespace: String,
    pub node: Option<String>,
    /// The pod's (or pod template's) annotations, when it carries any Calico reads.
    pub own: Option<&'a AnnotationSite>,
}

/// One step of the decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// What Calico looks at: `pod annotation`, `namespace annotation`, `pool selection`.
    pub source: String,
    /// The object it reads, and the field.
    pub object: Option<String>,
    pub field: Option<String>,
    /// The value read there, as written.
    pub value: Option<String>,
    /// What came of it.
    pub outcome: String,
    /// Whether this step decided the answer.
    pub decides: bool,
}

/// One pool considered at the selection step, and why it qualifies or not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub pool: String,
    pub cidr: String,
    pub qualifies: bool,
    pub reason: String,
}

/// The answer for one IP family.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FamilyAnswer {
    pub family: &'static str,
    pub steps: Vec<Step>,
    /// Pools considered by their selectors (empty when an annotation decided).
    pub candidates: Vec<Candidate>,
    /// The pools new pods draw from, in the order Calico tries them.
    pub pools: Vec<String>,
    /// Calico's own error when no pool qualifies.
    pub error: Option<String>,
    /// The change that fixes it.
    pub fix: Option<String>,
}

fn family_name(family: Family) -> &'static str {
    match family {
        Family::V4 => "IPv4",
        Family::V6 => "IPv6",
    }
}

fn pool_name(pool: &Pool) -> String {
    pool.name
        .value()
        .cloned()
        .unwrap_or_else(|| pool.display_name())
}

fn cidr_text(pool: &Pool) -> String {
    pool.cidr_net()
        .map(|net| net.trunc().to_string())
        .or_else(|| pool.cidr.value().cloned())
        .unwrap_or_default()
}

/// A selector field as IPAM evaluates it: `None` when omitted or empty (every node, every
/// namespace), an error when it does not parse or is not a string.
fn written_selector<'p>(
    field: &'p Field<Box<crate::model::pool::SelectorField>>,
    name: &str,
) -> Result<Option<&'p Selector>, String> {
    match field {
        Field::Set(written) if !written.value.text.trim().is_empty() => written
            .value
            .parsed
            .as_ref()
            .map(Some)
            .map_err(|fault| fault.message.clone()),
        Field::WrongType(wrong) => Err(format!("{name} is {}", wrong.found)),
        _ => Ok(None),
    }
}

fn labels_text(labels: &BTreeMap<String, String>) -> String {
    if labels.is_empty() {
        return "no labels".to_owned();
    }
    let shown: Vec<String> = labels
        .iter()
        .filter(|(key, _)| key.as_str() != "kubernetes.io/metadata.name")
        .take(4)
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if shown.is_empty() {
        "no labels".to_owned()
    } else {
        shown.join(", ")
    }
}

/// The answers for each family the cluster uses: IPv4, and IPv6 when it has IPv6 pools or an
/// ipv6pools annotation applies.
pub fn explain(inventory: &Inventory, placement: &Placement<'_>) -> Vec<FamilyAnswer> {
    let namespace_site = inventory.annotation_sites.iter().find(|site| {
        site.place == Place::Namespace
            && site.object == format!("Namespace/{}", placement.namespace)
    });
    let mut answers = vec![explain_family(
        inventory,
        placement,
        namespace_site,
        Family::V4,
    )];
    let v6_annotated = [placement.own, namespace_site]
        .iter()
        .flatten()
        .any(|site| site.read(CniKey::Ipv6Pools).is_some());
    let v6_pools = inventory
        .pools
        .iter()
        .any(|pool| pool.family() == Some(Family::V6));
    if v6_pools || v6_annotated {
        answers.push(explain_family(
            inventory,
            placement,
            namespace_site,
            Family::V6,
        ));
    }
    answers
}

fn explain_family(
    inventory: &Inventory,
    placement: &Placement<'_>,
    namespace_site: Option<&AnnotationSite>,
    family: Family,
) -> FamilyAnswer {
    let key = match family {
        Family::V4 => CniKey::Ipv4Pools,
        Family::V6 => CniKey::Ipv6Pools,
    };
    let mut pools: Vec<&Pool> = inventory
        .pools
        .iter()
        .map(Box::as_ref)
        .filter(|pool| pool.name.value().is_some())
        .collect();
    pools.sort_by(|a, b| a.name.value().cmp(&b.name.value()));
    pools.dedup_by(|a, b| a.name.value() == b.name.value());
    let mut answer = FamilyAnswer {
        family: family_name(family),
        steps: Vec::new(),
        candidates: Vec::new(),
        pools: Vec::new(),
        error: None,
        fix: None,
    };
    let is_namespace = placement.object.starts_with("Namespace/");
    let own_source = if placement.object.starts_with("Pod/") {
        "pod annotation"
    } else {
        "pod template annotation"
    };
    let mut annotation_steps: Vec<(&str, Option<&AnnotationSite>)> = Vec::new();
    if !is_namespace {
        annotation_steps.push((own_source, placement.own));
    }
    annotation_steps.push(("namespace annotation", namespace_site));
    // The CNI network config's pool lists come next, when the inputs hold one.
    let cni_config = inventory
        .annotation_sites
        .iter()
        .find(|site| site.place == Place::CniConfig);
    if cni_config.is_some() {
        annotation_steps.push(("CNI network config", cni_config));
    }
    for (source, site) in annotation_steps {
        let field = match site {
            Some(site) if site.place == Place::CniConfig => {
                format!(
                    "{} {}",
                    site.path,
                    site.label_for(key).trim_start_matches("CNI config ")
                )
            }
            Some(site) => format!("{}[\"{}\"]", site.path, key.key()),
            None => format!("metadata.annotations[\"{}\"]", key.key()),
        };
        let object = match (source, site) {
            (_, Some(site)) => site.object.clone(),
            ("namespace annotation", None) => format!("Namespace/{}", placement.namespace),
            (_, None) => placement.object.clone(),
        };
        let annotation = site.and_then(|site| site.read(key));
        let Some(annotation) = annotation.filter(|a| a.text().is_some()) else {
            answer.steps.push(Step {
                source: source.to_owned(),
                object: Some(object),
                field: Some(field),
                value: None,
                outcome: "not set".to_owned(),
                decides: false,
            });
            continue;
        };
        let value = annotation.text().map(str::to_owned);
        let Some(entries) = annotation.entries() else {
            answer.steps.push(Step {
                source: source.to_owned(),
                object: Some(object),
                field: Some(field),
                value,
                outcome: "not a JSON list of strings: the pod fails".to_owned(),
                decides: true,
            });
            answer.error = Some(format!("Error parsing {} IPPools", family_name(family)));
            answer.fix = Some(format!(
                "write the annotation as a JSON list, e.g. {}: '[\"POOL\"]'",
                key.key()
            ));
            return answer;
        };
        let place = match site {
            Some(site) if site.place == Place::CniConfig => format!(
                "{} of {object}'s cni_network_config (calico-node writes it to each node when it restarts)",
                site.label_for(key).trim_start_matches("CNI config ")
            ),
            _ => format!("{object}'s annotation (`kubectl ippool assign`)"),
        };
        let mut outcome = vec![
            "decides: the pod may use only these pools (nodeSelector, namespaceSelector and assignmentMode are not consulted)"
                .to_owned(),
        ];
        let index = PoolIndex::new(pools.iter().copied());
        for entry in entries {
            let verdict = match resolve(&entry.text, family, &index) {
                Resolution::Usable(pool) => {
                    answer.pools.push(pool_name(pool));
                    format!(
                        "{} → IPPool {} ({}): usable",
                        entry.text,
                        pool_name(pool),
                        cidr_text(pool)
                    )
                }
                Resolution::NoPools | Resolution::Unknown => {
                    fail(
                        &mut answer,
                        format!(
                            "error parsing pool \"{0}\": invalid CIDR address: {0}",
                            entry.text
                        ),
                        fix_for(&place, &format!("no pool is named {}", entry.text)),
                    );
                    format!("{}: no such pool", entry.text)
                }
                Resolution::Empty => {
                    fail(
                        &mut answer,
                        "error parsing pool \"\": invalid CIDR address: ".to_owned(),
                        fix_for(&place, "an entry is empty"),
                    );
                    "an empty entry".to_owned()
                }
                Resolution::WrongFamily {
                    pool,
                    family: other,
                } => {
                    let shown = pool.map_or_else(|| entry.text.clone(), cidr_text);
                    fail(
                        &mut answer,
                        format!(
                            "\"{}\" isn't a {} address",
                            shown.split('/').next().unwrap_or_default(),
                            family_name(family)
                        ),
                        fix_for(
                            &place,
                            &format!("{} is an {} pool", entry.text, family_name(other)),
                        ),
                    );
                    format!("{}: an {} pool", entry.text, family_name(other))
                }
                Resolution::Disabled(pool) => {
                    fail(
                        &mut answer,
                        format!(
                            "the given pool ({}) does not exist, or is not enabled",
                            cidr_text(pool)
                        ),
                        format!(
                            "name an enabled pool in {place}, or enable IPPool {} (`kubectl ippool enable {}`)",
                            pool_name(pool),
                            pool_name(pool)
                        ),
                    );
                    format!("{} → IPPool {}: disabled", entry.text, pool_name(pool))
                }
                Resolution::NotAPoolCidr { net, .. } => {
                    fail(
                        &mut answer,
                        format!("the given pool ({net}) does not exist, or is not enabled"),
                        fix_for(&place, &format!("{net} is not exactly the CIDR of a pool")),
                    );
                    format!("{}: not exactly a pool's CIDR", entry.text)
                }
                Resolution::NotForWorkloads(pool) => {
                    fail(
                        &mut answer,
                        "cannot find a qualified ippool, no pools match the required use (Workload)"
                            .to_owned(),
                        fix_for(
                            &place,
                            &format!("IPPool {} does not allow Workload", pool_name(pool)),
                        ),
                    );
                    format!(
                        "{} → IPPool {}: allowedUses lacks Workload",
                        entry.text,
                        pool_name(pool)
                    )
                }
                Resolution::BrokenPool(pool) => {
                    fail(
                        &mut answer,
                        "failed to parse IP pool cidr".to_owned(),
                        format!("fix the cidr of IPPool {}", pool_name(pool)),
                    );
                    format!(
                        "{} → IPPool {}: its cidr does not parse",
                        entry.text,
                        pool_name(pool)
                    )
                }
            };
            outcome.push(verdict);
        }
        answer.steps.push(Step {
            source: source.to_owned(),
            object: Some(object),
            field: Some(field),
            value,
            outcome: outcome.join("; "),
            decides: true,
        });
        if answer.error.is_some() {
            answer.pools.clear();
        }
        return answer;
    }
    select_by_selectors(inventory, placement, &pools, family, &mut answer);
    answer
}

fn fail(answer: &mut FamilyAnswer, error: String, fix: String) {
    if answer.error.is_none() {
        answer.error = Some(error);
        answer.fix = Some(fix);
    }
}

fn fix_for(object: &str, why: &str) -> String {
    format!(
        "{why}: name an existing, enabled pool of this family in {object}'s annotation (`kubectl ippool assign`), or remove the annotation"
    )
}

fn select_by_selectors(
    inventory: &Inventory,
    placement: &Placement<'_>,
    pools: &[&Pool],
    family: Family,
    answer: &mut FamilyAnswer,
) {
    let node = placement
        .node
        .as_deref()
        .and_then(|name| inventory.nodes.iter().find(|node| node.name == name));
    let namespace_labels = inventory
        .namespaces
        .iter()
        .find(|ns| ns.name == placement.namespace)
        .map(|ns| ns.labels.clone())
        .unwrap_or_else(|| {
            BTreeMap::from([(
                "kubernetes.io/metadata.name".to_owned(),
                placement.namespace.clone(),
            )])
        });
    let mut enabled_of_family = 0;
    let mut matched_node = 0;
    for pool in pools.iter().filter(|pool| pool.family() == Some(family)) {
        let (qualifies, reason) = if pool.is_disabled() {
            (false, "disabled".to_owned())
        } else {
            enabled_of_family += 1;
            match judge(pool, node, placement, &namespace_labels) {
                Ok(reason) => {
                    matched_node += 1;
                    if pool.allows_use("Workload") {
                        (true, reason)
                    } else {
                        (
                            false,
                            format!(
                                "{reason}, but allowedUses [{}] lacks Workload",
                                pool.effective_allowed_uses().join(", ")
                            ),
                        )
                    }
                }
                Err(reason) => (false, reason),
            }
        };
        if qualifies {
            answer.pools.push(pool_name(pool));
        }
        answer.candidates.push(Candidate {
            pool: pool_name(pool),
            cidr: cidr_text(pool),
            qualifies,
            reason,
        });
    }
    let node_text = match &placement.node {
        Some(node) => format!("node {node}"),
        None => "any node (no node given: pass --node)".to_owned(),
    };
    let outcome = if answer.pools.is_empty() {
        "no pool qualifies".to_owned()
    } else {
        format!(
            "{} qualif{}",
            answer.pools.len(),
            if answer.pools.len() == 1 { "ies" } else { "y" }
        )
    };
    answer.steps.push(Step {
        source: "pool selection".to_owned(),
        object: None,
        field: None,
        value: Some(format!(
            "enabled {} pools, assignmentMode Automatic, nodeSelector matching {node_text}, namespaceSelector matching namespace {}, allowedUses with Workload; in name order",
            family_name(family),
            placement.namespace
        )),
        outcome,
        decides: true,
    });
    if !answer.pools.is_empty() {
        return;
    }
    let node_name = placement.node.as_deref().unwrap_or("<node>");
    if enabled_of_family == 0 {
        answer.error = Some("cannot find a qualified ippool".to_owned());
        answer.fix = Some(format!(
            "create (or enable) an {} pool for workloads",
            family_name(family)
        ));
    } else if matched_node == 0 {
        answer.error = Some(format!("no configured Calico pools for node {node_name}"));
        answer.fix = Some(format!(
            "make a pool's nodeSelector (and namespaceSelector) match {node_name} and namespace {}, or name a pool in the namespace's annotation (`kubectl ippool assign ns {} POOL`)",
            placement.namespace, placement.namespace
        ));
    } else {
        answer.error = Some(
            "cannot find a qualified ippool, no pools match the required use (Workload)".to_owned(),
        );
        answer.fix =
            Some("add Workload to the allowedUses of a pool that selects this node".to_owned());
    }
}

/// Whether a pool's selectors pick the placement, and in words why (not).
fn judge(
    pool: &Pool,
    node: Option<&super::cluster::NodeFact>,
    placement: &Placement<'_>,
    namespace_labels: &BTreeMap<String, String>,
) -> Result<String, String> {
    if pool.assignment_mode_or_default() == "Manual" {
        return Err("assignmentMode Manual: only for pods whose annotations name it".to_owned());
    }
    let node_part = match written_selector(&pool.node_selector, "nodeSelector") {
        Err(message) => {
            return Err(format!(
                "nodeSelector does not parse ({message}): Calico fails the allocation"
            ));
        }
        Ok(None) => "nodeSelector all()".to_owned(),
        Ok(Some(selector)) => {
            let text = pool.effective_node_selector();
            match (node, &placement.node) {
                (Some(node), _) => {
                    if !selector.matches(&node.labels) {
                        return Err(format!(
                            "nodeSelector `{text}` does not match node {} ({})",
                            node.name,
                            labels_text(&node.labels)
                        ));
                    }
                    format!("nodeSelector `{text}` matches node {}", node.name)
                }
                (None, Some(name)) => {
                    if selector.selects_nothing() {
                        return Err(format!("nodeSelector `{text}` selects no node"));
                    }
                    format!("nodeSelector `{text}` (node {name} unknown: its labels decide)")
                }
                (None, None) => {
                    if selector.selects_nothing() {
                        return Err(format!("nodeSelector `{text}` selects no node"));
                    }
                    format!("nodeSelector `{text}` (depends on the node)")
                }
            }
        }
    };
    match written_selector(&pool.namespace_selector, "namespaceSelector") {
        Err(message) => Err(format!("namespaceSelector does not parse ({message})")),
        Ok(None) => Ok(node_part),
        Ok(Some(selector)) => {
            let text = pool
                .namespace_selector
                .value()
                .map(|s| s.text.clone())
                .unwrap_or_default();
            if selector.matches(namespace_labels) {
                Ok(format!(
                    "{node_part}; namespaceSelector `{text}` matches namespace {}",
                    placement.namespace
                ))
            } else {
                Err(format!(
                    "namespaceSelector `{text}` does not match namespace {} ({})",
                    placement.namespace,
                    labels_text(namespace_labels)
                ))
            }
        }
    }
}

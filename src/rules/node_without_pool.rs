//! IPP105 node-without-pool, and the node-selection helpers the other pool-set rules share
//! (IPP103, IPP106, IPP107): how Calico reads a pool's nodeSelector, and which pools it picks
//! from automatically (calico-reference §6.1 steps 1–4).

use std::sync::LazyLock;

use super::prelude::*;
use crate::model::cidr::Family;
use crate::model::cluster::NodeFact;
use crate::model::selector::{self, Selector};

declare_rule! {
    /// ## What it does
    /// Checks that every Node in the inputs can get pod addresses of each IP family that Calico
    /// assigns automatically: when a family has at least one enabled pool with
    /// `assignmentMode: Automatic` and `Workload` among its allowedUses, one of those pools must
    /// select the node with its nodeSelector. A family with
    /// no such pool is left alone: its Manual or LoadBalancer pools are used on request only,
    /// and all-disabled families are `no-enabled-pool`'s. A family with a pool whose
    /// nodeSelector does not parse is not judged (`invalid-selector` reports it).
    ///
    /// ## Why is this bad?
    /// Calico assigns a pod an address only from pools that select its node (unless the pod
    /// names pools in an annotation). With none, every pod scheduled there fails to start with
    /// "no configured Calico pools for node <node>", typically after a relabel or a new node
    /// pool that the per-zone or per-rack pools were not updated for.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: zone-a
    /// spec:
    ///   cidr: 10.244.0.0/18
    ///   nodeSelector: topology.kubernetes.io/zone == "a"
    /// ---
    /// apiVersion: v1
    /// kind: Node
    /// metadata:
    ///   name: worker-b1
    ///   labels:
    ///     topology.kubernetes.io/zone: b
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: zone-a
    /// spec:
    ///   cidr: 10.244.0.0/18
    ///   nodeSelector: topology.kubernetes.io/zone == "a"
    /// ---
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: zone-b
    /// spec:
    ///   cidr: 10.244.64.0/18
    ///   nodeSelector: topology.kubernetes.io/zone == "b"
    /// ---
    /// apiVersion: v1
    /// kind: Node
    /// metadata:
    ///   name: worker-b1
    ///   labels:
    ///     topology.kubernetes.io/zone: b
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/ipam/ipam.go` (`determinePools`, `prepareAffinityBlocksForHost`),
    /// `libcalico-go/lib/ipam/pools.go` (`SelectsNode`).
    code: "IPP105",
    name: "node-without-pool",
    severity: Error,
    summary: "a Node in the inputs selected by no enabled Automatic Workload pool of a family that has pools",
    check: check,
}

static ALL: LazyLock<Option<Selector>> = LazyLock::new(|| selector::parse("all()").ok());

/// The nodeSelector as Calico evaluates it: `all()` when omitted or empty; `None` when it does
/// not parse or is not a string (IPP012 and IPP017 report those, and Calico fails allocations
/// on such a pool, so nothing can be said about which nodes it serves).
pub(super) fn node_selector(pool: &Pool) -> Option<&Selector> {
    match &pool.node_selector {
        Field::Absent => ALL.as_ref(),
        Field::Set(written) => written.value.parsed.as_ref().ok(),
        Field::WrongType(_) => None,
    }
}

/// The Node manifests in as few classes as some selectors can tell apart: nodes whose labels
/// agree on every key those selectors read are in one class, so a selector is evaluated once per
/// class rather than once per node. Nodes share few label values that matter (a rack, a zone)
/// while their other labels (a hostname) make every full label set distinct, so 600 pools
/// against 3,500 nodes cost 600 × a handful of evaluations. Exact: a selector reads nothing but
/// the values of the keys it names.
pub(super) struct NodeClasses<'n> {
    keys: Vec<&'n str>,
    classes: Vec<NodeClass<'n>>,
}

struct NodeClass<'n> {
    /// The class's value of each of `keys`, in order.
    values: Vec<Option<&'n str>>,
    nodes: Vec<&'n NodeFact>,
}

/// A class's labels as a selector reads them.
struct ClassLabels<'c, 'n> {
    keys: &'c [&'n str],
    values: &'c [Option<&'n str>],
}

impl selector::Labels for ClassLabels<'_, '_> {
    fn label(&self, key: &str) -> Option<&str> {
        let at = self.keys.iter().position(|k| *k == key)?;
        self.values.get(at).copied().flatten()
    }
}

impl<'n> NodeClasses<'n> {
    pub(super) fn new<'s>(
        nodes: &'n [NodeFact],
        selectors: impl IntoIterator<Item = &'s Selector>,
    ) -> Self {
        let mut keys: Vec<&'n str> = Vec::new();
        let mut wanted = std::collections::HashSet::new();
        for selector in selectors {
            for key in selector.label_keys() {
                if wanted.insert(key.to_owned()) {
                    // The node's own copy of the key, so the classes borrow only the nodes.
                    if let Some((own, _)) = nodes.iter().find_map(|n| n.labels.get_key_value(key)) {
                        keys.push(own.as_str());
                    }
                }
            }
        }
        let mut by_values: std::collections::HashMap<Vec<Option<&'n str>>, usize> =
            std::collections::HashMap::new();
        let mut classes: Vec<NodeClass<'n>> = Vec::new();
        for node in nodes {
            let values: Vec<Option<&'n str>> = keys
                .iter()
                .map(|key| node.labels.get(*key).map(String::as_str))
                .collect();
            let at = *by_values.entry(values.clone()).or_insert_with(|| {
                classes.push(NodeClass {
                    values,
                    nodes: Vec::new(),
                });
                classes.len() - 1
            });
            classes[at].nodes.push(node);
        }
        NodeClasses { keys, classes }
    }

    fn class_matches(&self, class: &NodeClass<'n>, selector: &Selector) -> bool {
        selector.matches(&ClassLabels {
            keys: &self.keys,
            values: &class.values,
        })
    }

    pub(super) fn count_selected(&self, selector: &Selector) -> usize {
        self.classes
            .iter()
            .filter(|class| self.class_matches(class, selector))
            .map(|class| class.nodes.len())
            .sum()
    }

    pub(super) fn any_selected(&self, selector: &Selector) -> bool {
        self.classes
            .iter()
            .any(|class| self.class_matches(class, selector))
    }

    /// Each class's nodes with the indexes of the `selectors` that select them.
    pub(super) fn selected_by<'a>(
        &'a self,
        selectors: &'a [&Selector],
    ) -> impl Iterator<Item = (Vec<usize>, &'a [&'n NodeFact])> + 'a {
        self.classes.iter().map(move |class| {
            let serving = selectors
                .iter()
                .enumerate()
                .filter(|(_, selector)| self.class_matches(class, selector))
                .map(|(index, _)| index)
                .collect();
            (serving, class.nodes.as_slice())
        })
    }
}

/// A pool Calico picks pod addresses from without being asked by an annotation (its auto-assign steps
/// 1–4): enabled, `Automatic`, and allowed for `Workload`.
pub(super) fn serves_pods_automatically(pool: &Pool) -> bool {
    !pool.is_disabled()
        && pool.assignment_mode_or_default() == "Automatic"
        && pool.allows_use("Workload")
}

/// At most this many pools are pointed at: enough to see the pattern of the selectors.
const MAX_RELATED: usize = 3;

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let nodes = &ctx.inventory.nodes;
    if nodes.is_empty() {
        return;
    }
    for family in [Family::V4, Family::V6] {
        let automatic: Vec<&Pool> = ctx
            .pools()
            .filter(|pool| pool.family() == Some(family) && serves_pods_automatically(pool))
            .collect();
        // Calico aborts allocations on a nodeSelector it cannot parse: the family is unknowable.
        let Some(selectors) = automatic
            .iter()
            .map(|pool| node_selector(pool))
            .collect::<Option<Vec<&Selector>>>()
        else {
            continue;
        };
        // No automatic pool of the family at all is not a per-node problem: a family of Manual
        // or LoadBalancer pools is used on request only, and all-disabled is IPP111's.
        if selectors.is_empty() {
            continue;
        }
        let classes = NodeClasses::new(nodes, selectors.iter().copied());
        for (serving, class) in classes.selected_by(&selectors) {
            if serving.is_empty() {
                for node in class {
                    out.push(finding(node, family, &automatic));
                }
            }
        }
    }
}

fn finding(node: &NodeFact, family: Family, automatic: &[&Pool]) -> Finding {
    let mut finding = RULE
        .finding(
            format!(
                "Node {} is selected by no enabled {} pool that serves pods automatically, so its \
                 pods get no {} address",
                node.name,
                family.name(),
                family.name()
            ),
            Location::at(node.loc, Some(format!("Node/{}", node.name))),
        )
        .with_label(format!("no {} pool for this node", family.name()))
        .with_help(
            "add a pool whose nodeSelector matches this node's labels, or widen an existing \
             pool's nodeSelector; Calico fails these pods with \"no configured Calico pools for node\"",
        );
    // Every one of them has a nodeSelector: an omitted one would have selected the node.
    for pool in automatic.iter().take(MAX_RELATED) {
        if let Some(loc) = pool.node_selector.loc() {
            finding = finding.with_related(
                format!(
                    "{} selects only `{}`",
                    pool.display_name(),
                    pool.effective_node_selector()
                ),
                at_pool(pool, loc),
            );
        }
    }
    finding
}

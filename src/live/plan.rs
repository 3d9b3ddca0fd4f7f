//! What a live command will change, decided without I/O: the merge patch to send, the object as
//! it will be, and what the lint rules say about that object among the live ones. The rules run
//! on what is about to be written, before it is written (STYLE.md: the Inventory is the seam).
//!
//! A change is judged by the findings it introduces: the rules run over the cluster as it is
//! and as it would be, and only the findings that touch the changed object and were not there
//! before count. A pool that already overlaps another is not a reason to refuse a change to its
//! natOutgoing; a new overlap is.

use ipnet::IpNet;
use serde_json::{Map, Value, json};

use super::calico::Target;
use super::client::LiveError;
use super::snapshot::{CLUSTER, PROPOSED, Snapshot};
use crate::model::annotations::CniKey;
use crate::model::cidr::{self, Family};
use crate::model::pool::Pool;
use crate::model::version::CalicoVersion;
use crate::report::{Finding, Severity};
use crate::rules::{Context, RULES};
use crate::source::SourceId;

pub const IPV4_POOLS: &str = CniKey::Ipv4Pools.key();
pub const IPV6_POOLS: &str = CniKey::Ipv6Pools.key();
pub const OPERATOR_LABEL: &str = "app.kubernetes.io/managed-by";

/// The live objects the rules read, each normalized (self-describing, no managedFields).
#[derive(Debug, Default, Clone)]
pub struct World {
    pub objects: Vec<Value>,
}

/// What the rules say about a change.
#[derive(Debug, Default)]
pub struct Judgement {
    /// The cluster as it would be; findings point into its sources.
    pub after: Snapshot,
    /// Findings the change introduces, on the changed object.
    pub new: Vec<Finding>,
}

impl Judgement {
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.new.iter().filter(|f| f.severity == Severity::Error)
    }
}

fn run_rules(snapshot: &Snapshot) -> Vec<Finding> {
    let ctx = Context::live(&snapshot.inventory, CalicoVersion::LATEST);
    let mut findings = Vec::new();
    for rule in RULES {
        // Syntax and suppressions are about files; live objects are rendered by us.
        if matches!(rule.code, "IPP000" | "IPP900") {
            continue;
        }
        (rule.check)(&ctx, &mut findings);
    }
    findings
}

fn touches(finding: &Finding, source: SourceId) -> bool {
    std::iter::once(&finding.location)
        .chain(finding.related.iter().map(|r| &r.location))
        .any(|location| location.loc.is_some_and(|loc| loc.source == source))
}

impl World {
    /// The snapshot of the objects, with object `replace` (an index) swapped for `proposed`, or
    /// `proposed` added when `replace` is `None`. Returns the proposed object's source.
    fn snapshot(
        &self,
        replace: Option<usize>,
        proposed: Option<&Value>,
    ) -> (Snapshot, Option<SourceId>) {
        let mut snapshot = Snapshot::default();
        let mut focus = None;
        for (index, object) in self.objects.iter().enumerate() {
            if Some(index) == replace
                && let Some(proposed) = proposed
            {
                focus = Some(snapshot.add(PROPOSED, proposed));
                continue;
            }
            snapshot.add(CLUSTER, object);
        }
        if replace.is_none()
            && let Some(proposed) = proposed
        {
            focus = Some(snapshot.add(PROPOSED, proposed));
        }
        (snapshot, focus)
    }

    /// The cluster as it is, loaded.
    pub fn current(&self) -> Snapshot {
        self.snapshot(None, None).0
    }

    /// Index of the object with this apiVersion-independent kind, namespace and name.
    pub fn find(&self, kind: &str, namespace: Option<&str>, name: &str) -> Option<usize> {
        self.objects.iter().position(|object| {
            object["kind"] == kind
                && object["metadata"]["name"] == name
                && object["metadata"]["namespace"].as_str() == namespace
        })
    }

    /// Judges `proposed` in place of object `replace` (or added). `also_new` names rule codes
    /// whose findings on the object count as new even when the same message was there before
    /// (an overlap that enabling a pool makes live).
    pub fn judge(&self, replace: Option<usize>, proposed: &Value, also_new: &[&str]) -> Judgement {
        let before_findings = run_rules(&self.current());
        let (after, focus) = self.snapshot(replace, Some(proposed));
        let Some(focus) = focus else {
            return Judgement::default();
        };
        let new = run_rules(&after)
            .into_iter()
            .filter(|finding| touches(finding, focus))
            .filter(|finding| {
                also_new.contains(&finding.code)
                    || !before_findings
                        .iter()
                        .any(|b| b.code == finding.code && b.message == finding.message)
            })
            .collect();
        Judgement { after, new }
    }
}

/// The live pools of a snapshot, in name order (Calico's order, calico-reference §6.1).
pub fn pools_by_name(snapshot: &Snapshot) -> Vec<&Pool> {
    let mut pools: Vec<&Pool> = snapshot
        .inventory
        .pools
        .iter()
        .map(Box::as_ref)
        .filter(|pool| pool.name.value().is_some())
        .collect();
    pools.sort_by(|a, b| a.name.value().cmp(&b.name.value()));
    pools
}

// ---------------------------------------------------------------------------------------------
// assign / unassign
// ---------------------------------------------------------------------------------------------

/// One annotation key as it is and as it will be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyChange {
    pub key: &'static str,
    pub before: Option<String>,
    /// `None`: removed.
    pub after: Option<String>,
}

/// What `assign` or `unassign` will do to one object.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Every key already holds what was asked.
    Unchanged(Vec<KeyChange>),
    Write {
        changes: Vec<KeyChange>,
        /// The JSON merge patch, guarded by the object's resourceVersion.
        patch: Value,
        /// The object as the patch leaves it.
        proposed: Value,
    },
}

/// The object's annotations where Calico reads them: its own, or its pod template's.
pub fn annotations_at<'v>(object: &'v Value, template: &[&str]) -> Option<&'v Map<String, Value>> {
    let mut node = object;
    for key in template {
        node = node.get(*key)?;
    }
    node.get("metadata")?.get("annotations")?.as_object()
}

/// `{"metadata": {"annotations": …}}` at the template path.
fn annotations_patch(template: &[&str], annotations: Map<String, Value>) -> Value {
    let mut patch = json!({"metadata": {"annotations": Value::Object(annotations)}});
    for key in template.iter().rev() {
        patch = json!({ *key: patch });
    }
    patch
}

/// The family a pool argument belongs to: its pool's, found by name or by exact CIDR; else the
/// CIDR's own; else IPv4 (an unknown name then meets IPP202 under `ipv4pools`).
fn family_of(argument: &str, pools: &[&Pool]) -> Family {
    if let Some(pool) = pools
        .iter()
        .find(|pool| pool.name.value().is_some_and(|name| name == argument))
        && let Some(family) = pool.family()
    {
        return family;
    }
    match cidr::parse(argument) {
        Ok(net) => Family::of(&net),
        Err(_) => Family::V4,
    }
}

/// Plans `assign`: each pool under the key of its family, as a JSON list like the ones users
/// write (`["extra-ippool"]`). An existing different value needs `overwrite`.
pub fn plan_assign(
    target: &Target,
    object: &Value,
    pools: &[&Pool],
    arguments: &[String],
    overwrite: bool,
) -> Result<Edit, LiveError> {
    let mut v4 = Vec::new();
    let mut v6 = Vec::new();
    for argument in arguments {
        let list = match family_of(argument, pools) {
            Family::V4 => &mut v4,
            Family::V6 => &mut v6,
        };
        if !list.contains(argument) {
            list.push(argument.clone());
        }
    }
    let current = annotations_at(object, target.template);
    let mut changes = Vec::new();
    for (key, list) in [(IPV4_POOLS, v4), (IPV6_POOLS, v6)] {
        if list.is_empty() {
            continue;
        }
        let before = current
            .and_then(|a| a.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let after = serde_json::to_string(&list).unwrap_or_default();
        changes.push(KeyChange {
            key,
            before,
            after: Some(after),
        });
    }
    let differing: Vec<&KeyChange> = changes
        .iter()
        .filter(|c| c.before.is_some() && !same_list(c.before.as_deref(), c.after.as_deref()))
        .collect();
    if !overwrite && !differing.is_empty() {
        let described: Vec<String> = differing
            .iter()
            .map(|c| format!("{}={}", c.key, c.before.as_deref().unwrap_or_default()))
            .collect();
        return Err(LiveError::Refused(format!(
            "{} already has {}; pass --overwrite to replace it",
            target.kubectl_ref(),
            described.join(" and ")
        )));
    }
    Ok(edit(object, target, changes))
}

/// Plans `unassign`: both pool keys removed (merge-patch `null`).
pub fn plan_unassign(target: &Target, object: &Value) -> Edit {
    let current = annotations_at(object, target.template);
    let changes = [IPV4_POOLS, IPV6_POOLS]
        .into_iter()
        .map(|key| KeyChange {
            key,
            before: current
                .and_then(|a| a.get(key))
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)),
            after: None,
        })
        .collect();
    edit(object, target, changes)
}

/// Two annotation values that name the same pools in the same order (whitespace aside).
fn same_list(a: Option<&str>, b: Option<&str>) -> bool {
    let parse = |s: Option<&str>| s.and_then(|s| serde_json::from_str::<Vec<String>>(s).ok());
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}

fn edit(object: &Value, target: &Target, changes: Vec<KeyChange>) -> Edit {
    let effective: Vec<KeyChange> = changes
        .iter()
        .filter(|c| !same_list(c.before.as_deref(), c.after.as_deref()))
        .cloned()
        .collect();
    if effective.is_empty() {
        return Edit::Unchanged(changes);
    }
    let mut annotations = Map::new();
    for change in &effective {
        annotations.insert(
            change.key.to_owned(),
            change.after.clone().map_or(Value::Null, Value::String),
        );
    }
    let mut patch = annotations_patch(target.template, annotations);
    let mut proposed = object.clone();
    super::merge_patch(&mut proposed, &patch);
    guard(&mut patch, object);
    Edit::Write {
        changes: effective,
        patch,
        proposed,
    }
}

/// Adds the object's resourceVersion to a patch: the API server then refuses it (409) when
/// someone else wrote the object since we read it, and we read and judge again.
fn guard(patch: &mut Value, object: &Value) {
    if let Some(version) = object["metadata"]["resourceVersion"].as_str() {
        patch["metadata"]["resourceVersion"] = Value::String(version.to_owned());
    }
}

/// Running pods (of `pods`) with an address of an assigned family that lies in none of the
/// assigned pools: they keep it until they are recreated.
pub fn pods_outside(pods: &[Value], assigned: &[IpNet]) -> (usize, usize) {
    let running: Vec<&Value> = pods
        .iter()
        .filter(|pod| pod["status"]["phase"] == "Running")
        .collect();
    let outside = running
        .iter()
        .filter(|pod| {
            pod_ips(pod).iter().any(|ip| {
                let same_family: Vec<&IpNet> = assigned
                    .iter()
                    .filter(|net| net.addr().is_ipv4() == ip.is_ipv4())
                    .collect();
                !same_family.is_empty() && !same_family.iter().any(|net| net.contains(ip))
            })
        })
        .count();
    (outside, running.len())
}

/// A pod's addresses: `status.podIPs`, else `status.podIP`.
pub fn pod_ips(pod: &Value) -> Vec<std::net::IpAddr> {
    let listed: Vec<std::net::IpAddr> = pod["status"]["podIPs"]
        .as_array()
        .map(|ips| {
            ips.iter()
                .filter_map(|ip| ip["ip"].as_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    if !listed.is_empty() {
        return listed;
    }
    pod["status"]["podIP"]
        .as_str()
        .and_then(|ip| ip.parse().ok())
        .into_iter()
        .collect()
}

// ---------------------------------------------------------------------------------------------
// enable / disable / patch
// ---------------------------------------------------------------------------------------------

/// The fields `patch` may set, as spec keys and their new values (`Null` removes one).
pub type SpecChange = Map<String, Value>;

/// What a pool change will send.
#[derive(Debug, Clone, PartialEq)]
pub enum PoolEdit {
    Unchanged,
    Write { patch: Value, proposed: Value },
}

pub fn plan_pool(pool: &Value, change: &SpecChange) -> PoolEdit {
    let spec = &pool["spec"];
    let differs = change.iter().any(|(key, value)| match value {
        Value::Null => spec.get(key).is_some(),
        value => spec.get(key) != Some(value),
    });
    if !differs {
        return PoolEdit::Unchanged;
    }
    let mut patch = json!({"spec": Value::Object(change.clone())});
    let mut proposed = pool.clone();
    super::merge_patch(&mut proposed, &patch);
    guard(&mut patch, pool);
    PoolEdit::Write { patch, proposed }
}

/// The operator owns pools with its label, and puts back whatever is changed behind its back
/// (projectcalico/calico#9100).
pub fn operator_managed(pool: &Value) -> bool {
    pool["metadata"]["labels"][OPERATOR_LABEL] == "tigera-operator"
}

/// The refusal for a change to an operator-managed pool: which `Installation` field to edit.
pub fn operator_refusal(pool_name: &str, fields: &[&str]) -> String {
    let installation: Vec<String> = fields
        .iter()
        .map(|field| match *field {
            "namespaceSelector" => {
                "(no Installation field: the operator cannot set namespaceSelector)".to_owned()
            }
            "natOutgoing" => "natOutgoing (Enabled/Disabled)".to_owned(),
            field => crate::model::pool::installation_field(field).to_owned(),
        })
        .collect();
    format!(
        "IPPool {pool_name} is managed by the Tigera operator (label {OPERATOR_LABEL}: tigera-operator), which reverts direct changes; edit its entry in the Installation instead: `kubectl edit installation default`, spec.calicoNetwork.ipPools[name={pool_name}].{} (or pass --force to patch the IPPool anyway)",
        installation.join(", ")
    )
}

/// Why `--cidr` and `--block-size` are refused (calico-reference §2.3 U1, U2).
pub fn immutable_refusal(field: &str) -> String {
    match field {
        "cidr" => "spec.cidr of an IPPool can never be changed: Calico refuses it (\"IPPool CIDR cannot be modified\"; \
                   from Calico 3.32 the CRD says \"CIDR cannot be changed; follow IP pool migration guide to avoid corruption.\"). \
                   Move pods to a new pool instead: `kubectl ippool migrate --from POOL --to-cidr CIDR` \
                   (https://docs.tigera.io/calico/latest/networking/ipam/migrate-pools)"
            .to_owned(),
        _ => "spec.blockSize of an IPPool can never be changed: Calico refuses it (\"IPPool BlockSize cannot be modified\"; \
              from Calico 3.32 \"Block size cannot be changed; follow IP pool migration guide to avoid corruption.\"). \
              Re-create the pool through a temporary one instead: `kubectl ippool resize POOL --block-size B --temp-cidr CIDR` \
              (https://docs.tigera.io/calico/latest/networking/ipam/change-block-size)"
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::calico::{NAMESPACES, POOLS_CRD_V1, parse_target};
    use crate::live::snapshot::normalized;

    fn pool(name: &str, cidr: &str, extra: Value) -> Value {
        let mut object = normalized(
            &POOLS_CRD_V1,
            &json!({"metadata": {"name": name, "resourceVersion": "7"}, "spec": {"cidr": cidr}}),
        );
        super::super::merge_patch(&mut object, &json!({ "spec": extra }));
        object
    }

    fn namespace(annotations: Value) -> Value {
        normalized(
            &NAMESPACES,
            &json!({"metadata": {"name": "test-ns", "resourceVersion": "3", "annotations": annotations}}),
        )
    }

    #[test]
    fn assign_puts_each_pool_under_its_familys_key_and_keeps_other_annotations() {
        let world = World {
            objects: vec![
                pool("extra-ippool", "10.245.0.0/16", json!({})),
                pool("extra-ipv6-ippool", "fd00:245::/64", json!({})),
            ],
        };
        let snapshot = world.current();
        let pools = pools_by_name(&snapshot);
        let (target, _) = parse_target("ns", Some("test-ns")).unwrap();
        let object = namespace(json!({"team": "a"}));
        let edit = plan_assign(
            &target,
            &object,
            &pools,
            &["extra-ippool".into(), "extra-ipv6-ippool".into()],
            false,
        )
        .unwrap();
        let Edit::Write {
            patch, proposed, ..
        } = edit
        else {
            panic!("expected a write");
        };
        assert_eq!(
            patch,
            json!({"metadata": {"resourceVersion": "3", "annotations": {
                IPV4_POOLS: "[\"extra-ippool\"]",
                IPV6_POOLS: "[\"extra-ipv6-ippool\"]",
            }}})
        );
        assert_eq!(proposed["metadata"]["annotations"]["team"], "a");
    }

    #[test]
    fn assign_of_the_same_value_is_unchanged_and_a_different_one_needs_overwrite() {
        let (target, _) = parse_target("ns", Some("test-ns")).unwrap();
        let object = namespace(json!({IPV4_POOLS: "[ \"a\" ]"}));
        let same = plan_assign(&target, &object, &[], &["a".into()], false).unwrap();
        assert!(matches!(same, Edit::Unchanged(_)));
        let error = plan_assign(&target, &object, &[], &["b".into()], false).unwrap_err();
        assert!(error.to_string().contains("--overwrite"), "{error}");
        assert!(matches!(
            plan_assign(&target, &object, &[], &["b".into()], true).unwrap(),
            Edit::Write { .. }
        ));
    }

    #[test]
    fn workload_assignments_patch_the_pod_template() {
        let (target, _) = parse_target("cronjob", Some("nightly")).unwrap();
        let object = json!({"metadata": {"name": "nightly", "resourceVersion": "9"}});
        let Edit::Write { patch, .. } =
            plan_assign(&target, &object, &[], &["a".into()], false).unwrap()
        else {
            panic!("expected a write");
        };
        assert_eq!(
            patch["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["annotations"][IPV4_POOLS],
            "[\"a\"]"
        );
        assert_eq!(patch["metadata"]["resourceVersion"], "9");
    }

    #[test]
    fn unassign_removes_both_keys_with_null() {
        let (target, _) = parse_target("ns", Some("test-ns")).unwrap();
        let object = namespace(json!({IPV4_POOLS: "[\"a\"]", "keep": "me"}));
        let Edit::Write {
            patch, proposed, ..
        } = plan_unassign(&target, &object)
        else {
            panic!("expected a write");
        };
        assert_eq!(patch["metadata"]["annotations"][IPV4_POOLS], Value::Null);
        assert!(patch["metadata"]["annotations"].get(IPV6_POOLS).is_none());
        assert_eq!(proposed["metadata"]["annotations"], json!({"keep": "me"}));
        let bare = namespace(json!({"keep": "me"}));
        assert!(matches!(plan_unassign(&target, &bare), Edit::Unchanged(_)));
    }

    #[test]
    fn a_change_is_judged_by_the_findings_it_introduces() {
        // Two pools that already overlap: a natOutgoing change is not refused for it.
        let world = World {
            objects: vec![
                pool("a", "10.0.0.0/16", json!({})),
                pool("b", "10.0.0.0/24", json!({"disabled": true})),
            ],
        };
        let change: SpecChange = [("natOutgoing".to_owned(), json!(true))]
            .into_iter()
            .collect();
        let PoolEdit::Write { proposed, .. } = plan_pool(&world.objects[0], &change) else {
            panic!("expected a write");
        };
        assert_eq!(world.judge(Some(0), &proposed, &[]).errors().count(), 0);
        // A bad selector is.
        let change: SpecChange = [("nodeSelector".to_owned(), json!("zone == "))]
            .into_iter()
            .collect();
        let PoolEdit::Write { proposed, .. } = plan_pool(&world.objects[0], &change) else {
            panic!("expected a write");
        };
        let judgement = world.judge(Some(0), &proposed, &[]);
        let codes: Vec<&str> = judgement.errors().map(|f| f.code).collect();
        assert_eq!(codes, ["IPP012"]);
        // Enabling the overlapping disabled pool makes the overlap count as new.
        let change: SpecChange = [("disabled".to_owned(), json!(false))]
            .into_iter()
            .collect();
        let PoolEdit::Write { proposed, .. } = plan_pool(&world.objects[1], &change) else {
            panic!("expected a write");
        };
        let codes: Vec<&str> = world
            .judge(Some(1), &proposed, &["IPP101"])
            .errors()
            .map(|f| f.code)
            .collect();
        assert!(codes.contains(&"IPP101"), "{codes:?}");
    }

    #[test]
    fn a_pool_patch_touches_only_the_changed_fields() {
        let object = pool("a", "10.0.0.0/16", json!({"natOutgoing": true}));
        let same: SpecChange = [("natOutgoing".to_owned(), json!(true))]
            .into_iter()
            .collect();
        assert_eq!(plan_pool(&object, &same), PoolEdit::Unchanged);
        let change: SpecChange = [("ipipMode".to_owned(), json!("Always"))]
            .into_iter()
            .collect();
        let PoolEdit::Write { patch, .. } = plan_pool(&object, &change) else {
            panic!("expected a write");
        };
        assert_eq!(
            patch,
            json!({"spec": {"ipipMode": "Always"}, "metadata": {"resourceVersion": "7"}})
        );
    }

    #[test]
    fn running_pods_outside_the_assigned_pools_are_counted_per_family() {
        let pods = vec![
            json!({"status": {"phase": "Running", "podIPs": [{"ip": "192.168.1.5"}, {"ip": "fd00::5"}]}}),
            json!({"status": {"phase": "Running", "podIP": "10.245.0.9"}}),
            json!({"status": {"phase": "Pending"}}),
        ];
        let assigned: Vec<IpNet> = vec!["10.245.0.0/16".parse().unwrap()];
        assert_eq!(pods_outside(&pods, &assigned), (1, 2));
    }
}

//! Reads pools declared outside IPPool resources: operator `Installation` ipPools, calico-node
//! `CALICO_IPV*POOL_*` env in DaemonSets, kubespray group_vars (calico-reference §7). Records
//! each source's raw facts (for IPP301/IPP302) and the pools they declare (for every pool rule);
//! what the values mean is `model::sources`' business, not this module's.
//!
//! Two sources depend on other files: calico-node takes an unset IPv4 CIDR from a kubeadm
//! podSubnet, and kubespray's vars are spread over several group_vars files. Each file is loaded
//! on its own, so both are settled per file here and again over the whole run by [`resolve`].

use super::extract::{Reader, describe};
use super::yaml::{NodeRef, ScalarType};
use crate::model::cidr::{self, Family};
use crate::model::cluster::CidrFact;
use crate::model::inventory::Inventory;
use crate::model::pool::{Field, PoolSource, Spanned, SpecKey};
use crate::model::sources::{
    self, CALICO_NODE_DEFAULT_IPV4_CIDR, CalicoNodeEnv, EnvValue, EnvVar, Installation,
    InstallationPool, KUBESPRAY_KEYS, KubesprayVars, Var, VarValue,
};

/// How `cluster_facts` names a kubeadm podSubnet: calico-node's fallback for an unset IPv4 CIDR.
const KUBEADM_POD_SUBNET: &str = "kubeadm ClusterConfiguration networking.podSubnet";

/// Kubernetes objects: Installation, DaemonSets with a calico-node container.
pub fn read_object(reader: &Reader<'_>, object: NodeRef<'_>, inventory: &mut Inventory) {
    let Some((group, kind)) = super::extract::group_and_kind(object) else {
        return;
    };
    match (group, kind) {
        ("operator.tigera.io", "Installation") => read_installation(reader, object, inventory),
        ("apps" | "extensions", "DaemonSet") if read_daemonset(reader, object, inventory) => {
            resolve_calico_node_defaults(inventory);
        }
        ("kubeadm.k8s.io", "ClusterConfiguration") if !inventory.sources.calico_node.is_empty() => {
            resolve_calico_node_defaults(inventory);
        }
        _ => {}
    }
}

/// A document that is a plain map, not an object: kubespray group_vars, recognised by their keys.
pub fn read_vars(reader: &Reader<'_>, root: NodeRef<'_>, inventory: &mut Inventory) {
    let is_kubespray = root.entries().any(|(key, _)| {
        key.as_str()
            .is_some_and(|key| key.starts_with("calico_") || KUBESPRAY_KEYS.contains(&key))
    });
    if !is_kubespray {
        return;
    }
    let mut file = KubesprayVars::default();
    for (key, value) in root.entries() {
        let Some(name) = key.as_str() else { continue };
        let value_of = match value.scalar_type() {
            ScalarType::Str => VarValue::Str(value.as_str().unwrap_or_default().to_owned()),
            ScalarType::Int(number) => VarValue::Int(number),
            ScalarType::Bool(truth) => VarValue::Bool(truth),
            // Unset: Ansible's default applies.
            ScalarType::Null => continue,
            _ => VarValue::Other,
        };
        file.vars.push(Var {
            name: name.to_owned(),
            key: reader.loc(key.span()),
            value: value_of,
            loc: reader.loc(value.span()),
        });
    }
    for (var, what, into_cluster) in [
        ("kube_pods_subnet", "kubespray kube_pods_subnet", true),
        (
            "kube_pods_subnet_ipv6",
            "kubespray kube_pods_subnet_ipv6",
            true,
        ),
        (
            "kube_service_addresses",
            "kubespray kube_service_addresses",
            false,
        ),
        (
            "kube_service_addresses_ipv6",
            "kubespray kube_service_addresses_ipv6",
            false,
        ),
    ] {
        // Only what this file writes: kubespray's defaults may be overridden in another file.
        let Some((text, Some(loc))) = sources::kubespray_var(std::slice::from_ref(&file), var)
        else {
            continue;
        };
        let Ok(net) = cidr::parse(&text) else {
            continue;
        };
        let fact = CidrFact {
            net: net.trunc(),
            loc: Some(loc),
            what: what.to_owned(),
        };
        if into_cluster {
            inventory.cluster_cidrs.push(fact);
        } else {
            inventory.service_cidrs.push(fact);
        }
    }
    inventory.sources.kubespray.push(file);
    resolve_kubespray(inventory);
}

/// Settles what depends on other files once every file is loaded: calico-node's IPv4 CIDR from
/// a kubeadm podSubnet anywhere in the inputs, kubespray pools from all group_vars files
/// together. Idempotent; cheap when there is nothing to settle.
pub fn resolve(inventory: &mut Inventory) {
    if !inventory.sources.calico_node.is_empty() {
        resolve_calico_node_defaults(inventory);
    }
    if !inventory.sources.kubespray.is_empty() {
        resolve_kubespray(inventory);
    }
}

fn resolve_calico_node_defaults(inventory: &mut Inventory) {
    // calico-node takes the first IPv4 entry of kubeadm's podSubnet.
    let default = inventory
        .cluster_cidrs
        .iter()
        .find(|fact| fact.what == KUBEADM_POD_SUBNET && Family::of(&fact.net) == Family::V4)
        .map_or_else(
            || CALICO_NODE_DEFAULT_IPV4_CIDR.to_owned(),
            |fact| fact.net.to_string(),
        );
    for pool in &mut inventory.pools {
        if sources::has_default_cidr(pool) {
            pool.rewrite_cidr(&default);
        }
    }
}

fn resolve_kubespray(inventory: &mut Inventory) {
    inventory
        .pools
        .retain(|pool| pool.source != PoolSource::Kubespray);
    let pools = sources::kubespray_pools(&inventory.sources.kubespray);
    inventory.pools.extend(pools.into_iter().map(Box::new));
}

fn read_installation(reader: &Reader<'_>, object: NodeRef<'_>, inventory: &mut Inventory) {
    let name = object
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(|n| n.as_str())
        .unwrap_or("default");
    let kind = object.get("kind").map_or(object.span(), |k| k.span());
    let spec = object.get("spec");
    let network = spec.and_then(|s| s.get("calicoNetwork"));
    let cni = spec.and_then(|s| s.get("cni"));
    let text = |node: Option<NodeRef<'_>>| {
        let node = node?;
        (node.scalar_type() == ScalarType::Str).then(|| Spanned {
            value: node.as_str().unwrap_or_default().to_owned(),
            loc: reader.loc(node.span()),
        })
    };
    let mut installation = Installation {
        object: format!("Installation/{name}"),
        kind: reader.loc(kind),
        ip_pools: None,
        pools: Vec::new(),
        provider: text(spec.and_then(|s| s.get("kubernetesProvider"))),
        cni_type: text(cni.and_then(|c| c.get("type"))),
        ipam_type: text(cni.and_then(|c| c.get("ipam")).and_then(|i| i.get("type"))),
        bgp: text(network.and_then(|n| n.get("bgp"))),
        cluster_routing_mode: text(network.and_then(|n| n.get("clusterRoutingMode"))),
    };
    if let Some((key, pools)) = network.and_then(|n| n.get_entry("ipPools")) {
        installation.ip_pools = Some(reader.loc(key.span()));
        for entry in pools.items().filter(|item| item.is_map()) {
            installation
                .pools
                .push(read_installation_pool(reader, entry));
        }
    }
    inventory
        .pools
        .extend(installation.to_pools().into_iter().map(Box::new));
    inventory.sources.installations.push(installation);
}

fn read_installation_pool(reader: &Reader<'_>, entry: NodeRef<'_>) -> InstallationPool {
    let anchor = entry
        .entries()
        .next()
        .map_or(entry.span(), |(key, _)| key.span());
    let mut pool = InstallationPool::new(reader.loc(anchor));
    for (key, value) in entry.entries() {
        let Some(name) = key.as_str() else { continue };
        pool.keys.push(SpecKey {
            name: name.to_owned(),
            loc: reader.loc(key.span()),
        });
        match name {
            "name" => pool.name = reader.string(value),
            "cidr" => pool.cidr = reader.string(value),
            "encapsulation" => pool.encapsulation = reader.string(value),
            "natOutgoing" => pool.nat_outgoing = reader.string(value),
            "nodeSelector" => pool.node_selector = reader.selector(value),
            "blockSize" => pool.block_size = reader.integer(value),
            "disableBGPExport" => pool.disable_bgp_export = reader.boolean(value),
            "disableNewAllocations" => {
                pool.disable_new_allocations = reader.boolean(value);
            }
            "allowedUses" => pool.allowed_uses = reader.string_list(value),
            "assignmentMode" => pool.assignment_mode = reader.string(value),
            _ => {}
        }
    }
    pool
}

/// Records every container of the DaemonSet whose env configures calico-node's default pools,
/// and the pools. True when one was found.
fn read_daemonset(reader: &Reader<'_>, object: NodeRef<'_>, inventory: &mut Inventory) -> bool {
    let metadata = object.get("metadata");
    let name = metadata
        .and_then(|m| m.get("name"))
        .and_then(|n| n.as_str())
        .unwrap_or_default();
    let object_name = match metadata
        .and_then(|m| m.get("namespace"))
        .and_then(|n| n.as_str())
    {
        Some(namespace) => format!("DaemonSet/{namespace}/{name}"),
        None => format!("DaemonSet/{name}"),
    };
    let containers = object
        .get("spec")
        .and_then(|s| s.get("template"))
        .and_then(|t| t.get("spec"))
        .and_then(|s| s.get("containers"));
    let mut found = false;
    for container in containers.iter().flat_map(|c| c.items()) {
        let Some(env) = container.get("env") else {
            continue;
        };
        let vars: Vec<EnvVar> = env
            .items()
            .filter_map(|entry| read_env_var(reader, entry))
            .collect();
        if !vars.iter().any(|var| sources::is_pool_env(&var.name)) {
            continue;
        }
        let container_name = container.get("name");
        let env = CalicoNodeEnv {
            object: object_name.clone(),
            container: Spanned {
                value: container_name
                    .and_then(|n| n.as_str())
                    .unwrap_or_default()
                    .to_owned(),
                loc: reader.loc(container_name.map_or(container.span(), |n| n.span())),
            },
            vars,
        };
        inventory.pools.extend(
            env.to_pools(CALICO_NODE_DEFAULT_IPV4_CIDR)
                .into_iter()
                .map(Box::new),
        );
        inventory.sources.calico_node.push(env);
        found = true;
    }
    found
}

fn read_env_var(reader: &Reader<'_>, entry: NodeRef<'_>) -> Option<EnvVar> {
    let name_node = entry.get("name")?;
    let name = name_node.as_str()?.to_owned();
    let name_loc = reader.loc(name_node.span());
    let value = if entry.get("valueFrom").is_some_and(|v| !v.is_null()) {
        EnvValue::Unknown
    } else {
        match entry.get("value") {
            // No value: the container gets the variable, empty.
            None => EnvValue::Text {
                text: String::new(),
                loc: name_loc,
                selector: None,
            },
            Some(value) => match value.scalar_type() {
                ScalarType::Str | ScalarType::Null => {
                    let text = value.as_str().unwrap_or_default();
                    let empty = value.is_null() && value.tag().is_none();
                    let selector = name
                        .ends_with("_NODE_SELECTOR")
                        .then(|| reader.selector(value))
                        .and_then(|field| match field {
                            Field::Set(spanned) => Some(spanned.value),
                            _ => None,
                        });
                    EnvValue::Text {
                        text: if empty {
                            String::new()
                        } else {
                            text.to_owned()
                        },
                        loc: if empty {
                            name_loc
                        } else {
                            reader.loc(value.span())
                        },
                        selector,
                    }
                }
                _ => EnvValue::NotString {
                    text: value.as_str().unwrap_or_default().to_owned(),
                    found: describe(value),
                    loc: reader.loc(value.span()),
                },
            },
        }
    };
    Some(EnvVar {
        name,
        name_loc,
        value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::load_file;
    use crate::source::SourceFile;

    fn load(files: &[&str]) -> Inventory {
        let mut inventory = Inventory::default();
        for (id, text) in files.iter().enumerate() {
            let file = SourceFile::new(format!("file{id}.yaml"), *text);
            let source = u32::try_from(id).unwrap_or_default();
            inventory.merge(load_file(&file, source).inventory);
        }
        inventory
    }

    fn cidrs(inventory: &Inventory) -> Vec<(String, String, u32)> {
        let mut cidrs: Vec<_> = inventory
            .pools
            .iter()
            .filter_map(|pool| {
                let cidr = pool.cidr.spanned()?;
                Some((
                    pool.name.value()?.clone(),
                    cidr.value.clone(),
                    cidr.loc.source,
                ))
            })
            .collect();
        cidrs.sort();
        cidrs
    }

    const CLUSTER_VARS: &str = "kube_pods_subnet: 10.200.0.0/16\nkube_network_plugin: calico\n";
    const CALICO_VARS: &str = "calico_pool_blocksize: 24\ncalico_vxlan_mode: Never\n";

    #[test]
    fn kubespray_vars_of_several_files_make_one_pool_once_resolved() {
        let mut inventory = load(&[CLUSTER_VARS, CALICO_VARS]);
        // Each file alone knows only kubespray's default pod subnet.
        assert_eq!(
            cidrs(&inventory),
            [("default-pool".to_owned(), "10.233.64.0/18".to_owned(), 1)]
        );
        resolve(&mut inventory);
        assert_eq!(
            cidrs(&inventory),
            [("default-pool".to_owned(), "10.200.0.0/16".to_owned(), 0)]
        );
        // Idempotent.
        resolve(&mut inventory);
        assert_eq!(inventory.pools.len(), 1);
    }

    const CALICO_NODE: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: calico-node
  namespace: kube-system
spec:
  template:
    spec:
      containers:
        - name: calico-node
          env:
            - name: CALICO_IPV4POOL_IPIP
              value: Always
";
    const KUBEADM: &str = "apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
networking:
  podSubnet: fd00:10:244::/56,10.244.0.0/16
";

    #[test]
    fn calico_node_takes_an_unset_cidr_from_kubeadm() {
        let mut inventory = load(&[CALICO_NODE, KUBEADM]);
        assert_eq!(cidrs(&inventory)[0].1, "192.168.0.0/16");
        resolve(&mut inventory);
        // The first IPv4 entry, still pointing at the container.
        assert_eq!(
            cidrs(&inventory),
            [(
                "default-ipv4-ippool".to_owned(),
                "10.244.0.0/16".to_owned(),
                0
            )]
        );
        // Within one file, in either order, no resolve is needed.
        for text in [
            format!("{CALICO_NODE}---\n{KUBEADM}"),
            format!("{KUBEADM}---\n{CALICO_NODE}"),
        ] {
            let inventory = load(&[&text]);
            assert_eq!(cidrs(&inventory)[0].1, "10.244.0.0/16");
        }
    }

    #[test]
    fn plain_maps_that_are_not_kubespray_vars_declare_nothing() {
        let inventory =
            load(&["replicaCount: 2\nimage:\n  tag: v3.30.0\ninstallation:\n  enabled: true\n"]);
        assert!(inventory.pools.is_empty() && inventory.sources.kubespray.is_empty());
    }
}

//! IPP506 leaked-allocation.

use super::live_state::{LiveState, plural};
use super::prelude::*;
use crate::model::ipam::WINDOWS_RESERVED_HANDLE;

declare_rule! {
    /// ## What it does
    /// With `lint --cluster`, reports IPAM allocations whose owner is gone: addresses allocated
    /// to a pod that no longer exists (or that now has other addresses), and tunnel addresses
    /// of nodes that no longer exist. What `calicoctl ipam check` reports as leaked. Addresses
    /// in their release cooldown, and Windows' reserved addresses, are not.
    ///
    /// ## Why is this bad?
    /// A leaked address is never handed out again until it is released: leaks shrink the pool,
    /// and a block full of them makes its node claim a new one, towards maxBlocksPerHost.
    /// kube-controllers garbage-collects leaks after a grace period; a leak that stays means it
    /// cannot (it is not running, or the handle is odd).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: v1
    ///   kind: Pod
    ///   metadata:
    ///     name: web-1
    ///     namespace: shop
    ///   status:
    ///     phase: Running
    ///     podIPs:
    ///     - ip: 10.244.0.1
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: IPAMBlock
    ///   metadata:
    ///     name: 10-244-0-0-30
    ///   spec:
    ///     cidr: 10.244.0.0/30
    ///     allocations: [0, 1, null, null]
    ///     unallocated: [2, 3]
    ///     attributes:
    ///     - handle_id: k8s-pod-network.aaa
    ///       secondary: {namespace: shop, pod: web-0, node: worker-1}
    ///     - handle_id: k8s-pod-network.bbb
    ///       secondary: {namespace: shop, pod: web-1, node: worker-1}
    /// ```
    ///
    /// Use instead (web-0's address released):
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: v1
    ///   kind: Pod
    ///   metadata:
    ///     name: web-1
    ///     namespace: shop
    ///   status:
    ///     phase: Running
    ///     podIPs:
    ///     - ip: 10.244.0.1
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: IPAMBlock
    ///   metadata:
    ///     name: 10-244-0-0-30
    ///   spec:
    ///     cidr: 10.244.0.0/30
    ///     allocations: [null, 0, null, null]
    ///     unallocated: [0, 2, 3]
    ///     attributes:
    ///     - handle_id: k8s-pod-network.bbb
    ///       secondary: {namespace: shop, pod: web-1, node: worker-1}
    /// ```
    ///
    /// ## Calico source
    /// `calicoctl/calicoctl/commands/ipam/check.go` (leaked addresses);
    /// `kube-controllers/pkg/controllers/node/ipam.go` (leak garbage collection).
    code: "IPP506",
    name: "leaked-allocation",
    severity: Warning,
    summary: "an IPAM allocation whose pod (or tunnel node) no longer exists",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(state) = LiveState::of(ctx) else {
        return;
    };
    let help = "check with `calicoctl ipam check --show-problem-ips`, then release with `calicoctl ipam release --from-report`";
    for block in &state.blocks {
        for allocation in &block.allocations {
            if allocation.released
                || allocation.ordinals.is_empty()
                || allocation.handle.as_deref() == Some(WINDOWS_RESERVED_HANDLE)
            {
                continue;
            }
            let addresses: Vec<std::net::IpAddr> = allocation
                .ordinals
                .iter()
                .filter_map(|&ordinal| block.address(ordinal))
                .collect();
            let listed: Vec<String> = addresses.iter().map(ToString::to_string).collect();
            let count = plural(addresses.len() as u128, "address", "addresses");
            let message = match (&allocation.namespace, &allocation.pod) {
                (Some(namespace), Some(pod)) => {
                    // A state without pods says nothing about which exist.
                    if state.pods.is_empty() {
                        continue;
                    }
                    match state.pods_by_name.get(&(namespace.as_str(), pod.as_str())) {
                        None => format!(
                            "{} holds {count} ({}) for Pod {namespace}/{pod}, which no longer exists: leaked",
                            block.object,
                            listed.join(", ")
                        ),
                        Some(found)
                            if !found.addresses.is_empty()
                                && !found
                                    .addresses
                                    .iter()
                                    .any(|a| addresses.contains(&a.value)) =>
                        {
                            let now: Vec<String> = found
                                .addresses
                                .iter()
                                .map(|a| a.value.to_string())
                                .collect();
                            format!(
                                "{} holds {count} ({}) for Pod {namespace}/{pod}, which now has {}: leaked by an earlier pod of that name",
                                block.object,
                                listed.join(", "),
                                now.join(", ")
                            )
                        }
                        Some(_) => continue,
                    }
                }
                _ if allocation.is_tunnel() => {
                    let Some(node) = &allocation.node else {
                        continue;
                    };
                    if state.nodes.is_empty() || state.nodes.contains(node.as_str()) {
                        continue;
                    }
                    format!(
                        "{} holds the {} {} of node {node}, which no longer exists: leaked",
                        block.object,
                        allocation.kind.as_deref().unwrap_or("tunnel address"),
                        listed.join(", ")
                    )
                }
                _ => continue,
            };
            out.push(
                RULE.finding(
                    message,
                    Location::at(allocation.loc, Some(block.object.clone())),
                )
                .with_label("owner gone")
                .with_help(help),
            );
        }
    }
}

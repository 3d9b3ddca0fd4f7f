//! IPP507 unrecorded-pod-address.

use super::live_state::{LiveState, uses_pod_network};
use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `lint --cluster`, reports a running pod whose address lies in an enabled pool but
    /// that IPAM has not allocated: no IPAM block holds it, or its block marks it free. Pods on
    /// the host's network and pods with `cni.projectcalico.org/ipAddrsNoIpam` (which bypass
    /// IPAM by design) are not judged; nor is a cluster without IPAM blocks (another IPAM).
    ///
    /// ## Why is this bad?
    /// Calico may hand the same address to the next pod: two pods with one address, and
    /// traffic for one reaching the other. `calicoctl ipam check` counts these as problems.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: IPPool
    ///   metadata:
    ///     name: default-ipv4-ippool
    ///   spec:
    ///     cidr: 10.244.0.0/16
    /// - apiVersion: v1
    ///   kind: Pod
    ///   metadata:
    ///     name: web-1
    ///     namespace: shop
    ///   status:
    ///     phase: Running
    ///     podIPs:
    ///     - ip: 10.244.0.2
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: IPAMBlock
    ///   metadata:
    ///     name: 10-244-0-0-30
    ///   spec:
    ///     cidr: 10.244.0.0/30
    ///     allocations: [null, null, null, null]
    ///     unallocated: [0, 1, 2, 3]
    ///     attributes: []
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: IPPool
    ///   metadata:
    ///     name: default-ipv4-ippool
    ///   spec:
    ///     cidr: 10.244.0.0/16
    /// - apiVersion: v1
    ///   kind: Pod
    ///   metadata:
    ///     name: web-1
    ///     namespace: shop
    ///   status:
    ///     phase: Running
    ///     podIPs:
    ///     - ip: 10.244.0.2
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: IPAMBlock
    ///   metadata:
    ///     name: 10-244-0-0-30
    ///   spec:
    ///     cidr: 10.244.0.0/30
    ///     allocations: [null, null, 0, null]
    ///     unallocated: [0, 1, 3]
    ///     attributes:
    ///     - handle_id: k8s-pod-network.bbb
    ///       secondary: {namespace: shop, pod: web-1, node: worker-1}
    /// ```
    ///
    /// ## Calico source
    /// `calicoctl/calicoctl/commands/ipam/check.go` ("in use but not allocated in IPAM").
    code: "IPP507",
    name: "unrecorded-pod-address",
    severity: Warning,
    summary: "a running pod uses an address in a pool that IPAM has not allocated",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(state) = LiveState::of(ctx) else {
        return;
    };
    if state.blocks.is_empty() {
        return;
    }
    let index = crate::model::ipam::BlockIndex::new(&ctx.inventory.ipam.blocks);
    for pod in state
        .pods
        .iter()
        .filter(|pod| uses_pod_network(pod) && !pod.no_ipam)
    {
        for address in &pod.addresses {
            let Some(pool) = state.pool_holding(address.value) else {
                continue;
            };
            if pool.is_disabled() {
                continue;
            }
            let reason = match index.holding(address.value) {
                None => "no IPAM block holds it".to_owned(),
                Some(block) => {
                    let allocated = block
                        .ordinal(address.value)
                        .and_then(|o| block.allocated.get(o as usize))
                        .copied()
                        .unwrap_or(false);
                    if allocated {
                        continue;
                    }
                    format!("{} marks it free", block.object)
                }
            };
            out.push(
                RULE.finding(
                    format!(
                        "Pod {}/{} uses {} in {}, but IPAM has not allocated it ({reason}): Calico may give it to another pod",
                        pod.namespace,
                        pod.name,
                        address.value,
                        pool.display_name()
                    ),
                    Location::at(address.loc, Some(pod.object.clone())),
                )
                .with_label("not allocated in IPAM")
                .with_help(
                    "recreate the pod so that IPAM allocates its address; `calicoctl ipam check` lists every such address",
                ),
            );
        }
    }
}

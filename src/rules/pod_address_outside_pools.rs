//! IPP501 pod-address-outside-pools.

use super::live_state::{LiveState, uses_pod_network};
use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `lint --cluster`, reports a running pod whose address lies in no live pool, or in
    /// a disabled one. Pods on the host's network are not judged (their address is the node's).
    ///
    /// ## Why is this bad?
    /// Pod addresses are never moved: a pod keeps the address it started with until it is
    /// recreated. An address in a disabled pool means a migration off that pool was left
    /// unfinished: deleting the pool now orphans the address, and with it the pod's routes. An
    /// address in no pool at all is one Calico no longer manages (its pool was deleted, or the
    /// pod's address came from another IPAM).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: IPPool
    ///   metadata:
    ///     name: old-pool
    ///   spec:
    ///     cidr: 10.1.0.0/16
    ///     disabled: true
    /// - apiVersion: v1
    ///   kind: Pod
    ///   metadata:
    ///     name: web-0
    ///     namespace: shop
    ///   spec:
    ///     nodeName: worker-1
    ///   status:
    ///     phase: Running
    ///     podIPs:
    ///     - ip: 10.1.0.5
    /// ```
    ///
    /// Use instead (after the pod was recreated):
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: crd.projectcalico.org/v1
    ///   kind: IPPool
    ///   metadata:
    ///     name: new-pool
    ///   spec:
    ///     cidr: 10.2.0.0/16
    /// - apiVersion: v1
    ///   kind: Pod
    ///   metadata:
    ///     name: web-0
    ///     namespace: shop
    ///   spec:
    ///     nodeName: worker-1
    ///   status:
    ///     phase: Running
    ///     podIPs:
    ///     - ip: 10.2.0.5
    /// ```
    ///
    /// ## Calico source
    /// docs `calico/networking/ipam/migrate-pools.mdx` (pods keep their addresses until they
    /// are recreated); `calicoctl/calicoctl/commands/ipam/check.go` ("not in any active IP pool").
    code: "IPP501",
    name: "pod-address-outside-pools",
    severity: Warning,
    summary: "a running pod's address is in no live pool, or in a disabled one (an unfinished migration)",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(state) = LiveState::of(ctx) else {
        return;
    };
    if state.pools.is_empty() {
        return;
    }
    for pod in state.pods.iter().filter(|pod| uses_pod_network(pod)) {
        for address in &pod.addresses {
            let location = Location::at(address.loc, Some(pod.object.clone()));
            match state.pool_holding(address.value) {
                None => out.push(
                    RULE.finding(
                        format!(
                            "Pod {}/{} has address {}, which is in no IPPool of the cluster",
                            pod.namespace, pod.name, address.value
                        ),
                        location,
                    )
                    .with_label("in no pool")
                    .with_help(
                        "recreate the pod so that it gets an address from a pool; if its pool was deleted, its blocks are left over (see orphaned-block)",
                    ),
                ),
                Some(pool) if pool.is_disabled() => {
                    let mut finding = RULE
                        .finding(
                            format!(
                                "Pod {}/{} still has address {} from the disabled {}: a migration off it is unfinished",
                                pod.namespace,
                                pod.name,
                                address.value,
                                pool.display_name()
                            ),
                            location,
                        )
                        .with_label("in a disabled pool")
                        .with_help(
                            "recreate the pod (a rollout restart of its workload) so that it gets an address from an enabled pool, before the disabled pool is deleted",
                        );
                    if let Some(loc) = pool.disabled.loc() {
                        finding = finding.with_related("disabled here", at_pool(pool, loc));
                    }
                    out.push(finding);
                }
                Some(_) => {}
            }
        }
    }
}

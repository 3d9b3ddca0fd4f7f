//! IPP002 cidr-host-bits-set.

use super::prelude::*;
use crate::model::cidr;

declare_rule! {
    /// ## What it does
    /// Checks that `spec.cidr` is strictly masked: no bits are set after the prefix length.
    ///
    /// ## Why is this bad?
    /// `calicoctl`, the Calico API server and (from master) the CRD reject the pool with "IPPool
    /// CIDR is not strictly masked". Only calico-node's `CALICO_IPV4POOL_CIDR` and recent operators
    /// mask the value silently, so the same text behaves differently depending on how it is
    /// applied.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: 10.244.1.0/16
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: 10.244.0.0/16
    /// ```
    ///
    /// ## Fix
    /// `--fix --unsafe-fixes` writes the masked network (`10.244.1.0/16` → `10.244.0.0/16`).
    /// It is unsafe because the host bits may be the part that was meant: `10.244.1.0/24` is a
    /// different pool.
    ///
    /// ## Calico source
    /// `libcalico-go/lib/clientv3/ippool.go` ("IPPool CIDR is not strictly masked"),
    /// `libcalico-go/lib/validator/v3/validator.go`.
    code: "IPP002",
    name: "cidr-host-bits-set",
    severity: Error,
    summary: "not strictly masked; help shows the masked CIDR",
    fix: UNSAFE,
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for pool in ctx.pools() {
        let (Some(net), Some(written)) = (pool.cidr_net(), pool.cidr.spanned()) else {
            continue;
        };
        if cidr::is_masked(&net) {
            continue;
        }
        let masked = net.trunc();
        out.push(
            RULE.finding(
                format!(
                    "{} has host bits set in cidr {}; its network is {masked}",
                    pool.display_name(),
                    written.value
                ),
                at_pool(pool, written.loc),
            )
            .with_label("not strictly masked")
            .with_help(format!("use `{}: {masked}`", pool.field_name("cidr")))
            .with_fix(Fix::scalar(
                Applicability::Unsafe,
                format!("write {masked}"),
                written.loc,
                masked.to_string(),
            )),
        );
    }
}

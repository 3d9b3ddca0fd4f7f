//! IPP007 ipip-on-ipv6.

use super::prelude::*;
use crate::model::cidr::Family;

declare_rule! {
    /// ## What it does
    /// Checks that an IPv6 pool does not enable IPIP: `ipipMode` must be `Never` or omitted.
    ///
    /// ## Why is this bad?
    /// IPIP carries IPv4 packets only. Calico rejects the pool ("IPIP is not supported on an
    /// IPv6 IP pool"); VXLAN is the encapsulation Calico supports for IPv6, since 3.23.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv6-ippool
    /// spec:
    ///   cidr: fd00:10:244::/64
    ///   ipipMode: Always
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv6-ippool
    /// spec:
    ///   cidr: fd00:10:244::/64
    ///   vxlanMode: Always
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/clientv3/ippool.go` and `libcalico-go/lib/validator/v3/validator.go`
    /// (up to 3.32); the CRD rule in `api/pkg/apis/projectcalico/v3/ippool.go` (3.32+).
    code: "IPP007",
    name: "ipip-on-ipv6",
    severity: Error,
    summary: "IPIP enabled on an IPv6 pool",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for pool in ctx.pools() {
        if pool.family() != Some(Family::V6) || !pool.ipip_enabled() {
            continue;
        }
        let Some(mode) = pool.ipip_mode.spanned() else {
            continue;
        };
        let cidr = pool.cidr.value().map_or("", String::as_str);
        out.push(
            RULE.finding(
                format!(
                    "{} has ipipMode {} on the IPv6 cidr {cidr}; IPIP carries IPv4 only",
                    pool.display_name(),
                    mode.value
                ),
                at_pool(pool, mode.loc),
            )
            .with_label("IPIP on an IPv6 pool")
            .with_help(
                "set `ipipMode: Never` (or omit it); for IPv6 encapsulation use `vxlanMode` (Calico 3.23+), or no encapsulation",
            ),
        );
    }
}

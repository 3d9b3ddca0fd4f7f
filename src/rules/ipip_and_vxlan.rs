//! IPP008 ipip-and-vxlan.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that a pool does not enable both encapsulations: `ipipMode` and `vxlanMode` may
    /// not both be `Always` or `CrossSubnet`.
    ///
    /// ## Why is this bad?
    /// A workload's traffic can be encapsulated one way only. Calico rejects the pool ("Cannot
    /// enable both VXLAN and IPIP on the same IPPool"; the validator of 3.30–3.32 words it
    /// "IPIPMode and VXLANMode cannot be enabled on LoadBalancer IP pool" even for other pools).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 10.244.0.0/16
    ///   ipipMode: Always
    ///   vxlanMode: CrossSubnet
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 10.244.0.0/16
    ///   ipipMode: Never
    ///   vxlanMode: CrossSubnet
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/clientv3/ippool.go` and `libcalico-go/lib/validator/v3/validator.go`
    /// (up to 3.32); the CRD rule in `api/pkg/apis/projectcalico/v3/ippool.go` (3.32+).
    code: "IPP008",
    name: "ipip-and-vxlan",
    severity: Error,
    summary: "both encapsulations enabled",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for pool in ctx.pools() {
        if !(pool.ipip_enabled() && pool.vxlan_enabled()) {
            continue;
        }
        let (Some(ipip), Some(vxlan)) = (pool.ipip_mode.spanned(), pool.vxlan_mode.spanned())
        else {
            continue;
        };
        // Point at whichever is written second: that is where the conflict arises.
        let ipip_first =
            (ipip.loc.source, ipip.loc.span().start) <= (vxlan.loc.source, vxlan.loc.span().start);
        let ((encap, primary), (other_encap, other)) = if ipip_first {
            (("VXLAN", vxlan), ("IPIP", ipip))
        } else {
            (("IPIP", ipip), ("VXLAN", vxlan))
        };
        out.push(
            RULE.finding(
                format!(
                    "{} enables both IPIP (ipipMode {}) and VXLAN (vxlanMode {})",
                    pool.display_name(),
                    ipip.value,
                    vxlan.value
                ),
                at_pool(pool, primary.loc),
            )
            .with_label(format!("{encap} enabled as well"))
            .with_related(
                format!("{other_encap} enabled here"),
                at_pool(pool, other.loc),
            )
            .with_help("pick one encapsulation: set the other mode to `Never` (or omit it)"),
        );
    }
}

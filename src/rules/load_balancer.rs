//! IPP010 load-balancer-pool-conflict.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// From Calico 3.30 on, checks a pool whose `allowedUses` contains `LoadBalancer` against
    /// the constraints Calico puts on such pools, one finding per violated constraint:
    /// - no other use may be listed with it;
    /// - neither `ipipMode` nor `vxlanMode` may be enabled;
    /// - `disableBGPExport` may not be `true`;
    /// - `nodeSelector`, when written, must be exactly `all()`. Calico compares the text,
    ///   so `all( )` and `!!all()` are refused too; an omitted or empty selector is defaulted to
    ///   `all()` and is fine.
    ///
    /// Before 3.30 `LoadBalancer` is an unknown use, which IPP009 reports.
    ///
    /// ## Why is this bad?
    /// Calico rejects the pool. LoadBalancer addresses are assigned to Services, not to pods
    /// or nodes, and reach the network only by BGP advertisement from every node, so they cannot
    /// share a pool with workload or tunnel addresses, be encapsulated, be hidden from BGP, or be
    /// limited to some nodes. (The 3.30–3.32 validator's message for `disableBGPExport` is inverted: it says
    /// "must have DisableBGPExport set to true" when it means false.)
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: loadbalancer-ippool
    /// spec:
    ///   cidr: 10.96.128.0/20
    ///   allowedUses: [LoadBalancer, Workload]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: loadbalancer-ippool
    /// spec:
    ///   cidr: 10.96.128.0/20
    ///   allowedUses: [LoadBalancer]
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/validator/v3/validator.go` (`validateIPPoolSpec`, 3.30–3.32); the CRD
    /// rules in `api/pkg/apis/projectcalico/v3/ippool.go` (3.32+ for the uses and the
    /// encapsulation, master for `disableBGPExport` and `nodeSelector`).
    code: "IPP010",
    name: "load-balancer-pool-conflict",
    severity: Error,
    summary: "LoadBalancer combined with other uses, encapsulation, disableBGPExport, or nodeSelector ≠ `all()`",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    if !ctx.calico.at_least(3, 30) {
        return;
    }
    for pool in ctx.pools() {
        let Some(uses) = pool.allowed_uses.value() else {
            continue;
        };
        let Some(lb) = uses.iter().find(|u| u.value == "LoadBalancer") else {
            continue;
        };
        let name = pool.display_name();

        // P13: no other use alongside.
        let others: Vec<_> = uses
            .iter()
            .filter(|u| matches!(u.value.as_str(), "Workload" | "Tunnel"))
            .collect();
        if let Some(first) = others.first() {
            let mut listed: Vec<&str> = Vec::new();
            for other in &others {
                if !listed.contains(&other.value.as_str()) {
                    listed.push(&other.value);
                }
            }
            out.push(
                RULE.finding(
                    format!(
                        "{name} combines allowedUses LoadBalancer with {}",
                        listed.join(" and ")
                    ),
                    at_pool(pool, first.loc),
                )
                .with_label("not allowed with LoadBalancer")
                .with_related("LoadBalancer use listed here", at_pool(pool, lb.loc))
                .with_help(
                    "give LoadBalancer addresses a pool of their own (`allowedUses: [LoadBalancer]`) and keep Workload and Tunnel in another",
                ),
            );
        }

        // P14: no encapsulation.
        let encapsulated: Vec<_> = [
            ("ipipMode", &pool.ipip_mode, pool.ipip_enabled()),
            ("vxlanMode", &pool.vxlan_mode, pool.vxlan_enabled()),
        ]
        .into_iter()
        .filter(|(_, _, enabled)| *enabled)
        .filter_map(|(field, value, _)| value.spanned().map(|spanned| (field, spanned)))
        .collect();
        if let Some(&(field, mode)) = encapsulated.first() {
            let mut finding = RULE
                .finding(
                    format!(
                        "{name} is a LoadBalancer pool with {field} {}; LoadBalancer pools cannot be encapsulated",
                        mode.value
                    ),
                    at_pool(pool, mode.loc),
                )
                .with_label("encapsulation on a LoadBalancer pool");
            if let Some(&(other_field, other)) = encapsulated.get(1) {
                finding = finding.with_related(
                    format!("{other_field} {} enabled too", other.value),
                    at_pool(pool, other.loc),
                );
            }
            out.push(finding.with_help(
                "set ipipMode and vxlanMode to `Never` (or omit them); LoadBalancer addresses are advertised by BGP, not encapsulated",
            ));
        }

        // P15: BGP export must stay on.
        if let Some(disable) = pool.disable_bgp_export.spanned().filter(|d| d.value) {
            out.push(
                RULE.finding(
                    format!("{name} is a LoadBalancer pool with disableBGPExport: true"),
                    at_pool(pool, disable.loc),
                )
                .with_label("LoadBalancer pools must be exported to BGP")
                .with_help(
                    "remove `disableBGPExport` (or set it to false); LoadBalancer addresses are reachable only when advertised by BGP",
                ),
            );
        }

        // P16: nodeSelector exactly `all()` once defaulted.
        if let Some(selector) = pool.node_selector.spanned() {
            let text = selector.value.text.as_str();
            if !text.is_empty() && text != "all()" {
                out.push(
                    RULE.finding(
                        format!(
                            "{name} is a LoadBalancer pool with nodeSelector {text:?}; it must be exactly all()"
                        ),
                        at_pool(pool, selector.loc),
                    )
                    .with_label("not exactly all()")
                    .with_help("write `nodeSelector: all()` or omit it; Calico compares the text, not the meaning"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::inventory::Inventory;
    use crate::model::pool::{PoolSource, Spanned};
    use crate::model::version::CalicoVersion;
    use crate::source::{Loc, Span};

    fn spanned<T>(value: T, start: usize) -> Spanned<T> {
        Spanned {
            value,
            loc: Loc::new(
                0,
                Span {
                    start,
                    end: start + 1,
                },
            ),
        }
    }

    /// A LoadBalancer pool with other uses and an encapsulation.
    fn inventory() -> Inventory {
        let mut pool = Pool::new(PoolSource::V3, Loc::new(0, Span { start: 0, end: 1 }));
        pool.name = Field::Set(spanned("lb".to_owned(), 1));
        pool.cidr = Field::Set(spanned("10.0.0.0/16".to_owned(), 2));
        pool.vxlan_mode = Field::Set(spanned("Always".to_owned(), 3));
        pool.allowed_uses = Field::Set(spanned(
            vec![
                spanned("LoadBalancer".to_owned(), 4),
                spanned("Workload".to_owned(), 5),
            ],
            4,
        ));
        let mut inventory = Inventory::default();
        inventory.pools.push(Box::new(pool));
        inventory
    }

    fn findings_at(major: u32, minor: u32) -> usize {
        let inventory = inventory();
        let ctx = Context::new(&inventory, CalicoVersion::new(major, minor));
        let mut out = Vec::new();
        check(&ctx, &mut out);
        out.len()
    }

    /// Before 3.30 `LoadBalancer` is an unknown use (IPP009's), so this rule is silent; the
    /// fixtures cannot show it because an `ok-` fixture must be free of IPP009's error too.
    #[test]
    fn gated_on_calico_3_30() {
        assert_eq!(findings_at(3, 29), 0);
        assert_eq!(findings_at(3, 30), 2);
        assert_eq!(findings_at(3, 32), 2);
    }
}

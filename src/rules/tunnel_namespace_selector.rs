//! IPP011 tunnel-with-namespace-selector.

use super::prelude::*;
use crate::model::pool::PoolSource;

declare_rule! {
    /// ## What it does
    /// Checks that a pool with a non-empty `spec.namespaceSelector` does not allow the `Tunnel`
    /// use (calico-reference P17, Calico 3.31 and later).
    ///
    /// For `projectcalico.org/v3` pools an omitted or empty `allowedUses` counts as
    /// `[Workload, Tunnel]`: `calicoctl` and the Calico API server fill in that default before
    /// they validate, so such a pool must list `allowedUses: [Workload]` explicitly.
    /// `crd.projectcalico.org/v1` pools are validated as written, so there an omitted
    /// `allowedUses` passes.
    ///
    /// ## Why is this bad?
    /// Calico rejects the pool: "IP Pool with AllowedUse Tunnel cannot have namespaceSelector
    /// specified - tunnel IPs are not namespaced resources". Tunnel addresses belong to nodes,
    /// not to pods, so a namespace selector cannot apply to them.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: team-a-ippool
    /// spec:
    ///   cidr: 10.245.0.0/16
    ///   namespaceSelector: team == "a"
    ///   allowedUses: [Workload, Tunnel]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: team-a-ippool
    /// spec:
    ///   cidr: 10.245.0.0/16
    ///   namespaceSelector: team == "a"
    ///   allowedUses: [Workload]
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/validator/v3/validator.go` (`validateIPPoolSpec`, 3.31–3.32), CEL rule
    /// in `api/pkg/apis/projectcalico/v3/ippool.go` (master), defaulting order in
    /// `libcalico-go/lib/clientv3/ippool.go` (`Create`).
    code: "IPP011",
    name: "tunnel-with-namespace-selector",
    severity: Error,
    summary: "Tunnel use together with a namespaceSelector (P17)",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    // namespaceSelector exists from 3.31; before that it is IPP016's unknown field.
    if !ctx.calico.at_least(3, 31) {
        return;
    }
    for pool in ctx.pools() {
        let Some(selector) = pool.namespace_selector.spanned() else {
            continue;
        };
        if selector.value.text.is_empty() {
            continue;
        }
        let name = pool.display_name();
        let text = &selector.value.text;
        match &pool.allowed_uses {
            Field::Set(uses) if !uses.value.is_empty() => {
                let Some(tunnel) = uses.value.iter().find(|u| u.value == "Tunnel") else {
                    continue;
                };
                let others: Vec<&str> = uses
                    .value
                    .iter()
                    .map(|u| u.value.as_str())
                    .filter(|u| *u != "Tunnel")
                    .collect();
                let help = if others.is_empty() {
                    "remove the namespaceSelector, or use a separate pool for tunnel addresses"
                        .to_owned()
                } else {
                    format!(
                        "remove Tunnel (`allowedUses: [{}]`) and give tunnel addresses a pool without a namespaceSelector",
                        others.join(", ")
                    )
                };
                out.push(
                    RULE.finding(
                        format!(
                            "{name} allows the Tunnel use and has namespaceSelector {text:?}; tunnel addresses belong to nodes, not namespaces"
                        ),
                        at_pool(pool, tunnel.loc),
                    )
                    .with_label("Tunnel cannot have a namespaceSelector")
                    .with_related("namespaceSelector set here", at_pool(pool, selector.loc))
                    .with_help(help),
                );
            }
            // An explicit empty list or an omitted field: defaulted to [Workload, Tunnel] before
            // validation on the v3 API paths only.
            Field::Set(_) | Field::Absent if pool.source == PoolSource::V3 => {
                let written = pool.allowed_uses.spanned();
                let (uses, help) = match written {
                    Some(_) => ("an empty allowedUses", "write `allowedUses: [Workload]`"),
                    None => (
                        "no allowedUses",
                        "add `allowedUses: [Workload]` to the spec",
                    ),
                };
                let mut finding = RULE
                    .finding(
                        format!(
                            "{name} has namespaceSelector {text:?} and {uses}, which Calico defaults to [Workload, Tunnel] before validating; Tunnel cannot have a namespaceSelector"
                        ),
                        at_pool(pool, selector.loc),
                    )
                    .with_label("needs `allowedUses: [Workload]`")
                    .with_help(help);
                if let Some(uses) = written {
                    finding = finding.with_related(
                        "empty, so defaulted to [Workload, Tunnel]",
                        at_pool(pool, uses.loc),
                    );
                }
                out.push(finding);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::inventory::Inventory;
    use crate::model::pool::{SelectorField, Spanned};
    use crate::model::version::CalicoVersion;
    use crate::source::{Loc, Span};

    fn at(start: usize) -> Loc {
        Loc::new(
            0,
            Span {
                start,
                end: start + 1,
            },
        )
    }

    fn pool(source: PoolSource, uses: Option<&[&str]>) -> Pool {
        let mut pool = Pool::new(source, at(0));
        pool.namespace_selector = Field::Set(Spanned {
            value: SelectorField {
                text: "team == \"a\"".to_owned(),
                parsed: crate::model::selector::parse("team == \"a\"").map_err(|_| unreachable!()),
                yaml_tag: None,
            },
            loc: at(10),
        });
        if let Some(uses) = uses {
            pool.allowed_uses = Field::Set(Spanned {
                value: uses
                    .iter()
                    .enumerate()
                    .map(|(i, u)| Spanned {
                        value: (*u).to_owned(),
                        loc: at(20 + i),
                    })
                    .collect(),
                loc: at(20),
            });
        }
        pool
    }

    fn run(pools: Vec<Pool>, calico: CalicoVersion) -> Vec<Finding> {
        let inventory = Inventory {
            pools,
            ..Inventory::default()
        };
        let mut out = Vec::new();
        check(&Context::new(&inventory, calico), &mut out);
        out
    }

    #[test]
    fn gated_on_calico_3_31() {
        let pools = || {
            vec![
                pool(PoolSource::V3, Some(&["Workload", "Tunnel"])),
                pool(PoolSource::V3, None),
            ]
        };
        assert_eq!(run(pools(), CalicoVersion::new(3, 31)).len(), 2);
        assert!(run(pools(), CalicoVersion::new(3, 30)).is_empty());
    }

    #[test]
    fn omitted_uses_fire_for_v3_only() {
        assert_eq!(
            run(vec![pool(PoolSource::V3, Some(&[]))], CalicoVersion::LATEST).len(),
            1
        );
        assert!(run(vec![pool(PoolSource::CrdV1, None)], CalicoVersion::LATEST).is_empty());
        assert!(
            run(
                vec![pool(PoolSource::CrdV1, Some(&[]))],
                CalicoVersion::LATEST
            )
            .is_empty()
        );
        assert!(
            run(
                vec![pool(PoolSource::V3, Some(&["Workload"]))],
                CalicoVersion::LATEST
            )
            .is_empty()
        );
    }
}

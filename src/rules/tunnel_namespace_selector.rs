//! IPP011 tunnel-with-namespace-selector.

use super::prelude::*;
use crate::model::pool::PoolSource;
use crate::report::Severity;

declare_rule! {
    /// ## What it does
    /// Checks that a pool with a non-empty `spec.namespaceSelector` does not allow the `Tunnel`
    /// use (Calico 3.31 and later).
    ///
    /// For `projectcalico.org/v3` pools an omitted or empty `allowedUses` counts as
    /// `[Workload, Tunnel]` on the write paths that fill in defaults before they validate:
    /// `calicoctl` and the Calico API server. In Calico 3.31 those are the only ways to write a
    /// v3 pool, so the rule reports an error. From 3.32, `projectcalico.org/v3` can also be
    /// served by native CRDs, which validate the pool as written and accept it; the rule then
    /// reports a warning naming the paths that reject it. Either way `allowedUses: [Workload]`
    /// is accepted everywhere. `crd.projectcalico.org/v1` pools are validated as written, so
    /// there an omitted `allowedUses` passes.
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
    summary: "Tunnel use together with a namespaceSelector",
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
            // validation on the clientv3 write paths (calicoctl, the Calico API server). From
            // 3.32, projectcalico.org/v3 can also be served by native CRDs, which validate the
            // pool as written and accept it (calico-reference P17).
            Field::Set(_) | Field::Absent if pool.source == PoolSource::V3 => {
                let written = pool.allowed_uses.spanned();
                let uses = match written {
                    Some(_) => "an empty allowedUses",
                    None => "no allowedUses",
                };
                let native_crds = ctx.calico.at_least(3, 32);
                let message = if native_crds {
                    format!(
                        "{name} has namespaceSelector {text:?} and {uses}: calicoctl and the Calico API server default allowedUses to [Workload, Tunnel] before validating and reject the pool (Tunnel cannot have a namespaceSelector); kubectl apply to native projectcalico.org/v3 CRDs accepts it as written"
                    )
                } else {
                    format!(
                        "{name} has namespaceSelector {text:?} and {uses}, which calicoctl and the Calico API server (the write paths of projectcalico.org/v3 in Calico {}) default to [Workload, Tunnel] before validating; Tunnel cannot have a namespaceSelector",
                        ctx.calico
                    )
                };
                let help = match written {
                    Some(_) => "write `allowedUses: [Workload]`, which every write path accepts",
                    None => {
                        "add `allowedUses: [Workload]` to the spec, which every write path accepts"
                    }
                };
                let mut finding = RULE
                    .finding(message, at_pool(pool, selector.loc))
                    .with_label("needs `allowedUses: [Workload]`")
                    .with_help(help);
                if native_crds {
                    // Rejected or not depends on how the pool is applied, which a manifest
                    // does not say.
                    finding.severity = Severity::Warning;
                }
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
            value: Box::new(SelectorField {
                text: "team == \"a\"".to_owned(),
                parsed: crate::model::selector::parse("team == \"a\"").map_err(|_| unreachable!()),
                yaml_tag: None,
            }),
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
            pools: pools.into_iter().map(Box::new).collect(),
            ..Inventory::default()
        };
        let mut out = Vec::new();
        check(&Context::new(&inventory, calico), &mut out);
        out
    }

    /// Issue 9 item 19: an omitted allowedUses was an error whatever the release, though from
    /// 3.32 native projectcalico.org/v3 CRDs accept such a pool as written.
    #[test]
    fn omitted_uses_are_an_error_in_3_31_and_a_warning_once_native_crds_exist() {
        let verdict = |calico| {
            let found = run(vec![pool(PoolSource::V3, None)], calico);
            assert_eq!(found.len(), 1);
            (found[0].severity, found[0].message.clone())
        };
        let (severity, message) = verdict(CalicoVersion::new(3, 31));
        assert_eq!(severity, Severity::Error);
        assert!(
            message.contains("calicoctl and the Calico API server"),
            "{message}"
        );
        for calico in [CalicoVersion::new(3, 32), CalicoVersion::MASTER] {
            let (severity, message) = verdict(calico);
            assert_eq!(severity, Severity::Warning);
            assert!(
                message.contains("native projectcalico.org/v3 CRDs accepts it"),
                "{message}"
            );
        }
        // Listed explicitly, Tunnel is rejected on every path.
        let listed = run(
            vec![pool(PoolSource::V3, Some(&["Tunnel"]))],
            CalicoVersion::new(3, 32),
        );
        assert_eq!(listed[0].severity, Severity::Error);
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

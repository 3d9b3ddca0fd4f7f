//! IPP009 invalid-allowed-uses.

use super::prelude::*;

/// The CRD's `maxItems` on `allowedUses` (v3.32+).
const MAX_ALLOWED_USES: usize = 10;

declare_rule! {
    /// ## What it does
    /// Checks every `spec.allowedUses` entry:
    /// - it must be `Workload`, `Tunnel` or, from Calico 3.30 on, `LoadBalancer` (case-sensitive);
    /// - from Calico 3.32 on, no entry may be repeated and the list may hold at most 10 entries.
    ///
    /// ## Why is this bad?
    /// Calico rejects the pool ("unknown use: workload"; from 3.32 the CRD enum, `maxItems` and
    /// list-set checks of the API server). Before 3.32 a `crd.projectcalico.org/v1` object skips
    /// that validation, and Calico's IPAM then finds no pool for the use you meant: pods or
    /// tunnels fail with "no pools match the required use".
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: 10.0.0.0/16
    ///   allowedUses: [workload, Tunnel]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: 10.0.0.0/16
    ///   allowedUses: [Workload, Tunnel]
    /// ```
    ///
    /// ## Fix
    /// `--fix` writes a use that differs only in case as Calico spells it (`workload` →
    /// `Workload`). A near-miss (`Tunel`) needs `--unsafe-fixes`.
    ///
    /// ## Calico source
    /// `libcalico-go/lib/validator/v3/validator.go` (`validateIPPoolSpec`, "unknown use"); the
    /// CRD schema of `allowedUses` (enum, `maxItems: 10`, `x-kubernetes-list-type: set`, 3.32+).
    code: "IPP009",
    name: "invalid-allowed-uses",
    severity: Error,
    summary: "unknown use, duplicates, more than 10",
    fix: SAFE_OR_UNSAFE,
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let load_balancer = ctx.calico.at_least(3, 30);
    let strict_list = ctx.calico.at_least(3, 32);
    let valid: &[&str] = if load_balancer {
        &["Workload", "Tunnel", "LoadBalancer"]
    } else {
        &["Workload", "Tunnel"]
    };
    let valid_text = if load_balancer {
        "Workload, Tunnel or LoadBalancer"
    } else {
        "Workload or Tunnel"
    };
    for pool in ctx.pools() {
        let Some(uses) = pool.allowed_uses.value() else {
            continue;
        };
        let name = pool.display_name();
        for (index, entry) in uses.iter().enumerate() {
            let text = entry.value.as_str();
            let location = at_pool(pool, entry.loc);
            if !valid.contains(&text) {
                let finding = if text == "LoadBalancer" {
                    RULE.finding(
                        format!(
                            "{name} has allowedUses entry LoadBalancer, which needs Calico 3.30 or later (linting for {})",
                            ctx.calico
                        ),
                        location,
                    )
                    .with_label("needs Calico 3.30+")
                    .with_help("remove it, or lint with `--calico-version 3.30` or later if the cluster runs it")
                } else {
                    let right = super::closest(text, valid.iter().copied());
                    let help = match right {
                        Some(right) if right.eq_ignore_ascii_case(text) => {
                            format!("use `{right}` (allowed uses are case-sensitive)")
                        }
                        Some(right) => format!("did you mean `{right}`?"),
                        None => format!("use {valid_text}"),
                    };
                    let finding = RULE
                        .finding(
                            format!(
                                "{name} has unknown allowedUses entry {text:?}; it must be {valid_text}"
                            ),
                            location,
                        )
                        .with_label("unknown use")
                        .with_help(help);
                    match right {
                        Some(right) => finding.with_fix(Fix::scalar(
                            if right.eq_ignore_ascii_case(text) {
                                Applicability::Safe
                            } else {
                                Applicability::Unsafe
                            },
                            format!("write {right}"),
                            entry.loc,
                            right,
                        )),
                        None => finding,
                    }
                };
                out.push(finding);
                continue;
            }
            if !strict_list {
                continue;
            }
            // One finding per repeated use, at its second occurrence.
            let mut earlier = uses[..index].iter().filter(|e| e.value == text);
            if let (Some(first), None) = (earlier.next(), earlier.next()) {
                let times = uses.iter().filter(|e| e.value == text).count();
                let how_often = if times == 2 {
                    "twice".to_owned()
                } else {
                    format!("{times} times")
                };
                out.push(
                    RULE.finding(
                        format!(
                            "{name} lists allowedUses entry {text} {how_often}; Calico 3.32+ rejects duplicates"
                        ),
                        location,
                    )
                    .with_label("duplicate")
                    .with_related(format!("{text} first listed here"), at_pool(pool, first.loc))
                    .with_help(format!("list {text} once")),
                );
            }
        }
        if strict_list && uses.len() > MAX_ALLOWED_USES {
            let extra = &uses[MAX_ALLOWED_USES];
            out.push(
                RULE.finding(
                    format!(
                        "{name} has {} allowedUses entries; Calico 3.32+ allows at most {MAX_ALLOWED_USES}",
                        uses.len()
                    ),
                    at_pool(pool, extra.loc),
                )
                .with_label(format!("entry {} of at most {MAX_ALLOWED_USES}", MAX_ALLOWED_USES + 1))
                .with_help("list each use once: at most Workload, Tunnel and LoadBalancer"),
            );
        }
    }
}

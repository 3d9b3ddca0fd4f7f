//! IPP013 invalid-assignment-mode.

use super::prelude::*;
use crate::model::pool::ASSIGNMENT_MODES;

declare_rule! {
    /// ## What it does
    /// Checks that `spec.assignmentMode`, when written, is exactly `Automatic` or `Manual`
    /// (Calico 3.30 and later). The values are case-sensitive, and an
    /// explicit empty string is invalid: omit the field to get the default, `Automatic`.
    ///
    /// ## Why is this bad?
    /// Calico's validator and the IPPool CRD's enum reject the pool, so it is never created.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: reserved-ippool
    /// spec:
    ///   cidr: 10.245.0.0/16
    ///   assignmentMode: manual
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: reserved-ippool
    /// spec:
    ///   cidr: 10.245.0.0/16
    ///   assignmentMode: Manual
    /// ```
    ///
    /// ## Fix
    /// `--fix` writes `Automatic` or `Manual` for a value that differs only in case or
    /// surrounding spaces. A near-miss (`Manul`) needs `--unsafe-fixes`.
    ///
    /// ## Calico source
    /// `libcalico-go/lib/validator/v3/validator.go` (3.30–3.32), the `assignmentMode` enum of the
    /// IPPool CRDs (`libcalico-go/config/crd/crd.projectcalico.org_ippools.yaml`, 3.30+).
    code: "IPP013",
    name: "invalid-assignment-mode",
    severity: Error,
    summary: "assignmentMode not Automatic/Manual",
    fix: SAFE_OR_UNSAFE,
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    // assignmentMode exists from 3.30; before that it is IPP016's unknown field.
    if !ctx.calico.at_least(3, 30) {
        return;
    }
    for pool in ctx.pools() {
        let Some(mode) = pool.assignment_mode.spanned() else {
            continue;
        };
        if ASSIGNMENT_MODES.contains(&mode.value.as_str()) {
            continue;
        }
        let value = &mode.value;
        let mut fix = None;
        let (label, help) = if value.trim().is_empty() {
            (
                "empty".to_owned(),
                "omit assignmentMode for the default (Automatic), or write `assignmentMode: Automatic` or `assignmentMode: Manual`".to_owned(),
            )
        } else if let Some(right) = ASSIGNMENT_MODES
            .iter()
            .find(|m| m.eq_ignore_ascii_case(value.trim()))
        {
            let label = if value.trim() == *right {
                "extra spaces"
            } else {
                "wrong case"
            };
            fix = Some((Applicability::Safe, *right));
            (
                label.to_owned(),
                format!("write `assignmentMode: {right}`; the value is exact and case-sensitive"),
            )
        } else if let Some(near) = super::closest(value, ASSIGNMENT_MODES) {
            fix = Some((Applicability::Unsafe, near));
            (
                "not Automatic or Manual".to_owned(),
                format!("did you mean `assignmentMode: {near}`?"),
            )
        } else {
            (
                "not Automatic or Manual".to_owned(),
                "write `assignmentMode: Automatic` (pick addresses from this pool by its selectors) or `assignmentMode: Manual` (only when a pod asks for the pool)".to_owned(),
            )
        };
        let mut finding = RULE
            .finding(
                format!(
                    "{} has an invalid assignmentMode {value:?}; it must be Automatic or Manual",
                    pool.display_name()
                ),
                at_pool(pool, mode.loc),
            )
            .with_label(label)
            .with_help(help);
        if let Some((applicability, right)) = fix {
            finding = finding.with_fix(Fix::scalar(
                applicability,
                format!("write assignmentMode: {right}"),
                mode.loc,
                right,
            ));
        }
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::inventory::Inventory;
    use crate::model::pool::{PoolSource, Spanned};
    use crate::model::version::CalicoVersion;
    use crate::source::{Loc, Span};

    fn run(mode: &str, calico: CalicoVersion) -> Vec<Finding> {
        let loc = Loc::new(0, Span { start: 0, end: 1 });
        let mut pool = Pool::new(PoolSource::V3, loc);
        pool.assignment_mode = Field::Set(Spanned {
            value: mode.to_owned(),
            loc,
        });
        let inventory = Inventory {
            pools: vec![Box::new(pool)],
            ..Inventory::default()
        };
        let mut out = Vec::new();
        check(&Context::new(&inventory, calico), &mut out);
        out
    }

    #[test]
    fn gated_on_calico_3_30() {
        assert_eq!(run("manual", CalicoVersion::new(3, 30)).len(), 1);
        // Before 3.30 the field does not exist: IPP016 reports it.
        assert!(run("manual", CalicoVersion::new(3, 29)).is_empty());
    }

    #[test]
    fn helps() {
        let help = |mode| {
            run(mode, CalicoVersion::LATEST)[0]
                .help
                .clone()
                .unwrap_or_default()
        };
        assert!(help("manual").contains("`assignmentMode: Manual`"));
        assert!(help("Automatc").contains("did you mean `assignmentMode: Automatic`"));
        assert!(help("").contains("omit"));
        assert!(run("Manual", CalicoVersion::LATEST).is_empty());
    }
}

//! IPP014 legacy-field.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks for the legacy `spec.ipip` and `spec.nat-outgoing` fields of Calico 2.x pools. Up to Calico 3.31 they are still in the schema but must be
    /// unset: `ipip` must be null ("mustBeNil") and `nat-outgoing` must be false ("mustBeFalse").
    /// Calico 3.32 removed them, so from then on any `ipip` or `nat-outgoing` key is reported.
    ///
    /// ## Why is this bad?
    /// Calico rejects the pool up to 3.31; from 3.32 the API server rejects (or, with lax field
    /// validation, drops) the unknown field. Either way the setting does nothing: IP-in-IP and
    /// NAT are controlled by `ipipMode` and `natOutgoing`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: legacy-ippool
    /// spec:
    ///   cidr: 10.245.0.0/16
    ///   ipip:
    ///     enabled: true
    ///   nat-outgoing: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: legacy-ippool
    /// spec:
    ///   cidr: 10.245.0.0/16
    ///   ipipMode: Always
    ///   natOutgoing: true
    /// ```
    ///
    /// ## Fix
    /// `--fix` renames `nat-outgoing: true` to `natOutgoing: true` when the spec has no
    /// `natOutgoing` yet. A legacy `ipip` map is left to you: its `mode` maps to `ipipMode`
    /// in ways an edit of one span cannot express.
    ///
    /// ## Calico source
    /// `api/pkg/apis/projectcalico/v3/ippool.go` (`IPIP` with `validate:"omitempty,mustBeNil"`,
    /// `NATOutgoingV1` with `validate:"omitempty,mustBeFalse"`, up to 3.31; removed in 3.32).
    code: "IPP014",
    name: "legacy-field",
    severity: Error,
    summary: "legacy `ipip` / `nat-outgoing` fields",
    fix: SAFE,
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let removed = ctx.calico.at_least(3, 32);
    for pool in ctx.pools().filter(|pool| pool.source.is_resource()) {
        let name = pool.display_name();
        let nat_true = pool.legacy.nat_outgoing.value() == Some(&true);
        for key in &pool.spec_keys {
            let (message, label, help) = match key.name.as_str() {
                "ipip" if removed => (
                    format!("{name} has the legacy field spec.ipip, which Calico 3.32 removed"),
                    "removed in Calico 3.32",
                    if pool.legacy.ipip.is_some() {
                        "remove `ipip` and set `ipipMode: Always` or `ipipMode: CrossSubnet` to enable IP-in-IP"
                    } else {
                        "remove it; `ipipMode` is the field that sets IP-in-IP"
                    },
                ),
                "ipip" if pool.legacy.ipip.is_some() => (
                    format!(
                        "{name} sets the legacy field spec.ipip, which Calico {} requires to be null",
                        ctx.calico
                    ),
                    "must be null",
                    "remove `ipip` and set `ipipMode: Always` or `ipipMode: CrossSubnet` to enable IP-in-IP",
                ),
                "nat-outgoing" if removed => (
                    format!(
                        "{name} has the legacy field spec.nat-outgoing, which Calico 3.32 removed"
                    ),
                    "removed in Calico 3.32",
                    if nat_true {
                        "replace it with `natOutgoing: true`"
                    } else {
                        "remove it; `natOutgoing` is the field that sets NAT"
                    },
                ),
                "nat-outgoing" if nat_true => (
                    format!(
                        "{name} sets the legacy field spec.nat-outgoing to true, which Calico {} rejects",
                        ctx.calico
                    ),
                    "must be false",
                    "replace it with `natOutgoing: true`",
                ),
                _ => continue,
            };
            let mut finding = RULE
                .finding(message, at_pool(pool, key.loc))
                .with_label(label)
                .with_help(help);
            // `nat-outgoing: true` says what `natOutgoing: true` says: the key is renamed,
            // unless the spec has both.
            let has_new_key = pool.spec_keys.iter().any(|k| k.name == "natOutgoing");
            if key.name == "nat-outgoing" && nat_true && !has_new_key {
                finding = finding.with_fix(Fix::scalar(
                    Applicability::Safe,
                    "rename nat-outgoing to natOutgoing",
                    key.loc,
                    "natOutgoing",
                ));
            }
            out.push(finding);
        }
    }
}

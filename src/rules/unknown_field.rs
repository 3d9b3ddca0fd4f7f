//! IPP016 unknown-field.

use super::prelude::*;
use crate::model::version::CalicoVersion;

/// Every IPPool spec field and the Calico release that added it.
/// Fields older than the oldest release the tool models are marked 3.0. The legacy `ipip` and
/// `nat-outgoing` are IPP014's and not listed.
pub(crate) const SPEC_FIELDS: [(&str, CalicoVersion); 11] = [
    ("cidr", CalicoVersion::new(3, 0)),
    ("blockSize", CalicoVersion::new(3, 0)),
    ("ipipMode", CalicoVersion::new(3, 0)),
    ("vxlanMode", CalicoVersion::new(3, 0)),
    ("natOutgoing", CalicoVersion::new(3, 0)),
    ("disabled", CalicoVersion::new(3, 0)),
    ("nodeSelector", CalicoVersion::new(3, 0)),
    ("disableBGPExport", CalicoVersion::new(3, 21)),
    ("allowedUses", CalicoVersion::new(3, 21)),
    ("assignmentMode", CalicoVersion::new(3, 30)),
    ("namespaceSelector", CalicoVersion::new(3, 31)),
];

/// The legacy fields IPP014 reports in every version.
pub(crate) const LEGACY_FIELDS: [&str; 2] = ["ipip", "nat-outgoing"];

/// The release that added `field`, when it is an IPPool spec field at all.
pub(crate) fn added_in(field: &str) -> Option<CalicoVersion> {
    SPEC_FIELDS
        .iter()
        .find(|(name, _)| *name == field)
        .map(|&(_, since)| since)
}

/// Whether `field` (a spec key) is a field of IPPool in `version`.
pub(crate) fn is_known(field: &str, version: CalicoVersion) -> bool {
    added_in(field).is_some_and(|since| version >= since)
}

declare_rule! {
    /// ## What it does
    /// Checks every key under `spec` against the IPPool fields of the selected Calico release: `cidr`, `blockSize`, `ipipMode`, `vxlanMode`, `natOutgoing`,
    /// `disabled`, `nodeSelector`; `disableBGPExport` and `allowedUses` from 3.21;
    /// `assignmentMode` from 3.30; `namespaceSelector` from 3.31. Field names are
    /// case-sensitive. The legacy `ipip` and `nat-outgoing` are reported by IPP014 instead.
    ///
    /// ## Why is this bad?
    /// A misspelt field is not the field: `kubectl apply` rejects it under strict field
    /// validation, and with lax validation, or through the Calico API server, it is silently
    /// dropped, so `blocksize: 24` leaves the pool with the default block size of 26. A real
    /// field that the running Calico does not have yet is dropped the same way.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: 10.245.0.0/16
    ///   blocksize: 24
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: 10.245.0.0/16
    ///   blockSize: 24
    /// ```
    ///
    /// ## Fix
    /// `--fix` renames a key that differs from a field only in case (`blocksize` →
    /// `blockSize`), unless the spec has that field already. Renaming to a near-miss
    /// (`natOutgong` → `natOutgoing`) needs `--unsafe-fixes`: the field then takes effect.
    ///
    /// ## Calico source
    /// `api/pkg/apis/projectcalico/v3/ippool.go` (`IPPoolSpec`, per release tag), the IPPool CRD
    /// schemas in `libcalico-go/config/crd/`.
    code: "IPP016",
    name: "unknown-field",
    severity: Error,
    summary: "a key under `spec` that IPPool does not have (e.g. `blocksize`); help names the closest real field",
    fix: SAFE_OR_UNSAFE,
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let version = ctx.calico;
    let known_now = || {
        SPEC_FIELDS
            .iter()
            .filter(move |(_, since)| version >= *since)
            .map(|&(name, _)| name)
    };
    for pool in ctx.pools().filter(|pool| pool.source.is_resource()) {
        let name = pool.display_name();
        for key in &pool.spec_keys {
            let field = key.name.as_str();
            if is_known(field, version) || LEGACY_FIELDS.contains(&field) {
                continue;
            }
            let finding = if let Some(since) = added_in(field) {
                RULE.finding(
                    format!(
                        "{name} has spec.{field}, which Calico {version} does not have; it was added in Calico {since}"
                    ),
                    at_pool(pool, key.loc),
                )
                .with_label(format!("needs Calico {since}+"))
                .with_help(format!(
                    "remove `{field}`, or upgrade to Calico {since} and lint with `--calico-version {since}`"
                ))
            } else {
                let near_now = super::closest(field, known_now());
                let help = if let Some(near) = near_now {
                    format!("did you mean `{near}`?")
                } else if let Some(near) = super::closest(field, SPEC_FIELDS.iter().map(|f| f.0)) {
                    let since = added_in(near).unwrap_or(version);
                    format!("did you mean `{near}`? It needs Calico {since} or later")
                } else {
                    format!(
                        "remove it; the IPPool spec fields of Calico {version} are {}",
                        known_now().collect::<Vec<_>>().join(", ")
                    )
                };
                let finding = RULE
                    .finding(
                        format!("{name} has an unknown field spec.{field}"),
                        at_pool(pool, key.loc),
                    )
                    .with_label("not an IPPool field")
                    .with_help(help);
                // Renaming onto a field the spec already has would write it twice.
                let taken = |near: &str| pool.spec_keys.iter().any(|k| k.name == near);
                match near_now.filter(|near| !taken(near)) {
                    Some(near) => finding.with_fix(Fix::scalar(
                        if near.eq_ignore_ascii_case(field) {
                            Applicability::Safe
                        } else {
                            Applicability::Unsafe
                        },
                        format!("rename it to {near}"),
                        key.loc,
                        near,
                    )),
                    None => finding,
                }
            };
            out.push(finding);
        }
    }
}

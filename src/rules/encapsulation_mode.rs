//! IPP006 invalid-encapsulation-mode.

use super::prelude::*;
use crate::model::pool::ENCAPSULATION_MODES;

declare_rule! {
    /// ## What it does
    /// Checks that `spec.ipipMode` and `spec.vxlanMode` are exactly `Never`, `Always` or
    /// `CrossSubnet`. The values are case-sensitive: `always`,
    /// `cross-subnet` and `never` are all invalid. An empty string means the default (`Never`)
    /// and is accepted.
    ///
    /// ## Why is this bad?
    /// Calico's validator rejects the pool (and from 3.32 the CRD enum does too). Before 3.32 a
    /// `crd.projectcalico.org/v1` object skips that validation, and Calico then treats the unknown
    /// value as "not enabled": the encapsulation you asked for silently does not happen.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: 10.0.0.0/16
    ///   vxlanMode: always
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
    ///   vxlanMode: Always
    /// ```
    ///
    /// ## Fix
    /// `--fix` writes the mode a case or separator variant spells (`always` → `Always`,
    /// `cross-subnet` → `CrossSubnet`), keeping the value's quotes. A synonym or near-miss
    /// (`off` → `Never`, `Alwas` → `Always`) is a guess: it needs `--unsafe-fixes`.
    ///
    /// ## Calico source
    /// `libcalico-go/lib/validator/v3/validator.go` (field tags `ipIpMode`, `vxlanMode`); the CRD
    /// enum on both fields from 3.32.
    code: "IPP006",
    name: "invalid-encapsulation-mode",
    severity: Error,
    summary: "ipipMode/vxlanMode not exactly Never/Always/CrossSubnet; help suggests the right case",
    fix: SAFE_OR_UNSAFE,
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for pool in ctx.pools() {
        for (field, value) in [
            ("ipipMode", &pool.ipip_mode),
            ("vxlanMode", &pool.vxlan_mode),
        ] {
            let Some(mode) = value.spanned() else {
                continue;
            };
            let text = mode.value.as_str();
            if text.is_empty() || ENCAPSULATION_MODES.contains(&text) {
                continue;
            }
            let suggested = suggestion(text);
            let help = match suggested {
                Some(right) if right.eq_ignore_ascii_case(text) => {
                    format!("use `{field}: {right}` (the modes are case-sensitive)")
                }
                Some(right) => format!(
                    "use `{field}: {right}`; Calico knows only Never, Always and CrossSubnet, spelled exactly"
                ),
                None => {
                    format!("use one of Never, Always or CrossSubnet, or omit {field} for Never")
                }
            };
            let mut finding = RULE
                .finding(
                    format!(
                        "{} has {field} {text:?}; it must be Never, Always or CrossSubnet",
                        pool.display_name()
                    ),
                    at_pool(pool, mode.loc),
                )
                .with_label("not Never, Always or CrossSubnet")
                .with_help(help);
            if let Some(right) = suggested {
                // A case or separator variant names the mode; a synonym or typo is a guess.
                let applicability = if folded(text) == right.to_ascii_lowercase() {
                    Applicability::Safe
                } else {
                    Applicability::Unsafe
                };
                finding = finding.with_fix(Fix::scalar(
                    applicability,
                    format!("write {field}: {right}"),
                    mode.loc,
                    right,
                ));
            }
            out.push(finding);
        }
    }
}

/// The text in lower case without separators: `Cross_Subnet` → `crosssubnet`.
fn folded(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '-' | '_' | ' ' | '.'))
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The mode a case, separator or synonym variant most likely meant.
fn suggestion(text: &str) -> Option<&'static str> {
    let folded = folded(text);
    if let Some(mode) = ENCAPSULATION_MODES
        .iter()
        .find(|mode| mode.to_ascii_lowercase() == folded)
    {
        return Some(mode);
    }
    match folded.as_str() {
        "off" | "none" | "no" | "false" | "disabled" | "disable" => Some("Never"),
        "on" | "yes" | "true" | "enabled" | "enable" => Some("Always"),
        "cross" | "crosssubnets" | "subnet" => Some("CrossSubnet"),
        _ => super::closest(text, ENCAPSULATION_MODES),
    }
}

#[cfg(test)]
mod tests {
    use super::suggestion;

    #[test]
    fn suggests_the_canonical_spelling() {
        assert_eq!(suggestion("always"), Some("Always"));
        assert_eq!(suggestion("NEVER"), Some("Never"));
        assert_eq!(suggestion("cross-subnet"), Some("CrossSubnet"));
        assert_eq!(suggestion("crosssubnet"), Some("CrossSubnet"));
        assert_eq!(suggestion("Cross_Subnet"), Some("CrossSubnet"));
        assert_eq!(suggestion("Off"), Some("Never"));
        assert_eq!(suggestion("none"), Some("Never"));
        assert_eq!(suggestion("Alwas"), Some("Always"));
        assert_eq!(suggestion("wireguard"), None);
    }
}

//! IPP208 misspelled-annotation.

use super::prelude::*;
use crate::model::annotations::{CNI_PREFIX, CniKey, OTHER_CNI_NAMES, Place};

declare_rule! {
    /// ## What it does
    /// Finds annotation keys on Namespaces, Pods, pod templates and workloads that are almost a
    /// Calico CNI annotation: a name close to `ipv4pools`, `ipv6pools`,
    /// `ipAddrs`, `ipAddrsNoIpam`, `floatingIPs` or `ipFamilies` (`ipv4pool`, `ipv4Pools`,
    /// `ipaddrs`) under the `cni.projectcalico.org/` prefix, a Calico-looking prefix
    /// (`projectcalico.org/`, `cni.projectcalico.io/`) or none at all.
    ///
    /// ## Why is this bad?
    /// Calico looks annotations up by their exact, case-sensitive key and never reports keys it
    /// does not know. A misspelled key is silently ignored: the pods get addresses from the
    /// default pools instead of the intended ones, which is only noticed later, if at all.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: team-a
    ///   annotations:
    ///     cni.projectcalico.org/ipv4pool: '["default-ipv4-ippool"]'
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: team-a
    ///   annotations:
    ///     cni.projectcalico.org/ipv4pools: '["default-ipv4-ippool"]'
    /// ```
    ///
    /// ## Fix
    /// `--fix --unsafe-fixes` renames the key on a Namespace, Pod or pod template, unless the
    /// object has the right key already. It is unsafe because Calico starts reading the
    /// annotation: new pods get addresses from the pools it names. A key on a workload's own
    /// metadata must move to its pod template, which no edit of the key does.
    ///
    /// ## Calico source
    /// `cni-plugin/pkg/k8s/k8s.go` (annotation lookups by exact key).
    code: "IPP208",
    name: "misspelled-annotation",
    severity: Error,
    summary: "a key that is almost a Calico CNI annotation (`ipv4pool`, `ipv4Pools`, wrong prefix): Calico silently ignores it",
    fix: UNSAFE,
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for site in &ctx.inventory.annotation_sites {
        let moved_to = match site.place {
            Place::Namespace | Place::Pod | Place::PodTemplate => None,
            Place::WorkloadMetadata { template } => Some(template),
            Place::Unread | Place::CniConfig => continue,
        };
        for annotation in site.annotations.iter().filter(|a| a.cni.is_none()) {
            let key = &annotation.key.value;
            let Some(meant) = meant(key) else { continue };
            let help = match moved_to {
                None => format!("rename the key to `{}`", meant.key()),
                Some(template) => format!(
                    "rename the key to `{}` and move it to {template}: Calico reads pods, not the {}",
                    meant.key(),
                    site.kind
                ),
            };
            let mut finding = RULE
                .finding(
                    format!(
                        "{} annotation {key} is not a Calico annotation; Calico silently ignores it",
                        site.object
                    ),
                    Location::at(annotation.key.loc, Some(site.object.clone())),
                )
                .with_label(format!("did you mean {}?", meant.key()))
                .with_help(help);
            // Renaming onto a key the object has, or two keys onto one, writes it twice.
            let taken = site.annotations.iter().any(|a| a.key.value == meant.key());
            let rivals = site
                .annotations
                .iter()
                .filter(|a| a.cni.is_none() && self::meant(&a.key.value) == Some(meant))
                .count();
            if moved_to.is_none() && !taken && rivals == 1 {
                finding = finding.with_fix(Fix::scalar(
                    Applicability::Unsafe,
                    format!("rename the key to {}", meant.key()),
                    annotation.key.loc,
                    meant.key(),
                ));
            }
            out.push(finding);
        }
    }
}

/// The CNI annotation a key most likely meant: a name close to a CNI name under a prefix that is
/// Calico's, close to it, mentions Calico, or is missing. Other CNIs' similar annotations
/// (`ipam.antrea.io/ippools`) have prefixes of their own and are left alone.
fn meant(key: &str) -> Option<CniKey> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if prefix == Some(CNI_PREFIX) && OTHER_CNI_NAMES.contains(&name) {
        return None;
    }
    let calico_prefix = prefix.is_none_or(|prefix| {
        prefix.to_ascii_lowercase().contains("calico")
            || super::closest(prefix, [CNI_PREFIX]).is_some()
    });
    if !calico_prefix {
        return None;
    }
    let target = super::closest(name, CniKey::ALL.map(CniKey::name))?;
    CniKey::ALL
        .into_iter()
        .find(|k| k.name() == target)
        .filter(|k| k.key() != key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses() {
        for (key, expected) in [
            ("cni.projectcalico.org/ipv4pool", Some(CniKey::Ipv4Pools)),
            ("cni.projectcalico.org/ipv4Pools", Some(CniKey::Ipv4Pools)),
            ("cni.projectcalico.org/IPv6Pools", Some(CniKey::Ipv6Pools)),
            ("projectcalico.org/ipv4pools", Some(CniKey::Ipv4Pools)),
            ("cni.projectcalico.io/ipv4pools", Some(CniKey::Ipv4Pools)),
            ("cni.projectcalico.org/ipaddrs", Some(CniKey::IpAddrs)),
            (
                "cni.projectcalico.org/ipAddrsNoIPAM",
                Some(CniKey::IpAddrsNoIpam),
            ),
            (
                "cni.projectcalico.org/floatingIps",
                Some(CniKey::FloatingIps),
            ),
            ("ipv4pools", Some(CniKey::Ipv4Pools)),
            ("cni.projectcalico.org/ipv4pools", None),
            ("cni.projectcalico.org/podIP", None),
            ("cni.projectcalico.org/podIPs", None),
            ("cni.projectcalico.org/hwAddr", None),
            ("ipam.antrea.io/ippools", None),
            ("ipam.cilium.io/ip-pool", None),
            ("projectcalico.org/metadata", None),
            ("qos.projectcalico.org/ingressBandwidth", None),
        ] {
            assert_eq!(meant(key), expected, "{key}");
        }
    }
}

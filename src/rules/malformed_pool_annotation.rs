//! IPP201 malformed-pool-annotation.

use super::prelude::*;
use crate::model::annotations::{Annotation, AnnotationSite, CniKey, Value, parse_ip};
use crate::model::cidr;

declare_rule! {
    /// ## What it does
    /// Checks the values of the Calico CNI annotations `cni.projectcalico.org/ipv4pools`,
    /// `ipv6pools`, `ipAddrs`, `ipAddrsNoIpam`, `floatingIPs` and `ipFamilies` on Namespaces,
    /// Pods and pod templates. Each must be a YAML string holding a JSON
    /// list of strings, decoded as Calico decodes it (Go's `json.Unmarshal` into `[]string`):
    /// - `ipv4pools`/`ipv6pools`: no empty (`""` or `null`) entry;
    /// - `ipAddrs`/`ipAddrsNoIpam`: not empty, each entry a single IP address (not a CIDR);
    /// - `floatingIPs`: each entry an IP address;
    /// - `ipFamilies` (Calico 3.30+): entries exactly `IPv4` or `IPv6`, at least one.
    ///
    /// A value that is not a YAML string (an unquoted `[a, b]` is a YAML list) is reported on any
    /// object. An empty string is not reported: Calico treats it as no annotation, and on a pod
    /// it lets the namespace's value apply.
    ///
    /// ## Why is this bad?
    /// Kubernetes rejects an object whose annotation value is not a string. A value Calico
    /// cannot decode fails every pod it applies to at network setup ("Error parsing IPv4
    /// IPPools", "failed to parse IPs … for annotation", "invalid IP format", "error parsing
    /// ipFamilies"): the pods stay in `ContainerCreating`. Forgetting the inner quotes
    /// (`"[extra-ippool]"`) is the classic mistake (projectcalico/calico#4536).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: team-a
    ///   annotations:
    ///     cni.projectcalico.org/ipv4pools: "[extra-ippool]"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: team-a
    ///   annotations:
    ///     cni.projectcalico.org/ipv4pools: '["extra-ippool"]'
    /// ```
    ///
    /// ## Calico source
    /// `cni-plugin/pkg/k8s/k8s.go` (`CmdAddK8s` annotation handling, `validateAndExtractIPs`,
    /// `parseIPAddrs`), `libcalico-go/lib/backend/k8s/conversion/workload_endpoint_default.go`
    /// (floatingIPs).
    code: "IPP201",
    name: "malformed-pool-annotation",
    severity: Error,
    summary: "`ipv4pools`/`ipv6pools`/`ipAddrs`/`ipAddrsNoIpam`/`floatingIPs`/`ipFamilies` value not in the accepted JSON form",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for site in &ctx.inventory.annotation_sites {
        for annotation in &site.annotations {
            let Some(key) = annotation.cni else { continue };
            if let Value::NotText(wrong) = &annotation.value {
                out.push(
                    RULE.finding(
                        format!(
                            "{} {} is {}, not a string; Kubernetes rejects the object",
                            site.object,
                            site.label_for(key),
                            wrong.found
                        ),
                        Location::at(wrong.loc, Some(site.object.clone())),
                    )
                    .with_label("annotation values must be strings")
                    .with_help(format!(
                        "quote the JSON list so that YAML reads it as a string, e.g. `{}: '{}'`",
                        key.key(),
                        example(key)
                    )),
                );
                continue;
            }
            if !site.place.reads(key) || (key == CniKey::IpFamilies && !ctx.calico.at_least(3, 30))
            {
                continue;
            }
            check_value(site, annotation, key, out);
        }
    }
}

fn check_value(
    site: &AnnotationSite,
    annotation: &Annotation,
    key: CniKey,
    out: &mut Vec<Finding>,
) {
    let Value::Text { text, loc, list } = &annotation.value else {
        return;
    };
    if text.is_empty() {
        return;
    }
    let at = |loc| Location::at(loc, Some(site.object.clone()));
    let entries = match list {
        Ok(entries) => entries,
        Err(fault) => {
            out.push(
                RULE.finding(
                    format!(
                        "{} {} is not a JSON list of strings: {}",
                        site.object,
                        site.label_for(key),
                        fault.message
                    ),
                    at(fault.loc),
                )
                .with_label(short(&fault.message))
                .with_help(json_help(key, text)),
            );
            return;
        }
    };
    match key {
        CniKey::Ipv4Pools | CniKey::Ipv6Pools => {
            for entry in entries.iter().filter(|e| e.text.is_empty()) {
                let what = if entry.null {
                    "null"
                } else {
                    "an empty string"
                };
                out.push(
                    RULE.finding(
                        format!(
                            "{} {} has an entry that is {what}, which names no pool",
                            site.object,
                            site.label_for(key)
                        ),
                        at(entry.loc),
                    )
                    .with_label("empty entry")
                    .with_help(format!(
                        "remove the entry; Calico fails {} with `error parsing pool \"\"`",
                        site.affected()
                    )),
                );
            }
        }
        CniKey::IpAddrs | CniKey::IpAddrsNoIpam | CniKey::FloatingIps => {
            if entries.is_empty() && key != CniKey::FloatingIps {
                out.push(
                    RULE.finding(
                        format!(
                            "{} {} lists no address; Calico fails {}",
                            site.object,
                            site.label_for(key),
                            site.affected()
                        ),
                        at(*loc),
                    )
                    .with_label("specified but empty")
                    .with_help(format!(
                        "list the address to assign, e.g. `'{}'`, or remove the annotation",
                        example(key)
                    )),
                );
            }
            for entry in entries {
                if parse_ip(&entry.text).is_some() {
                    continue;
                }
                let (label, help) = match cidr::parse(&entry.text) {
                    Ok(net) => (
                        "a CIDR, not an address".to_owned(),
                        format!("write the address alone, e.g. `{}`", net.addr()),
                    ),
                    Err(_) => (
                        "not an IP address".to_owned(),
                        format!("write an IPv4 or IPv6 address, e.g. `'{}'`", example(key)),
                    ),
                };
                out.push(
                    RULE.finding(
                        format!(
                            "{} {} has {:?}, which is not an IP address",
                            site.object,
                            site.label_for(key),
                            entry.text
                        ),
                        at(entry.loc),
                    )
                    .with_label(label)
                    .with_help(help),
                );
            }
        }
        CniKey::IpFamilies => {
            if entries.is_empty() {
                out.push(
                    RULE.finding(
                        format!(
                            "{} {} lists no family; Calico assigns no address and fails {}",
                            site.object,
                            site.label_for(key),
                            site.affected()
                        ),
                        at(*loc),
                    )
                    .with_label("no family")
                    .with_help("list `\"IPv4\"`, `\"IPv6\"` or both, or remove the annotation"),
                );
            }
            for entry in entries {
                if matches!(entry.text.as_str(), "IPv4" | "IPv6") {
                    continue;
                }
                let help = match super::closest(&entry.text, ["IPv4", "IPv6"]) {
                    Some(family) => format!("write `{family}` (the names are case-sensitive)"),
                    None => "the only families are `IPv4` and `IPv6`".to_owned(),
                };
                out.push(
                    RULE.finding(
                        format!(
                            "{} {} has {:?}, which is not IPv4 or IPv6",
                            site.object,
                            site.label_for(key),
                            entry.text
                        ),
                        at(entry.loc),
                    )
                    .with_label("not a family")
                    .with_help(help),
                );
            }
        }
    }
}

/// A label for Go's decoding error (the message carries the error itself).
fn short(message: &str) -> &'static str {
    if message.starts_with("unexpected end") {
        "the value ends here"
    } else if message.starts_with("json: cannot unmarshal") {
        "not a list of strings"
    } else {
        "unexpected character"
    }
}

/// A well-formed value for the key, for helps.
fn example(key: CniKey) -> &'static str {
    match key {
        CniKey::Ipv4Pools => r#"["default-ipv4-ippool"]"#,
        CniKey::Ipv6Pools => r#"["default-ipv6-ippool"]"#,
        CniKey::IpAddrs | CniKey::IpAddrsNoIpam | CniKey::FloatingIps => r#"["10.244.1.10"]"#,
        CniKey::IpFamilies => r#"["IPv4", "IPv6"]"#,
    }
}

/// How to fix a value that does not decode: rewrite what was meant when the mistake is the
/// usual one (entries without JSON quotes, or in single quotes), else show the form.
fn json_help(key: CniKey, text: &str) -> String {
    let inner = text
        .trim()
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'));
    if let Some(inner) = inner {
        let words: Vec<&str> = inner
            .split(',')
            .map(|w| w.trim().trim_matches(|c| c == '\'' || c == '"'))
            .collect();
        let plain = |w: &&str| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':' | '/' | '_'))
        };
        if words.iter().all(plain) {
            let fixed: Vec<String> = words.iter().map(|w| format!("{w:?}")).collect();
            return format!(
                "quote each entry with double quotes, inside a single-quoted YAML string: `{}: '[{}]'`",
                key.key(),
                fixed.join(", ")
            );
        }
    }
    format!(
        "write a JSON list of strings in a single-quoted YAML string, e.g. `{}: '{}'`",
        key.key(),
        example(key)
    )
}

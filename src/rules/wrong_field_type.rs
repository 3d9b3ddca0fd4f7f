//! IPP017 wrong-field-type.

use super::prelude::*;
use super::unknown_field::{LEGACY_FIELDS, is_known};
use crate::model::pool::WrongTypeAt;

declare_rule! {
    /// ## What it does
    /// Checks that every IPPool field has the YAML type its schema wants, as Kubernetes reads
    /// YAML (YAML 1.1): `metadata.name`, `cidr`, `ipipMode`, `vxlanMode`, `nodeSelector`,
    /// `namespaceSelector` and `assignmentMode` are strings; `blockSize` is an integer;
    /// `natOutgoing`, `disabled`, `disableBGPExport` and the legacy `nat-outgoing` are booleans;
    /// `allowedUses` is a list of strings. Quoting matters: `"26"` is a
    /// string, while unquoted `yes`, `no`, `on` and `off` are booleans. Fields that the selected
    /// Calico release does not have are left to IPP016 and IPP014.
    ///
    /// ## Why is this bad?
    /// The API server rejects the object ("spec.blockSize: Invalid value: \"string\": spec.blockSize
    /// in body must be of type integer"), and `calicoctl` fails to decode it. A string field given
    /// an unquoted `on` receives `true`, which is not the value that was written.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: 10.245.0.0/16
    ///   blockSize: "26"
    ///   natOutgoing: "yes"
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
    ///   blockSize: 26
    ///   natOutgoing: true
    /// ```
    ///
    /// ## Fix
    /// `--fix` removes the quotes of a quoted whole number or `true`/`false`, and quotes a
    /// number or YAML 1.1 boolean word written for a string field (`ipipMode: off` →
    /// `ipipMode: "off"`), keeping the text as it was written. A quoted boolean word
    /// (`"yes"` → `true`) needs `--unsafe-fixes`.
    ///
    /// ## Calico source
    /// `api/pkg/apis/projectcalico/v3/ippool.go` (`IPPoolSpec` field types), the IPPool CRD
    /// schemas in `libcalico-go/config/crd/`; YAML decoding by `sigs.k8s.io/yaml` (go-yaml v2,
    /// YAML 1.1).
    code: "IPP017",
    name: "wrong-field-type",
    severity: Error,
    summary: "e.g. `blockSize: \"26\"`, `natOutgoing: \"yes\"`",
    fix: SAFE_OR_UNSAFE,
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for pool in ctx.pools().filter(|pool| pool.source.is_resource()) {
        for at in pool.wrong_types() {
            if let Some(field) = at.path.strip_prefix("spec.") {
                let legacy_known = LEGACY_FIELDS.contains(&field) && !ctx.calico.at_least(3, 32);
                if !is_known(field, ctx.calico) && !legacy_known {
                    continue;
                }
            }
            out.push(finding(pool, at));
        }
    }
}

fn finding(pool: &Pool, at: WrongTypeAt<'_>) -> Finding {
    let wrong = at.wrong;
    let key = at.path.rsplit('.').next().unwrap_or(at.path);
    let found = Found::parse(&wrong.found);
    // An item of allowedUses rather than the list itself.
    let item = at.path == "spec.allowedUses" && wrong.expected == "string";
    let message = if item {
        format!(
            "{} of {} must list strings, but has {}",
            at.path,
            pool_name(pool),
            wrong.found
        )
    } else {
        format!(
            "{} of {} must be {}, but is {}",
            at.path,
            pool_name(pool),
            with_article(wrong.expected),
            wrong.found
        )
    };
    let label = format!("{}, not {}", found.kind, with_article(wrong.expected));
    let help = if item {
        item_help(&found)
    } else {
        help(key, wrong.expected, &found)
    };
    let mut finding = RULE
        .finding(message, at_pool(pool, wrong.loc))
        .with_label(label);
    if let Some(help) = help {
        finding = finding.with_help(help);
    }
    if let Some(fix) = fix(key, wrong.expected, &found, wrong.loc).filter(|_| !item) {
        finding = finding.with_fix(fix);
    }
    finding
}

/// The value written as the type the field takes, when the text says which value was meant: a
/// quoted whole number or `true`/`false` unquoted, a YAML 1.1 boolean word or number quoted
/// as the string it was written as. `"yes"` for a boolean reads as true, but is a guess.
fn fix(key: &str, expected: &str, found: &Found<'_>, at: crate::source::Loc) -> Option<Fix> {
    use crate::report::{Edit, Quoting};
    let edit = |content: String, quoting| Edit {
        loc: at,
        content,
        quoting,
    };
    let raw = found.raw?;
    let (applicability, edit) = match (expected, found.kind) {
        ("integer", "string") => {
            let text = raw.trim();
            text.parse::<i64>().ok()?;
            (Applicability::Safe, edit(text.to_owned(), Quoting::Unquote))
        }
        ("boolean", "string") => match raw {
            "true" | "false" => (Applicability::Safe, edit(raw.to_owned(), Quoting::Unquote)),
            text => {
                let value = yaml11_bool(text.trim())?;
                (
                    Applicability::Unsafe,
                    edit(value.to_string(), Quoting::Unquote),
                )
            }
        },
        ("string", "boolean" | "integer" | "number") => {
            (Applicability::Safe, edit(raw.to_owned(), Quoting::Quote))
        }
        _ => return None,
    };
    let message = match edit.quoting {
        Quoting::Quote => format!("quote it: {key}: \"{}\"", edit.content),
        _ => format!("write {key}: {}", edit.content),
    };
    Some(Fix {
        applicability,
        message,
        edits: vec![edit],
    })
}

fn item_help(found: &Found<'_>) -> Option<String> {
    Some(match (found.kind, found.raw) {
        ("boolean", Some(raw)) => format!(
            "YAML 1.1 reads an unquoted {raw} as a boolean; write a use: Workload, Tunnel or LoadBalancer"
        ),
        ("null", _) => "remove the empty item".to_owned(),
        _ => "write each use by name: Workload, Tunnel or LoadBalancer".to_owned(),
    })
}

/// How messages name the pool; by its CIDR when the name itself is what is wrong.
fn pool_name(pool: &Pool) -> String {
    match (&pool.name, pool.cidr.value()) {
        (Field::Set(_), _) | (_, None) => pool.display_name(),
        (_, Some(cidr)) => format!("the IPPool with cidr {cidr}"),
    }
}

/// `WrongType::found` taken apart: `string "26"` → kind `string`, raw `26`.
struct Found<'a> {
    kind: &'a str,
    /// The value as written, when it can be recovered (no escapes in a string).
    raw: Option<&'a str>,
}

impl<'a> Found<'a> {
    fn parse(found: &'a str) -> Self {
        let (kind, rest) = found.split_once(' ').unwrap_or((found, ""));
        let raw = match kind {
            "string" => rest
                .strip_prefix('"')
                .and_then(|r| r.strip_suffix('"'))
                .filter(|r| !r.contains('\\')),
            "boolean" | "integer" | "number" => Some(rest),
            _ => None,
        };
        let kind = match (kind, found) {
            (_, "a list") => "list",
            (_, "a map") => "map",
            _ => kind,
        };
        Self { kind, raw }
    }
}

fn with_article(expected: &str) -> String {
    match expected {
        "integer" => "an integer".to_owned(),
        "list of strings" => "a list of strings".to_owned(),
        other => format!("a {other}"),
    }
}

/// YAML 1.1 spellings of booleans (go-yaml v2), by the value they read as.
fn yaml11_bool(text: &str) -> Option<bool> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            Some(false)
        }
        _ => None,
    }
}

fn help(key: &str, expected: &str, found: &Found<'_>) -> Option<String> {
    let raw = found.raw;
    let help = match (expected, found.kind) {
        ("integer", "string") => match raw.map(str::trim) {
            Some(text) if text.parse::<i64>().is_ok() => {
                format!("remove the quotes: `{key}: {text}`")
            }
            _ => format!("write a whole number, e.g. `{key}: 26`"),
        },
        ("integer", "number") => format!("write a whole number, e.g. `{key}: 26`"),
        ("integer", _) => format!("write a whole number, e.g. `{key}: 26`"),
        ("boolean", "string") => match raw {
            Some(text @ ("true" | "false")) => format!("remove the quotes: `{key}: {text}`"),
            Some(text) => match yaml11_bool(text.trim()) {
                Some(value) => format!("use true or false: `{key}: {value}`"),
                None => format!("use true or false, e.g. `{key}: true`"),
            },
            None => format!("use true or false, e.g. `{key}: true`"),
        },
        ("boolean", _) => format!("use true or false, e.g. `{key}: true`"),
        ("string", "boolean" | "integer" | "number") => {
            let written = raw.unwrap_or_default();
            let why = if found.kind == "boolean" && written != "true" && written != "false" {
                format!("YAML 1.1 reads an unquoted {written} as a boolean; ")
            } else {
                String::new()
            };
            format!("{why}quote it: `{key}: \"{written}\"`")
        }
        ("string", _) => format!("write a single string: `{key}: \"...\"`"),
        ("list of strings", "string") => match raw {
            Some(text) => format!("write a list: `{key}: [{text}]`"),
            None => format!("write a list, e.g. `{key}: [Workload]`"),
        },
        ("list of strings", _) => format!("write a list, e.g. `{key}: [Workload]`"),
        _ => return None,
    };
    Some(help)
}

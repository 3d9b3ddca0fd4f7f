//! IPP018 invalid-metadata.

use super::prelude::*;
use crate::model::metadata::MetadataFact;
use crate::model::pool::Spanned;
use crate::source::Loc;

/// Label values, and the name part of label and annotation keys, stop at 63 characters.
const MAX_NAME_PART: usize = 63;
/// The prefix of a key (`projectcalico.org` in `projectcalico.org/zone`) is a DNS subdomain.
const MAX_PREFIX: usize = 253;
/// Keys and values of all annotations of one object together.
const MAX_ANNOTATIONS_BYTES: usize = 256 * 1024;

declare_rule! {
    /// ## What it does
    /// Checks the labels and annotations of IPPools, and of the Nodes and Namespaces whose
    /// labels pool selectors read, against the rules Calico's validator and the Kubernetes API
    /// server apply (see the sources below):
    /// - a label key is a qualified name: an optional lowercase DNS subdomain prefix of at most
    ///   253 characters and `/`, then a name of at most 63 characters of letters, digits, `-`,
    ///   `_` and `.` that starts and ends with a letter or digit;
    /// - a label value is empty, or at most 63 characters of that same kind;
    /// - an annotation key, lower-cased, is a qualified name;
    /// - all annotation keys and values of an object total at most 256 KiB (262,144 bytes).
    ///
    /// ## Why is this bad?
    /// The API server rejects the object (`metadata.labels: Invalid value`, `metadata.annotations:
    /// Too long: must have at most 262144 bytes`), and Calico's validator rejects the pool, so
    /// `kubectl apply` fails or, for a Node label written by automation, the selector that
    /// should match it never does.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: rack-1-ippool
    ///   labels:
    ///     ProjectCalico.org/rack: rack-1
    /// spec:
    ///   cidr: 10.245.0.0/16
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: rack-1-ippool
    ///   labels:
    ///     projectcalico.org/rack: rack-1
    /// spec:
    ///   cidr: 10.245.0.0/16
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/validator/v3/validator.go` (`validateObjectMetaLabels`,
    /// `validateObjectMetaAnnotations`); Kubernetes `IsQualifiedName`, `IsValidLabelValue` and
    /// `ValidateAnnotationsSize` (`k8s.io/apimachinery/pkg/util/validation`,
    /// `k8s.io/apimachinery/pkg/api/validation/objectmeta.go`).
    code: "IPP018",
    name: "invalid-metadata",
    severity: Error,
    summary: "label or annotation Calico and kube-apiserver reject",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for fact in &ctx.inventory.metadata {
        for label in &fact.labels {
            if let Some(fault) = qualified_name_fault(&label.key.value) {
                out.push(key_finding(fact, &label.key, "label", &fault));
            }
            if let Some(value) = &label.value
                && let Some(fault) = label_value_fault(&value.value)
            {
                out.push(
                    RULE.finding(
                        format!(
                            "{} has an invalid value for label {:?}: {}",
                            fact.display_name(),
                            label.key.value,
                            fault.message
                        ),
                        Location::at(fault.loc(value), Some(fact.object.clone())),
                    )
                    .with_label(fault.label)
                    .with_help(
                        "a label value is empty or at most 63 letters, digits, '-', '_' and '.', \
                         starting and ending with a letter or digit; keep longer text in an \
                         annotation",
                    ),
                );
            }
        }
        for annotation in &fact.annotations {
            let lowered = annotation.key.value.to_ascii_lowercase();
            if let Some(fault) = qualified_name_fault(&lowered) {
                out.push(key_finding(fact, &annotation.key, "annotation", &fault));
            }
        }
        let total: usize = fact
            .annotations
            .iter()
            .map(|annotation| annotation.key.value.len() + annotation.value_len)
            .sum();
        if total > MAX_ANNOTATIONS_BYTES
            && let Some(key) = fact.annotations_key
        {
            out.push(
                RULE.finding(
                    format!(
                        "the annotations of {} total {total} bytes: metadata.annotations must \
                         have at most {MAX_ANNOTATIONS_BYTES} bytes",
                        fact.display_name()
                    ),
                    Location::at(key, Some(fact.object.clone())),
                )
                .with_label(format!("{} bytes over", total - MAX_ANNOTATIONS_BYTES))
                .with_help(
                    "keep large data (last-applied configurations, certificates) out of \
                     annotations, e.g. apply with `kubectl apply --server-side`",
                ),
            );
        }
    }
}

fn key_finding(fact: &MetadataFact, key: &Spanned<String>, what: &str, fault: &Fault) -> Finding {
    RULE.finding(
        format!(
            "{} has an invalid {what} key {:?}: {}",
            fact.display_name(),
            key.value,
            fault.message
        ),
        Location::at(fault.loc(key), Some(fact.object.clone())),
    )
    .with_label(fault.label)
    .with_help(
        "a key is `name` or `prefix/name`: the prefix a lowercase DNS subdomain such as \
         `projectcalico.org`, the name at most 63 letters, digits, '-', '_' and '.', starting \
         and ending with a letter or digit",
    )
}

/// What is wrong, and which bytes of the value it is about.
#[derive(Debug, PartialEq, Eq)]
struct Fault {
    message: String,
    label: &'static str,
    start: usize,
    end: usize,
}

impl Fault {
    fn loc(&self, written: &Spanned<String>) -> Loc {
        written.loc_within(&written.value, self.start, self.end)
    }
}

fn fault(message: impl Into<String>, label: &'static str, start: usize, end: usize) -> Fault {
    Fault {
        message: message.into(),
        label,
        start,
        end,
    }
}

fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// Kubernetes `IsQualifiedName`: `[prefix/]name`.
fn qualified_name_fault(key: &str) -> Option<Fault> {
    let (prefix, name, name_start) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name, prefix.len() + 1),
        None => (None, key, 0),
    };
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            return Some(fault("prefix part must be non-empty", "empty prefix", 0, 1));
        }
        if prefix.len() > MAX_PREFIX {
            return Some(fault(
                format!("prefix part must be no more than {MAX_PREFIX} characters"),
                "prefix too long",
                0,
                prefix.len(),
            ));
        }
        if let Some(subdomain) = super::pool_name::first_fault(prefix) {
            return Some(fault(
                "prefix part must be a lowercase RFC 1123 subdomain (lower-case letters, \
                 digits, '-' and '.')",
                "not a lowercase DNS subdomain",
                subdomain.start,
                subdomain.end,
            ));
        }
    }
    if name.is_empty() {
        return Some(fault(
            "name part must be non-empty",
            "empty name",
            name_start.saturating_sub(1),
            key.len(),
        ));
    }
    if name.len() > MAX_NAME_PART {
        return Some(fault(
            format!("name part must be no more than {MAX_NAME_PART} characters"),
            "name too long",
            name_start + MAX_NAME_PART,
            key.len(),
        ));
    }
    name_part_fault(name, "name part").map(|mut fault| {
        fault.start += name_start;
        fault.end += name_start;
        fault
    })
}

/// Kubernetes `IsValidLabelValue`.
fn label_value_fault(value: &str) -> Option<Fault> {
    if value.is_empty() {
        return None;
    }
    if value.len() > MAX_NAME_PART {
        let mut cut = MAX_NAME_PART;
        while !value.is_char_boundary(cut) {
            cut -= 1;
        }
        return Some(fault(
            format!(
                "must be no more than {MAX_NAME_PART} characters, but is {}",
                value.len()
            ),
            "over 63 characters",
            cut,
            value.len(),
        ));
    }
    name_part_fault(value, "a label value")
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, with where it breaks.
fn name_part_fault(text: &str, what: &str) -> Option<Fault> {
    if let Some((at, c)) = text.char_indices().find(|&(_, c)| !name_char(c)) {
        return Some(fault(
            format!(
                "{what} must consist of alphanumeric characters, '-', '_' or '.', and must \
                 start and end with an alphanumeric character"
            ),
            "not a letter, digit, '-', '_' or '.'",
            at,
            at + c.len_utf8(),
        ));
    }
    let first = text.chars().next()?;
    let last = text.chars().last()?;
    let ends = [(0, first, "must start with a letter or digit")];
    let tail = [(text.len() - 1, last, "must end with a letter or digit")];
    ends.into_iter()
        .chain(tail)
        .find(|(_, c, _)| !c.is_ascii_alphanumeric())
        .map(|(at, _, label)| {
            fault(
                format!(
                    "{what} must consist of alphanumeric characters, '-', '_' or '.', and must \
                     start and end with an alphanumeric character"
                ),
                label,
                at,
                at + 1,
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualified_names() {
        for good in [
            "zone",
            "projectcalico.org/zone",
            "kubernetes.io/metadata.name",
            "a_b.c-D",
            "x/Y",
            &"a".repeat(63),
        ] {
            assert_eq!(qualified_name_fault(good), None, "{good}");
        }
        for bad in [
            "ProjectCalico.org/label",
            "projectcalico.org$label",
            "/zone",
            "zone/",
            "-zone",
            "zone_",
            "a/b/c",
            "é",
            &"a".repeat(64),
            &format!("{}/x", "a".repeat(254)),
        ] {
            assert!(qualified_name_fault(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn label_values() {
        for good in ["", "a", "rack-1", "A_b.c", &"v".repeat(63)] {
            assert_eq!(label_value_fault(good), None, "{good:?}");
        }
        for bad in [&"v".repeat(64), "-a", "a-", "a b", "a/b", "é"] {
            assert!(label_value_fault(bad).is_some(), "{bad:?}");
        }
    }
}

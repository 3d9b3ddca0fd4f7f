//! IPP015 invalid-pool-name.

use super::prelude::*;

/// Kubernetes and Calico cap object names at 253 bytes.
const MAX_NAME_LENGTH: usize = 253;

declare_rule! {
    /// ## What it does
    /// Checks that `metadata.name` is present, at most 253 characters long, and a lowercase
    /// DNS-1123 subdomain: lower-case letters, digits, `-` and `.`, each dot-separated part
    /// starting and ending with a letter or digit. Unlike Kubernetes
    /// labels there is no 63-character limit per part; `_` and upper case are not allowed,
    /// whatever older Calico docs say.
    ///
    /// ## Why is this bad?
    /// Calico ("name must consist of lower case alphanumeric characters, '-' or '.'", "name is
    /// too long by N bytes") and the Kubernetes API server reject the pool.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: Rack_1-ippool
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
    /// spec:
    ///   cidr: 10.245.0.0/16
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/validator/v3/validator.go` (`validateObjectMeta`), Kubernetes
    /// `IsDNS1123Subdomain`.
    code: "IPP015",
    name: "invalid-pool-name",
    severity: Error,
    summary: "metadata.name not a lowercase DNS-1123 subdomain ≤ 253 chars",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for pool in ctx.pools() {
        let name = match &pool.name {
            Field::Set(name) => name,
            // A wrong-typed name is IPP017's to report.
            Field::WrongType(_) => continue,
            Field::Absent => {
                out.push(
                    RULE.finding(
                        format!("{} has no metadata.name", unnamed(pool)),
                        at_pool(pool, pool.anchor),
                    )
                    .with_label("metadata.name is required")
                    .with_help(
                        "add `metadata: {name: ...}` with a lowercase name such as `extra-ippool`",
                    ),
                );
                continue;
            }
        };
        let text = &name.value;
        if text.is_empty() {
            out.push(
                RULE.finding(
                    format!("{} has an empty metadata.name", unnamed(pool)),
                    at_pool(pool, name.loc),
                )
                .with_label("empty")
                .with_help("write a lowercase name such as `extra-ippool`"),
            );
            continue;
        }
        let display = short_display(pool, text);
        if text.len() > MAX_NAME_LENGTH {
            let over = text.len() - MAX_NAME_LENGTH;
            // Point at what is over the limit (the last `over` bytes, on a character boundary).
            let mut cut = MAX_NAME_LENGTH;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            out.push(
                RULE.finding(
                    format!(
                        "{display} has a metadata.name of {} bytes: name is too long by {over} {}",
                        text.len(),
                        if over == 1 { "byte" } else { "bytes" }
                    ),
                    at_pool(pool, name.loc_within(text, cut, text.len())),
                )
                .with_label(format!("over the limit of {MAX_NAME_LENGTH}"))
                .with_help(format!(
                    "shorten the name to at most {MAX_NAME_LENGTH} characters"
                )),
            );
        }
        let Some(fault) = first_fault(text) else {
            continue;
        };
        let mut finding = RULE
            .finding(
                format!(
                    "{display} has an invalid metadata.name: it must be a lowercase DNS-1123 subdomain (lower-case letters, digits, '-' and '.')"
                ),
                at_pool(pool, name.loc_within(text, fault.start, fault.end)),
            )
            .with_label(fault.reason);
        if let Some(suggestion) = suggest(text) {
            finding = finding.with_help(format!("use a name such as `{suggestion}`"));
        } else {
            finding = finding.with_help("use lower-case letters, digits, '-' and '.' only");
        }
        out.push(finding);
    }
}

/// How to name a pool that has no usable name: by its CIDR when it has one.
fn unnamed(pool: &Pool) -> String {
    match pool.cidr.value() {
        Some(cidr) => format!("IPPool with cidr {cidr}"),
        None => "IPPool".to_owned(),
    }
}

/// `IPPool <name>`, with an over-long name cut short so the message stays one readable line.
fn short_display(pool: &Pool, name: &str) -> String {
    const MAX: usize = 60;
    if name.chars().count() <= MAX {
        pool.display_name()
    } else {
        let start: String = name.chars().take(MAX).collect();
        format!("IPPool {start}…")
    }
}

/// Where and why a name is not a lowercase DNS-1123 subdomain.
pub(super) struct Fault {
    pub(super) start: usize,
    pub(super) end: usize,
    reason: &'static str,
}

fn alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// The first place where `name` breaks
/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*`, written by hand. IPP018
/// checks the prefix of label and annotation keys with it too.
pub(super) fn first_fault(name: &str) -> Option<Fault> {
    let at = |start: usize, c: char, reason| Fault {
        start,
        end: start + c.len_utf8(),
        reason,
    };
    // Characters first: a bad character explains more than a misplaced '-' or '.'.
    for (i, c) in name.char_indices() {
        if c.is_ascii_uppercase() {
            return Some(at(i, c, "upper case is not allowed"));
        }
        if !(alnum(c) || c == '-' || c == '.') {
            let reason = if c == '_' {
                "'_' is not allowed"
            } else {
                "not a lower-case letter, digit, '-' or '.'"
            };
            return Some(at(i, c, reason));
        }
    }
    let mut part_start = 0;
    for part in name.split('.') {
        match (part.chars().next(), part.chars().last()) {
            (None, _) => {
                // An empty part: a leading, trailing or doubled '.'.
                let dot = if part_start == 0 { 0 } else { part_start - 1 };
                return Some(at(dot, '.', "empty part between dots"));
            }
            (Some(first), _) if !alnum(first) => {
                return Some(at(part_start, first, "must start with a letter or digit"));
            }
            (_, Some(last)) if !alnum(last) => {
                return Some(at(
                    part_start + part.len() - last.len_utf8(),
                    last,
                    "must end with a letter or digit",
                ));
            }
            _ => {}
        }
        part_start += part.len() + 1;
    }
    None
}

/// A valid name close to `name`: lower-cased, other characters turned into '-', each
/// dot-separated part trimmed of '-', empty parts dropped.
fn suggest(name: &str) -> Option<String> {
    let mapped: String = name
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if alnum(c) || c == '.' { c } else { '-' }
        })
        .collect();
    let parts: Vec<&str> = mapped
        .split('.')
        .map(|part| part.trim_matches('-'))
        .filter(|part| !part.is_empty())
        .collect();
    let mut suggestion = parts.join(".");
    if suggestion.len() > MAX_NAME_LENGTH {
        suggestion.truncate(MAX_NAME_LENGTH);
        let trimmed = suggestion.trim_end_matches(['-', '.']).len();
        suggestion.truncate(trimmed);
    }
    (!suggestion.is_empty() && suggestion != name && first_fault(&suggestion).is_none())
        .then_some(suggestion)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns1123_subdomains() {
        for good in ["a", "a.b-c.d", "0", "pool-1", "a--b", &"a".repeat(300)] {
            assert!(first_fault(good).is_none(), "{good}");
        }
        for bad in [
            "A", "a_b", "-a", "a-", "a.", ".a", "a..b", "a.-b", "a b", "é",
        ] {
            assert!(first_fault(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("Rack_1-IPPool").as_deref(), Some("rack-1-ippool"));
        assert_eq!(suggest("-pool-.").as_deref(), Some("pool"));
        assert_eq!(suggest("a..b").as_deref(), Some("a.b"));
        assert_eq!(suggest("___"), None);
    }
}

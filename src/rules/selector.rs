//! IPP012 invalid-selector.

use super::prelude::*;
use crate::model::pool::{SelectorField, Spanned};

/// The v3 CRD schema caps both selectors at 1024 characters on master.
const MAX_SELECTOR_LENGTH: usize = 1024;

declare_rule! {
    /// ## What it does
    /// Checks `spec.nodeSelector` and (from Calico 3.31) `spec.namespaceSelector`:
    /// - the value must parse as a Calico selector; the label sits
    ///   under the character Calico's parser stops at. A value that ends in a newline — what a
    ///   `|` block scalar gives — never parses, because a newline is not selector whitespace;
    /// - it must not contain `global(` (Calico 3.31 and later);
    /// - it must be at most 1024 characters long (Calico master, `--calico-version 3.33`);
    /// - it must not be an unquoted `!all()` or `!has(...)`: YAML reads a leading `!` as a tag,
    ///   so Calico receives an empty selector, which selects everything (projectcalico/calico#2385).
    ///
    /// ## Why is this bad?
    /// Calico rejects a pool whose selector does not parse or uses `global()`, and the CRD rejects
    /// an over-long one. An unquoted `!all()` is worse: it is accepted, and the pool meant to select
    /// no node selects every node.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: zone-a-ippool
    /// spec:
    ///   cidr: 10.245.0.0/16
    ///   nodeSelector: zone = "a"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: zone-a-ippool
    /// spec:
    ///   cidr: 10.245.0.0/16
    ///   nodeSelector: zone == "a"
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/selector/` (tokenizer and parser), `libcalico-go/lib/validator/v3/validator.go`
    /// (`validateIPPoolSpec`: selector tag, "global() selector is not valid for IPPool
    /// nodeSelector"), CRD `maxLength: 1024` in `api/pkg/apis/projectcalico/v3/ippool.go` (master).
    code: "IPP012",
    name: "invalid-selector",
    severity: Error,
    summary: "nodeSelector/namespaceSelector that does not parse, contains `global(`, > 1024 chars, trailing newline",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for pool in ctx.pools() {
        if let Some(selector) = pool.node_selector.spanned() {
            check_one(ctx, pool, "nodeSelector", selector, out);
        }
        // Before 3.31 namespaceSelector is not an IPPool field (IPP016 reports it).
        if ctx.calico.at_least(3, 31)
            && let Some(selector) = pool.namespace_selector.spanned()
        {
            check_one(ctx, pool, "namespaceSelector", selector, out);
        }
    }
}

fn check_one(
    ctx: &Context<'_>,
    pool: &Pool,
    field: &str,
    selector: &Spanned<Box<SelectorField>>,
    out: &mut Vec<Finding>,
) {
    let name = pool.display_name();
    let text = &selector.value.text;

    // An unquoted `!all()`: whatever follows the tag is not what was meant, so this is the only
    // finding worth giving for the field.
    if let Some(tag) = &selector.value.yaml_tag {
        let written = if text.is_empty() {
            tag.clone()
        } else {
            format!("{tag} {text}")
        };
        let seen = if text.is_empty() {
            "an empty selector, which selects everything".to_owned()
        } else {
            format!("only {text:?}")
        };
        out.push(
            RULE.finding(
                format!(
                    "{name} has an unquoted {field} `{written}`: YAML reads `{tag}` as a tag, so Calico sees {seen}"
                ),
                at_pool(pool, tag_loc(selector, tag)),
            )
            .with_label("read as a YAML tag")
            .with_help(format!("quote the selector: `{field}: {}`", yaml_quote(&written))),
        );
        return;
    }

    if let Err(fault) = &selector.value.parsed {
        let help = if text.ends_with('\n') {
            format!(
                "the value ends in a newline (a `|` block scalar keeps it) and Calico does not accept a newline in a selector: write `{field}: |-` or a quoted string"
            )
        } else {
            syntax_help(&fault.message)
        };
        out.push(
            RULE.finding(
                format!(
                    "{name} has an invalid {field} {}: {}",
                    short(text),
                    fault.message
                ),
                at_pool(pool, fault.loc),
            )
            .with_label(fault.message.clone())
            .with_help(help),
        );
    }

    if ctx.calico.at_least(3, 31)
        && let Some(start) = text.find("global(")
    {
        let at = selector.loc_within(text, start, start + "global(".len());
        out.push(
            RULE.finding(
                format!(
                    "{name} has {field} {} that uses global(), which Calico 3.31+ rejects in IPPool selectors",
                    short(text)
                ),
                at_pool(pool, at),
            )
            .with_label("global() is not valid here")
            .with_help("use all() to select everything"),
        );
    }

    let length = text.chars().count();
    if ctx.calico.at_least(3, 33) && length > MAX_SELECTOR_LENGTH {
        // The characters past the limit.
        let excess = text
            .char_indices()
            .nth(MAX_SELECTOR_LENGTH)
            .map_or(text.len(), |(at, _)| at);
        out.push(
            RULE.finding(
                format!(
                    "{name} has a {field} of {length} characters; Calico 3.33+ allows at most {MAX_SELECTOR_LENGTH}"
                ),
                at_pool(pool, selector.loc_within(text, excess, text.len())),
            )
            .with_label(format!("{} characters over the limit", length - MAX_SELECTOR_LENGTH))
            .with_help(
                "shorten the selector, e.g. label the nodes with one label and select on it",
            ),
        );
    }
}

/// Where the tag is: an empty tagged scalar starts right after its tag (`nodeSelector: !all()`),
/// so the tag is the `tag.len()` bytes before it. Otherwise the value.
fn tag_loc(selector: &Spanned<Box<SelectorField>>, tag: &str) -> crate::source::Loc {
    let loc = selector.loc;
    let span = loc.span();
    if selector.value.text.is_empty()
        && span.start == span.end
        && let Some(start) = span.start.checked_sub(tag.len())
    {
        return crate::source::Loc::new(loc.source, crate::source::Span { start, ..span });
    }
    loc
}

/// A help for Calico's parser errors.
fn syntax_help(message: &str) -> String {
    let help = match message {
        "expected ==" => "compare with `==` (or `!=`), e.g. `zone == \"a\"`",
        "expected &&" => "write `&&` for \"and\"",
        "expected ||" => "write `||` for \"or\"",
        "expected string" => "quote the value, e.g. `zone == \"a\"`",
        "expected set literal" => "write the set in braces, e.g. `zone in {\"a\", \"b\"}`",
        "unterminated string" => "close the string with the quote it started with",
        "expected )" => "close the parenthesis",
        "expected }" => "close the set with `}`",
        _ if message.starts_with("expected operator after label") => {
            "after a label write an operator: `==`, `!=`, `in`, `not in`, `contains`, `starts with` or `ends with`"
        }
        _ => {
            "see the Calico selector syntax, e.g. `all()`, `has(zone)`, `zone == \"a\" && rack != \"r1\"`, `zone in {\"a\", \"b\"}`"
        }
    };
    help.to_owned()
}

/// The selector as messages quote it: in full when short, else its start.
fn short(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        format!("{text:?}")
    } else {
        let start: String = text.chars().take(MAX).collect();
        format!("{start:?}…")
    }
}

/// A YAML scalar that reads back as `text`: single quotes unless the text has one.
fn yaml_quote(text: &str) -> String {
    if text.contains('\'') {
        format!("{text:?}")
    } else {
        format!("'{text}'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Loc, Span};

    fn spanned(start: usize, end: usize) -> Spanned<()> {
        Spanned {
            value: (),
            loc: Loc::new(0, Span { start, end }),
        }
    }

    #[test]
    fn points_into_plain_and_simply_quoted_scalars_only() {
        let text = "a || global()";
        // Plain: the source is the value.
        let plain = spanned(100, 100 + text.len()).loc_within(text, 5, 12);
        assert_eq!((plain.span().start, plain.span().end), (105, 112));
        // Quoted without escapes: one quote character before the value.
        let quoted = spanned(100, 102 + text.len()).loc_within(text, 5, 12);
        assert_eq!((quoted.span().start, quoted.span().end), (106, 113));
        // Anything else (escapes, folding, block scalars): the whole scalar.
        let other = spanned(100, 150).loc_within(text, 5, 12);
        assert_eq!((other.span().start, other.span().end), (100, 150));
    }

    #[test]
    fn quoting_for_help() {
        assert_eq!(yaml_quote("!all()"), "'!all()'");
        assert_eq!(yaml_quote("!has(a) && b == 'c'"), "\"!has(a) && b == 'c'\"");
    }
}

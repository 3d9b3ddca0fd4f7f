//! IPP001 invalid-cidr.

use super::prelude::*;
use crate::model::cidr::{self, CidrError};

/// Calico's v3.32+ CRD schema caps `cidr` at 48 characters.
const MAX_CIDR_LENGTH: usize = 48;

declare_rule! {
    /// ## What it does
    /// Checks that `spec.cidr` is present and is a subnet Calico accepts: an IPv4 or IPv6
    /// address with a prefix length in range, at most 48 characters
    /// long from Calico 3.32 on.
    ///
    /// ## Why is this bad?
    /// Calico rejects the pool ("IPPool CIDR must be specified", "IPPool CIDR must be a valid
    /// subnet"). A bare address such as `10.0.0.1` passes Calico's field validator but is
    /// rejected by the strict parse of its client and by the CRD's `format: cidr`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: 10.0.0.0/33
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
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/clientv3/ippool.go` (`validateAndSetDefaults`),
    /// `libcalico-go/lib/validator/v3/validator.go` (`validateIPPoolSpec`), CRD `format: cidr`.
    code: "IPP001",
    name: "invalid-cidr",
    severity: Error,
    summary: "`cidr` missing, not a CIDR, bare IP, prefix out of range, > 48 chars",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for pool in ctx.pools() {
        let name = pool.display_name();
        let cidr = match &pool.cidr {
            Field::Set(cidr) => cidr,
            // A wrong-typed value is IPP017's to report.
            Field::WrongType(_) => continue,
            Field::Absent => {
                let field = if pool.source.is_resource() {
                    "spec.cidr".to_owned()
                } else {
                    pool.field_name("cidr")
                };
                out.push(
                    RULE.finding(format!("{name} has no {field}"), at_pool(pool, pool.anchor))
                        .with_label(format!("{field} is required"))
                        .with_help(
                            "add `cidr:` with the pool's subnet, e.g. `cidr: 10.244.0.0/16`",
                        ),
                );
                continue;
            }
        };
        let text = &cidr.value;
        let location = at_pool(pool, cidr.loc);
        if ctx.calico.at_least(3, 32) && text.chars().count() > MAX_CIDR_LENGTH {
            out.push(
                RULE.finding(
                    format!(
                        "{name} has a cidr of {} characters; Calico 3.32+ allows at most {MAX_CIDR_LENGTH}",
                        text.chars().count()
                    ),
                    location.clone(),
                )
                .with_label("too long")
                .with_help("write the subnet in its compressed form, e.g. fd00::/64"),
            );
            continue;
        }
        let Err(error) = cidr::parse(text) else {
            continue;
        };
        let help = match &error {
            CidrError::Empty => "set `cidr:` to the pool's subnet, e.g. `cidr: 10.244.0.0/16`".to_owned(),
            CidrError::BareAddress(addr) => {
                let bits = crate::model::cidr::Family::of_addr(addr).bits();
                format!("write a subnet with its prefix length, e.g. `{addr}/{bits}` for a single address")
            }
            CidrError::PrefixOutOfRange { max, .. } => {
                format!("the prefix length of this family must be between 0 and {max}")
            }
            CidrError::Invalid => {
                "write an IPv4 or IPv6 subnet in CIDR notation, e.g. 10.244.0.0/16 or fd00:10:244::/64"
                    .to_owned()
            }
        };
        out.push(
            RULE.finding(
                format!("{name} has an invalid cidr {text:?}: {error}"),
                location,
            )
            .with_label(error.to_string())
            .with_help(help),
        );
    }
}

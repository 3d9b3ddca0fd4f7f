//! IPP004 block-size-out-of-range.

use super::prelude::*;

/// The CRD OpenAPI bound on `blockSize` (v3.32+), which applies whatever the family.
const SCHEMA_RANGE: std::ops::RangeInclusive<i64> = 0..=128;

declare_rule! {
    /// ## What it does
    /// Checks that a written, non-zero `spec.blockSize` is in the range Calico accepts for the
    /// pool's family: 20–32 for IPv4 and 116–128 for IPv6. `0` means "the
    /// default" (26 or 122) and is fine. When the `cidr` does not parse, only values outside the
    /// CRD schema's 0–128 are reported.
    ///
    /// ## Why is this bad?
    /// Calico rejects the pool ("IPv4 block size must be between 20 and 32", "IPv6 block size
    /// must be between 116 and 128"). The block size is also immutable, so a pool created
    /// through a path that skipped the check (a `crd.projectcalico.org/v1` object before 3.32)
    /// can only be fixed by migrating to a new pool.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: 10.0.0.0/16
    ///   blockSize: 19
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
    ///   blockSize: 20
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/clientv3/ippool.go` (`validateAndSetDefaults`, up to 3.32), the CRD
    /// schema (`blockSize` 0–128, 3.32+) and the CRD rule in
    /// `api/pkg/apis/projectcalico/v3/ippool.go` (master).
    code: "IPP004",
    name: "block-size-out-of-range",
    severity: Error,
    summary: "IPv4 20–32, IPv6 116–128",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for pool in ctx.pools() {
        let Some(block_size) = pool.block_size.spanned() else {
            continue;
        };
        let size = block_size.value;
        if size == 0 {
            continue;
        }
        let location = at_pool(pool, block_size.loc);
        let name = pool.display_name();
        let finding = match pool.family() {
            Some(family) => {
                let range = family.block_size_range();
                if range.contains(&size) {
                    continue;
                }
                let (low, high) = (range.start(), range.end());
                RULE.finding(
                    format!(
                        "{name} has blockSize {size}; {} pools need {low}–{high}",
                        family.name()
                    ),
                    location,
                )
                .with_label(format!("outside {low}–{high}"))
                .with_help(format!(
                    "use a blockSize between {low} and {high}, or omit it for the default {}",
                    family.default_block_size()
                ))
            }
            None => {
                if SCHEMA_RANGE.contains(&size) {
                    continue;
                }
                RULE.finding(
                    format!(
                        "{name} has blockSize {size}, outside even the 0–128 of Calico's schema; IPv4 pools need 20–32, IPv6 pools 116–128"
                    ),
                    location,
                )
                .with_label("outside 0–128")
                .with_help("use 20–32 for an IPv4 pool or 116–128 for an IPv6 pool, or omit it for the default")
            }
        };
        out.push(finding);
    }
}

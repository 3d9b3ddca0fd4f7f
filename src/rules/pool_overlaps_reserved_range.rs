//! IPP110 pool-overlaps-reserved-range.

use std::sync::LazyLock;

use ipnet::IpNet;

use super::prelude::*;
use crate::model::cidr::{self, Family};

declare_rule! {
    /// ## What it does
    /// Checks that no pool, disabled or not, overlaps an address range that cannot hold host
    /// addresses: IPv4 "this network" 0.0.0.0/8, loopback 127.0.0.0/8, multicast 224.0.0.0/4,
    /// reserved (former class E) 240.0.0.0/4 and limited broadcast 255.255.255.255/32; IPv6
    /// unspecified ::/128, loopback ::1/128 and multicast ff00::/8. A pool overlapping several, such as 0.0.0.0/0, gets one
    /// finding naming them all. Link-local ranges are `link-local-overlap`'s.
    ///
    /// ## Why is this bad?
    /// Calico accepts such a pool and hands out its addresses, but hosts and routers treat
    /// them specially: loopback addresses never leave a host, multicast and broadcast are not
    /// unicast destinations, and 0.0.0.0/8 and 240.0.0.0/4 are dropped by many stacks. Pods
    /// given them cannot be reached. A pool this wide is usually a typo in the prefix length.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 127.0.0.0/16
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 10.244.0.0/16
    /// ```
    ///
    /// ## Calico source
    /// Not checked by Calico, which rejects only the link-local ranges; the ranges are
    /// IANA's special-purpose registries (RFC 6890).
    code: "IPP110",
    name: "pool-overlaps-reserved-range",
    severity: Warning,
    summary: "loopback, multicast, unspecified or other reserved ranges",
    check: check,
}

static RESERVED: LazyLock<Vec<(IpNet, &'static str)>> = LazyLock::new(|| {
    [
        ("0.0.0.0/8", "\"this network\""),
        ("127.0.0.0/8", "loopback"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),
        ("255.255.255.255/32", "limited broadcast"),
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("ff00::/8", "multicast"),
    ]
    .into_iter()
    .filter_map(|(text, what)| Some((text.parse().ok()?, what)))
    .collect()
});

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for pool in ctx.pools() {
        let (Some(net), Some(written)) = (pool.cidr_net(), pool.cidr.spanned()) else {
            continue;
        };
        let net = net.trunc();
        let hit: Vec<&(IpNet, &str)> = RESERVED
            .iter()
            .filter(|(range, _)| cidr::overlaps(range, &net))
            .collect();
        let Some((first, first_what)) = hit.first() else {
            continue;
        };
        let ranges: Vec<String> = hit
            .iter()
            .map(|(range, what)| format!("{range} ({what})"))
            .collect();
        let (message, label) = match hit.as_slice() {
            [_] => (
                format!("the {first_what} range {first}"),
                if net.contains(first) && net != *first {
                    format!("contains {first}")
                } else {
                    format!("inside {first_what} {first}")
                },
            ),
            _ => (
                format!("the reserved ranges {}", ranges.join(", ")),
                format!("overlaps {} reserved ranges", hit.len()),
            ),
        };
        let help = match Family::of(&net) {
            Family::V4 => {
                "use private address space for pods, e.g. inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16"
            }
            Family::V6 => "use a unique local range for pods, e.g. inside fd00::/8",
        };
        out.push(
            RULE.finding(
                format!(
                    "{} ({}) overlaps {message}",
                    pool.display_name(),
                    written.value
                ),
                at_pool(pool, written.loc),
            )
            .with_label(label)
            .with_help(help),
        );
    }
}

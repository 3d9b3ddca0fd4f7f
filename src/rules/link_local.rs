//! IPP003 link-local-overlap.

use super::prelude::*;
use crate::model::cidr::{self, Family};

declare_rule! {
    /// ## What it does
    /// Checks that the pool's network does not overlap the link-local range of its family:
    /// 169.254.0.0/16 for IPv4 and fe80::/10 for IPv6. Either
    /// containing the other counts, so `169.254.10.0/24` and `128.0.0.0/1` both fire.
    ///
    /// ## Why is this bad?
    /// Link-local addresses never leave their link and are used by the node itself (cloud
    /// metadata at 169.254.169.254, IPv6 neighbour discovery on fe80::/10). Calico rejects the
    /// pool: "IPPool CIDR overlaps with IPv4 Link Local range 169.254.0.0/16" (client and
    /// validator up to 3.32, CRD rule from master on).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: 169.254.0.0/20
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: 10.254.0.0/20
    /// ```
    ///
    /// ## Calico source
    /// `libcalico-go/lib/clientv3/ippool.go` (`validateAndSetDefaults`),
    /// `libcalico-go/lib/validator/v3/validator.go` (`validateIPPoolSpec`), and from master the
    /// CRD rule in `api/pkg/apis/projectcalico/v3/ippool.go`.
    code: "IPP003",
    name: "link-local-overlap",
    severity: Error,
    summary: "overlaps 169.254.0.0/16 or fe80::/10",
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for pool in ctx.pools() {
        // A cidr that does not parse is IPP001's to report.
        let (Some(net), Some(written)) = (pool.cidr_net(), pool.cidr.spanned()) else {
            continue;
        };
        let network = net.trunc();
        let family = Family::of(&network);
        let link_local = family.link_local();
        if !cidr::overlaps(&network, &link_local) {
            continue;
        }
        let (label, help) = if network.prefix_len() < link_local.prefix_len() {
            (
                format!("contains {link_local}"),
                format!(
                    "choose a CIDR that does not contain {link_local}, or split the pool around it"
                ),
            )
        } else {
            (
                format!("inside {link_local}"),
                format!(
                    "choose a CIDR outside {link_local}, e.g. one inside {}",
                    private_example(family)
                ),
            )
        };
        out.push(
            RULE.finding(
                format!(
                    "{} (cidr {}) overlaps the {} link-local range {link_local}",
                    pool.display_name(),
                    written.value,
                    family.name()
                ),
                at_pool(pool, written.loc),
            )
            .with_label(label)
            .with_help(help),
        );
    }
}

fn private_example(family: Family) -> &'static str {
    match family {
        Family::V4 => "10.0.0.0/8",
        Family::V6 => "the unique local range fd00::/8",
    }
}

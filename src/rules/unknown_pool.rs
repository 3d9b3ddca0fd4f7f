//! IPP202 unknown-pool.

use super::prelude::*;
use crate::model::annotations::{Resolution, resolve};
use crate::report::Severity;

declare_rule! {
    /// ## What it does
    /// Checks that every entry of a `cni.projectcalico.org/ipv4pools` or `ipv6pools` annotation
    /// (on a Namespace, a Pod or a pod template) that is not a CIDR is the name of a pool some
    /// input defines: an IPPool, an operator Installation pool, the calico-node default pool or
    /// a kubespray pool. Names match exactly.
    ///
    /// When the inputs define no pool at all, names cannot be judged: the rule then says so
    /// once, as an info, at the first annotation that names a pool.
    ///
    /// ## Why is this bad?
    /// Calico resolves each entry that does not parse as a CIDR by looking for a pool of that
    /// name; when there is none, every pod the annotation applies to fails at network setup with
    /// `error parsing pool "<name>": invalid CIDR address: <name>` and stays in
    /// `ContainerCreating`. A bare address such as `10.0.0.1` is not a CIDR either, so it is
    /// looked up as a name too.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: 10.245.0.0/16
    /// ---
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: team-a
    ///   annotations:
    ///     cni.projectcalico.org/ipv4pools: '["extra-ipool"]'
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
    /// ---
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: team-a
    ///   annotations:
    ///     cni.projectcalico.org/ipv4pools: '["extra-ippool"]'
    /// ```
    ///
    /// ## Fix
    /// `--fix --unsafe-fixes` replaces a name that is a near-miss of a defined pool's name
    /// (`extra-ipool` → `extra-ippool`) inside the annotation's value. It is unsafe because
    /// the pods then get addresses from that pool: check it is the one meant.
    ///
    /// ## Calico source
    /// `cni-plugin/internal/pkg/utils/utils.go` (`ResolvePools`), `cni-plugin/pkg/k8s/k8s.go`.
    code: "IPP202",
    name: "unknown-pool",
    severity: Error,
    summary: "an annotation names a pool that no input (or the live cluster) defines",
    fix: UNSAFE,
    check: check,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let pools: Vec<&Pool> = ctx.pools().collect();
    let index = ctx.pool_index();
    // Built at the first unknown name: with 100k pools and none unknown, sorting the names and
    // mapping them was most of this rule's time.
    let names = std::cell::OnceCell::new();
    let names = || {
        names.get_or_init(|| {
            let mut names: Vec<&str> = pools
                .iter()
                .filter_map(|pool| pool.name.value().map(String::as_str))
                .collect();
            names.sort_unstable();
            names.dedup();
            names
        })
    };
    let undefined = if ctx.live {
        "which the cluster does not have"
    } else if ctx.has_cluster_state() {
        "which neither the inputs nor the cluster define"
    } else {
        "which no input defines"
    };
    // Did-you-mean compares a name with every pool name: bounded, so 10k unknown names against
    // 5,000 pools cost milliseconds, not half a minute (issue 9 item 8).
    let mut budget: usize = 1_000_000;
    let mut suggested: std::collections::HashMap<&str, Option<&str>> =
        std::collections::HashMap::new();
    let by_name = std::cell::OnceCell::new();
    let by_name = || {
        by_name.get_or_init(|| {
            pools
                .iter()
                .filter_map(|pool| pool.name.value().map(|name| (name.as_str(), *pool)))
                .collect::<std::collections::HashMap<&str, &Pool>>()
        })
    };
    let mut unjudged = Vec::new();
    for site in &ctx.inventory.annotation_sites {
        for (annotation, key, entry) in site.pool_entries() {
            let Some(family) = key.pool_family() else {
                continue;
            };
            match resolve(&entry.text, family, index) {
                Resolution::NoPools => unjudged.push((site, entry)),
                Resolution::Unknown => {}
                _ => continue,
            }
            if pools.is_empty() {
                continue;
            }
            let mut finding = RULE
                .finding(
                    format!(
                        "{} {} names pool {:?}, {undefined}{}",
                        site.object,
                        site.label(annotation),
                        entry.text,
                        super::live_state::pods_breaking(ctx, site, entry.loc)
                    ),
                    Location::at(entry.loc, Some(site.object.clone())),
                )
                .with_label("no such pool");
            let meant = match suggested.get(entry.text.as_str()) {
                Some(meant) => *meant,
                // Each name is looked up once, and only while the budget lasts.
                None if budget >= names().len() => {
                    budget -= names().len();
                    let meant = super::closest(&entry.text, names().iter().copied());
                    suggested.insert(&entry.text, meant);
                    meant
                }
                None => None,
            };
            let help = if let Some(meant) = meant {
                if let Some(pool) = by_name().get(meant)
                    && let Some(loc) = pool.name.loc()
                {
                    finding = finding
                        .with_related(format!("pool {meant} is defined here"), at_pool(pool, loc));
                }
                finding = finding.with_fix(Fix::scalar(
                    Applicability::Unsafe,
                    format!("name pool {meant}"),
                    entry.loc,
                    meant,
                ));
                format!("did you mean {meant}?")
            } else if entry.text.parse::<std::net::IpAddr>().is_ok() {
                format!(
                    "an address is not a CIDR, so Calico looks it up as a pool name; write the CIDR of a pool exactly (e.g. `{}/{}`) or the pool's name",
                    entry.text,
                    family.bits()
                )
            } else {
                let listed: Vec<&str> = names().iter().copied().take(5).collect();
                format!(
                    "name a defined pool ({}), or define a pool named {}",
                    listed.join(", "),
                    entry.text
                )
            };
            out.push(finding.with_help(help));
        }
    }
    if let Some((site, entry)) = unjudged.first() {
        let objects = {
            let mut objects: Vec<&str> = unjudged.iter().map(|(s, _)| s.object.as_str()).collect();
            objects.sort_unstable();
            objects.dedup();
            objects.len()
        };
        let mut finding = RULE
            .finding(
                format!(
                    "the inputs define no IP pool, so the {} pool {} in annotations on {} {} cannot be checked",
                    unjudged.len(),
                    plural(unjudged.len(), "reference", "references"),
                    objects,
                    plural(objects, "object", "objects"),
                ),
                Location::at(entry.loc, Some(site.object.clone())),
            )
            .with_label("not checked: no pool is defined")
            .with_help(
                "lint these manifests together with the files that define the IPPools (or the Installation) to check the names",
            );
        finding.severity = Severity::Info;
        out.push(finding);
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

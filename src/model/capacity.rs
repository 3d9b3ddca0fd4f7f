//! The `plan` capacity calculator: for a pool CIDR, a node count and pods per node, the block
//! arithmetic of every candidate blockSize (calico-reference §6.1 steps 6–7, §8 rows 5–6) and a
//! recommended one with its reason. Pure: no I/O and no rendering (`report::plan` draws it).
//!
//! Arithmetic, per candidate blockSize `b` of a pool with prefix `p` and `bits` address bits:
//! blocks = 2^(b − p); addresses per block = 2^(bits − b); blocks per node =
//! ceil(pods per node / addresses per block); it fits when blocks per node ≤ maxBlocksPerHost;
//! blocks needed = nodes × blocks per node; headroom = blocks − blocks needed (negative: the pool
//! runs out, and nodes then borrow addresses from other nodes' blocks, one /32 route each, or get
//! none with strictAffinity); nodes supported = blocks / blocks per node; addresses wasted per node
//! = blocks per node × addresses per block − pods per node. Counts are `u128` for IPv6.
//!
//! Recommendation policy, among the candidates that *qualify* (fit maxBlocksPerHost and leave
//! headroom ≥ 0):
//! 1. Calico's default (26 for IPv4, 122 for IPv6) when it qualifies: it is what Calico picks
//!    when `blockSize` is omitted, so a pool that can use it should.
//! 2. Otherwise the largest block (smallest blockSize) whose headroom is at least 25% of its
//!    blocks: with a quarter of the pool spare, the addresses a large block strands do not matter,
//!    and a larger block means fewer blocks, routes and block claims per node.
//! 3. Otherwise the one with the most headroom as a share of its blocks (ties: fewer addresses
//!    wasted, then the larger block).
//! 4. None qualifies: no recommendation, and the reason names the smallest pool (longest prefix,
//!    same network address) that would fit with the default block size (or, when the default
//!    needs more blocks per node than maxBlocksPerHost, the blockSize nearest the default that
//!    does not).
//!
//! With `--block-size` the plan judges that one size: it is recommended when it qualifies.

use ipnet::IpNet;

use super::cidr::{self, Family};

/// Headroom a recommended plan should keep, as a fraction of the pool's blocks: 1 / 4.
const COMFORT_DIVISOR: u128 = 4;

/// What `plan` was asked, before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanInput<'a> {
    pub cidr: &'a str,
    pub nodes: u64,
    pub pods_per_node: u64,
    /// 0 means Calico's built-in default of 20, as in IPAMConfig (calico-reference §6.5).
    pub max_blocks_per_host: u64,
    /// Restricts the plan to this one blockSize.
    pub block_size: Option<u32>,
}

/// Input `plan` cannot work with (exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum PlanError {
    #[error("--cidr {value:?}: {reason}")]
    #[diagnostic(
        code(ippool::usage),
        help("give a subnet in CIDR notation, e.g. --cidr 10.244.0.0/16")
    )]
    BadCidr { value: String, reason: String },
    #[error("--cidr {value} has host bits set; its network is {network}")]
    #[diagnostic(
        code(ippool::usage),
        help("use --cidr {network} (Calico requires a strictly masked CIDR)")
    )]
    HostBits { value: String, network: IpNet },
    #[error("--cidr {value} overlaps the link-local range {link_local}, which Calico refuses")]
    #[diagnostic(code(ippool::usage), help("choose a pool CIDR outside {link_local}"))]
    LinkLocal { value: IpNet, link_local: IpNet },
    #[error("--nodes must be at least 1")]
    #[diagnostic(code(ippool::usage), help("give the number of nodes the pool serves"))]
    NoNodes,
    #[error("--pods-per-node must be at least 1")]
    #[diagnostic(
        code(ippool::usage),
        help("give the kubelet's maxPods (Kubernetes' default is 110)")
    )]
    NoPods,
    #[error("--block-size {value} is out of range for an {family} pool")]
    #[diagnostic(
        code(ippool::usage),
        help("{family} pools take a blockSize from {min} to {max}")
    )]
    BlockSizeOutOfRange {
        value: u32,
        family: &'static str,
        min: u8,
        max: u8,
    },
    #[error("--block-size {value} makes blocks larger than the pool {cidr}")]
    #[diagnostic(
        code(ippool::usage),
        help("a blockSize must be at least the pool's prefix length: use {min} to {max}")
    )]
    BlockLargerThanPool {
        value: u32,
        cidr: IpNet,
        min: u8,
        max: u8,
    },
}

/// The pool's spare blocks, or how many it lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headroom {
    Spare(u128),
    Short(u128),
}

/// One candidate blockSize and its arithmetic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub block_size: u8,
    pub blocks: u128,
    pub addresses_per_block: u64,
    pub blocks_per_node: u64,
    /// `blocks_per_node ≤ maxBlocksPerHost`.
    pub fits: bool,
    pub blocks_needed: u128,
    pub nodes_supported: u128,
    pub addresses_wasted_per_node: u64,
}

impl Candidate {
    fn new(family: Family, prefix: u8, block_size: u8, input: &Settings) -> Self {
        let blocks = pow2(block_size.saturating_sub(prefix));
        // At most 2^12: blockSize is never below 20 (IPv4) or 116 (IPv6).
        let addresses_per_block = 1u64 << (family.bits().saturating_sub(block_size)).min(63);
        let blocks_per_node = input.pods_per_node.div_ceil(addresses_per_block);
        let remainder = input.pods_per_node % addresses_per_block;
        Candidate {
            block_size,
            blocks,
            addresses_per_block,
            blocks_per_node,
            fits: blocks_per_node <= input.max_blocks_per_host,
            blocks_needed: u128::from(input.nodes) * u128::from(blocks_per_node),
            nodes_supported: blocks / u128::from(blocks_per_node.max(1)),
            addresses_wasted_per_node: if remainder == 0 {
                0
            } else {
                addresses_per_block - remainder
            },
        }
    }

    pub fn headroom(&self) -> Headroom {
        match self.blocks.checked_sub(self.blocks_needed) {
            Some(spare) => Headroom::Spare(spare),
            None => Headroom::Short(self.blocks_needed - self.blocks),
        }
    }

    /// Fits maxBlocksPerHost and leaves headroom ≥ 0.
    pub fn qualifies(&self) -> bool {
        self.fits && self.blocks_needed <= self.blocks
    }

    /// Headroom of at least a quarter of the blocks.
    fn comfortable(&self) -> bool {
        matches!(self.headroom(), Headroom::Spare(spare) if spare >= self.blocks.div_ceil(COMFORT_DIVISOR))
    }

    /// Spare blocks as a share of all blocks (negative when short); only for ranking and display.
    pub fn headroom_fraction(&self) -> f64 {
        let blocks = self.blocks as f64;
        match self.headroom() {
            Headroom::Spare(spare) => spare as f64 / blocks,
            Headroom::Short(short) => -(short as f64) / blocks,
        }
    }

    /// `24 spare (2%)`, or `476 short`.
    pub fn headroom_text(&self) -> String {
        match self.headroom() {
            Headroom::Spare(spare) => format!("{spare} spare ({})", percent(self)),
            Headroom::Short(short) => format!("{short} short"),
        }
    }
}

/// `2%`, `<1%`: the spare share of a candidate's blocks, rounded down (never 100% while a
/// block is in use).
pub fn percent(candidate: &Candidate) -> String {
    let Headroom::Spare(spare) = candidate.headroom() else {
        return "0%".to_owned();
    };
    let (mut part, mut whole) = (spare, candidate.blocks);
    // Large IPv6 counts: drop low bits until `part × 100` fits; the floor barely moves.
    while part.checked_mul(100).is_none() {
        part >>= 8;
        whole >>= 8;
    }
    let mut percent = (part * 100).checked_div(whole).unwrap_or(100);
    if spare < candidate.blocks {
        percent = percent.min(99);
    }
    if percent == 0 && spare > 0 {
        "<1%".to_owned()
    } else {
        format!("{percent}%")
    }
}

/// The validated numbers every candidate is computed from.
#[derive(Debug, Clone, Copy)]
struct Settings {
    nodes: u64,
    pods_per_node: u64,
    max_blocks_per_host: u64,
}

/// The finished plan: candidates in ascending blockSize, the recommendation and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub cidr: IpNet,
    pub family: Family,
    pub nodes: u64,
    pub pods_per_node: u64,
    pub max_blocks_per_host: u64,
    /// Addresses in the pool.
    pub addresses: u128,
    pub candidates: Vec<Candidate>,
    /// The recommended blockSize; `None` when no candidate qualifies.
    pub recommended: Option<u8>,
    /// One sentence, with the numbers.
    pub reason: String,
    /// A pool that would fit (no recommendation) or leave 25% headroom (a thin recommendation).
    pub suggested_cidr: Option<IpNet>,
    /// Said when the recommendation leaves less than 25% headroom.
    pub note: Option<String>,
}

impl Plan {
    pub fn new(input: &PlanInput<'_>) -> Result<Plan, PlanError> {
        let text = input.cidr.trim();
        let net = cidr::parse(text).map_err(|error| PlanError::BadCidr {
            value: input.cidr.to_owned(),
            reason: error.to_string(),
        })?;
        if !cidr::is_masked(&net) {
            return Err(PlanError::HostBits {
                value: text.to_owned(),
                network: net.trunc(),
            });
        }
        let family = Family::of(&net);
        let link_local = family.link_local();
        // Also keeps every count below 2^128: only ::/0 would hold 2^128 single-address blocks.
        if cidr::overlaps(&net, &link_local) {
            return Err(PlanError::LinkLocal {
                value: net,
                link_local,
            });
        }
        if input.nodes == 0 {
            return Err(PlanError::NoNodes);
        }
        if input.pods_per_node == 0 {
            return Err(PlanError::NoPods);
        }
        let prefix = net.prefix_len();
        let (min, max) = block_size_bounds(family);
        let sizes: Vec<u8> = match input.block_size {
            Some(value) => {
                let size = u8::try_from(value)
                    .ok()
                    .filter(|size| (min..=max).contains(size))
                    .ok_or(PlanError::BlockSizeOutOfRange {
                        value,
                        family: family.name(),
                        min,
                        max,
                    })?;
                if size < prefix {
                    return Err(PlanError::BlockLargerThanPool {
                        value,
                        cidr: net,
                        min: prefix.max(min),
                        max,
                    });
                }
                vec![size]
            }
            None => (prefix.max(min)..=max).collect(),
        };
        let settings = Settings {
            nodes: input.nodes,
            pods_per_node: input.pods_per_node,
            max_blocks_per_host: match input.max_blocks_per_host {
                0 => super::cluster::DEFAULT_MAX_BLOCKS_PER_HOST,
                value => value,
            },
        };
        let candidates: Vec<Candidate> = sizes
            .iter()
            .map(|&size| Candidate::new(family, prefix, size, &settings))
            .collect();
        let mut plan = Plan {
            cidr: net,
            family,
            nodes: settings.nodes,
            pods_per_node: settings.pods_per_node,
            max_blocks_per_host: settings.max_blocks_per_host,
            addresses: pow2(family.bits() - prefix),
            candidates,
            recommended: None,
            reason: String::new(),
            suggested_cidr: None,
            note: None,
        };
        plan.decide(input.block_size.is_some(), &settings);
        Ok(plan)
    }

    pub fn candidate(&self, block_size: u8) -> Option<&Candidate> {
        self.candidates.iter().find(|c| c.block_size == block_size)
    }

    fn decide(&mut self, restricted: bool, settings: &Settings) {
        let default = self.family.default_block_size();
        let qualified: Vec<&Candidate> = self.candidates.iter().filter(|c| c.qualifies()).collect();
        let chosen: Option<(&Candidate, String)> = if restricted {
            qualified.first().map(|c| {
                let lead = if c.block_size == default {
                    format!("blockSize {default} is Calico's default and fits")
                } else {
                    format!("blockSize {} fits", c.block_size)
                };
                (*c, lead)
            })
        } else if let Some(c) = qualified.iter().find(|c| c.block_size == default) {
            Some((
                *c,
                format!("blockSize {default} is Calico's default and fits"),
            ))
        } else if let Some(c) = qualified
            .iter()
            .filter(|c| c.comfortable())
            .min_by_key(|c| c.block_size)
        {
            Some((
                *c,
                format!(
                    "blockSize {} is the largest block that keeps 25% headroom",
                    c.block_size
                ),
            ))
        } else {
            qualified
                .iter()
                .max_by(|a, b| {
                    a.headroom_fraction()
                        .total_cmp(&b.headroom_fraction())
                        .then(
                            b.addresses_wasted_per_node
                                .cmp(&a.addresses_wasted_per_node),
                        )
                        .then(b.block_size.cmp(&a.block_size))
                })
                .map(|c| {
                    (
                        *c,
                        format!(
                            "blockSize {} leaves the most headroom, though under 25%",
                            c.block_size
                        ),
                    )
                })
        };

        match chosen {
            Some((candidate, lead)) => {
                let mut reason = format!("{lead}: {}", self.arithmetic(candidate));
                if candidate.block_size != default && !restricted {
                    reason.push_str(&format!("; {}", self.why_not_default()));
                }
                reason.push('.');
                self.recommended = Some(candidate.block_size);
                self.reason = reason;
                if !candidate.comfortable() {
                    self.suggested_cidr = self.pool_for(candidate.block_size, candidate, true);
                    let mut note = format!(
                        "under 25% headroom: past {} nodes, new nodes borrow addresses from other \
                         nodes' blocks (one /32 route each), or get none with strictAffinity",
                        candidate.nodes_supported
                    );
                    if let Some(pool) = self.suggested_cidr {
                        note.push_str(&format!(
                            "; a /{} such as {pool} would keep 25% spare",
                            pool.prefix_len()
                        ));
                    }
                    note.push('.');
                    self.note = Some(note);
                }
            }
            None => self.explain_nothing_fits(restricted, settings),
        }
    }

    /// `1024 blocks of 64 addresses; 500 nodes × 2 blocks = 1000 blocks needed, 24 spare (2%),
    /// enough for 512 nodes`.
    fn arithmetic(&self, c: &Candidate) -> String {
        format!(
            "{} {} of {} {}; {} {} × {} {} = {} blocks needed, {}, enough for {} {}",
            c.blocks,
            plural(c.blocks, "block", "blocks"),
            c.addresses_per_block,
            plural(u128::from(c.addresses_per_block), "address", "addresses"),
            self.nodes,
            plural(u128::from(self.nodes), "node", "nodes"),
            c.blocks_per_node,
            plural(u128::from(c.blocks_per_node), "block", "blocks"),
            c.blocks_needed,
            c.headroom_text(),
            c.nodes_supported,
            plural(c.nodes_supported, "node", "nodes"),
        )
    }

    fn why_not_default(&self) -> String {
        let default = self.family.default_block_size();
        match self.candidate(default) {
            None => format!(
                "Calico's default {default} would make blocks larger than the /{} pool",
                self.cidr.prefix_len()
            ),
            Some(c) if !c.fits => format!(
                "Calico's default {default} needs {} blocks per node, more than maxBlocksPerHost {}",
                c.blocks_per_node, self.max_blocks_per_host
            ),
            Some(c) => match c.headroom() {
                Headroom::Short(short) => {
                    format!("Calico's default {default} leaves the pool {short} blocks short")
                }
                Headroom::Spare(_) => format!("Calico's default {default} qualifies too"),
            },
        }
    }

    fn explain_nothing_fits(&mut self, restricted: bool, settings: &Settings) {
        let default = self.family.default_block_size();
        let (min, max) = block_size_bounds(self.family);
        let (mut reason, block_size) = match self.candidates.first() {
            Some(c) if restricted && !c.fits => {
                let mut reason = format!(
                    "blockSize {} does not fit: {} pods per node need {} blocks of {} {}, more \
                     than maxBlocksPerHost {}",
                    c.block_size,
                    self.pods_per_node,
                    c.blocks_per_node,
                    c.addresses_per_block,
                    plural(u128::from(c.addresses_per_block), "address", "addresses"),
                    self.max_blocks_per_host
                );
                match (min..=max)
                    .rev()
                    .find(|&size| Candidate::new(self.family, size, size, settings).fits)
                {
                    Some(size) => {
                        reason.push_str(&format!(
                            "; blockSize {size} or lower fits within it (run without --block-size \
                             to compare the sizes)."
                        ));
                        self.reason = reason;
                        return;
                    }
                    None => (reason, None),
                }
            }
            Some(c) if restricted => (
                format!(
                    "blockSize {} does not fit: {} × {} {} = {} blocks needed, but the pool has \
                     {} ({} short)",
                    c.block_size,
                    self.nodes_text(),
                    c.blocks_per_node,
                    plural(u128::from(c.blocks_per_node), "block", "blocks"),
                    c.blocks_needed,
                    c.blocks,
                    c.blocks_needed.saturating_sub(c.blocks)
                ),
                Some(c.block_size),
            ),
            _ => (
                format!(
                    "no blockSize fits {} × {} pods per node in {} with maxBlocksPerHost {}",
                    self.nodes_text(),
                    self.pods_per_node,
                    self.cidr,
                    self.max_blocks_per_host
                ),
                self.nearest_fitting_block_size(default, settings),
            ),
        };
        match block_size {
            None => reason.push_str(&format!(
                "; no blockSize holds {} pods in {} blocks: raise maxBlocksPerHost in IPAMConfig",
                self.pods_per_node, self.max_blocks_per_host
            )),
            Some(size) => {
                let probe = Candidate::new(self.family, size, size, settings);
                self.suggested_cidr = self.pool_for(size, &probe, false);
                match self.suggested_cidr {
                    Some(pool) => reason.push_str(&format!(
                        "; with blockSize {size} they need {} blocks, which takes at least a /{} \
                         such as {pool}",
                        probe.blocks_needed,
                        pool.prefix_len()
                    )),
                    None => reason.push_str(&format!(
                        "; with blockSize {size} they need {} blocks, more than the whole {} \
                         address space holds",
                        probe.blocks_needed,
                        self.family.name()
                    )),
                }
            }
        }
        reason.push('.');
        self.reason = reason;
    }

    /// The default block size when its blocks per node fit maxBlocksPerHost, else the smallest
    /// larger block (smaller blockSize) that fits; `None` when even the largest block does not.
    fn nearest_fitting_block_size(&self, default: u8, settings: &Settings) -> Option<u8> {
        let (min, _) = block_size_bounds(self.family);
        (min..=default)
            .rev()
            .find(|&size| Candidate::new(self.family, size, size, settings).fits)
    }

    /// The smallest pool (longest prefix) on this pool's network address whose blocks of
    /// `block_size` hold `probe.blocks_needed`, with 25% spare when `comfortable`.
    fn pool_for(&self, block_size: u8, probe: &Candidate, comfortable: bool) -> Option<IpNet> {
        let needed = probe.blocks_needed;
        (0..=block_size.min(self.cidr.prefix_len()))
            .rev()
            .find(|&prefix| {
                let blocks = pow2(block_size - prefix);
                let spare = blocks.saturating_sub(needed);
                needed <= blocks && (!comfortable || spare >= blocks.div_ceil(COMFORT_DIVISOR))
            })
            .and_then(|prefix| IpNet::new(self.cidr.network(), prefix).ok())
            .map(|net| net.trunc())
    }

    fn nodes_text(&self) -> String {
        format!(
            "{} {}",
            self.nodes,
            plural(u128::from(self.nodes), "node", "nodes")
        )
    }
}

fn block_size_bounds(family: Family) -> (u8, u8) {
    match family {
        Family::V4 => (20, 32),
        Family::V6 => (116, 128),
    }
}

/// 2^exp, saturating at `u128::MAX` (never reached: ::/0 is refused).
fn pow2(exp: u8) -> u128 {
    1u128.checked_shl(u32::from(exp)).unwrap_or(u128::MAX)
}

fn plural(n: u128, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_for(cidr: &str, nodes: u64, pods: u64) -> Plan {
        Plan::new(&PlanInput {
            cidr,
            nodes,
            pods_per_node: pods,
            max_blocks_per_host: 20,
            block_size: None,
        })
        .unwrap()
    }

    fn input(cidr: &str) -> PlanInput<'_> {
        PlanInput {
            cidr,
            nodes: 10,
            pods_per_node: 110,
            max_blocks_per_host: 20,
            block_size: None,
        }
    }

    #[test]
    fn issue_example_recommends_the_default() {
        let plan = plan_for("10.244.0.0/16", 500, 110);
        assert_eq!(
            plan.candidates
                .iter()
                .map(|c| c.block_size)
                .collect::<Vec<_>>(),
            (20..=32).collect::<Vec<_>>()
        );
        let c = plan.candidate(26).unwrap();
        assert_eq!(c.blocks, 1024);
        assert_eq!(c.addresses_per_block, 64);
        assert_eq!(c.blocks_per_node, 2);
        assert!(c.fits);
        assert_eq!(c.blocks_needed, 1000);
        assert_eq!(c.headroom(), Headroom::Spare(24));
        assert_eq!(c.nodes_supported, 512);
        assert_eq!(c.addresses_wasted_per_node, 18);
        assert_eq!(plan.recommended, Some(26));
        assert!(
            plan.reason.starts_with(
                "blockSize 26 is Calico's default and fits: 1024 blocks of 64 addresses; \
                 500 nodes × 2 blocks = 1000 blocks needed, 24 spare (2%), enough for 512 nodes"
            ),
            "{}",
            plan.reason
        );
        // 2% is thin: the note says so and names a pool with 25% spare (1000 ≤ 0.75 × 2048).
        assert_eq!(plan.suggested_cidr, Some("10.244.0.0/15".parse().unwrap()));
        assert!(plan.note.as_deref().unwrap().contains("past 512 nodes"));
    }

    #[test]
    fn every_row_follows_the_formulas() {
        let plan = plan_for("10.244.0.0/16", 500, 110);
        for c in &plan.candidates {
            let b = u32::from(c.block_size);
            assert_eq!(c.blocks, 1u128 << (b - 16));
            assert_eq!(c.addresses_per_block, 1u64 << (32 - b));
            assert_eq!(c.blocks_per_node, 110u64.div_ceil(c.addresses_per_block));
            assert_eq!(c.fits, c.blocks_per_node <= 20);
            assert_eq!(c.blocks_needed, 500 * u128::from(c.blocks_per_node));
            assert_eq!(
                c.addresses_wasted_per_node,
                c.blocks_per_node * c.addresses_per_block - 110
            );
        }
        // blockSize 32: one address per block, 110 blocks per node > 20.
        assert!(!plan.candidate(32).unwrap().fits);
        assert_eq!(
            plan.candidate(20).unwrap().headroom(),
            Headroom::Short(500 - 16)
        );
    }

    #[test]
    fn candidates_never_make_blocks_larger_than_the_pool() {
        let plan = plan_for("10.0.0.0/28", 1, 10);
        assert_eq!(
            plan.candidates
                .iter()
                .map(|c| c.block_size)
                .collect::<Vec<_>>(),
            vec![28, 29, 30, 31, 32]
        );
        // The default /26 does not fit in a /28: the reason says so. /28 and /29 leave no spare
        // block; /30 is the largest block with 25% (1 of 4) spare.
        assert_eq!(plan.recommended, Some(30));
        assert!(
            plan.reason.contains("larger than the /28 pool"),
            "{}",
            plan.reason
        );
    }

    #[test]
    fn ipv6_uses_u128_counts() {
        let plan = plan_for("fd00::/48", 1000, 110);
        let c = plan.candidate(122).unwrap();
        assert_eq!(c.blocks, 1u128 << 74);
        assert_eq!(c.addresses_per_block, 64);
        assert_eq!(c.blocks_per_node, 2);
        assert_eq!(plan.recommended, Some(122));
        assert_eq!(plan.note, None);
        assert_eq!(plan.candidates.len(), 13);
        assert_eq!(percent(c), "99%");
        let tiny = plan_for("fd00::/120", 1, 10);
        assert_eq!(
            tiny.candidates
                .iter()
                .map(|c| c.block_size)
                .collect::<Vec<_>>(),
            (120..=128).collect::<Vec<_>>()
        );
    }

    #[test]
    fn without_the_default_the_largest_block_with_comfortable_headroom_wins() {
        // 1500 pods need 24 blocks of 64 (> 20). /20: 16 blocks for 20 nodes, short; /21: 32
        // blocks, 20 needed, 12 spare (37%).
        let plan = plan_for("10.0.0.0/16", 20, 1500);
        assert!(!plan.candidate(26).unwrap().fits);
        assert_eq!(plan.recommended, Some(21));
        assert!(
            plan.reason.starts_with(
                "blockSize 21 is the largest block that keeps 25% headroom: 32 blocks of 2048 \
                 addresses; 20 nodes × 1 block = 20 blocks needed, 12 spare (37%)"
            ),
            "{}",
            plan.reason
        );
        assert!(
            plan.reason
                .contains("needs 24 blocks per node, more than maxBlocksPerHost 20"),
            "{}",
            plan.reason
        );
        assert_eq!(plan.note, None);
    }

    #[test]
    fn without_comfortable_headroom_the_most_headroom_wins() {
        // 2000 nodes × 30 pods in a /16: /26 is 976 blocks short; /27–/30 leave 2%, /31 8%.
        let plan = plan_for("10.0.0.0/16", 2000, 30);
        assert_eq!(plan.candidate(26).unwrap().headroom(), Headroom::Short(976));
        assert_eq!(plan.recommended, Some(31));
        let c = plan.candidate(31).unwrap();
        assert_eq!(c.blocks_per_node, 15);
        assert_eq!(c.headroom(), Headroom::Spare(32768 - 30000));
        assert!(
            plan.reason.contains("leaves the pool 976 blocks short"),
            "{}",
            plan.reason
        );
        assert!(plan.note.is_some());
    }

    #[test]
    fn nothing_fits_suggests_the_smallest_pool_for_the_default_block() {
        // 2000 × 110 pods need 4000 /26 blocks: 2^12 = 4096 ≥ 4000, so a /14.
        let plan = plan_for("10.244.0.0/16", 2000, 110);
        assert_eq!(plan.recommended, None);
        assert!(plan.candidates.iter().all(|c| !c.qualifies()));
        assert!(
            plan.reason
                .contains("need 4000 blocks, which takes at least a /14 such as 10.244.0.0/14"),
            "{}",
            plan.reason
        );
    }

    #[test]
    fn nothing_fits_with_pods_beyond_the_default_block_uses_a_larger_block() {
        // 2000 pods need 32 /26 blocks (> 20); /25 needs 16: 100 nodes × 16 = 1600 ≤ 2^11.
        let plan = plan_for("10.0.0.0/24", 100, 2000);
        assert_eq!(plan.recommended, None);
        assert!(
            plan.reason
                .contains("with blockSize 25 they need 1600 blocks, which takes at least a /14"),
            "{}",
            plan.reason
        );
        let absurd = plan_for("10.0.0.0/8", 1, 100_000);
        assert!(
            absurd.reason.contains("raise maxBlocksPerHost"),
            "{}",
            absurd.reason
        );
        let too_many = plan_for("10.0.0.0/8", u64::MAX, 110);
        assert!(
            too_many
                .reason
                .contains("more than the whole IPv4 address space")
        );
    }

    #[test]
    fn block_size_restricts_and_judges_one_size() {
        let one = Plan::new(&PlanInput {
            block_size: Some(24),
            ..input("10.244.0.0/16")
        })
        .unwrap();
        assert_eq!(one.candidates.len(), 1);
        assert_eq!(one.recommended, Some(24));
        assert!(
            one.reason
                .starts_with("blockSize 24 fits: 256 blocks of 256 addresses")
        );
        let bad = Plan::new(&PlanInput {
            block_size: Some(32),
            ..input("10.244.0.0/16")
        })
        .unwrap();
        assert_eq!(bad.recommended, None);
        assert!(
            bad.reason.contains("more than maxBlocksPerHost 20"),
            "{}",
            bad.reason
        );
        assert!(
            bad.reason.contains("blockSize 29 or lower fits within it"),
            "{}",
            bad.reason
        );
        let short = Plan::new(&PlanInput {
            block_size: Some(20),
            nodes: 100,
            ..input("10.244.0.0/16")
        })
        .unwrap();
        assert_eq!(short.recommended, None);
        assert!(
            short.reason.contains(
                "100 nodes × 1 block = 100 blocks needed, but the pool has 16 (84 short); \
                 with blockSize 20 they need 100 blocks, which takes at least a /13 such as \
                 10.240.0.0/13"
            ),
            "{}",
            short.reason
        );
    }

    #[test]
    fn max_blocks_per_host_zero_is_calicos_default() {
        let plan = Plan::new(&PlanInput {
            max_blocks_per_host: 0,
            ..input("10.244.0.0/16")
        })
        .unwrap();
        assert_eq!(plan.max_blocks_per_host, 20);
    }

    #[test]
    fn bad_input_is_refused() {
        let err = |i: PlanInput<'_>| Plan::new(&i).unwrap_err();
        assert!(matches!(
            err(input("10.244.0.0")),
            PlanError::BadCidr { .. }
        ));
        assert!(matches!(err(input("nope")), PlanError::BadCidr { .. }));
        assert_eq!(
            err(input("10.244.1.0/16")),
            PlanError::HostBits {
                value: "10.244.1.0/16".to_owned(),
                network: "10.244.0.0/16".parse().unwrap()
            }
        );
        assert!(matches!(err(input("::/0")), PlanError::LinkLocal { .. }));
        assert!(matches!(
            err(input("169.254.0.0/20")),
            PlanError::LinkLocal { .. }
        ));
        assert_eq!(
            err(PlanInput {
                nodes: 0,
                ..input("10.0.0.0/16")
            }),
            PlanError::NoNodes
        );
        assert_eq!(
            err(PlanInput {
                pods_per_node: 0,
                ..input("10.0.0.0/16")
            }),
            PlanError::NoPods
        );
        for size in [19, 33, 300, 122] {
            assert!(matches!(
                err(PlanInput {
                    block_size: Some(size),
                    ..input("10.0.0.0/16")
                }),
                PlanError::BlockSizeOutOfRange { .. }
            ));
        }
        assert!(matches!(
            err(PlanInput {
                block_size: Some(26),
                ..input("fd00::/64")
            }),
            PlanError::BlockSizeOutOfRange {
                min: 116,
                max: 128,
                ..
            }
        ));
        assert_eq!(
            err(PlanInput {
                block_size: Some(24),
                ..input("10.0.0.0/26")
            }),
            PlanError::BlockLargerThanPool {
                value: 24,
                cidr: "10.0.0.0/26".parse().unwrap(),
                min: 26,
                max: 32
            }
        );
    }

    #[test]
    fn extremes_do_not_overflow() {
        let big = plan_for("::/1", u64::MAX, u64::MAX);
        assert_eq!(big.recommended, None);
        let c = big.candidate(128).unwrap();
        assert_eq!(c.blocks, 1u128 << 127);
        assert_eq!(c.blocks_needed, u128::from(u64::MAX) * u128::from(u64::MAX));
        let host = plan_for("10.0.0.1/32", 1, 1);
        assert_eq!(host.recommended, Some(32));
        assert_eq!(host.candidates.len(), 1);
    }

    proptest::proptest! {
        /// Any valid input: no panic, every row follows the formulas, and a recommendation is a
        /// qualifying candidate — the default whenever the default qualifies.
        #[test]
        fn recommendation_always_qualifies(
            v6 in proptest::bool::ANY,
            prefix in 11u8..=128,
            nodes in 1u64..=u64::MAX,
            pods in 1u64..=100_000,
            max_blocks in 0u64..=64,
        ) {
            let cidr = if v6 {
                format!("fd00::/{prefix}")
            } else {
                format!("10.0.0.0/{}", prefix.clamp(8, 32))
            };
            let plan = Plan::new(&PlanInput {
                cidr: &cidr,
                nodes: nodes % 100_000 + 1,
                pods_per_node: pods,
                max_blocks_per_host: max_blocks,
                block_size: None,
            })
            .unwrap();
            for c in &plan.candidates {
                proptest::prop_assert_eq!(
                    c.blocks_per_node * c.addresses_per_block - c.addresses_wasted_per_node,
                    plan.pods_per_node
                );
                proptest::prop_assert_eq!(
                    c.blocks_needed,
                    u128::from(plan.nodes) * u128::from(c.blocks_per_node)
                );
            }
            let default = plan.candidate(plan.family.default_block_size());
            match plan.recommended {
                Some(size) => {
                    proptest::prop_assert!(plan.candidate(size).unwrap().qualifies());
                    if default.is_some_and(Candidate::qualifies) {
                        proptest::prop_assert_eq!(size, plan.family.default_block_size());
                    }
                }
                None => {
                    proptest::prop_assert!(plan.candidates.iter().all(|c| !c.qualifies()));
                }
            }
        }
    }
}

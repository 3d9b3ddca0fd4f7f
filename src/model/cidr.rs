//! CIDR parsing and arithmetic with Calico's semantics (calico-reference P1–P6, §6). Pure: no
//! spans, no YAML, no I/O.

use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// The IP family of a pool, a block, or an annotation entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub fn of(net: &IpNet) -> Family {
        match net {
            IpNet::V4(_) => Family::V4,
            IpNet::V6(_) => Family::V6,
        }
    }

    pub fn of_addr(addr: &IpAddr) -> Family {
        match addr {
            IpAddr::V4(_) => Family::V4,
            IpAddr::V6(_) => Family::V6,
        }
    }

    /// Address width in bits.
    pub fn bits(self) -> u8 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }

    /// Calico's effective blockSize when `blockSize` is 0 or absent (calico-reference §1.3).
    pub fn default_block_size(self) -> u8 {
        match self {
            Family::V4 => 26,
            Family::V6 => 122,
        }
    }

    /// The blockSize range Calico accepts (P7).
    pub fn block_size_range(self) -> std::ops::RangeInclusive<i64> {
        match self {
            Family::V4 => 20..=32,
            Family::V6 => 116..=128,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }

    /// The link-local range Calico refuses pools to overlap (P5, P6).
    pub fn link_local(self) -> IpNet {
        match self {
            Family::V4 => IpNet::V4(Ipv4Net::new_assert([169, 254, 0, 0].into(), 16)),
            Family::V6 => IpNet::V6(Ipv6Net::new_assert(
                [0xfe80, 0, 0, 0, 0, 0, 0, 0].into(),
                10,
            )),
        }
    }
}

/// Why a pool's `cidr` text is not a subnet Calico accepts (P1, P2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CidrError {
    Empty,
    /// An address without `/prefix`: the clientv3 path parses strictly and rejects it.
    BareAddress(IpAddr),
    PrefixOutOfRange {
        prefix: String,
        max: u8,
    },
    Invalid,
}

impl std::fmt::Display for CidrError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CidrError::Empty => f.write_str("CIDR is empty"),
            CidrError::BareAddress(addr) => write!(f, "{addr} is an address, not a subnet"),
            CidrError::PrefixOutOfRange { prefix, max } => {
                write!(f, "prefix length /{prefix} is out of range (0 to {max})")
            }
            CidrError::Invalid => f.write_str("not a valid subnet"),
        }
    }
}

/// Parses CIDR text as Calico's strict parser does (Go's `net.ParseCIDR`: an address without
/// leading zeros or zone, `/`, decimal prefix length). The result keeps the address as written
/// (host bits included) so that P4 can be judged separately; use [`IpNet::trunc`] for the network.
///
/// ```
/// use kubectl_ippool::model::cidr::{self, CidrError};
///
/// let net = cidr::parse("10.0.1.0/16").unwrap();
/// assert!(!cidr::is_masked(&net));
/// assert_eq!(net.trunc().to_string(), "10.0.0.0/16");
/// assert!(matches!(cidr::parse("10.0.0.1"), Err(CidrError::BareAddress(_))));
/// ```
pub fn parse(text: &str) -> Result<IpNet, CidrError> {
    if text.is_empty() {
        return Err(CidrError::Empty);
    }
    // A byte search: `split_once('/')` goes through the generic char searcher, which was most
    // of this function's cost.
    let slash = text.bytes().position(|b| b == b'/');
    let Some((addr, prefix)) = slash.map(|at| (&text[..at], &text[at + 1..])) else {
        return match text.parse::<IpAddr>() {
            Ok(addr) => Err(CidrError::BareAddress(addr)),
            Err(_) => Err(CidrError::Invalid),
        };
    };
    let addr: IpAddr = addr.parse().map_err(|_| CidrError::Invalid)?;
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CidrError::Invalid);
    }
    let max = Family::of_addr(&addr).bits();
    // Go's dtoi accepts leading zeros ("/08") and gives up on absurdly long numbers.
    let length = prefix
        .parse::<u32>()
        .ok()
        .and_then(|p| u8::try_from(p).ok())
        .filter(|&p| p <= max)
        .ok_or_else(|| CidrError::PrefixOutOfRange {
            prefix: prefix.to_owned(),
            max,
        })?;
    IpNet::new(addr, length).map_err(|_| CidrError::Invalid)
}

/// True when the address carries no host bits (P4).
pub fn is_masked(net: &IpNet) -> bool {
    net.addr() == net.network()
}

/// Two subnets of one family overlap exactly when one contains the other.
pub fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    Family::of(a) == Family::of(b) && (a.contains(&b.network()) || b.contains(&a.network()))
}

/// Number of blocks of `block_size` in a pool with `prefix`; `None` when the block is larger than
/// the pool. Saturates at `u128::MAX` for the IPv6 extremes.
pub fn block_count(prefix: u8, block_size: u8) -> Option<u128> {
    let shift = block_size.checked_sub(prefix)?;
    Some(1u128.checked_shl(u32::from(shift)).unwrap_or(u128::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_what_calico_accepts() {
        for ok in [
            "10.0.0.0/8",
            "192.168.0.0/16",
            "0.0.0.0/0",
            "10.0.0.1/32",
            "fd00::/48",
            "FD00:AB::/64",
            "aabb:aabb::0000/122",
            "::/0",
            "10.0.0.0/08",
        ] {
            assert!(parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn parse_classifies_failures() {
        assert_eq!(parse(""), Err(CidrError::Empty));
        assert!(matches!(parse("10.0.0.1"), Err(CidrError::BareAddress(_))));
        assert!(matches!(parse("fd00::"), Err(CidrError::BareAddress(_))));
        assert!(matches!(
            parse("10.0.0.0/33"),
            Err(CidrError::PrefixOutOfRange { max: 32, .. })
        ));
        assert!(matches!(
            parse("fd00::/129"),
            Err(CidrError::PrefixOutOfRange { max: 128, .. })
        ));
        for bad in [
            "10.0.0.0/",
            "10.0.0/8",
            "10.0.0.0/8 ",
            " 10.0.0.0/8",
            "010.0.0.0/8",
            "10.0.0.0/-1",
            "abc",
            "10.0.0.0/8/8",
        ] {
            assert_eq!(parse(bad), Err(CidrError::Invalid), "{bad}");
        }
    }

    #[test]
    fn masking_and_canonical_text() {
        let net = parse("10.0.0.1/8").unwrap();
        assert!(!is_masked(&net));
        assert_eq!(net.trunc().to_string(), "10.0.0.0/8");
        let v6 = parse("AABB:AABB::0000/122").unwrap();
        assert!(is_masked(&v6));
        assert_eq!(v6.to_string(), "aabb:aabb::/122");
    }

    #[test]
    fn overlap_is_containment_within_a_family() {
        let a = parse("192.168.0.0/16").unwrap();
        let b = parse("192.168.0.0/20").unwrap();
        let c = parse("192.169.0.0/16").unwrap();
        assert!(overlaps(&a, &b) && overlaps(&b, &a));
        assert!(!overlaps(&a, &c));
        assert!(!overlaps(&parse("::/0").unwrap(), &a));
        assert!(overlaps(
            &parse("169.0.0.0/8").unwrap(),
            &Family::V4.link_local()
        ));
    }

    #[test]
    fn block_arithmetic() {
        assert_eq!(block_count(16, 26), Some(1024));
        assert_eq!(block_count(26, 26), Some(1));
        assert_eq!(block_count(27, 26), None);
        assert_eq!(block_count(0, 128), Some(u128::MAX));
    }
}

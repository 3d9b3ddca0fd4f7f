//! Calico release versions, so rules that exist only in some releases (calico-reference §0, §2.1
//! "Where" column) can be gated on `--calico-version`.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CalicoVersion {
    pub major: u32,
    pub minor: u32,
}

impl CalicoVersion {
    /// The newest release calico-reference.md describes (tag v3.32.1).
    pub const LATEST: CalicoVersion = CalicoVersion::new(3, 32);
    /// Unreleased master (future v3.33): rules marked "master" in the reference start here.
    pub const MASTER: CalicoVersion = CalicoVersion::new(3, 33);

    pub const fn new(major: u32, minor: u32) -> Self {
        Self { major, minor }
    }

    pub fn at_least(self, major: u32, minor: u32) -> bool {
        self >= CalicoVersion::new(major, minor)
    }
}

impl Default for CalicoVersion {
    fn default() -> Self {
        Self::LATEST
    }
}

impl fmt::Display for CalicoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl FromStr for CalicoVersion {
    type Err = String;

    /// Accepts `3.30`, `v3.30`, `3.30.2` (the patch level changes no rule).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || format!("invalid Calico version {text:?}: expected MAJOR.MINOR, e.g. 3.32");
        let trimmed = text.trim().trim_start_matches('v');
        let mut parts = trimmed.split('.');
        let major: u32 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let minor: u32 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        if let Some(patch) = parts.next() {
            patch.parse::<u32>().map_err(|_| bad())?;
        }
        if parts.next().is_some() {
            return Err(bad());
        }
        if major != 3 {
            return Err(format!(
                "unsupported Calico version {text}: kubectl-ippool models Calico 3.x (3.28 to {})",
                CalicoVersion::MASTER
            ));
        }
        Ok(CalicoVersion::new(major, minor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_spellings() {
        assert_eq!("3.30".parse(), Ok(CalicoVersion::new(3, 30)));
        assert_eq!("v3.31.2".parse(), Ok(CalicoVersion::new(3, 31)));
        assert!("3".parse::<CalicoVersion>().is_err());
        assert!("3.x".parse::<CalicoVersion>().is_err());
        assert!("2.6".parse::<CalicoVersion>().is_err());
        assert!(CalicoVersion::LATEST.at_least(3, 32));
        assert!(!CalicoVersion::LATEST.at_least(3, 33));
    }
}

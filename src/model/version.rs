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

    /// The releases whose rules are modelled, oldest first.
    pub const KNOWN: [CalicoVersion; 6] = [
        CalicoVersion::new(3, 28),
        CalicoVersion::new(3, 29),
        CalicoVersion::new(3, 30),
        CalicoVersion::new(3, 31),
        CalicoVersion::new(3, 32),
        CalicoVersion::new(3, 33),
    ];

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

    /// Accepts a known release as `3.30`, `v3.30` or `3.30.2` (the patch level changes no rule),
    /// and the aliases `latest` (the newest release) and `master` (unreleased, 3.33).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let known = || {
            CalicoVersion::KNOWN
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let bad = || {
            format!(
                "invalid Calico version {text:?}: expected MAJOR.MINOR, one of {}, or latest ({}) or master ({})",
                known(),
                CalicoVersion::LATEST,
                CalicoVersion::MASTER
            )
        };
        match text.trim().to_ascii_lowercase().as_str() {
            "latest" => return Ok(CalicoVersion::LATEST),
            "master" => return Ok(CalicoVersion::MASTER),
            _ => {}
        }
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
        let version = CalicoVersion::new(major, minor);
        if !CalicoVersion::KNOWN.contains(&version) {
            return Err(format!(
                "unsupported Calico version {text}: kubectl-ippool models {} (or latest, master)",
                known()
            ));
        }
        Ok(version)
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
        assert_eq!("latest".parse(), Ok(CalicoVersion::LATEST));
        assert_eq!("Master".parse(), Ok(CalicoVersion::MASTER));
    }

    /// Issue 9 item 20: any 3.x used to run silently (3.3 even called assignmentMode unknown).
    #[test]
    fn only_known_releases_are_accepted() {
        for unknown in ["3.3", "3.20", "3.27", "3.34", "3.99", "4.0"] {
            let error = unknown.parse::<CalicoVersion>().unwrap_err();
            assert!(
                error.contains("3.28, 3.29, 3.30, 3.31, 3.32, 3.33"),
                "{unknown}: {error}"
            );
        }
        for known in CalicoVersion::KNOWN {
            assert_eq!(known.to_string().parse(), Ok(known));
        }
        assert!(CalicoVersion::LATEST.at_least(3, 32));
        assert!(!CalicoVersion::LATEST.at_least(3, 33));
    }
}

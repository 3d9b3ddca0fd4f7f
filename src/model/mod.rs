//! The typed, spanned, pure model of what matters to Calico IPAM: CIDR math, the selector
//! language, pools, and the inventory that rules read. No I/O and no YAML here.

pub mod annotations;
pub mod capacity;
pub mod cidr;
pub mod cluster;
pub mod inventory;
pub mod ipam;
pub mod metadata;
pub mod overlap;
pub mod pool;
pub mod selection;
pub mod selector;
pub mod sources;
pub mod version;

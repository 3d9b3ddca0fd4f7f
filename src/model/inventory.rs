//! The seam between inputs and rules (STYLE.md): everything the rules may know about the inputs,
//! whether they came from manifests or, later, from a live cluster. Rules never see raw YAML.

use super::pool::Pool;

#[derive(Debug, Default)]
pub struct Inventory {
    pub pools: Vec<Pool>,
}

impl Inventory {
    pub fn merge(&mut self, other: Inventory) {
        self.pools.extend(other.pools);
    }
}

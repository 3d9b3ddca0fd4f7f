//! Pool declarations that are not IPPool resources (operator Installation, calico-node env,
//! kubespray vars) as written, for their own value checks (IPP301, IPP302). The pools they
//! declare are in the inventory's `pools` like every other.

/// Raw facts of the non-IPPool pool sources.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceFacts {}

impl SourceFacts {
    pub fn merge(&mut self, other: SourceFacts) {
        let SourceFacts {} = other;
    }
}

//! Reads pools declared outside IPPool resources: operator `Installation` ipPools, calico-node
//! `CALICO_IPV*POOL_*` env in DaemonSets, kubespray group_vars (calico-reference §7).

use super::extract::Reader;
use super::yaml::NodeRef;
use crate::model::inventory::Inventory;

/// Kubernetes objects: Installation, DaemonSets with a calico-node container.
pub fn read_object(_reader: &Reader<'_>, _object: NodeRef<'_>, _inventory: &mut Inventory) {}

/// A document that is a plain map, not an object: kubespray group_vars, recognised by their keys.
pub fn read_vars(_reader: &Reader<'_>, _root: NodeRef<'_>, _inventory: &mut Inventory) {}

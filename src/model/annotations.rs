//! Calico CNI annotations (calico-reference §5) as written on Namespaces, Pods and pod templates,
//! and anywhere else they were put.

use super::pool::Spanned;

/// An object carrying annotations that matter to Calico IPAM.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnotationSite {
    /// `Kind/namespace/name` as findings name objects.
    pub object: String,
    pub annotations: Vec<Spanned<String>>,
}

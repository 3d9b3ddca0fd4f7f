//! Labels and annotations as written on the objects whose metadata Calico or our selectors read:
//! IPPools, Nodes and Namespaces. Recorded, never judged here (IPP018 does).

use crate::model::pool::Spanned;
use crate::source::Loc;

/// One object's `metadata.labels` and `metadata.annotations`.
#[derive(Debug, Clone, PartialEq)]
pub struct MetadataFact {
    /// `IPPool/extra-ippool`, `Node/worker-1`, `Namespace/test-ns`.
    pub object: String,
    pub labels: Vec<Label>,
    pub annotations: Vec<Annotation>,
    /// The `annotations` key, where a finding about all of them points.
    pub annotations_key: Option<Loc>,
}

impl MetadataFact {
    /// How messages name the object: `IPPool extra-ippool`, `Node worker-1`.
    pub fn display_name(&self) -> String {
        self.object.replacen('/', " ", 1)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub key: Spanned<String>,
    /// `None` when the value is not a string (IPP017's business, not this rule's).
    pub value: Option<Spanned<String>>,
}

/// An annotation's key, and the size of its value (values can be large; only their length
/// counts).
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    pub key: Spanned<String>,
    pub value_len: usize,
}

//! TEMPORARY type-check stub; replaced by the real loader.
#![allow(dead_code, unused_variables)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}
pub type NodeId = u32;
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}
#[derive(Debug, Clone)]
pub enum NodeKind {
    Scalar { value: String, style: Style },
    Seq(Vec<NodeId>),
    Map(Vec<(NodeId, NodeId)>),
    Alias(NodeId),
}
#[derive(Debug, Clone)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
    pub tag: Option<String>,
}
#[derive(Debug, Clone)]
pub struct Document {
    pub nodes: Vec<Node>,
    pub root: Option<NodeId>,
    pub span: Span,
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub span: Span,
}
#[derive(Debug, Clone, Default)]
pub struct Limits {
    pub max_depth: usize,
    pub max_nodes: usize,
    pub max_aliases: usize,
}
pub struct Parsed {
    pub documents: Vec<Document>,
    pub errors: Vec<YamlError>,
    pub duplicate_keys: Vec<(Span, Span, String)>,
}
pub fn parse(text: &str, limits: &Limits) -> Parsed {
    Parsed {
        documents: vec![],
        errors: vec![],
        duplicate_keys: vec![],
    }
}
impl Document {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }
    pub fn root(&self) -> Option<NodeRef<'_>> {
        self.root.map(|id| NodeRef { doc: self, id })
    }
}
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    pub doc: &'a Document,
    pub id: NodeId,
}
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarType {
    Null,
    Bool(bool),
    Int(i64),
    Float,
    Str,
    NotScalar,
}
impl<'a> NodeRef<'a> {
    pub fn node(&self) -> &'a Node {
        self.doc.node(self.id)
    }
    pub fn span(&self) -> Span {
        self.node().span
    }
    pub fn as_scalar(&self) -> Option<(&'a str, Style)> {
        None
    }
    pub fn as_str(&self) -> Option<&'a str> {
        None
    }
    pub fn is_null(&self) -> bool {
        false
    }
    pub fn get(&self, key: &str) -> Option<NodeRef<'a>> {
        None
    }
    pub fn get_entry(&self, key: &str) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        None
    }
    pub fn entries(&self) -> impl Iterator<Item = (NodeRef<'a>, NodeRef<'a>)> {
        std::iter::empty()
    }
    pub fn items(&self) -> impl Iterator<Item = NodeRef<'a>> {
        std::iter::empty()
    }
    pub fn is_map(&self) -> bool {
        false
    }
    pub fn is_seq(&self) -> bool {
        false
    }
    pub fn scalar_type(&self) -> ScalarType {
        ScalarType::Null
    }
    pub fn value_offset_to_source(&self, text: &str, offset: usize) -> Option<usize> {
        None
    }
}

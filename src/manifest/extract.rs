//! Turns parsed YAML documents into model objects: the only place that knows both the YAML tree
//! and the pool model. It records what was written and where; it judges nothing.

use std::cell::RefCell;

use super::yaml::{Document, NodeRef, ScalarType, Span, ValueMap};
use crate::model::pool::{
    Field, Pool, PoolSource, SelectorFault, SelectorField, Spanned, SpecKey, WrongType,
};
use crate::model::selector;
use crate::source::{Loc, SourceId};

/// One document's worth of reading: the source it came from and its text, for spans and for
/// mapping positions inside scalars back to the file.
pub struct Reader<'a> {
    pub source: SourceId,
    pub text: &'a str,
    /// The offset map of the scalar read last: the entries of one annotation value are mapped
    /// one after another, and walking the scalar from its start for each made a value of n
    /// pool names cost n² (issue 9 item 6).
    value_map: RefCell<Option<(Span, Option<ValueMap>)>>,
}

impl<'a> Reader<'a> {
    pub fn new(source: SourceId, text: &'a str) -> Reader<'a> {
        Reader {
            source,
            text,
            value_map: RefCell::new(None),
        }
    }

    /// Maps a byte offset of a scalar's value to the source; see [`NodeRef::value_map`].
    pub fn value_offset_to_source(&self, node: NodeRef<'_>, offset: usize) -> Option<usize> {
        let span = node.span();
        let mut cached = self.value_map.borrow_mut();
        if cached.as_ref().is_none_or(|(at, _)| *at != span) {
            *cached = Some((span, node.value_map(self.text)));
        }
        cached.as_ref()?.1.as_ref()?.get(offset)
    }

    pub fn loc(&self, span: Span) -> Loc {
        Loc::new(self.source, span)
    }

    /// The Kubernetes objects of a document: the root object, or the items of a `List`.
    pub fn objects<'d>(&self, doc: &'d Document) -> Vec<NodeRef<'d>> {
        let Some(root) = doc.root() else {
            return Vec::new();
        };
        let is_list = root
            .get("kind")
            .and_then(|kind| kind.as_str())
            .is_some_and(|kind| kind == "List" || kind.ends_with("List"));
        match root.get("items") {
            Some(items) if is_list && items.is_seq() => {
                items.items().filter(|i| i.is_map()).collect()
            }
            _ if root.is_map() => vec![root],
            _ => Vec::new(),
        }
    }

    /// A pool when the object is an IPPool of a Calico API group.
    pub fn pool(&self, object: NodeRef<'_>) -> Option<Pool> {
        if object.get("kind")?.as_str()? != "IPPool" {
            return None;
        }
        let source = match object.get("apiVersion")?.as_str()? {
            "crd.projectcalico.org/v1" => PoolSource::CrdV1,
            "projectcalico.org/v3" => PoolSource::V3,
            _ => return None,
        };
        let spec_entry = object.get_entry("spec");
        let anchor = match (spec_entry, object.get("kind")) {
            (Some((key, _)), _) => key.span(),
            (None, Some(kind)) => kind.span(),
            (None, None) => object.span(),
        };
        let mut pool = Pool::new(source, self.loc(anchor));
        if let Some(name) = object.get("metadata").and_then(|m| m.get("name")) {
            pool.name = self.string(name);
        }
        let Some((_, spec)) = spec_entry else {
            return Some(pool);
        };
        // Exact: every pool keeps its list, and doubling from four left most at twice their size.
        pool.spec_keys.reserve_exact(spec.entries().len());
        for (key, value) in spec.entries() {
            let Some(name) = key.as_str() else { continue };
            pool.spec_keys.push(SpecKey {
                name: name.to_owned(),
                loc: self.loc(key.span()),
            });
            match name {
                "cidr" => pool.cidr = self.string(value),
                "blockSize" => pool.block_size = self.integer(value),
                "ipipMode" => pool.ipip_mode = self.string(value),
                "vxlanMode" => pool.vxlan_mode = self.string(value),
                "natOutgoing" => pool.nat_outgoing = self.boolean(value),
                "disabled" => pool.disabled = self.boolean(value),
                "disableBGPExport" => pool.disable_bgp_export = self.boolean(value),
                "nodeSelector" => pool.node_selector = self.selector(value).boxed(),
                "namespaceSelector" => pool.namespace_selector = self.selector(value).boxed(),
                "allowedUses" => pool.allowed_uses = self.string_list(value),
                "assignmentMode" => pool.assignment_mode = self.string(value),
                "ipip" if !value.is_null() => {
                    pool.legacy.ipip = Some(Spanned {
                        value: true,
                        loc: self.loc(value.span()),
                    });
                }
                "nat-outgoing" => pool.legacy.nat_outgoing = self.boolean(value),
                _ => {}
            }
        }
        Some(pool)
    }

    fn wrong(&self, node: NodeRef<'_>, expected: &'static str) -> WrongType {
        WrongType {
            loc: self.loc(node.span()),
            expected,
            found: describe(node),
        }
    }

    pub(crate) fn string(&self, node: NodeRef<'_>) -> Field<String> {
        match node.scalar_type() {
            ScalarType::Null => Field::Absent,
            ScalarType::Str => Field::Set(Spanned {
                value: node.as_str().unwrap_or_default().to_owned(),
                loc: self.loc(node.span()),
            }),
            _ => Field::WrongType(Box::new(self.wrong(node, "string"))),
        }
    }

    pub(crate) fn integer(&self, node: NodeRef<'_>) -> Field<i64> {
        match node.scalar_type() {
            ScalarType::Null => Field::Absent,
            ScalarType::Int(value) => Field::Set(Spanned {
                value,
                loc: self.loc(node.span()),
            }),
            _ => Field::WrongType(Box::new(self.wrong(node, "integer"))),
        }
    }

    pub(crate) fn boolean(&self, node: NodeRef<'_>) -> Field<bool> {
        match node.scalar_type() {
            ScalarType::Null => Field::Absent,
            ScalarType::Bool(value) => Field::Set(Spanned {
                value,
                loc: self.loc(node.span()),
            }),
            _ => Field::WrongType(Box::new(self.wrong(node, "boolean"))),
        }
    }

    pub(crate) fn string_list(&self, node: NodeRef<'_>) -> Field<Vec<Spanned<String>>> {
        if node.is_null() {
            return Field::Absent;
        }
        if !node.is_seq() {
            return Field::WrongType(Box::new(self.wrong(node, "list of strings")));
        }
        let mut values = Vec::new();
        for item in node.items() {
            match self.string(item) {
                Field::Set(value) => values.push(value),
                Field::WrongType(wrong) => return Field::WrongType(wrong),
                Field::Absent => {
                    return Field::WrongType(Box::new(WrongType {
                        loc: self.loc(item.span()),
                        expected: "string",
                        found: "null".to_owned(),
                    }));
                }
            }
        }
        Field::Set(Spanned {
            value: values,
            loc: self.loc(node.span()),
        })
    }

    pub(crate) fn selector(&self, node: NodeRef<'_>) -> Field<SelectorField> {
        let tag = node.node().tag.clone().filter(|tag| !tag.starts_with("!!"));
        let text = match node.scalar_type() {
            ScalarType::Str => node.as_str().unwrap_or_default(),
            // `nodeSelector: !all()` unquoted: a tag on an empty value. Keep it for IPP012.
            ScalarType::Null if tag.is_some() => "",
            ScalarType::Null => return Field::Absent,
            _ => return Field::WrongType(Box::new(self.wrong(node, "string"))),
        };
        let parsed = selector::parse(text).map_err(|error| {
            let span = self.value_span(node, text, error.offset);
            SelectorFault {
                message: error.message,
                loc: self.loc(span),
            }
        });
        Field::Set(Spanned {
            value: SelectorField {
                text: text.to_owned(),
                parsed,
                yaml_tag: tag,
            },
            loc: self.loc(node.span()),
        })
    }

    /// The source span of the character at `offset` in a scalar's value (one character wide, or
    /// empty at the end of the value); the whole scalar when the position cannot be mapped.
    pub fn value_span(&self, node: NodeRef<'_>, value: &str, offset: usize) -> Span {
        let Some(start) = self.value_offset_to_source(node, offset) else {
            return node.span();
        };
        let width = value
            .get(offset..)
            .and_then(|rest| rest.chars().next())
            .map_or(0, char::len_utf8);
        let end = self
            .text
            .get(start..)
            .and_then(|rest| rest.chars().next())
            .map_or(start, |c| start + if width == 0 { 0 } else { c.len_utf8() });
        Span { start, end }
    }
}

impl Reader<'_> {
    /// The source span of `value[start..end]` of a scalar; the whole scalar when the ends cannot
    /// be mapped exactly.
    pub fn value_range(&self, node: NodeRef<'_>, value: &str, start: usize, end: usize) -> Span {
        if start == 0 && end == value.len() {
            // The whole value: the scalar as written (quotes included) reads best.
            return node.span();
        }
        match (
            self.value_offset_to_source(node, start),
            self.value_offset_to_source(node, end),
        ) {
            (Some(start), Some(end)) if start <= end => Span { start, end },
            _ => node.span(),
        }
    }
}

/// An object's API group (empty for the core group) and kind, when both are written.
pub fn group_and_kind<'a>(object: NodeRef<'a>) -> Option<(&'a str, &'a str)> {
    let api_version = object.get("apiVersion")?.as_str()?;
    let kind = object.get("kind")?.as_str()?;
    let group = api_version.split_once('/').map_or("", |(group, _)| group);
    Some((group, kind))
}

/// How a value reads in a message: `string "26"`, `integer 26`, `boolean true`, `a list`.
pub fn describe(node: NodeRef<'_>) -> String {
    let raw = node.as_str().unwrap_or_default();
    match node.scalar_type() {
        ScalarType::Null => "null".to_owned(),
        ScalarType::Bool(_) => format!("boolean {raw}"),
        ScalarType::Int(_) => format!("integer {raw}"),
        ScalarType::Float => format!("number {raw}"),
        ScalarType::Str => format!("string {raw:?}"),
        ScalarType::NotScalar if node.is_seq() => "a list".to_owned(),
        ScalarType::NotScalar => "a map".to_owned(),
    }
}

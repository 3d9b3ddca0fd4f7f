//! The Calico label-selector language (`nodeSelector`, `namespaceSelector`, …).
//!
//! This module owns, and only owns, the selector language itself:
//! tokenizing, parsing into an AST, Calico's canonical string form
//! (`Selector.String()` upstream) and evaluation against a label map.
//! The behaviour follows section 3 of `calico-reference.md`, which was
//! cross-checked against projectcalico/calico
//! `libcalico-go/lib/selector/{tokenizer/tokenizer.go,parser/parser.go,parser/ast.go}`.
//!
//! What it must not do:
//! * no IPPool policy: rules such as "no `global(` in pool selectors" or
//!   "LoadBalancer pools need exactly `all()`" are string/field rules that live
//!   with the lint rules, not here;
//! * no I/O, no logging, no dependencies beyond `std`;
//! * never panic and never recurse without bound on any input. Every error
//!   carries the byte offset (always on a `char` boundary, `<= input.len()`)
//!   of the character or token that caused it, so callers can put a caret
//!   under it.
//!
//! Error messages use Calico's wording. Tokens quoted inside a message use
//! the Go tokenizer's `Kind(value)` rendering (e.g. `unexpected token: TokEOF()`),
//! which is what `calicoctl` shows users.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::BuildHasher;

/// Longest label key Calico accepts (`tokenizer.MaxLabelLength`).
pub const MAX_LABEL_LENGTH: usize = 512;

/// Maximum parenthesis nesting depth. This limit is ours, not Calico's:
/// Calico recurses without a bound, but selectors are capped at 1024
/// characters in practice, so 256 levels never rejects a real selector while
/// keeping parsing, evaluation and printing safely recursive.
const MAX_NESTING: usize = 256;

/// A syntax error in a selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorError {
    /// Byte offset into the input of the offending character or token
    /// (`input.len()` for an unexpected end of input).
    pub offset: usize,
    /// Calico's wording of the problem, e.g. `expected )`.
    pub message: String,
}

impl SelectorError {
    fn new(offset: usize, message: impl Into<String>) -> Self {
        SelectorError {
            offset,
            message: message.into(),
        }
    }
}

impl fmt::Display for SelectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SelectorError {}

/// Anything that can answer "what is the value of label `key`?".
pub trait Labels {
    /// The value of `key`, or `None` if the label is absent.
    fn label(&self, key: &str) -> Option<&str>;
}

impl<T: Labels + ?Sized> Labels for &T {
    fn label(&self, key: &str) -> Option<&str> {
        (**self).label(key)
    }
}

impl Labels for BTreeMap<String, String> {
    fn label(&self, key: &str) -> Option<&str> {
        self.get(key).map(String::as_str)
    }
}

impl<S: BuildHasher> Labels for HashMap<String, String, S> {
    fn label(&self, key: &str) -> Option<&str> {
        self.get(key).map(String::as_str)
    }
}

impl Labels for [(&str, &str)] {
    fn label(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
}

impl<const N: usize> Labels for [(&str, &str); N] {
    fn label(&self, key: &str) -> Option<&str> {
        self.as_slice().label(key)
    }
}

impl Labels for [(String, String)] {
    fn label(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

impl Labels for Vec<(String, String)> {
    fn label(&self, key: &str) -> Option<&str> {
        self.as_slice().label(key)
    }
}

impl Labels for Vec<(&str, &str)> {
    fn label(&self, key: &str) -> Option<&str> {
        self.as_slice().label(key)
    }
}

// ---------------------------------------------------------------------------
// AST
// ---------------------------------------------------------------------------

/// One node of the selector AST.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    All,
    Global,
    Has(String),
    Eq(String, String),
    Ne(String, String),
    Contains(String, String),
    StartsWith(String, String),
    EndsWith(String, String),
    /// Values are sorted (byte order) and de-duplicated.
    In(String, Vec<String>),
    /// Values are sorted (byte order) and de-duplicated.
    NotIn(String, Vec<String>),
    /// An odd number of `!`.
    Not(Box<Node>),
    /// A non-zero even number of `!`: semantically the operand, and printed
    /// as the operand (Calico collapses `!` parity), but kept so that
    /// `!!all()` is not mistaken for the literal `all()`.
    NotNot(Box<Node>),
    /// At least two operands.
    And(Vec<Node>),
    /// At least two operands.
    Or(Vec<Node>),
}

/// A parsed Calico selector.
///
/// Equality is structural on the parsed form: whitespace, redundant
/// parentheses, quote style and set order/duplicates do not matter, but
/// `!!x` and `x` are different (they print and evaluate the same). Compare
/// `to_string()` for "same canonical selector".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    root: Node,
}

impl Selector {
    /// Does the selector select an object with these labels?
    pub fn matches(&self, labels: &(impl Labels + ?Sized)) -> bool {
        eval(&self.root, labels)
    }

    /// True for `all()` and the empty/blank selector (redundant parentheses
    /// and whitespace allowed), false for anything else, including `!!all()`
    /// and `global()`.
    pub fn is_all(&self) -> bool {
        matches!(self.root, Node::All)
    }

    /// A cheap, sound syntactic check that the selector can never match:
    /// true for `!all()`, `!global()`, `k in {}`, an `&&` with such an operand,
    /// an `||` whose operands all are such, and negations of expressions that
    /// are trivially always true. `false` does not prove the selector
    /// matches something (`has(a) && !has(a)` gives `false`).
    pub fn selects_nothing(&self) -> bool {
        never_true(&self.root)
    }

    /// Every label key the selector mentions, de-duplicated, in order of
    /// first appearance.
    pub fn label_keys(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        collect_keys(&self.root, &mut out, &mut seen);
        out
    }
}

fn eval<L: Labels + ?Sized>(node: &Node, labels: &L) -> bool {
    match node {
        Node::All | Node::Global => true,
        Node::Has(k) => labels.label(k).is_some(),
        Node::Eq(k, v) => labels.label(k) == Some(v.as_str()),
        Node::Ne(k, v) => labels.label(k) != Some(v.as_str()),
        Node::Contains(k, v) => labels.label(k).is_some_and(|x| x.contains(v.as_str())),
        Node::StartsWith(k, v) => labels.label(k).is_some_and(|x| x.starts_with(v.as_str())),
        Node::EndsWith(k, v) => labels.label(k).is_some_and(|x| x.ends_with(v.as_str())),
        Node::In(k, set) => labels.label(k).is_some_and(|x| set_contains(set, x)),
        Node::NotIn(k, set) => !labels.label(k).is_some_and(|x| set_contains(set, x)),
        Node::Not(inner) => !eval(inner, labels),
        Node::NotNot(inner) => eval(inner, labels),
        Node::And(ops) => ops.iter().all(|n| eval(n, labels)),
        Node::Or(ops) => ops.iter().any(|n| eval(n, labels)),
    }
}

fn set_contains(set: &[String], value: &str) -> bool {
    set.binary_search_by(|probe| probe.as_str().cmp(value))
        .is_ok()
}

/// Trivially true for every label map.
fn always_true(node: &Node) -> bool {
    match node {
        Node::All | Node::Global => true,
        Node::NotIn(_, set) => set.is_empty(),
        Node::Not(inner) => never_true(inner),
        Node::NotNot(inner) => always_true(inner),
        Node::And(ops) => ops.iter().all(always_true),
        Node::Or(ops) => ops.iter().any(always_true),
        _ => false,
    }
}

/// Trivially false for every label map.
fn never_true(node: &Node) -> bool {
    match node {
        Node::In(_, set) => set.is_empty(),
        Node::Not(inner) => always_true(inner),
        Node::NotNot(inner) => never_true(inner),
        Node::And(ops) => ops.iter().any(never_true),
        Node::Or(ops) => ops.iter().all(never_true),
        _ => false,
    }
}

/// `seen` makes de-duplication O(1) per key: a `Vec::contains` scan made a selector of n distinct
/// keys cost n² (issue 9 item 11).
fn collect_keys<'a>(
    node: &'a Node,
    out: &mut Vec<&'a str>,
    seen: &mut std::collections::HashSet<&'a str>,
) {
    let key = match node {
        Node::All | Node::Global => return,
        Node::Has(k)
        | Node::Eq(k, _)
        | Node::Ne(k, _)
        | Node::Contains(k, _)
        | Node::StartsWith(k, _)
        | Node::EndsWith(k, _)
        | Node::In(k, _)
        | Node::NotIn(k, _) => k.as_str(),
        Node::Not(inner) | Node::NotNot(inner) => return collect_keys(inner, out, seen),
        Node::And(ops) | Node::Or(ops) => {
            for op in ops {
                collect_keys(op, out, seen);
            }
            return;
        }
    };
    if seen.insert(key) {
        out.push(key);
    }
}

// ---------------------------------------------------------------------------
// Canonical form
// ---------------------------------------------------------------------------

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_node(&self.root, f)
    }
}

/// Calico quotes with `"` unless the value contains `"`. A literal can never
/// contain both quote characters, so this always re-parses.
fn write_quoted(value: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let q = if value.contains('"') { '\'' } else { '"' };
    write!(f, "{q}{value}{q}")
}

fn write_op(key: &str, op: &str, value: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    write!(f, "{key} {op} ")?;
    write_quoted(value, f)
}

fn write_set(key: &str, op: &str, set: &[String], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    write!(f, "{key} {op} {{")?;
    for (i, v) in set.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write_quoted(v, f)?;
    }
    f.write_str("}")
}

fn write_group(ops: &[Node], sep: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("(")?;
    for (i, op) in ops.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write_node(op, f)?;
    }
    f.write_str(")")
}

fn write_node(node: &Node, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match node {
        Node::All => f.write_str("all()"),
        Node::Global => f.write_str("global()"),
        Node::Has(k) => write!(f, "has({k})"),
        Node::Eq(k, v) => write_op(k, "==", v, f),
        Node::Ne(k, v) => write_op(k, "!=", v, f),
        Node::Contains(k, v) => write_op(k, "contains", v, f),
        Node::StartsWith(k, v) => write_op(k, "starts with", v, f),
        Node::EndsWith(k, v) => write_op(k, "ends with", v, f),
        Node::In(k, set) => write_set(k, "in", set, f),
        Node::NotIn(k, set) => write_set(k, "not in", set, f),
        Node::Not(inner) => {
            f.write_str("!")?;
            write_node(inner, f)
        }
        Node::NotNot(inner) => write_node(inner, f),
        Node::And(ops) => write_group(ops, " && ", f),
        Node::Or(ops) => write_group(ops, " || ", f),
    }
}

// ---------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind<'a> {
    Label(&'a str),
    Str(&'a str),
    LBrace,
    RBrace,
    Comma,
    Eq,
    Ne,
    In,
    Not,
    NotIn,
    Contains,
    StartsWith,
    EndsWith,
    All,
    Has(&'a str),
    LParen,
    RParen,
    And,
    Or,
    Global,
    Eof,
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    kind: Kind<'a>,
    /// Byte offset of the token's first character.
    pos: usize,
}

/// Renders a token the way Calico's Go `Token.String()` does, e.g.
/// `TokLabel(a)`, `TokRParen()`, so messages match upstream wording.
impl fmt::Display for Kind<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, value) = match *self {
            Kind::Label(v) => ("TokLabel", v),
            Kind::Str(v) => ("TokStringLiteral", v),
            Kind::LBrace => ("TokLBrace", ""),
            Kind::RBrace => ("TokRBrace", ""),
            Kind::Comma => ("TokComma", ""),
            Kind::Eq => ("TokEq", ""),
            Kind::Ne => ("TokNe", ""),
            Kind::In => ("TokIn", ""),
            Kind::Not => ("TokNot", ""),
            Kind::NotIn => ("TokNotIn", ""),
            Kind::Contains => ("TokContains", ""),
            Kind::StartsWith => ("TokStartsWith", ""),
            Kind::EndsWith => ("TokEndsWith", ""),
            Kind::All => ("TokAll", ""),
            Kind::Has(v) => ("TokHas", v),
            Kind::LParen => ("TokLParen", ""),
            Kind::RParen => ("TokRParen", ""),
            Kind::And => ("TokAnd", ""),
            Kind::Or => ("TokOr", ""),
            Kind::Global => ("TokGlobal", ""),
            Kind::Eof => ("TokEOF", ""),
        };
        write!(f, "{name}({value})")
    }
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'/' | b'-')
}

/// Only space and TAB are whitespace; newline is not.
fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    i
}

/// End of the identifier starting at `start` (== `start` if there is none).
fn ident_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while bytes.get(i).copied().is_some_and(is_ident_byte) {
        i += 1;
    }
    i
}

/// End of the word after an operator keyword is a boundary when the next
/// byte is not an identifier character (or the input ends).
fn at_word_boundary(bytes: &[u8], i: usize) -> bool {
    !bytes.get(i).copied().is_some_and(is_ident_byte)
}

/// Reads a label key at `start`, enforcing 1..=512 bytes. All positions the
/// tokenizer visits are char boundaries: it only ever steps over ASCII bytes
/// or jumps just past an ASCII closing quote.
fn read_ident(input: &str, start: usize) -> Result<(&str, usize), SelectorError> {
    let end = ident_end(input.as_bytes(), start);
    if end == start {
        return Err(SelectorError::new(start, "expected identifier"));
    }
    if end - start > MAX_LABEL_LENGTH {
        return Err(SelectorError::new(start, "label too long"));
    }
    Ok((&input[start..end], end))
}

/// Matches a multi-word operator (`starts with`, `not in`, …) at `i`. Words
/// may be separated by any run of spaces/tabs (including none); whitespace
/// after the last word is consumed and then a word boundary is required.
/// Returns the position after the operator.
fn match_words(bytes: &[u8], i: usize, words: &[&str]) -> Option<usize> {
    let mut j = i;
    for word in words {
        if !bytes.get(j..)?.starts_with(word.as_bytes()) {
            return None;
        }
        j = skip_ws(bytes, j + word.len());
    }
    at_word_boundary(bytes, j).then_some(j)
}

/// Matches a single-word operator: the word followed directly by a boundary.
fn match_word(bytes: &[u8], i: usize, word: &str) -> Option<usize> {
    let j = i + word.len();
    (bytes.get(i..)?.starts_with(word.as_bytes()) && at_word_boundary(bytes, j)).then_some(j)
}

fn tokenize(input: &str) -> Result<Vec<Token<'_>>, SelectorError> {
    let bytes = input.as_bytes();
    let mut tokens: Vec<Token<'_>> = Vec::new();
    let mut i = 0;
    loop {
        i = skip_ws(bytes, i);
        let Some(&c) = bytes.get(i) else {
            tokens.push(Token {
                kind: Kind::Eof,
                pos: input.len(),
            });
            return Ok(tokens);
        };
        let start = i;
        let pair = |second: u8| bytes.get(start + 1) == Some(&second);
        let kind = match c {
            b'(' => {
                i += 1;
                Kind::LParen
            }
            b')' => {
                i += 1;
                Kind::RParen
            }
            b'{' => {
                i += 1;
                Kind::LBrace
            }
            b'}' => {
                i += 1;
                Kind::RBrace
            }
            b',' => {
                i += 1;
                Kind::Comma
            }
            b'"' | b'\'' => {
                // No escapes: the literal ends at the next matching quote.
                let body = start + 1;
                let Some(len) = input[body..].find(char::from(c)) else {
                    return Err(SelectorError::new(start, "unterminated string"));
                };
                i = body + len + 1;
                Kind::Str(&input[body..body + len])
            }
            b'=' if pair(b'=') => {
                i += 2;
                Kind::Eq
            }
            b'=' => return Err(SelectorError::new(start, "expected ==")),
            b'!' if pair(b'=') => {
                i += 2;
                Kind::Ne
            }
            b'!' => {
                i += 1;
                Kind::Not
            }
            b'&' if pair(b'&') => {
                i += 2;
                Kind::And
            }
            b'&' => return Err(SelectorError::new(start, "expected &&")),
            b'|' if pair(b'|') => {
                i += 2;
                Kind::Or
            }
            b'|' => return Err(SelectorError::new(start, "expected ||")),
            _ => {
                if let Some(Token {
                    kind: Kind::Label(label),
                    ..
                }) = tokens.last()
                {
                    // Right after a label only an operator word may follow.
                    let ops: [(&[&str], Kind<'_>); 5] = [
                        (&["contains"], Kind::Contains),
                        (&["starts", "with"], Kind::StartsWith),
                        (&["ends", "with"], Kind::EndsWith),
                        (&["not", "in"], Kind::NotIn),
                        (&["in"], Kind::In),
                    ];
                    let found = ops.iter().find_map(|(words, kind)| {
                        let end = if let [word] = words {
                            match_word(bytes, i, word)
                        } else {
                            match_words(bytes, i, words)
                        };
                        end.map(|end| (end, *kind))
                    });
                    let Some((end, kind)) = found else {
                        return Err(SelectorError::new(
                            start,
                            format!("expected operator after label \"{label}\""),
                        ));
                    };
                    i = end;
                    kind
                } else if bytes[i..].starts_with(b"has(") {
                    let (label, after) = read_ident(input, skip_ws(bytes, i + 4))?;
                    let close = skip_ws(bytes, after);
                    if bytes.get(close) != Some(&b')') {
                        return Err(SelectorError::new(close, "no closing ')' after has("));
                    }
                    i = close + 1;
                    Kind::Has(label)
                } else if let Some((word, kind)) = [("all(", Kind::All), ("global(", Kind::Global)]
                    .into_iter()
                    .find(|(word, _)| bytes[i..].starts_with(word.as_bytes()))
                {
                    let close = skip_ws(bytes, i + word.len());
                    if bytes.get(close) != Some(&b')') {
                        return Err(SelectorError::new(
                            close,
                            format!("no closing ')' after {word}"),
                        ));
                    }
                    i = close + 1;
                    kind
                } else {
                    let (label, end) = read_ident(input, i)?;
                    i = end;
                    Kind::Label(label)
                }
            }
        };
        tokens.push(Token { kind, pos: start });
    }
}

// ---------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------

/// Parses a selector. An empty or blank (spaces/tabs only) selector is
/// `all()`.
///
/// ```
/// use std::collections::BTreeMap;
/// use kubectl_ippool::model::selector::parse;
///
/// let selector = parse("rack in {'r2', 'r1'} && !has(edge)").unwrap();
/// assert_eq!(selector.to_string(), r#"(rack in {"r1", "r2"} && !has(edge))"#);
/// let labels = BTreeMap::from([("rack".to_owned(), "r1".to_owned())]);
/// assert!(selector.matches(&labels));
///
/// // Errors carry the byte offset of the offending character.
/// let error = parse(r#"rack = "r1""#).unwrap_err();
/// assert_eq!((error.offset, error.message.as_str()), (5, "expected =="));
/// ```
pub fn parse(input: &str) -> Result<Selector, SelectorError> {
    let tokens = tokenize(input)?;
    let mut p = Parser {
        tokens,
        next: 0,
        eof: Token {
            kind: Kind::Eof,
            pos: input.len(),
        },
    };
    if p.peek().kind == Kind::Eof {
        return Ok(Selector { root: Node::All });
    }
    let root = p.parse_or(0)?;
    let rest = p.peek();
    if rest.kind != Kind::Eof {
        return Err(SelectorError::new(
            rest.pos,
            "unexpected content at end of selector",
        ));
    }
    Ok(Selector { root })
}

struct Parser<'a> {
    tokens: Vec<Token<'a>>,
    next: usize,
    /// Returned by `peek` past the end (the token list always ends in Eof, so
    /// this is only a guard).
    eof: Token<'a>,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Token<'a> {
        self.tokens.get(self.next).copied().unwrap_or(self.eof)
    }

    /// Consumes the current token (never steps past the final Eof).
    fn bump(&mut self) -> Token<'a> {
        let t = self.peek();
        if t.kind != Kind::Eof {
            self.next += 1;
        }
        t
    }

    /// `depth` is the number of enclosing parentheses.
    fn parse_or(&mut self, depth: usize) -> Result<Node, SelectorError> {
        let mut ops = vec![self.parse_and(depth)?];
        while self.peek().kind == Kind::Or {
            self.bump();
            ops.push(self.parse_and(depth)?);
        }
        Ok(if ops.len() == 1 {
            ops.swap_remove(0)
        } else {
            Node::Or(ops)
        })
    }

    fn parse_and(&mut self, depth: usize) -> Result<Node, SelectorError> {
        let mut ops = vec![self.parse_unary(depth)?];
        while self.peek().kind == Kind::And {
            self.bump();
            ops.push(self.parse_unary(depth)?);
        }
        Ok(if ops.len() == 1 {
            ops.swap_remove(0)
        } else {
            Node::And(ops)
        })
    }

    /// Any run of `!` is counted iteratively; parity decides negation.
    fn parse_unary(&mut self, depth: usize) -> Result<Node, SelectorError> {
        let mut nots: usize = 0;
        while self.peek().kind == Kind::Not {
            self.bump();
            nots += 1;
        }
        let node = self.parse_primary(depth)?;
        // A parenthesized negation under more `!`s (`!(!has(a))`) joins their parity, so the
        // printed form parses back to itself (issue 9 item 16).
        let (nots, node) = match node {
            Node::Not(inner) if nots > 0 => (nots + 1, *inner),
            Node::NotNot(inner) if nots > 0 => (nots + 2, *inner),
            node => (nots, node),
        };
        Ok(match nots {
            0 => node,
            n if n % 2 == 1 => Node::Not(Box::new(node)),
            _ => Node::NotNot(Box::new(node)),
        })
    }

    fn expect_string(&mut self) -> Result<String, SelectorError> {
        let t = self.peek();
        match t.kind {
            Kind::Str(s) => {
                self.bump();
                Ok(s.to_owned())
            }
            _ => Err(SelectorError::new(t.pos, "expected string")),
        }
    }

    /// After `in`/`not in`: `{ [STRING {, STRING} [,]] }`.
    fn parse_set(&mut self) -> Result<Vec<String>, SelectorError> {
        let open = self.peek();
        if open.kind != Kind::LBrace {
            return Err(SelectorError::new(open.pos, "expected set literal"));
        }
        self.bump();
        let mut values = Vec::new();
        while let Kind::Str(s) = self.peek().kind {
            self.bump();
            values.push(s.to_owned());
            if self.peek().kind != Kind::Comma {
                break;
            }
            self.bump();
        }
        let close = self.peek();
        if close.kind != Kind::RBrace {
            return Err(SelectorError::new(close.pos, "expected }"));
        }
        self.bump();
        values.sort_unstable();
        values.dedup();
        Ok(values)
    }

    fn parse_primary(&mut self, depth: usize) -> Result<Node, SelectorError> {
        let t = self.bump();
        match t.kind {
            Kind::Has(label) => Ok(Node::Has(label.to_owned())),
            Kind::All => Ok(Node::All),
            Kind::Global => Ok(Node::Global),
            Kind::Label(label) => {
                let key = label.to_owned();
                let op = self.peek();
                match op.kind {
                    Kind::Eof => Err(SelectorError::new(
                        op.pos,
                        "unexpected end of string looking for op",
                    )),
                    Kind::Eq | Kind::Ne | Kind::Contains | Kind::StartsWith | Kind::EndsWith => {
                        self.bump();
                        let value = self.expect_string()?;
                        Ok(match op.kind {
                            Kind::Eq => Node::Eq(key, value),
                            Kind::Ne => Node::Ne(key, value),
                            Kind::Contains => Node::Contains(key, value),
                            Kind::StartsWith => Node::StartsWith(key, value),
                            _ => Node::EndsWith(key, value),
                        })
                    }
                    Kind::In | Kind::NotIn => {
                        self.bump();
                        let set = self.parse_set()?;
                        Ok(if op.kind == Kind::In {
                            Node::In(key, set)
                        } else {
                            Node::NotIn(key, set)
                        })
                    }
                    other => Err(SelectorError::new(
                        op.pos,
                        format!("expected == or != not: {other}"),
                    )),
                }
            }
            Kind::LParen => {
                if depth >= MAX_NESTING {
                    return Err(SelectorError::new(t.pos, "selector nested too deeply"));
                }
                let inner = self.parse_or(depth + 1)?;
                let close = self.peek();
                if close.kind != Kind::RParen {
                    return Err(SelectorError::new(close.pos, "expected )"));
                }
                self.bump();
                Ok(inner)
            }
            other => Err(SelectorError::new(
                t.pos,
                format!("unexpected token: {other}"),
            )),
        }
    }
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(input: &str) -> Selector {
        match parse(input) {
            Ok(s) => s,
            Err(e) => panic!("{input:?} should parse, got {e:?}"),
        }
    }

    fn err(input: &str) -> SelectorError {
        match parse(input) {
            Ok(s) => panic!("{input:?} should fail, parsed as {s}"),
            Err(e) => e,
        }
    }

    // ---- valid selectors (spec §3 + upstream tokenizer/parser tables) ----

    const VALID: &[&str] = &[
        "",
        " ",
        "\t",
        "all()",
        " all()",
        " all() ",
        " (all() )",
        "all( )",
        "all(\t)",
        "global()",
        " global()",
        "global( )",
        "!all()",
        "!!all()",
        "has(a)",
        "has( a )",
        "has(\ta\t)",
        "!has(a)",
        "!!has(b)",
        "! has(a)",
        "!!! has(a)",
        "!!!has(a)",
        "!! ! has(a)",
        "! !!has(a)",
        "has(calico/k8s_ns)",
        "has(calico/k8s_ns/role)",
        "has(calico/k8s_NS-.1/role)",
        r#"a=="b""#,
        r#"a == "b""#,
        r#"label == "value""#,
        r#"a == 'a'"#,
        r#"a != "b""#,
        r#"a!='"'"#,
        r#"a == "'""#,
        r#"a == '"'"#,
        r#"a == """#,
        r#"a == ''"#,
        r#"label contains "value""#,
        r#"label contains"value""#,
        r#"contains contains "contains""#,
        r#"contains contains 'contains'"#,
        r#"label startswith "value""#,
        r#"label endswith "value""#,
        r#"label starts with "value""#,
        r#"label starts  with "value""#,
        "label starts\twith \"value\"",
        r#"label ends with "value""#,
        r#"label ends  with "value""#,
        r#"startswith starts with "value""#,
        r#"endswith ends with "value""#,
        r#"a in {"a"}"#,
        r#"a in{"a"}"#,
        r#"a in {"a", "b"}"#,
        r#"a in {"'", '"', "c"}"#,
        r#"a not in {"'", '"', "c"}"#,
        r#"a not in {}"#,
        r#"a in {}"#,
        r#"a in {"a",}"#,
        r#"a not in {"a","B"}"#,
        r#"a notin {"a"}"#,
        r#"a notin{"a"}"#,
        r#"a  not  in  {"a"}"#,
        r#"!a in {"a"}"#,
        r#"in in {"in"}"#,
        r#"not not in {"x"}"#,
        r#"has == "x""#,
        r#"all == "x""#,
        r#"global != "x""#,
        r#"calico/k8s_ns == "kube-system" && k8s-app == "kube-dns""#,
        r#"kubernetes.io/hostname == 'node-1'"#,
        r#"topology.kubernetes.io/zone in {"a", "b"} && !has(node-role.kubernetes.io/control-plane)"#,
        r#"a == "b" && c == "d""#,
        r#"a == "b" || c == "d""#,
        r#"a == 'a1' && !b == 'b1'"#,
        r#"! a == 'a1' || ! b == 'b1'"#,
        r#"has(a) && !has(b)"#,
        r#"!(!has(a) || has(b))"#,
        r#"!(has(b) || !has(a))"#,
        r#"! (has( b)||! has(a ))"#,
        r#"! (a == "b"&&! c != "d")"#,
        r#"!(!(k == 'v' && has(t) || all()) && (a in {'b', 'c'}))"#,
        r#"a == "b" && global()"#,
        "a == \"x\ny\"",
        "a == \"\u{e9}\u{1F600}\"",
    ];

    #[test]
    fn valid_selectors_parse_and_round_trip() {
        for input in VALID {
            let sel = ok(input);
            let canon = sel.to_string();
            let again = ok(&canon);
            assert_eq!(
                again.to_string(),
                canon,
                "canonical form of {input:?} is not stable"
            );
        }
    }

    // ---- canonical forms ----

    const CANONICAL: &[(&str, &str)] = &[
        ("", "all()"),
        ("   ", "all()"),
        (" all() ", "all()"),
        (" (all() )", "all()"),
        ("((( all( ) )))", "all()"),
        ("!!all()", "all()"),
        ("!all()", "!all()"),
        ("! ! ! all()", "!all()"),
        ("global()", "global()"),
        ("has( b)", "has(b)"),
        (r#"! (has( b)||! has(a ))"#, "!(has(b) || !has(a))"),
        (r#"! (a == "b"&&! c != "d")"#, r#"!(a == "b" && !c != "d")"#),
        (r#"a == "'""#, r#"a == "'""#),
        (r#"a == '"'"#, r#"a == '"'"#),
        (r#"a == 'x'"#, r#"a == "x""#),
        (r#"a contains '"'"#, r#"a contains '"'"#),
        (r#"a contains "'""#, r#"a contains "'""#),
        (r#"a startswith '"'"#, r#"a starts with '"'"#),
        (r#"a endswith "'""#, r#"a ends with "'""#),
        (r#"a starts  with 'x'"#, r#"a starts with "x""#),
        (r#"a!='"'"#, r#"a != '"'"#),
        (r#"a in {"d"}"#, r#"a in {"d"}"#),
        (r#"a in {"a", "b"}"#, r#"a in {"a", "b"}"#),
        (r#"a in {"d", "a", "b"}"#, r#"a in {"a", "b", "d"}"#),
        (
            r#"a in {"z", "x", "y", "a"}"#,
            r#"a in {"a", "x", "y", "z"}"#,
        ),
        (
            r#"a in {"z", "z", "x", "y", "x", "a"}"#,
            r#"a in {"a", "x", "y", "z"}"#,
        ),
        (r#"a in {"B", "a", "A"}"#, r#"a in {"A", "B", "a"}"#),
        (r#"a in {'"', "'"}"#, r#"a in {'"', "'"}"#),
        (r#"a notin {}"#, r#"a not in {}"#),
        (r#"a in {"a",}"#, r#"a in {"a"}"#),
        (r#"a == "b" && c == "d""#, r#"(a == "b" && c == "d")"#),
        (r#"a == "b" || c == "d""#, r#"(a == "b" || c == "d")"#),
        (
            r#"a == "1" || b == "2" && c == "3""#,
            r#"(a == "1" || (b == "2" && c == "3"))"#,
        ),
        (
            r#"(a == "1" || b == "2") && c == "3""#,
            r#"((a == "1" || b == "2") && c == "3")"#,
        ),
        (
            r#"a == "1" && b == "2" && c == "3""#,
            r#"(a == "1" && b == "2" && c == "3")"#,
        ),
        (r#"!(k == 'v')"#, r#"!k == "v""#),
        (r#"!!(k == 'v')"#, r#"k == "v""#),
        (
            r#"!(!(k == 'v' && has(t) || all()) && (a in {'b', 'c'}))"#,
            r#"!(!((k == "v" && has(t)) || all()) && a in {"b", "c"})"#,
        ),
    ];

    /// Issue 9 item 11: de-duplicating keys by scanning the list was quadratic.
    #[test]
    fn label_keys_of_many_distinct_keys_keep_first_appearance_order() {
        let text: Vec<String> = (0..20_000)
            .map(|i| format!("has(k{})", i % 10_000))
            .collect();
        let keys = parse(&text.join(" || ")).unwrap();
        let keys = keys.label_keys();
        assert_eq!(keys.len(), 10_000);
        assert_eq!((keys[0], keys[9_999]), ("k0", "k9999"));
    }

    #[test]
    fn nested_negations_collapse_to_a_stable_canonical_form() {
        for (text, canonical) in [
            ("!(!has(a))", "has(a)"),
            ("!(!(!has(a)))", "!has(a)"),
            ("!!(!has(a))", "!has(a)"),
            ("!(a == 'b' && !c == 'd')", "!(a == \"b\" && !c == \"d\")"),
        ] {
            let printed = parse(text).unwrap().to_string();
            assert_eq!(printed, canonical, "{text}");
            assert_eq!(parse(&printed).unwrap().to_string(), printed, "{text}");
        }
    }

    #[test]
    fn canonical_forms() {
        for (input, want) in CANONICAL {
            let sel = ok(input);
            assert_eq!(sel.to_string(), *want, "canonical form of {input:?}");
            assert_eq!(
                ok(want).to_string(),
                *want,
                "{want:?} must be a fixed point"
            );
        }
    }

    // ---- invalid selectors: (input, message, offset) ----

    const INVALID: &[(&str, &str, usize)] = &[
        // newline / CR / unicode space are not whitespace
        ("all()\n", "expected identifier", 5),
        ("\nall()", "expected identifier", 0),
        ("all()\r\n", "expected identifier", 5),
        ("a == \"b\"\n", "expected identifier", 8),
        ("a\n== \"b\"", "expected operator after label \"a\"", 1),
        ("\u{a0}all()", "expected identifier", 0),
        // multi-word operators need a boundary after the last word
        (
            r#"a startswiths "x""#,
            "expected operator after label \"a\"",
            2,
        ),
        (
            r#"a starts withs "x""#,
            "expected operator after label \"a\"",
            2,
        ),
        (
            r#"label inf "v""#,
            "expected operator after label \"label\"",
            6,
        ),
        (
            r#"a containsx "v""#,
            "expected operator after label \"a\"",
            2,
        ),
        (
            r#"label starts foo "value""#,
            "expected operator after label \"label\"",
            6,
        ),
        (
            r#"label ends foo "value""#,
            "expected operator after label \"label\"",
            6,
        ),
        (
            r#"label squiggles "value""#,
            "expected operator after label \"label\"",
            6,
        ),
        (
            "kubernetes.io/hostname: == 'x'",
            "expected operator after label \"kubernetes.io/hostname\"",
            22,
        ),
        ("a b", "expected operator after label \"a\"", 2),
        ("a has(b)", "expected operator after label \"a\"", 2),
        ("a all()", "expected operator after label \"a\"", 2),
        // `not in` consumes trailing blanks before its boundary check (upstream quirk)
        ("a not in b", "expected operator after label \"a\"", 2),
        ("a in b", "expected set literal", 5),
        // label length
        ("has()", "expected identifier", 4),
        ("has( )", "expected identifier", 5),
        ("has(%)", "expected identifier", 4),
        ("has(a", "no closing ')' after has(", 5),
        ("has(a b)", "no closing ')' after has(", 6),
        ("has(a", "no closing ')' after has(", 5),
        ("all(", "no closing ')' after all(", 4),
        ("all( x)", "no closing ')' after all(", 5),
        ("global(", "no closing ')' after global(", 7),
        ("global(a)", "no closing ')' after global(", 7),
        // single-char operators
        ("a = \"b\"", "expected ==", 2),
        ("a == \"b\" & c == \"d\"", "expected &&", 9),
        ("a == \"b\" | c == \"d\"", "expected ||", 9),
        (r#"foo == "bar" &"#, "expected &&", 13),
        (r#"foo == "bar" |"#, "expected ||", 13),
        ("=", "expected ==", 0),
        ("&", "expected &&", 0),
        ("|", "expected ||", 0),
        // strings
        (r#""FOO"#, "unterminated string", 0),
        (r#""FOO'"#, "unterminated string", 0),
        (r#"'FOO"#, "unterminated string", 0),
        (r#"a == "b"#, "unterminated string", 5),
        (r#"a == 'b""#, "unterminated string", 5),
        // right-hand side must be a string literal
        ("b == b", "expected string", 5),
        ("b != b", "expected string", 5),
        ("b contains b", "expected string", 11),
        ("b starts with b", "expected operator after label \"b\"", 2),
        ("b ends with b", "expected operator after label \"b\"", 2),
        ("a ==", "expected string", 4),
        ("a == )", "expected string", 5),
        (r#"foo != ||"#, "expected string", 7),
        // literal on the left
        (r#""a" == b"#, "unexpected token: TokStringLiteral(a)", 0),
        (r#"'b1' == b"#, "unexpected token: TokStringLiteral(b1)", 0),
        // bare label
        ("b", "unexpected end of string looking for op", 1),
        ("a ", "unexpected end of string looking for op", 2),
        ("(a)", "expected == or != not: TokRParen()", 2),
        ("a (", "expected == or != not: TokLParen()", 2),
        (
            r#"a == "b" && c"#,
            "unexpected end of string looking for op",
            13,
        ),
        // sets
        (r#"foo in """#, "expected set literal", 7),
        (r#"a in "x""#, "expected set literal", 5),
        ("a in {,}", "expected }", 6),
        (r#"a in {"a" "b"}"#, "expected }", 10),
        (r#"a in {"a",,}"#, "expected }", 10),
        (r#"a in {"a""#, "expected }", 9),
        (r#"foo in {"", ||"#, "expected }", 12),
        ("a in {b}", "expected }", 6),
        // parens
        ("(", "unexpected token: TokEOF()", 1),
        (r#"(a == "foo""#, "expected )", 11),
        (r#"(a == "foo" (b == "c")"#, "expected )", 12),
        (")", "unexpected token: TokRParen()", 0),
        ("()", "unexpected token: TokRParen()", 1),
        ("all())", "unexpected content at end of selector", 5),
        (r#"a == "b")"#, "unexpected content at end of selector", 8),
        ("all() all()", "unexpected content at end of selector", 6),
        ("all() !", "unexpected content at end of selector", 6),
        // garbage
        ("!", "unexpected token: TokEOF()", 1),
        ("!!  ", "unexpected token: TokEOF()", 4),
        ("%", "expected identifier", 0),
        (r#"a == "b" && %"#, "expected identifier", 12),
        (r#"a == "b" || %"#, "expected identifier", 12),
        ("has(foo) &&", "unexpected token: TokEOF()", 11),
        ("has(foo) || ", "unexpected token: TokEOF()", 12),
        ("&& all()", "unexpected token: TokAnd()", 0),
        ("all() && || all()", "unexpected token: TokOr()", 9),
        ("{", "unexpected token: TokLBrace()", 0),
        ("a@b == \"x\"", "expected operator after label \"a\"", 1),
        ("*", "expected identifier", 0),
        // the tokenizer runs over the whole input before the parser: a lexical
        // error wins over an earlier syntax error (as upstream)
        (") %", "expected identifier", 2),
        // non-ASCII: never identifier characters
        ("é == \"x\"", "expected identifier", 0),
        ("aé == \"x\"", "expected operator after label \"a\"", 1),
        ("has(é)", "expected identifier", 4),
        ("all() && 日本", "expected identifier", 9),
    ];

    #[test]
    fn invalid_selectors() {
        for (input, message, offset) in INVALID {
            let e = err(input);
            assert_eq!(
                (e.message.as_str(), e.offset),
                (*message, *offset),
                "error for {input:?}"
            );
            assert_eq!(e.to_string(), *message);
            assert!(input.is_char_boundary(e.offset));
        }
    }

    #[test]
    fn label_length_limit() {
        let l512 = "a".repeat(MAX_LABEL_LENGTH);
        let l513 = "a".repeat(MAX_LABEL_LENGTH + 1);
        ok(&format!("{l512} == \"x\""));
        ok(&format!("has({l512})"));
        ok(&format!("has( {l512} )"));
        let e = err(&format!("{l513} == \"x\""));
        assert_eq!((e.message.as_str(), e.offset), ("label too long", 0));
        let e = err(&format!("has( {l513})"));
        assert_eq!((e.message.as_str(), e.offset), ("label too long", 5));
        let e = err(&format!("all() && {l513} == \"x\""));
        assert_eq!((e.message.as_str(), e.offset), ("label too long", 9));
        // Only label keys are limited, not values.
        ok(&format!("a == \"{l513}\""));
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let n = MAX_NESTING;
        let fine = format!("{}all(){}", "(".repeat(n), ")".repeat(n));
        assert!(ok(&fine).is_all());
        let too_deep = format!("{}all(){}", "(".repeat(n + 1), ")".repeat(n + 1));
        let e = err(&too_deep);
        assert_eq!(
            (e.message.as_str(), e.offset),
            ("selector nested too deeply", n)
        );

        let huge = "(".repeat(100_000);
        let e = err(&huge);
        assert_eq!(
            (e.message.as_str(), e.offset),
            ("selector nested too deeply", n)
        );

        let huge = "!(".repeat(100_000);
        let e = err(&huge);
        assert_eq!(
            (e.message.as_str(), e.offset),
            ("selector nested too deeply", 2 * n + 1)
        );

        let fine = format!("{}has(a){}", "!(".repeat(n), ")".repeat(n));
        let sel = ok(&fine);
        assert_eq!(sel.matches(&[("a", "")]), n.is_multiple_of(2));
    }

    #[test]
    fn long_not_chains_are_iterative() {
        let nots = "!".repeat(100_000);
        let e = err(&nots);
        assert_eq!(
            (e.message.as_str(), e.offset),
            ("unexpected token: TokEOF()", 100_000)
        );

        let even = ok(&format!("{nots}all()"));
        assert_eq!(even.to_string(), "all()");
        assert!(!even.is_all(), "!!…all() is not the literal all()");
        assert!(even.matches(&[("a", "b")]));

        let odd = ok(&format!("!{nots}has(a)"));
        assert_eq!(odd.to_string(), "!has(a)");
        assert!(!odd.matches(&[("a", "b")]));
        assert!(odd.matches(&[("b", "b")]));

        let many_ands = vec!["has(a)"; 50_000].join(" && ");
        let sel = ok(&many_ands);
        assert!(sel.matches(&[("a", "1")]));
        assert_eq!(sel.label_keys(), vec!["a"]);
    }

    // ---- evaluation (spec §3.3 and upstream selectorTests) ----

    type Case = (
        &'static str,
        &'static [&'static [(&'static str, &'static str)]],
        bool,
    );

    const EVAL: &[Case] = &[
        (
            r#"a == "b""#,
            &[&[("a", "b")], &[("a", "b"), ("c", "d")]],
            true,
        ),
        (
            r#"a == "b""#,
            &[
                &[],
                &[("a", "c")],
                &[("c", "d")],
                &[("a", "B")],
                &[("a", "b ")],
            ],
            false,
        ),
        (r#"a == """#, &[&[("a", "")]], true),
        (r#"a == """#, &[&[]], false),
        (
            r#"a != "b""#,
            &[&[], &[("a", "a")], &[("a", "")], &[("c", "b")]],
            true,
        ),
        (r#"a != "a""#, &[&[("a", "a")]], false),
        (r#"a != 'a'"#, &[&[("a", "a")]], false),
        (r#"a in {"a", "b"}"#, &[&[("a", "a")], &[("a", "b")]], true),
        (
            r#"a in {"a", "b"}"#,
            &[&[], &[("a", "c")], &[("b", "a")]],
            false,
        ),
        (
            r#"a in {"'", '"', "c"}"#,
            &[&[("a", "c")], &[("a", "\"")], &[("a", "'")]],
            true,
        ),
        (r#"a in {"'", '"', "c"}"#, &[&[], &[("a", "e")]], false),
        (r#"a not in {"'", '"', "c"}"#, &[&[], &[("a", "e")]], true),
        (
            r#"a not in {"'", '"', "c"}"#,
            &[&[("a", "c")], &[("a", "\"")], &[("a", "'")]],
            false,
        ),
        (r#"a not in {"d", "e"}"#, &[&[("a", "a")], &[]], true),
        (r#"a not in {"a"}"#, &[&[("a", "a")]], false),
        (r#"a in {}"#, &[&[], &[("a", "")], &[("a", "x")]], false),
        (r#"a not in {}"#, &[&[], &[("a", "")], &[("a", "x")]], true),
        (r#"!a in {"a"}"#, &[&[("a", "b")], &[]], true),
        ("has(a)", &[&[("a", "b")], &[("a", "")]], true),
        ("has(a)", &[&[], &[("b", "a")]], false),
        ("!has(a)", &[&[("b", "b")], &[]], true),
        ("!has(a)", &[&[("a", "")]], false),
        ("!!has(b)", &[&[("a", "b")]], false),
        ("!!! has(a)", &[&[("a", "b")]], false),
        ("! !!has(a)", &[&[("a", "b")]], false),
        (
            r#"a contains "a""#,
            &[&[("a", "a")], &[("a", "bab")], &[("a", "aaa"), ("b", "c")]],
            true,
        ),
        (
            r#"a contains "a""#,
            &[&[], &[("a", "b")], &[("b", "aaa")]],
            false,
        ),
        (r#"a contains """#, &[&[("a", "")], &[("a", "x")]], true),
        (r#"a contains """#, &[&[]], false),
        (
            r#"a starts with "a""#,
            &[&[("a", "a")], &[("a", "abb")]],
            true,
        ),
        (
            r#"a starts with "a""#,
            &[&[], &[("a", "b")], &[("a", "baa")], &[("b", "aaa")]],
            false,
        ),
        (
            r#"a ends with "a""#,
            &[&[("a", "a")], &[("a", "bba")]],
            true,
        ),
        (
            r#"a ends with "a""#,
            &[&[], &[("a", "b")], &[("a", "aab")], &[("b", "aaa")]],
            false,
        ),
        ("", &[&[], &[("a", "b")]], true),
        (" ", &[&[]], true),
        ("all()", &[&[], &[("a", "b")]], true),
        ("!all()", &[&[], &[("a", "b")]], false),
        ("global()", &[&[], &[("a", "b")]], true),
        ("!global()", &[&[], &[("a", "b")]], false),
        (
            r#"a == 'a1' && b == 'b1'"#,
            &[&[("a", "a1"), ("b", "b1")]],
            true,
        ),
        (
            r#"a == 'a1' && b != 'b1'"#,
            &[&[("a", "a1"), ("b", "b1")]],
            false,
        ),
        (
            r#"a != 'a1' && !b == 'b1'"#,
            &[&[("a", "a1"), ("b", "b1")]],
            false,
        ),
        (
            r#"!a == 'a1' && b == 'b1'"#,
            &[&[("a", "a1"), ("b", "b1")]],
            false,
        ),
        ("has(a) && !has(b)", &[&[("a", "a")]], true),
        ("!(!has(a) || has(b))", &[&[("a", "a")]], true),
        ("!(has(b) || !has(a))", &[&[("a", "a")]], true),
        (
            r#"a == 'a1' || b != 'b1'"#,
            &[&[("a", "a1"), ("b", "b1")]],
            true,
        ),
        (
            r#"a != 'a1' || b != 'b1'"#,
            &[&[("a", "a1"), ("b", "b1")]],
            false,
        ),
        (
            r#"! a == 'a1' || ! b == 'b1'"#,
            &[&[("a", "a1"), ("b", "b1")]],
            false,
        ),
        (
            r#"kubernetes.io/hostname in {"n1", "n2"} && topology.kubernetes.io/zone != "z""#,
            &[&[
                ("kubernetes.io/hostname", "n2"),
                ("topology.kubernetes.io/zone", "y"),
            ]],
            true,
        ),
        (r#"a == "é""#, &[&[("a", "é")]], true),
    ];

    #[test]
    fn evaluation() {
        for (input, maps, want) in EVAL {
            let sel = ok(input);
            let canon = ok(&sel.to_string());
            for m in *maps {
                assert_eq!(sel.matches(*m), *want, "{input:?} on {m:?}");
                assert_eq!(canon.matches(*m), *want, "canonical {sel} on {m:?}");
                let b: BTreeMap<String, String> = m
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                assert_eq!(sel.matches(&b), *want);
                let h: HashMap<String, String> = b.clone().into_iter().collect();
                assert_eq!(sel.matches(&h), *want);
                let v: Vec<(String, String)> = b.into_iter().collect();
                assert_eq!(sel.matches(&v), *want);
            }
        }
    }

    #[test]
    fn helpers() {
        for s in ["", " ", "all()", " all( ) ", "(all())"] {
            assert!(ok(s).is_all(), "{s:?}");
        }
        for s in [
            "!!all()",
            "!all()",
            "global()",
            "all() && all()",
            "a not in {}",
        ] {
            assert!(!ok(s).is_all(), "{s:?}");
        }
        for s in [
            "!all()",
            "!global()",
            "!!!all()",
            "(!all())",
            "a in {}",
            "has(a) && !all()",
            "!all() || a in {}",
            "!(a not in {})",
            "!(all() || has(a))",
            "!!(!all())",
        ] {
            assert!(ok(s).selects_nothing(), "{s:?}");
        }
        for s in [
            "",
            "all()",
            "!!all()",
            "has(a)",
            "!has(a)",
            "!all() || has(a)",
            "a not in {}",
        ] {
            assert!(!ok(s).selects_nothing(), "{s:?}");
        }
        let sel = ok(r#"a == "1" && (has(b) || !c in {"x"}) && a != "2" || d/e.f starts with "g""#);
        assert_eq!(sel.label_keys(), vec!["a", "b", "c", "d/e.f"]);
        assert!(ok("all() || global()").label_keys().is_empty());
    }

    #[test]
    fn equality_and_errors() {
        assert_eq!(ok(r#"a in {"b", "a", "a"}"#), ok(r#"(a in {'a','b'})"#));
        assert_ne!(ok("has(a)"), ok("!has(a)"));
        let e = err("a = \"b\"");
        let boxed: Box<dyn std::error::Error> = Box::new(e.clone());
        assert_eq!(boxed.to_string(), "expected ==");
    }

    // ---- property tests ----

    fn arb_label() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => prop::sample::select(vec![
                "a", "b", "c", "in", "not", "has", "all", "global", "contains", "starts",
                "ends", "with", "startswith", "x.y/z-1_2",
            ])
            .prop_map(str::to_owned),
            1 => "[a-zA-Z0-9_./-]{1,12}",
        ]
    }

    fn arb_value() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => prop::sample::select(vec!["", "a", "b", "ab", "ba", "\"", "'", "a b", "x\ny"])
                .prop_map(str::to_owned),
            1 => "(?s).{0,8}",
        ]
        .prop_filter("a literal cannot hold both quote characters", |v| {
            !(v.contains('"') && v.contains('\''))
        })
    }

    fn arb_set() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec(arb_value(), 0..4).prop_map(|mut v| {
            v.sort();
            v.dedup();
            v
        })
    }

    fn arb_leaf() -> impl Strategy<Value = Node> {
        prop_oneof![
            Just(Node::All),
            Just(Node::Global),
            arb_label().prop_map(Node::Has),
            (arb_label(), arb_value()).prop_map(|(k, v)| Node::Eq(k, v)),
            (arb_label(), arb_value()).prop_map(|(k, v)| Node::Ne(k, v)),
            (arb_label(), arb_value()).prop_map(|(k, v)| Node::Contains(k, v)),
            (arb_label(), arb_value()).prop_map(|(k, v)| Node::StartsWith(k, v)),
            (arb_label(), arb_value()).prop_map(|(k, v)| Node::EndsWith(k, v)),
            (arb_label(), arb_set()).prop_map(|(k, s)| Node::In(k, s)),
            (arb_label(), arb_set()).prop_map(|(k, s)| Node::NotIn(k, s)),
        ]
    }

    /// ASTs in the shape the parser produces: `Not` never directly wraps a
    /// `Not` (parity is collapsed), `And`/`Or` have >= 2 operands.
    fn arb_node() -> impl Strategy<Value = Node> {
        arb_leaf().prop_recursive(5, 48, 4, |inner| {
            prop_oneof![
                inner
                    .clone()
                    .prop_filter("no double negation", |n| !matches!(n, Node::Not(_)))
                    .prop_map(|n| Node::Not(Box::new(n))),
                prop::collection::vec(inner.clone(), 2..4).prop_map(Node::And),
                prop::collection::vec(inner, 2..4).prop_map(Node::Or),
            ]
        })
    }

    fn arb_labels() -> impl Strategy<Value = BTreeMap<String, String>> {
        prop::collection::btree_map(arb_label(), arb_value(), 0..6)
    }

    fn check_error(input: &str, result: &Result<Selector, SelectorError>) {
        if let Err(e) = result {
            assert!(e.offset <= input.len(), "{input:?}: {e:?}");
            assert!(input.is_char_boundary(e.offset), "{input:?}: {e:?}");
            assert!(!e.message.is_empty());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn canonical_round_trip(
            root in arb_node(),
            maps in prop::collection::vec(arb_labels(), 1..6),
        ) {
            let sel = Selector { root };
            let printed = sel.to_string();
            let parsed = parse(&printed);
            prop_assert!(parsed.is_ok(), "{printed:?} failed: {parsed:?}");
            let parsed = parsed.unwrap();
            prop_assert_eq!(&parsed.to_string(), &printed);
            prop_assert_eq!(&parsed, &sel);
            for m in &maps {
                prop_assert_eq!(parsed.matches(m), sel.matches(m), "{} on {:?}", printed, m);
            }
        }

        /// Issue 9 item 16: `!(!has(a))` printed `!!has(a)`, whose canonical form is `has(a)`.
        #[test]
        fn canonical_form_is_a_fixed_point(
            root in arb_node(),
            wraps in 0..4usize,
            maps in prop::collection::vec(arb_labels(), 1..4),
        ) {
            let mut text = Selector { root }.to_string();
            for _ in 0..wraps {
                text = format!("!({text})");
            }
            let once = parse(&text).unwrap();
            let printed = once.to_string();
            let twice = parse(&printed).unwrap();
            prop_assert_eq!(&twice.to_string(), &printed, "{}", text);
            for m in &maps {
                prop_assert_eq!(once.matches(m), twice.matches(m), "{} on {:?}", text, m);
            }
        }

        #[test]
        fn selects_nothing_is_sound(root in arb_node(), maps in prop::collection::vec(arb_labels(), 1..6)) {
            let sel = Selector { root };
            if sel.selects_nothing() {
                for m in &maps {
                    prop_assert!(!sel.matches(m), "{} matched {:?}", sel, m);
                }
            }
        }

        /// Near-valid input: a canonical selector with one character
        /// replaced, inserted or deleted.
        #[test]
        fn parse_never_panics_on_mutated_selectors(
            root in arb_node(),
            at in any::<prop::sample::Index>(),
            edit in 0..3u8,
            ch in prop::sample::select(vec!['(', ')', '{', '}', '"', '\'', '!', '=', '&', '|', ',', ' ', '\n', 'a', 'é']),
        ) {
            let printed = Selector { root }.to_string();
            let mut chars: Vec<char> = printed.chars().collect();
            let i = at.index(chars.len() + 1);
            match edit {
                0 => chars.insert(i, ch),
                1 if i < chars.len() => { chars.remove(i); }
                _ if i < chars.len() => chars[i] = ch,
                _ => chars.push(ch),
            }
            let input: String = chars.into_iter().collect();
            let r = parse(&input);
            check_error(&input, &r);
            if let Ok(sel) = r {
                prop_assert_eq!(parse(&sel.to_string()).map(|s| s.to_string()), Ok(sel.to_string()));
            }
        }

        #[test]
        fn parse_never_panics_on_unicode(input in any::<String>()) {
            let r = parse(&input);
            check_error(&input, &r);
        }

        #[test]
        fn parse_never_panics_on_selectorish_input(
            input in r#"([a-z()!&|={}," '\t\n.:/é-]|has\(|all\(|global\(| in | not in | contains | starts with |==|!=|&&|\|\|){0,24}"#,
        ) {
            let r = parse(&input);
            check_error(&input, &r);
            if let Ok(sel) = r {
                let canon = sel.to_string();
                let again = parse(&canon);
                prop_assert!(again.is_ok(), "{canon:?} from {input:?}: {again:?}");
                prop_assert_eq!(again.unwrap().to_string(), canon);
            }
        }
    }
}

//! YAML as a tree of nodes that know their line and column.
//!
//! Compose fields come in several shapes (`environment` is a map or a list, `command` a string
//! or a list, `build` a string or a map). serde-saphyr reports 0:0 for `Spanned<T>` inside
//! untagged enums, so instead of typed structs we read a generic tree through `deserialize_any`
//! (where spans stay right) and interpret compose's shapes by hand in `compose.rs`.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Options, Spanned};

/// A node with the position where its text is written. For an alias or a `<<` merge that is
/// the anchor's position, and `used_line` is the line that pulls it in.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub line: u32,
    pub column: u32,
    pub used_line: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Null,
    /// Any scalar as text: `PORT: 1` and `DEBUG: true` are strings here, as compose reads them.
    Scalar(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub line: u32,
    pub column: u32,
    pub used_line: u32,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()?
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }

    pub fn entries(&self) -> Option<&[(Key, Node)]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(text) => Some(text),
            _ => None,
        }
    }

    /// Moves a tree parsed from a text that starts at line `lines + 1`, column `columns + 1`
    /// of its file (a YAML document written inside a string) to its place in the file.
    pub fn shift(&mut self, lines: u32, columns: u32) {
        self.line += lines;
        self.used_line += lines;
        self.column += columns;
        match &mut self.kind {
            NodeKind::Seq(items) => items.iter_mut().for_each(|i| i.shift(lines, columns)),
            NodeKind::Map(entries) => {
                for (key, value) in entries {
                    key.line += lines;
                    key.used_line += lines;
                    key.column += columns;
                    value.shift(lines, columns);
                }
            }
            _ => {}
        }
    }

    /// What compose's error messages call the node's type.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Scalar(_) => "a string",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

/// The items of a list; none for anything else (a field that is absent, or not a list).
pub fn items(node: Option<&Node>) -> std::slice::Iter<'_, Node> {
    match node.map(|n| &n.kind) {
        Some(NodeKind::Seq(items)) => items.iter(),
        _ => [].iter(),
    }
}

/// A YAML syntax error: one line of text and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Parses one YAML document. Anchors, aliases and `<<` merges are resolved; duplicate keys are
/// errors (as in compose). serde-saphyr's default budget bounds alias expansion ("billion
/// laughs") and nesting depth, which also bounds the recursion in `convert`.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let mut options = Options::default();
    options.with_snippet = false;
    match serde_saphyr::from_str_with_options::<Option<Spanned<RawNode>>>(text, options) {
        Ok(Some(root)) => Ok(convert(root)),
        Ok(None) => Ok(Node {
            kind: NodeKind::Null,
            line: 1,
            column: 1,
            used_line: 1,
        }),
        Err(error) => Err(to_yaml_error(&error)),
    }
}

/// Parses a stream of documents (`---`), as Kubernetes manifests come: lines stay absolute in
/// the file, and empty documents are left out. The document budget is raised from
/// serde-saphyr's 1,024: a rendered chart or `kustomize build` output holds thousands.
pub fn parse_stream(text: &str) -> Result<Vec<Node>, YamlError> {
    const MAX_DOCUMENTS: usize = 100_000;
    let mut options = Options::default();
    options.with_snippet = false;
    let mut budget = serde_saphyr::budget::Budget::default();
    budget.max_documents = MAX_DOCUMENTS;
    options.budget = Some(budget);
    match serde_saphyr::from_multiple_with_options::<Option<Spanned<RawNode>>>(text, options) {
        Ok(documents) => Ok(documents.into_iter().flatten().map(convert).collect()),
        Err(error) => Err(to_yaml_error(&error)),
    }
}

fn to_yaml_error(error: &serde_saphyr::Error) -> YamlError {
    let (line, column) = error
        .location()
        .map_or((1, 1), |l| (to_u32(l.line()), to_u32(l.column())));
    YamlError {
        line: line.max(1),
        column: column.max(1),
        message: one_line_message(&error.to_string()),
    }
}

/// serde-saphyr renders `error: line 5 column 7: duplicate mapping key: X, set
/// DuplicateKeyPolicy in Options if acceptable` and then a source snippet; keep only the reason.
fn one_line_message(rendered: &str) -> String {
    let first = rendered.lines().next().unwrap_or_default();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let reason = match first.split_once(": ") {
        Some((position, rest)) if position.starts_with("line ") => rest,
        _ => first,
    };
    let reason = reason
        .split_once(", set DuplicateKeyPolicy")
        .map_or(reason, |(head, _)| head);
    // The position is reported separately.
    let reason = reason.split(" at line ").next().unwrap_or(reason);
    reason.trim().to_string()
}

fn to_u32(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

fn convert(spanned: Spanned<RawNode>) -> Node {
    let kind = match spanned.value {
        RawNode::Null => NodeKind::Null,
        RawNode::Scalar(text) => NodeKind::Scalar(text),
        RawNode::Seq(items) => NodeKind::Seq(items.into_iter().map(convert).collect()),
        RawNode::Map(entries) => NodeKind::Map(
            entries
                .into_iter()
                .map(|(key, value)| {
                    let key = Key {
                        name: key.value,
                        line: to_u32(key.defined.line()),
                        column: to_u32(key.defined.column()),
                        used_line: to_u32(key.referenced.line()),
                    };
                    (key, convert(value))
                })
                .collect(),
        ),
    };
    Node {
        kind,
        line: to_u32(spanned.defined.line()),
        column: to_u32(spanned.defined.column()),
        used_line: to_u32(spanned.referenced.line()),
    }
}

/// The tree as serde-saphyr hands it over, before positions are flattened into `Node`.
enum RawNode {
    Null,
    Scalar(String),
    Seq(Vec<Spanned<RawNode>>),
    Map(Vec<(Spanned<String>, Spanned<RawNode>)>),
}

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawNodeVisitor)
    }
}

struct RawNodeVisitor;

impl<'de> Visitor<'de> for RawNodeVisitor {
    type Value = RawNode;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawNode, D::Error> {
        RawNode::deserialize(deserializer)
    }
    fn visit_bool<E: de::Error>(self, value: bool) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(value.to_string()))
    }
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(value.to_string()))
    }
    fn visit_u64<E: de::Error>(self, value: u64) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(value.to_string()))
    }
    fn visit_i128<E: de::Error>(self, value: i128) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(value.to_string()))
    }
    fn visit_u128<E: de::Error>(self, value: u128) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(value.to_string()))
    }
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(value.to_string()))
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(value.to_string()))
    }
    fn visit_string<E: de::Error>(self, value: String) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(value))
    }
    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(String::from_utf8_lossy(value).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<RawNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = access.next_element()? {
            items.push(item);
        }
        Ok(RawNode::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<RawNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = access.next_key::<Spanned<String>>()? {
            entries.push((key, access.next_value()?));
        }
        Ok(RawNode::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_keys_keep_the_merge_line_and_the_anchor_line() {
        let text = "x: &otel\n  A: one\nservices:\n  s:\n    environment:\n      <<: *otel\n      B: two\n";
        let root = parse(text).unwrap();
        let env = root
            .get("services")
            .unwrap()
            .get("s")
            .unwrap()
            .get("environment")
            .unwrap();
        let entries = env.entries().unwrap();
        assert_eq!(entries[0].0.name, "B");
        assert_eq!((entries[0].0.line, entries[0].0.column), (7, 7));
        assert_eq!(entries[1].0.name, "A");
        assert_eq!((entries[1].0.line, entries[1].0.column), (2, 3));
        assert_eq!(entries[1].0.used_line, 6);
        assert_eq!((entries[1].1.line, entries[1].1.column), (2, 6));
    }

    #[test]
    fn scalars_of_every_type_are_text() {
        let root = parse("a: 1\nb: true\nc:\nd: x\n").unwrap();
        assert_eq!(root.get("a").unwrap().as_scalar(), Some("1"));
        assert_eq!(root.get("b").unwrap().as_scalar(), Some("true"));
        assert_eq!(root.get("c").unwrap().kind, NodeKind::Null);
        assert_eq!(root.get("d").unwrap().as_scalar(), Some("x"));
    }

    #[test]
    fn errors_are_one_line_with_a_position() {
        let error =
            parse("services:\n  a:\n    environment:\n      X: 1\n      X: 2\n").unwrap_err();
        assert_eq!((error.line, error.column), (5, 7));
        assert_eq!(error.message, "duplicate mapping key: X");
        let error = parse("services:\n  a:\n    image: [\n").unwrap_err();
        assert_eq!(error.line, 3);
        assert_eq!(error.message, "unclosed bracket '['");
    }

    #[test]
    fn an_empty_document_is_null() {
        assert_eq!(parse("").unwrap().kind, NodeKind::Null);
        assert_eq!(parse("# only a comment\n").unwrap().kind, NodeKind::Null);
    }
}

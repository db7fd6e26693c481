//! The collector chart's values checked against the chart's own `values.schema.json`, the way
//! `helm install` checks them before rendering: the user's values merged over the chart's
//! defaults, every scalar typed the way Helm's YAML reader types it.
//!
//! A hand-written validator for exactly the keywords the chart's schemas use (`type`, `enum`,
//! `required`, `properties`, `patternProperties`, `additionalProperties`, `items`, `$ref` to
//! `$defs`, `oneOf`, `anyOf`): no JSON Schema crate is in the tree, the one the tests use
//! (boon) pulls the full `regex` into the binary (+1.8 MB, /work/shared/CRATES.md), and none
//! reports positions in the user's YAML file or keeps the chart's defaults apart from what
//! the user wrote. `scripts/gen-helm-collector-schema.py` refuses a schema with any other
//! keyword, so a new chart release cannot pass silently through a keyword not implemented.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use crate::source::Location;

use super::super::yaml::{Node, NodeKind};

/// How a scalar is written, when it is not plain: Helm's reader (go-yaml v2 through
/// sigs.k8s.io/yaml) types a plain scalar by its text (`2` a number, `yes` a boolean) and
/// any quoted or block scalar as a string. A tagged scalar (`!!str 2`) is not judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Quoted,
    Block,
    Tagged,
}

/// The scalars of a values node that are not plain, by position. The YAML tree keeps a
/// scalar's text but not its quotes, so they are read back from the file at the scalar's
/// position (serde-saphyr places a quoted scalar at its quote, a block scalar at its first
/// content line, a tagged one after its tag).
/// Also the source text of a plain scalar the parser rewrote (`1.10` read as `1.1`, `yes` as
/// `true`), to quote the user's own text.
#[derive(Debug, Clone, Default)]
pub struct ScalarStyles {
    styles: BTreeMap<(u32, u32), ScalarStyle>,
    written: BTreeMap<(u32, u32), String>,
}

impl ScalarStyles {
    pub fn of(text: &str, node: &Node) -> Self {
        let lines: Vec<&str> = text.lines().collect();
        let mut styles = ScalarStyles::default();
        styles.collect(&lines, node);
        styles
    }

    fn get(&self, node: &Node) -> Option<ScalarStyle> {
        self.styles.get(&(node.line, node.column)).copied()
    }

    fn collect(&mut self, lines: &[&str], node: &Node) {
        match &node.kind {
            NodeKind::Scalar(parsed) => {
                let at = (node.line, node.column);
                match style_at(lines, node.line, node.column) {
                    Some(style) => {
                        self.styles.insert(at, style);
                    }
                    None => {
                        if let Some(token) = plain_token(lines, node.line, node.column)
                            .filter(|t| t != parsed && plain_type(t) == plain_type(parsed))
                        {
                            self.written.insert(at, token);
                        }
                    }
                }
            }
            NodeKind::Seq(items) => items.iter().for_each(|i| self.collect(lines, i)),
            NodeKind::Map(entries) => entries.iter().for_each(|(_, v)| self.collect(lines, v)),
            NodeKind::Null => {}
        }
    }
}

/// A plain scalar's text on its line: up to a comment, and in a flow collection (`[a, b]`,
/// `{k: v}` before it on the line) up to the next indicator.
fn plain_token(lines: &[&str], line: u32, column: u32) -> Option<String> {
    let text = lines.get(usize::try_from(line).ok()?.checked_sub(1)?)?;
    let at = usize::try_from(column).ok()?.checked_sub(1)?;
    let before: String = text.chars().take(at).collect();
    let rest: String = text.chars().skip(at).collect();
    let mut token = rest.split(" #").next().unwrap_or_default();
    if before.contains(['[', '{']) {
        token = token.split([',', ']', '}']).next().unwrap_or_default();
    }
    Some(token.trim().to_string()).filter(|t| !t.is_empty())
}

fn style_at(lines: &[&str], line: u32, column: u32) -> Option<ScalarStyle> {
    let text = lines.get(usize::try_from(line).ok()?.checked_sub(1)?)?;
    let at = usize::try_from(column).ok()?.checked_sub(1)?;
    let before: String = text.chars().take(at).collect();
    if matches!(text.chars().nth(at), Some('"' | '\'')) {
        return Some(ScalarStyle::Quoted);
    }
    // What precedes the scalar: on its own line, else the end of the line that opens it
    // (`key: |`, `key: !!str`), without a comment.
    let opening = if before.trim().is_empty() || before.trim_end().ends_with('-') {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        let previous = lines[..index]
            .iter()
            .rev()
            .map(|l| l.split(" #").next().unwrap_or_default().trim_end())
            .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
        if before.trim().is_empty() {
            previous.to_string()
        } else {
            before
        }
    } else {
        before
    };
    let mut tokens = opening.split_whitespace().rev();
    let last = tokens.next()?;
    if last.starts_with(['|', '>'])
        && last[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '+')
    {
        return Some(ScalarStyle::Block);
    }
    std::iter::once(last)
        .chain(tokens)
        .take_while(|token| token.starts_with(['!', '&']))
        .any(|token| token.starts_with('!'))
        .then_some(ScalarStyle::Tagged)
}

/// A value's JSON type as Helm sees it after reading the YAML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    Boolean,
    Integer,
    Number,
    String,
    Array,
    Object,
}

impl JsonType {
    /// The schema's name for it (`type`), which is also the word Helm's message uses.
    pub fn name(self) -> &'static str {
        match self {
            JsonType::Boolean => "boolean",
            JsonType::Integer => "integer",
            JsonType::Number => "number",
            JsonType::String => "string",
            JsonType::Array => "array",
            JsonType::Object => "object",
        }
    }

    fn is(self, wanted: &str) -> bool {
        self.name() == wanted || (self == JsonType::Integer && wanted == "number")
    }
}

/// The type go-yaml v2 (Helm's YAML reader) gives a plain scalar's text: YAML 1.1 booleans
/// (`yes`, `on`, `y` ...), integers (with `_`, `0x`, `0o`, `0b`), floats; else a string. A
/// float with no fraction reaches the validator as an integer (sigs.k8s.io/yaml writes `1.0`
/// as `1`, and JSON Schema counts it as one).
pub fn plain_type(text: &str) -> JsonType {
    const BOOLEANS: [&str; 22] = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
        "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
    ];
    if BOOLEANS.contains(&text) {
        return JsonType::Boolean;
    }
    let digits: String = text.chars().filter(|c| *c != '_').collect();
    let unsigned = digits.strip_prefix(['-', '+']).unwrap_or(&digits);
    let radix = |prefix: &str, radix: u32| {
        unsigned
            .strip_prefix(prefix)
            .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_digit(radix)))
    };
    if (!unsigned.is_empty() && unsigned.chars().all(|c| c.is_ascii_digit()))
        || radix("0x", 16)
        || radix("0o", 8)
        || radix("0b", 2)
    {
        return JsonType::Integer;
    }
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let numeric = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let is_float = numeric(whole)
        && numeric(fraction)
        && !(whole.is_empty() && fraction.is_empty())
        && exponent.is_none_or(|e| !e.is_empty() && numeric(e))
        && (mantissa.contains('.') || exponent.is_some());
    if is_float {
        return match digits.parse::<f64>() {
            Ok(value) if value.fract() == 0.0 && value.is_finite() => JsonType::Integer,
            _ => JsonType::Number,
        };
    }
    JsonType::String
}

/// What the schema refuses, and where in the user's file.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The values path: keys, and list indexes.
    pub path: Vec<String>,
    pub location: Location,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// `additionalProperties: false`: a key the schema does not list; `known` are the keys
    /// it lists there.
    UnknownKey { key: String, known: Vec<String> },
    /// `type`: the value as written (quotes kept), its type, and the types allowed.
    WrongType {
        written: String,
        got: JsonType,
        want: Vec<String>,
    },
    /// `enum`: the value as written, and the values allowed.
    NotAllowed {
        written: String,
        allowed: Vec<String>,
    },
    /// `required`: keys the map (and the chart's defaults) lack.
    Missing { keys: Vec<String> },
    /// `oneOf` / `anyOf`: how many alternatives matched, and what they ask.
    Alternatives {
        exactly_one: bool,
        matched: usize,
        asked: Vec<String>,
    },
}

impl Violation {
    /// The values path as a user writes it: `image.tag`, `extraEnvs[0].name`.
    pub fn dotted(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            if segment.parse::<usize>().is_ok() {
                out.push_str(&format!("[{segment}]"));
            } else {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(segment);
            }
        }
        out
    }

    /// The line Helm prints for it (santhosh-tekuri/jsonschema v6, Helm 3.18 and later).
    pub fn helm_error(&self) -> String {
        let quote = |names: &[String]| {
            names
                .iter()
                .map(|n| format!("'{n}'"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (pointer, complaint) = match &self.problem {
            Problem::UnknownKey { key, .. } => (
                &self.path[..self.path.len().saturating_sub(1)],
                format!("additional properties '{key}' not allowed"),
            ),
            Problem::WrongType { got, want, .. } => (
                &self.path[..],
                format!(
                    "got {}, want {}",
                    match got {
                        JsonType::Integer => "number",
                        other => other.name(),
                    },
                    want.join(" or ")
                ),
            ),
            Problem::NotAllowed { allowed, .. } => (
                &self.path[..],
                format!("value must be one of {}", quote(allowed)),
            ),
            Problem::Missing { keys } if keys.len() == 1 => {
                (&self.path[..], format!("missing property {}", quote(keys)))
            }
            Problem::Missing { keys } => (
                &self.path[..],
                format!("missing properties {}", quote(keys)),
            ),
            Problem::Alternatives {
                exactly_one: true,
                matched: 0,
                ..
            } => (&self.path[..], "'oneOf' failed, none matched".to_string()),
            Problem::Alternatives {
                exactly_one: true, ..
            } => (&self.path[..], "'oneOf' failed".to_string()),
            Problem::Alternatives { .. } => (&self.path[..], "'anyOf' failed".to_string()),
        };
        let pointer: String = pointer.iter().map(|s| format!("/{s}")).collect();
        format!("at '{pointer}': {complaint}")
    }
}

/// Checks merged values against a schema. `is_default` tells a position where the chart's
/// defaults were placed: nothing there is the user's, and nothing there is reported (Helm
/// checks the merged values, but a violation that only the defaults cause is not the user's
/// to fix). `null` values are not judged: Helm deletes them over a default.
pub fn check(
    file: &Arc<str>,
    schema_json: &str,
    values: &Node,
    styles: &ScalarStyles,
    holder: (u32, u32),
    is_default: &dyn Fn(u32, u32) -> bool,
) -> Vec<Violation> {
    let Ok(root) = serde_json::from_str::<Value>(schema_json) else {
        return Vec::new();
    };
    let validator = Validator {
        file,
        root: &root,
        styles,
        is_default,
    };
    let mut out = Vec::new();
    validator.validate(&root, values, &mut Vec::new(), holder, &mut out);
    out
}

/// Whether a schema lists a key at a values path (through `properties` only).
pub fn lists_key(schema_json: &str, path: &[String]) -> bool {
    let Ok(root) = serde_json::from_str::<Value>(schema_json) else {
        return false;
    };
    path.iter()
        .try_fold(&root, |schema, key| schema.get("properties")?.get(key))
        .is_some()
}

struct Validator<'a> {
    file: &'a Arc<str>,
    root: &'a Value,
    styles: &'a ScalarStyles,
    is_default: &'a dyn Fn(u32, u32) -> bool,
}

impl Validator<'_> {
    /// Validates `node` against `schema`; `holder` is where a problem of the node as a whole
    /// (a missing key) is reported: the key that holds it.
    fn validate(
        &self,
        schema: &Value,
        node: &Node,
        path: &mut Vec<String>,
        holder: (u32, u32),
        out: &mut Vec<Violation>,
    ) {
        if node.kind == NodeKind::Null || (self.is_default)(node.line, node.column) {
            return;
        }
        let schema = self.resolve(schema);
        let violation = |location: (u32, u32), path: &[String], problem: Problem| Violation {
            path: path.to_vec(),
            location: Location::new(self.file, location.0, location.1),
            problem,
        };
        let here = (node.line, node.column);
        let typed = self.json_type(node);
        if let (Some(wanted), Some(got)) = (schema.get("type"), typed) {
            let want: Vec<String> = match wanted {
                Value::String(one) => vec![one.clone()],
                Value::Array(many) => many
                    .iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            };
            if !want.is_empty() && !want.iter().any(|w| got.is(w)) {
                let written = self.written(node);
                out.push(violation(
                    here,
                    path,
                    Problem::WrongType { written, got, want },
                ));
                return;
            }
        }
        if let (Some(Value::Array(allowed)), Some(text)) = (schema.get("enum"), node.as_scalar())
            && typed.is_some()
        {
            let matches = |item: &Value| match item {
                Value::String(s) => typed == Some(JsonType::String) && s == text,
                Value::Bool(b) => typed == Some(JsonType::Boolean) && plain_bool(text) == Some(*b),
                Value::Number(n) => text.parse::<f64>().ok() == n.as_f64(),
                _ => false,
            };
            if !allowed.iter().any(matches) {
                out.push(violation(
                    here,
                    path,
                    Problem::NotAllowed {
                        written: self.written(node),
                        allowed: allowed
                            .iter()
                            .map(|a| a.as_str().map_or_else(|| a.to_string(), str::to_string))
                            .collect(),
                    },
                ));
            }
        }
        for keyword in ["anyOf", "oneOf"] {
            let Some(Value::Array(branches)) = schema.get(keyword) else {
                continue;
            };
            let matched = branches
                .iter()
                .filter(|branch| {
                    let mut inner = Vec::new();
                    self.validate(branch, node, path, holder, &mut inner);
                    inner.is_empty()
                })
                .count();
            let exactly_one = keyword == "oneOf";
            let fails = if exactly_one {
                matched != 1
            } else {
                matched == 0
            };
            if fails {
                let asked = branches.iter().map(|b| self.describe(b)).collect();
                out.push(violation(
                    holder,
                    path,
                    Problem::Alternatives {
                        exactly_one,
                        matched,
                        asked,
                    },
                ));
            }
        }
        match &node.kind {
            NodeKind::Map(entries) => self.validate_map(schema, entries, path, holder, out),
            NodeKind::Seq(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (index, item) in items.iter().enumerate() {
                        path.push(index.to_string());
                        self.validate(item_schema, item, path, (item.line, item.column), out);
                        path.pop();
                    }
                }
            }
            _ => {}
        }
    }

    fn validate_map(
        &self,
        schema: &Value,
        entries: &[(super::super::yaml::Key, Node)],
        path: &mut Vec<String>,
        holder: (u32, u32),
        out: &mut Vec<Violation>,
    ) {
        let properties = schema.get("properties").and_then(Value::as_object);
        let patterns: Vec<(regex_lite::Regex, &Value)> = schema
            .get("patternProperties")
            .and_then(Value::as_object)
            .map(|p| {
                p.iter()
                    .filter_map(|(pattern, s)| Some((regex_lite::Regex::new(pattern).ok()?, s)))
                    .collect()
            })
            .unwrap_or_default();
        for (key, value) in entries {
            path.push(key.name.clone());
            let at = (key.line, key.column);
            let mut listed = false;
            if let Some(child) = properties.and_then(|p| p.get(&key.name)) {
                listed = true;
                self.validate(child, value, path, at, out);
            }
            for (pattern, child) in &patterns {
                if pattern.is_match(&key.name) {
                    listed = true;
                    self.validate(child, value, path, at, out);
                }
            }
            if !listed && !(self.is_default)(key.line, key.column) {
                match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => out.push(Violation {
                        path: path.clone(),
                        location: Location::new(self.file, key.line, key.column),
                        problem: Problem::UnknownKey {
                            key: key.name.clone(),
                            known: properties
                                .map(|p| p.keys().cloned().collect())
                                .unwrap_or_default(),
                        },
                    }),
                    Some(child @ Value::Object(_)) => self.validate(child, value, path, at, out),
                    _ => {}
                }
            }
            path.pop();
        }
        if let Some(Value::Array(required)) = schema.get("required") {
            let keys: Vec<String> = required
                .iter()
                .filter_map(Value::as_str)
                .filter(|name| !entries.iter().any(|(k, _)| k.name == *name))
                .map(str::to_string)
                .collect();
            if !keys.is_empty() {
                out.push(Violation {
                    path: path.clone(),
                    location: Location::new(self.file, holder.0, holder.1),
                    problem: Problem::Missing { keys },
                });
            }
        }
    }

    /// A `$ref` (only `#/$defs/<name>` is used) replaced by what it points at.
    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(pointer) => self
                .root
                .pointer(pointer.trim_start_matches('#'))
                .unwrap_or(schema),
            None => schema,
        }
    }

    /// What one alternative of `oneOf`/`anyOf` asks, in a few words: `a string`, `key exec`.
    fn describe(&self, branch: &Value) -> String {
        let branch = self.resolve(branch);
        if let Some(Value::Array(keys)) = branch.get("required") {
            let keys: Vec<String> = keys
                .iter()
                .filter_map(Value::as_str)
                .map(|k| format!("`{k}`"))
                .collect();
            return keys.join(" and ");
        }
        match branch.get("type") {
            Some(Value::String(wanted)) => article(wanted),
            _ => "an alternative of the schema".to_string(),
        }
    }

    fn json_type(&self, node: &Node) -> Option<JsonType> {
        match &node.kind {
            NodeKind::Null => None,
            NodeKind::Seq(_) => Some(JsonType::Array),
            NodeKind::Map(_) => Some(JsonType::Object),
            NodeKind::Scalar(text) => match self.styles.get(node) {
                Some(ScalarStyle::Quoted | ScalarStyle::Block) => Some(JsonType::String),
                Some(ScalarStyle::Tagged) => None,
                None => Some(plain_type(text)),
            },
        }
    }

    /// The value as the user wrote it: a quoted scalar with its quotes, a map or list named.
    fn written(&self, node: &Node) -> String {
        match &node.kind {
            NodeKind::Scalar(text) if self.styles.get(node) == Some(ScalarStyle::Quoted) => {
                format!("\"{text}\"")
            }
            NodeKind::Scalar(text) => self
                .styles
                .written
                .get(&(node.line, node.column))
                .unwrap_or(text)
                .clone(),
            NodeKind::Seq(_) => "a list".to_string(),
            NodeKind::Map(_) => "a map".to_string(),
            NodeKind::Null => "null".to_string(),
        }
    }
}

/// A type's name with its article: `a string`, `an integer`.
pub fn article(type_name: &str) -> String {
    match type_name {
        "integer" | "array" | "object" => format!("an {type_name}"),
        other => format!("a {other}"),
    }
}

fn plain_bool(text: &str) -> Option<bool> {
    match plain_type(text) {
        JsonType::Boolean => Some(matches!(
            text,
            "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON"
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::yaml;

    fn violations(schema: &str, text: &str) -> Vec<Violation> {
        let file: Arc<str> = "values.yaml".into();
        let node = yaml::parse(text).unwrap();
        let styles = ScalarStyles::of(text, &node);
        check(&file, schema, &node, &styles, (1, 1), &|_, _| false)
    }

    #[test]
    fn plain_scalars_are_typed_as_helm_reads_them() {
        for (text, wanted) in [
            ("2", JsonType::Integer),
            ("-2", JsonType::Integer),
            ("1_000", JsonType::Integer),
            ("0x1F", JsonType::Integer),
            ("1.0", JsonType::Integer),
            ("1e3", JsonType::Integer),
            ("0.5", JsonType::Number),
            (".5", JsonType::Number),
            ("yes", JsonType::Boolean),
            ("off", JsonType::Boolean),
            ("true", JsonType::Boolean),
            ("0.98.0", JsonType::String),
            ("v1", JsonType::String),
            ("1.", JsonType::Integer),
            ("e3", JsonType::String),
            (".", JsonType::String),
            ("", JsonType::String),
            ("deployment", JsonType::String),
        ] {
            assert_eq!(plain_type(text), wanted, "{text}");
        }
    }

    #[test]
    fn quotes_blocks_and_tags_are_read_back_from_the_file() {
        let text = "a: \"2\"\nb: '3'\nc: 4\nd: !!str 5\ne: &x 6\nf: |-\n  7\ng:\n  - \"8\"\n  - 9\nh: > # folded\n  10\n";
        let node = yaml::parse(text).unwrap();
        let styles = ScalarStyles::of(text, &node);
        let style = |key: &str| styles.get(node.get(key).unwrap());
        assert_eq!(style("a"), Some(ScalarStyle::Quoted));
        assert_eq!(style("b"), Some(ScalarStyle::Quoted));
        assert_eq!(style("c"), None);
        assert_eq!(style("d"), Some(ScalarStyle::Tagged));
        assert_eq!(style("e"), None);
        assert_eq!(style("f"), Some(ScalarStyle::Block));
        assert_eq!(style("h"), Some(ScalarStyle::Block));
        let NodeKind::Seq(items) = &node.get("g").unwrap().kind else {
            panic!("a list")
        };
        assert_eq!(styles.get(&items[0]), Some(ScalarStyle::Quoted));
        assert_eq!(styles.get(&items[1]), None);
    }

    const SCHEMA: &str = r##"{
        "$defs": {"intOrString": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
        "type": "object", "additionalProperties": false,
        "properties": {
            "mode": {"type": "string", "enum": ["daemonset", "deployment", "statefulset", ""]},
            "replicaCount": {"type": "integer"},
            "config": {"type": "object"},
            "surge": {"$ref": "#/$defs/intOrString"},
            "hook": {"type": "object", "oneOf": [{"required": ["exec"]}, {"required": ["httpGet"]}]},
            "ports": {"type": "object", "patternProperties": {".*": {
                "type": "object", "additionalProperties": false, "required": ["enabled"],
                "properties": {"enabled": {"type": "boolean"}, "containerPort": {"type": "integer"}}}}},
            "args": {"type": "array", "items": {"type": "string"}}
        }
    }"##;

    #[test]
    fn each_keyword_is_checked_at_the_users_line() {
        let found = violations(
            SCHEMA,
            "mode: deploy\nreplicaCount: \"2\"\nconfg: {}\nsurge: 1.5\nhook: {exec: {}, httpGet: {}}\nports:\n  extra:\n    containerPort: 8888\nargs: [--a, 3]\n",
        );
        let lines: Vec<String> = found
            .iter()
            .map(|v| format!("{} {}", v.location.line, v.helm_error()))
            .collect();
        assert_eq!(
            lines,
            [
                "1 at '/mode': value must be one of 'daemonset', 'deployment', 'statefulset', ''",
                "2 at '/replicaCount': got string, want integer",
                "3 at '': additional properties 'confg' not allowed",
                "4 at '/surge': 'anyOf' failed",
                "5 at '/hook': 'oneOf' failed",
                "7 at '/ports/extra': missing property 'enabled'",
                "9 at '/args/1': got number, want string",
            ]
        );
        assert_eq!(found[6].dotted(), "args[1]");
        let tag = violations(SCHEMA, "args: [1.10] # a version\n");
        assert!(matches!(
            &tag[0].problem,
            Problem::WrongType { written, .. } if written == "1.10"
        ));
    }

    #[test]
    fn valid_values_and_the_charts_defaults_pass() {
        assert!(
            violations(
                SCHEMA,
                "mode: deployment\nreplicaCount: 2\nconfig: {receivers: {}}\nsurge: \"25%\"\nhook: {exec: {}}\nports:\n  otlp:\n    enabled: true\nargs: [\"3\"]\nreplicaCount2: null\n",
            )
            .iter()
            .all(|v| v.path == ["replicaCount2"])
        );
        let file: Arc<str> = "values.yaml".into();
        let text = "mode: deploy\n";
        let node = yaml::parse(text).unwrap();
        let styles = ScalarStyles::of(text, &node);
        // The whole value sits where the chart's defaults were placed: not the user's.
        assert!(check(&file, SCHEMA, &node, &styles, (1, 1), &|_, _| true).is_empty());
    }
}

//! Application settings files, flattened into keys with positions: Spring Boot's
//! `application.yml` (several documents, `---` apart), `application.properties`, and .NET's
//! `appsettings.json` (comments allowed, as .NET reads it). `otel: exporter: otlp: endpoint:`
//! becomes `otel.exporter.otlp.endpoint` (Spring), `{"Otlp": {"Endpoint": ...}}` becomes
//! `Otlp:Endpoint` (.NET), each entry where its value is written.

use std::sync::Arc;

use super::collector::{self, ConfigKind, ConfigNode};
use super::properties::PropertiesFile;
use super::yaml::YamlError;
use crate::source::Location;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub value: String,
    /// Where the value is written (the key, for an empty value).
    pub location: Location,
    /// The value is a scalar written on its key's line (not a block or a list).
    pub inline: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub entries: Vec<Entry>,
}

impl Document {
    /// The entry of a key, ASCII case aside when `ignore_case` (.NET's configuration keys are
    /// case-insensitive).
    pub fn get(&self, key: &str, ignore_case: bool) -> Option<&Entry> {
        self.entries.iter().rev().find(|e| {
            if ignore_case {
                e.key.eq_ignore_ascii_case(key)
            } else {
                e.key == key
            }
        })
    }

    /// The entries under a key (`management.otlp.tracing.headers.`), with the rest of each key.
    pub fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a Entry)> {
        self.entries
            .iter()
            .filter_map(move |e| Some((e.key.strip_prefix(prefix)?, e)))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsFile {
    pub documents: Vec<Document>,
}

/// How nested keys are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStyle {
    /// Spring: `a.b`, `a[0]`.
    Dotted,
    /// .NET: `A:B`, `A:0`.
    Colon,
}

/// A YAML settings file: each `---` document on its own. A malformed document is an error at
/// its line, as Spring stops at it.
pub fn parse_yaml(file: &Arc<str>, text: &str) -> Result<SettingsFile, YamlError> {
    let mut documents = Vec::new();
    let mut start_line = 0usize;
    let mut chunk = String::new();
    let mut lines = text.lines().enumerate().peekable();
    while let Some((index, line)) = lines.next() {
        let separator = line.trim_end() == "---";
        if !separator {
            chunk.push_str(line);
            chunk.push('\n');
        }
        if separator || lines.peek().is_none() {
            // Earlier lines stay blank, so that positions are the file's.
            let padded = format!("{}{chunk}", "\n".repeat(start_line));
            let root = collector::parse(file, &padded)?;
            let mut document = Document::default();
            flatten(
                &root,
                String::new(),
                KeyStyle::Dotted,
                &mut document.entries,
            );
            documents.push(document);
            chunk.clear();
            start_line = index + 1;
        }
    }
    Ok(SettingsFile { documents })
}

/// A JSON settings file (`appsettings.json`), `//` and `/* */` comments allowed.
pub fn parse_json(file: &Arc<str>, text: &str) -> Result<SettingsFile, YamlError> {
    let root = collector::parse(file, &without_comments(text))?;
    let mut document = Document::default();
    flatten(&root, String::new(), KeyStyle::Colon, &mut document.entries);
    Ok(SettingsFile {
        documents: vec![document],
    })
}

/// A `.properties` file, as one document.
pub fn from_properties(file: &Arc<str>, properties: &PropertiesFile) -> SettingsFile {
    let entries = properties
        .entries
        .iter()
        .map(|p| Entry {
            key: p.key.clone(),
            value: p.value.clone(),
            location: Location::new(file, p.value_line, p.value_column),
            inline: p.value_line == p.line,
        })
        .collect();
    SettingsFile {
        documents: vec![Document { entries }],
    }
}

fn flatten(node: &ConfigNode, key: String, style: KeyStyle, out: &mut Vec<Entry>) {
    const MAX_DEPTH: usize = 64;
    if key.matches(['.', ':', '[']).count() > MAX_DEPTH {
        return;
    }
    let join = |child: &str| match (key.is_empty(), style) {
        (true, _) => child.to_string(),
        (false, KeyStyle::Dotted) => format!("{key}.{child}"),
        (false, KeyStyle::Colon) => format!("{key}:{child}"),
    };
    match &node.kind {
        ConfigKind::Map(entries) => {
            for entry in entries {
                match &entry.value.kind {
                    ConfigKind::Null => out.push(Entry {
                        key: join(&entry.key),
                        value: String::new(),
                        location: entry.location.clone(),
                        inline: true,
                    }),
                    _ => flatten(&entry.value, join(&entry.key), style, out),
                }
            }
        }
        ConfigKind::Seq(items) => {
            for (index, item) in items.iter().enumerate() {
                let child = match style {
                    KeyStyle::Dotted => format!("{key}[{index}]"),
                    KeyStyle::Colon => join(&index.to_string()),
                };
                flatten(item, child, style, out);
            }
        }
        ConfigKind::Scalar(text) => out.push(Entry {
            key,
            value: text.clone(),
            location: node.location.clone(),
            inline: true,
        }),
        ConfigKind::Null => {}
    }
}

/// `//` and `/* */` comments replaced by spaces (line breaks kept), outside strings.
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                in_string = !in_string;
                out.push(c);
            }
            '\\' if in_string => {
                out.push(c);
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '/' if !in_string && chars.peek() == Some(&'/') => {
                out.push(' ');
                while let Some(&next) = chars.peek() {
                    if next == '\n' {
                        break;
                    }
                    out.push(' ');
                    chars.next();
                }
            }
            '/' if !in_string && chars.peek() == Some(&'*') => {
                out.push(' ');
                let mut previous = ' ';
                for next in chars.by_ref() {
                    out.push(if next == '\n' { '\n' } else { ' ' });
                    if previous == '*' && next == '/' {
                        break;
                    }
                    previous = next;
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(file: &SettingsFile, document: usize) -> Vec<(String, String, u32, u32)> {
        file.documents[document]
            .entries
            .iter()
            .map(|e| {
                (
                    e.key.clone(),
                    e.value.clone(),
                    e.location.line,
                    e.location.column,
                )
            })
            .collect()
    }

    #[test]
    fn spring_yaml_documents_flatten_to_dotted_keys() {
        let file = Arc::from("application.yml");
        let text = "spring:\n  application:\n    name: orders\nmanagement.otlp.tracing:\n  endpoint: http://c:4318/v1/traces\n  headers:\n    x-honeycomb-team: k\n---\nspring.config.activate.on-profile: prod\nlist: [a, b]\n";
        let parsed = parse_yaml(&file, text).unwrap();
        let entry = |k: &str, v: &str, l, c| (k.to_string(), v.to_string(), l, c);
        assert_eq!(
            keys(&parsed, 0),
            [
                entry("spring.application.name", "orders", 3, 11),
                entry(
                    "management.otlp.tracing.endpoint",
                    "http://c:4318/v1/traces",
                    5,
                    13
                ),
                entry(
                    "management.otlp.tracing.headers.x-honeycomb-team",
                    "k",
                    7,
                    23
                ),
            ]
        );
        assert_eq!(
            keys(&parsed, 1),
            [
                entry("spring.config.activate.on-profile", "prod", 9, 36),
                entry("list[0]", "a", 10, 8),
                entry("list[1]", "b", 10, 11),
            ]
        );
        let error = parse_yaml(&file, "a: 1\n---\nb: [\n").unwrap_err();
        assert!(error.line >= 3, "{error:?}");
    }

    #[test]
    fn dotnet_json_with_comments_flattens_to_colon_keys() {
        let file = Arc::from("appsettings.json");
        let text = "{\n  // where to send\n  \"Otlp\": { \"Endpoint\": \"http://c:4317\" /* gRPC */ },\n  \"Url\": \"http://x//y\"\n}\n";
        let parsed = parse_json(&file, text).unwrap();
        let document = &parsed.documents[0];
        let endpoint = document.get("otlp:endpoint", true).unwrap();
        assert_eq!(endpoint.value, "http://c:4317");
        assert_eq!((endpoint.location.line, endpoint.location.column), (3, 25));
        assert_eq!(document.get("Url", false).unwrap().value, "http://x//y");
    }
}

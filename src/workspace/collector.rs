//! OpenTelemetry Collector config files: YAML read into a tree whose every node knows its file,
//! line and column, so that several `--config` files can be merged (as the collector merges
//! them) and still point at the line that decided a setting. Also which compose services may
//! run a collector, so that the loader reads the files they mount.

use std::sync::Arc;

use super::dockerfile::{Args, Dockerfile};
use super::workload::{CommandLine, WorkloadSpec};
use super::yaml::{self, Node, NodeKind, YamlError};
use crate::knowledge::collector as knowledge;
use crate::source::Location;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigNode {
    pub kind: ConfigKind,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigKind {
    Null,
    /// Any scalar as its text (`4317`, `true`).
    Scalar(String),
    Seq(Vec<ConfigNode>),
    Map(Vec<ConfigEntry>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigEntry {
    pub key: String,
    /// Where the key is written.
    pub location: Location,
    pub value: ConfigNode,
}

impl ConfigNode {
    pub fn entries(&self) -> &[ConfigEntry] {
        match &self.kind {
            ConfigKind::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn entry(&self, key: &str) -> Option<&ConfigEntry> {
        self.entries().iter().find(|e| e.key == key)
    }

    pub fn get(&self, key: &str) -> Option<&ConfigNode> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn as_scalar(&self) -> Option<&str> {
        match &self.kind {
            ConfigKind::Scalar(text) => Some(text),
            _ => None,
        }
    }

    pub fn items(&self) -> &[ConfigNode] {
        match &self.kind {
            ConfigKind::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind, ConfigKind::Map(_))
    }

    /// What the collector's errors call the node's type.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            ConfigKind::Null => "empty",
            ConfigKind::Scalar(_) => "a string",
            ConfigKind::Seq(_) => "a list",
            ConfigKind::Map(_) => "a mapping",
        }
    }

    /// Every scalar value under this node (keys excepted), depth first.
    pub fn scalars(&self) -> Vec<&str> {
        match &self.kind {
            ConfigKind::Scalar(text) => vec![text],
            ConfigKind::Seq(items) => items.iter().flat_map(ConfigNode::scalars).collect(),
            ConfigKind::Map(entries) => entries.iter().flat_map(|e| e.value.scalars()).collect(),
            ConfigKind::Null => Vec::new(),
        }
    }
}

/// Parses one config file.
pub fn parse(file: &Arc<str>, text: &str) -> Result<ConfigNode, YamlError> {
    yaml::parse(text).map(|root| convert(file, root))
}

/// Parses a config embedded in another file (a ConfigMap's block scalar): its positions are
/// moved to where its text starts, `first_line` and `indent` columns in.
pub fn parse_embedded(
    file: &Arc<str>,
    text: &str,
    first_line: u32,
    indent: u32,
) -> Result<ConfigNode, YamlError> {
    fn shift(node: &mut ConfigNode, lines: u32, columns: u32) {
        node.location.line += lines;
        node.location.column += columns;
        match &mut node.kind {
            ConfigKind::Seq(items) => items.iter_mut().for_each(|i| shift(i, lines, columns)),
            ConfigKind::Map(entries) => {
                for entry in entries {
                    entry.location.line += lines;
                    entry.location.column += columns;
                    shift(&mut entry.value, lines, columns);
                }
            }
            _ => {}
        }
    }
    let lines = first_line.saturating_sub(1);
    match parse(file, text) {
        Ok(mut node) => {
            shift(&mut node, lines, indent);
            Ok(node)
        }
        Err(error) => Err(YamlError {
            line: error.line + lines,
            column: error.column + indent,
            ..error
        }),
    }
}

/// A config built from YAML read elsewhere (a Helm chart's values merged over its defaults),
/// at the positions its nodes carry.
pub fn from_yaml(file: &Arc<str>, node: Node) -> ConfigNode {
    convert(file, node)
}

fn convert(file: &Arc<str>, node: Node) -> ConfigNode {
    let location = Location::new(file, node.line, node.column);
    let kind = match node.kind {
        NodeKind::Null => ConfigKind::Null,
        NodeKind::Scalar(text) => ConfigKind::Scalar(text),
        NodeKind::Seq(items) => {
            ConfigKind::Seq(items.into_iter().map(|i| convert(file, i)).collect())
        }
        NodeKind::Map(entries) => ConfigKind::Map(
            entries
                .into_iter()
                .map(|(key, value)| ConfigEntry {
                    location: Location::new(file, key.line, key.column),
                    key: key.name,
                    value: convert(file, value),
                })
                .collect(),
        ),
    };
    ConfigNode { kind, location }
}

/// Merges a later config into an earlier one as the collector does with several `--config`:
/// maps merge key by key, anything else (lists included) is replaced by the later value.
pub fn merge(base: &mut ConfigNode, later: ConfigNode) {
    match (&mut base.kind, later.kind) {
        (ConfigKind::Map(entries), ConfigKind::Map(later_entries)) => {
            for entry in later_entries {
                match entries.iter_mut().find(|e| e.key == entry.key) {
                    Some(existing) => {
                        existing.location = entry.location;
                        merge(&mut existing.value, entry.value);
                    }
                    None => entries.push(entry),
                }
            }
        }
        (_, kind) => {
            base.kind = kind;
            base.location = later.location;
        }
    }
}

/// A config file as the loader found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CollectorFile {
    Loaded(ConfigNode),
    /// A bind-mount source that does not exist.
    Missing,
    /// A directory (mounted whole, or created by Docker where a file was missing).
    Directory,
    /// Not YAML, or not readable as text: reported by `collector/parse-error` if a collector
    /// reads it.
    Broken(YamlError),
    /// Outside the workspace (where it leads): not read.
    Outside(std::path::PathBuf),
}

/// Whether a compose service may run a collector: a collector's image (an official, vendor
/// or custom distribution), a collector binary as its command, or a Dockerfile built on a
/// collector's image. Its mounted YAML is read. Other programs that take a `--config` flag
/// (Prometheus, Tempo, Loki) are not collectors.
pub fn may_run_collector(service: &WorkloadSpec, dockerfile: Option<&Dockerfile>) -> bool {
    let image = service
        .image
        .as_ref()
        .is_some_and(|image| knowledge::known_collector(&image.value).is_some());
    let command = [&service.entrypoint, &service.command]
        .into_iter()
        .flatten()
        .find_map(first_word)
        .is_some_and(|word| starts_collector(&word));
    let built = dockerfile.is_some_and(|dockerfile| {
        dockerfile
            .stages
            .iter()
            .any(|stage| knowledge::known_collector(&stage.base).is_some())
            || dockerfile
                .instructions
                .iter()
                .filter(|i| i.keyword == "ENTRYPOINT" || i.keyword == "CMD")
                .filter_map(|i| match &i.args {
                    Args::Exec(words) => words.first().cloned(),
                    Args::Shell(text) => text.split_whitespace().next().map(str::to_string),
                })
                .any(|word| starts_collector(&word))
    });
    image || command || built
}

/// A command's first word is the collector binary.
pub fn starts_collector(word: &str) -> bool {
    knowledge::is_collector_binary(word)
}

fn first_word(line: &CommandLine) -> Option<String> {
    match line {
        CommandLine::Exec(items) => items.first().map(|item| item.value.clone()),
        CommandLine::Shell(text) => text.value.split_whitespace().next().map(str::to_string),
    }
}

/// Files that look like collector configs (a mounted directory is read one level deep).
pub fn is_config_name(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(file: &str, text: &str) -> ConfigNode {
        parse(&Arc::from(file), text).unwrap()
    }

    #[test]
    fn later_files_win_key_by_key_and_lists_are_replaced() {
        let mut base = parsed(
            "a.yaml",
            "exporters:\n  debug:\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n",
        );
        let later = parsed(
            "b.yaml",
            "exporters:\n  otlp:\n    endpoint: api.honeycomb.io:443\nservice:\n  pipelines:\n    traces:\n      exporters: [otlp]\n",
        );
        merge(&mut base, later);
        let exporters: Vec<&str> = base
            .get("exporters")
            .unwrap()
            .entries()
            .iter()
            .map(|e| e.key.as_str())
            .collect();
        assert_eq!(exporters, ["debug", "otlp"]);
        let traces = base
            .get("service")
            .and_then(|s| s.get("pipelines"))
            .and_then(|p| p.get("traces"))
            .unwrap();
        assert_eq!(traces.get("receivers").unwrap().items().len(), 1);
        let pipeline_exporters = traces.get("exporters").unwrap();
        assert_eq!(pipeline_exporters.items()[0].as_scalar(), Some("otlp"));
        assert_eq!(pipeline_exporters.location.to_string(), "b.yaml:7:18");
    }

    #[test]
    fn candidates_by_image_command_or_dockerfile() {
        let read = |text: &str| {
            let lookup = |_: &str| None;
            super::super::compose::read(&Arc::from("c.yml"), text, &lookup).services
        };
        let services = read(
            "services:\n  a:\n    image: otel/opentelemetry-collector:0.98.0\n  b:\n    image: my/otelcol-custom\n    command: [\"--config=/etc/c.yaml\"]\n  c:\n    image: python\n    command: gunicorn --config g.py app\n  d:\n    build: .\n  e:\n    image: prom/prometheus\n    command: [\"--config.file=/etc/prometheus.yml\"]\n  f:\n    image: busybox\n    command: [\"/otelcol\", \"--config=/c.yaml\"]\n",
        );
        let flags: Vec<bool> = services
            .iter()
            .map(|s| may_run_collector(s, None))
            .collect();
        assert_eq!(flags, [true, true, false, false, false, true]);
        let dockerfile = crate::workspace::dockerfile::parse(
            "FROM otel/opentelemetry-collector-contrib:0.114.0\n",
        )
        .unwrap();
        assert!(may_run_collector(&services[3], Some(&dockerfile)));
    }
}

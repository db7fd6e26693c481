//! A collector config after merging: its components, its pipelines, and the facts routes and
//! rules need — where the OTLP receiver listens, where each exporter sends and with which
//! headers — each with the position of the setting that decides it.

use std::collections::HashMap;

use super::expand::{Expanded, expand};
use crate::knowledge::collector::{
    self as knowledge, ExporterKind, Kind, OTLP_GRPC_PORT, OTLP_HTTP_PORT,
    RECEIVERS_DEFAULT_TO_LOCALHOST, Version,
};
use crate::knowledge::otel;
use crate::resolve::EnvVar;
use crate::source::Location;
use crate::workspace::collector::{ConfigKind, ConfigNode};

/// A component defined in a top-level section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    pub kind: Kind,
    /// `otlp/honeycomb`.
    pub id: String,
    /// `otlp`.
    pub type_name: String,
    pub location: Location,
    pub body: ConfigNode,
}

/// A name in a pipeline's list or in `service.extensions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub id: String,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipeline {
    /// `traces`, `traces/honeycomb`.
    pub id: String,
    pub location: Location,
    pub receivers: Vec<Reference>,
    pub processors: Vec<Reference>,
    pub exporters: Vec<Reference>,
}

impl Pipeline {
    pub fn signal(&self) -> &str {
        knowledge::component_type(&self.id)
    }

    pub fn is_traces(&self) -> bool {
        self.signal() == "traces"
    }
}

/// A structure the collector refuses ("has invalid keys", "must be a map").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructureProblem {
    pub location: Location,
    pub message: String,
}

/// The merged config, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    pub root: ConfigNode,
    pub components: Vec<Component>,
    /// Where each component is in `components`, by kind and id (the first, if a merge left two):
    /// rules look a component up for every exporter and every name a pipeline lists, which a
    /// search through `components` made quadratic on a config of thousands of components.
    by_id: HashMap<(Kind, String), usize>,
    pub pipelines: Vec<Pipeline>,
    /// `service.extensions`.
    pub extensions: Vec<Reference>,
    /// Where pipelines are (or should be) declared: `service.pipelines`, `service`, or the top.
    pub pipelines_location: Location,
    pub problems: Vec<StructureProblem>,
}

const TOP_LEVEL: [&str; 6] = [
    "receivers",
    "processors",
    "exporters",
    "connectors",
    "extensions",
    "service",
];

impl Model {
    pub fn read(root: ConfigNode) -> Model {
        let mut problems = Vec::new();
        let mut invalid = |node: &ConfigNode, message: String| {
            problems.push(StructureProblem {
                location: node.location.clone(),
                message,
            })
        };
        if !matches!(root.kind, ConfigKind::Map(_) | ConfigKind::Null) {
            invalid(
                &root,
                format!("the config must be a mapping, found {}", root.type_name()),
            );
        }
        for entry in root.entries() {
            if !TOP_LEVEL.contains(&entry.key.as_str()) {
                problems.push(StructureProblem {
                    location: entry.location.clone(),
                    message: format!(
                        "'' has invalid keys: {} (the sections are {})",
                        entry.key,
                        TOP_LEVEL.join(", ")
                    ),
                });
            }
        }
        let mut components = Vec::new();
        for kind in Kind::ALL {
            let Some(section) = root.get(kind.section()) else {
                continue;
            };
            if !section.is_map() && section.kind != ConfigKind::Null {
                problems.push(StructureProblem {
                    location: section.location.clone(),
                    message: format!(
                        "`{}` must be a mapping of components, found {}",
                        kind.section(),
                        section.type_name()
                    ),
                });
            }
            components.extend(section.entries().iter().map(|entry| Component {
                kind,
                id: entry.key.clone(),
                type_name: knowledge::component_type(&entry.key).to_string(),
                location: entry.location.clone(),
                body: entry.value.clone(),
            }));
        }
        let service = root.entry("service");
        let pipelines_entry = service.and_then(|s| s.value.entry("pipelines"));
        let pipelines_location = pipelines_entry
            .map(|p| p.location.clone())
            .or_else(|| service.map(|s| s.location.clone()))
            .unwrap_or_else(|| root.location.clone());
        let mut pipelines = Vec::new();
        if let Some(entry) = pipelines_entry {
            for pipeline in entry.value.entries() {
                let list = |field: &str, problems: &mut Vec<StructureProblem>| {
                    references(pipeline.value.get(field), field, problems)
                };
                if !pipeline.value.is_map() {
                    problems.push(StructureProblem {
                        location: pipeline.value.location.clone(),
                        message: format!(
                            "pipeline `{}` must be a mapping with receivers and exporters, found {}",
                            pipeline.key,
                            pipeline.value.type_name()
                        ),
                    });
                }
                let parsed = Pipeline {
                    id: pipeline.key.clone(),
                    location: pipeline.location.clone(),
                    receivers: list("receivers", &mut problems),
                    processors: list("processors", &mut problems),
                    exporters: list("exporters", &mut problems),
                };
                for (field, refs) in [
                    ("receiver", &parsed.receivers),
                    ("exporter", &parsed.exporters),
                ] {
                    // A list of the wrong shape is reported as such, once.
                    let malformed = pipeline
                        .value
                        .get(&format!("{field}s"))
                        .is_some_and(|n| !matches!(n.kind, ConfigKind::Seq(_) | ConfigKind::Null));
                    if refs.is_empty() && pipeline.value.is_map() && !malformed {
                        problems.push(StructureProblem {
                            location: pipeline.location.clone(),
                            message: format!(
                                "pipeline `{}` must have at least one {field}",
                                pipeline.key
                            ),
                        });
                    }
                }
                pipelines.push(parsed);
            }
        }
        let extensions = references(
            service.and_then(|s| s.value.get("extensions")),
            "extensions",
            &mut problems,
        );
        let mut by_id = HashMap::new();
        for (index, component) in components.iter().enumerate() {
            by_id
                .entry((component.kind, component.id.clone()))
                .or_insert(index);
        }
        Model {
            root,
            components,
            by_id,
            pipelines,
            extensions,
            pipelines_location,
            problems,
        }
    }

    pub fn component(&self, kind: Kind, id: &str) -> Option<&Component> {
        let index = *self.by_id.get(&(kind, id.to_string()))?;
        self.components.get(index)
    }

    pub fn traces_pipelines(&self) -> impl Iterator<Item = &Pipeline> {
        self.pipelines.iter().filter(|p| p.is_traces())
    }

    /// As the pipeline fix leaves the config: every traces pipeline lists the exporter too.
    pub fn list_exporter_in_traces(&mut self, exporter: &str) {
        for pipeline in self.pipelines.iter_mut().filter(|p| p.is_traces()) {
            if !pipeline.exporters.iter().any(|r| r.id == exporter) {
                let location = pipeline
                    .exporters
                    .last()
                    .map_or_else(|| pipeline.location.clone(), |r| r.location.clone());
                pipeline.exporters.push(Reference {
                    id: exporter.to_string(),
                    location,
                });
            }
        }
    }

    /// Names listed in a pipeline (or `service.extensions`) that no section defines: the
    /// collector refuses the config.
    pub fn undefined(&self) -> Vec<Undefined<'_>> {
        let defined =
            |kinds: &[Kind], id: &str| kinds.iter().any(|kind| self.component(*kind, id).is_some());
        let lists = self.pipelines.iter().flat_map(|p| {
            [
                (
                    &p.receivers,
                    &[Kind::Receiver, Kind::Connector][..],
                    "receiver",
                ),
                (&p.processors, &[Kind::Processor][..], "processor"),
                (
                    &p.exporters,
                    &[Kind::Exporter, Kind::Connector][..],
                    "exporter",
                ),
            ]
            .map(|(refs, kinds, what)| (refs, kinds, what, Some(p.id.as_str())))
        });
        let extensions =
            std::iter::once((&self.extensions, &[Kind::Extension][..], "extension", None));
        lists
            .chain(extensions)
            .flat_map(|(references, kinds, what, pipeline)| {
                references
                    .iter()
                    .filter(|r| !defined(kinds, &r.id))
                    .map(move |reference| Undefined {
                        reference,
                        kinds,
                        what,
                        pipeline,
                    })
            })
            .collect()
    }
}

/// A name a list uses that is not defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Undefined<'a> {
    pub reference: &'a Reference,
    /// Where it could be defined (a connector may stand for a receiver or an exporter).
    pub kinds: &'static [Kind],
    /// `receiver`, `processor`, `exporter`, `extension`.
    pub what: &'static str,
    /// The pipeline, or `None` for `service.extensions`.
    pub pipeline: Option<&'a str>,
}

fn references(
    node: Option<&ConfigNode>,
    field: &str,
    problems: &mut Vec<StructureProblem>,
) -> Vec<Reference> {
    let Some(node) = node else {
        return Vec::new();
    };
    match &node.kind {
        ConfigKind::Seq(items) => items
            .iter()
            .filter_map(|item| {
                item.as_scalar().map(|id| Reference {
                    id: id.trim().to_string(),
                    location: item.location.clone(),
                })
            })
            .collect(),
        ConfigKind::Null => Vec::new(),
        _ => {
            problems.push(StructureProblem {
                location: node.location.clone(),
                message: format!("`{field}` must be a list, found {}", node.type_name()),
            });
            Vec::new()
        }
    }
}

/// Which protocol an OTLP receiver endpoint speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenerProtocol {
    Grpc,
    Http,
}

impl ListenerProtocol {
    pub fn name(self) -> &'static str {
        match self {
            ListenerProtocol::Grpc => "grpc",
            ListenerProtocol::Http => "http",
        }
    }

    pub fn of(protocol: otel::Protocol) -> ListenerProtocol {
        if protocol.is_http() {
            ListenerProtocol::Http
        } else {
            ListenerProtocol::Grpc
        }
    }
}

/// Where an OTLP receiver listens for one protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    pub receiver: String,
    pub protocol: ListenerProtocol,
    /// The host it binds: `0.0.0.0`, `localhost`, `""` (every interface).
    pub host: String,
    pub port: Option<u16>,
    /// The `endpoint` as written and expanded, when set.
    pub endpoint: Option<Expanded>,
    /// The `endpoint` line when set, else the protocol's key.
    pub location: Location,
    /// The protocol's key (`grpc:`).
    pub protocol_location: Location,
    /// It has a `tls:` block: it takes TLS only; without one, plaintext only.
    pub tls: bool,
}

impl Listener {
    /// Whether other containers can connect: not bound to loopback only (`0.0.0.0`, `::` and
    /// an empty host are every interface).
    pub fn reachable_from_other_containers(&self) -> bool {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        !(host.eq_ignore_ascii_case("localhost") || host.starts_with("127.") || host == "::1")
    }

    pub fn describe(&self) -> String {
        match &self.endpoint {
            Some(endpoint) => endpoint.value.clone(),
            None => format!(
                "{}:{} (the default)",
                self.host,
                self.port.unwrap_or_default()
            ),
        }
    }
}

/// How a collector's OTLP receivers meet spans sent to a port with a protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenerMatch<'a> {
    Found(&'a Listener),
    /// The port is another protocol's: the sender has the wrong port or protocol.
    OtherProtocol(&'a Listener),
    /// The protocol is served, on another port.
    Elsewhere(&'a Listener),
    /// No OTLP receiver serves the protocol at all.
    NoProtocol,
}

pub fn match_listener(
    listeners: &[Listener],
    port: u16,
    protocol: ListenerProtocol,
) -> ListenerMatch<'_> {
    let on_port = || listeners.iter().filter(|l| l.port == Some(port));
    if let Some(found) = on_port().find(|l| l.protocol == protocol) {
        return ListenerMatch::Found(found);
    }
    if let Some(other) = on_port().next() {
        return ListenerMatch::OtherProtocol(other);
    }
    match listeners.iter().find(|l| l.protocol == protocol) {
        Some(elsewhere) => ListenerMatch::Elsewhere(elsewhere),
        None => ListenerMatch::NoProtocol,
    }
}

/// Every protocol of every OTLP receiver.
pub fn otlp_listeners(model: &Model, env: &[EnvVar], version: Option<Version>) -> Vec<Listener> {
    let default_host = if version.is_none_or(|v| v >= RECEIVERS_DEFAULT_TO_LOCALHOST) {
        "localhost"
    } else {
        "0.0.0.0"
    };
    let mut listeners = Vec::new();
    let receivers = model
        .components
        .iter()
        .filter(|c| c.kind == Kind::Receiver && c.type_name == "otlp");
    for receiver in receivers {
        let Some(protocols) = receiver.body.get("protocols") else {
            continue;
        };
        for entry in protocols.entries() {
            let (protocol, default_port) = match entry.key.as_str() {
                "grpc" => (ListenerProtocol::Grpc, OTLP_GRPC_PORT),
                "http" => (ListenerProtocol::Http, OTLP_HTTP_PORT),
                _ => continue,
            };
            let endpoint_node = entry.value.get("endpoint");
            let endpoint = endpoint_node
                .and_then(ConfigNode::as_scalar)
                .map(|raw| expand(raw, env, version));
            let (host, port) = match &endpoint {
                Some(endpoint) => split_host_port(&endpoint.value),
                None => (default_host.to_string(), Some(default_port)),
            };
            listeners.push(Listener {
                receiver: receiver.id.clone(),
                protocol,
                host,
                port,
                endpoint,
                location: endpoint_node
                    .map_or_else(|| entry.location.clone(), |node| node.location.clone()),
                protocol_location: entry.location.clone(),
                tls: entry.value.get("tls").is_some(),
            });
        }
    }
    listeners
}

/// `0.0.0.0:4317`, `[::]:4317`, `:4317`, `localhost:4318`.
fn split_host_port(endpoint: &str) -> (String, Option<u16>) {
    let endpoint = endpoint.trim();
    if let Some(rest) = endpoint.strip_prefix('[')
        && let Some((host, port)) = rest.split_once("]:")
    {
        return (host.to_string(), port.parse().ok());
    }
    match endpoint.rsplit_once(':') {
        Some((host, port)) => (host.to_string(), port.parse().ok()),
        None => (endpoint.to_string(), None),
    }
}

/// A header an exporter sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExporterHeader {
    /// As written (headers are case-insensitive).
    pub name: String,
    pub value: Expanded,
    pub location: Location,
}

/// Where an exporter sends, as its config says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exporter {
    pub id: String,
    pub type_name: String,
    pub kind: Option<ExporterKind>,
    pub location: Location,
    /// `endpoint` (or `traces_endpoint`, `api_url`), expanded, and where it is written.
    pub endpoint: Option<(Expanded, Location)>,
    /// OTLP/HTTP: `traces_endpoint` is used as is; `endpoint` gets `/v1/traces` appended.
    pub signal_specific: bool,
    pub headers: Vec<ExporterHeader>,
    /// The `headers:` key, or the exporter's when there is none.
    pub headers_location: Location,
    /// `tls: {insecure: true}` (or the older top-level `insecure: true`).
    pub insecure: Option<Location>,
    /// An `auth:` extension sets headers the config does not show.
    pub has_auth: bool,
    /// The legacy `honeycomb` exporter's `api_key`.
    pub api_key: Option<ExporterHeader>,
}

impl Exporter {
    pub fn of(component: &Component, env: &[EnvVar], version: Option<Version>) -> Exporter {
        let body = &component.body;
        let kind = knowledge::exporter_kind(&component.type_name);
        let scalar = |key: &str| {
            body.get(key).and_then(|node| {
                node.as_scalar()
                    .map(|raw| (expand(raw, env, version), node.location.clone()))
            })
        };
        let traces_endpoint = scalar("traces_endpoint");
        let signal_specific = traces_endpoint.is_some();
        let endpoint = match kind {
            Some(ExporterKind::OtlpHttp) => traces_endpoint.or_else(|| scalar("endpoint")),
            Some(ExporterKind::LegacyHoneycomb) => scalar("api_url"),
            _ => scalar("endpoint"),
        };
        let headers_node = body.entry("headers");
        let headers = headers_node
            .map(|entry| {
                entry
                    .value
                    .entries()
                    .iter()
                    .map(|header| ExporterHeader {
                        name: header.key.clone(),
                        value: expand(header.value.as_scalar().unwrap_or_default(), env, version),
                        location: header.location.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let is_true = |node: Option<&ConfigNode>| {
            node.filter(|n| {
                n.as_scalar()
                    .is_some_and(|v| v.eq_ignore_ascii_case("true"))
            })
            .map(|n| n.location.clone())
        };
        let insecure = is_true(body.get("tls").and_then(|tls| tls.get("insecure")))
            .or_else(|| is_true(body.get("insecure")));
        let api_key = body.entry("api_key").map(|entry| ExporterHeader {
            name: "api_key".into(),
            value: expand(entry.value.as_scalar().unwrap_or_default(), env, version),
            location: entry.location.clone(),
        });
        Exporter {
            id: component.id.clone(),
            type_name: component.type_name.clone(),
            kind,
            location: component.location.clone(),
            endpoint,
            signal_specific,
            headers,
            headers_location: headers_node
                .map_or_else(|| component.location.clone(), |e| e.location.clone()),
            insecure,
            has_auth: body.get("auth").is_some(),
            api_key,
        }
    }

    pub fn header(&self, name: &str) -> Option<&ExporterHeader> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
    }

    /// The host and port it sends to, when the endpoint says.
    pub fn host_port(&self) -> Option<(String, Option<u16>)> {
        let (endpoint, _) = self.endpoint.as_ref()?;
        let text = endpoint.value.trim();
        if text.contains("://") {
            let url = url::Url::parse(text).ok()?;
            return Some((url.host_str()?.to_string(), url.port_or_known_default()));
        }
        let without_path = text.split('/').next().unwrap_or(text);
        let (host, port) = split_host_port(without_path);
        (!host.is_empty()).then_some((host, port))
    }

    /// The key it sends to Honeycomb: `x-honeycomb-team`, or the legacy exporter's `api_key`.
    pub fn honeycomb_key(&self) -> Option<&ExporterHeader> {
        self.header(crate::knowledge::honeycomb::TEAM_HEADER)
            .or(self.api_key.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::collector::parse;
    use std::sync::Arc;

    fn model(text: &str) -> Model {
        Model::read(parse(&Arc::from("otel.yaml"), text).unwrap())
    }

    #[test]
    fn listeners_default_by_release() {
        let model = model(
            "receivers:\n  otlp:\n    protocols:\n      grpc:\n      http:\n        endpoint: 0.0.0.0:4318\n",
        );
        let newest = otlp_listeners(&model, &[], None);
        assert_eq!(newest[0].host, "localhost");
        assert_eq!(newest[0].port, Some(4317));
        assert_eq!(newest[0].location.to_string(), "otel.yaml:4:7");
        assert!(!newest[0].reachable_from_other_containers());
        assert_eq!(newest[1].host, "0.0.0.0");
        assert_eq!(newest[1].location.to_string(), "otel.yaml:6:19");
        let old = otlp_listeners(&model, &[], Version::parse("0.103.0"));
        assert!(old[0].reachable_from_other_containers());
    }

    #[test]
    fn structure_the_collector_refuses() {
        let model = model(
            "exporter:\n  debug:\nservice:\n  pipelines:\n    traces:\n      receivers: otlp\n",
        );
        let messages: Vec<String> = model
            .problems
            .iter()
            .map(|p| format!("{} {}", p.location, p.message))
            .collect();
        assert_eq!(
            messages,
            [
                "otel.yaml:1:1 '' has invalid keys: exporter (the sections are receivers, processors, exporters, connectors, extensions, service)",
                "otel.yaml:6:18 `receivers` must be a list, found a string",
                "otel.yaml:5:5 pipeline `traces` must have at least one exporter",
            ]
        );
    }

    #[test]
    fn exporters_endpoints_headers_and_tls() {
        let model = model(
            "exporters:\n  otlp/hc:\n    endpoint: https://api.honeycomb.io:443\n    headers:\n      X-Honeycomb-Team: ${env:KEY}\n    tls:\n      insecure: true\n",
        );
        let exporter = Exporter::of(&model.components[0], &[], None);
        assert_eq!(exporter.kind, Some(ExporterKind::OtlpGrpc));
        assert_eq!(
            exporter.host_port(),
            Some(("api.honeycomb.io".to_string(), Some(443)))
        );
        let key = exporter.honeycomb_key().unwrap();
        assert_eq!(key.value.raw, "${env:KEY}");
        assert_eq!(key.location.to_string(), "otel.yaml:5:7");
        assert_eq!(exporter.insecure.unwrap().to_string(), "otel.yaml:7:17");
    }
}

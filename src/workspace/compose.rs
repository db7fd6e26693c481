//! docker compose files: the services, and the fields of each that decide what it runs with,
//! interpolated as compose does and with the position of every value.

use std::collections::HashMap;
use std::sync::Arc;

use super::interpolate::{InterpolationError, interpolate};
use super::workload::{
    Build, CommandLine, EnvEntry, EnvFileRef, Extends, ExtraHost, Launcher, Link, Port, Text,
    Topology, Volume, WorkloadSpec, has_drive,
};
use super::yaml::{self, Key, Node, NodeKind};
use crate::source::Location;

/// A value compose cannot interpolate: it refuses to start the whole project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterpolationFailure {
    pub location: Location,
    pub template: String,
    pub error: InterpolationError,
}

/// A syntax or structure error; compose refuses the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructureProblem {
    pub location: Location,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComposeDocument {
    pub services: Vec<WorkloadSpec>,
    pub problems: Vec<StructureProblem>,
    pub interpolation_failures: Vec<InterpolationFailure>,
    /// `include:`: other compose projects whose services join this one.
    pub includes: Vec<Include>,
    /// Nothing but comments: fine on top of other files (a fork's extension point), an
    /// error when it is the project's only file.
    pub empty: bool,
    /// The top-level `name:`: the project's name, which names its networks.
    pub project_name: Option<String>,
    /// The top-level `networks:` by key, each with the Docker name it sets (`name:`), if any.
    pub networks: Vec<(String, Option<String>)>,
}

type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Reads one compose file. Never fails: what cannot be understood becomes a problem with its
/// position and the rest of the file is still read.
pub fn read(file: &Arc<str>, text: &str, lookup: Lookup) -> ComposeDocument {
    let mut reader = Reader {
        file,
        lookup,
        document: ComposeDocument::default(),
    };
    match yaml::parse(text) {
        Ok(root) => reader.read_root(&root),
        Err(error) => reader.problem_at(error.line, error.column, error.message),
    }
    reader.document
}

struct Reader<'a> {
    file: &'a Arc<str>,
    lookup: Lookup<'a>,
    document: ComposeDocument,
}

impl Reader<'_> {
    fn read_root(&mut self, root: &Node) {
        let entries = match &root.kind {
            NodeKind::Map(entries) => entries,
            NodeKind::Null => {
                self.document.empty = true;
                return;
            }
            _ => {
                let message = format!("top-level must be a mapping, found {}", root.type_name());
                return self.problem(root, message);
            }
        };
        if let Some((_, include)) = entries.iter().find(|(key, _)| key.name == "include") {
            self.document.includes = self.includes(include);
        }
        self.document.project_name = root
            .get("name")
            .and_then(|name| self.text(name))
            .map(|name| name.value);
        if let Some(NodeKind::Map(networks)) = root.get("networks").map(|n| &n.kind) {
            for (key, body) in networks {
                let name = body
                    .get("name")
                    .and_then(|name| self.text(name))
                    .map(|name| name.value);
                self.document.networks.push((key.name.clone(), name));
            }
        }
        let Some((_, services)) = entries.iter().find(|(key, _)| key.name == "services") else {
            return self.problem(root, "no `services` section".into());
        };
        match &services.kind {
            NodeKind::Map(services) => {
                for (name, body) in services {
                    if let Some(service) = self.read_service(name, body) {
                        self.document.services.push(service);
                    }
                }
            }
            NodeKind::Null => {}
            _ => {
                let message = format!(
                    "`services` must be a mapping, found {}",
                    services.type_name()
                );
                self.problem(services, message);
            }
        }
    }

    fn read_service(&mut self, name: &Key, body: &Node) -> Option<WorkloadSpec> {
        let mut service = WorkloadSpec {
            name: name.name.clone(),
            location: self.location(name.line, name.column),
            launcher: Launcher::Compose,
            image: None,
            build: None,
            environment: Vec::new(),
            env_files: Vec::new(),
            command: None,
            entrypoint: None,
            network_mode: None,
            extends: None,
            topology: Topology::default(),
            volumes: Vec::new(),
            ports: Vec::new(),
            code_dir: None,
        };
        let entries = match &body.kind {
            NodeKind::Map(entries) => entries,
            NodeKind::Null => return Some(service),
            _ => {
                let message = format!(
                    "service `{}` must be a mapping, found {}",
                    name.name,
                    body.type_name()
                );
                self.problem(body, message);
                return None;
            }
        };
        for (key, value) in entries {
            match key.name.as_str() {
                "image" => service.image = self.scalar(&key.name, value),
                "build" => service.build = self.build(value),
                "environment" => service.environment = self.environment(value),
                "env_file" => service.env_files = self.env_files(value),
                "command" => service.command = self.command(&key.name, value),
                "entrypoint" => service.entrypoint = self.command(&key.name, value),
                "network_mode" => service.network_mode = self.scalar(&key.name, value),
                "extends" => service.extends = self.extends(value),
                field if TOPOLOGY_FIELDS.contains(&field) => {
                    self.topology(field, value, &mut service.topology);
                }
                "volumes" => service.volumes = self.list(value, "volumes", Self::volume),
                "ports" => service.ports = self.list(value, "ports", Self::port),
                _ => {}
            }
        }
        Some(service)
    }

    fn build(&mut self, node: &Node) -> Option<Build> {
        match &node.kind {
            NodeKind::Scalar(_) => Some(Build {
                context: self.text(node)?,
                dockerfile: None,
                target: None,
                args: Vec::new(),
            }),
            NodeKind::Map(_) => {
                let context = match node.get("context") {
                    Some(context) => self.scalar("build.context", context)?,
                    // compose defaults the context to the compose file's directory.
                    None => Text {
                        value: ".".into(),
                        raw: ".".into(),
                        location: self.location(node.line, node.column),
                        uses: Vec::new(),
                        interpolated: true,
                    },
                };
                Some(Build {
                    context,
                    dockerfile: node
                        .get("dockerfile")
                        .and_then(|d| self.scalar("build.dockerfile", d)),
                    target: node
                        .get("target")
                        .and_then(|t| self.scalar("build.target", t)),
                    args: node
                        .get("args")
                        .map(|args| self.environment(args))
                        .unwrap_or_default(),
                })
            }
            _ => {
                let message = format!(
                    "`build` must be a string or a mapping, found {}",
                    node.type_name()
                );
                self.problem(node, message);
                None
            }
        }
    }

    /// `extends: base` or `extends: {service: base, file: other.yml}`.
    fn extends(&mut self, node: &Node) -> Option<Extends> {
        let location = self.location(node.line, node.column);
        match &node.kind {
            NodeKind::Scalar(name) => Some(Extends {
                service: name.clone(),
                file: None,
                location,
            }),
            NodeKind::Map(_) => Some(Extends {
                service: node.get("service").and_then(Node::as_scalar)?.to_string(),
                file: node
                    .get("file")
                    .and_then(|f| self.scalar("extends.file", f)),
                location,
            }),
            _ => {
                let message = format!(
                    "`extends` must be a string or a mapping, found {}",
                    node.type_name()
                );
                self.problem(node, message);
                None
            }
        }
    }

    /// Each item of a list field, read by `item`; what is not a list is a problem.
    fn list<T>(
        &mut self,
        node: &Node,
        field: &str,
        item: fn(&mut Self, &Node) -> Option<T>,
    ) -> Vec<T> {
        match &node.kind {
            NodeKind::Seq(items) => items.iter().filter_map(|i| item(self, i)).collect(),
            NodeKind::Null => Vec::new(),
            _ => {
                let message = format!("`{field}` must be a list, found {}", node.type_name());
                self.problem(node, message);
                Vec::new()
            }
        }
    }

    /// `SOURCE:TARGET[:MODE]`, `TARGET`, or `{type, source, target}`.
    fn volume(&mut self, node: &Node) -> Option<Volume> {
        let location = self.location(node.line, node.column);
        if let NodeKind::Map(_) = node.kind {
            let kind = node.get("type").and_then(Node::as_scalar);
            let source = node
                .get("source")
                .and_then(|s| self.scalar("volumes.source", s));
            let target = self.scalar("volumes.target", node.get("target")?)?.value;
            return Some(Volume {
                bind: kind == Some("bind"),
                source,
                target,
                long_syntax: true,
                location,
            });
        }
        let text = self.scalar("volumes", node)?;
        let parts = split_volume(&text.value);
        let (source, target) = match parts.as_slice() {
            [target] => (None, target.to_string()),
            [source, target, ..] => (Some(source.to_string()), target.to_string()),
            [] => return None,
        };
        let bind = source.as_deref().is_some_and(is_host_path);
        Some(Volume {
            source: source.map(|value| Text {
                value,
                ..text.clone()
            }),
            target,
            bind,
            long_syntax: false,
            location,
        })
    }

    /// `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]` or `{target, published, host_ip}`.
    fn port(&mut self, node: &Node) -> Option<Port> {
        let location = self.location(node.line, node.column);
        if let NodeKind::Map(_) = node.kind {
            let field = |name: &str| node.get(name).and_then(Node::as_scalar).map(str::to_string);
            let target = self.scalar("ports.target", node.get("target")?)?.value;
            let published = node
                .get("published")
                .and_then(|p| self.scalar("ports.published", p))
                .map(|p| p.value);
            return Some(Port {
                host_ip: field("host_ip"),
                published,
                target,
                protocol: field("protocol"),
                location,
            });
        }
        let text = self.scalar("ports", node)?;
        let (spec, protocol) = match text.value.rsplit_once('/') {
            Some((spec, protocol)) => (spec.to_string(), Some(protocol.to_string())),
            None => (text.value.clone(), None),
        };
        let (host_ip, rest) = match spec.strip_prefix('[').and_then(|s| s.split_once("]:")) {
            Some((ip, rest)) => (Some(ip.to_string()), rest.to_string()),
            None => (None, spec),
        };
        let mut parts: Vec<&str> = rest.split(':').collect();
        let target = parts.pop()?.to_string();
        let published = parts.pop().map(str::to_string);
        let host_ip = host_ip.or_else(|| (!parts.is_empty()).then(|| parts.join(":")));
        Some(Port {
            host_ip,
            published: published.filter(|p| !p.is_empty()),
            target,
            protocol,
            location,
        })
    }

    fn environment(&mut self, node: &Node) -> Vec<EnvEntry> {
        match &node.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .map(|(key, value)| EnvEntry {
                    name: key.name.clone(),
                    location: self.location(key.line, key.column),
                    value: match value.kind {
                        NodeKind::Null => None,
                        _ => self.scalar(&key.name, value),
                    },
                    merged_at: (key.used_line != key.line).then_some(key.used_line),
                    inherited: false,
                })
                .collect(),
            NodeKind::Seq(items) => items
                .iter()
                .filter_map(|item| self.list_entry(item))
                .collect(),
            NodeKind::Null => Vec::new(),
            NodeKind::Scalar(_) => {
                let message = "`environment` must be a mapping or a list, found a string".into();
                self.problem(node, message);
                Vec::new()
            }
        }
    }

    /// `- KEY=value` or `- KEY`: compose interpolates the whole item, then splits at the first
    /// `=`. Quotes are part of the value here (`- KEY="v"` gives `"v"` with its quotes).
    fn list_entry(&mut self, item: &Node) -> Option<EnvEntry> {
        let text = self.scalar("environment", item)?;
        let location = text.location.clone();
        let (name, value) = match text.value.split_once('=') {
            Some((name, value)) => (name.to_string(), Some(value.to_string())),
            None => (text.value.clone(), None),
        };
        let raw_value = text.raw.split_once('=').map(|(_, raw)| raw.to_string());
        Some(EnvEntry {
            name,
            location: location.clone(),
            value: value.map(|value| Text {
                value,
                raw: raw_value.unwrap_or_default(),
                location,
                uses: text.uses,
                interpolated: text.interpolated,
            }),
            merged_at: None,
            inherited: false,
        })
    }

    fn env_files(&mut self, node: &Node) -> Vec<EnvFileRef> {
        let items: Vec<&Node> = match &node.kind {
            NodeKind::Seq(items) => items.iter().collect(),
            NodeKind::Null => Vec::new(),
            _ => vec![node],
        };
        items
            .into_iter()
            .filter_map(|item| match &item.kind {
                NodeKind::Map(_) => {
                    let path = self.scalar("env_file.path", item.get("path")?)?;
                    let required = item
                        .get("required")
                        .and_then(Node::as_scalar)
                        .is_none_or(|required| required != "false");
                    Some(EnvFileRef {
                        path,
                        required,
                        loaded_by_code: false,
                    })
                }
                _ => Some(EnvFileRef {
                    path: self.scalar("env_file", item)?,
                    required: true,
                    loaded_by_code: false,
                }),
            })
            .collect()
    }

    fn command(&mut self, field: &str, node: &Node) -> Option<CommandLine> {
        match &node.kind {
            NodeKind::Null => None,
            NodeKind::Scalar(_) => self.text(node).map(CommandLine::Shell),
            NodeKind::Seq(items) => Some(CommandLine::Exec(
                items
                    .iter()
                    .filter_map(|item| self.scalar(field, item))
                    .collect(),
            )),
            NodeKind::Map(_) => {
                let message = format!("`{field}` must be a string or a list, found a mapping");
                self.problem(node, message);
                None
            }
        }
    }

    fn scalar(&mut self, field: &str, node: &Node) -> Option<Text> {
        if node.as_scalar().is_none() {
            let message = format!("`{field}` must be a string, found {}", node.type_name());
            self.problem(node, message);
        }
        self.text(node)
    }

    fn text(&mut self, node: &Node) -> Option<Text> {
        let raw = node.as_scalar()?;
        let location = self.location(node.line, node.column);
        let (value, uses, interpolated) = match interpolate(raw, self.lookup) {
            Ok(interpolated) => (interpolated.value, interpolated.uses, true),
            Err(error) => {
                self.document
                    .interpolation_failures
                    .push(InterpolationFailure {
                        location: location.clone(),
                        template: raw.to_string(),
                        error,
                    });
                (raw.to_string(), Vec::new(), false)
            }
        };
        Some(Text {
            value,
            raw: raw.to_string(),
            location,
            uses,
            interpolated,
        })
    }

    fn location(&self, line: u32, column: u32) -> Location {
        Location::new(self.file, line, column)
    }

    fn problem(&mut self, node: &Node, message: String) {
        self.problem_at(node.line, node.column, message);
    }

    fn problem_at(&mut self, line: u32, column: u32, message: String) {
        let location = self.location(line, column);
        self.document
            .problems
            .push(StructureProblem { location, message });
    }
}

/// Splits a short-syntax volume at its colons, keeping a Windows drive (`C:\\x`) whole.
fn split_volume(spec: &str) -> Vec<&str> {
    if !has_drive(spec) {
        return spec.split(':').collect();
    }
    let mut parts: Vec<&str> = spec[2..].split(':').collect();
    if let Some(first) = parts.first_mut() {
        *first = &spec[..2 + first.len()];
    }
    parts
}

/// compose reads a volume source as a host path when it looks like one, else as a volume name.
fn is_host_path(source: &str) -> bool {
    source.starts_with(['.', '/', '~']) || has_drive(source)
}

/// A service that `extends` another takes the other's settings where it has none of its own;
/// its `environment` entries win over the base's by name (compose's merge rules).
pub fn inherit(service: &mut WorkloadSpec, base: &WorkloadSpec) {
    let own = std::mem::take(&mut service.environment);
    service.environment = base.environment.clone();
    for entry in own {
        match service
            .environment
            .iter_mut()
            .find(|e| e.name == entry.name)
        {
            Some(existing) => *existing = entry,
            None => service.environment.push(entry),
        }
    }
    let mut env_files = base.env_files.clone();
    env_files.append(&mut service.env_files);
    service.env_files = env_files;
    service.image = service.image.take().or_else(|| base.image.clone());
    service.build = service.build.take().or_else(|| base.build.clone());
    service.command = service.command.take().or_else(|| base.command.clone());
    service.entrypoint = service
        .entrypoint
        .take()
        .or_else(|| base.entrypoint.clone());
    service.network_mode = service
        .network_mode
        .take()
        .or_else(|| base.network_mode.clone());
    let own = std::mem::take(&mut service.topology);
    service.topology = base.topology.clone();
    service.topology.merge(own);
    let own_volumes = std::mem::replace(&mut service.volumes, base.volumes.clone());
    merge_volumes(&mut service.volumes, own_volumes);
    let own_ports = std::mem::replace(&mut service.ports, base.ports.clone());
    merge_ports(&mut service.ports, own_ports);
}

/// compose merges `volumes` by their path in the container: a later mount there replaces it.
fn merge_volumes(base: &mut Vec<Volume>, later: Vec<Volume>) {
    for volume in later {
        match base.iter_mut().find(|v| v.target == volume.target) {
            Some(existing) => *existing = volume,
            None => base.push(volume),
        }
    }
}

/// compose merges `ports` as a set: the same mapping twice is one.
/// Build arguments of an override: by name, the later file's value wins.
fn merge_args(mut base: Vec<EnvEntry>, over: Vec<EnvEntry>) -> Vec<EnvEntry> {
    for arg in over {
        match base.iter_mut().find(|a| a.name == arg.name) {
            Some(existing) => *existing = arg,
            None => base.push(arg),
        }
    }
    base
}

fn merge_ports(base: &mut Vec<Port>, later: Vec<Port>) {
    for port in later {
        let same = |p: &Port| {
            (&p.host_ip, &p.published, &p.target, &p.protocol)
                == (&port.host_ip, &port.published, &port.target, &port.protocol)
        };
        if !base.iter().any(same) {
            base.push(port);
        }
    }
}

/// Merges the services of several compose files in order, as `docker compose -f a -f b` does:
/// later files override single values, `environment` merges by name, `env_file` lists add up.
pub fn merge(documents: Vec<ComposeDocument>) -> Vec<WorkloadSpec> {
    let mut merged: Vec<WorkloadSpec> = Vec::new();
    // By name: a monorepo's compose file has thousands of services.
    let mut index: HashMap<String, usize> = HashMap::new();
    for service in documents.into_iter().flat_map(|d| d.services) {
        match index.get(&service.name) {
            Some(&at) => override_service(&mut merged[at], service),
            None => {
                index.insert(service.name.clone(), merged.len());
                merged.push(service);
            }
        }
    }
    merged
}

fn override_service(base: &mut WorkloadSpec, service: WorkloadSpec) {
    for entry in service.environment {
        match base.environment.iter_mut().find(|e| e.name == entry.name) {
            Some(existing) => *existing = entry,
            None => base.environment.push(entry),
        }
    }
    base.env_files.extend(service.env_files);
    base.image = service.image.or(base.image.take());
    base.command = service.command.or(base.command.take());
    base.entrypoint = service.entrypoint.or(base.entrypoint.take());
    base.network_mode = service.network_mode.or(base.network_mode.take());
    base.extends = service.extends.or(base.extends.take());
    base.topology.merge(service.topology);
    merge_volumes(&mut base.volumes, service.volumes);
    merge_ports(&mut base.ports, service.ports);
    base.build = match (base.build.take(), service.build) {
        (Some(old), Some(new)) => Some(Build {
            context: new.context,
            dockerfile: new.dockerfile.or(old.dockerfile),
            target: new.target.or(old.target),
            args: merge_args(old.args, new.args),
        }),
        (old, new) => new.or(old),
    };
}

// How services find each other, which profiles start them, and `include:`. Kept apart from the
// fields above: each is read by one arm of `read_service`, merged by `Topology::merge`.

/// The service fields that say how it relates to the rest of the project.
const TOPOLOGY_FIELDS: [&str; 7] = [
    "container_name",
    "networks",
    "links",
    "extra_hosts",
    "profiles",
    "depends_on",
    "volumes_from",
];

/// One `include:` entry (compose 2.20): a compose project whose services join this one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include {
    /// The included project's file, then files that override it (like `-f a -f b`).
    pub paths: Vec<Text>,
    /// Where its relative paths start; the first file's folder by default.
    pub project_directory: Option<Text>,
    /// Interpolation variables for it; its project directory's `.env` by default.
    pub env_files: Vec<Text>,
    pub location: Location,
}

impl Reader<'_> {
    fn topology(&mut self, field: &str, node: &Node, topology: &mut Topology) {
        match field {
            "container_name" => topology.container_name = self.scalar(field, node),
            "networks" => topology.aliases = self.network_aliases(node),
            "links" => {
                topology.links = self
                    .strings(field, node)
                    .into_iter()
                    .map(|text| {
                        let (service, alias) = match text.value.split_once(':') {
                            Some((service, alias)) => (service, Some(alias.to_string())),
                            None => (text.value.as_str(), None),
                        };
                        Link {
                            service: service.to_string(),
                            alias,
                            location: text.location.clone(),
                        }
                    })
                    .collect();
            }
            "extra_hosts" => topology.extra_hosts = self.extra_hosts(node),
            "profiles" => topology.profiles = self.strings(field, node),
            "depends_on" => topology.depends_on = self.names(field, node),
            "volumes_from" => topology.volumes_from = self.strings(field, node),
            _ => {}
        }
    }

    /// A list of strings; anything else is a structure problem.
    fn strings(&mut self, field: &str, node: &Node) -> Vec<Text> {
        match &node.kind {
            NodeKind::Seq(items) => items
                .iter()
                .filter_map(|item| self.scalar(field, item))
                .collect(),
            NodeKind::Null => Vec::new(),
            _ => {
                let message = format!("`{field}` must be a list, found {}", node.type_name());
                self.problem(node, message);
                Vec::new()
            }
        }
    }

    /// A list of names, or a mapping whose keys are the names (`depends_on`, `networks`).
    fn names(&mut self, field: &str, node: &Node) -> Vec<Text> {
        match &node.kind {
            NodeKind::Map(entries) => entries.iter().map(|(key, _)| self.key_text(key)).collect(),
            _ => self.strings(field, node),
        }
    }

    fn key_text(&self, key: &Key) -> Text {
        Text {
            value: key.name.clone(),
            raw: key.name.clone(),
            location: self.location(key.line, key.column),
            uses: Vec::new(),
            interpolated: true,
        }
    }

    /// `networks: [a, b]` has no aliases; `networks: {a: {aliases: [x, y]}}` does.
    fn network_aliases(&mut self, node: &Node) -> Vec<Text> {
        let Some(entries) = node.entries() else {
            self.names("networks", node);
            return Vec::new();
        };
        let mut aliases = Vec::new();
        for (_, network) in entries {
            if let Some(list) = network.get("aliases") {
                aliases.extend(self.strings("networks.aliases", list));
            }
        }
        aliases
    }

    /// `["NAME:ADDRESS", "NAME=ADDRESS"]` or `{NAME: ADDRESS}` (an address may be a list).
    /// compose splits at `=` when there is one, else at the first `:` (`v6host:::1`).
    fn extra_hosts(&mut self, node: &Node) -> Vec<ExtraHost> {
        match &node.kind {
            NodeKind::Map(entries) => {
                let mut hosts = Vec::new();
                for (key, value) in entries {
                    let addresses = match &value.kind {
                        NodeKind::Seq(_) => self.strings("extra_hosts", value),
                        _ => self.scalar("extra_hosts", value).into_iter().collect(),
                    };
                    hosts.extend(addresses.into_iter().map(|address| ExtraHost {
                        name: key.name.clone(),
                        address: address.value,
                        location: self.location(key.line, key.column),
                    }));
                }
                hosts
            }
            _ => self
                .strings("extra_hosts", node)
                .into_iter()
                .filter_map(|text| {
                    let (name, address) = text
                        .value
                        .split_once('=')
                        .or_else(|| text.value.split_once(':'))?;
                    Some(ExtraHost {
                        name: name.trim().to_string(),
                        address: address.trim().to_string(),
                        location: text.location,
                    })
                })
                .collect(),
        }
    }

    /// `include: [PATH, {path: PATH | [PATH...], project_directory: DIR, env_file: F | [F...]}]`.
    fn includes(&mut self, node: &Node) -> Vec<Include> {
        let NodeKind::Seq(items) = &node.kind else {
            let message = format!("`include` must be a list, found {}", node.type_name());
            self.problem(node, message);
            return Vec::new();
        };
        let mut includes = Vec::new();
        for item in items {
            let location = self.location(item.line, item.column);
            let include = match &item.kind {
                NodeKind::Scalar(_) => Include {
                    paths: self.text(item).into_iter().collect(),
                    project_directory: None,
                    env_files: Vec::new(),
                    location,
                },
                NodeKind::Map(_) => {
                    let paths = match item.get("path") {
                        Some(path) if path.as_scalar().is_some() => {
                            self.text(path).into_iter().collect()
                        }
                        Some(paths) => self.strings("include.path", paths),
                        None => {
                            self.problem(item, "`include` entry has no `path`".into());
                            continue;
                        }
                    };
                    let env_files = match item.get("env_file") {
                        Some(file) if file.as_scalar().is_some() => {
                            self.text(file).into_iter().collect()
                        }
                        Some(files) => self.strings("include.env_file", files),
                        None => Vec::new(),
                    };
                    Include {
                        paths,
                        project_directory: item
                            .get("project_directory")
                            .and_then(|dir| self.scalar("include.project_directory", dir)),
                        env_files,
                        location,
                    }
                }
                _ => {
                    let message = format!(
                        "`include` entries must be a path or a mapping, found {}",
                        item.type_name()
                    );
                    self.problem(item, message);
                    continue;
                }
            };
            if !include.paths.is_empty() {
                includes.push(include);
            }
        }
        includes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> Arc<str> {
        Arc::from("docker-compose.yml")
    }

    fn read_with(text: &str, vars: &[(&str, &str)]) -> ComposeDocument {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lookup = move |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        read(&file(), text, &lookup)
    }

    const SEED: &str = "\
version: \"3.8\"
services:
  backend-flask:
    environment:
      FRONTEND_URL: \"https://3000-x.gitpod.io\"
      OTEL_SERVICE_NAME: \"backend-flask\"
      OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team=${HONEYCOMB_API_KEY}\"
    build: ./backend-flask
    ports:
      - \"4567:4567\"
  db:
    image: postgres:13-alpine
";

    #[test]
    fn reads_services_with_positions() {
        let document = read_with(SEED, &[]);
        assert!(document.problems.is_empty());
        let [backend, db] = &document.services[..] else {
            panic!()
        };
        assert_eq!(backend.name, "backend-flask");
        assert_eq!(backend.location.to_string(), "docker-compose.yml:3:3");
        let headers = &backend.environment[2];
        assert_eq!(headers.name, "OTEL_EXPORTER_OTLP_HEADERS");
        assert_eq!((headers.location.line, headers.location.column), (7, 7));
        let value = headers.value.as_ref().unwrap();
        assert_eq!(value.raw, "x-honeycomb-team=${HONEYCOMB_API_KEY}");
        assert_eq!(
            backend.build.as_ref().unwrap().context.value,
            "./backend-flask"
        );
        assert_eq!(db.image.as_ref().unwrap().value, "postgres:13-alpine");
    }

    #[test]
    fn list_environment_keeps_quotes_and_bare_names() {
        let text =
            "services:\n  a:\n    environment:\n      - A=\"x\"\n      - B\n      - C=${V}=1\n";
        let document = read_with(text, &[("V", "v")]);
        let env = &document.services[0].environment;
        assert_eq!(env[0].value.as_ref().unwrap().value, "\"x\"");
        assert_eq!(env[1].name, "B");
        assert_eq!(env[1].value, None);
        assert_eq!((env[1].location.line, env[1].location.column), (5, 9));
        assert_eq!(env[2].name, "C");
    }

    #[test]
    fn structure_errors_name_the_position_and_the_rest_is_still_read() {
        let text = "services:\n  a: [1]\n  b:\n    environment: oops\n    image: x\n";
        let document = read_with(text, &[]);
        let messages: Vec<String> = document
            .problems
            .iter()
            .map(|p| format!("{} {}", p.location, p.message))
            .collect();
        assert_eq!(
            messages,
            [
                "docker-compose.yml:2:6 service `a` must be a mapping, found a list",
                "docker-compose.yml:4:18 `environment` must be a mapping or a list, found a string",
            ]
        );
        assert_eq!(document.services.len(), 1);
        assert_eq!(document.services[0].image.as_ref().unwrap().value, "x");
    }

    #[test]
    fn empty_and_broken_files_are_problems() {
        assert!(read_with("", &[]).empty);
        assert!(read_with("# only a comment\n", &[]).problems.is_empty());
        let broken = read_with("services:\n  a:\n    image: [\n", &[]);
        assert_eq!(broken.problems[0].location.line, 3);
    }

    #[test]
    fn env_file_forms() {
        let text = "services:\n  a:\n    env_file:\n      - a.env\n      - path: b.env\n        required: false\n  b:\n    env_file: c.env\n";
        let document = read_with(text, &[]);
        let a: Vec<(&str, bool)> = document.services[0]
            .env_files
            .iter()
            .map(|f| (f.path.value.as_str(), f.required))
            .collect();
        assert_eq!(a, [("a.env", true), ("b.env", false)]);
        assert_eq!(document.services[1].env_files[0].path.value, "c.env");
    }

    #[test]
    fn later_files_override_and_environment_merges_by_name() {
        let base = read_with(
            "services:\n  a:\n    build: .\n    command: x\n    environment:\n      A: 1\n      B: 2\n",
            &[],
        );
        let over = read_with(
            "services:\n  a:\n    environment:\n      B: 3\n      C: 4\n",
            &[],
        );
        let merged = merge(vec![base, over]);
        let env: Vec<(&str, &str)> = merged[0]
            .environment
            .iter()
            .map(|e| (e.name.as_str(), e.value.as_ref().unwrap().value.as_str()))
            .collect();
        assert_eq!(env, [("A", "1"), ("B", "3"), ("C", "4")]);
        assert!(merged[0].command.is_some());
        assert!(merged[0].build.is_some());
    }

    #[test]
    fn names_a_service_answers_to_and_the_services_it_needs() {
        let text = "\
services:
  api:
    image: x
    container_name: api-1
    networks:
      front:
      back:
        aliases: [api.internal, web]
    links: [\"db:database\", cache]
    extra_hosts:
      - \"host.docker.internal:host-gateway\"
      - \"v6host=::1\"
      - \"v6other:::2\"
    profiles: [web]
    depends_on:
      db:
        condition: service_healthy
    volumes_from: [\"store:ro\", \"container:legacy\"]
  worker:
    image: x
    network_mode: service:api
    extra_hosts:
      collector: 10.0.0.5
    depends_on: [api]
";
        let document = read_with(text, &[]);
        assert!(document.problems.is_empty(), "{:?}", document.problems);
        let api = &document.services[0].topology;
        assert_eq!(api.container_name.as_ref().unwrap().value, "api-1");
        let aliases: Vec<&str> = api.aliases.iter().map(|a| a.value.as_str()).collect();
        assert_eq!(aliases, ["api.internal", "web"]);
        assert_eq!(
            api.aliases[0].location.to_string(),
            "docker-compose.yml:8:19"
        );
        let links: Vec<(&str, Option<&str>)> = api
            .links
            .iter()
            .map(|l| (l.service.as_str(), l.alias.as_deref()))
            .collect();
        assert_eq!(links, [("db", Some("database")), ("cache", None)]);
        let hosts: Vec<(&str, &str)> = api
            .extra_hosts
            .iter()
            .map(|h| (h.name.as_str(), h.address.as_str()))
            .collect();
        assert_eq!(
            hosts,
            [
                ("host.docker.internal", "host-gateway"),
                ("v6host", "::1"),
                ("v6other", "::2")
            ]
        );
        assert_eq!(api.profiles[0].value, "web");
        let needed: Vec<&str> = document.services[0]
            .needed_services()
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(needed, ["db", "db", "cache", "store"]);
        let worker = &document.services[1];
        assert_eq!(worker.topology.extra_hosts[0].name, "collector");
        assert_eq!(worker.topology.extra_hosts[0].address, "10.0.0.5");
        let needed: Vec<&str> = worker
            .needed_services()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(needed, ["api", "api"]);
    }

    #[test]
    fn topology_merges_like_compose() {
        let base = read_with(
            "services:\n  a:\n    image: x\n    container_name: one\n    links: [db]\n",
            &[],
        );
        let over = read_with(
            "services:\n  a:\n    container_name: two\n    links: [db, cache]\n",
            &[],
        );
        let merged = merge(vec![base, over]);
        let topology = &merged[0].topology;
        assert_eq!(topology.container_name.as_ref().unwrap().value, "two");
        let links: Vec<&str> = topology.links.iter().map(|l| l.service.as_str()).collect();
        assert_eq!(links, ["db", "cache"]);
    }

    #[test]
    fn include_short_and_long_forms() {
        let text = "\
include:
  - a/compose.yaml
  - path: [b/compose.yaml, b/override.yaml]
    project_directory: ${DIR}
    env_file: b/.env.local
  - path: c.yaml
    env_file: [c1.env, c2.env]
services: {}
";
        let document = read_with(text, &[("DIR", "b")]);
        assert!(document.problems.is_empty(), "{:?}", document.problems);
        let paths: Vec<Vec<&str>> = document
            .includes
            .iter()
            .map(|i| i.paths.iter().map(|p| p.value.as_str()).collect())
            .collect();
        assert_eq!(
            paths,
            [
                vec!["a/compose.yaml"],
                vec!["b/compose.yaml", "b/override.yaml"],
                vec!["c.yaml"]
            ]
        );
        assert_eq!(
            document.includes[1]
                .project_directory
                .as_ref()
                .unwrap()
                .value,
            "b"
        );
        assert_eq!(document.includes[2].env_files.len(), 2);
        assert_eq!(
            document.includes[0].location.to_string(),
            "docker-compose.yml:2:5"
        );
        let broken = read_with("include: a.yaml\nservices: {}\n", &[]);
        assert_eq!(
            broken.problems[0].message,
            "`include` must be a list, found a string"
        );
    }

    #[test]
    fn volumes_in_short_and_long_syntax() {
        let text = "services:\n  c:\n    volumes:\n      - ./otel.yaml:/etc/otelcol/config.yaml:ro\n      - data:/var/lib/otel\n      - /tmp\n      - C:\\cfg\\o.yaml:/etc/o.yaml\n      - type: bind\n        source: ${CFG:-./x.yaml}\n        target: /etc/x.yaml\n";
        let document = read_with(text, &[]);
        let volumes: Vec<(Option<&str>, &str, bool, bool, u32)> = document.services[0]
            .volumes
            .iter()
            .map(|v| {
                (
                    v.source.as_ref().map(|s| s.value.as_str()),
                    v.target.as_str(),
                    v.bind,
                    v.long_syntax,
                    v.location.line,
                )
            })
            .collect();
        assert_eq!(
            volumes,
            [
                (
                    Some("./otel.yaml"),
                    "/etc/otelcol/config.yaml",
                    true,
                    false,
                    4
                ),
                (Some("data"), "/var/lib/otel", false, false, 5),
                (None, "/tmp", false, false, 6),
                (Some("C:\\cfg\\o.yaml"), "/etc/o.yaml", true, false, 7),
                (Some("./x.yaml"), "/etc/x.yaml", true, true, 8),
            ]
        );
    }

    #[test]
    fn ports_in_short_and_long_syntax() {
        let text = "services:\n  c:\n    ports:\n      - \"4318:4318\"\n      - 127.0.0.1:14317:4317/tcp\n      - \"[::1]:9411:9411\"\n      - 55679\n      - target: 4318\n        published: \"${P:-8318}\"\n        host_ip: 0.0.0.0\n";
        let document = read_with(text, &[]);
        let ports: Vec<(Option<&str>, Option<&str>, &str)> = document.services[0]
            .ports
            .iter()
            .map(|p| {
                (
                    p.host_ip.as_deref(),
                    p.published.as_deref(),
                    p.target.as_str(),
                )
            })
            .collect();
        assert_eq!(
            ports,
            [
                (None, Some("4318"), "4318"),
                (Some("127.0.0.1"), Some("14317"), "4317"),
                (Some("::1"), Some("9411"), "9411"),
                (None, None, "55679"),
                (Some("0.0.0.0"), Some("8318"), "4318"),
            ]
        );
        assert_eq!(
            document.services[0].ports[1].protocol.as_deref(),
            Some("tcp")
        );
    }

    #[test]
    fn later_files_replace_a_mount_at_the_same_target() {
        let base = read_with(
            "services:\n  c:\n    volumes: [\"./a.yaml:/etc/c.yaml\"]\n    ports: [\"4318:4318\"]\n",
            &[],
        );
        let over = read_with(
            "services:\n  c:\n    volumes: [\"./b.yaml:/etc/c.yaml\"]\n    ports: [\"4318:4318\", \"4317:4317\"]\n",
            &[],
        );
        let merged = merge(vec![base, over]);
        assert_eq!(merged[0].volumes.len(), 1);
        assert_eq!(
            merged[0].volumes[0].source.as_ref().unwrap().value,
            "./b.yaml"
        );
        assert_eq!(merged[0].ports.len(), 2);
    }
}

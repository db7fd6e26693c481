//! A compose service that runs an OpenTelemetry Collector, as it will run: which distribution
//! and release (from the image tag, or the `FROM` of its Dockerfile), which config it reads
//! (every `--config`, mapped from the container to the workspace through its volumes or the
//! `COPY`s of its image, else the image's default path), that config merged and expanded with
//! the container's own environment, and what stops it from starting.

mod expand;
pub mod honeycomb;
mod model;
mod ottl;
mod validate;

use std::sync::Arc;

pub use expand::{EnvRef, Expanded, RefState, UnsetReference, expand};
pub use model::{
    Component, Exporter, ExporterHeader, Listener, ListenerMatch, ListenerProtocol, Model,
    Pipeline, Reference, StructureProblem, Undefined, match_listener, otlp_listeners,
};
pub use ottl::{Checked, OttlInvalid};
pub use validate::Invalid;

use super::image::Build;
use super::{Command, EnvVar, Network, Workload};
use crate::knowledge::collector::{self as knowledge, Distribution, KnownCollector, Version};
use crate::source::Location;
use crate::workspace::collector::{
    CollectorFile, ConfigEntry, ConfigKind, ConfigNode, merge, parse, starts_collector,
};
use crate::workspace::dockerfile::Args;
use crate::workspace::workload::{Port, WorkloadSpec};
use crate::workspace::{OutsideReference, Workspace, display_path};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collector {
    /// The compose service.
    pub service: String,
    pub location: Location,
    /// `None` for a custom build or a vendor's distribution, whose components are not known.
    pub distribution: Option<Distribution>,
    /// The vendor whose distribution it is (`the AWS Distro for OpenTelemetry Collector`).
    pub vendor: Option<&'static str>,
    /// `None`: `latest`, no tag, or not known — the newest behaviour.
    pub version: Option<Version>,
    /// The image as written, and where (compose `image:` or the Dockerfile's `FROM`).
    pub image: Option<(String, Location)>,
    pub sources: Vec<ConfigSource>,
    pub problems: Vec<ConfigProblem>,
    /// Config files it reads from outside the workspace, which are not read.
    pub outside: Vec<OutsideReference>,
    pub config: CollectorConfig,
    /// What the container receives: what `${env:VAR}` expands to.
    pub env: Vec<EnvVar>,
    /// `environment:` entries without a value (`- HONEYCOMB_API_KEY`): compose passes them
    /// from the shell or `.env`, or leaves them out when unset there.
    pub passed_through: Vec<(String, Location)>,
    pub ports: Vec<Port>,
    pub network: Network,
    /// Where its OTLP receivers listen (computed once: every route through it asks).
    listeners: Vec<Listener>,
    /// The components whose settings their own `Validate()` refuses, in this release.
    invalid: Vec<Invalid>,
    /// The OTTL statements and conditions of its config.
    ottl: Vec<ottl::OttlText>,
    /// Those it cannot parse.
    ottl_invalid: Vec<OttlInvalid>,
    /// Why it refuses the config it reads, if it does.
    refusal: Option<(String, Location)>,
}

/// One `--config`, or the image's default path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSource {
    /// As written: `/etc/otelcol-contrib/config.yaml`, `env:OTEL_CONFIG`.
    pub argument: String,
    /// The `--config` word, or the image line for the image's default.
    pub location: Location,
    /// The workspace file it is, when it is one.
    pub file: Option<Arc<str>>,
}

/// Why the collector cannot read its config (`collector/config-missing`, `collector/parse-error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigProblem {
    /// A bind mount whose source does not exist: Docker creates an empty directory there (short
    /// syntax) or refuses to start the container (long syntax).
    MountSourceMissing {
        source: String,
        target: String,
        long_syntax: bool,
        location: Location,
    },
    /// `--config` names a path that no mount and no `COPY` provides.
    NotMounted { path: String, location: Location },
    /// The path is a directory, not a file.
    IsDirectory { path: String, location: Location },
    /// No `--config`: the image reads its default path, where nothing is mounted, and the file
    /// meant as the config is mounted elsewhere. The image's built-in config runs.
    MountedElsewhere {
        file: Arc<str>,
        target: String,
        default_path: &'static str,
        location: Location,
    },
    /// No `--config` at all, and the image has no default config.
    NoConfig { location: Location },
    /// `--config=env:VAR` and the container does not receive `VAR`.
    EnvConfigUnset {
        variable: String,
        location: Location,
    },
    /// Not YAML, or a structure the collector refuses.
    Parse { location: Location, message: String },
}

impl ConfigProblem {
    pub fn location(&self) -> &Location {
        match self {
            ConfigProblem::MountSourceMissing { location, .. }
            | ConfigProblem::NotMounted { location, .. }
            | ConfigProblem::IsDirectory { location, .. }
            | ConfigProblem::MountedElsewhere { location, .. }
            | ConfigProblem::NoConfig { location }
            | ConfigProblem::EnvConfigUnset { location, .. }
            | ConfigProblem::Parse { location, .. } => location,
        }
    }

    pub fn is_parse(&self) -> bool {
        matches!(self, ConfigProblem::Parse { .. })
    }
}

/// What config the collector runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CollectorConfig {
    /// Read from the workspace and merged.
    Read(Box<Model>),
    /// The image's own config: OTLP on 0.0.0.0:4317 and :4318, traces to the debug exporter.
    BuiltIn,
    /// The collector exits at start (see `problems`).
    WillNotStart,
    /// Not knowable from the workspace, and why.
    Unknown(String),
}

impl Collector {
    /// The config as read, when the collector starts with it.
    pub fn model(&self) -> Option<&Model> {
        match &self.config {
            CollectorConfig::Read(model) => Some(model),
            _ => None,
        }
    }

    /// How reports name it: `otel-collector (otelcol-contrib 0.114.0)`.
    pub fn describe(&self) -> String {
        match (self.distribution, self.version, self.vendor) {
            (Some(d), Some(v), _) => format!("{} {v}", d.binary()),
            (Some(d), None, _) => format!("{} (latest)", d.binary()),
            (None, _, Some(vendor)) => vendor.to_string(),
            (None, _, None) => "a custom collector build".to_string(),
        }
    }

    /// Why the collector refuses a config it could read, and where: a component its image does
    /// not have, or a name a pipeline lists that nothing defines.
    pub fn refusal(&self) -> Option<&(String, Location)> {
        self.refusal.as_ref()
    }

    /// The components whose settings their own `Validate()` refuses (or, in a release before
    /// the check, that start and then fail).
    pub fn invalid(&self) -> &[Invalid] {
        &self.invalid
    }

    /// The OTTL statements and conditions it cannot parse, and so refuses its config.
    pub fn ottl_invalid(&self) -> &[OttlInvalid] {
        &self.ottl_invalid
    }

    fn find_refusal(&self) -> Option<(String, Location)> {
        let model = self.model()?;
        if let Some(distribution) = self.distribution {
            let missing = model.components.iter().find(|c| {
                matches!(
                    knowledge::availability(distribution, self.version, c.kind, &c.type_name),
                    knowledge::Availability::Removed { .. }
                        | knowledge::Availability::Added { .. }
                        | knowledge::Availability::ElsewhereOnly { .. }
                        | knowledge::Availability::Unknown
                )
            });
            if let Some(component) = missing {
                return Some((
                    format!(
                        "{} has no {} {}",
                        self.describe(),
                        component.kind.name(),
                        component.type_name
                    ),
                    component.location.clone(),
                ));
            }
        }
        // Components are validated before pipelines.
        if let Some(invalid) = self.invalid.iter().find(|i| !i.starts_anyway) {
            return Some((invalid.refusal(), invalid.location.clone()));
        }
        if let Some(invalid) = self.ottl_invalid.first() {
            return Some((invalid.refusal(), invalid.location.clone()));
        }
        model.undefined().first().map(|undefined| {
            (
                format!(
                    "the {} {} is not defined",
                    undefined.what, undefined.reference.id
                ),
                undefined.reference.location.clone(),
            )
        })
    }

    /// Every value the config may hold a secret in: exporter headers and `api_key`s, and
    /// anything shaped like a Honeycomb key, for the report's redaction.
    pub fn secrets(&self) -> Vec<String> {
        let Some(model) = self.model() else {
            return Vec::new();
        };
        let mut secrets: Vec<String> = model
            .components
            .iter()
            .filter_map(|c| self.exporter(&c.id))
            .flat_map(|e| e.headers.into_iter().chain(e.api_key))
            .map(|header| header.value.value)
            .collect();
        for text in model.root.scalars() {
            let words = text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
            secrets.extend(
                words
                    .filter(|w| crate::knowledge::honeycomb::classify_key(w).is_some())
                    .map(str::to_string),
            );
        }
        secrets
    }

    /// As a variable fix leaves the container: its environment, and what the config expands
    /// from it.
    pub fn receive_env(&mut self, env: Vec<EnvVar>) {
        self.env = env;
        self.settle();
    }

    /// What the config and the environment decide, computed once: where the receivers
    /// listen, which components' settings their own `Validate()` refuses, and why the collector
    /// refuses its config.
    fn settle(&mut self) {
        self.listeners = self
            .model()
            .map(|model| otlp_listeners(model, &self.env, self.version))
            .unwrap_or_default();
        self.invalid = self
            .model()
            .map(|model| validate::invalid(model, &self.env, self.version))
            .unwrap_or_default();
        self.ottl_invalid = ottl::invalid(&self.ottl, &self.env, self.version);
        self.refusal = self.find_refusal();
    }

    /// The `${env:X}` of its config whose variable its container does not receive.
    pub fn unset_references(&self) -> Vec<UnsetReference> {
        self.model()
            .map(|model| expand::unset_references(&model.root, &self.env, self.version))
            .unwrap_or_default()
    }

    pub fn listeners(&self) -> &[Listener] {
        &self.listeners
    }

    pub fn exporter(&self, id: &str) -> Option<Exporter> {
        let component = self.model()?.component(knowledge::Kind::Exporter, id)?;
        Some(Exporter::of(component, &self.env, self.version))
    }

    /// The host address and port where a container port is published, reachable from this
    /// machine (`127.0.0.1:4318`), with the `ports:` entry.
    pub fn published(&self, container_port: u16) -> Option<(String, &Location)> {
        self.ports.iter().find_map(|port| {
            if port.protocol.as_deref().is_some_and(|p| p != "tcp") {
                return None;
            }
            let offset = range_offset(&port.target, container_port)?;
            let published = port.published.as_deref()?;
            let first: u16 = published.split('-').next()?.trim().parse().ok()?;
            let host = match port.host_ip.as_deref().map(str::trim) {
                None | Some("" | "0.0.0.0" | "::" | "127.0.0.1" | "localhost") => "127.0.0.1",
                Some("::1") => "[::1]",
                Some(_) => return None,
            };
            Some((
                format!("{host}:{}", first.checked_add(offset)?),
                &port.location,
            ))
        })
    }

    /// The container port that a port of this machine is published to, if the collector
    /// publishes it (`"14318:4318"`: 14318 → 4318).
    pub fn published_target(&self, host_port: u16) -> Option<u16> {
        self.ports.iter().find_map(|port| {
            if port.protocol.as_deref().is_some_and(|p| p != "tcp") {
                return None;
            }
            let offset = range_offset(port.published.as_deref()?, host_port)?;
            let first: u16 = port.target.split('-').next()?.trim().parse().ok()?;
            first.checked_add(offset)
        })
    }
}

/// What spans sent from an app to `host:port` with `protocol` meet, when `host` is a collector
/// whose config is known: the app's own port/protocol mistake, or nothing the app can fix
/// (the collector's rules report what is wrong there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AtCollector {
    /// `host` is not a collector of the project, or its config is not known.
    NotKnown,
    /// The port is the other protocol's; the right port is where the protocol is served.
    WrongPort { problem: String, right_port: u16 },
    /// Nothing for the app to change.
    Fine,
}

pub fn at_collector(
    project: &super::Project,
    host: &str,
    port: u16,
    protocol: crate::knowledge::otel::Protocol,
) -> AtCollector {
    let Some(collector) = project.collector(host).filter(|c| c.model().is_some()) else {
        return AtCollector::NotKnown;
    };
    let wanted = ListenerProtocol::of(protocol);
    let listeners = collector.listeners();
    match match_listener(listeners, port, wanted) {
        ListenerMatch::OtherProtocol(other) => AtCollector::WrongPort {
            problem: format!(
                "`{host}` takes {} on {port} (receiver {}, {})",
                other.protocol.name(),
                other.receiver,
                other.location
            ),
            right_port: listeners
                .iter()
                .find(|l| l.protocol == wanted)
                .and_then(|l| l.port)
                .unwrap_or(protocol.default_port()),
        },
        _ => AtCollector::Fine,
    }
}

/// Where `port` falls in `4317` or `4317-4318`, as an offset from the range's start.
fn range_offset(range: &str, port: u16) -> Option<u16> {
    let (start, end) = match range.split_once('-') {
        Some((start, end)) => (start.trim().parse().ok()?, end.trim().parse().ok()?),
        None => {
            let single: u16 = range.trim().parse().ok()?;
            (single, single)
        }
    };
    (start..=end).contains(&port).then(|| port - start)
}

/// The collector a compose service runs, if it runs one.
pub fn resolve(
    workspace: &Workspace,
    spec: &WorkloadSpec,
    build: Option<&Build>,
    service: &Workload,
) -> Option<Collector> {
    // A backend built on the collector (Jaeger v2 runs `--config`) is a destination, not a hop.
    if spec
        .image
        .as_ref()
        .is_some_and(|image| knowledge::backend_of_image(&image.value).is_some())
    {
        return None;
    }
    let from_image = spec.image.as_ref().and_then(|image| {
        knowledge::known_collector(&image.value)
            .map(|known| (known, (image.value.clone(), image.location.clone())))
    });
    let from_build = build.and_then(base_image);
    let runs_collector = service
        .command
        .as_ref()
        .and_then(|c| c.words.first())
        .is_some_and(|word| starts_collector(&word.text));
    // A build decides the image even when `image:` names the tag it is pushed as.
    let known = if build.is_some() {
        from_build
    } else {
        from_image
    };
    if known.is_none() && !runs_collector {
        return None;
    }
    let written = spec
        .image
        .as_ref()
        .map(|i| (i.value.clone(), i.location.clone()));
    let (distribution, version, vendor, image) = match known {
        Some((KnownCollector::Official(image), written)) => {
            (Some(image.distribution), image.version, None, Some(written))
        }
        Some((KnownCollector::Vendor(vendor), written)) => {
            (None, None, Some(vendor), Some(written))
        }
        Some((KnownCollector::Custom, written)) => (None, None, None, Some(written)),
        None => (None, None, None, written),
    };
    let mut collector = Collector {
        service: service.name.clone(),
        location: service.location.clone(),
        distribution,
        vendor,
        version,
        image,
        sources: Vec::new(),
        problems: Vec::new(),
        outside: Vec::new(),
        config: CollectorConfig::Unknown(String::new()),
        env: service.env.clone(),
        passed_through: spec
            .environment
            .iter()
            .filter(|entry| entry.value.is_none())
            .map(|entry| (entry.name.clone(), entry.location.clone()))
            .collect(),
        ports: spec.ports.clone(),
        network: service.network.clone(),
        listeners: Vec::new(),
        invalid: Vec::new(),
        ottl: Vec::new(),
        ottl_invalid: Vec::new(),
        refusal: None,
    };
    collector.config = read_config(workspace, spec, build, service, &mut collector);
    collector.ottl = collector
        .model()
        .map(|model| ottl::texts(model, |file| workspace.source(file)))
        .unwrap_or_default();
    collector.settle();
    Some(collector)
}

/// The collector image a Dockerfile builds on (its first ancestor's `FROM`), if it does.
fn base_image(build: &Build) -> Option<(KnownCollector, (String, Location))> {
    let first = *build.chain.first()?;
    let stage = build.dockerfile.stages.get(first)?;
    let from = build.dockerfile.instructions.get(stage.from)?;
    let known = knowledge::known_collector(&stage.base)?;
    Some((
        known,
        (
            stage.base.clone(),
            Location::new(build.path, from.line, from.column),
        ),
    ))
}

/// `--config X` and `--config=X`, in order.
fn config_arguments(command: &Command) -> Vec<(String, Location)> {
    let mut arguments = Vec::new();
    let mut words = command.words.iter();
    while let Some(word) = words.next() {
        if word.text == "--config" {
            if let Some(value) = words.next() {
                arguments.push((value.text.clone(), value.location.clone()));
            }
        } else if let Some(value) = word.text.strip_prefix("--config=") {
            arguments.push((value.to_string(), word.location.clone()));
        }
    }
    arguments
}

fn read_config(
    workspace: &Workspace,
    spec: &WorkloadSpec,
    build: Option<&Build>,
    service: &Workload,
    collector: &mut Collector,
) -> CollectorConfig {
    let default_path = collector
        .distribution
        .and_then(Distribution::default_config);
    let anchor = collector
        .image
        .as_ref()
        .map_or_else(|| service.location.clone(), |(_, l)| l.clone());
    // The official images' CMD is `--config <default>`; a compose `command:` replaces it.
    let arguments = match &service.command {
        Some(command) => config_arguments(command),
        None => match default_path {
            Some(path) => vec![(path.to_string(), anchor.clone())],
            None => Vec::new(),
        },
    };
    if arguments.is_empty() {
        if collector.distribution.is_none() && service.command.is_none() {
            return CollectorConfig::Unknown("the image's own command is not known".into());
        }
        let location = service
            .command
            .as_ref()
            .map_or(anchor, |c| c.location.clone());
        collector
            .problems
            .push(ConfigProblem::NoConfig { location });
        return CollectorConfig::WillNotStart;
    }
    let implicit = service.command.is_none();
    let mut nodes = Vec::new();
    let mut unknown = None;
    let mut built_in = false;
    for (argument, location) in arguments {
        let mut source = ConfigSource {
            argument: argument.clone(),
            location: location.clone(),
            file: None,
        };
        if let Some(variable) = argument.strip_prefix("env:") {
            match service.env_var(variable).filter(|v| v.resolved) {
                Some(var) => match parse(&var.location.file, &var.value) {
                    Ok(mut node) => {
                        relocate(&mut node, &var.location);
                        nodes.push(node);
                    }
                    Err(error) => collector.problems.push(ConfigProblem::Parse {
                        location: var.location.clone(),
                        message: format!("{variable} is not YAML: {}", error.message),
                    }),
                },
                None => collector.problems.push(ConfigProblem::EnvConfigUnset {
                    variable: variable.to_string(),
                    location,
                }),
            }
        } else if let Some(inline) = argument.strip_prefix("yaml:") {
            nodes.push(inline_yaml(inline, &location));
        } else if argument.contains("://") && !argument.starts_with("file:") {
            unknown = Some(format!("the config comes from {argument}"));
        } else {
            let path = in_working_dir(argument.strip_prefix("file:").unwrap_or(&argument), service);
            let path = path.as_str();
            match locate(workspace, spec, build, path) {
                Located::File(file) => {
                    source.file = Some(Arc::clone(&file));
                    match workspace.collector_files.get(&file) {
                        Some(CollectorFile::Loaded(node)) => nodes.push(node.clone()),
                        Some(CollectorFile::Broken(error)) => {
                            collector.problems.push(ConfigProblem::Parse {
                                location: Location::new(&file, error.line, error.column),
                                message: error.message.clone(),
                            })
                        }
                        Some(CollectorFile::Directory) => {
                            collector.problems.push(ConfigProblem::IsDirectory {
                                path: path.to_string(),
                                location,
                            })
                        }
                        Some(CollectorFile::Missing) | None => {
                            collector.problems.push(ConfigProblem::NotMounted {
                                path: path.to_string(),
                                location,
                            })
                        }
                        // A file the image copies, which links out of the workspace.
                        Some(CollectorFile::Outside(real)) => {
                            unknown = Some(format!("{path} links outside the workspace"));
                            collector.outside.push(OutsideReference {
                                what: "symlink",
                                location: Location::file_start(&file),
                                path: Arc::clone(&file),
                                real: real.clone(),
                            });
                        }
                    }
                }
                Located::Outside(reference) => {
                    unknown = Some(format!(
                        "{path} is mounted from {}, outside the workspace",
                        reference.path
                    ));
                    collector.outside.push(reference);
                }
                Located::MissingSource(problem) => collector.problems.push(problem),
                Located::NotInMount(volume) => collector.problems.push(ConfigProblem::NotMounted {
                    path: path.to_string(),
                    location: if implicit { volume } else { location },
                }),
                Located::Unknown(reason) => unknown = Some(reason),
                Located::Nowhere if implicit && Some(path) == default_path => {
                    built_in = true;
                    let elsewhere = default_path
                        .and_then(|default| mounted_elsewhere(workspace, spec, default));
                    collector.problems.extend(elsewhere);
                }
                Located::Nowhere => collector.problems.push(ConfigProblem::NotMounted {
                    path: path.to_string(),
                    location,
                }),
            }
        }
        collector.sources.push(source);
    }
    let fatal = collector
        .problems
        .iter()
        .any(|p| !matches!(p, ConfigProblem::MountedElsewhere { .. }));
    if fatal {
        return CollectorConfig::WillNotStart;
    }
    if let Some(reason) = unknown {
        return CollectorConfig::Unknown(reason);
    }
    if built_in {
        return CollectorConfig::BuiltIn;
    }
    let mut nodes = nodes.into_iter();
    let Some(mut root) = nodes.next() else {
        return CollectorConfig::Unknown("no config was found".into());
    };
    // A file with nothing but comments (the demo's `extras` stub) adds nothing.
    for node in nodes.filter(|n| n.kind != ConfigKind::Null) {
        merge(&mut root, node);
    }
    let model = Model::read(root);
    collector
        .problems
        .extend(model.problems.iter().map(|p| ConfigProblem::Parse {
            location: p.location.clone(),
            message: p.message.clone(),
        }));
    let endless = model
        .components
        .iter()
        .filter(|c| c.kind == knowledge::Kind::Exporter)
        .map(|c| Exporter::of(c, &collector.env, collector.version))
        .filter(|e| {
            matches!(
                e.kind,
                Some(knowledge::ExporterKind::OtlpGrpc | knowledge::ExporterKind::OtlpHttp)
            ) && e
                .endpoint
                .as_ref()
                .is_none_or(|(endpoint, _)| endpoint.is_known() && endpoint.value.trim().is_empty())
        });
    let endless: Vec<ConfigProblem> = endless
        .map(|e| ConfigProblem::Parse {
            message: match e.endpoint {
                Some((endpoint, _)) => format!(
                    "exporters::{}: requires a non-empty \"endpoint\" ({} is empty in the container)",
                    e.id, endpoint.raw
                ),
                None => format!("exporters::{}: requires a non-empty \"endpoint\"", e.id),
            },
            location: e.location,
        })
        .collect();
    let startable = model.problems.is_empty() && endless.is_empty();
    collector.problems.extend(endless);
    if startable {
        CollectorConfig::Read(Box::new(model))
    } else {
        CollectorConfig::WillNotStart
    }
}

/// Where a path inside the container comes from.
enum Located {
    /// A workspace file (or directory) that the collector_files map knows.
    File(Arc<str>),
    /// A bind mount whose source is missing.
    MissingSource(ConfigProblem),
    /// A directory is mounted above the path, but it holds no such file (the mount's line).
    NotInMount(Location),
    /// A named volume, an anonymous one: not knowable.
    Unknown(String),
    /// A bind mount from outside the workspace, which is not read.
    Outside(OutsideReference),
    /// Nothing provides it.
    Nowhere,
}

/// A relative `--config` path is the container's working directory's: the image's `WORKDIR`,
/// else `/`, where the collector images run (their Dockerfiles set no `WORKDIR`:
/// opentelemetry-collector-releases `distributions/*/Dockerfile`).
fn in_working_dir(path: &str, service: &Workload) -> String {
    if path.starts_with('/') {
        return path.to_string();
    }
    let workdir = service
        .image_contents
        .as_ref()
        .map_or("/", |image| image.workdir.as_str());
    let relative = path.trim_start_matches("./");
    format!("{}/{relative}", workdir.trim_end_matches('/'))
}

fn locate(
    workspace: &Workspace,
    spec: &WorkloadSpec,
    build: Option<&Build>,
    path: &str,
) -> Located {
    let mount = spec
        .volumes
        .iter()
        .filter(|v| {
            let target = v.target.trim_end_matches('/');
            path == target || path.starts_with(&format!("{target}/"))
        })
        .max_by_key(|v| v.target.len());
    if let Some(volume) = mount {
        let target = volume.target.trim_end_matches('/');
        let rest = path[target.len()..].trim_start_matches('/');
        let outside = |path: Arc<str>, real: std::path::PathBuf| {
            Located::Outside(OutsideReference {
                what: "collector config mount",
                location: volume.location.clone(),
                path,
                real,
            })
        };
        let source = match (&volume.source, volume.host_source()) {
            (_, Some(source)) => source.to_string(),
            // `~/...`: a home folder, never the workspace's.
            (Some(source), None) if volume.bind => {
                return outside(
                    Arc::from(source.value.as_str()),
                    source.value.clone().into(),
                );
            }
            (Some(source), None) => {
                return Located::Unknown(format!(
                    "{path} comes from the volume `{}`",
                    source.value
                ));
            }
            (None, None) => return Located::Unknown(format!("{path} is an anonymous volume")),
        };
        let mounted = workspace.project_display(&source);
        match workspace.collector_files.get(&mounted) {
            Some(CollectorFile::Missing) => {
                return Located::MissingSource(ConfigProblem::MountSourceMissing {
                    source: mounted.to_string(),
                    target: volume.target.clone(),
                    long_syntax: volume.long_syntax,
                    location: volume.location.clone(),
                });
            }
            Some(CollectorFile::Outside(real)) => return outside(mounted, real.clone()),
            _ => {}
        }
        if rest.is_empty() {
            return Located::File(mounted);
        }
        let file = display_path(
            &workspace.root,
            &workspace.project_path(&format!("{source}/{rest}")),
        );
        return match workspace.collector_files.get(&file) {
            Some(CollectorFile::Outside(real)) => outside(file.clone(), real.clone()),
            Some(_) => Located::File(file),
            None => Located::NotInMount(volume.location.clone()),
        };
    }
    if let Some(file) = build.and_then(|build| copied(workspace, build, path)) {
        return Located::File(file);
    }
    Located::Nowhere
}

/// The context file a Dockerfile `COPY`s to `path` (the last such copy wins).
fn copied(workspace: &Workspace, build: &Build, path: &str) -> Option<Arc<str>> {
    let copies = build
        .instructions()
        .rev()
        .filter(|i| (i.keyword == "COPY" || i.keyword == "ADD") && i.flag("from").is_none());
    for copy in copies {
        let words: Vec<&str> = match &copy.args {
            Args::Exec(words) => words.iter().map(String::as_str).collect(),
            Args::Shell(text) => text.split_whitespace().collect(),
        };
        let Some((destination, sources)) = words.split_last() else {
            continue;
        };
        for source in sources {
            let name = source.rsplit('/').next().unwrap_or(source);
            let into_directory =
                destination.ends_with('/') && format!("{destination}{name}") == path;
            if *destination == path || into_directory {
                let file = display_path(
                    &workspace.root,
                    &workspace.project_path(&build.context_dir).join(source),
                );
                if workspace.collector_files.contains_key(&file) {
                    return Some(file);
                }
            }
        }
    }
    None
}

/// A YAML file mounted somewhere the image never reads, while the image reads its default.
fn mounted_elsewhere(
    workspace: &Workspace,
    spec: &WorkloadSpec,
    default_path: &'static str,
) -> Option<ConfigProblem> {
    spec.volumes.iter().find_map(|volume| {
        let file = workspace.project_display(volume.host_source()?);
        matches!(
            workspace.collector_files.get(&file),
            Some(CollectorFile::Loaded(_) | CollectorFile::Broken(_))
        )
        .then(|| ConfigProblem::MountedElsewhere {
            file,
            target: volume.target.clone(),
            default_path,
            location: volume.location.clone(),
        })
    })
}

/// `yaml:processors::batch::timeout: 2s` as a config tree, located at the `--config` word.
fn inline_yaml(inline: &str, location: &Location) -> ConfigNode {
    let (keys, value) = inline
        .split_once(": ")
        .map_or((inline.trim_end_matches(':'), ""), |(keys, value)| {
            (keys, value.trim())
        });
    let leaf = ConfigNode {
        kind: if value.is_empty() {
            ConfigKind::Null
        } else {
            ConfigKind::Scalar(value.to_string())
        },
        location: location.clone(),
    };
    let keys: Vec<&str> = keys.split("::").collect();
    keys.into_iter().rev().fold(leaf, |inner, key| ConfigNode {
        kind: ConfigKind::Map(vec![ConfigEntry {
            key: key.to_string(),
            location: location.clone(),
            value: inner,
        }]),
        location: location.clone(),
    })
}

/// A config read from an environment variable points at the variable's line throughout.
fn relocate(node: &mut ConfigNode, location: &Location) {
    node.location = location.clone();
    match &mut node.kind {
        ConfigKind::Seq(items) => items.iter_mut().for_each(|i| relocate(i, location)),
        ConfigKind::Map(entries) => entries.iter_mut().for_each(|entry| {
            entry.location = location.clone();
            relocate(&mut entry.value, location);
        }),
        ConfigKind::Null | ConfigKind::Scalar(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collector(config: CollectorConfig, ports: Vec<Port>) -> Collector {
        Collector {
            service: "c".into(),
            location: Location::new(&Arc::from("c.yml"), 1, 1),
            distribution: None,
            vendor: None,
            version: None,
            image: None,
            sources: Vec::new(),
            problems: Vec::new(),
            outside: Vec::new(),
            config,
            env: Vec::new(),
            passed_through: Vec::new(),
            ports,
            network: Network::Compose,
            listeners: Vec::new(),
            invalid: Vec::new(),
            ottl: Vec::new(),
            ottl_invalid: Vec::new(),
            refusal: None,
        }
    }

    #[test]
    fn secrets_are_the_exporters_headers_and_anything_key_shaped() {
        let key = format!("hcaik_{}", "0".repeat(58));
        let text = format!(
            "exporters:\n  otlp:\n    endpoint: x:443\n    headers:\n      authorization: Bearer s3cr3t-token\nprocessors:\n  attributes:\n    actions: [{{key: k, value: \"{key}\"}}]\n"
        );
        let model = Model::read(parse(&Arc::from("c.yaml"), &text).unwrap());
        let secrets = collector(CollectorConfig::Read(Box::new(model)), Vec::new()).secrets();
        assert!(
            secrets.contains(&"Bearer s3cr3t-token".to_string()),
            "{secrets:?}"
        );
        assert!(secrets.contains(&key), "{secrets:?}");
    }

    #[test]
    fn published_ports_reachable_from_here() {
        let port = |host_ip: Option<&str>, published: Option<&str>, target: &str| Port {
            host_ip: host_ip.map(str::to_string),
            published: published.map(str::to_string),
            target: target.to_string(),
            protocol: None,
            location: Location::new(&Arc::from("c.yml"), 1, 1),
        };
        let collector = collector(
            CollectorConfig::BuiltIn,
            vec![
                port(None, Some("14317"), "4317"),
                port(Some("10.0.0.5"), Some("4318"), "4318"),
                port(None, Some("9000-9001"), "55678-55679"),
                port(None, None, "8888"),
            ],
        );
        assert_eq!(
            collector.published(4317).map(|p| p.0).as_deref(),
            Some("127.0.0.1:14317")
        );
        assert_eq!(collector.published(4318), None);
        assert_eq!(
            collector.published(55679).map(|p| p.0).as_deref(),
            Some("127.0.0.1:9001")
        );
        assert_eq!(collector.published(8888), None);
    }

    #[test]
    fn inline_yaml_builds_nested_maps() {
        let location = Location::new(&Arc::from("c.yml"), 3, 5);
        let node = inline_yaml("processors::batch::timeout: 2s", &location);
        let timeout = node
            .get("processors")
            .and_then(|p| p.get("batch"))
            .and_then(|b| b.get("timeout"))
            .and_then(ConfigNode::as_scalar);
        assert_eq!(timeout, Some("2s"));
    }
}

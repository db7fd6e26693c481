//! What each service really runs with: its environment after compose's layering and
//! interpolation, its command, what its image installs, and what its code does. Rules read
//! these profiles, never raw files.

mod clike_eval;
mod code;
mod code_setting;
pub mod collector;
mod command;
mod config_file;
mod container_file;
mod dotnet;
mod ecosystem;
mod environment;
mod export;
mod go;
mod image;
mod image_path;
mod installers;
mod java_code;
mod jvm;
pub mod kubernetes;
mod network;
mod node;
mod python_settings;
pub mod route;
mod ruby;
mod sdk_config;
mod spring;
mod treatment;
mod variant;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

#[cfg(test)]
pub(crate) use code::references_in;
pub use code::{
    ClassicSdk, CodeExporter, CodeFacts, CodeHeaders, CodeTls, DistroSetup, EndpointForm,
    ExporterKind, OtelReference, ProviderUnset, ReferenceKind, ReferenceName, Target, Unflushed,
    UnreachedSetup,
};
pub use code_setting::CodeSetting;
pub use command::{Command, CommandWord, Instrument, InstrumentFlag};
pub use ecosystem::{Declared, DeclaredPackage};
pub use environment::{CodeEnvWrite, EnvOrigin, EnvVar, MissingEnvFile, UnsetPassthrough, VarRef};
pub use export::{ConfiguredEndpoint, EndpointSource, ExportPlan, ProtocolSource, Sdk};
pub use image::files::glob_matches;
pub use image::{DEV_DEPENDENCIES, ImageArg, ImageContents, Listed, LostInstall, Manifest};
pub use installers::{InstalledPackage, NodeInstall};
pub use jvm::{JavaAgent, JvmFacts, Presence};
pub use network::{HostKind, HostName, Network};
pub use node::browser::{Bundler, Ephemeral, Unexposed};
pub use node::{BrowserTracing, EarlyLoad, LoadedBy, NodeFacts, Preload, PreloadFlag, Setup};
pub use route::Route;
pub use sdk_config::{ConfigValue, Rank, Replacement, SamplingDefault, SdkConfig, SettingsProblem};
pub use treatment::treat;
pub use variant::{Variant, resolve_variant};

use crate::knowledge::languages::EnvWriteMode;
use crate::knowledge::otel;
use crate::parallel::ParallelMap;
use crate::source::Location;
use crate::workspace::boundary::Boundary;
use crate::workspace::compose::InterpolationFailure;
use crate::workspace::lines::LineIndex;
pub use crate::workspace::workload::Launcher;
use crate::workspace::workload::{Port, WorkloadSpec};
use crate::workspace::{
    BuildContext, FileProblem, Language, OutsideReference, VarSource, Variables, Workspace,
    folder_of,
};

/// The whole workspace, resolved.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub compose_files: Vec<Arc<str>>,
    pub dotenv_files: Vec<Arc<str>>,
    pub files: Vec<Arc<str>>,
    pub services: Vec<Workload>,
    pub problems: Vec<FileProblem>,
    pub interpolation_failures: Vec<InterpolationFailure>,
    /// How long resolving each service took, in the order of `services`.
    pub timings: Vec<Duration>,
    /// The ignore pragmas and line digests of every file read, for the policy layer.
    pub lines: HashMap<Arc<str>, LineIndex>,
    /// An `include:` could not be read: services may exist that were not read.
    pub includes_unread: bool,
    /// The names the networks of the workspace resolve: compose services, `container_name`s,
    /// network aliases, the `--name`s of containers on a docker network; each knows its
    /// network.
    pub network_hosts: Vec<HostName>,
    /// Services compose does not start: none of their profiles is enabled.
    pub inactive: Vec<InactiveService>,
    /// The profiles `COMPOSE_PROFILES` enables.
    pub profiles: Vec<String>,
    /// Set when this project is a variant compose file (`docker-spec.prod.yml`).
    pub variant: Option<Variant>,
    /// How the files were chosen when it was not compose's default.
    pub notes: Vec<String>,
    /// The services that run an OpenTelemetry Collector.
    pub collectors: Vec<collector::Collector>,
    /// The objects of the workspace's Kubernetes manifests.
    pub kubernetes: Arc<crate::workspace::kubernetes::Manifests>,
    /// What compose interpolates with: the shell over the project `.env`.
    pub variables: Variables,
    /// Workloads left out of this project mean to send to Honeycomb (a project of the workloads
    /// as their fixes will leave them holds only those that change).
    honeycomb_elsewhere: bool,
    /// The Docker names of the compose project's networks (`myapp_default`), which a
    /// `docker run --network` joins.
    pub compose_networks: Vec<String>,
    /// Where files may be read, and `fix` may write.
    pub boundary: Arc<Boundary>,
    /// References to files outside the boundary, which were not read: the loader's, and the
    /// collector configs mounted from outside.
    pub outside: Vec<OutsideReference>,
    /// The services and network hosts by name, built on first use (the names do not change
    /// once resolved): rules look names up for every service.
    names: OnceLock<Names>,
}

#[derive(Debug, Clone, Default)]
struct Names {
    services: HashMap<String, usize>,
    /// By lower-case name (DNS names are case-insensitive), on every network that has it.
    hosts: HashMap<String, Vec<usize>>,
}

impl Names {
    fn of(project: &Project) -> Names {
        let mut names = Names::default();
        for (at, service) in project.services.iter().enumerate() {
            names.services.entry(service.name.clone()).or_insert(at);
        }
        for (at, host) in project.network_hosts.iter().enumerate() {
            names
                .hosts
                .entry(host.name.to_ascii_lowercase())
                .or_default()
                .push(at);
        }
        names
    }
}

/// What a host name is to a workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostLookup<'a> {
    /// It resolves where the workload runs: on its network, or in its own `/etc/hosts`.
    Resolves(&'a HostName),
    /// Only a network the workload is not on answers to it (a compose service's name, seen
    /// from this machine).
    OtherNetwork(&'a HostName),
    Unknown,
}

/// A service that compose does not start, and the names it would answer to.
#[derive(Debug, Clone)]
pub struct InactiveService {
    pub name: String,
    pub location: Location,
    pub profiles: Vec<String>,
    pub hosts: Vec<HostName>,
}

impl Project {
    /// The services that send a key to Honeycomb itself, with that key (a collector in
    /// between brings its own).
    pub fn keys_sent_to_honeycomb(&self) -> impl Iterator<Item = (&Workload, KeyUse<'_>)> {
        self.services.iter().filter_map(|service| {
            // A container that sends nothing sends no key either.
            if !service.uses_opentelemetry() && service.browser_tracing_only().is_none() {
                return None;
            }
            service.honeycomb_destination()?;
            Some((service, service.honeycomb_key()?))
        })
    }

    pub fn service_names(&self) -> impl Iterator<Item = &str> {
        self.services.iter().map(|s| s.name.as_str())
    }

    fn names(&self) -> &Names {
        self.names.get_or_init(|| Names::of(self))
    }

    /// The service of that name.
    pub fn service(&self, name: &str) -> Option<&Workload> {
        let at = *self.names().services.get(name)?;
        self.services.get(at)
    }

    /// What `host` is to `service`: a name its own container resolves, a name of its network,
    /// or a name only another network answers.
    pub fn lookup_host<'a>(&'a self, service: &'a Workload, host: &str) -> HostLookup<'a> {
        if let Some(own) = service.own_hosts.iter().find(|name| name.is(host)) {
            return HostLookup::Resolves(own);
        }
        let candidates = self
            .names()
            .hosts
            .get(&host.to_ascii_lowercase())
            .map_or(&[][..], Vec::as_slice);
        let mut names = candidates
            .iter()
            .filter_map(|&at| self.network_hosts.get(at));
        let first = names.clone().next();
        match names.find(|name| name.network == service.network && name.network.resolves_names()) {
            Some(name) => HostLookup::Resolves(name),
            None => first.map_or(HostLookup::Unknown, HostLookup::OtherNetwork),
        }
    }

    /// Whether the names of some network of the workspace are all known: the compose
    /// project's (unless an `include:` could not be read), or a docker network that
    /// containers of the workspace join. Elsewhere a bare name may be anything.
    pub fn knows_names(&self) -> bool {
        (!self.compose_files.is_empty() && !self.includes_unread)
            || self
                .services
                .iter()
                .any(|s| matches!(s.network, Network::Docker(_)))
    }

    /// The service compose does not start that would answer to `host`.
    pub fn inactive_host(&self, host: &str) -> Option<(&InactiveService, &HostName)> {
        self.inactive
            .iter()
            .find_map(|s| s.hosts.iter().find(|h| h.is(host)).map(|h| (s, h)))
    }

    /// The collector a compose service runs, by service name.
    pub fn collector(&self, service: &str) -> Option<&collector::Collector> {
        self.collectors.iter().find(|c| c.service == service)
    }

    /// The collector running in the pod whose network this is (a sidecar), if one does.
    pub fn collector_in_pod(&self, network: &Network) -> Option<&collector::Collector> {
        if !matches!(network, Network::Kubernetes { .. }) {
            return None;
        }
        self.collectors.iter().find(|c| &c.network == network)
    }

    /// The collectors the spans of the services named pass through.
    pub fn collectors_on_routes_of(&self, names: &[String]) -> Vec<String> {
        let mut collectors: Vec<String> = Vec::new();
        let routes = self
            .services
            .iter()
            .filter(|s| names.contains(&s.name))
            .filter_map(|s| s.route.as_deref());
        for collector in routes.flat_map(|r| r.hops.iter().filter_map(|h| h.collector.as_ref())) {
            if !collectors.contains(collector) {
                collectors.push(collector.clone());
            }
        }
        collectors
    }

    /// Whether the workspace means to send to Honeycomb somewhere: a `HONEYCOMB_*` variable,
    /// a Honeycomb endpoint or team header in a service, or a collector exporter to Honeycomb.
    pub fn mentions_honeycomb(&self) -> bool {
        if self.honeycomb_elsewhere {
            return true;
        }
        let in_env = self.services.iter().flat_map(|s| &s.env).any(|var| {
            var.name.starts_with("HONEYCOMB_")
                || var.value.contains("honeycomb.io")
                || var
                    .value
                    .to_ascii_lowercase()
                    .contains(crate::knowledge::honeycomb::TEAM_HEADER)
        });
        in_env
            || self.collectors.iter().any(|collector| {
                collector.model().is_some_and(|model| {
                    model
                        .components
                        .iter()
                        .filter_map(|c| collector.exporter(&c.id))
                        .any(|e| {
                            collector::honeycomb::region(&e).is_some()
                                || e.honeycomb_key().is_some()
                        })
                })
            })
    }
}

/// One workload as it will run, whatever launched it (a compose service, a Dockerfile run by
/// hand): its environment, command, image, code and network, resolved.
#[derive(Debug, Clone)]
pub struct Workload {
    pub name: String,
    pub location: Location,
    /// What starts it. Rules do not ask, but for wording and for the file a fix edits.
    pub launcher: Launcher,
    pub language: Option<Language>,
    pub image: Option<String>,
    pub dockerfile: Option<Arc<str>>,
    /// The network it runs on, which decides the names it resolves and what `localhost` is.
    pub network: Network,
    /// The ports it publishes on this machine.
    pub ports: Vec<Port>,
    /// The Kubernetes namespace a pod's container runs in; `None` outside a cluster.
    pub namespace: Option<String>,
    /// Every variable the container receives, in the order first defined.
    pub env: Vec<EnvVar>,
    /// The build arguments its launcher passes to its image build (`build.args`).
    pub build_args: Vec<EnvVar>,
    pub missing_env_files: Vec<MissingEnvFile>,
    /// Variables `environment` passes from a shell that does not have them.
    pub unset_passthrough: Vec<UnsetPassthrough>,
    pub command: Option<Command>,
    /// `opentelemetry-instrument` wrapping the command, with its flags.
    pub instrument: Option<Instrument>,
    /// What the image installs; `None` when it cannot be known (no Dockerfile to read).
    pub image_contents: Option<ImageContents>,
    /// What the code that runs in the container does: Python's, or Node.js's.
    pub code: CodeFacts,
    /// Names only this container resolves: its `links` aliases and `extra_hosts`.
    pub own_hosts: Vec<HostName>,
    /// The variant compose file it belongs to (`docker-spec.prod.yml`); `None` in the
    /// main project.
    pub variant: Option<Arc<str>>,
    /// Where its spans go, hop by hop (services that use OpenTelemetry, collectors excepted).
    pub route: Option<Arc<Route>>,
    /// How a Node.js service loads its SDK; `None` when its build has no Node.js project.
    pub node: Option<NodeFacts>,
    /// The Java agent a JVM service loads.
    pub jvm: Option<JvmFacts>,
    /// The OpenTelemetry packages other ecosystems' manifests declare (Go, Ruby, Java, .NET,
    /// PHP).
    pub declared: Declared,
    /// What configures the SDK besides the environment (system properties, the language's
    /// configuration files), by the variable each value stands for.
    pub sdk_config: SdkConfig,
    /// Writes of the code to its own environment that run after an agent set the SDK up from
    /// the environment: the SDK never sees them (the others are layered into `env`).
    pub late_env_writes: Vec<CodeEnvWrite>,
}

/// A configuration value the SDK will read: an environment variable, or the
/// `opentelemetry-instrument` flag that overrides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting<'a> {
    pub name: &'a str,
    pub value: &'a str,
    pub location: &'a Location,
    /// The flag as written (`--traces_exporter`) when a flag set it.
    pub flag: Option<&'a str>,
    pub env: Option<&'a EnvVar>,
    /// The value the code passes, when code set it.
    pub code: Option<&'a CodeSetting>,
    /// The system property or configuration file entry, when one set it.
    pub config: Option<&'a ConfigValue>,
}

impl Setting<'_> {
    /// How a message names where this value comes from.
    pub fn describe(&self) -> String {
        match (self.flag, self.code) {
            (Some(flag), _) => format!("opentelemetry-instrument {flag}"),
            (None, Some(code)) => format!("{} ({})", self.name, code.location),
            (None, None) if self.env.is_some_and(|v| v.origin == EnvOrigin::Code) => {
                format!("{}, which the code sets,", self.name)
            }
            (None, None) => self.name.to_string(),
        }
    }
}

/// The Honeycomb key a service sends, and the setting that carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyUse<'a> {
    /// The value as the SDK sends it (headers URL-decoded).
    pub value: String,
    pub setting: Setting<'a>,
}

impl KeyUse<'_> {
    /// Where the key's text is written: the `.env` line it was interpolated from, else the
    /// setting itself.
    pub fn origin(&self) -> &Location {
        self.setting
            .env
            .and_then(|var| {
                var.uses.iter().find_map(|r| match &r.source {
                    Some(VarSource::DotEnv(location)) => Some(location),
                    _ => None,
                })
            })
            .unwrap_or(self.setting.location)
    }
}

impl Workload {
    /// Python rules judge only Python services.
    pub fn is_python(&self) -> bool {
        self.language == Some(Language::Python)
    }

    /// The `environment` entry that passes `name` from a shell that does not have it.
    pub fn passthrough(&self, name: &str) -> Option<&UnsetPassthrough> {
        self.unset_passthrough.iter().find(|p| p.name == name)
    }

    /// The report step of this service.
    pub fn step_id(&self) -> String {
        match &self.variant {
            Some(file) => crate::finding::variant_service_step(&self.name, file),
            None => crate::finding::service_step(&self.name),
        }
    }

    pub fn env_var(&self, name: &str) -> Option<&EnvVar> {
        self.env.iter().find(|v| v.name == name)
    }

    /// The value the SDK reads for `name`: an `opentelemetry-instrument` flag wins over the
    /// environment (the CLI writes its flags into `os.environ` before the SDK starts), and so
    /// does a JVM system property; the environment wins over a configuration file. When the
    /// SDK reads a file instead of the environment, only the file counts.
    pub fn setting(&self, name: &str) -> Option<Setting<'_>> {
        let flag = self
            .instrument
            .as_ref()
            .and_then(|i| i.flags.iter().rev().find(|f| f.variable == name));
        if let Some(flag) = flag {
            return Some(Setting {
                name: &flag.variable,
                value: &flag.value,
                location: &flag.location,
                flag: Some(&flag.flag),
                env: None,
                code: None,
                config: None,
            });
        }
        let configured = |rank| {
            self.sdk_config.value(name, rank).map(|value| Setting {
                name: &value.name,
                value: &value.value,
                location: &value.location,
                flag: None,
                env: None,
                code: None,
                config: Some(value),
            })
        };
        // An SDK built in code that reads no variable (Java's builders) reads no property
        // either; .NET's `AddOtlpExporter` reads no traces variable.
        if name.starts_with("OTEL_") && self.code_sdk_ignores_environment().is_some() {
            return None;
        }
        if otel::TRACES_VARIABLES.contains(&name) && self.code.generic_variables_only.is_some() {
            return None;
        }
        if let Some(setting) = configured(Rank::OverEnvironment) {
            return Some(setting);
        }
        let from_environment = self
            .env_var(name)
            .filter(|var| var.resolved && self.sdk_config.replaces_environment.is_none())
            .map(|var| Setting {
                name: &var.name,
                value: &var.value,
                location: &var.location,
                flag: None,
                env: Some(var),
                code: None,
                config: None,
            });
        from_environment.or_else(|| configured(Rank::UnderEnvironment))
    }

    /// Where the code builds the SDK's exporter itself, in a language whose builders read no
    /// `OTEL_*` variable (Java's, without the agent or the autoconfigure module): the
    /// environment then configures nothing.
    pub fn code_sdk_ignores_environment(&self) -> Option<&Location> {
        let language = self.language?;
        let agent = self.jvm.as_ref().is_some_and(|j| !j.agents.is_empty());
        if otel::code_sdk_reads_environment(language)
            || agent
            || self.code.autoconfigured.is_some()
            || self.code.honeycomb_distro.is_some()
        {
            return None;
        }
        self.code
            .exporters
            .first()
            .map(|e| &e.location)
            .or(self.code.provider_created.as_ref())
    }

    /// Whether compose cannot interpolate any of these variables: their values are unknown,
    /// so a rule must not report them as missing.
    pub fn unresolved(&self, names: &[&str]) -> bool {
        names
            .iter()
            .any(|name| self.env_var(name).is_some_and(|var| !var.resolved))
    }

    /// Whether the service traces at all: OpenTelemetry in its environment, its command, its
    /// code or its dependencies, or Honeycomb's classic SDK in its code. Services that do not
    /// are skipped, not failed.
    pub fn uses_opentelemetry(&self) -> bool {
        // A development server of browser code reads no OTEL_* variable; the browser's
        // tracing is `browser_tracing_only`.
        if self.bundle_server().is_some() && self.code.otel_imports.is_empty() {
            return false;
        }
        self.code.classic_sdk.is_some()
            || self.env.iter().any(|v| v.name.starts_with("OTEL_"))
            || self.instrument.is_some()
            || !self.code.otel_imports.is_empty()
            || self.installs_opentelemetry()
            || self.auto_instrumentation_location().is_some()
    }

    /// The development or static server a Node.js frontend's container runs
    /// (`react-scripts start`, `vite`): its code runs in the browser, not in the container.
    pub fn bundle_server(&self) -> Option<&CommandWord> {
        let first = self.command.as_ref()?.runs.first()?;
        (self.language == Some(Language::Node)
            && crate::knowledge::node::BUNDLE_SERVERS.contains(&command::basename(&first.text)))
        .then_some(first)
    }

    /// The web tracer of a frontend whose only tracing runs in the browser.
    pub fn browser_tracing_only(&self) -> Option<&BrowserTracing> {
        self.node
            .as_ref()
            .and_then(|n| n.browser.as_ref())
            .filter(|_| self.code.otel_imports.is_empty())
    }

    /// Whether the image installs (or the manifests list) OpenTelemetry packages for the
    /// container's own use: a frontend whose only tracing runs in the browser, or a test
    /// runner built from the app's folder, lists packages its container never loads.
    pub fn installs_opentelemetry(&self) -> bool {
        self.browser_tracing_only().is_none()
            && !self.node.as_ref().is_some_and(|n| n.runs_tests_only)
            && (self
                .image_contents
                .as_ref()
                .is_some_and(|image| image.lists_opentelemetry())
                || !self.declared.packages.is_empty())
    }

    /// Where zero-code instrumentation is turned on: `opentelemetry-instrument`, a Node.js
    /// `--require .../register`, a Java `-javaagent:`.
    pub fn auto_instrumentation_location(&self) -> Option<&Location> {
        self.instrument
            .as_ref()
            .map(|i| &i.location)
            .or_else(|| {
                self.node
                    .as_ref()
                    .and_then(|n| n.auto_instrumentation())
                    .map(|p| &p.location)
            })
            .or_else(|| {
                self.jvm
                    .as_ref()
                    .and_then(|j| j.agent())
                    .map(|a| &a.location)
            })
            .or_else(|| self.dotnet_auto_instrumentation())
    }

    /// Where .NET's zero-code auto-instrumentation is turned on for the service.
    pub fn dotnet_auto_instrumentation(&self) -> Option<&Location> {
        (self.language == Some(Language::DotNet))
            .then(|| dotnet::auto_instrumentation(&self.env, self.command.as_ref()))
            .flatten()
    }

    /// Where the service's OpenTelemetry configuration starts, for findings about something
    /// missing from it: its first `OTEL_*` variable, else its exporter in code, else the
    /// command that turns on auto-instrumentation, else the service itself.
    pub fn otel_anchor(&self) -> &Location {
        // The code that builds an SDK reading no variable, or the settings read instead of
        // the variables, is where its configuration is.
        if let Some(built) = self.code_sdk_ignores_environment() {
            return built;
        }
        if let Some(replaced) = &self.sdk_config.replaces_environment {
            return &replaced.location;
        }
        self.env
            .iter()
            .find(|v| v.name.starts_with("OTEL_"))
            .map(|v| &v.location)
            .or_else(|| self.code.exporters.first().map(|e| &e.location))
            .or_else(|| self.auto_instrumentation_location())
            .unwrap_or(&self.location)
    }

    /// Whether the service will create an OTLP exporter: in code, or by auto-configuration
    /// with the traces exporter left at (or set to) `otlp`.
    pub fn exports_over_otlp(&self) -> bool {
        if self
            .setting(otel::SDK_DISABLED)
            .is_some_and(|s| s.value.trim().eq_ignore_ascii_case("true"))
        {
            return false;
        }
        if self.code.has_otlp_exporter() {
            return true;
        }
        let otlp_selected = self
            .traces_exporters()
            .is_none_or(|(_, exporters)| exporters.contains(&"otlp"));
        otlp_selected && self.code.exporters.is_empty() && self.auto_configures_sdk()
    }

    /// Whether a package is installed in the image; `None` when the image is unknown.
    pub fn has_package(&self, package: &str) -> Option<bool> {
        self.image_contents.as_ref().map(|image| image.has(package))
    }

    /// Whether something sets the SDK up from the environment: `opentelemetry-instrument`
    /// with a distro (without one the instrument CLI creates no SDK: spans are no-ops), Node's
    /// `--require @opentelemetry/auto-instrumentations-node/register`, a Java agent the JVM
    /// can load, or a package of another ecosystem that does (read from its manifests).
    pub fn auto_configures_sdk(&self) -> bool {
        let python = self.instrument.is_some()
            && [
                crate::knowledge::python::DISTRO,
                crate::knowledge::python::HONEYCOMB_DISTRO,
            ]
            .iter()
            .any(|distro| self.has_package(distro) != Some(false));
        let node = self
            .node
            .as_ref()
            .is_some_and(|n| n.auto_instrumentation().is_some())
            && self.has_package(crate::knowledge::node::AUTO_INSTRUMENTATIONS) != Some(false);
        let java = self.jvm.as_ref().is_some_and(|jvm| {
            jvm.agents.iter().any(|a| match &a.presence {
                Presence::Provided { unreadable_for, .. } => unreadable_for.is_none(),
                Presence::Missing => false,
                Presence::Unknown => true,
            })
        });
        python
            || node
            || java
            || self.dotnet_auto_instrumentation().is_some()
            || self.code.autoconfigured.is_some()
            || self.sdk_config.replaces_environment.is_some()
            || self.declared.configured_from_environment()
    }

    /// Whether something sets the SDK up: a TracerProvider in code, Honeycomb's distro, or
    /// `opentelemetry-instrument` with a distro. A manifest's SDK counts only where the code
    /// that would set it up is not read.
    pub fn sets_up_sdk(&self) -> bool {
        self.code.provider_set.is_some()
            || self.code.provider_created.is_some()
            || self.code.honeycomb_distro.is_some()
            || self.auto_configures_sdk()
            || (self.declared.sets_up_sdk() && !self.code_is_read())
    }

    /// Whether the service's own code was read (its language is one the tool reads, and it
    /// has files of it): what that code sets up is then known.
    pub fn code_is_read(&self) -> bool {
        self.language
            .is_some_and(crate::knowledge::languages::reads_code)
            && !self.code.files.is_empty()
    }

    /// The variable that names the service for Honeycomb's distribution, when the service
    /// runs it and sets one (Java's `SERVICE_NAME`).
    pub fn honeycomb_distro_service_name(&self) -> Option<Setting<'_>> {
        if self.sdk() != Sdk::HoneycombDistro {
            return None;
        }
        let distro = crate::knowledge::honeycomb::distro(self.language?)?;
        distro
            .service_name_variables
            .iter()
            .filter_map(|name| self.setting(name))
            .find(|s| !s.value.trim().is_empty())
    }

    /// The Honeycomb region the service sends to, when it sends to Honeycomb itself (not to a
    /// collector, which brings its own key).
    pub fn honeycomb_destination(&self) -> Option<crate::knowledge::honeycomb::Region> {
        let plan = self.export_plan();
        if plan.sdk == Sdk::Classic {
            let host = self
                .code
                .classic_sdk
                .as_ref()
                .and_then(|c| c.option("api_host"))
                .and_then(CodeSetting::text)
                .unwrap_or("https://api.honeycomb.io");
            let url = url::Url::parse(host).ok()?;
            return crate::knowledge::honeycomb::region_of_host(url.host_str()?);
        }
        crate::knowledge::honeycomb::region_of_host(plan.parsed_url()?.host_str()?)
    }

    /// Where the traces go and how, as the SDK will compute it.
    pub fn export_plan(&self) -> ExportPlan<'_> {
        export::plan(self)
    }

    /// The key this service sends to Honeycomb, if it sends one.
    pub fn honeycomb_key(&self) -> Option<KeyUse<'_>> {
        let plan = self.export_plan();
        let from_headers = || {
            let value = plan.header(crate::knowledge::honeycomb::TEAM_HEADER)?;
            Some(KeyUse {
                value: value.to_string(),
                setting: plan.headers_setting?,
            })
        };
        match plan.sdk {
            Sdk::HoneycombDistro => export::distro_key(self)
                .map(|setting| KeyUse {
                    value: setting.value.to_string(),
                    setting,
                })
                .or_else(from_headers),
            Sdk::Classic => {
                let option = self.code.classic_sdk.as_ref()?.option("writekey")?;
                let setting = self.code_setting(option, "writekey");
                Some(KeyUse {
                    value: setting.value.to_string(),
                    setting,
                })
            }
            Sdk::OpenTelemetry => from_headers().or_else(|| {
                let headers = self
                    .code
                    .exporters
                    .iter()
                    .find_map(|e| e.headers.as_ref())?;
                let (_, team) = headers
                    .pairs
                    .as_ref()?
                    .iter()
                    .find(|(name, _)| name == crate::knowledge::honeycomb::TEAM_HEADER)?;
                let setting = self.code_setting(team, "OTLPSpanExporter(headers=...)");
                Some(KeyUse {
                    value: setting.value.to_string(),
                    setting,
                })
            }),
        }
    }

    /// A value the code passes, as a setting: the environment variable it reads when the
    /// container has it (anchored where that is set), else the code itself.
    pub fn code_setting<'a>(&'a self, code: &'a CodeSetting, name: &'a str) -> Setting<'a> {
        if let Some(setting) = code.variable.as_deref().and_then(|v| self.setting(v)) {
            // The value as the code computes it (`os.getenv("HOST") + "/v1/traces"`).
            return Setting {
                value: code.value.as_deref().unwrap_or(setting.value),
                code: Some(code),
                ..setting
            };
        }
        Setting {
            name: code.variable.as_deref().unwrap_or(name),
            value: code.value.as_deref().unwrap_or_default(),
            location: &code.location,
            flag: None,
            env: None,
            code: Some(code),
            config: None,
        }
    }

    /// Whether an agent or auto-instrumentation sets the SDK up from the environment (or the
    /// settings that replace it) alone, so that the language's defaults (its protocol) apply:
    /// `opentelemetry-instrument` for Python; Node's `--require .../register`, or an SDK started
    /// in code without an exporter of its own (it builds one from the environment); a Java
    /// agent, Java's autoconfigure module, Spring Boot; a declared package that does.
    pub fn sdk_from_environment(&self) -> bool {
        let node_from_environment = self.node.as_ref().is_some_and(|node| {
            node.auto_instrumentation().is_some()
                || (self.code.provider_set.is_some() && self.code.exporters.is_empty())
        });
        self.instrument.is_some()
            || node_from_environment
            || self.code.autoconfigured.is_some()
            || self.sdk_config.replaces_environment.is_some()
            || self.declared.configured_from_environment()
            || self.jvm.as_ref().is_some_and(|j| !j.agents.is_empty())
    }

    /// What sets the SDK up from the environment before the app's code runs, and where it is
    /// turned on: `opentelemetry-instrument`, a Java agent, a Node.js preload that starts the
    /// SDK.
    pub fn sdk_set_up_first(&self) -> Option<(String, &Location)> {
        if let Some(instrument) = &self.instrument {
            return Some(("opentelemetry-instrument".to_string(), &instrument.location));
        }
        if let Some(agent) = self.jvm.as_ref().and_then(|j| j.agent()) {
            let name = format!("the Java agent (-javaagent:{})", agent.path);
            return Some((name, &agent.location));
        }
        self.sdk_preloads()
            .first()
            .map(|preload| (preload.describe(), &preload.location))
    }

    /// The Node.js preloads that start the SDK: the auto-instrumentation's `register`, or a
    /// file of the app that sets the SDK up.
    fn sdk_preloads(&self) -> Vec<&Preload> {
        let Some(node) = &self.node else {
            return Vec::new();
        };
        node.preloads
            .iter()
            .enumerate()
            .filter(|(index, preload)| {
                preload.registers_auto_instrumentation()
                    || node
                        .setups
                        .iter()
                        .any(|s| s.loaded_by == Some(LoadedBy::Preload(*index)))
            })
            .map(|(_, preload)| preload)
            .collect()
    }

    /// Whether a write of the app's code to its environment runs before the SDK reads the
    /// environment: not when something sets the SDK up before the app's code runs
    /// (`sdk_set_up_first`), unless the write is in the preloaded file itself.
    pub fn write_precedes_sdk(&self, write: &CodeEnvWrite) -> bool {
        if self.sdk_set_up_first().is_none() {
            return true;
        }
        self.instrument.is_none()
            && self.jvm.as_ref().is_none_or(|j| j.agents.is_empty())
            && self
                .sdk_preloads()
                .iter()
                .any(|p| p.file.as_deref() == Some(&*write.location.file))
    }

    /// Who sets tracing up in the service.
    pub fn sdk(&self) -> Sdk {
        export::sdk_of(self)
    }

    /// Whether the service's SDK reads a configuration the rules can judge: `OTEL_*` (or the
    /// settings read in their place); not when Honeycomb's classic SDK (Beeline, libhoney) is
    /// all it uses, nor in a proxy, nor when the SDK reads a configuration file that is not in
    /// the workspace.
    pub fn reads_otel_env(&self) -> bool {
        // A proxy (nginx, Envoy) traces through its own configuration, not an SDK's; a
        // configuration file not in the workspace decides what cannot be known here.
        self.sdk() != Sdk::Classic
            && self.language != Some(Language::Proxy)
            && (self.config_file().is_none() || self.sdk_config.replaces_environment.is_some())
    }

    /// Whether code the tool does not read may name the service (a resource built in Go,
    /// .NET or PHP code, a Java SDK set up in code): the service's name is then not known.
    pub fn may_name_itself_unseen(&self) -> bool {
        let agent = self.jvm.as_ref().is_some_and(|j| !j.agents.is_empty())
            || self.dotnet_auto_instrumentation().is_some();
        match self.language {
            // A prebuilt jar or DLL whose source is not in the workspace.
            Some(Language::Java | Language::DotNet) if self.code.files.is_empty() => !agent,
            Some(language) if crate::knowledge::languages::reads_code(language) => false,
            Some(Language::Ruby) => {
                self.declared.configures_sdk.is_none() || self.declared.names_service
            }
            _ => true,
        }
    }

    /// The declarative configuration file the SDK reads instead of the `OTEL_*` variables:
    /// set, and read by an SDK that supports it (the Java agent; Go's `otelconf`).
    pub fn config_file(&self) -> Option<&EnvVar> {
        let var = otel::CONFIG_FILE_VARIABLES
            .iter()
            .find_map(|name| self.env_var(name))
            .filter(|v| v.resolved && !v.value.trim().is_empty())?;
        let java_agent = self.jvm.as_ref().is_some_and(|j| !j.agents.is_empty());
        let go_otelconf = self
            .declared
            .packages
            .iter()
            .any(|p| p.name == crate::knowledge::ecosystems::GO_OTELCONF);
        (java_agent || go_otelconf).then_some(var)
    }

    /// The traces exporters the SDK will create from `OTEL_TRACES_EXPORTER`, if set.
    pub fn traces_exporters(&self) -> Option<(Setting<'_>, Vec<&str>)> {
        let setting = self.setting(otel::TRACES_EXPORTER)?;
        let exporters = setting
            .value
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .collect();
        Some((setting, exporters))
    }
}

/// The pod template a Kubernetes container comes from.
fn pod_of<'a>(
    workspace: &'a Workspace,
    spec: &WorkloadSpec,
) -> Option<&'a crate::workspace::kubernetes::PodTemplate> {
    (spec.launcher == Launcher::Kubernetes)
        .then(|| workspace.kubernetes.container_of(&spec.name))
        .flatten()
        .map(|(pod, _)| pod)
}

/// The network a workload runs on: a pod's own (unless `hostNetwork` puts it on the node's),
/// else the one its launcher declares.
fn network_of(workspace: &Workspace, spec: &WorkloadSpec) -> Network {
    match pod_of(workspace, spec) {
        Some(pod) if spec.network_mode.is_none() => {
            Network::of_pod(&pod.object.namespace, &pod.object.reference())
        }
        _ => Network::of(spec, &workspace.compose_networks),
    }
}

/// Resolves every service of a loaded workspace, on every core: each is independent of the
/// others.
pub fn resolve(workspace: &Workspace) -> Project {
    let dev_environment: Vec<String> = ["GITPOD_WORKSPACE_ID", "CODESPACE_NAME"]
        .iter()
        .filter_map(|name| workspace.variables.lookup(name))
        .collect();
    let resolved = workspace.services.par_map(|spec| {
        let started = Instant::now();
        let network = network_of(workspace, spec);
        let build = image::build_of(workspace, spec);
        // A workload may run from a folder of the workspace as it is (on this machine, or
        // mounted in a devcontainer): its code and packages are that folder's, on its image.
        let code_dir = spec
            .code_dir
            .as_ref()
            .map(|dir| workspace.project_display(&dir.value))
            .filter(|dir| workspace.contexts.contains_key(dir));
        let context = match &code_dir {
            Some(dir) => workspace.contexts.get(dir),
            None => build.as_ref().and_then(|b| b.context),
        };
        let context_dir = code_dir
            .clone()
            .or_else(|| build.as_ref().map(|b| Arc::clone(&b.context_dir)));
        let built = build.as_ref().map(|b| image::contents(b));
        let image_contents = match (context, &code_dir) {
            (Some(context), Some(dir)) => Some(image::installed_in_place(
                workspace,
                context,
                dir,
                built.as_ref(),
            )),
            _ => built,
        };
        let image_env = image_contents.as_ref().map_or(&[][..], |i| &i.env);
        let environment::Resolved {
            env,
            missing_env_files,
            unset_passthrough,
        } = environment::resolve(
            workspace,
            spec,
            image_env,
            context.is_some_and(environment::code_loads_dotenv),
        );
        let (command, instrument) = command::resolve(
            workspace,
            spec,
            build.as_ref(),
            image_contents.as_ref(),
            context,
        );
        let code_root = command
            .as_ref()
            .zip(image_contents.as_ref())
            .map(|(c, i)| command::code_root(&c.runs, &i.workdir));
        let python_code_with = |env: &[EnvVar], image: Option<&ImageContents>| {
            code::resolve(workspace, spec, image, code_root.as_deref(), env)
        };
        let python_code = python_code_with(&env, image_contents.as_ref());
        let dockerfile_dir = code_dir.as_deref().map(str::to_string).or_else(|| {
            build.as_ref().map(|b| {
                b.path
                    .rsplit_once('/')
                    .map_or(".", |(dir, _)| dir)
                    .to_string()
            })
        });
        // An image run as it is has no context, but its command may still preload the SDK.
        let no_context = BuildContext::default();
        let node_with =
            |env: &[EnvVar], image: Option<&ImageContents>, command: Option<&Command>| {
                node::resolve(&node::Inputs {
                    context: context.unwrap_or(&no_context),
                    image,
                    context_dir: context_dir.as_deref().unwrap_or("."),
                    dockerfile_dir: dockerfile_dir.as_deref(),
                    command,
                    env,
                    dev_environment: &dev_environment,
                })
            };
        let node = node_with(&env, image_contents.as_ref(), command.as_ref());
        let mut declared = context
            .zip(context_dir.as_deref())
            .map(|(context, dir)| ecosystem::resolve(context, dir, dockerfile_dir.as_deref()))
            .unwrap_or_default();
        declared.image_mentions_opentelemetry = build
            .as_ref()
            .and_then(ecosystem::image_mentions_opentelemetry);
        declared.php_extensions = build
            .as_ref()
            .map(ecosystem::php_extensions)
            .unwrap_or_default();
        // The code of the languages read only from their own files (Go, Ruby), against an
        // environment.
        let read_code = |language: Option<Language>, command: Option<&Command>, env: &[EnvVar]| {
            let (context, dir) = context.zip(context_dir.as_deref())?;
            let dockerfile_dir = dockerfile_dir.as_deref();
            match language? {
                Language::Go => go::resolve(context, dir, dockerfile_dir, build.as_ref(), env),
                Language::Ruby => {
                    ruby::resolve(context, dir, dockerfile_dir, build.as_ref(), command, env)
                }
                _ => None,
            }
        };
        let jvm_inputs = jvm::Inputs {
            image: image_contents.as_ref(),
            command: command.as_ref(),
            env: &env,
            volumes: &spec.volumes,
            shares_volumes: !spec.topology.volumes_from.is_empty(),
            declared_agent: declared
                .packages
                .iter()
                .find(|p| p.name.ends_with("opentelemetry-javaagent"))
                .and_then(|p| {
                    let version = p.version.as_deref()?;
                    crate::knowledge::java::agent_of(&format!("{}-{version}.jar", p.name))
                }),
        };
        let jvm = jvm::resolve(&jvm_inputs);
        let jvm_properties = jvm::properties(&jvm_inputs);
        let dockerfile = build.as_ref().map(|b| Arc::clone(b.path));
        let (mut node, node_code) = match node {
            Some((facts, code)) => (Some(facts), Some(code)),
            None => (None, None),
        };
        if let Some(browser) = node.as_mut().and_then(|n| n.browser.as_mut()) {
            // Browsers load the frontend from the ports it publishes on this machine.
            browser.origins = spec
                .ports
                .iter()
                .filter_map(|port| port.published.as_deref())
                .filter(|published| published.parse::<u16>().is_ok())
                .map(|published| format!("http://localhost:{published}"))
                .collect();
        }
        let mut service = Workload {
            name: spec.name.clone(),
            location: spec.location.clone(),
            launcher: spec.launcher,
            language: None,
            image: spec.image.as_ref().map(|i| i.value.clone()),
            dockerfile,
            network: network.clone(),
            ports: spec.ports.clone(),
            build_args: environment::build_args(workspace, spec),
            namespace: pod_of(workspace, spec).map(|pod| pod.object.namespace.clone()),
            env,
            missing_env_files,
            unset_passthrough,
            command,
            instrument,
            image_contents,
            own_hosts: network::own_names(spec, &network),
            variant: None,
            code: python_code,
            node,
            jvm,
            declared,
            late_env_writes: Vec::new(),
            route: None,
            sdk_config: SdkConfig::default(),
        };
        service.language = language(context, dockerfile_dir.as_deref(), &service);
        if service.language == Some(Language::Node)
            && let Some(code) = node_code
        {
            service.code = code;
        } else if let Some(code) =
            read_code(service.language, service.command.as_ref(), &service.env)
        {
            service.code = code;
        } else if service.language.is_some_and(|l| l != Language::Python) {
            // A shared build context holds other services' Python: not this one's code.
            service.code = CodeFacts::default();
        }
        if service.language == Some(Language::DotNet)
            && let Some(context) = context
        {
            let code = dotnet::resolve(&dotnet::Inputs {
                context,
                folder: dockerfile_dir.as_deref().unwrap_or("."),
                env: &service.env,
            });
            service.code = code.facts;
            service.sdk_config.values = code.settings;
        }
        if service.language == Some(Language::Java) {
            service.sdk_config.values = jvm::system_properties(&jvm_properties);
            if let Some(context) = context {
                let folder = dockerfile_dir.as_deref().unwrap_or(".");
                let code = java_code::resolve(context, folder, &service.env);
                service.code = code.facts;
                // A property set in code counts where the SDK reads properties after the
                // app's code runs: the autoconfigure module, Spring's starter; the agent has
                // read them before `main`.
                let agent = service.jvm.as_ref().is_some_and(|j| !j.agents.is_empty());
                if agent {
                    // The agent read the properties before `main`: what the code sets is
                    // never seen, as an environment write after the SDK started.
                    service
                        .late_env_writes
                        .extend(code.properties.iter().map(|w| CodeEnvWrite {
                            name: w.variable.clone(),
                            value: Some(w.value.clone()),
                            mode: EnvWriteMode::Overwrite,
                            reads: None,
                            location: w.location.clone(),
                        }));
                } else if service.declared.configured_from_environment()
                    || service.code.autoconfigured.is_some()
                {
                    service
                        .sdk_config
                        .values
                        .extend(code.properties.into_iter().map(|w| ConfigValue {
                            variable: w.variable,
                            name: w.name,
                            value: w.value,
                            location: w.location,
                            editable: true,
                            rank: Rank::OverEnvironment,
                        }));
                }
                let settings = spring::resolve(&spring::Inputs {
                    context,
                    folder,
                    env: &service.env,
                    properties: &jvm_properties,
                });
                let declared = |name: &str| {
                    let packages = &service.declared.packages;
                    packages
                        .iter()
                        .find(|p| p.name == name)
                        .map(|p| &p.location)
                };
                if declared(crate::knowledge::java::SPRING_STARTER).is_some() {
                    service
                        .sdk_config
                        .values
                        .extend(spring::starter_config(&settings));
                } else if !agent
                    && declared(crate::knowledge::java::OTLP_EXPORTER_ARTIFACT).is_some()
                    && let Some(bridge) = declared(crate::knowledge::java::MICROMETER_BRIDGE)
                {
                    service.sdk_config = spring::micrometer_config(&settings, bridge, &service.env);
                }
                let values = jvm::configuration_files(&service, |path| {
                    let exists = |file: &str| context.properties.iter().any(|p| &*p.path == file);
                    let file = container_file::workspace_file(
                        workspace,
                        spec,
                        service.image_contents.as_ref(),
                        path,
                        exists,
                    )?;
                    context.properties.iter().find(|p| p.path == file)
                });
                service.sdk_config.values.extend(values);
            }
        }
        if let Some(node) = &mut service.node
            && service.language != Some(Language::Node)
        {
            // Another language's service keeps only its browser code's facts.
            let browser = node.browser.take();
            *node = NodeFacts {
                browser,
                ..NodeFacts::default()
            };
        }
        if !service.code.env_writes.is_empty() {
            // The code reads what it writes: what it hands the SDK is evaluated again.
            let seen_by_code =
                environment::with_code_writes(&service.env, &service.code.env_writes);
            let image = service.image_contents.as_ref();
            let code = match service.language {
                Some(Language::Python) => Some(python_code_with(&seen_by_code, image)),
                Some(Language::Node) => {
                    node_with(&seen_by_code, image, service.command.as_ref()).map(|(_, code)| code)
                }
                // Go and Ruby: read from their own files, against that environment.
                other => read_code(other, service.command.as_ref(), &seen_by_code),
            };
            if let Some(code) = code {
                service.code = code;
            }
            let (first, late): (Vec<CodeEnvWrite>, Vec<CodeEnvWrite>) = service
                .code
                .env_writes
                .iter()
                .cloned()
                .partition(|write| service.write_precedes_sdk(write));
            service.env = environment::with_code_writes(&service.env, &first);
            service.late_env_writes.extend(late);
        }
        // A declarative configuration file replaces everything else the SDK would read.
        if let Some(config) = config_file::resolve(workspace, spec, &service) {
            service.sdk_config = config;
        }
        let collector = collector::resolve(workspace, spec, build.as_ref(), &service);
        (service, collector, started.elapsed())
    });
    let mut services = Vec::with_capacity(resolved.len());
    let mut collectors: Vec<collector::Collector> = Vec::new();
    let mut timings = Vec::with_capacity(resolved.len());
    for (service, collector, elapsed) in resolved {
        services.push(service);
        collectors.extend(collector);
        timings.push(elapsed);
    }
    let mut outside = workspace.outside.clone();
    for reference in collectors.iter().flat_map(|c| &c.outside) {
        if !outside.iter().any(|o| o.location == reference.location) {
            outside.push(reference.clone());
        }
    }
    let mut project = Project {
        root: workspace.root.clone(),
        compose_files: workspace.compose_files.clone(),
        dotenv_files: workspace.variables.dotenv_files.clone(),
        files: workspace.files.clone(),
        services,
        problems: workspace.problems.clone(),
        interpolation_failures: workspace.interpolation_failures.clone(),
        timings,
        lines: workspace.lines.clone(),
        includes_unread: workspace.includes_unread,
        network_hosts: workspace
            .services
            .iter()
            .flat_map(|spec| network::network_names(spec, &network_of(workspace, spec)))
            .collect(),
        inactive: workspace
            .inactive_services
            .iter()
            .map(|service| InactiveService {
                name: service.name.clone(),
                location: service.location.clone(),
                profiles: service
                    .topology
                    .profiles
                    .iter()
                    .map(|p| p.value.clone())
                    .collect(),
                hosts: network::network_names(service, &Network::Compose),
            })
            .collect(),
        profiles: workspace.profiles.clone(),
        variant: None,
        notes: workspace.notes.clone(),
        collectors,
        kubernetes: Arc::new(workspace.kubernetes.clone()),
        variables: workspace.variables.clone(),
        honeycomb_elsewhere: false,
        compose_networks: workspace.compose_networks.clone(),
        boundary: Arc::clone(&workspace.boundary),
        outside,
        names: OnceLock::new(),
    };
    let routes = route::resolve(&project);
    for (service, route) in project.services.iter_mut().zip(routes) {
        service.route = route.map(Arc::new);
    }
    project
}

/// The service's language, strongest evidence first: the program it finally runs, the image
/// it runs on (or, for a `scratch` final stage, the image it was built in), the marker files
/// beside its Dockerfile, and last what its image installs. A shared build context holds
/// other services' files, so they do not count.
fn language(
    context: Option<&BuildContext>,
    own_folder: Option<&str>,
    service: &Workload,
) -> Option<Language> {
    use crate::knowledge::languages;
    let program = service
        .command
        .as_ref()
        .and_then(|c| c.runs.first())
        .and_then(|w| languages::of_program(&w.text));
    let image = service.image_contents.as_ref();
    let base = image
        .and_then(|i| languages::of_image(&i.base_image))
        .or_else(|| service.image.as_deref().and_then(languages::of_image));
    let build_stage = image.and_then(|i| i.build_images().find_map(languages::of_image));
    let markers = || {
        let own_folder = own_folder.unwrap_or(".");
        context?
            .languages
            .iter()
            .filter(|(_, file)| folder_of(file) == own_folder)
            .map(|(language, _)| *language)
            .min()
    };
    let python = service.instrument.is_some()
        || image.is_some_and(|i| i.is_python())
        || !service.code.otel_imports.is_empty();
    let jvm = service
        .jvm
        .as_ref()
        .is_some_and(|j| !j.agents.is_empty())
        .then_some(Language::Java);
    program
        .or(base)
        .or(build_stage)
        .or_else(markers)
        .or(jvm)
        .or(python.then_some(Language::Python))
}

/// Where a variable used in interpolation got its value, for messages.
pub fn describe_source(source: Option<&VarSource>) -> String {
    match source {
        Some(VarSource::Shell) => "the shell environment".into(),
        Some(VarSource::DotEnv(location)) => format!("{}:{}", location.file, location.line),
        None => "nowhere (not set)".into(),
    }
}

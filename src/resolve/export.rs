//! Where a service's spans go, computed the way its SDK computes it: protocol, endpoint URL
//! and headers, each with the setting (or code, or default) it came from. Three SDKs read
//! different things: the OpenTelemetry SDK (`OTEL_*`, or what the code passes its exporter),
//! Honeycomb's distribution (also `HONEYCOMB_*` and `HoneycombOptions`), and Honeycomb's
//! classic SDK (Beeline, libhoney), which is not OpenTelemetry at all.

use super::code::{EndpointForm, ExporterKind, Target};
use super::code_setting::CodeSetting;
use super::{Setting, Workload};
use crate::knowledge::ecosystems::Role;
use crate::knowledge::honeycomb::{self, DATASET_HEADER, TEAM_HEADER, classify_key};
use crate::knowledge::java::AgentKind;
use crate::knowledge::languages;
use crate::knowledge::otel::{self, DroppedHeader, Header, Protocol};
use crate::knowledge::python;
use crate::source::Location;
use crate::workspace::Language;

/// Who sets tracing up in a service, which decides the settings it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sdk {
    /// The OpenTelemetry SDK, configured from `OTEL_*` and the code.
    OpenTelemetry,
    /// Honeycomb's distribution: `OTEL_*` and `HONEYCOMB_*` (key, endpoint, dataset).
    HoneycombDistro,
    /// Honeycomb's classic SDK (Beeline, libhoney): sends events itself; `OTEL_*` do nothing.
    Classic,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolSource<'a> {
    Setting(Setting<'a>),
    /// The exporter class imported in code decides (the environment is not read).
    Code(&'a Location),
    /// A distribution's default: opentelemetry-distro and Honeycomb's set `grpc` when unset.
    DistroDefault,
    /// The SDK's own default in this language.
    LanguageDefault(Language),
    /// Not set and no default known, but the endpoint's port is an OTLP port (4317 gRPC,
    /// 4318 HTTP): it only works with that protocol, so rules read it as that.
    Port,
    /// Nothing says, and the SDK's default is not known for this service: rules that judge
    /// the protocol stay silent.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointSource<'a> {
    /// `OTLPSpanExporter(endpoint=...)` or `HoneycombOptions(endpoint=...)` in code: the URL
    /// it evaluates to, and the code.
    Code(&'a str, &'a CodeSetting),
    Setting {
        setting: Setting<'a>,
        signal_specific: bool,
    },
    /// Honeycomb's distro sends to Honeycomb unless told otherwise.
    HoneycombDefault,
    /// An exporter that makes its URL of several settings: Go's host and port, TLS and path,
    /// from its options in code over the environment.
    Target(&'a Target),
    /// Computed in code in a way not followed here: rules stay silent.
    Unknown(&'a Location),
    /// None configured: the SDK sends to localhost.
    Default,
}

/// A configured endpoint, for the rules that look at its host, port and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfiguredEndpoint<'a> {
    /// The URL the exporter sends to.
    pub url: url::Url,
    /// The endpoint as written.
    pub value: &'a str,
    /// How a message names the setting (`OTEL_EXPORTER_OTLP_ENDPOINT`, a flag, code).
    pub name: String,
    pub location: &'a Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportPlan<'a> {
    pub sdk: Sdk,
    pub protocol: Protocol,
    pub protocol_source: ProtocolSource<'a>,
    pub endpoint: EndpointSource<'a>,
    /// The URL the exporter sends to (HTTP: with its path; gRPC: scheme, host and port).
    pub url: String,
    /// `OTEL_EXPORTER_OTLP_(TRACES_)HEADERS`, when the headers come from it.
    pub headers_setting: Option<Setting<'a>>,
    /// Every header the exporter sends.
    pub headers: Vec<Header>,
    pub dropped_headers: Vec<DroppedHeader>,
}

impl ExportPlan<'_> {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name == name)
            .map(|h| h.value.as_str())
    }

    /// Where the protocol comes from when no variable sets it, for messages.
    pub fn protocol_origin(&self) -> Option<String> {
        match &self.protocol_source {
            ProtocolSource::Setting(_) | ProtocolSource::Port | ProtocolSource::Unknown => None,
            ProtocolSource::Code(location) => Some(format!("fixed by the exporter at {location}")),
            ProtocolSource::DistroDefault => Some("the distribution's default".to_string()),
            ProtocolSource::LanguageDefault(Language::Java) => {
                Some("the default of this Java agent version".to_string())
            }
            ProtocolSource::LanguageDefault(language) => {
                Some(format!("the {} SDK's default", language.title()))
            }
        }
    }

    /// Whether the protocol is known: set, decided by code, or a known default.
    pub fn protocol_is_known(&self) -> bool {
        self.protocol_source != ProtocolSource::Unknown
    }

    /// Where the endpoint is written (a setting or code), if anywhere.
    pub fn endpoint_location(&self) -> Option<&Location> {
        match &self.endpoint {
            EndpointSource::Setting { setting, .. } => Some(setting.location),
            EndpointSource::Code(_, code) => Some(&code.location),
            EndpointSource::Target(target) => Some(&target.host.location),
            EndpointSource::Unknown(location) => Some(location),
            EndpointSource::HoneycombDefault | EndpointSource::Default => None,
        }
    }

    /// The endpoint as written, and how a message names it.
    pub fn endpoint_text(&self) -> Option<(&str, String)> {
        match &self.endpoint {
            EndpointSource::Setting { setting, .. } => Some((setting.value, setting.describe())),
            EndpointSource::Code(url, code) => {
                let name = match &code.variable {
                    // `os.getenv("X", "default")` with X unset: the default is used.
                    Some(variable) => format!(
                        "the code's default for {variable} ({}), which the service does not set,",
                        code.location
                    ),
                    None => "the endpoint passed in code".into(),
                };
                Some((url, name))
            }
            EndpointSource::Target(target) => Some((
                target.host.value.as_deref().unwrap_or_default(),
                target.host_option.clone(),
            )),
            _ => None,
        }
    }

    /// What the setting that names the endpoint takes: a URL, or (Go's `WithEndpoint`) a
    /// host and port.
    pub fn endpoint_form(&self) -> EndpointForm {
        match &self.endpoint {
            EndpointSource::Target(target) => target.form,
            _ => EndpointForm::Url,
        }
    }

    /// The exporter's own computation of where it sends, when it makes one (Go).
    pub fn target(&self) -> Option<&Target> {
        match &self.endpoint {
            EndpointSource::Target(target) => Some(target),
            _ => None,
        }
    }

    /// The URL the exporter sends to, parsed; `None` if the endpoint is not a URL or unknown.
    pub fn parsed_url(&self) -> Option<url::Url> {
        match &self.endpoint {
            EndpointSource::Unknown(_) => return None,
            // A URL where a host and port belong: the exporter's own URL does not parse.
            EndpointSource::Target(target)
                if target.form == EndpointForm::HostPort
                    && target.host.text().is_some_and(|v| v.contains("://")) =>
            {
                return None;
            }
            _ => {}
        }
        otel::endpoint_url(&self.url, self.protocol)
    }

    /// The endpoint when one is configured (not a default) and is a URL.
    pub fn configured_endpoint(&self) -> Option<ConfiguredEndpoint<'_>> {
        let (value, name) = self.endpoint_text()?;
        Some(ConfiguredEndpoint {
            url: self.parsed_url()?,
            value,
            name,
            location: self.endpoint_location()?,
        })
    }
}

/// The SDK that sets up tracing in a service.
pub fn sdk_of(service: &Workload) -> Sdk {
    let code = &service.code;
    let distro_installed = service.has_package(python::HONEYCOMB_DISTRO) == Some(true);
    let honeycomb_agent = service
        .jvm
        .as_ref()
        .and_then(|jvm| jvm.agent()?.agent)
        .is_some_and(|agent| agent.kind == AgentKind::Honeycomb);
    if code.honeycomb_distro.is_some()
        || (service.instrument.is_some() && distro_installed)
        || honeycomb_agent
    {
        return Sdk::HoneycombDistro;
    }
    let declared = &service.declared;
    let declares_opentelemetry = declared.packages.iter().any(|p| {
        matches!(
            p.role,
            Some(Role::Sdk | Role::Exporter(_) | Role::AutoInstrumentation | Role::HoneycombDistro)
        )
    });
    let sets_up_opentelemetry = service.instrument.is_some()
        || code.provider_set.is_some()
        || code.provider_created.is_some()
        || !code.exporters.is_empty()
        || declares_opentelemetry
        || service
            .jvm
            .as_ref()
            .is_some_and(|jvm| !jvm.agents.is_empty())
        || service
            .node
            .as_ref()
            .is_some_and(|node| node.auto_instrumentation().is_some());
    let classic = code.classic_sdk.is_some() || declared.has_role(Role::HoneycombClassic);
    if classic && !sets_up_opentelemetry {
        return Sdk::Classic;
    }
    Sdk::OpenTelemetry
}

/// Honeycomb's distribution for the service's language (Python's when it is not known).
fn distro(service: &Workload) -> Option<honeycomb::Distro> {
    honeycomb::distro(service.language.unwrap_or(Language::Python))
}

pub fn plan(service: &Workload) -> ExportPlan<'_> {
    let sdk = sdk_of(service);
    // A configuration file decides where and how, or Honeycomb's distribution in code that is
    // not read here (.NET's `Honeycomb.OpenTelemetry`, Go's `otel-config-go`): not second-guessed.
    let decided_elsewhere = service
        .config_file()
        .filter(|_| service.sdk_config.replaces_environment.is_none())
        .map(|file| &file.location)
        .or_else(|| {
            service
                .declared
                .with_role(|role| role == Role::HoneycombDistro)
                .filter(|_| {
                    let unread = service.language.is_some_and(|l| !languages::reads_code(l));
                    unread || service.code.files.is_empty()
                })
                .map(|package| &package.location)
        });
    if let Some(location) = decided_elsewhere {
        return ExportPlan {
            sdk,
            protocol: Protocol::HttpProtobuf,
            protocol_source: ProtocolSource::Unknown,
            endpoint: EndpointSource::Unknown(location),
            url: String::new(),
            headers_setting: None,
            headers: Vec::new(),
            dropped_headers: Vec::new(),
        };
    }
    let endpoint = endpoint(service, sdk);
    let (protocol, protocol_source) = match protocol(service, sdk) {
        (_, ProtocolSource::Unknown) => match otlp_port(&endpoint) {
            Some(4317) => (Protocol::Grpc, ProtocolSource::Port),
            Some(4318) => (Protocol::HttpProtobuf, ProtocolSource::Port),
            _ => (Protocol::HttpProtobuf, ProtocolSource::Unknown),
        },
        known => known,
    };
    let url = match &endpoint {
        EndpointSource::Code(url, _) if sdk == Sdk::HoneycombDistro => {
            otel::traces_url(url, false, protocol)
        }
        EndpointSource::Code(url, _) => url.to_string(),
        EndpointSource::Target(target) => target.url.clone(),
        EndpointSource::Setting {
            setting,
            signal_specific,
        } => otel::traces_url_for(
            setting.value,
            *signal_specific,
            protocol,
            service.language.is_some_and(otel::appends_path_once),
        ),
        EndpointSource::HoneycombDefault => otel::traces_url(
            distro(service).map_or(HONEYCOMB_API, |d| d.endpoint),
            false,
            protocol,
        ),
        EndpointSource::Unknown(_) | EndpointSource::Default => otel::default_endpoint(protocol),
    };
    let code_headers = service
        .code
        .exporters
        .iter()
        .find_map(|e| e.headers.as_ref());
    let (headers_setting, (mut headers, dropped_headers)) = match (sdk, code_headers) {
        // Headers passed in code replace the environment's.
        (Sdk::OpenTelemetry, Some(code)) => (
            None,
            (
                code.pairs
                    .iter()
                    .flatten()
                    .filter_map(|(name, value)| {
                        Some(Header {
                            name: name.clone(),
                            value: value.text()?.to_string(),
                        })
                    })
                    .collect(),
                Vec::new(),
            ),
        ),
        _ => {
            let setting = service
                .setting(otel::TRACES_HEADERS)
                .or_else(|| service.setting(otel::HEADERS));
            (
                setting,
                setting
                    .map(|s| otel::parse_headers(s.value))
                    .unwrap_or_default(),
            )
        }
    };
    if sdk == Sdk::HoneycombDistro {
        distro_headers(service, &mut headers);
    }
    ExportPlan {
        sdk,
        protocol,
        protocol_source,
        endpoint,
        url,
        headers_setting,
        headers,
        dropped_headers,
    }
}

/// The port an endpoint written as a URL names.
fn otlp_port(endpoint: &EndpointSource) -> Option<u16> {
    let value = match endpoint {
        EndpointSource::Setting { setting, .. } => setting.value,
        EndpointSource::Code(value, _) => value,
        EndpointSource::Target(target) => &target.url,
        _ => return None,
    };
    url::Url::parse(value.trim()).ok()?.port()
}

/// Where a Honeycomb distribution sends when nothing else is known.
const HONEYCOMB_API: &str = "https://api.honeycomb.io:443";

/// The distro sends its key as `x-honeycomb-team`, and `x-honeycomb-dataset` for a classic key.
fn distro_headers(service: &Workload, headers: &mut Vec<Header>) {
    let Some(key) = distro_key(service) else {
        return;
    };
    headers.retain(|h| h.name != TEAM_HEADER);
    headers.push(Header {
        name: TEAM_HEADER.into(),
        value: key.value.to_string(),
    });
    let dataset = service
        .setting("HONEYCOMB_TRACES_DATASET")
        .or_else(|| service.setting("HONEYCOMB_DATASET"))
        .map(|s| s.value)
        .or_else(|| distro_option(service, "dataset").and_then(CodeSetting::text));
    if let Some(dataset) = dataset
        && classify_key(key.value).is_some_and(|k| k.is_classic())
    {
        headers.retain(|h| h.name != DATASET_HEADER);
        headers.push(Header {
            name: DATASET_HEADER.into(),
            value: dataset.to_string(),
        });
    }
}

/// The key Honeycomb's distro sends: `HONEYCOMB_TRACES_APIKEY`, else `HONEYCOMB_API_KEY`, else
/// `HoneycombOptions(traces_apikey=..., apikey=...)`.
pub fn distro_key(service: &Workload) -> Option<Setting<'_>> {
    service
        .setting("HONEYCOMB_TRACES_APIKEY")
        .or_else(|| service.setting("HONEYCOMB_API_KEY"))
        .or_else(|| {
            let option = distro_option(service, "traces_apikey")
                .or_else(|| distro_option(service, "apikey"))?;
            Some(service.code_setting(option, "HoneycombOptions(apikey=...)"))
        })
}

fn distro_option<'a>(service: &'a Workload, name: &str) -> Option<&'a CodeSetting> {
    service.code.honeycomb_distro.as_ref()?.option(name)
}

fn protocol(service: &Workload, sdk: Sdk) -> (Protocol, ProtocolSource<'_>) {
    if let Some((protocol, location)) = service.code.exporter_protocol() {
        return (protocol, ProtocolSource::Code(location));
    }
    // Go's otlptracegrpc/otlptracehttp and Ruby's exporter speak their own protocol and never
    // read the protocol variable.
    if let Some(language) = service.language
        && let Some((protocol, location)) = service.declared.exporter_protocol(language)
    {
        return (protocol, ProtocolSource::Code(location));
    }
    let configured = service
        .setting(otel::TRACES_PROTOCOL)
        .or_else(|| service.setting(otel::PROTOCOL))
        .and_then(|s| Protocol::parse(s.value).map(|p| (p, s)));
    if let Some((protocol, setting)) = configured {
        return (protocol, ProtocolSource::Setting(setting));
    }
    if sdk == Sdk::HoneycombDistro {
        let in_code = distro_option(service, "traces_exporter_protocol")
            .or_else(|| distro_option(service, "exporter_protocol"))
            .and_then(CodeSetting::text)
            .and_then(Protocol::parse);
        return (
            in_code.unwrap_or_else(|| distro(service).map_or(Protocol::Grpc, |d| d.protocol)),
            ProtocolSource::DistroDefault,
        );
    }
    if service.instrument.is_some() && service.has_package(python::DISTRO) == Some(true) {
        return (Protocol::Grpc, ProtocolSource::DistroDefault);
    }
    // The Java agent's default changed with its major version.
    if service.language == Some(Language::Java)
        && let Some(jvm) = &service.jvm
        && !jvm.agents.is_empty()
    {
        return match jvm.agent().and_then(|a| a.agent?.default_protocol()) {
            Some(protocol) => (protocol, ProtocolSource::LanguageDefault(Language::Java)),
            None => (Protocol::HttpProtobuf, ProtocolSource::Unknown),
        };
    }
    // An exporter built in code without a protocol of its own reads the variable, else speaks
    // its SDK's default (.NET's `AddOtlpExporter`: gRPC).
    if service
        .code
        .exporters
        .iter()
        .any(|e| e.kind == ExporterKind::Otlp(None))
        && let Some(language) = service.language
        && let Some(protocol) = otel::code_exporter_protocol(language)
    {
        return (protocol, ProtocolSource::LanguageDefault(language));
    }
    // .NET's zero-code auto-instrumentation sends http/protobuf; its SDK's exporter, gRPC.
    if service.language == Some(Language::DotNet)
        && (service.declared.has_role(Role::AutoInstrumentation)
            || service.dotnet_auto_instrumentation().is_some()
            || service.declared.image_mentions_opentelemetry.is_some()
            || service
                .env
                .iter()
                .any(|v| v.name.starts_with("OTEL_DOTNET_AUTO")))
    {
        return (
            Protocol::HttpProtobuf,
            ProtocolSource::LanguageDefault(Language::DotNet),
        );
    }
    // A language's default applies only where the SDK is set up from the environment alone;
    // code may build any exporter.
    let default = service
        .language
        .filter(|_| service.sdk_from_environment())
        .and_then(|language| Some((otel::default_protocol(language)?, language)));
    match default {
        Some((protocol, language)) => (protocol, ProtocolSource::LanguageDefault(language)),
        None => (Protocol::HttpProtobuf, ProtocolSource::Unknown),
    }
}

fn endpoint(service: &Workload, sdk: Sdk) -> EndpointSource<'_> {
    let target = service
        .code
        .exporters
        .iter()
        .find_map(|e| e.target.as_ref());
    if let Some(target) = target.filter(|_| sdk == Sdk::OpenTelemetry) {
        return if target.host.known {
            EndpointSource::Target(target)
        } else {
            EndpointSource::Unknown(&target.host.location)
        };
    }
    let in_code = service
        .code
        .exporters
        .iter()
        .find_map(|e| e.endpoint.as_ref());
    if let Some(code) = in_code.filter(|_| sdk == Sdk::OpenTelemetry) {
        match (code.known, code.value.as_deref()) {
            // Read from a variable the service sets: the fix is where that is set.
            (true, Some(_))
                if code
                    .variable
                    .as_deref()
                    .is_some_and(|v| service.setting(v).is_some()) =>
            {
                return EndpointSource::Setting {
                    setting: service.code_setting(code, "OTLPSpanExporter(endpoint=...)"),
                    signal_specific: true,
                };
            }
            (true, Some(url)) => return EndpointSource::Code(url, code),
            // `endpoint=None` (an unset variable): the exporter reads the environment.
            (true, None) => {}
            (false, _) => return EndpointSource::Unknown(&code.location),
        }
    }
    if service.code_sdk_ignores_environment().is_some() {
        // The builder's own default: localhost.
        return EndpointSource::Default;
    }
    let reads_otel_endpoint =
        sdk != Sdk::HoneycombDistro || distro(service).is_none_or(|d| d.reads_otel_endpoint);
    if reads_otel_endpoint && let Some(setting) = service.setting(otel::TRACES_ENDPOINT) {
        return EndpointSource::Setting {
            setting,
            signal_specific: true,
        };
    }
    if reads_otel_endpoint && let Some(setting) = service.setting(otel::ENDPOINT) {
        return EndpointSource::Setting {
            setting,
            signal_specific: false,
        };
    }
    if sdk != Sdk::HoneycombDistro {
        return EndpointSource::Default;
    }
    if let Some(setting) = service.setting("HONEYCOMB_TRACES_ENDPOINT") {
        return EndpointSource::Setting {
            setting,
            signal_specific: distro(service).is_none_or(|d| !d.appends_path_to_traces_endpoint),
        };
    }
    if let Some(code) = distro_option(service, "traces_endpoint")
        && let Some(url) = code.text()
    {
        return EndpointSource::Code(url, code);
    }
    if let Some(setting) = service.setting("HONEYCOMB_API_ENDPOINT") {
        return EndpointSource::Setting {
            setting,
            signal_specific: false,
        };
    }
    match distro_option(service, "endpoint") {
        Some(code) if !code.known => EndpointSource::Unknown(&code.location),
        Some(code) => code.text().map_or(EndpointSource::HoneycombDefault, |url| {
            EndpointSource::Code(url, code)
        }),
        None => EndpointSource::HoneycombDefault,
    }
}

//! Where a service's spans go, computed the way its SDK computes it: protocol, endpoint URL
//! and headers, each with the setting (or code, or default) it came from.

use super::{Service, Setting};
use crate::knowledge::otel::{self, DroppedHeader, Header, Protocol};
use crate::knowledge::python;
use crate::source::Location;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolSource<'a> {
    Setting(Setting<'a>),
    /// The exporter class imported in code decides (the environment is not read).
    Code(&'a Location),
    /// opentelemetry-distro sets `OTEL_EXPORTER_OTLP_PROTOCOL=grpc` when unset.
    DistroDefault,
    SpecDefault,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointSource<'a> {
    /// `OTLPSpanExporter(endpoint="...")` in code.
    Code(&'a str, &'a Location),
    Setting {
        setting: Setting<'a>,
        signal_specific: bool,
    },
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
    pub protocol: Protocol,
    pub protocol_source: ProtocolSource<'a>,
    pub endpoint: EndpointSource<'a>,
    /// The URL the exporter sends to (HTTP: with its path; gRPC: scheme, host and port).
    pub url: String,
    pub headers_setting: Option<Setting<'a>>,
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

    /// Where the endpoint is written (a setting or code), if anywhere.
    pub fn endpoint_location(&self) -> Option<&Location> {
        match &self.endpoint {
            EndpointSource::Setting { setting, .. } => Some(setting.location),
            EndpointSource::Code(_, location) => Some(location),
            EndpointSource::Default => None,
        }
    }

    /// The endpoint as written, and how a message names it.
    pub fn endpoint_text(&self) -> Option<(&str, String)> {
        match &self.endpoint {
            EndpointSource::Setting { setting, .. } => Some((setting.value, setting.describe())),
            EndpointSource::Code(url, _) => Some((url, "OTLPSpanExporter(endpoint=...)".into())),
            EndpointSource::Default => None,
        }
    }

    /// The URL the exporter sends to, parsed; `None` if the endpoint is not a URL.
    pub fn parsed_url(&self) -> Option<url::Url> {
        otel::endpoint_url(&self.url, self.protocol)
    }

    /// The endpoint when one is configured (not the SDK's default) and is a URL.
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

pub fn plan(service: &Service) -> ExportPlan<'_> {
    let (protocol, protocol_source) = protocol(service);
    let endpoint = endpoint(service);
    let url = match &endpoint {
        EndpointSource::Code(url, _) => url.to_string(),
        EndpointSource::Setting {
            setting,
            signal_specific,
        } => otel::traces_url(setting.value, *signal_specific, protocol),
        EndpointSource::Default => otel::default_endpoint(protocol),
    };
    let headers_setting = service
        .setting(otel::TRACES_HEADERS)
        .or_else(|| service.setting(otel::HEADERS));
    let (headers, dropped_headers) = headers_setting
        .map(|s| otel::parse_headers(s.value))
        .unwrap_or_default();
    ExportPlan {
        protocol,
        protocol_source,
        endpoint,
        url,
        headers_setting,
        headers,
        dropped_headers,
    }
}

fn protocol(service: &Service) -> (Protocol, ProtocolSource<'_>) {
    if let Some((protocol, location)) = service.code.exporter_protocol() {
        return (protocol, ProtocolSource::Code(location));
    }
    let configured = service
        .setting(otel::TRACES_PROTOCOL)
        .or_else(|| service.setting(otel::PROTOCOL))
        .and_then(|s| Protocol::parse(s.value).map(|p| (p, s)));
    if let Some((protocol, setting)) = configured {
        return (protocol, ProtocolSource::Setting(setting));
    }
    if service.instrument.is_some() && service.has_package(python::DISTRO) == Some(true) {
        return (Protocol::Grpc, ProtocolSource::DistroDefault);
    }
    (Protocol::HttpProtobuf, ProtocolSource::SpecDefault)
}

fn endpoint(service: &Service) -> EndpointSource<'_> {
    let in_code = service
        .code
        .exporters
        .iter()
        .find_map(|e| e.endpoint.as_ref());
    if let Some((url, location)) = in_code {
        return EndpointSource::Code(url, location);
    }
    if let Some(setting) = service.setting(otel::TRACES_ENDPOINT) {
        return EndpointSource::Setting {
            setting,
            signal_specific: true,
        };
    }
    match service.setting(otel::ENDPOINT) {
        Some(setting) => EndpointSource::Setting {
            setting,
            signal_specific: false,
        },
        None => EndpointSource::Default,
    }
}

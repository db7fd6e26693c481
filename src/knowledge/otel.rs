//! The OpenTelemetry SDK's environment configuration as the SDKs read it: variable names,
//! protocols, the endpoint path rules and the header syntax (spec "OTLP Exporter
//! Configuration" and opentelemetry-python, which the seed's stack runs).

use std::fmt;

use crate::knowledge::Language;

pub const TRACES_EXPORTER: &str = "OTEL_TRACES_EXPORTER";
pub const SDK_DISABLED: &str = "OTEL_SDK_DISABLED";
pub const ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
pub const TRACES_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
pub const PROTOCOL: &str = "OTEL_EXPORTER_OTLP_PROTOCOL";
pub const TRACES_PROTOCOL: &str = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL";
pub const HEADERS: &str = "OTEL_EXPORTER_OTLP_HEADERS";
pub const TRACES_HEADERS: &str = "OTEL_EXPORTER_OTLP_TRACES_HEADERS";
pub const SERVICE_NAME: &str = "OTEL_SERVICE_NAME";
pub const RESOURCE_ATTRIBUTES: &str = "OTEL_RESOURCE_ATTRIBUTES";
pub const TRACES_SAMPLER: &str = "OTEL_TRACES_SAMPLER";
pub const TRACES_SAMPLER_ARG: &str = "OTEL_TRACES_SAMPLER_ARG";

/// The traces variables that override a generic one for traces only.
pub const TRACES_VARIABLES: [&str; 3] = [TRACES_ENDPOINT, TRACES_PROTOCOL, TRACES_HEADERS];

/// The variables that point the SDK at a declarative configuration file (the spec's
/// `OTEL_CONFIG_FILE`, and its experimental name). Where the SDK supports it, the file decides
/// the exporter, and the other `OTEL_*` variables count only where the file substitutes them
/// (`${OTEL_EXPORTER_OTLP_ENDPOINT}`).
pub const CONFIG_FILE_VARIABLES: [&str; 2] = ["OTEL_CONFIG_FILE", "OTEL_EXPERIMENTAL_CONFIG_FILE"];

/// The Java agent's system property for the experimental variable.
pub const CONFIG_FILE_PROPERTY: &str = "otel.experimental.config.file";

/// What a variable does, which decides what a mistake in it costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Wrong or missing, traces do not arrive: endpoint, headers, protocol, exporter, sampler.
    Delivery,
    /// Wrong or missing, traces arrive degraded: the service name, resource attributes,
    /// propagation.
    Quality,
    /// Concerns metrics or logs only: traces are not affected.
    OtherSignal,
    /// Tunes the SDK (batching, timeouts, log level); traces still arrive.
    Tuning,
}

/// Every variable the SDKs read, with what it does. Used to spot a misspelled name, which the
/// SDK silently ignores, and to weigh the mistake by what the variable was for.
pub const VARIABLES: &[(&str, Effect)] = &[
    (TRACES_EXPORTER, Effect::Delivery),
    (SDK_DISABLED, Effect::Tuning),
    (ENDPOINT, Effect::Delivery),
    (TRACES_ENDPOINT, Effect::Delivery),
    (PROTOCOL, Effect::Delivery),
    (TRACES_PROTOCOL, Effect::Delivery),
    (HEADERS, Effect::Delivery),
    (TRACES_HEADERS, Effect::Delivery),
    (SERVICE_NAME, Effect::Quality),
    (RESOURCE_ATTRIBUTES, Effect::Quality),
    (TRACES_SAMPLER, Effect::Delivery),
    (TRACES_SAMPLER_ARG, Effect::Delivery),
    ("OTEL_CONFIG_FILE", Effect::Delivery),
    ("OTEL_EXPERIMENTAL_CONFIG_FILE", Effect::Delivery),
    ("OTEL_PROPAGATORS", Effect::Quality),
    ("OTEL_EXPORTER_OTLP_INSECURE", Effect::Delivery),
    ("OTEL_EXPORTER_OTLP_CERTIFICATE", Effect::Delivery),
    ("OTEL_EXPORTER_OTLP_TRACES_INSECURE", Effect::Delivery),
    ("OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", Effect::Delivery),
    ("OTEL_EXPORTER_OTLP_TIMEOUT", Effect::Tuning),
    ("OTEL_EXPORTER_OTLP_COMPRESSION", Effect::Tuning),
    ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", Effect::Tuning),
    ("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", Effect::Tuning),
    ("OTEL_METRICS_EXPORTER", Effect::OtherSignal),
    ("OTEL_LOGS_EXPORTER", Effect::OtherSignal),
    ("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", Effect::OtherSignal),
    ("OTEL_EXPORTER_OTLP_METRICS_HEADERS", Effect::OtherSignal),
    ("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", Effect::OtherSignal),
    ("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", Effect::OtherSignal),
    ("OTEL_EXPORTER_OTLP_LOGS_HEADERS", Effect::OtherSignal),
    ("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", Effect::OtherSignal),
    ("OTEL_BSP_SCHEDULE_DELAY", Effect::Tuning),
    ("OTEL_BSP_MAX_QUEUE_SIZE", Effect::Tuning),
    ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", Effect::Tuning),
    ("OTEL_BSP_EXPORT_TIMEOUT", Effect::Tuning),
    ("OTEL_LOG_LEVEL", Effect::Tuning),
    (
        "OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED",
        Effect::OtherSignal,
    ),
    ("OTEL_PYTHON_DISABLED_INSTRUMENTATIONS", Effect::Quality),
    ("OTEL_PYTHON_EXCLUDED_URLS", Effect::Tuning),
];

/// What a known variable does.
pub fn effect_of(name: &str) -> Option<Effect> {
    VARIABLES
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, effect)| *effect)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    Grpc,
    HttpProtobuf,
    HttpJson,
}

impl Protocol {
    pub fn parse(value: &str) -> Option<Protocol> {
        match value.trim() {
            "grpc" => Some(Protocol::Grpc),
            "http/protobuf" => Some(Protocol::HttpProtobuf),
            "http/json" => Some(Protocol::HttpJson),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Grpc => "grpc",
            Protocol::HttpProtobuf => "http/protobuf",
            Protocol::HttpJson => "http/json",
        }
    }

    pub fn is_http(self) -> bool {
        self != Protocol::Grpc
    }

    /// The OTLP port for this protocol (spec defaults: gRPC 4317, HTTP 4318).
    pub fn default_port(self) -> u16 {
        match self {
            Protocol::Grpc => 4317,
            Protocol::HttpProtobuf | Protocol::HttpJson => 4318,
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The protocol an SDK uses when `OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL` is unset, per language:
/// the Node.js SDK and the Java agent (2.x) default to http/protobuf, as the spec recommends;
/// .NET to gRPC; Ruby and PHP speak http/protobuf. Python reads the environment only through
/// a distribution (opentelemetry-distro and Honeycomb's default to gRPC), so without one there
/// is no default to speak of; Go's depends on the exporter package it imports.
pub fn default_protocol(language: Language) -> Option<Protocol> {
    match language {
        Language::DotNet => Some(Protocol::Grpc),
        Language::Node | Language::Java | Language::Ruby | Language::Php => {
            Some(Protocol::HttpProtobuf)
        }
        _ => None,
    }
}

/// Whether an exporter (and an SDK) built in code reads the `OTEL_*` variables for what the
/// code leaves unset. Python's, Node's, Go's and .NET's do; Java's builders never do
/// (`OtlpGrpcSpanExporter.builder()` defaults to `http://localhost:4317`, `Resource.getDefault()`
/// to `unknown_service:java`): only the autoconfigure module and the agent read the
/// environment.
pub fn code_sdk_reads_environment(language: Language) -> bool {
    language != Language::Java
}

/// The protocol of an exporter built in code that reads `OTEL_EXPORTER_OTLP_PROTOCOL` when
/// the variable is unset: .NET's `AddOtlpExporter` (gRPC on .NET 5 and later; .NET Framework
/// builds, rare in containers, default to http/protobuf). Other languages' exporter classes
/// speak the protocol of their package.
pub fn code_exporter_protocol(language: Language) -> Option<Protocol> {
    (language == Language::DotNet).then_some(Protocol::Grpc)
}

/// Whether an image runs an OpenTelemetry Collector (any distribution, or a vendor's build
/// of it): its variables configure the collector, not an SDK.
pub fn is_collector_image(image: &str) -> bool {
    let lower = image.to_ascii_lowercase();
    [
        "opentelemetry-collector",
        "otelcol",
        "otel-collector",
        "grafana/alloy",
        "refinery",
    ]
    .iter()
    .any(|name| lower.contains(name))
}

/// The SDK's default endpoint when none is configured: a collector on the same host.
pub fn default_endpoint(protocol: Protocol) -> String {
    match protocol {
        Protocol::Grpc => "http://localhost:4317".into(),
        _ => "http://localhost:4318/v1/traces".into(),
    }
}

/// The URL the trace exporter posts to. A signal-specific endpoint is used as is; the generic
/// one gets `/v1/traces` appended for HTTP (spec; Python's `_append_trace_path`). gRPC uses
/// only scheme, host and port.
pub fn traces_url(endpoint: &str, signal_specific: bool, protocol: Protocol) -> String {
    let endpoint = endpoint.trim();
    if signal_specific || protocol == Protocol::Grpc {
        endpoint.to_string()
    } else if endpoint.ends_with('/') {
        format!("{endpoint}v1/traces")
    } else {
        format!("{endpoint}/v1/traces")
    }
}

/// The URL the trace exporter posts to, for an SDK that appends `/v1/traces` to the generic
/// endpoint only when it is not there already (.NET's `AppendPathIfNotPresent`) when
/// `append_once`, else as `traces_url`.
pub fn traces_url_for(
    endpoint: &str,
    signal_specific: bool,
    protocol: Protocol,
    append_once: bool,
) -> String {
    let has_path = endpoint.trim().trim_end_matches('/').ends_with(TRACES_PATH);
    if append_once && has_path && protocol.is_http() {
        return endpoint.trim().to_string();
    }
    traces_url(endpoint, signal_specific, protocol)
}

/// Whether a language's SDK appends `/v1/traces` to the generic endpoint only when it is
/// missing: .NET's does (`OtlpExporterOptionsExtensions.AppendPathIfNotPresent`); the spec,
/// Python's, Node's and Java's always append it.
pub fn appends_path_once(language: Language) -> bool {
    language == Language::DotNet
}

/// The path of the traces signal on an OTLP/HTTP endpoint.
pub const TRACES_PATH: &str = "/v1/traces";

/// An endpoint as a URL, read the way the SDKs read it: gRPC accepts a bare `host:port`
/// (opentelemetry-python treats it as TLS); HTTP needs a scheme. `None` if it is not a URL.
pub fn endpoint_url(value: &str, protocol: Protocol) -> Option<url::Url> {
    let value = value.trim();
    let url = if value.contains("://") {
        url::Url::parse(value).ok()?
    } else if protocol == Protocol::Grpc {
        url::Url::parse(&format!("https://{value}")).ok()?
    } else {
        return None;
    };
    (matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty()))
        .then_some(url)
}

/// Whether a host is this machine (inside a container: the container itself).
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.starts_with("127.")
        || host == "::1"
        || host == "0.0.0.0"
}

/// A header the exporter will send: name lowercased, value as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// A `name=value` pair the SDK drops (opentelemetry-python only logs a warning).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DroppedHeader {
    pub pair: String,
    pub reason: &'static str,
}

/// Parses an `OTEL_EXPORTER_OTLP_HEADERS` value as opentelemetry-python's OTLP exporters do
/// (`parse_env_headers(s, liberal=True)` in `opentelemetry/util/re.py`): pairs split at commas,
/// a pair matching the spec's grammar is URL-decoded, one that matches only when spaces are
/// allowed in the value is taken as is, anything else is dropped with a warning nobody reads.
pub fn parse_headers(value: &str) -> (Vec<Header>, Vec<DroppedHeader>) {
    let mut headers: Vec<Header> = Vec::new();
    let mut dropped = Vec::new();
    for pair in value.split(',') {
        let pair = pair.trim_matches([' ', '\t']);
        if pair.is_empty() {
            continue;
        }
        match parse_pair(pair) {
            Ok(header) => {
                headers.retain(|h| h.name != header.name);
                headers.push(header);
            }
            Err(reason) => dropped.push(DroppedHeader {
                pair: pair.to_string(),
                reason,
            }),
        }
    }
    (headers, dropped)
}

fn parse_pair(pair: &str) -> Result<Header, &'static str> {
    let Some((name, value)) = pair.split_once('=') else {
        return Err(if pair.contains(':') {
            "uses `:` where the syntax wants `=`"
        } else {
            "has no `=`"
        });
    };
    let name = name.trim_matches([' ', '\t']);
    let value = value.trim_matches([' ', '\t']);
    if name.is_empty() || !name.bytes().all(is_key_byte) {
        return Err(if name.contains(['"', '\'']) {
            "has quotes in the header name"
        } else {
            "has a header name with characters a header name cannot have"
        });
    }
    if value.bytes().all(is_value_byte) {
        Ok(Header {
            name: percent_decode(name).to_ascii_lowercase(),
            value: percent_decode(value),
        })
    } else if value.bytes().all(|b| b == b' ' || is_value_byte(b)) {
        Ok(Header {
            name: name.to_ascii_lowercase(),
            value: value.to_string(),
        })
    } else if value.contains('"') {
        Err("has a double quote in the value (quotes are not syntax here; remove them)")
    } else {
        Err("has characters that must be URL-encoded (`;`, `\\`, non-ASCII)")
    }
}

/// `_KEY_FORMAT` of opentelemetry-python: printable ASCII except SP and `"(),/:;<=>?@[\]{}`.
fn is_key_byte(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x27 | 0x2a | 0x2b | 0x2d | 0x2e | 0x30..=0x39 | 0x41..=0x5a | 0x5e..=0x7a | 0x7c | 0x7e)
}

/// `_VALUE_FORMAT`: printable ASCII except SP, `"`, `,`, `;` and `\`.
fn is_value_byte(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x2b | 0x2d..=0x3a | 0x3c..=0x5b | 0x5d..=0x7e)
}

/// URL-decodes `%XX` sequences (Python's `unquote`: invalid sequences stay as written).
fn percent_decode(text: &str) -> String {
    // Every rule asks for the headers: most values have nothing to decode.
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The name a `opentelemetry-instrument --flag` sets: the CLI generates one flag per `OTEL_*`
/// variable, named after it in lowercase without the prefix (`--traces_exporter`).
pub fn variable_for_instrument_flag(flag: &str) -> Option<String> {
    let name = flag.strip_prefix("--")?;
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    Some(format!("OTEL_{}", name.to_ascii_uppercase()))
}

/// A header value as the `name=value,...` syntax of the headers variables wants it: what is
/// not an unreserved URL character percent-encoded (the SDKs decode it).
pub fn encode_header_value(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// Whether a variable holds OTLP headers (`k=v,k=v`), whose values may be keys.
pub fn is_headers_variable(name: &str) -> bool {
    name.starts_with("OTEL_EXPORTER_OTLP_") && name.ends_with("HEADERS")
}

/// Variables that decide how a language's SDK or auto-instrumentation starts, besides
/// `OTEL_*`: opentelemetry-instrument works through `PYTHONPATH` (sitecustomize) and Flask's
/// debug reloader loses it; Node loads its SDK with `NODE_OPTIONS=--require ...`; Java's agent
/// comes in with `JAVA_TOOL_OPTIONS=-javaagent:...`; .NET's with the CLR profiler and startup
/// hook variables.
const LANGUAGE_VARIABLES: &[(&str, &[&str])] = &[
    ("python", &["PYTHONPATH", "FLASK_DEBUG"]),
    ("node", &["NODE_OPTIONS"]),
    ("java", &["JAVA_TOOL_OPTIONS", "JAVA_OPTS"]),
    (
        "dotnet",
        &[
            "CORECLR_ENABLE_PROFILING",
            "CORECLR_PROFILER",
            "CORECLR_PROFILER_PATH",
            "DOTNET_STARTUP_HOOKS",
            "DOTNET_ADDITIONAL_DEPS",
            "DOTNET_SHARED_STORE",
        ],
    ),
    ("ruby", &["RUBYOPT"]),
];

/// Whether the OpenTelemetry SDK of a language (by `Language::name`) reads a variable:
/// `OTEL_*`, the Honeycomb distros' `HONEYCOMB_*`, and the language's own.
pub fn read_by_sdk(name: &str, language: Option<&str>) -> bool {
    name.starts_with("OTEL_")
        || name.starts_with("HONEYCOMB_")
        || LANGUAGE_VARIABLES
            .iter()
            .any(|(l, names)| Some(*l) == language && names.contains(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sdk_reads_otel_honeycomb_and_its_languages_own_variables() {
        assert!(read_by_sdk("OTEL_SERVICE_NAME", None));
        assert!(read_by_sdk("HONEYCOMB_API_KEY", Some("go")));
        assert!(read_by_sdk("PYTHONPATH", Some("python")));
        assert!(read_by_sdk("NODE_OPTIONS", Some("node")));
        assert!(read_by_sdk("JAVA_TOOL_OPTIONS", Some("java")));
        assert!(!read_by_sdk("NODE_OPTIONS", Some("python")));
        assert!(!read_by_sdk("DATABASE_URL", Some("python")));
        assert!(is_headers_variable("OTEL_EXPORTER_OTLP_TRACES_HEADERS"));
        assert!(!is_headers_variable("OTEL_SERVICE_NAME"));
    }

    fn names(value: &str) -> Vec<(String, String)> {
        parse_headers(value)
            .0
            .into_iter()
            .map(|h| (h.name, h.value))
            .collect()
    }

    #[test]
    fn headers_follow_python() {
        assert_eq!(
            names("x-honeycomb-team=abc, X-Honeycomb-Dataset = d%20s"),
            [
                ("x-honeycomb-team".into(), "abc".into()),
                ("x-honeycomb-dataset".into(), "d s".into())
            ]
        );
        assert_eq!(names("a=b c"), [("a".into(), "b c".into())]);
        assert_eq!(names("a=x=y"), [("a".into(), "x=y".into())]);
        assert_eq!(names("a=1,a=2"), [("a".into(), "2".into())]);
        assert_eq!(names(""), []);
    }

    #[test]
    fn malformed_pairs_are_dropped_with_a_reason() {
        let (headers, dropped) = parse_headers("x-honeycomb-team:abc");
        assert!(headers.is_empty());
        assert_eq!(dropped[0].reason, "uses `:` where the syntax wants `=`");
        let (_, dropped) = parse_headers("x-honeycomb-team=\"abc\"");
        assert!(dropped[0].reason.starts_with("has a double quote"));
        let (_, dropped) = parse_headers("\"x-honeycomb-team=abc\"");
        assert_eq!(dropped[0].reason, "has quotes in the header name");
        let (_, dropped) = parse_headers("a=b;c");
        assert!(dropped[0].reason.contains("URL-encoded"));
    }

    #[test]
    fn endpoint_paths() {
        assert_eq!(
            traces_url("https://api.honeycomb.io", false, Protocol::HttpProtobuf),
            "https://api.honeycomb.io/v1/traces"
        );
        assert_eq!(
            traces_url("https://api.honeycomb.io/", false, Protocol::HttpProtobuf),
            "https://api.honeycomb.io/v1/traces"
        );
        assert_eq!(
            traces_url("https://x/v1/traces", false, Protocol::HttpJson),
            "https://x/v1/traces/v1/traces"
        );
        assert_eq!(
            traces_url("https://x:4318", true, Protocol::HttpProtobuf),
            "https://x:4318"
        );
        assert_eq!(
            traces_url("https://api.honeycomb.io:443", false, Protocol::Grpc),
            "https://api.honeycomb.io:443"
        );
    }

    #[test]
    fn endpoints_as_urls() {
        let url = endpoint_url("https://api.honeycomb.io", Protocol::HttpProtobuf).unwrap();
        assert_eq!(url.host_str(), Some("api.honeycomb.io"));
        assert_eq!(
            endpoint_url("api.honeycomb.io:443", Protocol::Grpc)
                .unwrap()
                .port_or_known_default(),
            Some(443)
        );
        assert!(endpoint_url("api.honeycomb.io", Protocol::HttpProtobuf).is_none());
        assert!(endpoint_url("\"https://x\"", Protocol::HttpProtobuf).is_none());
        assert!(endpoint_url("ftp://x", Protocol::HttpProtobuf).is_none());
        assert!(
            is_loopback_host("127.0.0.1")
                && is_loopback_host("[::1]")
                && !is_loopback_host("collector")
        );
    }

    #[test]
    fn instrument_flags_name_variables() {
        assert_eq!(
            variable_for_instrument_flag("--traces_exporter").as_deref(),
            Some("OTEL_TRACES_EXPORTER")
        );
        assert_eq!(
            variable_for_instrument_flag("--service_name").as_deref(),
            Some("OTEL_SERVICE_NAME")
        );
        assert_eq!(variable_for_instrument_flag("-x"), None);
        assert_eq!(variable_for_instrument_flag("--a-b"), None);
    }
}

//! What OpenTelemetry's Go packages are and do, for reading a Go service's setup code: which
//! import path builds which exporter, which options of the OTLP exporters set the endpoint,
//! its TLS, path, headers and compression (opentelemetry-go 1.x, `otlpconfig/options.go` and
//! `envconfig.go`), what sets up or shuts down the SDK, which packages instrument which library,
//! which calls keep a program running, and what Honeycomb's `otel-config-go` launcher reads
//! (`otelconfig/otelconfig.go`, `pipelines/trace.go`; `honeycomb-opentelemetry-go`'s vendor
//! options).

use crate::knowledge::otel::Protocol;

pub const OTEL: &str = "go.opentelemetry.io/otel";
pub const SDK_TRACE: &str = "go.opentelemetry.io/otel/sdk/trace";
pub const SDK_RESOURCE: &str = "go.opentelemetry.io/otel/sdk/resource";
/// `otlptrace.New(ctx, client)`: an exporter around a client made by `otlptracegrpc.NewClient`
/// or `otlptracehttp.NewClient`.
pub const OTLPTRACE: &str = "go.opentelemetry.io/otel/exporters/otlp/otlptrace";
pub const OTLPTRACEGRPC: &str = "go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc";
pub const OTLPTRACEHTTP: &str = "go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp";
/// Honeycomb's launcher: `otelconfig.ConfigureOpenTelemetry(opts...)` builds the exporter and
/// the provider from its options and the environment.
pub const OTELCONFIG: &str = "github.com/honeycombio/otel-config-go/otelconfig";
/// Honeycomb's distribution: importing it gives `otelconfig` Honeycomb's defaults (its `init`).
pub const HONEYCOMB_DISTRO: &str = "github.com/honeycombio/honeycomb-opentelemetry-go";

/// What an exporter package's constructor builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exporter {
    Otlp(Protocol),
    Console,
    /// Another backend, by name.
    Backend(&'static str),
    /// `autoexport.NewSpanExporter`: the exporter `OTEL_TRACES_EXPORTER` names (`otlp` by
    /// default, over `OTEL_EXPORTER_OTLP_PROTOCOL`, http/protobuf by default).
    FromEnvironment,
}

/// `(import path, constructors, what they build)`.
pub const EXPORTERS: &[(&str, &[&str], Exporter)] = &[
    (
        OTLPTRACEGRPC,
        &["New", "NewClient", "NewUnstarted"],
        Exporter::Otlp(Protocol::Grpc),
    ),
    (
        OTLPTRACEHTTP,
        &["New", "NewClient", "NewUnstarted"],
        Exporter::Otlp(Protocol::HttpProtobuf),
    ),
    (
        "go.opentelemetry.io/otel/exporters/stdout/stdouttrace",
        &["New"],
        Exporter::Console,
    ),
    (
        "go.opentelemetry.io/otel/exporters/zipkin",
        &["New"],
        Exporter::Backend("Zipkin"),
    ),
    // Removed in opentelemetry-go 1.17 (Jaeger takes OTLP); still in older modules.
    (
        "go.opentelemetry.io/otel/exporters/jaeger",
        &["New"],
        Exporter::Backend("Jaeger"),
    ),
    (
        "go.opentelemetry.io/contrib/exporters/autoexport",
        &["NewSpanExporter"],
        Exporter::FromEnvironment,
    ),
];

/// Where an exporter sends when nothing sets it: Zipkin's and Jaeger's collectors on this host.
pub fn backend_default(name: &str) -> Option<&'static str> {
    match name {
        "Zipkin" => Some("http://localhost:9411/api/v2/spans"),
        "Jaeger" => Some("http://localhost:14268/api/traces"),
        _ => None,
    }
}

/// What an option of the OTLP exporters (`otlptracegrpc.WithX`, `otlptracehttp.WithX`) sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtlpOption {
    /// `WithEndpoint("host:port")`: the host and port only, never a URL.
    Endpoint,
    /// `WithEndpointURL("http://host:port/path")`: scheme (TLS or not), host, port and path.
    EndpointUrl,
    Insecure,
    /// `WithTLSCredentials`, `WithTLSClientConfig`: TLS (the default).
    Secure,
    UrlPath,
    Headers,
    Compression,
}

pub const OTLP_OPTIONS: &[(&str, OtlpOption)] = &[
    ("WithEndpoint", OtlpOption::Endpoint),
    ("WithEndpointURL", OtlpOption::EndpointUrl),
    ("WithInsecure", OtlpOption::Insecure),
    ("WithTLSCredentials", OtlpOption::Secure),
    ("WithTLSClientConfig", OtlpOption::Secure),
    ("WithURLPath", OtlpOption::UrlPath),
    ("WithHeaders", OtlpOption::Headers),
    ("WithCompression", OtlpOption::Compression),
    ("WithCompressor", OtlpOption::Compression),
];

pub fn otlp_option(name: &str) -> Option<OtlpOption> {
    OTLP_OPTIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, option)| *option)
}

/// The OTLP/HTTP exporter's path when nothing sets one.
pub const DEFAULT_TRACES_PATH: &str = "/v1/traces";

/// What the SDK package's calls do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SdkCall {
    /// `sdktrace.NewTracerProvider(opts...)`.
    NewProvider,
    /// `sdktrace.WithBatcher(exp)`, `WithSyncer(exp)`: an exporter behind a span processor.
    WithExporter,
    /// `sdktrace.NewBatchSpanProcessor(exp)`, `NewSimpleSpanProcessor(exp)`.
    NewProcessor,
    WithResource,
}

pub const SDK_CALLS: &[(&str, SdkCall)] = &[
    ("NewTracerProvider", SdkCall::NewProvider),
    ("WithBatcher", SdkCall::WithExporter),
    ("WithSyncer", SdkCall::WithExporter),
    ("NewBatchSpanProcessor", SdkCall::NewProcessor),
    ("NewSimpleSpanProcessor", SdkCall::NewProcessor),
    ("WithResource", SdkCall::WithResource),
];

/// Methods of a provider that flush what it holds: a short-lived program must call one.
pub const FLUSH_METHODS: [&str; 2] = ["Shutdown", "ForceFlush"];

/// Methods that start a span (on a tracer).
pub const SPAN_METHODS: [&str; 1] = ["Start"];

/// Packages that instrument a library, by prefix: OpenTelemetry's contrib, and the
/// third-party ones the OpenTelemetry registry lists most.
pub const INSTRUMENTATION_PREFIXES: [&str; 5] = [
    "go.opentelemetry.io/contrib/instrumentation/",
    "github.com/XSAM/otelsql",
    "github.com/uptrace/opentelemetry-go-extra/",
    "github.com/gofiber/contrib/otelfiber",
    "github.com/riandyrn/otelchi",
];

/// Web frameworks, the instrumentation that makes request spans for each, and the line that
/// adds it: `(framework import path, instrumentation import path, setup)`.
pub const FRAMEWORKS: &[(&str, &str, &str)] = &[
    (
        "github.com/gin-gonic/gin",
        "go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin",
        "router.Use(otelgin.Middleware(\"SERVICE\"))",
    ),
    (
        "github.com/labstack/echo/v4",
        "go.opentelemetry.io/contrib/instrumentation/github.com/labstack/echo/otelecho",
        "e.Use(otelecho.Middleware(\"SERVICE\"))",
    ),
    (
        "github.com/gorilla/mux",
        "go.opentelemetry.io/contrib/instrumentation/github.com/gorilla/mux/otelmux",
        "r.Use(otelmux.Middleware(\"SERVICE\"))",
    ),
    (
        "github.com/gofiber/fiber/v2",
        "github.com/gofiber/contrib/otelfiber",
        "app.Use(otelfiber.Middleware())",
    ),
    (
        "github.com/go-chi/chi/v5",
        "github.com/riandyrn/otelchi",
        "r.Use(otelchi.Middleware(\"SERVICE\", otelchi.WithChiRoutes(r)))",
    ),
];

/// The framework an import path is, with its instrumentation and setup line.
pub fn framework(path: &str) -> Option<(&'static str, &'static str)> {
    FRAMEWORKS
        .iter()
        .find(|(framework, _, _)| *framework == path)
        .map(|(_, instrumentation, setup)| (*instrumentation, *setup))
}

/// Methods that keep a program serving until it is stopped (`net/http`, `grpc`): such a
/// program is not short-lived. By the method's name, whatever it is called on.
pub const SERVING_METHODS: [&str; 4] = ["ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS"];

/// Methods of the web frameworks' servers that serve until stopped (gin's `Run`, echo's
/// `Start`, fiber's `Listen`): counted in a file that imports a framework.
pub const FRAMEWORK_SERVING_METHODS: [&str; 4] = ["Run", "RunTLS", "Start", "Listen"];

/// A program that waits for a signal to stop runs until it is stopped.
pub const SIGNAL: &str = "os/signal";

/// Whether an import path is OpenTelemetry's (or Honeycomb's distribution for it).
pub fn is_otel_import(path: &str) -> bool {
    path == OTEL
        || path.starts_with("go.opentelemetry.io/")
        || path.starts_with("github.com/honeycombio/otel-config-go")
        || path.starts_with(HONEYCOMB_DISTRO)
        || is_instrumentation(path)
}

pub fn is_instrumentation(path: &str) -> bool {
    INSTRUMENTATION_PREFIXES
        .iter()
        .any(|prefix| path.starts_with(prefix))
}

/// What `otel-config-go` does, from `otelconfig.go`: its options in code, the variables it
/// reads (which win over the options: it applies the environment last), and its defaults.
pub mod otelconfig {
    use crate::knowledge::otel::Protocol;

    /// Without `honeycomb-opentelemetry-go`, the endpoint is `localhost` (port by protocol).
    pub const DEFAULT_HOST: &str = "localhost";
    /// `honeycomb-opentelemetry-go`'s `DefaultExporterEndpoint`.
    pub const HONEYCOMB_ENDPOINT: &str = "api.honeycomb.io:443";
    /// `OTEL_EXPORTER_OTLP_PROTOCOL` defaults to grpc; http/json is refused at start.
    pub const DEFAULT_PROTOCOL: Protocol = Protocol::Grpc;

    /// What an option of `otelconfig` (or of Honeycomb's distribution) sets.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Setting {
        Endpoint,
        TracesEndpoint,
        Insecure,
        TracesInsecure,
        Protocol,
        TracesProtocol,
        Headers,
        TracesHeaders,
        ServiceName,
        /// Honeycomb's `WithApiKey`/`WithTracesApiKey`: the `x-honeycomb-team` header.
        ApiKey,
        /// Honeycomb's `WithDataset`/`WithTracesDataset`: the `x-honeycomb-dataset` header.
        Dataset,
        TracesEnabled,
    }

    /// `(option, setting)`: `otelconfig.WithX` and `honeycomb.WithX`.
    pub const OPTIONS: &[(&str, Setting)] = &[
        ("WithExporterEndpoint", Setting::Endpoint),
        ("WithTracesExporterEndpoint", Setting::TracesEndpoint),
        ("WithExporterInsecure", Setting::Insecure),
        ("WithTracesExporterInsecure", Setting::TracesInsecure),
        ("WithExporterProtocol", Setting::Protocol),
        ("WithTracesExporterProtocol", Setting::TracesProtocol),
        ("WithHeaders", Setting::Headers),
        ("WithTracesHeaders", Setting::TracesHeaders),
        ("WithServiceName", Setting::ServiceName),
        ("WithApiKey", Setting::ApiKey),
        ("WithTracesApiKey", Setting::ApiKey),
        ("WithDataset", Setting::Dataset),
        ("WithTracesDataset", Setting::Dataset),
        ("WithTracesEnabled", Setting::TracesEnabled),
    ];

    /// The variables it reads over the options, per setting (traces-specific first).
    pub const VARIABLES: &[(Setting, &str)] = &[
        (
            Setting::TracesEndpoint,
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        ),
        (Setting::Endpoint, "OTEL_EXPORTER_OTLP_ENDPOINT"),
        (
            Setting::TracesInsecure,
            "OTEL_EXPORTER_OTLP_TRACES_INSECURE",
        ),
        (Setting::Insecure, "OTEL_EXPORTER_OTLP_INSECURE"),
        (
            Setting::TracesProtocol,
            "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
        ),
        (Setting::Protocol, "OTEL_EXPORTER_OTLP_PROTOCOL"),
        (Setting::TracesHeaders, "OTEL_EXPORTER_OTLP_TRACES_HEADERS"),
        (Setting::Headers, "OTEL_EXPORTER_OTLP_HEADERS"),
        (Setting::ServiceName, "OTEL_SERVICE_NAME"),
        (Setting::TracesEnabled, "OTEL_TRACES_ENABLED"),
    ];

    /// The variables `honeycomb-opentelemetry-go` reads, applied before the code's options.
    pub const HONEYCOMB_VARIABLES: &[(Setting, &str)] = &[
        (Setting::TracesEndpoint, "HONEYCOMB_TRACES_API_ENDPOINT"),
        (Setting::Endpoint, "HONEYCOMB_API_ENDPOINT"),
        (Setting::ApiKey, "HONEYCOMB_TRACES_APIKEY"),
        (Setting::ApiKey, "HONEYCOMB_API_KEY"),
        (Setting::Dataset, "HONEYCOMB_TRACES_DATASET"),
        (Setting::Dataset, "HONEYCOMB_DATASET"),
    ];

    pub fn option(name: &str) -> Option<Setting> {
        OPTIONS.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
    }

    /// The port it adds to a host written without one.
    pub fn default_port(protocol: Protocol) -> u16 {
        match protocol {
            Protocol::Grpc => 4317,
            _ => 4318,
        }
    }

    /// `otelconfig.ProtocolGRPC`, `ProtocolHTTPProto`, `ProtocolHTTPJSON`, as a protocol.
    pub fn protocol_constant(name: &str) -> Option<Protocol> {
        match name {
            "ProtocolGRPC" => Some(Protocol::Grpc),
            "ProtocolHTTPProto" => Some(Protocol::HttpProtobuf),
            "ProtocolHTTPJSON" => Some(Protocol::HttpJson),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exporters_and_options_by_name() {
        let built = |path: &str| {
            EXPORTERS
                .iter()
                .find(|(p, _, _)| *p == path)
                .map(|(_, _, e)| *e)
        };
        assert_eq!(
            built(OTLPTRACEHTTP),
            Some(Exporter::Otlp(Protocol::HttpProtobuf))
        );
        assert_eq!(
            built("go.opentelemetry.io/otel/exporters/zipkin"),
            Some(Exporter::Backend("Zipkin"))
        );
        assert_eq!(otlp_option("WithEndpoint"), Some(OtlpOption::Endpoint));
        assert_eq!(otlp_option("WithTimeout"), None);
        assert!(is_otel_import(
            "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
        ));
        assert!(is_instrumentation("github.com/XSAM/otelsql"));
        assert!(!is_otel_import("github.com/gin-gonic/gin"));
        assert_eq!(
            otelconfig::option("WithExporterInsecure"),
            Some(otelconfig::Setting::Insecure)
        );
    }
}

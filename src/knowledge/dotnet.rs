//! .NET's OpenTelemetry SDK as its code sets it up, and its zero-code auto-instrumentation.
//! From opentelemetry-dotnet (`OtlpExporterOptions`, `OtlpExportClient`,
//! `OpenTelemetryBuilderOtlpExporterExtensions`), opentelemetry-dotnet-instrumentation and
//! Honeycomb's distribution (`Honeycomb.OpenTelemetry`'s `HoneycombOptions`).

use crate::knowledge::clike::Readers;
use crate::knowledge::otel::Protocol;

/// How C# code reads its configuration: the environment, and `IConfiguration`
/// (`builder.Configuration["Otlp:Endpoint"]`, `GetValue<string>(...)`).
pub const READERS: Readers = Readers {
    env: &[
        "Environment.GetEnvironmentVariable",
        "System.Environment.GetEnvironmentVariable",
    ],
    coalesce: &[],
    wrappers: &["Uri", "System.Uri"],
    configuration: Some(("Configuration", &["GetValue", "GetConnectionString"])),
};

/// `AddOtlpExporter()`: an OTLP exporter built from `OtlpExporterOptions`. It reads only the
/// generic `OTEL_EXPORTER_OTLP_*` variables (its options are shared by every signal), and
/// appends `/v1/traces` to `OTEL_EXPORTER_OTLP_ENDPOINT` over HTTP, but not to an
/// `Endpoint` set in code.
pub const OTLP_EXPORTER: &str = "AddOtlpExporter";

/// `UseOtlpExporter()` (1.8 and later): one OTLP exporter for every signal, reading the
/// generic and the traces variables; `UseOtlpExporter(protocol, baseUrl)` appends
/// `/v1/traces` to the base URL over HTTP.
pub const USE_OTLP_EXPORTER: &str = "UseOtlpExporter";

pub const CONSOLE_EXPORTER: &str = "AddConsoleExporter";

/// The options an exporter's lambda sets (`o.Endpoint = new Uri(...)`).
pub const ENDPOINT_OPTION: &str = "Endpoint";
pub const PROTOCOL_OPTION: &str = "Protocol";
pub const HEADERS_OPTION: &str = "Headers";

/// The `OtlpExportProtocol` members.
pub fn protocol_of(member: &str) -> Option<Protocol> {
    match member.rsplit('.').next()? {
        "Grpc" => Some(Protocol::Grpc),
        "HttpProtobuf" => Some(Protocol::HttpProtobuf),
        _ => None,
    }
}

/// Calls that set the SDK up (the hosting extensions, the SDK's builder, the older hosting
/// API).
pub const SDK_SETUP_CALLS: [&str; 4] = [
    "AddOpenTelemetry",
    "CreateTracerProviderBuilder",
    "AddOpenTelemetryTracing",
    "UseOpenTelemetry",
];

/// Calls whose lambda (or chain) configures metrics or logs, not traces: an exporter added
/// inside one exports no span.
pub const OTHER_SIGNALS: [&str; 7] = [
    "WithMetrics",
    "WithLogging",
    "AddOpenTelemetryMetrics",
    "CreateMeterProviderBuilder",
    "ConfigureOpenTelemetryMeterProvider",
    "ConfigureOpenTelemetryLoggerProvider",
    "AddOpenTelemetryLogging",
];

/// `ConfigureResource(r => r.AddService("name"))`: the call that names the service.
pub const NAMES_SERVICE: &str = "AddService";

/// `activitySource.StartActivity(...)`: a span.
pub const STARTS_SPAN: &str = "StartActivity";

/// Honeycomb's distribution: `AddHoneycomb(options)`, with `HoneycombOptions` from code or
/// from the `Honeycomb` section of the settings; its options by the names Honeycomb's
/// distributions share.
pub const HONEYCOMB_SETUP: &str = "AddHoneycomb";
pub const HONEYCOMB_SECTION: &str = "Honeycomb";
pub const HONEYCOMB_OPTIONS: [(&str, &str); 6] = [
    ("ApiKey", "apikey"),
    ("TracesApiKey", "traces_apikey"),
    ("Endpoint", "endpoint"),
    ("TracesEndpoint", "traces_endpoint"),
    ("Dataset", "dataset"),
    ("ServiceName", "service_name"),
];

/// The variables that choose the settings file of an environment (`appsettings.{name}.json`);
/// ASP.NET Core reads the first, the generic host the second, and the default is
/// `Production`.
pub const ENVIRONMENT_VARIABLES: [&str; 2] = ["ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT"];
pub const DEFAULT_ENVIRONMENT: &str = "Production";

/// The environment variable .NET's configuration reads for a key (`Otlp:Endpoint` is
/// `Otlp__Endpoint`).
pub fn configuration_variable(key: &str) -> String {
    key.replace(':', "__")
}

/// The CLR profiler of OpenTelemetry's zero-code auto-instrumentation
/// (`OpenTelemetry.AutoInstrumentation.Native`), as `CORECLR_PROFILER` names it.
pub const AUTO_INSTRUMENTATION_PROFILER: &str = "{918728DD-259F-4A6A-AC2B-B85E1B658318}";

/// Variables that turn the auto-instrumentation on: the profiler, or its home folder (which
/// `instrument.sh` sets).
pub const AUTO_INSTRUMENTATION_HOME: &str = "OTEL_DOTNET_AUTO_HOME";

/// The script that starts a program with the auto-instrumentation.
pub const AUTO_INSTRUMENTATION_SCRIPT: &str = "instrument.sh";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_and_configuration_variables() {
        assert_eq!(
            protocol_of("OtlpExportProtocol.HttpProtobuf"),
            Some(Protocol::HttpProtobuf)
        );
        assert_eq!(protocol_of("Grpc"), Some(Protocol::Grpc));
        assert_eq!(protocol_of("Other"), None);
        assert_eq!(configuration_variable("Otlp:Endpoint"), "Otlp__Endpoint");
    }
}

//! The OpenTelemetry packages of the ecosystems read from their dependency lists (Go modules,
//! gems, Maven/Gradle artifacts, NuGet packages, Composer packages): which one is only the
//! API, which sets up or brings the SDK, which exporter speaks which protocol, and Honeycomb's
//! own. From each project's documentation and package metadata (opentelemetry-go 1.28–1.40,
//! opentelemetry-ruby sdk 1.x, opentelemetry-java 1.x, opentelemetry-dotnet 1.x,
//! opentelemetry-php 1.x).

use crate::knowledge::Language;
use crate::knowledge::otel::Protocol;

/// A package ecosystem whose dependency lists are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ecosystem {
    Go,
    Ruby,
    Maven,
    Gradle,
    NuGet,
    Composer,
}

impl Ecosystem {
    /// The language whose packages these are.
    pub fn language(self) -> Language {
        match self {
            Ecosystem::Go => Language::Go,
            Ecosystem::Ruby => Language::Ruby,
            Ecosystem::Maven | Ecosystem::Gradle => Language::Java,
            Ecosystem::NuGet => Language::DotNet,
            Ecosystem::Composer => Language::Php,
        }
    }

    /// The ecosystem of a manifest, by its file name.
    pub fn of_file(name: &str) -> Option<Ecosystem> {
        match name {
            "go.mod" => Some(Ecosystem::Go),
            "Gemfile" => Some(Ecosystem::Ruby),
            "pom.xml" => Some(Ecosystem::Maven),
            "build.gradle" | "build.gradle.kts" => Some(Ecosystem::Gradle),
            "composer.json" | "composer.lock" => Some(Ecosystem::Composer),
            _ if name.ends_with(".csproj") => Some(Ecosystem::NuGet),
            _ => None,
        }
    }
}

/// What a package does for tracing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The API only: spans are no-ops until something sets up the SDK.
    Api,
    /// The SDK, which the code (or a starter) sets up.
    Sdk,
    /// An OTLP trace exporter; `Some` when the package speaks one protocol whatever the
    /// environment says, `None` when it reads `OTEL_EXPORTER_OTLP_PROTOCOL`.
    Exporter(Option<Protocol>),
    /// Instruments libraries (or the whole runtime) without code: a starter, a library's
    /// instrumentation.
    AutoInstrumentation,
    /// The Java agent's jar as a build dependency: only `-javaagent:` loads it.
    AgentJar,
    /// Honeycomb's OpenTelemetry distribution (reads `HONEYCOMB_API_KEY`).
    HoneycombDistro,
    /// Honeycomb's classic SDK (Beeline): not OpenTelemetry.
    HoneycombClassic,
}

/// `(ecosystem, package name or prefix ending in `*`, role)`.
const PACKAGES: &[(Ecosystem, &str, Role)] = &[
    (Ecosystem::Go, "go.opentelemetry.io/otel", Role::Api),
    (Ecosystem::Go, "go.opentelemetry.io/otel/trace", Role::Api),
    (Ecosystem::Go, "go.opentelemetry.io/otel/sdk", Role::Sdk),
    (
        Ecosystem::Go,
        "go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc",
        Role::Exporter(Some(Protocol::Grpc)),
    ),
    (
        Ecosystem::Go,
        "go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp",
        Role::Exporter(Some(Protocol::HttpProtobuf)),
    ),
    (
        Ecosystem::Go,
        "go.opentelemetry.io/contrib/exporters/autoexport",
        Role::Exporter(None),
    ),
    (
        Ecosystem::Go,
        "go.opentelemetry.io/contrib/otelconf",
        Role::Sdk,
    ),
    (
        Ecosystem::Go,
        "github.com/honeycombio/otel-config-go",
        Role::HoneycombDistro,
    ),
    (
        Ecosystem::Go,
        "github.com/honeycombio/honeycomb-opentelemetry-go",
        Role::HoneycombDistro,
    ),
    (
        Ecosystem::Go,
        "github.com/honeycombio/beeline-go",
        Role::HoneycombClassic,
    ),
    (Ecosystem::Ruby, "opentelemetry-api", Role::Api),
    (Ecosystem::Ruby, "opentelemetry-sdk", Role::Sdk),
    // The Ruby OTLP exporter speaks only http/protobuf and ignores the protocol variable.
    (
        Ecosystem::Ruby,
        "opentelemetry-exporter-otlp",
        Role::Exporter(Some(Protocol::HttpProtobuf)),
    ),
    (
        Ecosystem::Ruby,
        "opentelemetry-exporter-otlp-grpc",
        Role::Exporter(Some(Protocol::Grpc)),
    ),
    (
        Ecosystem::Ruby,
        "opentelemetry-instrumentation-*",
        Role::AutoInstrumentation,
    ),
    (Ecosystem::Ruby, "honeycomb-beeline", Role::HoneycombClassic),
    (
        Ecosystem::Maven,
        "io.opentelemetry:opentelemetry-api",
        Role::Api,
    ),
    (
        Ecosystem::Maven,
        "io.opentelemetry:opentelemetry-sdk",
        Role::Sdk,
    ),
    (
        Ecosystem::Maven,
        "io.opentelemetry:opentelemetry-sdk-extension-autoconfigure",
        Role::Sdk,
    ),
    (
        Ecosystem::Maven,
        "io.opentelemetry:opentelemetry-exporter-otlp",
        Role::Exporter(None),
    ),
    (
        Ecosystem::Maven,
        "io.opentelemetry.instrumentation:opentelemetry-spring-boot-starter",
        Role::AutoInstrumentation,
    ),
    // Spring Boot sets an SDK up when Micrometer's bridge is on the classpath.
    (
        Ecosystem::Maven,
        "io.micrometer:micrometer-tracing-bridge-otel",
        Role::Sdk,
    ),
    (
        Ecosystem::Maven,
        "io.opentelemetry.javaagent:opentelemetry-javaagent",
        Role::AgentJar,
    ),
    (
        Ecosystem::Maven,
        "io.honeycomb:honeycomb-opentelemetry-sdk",
        Role::HoneycombDistro,
    ),
    (
        Ecosystem::Maven,
        "io.honeycomb:honeycomb-opentelemetry-javaagent",
        Role::AgentJar,
    ),
    (
        Ecosystem::Maven,
        "io.honeycomb.beeline:*",
        Role::HoneycombClassic,
    ),
    (Ecosystem::NuGet, "OpenTelemetry.Api", Role::Api),
    (Ecosystem::NuGet, "OpenTelemetry", Role::Sdk),
    (
        Ecosystem::NuGet,
        "OpenTelemetry.Extensions.Hosting",
        Role::Sdk,
    ),
    (
        Ecosystem::NuGet,
        "OpenTelemetry.Exporter.OpenTelemetryProtocol",
        Role::Exporter(None),
    ),
    (
        Ecosystem::NuGet,
        "OpenTelemetry.AutoInstrumentation",
        Role::AutoInstrumentation,
    ),
    (
        Ecosystem::NuGet,
        "Honeycomb.OpenTelemetry",
        Role::HoneycombDistro,
    ),
    (
        Ecosystem::NuGet,
        "Honeycomb.Beeline*",
        Role::HoneycombClassic,
    ),
    (Ecosystem::Composer, "open-telemetry/api", Role::Api),
    (Ecosystem::Composer, "open-telemetry/sdk", Role::Sdk),
    (
        Ecosystem::Composer,
        "open-telemetry/exporter-otlp",
        Role::Exporter(None),
    ),
    (
        Ecosystem::Composer,
        "open-telemetry/opentelemetry-auto-*",
        Role::AutoInstrumentation,
    ),
];

/// Images of eBPF instrumentation that runs beside the app in its own container
/// (OpenTelemetry Go's auto-instrumentation, Grafana Beyla, Odigos): the app itself then needs
/// no SDK.
pub const SIDECAR_INSTRUMENTATION_IMAGES: &[&str] = &["autoinstrumentation-go", "beyla", "odigos"];

/// Go's declarative configuration: a service with it reads `OTEL_CONFIG_FILE`.
pub const GO_OTELCONF: &str = "go.opentelemetry.io/contrib/otelconf";

/// What a package of an ecosystem does for tracing, if anything.
pub fn role(ecosystem: Ecosystem, name: &str) -> Option<Role> {
    // Gradle and Maven name artifacts alike.
    let ecosystem = match ecosystem {
        Ecosystem::Gradle => Ecosystem::Maven,
        other => other,
    };
    PACKAGES
        .iter()
        .filter(|(e, _, _)| *e == ecosystem)
        .find(|(_, pattern, _)| match pattern.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => *pattern == name,
        })
        .map(|(_, _, role)| *role)
}

/// Whether a package is OpenTelemetry's (or Honeycomb's) at all, known role or not.
pub fn is_otel_package(ecosystem: Ecosystem, name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    role(ecosystem, name).is_some()
        || lower.contains("opentelemetry")
        || lower.starts_with("go.opentelemetry.io/")
        || lower.starts_with("open-telemetry/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_by_ecosystem() {
        assert_eq!(
            role(
                Ecosystem::Go,
                "go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
            ),
            Some(Role::Exporter(Some(Protocol::HttpProtobuf)))
        );
        assert_eq!(
            role(Ecosystem::Gradle, "io.opentelemetry:opentelemetry-api"),
            Some(Role::Api)
        );
        assert_eq!(
            role(Ecosystem::Ruby, "opentelemetry-instrumentation-sinatra"),
            Some(Role::AutoInstrumentation)
        );
        assert_eq!(role(Ecosystem::Ruby, "sinatra"), None);
        assert!(is_otel_package(
            Ecosystem::NuGet,
            "OpenTelemetry.Instrumentation.AspNetCore"
        ));
        assert!(!is_otel_package(Ecosystem::Composer, "slim/slim"));
    }
}

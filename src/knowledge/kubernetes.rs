//! What the OpenTelemetry Operator reads from a pod (opentelemetry-operator,
//! `pkg/instrumentation/annotation.go`, v0.110+).

/// The annotation prefix of injection: `instrumentation.opentelemetry.io/inject-python`.
pub const INJECT_PREFIX: &str = "instrumentation.opentelemetry.io/inject-";

/// What follows the prefix in an injection annotation: the languages (and web servers) the
/// operator injects, and `sdk` (only the SDK's environment).
pub const INJECTED: [&str; 8] = [
    "java",
    "nodejs",
    "python",
    "dotnet",
    "go",
    "apache-httpd",
    "nginx",
    "sdk",
];

/// The annotation that names the containers to inject (else the first one is).
pub const CONTAINER_NAMES: &str = "instrumentation.opentelemetry.io/container-names";

/// The kind of the operator's resource that an injection annotation selects.
pub const INSTRUMENTATION_KIND: &str = "Instrumentation";

/// The Service the operator creates for an `OpenTelemetryCollector` named `name`
/// (`naming.Service`).
pub fn collector_service(name: &str) -> String {
    format!("{name}-collector")
}

//! What the OpenTelemetry Operator reads from a pod (opentelemetry-operator,
//! `pkg/instrumentation/annotation.go`, v0.110+).

use super::otel::Protocol;

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

/// The kind of the operator's collector resource.
pub const COLLECTOR_KIND: &str = "OpenTelemetryCollector";

/// `spec.mode` when a collector resource names none (the operator's defaulting webhook).
pub const DEFAULT_COLLECTOR_MODE: &str = "deployment";

/// The mode in which the collector runs inside the pods that ask for it
/// (`sidecar.opentelemetry.io/inject`): the operator makes no Service for it
/// (`internal/manifests/collector/collector.go`, `Build`).
pub const SIDECAR_MODE: &str = "sidecar";

/// The collector container's name (`naming.Container`).
pub const COLLECTOR_CONTAINER: &str = "otc-container";

/// Where the collector reads its `spec.config`: the operator mounts the generated ConfigMap at
/// `/conf` and passes `--config=/conf/collector.yaml` (`internal/manifests/collector/container.go`,
/// `internal/config`'s `CollectorConfigMapEntry`).
pub const COLLECTOR_CONFIG_PATH: &str = "/conf/collector.yaml";

/// The image a collector resource without `spec.image` runs: the operator's `--collector-image`,
/// by default the core distribution at the operator's own collector version
/// (`internal/config/config.go`). The version depends on the operator release: not known here.
pub const DEFAULT_COLLECTOR_IMAGE: &str =
    "ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector";

/// What each injection annotation injects, as users name it, and the protocol it sends when
/// nothing sets `OTEL_EXPORTER_OTLP_PROTOCOL`: http/protobuf for every auto-instrumentation the
/// operator ships (it sets the variable itself for Python, `internal/instrumentation/python.go`;
/// the Java agent 2.x, Node.js' `auto-instrumentations-node`, .NET's auto-instrumentation and
/// Go's eBPF agent default to it: the operator's `docs/auto-instrumentation/README.md`). The
/// web servers' module and `sdk` are left out: their protocol is not the operator's to choose.
pub fn injected_protocol(injected: &str) -> Option<(&'static str, Protocol)> {
    let name = match injected {
        "java" => "Java agent",
        "nodejs" => "Node.js auto-instrumentation",
        "python" => "Python auto-instrumentation",
        "dotnet" => ".NET auto-instrumentation",
        "go" => "Go auto-instrumentation",
        _ => return None,
    };
    Some((name, Protocol::HttpProtobuf))
}

/// Where each injected language's `env` is in an Instrumentation's spec (`spec.<key>.env`).
pub fn instrumentation_key(injected: &str) -> &str {
    // The spec's keys are camel case.
    if injected == "apache-httpd" {
        "apacheHttpd"
    } else {
        injected
    }
}

/// The annotation that gives Go's eBPF agent the program to attach to: without it (or
/// `OTEL_GO_AUTO_TARGET_EXE` in the Instrumentation's `spec.go.env` or `spec.env`) the operator
/// skips Go injection (`internal/instrumentation/sdk.go`, `injectGo`).
pub const GO_TARGET_EXE: &str = "instrumentation.opentelemetry.io/otel-go-auto-target-exe";

/// The variable that annotation sets.
pub const GO_TARGET_EXE_VARIABLE: &str = "OTEL_GO_AUTO_TARGET_EXE";

/// The annotation that asks for a sidecar-mode OpenTelemetryCollector in the pod
/// (`pkg/sidecar/annotation.go`).
pub const SIDECAR_INJECT: &str = "sidecar.opentelemetry.io/inject";

/// The annotation naming the containers one language is injected into (honoured with the
/// operator's multi-instrumentation; `internal/instrumentation/annotation.go`).
pub fn language_container_names(injected: &str) -> String {
    format!("instrumentation.opentelemetry.io/{injected}-container-names")
}

/// The variables the operator appends its agent to, per injected language: when a container
/// sets one with `valueFrom`, the operator cannot append and skips that language's injection
/// (`validateContainerEnv` in `internal/instrumentation/{javaagent,nodejs,python,dotnet}.go`).
pub fn appended_variables(injected: &str) -> &'static [&'static str] {
    match injected {
        "java" => &["JAVA_TOOL_OPTIONS"],
        "nodejs" => &["NODE_OPTIONS"],
        "python" => &["PYTHONPATH"],
        "dotnet" => &[
            "DOTNET_STARTUP_HOOKS",
            "DOTNET_ADDITIONAL_DEPS",
            "DOTNET_SHARED_STORE",
        ],
        _ => &[],
    }
}

/// The downward API field that gives a container its node's IP (Kubernetes, "Expose Pod
/// Information to Containers Through Environment Variables").
pub const HOST_IP_FIELD: &str = "status.hostIP";

/// The variable the operator gives every container it injects, from `status.hostIP`, ahead of
/// the container's own env (unless the container sets it): `http://$(OTEL_NODE_IP):4318`
/// reaches the node's collector (opentelemetry-operator 0.97.0, #2769,
/// `internal/instrumentation/sdk.go`, `defaultPodNodeEnvVars`).
pub const OPERATOR_NODE_IP: &str = "OTEL_NODE_IP";

/// An `OpenTelemetryCollector`'s mode that runs one collector on every node.
pub const DAEMONSET_MODE: &str = "daemonset";

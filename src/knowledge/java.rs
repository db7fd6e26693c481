//! The Java agents: how the JVM is told to load one (`-javaagent:` in its options, and which
//! variables carry options to which launcher), how an agent jar is named and versioned, and
//! what each version sends by default. From the opentelemetry-java-instrumentation releases
//! (1.x defaulted to gRPC on 4317; 2.0, January 2024, switched to http/protobuf on 4318) and
//! Honeycomb's agent (built on the 1.x line).

use crate::knowledge::clike::Readers;
use crate::knowledge::otel::Protocol;

/// Variables that carry JVM options, and who reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionsReader {
    /// The JVM itself, whatever starts it (`JAVA_TOOL_OPTIONS`; `JDK_JAVA_OPTIONS` for the
    /// `java` launcher of JDK 9 and later).
    Jvm,
    /// Only launch scripts (Gradle's `installDist` scripts, `catalina.sh`, Spring Boot's
    /// launcher) pass it on; `java -jar` never reads it.
    LaunchScripts,
}

pub const OPTION_VARIABLES: &[(&str, OptionsReader)] = &[
    ("JAVA_TOOL_OPTIONS", OptionsReader::Jvm),
    ("JDK_JAVA_OPTIONS", OptionsReader::Jvm),
    ("JAVA_OPTS", OptionsReader::LaunchScripts),
    ("CATALINA_OPTS", OptionsReader::LaunchScripts),
    ("KAFKA_OPTS", OptionsReader::LaunchScripts),
];

/// The variables (and, as system properties, `otel.javaagent.configuration-file`) that point
/// the agent at a `.properties` file of settings: the agent's own, and Honeycomb's agent's.
pub const CONFIGURATION_FILE_VARIABLES: [&str; 2] =
    ["HONEYCOMB_CONFIG_FILE", "OTEL_JAVAAGENT_CONFIGURATION_FILE"];

/// The protocols the agent's exporter speaks (no `http/json`).
pub const PROTOCOLS: &[Protocol] = &[Protocol::Grpc, Protocol::HttpProtobuf];

/// The JVM option that loads an agent.
pub const AGENT_OPTION: &str = "-javaagent:";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentKind {
    OpenTelemetry,
    /// `honeycomb-opentelemetry-javaagent`: reads `HONEYCOMB_API_KEY` and sends to Honeycomb.
    Honeycomb,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agent {
    pub kind: AgentKind,
    /// The major version, when the jar's URL or name says it.
    pub major: Option<u32>,
    /// Downloaded from a "latest" URL: the newest release.
    pub latest: bool,
}

impl Agent {
    /// The protocol the agent sends with when `OTEL_EXPORTER_OTLP_PROTOCOL` is unset.
    pub fn default_protocol(&self) -> Option<Protocol> {
        match (self.kind, self.major, self.latest) {
            (AgentKind::Honeycomb, _, _) => Some(Protocol::Grpc),
            (AgentKind::OpenTelemetry, _, true) => Some(Protocol::HttpProtobuf),
            (AgentKind::OpenTelemetry, Some(1), _) => Some(Protocol::Grpc),
            (AgentKind::OpenTelemetry, Some(_), _) => Some(Protocol::HttpProtobuf),
            (AgentKind::OpenTelemetry, None, false) => None,
        }
    }

    pub fn describe(&self) -> String {
        let name = match self.kind {
            AgentKind::OpenTelemetry => "the OpenTelemetry Java agent",
            AgentKind::Honeycomb => "Honeycomb's Java agent",
        };
        match (self.major, self.latest) {
            (_, true) => format!("{name} (latest)"),
            (Some(major), _) => format!("{name} {major}.x"),
            (None, _) => name.to_string(),
        }
    }
}

/// The agent a jar's URL or file name names, with its version when written there
/// (`.../download/v1.32.0/opentelemetry-javaagent.jar`, `opentelemetry-javaagent-2.5.0.jar`).
pub fn agent_of(text: &str) -> Option<Agent> {
    let lower = text.to_ascii_lowercase();
    let kind = if lower.contains("honeycomb-opentelemetry-javaagent") {
        AgentKind::Honeycomb
    } else if lower.contains("opentelemetry-javaagent") {
        AgentKind::OpenTelemetry
    } else {
        return None;
    };
    Some(Agent {
        kind,
        major: version_major(&lower),
        latest: lower.contains("/latest/"),
    })
}

/// The major version of the first `X.Y.Z` in a URL or name (after a `v`, `/` or `-`).
fn version_major(text: &str) -> Option<u32> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find_map(|start| {
        let boundary = start == 0 || matches!(bytes[start - 1], b'v' | b'/' | b'-');
        if !boundary || !bytes[start].is_ascii_digit() {
            return None;
        }
        let rest = &text[start..];
        let mut parts = rest.split('.');
        let major = parts.next()?;
        let minor = parts.next()?;
        let minor_ok = minor.chars().next().is_some_and(|c| c.is_ascii_digit());
        (major.chars().all(|c| c.is_ascii_digit()) && minor_ok)
            .then(|| major.parse().ok())
            .flatten()
    })
}

/// Whether a word of a JVM command line or options variable loads an agent, and its path.
pub fn agent_path(word: &str) -> Option<&str> {
    let path = word.strip_prefix(AGENT_OPTION)?;
    // `-javaagent:/a.jar=options`: the agent's own arguments follow `=`.
    let path = path.split('=').next().unwrap_or(path);
    (!path.is_empty()).then_some(path)
}

/// How Java and Kotlin code read the environment.
pub const READERS: Readers = Readers {
    env: &["System.getenv"],
    coalesce: &[
        "Objects.requireNonNullElse",
        "requireNonNullElse",
        "Optional.ofNullable().orElse",
    ],
    wrappers: &["URI.create", "URI", "String.valueOf"],
    configuration: None,
};

/// What an exporter class of opentelemetry-java builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanExporterClass {
    /// OTLP, in the protocol the class speaks (the environment's protocol is not read).
    Otlp(Protocol),
    /// Spans printed to the log.
    Console,
}

/// The span exporters of opentelemetry-java, by their simple names
/// (`opentelemetry-exporter-otlp`, `opentelemetry-exporter-logging(-otlp)`).
pub const SPAN_EXPORTERS: &[(&str, SpanExporterClass)] = &[
    (
        "OtlpGrpcSpanExporter",
        SpanExporterClass::Otlp(Protocol::Grpc),
    ),
    (
        "OtlpHttpSpanExporter",
        SpanExporterClass::Otlp(Protocol::HttpProtobuf),
    ),
    ("LoggingSpanExporter", SpanExporterClass::Console),
    ("OtlpJsonLoggingSpanExporter", SpanExporterClass::Console),
];

/// The exporter builders' setters that decide where and how spans go.
pub const ENDPOINT_SETTER: &str = "setEndpoint";
pub const HEADER_SETTER: &str = "addHeader";

/// The span processors that hand spans to an exporter (their `create` or `builder` takes it).
pub const SPAN_PROCESSORS: [&str; 2] = ["BatchSpanProcessor", "SimpleSpanProcessor"];

/// Calls that make an SDK the app uses: built and registered, or handed to Spring as a bean.
pub const SDK_SETUP_CALLS: [&str; 4] = [
    "OpenTelemetrySdk.builder",
    "GlobalOpenTelemetry.set",
    "AutoConfiguredOpenTelemetrySdk.initialize",
    "AutoConfiguredOpenTelemetrySdk.builder",
];

/// Calls that set the SDK up from the environment and system properties alone (the SDK's
/// autoconfigure module).
pub const AUTOCONFIGURE_CALLS: [&str; 2] = [
    "AutoConfiguredOpenTelemetrySdk.initialize",
    "AutoConfiguredOpenTelemetrySdk.builder",
];

/// The class that builds a tracer provider.
pub const TRACER_PROVIDER: &str = "SdkTracerProvider";

/// Honeycomb's Java SDK (`io.honeycomb:honeycomb-opentelemetry-sdk`):
/// `OpenTelemetryConfiguration.builder().setApiKey(...)...buildAndRegisterGlobal()`, and the
/// option each setter sets, by the names Honeycomb's distributions share (`HoneycombOptions`).
pub const HONEYCOMB_SDK_BUILDER: &str = "OpenTelemetryConfiguration";
pub const HONEYCOMB_SDK_OPTIONS: [(&str, &str); 7] = [
    ("setApiKey", "apikey"),
    ("setTracesApiKey", "traces_apikey"),
    ("setEndpoint", "endpoint"),
    ("setTracesEndpoint", "traces_endpoint"),
    ("setDataset", "dataset"),
    ("setServiceName", "service_name"),
    ("setOtlpProtocol", "exporter_protocol"),
];

/// `System.setProperty(name, value)`: a system property set in code.
pub const SET_PROPERTY: &str = "System.setProperty";

/// The Maven artifact an `io.opentelemetry` import comes from, by its package prefix.
pub const IMPORT_ARTIFACTS: &[(&str, &str)] = &[
    (
        "io.opentelemetry.exporter.otlp",
        "io.opentelemetry:opentelemetry-exporter-otlp",
    ),
    (
        "io.opentelemetry.exporter.logging",
        "io.opentelemetry:opentelemetry-exporter-logging",
    ),
    (
        "io.opentelemetry.sdk.autoconfigure",
        "io.opentelemetry:opentelemetry-sdk-extension-autoconfigure",
    ),
    ("io.opentelemetry.sdk", "io.opentelemetry:opentelemetry-sdk"),
    ("io.opentelemetry.api", "io.opentelemetry:opentelemetry-api"),
    (
        "io.opentelemetry.instrumentation",
        "io.opentelemetry.instrumentation",
    ),
    (
        "io.honeycomb.opentelemetry",
        "io.honeycomb:honeycomb-opentelemetry-sdk",
    ),
];

/// The artifact (or group) an import of OpenTelemetry's or Honeycomb's comes from.
pub fn artifact_of_import(path: &str) -> Option<&'static str> {
    IMPORT_ARTIFACTS
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map(|(_, artifact)| *artifact)
        .or_else(|| {
            path.starts_with("io.opentelemetry.")
                .then_some("io.opentelemetry")
        })
}

/// The OpenTelemetry Spring Boot starter: it sets the SDK up from Spring's settings, reading
/// its `otel.*` keys as the agent reads the system properties, and naming the service after
/// `spring.application.name` when `otel.service.name` is not set.
pub const SPRING_STARTER: &str =
    "io.opentelemetry.instrumentation:opentelemetry-spring-boot-starter";

/// Micrometer's OpenTelemetry bridge: with the OTLP exporter on the classpath, Spring Boot
/// (3.x) builds an SDK of its own, configured only by its `management.*` keys (Spring Boot's
/// `OtlpTracingProperties`, `OtlpTracingConfigurations`, `TracingProperties`).
pub const MICROMETER_BRIDGE: &str = "io.micrometer:micrometer-tracing-bridge-otel";
pub const OTLP_EXPORTER_ARTIFACT: &str = "io.opentelemetry:opentelemetry-exporter-otlp";

/// What a Spring key read by Micrometer's tracing stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpringKey {
    /// The variable of the same meaning, value as is.
    Same(&'static str),
    /// `management.otlp.tracing.transport`: `http` or `grpc` (Spring Boot 3.4).
    Transport,
    /// `management.tracing.enabled`: `false` disables tracing.
    Enabled,
    /// `management.tracing.sampling.probability`: a ratio, 0.1 when unset.
    Probability,
}

/// The keys Micrometer's tracing reads, lowest precedence first where two name the same thing.
pub const MICROMETER_KEYS: [(&str, SpringKey); 6] = [
    (
        "management.otlp.tracing.endpoint",
        SpringKey::Same("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
    ),
    ("management.otlp.tracing.transport", SpringKey::Transport),
    ("management.tracing.enabled", SpringKey::Enabled),
    (
        "management.tracing.sampling.probability",
        SpringKey::Probability,
    ),
    (
        "spring.application.name",
        SpringKey::Same("OTEL_SERVICE_NAME"),
    ),
    (
        "management.opentelemetry.resource-attributes.service.name",
        SpringKey::Same("OTEL_SERVICE_NAME"),
    ),
];

/// Micrometer's headers: `management.otlp.tracing.headers.<name>: <value>`.
pub const MICROMETER_HEADERS: &str = "management.otlp.tracing.headers.";

/// The OpenTelemetry starter's headers as a map (`otel.exporter.otlp.headers.<name>`).
pub const STARTER_HEADERS: &str = "otel.exporter.otlp.headers.";

/// The share of traces Micrometer samples when `management.tracing.sampling.probability` is
/// not set (Spring Boot's `TracingProperties.Sampling`).
pub const MICROMETER_DEFAULT_PROBABILITY: &str = "0.1";

/// The key that activates Spring profiles, and the keys that limit a settings document to
/// some profiles (Spring Boot 2.4 and later, and before).
pub const SPRING_PROFILES_ACTIVE: &str = "spring.profiles.active";
pub const SPRING_PROFILE_CONDITIONS: [&str; 2] =
    ["spring.config.activate.on-profile", "spring.profiles"];

/// The environment variable Spring's relaxed binding reads for a key
/// (`management.otlp.tracing.endpoint` is `MANAGEMENT_OTLP_TRACING_ENDPOINT`).
pub fn spring_variable(key: &str) -> String {
    key.replace('-', "").replace('.', "_").to_ascii_uppercase()
}

/// A `-Dname=value` option: the property's name and value (`-Dname` alone is `""`).
pub fn system_property(word: &str) -> Option<(&str, &str)> {
    let assignment = word.strip_prefix("-D")?;
    let (name, value) = assignment.split_once('=').unwrap_or((assignment, ""));
    (!name.is_empty()).then_some((name, value))
}

/// The environment variable a system property stands for, for the properties the agent, the
/// SDK's autoconfigure and Honeycomb's distribution read: `otel.exporter.otlp.endpoint` is
/// `OTEL_EXPORTER_OTLP_ENDPOINT` (opentelemetry-java's `ConfigUtil.normalizeEnvironmentVariableKey`:
/// upper case, `.` and `-` as `_`), `honeycomb.api.key` is `HONEYCOMB_API_KEY`, and Honeycomb's
/// `service.name` and `sample.rate` are `SERVICE_NAME` and `SAMPLE_RATE`.
pub fn property_variable(name: &str) -> Option<String> {
    const HONEYCOMB_PLAIN: [&str; 2] = ["service.name", "sample.rate"];
    let read = name.starts_with("otel.")
        || name.starts_with("honeycomb.")
        || HONEYCOMB_PLAIN.contains(&name);
    read.then(|| name.to_ascii_uppercase().replace(['.', '-'], "_"))
}

/// JVM options of the `java` launcher that take the next word as their value.
const OPTIONS_WITH_VALUE: [&str; 6] = [
    "-cp",
    "-classpath",
    "--class-path",
    "-p",
    "--module-path",
    "--add-opens",
];

/// The indexes of the launcher's own options among the words after `java`: they end at
/// `-jar`, `-m` or the main class, after which every word is the program's.
pub fn jvm_arguments<'a>(words: impl Iterator<Item = &'a str>) -> impl Iterator<Item = usize> {
    let mut takes_value = false;
    let mut done = false;
    words.enumerate().filter_map(move |(index, word)| {
        if done {
            return None;
        }
        if takes_value {
            takes_value = false;
            return None;
        }
        if matches!(word, "-jar" | "-m" | "--module") || !word.starts_with('-') {
            done = true;
            return None;
        }
        takes_value = OPTIONS_WITH_VALUE.contains(&word);
        Some(index)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_and_versions_from_urls() {
        let url = "https://github.com/open-telemetry/opentelemetry-java-instrumentation/releases/download/v1.32.0/opentelemetry-javaagent.jar";
        let agent = agent_of(url).unwrap();
        assert_eq!(agent.major, Some(1));
        assert_eq!(agent.default_protocol(), Some(Protocol::Grpc));
        let agent = agent_of("/opt/opentelemetry-javaagent-2.5.0.jar").unwrap();
        assert_eq!(agent.default_protocol(), Some(Protocol::HttpProtobuf));
        let latest = agent_of("https://github.com/open-telemetry/opentelemetry-java-instrumentation/releases/latest/download/opentelemetry-javaagent.jar").unwrap();
        assert_eq!(latest.default_protocol(), Some(Protocol::HttpProtobuf));
        let unknown =
            agent_of("https://x/releases/download/v$VERSION/opentelemetry-javaagent.jar").unwrap();
        assert_eq!(unknown.default_protocol(), None);
        assert_eq!(
            agent_of("honeycomb-opentelemetry-javaagent-1.5.2.jar")
                .unwrap()
                .kind,
            AgentKind::Honeycomb
        );
        assert_eq!(agent_of("app.jar"), None);
    }

    #[test]
    fn system_properties_stand_for_variables() {
        assert_eq!(
            system_property("-Dotel.exporter.otlp.endpoint=http://c:4318"),
            Some(("otel.exporter.otlp.endpoint", "http://c:4318"))
        );
        assert_eq!(system_property("-Dflag"), Some(("flag", "")));
        assert_eq!(system_property("-javaagent:/a.jar"), None);
        assert_eq!(
            property_variable("otel.exporter.otlp.traces-endpoint").as_deref(),
            Some("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        );
        assert_eq!(
            property_variable("honeycomb.api.key").as_deref(),
            Some("HONEYCOMB_API_KEY")
        );
        assert_eq!(
            property_variable("service.name").as_deref(),
            Some("SERVICE_NAME")
        );
        assert_eq!(property_variable("spring.profiles.active"), None);
        let words = [
            "-Xmx1g", "-cp", "lib/*", "-Da=b", "-jar", "app.jar", "-Dc=d",
        ];
        assert_eq!(
            jvm_arguments(words.into_iter()).collect::<Vec<_>>(),
            [0, 1, 3]
        );
        let words = ["-Da=b", "com.example.Main", "-Dx=y"];
        assert_eq!(jvm_arguments(words.into_iter()).collect::<Vec<_>>(), [0]);
    }

    #[test]
    fn agent_paths_from_options() {
        assert_eq!(
            agent_path("-javaagent:/app/otel.jar=config"),
            Some("/app/otel.jar")
        );
        assert_eq!(agent_path("-jar"), None);
        assert_eq!(agent_path("-javaagent:"), None);
    }
}

//! The Java agents: how the JVM is told to load one (`-javaagent:` in its options, and which
//! variables carry options to which launcher), how an agent jar is named and versioned, and
//! what each version sends by default. From the opentelemetry-java-instrumentation releases
//! (1.x defaulted to gRPC on 4317; 2.0, January 2024, switched to http/protobuf on 4318) and
//! Honeycomb's agent (built on the 1.x line).

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
    fn agent_paths_from_options() {
        assert_eq!(
            agent_path("-javaagent:/app/otel.jar=config"),
            Some("/app/otel.jar")
        );
        assert_eq!(agent_path("-jar"), None);
        assert_eq!(agent_path("-javaagent:"), None);
    }
}

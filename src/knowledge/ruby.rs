//! What OpenTelemetry's Ruby gems are and do, for reading a Ruby service's setup code:
//! `OpenTelemetry::SDK.configure` and what its configurator takes (opentelemetry-sdk
//! `configurator.rb`: `service_name=`, `use`, `use_all`, `add_span_processor`, and the
//! exporters it builds from `OTEL_TRACES_EXPORTER` when the block adds no span processor),
//! the exporter classes and their gems (opentelemetry-exporter-otlp `exporter.rb`, -otlp-http,
//! -otlp-grpc, -zipkin, -jaeger), the instrumentation gems, and how a Ruby app starts.

use crate::knowledge::otel::Protocol;

/// `OpenTelemetry::SDK.configure`.
pub const SDK: &str = "OpenTelemetry::SDK";
pub const CONFIGURE: &str = "configure";

/// The gem that brings every instrumentation `use_all` installs.
pub const INSTRUMENTATION_ALL: &str = "opentelemetry-instrumentation-all";

/// What an exporter class sends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exporter {
    Otlp(Protocol),
    Console,
    Backend(&'static str),
}

/// `(class, gem, what it is)`.
pub const EXPORTERS: &[(&str, &str, Exporter)] = &[
    (
        "OpenTelemetry::Exporter::OTLP::Exporter",
        "opentelemetry-exporter-otlp",
        Exporter::Otlp(Protocol::HttpProtobuf),
    ),
    (
        "OpenTelemetry::Exporter::OTLP::HTTP::TraceExporter",
        "opentelemetry-exporter-otlp-http",
        Exporter::Otlp(Protocol::HttpProtobuf),
    ),
    (
        "OpenTelemetry::Exporter::OTLP::GRPC::TraceExporter",
        "opentelemetry-exporter-otlp-grpc",
        Exporter::Otlp(Protocol::Grpc),
    ),
    (
        "OpenTelemetry::SDK::Trace::Export::ConsoleSpanExporter",
        "opentelemetry-sdk",
        Exporter::Console,
    ),
    (
        "OpenTelemetry::Exporter::Zipkin::Exporter",
        "opentelemetry-exporter-zipkin",
        Exporter::Backend("Zipkin"),
    ),
    (
        "OpenTelemetry::Exporter::Jaeger::CollectorExporter",
        "opentelemetry-exporter-jaeger",
        Exporter::Backend("Jaeger"),
    ),
    (
        "OpenTelemetry::Exporter::Jaeger::AgentExporter",
        "opentelemetry-exporter-jaeger",
        Exporter::Backend("Jaeger"),
    ),
];

/// The exporter class a constant path names (the `OpenTelemetry::` prefix may be left out
/// inside the SDK's namespace, `::` in front is allowed).
pub fn exporter(class: &str) -> Option<(&'static str, &'static str, Exporter)> {
    let class = class.trim_start_matches("::");
    EXPORTERS
        .iter()
        .find(|(name, _, _)| *name == class || name.ends_with(&format!("::{class}")))
        .copied()
}

/// Span processors, which hand an exporter its spans.
pub const PROCESSORS: [&str; 2] = [
    "OpenTelemetry::SDK::Trace::Export::BatchSpanProcessor",
    "OpenTelemetry::SDK::Trace::Export::SimpleSpanProcessor",
];

pub fn is_processor(class: &str) -> bool {
    let class = class.trim_start_matches("::");
    PROCESSORS
        .iter()
        .any(|name| *name == class || name.ends_with(&format!("::{class}")))
}

/// Methods of a tracer that start spans.
pub const SPAN_METHODS: [&str; 3] = ["in_span", "start_span", "start_root_span"];

/// The gem of an instrumentation class `use` names:
/// `OpenTelemetry::Instrumentation::ActiveRecord` → `opentelemetry-instrumentation-active_record`.
pub fn instrumentation_gem(class: &str) -> Option<String> {
    let name = class
        .trim_start_matches("::")
        .strip_prefix("OpenTelemetry::Instrumentation::")?;
    let mut gem = String::from("opentelemetry-instrumentation-");
    for (index, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if index > 0 {
                gem.push('_');
            }
            gem.push(c.to_ascii_lowercase());
        } else if c != ':' {
            gem.push(c);
        }
    }
    Some(gem)
}

/// The gem a `require` of an OpenTelemetry file loads: `opentelemetry/exporter/otlp` →
/// `opentelemetry-exporter-otlp` (the gems name their entry files so).
pub fn gem_of_require(path: &str) -> Option<String> {
    path.starts_with("opentelemetry")
        .then(|| path.replace('/', "-"))
}

/// What installing a gem installs with it (its runtime dependencies among OpenTelemetry's,
/// from the gems' gemspecs): a gem that is not in the Gemfile is still there if one of these
/// brings it.
pub fn brings(provider: &str, gem: &str) -> bool {
    const SDK_DEPENDENCIES: [&str; 4] = [
        "opentelemetry-api",
        "opentelemetry-common",
        "opentelemetry-registry",
        "opentelemetry-semantic_conventions",
    ];
    match provider {
        INSTRUMENTATION_ALL => {
            gem.starts_with("opentelemetry-instrumentation-")
                || gem == "opentelemetry-api"
                || gem == "opentelemetry-registry"
        }
        "opentelemetry-sdk" => SDK_DEPENDENCIES.contains(&gem),
        "opentelemetry-exporter-otlp"
        | "opentelemetry-exporter-otlp-http"
        | "opentelemetry-exporter-otlp-grpc" => {
            gem == "opentelemetry-sdk" || SDK_DEPENDENCIES.contains(&gem)
        }
        _ if provider.starts_with("opentelemetry-instrumentation-") => {
            matches!(
                gem,
                "opentelemetry-api"
                    | "opentelemetry-registry"
                    | "opentelemetry-instrumentation-base"
            )
        }
        _ => false,
    }
}

/// Web frameworks, by what the code requires, and the instrumentation each needs.
pub const FRAMEWORKS: &[(&str, &str)] = &[
    ("sinatra", "OpenTelemetry::Instrumentation::Sinatra"),
    ("sinatra/base", "OpenTelemetry::Instrumentation::Sinatra"),
    ("rails", "OpenTelemetry::Instrumentation::Rails"),
    ("rails/all", "OpenTelemetry::Instrumentation::Rails"),
    ("grape", "OpenTelemetry::Instrumentation::Grape"),
    ("roda", "OpenTelemetry::Instrumentation::Rack"),
    ("hanami", "OpenTelemetry::Instrumentation::Rack"),
];

/// Programs that serve a Rack app from `config.ru` unless told another file.
pub const RACK_SERVERS: [&str; 5] = ["rackup", "puma", "unicorn", "thin", "falcon"];

/// Files Rails loads as it boots: whatever they require runs at start.
pub const RAILS_BOOT: [&str; 3] = [
    "config/application.rb",
    "config/environment.rb",
    "config/boot.rb",
];
/// The folder of the initializers Rails runs at boot.
pub const RAILS_INITIALIZERS: &str = "config/initializers/";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_and_gems() {
        assert_eq!(
            instrumentation_gem("OpenTelemetry::Instrumentation::ActiveRecord").as_deref(),
            Some("opentelemetry-instrumentation-active_record")
        );
        assert_eq!(
            instrumentation_gem("OpenTelemetry::Instrumentation::Sinatra").as_deref(),
            Some("opentelemetry-instrumentation-sinatra")
        );
        assert_eq!(instrumentation_gem("Rack::Attack"), None);
        assert_eq!(
            exporter("::OpenTelemetry::Exporter::OTLP::Exporter").map(|(_, gem, _)| gem),
            Some("opentelemetry-exporter-otlp")
        );
        assert!(is_processor("SDK::Trace::Export::BatchSpanProcessor"));
        assert_eq!(
            gem_of_require("opentelemetry/instrumentation/all").as_deref(),
            Some("opentelemetry-instrumentation-all")
        );
        assert_eq!(gem_of_require("sinatra"), None);
        assert!(brings(
            INSTRUMENTATION_ALL,
            "opentelemetry-instrumentation-sinatra"
        ));
        assert!(brings("opentelemetry-exporter-otlp", "opentelemetry-sdk"));
        assert!(!brings("opentelemetry-sdk", "opentelemetry-exporter-otlp"));
    }
}

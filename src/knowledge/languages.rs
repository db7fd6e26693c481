//! How a container's language shows: the program it starts, the image it is built from, the
//! marker files of its build. Rules that know one language's SDK judge only services of that
//! language; this is where a service's language is told.

use super::Language;

/// Programs a container starts, by language (the basename of the first word).
const PROGRAMS: &[(Language, &[&str])] = &[
    (
        Language::Python,
        &[
            "python",
            "opentelemetry-instrument",
            "gunicorn",
            "uvicorn",
            "hypercorn",
            "daphne",
            "granian",
            "flask",
            "celery",
            "django-admin",
            "fastapi",
            "uwsgi",
            "streamlit",
        ],
    ),
    (
        Language::Node,
        &[
            "node",
            "npm",
            "npx",
            "yarn",
            "pnpm",
            "nodemon",
            "ts-node",
            "tsx",
            "bun",
            "deno",
            "next",
            "pm2-runtime",
        ],
    ),
    (
        Language::Java,
        &["java", "mvn", "gradle", "mvnw", "gradlew", "catalina.sh"],
    ),
    (Language::DotNet, &["dotnet"]),
    (
        Language::Ruby,
        &[
            "ruby", "bundle", "rails", "puma", "rackup", "unicorn", "sidekiq",
        ],
    ),
    (
        Language::Php,
        &[
            "php",
            "php-fpm",
            "apache2-foreground",
            "frankenphp",
            "artisan",
        ],
    ),
    (Language::Go, &["go"]),
    (Language::Rust, &["cargo"]),
    (Language::Elixir, &["mix", "elixir", "iex", "erl"]),
    (
        Language::Proxy,
        &[
            "nginx",
            "envoy",
            "haproxy",
            "caddy",
            "traefik",
            "httpd",
            "httpd-foreground",
        ],
    ),
];

/// Base images, by the last path segment of their name (registry and owner dropped).
const IMAGES: &[(Language, &[&str])] = &[
    (Language::Python, &["python", "pypy"]),
    (Language::Node, &["node", "bun", "deno"]),
    (
        Language::Java,
        &[
            "openjdk",
            "eclipse-temurin",
            "amazoncorretto",
            "maven",
            "gradle",
            "tomcat",
            "jetty",
            "java",
            "sapmachine",
            "ibm-semeru-runtimes",
            "kafka",
        ],
    ),
    (
        Language::DotNet,
        &["aspnet", "runtime", "sdk", "runtime-deps"],
    ),
    (Language::Ruby, &["ruby", "jruby"]),
    (Language::Php, &["php", "wordpress", "composer"]),
    (Language::Go, &["golang"]),
    (Language::Rust, &["rust"]),
    (Language::Cpp, &["gcc", "clang"]),
    (Language::Elixir, &["elixir", "erlang"]),
    (
        Language::Proxy,
        &[
            "nginx",
            "envoy",
            "haproxy",
            "caddy",
            "traefik",
            "httpd",
            "openresty",
        ],
    ),
];

/// How a write to the process environment in the app's own code treats a variable that is
/// already set. Python's `os.environ.setdefault` and Ruby's `ENV["X"] ||=` (an empty string
/// is set: it is truthy in Ruby) fill only an unset variable; JavaScript's `process.env.X ??=`
/// too, and its `||=` (or `process.env.X = process.env.X || v`) also an empty one; Python's
/// `os.environ["X"] =`, JavaScript's `process.env.X =`, Go's `os.Setenv` and Java's
/// `System.setProperty` overwrite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvWriteMode {
    Overwrite,
    IfUnset,
    IfUnsetOrEmpty,
}

impl EnvWriteMode {
    /// Whether the write changes a variable that holds `current` (`None`: unset).
    pub fn applies_to(self, current: Option<&str>) -> bool {
        match self {
            EnvWriteMode::Overwrite => true,
            EnvWriteMode::IfUnset => current.is_none(),
            EnvWriteMode::IfUnsetOrEmpty => current.is_none_or(str::is_empty),
        }
    }
}

/// Languages whose installed packages the tool reads from the image (the installers of
/// `resolve/installers`): for the others, only their manifests are known.
pub fn knows_installed_packages(language: Language) -> bool {
    matches!(language, Language::Python | Language::Node)
}

/// Web servers that serve files and read no `OTEL_*` variable (nginx's tracing module is
/// configured in `nginx.conf`; Caddy, Envoy and Traefik have tracing of their own and are not
/// counted).
pub fn serves_files_only(image: &str) -> bool {
    let name = image.split([':', '@']).next().unwrap_or(image);
    let name = name.rsplit('/').next().unwrap_or(name);
    matches!(name, "nginx" | "httpd" | "nginx-unprivileged" | "apache2")
}

/// Languages whose source code the tool reads (imports, SDK setup, exporters).
pub fn reads_code(language: Language) -> bool {
    matches!(
        language,
        Language::Python
            | Language::Node
            | Language::Go
            | Language::Ruby
            | Language::Java
            | Language::DotNet
    )
}

/// How a language's SDK is set up in code, for the hints of the `code/` rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeTerms {
    /// Setting up a provider with an OTLP exporter.
    pub provider_setup: &'static str,
    /// Building the OTLP exporter, with its imports, as lines to paste (and the package it
    /// comes from).
    pub otlp_exporter: &'static str,
    /// The exporter's option that overrides the environment's endpoint, `{}` where the URL
    /// goes.
    pub endpoint_option: &'static str,
    /// The package of the OTLP exporter `otlp_exporter` builds, and the protocol it speaks
    /// (`None`: the one `OTEL_EXPORTER_OTLP_PROTOCOL` says, else the SDK's default).
    pub otlp_package: &'static str,
    pub otlp_protocol: Option<crate::knowledge::otel::Protocol>,
    /// How to take the endpoint from the environment instead of code.
    pub endpoint_from_environment: &'static str,
    /// The console exporter, as the code writes it.
    pub console_exporter: &'static str,
}

impl CodeTerms {
    /// The endpoint passed in code, as the language writes it.
    pub fn endpoint_in_code(&self, url: &str) -> String {
        self.endpoint_option.replace("{}", url)
    }
}

pub fn code_terms(language: Language) -> CodeTerms {
    match language {
        Language::Node => CodeTerms {
            provider_setup: "start an SDK before the app loads, in a file run with node --require:\n  const { NodeSDK } = require('@opentelemetry/sdk-node');\n  const { getNodeAutoInstrumentations } = require('@opentelemetry/auto-instrumentations-node');\n  new NodeSDK({ instrumentations: [getNodeAutoInstrumentations()] }).start();\n(or NODE_OPTIONS=\"--require @opentelemetry/auto-instrumentations-node/register\")",
            otlp_exporter: "  import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';\n  const sdk = new NodeSDK({ traceExporter: new OTLPTraceExporter() });\n(or new BatchSpanProcessor(new OTLPTraceExporter()) among your provider's spanProcessors)",
            endpoint_option: "url: \"{}\"",
            endpoint_from_environment: "drop url: and set OTEL_EXPORTER_OTLP_ENDPOINT in the service's environment",
            console_exporter: "ConsoleSpanExporter",
            otlp_package: crate::knowledge::node::EXPORTER_PROTO,
            otlp_protocol: Some(crate::knowledge::otel::Protocol::HttpProtobuf),
        },
        // A Java exporter built in code never reads the environment: the endpoint must be read
        // in code, or the SDK built by the autoconfigure module.
        Language::Java => CodeTerms {
            provider_setup: "add the Java agent to the image (-javaagent:), or build the SDK at start-up: AutoConfiguredOpenTelemetrySdk.initialize() (io.opentelemetry:opentelemetry-sdk-extension-autoconfigure), which reads OTEL_EXPORTER_OTLP_ENDPOINT",
            otlp_exporter: "  import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;\n  import io.opentelemetry.sdk.trace.SdkTracerProvider;\n  import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;\n  SdkTracerProvider tracerProvider = SdkTracerProvider.builder()\n      .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder().build()).build())\n      .build();\n(with io.opentelemetry:opentelemetry-exporter-otlp on the classpath)",
            endpoint_option: ".setEndpoint(\"{}\")",
            endpoint_from_environment: "read it from the environment: .setEndpoint(System.getenv(\"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT\")), or build the SDK with AutoConfiguredOpenTelemetrySdk, which reads OTEL_EXPORTER_OTLP_ENDPOINT",
            console_exporter: "LoggingSpanExporter",
            otlp_package: "io.opentelemetry:opentelemetry-exporter-otlp",
            otlp_protocol: Some(crate::knowledge::otel::Protocol::HttpProtobuf),
        },
        Language::DotNet => CodeTerms {
            provider_setup: "builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddOtlpExporter()) (packages OpenTelemetry.Extensions.Hosting and OpenTelemetry.Exporter.OpenTelemetryProtocol)",
            otlp_exporter: "  using OpenTelemetry.Trace;\n  builder.Services.AddOpenTelemetry()\n      .WithTracing(tracing => tracing.AddOtlpExporter());\n(with the OpenTelemetry.Exporter.OpenTelemetryProtocol package)",
            endpoint_option: "o.Endpoint = new Uri(\"{}\")",
            endpoint_from_environment: "drop o.Endpoint = ... and set OTEL_EXPORTER_OTLP_ENDPOINT in the service's environment (AddOtlpExporter reads it, and appends /v1/traces over HTTP)",
            console_exporter: "AddConsoleExporter()",
            otlp_package: "OpenTelemetry.Exporter.OpenTelemetryProtocol",
            otlp_protocol: None,
        },
        Language::Go => CodeTerms {
            provider_setup: "set one up in main:\n  import (\n      \"log\"\n\n      \"go.opentelemetry.io/otel\"\n      \"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp\"\n      sdktrace \"go.opentelemetry.io/otel/sdk/trace\"\n  )\n  exp, err := otlptracehttp.New(ctx)\n  if err != nil {\n      log.Fatal(err)\n  }\n  tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))\n  otel.SetTracerProvider(tp)\n  defer tp.Shutdown(ctx)",
            otlp_exporter: "  import (\n      \"log\"\n\n      \"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp\"\n      sdktrace \"go.opentelemetry.io/otel/sdk/trace\"\n  )\n  exp, err := otlptracehttp.New(ctx)\n  if err != nil {\n      log.Fatal(err)\n  }\n  tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))\n(with the module go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp)",
            // WithEndpoint takes host:port only: a URL goes to WithEndpointURL.
            endpoint_option: "otlptracehttp.WithEndpointURL(\"{}\")",
            endpoint_from_environment: "drop WithEndpoint/WithEndpointURL and set OTEL_EXPORTER_OTLP_ENDPOINT in the service's environment (otlptracehttp.New reads it)",
            console_exporter: "stdouttrace",
            otlp_package: crate::knowledge::go::OTLPTRACEHTTP,
            otlp_protocol: Some(crate::knowledge::otel::Protocol::HttpProtobuf),
        },
        Language::Ruby => CodeTerms {
            provider_setup: "configure the SDK at start-up (config/initializers/opentelemetry.rb, or at the top of the app):\n  require 'opentelemetry/sdk'\n  require 'opentelemetry/exporter/otlp'\n  require 'opentelemetry/instrumentation/all'\n  OpenTelemetry::SDK.configure do |c|\n    c.use_all\n  end\n(gems opentelemetry-sdk, opentelemetry-exporter-otlp, opentelemetry-instrumentation-all)",
            otlp_exporter: "  require 'opentelemetry/sdk'\n  require 'opentelemetry/exporter/otlp'\n  OpenTelemetry::SDK.configure do |c|\n    c.add_span_processor(\n      OpenTelemetry::SDK::Trace::Export::BatchSpanProcessor.new(\n        OpenTelemetry::Exporter::OTLP::Exporter.new\n      )\n    )\n  end\n(gem opentelemetry-exporter-otlp; or no add_span_processor at all: the SDK then builds the otlp exporter from the environment)",
            endpoint_option: "OpenTelemetry::Exporter::OTLP::Exporter.new(endpoint: \"{}\")",
            endpoint_from_environment: "drop endpoint: and set OTEL_EXPORTER_OTLP_ENDPOINT in the service's environment",
            console_exporter: "OpenTelemetry::SDK::Trace::Export::ConsoleSpanExporter",
            otlp_package: "opentelemetry-exporter-otlp",
            otlp_protocol: Some(crate::knowledge::otel::Protocol::HttpProtobuf),
        },
        _ => CodeTerms {
            provider_setup: "set one up at start-up:\n  from opentelemetry import trace\n  from opentelemetry.sdk.trace import TracerProvider\n  from opentelemetry.sdk.trace.export import BatchSpanProcessor\n  from opentelemetry.exporter.otlp.proto.http.trace_exporter import (\n      OTLPSpanExporter,\n  )\n  provider = TracerProvider()\n  provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))\n  trace.set_tracer_provider(provider)\n(or start the service with opentelemetry-instrument and opentelemetry-distro)",
            otlp_exporter: "  from opentelemetry.exporter.otlp.proto.http.trace_exporter import (\n      OTLPSpanExporter,\n  )\n  from opentelemetry.sdk.trace.export import BatchSpanProcessor\n  provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))\n(with opentelemetry-exporter-otlp-proto-http installed)",
            endpoint_option: "OTLPSpanExporter(endpoint=\"{}\")",
            endpoint_from_environment: "drop endpoint= and set OTEL_EXPORTER_OTLP_ENDPOINT in the service's environment",
            console_exporter: "ConsoleSpanExporter",
            otlp_package: crate::knowledge::python::EXPORTER_HTTP,
            otlp_protocol: Some(crate::knowledge::otel::Protocol::HttpProtobuf),
        },
    }
}

/// Languages whose services are analysed beyond their environment: packages, command and
/// code (Python, Node.js, Java, .NET), or the dependency lists (Go, Ruby).
pub fn is_analysed(language: Language) -> bool {
    matches!(
        language,
        Language::Python
            | Language::Node
            | Language::Java
            | Language::Go
            | Language::Ruby
            | Language::DotNet
            | Language::Php
    )
}

/// How to turn tracing on for a service of a language that sets nothing up, given the command
/// it runs (when known).
pub fn setup_hint(language: Language, command: Option<&str>) -> String {
    let command = command.unwrap_or("<command>");
    match language {
        Language::Python => format!(
            "start it as `opentelemetry-instrument {command}` (with opentelemetry-distro and opentelemetry-exporter-otlp installed), or set up a TracerProvider in code"
        ),
        Language::Node => format!(
            "npm install --save @opentelemetry/api @opentelemetry/auto-instrumentations-node, and set NODE_OPTIONS=\"--require @opentelemetry/auto-instrumentations-node/register\" in the service's environment (or start a NodeSDK in a file that `{command}` loads with --require)"
        ),
        Language::Java => "add the agent to the image and load it:\n  ADD --chmod=644 https://github.com/open-telemetry/opentelemetry-java-instrumentation/releases/latest/download/opentelemetry-javaagent.jar /otel/opentelemetry-javaagent.jar\n  ENV JAVA_TOOL_OPTIONS=-javaagent:/otel/opentelemetry-javaagent.jar".to_string(),
        Language::Go => "Go has no agent to add: go get go.opentelemetry.io/otel/sdk go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp and set up a TracerProvider with an otlptracehttp exporter in main".to_string(),
        Language::Ruby => "add to the Gemfile: gem \"opentelemetry-sdk\", gem \"opentelemetry-exporter-otlp\", gem \"opentelemetry-instrumentation-all\"; and at start-up: OpenTelemetry::SDK.configure { |c| c.use_all }".to_string(),
        Language::DotNet => "add the OpenTelemetry.Extensions.Hosting and OpenTelemetry.Exporter.OpenTelemetryProtocol packages and call AddOpenTelemetry().WithTracing(t => t.AddOtlpExporter()), or install the .NET zero-code auto-instrumentation in the image".to_string(),
        Language::Php => "composer require open-telemetry/sdk open-telemetry/exporter-otlp (and for zero-code instrumentation: install-php-extensions opentelemetry, plus the open-telemetry/opentelemetry-auto-* packages of your framework)".to_string(),
        _ => "set up an OpenTelemetry SDK in the service".to_string(),
    }
}

/// What a container prints when the code loads a module that is not installed.
pub fn missing_module_error(language: Language, module: &str) -> String {
    match language {
        Language::Node => {
            format!("the container exits with `Error: Cannot find module '{module}'`")
        }
        _ => format!(
            "the container starts with `ModuleNotFoundError: No module named '{}'`",
            module.split('.').next().unwrap_or(module)
        ),
    }
}

/// How a language's OpenTelemetry packages are named, for messages.
pub fn otel_package_pattern(language: Language) -> &'static str {
    match language {
        Language::Node => "@opentelemetry/*",
        Language::Java => "io.opentelemetry:*",
        Language::Go => "go.opentelemetry.io/*",
        _ => "opentelemetry-*",
    }
}

/// The `service.name` an SDK reports when none is set (the dataset the spans land in).
pub fn unknown_service_name(language: Option<Language>) -> &'static str {
    match language {
        Some(Language::Python) => "unknown_service:python",
        Some(Language::Node) => "unknown_service:node",
        Some(Language::Java) => "unknown_service:java",
        _ => "unknown_service",
    }
}

/// The language of a program a container starts.
pub fn of_program(program: &str) -> Option<Language> {
    let name = program.rsplit('/').next().unwrap_or(program);
    if name.ends_with(".jar") {
        return Some(Language::Java);
    }
    // `python3.12`, `pip3`: the version suffix does not matter.
    let stem = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    PROGRAMS
        .iter()
        .find(|(_, programs)| programs.contains(&stem) || programs.contains(&name))
        .map(|(language, _)| *language)
}

/// The language of a base image (`python:3.12-slim`, `mcr.microsoft.com/dotnet/aspnet:8.0`,
/// `gcr.io/distroless/nodejs22-debian12`).
pub fn of_image(image: &str) -> Option<Language> {
    if let Some(language) = distroless(image).map(|(language, _)| language) {
        return Some(language);
    }
    let without_tag = image.split(['@']).next().unwrap_or(image);
    let path = match without_tag.rsplit_once(':') {
        Some((path, tag)) if !tag.contains('/') => path,
        _ => without_tag,
    };
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    // `.NET`'s images are only told apart by their repository.
    let dotnet_only = ["aspnet", "runtime", "sdk", "runtime-deps"].contains(&name.as_str());
    if dotnet_only && !path.contains("dotnet") {
        return None;
    }
    IMAGES
        .iter()
        .find(|(_, names)| names.contains(&name.as_str()))
        .map(|(language, _)| *language)
}

/// Google's distroless images for a runtime, and the `ENTRYPOINT` each sets.
const DISTROLESS: &[(&str, Language, &[&str])] = &[
    ("nodejs", Language::Node, &["/nodejs/bin/node"]),
    ("java", Language::Java, &["/usr/bin/java", "-jar"]),
    ("python3", Language::Python, &["/usr/bin/python3"]),
];

/// `gcr.io/distroless/nodejs22-debian12:nonroot`: its runtime and entrypoint.
fn distroless(image: &str) -> Option<(Language, &'static [&'static str])> {
    if !image.contains("distroless/") {
        return None;
    }
    let name = image.rsplit('/').next().unwrap_or(image);
    DISTROLESS
        .iter()
        .find(|(prefix, _, _)| {
            name.strip_prefix(prefix).is_some_and(|rest| {
                rest.is_empty()
                    || rest.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == ':')
            })
        })
        .map(|(_, language, entrypoint)| (*language, *entrypoint))
}

/// What a base image runs the `CMD` with when the Dockerfile and compose set no
/// `ENTRYPOINT`: distroless images start their runtime; the official `node` images'
/// `docker-entrypoint.sh` runs `node` when the first word is an option or a script
/// (`CMD ["index.js"]`, `CMD ["--require", "./tracing.js", "server.js"]`).
pub fn implicit_entrypoint(image: &str, first_word: &str) -> Option<&'static [&'static str]> {
    if let Some((_, entrypoint)) = distroless(image) {
        return Some(entrypoint);
    }
    let runs_node = first_word.starts_with('-')
        || [".js", ".mjs", ".cjs"]
            .iter()
            .any(|e| first_word.ends_with(e));
    (of_image(image) == Some(Language::Node) && runs_node).then_some(&["node"][..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_and_images_tell_the_language() {
        assert_eq!(
            of_program("/usr/local/bin/python3.12"),
            Some(Language::Python)
        );
        assert_eq!(of_program("gunicorn"), Some(Language::Python));
        assert_eq!(of_program("node"), Some(Language::Node));
        assert_eq!(of_program("app.jar"), Some(Language::Java));
        assert_eq!(of_program("nginx"), Some(Language::Proxy));
        assert_eq!(of_program("./server"), None);
        assert_eq!(of_image("python:3.12-slim"), Some(Language::Python));
        assert_eq!(
            of_image("docker.io/library/node:20-alpine"),
            Some(Language::Node)
        );
        assert_eq!(
            of_image("mcr.microsoft.com/dotnet/aspnet:8.0"),
            Some(Language::DotNet)
        );
        assert_eq!(of_image("eclipse-temurin:21-jre"), Some(Language::Java));
        assert_eq!(of_image("envoyproxy/envoy:v1.30"), Some(Language::Proxy));
        assert_eq!(of_image("localhost:5000/nginx:1.27"), Some(Language::Proxy));
        assert_eq!(of_image("alpine:3.20"), None);
        assert_eq!(
            of_image("gcr.io/distroless/nodejs22-debian12:nonroot@sha256:13"),
            Some(Language::Node)
        );
        assert_eq!(
            of_image("gcr.io/distroless/java17-debian12:nonroot"),
            Some(Language::Java)
        );
        assert_eq!(
            implicit_entrypoint("node:20-slim", "index.js"),
            Some(&["node"][..])
        );
        assert_eq!(implicit_entrypoint("node:20-slim", "npm"), None);
        assert_eq!(implicit_entrypoint("python:3.12", "-m"), None);
        assert_eq!(of_image("sdk"), None);
    }
}

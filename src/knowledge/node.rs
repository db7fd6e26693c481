//! What the OpenTelemetry npm packages are: which package provides what, what installing one
//! installs with it, which exporter speaks which protocol, the zero-code entry point of the
//! auto-instrumentations meta-package, Honeycomb's distribution, the web SDK, and the modules
//! that instrumentation patches when they are loaded. From the packages' `package.json`
//! (sdk-node 0.46–0.212, auto-instrumentations-node 0.42–0.79, @honeycombio/opentelemetry-node
//! 0.7) and the OpenTelemetry JS docs.

use std::collections::BTreeSet;

use crate::knowledge::otel::Protocol;

/// Where a variable is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvSyntax {
    /// `process.env.X` (Node.js; bundlers replace it at build time).
    ProcessEnv,
    /// `import.meta.env.X` (Vite).
    ImportMetaEnv,
}

pub const API: &str = "@opentelemetry/api";
pub const SDK_NODE: &str = "@opentelemetry/sdk-node";
pub const SDK_TRACE_NODE: &str = "@opentelemetry/sdk-trace-node";
pub const SDK_TRACE_BASE: &str = "@opentelemetry/sdk-trace-base";
pub const SDK_TRACE_WEB: &str = "@opentelemetry/sdk-trace-web";
pub const INSTRUMENTATION: &str = "@opentelemetry/instrumentation";
pub const AUTO_INSTRUMENTATIONS: &str = "@opentelemetry/auto-instrumentations-node";
/// `node --require`/`--import` this and the SDK starts from the environment, with every
/// instrumentation of the meta-package (zero-code instrumentation).
pub const REGISTER: &str = "@opentelemetry/auto-instrumentations-node/register";
pub const EXPORTER_HTTP: &str = "@opentelemetry/exporter-trace-otlp-http";
pub const EXPORTER_PROTO: &str = "@opentelemetry/exporter-trace-otlp-proto";
pub const EXPORTER_GRPC: &str = "@opentelemetry/exporter-trace-otlp-grpc";
pub const HONEYCOMB_DISTRO: &str = "@honeycombio/opentelemetry-node";
pub const HONEYCOMB_WEB: &str = "@honeycombio/opentelemetry-web";
/// Vercel's setup for Next.js (`registerOTel()` in `instrumentation.ts`): a NodeSDK
/// configured from the OTEL_* variables.
pub const VERCEL_OTEL: &str = "@vercel/otel";

/// Development servers and static servers of browser code: the Node.js process they run is a
/// build tool, and the app's code runs in the browsers they serve. (Next.js, Nuxt and Remix
/// run server code too: not counted.)
pub const BUNDLE_SERVERS: [&str; 9] = [
    "react-scripts",
    "vite",
    "vue-cli-service",
    "ng",
    "webpack-dev-server",
    "webpack",
    "parcel",
    "serve",
    "http-server",
];

/// Test runners an image built from an app's folder may run instead of the app: they load
/// none of the app's tracing setup.
pub const TEST_RUNNERS: [&str; 10] = [
    "cypress",
    "playwright",
    "jest",
    "mocha",
    "vitest",
    "ava",
    "karma",
    "wdio",
    "newman",
    "tap",
];

/// Direct dependencies of the packages that matter (peer dependencies included: npm 7 and
/// later install them); installing one installs these too.
const REQUIRES: &[(&str, &[&str])] = &[
    (
        AUTO_INSTRUMENTATIONS,
        &[API, INSTRUMENTATION, SDK_NODE, "@opentelemetry/resources"],
    ),
    (
        SDK_NODE,
        &[
            API,
            "@opentelemetry/core",
            "@opentelemetry/resources",
            "@opentelemetry/semantic-conventions",
            INSTRUMENTATION,
            SDK_TRACE_BASE,
            SDK_TRACE_NODE,
            "@opentelemetry/sdk-metrics",
            "@opentelemetry/sdk-logs",
            EXPORTER_GRPC,
            EXPORTER_HTTP,
            EXPORTER_PROTO,
            "@opentelemetry/exporter-zipkin",
        ],
    ),
    (
        HONEYCOMB_DISTRO,
        &[
            API,
            SDK_NODE,
            SDK_TRACE_BASE,
            EXPORTER_GRPC,
            EXPORTER_PROTO,
            "@opentelemetry/core",
            "@opentelemetry/resources",
        ],
    ),
    (
        HONEYCOMB_WEB,
        &[API, SDK_TRACE_WEB, SDK_TRACE_BASE, EXPORTER_HTTP],
    ),
    (
        SDK_TRACE_NODE,
        &[API, SDK_TRACE_BASE, "@opentelemetry/core"],
    ),
    (SDK_TRACE_WEB, &[API, SDK_TRACE_BASE, "@opentelemetry/core"]),
    (
        SDK_TRACE_BASE,
        &[
            API,
            "@opentelemetry/core",
            "@opentelemetry/resources",
            "@opentelemetry/semantic-conventions",
        ],
    ),
    (INSTRUMENTATION, &[API]),
];

/// Every package present once `packages` are installed.
pub fn installed_closure<'a>(packages: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    let mut present = BTreeSet::new();
    let mut pending: Vec<String> = packages.into_iter().map(String::from).collect();
    while let Some(package) = pending.pop() {
        if present.contains(&package) {
            continue;
        }
        pending.extend(requirements_of(&package).iter().map(|p| p.to_string()));
        present.insert(package);
    }
    present
}

fn requirements_of(package: &str) -> &'static [&'static str] {
    if let Some((_, requires)) = REQUIRES.iter().find(|(name, _)| *name == package) {
        return requires;
    }
    if package.starts_with("@opentelemetry/instrumentation-")
        || package.starts_with("@opentelemetry/exporter-")
    {
        return &[API, INSTRUMENTATION, SDK_TRACE_BASE];
    }
    &[]
}

/// Whether installing `provider` makes `package` available: the auto-instrumentations
/// meta-package brings every `@opentelemetry/instrumentation-*` it bundles.
pub fn brings(provider: &str, package: &str) -> bool {
    provider == AUTO_INSTRUMENTATIONS && package.starts_with("@opentelemetry/instrumentation-")
}

/// The package a module specifier loads: `@scope/name/sub/path` → `@scope/name`,
/// `name/sub` → `name`; `None` for relative paths and Node's own modules.
pub fn package_of_specifier(specifier: &str) -> Option<&str> {
    if specifier.starts_with('.') || specifier.starts_with('/') || specifier.starts_with("node:") {
        return None;
    }
    let mut parts = specifier.splitn(3, '/');
    let first = parts.next()?;
    if first.starts_with('@') {
        let second = parts.next()?;
        Some(&specifier[..first.len() + 1 + second.len()])
    } else {
        Some(first)
    }
}

/// Whether a package is one of OpenTelemetry's (or Honeycomb's distributions).
pub fn is_otel_package(name: &str) -> bool {
    name.starts_with("@opentelemetry/")
        || name.starts_with("@honeycombio/opentelemetry-")
        || name == VERCEL_OTEL
}

/// Packages that run in the browser (the web SDK, its instrumentations and context manager):
/// a frontend's `package.json` lists them, but the container that serves it does not trace.
pub fn is_browser_package(name: &str) -> bool {
    name == SDK_TRACE_WEB
        || name == HONEYCOMB_WEB
        || name.ends_with("-web")
        || matches!(
            name,
            "@opentelemetry/context-zone"
                | "@opentelemetry/context-zone-peer-dep"
                | "@opentelemetry/instrumentation-document-load"
                | "@opentelemetry/instrumentation-fetch"
                | "@opentelemetry/instrumentation-xml-http-request"
                | "@opentelemetry/instrumentation-user-interaction"
                | "@opentelemetry/instrumentation-long-task"
        )
}

/// The protocol each trace exporter package speaks. `exporter-trace-otlp-http` sends OTLP
/// JSON over HTTP, whatever `OTEL_EXPORTER_OTLP_PROTOCOL` says.
pub fn exporter_protocol(package: &str) -> Option<Protocol> {
    match package {
        EXPORTER_HTTP => Some(Protocol::HttpJson),
        EXPORTER_PROTO => Some(Protocol::HttpProtobuf),
        EXPORTER_GRPC => Some(Protocol::Grpc),
        _ => None,
    }
}

/// What a class or function exported by an OpenTelemetry package does, for code facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbol {
    /// `new NodeSDK(...)`: configures the SDK; `.start()` sets it up.
    NodeSdk,
    /// `registerOTel(...)`: configures and starts a NodeSDK in one call.
    RegisterOtel,
    /// A tracer provider (`NodeTracerProvider`, `BasicTracerProvider`); `.register()` sets it.
    TracerProvider,
    /// The browser's tracer provider.
    WebTracerProvider,
    /// `new HoneycombSDK(...)`: Honeycomb's distribution, configured for Honeycomb.
    HoneycombSdk,
    /// Honeycomb's browser distribution.
    HoneycombWebSdk,
    OtlpExporter,
    ConsoleExporter,
    SpanProcessor,
    /// `getNodeAutoInstrumentations()`, `registerInstrumentations()`, `new XInstrumentation()`.
    Instrumentations,
    Resource,
}

/// The symbol an export of an OpenTelemetry package is, by its name.
pub fn symbol(package: &str, name: &str) -> Option<Symbol> {
    if !is_otel_package(package) {
        return None;
    }
    let symbol = match name {
        "NodeSDK" => Symbol::NodeSdk,
        "registerOTel" if package == VERCEL_OTEL => Symbol::RegisterOtel,
        "NodeTracerProvider" | "BasicTracerProvider" => Symbol::TracerProvider,
        "WebTracerProvider" => Symbol::WebTracerProvider,
        "HoneycombSDK" if package == HONEYCOMB_DISTRO => Symbol::HoneycombSdk,
        "HoneycombWebSDK" => Symbol::HoneycombWebSdk,
        "OTLPTraceExporter" => Symbol::OtlpExporter,
        "ConsoleSpanExporter" => Symbol::ConsoleExporter,
        "BatchSpanProcessor" | "SimpleSpanProcessor" => Symbol::SpanProcessor,
        "getNodeAutoInstrumentations"
        | "getWebAutoInstrumentations"
        | "registerInstrumentations" => Symbol::Instrumentations,
        "Resource" | "resourceFromAttributes" => Symbol::Resource,
        _ if name.ends_with("Instrumentation") => Symbol::Instrumentations,
        _ => return None,
    };
    Some(symbol)
}

/// Honeycomb's distribution names its options in camelCase; the tool knows them by the
/// Python distribution's names, which say the same.
pub const HONEYCOMB_OPTIONS: &[(&str, &str)] = &[
    ("apiKey", "apikey"),
    ("tracesApiKey", "traces_apikey"),
    ("endpoint", "endpoint"),
    ("tracesEndpoint", "traces_endpoint"),
    ("dataset", "dataset"),
    ("protocol", "exporter_protocol"),
    ("serviceName", "service_name"),
];

/// Modules that instrumentation patches when they are loaded: loaded before the SDK starts,
/// they stay unpatched (no spans for their requests or queries).
pub const INSTRUMENTED_MODULES: &[&str] = &[
    "http",
    "https",
    "node:http",
    "node:https",
    "express",
    "fastify",
    "koa",
    "@hapi/hapi",
    "restify",
    "@nestjs/core",
    "connect",
    "pg",
    "mysql",
    "mysql2",
    "mongodb",
    "mongoose",
    "redis",
    "ioredis",
    "@grpc/grpc-js",
    "graphql",
    "knex",
    "tedious",
    "amqplib",
    "kafkajs",
    "@aws-sdk/client-s3",
    "aws-sdk",
    "undici",
    "node-fetch",
    "axios",
];

/// Packages that mark a frontend build, and the prefix its bundler exposes to browser code
/// (other variables are `undefined` there), with the syntax that reads them.
pub const BUNDLERS: &[(&str, &str, EnvSyntax)] = &[
    ("react-scripts", "REACT_APP_", EnvSyntax::ProcessEnv),
    ("vite", "VITE_", EnvSyntax::ImportMetaEnv),
    ("next", "NEXT_PUBLIC_", EnvSyntax::ProcessEnv),
];

/// Prefixes that frontend frameworks expose to browser code: a variable named so ships in
/// the bundle every visitor downloads.
pub const PUBLIC_PREFIXES: &[&str] = &[
    "REACT_APP_",
    "VITE_",
    "NEXT_PUBLIC_",
    "NUXT_PUBLIC_",
    "PUBLIC_",
    "EXPO_PUBLIC_",
    "GATSBY_",
];

/// Hosts that exist only while one development environment runs (a Gitpod workspace, a
/// Codespace, a tunnel): a URL on one works for its owner, today.
pub const EPHEMERAL_HOSTS: &[(&str, &str)] = &[
    (".gitpod.io", "a Gitpod workspace"),
    (".app.github.dev", "a GitHub Codespace"),
    (".githubpreview.dev", "a GitHub Codespace"),
    (".ngrok.io", "an ngrok tunnel"),
    (".ngrok-free.app", "an ngrok tunnel"),
    (".ngrok.app", "an ngrok tunnel"),
    (".trycloudflare.com", "a Cloudflare quick tunnel"),
    (".loca.lt", "a localtunnel"),
];

/// The variables a development platform sets in each environment to name its host (Gitpod's
/// `https://4318-${GITPOD_WORKSPACE_ID}.${GITPOD_WORKSPACE_CLUSTER_HOST}`, a Codespace's
/// `https://${CODESPACE_NAME}-4318.${GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN}`): a URL built
/// from them is rebuilt for every workspace, not one workspace's host.
pub const PLATFORM_HOST_VARIABLES: &[&str] = &[
    "GITPOD_WORKSPACE_ID",
    "GITPOD_WORKSPACE_URL",
    "GITPOD_WORKSPACE_CLUSTER_HOST",
    "CODESPACE_NAME",
    "GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN",
];

/// What kind of short-lived environment a host belongs to.
pub fn ephemeral_host(host: &str) -> Option<&'static str> {
    EPHEMERAL_HOSTS
        .iter()
        .find(|(suffix, _)| host.ends_with(suffix))
        .map(|(_, what)| *what)
}

/// Variables every bundler defines itself.
pub const BUNDLER_BUILTINS: &[&str] = &[
    "NODE_ENV",
    "PUBLIC_URL",
    "MODE",
    "DEV",
    "PROD",
    "SSR",
    "BASE_URL",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specifiers_name_their_package() {
        assert_eq!(package_of_specifier(REGISTER), Some(AUTO_INSTRUMENTATIONS));
        assert_eq!(package_of_specifier("express"), Some("express"));
        assert_eq!(package_of_specifier("lodash/fp"), Some("lodash"));
        assert_eq!(package_of_specifier("./tracing.js"), None);
        assert_eq!(package_of_specifier("node:http"), None);
        assert_eq!(package_of_specifier("@scope"), None);
    }

    #[test]
    fn the_closure_follows_dependencies() {
        let closure = installed_closure([AUTO_INSTRUMENTATIONS]);
        for package in [SDK_NODE, API, EXPORTER_PROTO, EXPORTER_GRPC, SDK_TRACE_NODE] {
            assert!(closure.contains(package), "{package}");
        }
        let closure = installed_closure([API]);
        assert_eq!(closure.len(), 1);
        assert!(brings(
            AUTO_INSTRUMENTATIONS,
            "@opentelemetry/instrumentation-express"
        ));
    }

    #[test]
    fn exporters_and_symbols() {
        assert_eq!(exporter_protocol(EXPORTER_HTTP), Some(Protocol::HttpJson));
        assert_eq!(symbol(SDK_NODE, "NodeSDK"), Some(Symbol::NodeSdk));
        assert_eq!(
            symbol("@opentelemetry/instrumentation-http", "HttpInstrumentation"),
            Some(Symbol::Instrumentations)
        );
        assert_eq!(symbol("express", "Router"), None);
    }
}

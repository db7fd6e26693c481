//! Every parser takes whatever a workspace holds: random bytes (as text, the way the loader
//! hands them over after its UTF-8 check), near-valid input built from each format's own
//! tokens, and never panics or loops.

use otel_doctor::config::EndpointPattern;
use otel_doctor::shell;
use otel_doctor::source::Location;
use otel_doctor::workspace::clike::{self, Dialect};
use otel_doctor::workspace::dependencies::{self, Ecosystem};
use otel_doctor::workspace::nesting::MAX_NESTING;
use otel_doctor::workspace::npm::{self, LockKind};
use otel_doctor::workspace::{
    compose, dockerfile, dotenv, go, interpolate, javascript, kubernetes, manifest, ottl,
    properties, python, ruby, settings, yaml,
};
use proptest::prelude::*;

/// Text made of a format's meaningful pieces, so that the parser gets past its first line.
fn tokens(pieces: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(pieces), 0..64).prop_map(|parts| parts.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<u8>(), 0..512)
        .prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

const YAML: &[&str] = &[
    "services:",
    "\n",
    "  ",
    "- ",
    ": ",
    "&a ",
    "*a",
    "<<: ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "\"",
    "'",
    "#",
    "x",
    "${A}",
    "$$",
    "|",
    ">",
    "? ",
    "!!str ",
    "---",
    "...",
    "environment",
    "command",
    "build",
    "env_file",
    "\t",
];
const OTTL: &[&str] = &[
    "set",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    ":",
    "=",
    "==",
    "!=",
    "<",
    ">=",
    "+",
    "-",
    "*",
    "/",
    " ",
    "\"a\"",
    "\"\\\"",
    "\"",
    "1",
    "-2",
    "3.5",
    "0xff",
    "true",
    "nil",
    "not ",
    " and ",
    " or ",
    " where ",
    "attributes",
    "IsMatch",
    "SPAN_KIND",
    " for x in ",
    " if ",
    "'",
];
const DOCKERFILE: &[&str] = &[
    "FROM ",
    "RUN ",
    "ENV ",
    "ARG ",
    "CMD ",
    "COPY ",
    "AS ",
    "--from=",
    "\\\n",
    "\n",
    "<<EOF",
    "EOF",
    "[\"",
    "\"]",
    "\"",
    "'",
    "=",
    "#",
    " ",
    "x",
    "pip install -r r.txt",
    "# escape=`\n",
    "`\n",
];
const DOTENV: &[&str] = &[
    "A", "=", "\"", "'", "`", "\\", "\n", "#", " ", "export ", "${", "}", "$", ":-", "x", "\r\n",
];
const TEMPLATE: &[&str] = &[
    "$",
    "{",
    "}",
    ":",
    "-",
    "?",
    "+",
    "A",
    "_",
    "1",
    "$$",
    "${A:-${B}}",
    " ",
    "!",
];
const PYTHON: &[&str] = &[
    "import ",
    "from ",
    " as ",
    "(",
    ")",
    ",",
    ".",
    "\"",
    "'",
    "\"\"\"",
    "#",
    "\\\n",
    "\n",
    "=",
    "x",
    "@",
    ":",
    "opentelemetry",
    "f\"",
    "r'",
    "[",
    "]",
];
const REQUIREMENTS: &[&str] = &[
    "-r ",
    "-e ",
    "\\\n",
    "\n",
    "#",
    " ",
    "opentelemetry-sdk",
    "[",
    "]",
    "==1",
    ";",
    "@ ",
    "x",
];
const TOML: &[&str] = &[
    "[project]",
    "\n",
    "dependencies = ",
    "[",
    "]",
    "\"",
    "x",
    ",",
    "=",
    "{",
    "}",
    "[tool.poetry.dependencies]",
];

/// Java, Kotlin and C# setup code.
const CLIKE: &[&str] = &[
    "import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;\n",
    "using OpenTelemetry.Trace;\n",
    "OtlpHttpSpanExporter.builder()",
    ".setEndpoint(",
    "builder.Services.AddOpenTelemetry()",
    ".WithTracing(t => t.AddOtlpExporter(o => { o.Endpoint = new Uri(",
    "System.setProperty(",
    "\"http://collector:4318\"",
    "@\"verbatim\"",
    "$\"{x}\"",
    "\"\"\"text block\"\"\"",
    "/* ",
    " */",
    "// ",
    "(",
    ")",
    "{",
    "}",
    ";",
    "\n",
];

/// Kubernetes manifests, Java properties and SDK settings files.
const KUBERNETES: &[&str] = &[
    "apiVersion: apps/v1\n",
    "kind: Deployment\n",
    "kind: Service\n",
    "kind: ConfigMap\n",
    "metadata:\n  name: api\n  namespace: shop\n",
    "spec:\n  template:\n    spec:\n      containers:\n",
    "      - name: app\n        env:\n",
    "        - name: OTEL_EXPORTER_OTLP_ENDPOINT\n          value: http://otel:4318\n",
    "          valueFrom:\n            secretKeyRef:\n              name: hc\n              key: k\n",
    "data:\n  config.yaml: |\n    receivers:\n",
    "otel.exporter.otlp.endpoint=http://x:4318\n",
    "\"OpenTelemetry\": { \"Endpoint\": ",
    "---\n",
    "- ",
    ": ",
    "\\\n",
    "\n",
];

const GO: &[&str] = &[
    "package main\n",
    "import ",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "`",
    "'",
    "//",
    "/*",
    "*/",
    "\\",
    "\n",
    ",",
    ".",
    "...",
    ":=",
    "=",
    ":",
    "+",
    "&",
    "func ",
    "func (s *S) ",
    "var ",
    "for ",
    "select ",
    "map[string]string",
    "otlptracehttp.New",
    "sdktrace.WithBatcher",
    "append",
    "x",
    "\"go.opentelemetry.io/otel\"",
];

const RUBY: &[&str] = &[
    "require 'opentelemetry/sdk'\n",
    "OpenTelemetry::SDK.configure",
    " do |c|\n",
    "\nend\n",
    "{ |c| ",
    "}",
    "c.use_all",
    "c.service_name = ",
    "ENV['OTEL_TRACES_EXPORTER'] ||= ",
    "ENV.fetch(",
    "'",
    "\"",
    "#{",
    "#",
    "<<~EOS\n",
    "EOS\n",
    "%w[",
    "=begin\n",
    "=end\n",
    "(",
    ")",
    "[",
    "]",
    ",",
    "=>",
    "key: ",
    ":sym",
    "/",
    "\\",
    "\n",
    "if ",
    "def x",
    ".new",
];

const JAVASCRIPT: &[&str] = &[
    "import ",
    " from ",
    "require(",
    "import(",
    "export * from ",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    ".",
    "?.",
    "'",
    "\"",
    "`",
    "${",
    "//",
    "/*",
    "*/",
    "/",
    "\\",
    "\n",
    "=",
    "=>",
    "||",
    "??",
    "+",
    "new ",
    "const x = ",
    "process.env.X",
    "import.meta.env.VITE_X",
    "@opentelemetry/sdk-node",
    "NodeSDK",
    "<T>",
    " as ",
    "!",
    ";",
    "x",
    "<p>Don't</p>",
];
const JSON: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "dependencies",
    "scripts",
    "type",
    "module",
    "\\",
    "node_modules/",
    "packages",
    "dev",
    "true",
    " ",
    "\n",
    "x",
];
const MANIFESTS: &[&str] = &[
    "require ",
    "(",
    ")",
    "// indirect",
    "gem '",
    "'",
    "\"",
    "group :test do",
    "end",
    "\n",
    "<dependency>",
    "<groupId>",
    "</groupId>",
    "<artifactId>",
    "</artifactId>",
    "</dependency>",
    "<PackageReference Include=\"",
    "\" />",
    "implementation ",
    ":",
    " ",
    "go.opentelemetry.io/otel",
    "x",
];

/// What `--trust-endpoint`, `OTEL_DOCTOR_TRUST_ENDPOINTS` and `send-key-to` take.
const ENDPOINTS: &[&str] = &[
    "http://",
    "https://",
    "ftp://",
    "api.honeycomb.io",
    "exfil.example",
    ".",
    ":",
    ":4318",
    ":443",
    ":99999",
    "[::1]",
    "[",
    "]",
    "@",
    "/v1/traces",
    "?",
    "#",
    "%2e",
    "xn--",
    "ü",
    " ",
];

/// Brackets around code, nested about as deep as the parsers allow, give or take.
const NESTING: &[&str] = &[
    "(", ")", "[", "]", "{", "}", "f(", "x", ",", "=", "\n", "`${", "'",
];

fn deeply_nested() -> impl Strategy<Value = String> {
    (
        MAX_NESTING - 8..MAX_NESTING + 8,
        prop::sample::select(&["(", "[", "{", "f("][..]),
        tokens(NESTING),
    )
        .prop_map(|(depth, open, inner)| {
            let close = if open == "f(" {
                ")"
            } else {
                &open.replace('(', ")").replace('[', "]").replace('{', "}")
            };
            format!("x = {}{inner}{}\n", open.repeat(depth), close.repeat(depth))
        })
}

fn lookup(name: &str) -> Option<String> {
    (name == "A").then(|| "a".to_string())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn yaml_and_compose(text in prop_oneof![any_text(), tokens(YAML)]) {
        let _ = yaml::parse(&text);
        let _ = compose::read(&std::sync::Arc::from("docker-compose.yml"), &text, &lookup);
    }

    #[test]
    fn ottl_statements_and_conditions(text in prop_oneof![any_text(), tokens(OTTL)]) {
        let _ = ottl::parse(&text, ottl::Form::Statement);
        let _ = ottl::parse(&text, ottl::Form::Condition);
    }

    #[test]
    fn dockerfiles(text in prop_oneof![any_text(), tokens(DOCKERFILE)]) {
        let _ = dockerfile::parse(&text);
    }

    #[test]
    fn env_files(text in prop_oneof![any_text(), tokens(DOTENV)]) {
        let _ = dotenv::parse(&text, &lookup);
    }

    #[test]
    fn interpolation(text in prop_oneof![any_text(), tokens(TEMPLATE)]) {
        let _ = interpolate::interpolate(&text, &lookup);
    }

    #[test]
    fn python_sources(text in prop_oneof![any_text(), tokens(PYTHON), deeply_nested()]) {
        let _ = python::parse(&text);
    }

    #[test]
    fn manifests(text in prop_oneof![any_text(), tokens(REQUIREMENTS), tokens(TOML)]) {
        let _ = manifest::parse_requirements(&text);
        let _ = manifest::parse_pyproject(&text);
    }

    #[test]
    fn java_and_dotnet_sources(text in prop_oneof![any_text(), tokens(CLIKE)]) {
        for dialect in [Dialect::Java, Dialect::Kotlin, Dialect::CSharp] {
            let _ = clike::parse(&text, dialect);
        }
    }

    #[test]
    fn kubernetes_manifests_and_settings(text in prop_oneof![any_text(), tokens(KUBERNETES)]) {
        let file: std::sync::Arc<str> = std::sync::Arc::from("x.yaml");
        let _ = kubernetes::read(&file, &text, "default");
        let _ = properties::parse(&text);
        let _ = settings::parse_yaml(&file, &text);
        let _ = settings::parse_json(&file, &text);
    }

    #[test]
    fn go_sources(text in prop_oneof![any_text(), tokens(GO)]) {
        let _ = go::parse(&text);
    }

    #[test]
    fn ruby_sources(text in prop_oneof![any_text(), tokens(RUBY)]) {
        let _ = ruby::parse(&text);
    }

    #[test]
    fn javascript_sources(text in prop_oneof![any_text(), tokens(JAVASCRIPT), deeply_nested()]) {
        let _ = javascript::parse(&text);
    }

    /// Brackets nested no deeper than the limit are read; deeper ones are refused, never a
    /// crash, whatever comes between them.
    #[test]
    fn nesting_past_the_limit_is_refused(depth in 1..MAX_NESTING * 2, inner in tokens(PYTHON)) {
        let inner = inner.replace(['(', ')', '[', ']', '{', '}', '"', '\'', '#', '\\'], " ");
        let text = format!("x = f({}{inner}{})\n", "[".repeat(depth), "]".repeat(depth));
        prop_assert_eq!(python::parse(&text).is_ok(), depth < MAX_NESTING);
        prop_assert_eq!(javascript::parse(&format!("// opentelemetry\n{text}")).is_ok(), depth < MAX_NESTING);
    }

    #[test]
    fn npm_manifests_and_lockfiles(text in prop_oneof![any_text(), tokens(JSON)]) {
        let _ = npm::parse_package_json(&text);
        for kind in [LockKind::Npm, LockKind::Yarn, LockKind::Pnpm] {
            let _ = npm::parse_lockfile(kind, &text);
        }
    }

    #[test]
    fn other_ecosystems(text in prop_oneof![any_text(), tokens(MANIFESTS)]) {
        for ecosystem in [
            Ecosystem::Go,
            Ecosystem::Ruby,
            Ecosystem::Maven,
            Ecosystem::Gradle,
            Ecosystem::NuGet,
            Ecosystem::Composer,
        ] {
            let _ = dependencies::parse(ecosystem, &text);
        }
        let _ = ruby::parse(&text);
    }

    #[test]
    fn shell_words(text in any_text()) {
        let _ = shell::split(&text);
    }

    #[test]
    fn locations_inside_text(text in any_text(), line in 0u32..10, column in 0u32..80, needle in "[a-z-]{0,4}") {
        let _ = otel_doctor::source::find_from(&text, line, column, &needle);
        let _ = Location::new(&std::sync::Arc::from("f"), line, column);
    }

    /// A pattern the user wrote either stops the run with a reason or reads back as itself:
    /// what `config` shows is what the key policy checks.
    #[test]
    fn trusted_endpoints(text in prop_oneof![any_text(), tokens(ENDPOINTS)]) {
        if let Ok(pattern) = EndpointPattern::parse(&text) {
            let shown = pattern.to_string();
            prop_assert_eq!(EndpointPattern::parse(&shown), Ok(pattern.clone()), "{:?} shown as {:?}", text, shown);
            if let Ok(url) = url::Url::parse(&format!("https://{}", shown.split("://").last().unwrap_or_default())) {
                let _ = pattern.matches(&url);
            }
        }
    }
}

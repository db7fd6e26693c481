//! A workspace file can neither crash nor stall a run: every parser gets 100,000-deep nesting
//! and 100,000-line files, made here, and the run must end with a report, within a bound that
//! only a hang or a quadratic scan can pass (they took minutes: eleven thousand nested brackets
//! in a Python file overflowed the stack and printed nothing at all; `f(f(f(...)))` 4,000 deep
//! in a 12 KB file ran for more than a minute; a 64,000-line `.env` took over 20 s). What
//! nests too deep to read is a finding at the bracket where it does; the run goes on.

mod support;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

/// Generous: a debug build on a loaded machine reads each of these workspaces in seconds; the
/// quadratic scans they reproduce took many minutes.
const BOUND: Duration = Duration::from_secs(600);

const DEEP: usize = 100_000;
const LINES: usize = 100_000;

fn lint(workspace: &Path) -> Output {
    support::lint_within(workspace, &["--format", "json"], BOUND)
}

/// The report's findings as `rule file:line:column message`; fails unless the run ended with
/// a report (exit 0 or 1, JSON on stdout).
fn findings(output: &Output) -> Vec<String> {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "no report: {:?} {stderr}",
        output.status
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stderr}"));
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}:{} {}",
                f["rule"].as_str().unwrap(),
                f["file"].as_str().unwrap_or("-"),
                f["line"],
                f["column"],
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

fn workspace(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn nested(open: &str, inner: &str, close: &str, depth: usize) -> String {
    format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
}

fn lines(count: usize, line: impl Fn(usize) -> String) -> String {
    (0..count).map(line).collect()
}

/// Three services, one per language read from code, each with its own context.
fn compose() -> String {
    let service = |name: &str| {
        format!(
            "  {name}:\n    build: ./{name}\n    environment:\n      OTEL_SERVICE_NAME: {name}\n      OTEL_EXPORTER_OTLP_ENDPOINT: https://api.honeycomb.io\n"
        )
    };
    format!(
        "services:\n{}{}{}",
        service("py"),
        service("js"),
        service("rb")
    )
}

fn code_workspace(python: String, javascript: String, ruby: String) -> tempfile::TempDir {
    workspace(&[
        ("docker-compose.yml", compose()),
        (
            "py/Dockerfile",
            "FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"opentelemetry-instrument\", \"python\", \"app.py\"]\n".into(),
        ),
        ("py/requirements.txt", "opentelemetry-distro\nopentelemetry-exporter-otlp\n".into()),
        ("py/app.py", python),
        (
            "js/Dockerfile",
            "FROM node:22\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"--require\", \"./tracing.js\", \"index.js\"]\n".into(),
        ),
        (
            "js/package.json",
            r#"{"dependencies": {"@opentelemetry/sdk-node": "0.200.0"}}"#.into(),
        ),
        ("js/tracing.js", javascript),
        // Each exporter once looked through every call of its file.
        (
            "js/exporters.js",
            format!(
                "const {{ OTLPTraceExporter }} = require('@opentelemetry/exporter-trace-otlp-http');\n{}",
                "new OTLPTraceExporter();\n".repeat(20_000)
            ),
        ),
        ("js/index.js", "require('http').createServer().listen(8080);\n".into()),
        ("rb/Dockerfile", "FROM ruby:3.3\nCOPY . .\nRUN bundle install\nCMD [\"ruby\", \"app.rb\"]\n".into()),
        ("rb/Gemfile", "gem 'opentelemetry-sdk'\n".into()),
        ("rb/app.rb", ruby),
    ])
}

#[test]
fn source_nested_100000_deep_is_reported_at_the_bracket_that_goes_too_deep() {
    let dir = code_workspace(
        format!("import os\nx = {}\n", nested("(", "1", ")", DEEP)),
        format!(
            "const {{ NodeSDK }} = require('@opentelemetry/sdk-node');\nconst x = {};\n",
            nested("f(", "1", ")", DEEP)
        ),
        format!(
            "require 'opentelemetry/sdk'\nx = {}\n",
            nested("[", "1", "]", DEEP)
        ),
    );
    let findings = findings(&lint(dir.path()));
    // At the 201st bracket: after `x = ` (4 columns) in Python, `const x = ` (10) and `f(`
    // (2 each) in JavaScript.
    for expected in [
        "code/unreadable-source py/app.py:2:205 cannot read this source file: brackets nest more than 200 deep",
        "code/unreadable-source js/tracing.js:2:412 cannot read this source file: brackets nest more than 200 deep",
    ] {
        assert!(
            findings.iter().any(|f| f.starts_with(expected)),
            "no {expected}: {findings:#?}"
        );
    }
}

#[test]
fn source_files_of_100000_lines_and_nested_calls_are_read() {
    // Within the size limits: 4 MB for a workspace file, 512 KB for JavaScript (larger is a
    // bundle, not read).
    let python = format!(
        "from opentelemetry import trace\n{}{}",
        lines(LINES, |i| format!("t{i} = trace.get_tracer(n)\n")),
        lines(1_000, |_| format!("x = {}\n", nested("f(", "1", ")", 150)))
    );
    let javascript = format!(
        "const {{ NodeSDK }} = require('@opentelemetry/sdk-node');\n{}{}",
        lines(LINES, |_| "a()\n".into()),
        lines(150, |_| format!("x = {};\n", nested("f(", "1", ")", 150)))
    );
    let ruby = lines(LINES / 3, |i| {
        format!("OpenTelemetry::SDK.configure do |c|\n  c.service_name = 's{i}'\nend\n")
    });
    let dir = code_workspace(python, javascript, ruby);
    let findings = findings(&lint(dir.path()));
    assert!(
        !findings
            .iter()
            .any(|f| f.starts_with("code/unreadable-source")),
        "{findings:#?}"
    );
}

#[test]
fn environment_files_scripts_and_collector_configs_of_100000_lines_are_read() {
    let compose = format!(
        "services:\n  script:\n    build: ./script\n  otel-collector:\n    image: otel/opentelemetry-collector-contrib:0.120.0\n    command: [--config=/etc/otelcol.yaml]\n    volumes: [./otelcol.yaml:/etc/otelcol.yaml]\n  api:\n    build: ./api\n    env_file: api.env\n    environment:\n      OTEL_SERVICE_NAME: api\n{}",
        lines(LINES, |i| format!("      V{i}: ${{E{i}:-x}}\n"))
    );
    let dir = workspace(&[
        ("docker-compose.yml", compose),
        // Each line refers to the one before it, and to a variable no line sets.
        (
            ".env",
            lines(LINES, |i| {
                format!("E{i}=${{E{}:-a}}${{UNSET}}\n", i.max(1) - 1)
            }),
        ),
        (
            "api.env",
            lines(LINES, |i| format!("F{i}=value {i} # note\n")),
        ),
        (
            "api/Dockerfile",
            format!(
                "FROM python:3.12\n{}ENV {}Z=1\n{}",
                lines(LINES / 2, |i| format!("ENV G{i}=$G{}\n", i.max(1) - 1)),
                lines(LINES / 2, |i| format!("H{i}=x \\\n  ")),
                "CMD [\"python\", \"app.py\"]\n"
            ),
        ),
        ("api/app.py", "print('hi')\n".into()),
        (
            "script/Dockerfile",
            "FROM python:3.12\nCOPY . .\nCMD [\"./run.sh\"]\n".into(),
        ),
        (
            "script/run.sh",
            format!(
                "#!/bin/sh\n{}exec opentelemetry-instrument python app.py\n",
                lines(LINES, |i| format!(
                    "export V{i}=\"$V{}\" # {i}\n",
                    i.max(1) - 1
                ))
            ),
        ),
        ("script/app.py", "print('hi')\n".into()),
        (
            "otelcol.yaml",
            format!(
                "receivers:\n  otlp:\n    protocols:\n      http:\nprocessors:\n{}exporters:\n  debug: {{}}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n",
                lines(LINES, |i| format!("  batch/{i}: {{}}\n"))
            ),
        ),
    ]);
    findings(&lint(dir.path()));
}

#[test]
fn manifests_of_100000_lines_are_read() {
    let python = "FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n";
    let other = "FROM debian:12\nCOPY . .\nCMD [\"./app\"]\n";
    let node = "FROM node:22\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"index.js\"]\n";
    let services = [
        "pip",
        "pyproject",
        "pipfile",
        "npm",
        "yarn",
        "go",
        "jvm",
        "dotnet",
        "php",
        "gem",
        "pnpm",
    ];
    let compose = format!(
        "services:\n{}",
        services
            .iter()
            .map(|s| format!("  {s}:\n    build: ./{s}\n"))
            .collect::<String>()
    );
    let dir = workspace(&[
        ("docker-compose.yml", compose),
        ("pip/Dockerfile", python.into()),
        (
            "pip/requirements.txt",
            lines(LINES, |i| {
                format!("package-{i}==1.{i} ; python_version >= '3.9'\n")
            }),
        ),
        ("pyproject/Dockerfile", python.into()),
        (
            "pyproject/pyproject.toml",
            format!(
                "[project]\nname = 'x'\ndependencies = [\n{}]\n[tool.poetry.dependencies]\n{}",
                lines(LINES / 2, |i| format!("  'package-{i}>=1',\n")),
                lines(LINES / 2, |i| format!("poetry-{i} = \"^1\"\n"))
            ),
        ),
        ("pipfile/Dockerfile", python.into()),
        (
            "pipfile/Pipfile",
            format!(
                "[packages]\n{}",
                lines(LINES, |i| format!("package-{i} = \"*\"\n"))
            ),
        ),
        ("npm/Dockerfile", node.into()),
        (
            "npm/package.json",
            format!(
                "{{\"dependencies\": {{\n{}\n}}}}",
                (0..LINES)
                    .map(|i| format!("\"p{i}\": \"1\""))
                    .collect::<Vec<_>>()
                    .join(",\n")
            ),
        ),
        (
            "npm/package-lock.json",
            format!(
                "{{\"lockfileVersion\": 3, \"packages\": {{\n{}\n}}}}",
                (0..LINES)
                    .map(|i| format!("\"node_modules/p{i}\": {{\"version\": \"1.0.0\"}}"))
                    .collect::<Vec<_>>()
                    .join(",\n")
            ),
        ),
        ("pnpm/Dockerfile", node.into()),
        (
            "pnpm/package.json",
            r#"{"dependencies": {"a": "1"}}"#.into(),
        ),
        (
            "pnpm/pnpm-lock.yaml",
            format!(
                "lockfileVersion: '9.0'\npackages:\n{}",
                lines(LINES / 2, |i| format!(
                    "  p{i}@1.0.{i}:\n    resolution: {{integrity: sha512-x}}\n"
                ))
            ),
        ),
        ("yarn/Dockerfile", node.into()),
        (
            "yarn/package.json",
            r#"{"dependencies": {"a": "1"}}"#.into(),
        ),
        (
            "yarn/yarn.lock",
            lines(LINES / 2, |i| format!("p{i}@^1:\n  version \"1.0.0\"\n")),
        ),
        ("go/Dockerfile", other.into()),
        (
            "go/go.mod",
            format!(
                "module x\nrequire (\n{})\n",
                lines(LINES, |i| format!("  example.com/p{i} v1.0.{i}\n"))
            ),
        ),
        ("jvm/Dockerfile", other.into()),
        (
            "jvm/pom.xml",
            format!(
                "<project><dependencies>\n{}</dependencies></project>\n",
                lines(LINES, |i| format!(
                    "<dependency><groupId>g{i}</groupId><artifactId>a{i}</artifactId></dependency>\n"
                ))
            ),
        ),
        (
            "jvm/build.gradle",
            format!(
                "dependencies {{\n{}}}\n",
                lines(LINES, |i| format!("  implementation 'g:a{i}:1'\n"))
            ),
        ),
        ("dotnet/Dockerfile", other.into()),
        (
            "dotnet/app.csproj",
            format!(
                "<Project>\n{}</Project>\n",
                lines(LINES, |i| format!(
                    "<PackageReference Include=\"P{i}\" Version=\"1\" />\n"
                ))
            ),
        ),
        ("php/Dockerfile", other.into()),
        (
            "php/composer.json",
            format!(
                "{{\"require\": {{\n{}\n}}}}",
                (0..LINES)
                    .map(|i| format!("\"v/p{i}\": \"1\""))
                    .collect::<Vec<_>>()
                    .join(",\n")
            ),
        ),
        ("gem/Dockerfile", other.into()),
        (
            "gem/Gemfile",
            lines(LINES, |i| format!("gem 'p{i}', '~> 1.{i}'\n")),
        ),
    ]);
    findings(&lint(dir.path()));
}

#[test]
fn structured_files_nested_100000_deep_are_reported_and_the_run_goes_on() {
    let compose = format!(
        "services:\n  api:\n    build: ./api\n    environment:\n      OTEL_SERVICE_NAME: api\n      DEEP: {}\n  web:\n    build: ./web\n  otel-collector:\n    image: otel/opentelemetry-collector-contrib:0.120.0\n    command: [--config=/etc/otelcol.yaml]\n    volumes: [./otelcol.yaml:/etc/otelcol.yaml]\n",
        nested("${A:-", "x", "}", DEEP)
    );
    let dir = workspace(&[
        ("docker-compose.yml", compose),
        (
            "docker-compose.override.yml",
            format!("x-deep: {}\n", nested("[", "1", "]", DEEP)),
        ),
        (
            "otelcol.yaml",
            format!("receivers: {}\n", nested("{a: ", "1", "}", DEEP)),
        ),
        (
            "api/Dockerfile",
            format!(
                "FROM python:3.12\nCOPY . .\nRUN pip install .\nCMD {}\n",
                nested("[", "1", "]", DEEP)
            ),
        ),
        (
            "api/pyproject.toml",
            format!(
                "[project]\nname = 'x'\ndependencies = {}\n",
                nested("[", "'a'", "]", DEEP)
            ),
        ),
        ("api/app.py", "print('hi')\n".into()),
        (
            "web/Dockerfile",
            "FROM node:22\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"index.js\"]\n".into(),
        ),
        ("web/package.json", nested("{\"a\": ", "1", "}", DEEP)),
        ("web/pom.xml", nested("<a>", "1", "</a>", DEEP)),
    ]);
    let findings = findings(&lint(dir.path()));
    for (rule, file) in [
        ("compose/parse-error", "docker-compose.override.yml"),
        ("deps/manifest-parse-error", "api/pyproject.toml"),
        ("deps/manifest-parse-error", "web/package.json"),
    ] {
        assert!(
            findings
                .iter()
                .any(|f| f.starts_with(&format!("{rule} {file}:"))),
            "no {rule} for {file}: {findings:#?}"
        );
    }
}

//! How long `otel-doctor lint` takes on a generated monorepo (compose + one Dockerfile,
//! requirements and Python code per service), measured as a whole process, like a user or a
//! CI job runs it. Release profile; prints min/median/max.
//!
//! - `cargo bench --bench monorepo`: the 200-service monorepo.
//! - `cargo bench --bench monorepo -- --services 1,200,5000`: these sizes, one line each.
//! - `cargo bench --bench monorepo -- --write DIR --services 200,5000`: only writes the
//!   workspaces (`DIR/services-200`, ...), for `scripts/bench.py`, which also times the peers.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const DEFAULT_SERVICES: usize = 200;
const RUNS: usize = 21;

fn main() {
    let arguments = match Arguments::parse(std::env::args().skip(1)) {
        Ok(arguments) => arguments,
        Err(message) => {
            eprintln!("monorepo bench: {message}");
            std::process::exit(2);
        }
    };
    if let Some(dir) = &arguments.write {
        for &services in &arguments.services {
            generate(&dir.join(format!("services-{services}")), services);
        }
        return;
    }
    for &services in &arguments.services {
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("monorepo-{services}"));
        generate(&root, services);
        time_lint(&root, services);
    }
}

struct Arguments {
    services: Vec<usize>,
    write: Option<PathBuf>,
}

impl Arguments {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Arguments, String> {
        let mut parsed = Arguments {
            services: vec![DEFAULT_SERVICES],
            write: None,
        };
        while let Some(arg) = args.next() {
            match arg.as_str() {
                // `cargo bench` passes it to every bench binary.
                "--bench" => {}
                "--services" => {
                    let list = args.next().ok_or("--services needs a list: 1,200,5000")?;
                    parsed.services = list
                        .split(',')
                        .map(|n| n.trim().parse().map_err(|_| format!("not a count: {n}")))
                        .collect::<Result<_, _>>()?;
                }
                "--write" => {
                    parsed.write = Some(args.next().ok_or("--write needs a folder")?.into())
                }
                other => return Err(format!("unknown argument {other}")),
            }
        }
        Ok(parsed)
    }
}

fn time_lint(root: &Path, services: usize) {
    let binary = env!("CARGO_BIN_EXE_otel-doctor");
    let run = || {
        let started = Instant::now();
        let output = Command::new(binary)
            .args(["lint", "--format", "json"])
            .arg(root)
            .env_clear()
            .output()
            .expect("run otel-doctor");
        (started.elapsed(), output)
    };
    let (_, warmup) = run();
    let report: serde_json::Value = serde_json::from_slice(&warmup.stdout).expect("JSON report");
    let resolved = report["services"].as_array().map_or(0, Vec::len);
    let findings = report["findings"].as_array().map_or(0, Vec::len);
    assert_eq!(
        resolved,
        services + 1,
        "every generated service is resolved"
    );
    let mut times: Vec<Duration> = (0..RUNS).map(|_| run().0).collect();
    times.sort();
    println!(
        "lint of {services} services ({findings} findings): min {:.1} ms, median {:.1} ms, max {:.1} ms over {RUNS} runs",
        ms(times[0]),
        ms(times[RUNS / 2]),
        ms(times[RUNS - 1])
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// A compose project like a real monorepo: every service sends to a collector (configured, in
/// the middle of the file), half of them set up the SDK in code, half through
/// opentelemetry-instrument; one in ten has a mistake.
fn generate(root: &Path, services: usize) {
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root).expect("create the workspace");
    let mut compose = String::from("services:\n");
    for n in 0..services {
        // The collector sits in the middle of the file, as it would in a real one.
        if n == services / 2 {
            compose.push_str("  otel-collector:\n    image: otel/opentelemetry-collector-contrib:0.114.0\n    environment:\n      HONEYCOMB_API_KEY: ${HONEYCOMB_API_KEY}\n    volumes:\n      - ./otel-collector.yaml:/etc/otelcol-contrib/config.yaml\n    ports:\n      - \"4317:4317\"\n      - \"4318:4318\"\n");
        }
        let name = format!("svc-{n:03}");
        let endpoint = if n % 10 == 7 {
            "http://localhost:4318"
        } else {
            "http://otel-collector:4318"
        };
        compose.push_str(&format!(
            "  {name}:\n    build: ./services/{name}\n    environment:\n      OTEL_SERVICE_NAME: {name}\n      OTEL_EXPORTER_OTLP_ENDPOINT: {endpoint}\n      OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf\n      OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${{HONEYCOMB_API_KEY}}\n      DATABASE_URL: postgres://db/{name}\n"
        ));
        let dir = root.join("services").join(&name);
        std::fs::create_dir_all(dir.join("app")).expect("create a service");
        let instrumented = n % 2 == 0;
        let command = if instrumented {
            r#"["opentelemetry-instrument", "gunicorn", "-b", "0.0.0.0:8000", "app.main:app"]"#
        } else {
            r#"["gunicorn", "-b", "0.0.0.0:8000", "app.main:app"]"#
        };
        write(
            &dir.join("Dockerfile"),
            &format!(
                "# syntax=docker/dockerfile:1\nFROM python:3.12-slim AS base\nWORKDIR /srv\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt \\\n && opentelemetry-bootstrap -a install\nCOPY app ./app\nENV PYTHONUNBUFFERED=1\nEXPOSE 8000\nCMD {command}\n"
            ),
        );
        write(
            &dir.join("requirements.txt"),
            "flask==3.1.3\ngunicorn==23.0.0\nrequests==2.32.3\nsqlalchemy==2.0.36\npsycopg2-binary==2.9.10\nopentelemetry-api==1.45.1\nopentelemetry-sdk==1.45.1\nopentelemetry-distro==0.66b1\nopentelemetry-exporter-otlp==1.45.1\nopentelemetry-instrumentation-flask==0.66b1\n",
        );
        write(&dir.join("app").join("__init__.py"), "");
        write(&dir.join("app").join("main.py"), &app_source(instrumented));
    }
    write(&root.join("docker-compose.yml"), &compose);
    write(
        &root.join("otel-collector.yaml"),
        "receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317\n      http:\n        endpoint: 0.0.0.0:4318\nprocessors:\n  batch:\n  memory_limiter:\n    check_interval: 1s\n    limit_percentage: 80\nexporters:\n  otlp/honeycomb:\n    endpoint: api.honeycomb.io:443\n    headers:\n      x-honeycomb-team: ${env:HONEYCOMB_API_KEY}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      processors: [memory_limiter, batch]\n      exporters: [otlp/honeycomb]\n",
    );
    write(
        &root.join(".env"),
        "HONEYCOMB_API_KEY=hcaik_0000000000000000000000000000000000000000000000000000000000\n",
    );
}

fn app_source(instrumented: bool) -> String {
    let setup = if instrumented {
        "from opentelemetry import trace\n"
    } else {
        "from opentelemetry import trace\nfrom opentelemetry.sdk.trace import TracerProvider\nfrom opentelemetry.sdk.trace.export import BatchSpanProcessor\nfrom opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter\n\nprovider = TracerProvider()\nprovider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))\ntrace.set_tracer_provider(provider)\n"
    };
    let mut source = format!(
        "\"\"\"A service of the generated monorepo.\"\"\"\nimport os\nfrom flask import Flask, jsonify, request\n{setup}\ntracer = trace.get_tracer(__name__)\napp = Flask(__name__)\n\n"
    );
    for route in 0..20 {
        source.push_str(&format!(
            "@app.route(\"/r{route}\")\ndef handler_{route}():\n    with tracer.start_as_current_span(\"work-{route}\") as span:\n        span.set_attribute(\"route\", {route})\n        return jsonify(ok=True, value=os.getenv(\"VALUE_{route}\", \"x\"))\n\n"
        ));
    }
    source
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

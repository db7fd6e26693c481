//! Which compose project a run reads, seen in the JSON report: what `include:`d files
//! interpolate with, how variant compose files and inactive profiles appear as steps.
//! (Which findings each case produces lives in `fixtures/workspace/`.)

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn write(dir: &Path, path: &str, content: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn lint(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .arg("lint")
        .arg(dir)
        .args(["--format", "json"])
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn env_value<'a>(report: &'a Value, service: &str, name: &str) -> &'a str {
    report["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == service)
        .and_then(|s| {
            s["environment"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["name"] == name)
        })
        .and_then(|v| v["value"].as_str())
        .unwrap_or_else(|| panic!("no {name} for {service}: {report}"))
}

fn steps(report: &Value) -> Vec<(String, String, String)> {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let text = |key: &str| s[key].as_str().unwrap().to_string();
            (text("id"), text("title"), text("summary"))
        })
        .collect()
}

#[test]
fn an_include_interpolates_with_its_env_file_under_the_including_projects_variables() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".env", "SHARED=from-main\n");
    write(
        dir.path(),
        "docker-compose.yml",
        "include:\n  - obs/compose.yaml\nservices:\n  api:\n    image: python:3.12-slim\n",
    );
    write(
        dir.path(),
        "obs/.env",
        "SHARED=from-include\nONLY_INCLUDE=yes\n",
    );
    write(
        dir.path(),
        "obs/compose.yaml",
        "services:\n  loadgen:\n    image: python:3.12-slim\n    environment:\n      OTEL_SERVICE_NAME: ${SHARED}\n      OTEL_RESOURCE_ATTRIBUTES: from.include=${ONLY_INCLUDE}\n",
    );
    let report = lint(dir.path(), &[], &[]);
    // compose-go merges the included env_file under the including project's environment.
    assert_eq!(
        env_value(&report, "loadgen", "OTEL_SERVICE_NAME"),
        "from-main"
    );
    assert_eq!(
        env_value(&report, "loadgen", "OTEL_RESOURCE_ATTRIBUTES"),
        "from.include=yes"
    );
    let from_shell = lint(dir.path(), &[], &[("SHARED", "from-shell")]);
    assert_eq!(
        env_value(&from_shell, "loadgen", "OTEL_SERVICE_NAME"),
        "from-shell"
    );
}

#[test]
fn variant_services_are_steps_of_their_own_named_after_their_file() {
    let dir = tempfile::tempdir().unwrap();
    let service = |endpoint: &str| {
        format!(
            "services:\n  api:\n    image: python:3.12-slim\n    environment:\n      OTEL_SERVICE_NAME: api\n      OTEL_EXPORTER_OTLP_ENDPOINT: {endpoint}\n      OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf\n"
        )
    };
    write(
        dir.path(),
        "docker-compose.yml",
        &service("https://api.honeycomb.io"),
    );
    write(
        dir.path(),
        "docker-compose.prod.yml",
        &service("https://api.eu1.honeycomb.io"),
    );
    let report = lint(dir.path(), &["--service", "api"], &[]);
    let ids: Vec<(String, String)> = steps(&report)
        .into_iter()
        .map(|(id, title, _)| (id, title))
        .collect();
    assert_eq!(
        ids,
        [
            ("workspace".into(), "workspace".into()),
            ("service:api".into(), "api".into()),
            (
                "service:api@docker-compose.prod.yml".into(),
                "api (docker-compose.prod.yml)".into()
            ),
        ]
    );
    let variants: Vec<&Value> = report["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["variant"])
        .collect();
    assert_eq!(
        variants,
        [&Value::Null, &Value::from("docker-compose.prod.yml")]
    );
    assert_eq!(
        report["steps"][0]["details"][0],
        "docker-compose.prod.yml: checked as a project of its own (docker compose -f docker-compose.prod.yml)"
    );
    let named = lint(dir.path(), &["-f", "docker-compose.yml"], &[]);
    assert_eq!(steps(&named).len(), 2, "-f names the project: no variants");
}

#[test]
fn services_of_profiles_that_are_not_enabled_are_skipped_with_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  api:\n    image: python:3.12-slim\n  jaeger:\n    image: jaegertracing/all-in-one\n    profiles: [tracing, debug]\n",
    );
    let report = lint(dir.path(), &[], &[]);
    assert_eq!(
        steps(&report)[2],
        (
            "service:jaeger".into(),
            "jaeger".into(),
            "not started: profile `tracing` or `debug` not enabled (COMPOSE_PROFILES)".into()
        )
    );
    assert_eq!(report["services"].as_array().unwrap().len(), 1);
    for profiles in ["debug", "*", "web,tracing"] {
        let enabled = lint(dir.path(), &[], &[("COMPOSE_PROFILES", profiles)]);
        assert_eq!(
            enabled["services"].as_array().unwrap().len(),
            2,
            "COMPOSE_PROFILES={profiles}"
        );
    }
}

#[test]
fn a_variant_that_repeats_a_finding_of_the_main_project_fails_with_it_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    let compose = "services:\n  api:\n    image: python:3.12-slim\n    command: opentelemetry-instrument python app.py\n    environment:\n      OTEL_SERVICE_NAME: api\n      OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector:4318\n  otel-collector:\n    image: otel/opentelemetry-collector-contrib:0.120.0\n    volumes:\n      - ./otel.yaml:/etc/otelcol-contrib/config.yaml\n";
    write(dir.path(), "docker-compose.yml", compose);
    write(dir.path(), "docker-compose.prod.yml", compose);
    write(
        dir.path(),
        "otel.yaml",
        "receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: 0.0.0.0:4318\nexporters:\n  debug:\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n",
    );
    let report = lint(dir.path(), &[], &[]);
    let debug_only: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "collector/exporters-not-honeycomb")
        .collect();
    assert_eq!(debug_only.len(), 1, "{report}");
    assert_eq!(debug_only[0]["file"], "otel.yaml");
    let status = |id: &str| {
        report["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap_or_else(|| panic!("no step {id}: {report}"))["status"]
            .clone()
    };
    for id in [
        "service:api",
        "service:otel-collector",
        "service:api@docker-compose.prod.yml",
        "service:otel-collector@docker-compose.prod.yml",
    ] {
        assert_eq!(status(id), "fail", "{id}");
    }
}

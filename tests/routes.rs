//! Routes followed end to end on the collector workspaces of `fixtures/collector/`: the JSON
//! `services[].route` hop by hop, and the human report's route line with the hop that breaks.

use std::process::Command;

use serde_json::{Value, json};

fn lint(fixture: &str, format: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(["lint", &format!("fixtures/collector/{fixture}")])
        .args(["--format", format])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        // A route on one line, however long: the human report wraps at the width.
        .env("COLUMNS", "400")
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap()
}

/// The route of one service, each hop as `[hop, name, endpoint, protocol, file:line, status]`.
fn route(fixture: &str, service: &str) -> Vec<Value> {
    let report: Value = serde_json::from_str(&lint(fixture, "json")).unwrap();
    let service = report["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == service)
        .unwrap_or_else(|| panic!("no service {service}"));
    service["route"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hop| {
            let at = match hop["file"].as_str() {
                Some(file) => json!(format!("{file}:{}", hop["line"])),
                None => Value::Null,
            };
            json!([
                hop["hop"],
                hop["name"],
                hop["endpoint"],
                hop["protocol"],
                at,
                hop["status"]
            ])
        })
        .collect()
}

/// The human report's line for a service, without the duration and padding.
fn line(fixture: &str, service: &str) -> String {
    let text = lint(fixture, "human");
    let line = text
        .lines()
        .find(|l| {
            l.split_once("] ")
                .is_some_and(|(_, rest)| rest.starts_with(&format!("{service} ")))
        })
        .unwrap_or_else(|| panic!("no line for {service}:\n{text}"));
    let without_time = line.trim_end().trim_end_matches(" ms");
    without_time
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .trim_end()
        .to_string()
}

/// The route line of a service's step: its summary when the service has no finding, else the
/// line under it; and the step's status.
fn route_line(fixture: &str, service: &str) -> (String, String) {
    let report: Value = serde_json::from_str(&lint(fixture, "json")).unwrap();
    let step = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == format!("service:{service}"))
        .unwrap_or_else(|| panic!("no step for {service}"));
    let text = std::iter::once(&step["summary"])
        .chain(step["details"].as_array().into_iter().flatten())
        .filter_map(Value::as_str)
        .find(|line| line.starts_with('→'))
        .unwrap_or_else(|| panic!("no route line: {step}"));
    (
        text.to_string(),
        step["status"].as_str().unwrap().to_string(),
    )
}

fn verdict(fixture: &str) -> String {
    let text = lint(fixture, "human");
    text.trim_end()
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_working_collector_route_ends_at_honeycomb_with_every_setting_located() {
    assert_eq!(
        route("working", "api"),
        [
            json!([
                "sdk",
                "api",
                "otel-collector:4318",
                "http/protobuf",
                "docker-compose.yml:6",
                "ok"
            ]),
            json!([
                "receiver",
                "otlp",
                "otel-collector:4318",
                "http",
                "otel-collector.yaml:7",
                "ok"
            ]),
            json!([
                "pipeline",
                "traces",
                null,
                null,
                "otel-collector.yaml:20",
                "ok"
            ]),
            json!([
                "exporter",
                "otlp/honeycomb",
                "api.honeycomb.io:443",
                "grpc",
                "otel-collector.yaml:13",
                "ok"
            ]),
            json!([
                "destination",
                "Honeycomb US",
                "api.honeycomb.io:443",
                null,
                "otel-collector.yaml:14",
                "ok"
            ]),
        ]
    );
    assert_eq!(
        route("working", "worker")[1],
        json!([
            "receiver",
            "otlp",
            "otel-collector:4317",
            "grpc",
            "otel-collector.yaml:5",
            "ok"
        ])
    );
    assert_eq!(
        line("working", "api"),
        "[✓] api            → otel-collector:4318 (http/protobuf) → traces: otlp/honeycomb → api.honeycomb.io:443 (Honeycomb US)"
    );
    assert_eq!(
        verdict("working"),
        "✓ 0 errors, 0 warnings — 2 services ready to send traces."
    );
}

#[test]
fn a_receiver_on_localhost_breaks_the_route_at_the_receiver() {
    let hops = route("receiver-default-localhost", "api");
    assert_eq!(hops.len(), 2, "{hops:?}");
    assert_eq!(
        hops[1],
        json!([
            "receiver",
            "otlp",
            "otel-collector:4318",
            "http",
            "otel-collector.yaml:5",
            "broken"
        ])
    );
    assert_eq!(
        route_line("receiver-default-localhost", "api"),
        (
            "→ otel-collector:4318 (http/protobuf) ✗ receiver otlp listens on localhost:4318 (the default) only  otel-collector.yaml:5:7".to_string(),
            "fail".to_string()
        )
    );
    assert_eq!(
        verdict("receiver-default-localhost"),
        "✗ 2 errors, 0 warnings in 2 services — Honeycomb will receive nothing from api and worker."
    );
}

#[test]
fn a_debug_only_pipeline_breaks_the_route_at_the_destination() {
    let hops = route("debug-only", "worker");
    assert_eq!(
        &hops[2..],
        [
            json!([
                "pipeline",
                "traces",
                null,
                null,
                "otel-collector.yaml:22",
                "ok"
            ]),
            json!([
                "exporter",
                "debug",
                null,
                null,
                "otel-collector.yaml:13",
                "ok"
            ]),
            json!([
                "destination",
                "the console",
                null,
                null,
                "otel-collector.yaml:13",
                "broken"
            ]),
        ]
    );
    let (text, status) = route_line("debug-only", "worker");
    assert!(
        text.ends_with(
            "→ traces: debug ✗ spans are printed to the collector's log  otel-collector.yaml:13:3"
        ),
        "{text}"
    );
    assert_eq!(status, "fail");
}

#[test]
fn a_key_the_collector_never_receives_breaks_the_route_at_honeycomb() {
    let hops = route("key-not-passed", "api");
    assert_eq!(
        hops.last().unwrap(),
        &json!([
            "destination",
            "Honeycomb US",
            "api.honeycomb.io:443",
            null,
            "otel-collector.yaml:16",
            "broken"
        ])
    );
    let report: Value = serde_json::from_str(&lint("key-not-passed", "json")).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(
        findings.len(),
        1,
        "one cause, one finding for both services"
    );
    assert_eq!(findings[0]["service"], "otel-collector");
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .ends_with("Spans from api and worker stop here."),
        "{}",
        findings[0]["message"]
    );
}

#[test]
fn a_route_passes_through_every_collector_on_the_way() {
    let hops: Vec<Value> = route("agent-gateway", "api")
        .into_iter()
        .map(|hop| json!([hop[0], hop[1], hop[2]]))
        .collect();
    assert_eq!(
        hops,
        [
            json!(["sdk", "api", "otel-collector:4318"]),
            json!(["receiver", "otlp", "otel-collector:4318"]),
            json!(["pipeline", "traces", null]),
            json!(["exporter", "otlp/gateway", "gateway:4317"]),
            json!(["receiver", "otlp", "gateway:4317"]),
            json!(["pipeline", "traces", null]),
            json!(["exporter", "otlp/honeycomb", "api.honeycomb.io:443"]),
            json!(["destination", "Honeycomb US", "api.honeycomb.io:443"]),
        ]
    );
    assert!(route_line("agent-gateway", "api").0.contains(
        "→ traces: otlp/gateway → gateway:4317 (grpc) → traces: otlp/honeycomb → api.honeycomb.io:443 (Honeycomb US)"
    ));
}

#[test]
fn a_workspace_without_honeycomb_says_where_traces_go() {
    assert_eq!(
        route("jaeger-only", "api").last().unwrap(),
        &json!([
            "destination",
            "Jaeger",
            "jaeger:4317",
            null,
            "otel-collector.yaml:14",
            "ok"
        ])
    );
    assert_eq!(
        verdict("jaeger-only"),
        "! 0 errors, 0 warnings — api and worker send to Jaeger (jaeger:4317), not to Honeycomb."
    );
}

#[test]
fn services_without_opentelemetry_have_an_empty_route() {
    let report: Value = serde_json::from_str(&lint("jaeger-only", "json")).unwrap();
    let jaeger = report["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "jaeger")
        .unwrap();
    assert_eq!(jaeger["route"], json!([]));
    assert_eq!(jaeger["collector"], Value::Null);
    let collector = report["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "otel-collector")
        .unwrap();
    assert_eq!(collector["collector"], "otelcol-contrib 0.114.0");
}

#[test]
fn a_service_filter_keeps_the_findings_of_the_collectors_on_its_route() {
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(["lint", "fixtures/collector/debug-only", "--service", "api"])
        .args(["--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["collector/exporters-not-honeycomb"]);
    let services: Vec<&str> = report["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(services, ["api", "otel-collector"]);
}

#[test]
fn the_host_reaches_a_collector_through_the_port_it_publishes() {
    let hops = route("via-the-host", "api");
    assert_eq!(
        hops[..2],
        [
            json!([
                "sdk",
                "api",
                "host.docker.internal:14318",
                "http/protobuf",
                "docker-compose.yml:6",
                "ok"
            ]),
            json!([
                "receiver",
                "otlp",
                "otel-collector:4318",
                "http",
                "otel-collector.yaml:7",
                "ok"
            ]),
        ]
    );
    assert_eq!(hops.last().unwrap()[1], "Honeycomb US");
}

#[test]
fn browser_spans_leave_from_this_machine_and_reach_the_collector_it_publishes() {
    let hops = route("browser", "web");
    assert_eq!(
        hops[..2],
        [
            json!([
                "sdk",
                "browser",
                "localhost:4318",
                "http/json",
                "web/src/tracing.js:5",
                "ok"
            ]),
            json!([
                "receiver",
                "otlp",
                "otel-collector:4318",
                "http",
                "otel-collector.yaml:5",
                "ok"
            ]),
        ]
    );
    assert_eq!(hops.last().unwrap()[1], "Honeycomb US");
}

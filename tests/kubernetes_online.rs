//! `canary` on Kubernetes manifests: an endpoint this machine can reach (here a fake on
//! 127.0.0.1, from a pod on the node's network) gets the canary with the pod's own headers;
//! an in-cluster host (`svc.ns.svc.cluster.local`, a Service of the manifests) is skipped with
//! the reason and the `kubectl port-forward` road, never looked up. Nothing is sent anywhere
//! but loopback.

mod support;

use std::process::Command;

use support::report::json as report;
use support::{Auth, FakeHoneycomb, Mode};

const KEY: &str = "hcaik_0000000000000000000000000000000000000000000000000000000000";

fn deployment(name: &str, endpoint: &str, host_network: bool) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n      hostNetwork: {host_network}\n      containers:\n        - name: app\n          image: python:3.12-slim\n          command: [opentelemetry-instrument, python, app.py]\n          env:\n            - name: OTEL_SERVICE_NAME\n              value: {name}\n            - name: OTEL_EXPORTER_OTLP_PROTOCOL\n              value: http/protobuf\n            - name: OTEL_EXPORTER_OTLP_ENDPOINT\n              value: {endpoint}\n            - name: OTEL_EXPORTER_OTLP_HEADERS\n              value: x-honeycomb-team={KEY}\n"
    )
}

const GATEWAY_SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: gateway\n  namespace: shop\nspec:\n  selector: {app: gateway}\n";

/// `canary --format json` on a folder holding `manifests`.
fn canary(manifests: &[String]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("deploy.yaml"), manifests.join("---\n")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(["canary", "--format", "json", "--timeout", "3"])
        .arg(dir.path())
        .env_clear()
        .output()
        .unwrap();
    report(&output)
}

fn network_findings(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .filter(|rule| rule.starts_with("network/") || rule.starts_with("canary/"))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_canary_goes_where_a_pod_sends_when_this_machine_can_reach_it() {
    let fake = FakeHoneycomb::start(Mode::Accept, Auth::accepted(true, true));
    let report = canary(&[
        deployment("api", &fake.url(), true),
        deployment(
            "worker",
            "http://otel-collector.observability.svc.cluster.local:4318",
            false,
        ),
    ]);
    let received = fake.received();
    assert_eq!(received.spans.len(), 1, "{report}");
    assert_eq!(received.spans[0].service_name, "api");
    assert_eq!(received.header("x-honeycomb-team").as_deref(), Some(KEY));
    // The in-cluster host is not looked up: no DNS failure is reported for it.
    assert_eq!(network_findings(&report), Vec::<String>::new());
}

#[test]
fn in_cluster_hosts_are_skipped_with_the_reason_and_the_road_from_here() {
    let report = canary(&[
        deployment(
            "worker",
            "http://otel-collector.observability.svc.cluster.local:4318",
            false,
        ),
        deployment("web", "http://gateway:4318", false),
        GATEWAY_SERVICE.to_string(),
    ]);
    let canary = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "canary")
        .unwrap();
    assert_eq!(canary["status"], "skip", "{report}");
    let summary = canary["summary"].as_str().unwrap();
    assert!(
        summary.contains("deployment/worker/app: otel-collector.observability.svc.cluster.local is a cluster name, which only the cluster's DNS resolves"),
        "{summary}"
    );
    assert!(
        summary.contains("deployment/web/app: gateway is the `gateway` Service of namespace `shop`, which only the cluster's DNS resolves: from here, run kubectl port-forward --namespace shop service/gateway 4318:4318 and otel-doctor canary --endpoint http://localhost:4318"),
        "{summary}"
    );
    assert_eq!(network_findings(&report), Vec::<String>::new());
}

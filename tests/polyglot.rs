//! The polyglot project (`fixtures/polyglot/`): five services in five languages behind one
//! collector. `tests/fixtures.rs` checks its findings (none on the correct project, one break
//! per language on the broken one); this checks what the findings cannot show: that every
//! service, whatever its language, gets exactly one route, through the collector, to
//! Honeycomb, with every hop read as sound.

use std::path::Path;
use std::process::Command;

const KEY: &str = "hcaik_0000000000000000000000000000000000000000000000000000000000";

fn report(project: &str) -> serde_json::Value {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/polyglot")
        .join(project);
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .arg("lint")
        .arg(&workspace)
        .args(["--format", "json"])
        .env_clear()
        .env("HONEYCOMB_API_KEY", KEY)
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{project}: no JSON report ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn hops(service: &serde_json::Value) -> Vec<(String, String, String)> {
    service["route"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|hop| {
            let field = |name: &str| hop[name].as_str().unwrap_or_default().to_string();
            (field("hop"), field("name"), field("status"))
        })
        .collect()
}

#[test]
fn every_language_has_one_sound_route_through_the_collector_to_honeycomb() {
    let report = report("correct");
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(0));
    let services = report["services"].as_array().unwrap();
    let mut languages: Vec<&str> = Vec::new();
    for service in services.iter().filter(|s| s["language"].is_string()) {
        let name = service["name"].as_str().unwrap();
        languages.push(service["language"].as_str().unwrap());
        let route = hops(service);
        let kinds: Vec<&str> = route.iter().map(|(hop, _, _)| hop.as_str()).collect();
        // One route: the SDK, the collector's receiver, pipeline and exporter, Honeycomb.
        assert_eq!(
            kinds,
            ["sdk", "receiver", "pipeline", "exporter", "destination"],
            "{name}: {route:?}"
        );
        assert!(
            route.iter().all(|(_, _, status)| status == "ok"),
            "{name}: {route:?}"
        );
        assert_eq!(route[1].1, "otlp", "{name}");
        assert_eq!(route[3].1, "otlp/honeycomb", "{name}");
        assert!(route[4].1.starts_with("Honeycomb"), "{name}: {route:?}");
    }
    languages.sort_unstable();
    assert_eq!(languages, ["go", "java", "node", "python", "ruby"]);
}

#[test]
fn each_language_s_break_is_its_own_service_s_finding() {
    let report = report("broken");
    let findings = report["findings"].as_array().unwrap();
    for service in ["checkout", "frontend", "inventory", "payments", "accounts"] {
        let errors = findings
            .iter()
            .filter(|f| f["severity"] == "error" && f["service"] == service)
            .count();
        assert!(errors >= 1, "{service} has no error of its own");
    }
}

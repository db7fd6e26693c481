//! The verdict line states facts; the policy decides the exit code. A route that ends at
//! another backend is said plainly even beside one that reaches Honeycomb; a blocker the
//! baseline holds, an ignore silences or the configuration turns down still means Honeycomb
//! receives nothing, and says why it does not count.

use std::path::Path;
use std::process::{Command, Output};

const KEY: &str = "hcaik_0000000000000000000000000000000000000000000000000000000000";

fn doctor(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("HONEYCOMB_API_KEY", KEY)
        // The verdict on one line, whatever its length.
        .env("COLUMNS", "300")
        .output()
        .unwrap()
}

fn verdict(output: &Output) -> String {
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .rfind(|l| !l.starts_with("  "))
        .unwrap_or_default()
        .to_string()
}

fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// `api` sends to Honeycomb itself; `worker` to Jaeger only: never "ready to send traces".
#[test]
fn a_service_sending_elsewhere_is_named_beside_one_that_reaches_honeycomb() {
    let dir = workspace(&[(
        "docker-compose.yml",
        "services:\n  api:\n    image: python:3.12-slim\n    command: opentelemetry-instrument python app.py\n    environment:\n      OTEL_SERVICE_NAME: api\n      OTEL_EXPORTER_OTLP_ENDPOINT: https://api.honeycomb.io\n      OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf\n      OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY}\n  worker:\n    image: python:3.12-slim\n    command: opentelemetry-instrument python worker.py\n    environment:\n      OTEL_SERVICE_NAME: worker\n      OTEL_EXPORTER_OTLP_ENDPOINT: http://jaeger:4318\n      OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf\n  jaeger:\n    image: jaegertracing/all-in-one:1.57\n",
    )]);
    let output = doctor(dir.path(), &["lint", "."]);
    let line = verdict(&output);
    assert!(line.contains("worker sends to "), "{line}");
    assert!(line.ends_with(", not to Honeycomb."), "{line}");
    assert!(!line.contains("ready"), "{line}");
    assert_eq!(output.status.code(), Some(0));
}

/// One blocker (no endpoint: the SDK sends to its own container), silenced three ways.
#[test]
fn a_silenced_blocker_still_means_nothing_arrives() {
    let compose = "services:\n  api:\n    image: python:3.12-slim\n    command: opentelemetry-instrument python app.py\n    environment:\n      OTEL_SERVICE_NAME: api\n      OTEL_EXPORTER_OTLP_ENDPOINT: http://localhost:4318\n";
    let dir = workspace(&[("docker-compose.yml", compose)]);
    let plain = doctor(dir.path(), &["lint", "."]);
    assert!(
        verdict(&plain).ends_with("— Honeycomb will receive nothing from api."),
        "{}",
        verdict(&plain)
    );
    assert_eq!(plain.status.code(), Some(1));

    let baseline = dir.path().join("baseline.json");
    doctor(
        dir.path(),
        &[
            "lint",
            ".",
            "--format",
            "json",
            "--output",
            baseline.to_str().unwrap(),
        ],
    );
    let held = doctor(
        dir.path(),
        &["lint", ".", "--baseline", baseline.to_str().unwrap()],
    );
    assert_eq!(
        verdict(&held),
        "✗ 0 errors, 0 warnings — Honeycomb will receive nothing from api (baselined)."
    );
    assert_eq!(held.status.code(), Some(0));

    std::fs::write(
        dir.path().join(".otel-doctor.toml"),
        "[rules]\n\"config/endpoint-localhost\" = \"warning\"\n",
    )
    .unwrap();
    let demoted = doctor(dir.path(), &["lint", "."]);
    assert_eq!(
        verdict(&demoted),
        "✗ 0 errors, 1 warning — Honeycomb will receive nothing from api (demoted in the configuration)."
    );
    assert_eq!(demoted.status.code(), Some(0));
    std::fs::remove_file(dir.path().join(".otel-doctor.toml")).unwrap();

    let ignored = compose.replace(
        "      OTEL_EXPORTER_OTLP_ENDPOINT",
        "      # otel-doctor: ignore[config/endpoint-localhost]\n      OTEL_EXPORTER_OTLP_ENDPOINT",
    );
    std::fs::write(dir.path().join("docker-compose.yml"), ignored).unwrap();
    let silenced = doctor(dir.path(), &["lint", "."]);
    assert_eq!(
        verdict(&silenced),
        "✗ 0 errors, 0 warnings — Honeycomb will receive nothing from api (ignored inline)."
    );
    assert_eq!(silenced.status.code(), Some(0));
}

fn header(output: &Output) -> String {
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines().next().unwrap_or_default().to_string()
}

/// The header counts workloads by what starts them, collectors apart; Dockerfiles in
/// subfolders, without a compose file, are images to judge, never "nothing to check".
#[test]
fn the_header_names_the_launchers_that_contributed_workloads() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/launchers");
    let cases = [
        (
            "host/apps-beside-a-compose-collector",
            "· 1 compose collector, 2 host apps (2 instrumented)",
        ),
        (
            "docker-run/collector-from-a-script",
            "· 1 compose service, 1 `docker run` collector (1 instrumented)",
        ),
        (
            "devcontainer/key-from-an-unset-local-variable",
            "· 1 devcontainer app (1 instrumented)",
        ),
        (
            "image/dockerfiles-in-subfolders",
            "· 2 images run by hand (1 instrumented)",
        ),
    ];
    for (fixture, expected) in cases {
        let output = doctor(&fixtures.join(fixture), &["lint", "."]);
        let line = header(&output);
        assert!(line.ends_with(expected), "{fixture}: {line}");
        assert!(!verdict(&output).contains("no compose file"), "{fixture}");
    }
}

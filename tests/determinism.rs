//! Files are read and parsed, services resolved and rules run on every core: the reports must
//! not depend on it. A workspace with many services and every kind of problem gives the same
//! report, byte for byte (step durations aside), run after run and on one thread or many.

use std::path::Path;
use std::process::Command;

const SERVICES: usize = 200;

fn write(dir: &Path, path: &str, content: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

/// Services that pass, and services with one problem each, of many kinds: a wrong endpoint,
/// a key interpolated from an unset variable (one finding for all who share it), a missing or
/// unparsable Dockerfile, a shared build context, missing and broken env files, a manifest that
/// does not parse, an unused ignore; and a variant compose file on top.
fn monorepo(dir: &Path) {
    let mut compose = String::from(
        "services:\n  otel-collector:\n    image: otel/opentelemetry-collector-contrib:0.114.0\n",
    );
    for n in 0..SERVICES {
        let name = format!("svc-{n:03}");
        let context = match n % 7 {
            3 => "./shared".to_string(),
            5 => format!("./missing/{name}"),
            _ => format!("./services/{name}"),
        };
        let (endpoint, key) = match (n % 3, n % 5) {
            (0, _) => ("https://api.honeycomb.io", "${UNSET_KEY}"),
            (_, 1) => ("http://localhost:4318", "${HONEYCOMB_API_KEY}"),
            (_, 2) => ("http://otel-colector:4318", "${HONEYCOMB_API_KEY}"),
            _ => ("http://otel-collector:4318", "${HONEYCOMB_API_KEY}"),
        };
        compose.push_str(&format!(
            "  {name}:\n    build: {context}\n    environment:\n      OTEL_SERVICE_NAME: {name}\n      OTEL_EXPORTER_OTLP_ENDPOINT: {endpoint}\n      OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team={key}\n"
        ));
        match n % 6 {
            2 => compose.push_str(&format!("    env_file: ./env/{name}.env\n")),
            4 => {
                compose.push_str("    env_file: ./env/broken.env\n");
                write(dir, "env/broken.env", "A=\"unterminated\n");
            }
            _ => {}
        }
        let service = format!("services/{name}");
        let dockerfile = if n % 11 == 4 {
            "RUN pip install flask\n"
        } else {
            "FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nRUN pip install -r requirements.txt\n# otel-doctor: ignore[config/sdk-disabled]\nCMD [\"opentelemetry-instrument\", \"python\", \"app.py\"]\n"
        };
        write(dir, &format!("{service}/Dockerfile"), dockerfile);
        let requirements = if n % 4 == 0 {
            "flask==3.1.3\n"
        } else {
            "flask==3.1.3\nopentelemetry-distro==0.66b1\nopentelemetry-exporter-otlp==1.45.1\n"
        };
        write(dir, &format!("{service}/requirements.txt"), requirements);
        if n % 9 == 8 {
            write(
                dir,
                &format!("{service}/pyproject.toml"),
                "[project]\nname = \"x\"\ndependencies = [\"flask\"\n",
            );
        }
        write(
            dir,
            &format!("{service}/app.py"),
            &format!(
                "from opentelemetry import trace\nfrom flask import Flask\n\napp = Flask(\"{name}\")\ntracer = trace.get_tracer(__name__)\n"
            ),
        );
    }
    write(
        dir,
        "shared/Dockerfile",
        "FROM python:3.12-slim\nCOPY . .\nCMD [\"python\", \"app.py\"]\n",
    );
    write(dir, "shared/app.py", "print('no tracing here')\n");
    write(dir, "docker-compose.yml", &compose);
    write(
        dir,
        "docker-compose.prod.yml",
        "services:\n  svc-00:\n    environment:\n      OTEL_EXPORTER_OTLP_ENDPOINT: http://localhost:4317\n",
    );
    write(
        dir,
        ".env",
        "HONEYCOMB_API_KEY=hcaik_0000000000000000000000000000000000000000000000000000000000\n",
    );
}

fn lint(dir: &Path, format: &str, threads: Option<&str>) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_otel-doctor"));
    command
        .arg("lint")
        .arg(dir)
        .args(["--format", format])
        .env_clear();
    if let Some(threads) = threads {
        command.env("RAYON_NUM_THREADS", threads);
    }
    let output = command.output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    without_durations(&String::from_utf8(output.stdout).unwrap())
}

/// Step durations are the one thing that may differ between runs.
fn without_durations(report: &str) -> String {
    report
        .lines()
        .map(|line| match line.find("\"duration_ms\": ") {
            Some(at) => format!("{}\"duration_ms\": 0,", &line[..at]),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_json_report_is_the_same_on_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    monorepo(dir.path());
    let first = lint(dir.path(), "json", None);

    let report: serde_json::Value = serde_json::from_str(&first).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let rules: std::collections::BTreeSet<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    for rule in [
        "config/endpoint-localhost",
        "config/endpoint-unknown-host",
        "honeycomb/key-unset",
        "compose/env-file-missing",
        "compose/parse-error",
        "dockerfile/parse-error",
        "deps/manifest-parse-error",
        "meta/unused-ignore",
    ] {
        assert!(rules.contains(rule), "no {rule} finding: {rules:?}");
    }
    assert!(
        findings
            .iter()
            .any(|f| f["services"].as_array().unwrap().len() > 2),
        "no finding shared by several services"
    );
    assert!(
        findings.len() > SERVICES,
        "{} findings: too few to tell an order",
        findings.len()
    );

    assert_same(&first, &lint(dir.path(), "json", None), "a second run");
    assert_same(&first, &lint(dir.path(), "json", Some("1")), "one thread");
    assert_same(
        &first,
        &lint(dir.path(), "json", Some("7")),
        "seven threads",
    );
}

#[test]
fn the_sarif_report_is_the_same_on_one_thread() {
    let dir = tempfile::tempdir().unwrap();
    monorepo(dir.path());
    assert_same(
        &lint(dir.path(), "sarif", None),
        &lint(dir.path(), "sarif", Some("1")),
        "one thread",
    );
}

/// The first line that differs, rather than two reports of a megabyte each.
fn assert_same(expected: &str, actual: &str, what: &str) {
    let differing = expected
        .lines()
        .zip(actual.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b);
    if let Some((number, (a, b))) = differing {
        panic!(
            "{what} gives another report, from line {}:\n{a}\n{b}",
            number + 1
        );
    }
    assert_eq!(
        expected.lines().count(),
        actual.lines().count(),
        "{what} gives a report of another length"
    );
}

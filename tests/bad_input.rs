//! Bad input gets a clear one-line finding (or, when nothing can be read at all, a one-line
//! error and exit code 2) naming the file, and the run goes on with the other files: never a
//! panic, never a hang. Cases that cannot live in `fixtures/` (generated, huge, FIFOs, links).

mod support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

/// A hang would stall CI for its whole budget; this bound turns it into a failure.
const HANG_BOUND: Duration = Duration::from_secs(60);

fn lint(args: &[&str], workspace: &Path) -> Output {
    support::lint_within(workspace, args, HANG_BOUND)
}

fn findings(output: &Output) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{} {}",
                f["rule"].as_str().unwrap(),
                f["file"].as_str().unwrap_or("-"),
                f["line"],
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

fn write(dir: &Path, path: &str, content: impl AsRef<[u8]>) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

const SERVICE: &str =
    "services:\n  api:\n    build: ./api\n    environment:\n      OTEL_SERVICE_NAME: api\n";

#[test]
fn a_missing_path_is_a_one_line_error_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = lint(&[], &dir.path().join("nope"));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("otel-doctor: cannot read ")
            && stderr.contains("no such file or directory"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn a_huge_compose_file_is_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let mut big = String::from("services:\n  a:\n    image: x\n");
    while big.len() < 50 * 1024 * 1024 {
        big.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    write(dir.path(), "docker-compose.yml", &big);
    let output = lint(&["--format", "json"], dir.path());
    let findings = findings(&output);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(
        findings[0].starts_with("compose/parse-error docker-compose.yml:1 "),
        "{findings:?}"
    );
    assert!(findings[0].contains("over the 4 MB limit"), "{findings:?}");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_fifo_in_place_of_a_dockerfile_is_reported_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docker-compose.yml", SERVICE);
    std::fs::create_dir_all(dir.path().join("api")).unwrap();
    let status = Command::new("mkfifo")
        .arg(dir.path().join("api/Dockerfile"))
        .status()
        .unwrap();
    assert!(status.success());
    let findings = findings(&lint(&["--format", "json"], dir.path()));
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(
        findings[0].starts_with("dockerfile/parse-error api/Dockerfile:1 "),
        "{findings:?}"
    );
    assert!(findings[0].contains("not a regular file"), "{findings:?}");
}

#[test]
fn a_directory_in_place_of_a_requirements_file_does_not_stop_the_run() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docker-compose.yml", SERVICE);
    write(
        dir.path(),
        "api/Dockerfile",
        "FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    );
    std::fs::create_dir_all(dir.path().join("api/requirements.txt")).unwrap();
    write(
        dir.path(),
        "api/app.py",
        "from opentelemetry import trace\n",
    );
    let output = lint(&["--format", "json"], dir.path());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["services"][0]["name"], "api");
    assert_eq!(report["services"][0]["language"], "python");
}

#[test]
fn symlink_loops_in_a_build_context_end() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docker-compose.yml", SERVICE);
    write(
        dir.path(),
        "api/Dockerfile",
        "FROM python:3.12\nCOPY . .\nCMD [\"python\", \"app.py\"]\n",
    );
    write(dir.path(), "api/app.py", "print('hi')\n");
    std::os::unix::fs::symlink(".", dir.path().join("api/loop")).unwrap();
    std::os::unix::fs::symlink("../api", dir.path().join("api/sub")).unwrap();
    let output = lint(&["--format", "json"], dir.path());
    let findings = findings(&output);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(
        findings[0].starts_with("dockerfile/not-instrumented api/Dockerfile:3 "),
        "{findings:?}"
    );
}

#[test]
fn a_broken_override_file_keeps_the_services_of_the_good_one() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "docker-compose.yml",
        "services:\n  db:\n    image: postgres\n",
    );
    write(
        dir.path(),
        "docker-compose.override.yml",
        "services:\n  db:\n    image: [\n",
    );
    let output = lint(&["--format", "json"], dir.path());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["services"][0]["name"], "db");
    let findings = findings(&output);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(
        findings[0].starts_with("compose/parse-error docker-compose.override.yml:3 "),
        "{findings:?}"
    );
}

#[test]
fn an_unknown_service_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "docker-compose.yml",
        "services:\n  db:\n    image: postgres\n",
    );
    let output = lint(&["--service", "web"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "otel-doctor: no service named `web` (services: db)\n"
    );
}

#[test]
fn an_include_cycle_is_reported_at_the_include_and_ends() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "docker-compose.yml",
        "include:\n  - a/compose.yaml\nservices:\n  api:\n    image: python:3.12-slim\n",
    );
    write(
        dir.path(),
        "a/compose.yaml",
        "include:\n  - ../docker-compose.yml\nservices:\n  worker:\n    image: python:3.12-slim\n",
    );
    let output = lint(&["--format", "json"], dir.path());
    assert_eq!(
        findings(&output),
        [
            "compose/parse-error a/compose.yaml:2 docker compose cannot read this file: `include` of docker-compose.yml makes a cycle: it includes itself again."
        ]
    );
}

#[test]
fn compose_file_naming_a_missing_file_from_the_shell_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docker-compose.yml", SERVICE);
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .arg("lint")
        .arg(dir.path())
        .env_clear()
        .env(
            "COMPOSE_FILE",
            "docker-compose.yml:docker-compose.local.yml",
        )
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "otel-doctor: COMPOSE_FILE names docker-compose.local.yml, which does not exist (COMPOSE_FILE is set in the shell environment)\n"
    );
}

//! Kubernetes inputs beyond the workspace's files: `-` reads a rendered stream of manifests on
//! standard input (`kustomize build overlays/prod | otel-doctor lint -`), named `<stdin>` in
//! findings with its own lines, and no file of the current folder is read; `--namespace` is
//! the namespace of objects that name none.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/kubernetes")
        .join(name)
}

/// `otel-doctor ARGS` in `dir`, with `input` on standard input, as JSON.
fn run_with_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(args)
        .args(["--format", "json"])
        .current_dir(dir)
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// `rule file:line:column` of each finding.
fn findings(output: &Output) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}:{}",
                f["rule"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"],
                f["column"]
            )
        })
        .collect()
}

fn rendered() -> String {
    std::fs::read_to_string(fixture("stdin/rendered.yaml")).unwrap()
}

#[test]
fn a_stream_on_standard_input_is_linted_as_stdin_with_its_lines() {
    // The folder holds other manifests: none of them is read.
    let output = run_with_stdin(&fixture("env-from"), &["lint", "-"], &rendered());
    assert_eq!(
        findings(&output),
        ["k8s/endpoint-unknown-service <stdin>:30:21"],
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let services: Vec<&str> = report["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(services, ["deployment/api/app"]);
}

#[test]
fn namespace_is_the_namespace_of_objects_that_name_none() {
    let output = run_with_stdin(
        &fixture("env-from"),
        &["lint", "-", "--namespace", "shop"],
        &rendered(),
    );
    assert_eq!(findings(&output), Vec::<String>::new());
    assert_eq!(output.status.code(), Some(0));
    // The same for files of the workspace.
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .arg("lint")
        .arg(fixture("stdin/rendered.yaml"))
        .args(["--namespace", "shop", "--format", "json"])
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(findings(&output), Vec::<String>::new());
}

#[test]
fn fix_refuses_standard_input() {
    let output = run_with_stdin(&fixture("env-from"), &["fix", "-"], &rendered());
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("standard input"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A folder holding a fake `kustomize` that prints `script`'s output: PATH for a run that
/// finds it first.
fn fake_kustomize(script: &str) -> (tempfile::TempDir, String) {
    use std::os::unix::fs::PermissionsExt;
    let bin = tempfile::tempdir().unwrap();
    let path = bin.path().join("kustomize");
    std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    let search = format!("{}:/usr/bin:/bin", bin.path().display());
    (bin, search)
}

fn lint_with_path(workspace: &Path, path: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .arg("lint")
        .arg(workspace)
        .args(["--format", "json"])
        .env_clear()
        .env("PATH", path)
        .output()
        .unwrap()
}

#[test]
fn an_overlay_is_rendered_by_kustomize_on_path_and_its_output_replaces_its_files() {
    // What `kustomize build overlays/prod` would print: the patch applied, the namespace set,
    // and an endpoint whose Service name has a typo. The finding is at the env entry, where
    // the base writes it (`tests/kubernetes_origins.rs` has more).
    let (_bin, path) = fake_kustomize(
        "[ \"$1\" = build ] || exit 9\ncase \"$2\" in */overlays/prod) ;; *) exit 8;; esac\ncat <<'EOF'\napiVersion: v1\nkind: Service\nmetadata:\n  name: otel-collector\n  namespace: shop\nspec:\n  selector: {app: otel-collector}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: app\n          image: python:3.12-slim\n          command: [opentelemetry-instrument, python, app.py]\n          env:\n            - name: OTEL_SERVICE_NAME\n              value: api\n            - name: OTEL_EXPORTER_OTLP_ENDPOINT\n              value: http://otel-colector:4318\n            - name: OTEL_EXPORTER_OTLP_PROTOCOL\n              value: http/protobuf\nEOF",
    );
    let output = lint_with_path(&fixture("kustomize-overlay"), &path);
    assert_eq!(
        findings(&output),
        ["k8s/endpoint-unknown-service base/deployment.yaml:19:21"],
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_renderer_that_fails_is_one_warning_and_the_files_are_linted_as_they_are() {
    let (_bin, path) = fake_kustomize(
        "echo 'Error: accumulating resources: accumulation err=missing file' >&2\necho 'more detail' >&2\nexit 1",
    );
    let output = lint_with_path(&fixture("kustomize-overlay"), &path);
    assert_eq!(
        findings(&output),
        [
            "config/protocol-port-mismatch base/deployment.yaml:19:21",
            "k8s/not-rendered overlays/prod/kustomization.yaml:1:1"
        ]
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let note = &report["findings"][1];
    assert_eq!(note["severity"], "warning");
    let message = note["message"].as_str().unwrap();
    assert!(
        message.contains("Error: accumulating resources") && !message.contains("more detail"),
        "{message}"
    );
}

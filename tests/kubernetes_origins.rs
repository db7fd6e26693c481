//! Findings in a rendered kustomize overlay or Helm chart point at the user's files: the base
//! resource, the overlay's patch, the kustomization's inline patch, a generator's file, the
//! chart's values or template; not at lines of the renderer's output. The renderers are fakes
//! on PATH that print what the real ones print (`fixtures/kubernetes/rendered/`, made with
//! `kubectl kustomize` 1.32 / kustomize 5.5.0), and the real `kubectl` when it is installed.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::report;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/kubernetes")
        .join(name)
}

/// A folder holding a fake `program` that runs `script`: PATH for a run that finds it first.
fn fake_program(program: &str, script: &str) -> (tempfile::TempDir, String) {
    use std::os::unix::fs::PermissionsExt;
    let bin = tempfile::tempdir().unwrap();
    let path = bin.path().join(program);
    std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    let search = format!("{}:/usr/bin:/bin", bin.path().display());
    (bin, search)
}

/// A fake `program` that prints a committed rendering.
fn fake(program: &str, rendering: &str) -> (tempfile::TempDir, String) {
    let rendered = fixture("rendered").join(rendering);
    fake_program(program, &format!("exec cat '{}'", rendered.display()))
}

fn otel_doctor(args: &[&str], workspace: &Path, path: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(args)
        .arg(workspace)
        .env_clear()
        .env("PATH", path)
        .output()
        .unwrap()
}

/// `rule file:line:column` of each finding of a `--format json` run.
fn findings(output: &Output) -> Vec<String> {
    report::locations(&report::json(output))
}

/// What `kustomize build overlays/prod` of `kustomize-mapped` is found to say: the endpoint
/// typo and the port the overlay's gRPC patch mismatches at the base's env entry, the `${X}` an
/// inline JSON patch adds at its line in the kustomization, and the collector config a
/// `configMapGenerator` makes from a file at that file's lines.
const KUSTOMIZE_MAPPED: [&str; 5] = [
    "config/protocol-port-mismatch base/api.yaml:19:21",
    "k8s/endpoint-unknown-service base/api.yaml:19:21",
    "collector/receiver-localhost base/otel-collector.yaml:5:19",
    "collector/key-header-missing base/otel-collector.yaml:7:3",
    "k8s/compose-style-variable overlays/prod/kustomization.yaml:16:18",
];

/// `lint --format json` of `kustomize-mapped` with a fake `kustomize` printing `rendering`.
fn lint_mapped(rendering: &str) -> Output {
    let (_bin, path) = fake("kustomize", rendering);
    otel_doctor(
        &["lint", "--format", "json"],
        &fixture("kustomize-mapped"),
        &path,
    )
}

#[test]
fn kustomize_findings_point_at_the_base_the_patch_and_the_generated_file() {
    assert_eq!(
        findings(&lint_mapped("kustomize-mapped.yaml")),
        KUSTOMIZE_MAPPED
    );
}

#[test]
fn origin_annotations_name_the_file_each_object_comes_from() {
    // The same overlay with `buildMetadata: [originAnnotations]`.
    let output = lint_mapped("kustomize-mapped-origins.yaml");
    assert_eq!(findings(&output), KUSTOMIZE_MAPPED);
}

#[test]
fn the_patch_that_sets_a_value_is_where_it_is_written() {
    // The overlay's patch sets the protocol: a finding about the protocol's value is there.
    let report = report::json(&lint_mapped("kustomize-mapped.yaml"));
    let service = report["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "deployment/api/app")
        .expect("the api's workload");
    let text = service.to_string();
    assert!(
        text.contains("overlays/prod/protocol.yaml"),
        "the protocol's place is the patch: {text}"
    );
}

#[test]
fn fix_edits_the_file_the_value_is_written_in() {
    let (_bin, path) = fake("kustomize", "kustomize-mapped.yaml");
    let output = otel_doctor(&["fix", "--diff"], &fixture("kustomize-mapped"), &path);
    let diff = String::from_utf8_lossy(&output.stdout);
    assert!(
        diff.contains("/base/api.yaml\n")
            && diff.contains("-              value: http://otel-colector:4318")
            && diff.contains("+              value: http://otel-colector:4317"),
        "{diff}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!diff.contains("<kustomize"), "{diff}");
}

/// A fake `kustomize` that prints each overlay's committed rendering.
fn fake_overlays() -> (tempfile::TempDir, String) {
    let rendered = fixture("rendered");
    fake_program(
        "kustomize",
        &format!(
            "case \"$2\" in\n  */overlays/dev) exec cat '{}';;\n  *) exec cat '{}';;\nesac",
            rendered.join("two-overlays-dev.yaml").display(),
            rendered.join("kustomize-mapped.yaml").display()
        ),
    )
}

#[test]
fn overlays_of_one_base_name_their_workloads_by_folder_and_leave_the_base_to_the_user() {
    let (_bin, path) = fake_overlays();
    let workspace = fixture("kustomize-two-overlays");
    let output = otel_doctor(&["lint", "--format", "json"], &workspace, &path);
    let report = report::json(&output);
    let services: Vec<&str> = report["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        services,
        [
            "deployment/api/app@overlays/dev",
            "deployment/otel-collector/otelcol@overlays/dev",
            "deployment/api/app@overlays/prod",
            "deployment/otel-collector/otelcol@overlays/prod",
        ]
    );
    // Both overlays' api has the endpoint typo, written once in the base.
    let typo = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "k8s/endpoint-unknown-service")
        .unwrap();
    assert_eq!(typo["file"], "base/api.yaml");
    assert_eq!(
        typo["services"],
        serde_json::json!([
            "deployment/api/app@overlays/dev",
            "deployment/api/app@overlays/prod"
        ])
    );
    // Only prod's patch makes the port wrong: the base is not edited for it.
    let output = otel_doctor(&["fix", "--diff"], &workspace, &path);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!said.contains("+++"), "{said}");
    assert!(
        said.contains(
            "base/api.yaml is rendered into overlays/dev and overlays/prod: change it in the overlay that needs it"
        ),
        "{said}"
    );
}

#[test]
fn the_real_kubectl_kustomize_gives_the_same_findings() {
    let Some(kubectl) = ["/usr/local/bin/kubectl", "/usr/bin/kubectl"]
        .into_iter()
        .find(|p| Path::new(p).is_file())
    else {
        eprintln!("kubectl is not installed: only the fake renderer is tested");
        return;
    };
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(kubectl, bin.path().join("kubectl")).unwrap();
    let output = otel_doctor(
        &["lint", "--format", "json"],
        &fixture("kustomize-mapped"),
        &bin.path().display().to_string(),
    );
    assert_eq!(findings(&output), KUSTOMIZE_MAPPED);
}

#[test]
fn helm_findings_point_at_the_values_line_or_the_template_line() {
    let (_bin, path) = fake("helm", "helm-chart.yaml");
    let output = otel_doctor(&["lint", "--format", "json"], &fixture("helm-chart"), &path);
    assert_eq!(
        findings(&output),
        [
            // The env entry is written in the template; its value comes from values.yaml.
            "config/protocol-port-mismatch templates/deployment.yaml:23:21",
            // The value is written once in values.yaml: that is the line to edit.
            "k8s/compose-style-variable values.yaml:7:23",
        ]
    );
}

//! The workspace is a boundary: a hostile workspace (written here, beside files it must not
//! reach) refers to files outside it in every way compose, Docker and the filesystem allow — an
//! absolute `env_file`, `../`, a symlink, `include`, `extends`, a build context, a collector
//! config mount, `COMPOSE_FILE`, a symlinked `.env`, source file or configuration — and none of
//! their content reaches any output, whatever the format or verbosity. Each reference is
//! reported at the line that makes it. Files the user names on the command line are read.

mod support;

use std::path::Path;
use std::process::Output;

use support::tree::{doctor_in as doctor, write};

/// Text that lives only in the files outside the workspace: it must never be printed.
const MARKER: &str = "outside-marker-5f0e8a";

struct Layout {
    /// Removed with the layout.
    _dir: tempfile::TempDir,
    /// The workspace (a repository: it holds `.git`).
    workspace: std::path::PathBuf,
    /// A folder beside it, outside.
    outside: std::path::PathBuf,
}

fn layout() -> Layout {
    let dir = tempfile::tempdir().unwrap();
    let workspace = dir.path().join("ws");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(workspace.join(".git")).unwrap();
    let env = format!("GREETING={MARKER}\n");
    write(&outside.join("secret.env"), &env);
    write(
        &outside.join("shadow"),
        &format!("root:{MARKER}:19000:0:99999:7:::\n"),
    );
    write(
        &outside.join("compose.yml"),
        &format!(
            "services:\n  {MARKER}:\n    image: alpine\n    environment:\n      X: {MARKER}\n"
        ),
    );
    write(&outside.join("app/Dockerfile"), &format!("FROM {MARKER}\n"));
    write(&outside.join("tracing.py"), &format!("import {MARKER}\n"));
    write(
        &outside.join("otel.yaml"),
        &format!("receivers: {MARKER}\n"),
    );
    write(&outside.join("config.toml"), &format!("{MARKER} = 1\n"));
    Layout {
        _dir: dir,
        workspace,
        outside,
    }
}

/// `rule file:line:column` of every finding of a JSON report.
fn findings(output: &Output) -> Vec<String> {
    support::report::locations(&support::report::json(output))
}

fn symlink(target: &Path, link: &Path) {
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[test]
fn nothing_outside_the_workspace_is_read_and_each_reference_is_reported_where_it_is_made() {
    let layout = layout();
    let (workspace, outside) = (&layout.workspace, &layout.outside);
    let shadow = outside.join("shadow");
    let compose = format!(
        "include:
  - ../outside/compose.yml
services:
  api:
    build: ./api
    env_file: [{shadow}, ../outside/secret.env, linked.env]
    environment:
      OTEL_SERVICE_NAME: api
      OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector:4318
  worker:
    build: ../outside/app
  base:
    extends:
      file: ../outside/compose.yml
      service: {MARKER}
  otel-collector:
    image: otel/opentelemetry-collector-contrib:0.114.0
    volumes:
      - ../outside/otel.yaml:/etc/otelcol-contrib/config.yaml
",
        shadow = shadow.display()
    );
    write(&workspace.join("docker-compose.yml"), &compose);
    write(
        &workspace.join("api/Dockerfile"),
        "FROM python:3.12-slim\nCOPY . .\nCMD [\"opentelemetry-instrument\", \"python\", \"app.py\"]\n",
    );
    symlink(&outside.join("secret.env"), &workspace.join("linked.env"));
    symlink(
        &outside.join("tracing.py"),
        &workspace.join("api/tracing.py"),
    );
    symlink(&outside.join("secret.env"), &workspace.join(".env"));
    symlink(
        &outside.join("compose.yml"),
        &workspace.join("docker-compose.prod.yml"),
    );
    for args in [
        vec!["lint", "--format", "json", "-v", "--show-env", "all"],
        vec!["lint", "--format", "human", "-v", "--show-env", "all"],
        vec!["lint", "--format", "sarif"],
        vec!["lint", "--format", "junit"],
        vec!["lint", "--format", "github"],
        vec!["config", "--format", "json"],
        vec!["fix", "--diff"],
    ] {
        let output = doctor(workspace, &args);
        for stream in [&output.stdout, &output.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(
                !text.contains(MARKER),
                "{args:?} printed what lies outside: {text}"
            );
        }
    }
    let output = doctor(workspace, &["lint", "--format", "json"]);
    let mut found: Vec<String> = findings(&output)
        .into_iter()
        .filter(|f| f.starts_with("meta/outside-workspace"))
        .collect();
    found.sort();
    // `env_file: [SHADOW, ../outside/secret.env, linked.env]` on line 6, from column 16.
    let second = 16 + shadow.display().to_string().len() + 2;
    let third = second + "../outside/secret.env".len() + 2;
    let mut expected: Vec<String> = [
        ".env:1:1".to_string(),
        "api/tracing.py:1:1".into(),
        "docker-compose.prod.yml:1:1".into(),
        "docker-compose.yml:2:5".into(),
        "docker-compose.yml:6:16".into(),
        format!("docker-compose.yml:6:{second}"),
        format!("docker-compose.yml:6:{third}"),
        "docker-compose.yml:11:12".into(),
        "docker-compose.yml:14:13".into(),
        "docker-compose.yml:19:9".into(),
    ]
    .into_iter()
    .map(|at| format!("meta/outside-workspace {at}"))
    .collect();
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn compose_file_in_dotenv_and_a_symlinked_configuration_are_not_followed_out() {
    let layout = layout();
    let (workspace, outside) = (&layout.workspace, &layout.outside);
    write(
        &workspace.join(".env"),
        "COMPOSE_FILE=docker-compose.yml:../outside/compose.yml\n",
    );
    write(
        &workspace.join("docker-compose.yml"),
        "services:\n  api:\n    image: python:3.12-slim\n",
    );
    let output = doctor(workspace, &["lint", "--format", "json"]);
    assert_eq!(findings(&output), ["meta/outside-workspace .env:1:1"]);
    assert!(!String::from_utf8_lossy(&output.stdout).contains(MARKER));
    symlink(
        &outside.join("config.toml"),
        &workspace.join(".otel-doctor.toml"),
    );
    let output = doctor(workspace, &["lint"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("otel-doctor: .otel-doctor.toml links to ")
            && stderr.contains("outside the workspace: not read"),
        "{stderr}"
    );
    assert!(!stderr.contains(MARKER), "{stderr}");
}

#[test]
fn files_the_user_names_are_read_wherever_they_are() {
    let layout = layout();
    let (workspace, outside) = (&layout.workspace, &layout.outside);
    write(
        &workspace.join("docker-compose.yml"),
        "services:\n  api:\n    image: python:3.12-slim\n    command: opentelemetry-instrument python app.py\n    environment:\n      GREETING: ${GREETING}\n",
    );
    let env_file = outside.join("secret.env");
    let output = doctor(
        workspace,
        &[
            "lint",
            "--format",
            "json",
            "--show-env",
            "all",
            "--env-file",
            env_file.to_str().unwrap(),
        ],
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains(MARKER), "--env-file was not read: {text}");
    let named = outside.join("compose.yml");
    let output = doctor(
        workspace,
        &["lint", "--format", "json", "-f", named.to_str().unwrap()],
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains(MARKER), "-f was not read: {text}");
    let config = outside.join("config.toml");
    write(&config, "fail-on = \"never\"\n");
    let output = doctor(workspace, &["config", "--config", config.to_str().unwrap()]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

mod property {
    use otel_doctor::workspace::boundary::Boundary;
    use proptest::prelude::*;

    proptest! {
        /// Any path made of names, `.` and `..` (none of which exist) is outside exactly when
        /// it climbs above the workspace root at some point, as the kernel would walk it.
        #[test]
        fn a_path_is_outside_when_it_climbs_above_the_root(
            parts in prop::collection::vec(prop::sample::select(&["a", "b", ".", ".."][..]), 0..12)
        ) {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path().join("ws-root");
            std::fs::create_dir(&root).unwrap();
            let boundary = Boundary::of(&root);
            let mut depth: i32 = 0;
            let mut climbed = false;
            for part in &parts {
                match *part {
                    ".." => depth -= 1,
                    "." => {}
                    _ => depth += 1,
                }
                climbed |= depth < 0;
            }
            let path = parts.iter().fold(root.clone(), |path, part| path.join(part));
            prop_assert_eq!(boundary.outside(&path).is_some(), climbed, "{:?}", parts);
        }
    }
}

//! A workspace written by a test: one Python service under `opentelemetry-instrument`, on the
//! host's network (so that `localhost` is this machine), configured by its `environment` lines.

use tempfile::TempDir;

/// The workspace, with other files beside the compose file (`.env`, `.otel-doctor.toml`). A
/// `.git` folder makes it a repository root of its own.
pub fn workspace(environment: &[&str], files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let env: String = environment
        .iter()
        .map(|line| format!("      {line}\n"))
        .collect();
    std::fs::write(
        dir.path().join("docker-compose.yml"),
        format!("services:\n  api:\n    image: python:3.12-slim\n    network_mode: host\n    command: opentelemetry-instrument python app.py\n    environment:\n{env}"),
    )
    .unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

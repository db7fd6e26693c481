//! `otel-doctor fix` on a hostile workspace and under interruption: it writes only inside the
//! workspace (never through `include: ../`, `env_file: ../` or a symlink that leaves it),
//! names the file it really changes, changes every file of a run or none, and leaves no
//! temporary file anywhere, even when interrupted (SIGTERM, SIGINT) at any moment; killed
//! outright (SIGKILL), it leaves them only in `.git`, where they cannot be committed.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;

use support::tree::{self, doctor_in as doctor, temporary_files, write};

/// Every file under `dir` with its bytes and modification time.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>, SystemTime)> {
    let mut files: Vec<(PathBuf, Vec<u8>, SystemTime)> = tree::files(dir)
        .into_iter()
        .map(|path| {
            let modified = std::fs::symlink_metadata(&path)
                .unwrap()
                .modified()
                .unwrap();
            let bytes = std::fs::read(&path).unwrap_or_default();
            (path, bytes, modified)
        })
        .collect();
    files.sort();
    files
}

const MISSPELLED: &str = "services:\n  api:\n    image: python:3.12-slim\n    command: opentelemetry-instrument python app.py\n    environment:\n      OTEL_SERVICE_NAM: api\n      OTEL_EXPORTER_OTLP_ENDPOINT: http://127.0.0.1:4318\n";

#[test]
fn nothing_outside_the_workspace_is_written_through_include_env_file_or_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = dir.path().join("ws");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(workspace.join(".git")).unwrap();
    write(&outside.join("compose.yml"), MISSPELLED);
    write(
        &outside.join("app.env"),
        "OTEL_SERVICE_NAM=worker\nOTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318\n",
    );
    write(
        &workspace.join("docker-compose.yml"),
        "include:\n  - ../outside/compose.yml\nservices:\n  worker:\n    image: python:3.12-slim\n    command: opentelemetry-instrument python app.py\n    env_file: [../outside/app.env, linked.env]\n",
    );
    std::os::unix::fs::symlink(outside.join("app.env"), workspace.join("linked.env")).unwrap();
    let before = snapshot(&outside);
    let output = doctor(&workspace, &["fix"]);
    assert_eq!(
        snapshot(&outside),
        before,
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert_eq!(temporary_files(dir.path()), Vec::<PathBuf>::new());
}

#[test]
fn a_symlinked_file_is_fixed_and_named_where_it_lives() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(&dir.path().join("deploy/compose.yml"), MISSPELLED);
    std::os::unix::fs::symlink("deploy/compose.yml", dir.path().join("docker-compose.yml"))
        .unwrap();
    let output = doctor(dir.path(), &["fix"]);
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(
        summary.starts_with("fixed 1 finding in 1 file: deploy/compose.yml\n"),
        "{summary}"
    );
    assert!(
        std::fs::symlink_metadata(dir.path().join("docker-compose.yml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let fixed = std::fs::read_to_string(dir.path().join("deploy/compose.yml")).unwrap();
    assert!(fixed.contains("      OTEL_SERVICE_NAME: api\n"), "{fixed}");
    let diff = doctor(dir.path(), &["fix", "--diff"]);
    assert!(diff.stdout.is_empty(), "a second run changes nothing");
}

/// A workspace of `services` services, each with its own env file that misspells a variable:
/// one run of `fix` changes them all.
fn many_files(services: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let mut compose = String::from("services:\n");
    for index in 0..services {
        compose.push_str(&format!(
            "  svc{index}:\n    image: python:3.12-slim\n    command: opentelemetry-instrument python app.py\n    env_file: env/svc{index}.env\n"
        ));
        write(
            &dir.path().join(format!("env/svc{index}.env")),
            &format!(
                "OTEL_SERVICE_NAM=svc{index}\nOTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318\n"
            ),
        );
    }
    write(&dir.path().join("docker-compose.yml"), &compose);
    dir
}

fn fixed_files(dir: &Path, services: usize) -> usize {
    (0..services)
        .filter(|index| {
            std::fs::read_to_string(dir.join(format!("env/svc{index}.env")))
                .unwrap()
                .starts_with("OTEL_SERVICE_NAME=")
        })
        .count()
}

#[test]
fn a_run_killed_at_any_moment_leaves_every_file_or_none_changed_and_no_temporary_file() {
    const SERVICES: usize = 150;
    // How long a whole run takes here, to spread the signals over it.
    let timing = many_files(SERVICES);
    let started = std::time::Instant::now();
    let output = doctor(timing.path(), &["fix"]);
    let whole = started.elapsed();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(fixed_files(timing.path(), SERVICES), SERVICES);
    assert_eq!(temporary_files(timing.path()), Vec::<PathBuf>::new());
    for step in 0..18u32 {
        let dir = many_files(SERVICES);
        let mut child = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
            .arg("fix")
            .current_dir(dir.path())
            .env_clear()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let delay = whole * step / 12;
        std::thread::sleep(delay);
        let signal = ["-TERM", "-INT", "-KILL"][step as usize % 3];
        let _ = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status();
        let status = child.wait().unwrap();
        let at = format!("{signal} after {delay:?} ({status})");
        let left: Vec<PathBuf> = temporary_files(dir.path());
        if signal == "-KILL" {
            // Nothing survives SIGKILL, but what it leaves is in `.git`, never committed.
            let git = dir.path().join(".git");
            assert!(
                left.iter().all(|path| path.starts_with(&git)),
                "{at}: {left:?}"
            );
        } else {
            let fixed = fixed_files(dir.path(), SERVICES);
            assert!(
                fixed == 0 || fixed == SERVICES,
                "{at}: {fixed} of {SERVICES} files changed"
            );
            assert_eq!(left, Vec::<PathBuf>::new(), "{at}");
        }
    }
}

//! scripts/install-otel-doctor.sh, which the GitHub Action and the prebuilt pre-commit hook run
//! first, against a fake release served on 127.0.0.1: the binary for this machine installed
//! when its checksum matches, refused when it does not (or when there is none), and
//! `cargo install --locked` only when the release has no binary for this machine.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/install-otel-doctor.sh")
}

/// Serves the files under `root` over HTTP on 127.0.0.1 (404 for anything else) until the
/// test ends; the base URL.
fn serve(root: &Path) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = String::new();
            let mut reader = BufReader::new(&stream);
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            // The headers, up to the blank line.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request.split(' ').nth(1).unwrap_or("/");
            let file = root.join(path.trim_start_matches('/'));
            let (status, body) = match std::fs::read(&file) {
                Ok(body) if !path.contains("..") => ("200 OK", body),
                _ => ("404 Not Found", b"Not Found".to_vec()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    format!("http://{address}")
}

/// This machine's release target, as the script names it.
fn target() -> String {
    let output = Command::new("bash")
        .arg(script())
        .arg("--target")
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

fn sha256(file: &Path) -> String {
    let output = Command::new("sha256sum").arg(file).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    text.split_whitespace().next().unwrap().to_string()
}

/// A stand-in for a release build (the debug binary is 200 MB: packing it would be the whole
/// test): it answers `--version` as otel-doctor does, and says where it comes from.
fn stand_in(file: &Path, origin: &str) {
    std::fs::write(
        file,
        format!("#!/bin/sh\necho 'otel-doctor {VERSION} ({origin})'\n"),
    )
    .unwrap();
    Command::new("chmod").arg("+x").arg(file).status().unwrap();
}

/// A release `v<VERSION>` with a binary for `target`, as dist lays it out (the binary in a
/// folder named after the archive, a `.sha256` beside it); the archive's path.
fn release(releases: &Path, target: &str) -> PathBuf {
    let dir = releases.join(format!("v{VERSION}"));
    let name = format!("otel-doctor-{target}");
    let staging = releases.join("staging").join(&name);
    std::fs::create_dir_all(&staging).unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    stand_in(&staging.join("otel-doctor"), "release");
    std::fs::write(staging.join("README.md"), "otel-doctor\n").unwrap();
    let archive = dir.join(format!("{name}.tar.gz"));
    let status = Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(staging.parent().unwrap())
        .arg(&name)
        .status()
        .unwrap();
    assert!(status.success());
    let checksum = format!("{}  {name}.tar.gz\n", sha256(&archive));
    std::fs::write(dir.join(format!("{name}.tar.gz.sha256")), checksum).unwrap();
    archive
}

/// Runs the script with `releases` as its download site and `path` before the usual PATH.
fn install(base: &str, dir: &Path, path: Option<&Path>) -> Output {
    let mut search = std::env::var_os("PATH").unwrap_or_default();
    if let Some(first) = path {
        let mut paths = vec![first.to_path_buf()];
        paths.extend(std::env::split_paths(&search));
        search = std::env::join_paths(paths).unwrap();
    }
    Command::new("bash")
        .arg(script())
        .arg(VERSION)
        .arg(dir)
        .env("OTEL_DOCTOR_RELEASES", base)
        .env("PATH", search)
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A `cargo` that records its arguments and "builds" a stand-in where `cargo install --root
/// DIR` puts the binary; the folder to put first on PATH, and the record.
fn fake_cargo(dir: &Path) -> (PathBuf, PathBuf) {
    let bin = dir.join("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let record = dir.join("cargo-arguments");
    let built = dir.join("built-by-cargo");
    stand_in(&built, "cargo");
    let cargo = bin.join("cargo");
    std::fs::write(
        &cargo,
        format!(
            "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > '{record}'\nroot=\"$4\"\nmkdir -p \"$root/bin\"\ncp '{built}' \"$root/bin/otel-doctor\"\n",
            record = record.display(),
            built = built.display(),
        ),
    )
    .unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(&cargo)
        .status()
        .unwrap();
    (bin, record)
}

#[test]
fn a_release_binary_whose_checksum_matches_is_installed() {
    let target = target();
    if target.is_empty() {
        eprintln!("releases have no binary for this machine: nothing to download here");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    release(&work.path().join("releases"), &target);
    let base = serve(&work.path().join("releases"));
    let dir = work.path().join("tool");
    let output = install(&base, &dir, None);
    assert!(output.status.success(), "{}", stderr(&output));
    let binary = dir.join("bin/otel-doctor");
    assert_eq!(
        String::from_utf8(output.stdout).unwrap().trim(),
        binary.display().to_string()
    );
    let version = Command::new(&binary).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8(version.stdout).unwrap(),
        format!("otel-doctor {VERSION} (release)\n")
    );
    // Installed once: a second run keeps it and downloads nothing (the release is gone).
    std::fs::remove_dir_all(work.path().join("releases")).unwrap();
    let again = install(&base, &dir, None);
    assert!(again.status.success(), "{}", stderr(&again));
}

#[test]
fn a_binary_whose_checksum_does_not_match_is_refused() {
    let target = target();
    if target.is_empty() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let archive = release(&work.path().join("releases"), &target);
    // The archive changed after its checksum was published.
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes.extend_from_slice(b"tampered");
    std::fs::write(&archive, bytes).unwrap();
    let base = serve(&work.path().join("releases"));
    let dir = work.path().join("tool");
    let (fake_bin, record) = fake_cargo(work.path());
    let output = install(&base, &dir, Some(&fake_bin));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains(&format!(
            "checksum mismatch for otel-doctor-{target}.tar.gz"
        )),
        "{}",
        stderr(&output)
    );
    assert!(!dir.join("bin/otel-doctor").exists(), "installed anyway");
    assert!(!record.exists(), "a mismatch fell back to cargo");

    // A release without its checksum is refused too.
    let sums = archive.with_extension("gz.sha256");
    std::fs::remove_file(&sums).unwrap();
    let output = install(&base, &dir, Some(&fake_bin));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("refusing an unverified binary"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.join("bin/otel-doctor").exists());
}

#[test]
fn without_a_binary_for_this_machine_it_is_built_with_cargo_install_locked() {
    let work = tempfile::tempdir().unwrap();
    // A release that exists, for another machine only.
    release(&work.path().join("releases"), "riscv64gc-unknown-linux-gnu");
    let base = serve(&work.path().join("releases"));
    let dir = work.path().join("tool");
    let (fake_bin, record) = fake_cargo(work.path());
    let output = install(&base, &dir, Some(&fake_bin));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("building it with cargo install --locked"),
        "{}",
        stderr(&output)
    );
    let arguments = std::fs::read_to_string(&record).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_eq!(
        arguments.lines().collect::<Vec<_>>(),
        [
            "install",
            "--locked",
            "--root",
            &dir.display().to_string(),
            "--path",
            &source.display().to_string(),
        ]
    );
    let version = Command::new(dir.join("bin/otel-doctor"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(version.stdout).unwrap(),
        format!("otel-doctor {VERSION} (cargo)\n")
    );
}

#[test]
fn a_version_that_is_not_a_version_number_is_refused() {
    let work = tempfile::tempdir().unwrap();
    for version in ["../../etc", "1.2", "v1.2.3; rm -rf /", ""] {
        let output = Command::new("bash")
            .arg(script())
            .arg(version)
            .arg(work.path())
            .env("OTEL_DOCTOR_RELEASES", "http://127.0.0.1:9")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{version}");
        assert!(stderr(&output).contains("is not a version"), "{version}");
    }
}

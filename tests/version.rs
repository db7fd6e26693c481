//! `otel-doctor --version` names the commit the binary was built from, and the build falls back
//! gracefully where there is no git: a package cargo made, a plain folder, a folder inside
//! another repository.

#[path = "../build/commit.rs"]
mod commit;

use std::path::Path;
use std::process::Command;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn git(dir: &Path, arguments: &[&str]) -> String {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(arguments)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {arguments:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

fn git_repository_with_a_commit(dir: &Path) -> String {
    git(dir, &["init", "--quiet"]);
    std::fs::write(dir.join("Cargo.toml"), "[package]\n").unwrap();
    git(dir, &["add", "Cargo.toml"]);
    git(
        dir,
        &[
            "-c",
            "user.name=otel-doctor",
            "-c",
            "user.email=ci@example.invalid",
            "commit",
            "--quiet",
            "--message",
            "first",
        ],
    );
    git(dir, &["rev-parse", "HEAD"])
}

#[test]
fn version_names_the_commit_of_this_source() {
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .arg("--version")
        .output()
        .unwrap();
    let printed = String::from_utf8(output.stdout).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"));
    let expected = commit::describe(source).long_version(VERSION);
    assert_eq!(printed.trim_end(), format!("otel-doctor {expected}"));
    if source.join(".git").exists() {
        let head = git(source, &["rev-parse", "--short=12", "HEAD"]);
        let date = git(source, &["log", "-1", "--format=%cs", "HEAD"]);
        assert_eq!(expected, format!("{VERSION} ({head} {date})"));
    }
    // Subcommands print the same.
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(["lint", "--version"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .contains(&expected)
    );
}

#[test]
fn a_git_work_tree_gives_its_head_and_the_files_that_move_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let head = git_repository_with_a_commit(dir.path());
    let found = commit::describe(dir.path());
    assert_eq!(found.id.as_deref(), Some(&head[..12]));
    let date = found.date.as_deref().unwrap();
    assert_eq!(date.len(), "2026-12-07".len(), "{date}");
    let git_dir = dir.path().canonicalize().unwrap().join(".git");
    let watched: Vec<_> = found
        .watch
        .iter()
        .map(|p| p.canonicalize().unwrap())
        .collect();
    assert!(watched.contains(&git_dir.join("HEAD")), "{watched:?}");
    let branch = git(dir.path(), &["symbolic-ref", "HEAD"]);
    assert!(watched.contains(&git_dir.join(branch)), "{watched:?}");
}

#[test]
fn a_folder_inside_another_repository_is_not_that_repositorys_commit() {
    let dir = tempfile::tempdir().unwrap();
    git_repository_with_a_commit(dir.path());
    let vendored = dir.path().join("vendor/otel-doctor");
    std::fs::create_dir_all(&vendored).unwrap();
    assert_eq!(commit::describe(&vendored), commit::Commit::default());
}

#[test]
fn a_package_cargo_made_gives_the_commit_it_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let sha = "3f2a1b9c0d4e5f60718293a4b5c6d7e8f9012345";
    let info = dir.path().join(".cargo_vcs_info.json");
    std::fs::write(
        &info,
        format!("{{\n  \"git\": {{\n    \"sha1\": \"{sha}\"\n  }},\n  \"path_in_vcs\": \"\"\n}}"),
    )
    .unwrap();
    let found = commit::describe(dir.path());
    assert_eq!(found.id.as_deref(), Some("3f2a1b9c0d4e"));
    assert_eq!(found.watch, [info]);
    assert_eq!(found.long_version("0.1.0"), "0.1.0 (3f2a1b9c0d4e)");
}

#[test]
fn without_git_nor_package_information_the_version_stands_alone() {
    let dir = tempfile::tempdir().unwrap();
    let found = commit::describe(dir.path());
    assert_eq!(found, commit::Commit::default());
    assert_eq!(found.long_version("0.1.0"), "0.1.0");
    // A damaged record is no commit either.
    std::fs::write(
        dir.path().join(".cargo_vcs_info.json"),
        r#"{"git": {"sha1": "not hex"}}"#,
    )
    .unwrap();
    assert_eq!(commit::describe(dir.path()).id, None);
}

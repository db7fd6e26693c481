//! Which commit the source was built from, for `otel-doctor --version`: asked of git when the
//! source folder is the top of a git work tree, read from `.cargo_vcs_info.json` when it is a
//! package `cargo package` made (it records the commit there), and unknown otherwise (a
//! tarball, or a folder inside some other repository, whose commit is not this source's).
//! Shared by build.rs and the test that checks each case (tests/version.rs).

use std::path::{Path, PathBuf};
use std::process::Command;

/// What the build knows about the source's commit.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Commit {
    /// The abbreviated commit id (12 hex digits, as `git rev-parse --short=12` writes it).
    pub id: Option<String>,
    /// The commit's date, `YYYY-MM-DD` (git only).
    pub date: Option<String>,
    /// Files whose change means another commit: cargo reruns the build script when one changes.
    pub watch: Vec<PathBuf>,
}

impl Commit {
    /// `0.1.0 (3f2a1b9c0d4e 2026-12-07)`, or `0.1.0` alone when the commit is unknown.
    pub fn long_version(&self, version: &str) -> String {
        match (&self.id, &self.date) {
            (Some(id), Some(date)) => format!("{version} ({id} {date})"),
            (Some(id), None) => format!("{version} ({id})"),
            _ => version.to_string(),
        }
    }
}

pub fn describe(source: &Path) -> Commit {
    from_git(source).unwrap_or_else(|| from_cargo_package(source))
}

fn git(source: &Path, arguments: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(source)
        .args(arguments)
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    output.status.success().then(|| text.trim().to_string())
}

fn from_git(source: &Path) -> Option<Commit> {
    let top = git(source, &["rev-parse", "--show-toplevel"])?;
    // A folder inside another repository (a vendored copy) is not that repository's commit.
    if Path::new(&top).canonicalize().ok()? != source.canonicalize().ok()? {
        return None;
    }
    let id = git(source, &["rev-parse", "--short=12", "HEAD"])?;
    let date = git(source, &["log", "-1", "--format=%cs", "HEAD"]);
    // HEAD moves when it names another branch or commit, the branch's ref when a commit is
    // made or pulled; refs may be loose files or packed. In a worktree HEAD is the worktree's
    // own and refs are the common repository's.
    let git_dir = PathBuf::from(git(source, &["rev-parse", "--absolute-git-dir"])?);
    let common = git(source, &["rev-parse", "--git-common-dir"])
        .map(|dir| source.join(dir))
        .unwrap_or_else(|| git_dir.clone());
    let mut watch = vec![git_dir.join("HEAD"), common.join("packed-refs")];
    if let Some(branch) = git(source, &["symbolic-ref", "-q", "HEAD"]) {
        watch.push(common.join(branch));
    }
    watch.retain(|path| path.is_file());
    Some(Commit {
        id: Some(id),
        date,
        watch,
    })
}

fn from_cargo_package(source: &Path) -> Commit {
    let info = source.join(".cargo_vcs_info.json");
    let id = std::fs::read_to_string(&info).ok().and_then(|text| {
        // {"git": {"sha1": "<40 hex digits>", ...}, "path_in_vcs": ""}: the one value that
        // is 40 hex digits after a "sha1" key; read without a JSON parser, which a build
        // script would have to build first.
        let after = &text[text.find("\"sha1\"")? + "\"sha1\"".len()..];
        let start = after.find('"')? + 1;
        let sha = after.get(start..start + 40)?;
        sha.chars()
            .all(|c| c.is_ascii_hexdigit())
            .then(|| sha[..12].to_string())
    });
    Commit {
        watch: if info.is_file() {
            vec![info]
        } else {
            Vec::new()
        },
        id,
        date: None,
    }
}

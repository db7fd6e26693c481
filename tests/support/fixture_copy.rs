//! Copies of the fixtures to change: tests that edit files (`fix`, ignores, baselines) work
//! on a copy, never on `fixtures/`.

use std::path::Path;

use tempfile::TempDir;

/// A copy of a fixture in a temporary folder that is its own repository root (a `.git`
/// folder stops the search for `.otel-doctor.toml` there).
pub fn workspace(fixture: &str) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(fixture),
        dir.path(),
    );
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::remove_file(dir.path().join("expected.json")).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

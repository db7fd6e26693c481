//! Where the fixtures are: every folder under `fixtures/` that holds an `expected.json` is a
//! workspace with the findings it must produce (tests/fixtures.rs).

use std::path::{Path, PathBuf};

/// The `expected.json` files under `dir`, in a stable order; symlinked folders are not
/// followed.
pub fn expected_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() && !path.is_symlink() {
            let expected = path.join("expected.json");
            if expected.is_file() {
                out.push(expected);
            }
            expected_files(&path, out);
        }
    }
}

//! Folders a test writes and inspects, and the binary run in one.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Writes a file, with its folders.
pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Every file and link under `dir`, `.git` included.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if std::fs::symlink_metadata(&path).unwrap().is_dir() {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// `otel-doctor fix`'s temporary files under `dir`, `.git` included.
pub fn temporary_files(dir: &Path) -> Vec<PathBuf> {
    files(dir)
        .into_iter()
        .filter(|path| {
            path.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".otel-doctor-fix-"))
        })
        .collect()
}

/// The binary run in `dir`, with a clean environment.
pub fn doctor_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .output()
        .unwrap()
}

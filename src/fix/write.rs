//! Writing a fixed file, or showing the change: a file is replaced atomically (a temporary file
//! in the same folder, renamed over it), keeping its permissions and owner, through symlinks to
//! the real file; a diff is a unified diff with `a/` and `b/` headers that `git apply` takes.

use std::io::Write;
use std::path::Path;

/// Replaces the file at `path` (or the file it links to) with `bytes`.
pub fn replace(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let explain = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    };
    // Renaming onto a symlink would replace the link with a plain file.
    let real = std::fs::canonicalize(path).map_err(explain)?;
    let metadata = std::fs::metadata(&real).map_err(explain)?;
    // A rename needs only the folder to be writable: honour the file's own read-only mark,
    // which editors and tools treat as "do not change".
    if metadata.permissions().readonly() {
        return Err("the file is read-only; not changed".into());
    }
    let folder = real.parent().unwrap_or(Path::new("."));
    let mut temporary = tempfile::Builder::new()
        .prefix(".otel-doctor-fix-")
        .tempfile_in(folder)
        .map_err(|e| format!("cannot create a temporary file beside it: {}", explain(e)))?;
    temporary.write_all(bytes).map_err(explain)?;
    temporary.as_file().sync_all().map_err(explain)?;
    // tempfile creates files with mode 600.
    temporary
        .as_file()
        .set_permissions(metadata.permissions())
        .map_err(explain)?;
    keep_owner(temporary.as_file(), &metadata)?;
    temporary.persist(&real).map_err(|e| explain(e.error))?;
    Ok(())
}

/// The temporary file belongs to whoever runs the tool; the file it replaces keeps its owner
/// (running as root changes it otherwise).
#[cfg(unix)]
fn keep_owner(file: &std::fs::File, original: &std::fs::Metadata) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let current = file.metadata().map_err(|e| e.to_string())?;
    if (current.uid(), current.gid()) == (original.uid(), original.gid()) {
        return Ok(());
    }
    std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid())).map_err(|_| {
        format!(
            "it belongs to user {} and group {}, which this user cannot give a file to; not changed",
            original.uid(),
            original.gid()
        )
    })
}

#[cfg(not(unix))]
fn keep_owner(_: &std::fs::File, _: &std::fs::Metadata) -> Result<(), String> {
    Ok(())
}

/// The unified diff of one file, with `a/PATH` and `b/PATH` headers; empty when nothing
/// changed.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .missing_newline_hint(true)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_marks_a_missing_final_newline() {
        let diff = unified_diff("x.txt", "a\nb", "a\nb\nc");
        assert!(diff.starts_with("--- a/x.txt\n+++ b/x.txt\n@@"), "{diff}");
        assert!(diff.contains("\\ No newline at end of file"), "{diff}");
        assert_eq!(unified_diff("x.txt", "same", "same"), "");
    }

    #[cfg(unix)]
    #[test]
    fn replacing_keeps_permissions_and_follows_links() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.txt");
        std::fs::write(&real, "old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        replace(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 2, "no temporary file is left behind");
    }

    #[test]
    fn a_read_only_file_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ro.txt");
        std::fs::write(&file, "old").unwrap();
        let mut permissions = std::fs::metadata(&file).unwrap().permissions();
        permissions.set_readonly(true);
        std::fs::set_permissions(&file, permissions).unwrap();
        assert!(replace(&file, b"new").unwrap_err().contains("read-only"));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "old");
    }
}

//! Writing the fixed files, or showing the change. A run's files are replaced all or none:
//! every new content goes to a temporary file first, and only when all are written are they
//! renamed over the originals (a rename that still fails puts back those already renamed).
//! Temporary files live in the repository's `.git/` when it is on the same filesystem, where
//! they can never be committed, else beside the file; either way they are removed on any exit
//! the process survives, Ctrl-C and SIGTERM included. Files keep their permissions and owner.
//! A diff is a unified diff with `a/` and `b/` headers that `git apply` takes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once, TryLockError};

use tempfile::NamedTempFile;

/// A file to replace.
pub struct Replacement<'a> {
    /// The file itself, not a link to it.
    pub real: &'a Path,
    pub bytes: &'a [u8],
    /// What it holds now, put back if the run cannot replace every file.
    pub original: &'a [u8],
}

/// Where temporary files go: the repository's `.git/` folder, when there is one.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    git_dir: Option<PathBuf>,
}

impl Scratch {
    /// The `.git` folder of the workspace root, if it is a folder (not a link, and not the
    /// `gitdir:` file of a worktree, which could point anywhere).
    pub fn of(root: Option<&Path>) -> Scratch {
        let git_dir = root
            .map(|root| root.join(".git"))
            .filter(|dir| std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_dir()));
        Scratch { git_dir }
    }

    /// The folder for a temporary file that will replace a file in `folder`: `.git/` when a
    /// rename from there is atomic (the same filesystem), else `folder` itself.
    fn folder_for<'a>(&'a self, folder: &'a Path) -> &'a Path {
        match &self.git_dir {
            Some(git_dir) if same_filesystem(git_dir, folder) => git_dir,
            _ => folder,
        }
    }
}

#[cfg(unix)]
fn same_filesystem(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_filesystem(_: &Path, _: &Path) -> bool {
    false
}

/// Why a run's files were not replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteFailure {
    /// The file that could not be written.
    pub index: usize,
    pub reason: String,
    /// Files replaced before the failure that could not be put back (almost always none).
    pub left_changed: Vec<usize>,
}

/// Replaces every file with its new bytes, or none.
pub fn replace_all(files: &[Replacement], scratch: &Scratch) -> Result<(), WriteFailure> {
    remove_temporary_files_on_interrupt();
    let mut staged: Vec<NamedTempFile> = Vec::with_capacity(files.len());
    for (index, file) in files.iter().enumerate() {
        let temporary = stage(file.real, file.bytes, scratch, &mut pending());
        match temporary {
            Ok(temporary) => staged.push(temporary),
            Err(reason) => {
                // Dropping them removes the temporary files: nothing has changed.
                drop(staged);
                pending().clear();
                return Err(WriteFailure {
                    index,
                    reason,
                    left_changed: Vec::new(),
                });
            }
        }
    }
    // An interrupt now waits until every file is renamed (or put back).
    let mut pending = pending();
    let mut outcome = Ok(());
    for (index, temporary) in staged.into_iter().enumerate() {
        if let Err(error) = temporary.persist(files[index].real) {
            let left_changed = (0..index)
                .filter(|&done| {
                    let file = &files[done];
                    !stage(file.real, file.original, scratch, &mut pending)
                        .is_ok_and(|t| t.persist(file.real).is_ok())
                })
                .collect();
            outcome = Err(WriteFailure {
                index,
                reason: explain(&error.error),
                left_changed,
            });
            break;
        }
    }
    pending.clear();
    outcome
}

/// The new content of `real` in a temporary file, ready to be renamed over it, and listed in
/// `pending` for an interrupt to remove.
fn stage(
    real: &Path,
    bytes: &[u8],
    scratch: &Scratch,
    pending: &mut Vec<PathBuf>,
) -> Result<NamedTempFile, String> {
    let metadata = std::fs::metadata(real).map_err(|e| explain(&e))?;
    // A rename needs only the folder to be writable: honour the file's own read-only mark,
    // which editors and tools treat as "do not change".
    if metadata.permissions().readonly() {
        return Err("the file is read-only; not changed".into());
    }
    let folder = real.parent().unwrap_or(Path::new("."));
    let mut temporary = tempfile::Builder::new()
        .prefix(".otel-doctor-fix-")
        .tempfile_in(scratch.folder_for(folder))
        .map_err(|e| format!("cannot create a temporary file: {}", explain(&e)))?;
    pending.push(temporary.path().to_path_buf());
    temporary.write_all(bytes).map_err(|e| explain(&e))?;
    temporary.as_file().sync_all().map_err(|e| explain(&e))?;
    // tempfile creates files with mode 600.
    temporary
        .as_file()
        .set_permissions(metadata.permissions())
        .map_err(|e| explain(&e))?;
    keep_owner(temporary.as_file(), &metadata)?;
    Ok(temporary)
}

fn explain(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    }
}

/// Temporary files not yet renamed: what an interrupt removes.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending() -> MutexGuard<'static, Vec<PathBuf>> {
    PENDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// From now on Ctrl-C and SIGTERM remove the temporary files not yet renamed, then end the
/// process (exit 130 or 143, as a shell reports them). The handlers are in place when this
/// returns; an interrupt during the renames waits for them to finish.
fn remove_temporary_files_on_interrupt() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_io()
                .build()
            else {
                return;
            };
            let signals = {
                let _entered = runtime.enter();
                (
                    signal(SignalKind::interrupt()),
                    signal(SignalKind::terminate()),
                )
            };
            let (Ok(mut interrupt), Ok(mut terminate)) = signals else {
                return;
            };
            std::thread::spawn(move || {
                let code = runtime.block_on(std::future::poll_fn(|context| {
                    if interrupt.poll_recv(context).is_ready() {
                        std::task::Poll::Ready(130)
                    } else if terminate.poll_recv(context).is_ready() {
                        std::task::Poll::Ready(143)
                    } else {
                        std::task::Poll::Pending
                    }
                }));
                // The renames take milliseconds; a run stuck holding the list (a hung disk)
                // must still end.
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
                loop {
                    let pending = match PENDING.try_lock() {
                        Ok(pending) => Some(pending),
                        Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
                        Err(TryLockError::WouldBlock) => None,
                    };
                    if let Some(mut pending) = pending {
                        for path in pending.drain(..) {
                            let _ = std::fs::remove_file(path);
                        }
                        // Exit with the list still held: released, the main thread could
                        // stage one more file before the process ends.
                        std::process::exit(code);
                    }
                    if std::time::Instant::now() > deadline {
                        std::process::exit(code);
                    }
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
            });
        }
    });
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

    fn replace(real: &Path, bytes: &[u8], scratch: &Scratch) -> Result<(), WriteFailure> {
        let original = std::fs::read(real).unwrap_or_default();
        let file = Replacement {
            real,
            bytes,
            original: &original,
        };
        replace_all(&[file], scratch)
    }

    #[test]
    fn a_diff_marks_a_missing_final_newline() {
        let diff = unified_diff("x.txt", "a\nb", "a\nb\nc");
        assert!(diff.starts_with("--- a/x.txt\n+++ b/x.txt\n@@"), "{diff}");
        assert!(diff.contains("\\ No newline at end of file"), "{diff}");
        assert_eq!(unified_diff("x.txt", "same", "same"), "");
    }

    #[cfg(unix)]
    #[test]
    fn replacing_keeps_permissions_and_leaves_no_temporary_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        let real = dir.path().join("real.txt");
        std::fs::write(&real, "old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        replace(&real, b"new", &Scratch::of(Some(dir.path()))).unwrap();
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        for folder in [dir.path(), &dir.path().join(".git")] {
            let names: Vec<String> = std::fs::read_dir(folder)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            assert!(
                !names.iter().any(|n| n.starts_with(".otel-doctor-fix-")),
                "{names:?}"
            );
        }
    }

    #[test]
    fn temporary_files_go_to_the_repositorys_git_folder() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("api");
        std::fs::create_dir(&folder).unwrap();
        assert_eq!(Scratch::of(Some(dir.path())).folder_for(&folder), folder);
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        let scratch = Scratch::of(Some(dir.path()));
        if cfg!(unix) {
            assert_eq!(scratch.folder_for(&folder), dir.path().join(".git"));
        }
        // A worktree's `.git` file may point anywhere: not followed.
        let worktree = tempfile::tempdir().unwrap();
        std::fs::write(worktree.path().join(".git"), "gitdir: /elsewhere\n").unwrap();
        let scratch = Scratch::of(Some(worktree.path()));
        assert_eq!(scratch.folder_for(worktree.path()), worktree.path());
    }

    #[test]
    fn a_read_only_file_changes_nothing_in_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let writable = dir.path().join("a.txt");
        let read_only = dir.path().join("b.txt");
        std::fs::write(&writable, "old a").unwrap();
        std::fs::write(&read_only, "old b").unwrap();
        let mut permissions = std::fs::metadata(&read_only).unwrap().permissions();
        permissions.set_readonly(true);
        std::fs::set_permissions(&read_only, permissions).unwrap();
        let files = [
            Replacement {
                real: &writable,
                bytes: b"new a",
                original: b"old a",
            },
            Replacement {
                real: &read_only,
                bytes: b"new b",
                original: b"old b",
            },
        ];
        assert_eq!(
            replace_all(&files, &Scratch::default()),
            Err(WriteFailure {
                index: 1,
                reason: "the file is read-only; not changed".into(),
                left_changed: Vec::new(),
            })
        );
        assert_eq!(std::fs::read_to_string(&writable).unwrap(), "old a");
        assert_eq!(std::fs::read_to_string(&read_only).unwrap(), "old b");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            2,
            "no temporary file is left"
        );
    }
}

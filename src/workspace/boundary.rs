//! The workspace is a boundary. A workspace is untrusted input (in CI, a pull request), and
//! what it references is read into the report: `env_file: /etc/shadow` would print the file's
//! lines. So files are read only inside the workspace root — the repository root holding PATH
//! (the nearest folder upward with `.git`), else PATH's folder — and the files the user names on
//! the command line (`-f`, `--env-file`, `--config`), with their repositories. A reference that
//! leaves it (an absolute path, `../`, a symlink whose target is outside) is not read; the
//! loader reports it where it is written. `fix` writes only inside it too.

use std::path::{Component, Path, PathBuf};

/// Where files may be read and written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Boundary {
    /// Real (canonical) folders; the first is the workspace root.
    roots: Vec<PathBuf>,
    /// Real files the user named: read wherever they are.
    files: Vec<PathBuf>,
}

impl Boundary {
    /// The boundary of a run on `path` (a folder or a compose file).
    pub fn of(path: &Path) -> Boundary {
        let mut boundary = Boundary::default();
        boundary.add_root_of(path);
        boundary
    }

    /// Adds the workspace root of a path the user named: its repository, else its folder (the
    /// path itself when it is a folder).
    pub fn add_root_of(&mut self, path: &Path) {
        let real = real_path(path);
        let folder = if real.is_dir() {
            real
        } else {
            real.parent()
                .map_or_else(|| real.clone(), Path::to_path_buf)
        };
        let root = repository_root(&folder).unwrap_or(folder);
        if !self.roots.contains(&root) {
            self.roots.push(root);
        }
    }

    /// Allows one file the user named, wherever it is.
    pub fn add_file(&mut self, path: &Path) {
        self.files.push(real_path(path));
    }

    /// The workspace root, as messages name it.
    pub fn root(&self) -> Option<&Path> {
        self.roots.first().map(PathBuf::as_path)
    }

    /// Where `path` really leads, when that is outside the boundary (`None`: inside). A path
    /// that does not exist is judged by where it would be.
    pub fn outside(&self, path: &Path) -> Option<PathBuf> {
        let real = real_path(path);
        let inside =
            self.roots.iter().any(|root| real.starts_with(root)) || self.files.contains(&real);
        (!inside).then_some(real)
    }
}

/// The nearest folder from `dir` upward that holds `.git` (a folder, or a file in a worktree).
pub fn repository_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|ancestor| ancestor.join(".git").exists())
        .map(Path::to_path_buf)
}

/// `path` with every symlink resolved, as an absolute path. The part that does not exist is
/// taken as written, with `.` and `..` folded.
pub fn real_path(path: &Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(path) {
        return real;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut real = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => real.push(component.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                real.pop();
            }
            Component::Normal(name) => {
                real.push(name);
                // A link on the way leads where it points, and what follows is below that.
                if std::fs::symlink_metadata(&real).is_ok()
                    && let Ok(resolved) = std::fs::canonicalize(&real)
                {
                    real = resolved;
                }
            }
        }
    }
    real
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_the_repository_holding_the_path_else_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("deploy")).unwrap();
        let real_repo = std::fs::canonicalize(&repo).unwrap();
        assert_eq!(
            Boundary::of(&repo.join("deploy")).root(),
            Some(real_repo.as_path())
        );
        std::fs::write(repo.join("deploy/compose.yaml"), "").unwrap();
        assert_eq!(
            Boundary::of(&repo.join("deploy/compose.yaml")).root(),
            Some(real_repo.as_path())
        );
        let plain = dir.path().join("plain");
        std::fs::create_dir(&plain).unwrap();
        let real_plain = std::fs::canonicalize(&plain).unwrap();
        assert_eq!(Boundary::of(&plain).root(), Some(real_plain.as_path()));
    }

    #[cfg(unix)]
    #[test]
    fn references_that_leave_are_outside_wherever_they_lead() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ws");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(dir.path().join("secret.env"), "A=1").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.env"), root.join("link.env")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
        std::os::unix::fs::symlink("sub", root.join("inner")).unwrap();
        let boundary = Boundary::of(&root);
        for outside in [
            "/etc/shadow",
            "../secret.env",
            "sub/../../secret.env",
            "link.env",
            "up/secret.env",
            "up/missing.env",
            "sub/../../../../../missing.env",
        ] {
            assert!(boundary.outside(&root.join(outside)).is_some(), "{outside}");
        }
        for inside in [
            "sub",
            "sub/../a.env",
            "inner/x.env",
            "missing/deeper/x.env",
            ".",
        ] {
            assert_eq!(boundary.outside(&root.join(inside)), None, "{inside}");
        }
        let mut named = boundary.clone();
        named.add_file(&root.join("link.env"));
        assert_eq!(named.outside(&root.join("link.env")), None);
        assert!(named.outside(&root.join("up/other.env")).is_some());
    }
}

//! Paths inside an image and the build-context files they came from: every `COPY` of the
//! context is remembered, so that `pip install -r /app/requirements.txt` or `poetry install`
//! in `/app` can be traced back to the manifest of the context that was copied there.

use std::sync::Arc;

use crate::resolve::image_path::is_within;

/// `COPY src... dest` from the build context.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ContextCopy {
    /// Context-relative, normalized (`.` is empty).
    sources: Vec<String>,
    /// Absolute image path.
    destination: String,
}

/// What a stage copied in from the build context.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopiedFiles {
    /// The context folder, as the workspace shows it (`.` for the workspace root).
    context_dir: Arc<str>,
    copies: Vec<ContextCopy>,
}

impl CopiedFiles {
    pub fn new(context_dir: &Arc<str>) -> Self {
        CopiedFiles {
            context_dir: Arc::clone(context_dir),
            copies: Vec::new(),
        }
    }

    pub fn add(&mut self, sources: &[String], destination: String) {
        self.copies.push(ContextCopy {
            sources: sources.iter().map(|s| normalize(s)).collect(),
            destination,
        });
    }

    /// A context-relative path as the workspace shows it.
    pub fn in_workspace(&self, relative: &str) -> Arc<str> {
        match (&*self.context_dir, relative) {
            (dir, "") => Arc::from(dir),
            (".", relative) => Arc::from(relative),
            (dir, relative) => Arc::from(format!("{dir}/{relative}")),
        }
    }

    /// The workspace file (or folder) that a `COPY` put at `image_path`, the latest copy
    /// winning. `exists` says whether a workspace path is a file of the context: a folder
    /// copied into a folder brings whatever it holds, so only what exists is an answer.
    pub fn source_of(&self, image_path: &str, exists: impl Fn(&str) -> bool) -> Option<Arc<str>> {
        for copy in self.copies.iter().rev() {
            let destination = copy.destination.trim_end_matches('/');
            for source in &copy.sources {
                if let Some(candidate) = self.glob_source(source, destination, image_path)
                    && exists(&candidate)
                {
                    return Some(candidate);
                }
                let name = source.rsplit('/').next().unwrap_or_default();
                // A file copied to a file path, or into a folder under its own name.
                if image_path == destination
                    || (!name.is_empty() && image_path == format!("{destination}/{name}"))
                {
                    let candidate = self.in_workspace(source);
                    if exists(&candidate) || image_path == destination {
                        return Some(candidate);
                    }
                }
                // A folder (or the whole context) copied into a folder.
                let rest = if destination.is_empty() {
                    image_path.strip_prefix('/')
                } else {
                    image_path.strip_prefix(&format!("{destination}/"))
                };
                if let Some(rest) = rest {
                    let joined = if source.is_empty() {
                        rest.to_string()
                    } else {
                        format!("{source}/{rest}")
                    };
                    let candidate = self.in_workspace(&joined);
                    if exists(&candidate) {
                        return Some(candidate);
                    }
                }
            }
        }
        None
    }

    /// `COPY package*.json ./`: the context file a wildcard source put at `image_path`.
    fn glob_source(&self, source: &str, destination: &str, image_path: &str) -> Option<Arc<str>> {
        let (source_dir, pattern) = source.rsplit_once('/').unwrap_or(("", source));
        if !pattern.contains(['*', '?']) {
            return None;
        }
        let (image_dir, name) = image_path.rsplit_once('/')?;
        if image_dir != destination || !glob_matches(pattern, name) {
            return None;
        }
        Some(self.in_workspace(&if source_dir.is_empty() {
            name.to_string()
        } else {
            format!("{source_dir}/{name}")
        }))
    }

    /// Where a workspace file of the context lands in the image (the latest copy winning).
    pub fn image_path_of(&self, file: &str) -> Option<String> {
        let relative = match &*self.context_dir {
            "." => file,
            dir => file.strip_prefix(dir)?.strip_prefix('/')?,
        };
        self.copies.iter().rev().find_map(|copy| {
            let destination = copy.destination.trim_end_matches('/');
            copy.sources.iter().find_map(|source| {
                if source.is_empty() {
                    return Some(format!("{destination}/{relative}"));
                }
                let (source_dir, pattern) = source.rsplit_once('/').unwrap_or(("", source));
                let (file_dir, name) = relative.rsplit_once('/').unwrap_or(("", relative));
                if pattern.contains(['*', '?']) {
                    return (file_dir == source_dir && glob_matches(pattern, name))
                        .then(|| format!("{destination}/{name}"));
                }
                if relative == source {
                    // A file copied into a folder keeps its name; to a path, takes that path.
                    let name = relative.rsplit('/').next().unwrap_or(relative);
                    return Some(
                        if copy.destination.ends_with('/') || copy.sources.len() > 1 {
                            format!("{destination}/{name}")
                        } else {
                            destination.to_string()
                        },
                    );
                }
                let rest = relative.strip_prefix(&format!("{source}/"))?;
                Some(format!("{destination}/{rest}"))
            })
        })
    }

    /// Whether something of the context is copied into this image folder (or below it).
    pub fn copies_into(&self, image_dir: &str) -> bool {
        self.copies
            .iter()
            .any(|copy| is_within(&copy.destination, image_dir))
    }

    /// Whether a workspace file is copied into the image.
    pub fn contains(&self, file: &str) -> bool {
        let relative = match &*self.context_dir {
            "." => Some(file),
            dir => file.strip_prefix(dir).and_then(|r| r.strip_prefix('/')),
        };
        let Some(relative) = relative else {
            return false;
        };
        self.copies.iter().flat_map(|c| &c.sources).any(|source| {
            source.is_empty()
                || source.contains('*')
                || relative == source
                || relative.starts_with(&format!("{source}/"))
        })
    }
}

/// Whether a file name matches a pattern of one path segment (`*` and `?`, as Docker's
/// `COPY` reads them).
pub fn glob_matches(pattern: &str, name: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    // Classic two-pointer wildcard matching, with backtracking to the last `*`.
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c == '?' || c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((star_p, star_n)) => {
                    p = star_p + 1;
                    n = star_n + 1;
                    star = Some((star_p, star_n + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// A context-relative path without `./` and trailing `/` (`.` becomes empty).
pub fn normalize(path: &str) -> String {
    let folded =
        crate::workspace::display_path(std::path::Path::new(""), std::path::Path::new(path));
    match folded.trim_matches('/') {
        "." => String::new(),
        trimmed => trimmed.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_map_image_paths_back_to_the_context() {
        let mut files = CopiedFiles::new(&Arc::from("svc"));
        files.add(&["requirements.txt".into()], "/app/".into());
        files.add(&["./src".into()], "/app/src".into());
        files.add(&["examples/".into()], "/app/examples/".into());
        let exists =
            |p: &str| ["svc/requirements.txt", "svc/examples/a/pyproject.toml"].contains(&p);
        assert_eq!(
            files.source_of("/app/requirements.txt", exists).as_deref(),
            Some("svc/requirements.txt")
        );
        assert_eq!(
            files
                .source_of("/app/examples/a/pyproject.toml", exists)
                .as_deref(),
            Some("svc/examples/a/pyproject.toml")
        );
        assert_eq!(files.source_of("/app/other.txt", exists), None);
        assert!(files.contains("svc/src/app.py"));
        assert_eq!(
            files.image_path_of("svc/src/app.py").as_deref(),
            Some("/app/src/app.py")
        );
        assert_eq!(
            files.image_path_of("svc/requirements.txt").as_deref(),
            Some("/app/requirements.txt")
        );
        assert_eq!(files.image_path_of("svc/tests/t.py"), None);
        assert!(!files.contains("svc/tests/t.py"));
        assert!(!files.contains("other/src/app.py"));
    }

    #[test]
    fn wildcard_copies() {
        let mut files = CopiedFiles::new(&Arc::from("web"));
        files.add(&["package*.json".into()], "/app/".into());
        let exists = |p: &str| ["web/package.json", "web/package-lock.json"].contains(&p);
        assert_eq!(
            files.source_of("/app/package-lock.json", exists).as_deref(),
            Some("web/package-lock.json")
        );
        assert_eq!(files.source_of("/app/yarn.lock", exists), None);
        assert_eq!(
            files.image_path_of("web/package.json").as_deref(),
            Some("/app/package.json")
        );
        assert!(glob_matches("*.js", "a.js") && !glob_matches("*.js", "a.ts"));
        assert!(
            glob_matches("a*b*c", "aXbYbc") && glob_matches("?", "x") && !glob_matches("?", "")
        );
    }

    #[test]
    fn the_whole_context_copied() {
        let mut files = CopiedFiles::new(&Arc::from("."));
        files.add(&[".".into()], "/app".into());
        assert!(files.contains("anything/at/all.py"));
        assert_eq!(
            files.image_path_of("x/y.py").as_deref(),
            Some("/app/x/y.py")
        );
    }
}

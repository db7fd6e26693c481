//! Listing the files of a build context that matter: Python, JavaScript, Go, Ruby, Java and C#
//! source, dependency manifests and lockfiles, JVM settings files, and the marker files that tell
//! a service's language.

use std::path::{Path, PathBuf};

use walkdir::{DirEntry, WalkDir};

use super::Language;
use super::clike::Dialect;
use super::dependencies::Ecosystem;
use super::launch::LaunchKind;
use super::npm::LockKind;
use super::settings::KeyStyle;

/// Directories that never hold the service's own code: VCS data, dependency caches, virtualenvs
/// and build output. Walking them would be slow and would find other people's imports.
const SKIPPED_DIRS: [&str; 24] = [
    ".git",
    ".hg",
    "node_modules",
    "bower_components",
    "vendor",
    "target",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".mypy_cache",
    ".pytest_cache",
    "site-packages",
    ".terraform",
    "dist",
    "build",
    ".next",
    ".nuxt",
    ".svelte-kit",
    ".turbo",
    ".cache",
    ".yarn",
    "coverage",
    "__tests__",
];

/// How many JavaScript and TypeScript files of one context are read, and how many bytes.
const MAX_SCRIPTS: usize = 2_000;
const MAX_SCRIPTS_BYTES: u64 = 16 * 1024 * 1024;

/// JavaScript and TypeScript files larger than this are bundles, not the service's setup.
const MAX_SCRIPT_BYTES: u64 = crate::workspace::javascript::MAX_SOURCE_BYTES as u64;

/// Bounds for pathological trees: a context is a service's source, not a disk.
const MAX_DEPTH: usize = 12;
const MAX_ENTRIES: usize = 50_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContextFileKind {
    Python,
    Requirements,
    Pyproject,
    Pipfile,
    JavaScript,
    PackageJson,
    Lockfile(LockKind),
    /// A dependency list of another ecosystem (`go.mod`, `Gemfile`, `pom.xml`, ...).
    Dependencies(Ecosystem),
    Ruby,
    /// Java, Kotlin or C# source.
    Clike(Dialect),
    /// An application settings file: Spring Boot's `application*.yml` (dotted keys), .NET's
    /// `appsettings*.json` (colon keys).
    Settings(KeyStyle),
    /// A Java `.properties` file (the agent's configuration file, Spring's settings).
    Properties,
    /// Go source (not tests).
    Go,
    /// A shell script, which a container may start through (`./run.sh`, `entrypoint.sh`).
    Script,
    /// A Makefile, Justfile, Taskfile or Procfile, which may start things.
    Launch(LaunchKind),
    /// A devcontainer.json.
    Devcontainer,
    LanguageMarker(Language),
}

impl ContextFileKind {
    /// Source files whose count and size a context's budget bounds: a monorepo may hold
    /// thousands.
    fn is_source_code(self) -> bool {
        matches!(
            self,
            ContextFileKind::JavaScript | ContextFileKind::Clike(_)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextFile {
    pub path: PathBuf,
    pub kind: ContextFileKind,
    /// A symlink to a file: where it leads decides whether it may be read.
    pub link: bool,
}

/// The files of `dir` worth reading, in a stable order. Links to folders are not followed, so
/// a link loop cannot trap the walk; links to files are listed as such.
pub fn context_files(dir: &Path) -> Vec<ContextFile> {
    let mut files: Vec<(ContextFile, u64)> = WalkDir::new(dir)
        .follow_links(false)
        .max_depth(MAX_DEPTH)
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_skipped_dir(entry))
        .take(MAX_ENTRIES)
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let kind = classify(entry.path())?;
            let link = entry.path_is_symlink();
            let metadata = if link {
                std::fs::metadata(entry.path()).ok()?
            } else {
                entry.metadata().ok()?
            };
            if !metadata.is_file() {
                return None;
            }
            let size = if kind.is_source_code() {
                metadata.len()
            } else {
                0
            };
            if kind.is_source_code() && size > MAX_SCRIPT_BYTES {
                return None;
            }
            Some((
                ContextFile {
                    path: entry.into_path(),
                    kind,
                    link,
                },
                size,
            ))
        })
        .collect();
    files.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    // A frontend monorepo can hold thousands of scripts; a service's setup is in a few, whose
    // names usually say so: those are read first, then the others while the budget lasts.
    let (mut count, mut bytes) = (0, 0);
    let mut kept: Vec<ContextFile> = Vec::with_capacity(files.len());
    let (setup_first, others): (Vec<_>, Vec<_>) = files
        .drain(..)
        .partition(|(file, _)| !file.kind.is_source_code() || names_setup(&file.path));
    for (file, size) in setup_first.into_iter().chain(others) {
        if file.kind.is_source_code() {
            if count >= MAX_SCRIPTS || bytes + size > MAX_SCRIPTS_BYTES {
                continue;
            }
            count += 1;
            bytes += size;
        }
        kept.push(file);
    }
    kept.sort_by(|a, b| a.path.cmp(&b.path));
    kept
}

/// A file of the workspace that may start something, outside the build contexts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkspaceFile {
    Launch(LaunchKind),
    /// `devcontainer.json` in `.devcontainer/` (or a folder of it), or `.devcontainer.json`.
    Devcontainer,
    /// A `Dockerfile` (`Dockerfile.dev`, `api.Dockerfile`, `Containerfile`).
    Dockerfile,
}

/// How deep launcher files are looked for: `scripts/run.sh`, `deploy/docker/run.sh`,
/// `services/api/package.json`. Deeper ones are an app's own tooling, not how the workspace
/// is started.
pub const LAUNCHER_DEPTH: usize = 3;

/// The files of the workspace that may start something, at most `LAUNCHER_DEPTH` folders
/// down, in a stable order. `walked` says which folders were already listed as build contexts:
/// they are not listed again (their launcher files come with the context).
pub fn launcher_files(
    root: &Path,
    walked: &dyn Fn(&Path) -> bool,
) -> Vec<(PathBuf, WorkspaceFile)> {
    let mut files: Vec<(PathBuf, WorkspaceFile)> = WalkDir::new(root)
        .follow_links(false)
        .max_depth(LAUNCHER_DEPTH + 1)
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0
                || !(entry.file_type().is_dir()
                    && (is_skipped_dir(entry)
                        || walked(entry.path())
                        || hidden_but_not_devcontainer(entry)))
        })
        .take(MAX_ENTRIES)
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter_map(|entry| {
            let kind = workspace_file_kind(entry.path())?;
            Some((entry.into_path(), kind))
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

fn hidden_but_not_devcontainer(entry: &DirEntry) -> bool {
    let name = entry.file_name().to_string_lossy();
    name.starts_with('.') && name != ".devcontainer"
}

/// What a workspace file is, by its name and folder.
pub fn workspace_file_kind(path: &Path) -> Option<WorkspaceFile> {
    let name = path.file_name()?.to_str()?;
    let in_devcontainer_folder = path
        .ancestors()
        .skip(1)
        .take(2)
        .any(|dir| dir.file_name().is_some_and(|n| n == ".devcontainer"));
    if (name == "devcontainer.json" && in_devcontainer_folder) || name == ".devcontainer.json" {
        return Some(WorkspaceFile::Devcontainer);
    }
    if name == "Dockerfile"
        || name == "Containerfile"
        || name.starts_with("Dockerfile.")
        || name.ends_with(".Dockerfile")
        || name.ends_with(".dockerfile")
    {
        return Some(WorkspaceFile::Dockerfile);
    }
    LaunchKind::of_file(name).map(WorkspaceFile::Launch)
}

/// `tracing.js`, `instrumentation.ts`, `otel.mjs`, `telemetry/index.js`.
fn names_setup(path: &Path) -> bool {
    let text = path.to_string_lossy().to_ascii_lowercase();
    [
        "tracing",
        "tracer",
        "instrument",
        "otel",
        "telemetry",
        "opentelemetry",
    ]
    .iter()
    .any(|word| text.contains(word))
}

/// The YAML files of the workspace, in a stable order, for the Kubernetes manifests among them.
pub fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = WalkDir::new(dir)
        .follow_links(false)
        .max_depth(MAX_DEPTH)
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_skipped_dir(entry))
        .take(MAX_ENTRIES)
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(DirEntry::into_path)
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
        })
        .collect();
    files.sort();
    files
}

/// The folders under `dir` (itself first), in a stable order, with the bounds of
/// [`yaml_files`].
pub fn folders(dir: &Path) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = WalkDir::new(dir)
        .follow_links(false)
        .max_depth(MAX_DEPTH)
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_skipped_dir(entry))
        .take(MAX_ENTRIES)
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_dir())
        .map(DirEntry::into_path)
        .collect();
    folders.sort();
    folders
}

fn is_skipped_dir(entry: &DirEntry) -> bool {
    entry.file_type().is_dir()
        && (SKIPPED_DIRS.contains(&entry.file_name().to_string_lossy().as_ref())
            // Any virtualenv, whatever its name.
            || entry.path().join("pyvenv.cfg").is_file())
}

fn classify(path: &Path) -> Option<ContextFileKind> {
    let name = path.file_name()?.to_str()?;
    let in_requirements_dir = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|dir| dir == "requirements");
    if let Some(ecosystem) = Ecosystem::of_file(name) {
        return Some(ContextFileKind::Dependencies(ecosystem));
    }
    if let Some(dialect) = Dialect::of_file(name) {
        return (!is_test_source(path)).then_some(ContextFileKind::Clike(dialect));
    }
    if let Some(kind) = LaunchKind::of_file(name)
        .filter(|k| !matches!(k, LaunchKind::Script | LaunchKind::PackageJson))
    {
        return Some(ContextFileKind::Launch(kind));
    }
    if workspace_file_kind(path) == Some(WorkspaceFile::Devcontainer) {
        return Some(ContextFileKind::Devcontainer);
    }
    let kind = match name {
        "pyproject.toml" => ContextFileKind::Pyproject,
        "Pipfile" => ContextFileKind::Pipfile,
        "package.json" => ContextFileKind::PackageJson,
        "package-lock.json" | "npm-shrinkwrap.json" => ContextFileKind::Lockfile(LockKind::Npm),
        "yarn.lock" => ContextFileKind::Lockfile(LockKind::Yarn),
        "pnpm-lock.yaml" => ContextFileKind::Lockfile(LockKind::Pnpm),
        "Cargo.toml" => ContextFileKind::LanguageMarker(Language::Rust),
        "CMakeLists.txt" => ContextFileKind::LanguageMarker(Language::Cpp),
        "mix.exs" => ContextFileKind::LanguageMarker(Language::Elixir),
        _ if is_script_source(name) => ContextFileKind::JavaScript,
        _ if name.ends_with(".rb") || name.ends_with(".ru") => ContextFileKind::Ruby,
        _ if name.ends_with(".go") && !name.ends_with("_test.go") => ContextFileKind::Go,
        _ if name.ends_with(".properties") => ContextFileKind::Properties,
        _ if name.starts_with("application")
            && (name.ends_with(".yml") || name.ends_with(".yaml")) =>
        {
            ContextFileKind::Settings(KeyStyle::Dotted)
        }
        _ if name.starts_with("appsettings") && name.ends_with(".json") => {
            ContextFileKind::Settings(KeyStyle::Colon)
        }
        _ if name.ends_with(".py") => ContextFileKind::Python,
        _ if name.ends_with(".sh") => ContextFileKind::Script,
        _ if name.ends_with(".txt") && (name.contains("requirements") || in_requirements_dir) => {
            ContextFileKind::Requirements
        }
        _ => return None,
    };
    Some(kind)
}

/// Java, Kotlin and C# tests (Maven's and Gradle's `src/test`, `FooTest.java`,
/// `FooTests.cs`): they build exporters of their own, which the service never runs.
fn is_test_source(path: &Path) -> bool {
    let text = path.to_string_lossy();
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    Dialect::of_file(&text).is_some()
        && (text.contains("/src/test/") || stem.ends_with("Test") || stem.ends_with("Tests"))
}

/// JavaScript and TypeScript the service runs: not type declarations, minified bundles or
/// tests.
fn is_script_source(name: &str) -> bool {
    const EXTENSIONS: [&str; 8] = [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx"];
    EXTENSIONS.iter().any(|e| name.ends_with(e))
        && !name.ends_with(".d.ts")
        && !name.ends_with(".min.js")
        && ![".test.", ".spec."].iter().any(|part| name.contains(part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_the_files_that_matter() {
        let kind = |p: &str| classify(Path::new(p));
        assert_eq!(kind("a/app.py"), Some(ContextFileKind::Python));
        assert_eq!(
            kind("requirements.txt"),
            Some(ContextFileKind::Requirements)
        );
        assert_eq!(
            kind("requirements-dev.txt"),
            Some(ContextFileKind::Requirements)
        );
        assert_eq!(
            kind("requirements/base.txt"),
            Some(ContextFileKind::Requirements)
        );
        assert_eq!(kind("notes.txt"), None);
        assert_eq!(kind("package.json"), Some(ContextFileKind::PackageJson));
        assert_eq!(kind("src/tracing.ts"), Some(ContextFileKind::JavaScript));
        assert_eq!(kind("src/app.test.ts"), None);
        assert_eq!(kind("types/x.d.ts"), None);
        assert_eq!(
            kind("yarn.lock"),
            Some(ContextFileKind::Lockfile(LockKind::Yarn))
        );
        assert_eq!(
            kind("Api.csproj"),
            Some(ContextFileKind::Dependencies(Ecosystem::NuGet))
        );
        assert_eq!(kind("README.md"), None);
        assert_eq!(kind("Pipfile"), Some(ContextFileKind::Pipfile));
        assert_eq!(kind("bin/run.sh"), Some(ContextFileKind::Script));
        assert_eq!(
            kind("src/main/resources/application.properties"),
            Some(ContextFileKind::Properties)
        );
        assert_eq!(
            kind("src/main/java/app/Tracing.java"),
            Some(ContextFileKind::Clike(Dialect::Java))
        );
        assert_eq!(kind("app/src/test/java/app/TracingTest.java"), None);
        assert_eq!(
            kind("src/main/resources/application-prod.yml"),
            Some(ContextFileKind::Settings(KeyStyle::Dotted))
        );
        assert_eq!(
            kind("appsettings.Development.json"),
            Some(ContextFileKind::Settings(KeyStyle::Colon))
        );
        assert_eq!(
            kind("Program.cs"),
            Some(ContextFileKind::Clike(Dialect::CSharp))
        );
        assert_eq!(kind("cmd/api/main.go"), Some(ContextFileKind::Go));
        assert_eq!(kind("main_test.go"), None);
    }
}

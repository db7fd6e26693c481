//! Finding and reading the workspace: compose files (with overrides), `.env`, `env_file`s, each
//! service's Dockerfile, and the manifests and source code of each build context. Every file is
//! read once, parsed by the parser for its kind, and every problem becomes a `FileProblem` with
//! a position; nothing here decides what is wrong with the OpenTelemetry setup.

pub mod compose;
pub mod dockerfile;
pub mod dotenv;
pub mod interpolate;
pub mod lines;
pub mod manifest;
pub mod python;
mod walk;
pub mod yaml;

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::source::{self, Location, ReadError};
use compose::{ComposeService, InterpolationFailure};

/// What to read, as the command line says it.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub path: PathBuf,
    /// `-f`: compose files in merge order; empty means compose's default names.
    pub compose_files: Vec<PathBuf>,
    /// `--env-file`: replaces the project `.env`.
    pub env_files: Vec<PathBuf>,
    /// The shell environment compose would interpolate with.
    pub shell: HashMap<String, String>,
}

/// The tool cannot run at all (exit code 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Compose,
    EnvFile,
    Dockerfile,
    Manifest,
    Source,
}

/// A file that could not be read or parsed. The run goes on with the other files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    pub kind: FileKind,
    pub location: Location,
    pub message: String,
}

/// Where an interpolation variable's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarSource {
    Shell,
    DotEnv(Location),
}

/// The variables compose interpolates with: the shell environment over the project `.env`.
#[derive(Debug, Clone, Default)]
pub struct Variables {
    shell: HashMap<String, String>,
    dotenv: HashMap<String, (String, Location)>,
    /// The env files that were read as the project `.env` (display paths).
    pub dotenv_files: Vec<Arc<str>>,
}

impl Variables {
    pub fn lookup(&self, name: &str) -> Option<String> {
        self.shell
            .get(name)
            .or_else(|| self.dotenv.get(name).map(|(value, _)| value))
            .cloned()
    }

    pub fn source(&self, name: &str) -> Option<VarSource> {
        if self.shell.contains_key(name) {
            return Some(VarSource::Shell);
        }
        self.dotenv
            .get(name)
            .map(|(_, location)| VarSource::DotEnv(location.clone()))
    }
}

/// An `env_file` as compose would load it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvFileState {
    Loaded(Vec<dotenv::EnvLine>),
    Missing,
    /// Unreadable or malformed: already reported as a `FileProblem`.
    Broken,
}

/// A parsed file of a build context, with its workspace-relative path.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    pub path: Arc<str>,
    pub content: T,
}

/// What a service runs on: told by its command, its base image, its build's marker files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Language {
    Python,
    Node,
    Go,
    Java,
    Ruby,
    DotNet,
    Rust,
    Php,
    Cpp,
    /// A reverse proxy or web server (nginx, Envoy): traces only if configured to.
    Proxy,
}

impl Language {
    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::Node => "node",
            Language::Go => "go",
            Language::Java => "java",
            Language::Ruby => "ruby",
            Language::DotNet => "dotnet",
            Language::Rust => "rust",
            Language::Php => "php",
            Language::Cpp => "cpp",
            Language::Proxy => "proxy",
        }
    }
}

/// What a build context holds that matters for tracing.
#[derive(Debug, Clone, Default)]
pub struct BuildContext {
    pub python: Vec<Parsed<python::PythonSource>>,
    pub requirements: Vec<Parsed<manifest::RequirementsFile>>,
    pub pyprojects: Vec<Parsed<manifest::Pyproject>>,
    pub pipfiles: Vec<Parsed<manifest::Pipfile>>,
    /// Shell scripts, as text: a container may start through one.
    pub scripts: Vec<Parsed<String>>,
    /// Marker files of languages (`package.json`, `go.mod`, ...), Python's included.
    pub languages: Vec<(Language, Arc<str>)>,
}

#[derive(Debug, Clone, Default)]
pub struct Workspace {
    /// The folder findings are relative to (the PATH argument).
    pub root: PathBuf,
    /// compose's project directory, the first compose file's folder: relative paths in compose
    /// files (`build`, `env_file`) and the project `.env` are resolved from it.
    pub project_dir: PathBuf,
    pub compose_files: Vec<Arc<str>>,
    pub services: Vec<ComposeService>,
    pub interpolation_failures: Vec<InterpolationFailure>,
    pub variables: Variables,
    pub env_files: HashMap<Arc<str>, EnvFileState>,
    pub dockerfiles: HashMap<Arc<str>, dockerfile::Dockerfile>,
    /// The text of compose files and Dockerfiles, to point findings inside a value.
    sources: HashMap<Arc<str>, String>,
    /// The ignore pragmas and line digests of every file read.
    pub lines: HashMap<Arc<str>, lines::LineIndex>,
    pub contexts: HashMap<Arc<str>, BuildContext>,
    pub problems: Vec<FileProblem>,
    /// Every file read, in the order read (for the report's workspace line).
    pub files: Vec<Arc<str>>,
    /// A compose file `include:`s others, whose services are not read.
    pub includes_files: bool,
}

impl Workspace {
    pub fn source(&self, file: &str) -> Option<&str> {
        self.sources.get(file).map(String::as_str)
    }

    /// A path written in a compose file, on disk.
    pub fn project_path(&self, relative: &str) -> PathBuf {
        self.project_dir.join(relative)
    }

    /// A path written in a compose file, as findings show it (and as files are keyed here).
    pub fn project_display(&self, relative: &str) -> Arc<str> {
        display_path(&self.root, &self.project_path(relative))
    }
}

/// compose's default file names, in its order of preference.
const COMPOSE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];
const OVERRIDE_NAMES: [&str; 4] = [
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
];

/// Reads the workspace. Fails only when there is nothing to read at all (a missing path).
pub fn load(options: &Options) -> Result<Workspace, LoadError> {
    let (root, compose_paths) = locate(options)?;
    let project_dir = compose_paths
        .first()
        .and_then(|file| file.parent())
        .filter(|dir| !dir.as_os_str().is_empty())
        .map_or_else(|| root.clone(), Path::to_path_buf);
    let mut loader = Loader {
        workspace: Workspace {
            root,
            project_dir: project_dir.clone(),
            ..Workspace::default()
        },
    };
    loader.read_variables(options, &project_dir);
    let documents: Vec<_> = compose_paths
        .iter()
        .filter_map(|path| loader.read_compose(path))
        .collect();
    for document in &documents {
        loader
            .workspace
            .interpolation_failures
            .extend(document.interpolation_failures.iter().cloned());
        loader.workspace.includes_files |= document.includes_files;
    }
    loader.workspace.services = compose::merge(documents);
    loader.apply_extends();
    if compose_paths.is_empty() {
        loader.synthesize_service();
    }
    let services = loader.workspace.services.clone();
    for service in &services {
        loader.read_service_files(service);
    }
    Ok(loader.workspace)
}

/// The workspace root and the compose files to read, in order.
fn locate(options: &Options) -> Result<(PathBuf, Vec<PathBuf>), LoadError> {
    let path = &options.path;
    let metadata = std::fs::metadata(path).map_err(|error| {
        let reason = match error.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => error.to_string(),
        };
        LoadError(format!("cannot read {}: {reason}", path.display()))
    })?;
    // `otel-doctor lint docker-compose.yml` means that file, in its directory.
    let (root, named) = if metadata.is_file() {
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
        (
            parent.unwrap_or(Path::new(".")).to_path_buf(),
            vec![path.clone()],
        )
    } else {
        (path.clone(), Vec::new())
    };
    let mut files: Vec<PathBuf> = options
        .compose_files
        .iter()
        .map(|file| {
            if file.is_absolute() || file.exists() {
                file.clone()
            } else {
                root.join(file)
            }
        })
        .chain(named)
        .collect();
    if files.is_empty() {
        let first = |names: &[&str]| names.iter().map(|n| root.join(n)).find(|p| p.is_file());
        files.extend(first(&COMPOSE_NAMES));
        if !files.is_empty() {
            files.extend(first(&OVERRIDE_NAMES));
        }
    }
    Ok((root, files))
}

struct Loader {
    workspace: Workspace,
}

impl Loader {
    fn display(&self, path: &Path) -> Arc<str> {
        display_path(&self.workspace.root, path)
    }

    /// Reads a file, recording it, or records why it could not be read.
    fn read(&mut self, path: &Path, kind: FileKind) -> Option<(Arc<str>, String)> {
        let display = self.display(path);
        match source::read_text(path) {
            Ok(text) => {
                self.workspace.files.push(Arc::clone(&display));
                let index = lines::LineIndex::scan(&display, &text);
                self.workspace.lines.insert(Arc::clone(&display), index);
                Some((display, text))
            }
            Err(error) => {
                self.report_unreadable(&display, kind, &error);
                None
            }
        }
    }

    fn report_unreadable(&mut self, display: &Arc<str>, kind: FileKind, error: &ReadError) {
        self.problem(
            kind,
            Location::new(display, error.line(), 1),
            error.to_string(),
        );
    }

    fn problem(&mut self, kind: FileKind, location: Location, message: String) {
        self.workspace.problems.push(FileProblem {
            kind,
            location,
            message,
        });
    }

    fn read_variables(&mut self, options: &Options, project_dir: &Path) {
        self.workspace.variables.shell = options.shell.clone();
        let files: Vec<PathBuf> = if options.env_files.is_empty() {
            vec![project_dir.join(".env")]
        } else {
            options.env_files.clone()
        };
        let explicit = !options.env_files.is_empty();
        for path in files {
            // The project `.env` is optional; a file named with `--env-file` is not.
            if !explicit && !path.exists() {
                continue;
            }
            let Some(lines) = self.read_env_file(&path) else {
                continue;
            };
            let display = self.display(&path);
            for line in lines {
                if let Some(value) = line.value {
                    let location = Location::new(&display, line.line, line.column);
                    self.workspace
                        .variables
                        .dotenv
                        .insert(line.name, (value, location));
                }
            }
            self.workspace.variables.dotenv_files.push(display);
        }
    }

    fn read_env_file(&mut self, path: &Path) -> Option<Vec<dotenv::EnvLine>> {
        let (display, text) = self.read(path, FileKind::EnvFile)?;
        let variables = &self.workspace.variables;
        match dotenv::parse(&text, &|name| variables.lookup(name)) {
            Ok(lines) => Some(lines),
            Err(error) => {
                let location = Location::new(&display, error.line, error.column);
                self.problem(FileKind::EnvFile, location, error.message);
                None
            }
        }
    }

    fn read_toml_manifest<T>(
        &mut self,
        path: &Path,
        parse: fn(&str) -> Result<T, manifest::ManifestError>,
    ) -> Option<Parsed<T>> {
        let (path, text) = self.read(path, FileKind::Manifest)?;
        match parse(&text) {
            Ok(content) => Some(Parsed { path, content }),
            Err(error) => {
                let location = Location::new(&path, error.line, error.column);
                self.problem(FileKind::Manifest, location, error.message);
                None
            }
        }
    }

    fn read_compose(&mut self, path: &Path) -> Option<compose::ComposeDocument> {
        let (display, text) = self.read(path, FileKind::Compose)?;
        self.workspace.compose_files.push(Arc::clone(&display));
        let variables = &self.workspace.variables;
        let document = compose::read(&display, &text, &|name| variables.lookup(name));
        for problem in &document.problems {
            self.problem(
                FileKind::Compose,
                problem.location.clone(),
                problem.message.clone(),
            );
        }
        self.workspace.sources.insert(display, text);
        Some(document)
    }

    /// Resolves `extends:` chains, from this project or from another compose file.
    fn apply_extends(&mut self) {
        const MAX_CHAIN: usize = 8;
        for index in 0..self.workspace.services.len() {
            for _ in 0..MAX_CHAIN {
                let Some(extends) = self.workspace.services[index].extends.take() else {
                    break;
                };
                let base = match &extends.file {
                    None => self
                        .workspace
                        .services
                        .iter()
                        .find(|s| s.name == extends.service)
                        .cloned(),
                    Some(file) => self.service_in_file(&file.value, &extends.service),
                };
                match base {
                    Some(base) => {
                        compose::inherit(&mut self.workspace.services[index], &base);
                        self.workspace.services[index].extends = base.extends.clone();
                    }
                    None => {
                        let message = format!(
                            "`extends` names service `{}`, which does not exist",
                            extends.service
                        );
                        self.problem(FileKind::Compose, extends.location.clone(), message);
                        break;
                    }
                }
            }
        }
    }

    fn service_in_file(&mut self, file: &str, name: &str) -> Option<ComposeService> {
        let path = self.workspace.project_path(file);
        let (display, text) = self.read(&path, FileKind::Compose)?;
        let variables = &self.workspace.variables;
        let document = compose::read(&display, &text, &|name| variables.lookup(name));
        self.workspace.sources.insert(display, text);
        document.services.into_iter().find(|s| s.name == name)
    }

    /// Without a compose file, a Dockerfile at the root is one service named after the folder.
    fn synthesize_service(&mut self) {
        let root = self.workspace.root.clone();
        if !root.join("Dockerfile").is_file() {
            return;
        }
        let name = std::fs::canonicalize(&root)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "app".into());
        let location = Location::file_start(&self.display(&root.join("Dockerfile")));
        let text = |value: &str| compose::Text {
            value: value.into(),
            raw: value.into(),
            location: location.clone(),
            uses: Vec::new(),
            interpolated: true,
        };
        self.workspace.services.push(ComposeService {
            name,
            location: location.clone(),
            image: None,
            build: Some(compose::Build {
                context: text("."),
                dockerfile: None,
                target: None,
            }),
            environment: Vec::new(),
            env_files: Vec::new(),
            command: None,
            entrypoint: None,
            network_mode: None,
            extends: None,
        });
    }

    fn read_service_files(&mut self, service: &ComposeService) {
        for env_file in &service.env_files {
            let path = self.workspace.project_path(&env_file.path.value);
            let display = self.display(&path);
            if self.workspace.env_files.contains_key(&display) {
                continue;
            }
            let state = if !path.exists() {
                EnvFileState::Missing
            } else {
                self.read_env_file(&path)
                    .map_or(EnvFileState::Broken, EnvFileState::Loaded)
            };
            self.workspace.env_files.insert(display, state);
        }
        if let Some(build) = &service.build {
            let context = self.workspace.project_path(&build.context.value);
            let dockerfile = build
                .dockerfile
                .as_ref()
                .map_or_else(|| context.join("Dockerfile"), |d| context.join(&d.value));
            self.read_dockerfile(&dockerfile, &build.context.location);
            self.read_context(&context);
        }
    }

    fn read_dockerfile(&mut self, path: &Path, referenced_at: &Location) {
        let display = self.display(path);
        if self.workspace.dockerfiles.contains_key(&display)
            || self
                .workspace
                .problems
                .iter()
                .any(|p| p.location.file == display)
        {
            return;
        }
        if !path.exists() {
            let message =
                format!("Dockerfile {display} not found: docker compose cannot build this service");
            self.problem(FileKind::Dockerfile, referenced_at.clone(), message);
            return;
        }
        let Some((display, text)) = self.read(path, FileKind::Dockerfile) else {
            return;
        };
        match dockerfile::parse(&text) {
            Ok(dockerfile) => {
                self.workspace
                    .dockerfiles
                    .insert(Arc::clone(&display), dockerfile);
                self.workspace.sources.insert(display, text);
            }
            Err(error) => {
                let location = Location::new(&display, error.line, 1);
                self.problem(FileKind::Dockerfile, location, error.message);
            }
        }
    }

    fn read_context(&mut self, dir: &Path) {
        let display = self.display(dir);
        if self.workspace.contexts.contains_key(&display) {
            return;
        }
        let mut context = BuildContext::default();
        for file in walk::context_files(dir) {
            self.read_context_file(&file, &mut context);
        }
        self.workspace.contexts.insert(display, context);
    }

    fn read_context_file(&mut self, file: &walk::ContextFile, context: &mut BuildContext) {
        use walk::ContextFileKind as Kind;
        let display = self.display(&file.path);
        match file.kind {
            Kind::LanguageMarker(language) => context.languages.push((language, display)),
            Kind::Python => {
                if let Some((path, text)) = self.read(&file.path, FileKind::Source) {
                    let content = python::parse(&text);
                    context.python.push(Parsed { path, content });
                }
            }
            Kind::Requirements => {
                if let Some((path, text)) = self.read(&file.path, FileKind::Manifest) {
                    let content = manifest::parse_requirements(&text);
                    context.requirements.push(Parsed { path, content });
                }
            }
            Kind::Pyproject => {
                context
                    .languages
                    .push((Language::Python, Arc::clone(&display)));
                if let Some(parsed) = self.read_toml_manifest(&file.path, manifest::parse_pyproject)
                {
                    context.pyprojects.push(parsed);
                }
            }
            Kind::Pipfile => {
                context
                    .languages
                    .push((Language::Python, Arc::clone(&display)));
                if let Some(parsed) = self.read_toml_manifest(&file.path, manifest::parse_pipfile) {
                    context.pipfiles.push(parsed);
                }
            }
            Kind::Script => {
                if let Some((path, content)) = self.read(&file.path, FileKind::Source) {
                    context.scripts.push(Parsed { path, content });
                }
            }
        }
    }
}

/// A path as findings show it: relative to the workspace root, with `/`, `.` and `..` folded.
pub fn display_path(root: &Path, path: &Path) -> Arc<str> {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let mut parts: Vec<String> = Vec::new();
    for component in relative.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if parts.last().is_some_and(|p| p != "..") => {
                parts.pop();
            }
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    if parts.is_empty() {
        return Arc::from(".");
    }
    Arc::from(parts.join("/").replace("//", "/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths_are_relative_and_folded() {
        let root = Path::new("ws");
        assert_eq!(
            &*display_path(root, Path::new("ws/./backend/../backend/Dockerfile")),
            "backend/Dockerfile"
        );
        assert_eq!(&*display_path(root, Path::new("ws/.")), ".");
        assert_eq!(
            &*display_path(root, Path::new("ws/../lib/x.py")),
            "../lib/x.py"
        );
    }
}

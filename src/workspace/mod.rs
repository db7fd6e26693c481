//! Finding and reading the workspace: compose files (with overrides), `.env`, `env_file`s, each
//! service's Dockerfile, and the manifests and source code of each build context. Every file is
//! read once, parsed by the parser for its kind, and every problem becomes a `FileProblem` with
//! a position; nothing here decides what is wrong with the OpenTelemetry setup.

pub mod boundary;
pub mod clike;
pub mod collector;
pub mod compose;
pub mod dependencies;
pub mod devcontainer;
pub mod docker_run;
pub mod dockerfile;
pub mod dotenv;
mod generated;
pub mod go;
pub mod host;
pub mod interpolate;
pub mod javascript;
pub mod kubernetes;
pub mod launch;
mod lexer;
pub mod lines;
pub mod manifest;
pub mod nesting;
pub mod npm;
pub mod ottl;
pub mod properties;
pub mod python;
pub mod ruby;
pub mod scalar;
pub mod settings;
mod walk;
pub mod workload;

pub use crate::knowledge::Language;
pub mod yaml;

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::parallel::ParallelMap;
use crate::source::{self, Location, ReadError, SourceText};
use boundary::Boundary;
use compose::InterpolationFailure;
use workload::{Launcher, WorkloadSpec};

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
    /// `--service`: these start even when none of their profiles is enabled, as
    /// `docker compose up NAME` starts them.
    pub services: Vec<String>,
    /// Only the compose project (a variant compose file): scripts, devcontainers and
    /// processes on this machine belong to the main project.
    pub compose_only: bool,
    /// A devcontainer runs in this compose project, in the service it names.
    pub devcontainer: Option<devcontainer::ComposeApp>,
    /// Where files may be read: by default the workspace root of `path` and of the files named
    /// here (`-f`, `--env-file`).
    pub boundary: Option<Arc<Boundary>>,
    /// `--namespace`: the namespace of Kubernetes objects that name none (else `default`).
    pub namespace: Option<String>,
    /// `lint -`: manifests read from standard input, linted as the file `<stdin>`; no file
    /// of `path` is read.
    pub stdin: Option<String>,
}

impl Options {
    /// The boundary of the run: the one given, else the roots of `path` and of the compose
    /// files, and the env files, the user named.
    pub fn boundary(&self) -> Arc<Boundary> {
        if let Some(boundary) = &self.boundary {
            return Arc::clone(boundary);
        }
        let mut boundary = Boundary::of(&self.path);
        for file in &self.compose_files {
            boundary.add_root_of(file);
        }
        for file in &self.env_files {
            boundary.add_file(file);
        }
        Arc::new(boundary)
    }
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
    /// A settings file an SDK or its framework reads (`application.yml`, `appsettings.json`,
    /// a declarative configuration file).
    Settings,
    /// A Kubernetes manifest.
    Kubernetes,
    Devcontainer,
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

    /// The variables of a launcher file's commands: what the file sets (each at its line),
    /// then what the files it loads set (`source .env`), over the shell's.
    fn of_launch(
        shell: &HashMap<String, String>,
        assigned: &[launch::Assigned],
        loaded: HashMap<String, (String, Location)>,
    ) -> Variables {
        let mut dotenv: HashMap<String, (String, Location)> = loaded;
        for assigned in assigned {
            if let Some(value) = &assigned.value {
                dotenv.insert(
                    assigned.name.clone(),
                    (value.clone(), assigned.location.clone()),
                );
            }
        }
        let shell = shell
            .iter()
            .filter(|(name, _)| !dotenv.contains_key(*name))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        Variables {
            shell,
            dotenv,
            dotenv_files: Vec::new(),
        }
    }

    /// Adds an env file's variables under the ones already known: compose merges each later
    /// `.env` without overriding (compose-go `Mapping.Merge`).
    fn add_under(&mut self, variables: HashMap<String, (String, Location)>, files: Vec<Arc<str>>) {
        for (name, value) in variables {
            if !self.shell.contains_key(&name) {
                self.dotenv.entry(name).or_insert(value);
            }
        }
        self.dotenv_files.extend(files);
    }
}

/// An `env_file` as compose would load it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvFileState {
    Loaded(Vec<dotenv::EnvLine>),
    /// With how the project generates it, when it says (workspace paths).
    Missing(Option<MissingGenerator>),
    /// Unreadable or malformed: already reported as a `FileProblem`.
    Broken,
    /// Outside the workspace: not read, reported as an `OutsideReference`.
    Outside,
}

/// A reference to a file outside the workspace, which is not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutsideReference {
    /// What refers to it: `env_file`, `include`, a symlink.
    pub what: &'static str,
    /// Where it is written (for a symlink, the link itself).
    pub location: Location,
    /// The path as findings show it.
    pub path: Arc<str>,
    /// Where it leads.
    pub real: PathBuf,
}

/// How the project generates a file that is missing: a template, a script (workspace paths).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingGenerator {
    pub template: Option<Arc<str>>,
    pub script: Option<Arc<str>>,
}

/// A parsed file of a build context, with its workspace-relative path.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    pub path: Arc<str>,
    pub content: T,
}

/// What a build context holds that matters for tracing.
#[derive(Debug, Clone, Default)]
pub struct BuildContext {
    pub python: Vec<Parsed<python::PythonSource>>,
    pub requirements: Vec<Parsed<manifest::RequirementsFile>>,
    pub pyprojects: Vec<Parsed<manifest::Pyproject>>,
    pub pipfiles: Vec<Parsed<manifest::Pipfile>>,
    pub javascript: Vec<Parsed<javascript::JsSource>>,
    pub package_jsons: Vec<Parsed<npm::PackageJson>>,
    pub lockfiles: Vec<Parsed<npm::Lockfile>>,
    /// Folders (workspace paths) with a `node_modules` of their own: a `COPY` of the folder
    /// brings those packages along unless `.dockerignore` leaves them out.
    pub node_modules: Vec<Arc<str>>,
    /// The context's `.dockerignore` patterns, as written.
    pub dockerignore: Vec<String>,
    /// `go.mod`, `Gemfile`, `pom.xml`, `build.gradle`, `*.csproj`, `composer.json`.
    pub dependency_lists: Vec<Parsed<dependencies::DependencyList>>,
    pub ruby: Vec<Parsed<ruby::RubySource>>,
    pub go: Vec<Parsed<go::GoSource>>,
    /// Java, Kotlin and C# source.
    pub clike: Vec<Parsed<clike::ClikeSource>>,
    /// Application settings files: Spring Boot's `application*.yml`, .NET's
    /// `appsettings*.json`.
    pub settings: Vec<Parsed<settings::SettingsFile>>,
    /// Java `.properties` files: the agent's configuration file, Spring's settings.
    pub properties: Vec<Parsed<properties::PropertiesFile>>,
    /// Shell scripts, as text: a container may start through one.
    pub scripts: Vec<Parsed<String>>,
    /// Makefiles, Justfiles, Taskfiles and Procfiles, as text, not yet recorded as read:
    /// they count when they start something.
    pub launch_files: Vec<(launch::LaunchKind, Parsed<String>)>,
    /// devcontainer.json files, as text, not yet recorded as read.
    pub devcontainers: Vec<Parsed<String>>,
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
    pub services: Vec<WorkloadSpec>,
    pub interpolation_failures: Vec<InterpolationFailure>,
    pub variables: Variables,
    pub env_files: HashMap<Arc<str>, EnvFileState>,
    pub dockerfiles: HashMap<Arc<str>, dockerfile::Dockerfile>,
    /// The text of compose files and Dockerfiles, to point findings inside a value.
    sources: HashMap<Arc<str>, SourceText>,
    /// The ignore pragmas and line digests of every file read.
    pub lines: HashMap<Arc<str>, lines::LineIndex>,
    pub contexts: HashMap<Arc<str>, BuildContext>,
    pub problems: Vec<FileProblem>,
    /// Every file read, in the order read (for the report's workspace line).
    pub files: Vec<Arc<str>>,
    /// Services compose does not start: none of their `profiles` is enabled.
    pub inactive_services: Vec<WorkloadSpec>,
    /// The profiles `COMPOSE_PROFILES` enables.
    pub profiles: Vec<String>,
    /// An `include:` could not be read: the project may have services that were not read.
    pub includes_unread: bool,
    /// The variables of `include:`d compose files (each interpolates with its own env files),
    /// by file; the others use `variables`.
    included_variables: HashMap<Arc<str>, Arc<Variables>>,
    /// Other compose files beside the project's, meant for `docker compose -f`.
    pub variants: Vec<VariantFile>,
    /// How the files were chosen when it was not compose's default, for the report.
    pub notes: Vec<String>,
    /// What collector services mount or copy into their image: candidate config files and
    /// directories, by display path.
    pub collector_files: HashMap<Arc<str>, collector::CollectorFile>,
    /// What services pointed at a declarative configuration file (`OTEL_CONFIG_FILE`) mount
    /// or copy into their image: candidate YAML files and directories, by display path.
    pub sdk_config_files: HashMap<Arc<str>, collector::CollectorFile>,
    /// The Kubernetes objects of the workspace's manifests (their containers are in
    /// `services`).
    pub kubernetes: kubernetes::Manifests,
    /// The manifests read.
    pub manifest_files: Vec<Arc<str>>,
    /// The Docker names of the compose project's networks (`myapp_default`): a container that
    /// `docker run --network` attaches to one of them is on the compose network.
    pub compose_networks: Vec<String>,
    /// Where files may be read (and `fix` may write).
    pub boundary: Arc<Boundary>,
    /// References that lead outside the boundary, not read.
    pub outside: Vec<OutsideReference>,
}

/// A compose file beside the project's own, such as `docker-compose.prod.yml`, checked as the
/// project `docker compose -f` would make of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantFile {
    pub display: Arc<str>,
    /// What `docker compose -f` takes: the file alone, or the main file and then this one.
    pub files: Vec<PathBuf>,
    pub kind: VariantKind,
    /// A devcontainer's compose project: the app that runs in one of its services.
    pub devcontainer: Option<devcontainer::ComposeApp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariantKind {
    /// A whole project of its own (`docker-compose.prod.yml`): every service has an image or
    /// a build, and it names no service it does not define.
    Standalone,
    /// Meant to go on top of the main file (`-f docker-compose.yml -f docker-compose.python.yml`):
    /// it adds services to it, or changes or needs some of its services.
    Fragment,
}

impl Workspace {
    pub fn source(&self, file: &str) -> Option<&SourceText> {
        self.sources.get(file)
    }

    /// A path written in a compose file, on disk.
    pub fn project_path(&self, relative: &str) -> PathBuf {
        self.project_dir.join(relative)
    }

    /// A path written in a compose file, as findings show it (and as files are keyed here).
    pub fn project_display(&self, relative: &str) -> Arc<str> {
        display_path(&self.root, &self.project_path(relative))
    }

    /// The variables a value of this compose file was interpolated with.
    pub fn variables_for(&self, file: &str) -> &Variables {
        self.included_variables
            .get(file)
            .map_or(&self.variables, |variables| variables)
    }
}

/// compose's default file names, in its order of preference (compose-go `DefaultFileNames`).
const COMPOSE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];
const OVERRIDE_NAMES: [&str; 4] = [
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];

/// The name findings give the manifests read from standard input.
pub const STDIN_NAME: &str = "<stdin>";

/// Reads the workspace. Fails only when there is nothing to read at all (a missing path).
pub fn load(options: &Options) -> Result<Workspace, LoadError> {
    if let Some(text) = &options.stdin {
        let mut loader = Loader::new(
            options.path.clone(),
            options.shell.clone(),
            options.boundary(),
        );
        loader.namespace = namespace_of(options);
        loader.read_manifest_text(Arc::from(STDIN_NAME), text.clone());
        loader.after_manifests(Vec::new());
        return Ok(loader.finish());
    }
    let (root, mut named, dockerfile) = locate(options)?;
    let mut loader = Loader::new(root.clone(), options.shell.clone(), options.boundary());
    loader.namespace = namespace_of(options);
    // `otel-doctor lint deploy.yaml`: a file of Kubernetes manifests, not a compose file.
    let manifest = named
        .first()
        .filter(|_| options.compose_files.is_empty() && options.path.is_file())
        .filter(|path| {
            source::read_text(path).is_ok_and(|text| kubernetes::looks_like_manifest(&text))
        })
        .cloned();
    if manifest.is_some() {
        named.clear();
    }
    // Without `-f`, compose reads the working directory's `.env` before it knows the compose
    // files, so that `.env` can name them (`COMPOSE_FILE`); then the project directory's
    // (docker/compose `toProjectOptions`).
    let compose_paths = if dockerfile.is_some() || manifest.is_some() {
        // `otel-doctor lint api/Dockerfile`: that Dockerfile, whatever compose files are near.
        Vec::new()
    } else if named.is_empty() {
        loader.read_dotenv(options, &root);
        match loader.compose_file_variable()? {
            Some(files) => files,
            None => default_files(&root),
        }
    } else {
        named.clone()
    };
    let project_dir = compose_paths
        .first()
        .and_then(|file| file.parent())
        .filter(|dir| !dir.as_os_str().is_empty())
        .map_or_else(|| root.clone(), Path::to_path_buf);
    loader.workspace.project_dir = project_dir.clone();
    loader.read_dotenv(options, &project_dir);
    let mut chain = Vec::new();
    let documents: Vec<_> = compose_paths
        .iter()
        .filter_map(|path| {
            let at = Location::file_start(&loader.display(path));
            loader.read_compose_tree(path, &at, &project_dir, None, &mut chain)
        })
        .collect();
    if !documents.is_empty() && documents.iter().all(|d| d.empty) {
        // compose accepts a comment-only file on top of others, not as the whole project.
        let first = loader.display(&compose_paths[0]);
        loader.problem(
            FileKind::Compose,
            Location::new(&first, 1, 1),
            "empty compose file".into(),
        );
    }
    loader.workspace.compose_networks = compose_networks(&documents, &loader.workspace);
    loader.workspace.services = compose::merge(documents);
    loader.apply_extends();
    loader.apply_profiles(&options.services);
    if let Some(app) = &options.devcontainer {
        loader.join_devcontainer(app, &options.shell);
    }
    if named.is_empty() && dockerfile.is_none() {
        loader.find_variants(&compose_paths);
    }
    match &manifest {
        Some(file) => loader.read_manifests(std::slice::from_ref(file)),
        None if dockerfile.is_none() && options.path.is_dir() && !options.compose_only => {
            loader.read_folder_manifests(&root);
        }
        None => {}
    }
    if let Some(file) = &dockerfile {
        // `otel-doctor lint api/Dockerfile`: that image alone, run by hand.
        loader.image_workloads(&[root.join(file)], &mut HashSet::new());
    }
    loader.read_service_files(0);
    if !options.compose_only && dockerfile.is_none() && manifest.is_none() {
        let first = loader.workspace.services.len();
        loader.read_launchers(&options.shell);
        loader.read_service_files(first);
    }
    Ok(loader.finish())
}

fn namespace_of(options: &Options) -> String {
    options
        .namespace
        .clone()
        .unwrap_or_else(|| kubernetes::DEFAULT_NAMESPACE.to_string())
}

/// The workspace root, the compose files named on the command line (`-f`, or PATH itself),
/// and the Dockerfile PATH names, if it names one (its file name, in the root).
#[allow(clippy::type_complexity)]
fn locate(options: &Options) -> Result<(PathBuf, Vec<PathBuf>, Option<String>), LoadError> {
    let path = &options.path;
    let metadata = std::fs::metadata(path).map_err(|error| {
        let reason = match error.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => error.to_string(),
        };
        LoadError(format!("cannot read {}: {reason}", path.display()))
    })?;
    // `otel-doctor lint docker-compose.yml` means that file, in its directory; so does
    // `otel-doctor lint api/Dockerfile`, as an image run on its own.
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let (root, named, dockerfile) = if metadata.is_file() {
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
        let root = parent.unwrap_or(Path::new(".")).to_path_buf();
        match file_name.filter(|name| is_dockerfile_name(name)) {
            Some(name) if options.compose_files.is_empty() => (root, Vec::new(), Some(name)),
            _ => (root, vec![path.clone()], None),
        }
    } else {
        (path.clone(), Vec::new(), None)
    };
    let files: Vec<PathBuf> = options
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
    Ok((root, files, dockerfile))
}

/// `Dockerfile`, `Containerfile`, `Dockerfile.prod`, `api.Dockerfile`: the names docker and
/// podman builds take, and editors recognise, for a Dockerfile.
fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["dockerfile", "containerfile"].iter().any(|base| {
        lower == *base
            || lower.starts_with(&format!("{base}."))
            || lower.ends_with(&format!(".{base}"))
    })
}

/// compose's default: the first main file found, and the first override beside it.
fn default_files(root: &Path) -> Vec<PathBuf> {
    let first = |names: &[&str]| names.iter().map(|n| root.join(n)).find(|p| p.is_file());
    let Some(main) = first(&COMPOSE_NAMES) else {
        return Vec::new();
    };
    std::iter::once(main)
        .chain(first(&OVERRIDE_NAMES))
        .collect()
}

/// Where the text of a YAML value starts: a block scalar (`key: |`) on the next line, at its
/// indentation (returned as the columns to add); a scalar on the key's line where it is.
fn block_start(text: &str, value: &Location) -> (u32, u32) {
    let line_text = |line: u32| text.lines().nth(line.saturating_sub(1) as usize);
    let header = line_text(value.line).unwrap_or_default().trim_end();
    let block =
        header.ends_with(['|', '>', '-', '+']) || header.ends_with(|c: char| c.is_ascii_digit());
    match line_text(value.line + 1).filter(|_| block) {
        Some(first) => {
            let indent = first.len() - first.trim_start_matches(' ').len();
            (value.line + 1, u32::try_from(indent).unwrap_or(0))
        }
        None => (value.line, value.column.saturating_sub(1)),
    }
}

/// Values for the collector's Helm chart in a file: under the dependency's key in a values
/// file of a chart that depends on it, inline in a HelmRelease or an Application, or a values
/// file of its own.
fn chart_values_in(
    path: &Path,
    display: &Arc<str>,
    text: &str,
) -> Vec<kubernetes::helm::ChartValues> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let parent = kubernetes::helm::is_values_name(name)
        .then(|| path.with_file_name("Chart.yaml"))
        .and_then(|chart| source::read_text(&chart).ok())
        .and_then(|chart| kubernetes::helm::dependency(&chart));
    let worth_reading = parent.is_some()
        || text.contains("kind: HelmRelease")
        || text.contains("kind: Application")
        || text.lines().any(|line| line.starts_with("mode:"));
    if !worth_reading {
        return Vec::new();
    }
    kubernetes::helm::find(display, text, parent.as_ref())
}

/// Whether a file name is a compose file of its own beside the main one
/// (`docker-compose.prod.yml`, `compose.dev.yaml`, `docker-compose-local.yml`), not an
/// override (`*.override.*`, which compose merges by itself).
fn is_variant_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if COMPOSE_NAMES.contains(&lower.as_str()) {
        return false;
    }
    let Some(stem) = lower
        .strip_suffix(".yml")
        .or_else(|| lower.strip_suffix(".yaml"))
    else {
        return false;
    };
    let label = ["docker-compose.", "docker-compose-", "compose.", "compose-"]
        .iter()
        .find_map(|prefix| stem.strip_prefix(prefix));
    label.is_some_and(|label| {
        !label.is_empty() && !label.split(['.', '-', '_']).any(|part| part == "override")
    })
}

/// Whether a variant is a project of its own or goes on top of the main file (see
/// `VariantKind`). compose itself refuses a project with a service that has neither image nor
/// build, or that needs a service it does not define (compose-go `checkConsistency`).
fn variant_kind(document: &compose::ComposeDocument, main_services: &[&str]) -> VariantKind {
    if main_services.is_empty() {
        return VariantKind::Standalone;
    }
    let own: HashSet<&str> = document.services.iter().map(|s| s.name.as_str()).collect();
    let main_services: HashSet<&str> = main_services.iter().copied().collect();
    let incomplete = document
        .services
        .iter()
        .any(|s| s.image.is_none() && s.build.is_none() && s.extends.is_none());
    let needs_main = document
        .services
        .iter()
        .flat_map(WorkloadSpec::needed_services)
        .any(|(name, _)| !own.contains(name) && main_services.contains(name));
    let replaces_main = own.iter().any(|name| main_services.contains(name));
    if incomplete || needs_main || !replaces_main {
        VariantKind::Fragment
    } else {
        VariantKind::Standalone
    }
}

/// The Docker names compose gives the project's networks: `<project>_default`, and
/// `<project>_<key>` for each network the files declare, unless it sets its own `name:`
/// (compose-go `loader.go`). The project's name is `COMPOSE_PROJECT_NAME`, else the files'
/// `name:` (the last one wins), else the project directory's name, normalized as compose does
/// (`NormalizeProjectName`: lower case, only `a-z`, `0-9`, `_` and `-`).
fn compose_networks(documents: &[compose::ComposeDocument], workspace: &Workspace) -> Vec<String> {
    if documents.is_empty() {
        return Vec::new();
    }
    let directory = || {
        canonical(&workspace.project_dir)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
    };
    let name = workspace
        .variables
        .lookup("COMPOSE_PROJECT_NAME")
        .filter(|n| !n.is_empty())
        .or_else(|| documents.iter().rev().find_map(|d| d.project_name.clone()))
        .or_else(directory)
        .unwrap_or_default();
    let project: String = name
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        .skip_while(|c| !c.is_ascii_alphanumeric())
        .collect();
    let mut networks = vec![format!("{project}_default")];
    for (key, name) in documents.iter().flat_map(|d| &d.networks) {
        let docker_name = name.clone().unwrap_or_else(|| format!("{project}_{key}"));
        if !networks.contains(&docker_name) {
            networks.push(docker_name);
        }
    }
    networks
}

/// A remote `include:` (git or OCI), which cannot be read offline.
fn is_remote(path: &str) -> bool {
    path.contains("://") || path.starts_with("git@")
}

/// `dir` as a path from `base` when it lies under it (included projects are always joined onto
/// the main project's directory), else as it is (absolute).
fn relative_to(base: &Path, dir: &Path) -> PathBuf {
    dir.strip_prefix(base)
        .map_or_else(|_| dir.to_path_buf(), Path::to_path_buf)
}

/// The paths of a service of an included project start from that project's directory; the
/// rest of the loader resolves paths from the main project's (compose resolves them all to
/// absolute paths). `raw` keeps what the file says.
fn rebase(service: &mut WorkloadSpec, base: &Path) {
    if base.as_os_str().is_empty() {
        return;
    }
    let rebased = |text: &mut workload::Text| {
        if !is_remote(&text.value) && !Path::new(&text.value).is_absolute() {
            text.value = base.join(&text.value).to_string_lossy().replace('\\', "/");
        }
    };
    if let Some(build) = &mut service.build {
        rebased(&mut build.context);
    }
    for env_file in &mut service.env_files {
        rebased(&mut env_file.path);
    }
    if let Some(file) = service.extends.as_mut().and_then(|e| e.file.as_mut()) {
        rebased(file);
    }
    for volume in service.volumes.iter_mut().filter(|v| v.bind) {
        if let Some(source) = volume.source.as_mut().filter(|s| s.value.starts_with('.')) {
            rebased(source);
        }
    }
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

struct Loader {
    workspace: Workspace,
    /// What was read, and what could not be: the workspace's `files`, `lines` and `problems`
    /// once loading is over.
    reader: Reader,
    /// `.env` files already read (each is read once, though compose looks twice).
    dotenv_read: Vec<PathBuf>,
    /// The namespace of Kubernetes objects that name none.
    namespace: String,
}

impl Loader {
    fn new(root: PathBuf, shell: HashMap<String, String>, boundary: Arc<Boundary>) -> Self {
        let mut workspace = Workspace {
            root: root.clone(),
            ..Workspace::default()
        };
        workspace.variables.shell = shell;
        Loader {
            workspace,
            reader: Reader::new(root, boundary),
            dotenv_read: Vec::new(),
            namespace: kubernetes::DEFAULT_NAMESPACE.to_string(),
        }
    }

    fn finish(self) -> Workspace {
        let Reader {
            files,
            lines,
            problems,
            outside,
            boundary,
            ..
        } = self.reader;
        Workspace {
            files,
            lines,
            problems,
            outside,
            boundary,
            ..self.workspace
        }
    }

    /// Whether `path`, referenced at `location`, may be read (else it is recorded as outside).
    fn admit(&mut self, path: &Path, location: &Location, what: &'static str) -> bool {
        self.reader.admit(path, location, what)
    }

    fn display(&self, path: &Path) -> Arc<str> {
        self.reader.display(path)
    }

    fn read(&mut self, path: &Path, kind: FileKind) -> Option<(Arc<str>, String)> {
        self.reader.read(path, kind)
    }

    fn problem(&mut self, kind: FileKind, location: Location, message: String) {
        self.reader.problem(kind, location, message);
    }

    /// Reads `--env-file`s, or else `dir/.env` when there is one, under the variables already
    /// known. Within one read, later files win (compose-go `GetEnvFromFile`).
    fn read_dotenv(&mut self, options: &Options, dir: &Path) {
        let explicit = !options.env_files.is_empty();
        let files: Vec<PathBuf> = if explicit {
            options.env_files.clone()
        } else {
            vec![dir.join(".env")]
        };
        let mut layer = HashMap::new();
        let mut read = Vec::new();
        for path in files {
            let key = canonical(&path);
            // The project `.env` is optional; a file named with `--env-file` is not.
            if self.dotenv_read.contains(&key) || (!explicit && !path.is_file()) {
                continue;
            }
            let at = Location::file_start(&self.display(&path));
            if !self.admit(&path, &at, "the project's .env") {
                continue;
            }
            self.dotenv_read.push(key);
            let Some(lines) = self.read_env_file(&path, None) else {
                continue;
            };
            let display = self.display(&path);
            for line in lines {
                if let Some(value) = line.value {
                    let location = Location::new(&display, line.line, line.column);
                    layer.insert(line.name, (value, location));
                }
            }
            read.push(display);
        }
        if !read.is_empty() {
            self.workspace.variables.add_under(layer, read);
        }
    }

    /// `COMPOSE_FILE` (shell, else `.env`): the compose files, separated by
    /// `COMPOSE_PATH_SEPARATOR` (default `:`, `;` on Windows), relative to the working
    /// directory. compose stops when one is missing (compose-go `WithConfigFileEnv`).
    fn compose_file_variable(&mut self) -> Result<Option<Vec<PathBuf>>, LoadError> {
        let variables = &self.workspace.variables;
        let Some(value) = variables
            .lookup("COMPOSE_FILE")
            .filter(|v| !v.trim().is_empty())
        else {
            return Ok(None);
        };
        let separator = variables
            .lookup("COMPOSE_PATH_SEPARATOR")
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| if cfg!(windows) { ";" } else { ":" }.to_string());
        let source = variables.source("COMPOSE_FILE");
        let mut files = Vec::new();
        for name in value.split(separator.as_str()).filter(|n| !n.is_empty()) {
            let path = self.workspace.root.join(name);
            match &source {
                Some(VarSource::DotEnv(location)) => {
                    if !self.admit(&path, &location.clone(), "COMPOSE_FILE") {
                        continue;
                    }
                }
                // Set in the shell: the user's own choice, like `-f`.
                _ => Arc::make_mut(&mut self.reader.boundary).add_root_of(&path),
            }
            if path.is_file() {
                files.push(path);
                continue;
            }
            let message = format!("COMPOSE_FILE names {name}, which does not exist");
            match &source {
                Some(VarSource::DotEnv(location)) => {
                    self.problem(FileKind::Compose, location.clone(), message);
                }
                _ => {
                    return Err(LoadError(format!(
                        "{message} (COMPOSE_FILE is set in the shell environment)"
                    )));
                }
            }
        }
        let origin = match &source {
            Some(VarSource::DotEnv(location)) => format!("{}:{}", location.file, location.line),
            _ => "the shell environment".to_string(),
        };
        self.workspace
            .notes
            .push(format!("compose files from COMPOSE_FILE ({origin})"));
        Ok(Some(files))
    }

    /// Reads an env file, interpolating with `variables` (the project's when `None`).
    fn read_env_file(
        &mut self,
        path: &Path,
        variables: Option<&Variables>,
    ) -> Option<Vec<dotenv::EnvLine>> {
        let variables = variables.unwrap_or(&self.workspace.variables);
        self.reader.read_env_file(path, variables)
    }

    /// Reads one compose file, referenced at `at`, interpolating with `variables` (the
    /// project's when `None`).
    fn read_compose(
        &mut self,
        path: &Path,
        at: &Location,
        variables: Option<&Arc<Variables>>,
    ) -> Option<compose::ComposeDocument> {
        if !self.admit(path, at, "compose file") {
            return None;
        }
        let (display, text) = self.read(path, FileKind::Compose)?;
        // A file two includes share is one file of the project.
        if !self.workspace.compose_files.contains(&display) {
            self.workspace.compose_files.push(Arc::clone(&display));
        }
        if let Some(variables) = variables {
            self.workspace
                .included_variables
                .insert(Arc::clone(&display), Arc::clone(variables));
        }
        let mut document = {
            let variables = variables.map_or(&self.workspace.variables, |v| &**v);
            compose::read(&display, &text, &|name| variables.lookup(name))
        };
        for problem in std::mem::take(&mut document.problems) {
            self.problem(FileKind::Compose, problem.location, problem.message);
        }
        self.workspace
            .interpolation_failures
            .append(&mut document.interpolation_failures);
        self.workspace
            .sources
            .insert(display, SourceText::new(text));
        Some(document)
    }

    /// Reads a compose file and the files it `include:`s, whose services join its own (its
    /// own win by name, compose-go `ApplyInclude`). `working_dir` is where its relative paths
    /// start; `variables` is `None` for the project's own files.
    fn read_compose_tree(
        &mut self,
        path: &Path,
        at: &Location,
        working_dir: &Path,
        variables: Option<&Arc<Variables>>,
        chain: &mut Vec<PathBuf>,
    ) -> Option<compose::ComposeDocument> {
        let mut document = self.read_compose(path, at, variables)?;
        let base = relative_to(&self.workspace.project_dir, working_dir);
        for service in &mut document.services {
            rebase(service, &base);
        }
        if document.includes.is_empty() {
            return Some(document);
        }
        chain.push(canonical(path));
        let mut included = Vec::new();
        for include in std::mem::take(&mut document.includes) {
            included.extend(self.read_include(&include, working_dir, variables, chain));
        }
        chain.pop();
        let own = std::mem::take(&mut document.services);
        document.services = compose::merge(vec![
            compose::ComposeDocument {
                services: included,
                ..Default::default()
            },
            compose::ComposeDocument {
                services: own,
                ..Default::default()
            },
        ]);
        Some(document)
    }

    /// The services of one `include:` entry, read as a project of its own. What cannot be
    /// read is a problem at the entry (compose refuses the project), and the project is then
    /// known to be incomplete.
    fn read_include(
        &mut self,
        include: &compose::Include,
        working_dir: &Path,
        variables: Option<&Arc<Variables>>,
        chain: &mut Vec<PathBuf>,
    ) -> Vec<WorkloadSpec> {
        let Some(first) = include.paths.first() else {
            return Vec::new();
        };
        if is_remote(&first.value) {
            self.workspace.includes_unread = true;
            self.workspace.notes.push(format!(
                "not read: remote include {} ({})",
                first.value, first.location
            ));
            return Vec::new();
        }
        let project_dir = match &include.project_directory {
            Some(dir) => working_dir.join(&dir.value),
            None => working_dir
                .join(&first.value)
                .parent()
                .map_or_else(|| working_dir.to_path_buf(), Path::to_path_buf),
        };
        let Some(env) = self.include_variables(include, working_dir, &project_dir, variables)
        else {
            self.workspace.includes_unread = true;
            return Vec::new();
        };
        let mut documents = Vec::new();
        for written in &include.paths {
            let path = working_dir.join(&written.value);
            let display = self.display(&path);
            if !self.admit(&path, &written.location, "include") {
                self.workspace.includes_unread = true;
                continue;
            }
            let problem = if chain.contains(&canonical(&path)) {
                Some(format!(
                    "`include` of {display} makes a cycle: it includes itself again"
                ))
            } else if !path.is_file() {
                Some(format!("`include` names {display}, which does not exist"))
            } else {
                None
            };
            if let Some(message) = problem {
                self.problem(FileKind::Compose, written.location.clone(), message);
                self.workspace.includes_unread = true;
                continue;
            }
            match self.read_compose_tree(&path, &written.location, &project_dir, Some(&env), chain)
            {
                Some(document) => documents.push(document),
                None => self.workspace.includes_unread = true,
            }
        }
        compose::merge(documents)
    }

    /// The variables an included project interpolates with: the including project's, then
    /// its `env_file`s (by default its project directory's `.env`) for what those leave unset.
    fn include_variables(
        &mut self,
        include: &compose::Include,
        working_dir: &Path,
        project_dir: &Path,
        parent: Option<&Arc<Variables>>,
    ) -> Option<Arc<Variables>> {
        let mut variables =
            parent.map_or_else(|| self.workspace.variables.clone(), |p| (**p).clone());
        let files: Vec<(PathBuf, Option<&workload::Text>)> = if include.env_files.is_empty() {
            let default = project_dir.join(".env");
            if default.is_file() {
                vec![(default, None)]
            } else {
                Vec::new()
            }
        } else {
            include
                .env_files
                .iter()
                .filter(|file| file.value != "/dev/null")
                .map(|file| (working_dir.join(&file.value), Some(file)))
                .collect()
        };
        let mut layer = HashMap::new();
        let mut read = Vec::new();
        for (path, written) in files {
            let display = self.display(&path);
            let at = written.map_or_else(|| include.location.clone(), |w| w.location.clone());
            if !self.admit(&path, &at, "include env_file") {
                return None;
            }
            if !path.is_file() {
                let location =
                    written.map_or_else(|| include.location.clone(), |w| w.location.clone());
                let message = format!("`include` env_file {display} does not exist");
                self.problem(FileKind::Compose, location, message);
                return None;
            }
            let lines = self.read_env_file(&path, Some(&variables))?;
            for line in lines {
                if let Some(value) = line.value {
                    let location = Location::new(&display, line.line, line.column);
                    layer.insert(line.name, (value, location));
                }
            }
            read.push(display);
        }
        if !read.is_empty() {
            variables.add_under(layer, read);
        }
        Some(Arc::new(variables))
    }

    /// compose starts a service that has `profiles` only when one of them is enabled
    /// (`COMPOSE_PROFILES`, comma-separated; `*` enables all), or when the command line names
    /// it (compose-go `ServiceConfig.HasProfile`).
    fn apply_profiles(&mut self, named: &[String]) {
        let enabled: Vec<String> = self
            .workspace
            .variables
            .lookup("COMPOSE_PROFILES")
            .map(|value| {
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        let (active, inactive) = std::mem::take(&mut self.workspace.services)
            .into_iter()
            .partition(|service| {
                let profiles = &service.topology.profiles;
                profiles.is_empty()
                    || named.contains(&service.name)
                    || enabled
                        .iter()
                        .any(|e| e == "*" || profiles.iter().any(|p| &p.value == e))
            });
        self.workspace.services = active;
        self.workspace.inactive_services = inactive;
        self.workspace.profiles = enabled;
    }

    /// Other compose files beside the main one, each as `docker compose -f` would take it.
    /// A file without services (only networks or `x-` blocks) is not a project.
    fn find_variants(&mut self, main_files: &[PathBuf]) {
        let dir = self.workspace.project_dir.clone();
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        let main_displays: Vec<Arc<str>> = main_files.iter().map(|f| self.display(f)).collect();
        let mut candidates: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| {
                path.file_name()
                    .is_some_and(|name| is_variant_name(&name.to_string_lossy()))
                    && path.is_file()
            })
            .collect();
        candidates.sort();
        let main_services: Vec<&str> = self
            .workspace
            .services
            .iter()
            .chain(&self.workspace.inactive_services)
            .map(|s| s.name.as_str())
            .collect();
        let mut variants = Vec::new();
        for path in candidates {
            let display = display_path(&self.workspace.root, &path);
            if main_displays.contains(&display)
                || !self
                    .reader
                    .admit(&path, &Location::file_start(&display), "compose file")
            {
                continue;
            }
            let kind = match source::read_text(&path) {
                Ok(text) => {
                    let variables = &self.workspace.variables;
                    let document = compose::read(&display, &text, &|name| variables.lookup(name));
                    if document.services.is_empty() && document.problems.is_empty() {
                        continue;
                    }
                    variant_kind(&document, &main_services)
                }
                // Unreadable: checking it alone reports why.
                Err(_) => VariantKind::Standalone,
            };
            let files = match (kind, main_files.first()) {
                (VariantKind::Fragment, Some(main)) => vec![main.clone(), path],
                _ => vec![path],
            };
            variants.push(VariantFile {
                display,
                files,
                kind,
                devcontainer: None,
            });
        }
        self.workspace.variants = variants;
    }

    /// Resolves `extends:` chains, from this project or from another compose file.
    fn apply_extends(&mut self) {
        const MAX_CHAIN: usize = 8;
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for (at, service) in self.workspace.services.iter().enumerate() {
            by_name.entry(service.name.clone()).or_insert(at);
        }
        for index in 0..self.workspace.services.len() {
            for _ in 0..MAX_CHAIN {
                let Some(extends) = self.workspace.services[index].extends.take() else {
                    break;
                };
                let base = match &extends.file {
                    None => by_name
                        .get(&extends.service)
                        .map(|&at| self.workspace.services[at].clone()),
                    Some(file) => {
                        let path = self.workspace.project_path(&file.value);
                        if !self.admit(&path, &file.location, "extends file") {
                            break;
                        }
                        self.service_in_file(&path, &extends.service)
                    }
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

    fn service_in_file(&mut self, path: &Path, name: &str) -> Option<WorkloadSpec> {
        let (display, text) = self.read(path, FileKind::Compose)?;
        let variables = &self.workspace.variables;
        let document = compose::read(&display, &text, &|name| variables.lookup(name));
        self.workspace
            .sources
            .insert(display, SourceText::new(text));
        document.services.into_iter().find(|s| s.name == name)
    }

    /// Reads the Kubernetes manifests among `paths` (YAML files with `apiVersion` and `kind`;
    /// compose files already read are not), and adds their containers to the workloads.
    /// Helm templates are not YAML before they are rendered: they are left out, and said so.
    fn read_manifests(&mut self, paths: &[PathBuf]) {
        let mut templates = 0;
        let mut chart_values = Vec::new();
        for path in paths {
            let display = self.display(path);
            if self.workspace.compose_files.contains(&display) {
                continue;
            }
            let Ok(text) = source::read_text(path) else {
                continue;
            };
            let found = chart_values_in(path, &display, &text);
            if !found.is_empty() && !kubernetes::looks_like_manifest(&text) {
                self.reader.record(&display, &text);
                self.workspace
                    .sources
                    .insert(Arc::clone(&display), SourceText::new(text));
                self.workspace.manifest_files.push(display);
                chart_values.extend(found);
                continue;
            }
            chart_values.extend(found);
            if !kubernetes::looks_like_manifest(&text) {
                continue;
            }
            if text.contains("{{") {
                templates += 1;
                continue;
            }
            self.read_manifest_text(display, text);
        }
        self.after_manifests(chart_values);
        if templates > 0 {
            self.workspace.notes.push(format!(
                "{templates} manifest file{} with Go templates ({{{{ }}}}) not read: render them (`helm template`, `kustomize build`) into a file and lint that file",
                if templates == 1 { "" } else { "s" }
            ));
        }
    }

    /// The manifests of the workspace's folders: a kustomization or a chart rendered by its
    /// tool when that is on PATH, else its files as plain manifests (never its patches nor its
    /// templates); every other manifest file as it is.
    fn read_folder_manifests(&mut self, root: &Path) {
        let mut files = walk::yaml_files(root);
        // Several overlays of one base all read the base's files.
        let every_file = files.clone();
        let path = self
            .workspace
            .variables
            .shell
            .get("PATH")
            .map(std::ffi::OsString::from);
        let mut rendered = Vec::new();
        for source in kubernetes::render::sources(root, &self.reader.boundary) {
            let folder = self.display(&source.dir);
            let folder = if folder.is_empty() {
                Arc::from(".")
            } else {
                folder
            };
            let tool = source.renderer.name();
            let executable = kubernetes::render::executable(source.renderer, path.as_deref());
            let outcome = match (&source.refused, executable) {
                (Some(reason), _) => kubernetes::RenderOutcome::Failed {
                    reason: format!("not rendered: {reason}"),
                },
                (None, None) => kubernetes::RenderOutcome::NotOnPath,
                (None, Some((exe, subcommand))) => {
                    match kubernetes::render::render(&source, &exe, &subcommand, path.as_deref()) {
                        Ok(text) => {
                            // `<kustomize build overlays/prod>`, `<kubectl kustomize ...>`.
                            let program = exe
                                .file_name()
                                .map_or_else(|| tool.into(), |name| name.to_string_lossy());
                            let file: Arc<str> =
                                Arc::from(format!("<{program} {} {folder}>", subcommand.join(" ")));
                            let read: Vec<PathBuf> = every_file
                                .iter()
                                .filter(|f| source.covers(f) || source.is_partial(f))
                                .cloned()
                                .collect();
                            rendered.push((Arc::clone(&file), text, source.clone(), read));
                            files.retain(|f| !source.covers(f));
                            kubernetes::RenderOutcome::Rendered { file }
                        }
                        Err(reason) => kubernetes::RenderOutcome::Failed { reason },
                    }
                }
            };
            files.retain(|f| !source.is_partial(f));
            self.workspace
                .kubernetes
                .renderings
                .push(kubernetes::Rendering {
                    tool,
                    command: kubernetes::render::command_line(&source, &folder),
                    folder: folder.to_string(),
                    location: Location::file_start(&self.display(&source.file)),
                    applies: source.applies,
                    outcome,
                });
        }
        let several = rendered.len() > 1;
        let mut readers: Vec<kubernetes::SharedFile> = Vec::new();
        for (file, text, source, read) in rendered {
            let written: Vec<kubernetes::Written> = read
                .iter()
                .filter_map(|path| self.read_written(path))
                .collect();
            let folder = self.display(&source.dir).to_string();
            for file in &written {
                match readers.iter_mut().find(|r| r.file == file.display) {
                    Some(shared) => shared.folders.push(folder.clone()),
                    None => readers.push(kubernetes::SharedFile {
                        file: Arc::clone(&file.display),
                        folders: vec![folder.clone()],
                    }),
                }
            }
            let parsed = yaml::parse_stream(&text);
            let origins = match &parsed {
                Ok(documents) => {
                    kubernetes::trace(&text, documents, &source, &written, &mut |path| {
                        self.read_written(path)
                    })
                }
                Err(_) => kubernetes::Origins::default(),
            };
            let (services, pods) = (
                self.workspace.services.len(),
                self.workspace.kubernetes.pods.len(),
            );
            self.read_manifest_stream(file, text, parsed, &origins);
            if several {
                // Overlays of one base render the same objects: each workload is named with
                // the folder it was rendered from (`deployment/api/app@overlays/prod`).
                let qualified = |name: &mut String| *name = format!("{name}@{folder}");
                self.workspace.services[services..]
                    .iter_mut()
                    .for_each(|spec| qualified(&mut spec.name));
                self.workspace.kubernetes.pods[pods..]
                    .iter_mut()
                    .flat_map(|pod| pod.containers.iter_mut())
                    .for_each(|container| qualified(&mut container.workload));
            }
        }
        readers.retain(|r| r.folders.len() > 1);
        self.workspace.kubernetes.shared = readers;
        self.read_manifests(&files);
    }

    /// One stream of manifests, named `display` in findings.
    fn read_manifest_text(&mut self, display: Arc<str>, text: String) {
        let parsed = yaml::parse_stream(&text);
        self.read_manifest_stream(display, text, parsed, &kubernetes::Origins::default());
    }

    /// A stream of manifests, `parsed`, whose values `origins` finds in other files.
    fn read_manifest_stream(
        &mut self,
        display: Arc<str>,
        text: String,
        parsed: Result<Vec<yaml::Node>, yaml::YamlError>,
        origins: &kubernetes::Origins,
    ) {
        self.reader.record(&display, &text);
        let read = parsed.map(|documents| {
            kubernetes::read_documents(&display, &documents, &self.namespace, origins)
        });
        match read {
            Ok(file) if file.is_manifest => {
                self.workspace.kubernetes.extend(file.manifests);
                self.workspace.services.extend(file.workloads);
                self.workspace.manifest_files.push(Arc::clone(&display));
                self.workspace
                    .sources
                    .insert(display, SourceText::new(text));
            }
            Ok(_) => {}
            Err(error) => {
                let location = Location::new(&display, error.line, error.column);
                self.problem(FileKind::Kubernetes, location, error.message);
                self.workspace.manifest_files.push(display);
            }
        }
    }

    /// A file a rendering was made from, read once (within the boundary) so that findings can
    /// point into it.
    fn read_written(&mut self, path: &Path) -> Option<kubernetes::Written> {
        let display = self.display(path);
        let text = match self.workspace.source(&display) {
            Some(source) => source.text().to_string(),
            None => {
                if self.reader.boundary.outside(path).is_some() {
                    return None;
                }
                let (display, text) = self.reader.read(path, FileKind::Kubernetes)?;
                self.workspace
                    .sources
                    .insert(display, SourceText::new(text.clone()));
                text
            }
        };
        Some(kubernetes::Written {
            path: path.to_path_buf(),
            display,
            text,
        })
    }

    /// A collector config written as a YAML string inside a manifest (a ConfigMap's value, a
    /// v1alpha1 OpenTelemetryCollector's `spec.config`), at its lines in the manifest: a block
    /// scalar's text starts on the line after `key: |`.
    fn embedded_config(&self, text: &str, location: &Location) -> collector::CollectorFile {
        let source = self.workspace.source(&location.file).map(SourceText::text);
        let (first_line, indent) = block_start(source.unwrap_or_default(), location);
        match collector::parse_embedded(&location.file, text, first_line, indent) {
            Ok(node) => collector::CollectorFile::Loaded(node),
            Err(error) => collector::CollectorFile::Broken(error),
        }
    }

    /// An OpenTelemetryCollector's `spec.config` is read as the config file its container
    /// mounts, at its lines in the manifest (a v1alpha1 string from the line after `config: |`).
    fn read_collector_resources(&mut self) {
        let mut configs = Vec::new();
        for resource in &self.workspace.kubernetes.collectors {
            let Some(config) = &resource.config else {
                continue;
            };
            let mut state = match config {
                kubernetes::ResourceConfig::Tree(node) => {
                    collector::CollectorFile::Loaded(node.clone())
                }
                kubernetes::ResourceConfig::Text { text, location } => {
                    self.embedded_config(text, location)
                }
            };
            if let collector::CollectorFile::Loaded(node) = &mut state {
                kubernetes::apply_webhook_defaults(node);
            }
            configs.push((Arc::from(resource.config_file()), state));
        }
        self.workspace.collector_files.extend(configs);
    }

    /// Releases of the collector's Helm chart: each adds its collector's workload, Service and
    /// config file (its values merged over the chart's defaults, at their lines in the values).
    fn render_charts(&mut self, found: Vec<kubernetes::helm::ChartValues>) {
        for values in found {
            let file = Arc::clone(&values.origin.file);
            let mut out = kubernetes::ManifestFile::default();
            let namespace = self.namespace.clone();
            let rendered = kubernetes::helm::render(&file, values, &namespace, &mut out);
            out.manifests.charts.push(rendered.release);
            self.workspace.kubernetes.extend(out.manifests);
            self.workspace.services.extend(out.workloads);
            if let Some((name, config)) = rendered.config {
                self.workspace.collector_files.insert(
                    Arc::from(name.as_str()),
                    collector::CollectorFile::Loaded(config),
                );
            }
        }
    }

    /// What relates the objects of every manifest read: mounted ConfigMaps as collector
    /// configs, the collector chart's releases, the operator's injection, `envFrom`.
    fn after_manifests(&mut self, chart_values: Vec<kubernetes::helm::ChartValues>) {
        self.read_mounted_config_maps();
        self.read_collector_resources();
        self.render_charts(chart_values);
        kubernetes::inject(&self.workspace.kubernetes, &mut self.workspace.services);
        kubernetes::apply_env_from(&self.workspace.kubernetes, &mut self.workspace.services);
    }

    /// The ConfigMap keys that pods mount as files are read as collector configs, at their
    /// lines in the manifest: a collector reads its `--config` from one.
    fn read_mounted_config_maps(&mut self) {
        let mounted: HashSet<String> = self
            .workspace
            .services
            .iter()
            .filter(|s| s.launcher == Launcher::Kubernetes)
            .flat_map(|s| &s.volumes)
            .filter_map(|v| v.source.as_ref().map(|s| s.value.clone()))
            .collect();
        let mut configs = Vec::new();
        let mut known: HashSet<String> = HashSet::new();
        for map in &self.workspace.kubernetes.config_maps {
            let object = &map.object;
            let folder = kubernetes::config_map_file(&object.namespace, &object.name, "");
            let folder = folder.trim_end_matches('/');
            known.insert(folder.to_string());
            if mounted.contains(folder) {
                configs.push((Arc::from(folder), collector::CollectorFile::Directory));
            }
            for (key, value, location) in &map.data {
                let file = kubernetes::config_map_file(&object.namespace, &object.name, key);
                known.insert(file.clone());
                if !mounted.contains(&file) && !mounted.contains(folder) {
                    continue;
                }
                let state = self.embedded_config(value, location);
                configs.push((Arc::from(file.as_str()), state));
            }
        }
        self.workspace.collector_files.extend(configs);
        // A ConfigMap that is not in the input is applied from elsewhere: what it holds is not
        // known, as for a named volume.
        let volumes = self
            .workspace
            .services
            .iter_mut()
            .flat_map(|s| &mut s.volumes);
        for volume in volumes {
            let source = volume.source.as_ref().map(|s| s.value.as_str());
            if source.is_some_and(|s| s.starts_with("configmap/") && !known.contains(s)) {
                volume.bind = false;
            }
        }
    }

    /// Without a compose file, each Dockerfile of the workspace that nothing else builds is
    /// an image run by hand, named after its folder (`api` for `api/Dockerfile`,
    /// `api-worker` for `api/Dockerfile.worker`; the workspace's name at its root). Those of a
    /// devcontainer are the devcontainer's.
    fn image_workloads(&mut self, dockerfiles: &[PathBuf], names: &mut HashSet<String>) {
        let built: HashSet<Arc<str>> = self
            .workspace
            .services
            .iter()
            .filter_map(|s| {
                let build = s.build.as_ref()?;
                let context = self.workspace.project_path(&build.context.value);
                let file = build.dockerfile.as_ref().map_or("Dockerfile", |d| &d.value);
                Some(self.display(&context.join(file)))
            })
            .collect();
        for path in dockerfiles {
            let display = self.display(path);
            if built.contains(&display) || display.contains(".devcontainer") {
                continue;
            }
            let folder = folder_of(&display).to_string();
            let file = display.rsplit('/').next().unwrap_or(&display).to_string();
            let folder_name = match folder.as_str() {
                "." => canonical(&self.workspace.root)
                    .file_name()
                    .map_or_else(|| "app".to_string(), |n| n.to_string_lossy().into_owned()),
                folder => folder.rsplit('/').next().unwrap_or(folder).to_string(),
            };
            let name = if let Some(suffix) = file.strip_prefix("Dockerfile.") {
                format!("{folder_name}-{suffix}")
            } else if let Some(prefix) = file
                .strip_suffix(".Dockerfile")
                .or_else(|| file.strip_suffix(".dockerfile"))
            {
                prefix.to_string()
            } else {
                folder_name
            };
            let location = Location::file_start(&display);
            let text = |value: &str| workload::Text {
                value: value.into(),
                raw: value.into(),
                location: location.clone(),
                uses: Vec::new(),
                interpolated: true,
            };
            let project_dir = self.display(&self.workspace.project_dir.clone());
            self.workspace.services.push(WorkloadSpec {
                name: unique_name(&name, names),
                location: location.clone(),
                launcher: Launcher::Image,
                image: None,
                build: Some(workload::Build {
                    context: text(&workload::relative_path(&project_dir, &folder)),
                    dockerfile: (file != "Dockerfile").then(|| text(&file)),
                    target: None,
                    args: Vec::new(),
                }),
                environment: Vec::new(),
                env_files: Vec::new(),
                command: None,
                entrypoint: None,
                // `docker run` without `--network`.
                network_mode: Some(text("bridge")),
                extends: None,
                topology: workload::Topology::default(),
                volumes: Vec::new(),
                ports: Vec::new(),
                code_dir: None,
            });
        }
    }

    /// The launcher files of the workspace, as text: those the build contexts already listed
    /// (scripts, Makefiles, ...; `package.json` files read again only when a script of theirs
    /// runs a container), and those of the folders no context holds, at most
    /// `LAUNCHER_DEPTH` folders down.
    fn launcher_sources(&self) -> LauncherSources {
        use launch::LaunchKind;
        let near = |file: &str| {
            !file.starts_with("..") && file.matches('/').count() <= walk::LAUNCHER_DEPTH
        };
        let mut sources: Vec<(Arc<str>, String, LaunchKind)> = Vec::new();
        let mut devcontainers: Vec<(Arc<str>, String)> = Vec::new();
        let mut dockerfiles: Vec<PathBuf> = Vec::new();
        let mut contexts: Vec<(&Arc<str>, &BuildContext)> =
            self.workspace.contexts.iter().collect();
        contexts.sort_by(|a, b| a.0.cmp(b.0));
        for (_, context) in contexts {
            for script in context.scripts.iter().filter(|s| near(&s.path)) {
                sources.push((
                    Arc::clone(&script.path),
                    script.content.clone(),
                    LaunchKind::Script,
                ));
            }
            for (kind, file) in context.launch_files.iter().filter(|(_, f)| near(&f.path)) {
                sources.push((Arc::clone(&file.path), file.content.clone(), *kind));
            }
            for file in context.devcontainers.iter().filter(|f| near(&f.path)) {
                devcontainers.push((Arc::clone(&file.path), file.content.clone()));
            }
            for package in context.package_jsons.iter().filter(|p| near(&p.path)) {
                let starts_containers = package.content.scripts.iter().any(|script| {
                    ["docker ", "podman ", "nerdctl "]
                        .iter()
                        .any(|tool| script.value.contains(tool))
                });
                if starts_containers
                    && let Ok(text) = source::read_text(&self.workspace.root.join(&*package.path))
                {
                    sources.push((Arc::clone(&package.path), text, LaunchKind::PackageJson));
                }
            }
        }
        let root = &self.workspace.root;
        let walked = |dir: &Path| self.workspace.contexts.contains_key(&self.display(dir));
        for (path, kind) in walk::launcher_files(root, &walked) {
            let display = self.display(&path);
            match kind {
                walk::WorkspaceFile::Launch(kind) => {
                    if sources.iter().any(|(file, _, _)| *file == display) {
                        continue;
                    }
                    if let Ok(text) = source::read_text(&path) {
                        sources.push((display, text, kind));
                    }
                }
                walk::WorkspaceFile::Devcontainer => {
                    if devcontainers.iter().any(|(file, _)| *file == display) {
                        continue;
                    }
                    if let Ok(text) = source::read_text(&path) {
                        devcontainers.push((display, text));
                    }
                }
                walk::WorkspaceFile::Dockerfile => dockerfiles.push(path),
            }
        }
        LauncherSources {
            scripts: sources,
            devcontainers,
            dockerfiles,
        }
    }

    /// The workloads the workspace's other launchers start: `docker run` lines of scripts,
    /// Makefile, Justfile and Taskfile targets and `package.json` scripts. A file that starts
    /// one is a file of the workspace (its lines may hold ignores); its variables are what
    /// its workloads' values were expanded with.
    fn read_launchers(&mut self, shell: &HashMap<String, String>) {
        let LauncherSources {
            scripts: sources,
            devcontainers,
            dockerfiles,
        } = self.launcher_sources();
        let scripts: Vec<(Arc<str>, String, launch::LaunchScript)> =
            sources.par_map(|(file, text, kind)| {
                let script = launch::read(file, text, *kind, shell);
                (Arc::clone(file), text.clone(), script)
            });
        let builds: Vec<docker_run::ImageBuild> = scripts
            .iter()
            .flat_map(|(_, _, script)| script.commands.iter().filter_map(docker_run::image_build))
            .collect();
        let project_dir = self.display(&self.workspace.project_dir.clone());
        let first_service = self.workspace.services.len();
        let mut containers = self.read_devcontainers(devcontainers, shell, &project_dir);
        let mut hosts = self.host_apps(&scripts, &builds, shell, &project_dir);
        // The workspace a devcontainer mounts runs there, not on this machine; how the app
        // starts on this machine is how it starts there, when the devcontainer does not say.
        let in_devcontainers = self.workspace.services[..first_service]
            .iter_mut()
            .filter(|s| s.launcher == Launcher::Compose && s.code_dir.is_some())
            .chain(containers.iter_mut());
        for container in in_devcontainers {
            let folder = container.code_dir.as_ref().map(|d| d.value.clone());
            let Some(at) = hosts
                .iter()
                .position(|h| h.code_dir.as_ref().map(|d| &d.value) == folder.as_ref())
            else {
                continue;
            };
            let host = hosts.remove(at);
            if container.command.is_none() {
                container.command = host.command;
            }
        }
        let mut names: HashSet<String> = self
            .workspace
            .services
            .iter()
            .chain(&self.workspace.inactive_services)
            .map(|s| s.name.clone())
            .collect();
        for mut spec in containers {
            spec.name = unique_name(&spec.name, &mut names);
            self.workspace.services.push(spec);
        }
        for (file, text, script) in scripts {
            let mut specs: Vec<WorkloadSpec> = hosts
                .iter()
                .filter(|spec| spec.location.file == file)
                .cloned()
                .collect();
            specs.extend({
                let root = &self.workspace.root;
                let exists = |path: &str| root.join(path).exists();
                let paths = docker_run::Paths {
                    project_dir: &project_dir,
                    exists: &exists,
                };
                script
                    .commands
                    .iter()
                    .filter_map(|command| docker_run::workload(command, &builds, &paths))
                    .collect::<Vec<_>>()
            });
            if specs.is_empty() {
                continue;
            }
            self.record_launcher(&file, text, shell, &script);
            for mut spec in specs {
                let duplicate = spec.launcher == Launcher::DockerRun
                    && self.workspace.services.iter().any(|s| {
                        s.launcher == spec.launcher
                            && s.image.as_ref().map(|i| &i.value)
                                == spec.image.as_ref().map(|i| &i.value)
                            && s.topology.container_name.as_ref().map(|c| &c.value)
                                == spec.topology.container_name.as_ref().map(|c| &c.value)
                    });
                if duplicate {
                    continue;
                }
                spec.name = unique_name(&spec.name, &mut names);
                self.workspace.services.push(spec);
            }
        }
        if self.workspace.compose_files.is_empty() && self.workspace.variants.is_empty() {
            self.image_workloads(&dockerfiles, &mut names);
        }
    }

    /// The devcontainers of the workspace: each image or Dockerfile one is a workload (its
    /// app's), returned; a Docker Compose one joins its `remoteEnv` to the compose service it
    /// names, of the main project or of a compose project of its own (checked as a variant).
    fn read_devcontainers(
        &mut self,
        files: Vec<(Arc<str>, String)>,
        shell: &HashMap<String, String>,
        project_dir: &str,
    ) -> Vec<WorkloadSpec> {
        let root_name = canonical(&self.workspace.root)
            .file_name()
            .map_or_else(|| "app".to_string(), |n| n.to_string_lossy().into_owned());
        let paths = devcontainer::Paths {
            project_dir,
            root_name: &root_name,
        };
        let mut containers = Vec::new();
        for (file, text) in files {
            let read = devcontainer::read(&file, &text, shell, &paths);
            let devcontainer = match read {
                Ok(Some(devcontainer)) => devcontainer,
                Ok(None) => continue,
                Err(error) => {
                    self.reader.files.push(Arc::clone(&file));
                    let location = Location::new(&file, error.line, error.column);
                    self.problem(FileKind::Devcontainer, location, error.message);
                    continue;
                }
            };
            self.record_launcher(&file, text, shell, &launch::LaunchScript::default());
            match devcontainer {
                devcontainer::Devcontainer::Container(spec) => containers.push(*spec),
                devcontainer::Devcontainer::Compose { files, app } => {
                    self.join_compose_service(&files, *app);
                }
            }
        }
        containers
    }

    /// The `remoteEnv` of a devcontainer that runs in this compose project joins the service
    /// it names; its `${localEnv:X}` were this machine's.
    fn join_devcontainer(
        &mut self,
        app: &devcontainer::ComposeApp,
        shell: &HashMap<String, String>,
    ) {
        let files: HashSet<Arc<str>> = app
            .environment
            .iter()
            .map(|e| Arc::clone(&e.location.file))
            .collect();
        for file in files {
            let variables = Variables::of_launch(shell, &[], HashMap::new());
            self.workspace
                .included_variables
                .insert(file, Arc::new(variables));
        }
        let project_dir = self.display(&self.workspace.project_dir.clone());
        if let Some(spec) = self
            .workspace
            .services
            .iter_mut()
            .find(|s| s.name == app.service.value)
        {
            app.apply(spec, &project_dir);
        }
    }

    /// A compose devcontainer's `remoteEnv` joins the service it names: in the main project
    /// when its compose files are among the project's, else in a project of its own.
    fn join_compose_service(&mut self, files: &[String], app: devcontainer::ComposeApp) {
        let service = &app.service;
        let in_project = files
            .iter()
            .any(|f| self.workspace.compose_files.iter().any(|c| **c == **f));
        if in_project {
            let project_dir = self.display(&self.workspace.project_dir.clone());
            match self
                .workspace
                .services
                .iter_mut()
                .find(|s| s.name == service.value)
            {
                Some(spec) => app.apply(spec, &project_dir),
                None => {
                    let message = format!(
                        "`service` names {}, which the compose files do not define",
                        service.value
                    );
                    self.problem(FileKind::Devcontainer, service.location.clone(), message);
                }
            }
            return;
        }
        let paths: Vec<PathBuf> = files.iter().map(|f| self.workspace.root.join(f)).collect();
        let Some(first) = files.first() else {
            return;
        };
        if paths.iter().any(|p| !p.is_file()) {
            let message = format!(
                "`dockerComposeFile` names {}, which does not exist",
                files.join(", ")
            );
            self.problem(FileKind::Devcontainer, service.location.clone(), message);
            return;
        }
        self.workspace.variants.retain(|v| *v.display != **first);
        self.workspace.variants.push(VariantFile {
            display: Arc::from(first.as_str()),
            files: paths,
            kind: VariantKind::Standalone,
            devcontainer: Some(app),
        });
    }

    /// The apps the launcher files start on this machine, one per app folder: the one whose
    /// launcher says most (a Procfile entry, then `npm start`, ...).
    fn host_apps(
        &self,
        scripts: &[(Arc<str>, String, launch::LaunchScript)],
        builds: &[docker_run::ImageBuild],
        shell: &HashMap<String, String>,
        project_dir: &str,
    ) -> Vec<WorkloadSpec> {
        let root = &self.workspace.root;
        let exists = |path: &str| root.join(path).is_file();
        let built_folders: HashSet<Arc<str>> = self
            .workspace
            .services
            .iter()
            .filter_map(|s| s.build.as_ref())
            .map(|b| self.workspace.project_display(&b.context.value))
            .chain(builds.iter().map(|b| Arc::from(b.context.as_str())))
            .collect();
        let built = |folder: &str| built_folders.contains(folder);
        let root_name = canonical(root)
            .file_name()
            .map_or_else(|| "app".to_string(), |n| n.to_string_lossy().into_owned());
        let paths = host::Paths {
            project_dir,
            exists: &exists,
            built: &built,
            root_name: &root_name,
        };
        let mut apps: Vec<(WorkloadSpec, host::Authority)> = Vec::new();
        for (_, _, script) in scripts {
            for command in &script.commands {
                let Some((spec, authority)) = host::workload(command, script, shell, &paths) else {
                    continue;
                };
                let folder = spec.code_dir.as_ref().map(|d| d.value.clone());
                match apps
                    .iter_mut()
                    .find(|(s, _)| s.code_dir.as_ref().map(|d| &d.value) == folder.as_ref())
                {
                    Some(existing) if existing.1 > authority => *existing = (spec, authority),
                    Some(_) => {}
                    None => apps.push((spec, authority)),
                }
            }
        }
        apps.into_iter().map(|(spec, _)| spec).collect()
    }

    /// A launcher file that starts something: read, with its line index (for ignores), its
    /// text (to point inside a value), and the variables its values were expanded with.
    fn record_launcher(
        &mut self,
        file: &Arc<str>,
        text: String,
        shell: &HashMap<String, String>,
        script: &launch::LaunchScript,
    ) {
        let mut loaded = HashMap::new();
        for (env_file, _) in &script.env_files {
            let path = self.workspace.root.join(env_file);
            if !path.is_file() {
                continue;
            }
            let display = self.display(&path);
            for line in self.read_env_file(&path, None).unwrap_or_default() {
                if let Some(value) = line.value {
                    let location = Location::new(&display, line.line, line.column);
                    loaded.insert(line.name, (value, location));
                }
            }
        }
        let variables = Variables::of_launch(shell, &script.assigned, loaded);
        self.workspace
            .included_variables
            .insert(Arc::clone(file), Arc::new(variables));
        self.reader.files.push(Arc::clone(file));
        self.reader
            .lines
            .insert(Arc::clone(file), lines::LineIndex::scan(file, &text));
        self.workspace
            .sources
            .insert(Arc::clone(file), SourceText::new(text));
    }

    /// Reads the env files, Dockerfiles and build contexts the services name, each once, on
    /// every core; what they hold joins the workspace in the order the services name them,
    /// whatever the number of threads.
    fn read_service_files(&mut self, first: usize) {
        let mut wanted = Vec::new();
        // Files and folders apart: a folder and a file never share a path, but be plain.
        // What earlier services named is already read.
        let mut seen: HashSet<(Arc<str>, bool)> = self
            .workspace
            .env_files
            .keys()
            .chain(self.workspace.dockerfiles.keys())
            .map(|file| (Arc::clone(file), false))
            .chain(
                self.workspace
                    .contexts
                    .keys()
                    .map(|dir| (Arc::clone(dir), true)),
            )
            .collect();
        let services = std::mem::take(&mut self.workspace.services);
        for service in &services[first..] {
            for env_file in &service.env_files {
                let path = self.workspace.project_path(&env_file.path.value);
                let display = self.display(&path);
                if !self.admit(&path, &env_file.path.location, "env_file") {
                    self.workspace
                        .env_files
                        .insert(display, EnvFileState::Outside);
                    continue;
                }
                if seen.insert((Arc::clone(&display), false)) {
                    wanted.push(ServiceFile::EnvFile { path, display });
                }
            }
            if let Some(build) = &service.build {
                let context = self.workspace.project_path(&build.context.value);
                if !self.admit(&context, &build.context.location, "build context") {
                    continue;
                }
                let dockerfile = build
                    .dockerfile
                    .as_ref()
                    .map_or_else(|| context.join("Dockerfile"), |d| context.join(&d.value));
                let written = build.dockerfile.as_ref().unwrap_or(&build.context);
                if !self.admit(&dockerfile, &written.location, "Dockerfile") {
                    continue;
                }
                let display = self.display(&dockerfile);
                if !seen.contains(&(Arc::clone(&display), false)) {
                    if dockerfile.exists() {
                        seen.insert((Arc::clone(&display), false));
                        wanted.push(ServiceFile::Dockerfile {
                            path: dockerfile,
                            display,
                        });
                    } else {
                        // Each service that names it is one that compose cannot build.
                        let message = format!(
                            "Dockerfile {display} not found: docker compose cannot build this service"
                        );
                        let location = build.context.location.clone();
                        wanted.push(ServiceFile::Problem(
                            FileKind::Dockerfile,
                            location,
                            message,
                        ));
                    }
                }
                let display = self.display(&context);
                if seen.insert((Arc::clone(&display), true)) {
                    wanted.push(ServiceFile::Context {
                        dir: context,
                        display,
                    });
                }
            }
            // A devcontainer built from a Dockerfile runs the mounted workspace: both are read.
            if let Some(code_dir) = &service.code_dir {
                let dir = self.workspace.project_path(&code_dir.value);
                let display = self.display(&dir);
                if seen.insert((Arc::clone(&display), true)) {
                    wanted.push(ServiceFile::Context { dir, display });
                }
            }
        }
        self.workspace.services = services;
        let workspace = &self.workspace;
        let boundary = &self.reader.boundary;
        let read = wanted.par_map(|file| {
            let mut reader = Reader::new(workspace.root.clone(), Arc::clone(boundary));
            let content = reader.read_service_file(file, workspace);
            (reader, content)
        });
        for (file, (reader, content)) in wanted.into_iter().zip(read) {
            self.reader.append(reader);
            let workspace = &mut self.workspace;
            match (file, content) {
                (ServiceFile::EnvFile { display, .. }, ServiceFileContent::EnvFile(state)) => {
                    workspace.env_files.insert(display, state);
                }
                (
                    ServiceFile::Dockerfile { display, .. },
                    ServiceFileContent::Dockerfile(Some((dockerfile, source))),
                ) => {
                    workspace
                        .dockerfiles
                        .insert(Arc::clone(&display), dockerfile);
                    workspace.sources.insert(display, source);
                }
                (ServiceFile::Context { display, .. }, ServiceFileContent::Context(context)) => {
                    workspace.contexts.insert(display, *context);
                }
                _ => {}
            }
        }
        // Collectors are few, and their configs are found from the Dockerfiles just read; so
        // are the services an SDK configuration file configures.
        for index in first..self.workspace.services.len() {
            let service = &self.workspace.services[index];
            let which = if collector::may_run_collector(service, self.dockerfile_of(service)) {
                YamlFiles::Collector
            } else if self.names_config_file(service) {
                YamlFiles::SdkConfig
            } else {
                continue;
            };
            let (copied, mounted) = (self.copied_configs(service), self.mounted_configs(service));
            for path in copied.iter().chain(&mounted) {
                self.read_yaml_path(path, which);
            }
        }
    }

    /// Whether a service's environment (compose's, its env files', its Dockerfile's) names a
    /// declarative configuration file, by variable or system property.
    fn names_config_file(&self, service: &WorkloadSpec) -> bool {
        let names = |text: &str| {
            crate::knowledge::otel::CONFIG_FILE_VARIABLES
                .iter()
                .any(|name| text.contains(name))
                || text.contains(crate::knowledge::otel::CONFIG_FILE_PROPERTY)
        };
        let in_compose = service.environment.iter().any(|entry| {
            names(&entry.name) || entry.value.as_ref().is_some_and(|v| names(&v.value))
        });
        let in_env_files = service.env_files.iter().any(|file| {
            let display = self.workspace.project_display(&file.path.value);
            matches!(
                self.workspace.env_files.get(&display),
                Some(EnvFileState::Loaded(lines)) if lines.iter().any(|l| names(&l.name))
            )
        });
        let in_dockerfile = self.dockerfile_of(service).is_some_and(|dockerfile| {
            dockerfile
                .instructions
                .iter()
                .filter(|i| i.keyword == "ENV")
                .flat_map(|i| i.env_pairs())
                .any(|pair| names(&pair.name) || pair.value.as_deref().is_some_and(names))
        });
        in_compose || in_env_files || in_dockerfile
    }

    fn dockerfile_of(&self, service: &WorkloadSpec) -> Option<&dockerfile::Dockerfile> {
        let build = service.build.as_ref()?;
        let context = self.workspace.project_path(&build.context.value);
        let path = build
            .dockerfile
            .as_ref()
            .map_or_else(|| context.join("Dockerfile"), |d| context.join(&d.value));
        self.workspace.dockerfiles.get(&self.display(&path))
    }

    /// What a collector bind-mounts from this machine. Those outside the workspace
    /// (`/var/run/docker.sock`, `/`) are not read: the collector's config is then unknown, and
    /// reported as outside only if the collector reads it.
    fn mounted_configs(&self, service: &WorkloadSpec) -> Vec<PathBuf> {
        service
            .volumes
            .iter()
            .filter_map(workload::Volume::host_source)
            .map(|source| self.workspace.project_path(source))
            .collect()
    }

    /// YAML files a custom collector image `COPY`s from its build context.
    fn copied_configs(&self, service: &WorkloadSpec) -> Vec<PathBuf> {
        let (Some(build), Some(dockerfile)) = (&service.build, self.dockerfile_of(service)) else {
            return Vec::new();
        };
        let context = self.workspace.project_path(&build.context.value);
        let copies = dockerfile
            .instructions
            .iter()
            .filter(|i| (i.keyword == "COPY" || i.keyword == "ADD") && i.flag("from").is_none());
        let mut sources = Vec::new();
        for copy in copies {
            let words: Vec<&str> = match &copy.args {
                dockerfile::Args::Exec(words) => words.iter().map(String::as_str).collect(),
                dockerfile::Args::Shell(text) => text.split_whitespace().collect(),
            };
            if let Some((_, copied)) = words.split_last() {
                sources.extend(
                    copied
                        .iter()
                        .filter(|s| collector::is_config_name(s))
                        .map(|s| context.join(s)),
                );
            }
        }
        sources
    }

    fn yaml_files(&mut self, which: YamlFiles) -> &mut HashMap<Arc<str>, collector::CollectorFile> {
        match which {
            YamlFiles::Collector => &mut self.workspace.collector_files,
            YamlFiles::SdkConfig => &mut self.workspace.sdk_config_files,
        }
    }

    fn read_yaml_path(&mut self, path: &Path, which: YamlFiles) {
        const MAX_FILES_PER_DIRECTORY: usize = 64;
        let display = self.display(path);
        if self.yaml_files(which).contains_key(&display) {
            return;
        }
        if let Some(real) = self.reader.boundary.outside(path) {
            let state = collector::CollectorFile::Outside(real);
            self.yaml_files(which).insert(display, state);
            return;
        }
        let state = match std::fs::metadata(path) {
            Err(_) => collector::CollectorFile::Missing,
            Ok(metadata) if metadata.is_dir() => {
                let mut children: Vec<PathBuf> = std::fs::read_dir(path)
                    .map(|entries| {
                        entries
                            .filter_map(|e| e.ok().map(|e| e.path()))
                            .filter(|p| {
                                p.is_file()
                                    && p.file_name()
                                        .and_then(|n| n.to_str())
                                        .is_some_and(collector::is_config_name)
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                children.sort();
                for child in children.iter().take(MAX_FILES_PER_DIRECTORY) {
                    self.read_yaml_path(child, which);
                }
                collector::CollectorFile::Directory
            }
            Ok(_) => self.read_yaml_file(path, &display),
        };
        self.yaml_files(which).insert(display, state);
    }

    fn read_yaml_file(&mut self, path: &Path, display: &Arc<str>) -> collector::CollectorFile {
        match source::read_text(path) {
            Ok(text) => {
                self.reader.files.push(Arc::clone(display));
                let state = match collector::parse(display, &text) {
                    Ok(root) => collector::CollectorFile::Loaded(root),
                    Err(error) => collector::CollectorFile::Broken(error),
                };
                self.workspace
                    .sources
                    .insert(Arc::clone(display), SourceText::new(text));
                state
            }
            Err(error) => collector::CollectorFile::Broken(yaml::YamlError {
                line: error.line(),
                column: 1,
                message: error.to_string(),
            }),
        }
    }
}

/// The YAML files read for what a service mounts or copies: a collector's configs, or a
/// declarative configuration file of an SDK's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum YamlFiles {
    Collector,
    SdkConfig,
}

/// A file or folder a service names, to read on any thread.
enum ServiceFile {
    EnvFile {
        path: PathBuf,
        display: Arc<str>,
    },
    Dockerfile {
        path: PathBuf,
        display: Arc<str>,
    },
    Context {
        dir: PathBuf,
        display: Arc<str>,
    },
    /// Known without reading anything (a Dockerfile that does not exist); kept in line so that
    /// problems come in the order the services name their files.
    Problem(FileKind, Location, String),
}

enum ServiceFileContent {
    EnvFile(EnvFileState),
    Dockerfile(Option<(dockerfile::Dockerfile, SourceText)>),
    Context(Box<BuildContext>),
    None,
}

/// Reads files and keeps the record each read leaves: the file, in the order read, with its
/// line index, or the problem that kept it from being read or parsed. The loader has one;
/// the files of the services are read by one per file on any thread, appended back in order.
/// What a file kind's parser makes of a text is a pure function of it.
struct Reader {
    root: PathBuf,
    boundary: Arc<Boundary>,
    files: Vec<Arc<str>>,
    lines: HashMap<Arc<str>, lines::LineIndex>,
    problems: Vec<FileProblem>,
    outside: Vec<OutsideReference>,
}

impl Reader {
    fn new(root: PathBuf, boundary: Arc<Boundary>) -> Self {
        Reader {
            root,
            boundary,
            files: Vec::new(),
            lines: HashMap::new(),
            problems: Vec::new(),
            outside: Vec::new(),
        }
    }

    /// Adds what another reader read after what this one did.
    fn append(&mut self, other: Reader) {
        self.files.extend(other.files);
        self.lines.extend(other.lines);
        self.problems.extend(other.problems);
        self.outside.extend(other.outside);
    }

    /// Whether `path`, referenced at `location`, lies inside the boundary; a reference that
    /// leads outside is recorded (once per place it is written) and must not be read.
    fn admit(&mut self, path: &Path, location: &Location, what: &'static str) -> bool {
        let Some(real) = self.boundary.outside(path) else {
            return true;
        };
        if !self.outside.iter().any(|o| &o.location == location) {
            self.outside.push(OutsideReference {
                what,
                location: location.clone(),
                path: self.display(path),
                real,
            });
        }
        false
    }

    fn display(&self, path: &Path) -> Arc<str> {
        display_path(&self.root, path)
    }

    /// Reads a file, recording it, or records why it could not be read.
    fn read(&mut self, path: &Path, kind: FileKind) -> Option<(Arc<str>, String)> {
        let display = self.display(path);
        match source::read_text(path) {
            Ok(text) => {
                self.record(&display, &text);
                Some((display, text))
            }
            Err(error) => {
                self.report_unreadable(&display, kind, &error);
                None
            }
        }
    }

    /// A file read: listed in the report, its ignore pragmas and line digests kept.
    fn record(&mut self, display: &Arc<str>, text: &str) {
        self.files.push(Arc::clone(display));
        let index = lines::LineIndex::scan(display, text);
        self.lines.insert(Arc::clone(display), index);
    }

    fn report_unreadable(&mut self, display: &Arc<str>, kind: FileKind, error: &ReadError) {
        self.problem(
            kind,
            Location::new(display, error.line(), 1),
            error.to_string(),
        );
    }

    fn problem(&mut self, kind: FileKind, location: Location, message: String) {
        self.problems.push(FileProblem {
            kind,
            location,
            message,
        });
    }

    /// Reads a file a service names; `workspace` is the compose project read so far.
    fn read_service_file(
        &mut self,
        file: &ServiceFile,
        workspace: &Workspace,
    ) -> ServiceFileContent {
        match file {
            ServiceFile::EnvFile { path, .. } => ServiceFileContent::EnvFile(if !path.exists() {
                let generator =
                    generated::generator_of(path, &workspace.project_dir, &self.boundary);
                EnvFileState::Missing(generator.map(|g| MissingGenerator {
                    template: g.template.map(|t| self.display(&t)),
                    script: g.script.map(|s| self.display(&s)),
                }))
            } else {
                self.read_env_file(path, &workspace.variables)
                    .map_or(EnvFileState::Broken, EnvFileState::Loaded)
            }),
            ServiceFile::Dockerfile { path, .. } => {
                ServiceFileContent::Dockerfile(self.read_dockerfile(path))
            }
            ServiceFile::Context { dir, .. } => {
                ServiceFileContent::Context(Box::new(self.read_context(dir)))
            }
            ServiceFile::Problem(kind, location, message) => {
                self.problem(*kind, location.clone(), message.clone());
                ServiceFileContent::None
            }
        }
    }

    /// Reads an env file, interpolating with `variables`.
    fn read_env_file(
        &mut self,
        path: &Path,
        variables: &Variables,
    ) -> Option<Vec<dotenv::EnvLine>> {
        let (display, text) = self.read(path, FileKind::EnvFile)?;
        match dotenv::parse(&text, &|name| variables.lookup(name)) {
            Ok(lines) => Some(lines),
            Err(error) => {
                let location = Location::new(&display, error.line, error.column);
                self.problem(FileKind::EnvFile, location, error.message);
                None
            }
        }
    }

    /// Reads a file whose parser takes any text (it records what it cannot understand).
    fn read_parsed<T>(
        &mut self,
        path: &Path,
        kind: FileKind,
        parse: impl Fn(&str) -> T,
    ) -> Option<Parsed<T>> {
        let (path, text) = self.read(path, kind)?;
        Some(Parsed {
            path,
            content: parse(&text),
        })
    }

    /// Reads a source file whose parser refuses what nests too deep: the refusal is the
    /// file's problem, at the bracket that went too deep, and the run goes on.
    fn read_source<T>(
        &mut self,
        path: &Path,
        parse: impl Fn(&str) -> Result<T, nesting::TooDeep>,
    ) -> Option<Parsed<T>> {
        let (path, text) = self.read(path, FileKind::Source)?;
        match parse(&text) {
            Ok(content) => Some(Parsed { path, content }),
            Err(too_deep) => {
                let location = Location::new(&path, too_deep.line, too_deep.column);
                self.problem(FileKind::Source, location, too_deep.to_string());
                None
            }
        }
    }

    fn read_manifest<T>(
        &mut self,
        path: &Path,
        parse: impl Fn(&str) -> Result<T, manifest::ManifestError>,
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

    fn read_dockerfile(&mut self, path: &Path) -> Option<(dockerfile::Dockerfile, SourceText)> {
        let (display, text) = self.read(path, FileKind::Dockerfile)?;
        match dockerfile::parse(&text) {
            Ok(dockerfile) => Some((dockerfile, SourceText::new(text))),
            Err(error) => {
                let location = Location::new(&display, error.line, 1);
                self.problem(FileKind::Dockerfile, location, error.message);
                None
            }
        }
    }

    fn read_context(&mut self, dir: &Path) -> BuildContext {
        let mut context = BuildContext::default();
        for file in walk::context_files(dir) {
            self.read_context_file(&file, &mut context);
        }
        // Read for what it says of `node_modules` only.
        let dockerignore = dir.join(".dockerignore");
        if !context.node_modules.is_empty()
            && self.boundary.outside(&dockerignore).is_none()
            && let Ok(text) = std::fs::read_to_string(&dockerignore)
        {
            context.dockerignore = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(String::from)
                .collect();
        }
        context
    }

    fn read_context_file(&mut self, file: &walk::ContextFile, context: &mut BuildContext) {
        use walk::ContextFileKind as Kind;
        let display = self.display(&file.path);
        if file.link && !self.admit(&file.path, &Location::file_start(&display), "symlink") {
            return;
        }
        match file.kind {
            Kind::LanguageMarker(language) => context.languages.push((language, display)),
            Kind::Python => {
                context
                    .python
                    .extend(self.read_source(&file.path, python::parse));
            }
            Kind::Requirements => context.requirements.extend(self.read_parsed(
                &file.path,
                FileKind::Manifest,
                manifest::parse_requirements,
            )),
            Kind::Pyproject => {
                context
                    .languages
                    .push((Language::Python, Arc::clone(&display)));
                if let Some(parsed) = self.read_manifest(&file.path, manifest::parse_pyproject) {
                    context.pyprojects.push(parsed);
                }
            }
            Kind::Pipfile => {
                context
                    .languages
                    .push((Language::Python, Arc::clone(&display)));
                if let Some(parsed) = self.read_manifest(&file.path, manifest::parse_pipfile) {
                    context.pipfiles.push(parsed);
                }
            }
            Kind::Script => {
                if let Some((path, content)) = self.read(&file.path, FileKind::Source) {
                    context.scripts.push(Parsed { path, content });
                }
            }
            Kind::Devcontainer => {
                if let Ok(content) = source::read_text(&file.path) {
                    context.devcontainers.push(Parsed {
                        path: display,
                        content,
                    });
                }
            }
            Kind::Launch(kind) => {
                if let Ok(content) = source::read_text(&file.path) {
                    context.launch_files.push((
                        kind,
                        Parsed {
                            path: display,
                            content,
                        },
                    ));
                }
            }
            Kind::JavaScript => context
                .javascript
                .extend(self.read_source(&file.path, javascript::parse)),
            Kind::PackageJson => {
                context
                    .languages
                    .push((Language::Node, Arc::clone(&display)));
                if file
                    .path
                    .parent()
                    .is_some_and(|dir| dir.join("node_modules").is_dir())
                {
                    let folder = display.rsplit_once('/').map_or(".", |(dir, _)| dir);
                    context.node_modules.push(Arc::from(folder));
                }
                if let Some(parsed) = self.read_manifest(&file.path, npm::parse_package_json) {
                    context.package_jsons.push(parsed);
                }
            }
            Kind::Lockfile(kind) => {
                if let Some(parsed) =
                    self.read_manifest(&file.path, |text| npm::parse_lockfile(kind, text))
                {
                    context.lockfiles.push(parsed);
                }
            }
            Kind::Dependencies(ecosystem) => {
                context
                    .languages
                    .push((ecosystem.language(), Arc::clone(&display)));
                context.dependency_lists.extend(self.read_parsed(
                    &file.path,
                    FileKind::Manifest,
                    |text| dependencies::parse(ecosystem, text),
                ));
            }
            Kind::Ruby => {
                context
                    .ruby
                    .extend(self.read_parsed(&file.path, FileKind::Source, ruby::parse));
            }
            Kind::Go => {
                context
                    .go
                    .extend(self.read_parsed(&file.path, FileKind::Source, go::parse));
            }
            Kind::Clike(dialect) => {
                context
                    .clike
                    .extend(self.read_parsed(&file.path, FileKind::Source, |text| {
                        clike::parse(text, dialect)
                    }))
            }
            Kind::Settings(style) => {
                if let Some((path, text)) = self.read(&file.path, FileKind::Settings) {
                    let parsed = match style {
                        settings::KeyStyle::Dotted => settings::parse_yaml(&path, &text),
                        settings::KeyStyle::Colon => settings::parse_json(&path, &text),
                    };
                    match parsed {
                        Ok(content) => context.settings.push(Parsed { path, content }),
                        Err(error) => {
                            let location = Location::new(&path, error.line, error.column);
                            self.problem(FileKind::Settings, location, error.message);
                        }
                    }
                }
            }
            Kind::Properties => context.properties.extend(self.read_parsed(
                &file.path,
                FileKind::Manifest,
                properties::parse,
            )),
        }
    }
}

/// The files of the workspace that may start things, found in one walk.
struct LauncherSources {
    /// Scripts, Makefiles, Justfiles, Taskfiles, `package.json` files, Procfiles.
    scripts: Vec<(Arc<str>, String, launch::LaunchKind)>,
    devcontainers: Vec<(Arc<str>, String)>,
    /// Outside the build contexts.
    dockerfiles: Vec<PathBuf>,
}

/// `name`, or `name-2`, `name-3`... when a workload of the workspace already has it.
fn unique_name(name: &str, taken: &mut HashSet<String>) -> String {
    let mut candidate = name.to_string();
    let mut n = 1;
    while !taken.insert(candidate.clone()) {
        n += 1;
        candidate = format!("{name}-{n}");
    }
    candidate
}

/// The folder of a workspace path as findings show it (`.` for a file at the root).
pub fn folder_of(path: &str) -> &str {
    path.rsplit_once('/').map_or(".", |(dir, _)| dir)
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

    #[test]
    fn variant_names_are_compose_files_beside_the_main_one_but_not_overrides() {
        for name in [
            "docker-compose.prod.yml",
            "docker-compose.local.yaml",
            "compose.dev.yaml",
            "docker-compose-staging.yml",
            "Docker-Compose.CI.yml",
        ] {
            assert!(is_variant_name(name), "{name}");
        }
        for name in [
            "docker-compose.yml",
            "compose.yaml",
            "docker-compose.override.yml",
            "compose.prod.override.yaml",
            "docker-compose.prod.json",
            "compose.yml.bak",
            "my-compose.prod.yml",
            "docker-compose..yml",
        ] {
            assert!(!is_variant_name(name), "{name}");
        }
    }

    fn kind_of(text: &str, main: &[&str]) -> VariantKind {
        let document = compose::read(&Arc::from("v.yml"), text, &|_| None);
        variant_kind(&document, main)
    }

    #[test]
    fn a_variant_is_standalone_only_when_it_is_a_whole_project_replacing_the_main_one() {
        let main = ["api", "db"];
        let whole = "services:\n  api:\n    build: .\n  db:\n    image: postgres\n";
        assert_eq!(kind_of(whole, &main), VariantKind::Standalone);
        let no_image = "services:\n  api:\n    environment: {A: b}\n";
        assert_eq!(kind_of(no_image, &main), VariantKind::Fragment);
        let needs_main = "services:\n  api:\n    build: .\n    depends_on: [db]\n";
        assert_eq!(kind_of(needs_main, &main), VariantKind::Fragment);
        let adds_services = "services:\n  worker:\n    build: ./worker\n";
        assert_eq!(kind_of(adds_services, &main), VariantKind::Fragment);
        assert_eq!(kind_of(adds_services, &[]), VariantKind::Standalone);
    }
}

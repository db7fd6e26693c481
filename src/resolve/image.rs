//! What a service's image contains, read from its Dockerfile without building it: the final
//! stage (and the stages it builds on), the Python packages its `RUN` steps install (from
//! requirements files that were copied in, `pip install` arguments, project installs,
//! `opentelemetry-bootstrap`), packages installed in a stage the final image never copies from,
//! and the final stage's `ENV`.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::environment::{EnvOrigin, EnvVar};
use crate::knowledge::python;
use crate::shell;
use crate::source::{Location, find_from};
use crate::workspace::compose::ComposeService;
use crate::workspace::dockerfile::{Args, Dockerfile, Instruction};
use crate::workspace::interpolate::interpolate;
use crate::workspace::manifest::{Requirement, requirement};
use crate::workspace::{BuildContext, Workspace, display_path};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledPackage {
    pub name: String,
    pub extras: Vec<String>,
    /// Where the package is named: a requirements line, or the `pip install` word.
    pub location: Location,
}

/// OpenTelemetry packages installed in a stage whose files never reach the final image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostInstall {
    pub stage: String,
    pub packages: Vec<String>,
    /// The `RUN` that installed them.
    pub location: Location,
}

/// A dependency manifest in the build context, and whether the image installs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub path: Arc<str>,
    pub requirements: Vec<(Requirement, Location)>,
    pub installed: bool,
}

impl Manifest {
    pub fn otel_requirements(&self) -> impl Iterator<Item = &(Requirement, Location)> {
        self.requirements
            .iter()
            .filter(|(r, _)| python::is_otel_package(&r.name))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageContents {
    pub dockerfile: Arc<str>,
    /// The `FROM` of the stage the service runs.
    pub final_stage: Location,
    pub base_image: String,
    pub installed: Vec<InstalledPackage>,
    closure: BTreeSet<String>,
    /// `opentelemetry-bootstrap -a install`: installs the instrumentation of every library
    /// already installed.
    pub bootstrap: Option<Location>,
    pub lost: Vec<LostInstall>,
    pub manifests: Vec<Manifest>,
    /// The final stage's `ENV`, in order.
    pub env: Vec<EnvVar>,
    /// Context paths the final stage copies in; `None` when it copies the whole context.
    pub copied_paths: Option<Vec<String>>,
    /// Something was installed that cannot be read here (`pip install -r $FILE`, a wheel).
    pub has_unknown_installs: bool,
}

impl ImageContents {
    /// Whether a package is present, counting what installed packages pull in.
    pub fn has(&self, package: &str) -> bool {
        self.closure.contains(package)
    }

    pub fn lists_opentelemetry(&self) -> bool {
        self.closure.iter().any(|p| python::is_otel_package(p))
            || self
                .manifests
                .iter()
                .any(|m| m.otel_requirements().next().is_some())
    }

    pub fn is_python(&self) -> bool {
        self.base_image.starts_with("python")
            || !self.installed.is_empty()
            || !self.manifests.is_empty()
    }

    /// Whether a missing package would be there if a manifest in the context were installed,
    /// or a build stage's packages copied: those causes have their own rules and fixes.
    pub fn provided_elsewhere(&self, package: &str) -> bool {
        let uninstalled = self
            .manifests
            .iter()
            .filter(|m| !m.installed)
            .flat_map(|m| &m.requirements);
        python::installed_closure(uninstalled.map(|(r, _)| (r.name.as_str(), r.extras.as_slice())))
            .contains(package)
            || self
                .lost
                .iter()
                .any(|l| l.packages.iter().any(|p| p == package))
    }
}

/// The Dockerfile a service builds and the chain of stages its image is made of.
pub struct Build<'a> {
    pub path: &'a Arc<str>,
    pub dockerfile: &'a Dockerfile,
    /// Stage indices from the first ancestor to the final stage.
    pub chain: Vec<usize>,
    pub context_dir: Arc<str>,
    pub context: Option<&'a BuildContext>,
}

impl Build<'_> {
    /// The instructions of the final image, ancestors' first, without the `FROM`s.
    pub fn instructions(&self) -> impl DoubleEndedIterator<Item = &Instruction> {
        self.chain
            .iter()
            .flat_map(|&stage| self.stage_instructions(stage))
    }

    fn stage_instructions(&self, stage: usize) -> &[Instruction] {
        let range = &self.dockerfile.stages[stage].instructions;
        self.dockerfile
            .instructions
            .get(range.start + 1..range.end)
            .unwrap_or_default()
    }
}

pub fn build_of<'a>(workspace: &'a Workspace, service: &ComposeService) -> Option<Build<'a>> {
    let build = service.build.as_ref()?;
    let context_path = workspace.project_path(&build.context.value);
    let dockerfile_path = context_path.join(
        build
            .dockerfile
            .as_ref()
            .map_or("Dockerfile", |d| d.value.as_str()),
    );
    let key = display_path(&workspace.root, &dockerfile_path);
    let (path, dockerfile) = workspace.dockerfiles.get_key_value(&key)?;
    let final_stage = build
        .target
        .as_ref()
        .and_then(|target| {
            let target = target.value.to_ascii_lowercase();
            dockerfile
                .stages
                .iter()
                .position(|s| s.name.as_deref() == Some(&target))
        })
        .or_else(|| dockerfile.stages.len().checked_sub(1))?;
    let context_dir = display_path(&workspace.root, &context_path);
    Some(Build {
        path,
        dockerfile,
        chain: stage_chain(dockerfile, final_stage),
        context: workspace.contexts.get(&context_dir),
        context_dir,
    })
}

/// `FROM builder AS final` builds on the stage named `builder`: its files are all there.
fn stage_chain(dockerfile: &Dockerfile, last: usize) -> Vec<usize> {
    let mut chain = vec![last];
    let mut current = last;
    while let Some(parent) = parent_stage(dockerfile, current) {
        if chain.contains(&parent) {
            break;
        }
        chain.push(parent);
        current = parent;
    }
    chain.reverse();
    chain
}

fn parent_stage(dockerfile: &Dockerfile, stage: usize) -> Option<usize> {
    let base = dockerfile.stages[stage].base.to_ascii_lowercase();
    dockerfile.stages[..stage]
        .iter()
        .position(|s| s.name.as_deref() == Some(base.as_str()))
}

/// What one stage leaves behind, as far as Python packages go.
#[derive(Debug, Clone, Default)]
struct StageState {
    installed: Vec<InstalledPackage>,
    install_locations: Vec<Location>,
    /// Directories packages were installed into (`--prefix`, `--target`, a venv).
    package_dirs: Vec<String>,
    bootstrap: Option<Location>,
    workdir: String,
    copies: Vec<ContextCopy>,
    installed_manifests: Vec<Arc<str>>,
    has_unknown_installs: bool,
}

/// `COPY src... dest` from the build context.
#[derive(Debug, Clone)]
struct ContextCopy {
    sources: Vec<String>,
    destination: String,
}

pub fn contents(workspace: &Workspace, build: &Build) -> ImageContents {
    let mut states: Vec<Option<StageState>> = vec![None; build.dockerfile.stages.len()];
    for stage in 0..build.dockerfile.stages.len() {
        let state = StageReader {
            workspace,
            build,
            states: &states,
        }
        .read(stage);
        states[stage] = Some(state);
    }
    let final_index = *build.chain.last().unwrap_or(&0);
    let state = states[final_index].clone().unwrap_or_default();
    let closure = closure_of(&state.installed);
    let lost = lost_installs(build, &states, &closure);
    let from = &build.dockerfile.instructions[build.dockerfile.stages[final_index].from];
    ImageContents {
        dockerfile: Arc::clone(build.path),
        final_stage: Location::new(build.path, from.line, from.column),
        base_image: build.dockerfile.stages[final_index].base.clone(),
        manifests: manifests(build, &state),
        installed: state.installed,
        closure,
        bootstrap: state.bootstrap,
        lost,
        env: image_env(build),
        copied_paths: copied_paths(&state.copies),
        has_unknown_installs: state.has_unknown_installs,
    }
}

fn lost_installs(
    build: &Build,
    states: &[Option<StageState>],
    final_closure: &BTreeSet<String>,
) -> Vec<LostInstall> {
    states
        .iter()
        .enumerate()
        .filter(|(index, _)| !build.chain.contains(index))
        .filter_map(|(index, state)| {
            let state = state.as_ref()?;
            // What the stage has, with what its packages pull in, that the final image lacks.
            let packages: Vec<String> = closure_of(&state.installed)
                .into_iter()
                .filter(|name| python::is_otel_package(name) && !final_closure.contains(name))
                .collect();
            let location = state.install_locations.first()?.clone();
            (!packages.is_empty()).then(|| LostInstall {
                stage: stage_name(build.dockerfile, index),
                packages,
                location,
            })
        })
        .collect()
}

fn closure_of(installed: &[InstalledPackage]) -> BTreeSet<String> {
    python::installed_closure(
        installed
            .iter()
            .map(|p| (p.name.as_str(), p.extras.as_slice())),
    )
}

fn stage_name(dockerfile: &Dockerfile, index: usize) -> String {
    dockerfile.stages[index]
        .name
        .clone()
        .unwrap_or_else(|| index.to_string())
}

fn manifests(build: &Build, state: &StageState) -> Vec<Manifest> {
    let Some(context) = build.context else {
        return Vec::new();
    };
    let located = |path: &Arc<str>, requirements: &[Requirement]| {
        let located = requirements
            .iter()
            .map(|r| (r.clone(), Location::new(path, r.line, r.column)))
            .collect();
        (Arc::clone(path), located)
    };
    let requirements = context
        .requirements
        .iter()
        .map(|file| located(&file.path, &file.content.requirements));
    let pyprojects = context
        .pyprojects
        .iter()
        .map(|file| located(&file.path, &file.content.requirements));
    requirements
        .chain(pyprojects)
        .map(|(path, requirements)| Manifest {
            installed: state.installed_manifests.contains(&path),
            path,
            requirements,
        })
        .collect()
}

/// The final image's `ENV`, with `$VAR` references expanded from earlier `ARG` defaults and
/// `ENV` values of the same stages, as Docker does at build time.
fn image_env(build: &Build) -> Vec<EnvVar> {
    let source = build.path;
    let mut known: Vec<(String, String)> = Vec::new();
    let mut env: Vec<EnvVar> = Vec::new();
    for instruction in build.instructions() {
        if instruction.keyword != "ENV" && instruction.keyword != "ARG" {
            continue;
        }
        for pair in instruction.env_pairs() {
            let lookup = |name: &str| {
                known
                    .iter()
                    .rev()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            };
            let raw = pair.value.clone().unwrap_or_default();
            let value = interpolate(&raw, &lookup).map_or_else(|_| raw.clone(), |i| i.value);
            known.push((pair.name.clone(), value.clone()));
            if instruction.keyword == "ENV" {
                env.retain(|v| v.name != pair.name);
                env.push(EnvVar {
                    name: pair.name.clone(),
                    value,
                    raw,
                    location: Location::new(source, pair.line, pair.column),
                    origin: EnvOrigin::Dockerfile,
                    uses: Vec::new(),
                    merged_at: None,
                    resolved: true,
                });
            }
        }
    }
    env
}

/// `None` when some `COPY` brings the whole context (`COPY . .`), else the copied paths.
fn copied_paths(copies: &[ContextCopy]) -> Option<Vec<String>> {
    let mut paths = Vec::new();
    for source in copies.iter().flat_map(|c| &c.sources) {
        let normalized = normalize(source);
        if normalized.is_empty() || normalized.contains('*') {
            return None;
        }
        paths.push(normalized);
    }
    (!paths.is_empty()).then_some(paths)
}

struct StageReader<'a> {
    workspace: &'a Workspace,
    build: &'a Build<'a>,
    states: &'a [Option<StageState>],
}

impl StageReader<'_> {
    fn read(&self, stage: usize) -> StageState {
        let mut state = parent_stage(self.build.dockerfile, stage)
            .and_then(|parent| self.states[parent].clone())
            .unwrap_or_else(|| StageState {
                workdir: "/".into(),
                ..StageState::default()
            });
        for instruction in self.build.stage_instructions(stage) {
            match instruction.keyword.as_str() {
                "WORKDIR" => {
                    if let Args::Shell(dir) = &instruction.args {
                        state.workdir = join_image_path(&state.workdir, dir.trim());
                    }
                }
                "COPY" | "ADD" => self.copy(instruction, &mut state),
                "RUN" => self.run(instruction, &mut state),
                _ => {}
            }
        }
        state
    }

    fn copy(&self, instruction: &Instruction, state: &mut StageState) {
        let mut paths: Vec<String> = match &instruction.args {
            Args::Exec(items) => items.clone(),
            Args::Shell(text) => shell::split(text).into_iter().map(|w| w.text).collect(),
        };
        let Some(destination) = paths.pop() else {
            return;
        };
        match instruction.flag("from") {
            Some(from) => self.copy_from_stage(from, &paths, instruction, state),
            None => state.copies.push(ContextCopy {
                sources: paths,
                destination: join_image_path(&state.workdir, &destination),
            }),
        }
    }

    /// `COPY --from=builder /install /usr/local` brings the builder's packages along when it
    /// copies where they were installed (a prefix, a venv, site-packages, `~/.local`).
    fn copy_from_stage(
        &self,
        from: &str,
        sources: &[String],
        instruction: &Instruction,
        state: &mut StageState,
    ) {
        let from = from.to_ascii_lowercase();
        let dockerfile = self.build.dockerfile;
        let index = dockerfile
            .stages
            .iter()
            .position(|s| s.name.as_deref() == Some(from.as_str()))
            .or_else(|| from.parse::<usize>().ok());
        let Some(source_state) = index
            .and_then(|i| self.states.get(i))
            .and_then(Option::as_ref)
        else {
            return;
        };
        let carries_packages = sources.iter().any(|source| {
            let source = source.trim_end_matches('/');
            source_state
                .package_dirs
                .iter()
                .any(|dir| dir.starts_with(source) || source.starts_with(dir.as_str()))
                || PACKAGE_PATH_MARKERS
                    .iter()
                    .any(|marker| source.contains(marker))
        });
        if carries_packages {
            let location = Location::new(self.build.path, instruction.line, instruction.column);
            state
                .installed
                .extend(source_state.installed.iter().cloned());
            state.install_locations.push(location);
            state.bootstrap = state.bootstrap.take().or(source_state.bootstrap.clone());
            state.has_unknown_installs |= source_state.has_unknown_installs;
            for manifest in &source_state.installed_manifests {
                if !state.installed_manifests.contains(manifest) {
                    state.installed_manifests.push(Arc::clone(manifest));
                }
            }
        }
    }

    fn run(&self, instruction: &Instruction, state: &mut StageState) {
        let location = Location::new(self.build.path, instruction.line, instruction.column);
        let scripts: Vec<String> = match &instruction.args {
            Args::Exec(items) => vec![shell_quote_join(items)],
            Args::Shell(text) => std::iter::once(text.clone())
                .chain(instruction.heredocs.iter().flat_map(|h| {
                    h.body
                        .replace("\\\n", " ")
                        .lines()
                        .map(String::from)
                        .collect::<Vec<_>>()
                }))
                .collect(),
        };
        let before = state.installed.len();
        for script in &scripts {
            let words = shell::split(script);
            let mut bootstrap_requirements = false;
            for command in shell::commands(&words) {
                let texts: Vec<&str> = command.iter().map(|w| w.text.as_str()).collect();
                bootstrap_requirements |=
                    self.run_command(&texts, &location, bootstrap_requirements, state);
            }
        }
        if state.installed.len() > before || state.bootstrap.as_ref() == Some(&location) {
            state.install_locations.push(location);
        }
    }

    /// Reads one simple command; returns whether it was `opentelemetry-bootstrap -a
    /// requirements`, whose output a following `pip install -r -` installs.
    fn run_command(
        &self,
        words: &[&str],
        location: &Location,
        after_bootstrap_requirements: bool,
        state: &mut StageState,
    ) -> bool {
        let words = skip_assignments(words);
        let Some(program) = words.first().map(|w| super::command::basename(w)) else {
            return false;
        };
        let rest = &words[1..];
        if program == "opentelemetry-bootstrap" {
            let action = option_value(rest, "-a", "--action");
            if action == Some("install") {
                state.bootstrap = Some(location.clone());
            }
            return action == Some("requirements");
        }
        if let Some(args) = pip_install_args(program, rest) {
            self.pip_install(args, location, after_bootstrap_requirements, state);
        } else if is_project_install(program, rest) {
            self.install_project(".", state);
        } else if is_venv_creation(program, rest)
            && let Some(dir) = rest.iter().rev().find(|w| !w.starts_with('-'))
        {
            state
                .package_dirs
                .push(join_image_path(&state.workdir, dir));
        }
        false
    }

    fn pip_install(
        &self,
        args: &[&str],
        location: &Location,
        after_bootstrap_requirements: bool,
        state: &mut StageState,
    ) {
        let mut args = args.iter().copied();
        while let Some(arg) = args.next() {
            let (option, inline) = match arg.split_once('=') {
                Some((option, value)) if arg.starts_with("--") => (option, Some(value)),
                _ => (arg, None),
            };
            match option {
                "-r" | "--requirement" => {
                    let path = inline.or_else(|| args.next()).unwrap_or_default();
                    if path == "-" && after_bootstrap_requirements {
                        state.bootstrap = Some(location.clone());
                    } else {
                        self.install_requirements(path, state);
                    }
                }
                _ if option.starts_with("-r") && option.len() > 2 && !option.starts_with("--") => {
                    self.install_requirements(&option[2..], state);
                }
                "-e" | "--editable" => {
                    let target = inline.or_else(|| args.next()).unwrap_or_default();
                    self.install_target(target, location, state);
                }
                "--prefix" | "--target" | "-t" | "--root" => {
                    if let Some(dir) = inline.or_else(|| args.next()) {
                        state
                            .package_dirs
                            .push(join_image_path(&state.workdir, dir));
                    }
                }
                _ if PIP_OPTIONS_WITH_VALUE.contains(&option) => {
                    if inline.is_none() {
                        args.next();
                    }
                }
                _ if option.starts_with('-') => {}
                _ => self.install_target(arg, location, state),
            }
        }
    }

    /// A `pip install` argument that is not an option: a requirement, a local project, a URL.
    fn install_target(&self, target: &str, location: &Location, state: &mut StageState) {
        if target.contains('$') || target.ends_with(".whl") || target.ends_with(".tar.gz") {
            state.has_unknown_installs = true;
        } else if target.starts_with('.') || target.starts_with('/') {
            self.install_project(target, state);
        } else if let Some((_, egg)) = target.split_once("#egg=") {
            self.add_package(egg, location, state);
        } else if target.contains("://") {
            state.has_unknown_installs = true;
        } else {
            self.add_package(target, location, state);
        }
    }

    fn add_package(&self, spec: &str, location: &Location, state: &mut StageState) {
        // Quotes from `pip install "opentelemetry-distro[otlp]"` are part of the shell word.
        let Some(Requirement { name, extras, .. }) =
            requirement(spec.trim_matches(['"', '\'']), 0, 0)
        else {
            return;
        };
        let source = self.workspace.source(&location.file);
        let at = source
            .and_then(|s| find_from(s, location.line, location.column, spec))
            .map_or_else(
                || location.clone(),
                |(l, c)| Location::new(&location.file, l, c),
            );
        state.installed.push(InstalledPackage {
            name,
            extras,
            location: at,
        });
    }

    /// `pip install -r path`: finds the requirements file of the context that was copied to
    /// that path, and installs it with the files it includes (`-r other.txt`).
    fn install_requirements(&self, path: &str, state: &mut StageState) {
        let image_path = join_image_path(&state.workdir, path);
        match self.context_file_for(&image_path, &state.copies) {
            Some(file) => self.install_requirements_file(&file, state, 0),
            None => state.has_unknown_installs = true,
        }
    }

    fn install_requirements_file(&self, file: &Arc<str>, state: &mut StageState, depth: usize) {
        const MAX_INCLUDE_DEPTH: usize = 16;
        let Some(context) = self.build.context else {
            return;
        };
        let Some(parsed) = context.requirements.iter().find(|r| &r.path == file) else {
            state.has_unknown_installs = true;
            return;
        };
        if state.installed_manifests.contains(file) || depth > MAX_INCLUDE_DEPTH {
            return;
        }
        state.installed_manifests.push(Arc::clone(file));
        state.installed.extend(
            parsed
                .content
                .requirements
                .iter()
                .map(|r| InstalledPackage {
                    name: r.name.clone(),
                    extras: r.extras.clone(),
                    location: Location::new(file, r.line, r.column),
                }),
        );
        let dir = file.rsplit_once('/').map_or("", |(dir, _)| dir);
        for include in &parsed.content.includes {
            let included = display_path(
                std::path::Path::new(""),
                &std::path::Path::new(dir).join(&include.path),
            );
            self.install_requirements_file(&included, state, depth + 1);
        }
    }

    /// `pip install .`, `poetry install`, `uv sync`: the project's `pyproject.toml`.
    fn install_project(&self, target: &str, state: &mut StageState) {
        let Some(context) = self.build.context else {
            return;
        };
        let image_path = join_image_path(&state.workdir, target);
        let pyproject = self
            .context_file_for(
                &join_image_path(&image_path, "pyproject.toml"),
                &state.copies,
            )
            .and_then(|file| context.pyprojects.iter().find(|p| p.path == file));
        let Some(pyproject) = pyproject else {
            state.has_unknown_installs = true;
            return;
        };
        if !state.installed_manifests.contains(&pyproject.path) {
            state.installed_manifests.push(Arc::clone(&pyproject.path));
        }
        state.installed.extend(
            pyproject
                .content
                .requirements
                .iter()
                .map(|r| InstalledPackage {
                    name: r.name.clone(),
                    extras: r.extras.clone(),
                    location: Location::new(&pyproject.path, r.line, r.column),
                }),
        );
    }

    /// The context file (workspace-relative) that a `COPY` put at `image_path`.
    fn context_file_for(&self, image_path: &str, copies: &[ContextCopy]) -> Option<Arc<str>> {
        let context_dir = self.build.context_dir.as_ref();
        let in_context = |relative: &str| -> Arc<str> {
            if context_dir == "." {
                Arc::from(normalize(relative))
            } else {
                Arc::from(format!("{context_dir}/{}", normalize(relative)).trim_end_matches('/'))
            }
        };
        for copy in copies.iter().rev() {
            for source in &copy.sources {
                let source = normalize(source);
                let name = source.rsplit('/').next().unwrap_or_default();
                let destination = copy.destination.trim_end_matches('/');
                // A file copied to a file path, or into a directory under its own name.
                if image_path == destination || image_path == format!("{destination}/{name}") {
                    return Some(in_context(&source));
                }
                // A directory (or the whole context) copied into a directory.
                if let Some(rest) = image_path.strip_prefix(&format!("{destination}/")) {
                    let candidate = in_context(&format!("{source}/{rest}"));
                    if self.context_has(&candidate) {
                        return Some(candidate);
                    }
                }
            }
        }
        None
    }

    fn context_has(&self, file: &str) -> bool {
        self.build.context.is_some_and(|c| {
            c.requirements.iter().any(|r| &*r.path == file)
                || c.pyprojects.iter().any(|p| &*p.path == file)
        })
    }
}

/// Where pip-installed packages live; copying one of these from a stage copies its packages.
const PACKAGE_PATH_MARKERS: [&str; 7] = [
    "site-packages",
    "dist-packages",
    "venv",
    "/install",
    "/.local",
    "/usr/local",
    "/wheels",
];

/// pip options that take a value as the next word.
const PIP_OPTIONS_WITH_VALUE: [&str; 25] = [
    "-c",
    "--constraint",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--src",
    "--upgrade-strategy",
    "--progress-bar",
    "--cache-dir",
    "--trusted-host",
    "--log",
    "--proxy",
    "--retries",
    "--timeout",
    "--exists-action",
    "--cert",
    "--client-cert",
    "--no-binary",
    "--only-binary",
];

fn skip_assignments<'a, 'b>(words: &'b [&'a str]) -> &'b [&'a str] {
    let start = words
        .iter()
        .position(|w| (w.starts_with('-') || !w.contains('=')) && *w != "sudo")
        .unwrap_or(words.len());
    &words[start..]
}

/// The arguments after `install` for `pip install`, `python -m pip install`, `uv pip install`.
fn pip_install_args<'a, 'b>(program: &str, rest: &'b [&'a str]) -> Option<&'b [&'a str]> {
    let after_pip = if program.starts_with("pip") {
        rest
    } else if program.starts_with("python")
        && rest.len() >= 2
        && rest[0] == "-m"
        && rest[1] == "pip"
    {
        &rest[2..]
    } else if program == "uv" && rest.first() == Some(&"pip") {
        &rest[1..]
    } else {
        return None;
    };
    let install = after_pip.iter().position(|w| *w == "install")?;
    after_pip[..install]
        .iter()
        .all(|w| w.starts_with('-'))
        .then(|| &after_pip[install + 1..])
}

fn is_project_install(program: &str, rest: &[&str]) -> bool {
    let action = rest.first().copied().unwrap_or_default();
    matches!(
        (program, action),
        ("poetry", "install") | ("uv", "sync") | ("pdm", "install") | ("pdm", "sync")
    )
}

fn is_venv_creation(program: &str, rest: &[&str]) -> bool {
    program == "virtualenv"
        || (program.starts_with("python")
            && rest.len() >= 2
            && rest[0] == "-m"
            && rest[1] == "venv")
        || (program == "uv" && rest.first() == Some(&"venv"))
}

/// `-a install`, `-ainstall`, `--action install`, `--action=install`.
fn option_value<'a>(words: &[&'a str], short: &str, long: &str) -> Option<&'a str> {
    let mut words = words.iter();
    while let Some(word) = words.next() {
        if *word == short || *word == long {
            return words.next().copied();
        }
        if let Some(value) = word.strip_prefix(&format!("{long}=")) {
            return Some(value);
        }
        if let Some(value) = word
            .strip_prefix(short)
            .filter(|v| !v.is_empty() && !short.starts_with("--"))
        {
            return Some(value);
        }
    }
    None
}

/// A context-relative path without `./` and trailing `/` (`.` becomes empty).
fn normalize(path: &str) -> String {
    let folded = display_path(std::path::Path::new(""), std::path::Path::new(path));
    match folded.trim_matches('/') {
        "." => String::new(),
        trimmed => trimmed.to_string(),
    }
}

/// `path` inside the image, relative to `workdir` unless absolute; `.` and `..` folded.
fn join_image_path(workdir: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{path}", workdir.trim_end_matches('/'))
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

fn shell_quote_join(items: &[String]) -> String {
    items
        .iter()
        .map(|item| format!("'{}'", item.replace('\'', "'\\''")))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_paths_fold() {
        assert_eq!(join_image_path("/", "backend"), "/backend");
        assert_eq!(
            join_image_path("/app", "./requirements.txt"),
            "/app/requirements.txt"
        );
        assert_eq!(join_image_path("/app", "/tmp/r.txt"), "/tmp/r.txt");
        assert_eq!(join_image_path("/app/x", "../r.txt"), "/app/r.txt");
    }

    #[test]
    fn pip_invocations() {
        assert_eq!(
            pip_install_args("pip3", &["install", "-r", "r.txt"]),
            Some(&["-r", "r.txt"][..])
        );
        assert_eq!(
            pip_install_args("python3", &["-m", "pip", "install", "x"]),
            Some(&["x"][..])
        );
        assert_eq!(
            pip_install_args("pip", &["--no-cache-dir", "install", "x"]),
            Some(&["x"][..])
        );
        assert_eq!(pip_install_args("pip", &["download", "x"]), None);
        assert_eq!(
            pip_install_args("uv", &["pip", "install", "x"]),
            Some(&["x"][..])
        );
        assert_eq!(
            option_value(&["-a", "install"], "-a", "--action"),
            Some("install")
        );
        assert_eq!(
            option_value(&["--action=install"], "-a", "--action"),
            Some("install")
        );
    }
}

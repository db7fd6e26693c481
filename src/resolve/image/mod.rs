//! What a service's image contains, read from its Dockerfile without building it. The stage
//! model lives here: the stages the final image is made of, each stage's `WORKDIR`, `ARG` and
//! `ENV`, what its `COPY`s bring from the build context or from another stage, and the simple
//! commands of each `RUN` with the folder they run in. What a command installs is for the
//! installers (`super::installers`, one module per tool) to say.

pub mod files;
mod made;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::environment::{EnvOrigin, EnvVar};
use super::installers::{
    self, Effect, Image, InstalledPackage, NodeInstall, Registry, SYSTEM_SITE,
};
use crate::knowledge::{node, python};
use crate::resolve::image_path::{is_within, join_image_path};
use crate::shell;
use crate::source::{Locate, Location};
use crate::workspace::dockerfile::{Args, Dockerfile, Instruction};
use crate::workspace::interpolate::interpolate;
use crate::workspace::manifest::{Pipfile, Pyproject, Requirement, RequirementsFile};
use crate::workspace::npm::{LockKind, Lockfile, PackageJson};
use crate::workspace::workload::WorkloadSpec;
use crate::workspace::{BuildContext, Workspace, display_path, folder_of};
use files::CopiedFiles;
pub use made::FileAt;
use made::{CopySource, FileEvent, Stages};

/// What a workload that runs from a workspace folder, without an image build, has: the
/// folder's files where they are, and its manifests installed the usual way (`npm install`,
/// `pip install -r requirements.txt`, `pip install .`, `pipenv install --dev`), development
/// dependencies included. `dockerfile` names the manifest that says what is installed;
/// `base` is the image it runs on, if it runs in a container (its `ENV` applies).
pub fn installed_in_place(
    workspace: &Workspace,
    context: &BuildContext,
    folder: &Arc<str>,
    base: Option<&ImageContents>,
) -> ImageContents {
    let image_dir = join_image_path("/", folder);
    let mut state = StageState::new(folder);
    state.files.add(&[".".to_string()], image_dir.clone());
    state.workdir = image_dir.clone();
    let own = |name: &str| -> Arc<str> {
        match &**folder {
            "." => Arc::from(name),
            dir => Arc::from(format!("{dir}/{name}")),
        }
    };
    let has = |paths: Vec<&Arc<str>>, name: &str| {
        let wanted = own(name);
        paths.iter().any(|p| **p == wanted)
    };
    let mut installs: Vec<(&str, Vec<&str>, Arc<str>)> = Vec::new();
    if has(
        context.package_jsons.iter().map(|p| &p.path).collect(),
        "package.json",
    ) {
        installs.push(("npm", vec!["install"], own("package.json")));
    }
    if has(
        context.requirements.iter().map(|r| &r.path).collect(),
        "requirements.txt",
    ) {
        installs.push((
            "pip",
            vec!["install", "-r", "requirements.txt"],
            own("requirements.txt"),
        ));
    } else if has(
        context.pyprojects.iter().map(|p| &p.path).collect(),
        "pyproject.toml",
    ) {
        installs.push(("pip", vec!["install", "."], own("pyproject.toml")));
    } else if has(
        context.pipfiles.iter().map(|p| &p.path).collect(),
        "Pipfile",
    ) {
        installs.push(("pipenv", vec!["install", "--dev"], own("Pipfile")));
    }
    let described = installs
        .first()
        .map_or_else(|| own("."), |(_, _, manifest)| Arc::clone(manifest));
    for (program, args, manifest) in &installs {
        let location = Location::file_start(manifest);
        let run = RunState {
            cwd: image_dir.clone(),
            activated: None,
        };
        let command = installers::Command {
            program,
            args,
            cwd: &image_dir,
            location: &location,
            stdin_is_bootstrap: false,
            stdout: None,
        };
        let effects = installers::run(
            &command,
            &ImageView {
                state: &state,
                run: &run,
                context: Some(context),
                workspace,
            },
        );
        let mut run = run;
        apply(effects, &location, &mut state, &mut run);
    }
    let closure = closure_of(&state.installed);
    let final_stage = Location::file_start(&described);
    ImageContents {
        manifests: manifests_of(context, &[&**folder], &state),
        dockerfile: described,
        final_stage,
        base_image: base.map_or_else(|| "this machine".to_string(), |b| b.base_image.clone()),
        installed: state.installed,
        closure,
        bootstrap: state.bootstrap,
        lost: Vec::new(),
        env: base.map(|b| b.env.clone()).unwrap_or_default(),
        args: base.map(|b| b.args.clone()).unwrap_or_default(),
        build_images: base.map(|b| b.build_images.clone()).unwrap_or_default(),
        workdir: state.workdir,
        user: base.and_then(|b| b.user.clone()),
        files: state.files,
        // What the image's own stages made is still there; the folder run in place (this
        // machine's, or mounted) has files no Dockerfile made: it never starts clean.
        histories: base.map(|b| b.histories.clone()).unwrap_or_default(),
        final_index: base.map_or(0, |b| b.final_index),
        clean_starts: Vec::new(),
        has_unknown_installs: state.has_unknown_installs,
        node_installs: state.node_installs,
    }
}

/// OpenTelemetry packages installed in a stage whose files never reach the final image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostInstall {
    pub stage: String,
    pub packages: Vec<String>,
    /// Where the stage installed them (a virtualenv, a prefix, a `node_modules`).
    pub site: String,
    /// The `RUN` that installed them.
    pub location: Location,
}

/// A dependency manifest of the service, and whether the image installs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub path: Arc<str>,
    pub requirements: Vec<Listed>,
    pub installed: bool,
}

/// A requirement as a manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub requirement: Requirement,
    pub location: Location,
    /// The optional part that lists it (`group otel`, `extra otel`, `dev-packages`); `None`
    /// for what installing the manifest always installs.
    pub part: Option<String>,
    /// The version range as written (`^2.0.0`): `package.json` entries only.
    pub range: Option<String>,
    /// The version the lockfile beside `package.json` pins for it, if it has one.
    pub locked: Option<Locked>,
}

/// A version a lockfile pins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locked {
    pub version: String,
    pub lockfile: Arc<str>,
}

impl Manifest {
    pub fn otel_requirements(&self) -> impl Iterator<Item = &Listed> {
        self.requirements
            .iter()
            .filter(|l| is_otel_package(&l.requirement.name))
    }

    /// How an image installs this kind of manifest.
    pub fn install_instructions(&self) -> String {
        let file = self.path.rsplit('/').next().unwrap_or(&self.path);
        match file {
            "package.json" => "COPY package*.json ./\nRUN npm ci --omit=dev".to_string(),
            "pyproject.toml" => format!("COPY {file} .\nRUN pip install ."),
            "Pipfile" => "COPY Pipfile Pipfile.lock ./
RUN pip install pipenv && pipenv install --system --deploy"
                .to_string(),
            _ => format!("COPY {file} .\nRUN pip install -r {file}"),
        }
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
    /// The service's own manifests: those the image installs, and those beside its
    /// Dockerfile or at the root of its build context. Other folders of a shared context
    /// belong to other services.
    pub manifests: Vec<Manifest>,
    /// The final stage's `ENV`, in order.
    pub env: Vec<EnvVar>,
    /// The final image's `ARG`s.
    pub args: Vec<ImageArg>,
    /// The base images of the other stages (where a binary copied into `scratch` was built).
    build_images: Vec<String>,
    /// The final stage's `WORKDIR`: where the command runs.
    pub workdir: String,
    /// The final stage's `USER`, and where it is set.
    pub user: Option<(String, Location)>,
    files: CopiedFiles,
    /// What each stage's instructions did to its files, for `file_at`.
    histories: Vec<Vec<FileEvent>>,
    /// The final stage's index in `histories`.
    final_index: usize,
    /// Which stages start from an image that brings none of the app's files.
    clean_starts: Vec<bool>,
    /// Something was installed that cannot be read here (`pip install -r $FILE`, a wheel, a
    /// `node_modules` copied from the build context).
    pub has_unknown_installs: bool,
    /// The Node.js projects installed (`npm ci --omit=dev`), with how.
    pub node_installs: Vec<NodeInstall>,
}

impl ImageContents {
    /// Whether a package is present, counting what installed packages pull in.
    pub fn has(&self, package: &str) -> bool {
        self.closure.contains(package) || self.closure.iter().any(|p| node::brings(p, package))
    }

    /// Whether the image installs (or its manifests list) OpenTelemetry for the service
    /// itself: browser packages run in the visitors' browsers, not in the container.
    pub fn lists_opentelemetry(&self) -> bool {
        let server_side = |name: &str| is_otel_package(name) && !node::is_browser_package(name);
        self.closure.iter().any(|p| server_side(p))
            || self
                .manifests
                .iter()
                .flat_map(|m| m.otel_requirements())
                .any(|l| server_side(&l.requirement.name))
    }

    /// As a manifest fix leaves the image: the packages installed beside the others, with
    /// what they pull in.
    pub fn install(&mut self, packages: &[String]) {
        for name in packages {
            let registry = if name.starts_with('@') || !self.node_installs.is_empty() {
                Registry::Npm { dev: false }
            } else {
                Registry::PyPi
            };
            self.installed.push(InstalledPackage {
                name: name.clone(),
                extras: Vec::new(),
                location: self.final_stage.clone(),
                site: String::new(),
                registry,
            });
        }
        self.closure = closure_of(&self.installed);
    }

    pub fn build_images(&self) -> impl Iterator<Item = &str> {
        self.build_images.iter().map(String::as_str)
    }

    pub fn is_python(&self) -> bool {
        self.base_image.starts_with("python")
            || self.installed.iter().any(|p| p.registry == Registry::PyPi)
            || self
                .manifests
                .iter()
                .any(|m| m.installed && !m.path.ends_with("package.json"))
    }

    /// A `devDependencies` entry of an installed `package.json` that would bring `package`,
    /// and the install that left development dependencies out.
    pub fn left_out_dev_dependency(&self, package: &str) -> Option<(&Listed, &NodeInstall)> {
        self.node_installs
            .iter()
            .filter(|install| install.production.is_some())
            .find_map(|install| {
                let manifest = self.manifests.iter().find(|m| m.path == install.manifest)?;
                let listed = manifest.requirements.iter().find(|l| {
                    l.part.as_deref() == Some(DEV_DEPENDENCIES)
                        && (l.requirement.name == package
                            || node::installed_closure([l.requirement.name.as_str()])
                                .contains(package)
                            || node::brings(&l.requirement.name, package))
                })?;
                Some((listed, install))
            })
    }

    /// What the final image has at `image_path`, and what put it there: a download, a `COPY`,
    /// a file moved there, followed through `COPY --from` into other stages.
    pub fn file_at(&self, image_path: &str) -> FileAt {
        let history = self
            .histories
            .get(self.final_index)
            .map_or(&[][..], Vec::as_slice);
        made::file_at(history, image_path, self)
    }

    /// Whether the final image starts from an image that brings none of the app's files (a
    /// public language image, `scratch`): what its Dockerfile does not make, it does not have.
    pub fn starts_clean(&self) -> bool {
        Stages::starts_clean(self, self.final_index)
    }

    /// Whether files of the build context are copied into this image folder.
    pub fn copies_into(&self, image_dir: &str) -> bool {
        self.files.copies_into(image_dir)
    }

    /// The folder the Dockerfile is in, as the workspace shows it.
    pub fn dockerfile_folder(&self) -> &str {
        folder_of(&self.dockerfile)
    }

    /// Whether a workspace file is copied into the final image.
    pub fn contains(&self, file: &str) -> bool {
        self.files.contains(file)
    }

    /// The workspace file a `COPY` of the final image put at `image_path`.
    pub fn source_of(&self, image_path: &str, exists: impl Fn(&str) -> bool) -> Option<Arc<str>> {
        self.files.source_of(image_path, exists)
    }

    /// Where a workspace file of the build context lands in the image, if it is copied in.
    pub fn image_path_of(&self, file: &str) -> Option<String> {
        self.files.image_path_of(file)
    }

    /// Whether a missing package would be there if a manifest of the service were installed,
    /// or a build stage's packages copied: those causes have their own rules and fixes.
    pub fn provided_elsewhere(&self, package: &str) -> bool {
        let uninstalled: Vec<&Requirement> = self
            .manifests
            .iter()
            .filter(|m| !m.installed)
            .flat_map(|m| &m.requirements)
            .map(|l| &l.requirement)
            .collect();
        python::installed_closure(
            uninstalled
                .iter()
                .map(|r| (r.name.as_str(), r.extras.as_slice())),
        )
        .contains(package)
            || node::installed_closure(uninstalled.iter().map(|r| r.name.as_str()))
                .contains(package)
            || self.left_out_dev_dependency(package).is_some()
            || self
                .lost
                .iter()
                .any(|l| l.packages.iter().any(|p| p == package))
    }
}

impl Stages for ImageContents {
    fn history(&self, stage: usize) -> &[FileEvent] {
        self.histories.get(stage).map_or(&[], Vec::as_slice)
    }

    fn starts_clean(&self, stage: usize) -> bool {
        self.clean_starts.get(stage).copied().unwrap_or(false)
    }
}

/// The part of `package.json` that production installs leave out.
pub const DEV_DEPENDENCIES: &str = "devDependencies";

/// Whether a package of any registry is OpenTelemetry's (or Honeycomb's distributions).
pub fn is_otel_package(name: &str) -> bool {
    python::is_otel_package(name) || node::is_otel_package(name)
}

/// The Dockerfile a service builds and the chain of stages its image is made of.
pub struct Build<'a> {
    pub path: &'a Arc<str>,
    pub dockerfile: &'a Dockerfile,
    /// Stage indices from the first ancestor to the final stage.
    pub chain: Vec<usize>,
    pub context_dir: Arc<str>,
    pub context: Option<&'a BuildContext>,
    /// The build arguments the launcher passes (`build.args`, `--build-arg`), by name.
    pub args: Vec<(String, String)>,
    workspace: &'a Workspace,
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

    /// The folder the Dockerfile is in, as the workspace shows it.
    fn dockerfile_dir(&self) -> &str {
        folder_of(self.path)
    }

    /// What any stage copies in from the build context: source compiled in a build stage
    /// ends up in the binary that the final stage copies from it.
    pub fn copied_by_any_stage(&self) -> files::CopiedFiles {
        let mut copied = files::CopiedFiles::new(&self.context_dir);
        let copies =
            self.dockerfile.instructions.iter().filter(|i| {
                matches!(i.keyword.as_str(), "COPY" | "ADD") && i.flag("from").is_none()
            });
        for instruction in copies {
            let mut paths: Vec<String> = match &instruction.args {
                Args::Exec(items) => items.clone(),
                Args::Shell(text) => shell::split(text).into_iter().map(|w| w.text).collect(),
            };
            if let Some(destination) = paths.pop() {
                copied.add(&paths, destination);
            }
        }
        copied
    }
}

pub fn build_of<'a>(workspace: &'a Workspace, service: &WorkloadSpec) -> Option<Build<'a>> {
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
    let args = build
        .args
        .iter()
        .filter_map(|arg| {
            let value = match &arg.value {
                Some(text) => text.value.clone(),
                // `- NAME`: from the environment compose (or docker) runs in.
                None => workspace
                    .variables_for(&arg.location.file)
                    .lookup(&arg.name)?,
            };
            Some((arg.name.clone(), value))
        })
        .collect();
    Some(Build {
        path,
        dockerfile,
        chain: stage_chain(dockerfile, final_stage),
        context: workspace.contexts.get(&context_dir),
        context_dir,
        args,
        workspace,
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

/// What a stage leaves behind.
#[derive(Debug, Clone)]
struct StageState {
    workdir: String,
    /// `ARG` and `ENV` values in scope, and tool settings commands made: the latest of each.
    vars: HashMap<String, String>,
    files: CopiedFiles,
    installed: Vec<InstalledPackage>,
    install_locations: Vec<Location>,
    venvs: Vec<String>,
    /// Requirements files commands wrote (`poetry export -o ...`), by image path.
    generated: Vec<(String, Vec<InstalledPackage>)>,
    bootstrap: Option<Location>,
    installed_manifests: Vec<Arc<str>>,
    has_unknown_installs: bool,
    node_installs: Vec<NodeInstall>,
    /// What its instructions did to files, in order (a stage built on another starts with
    /// that one's).
    history: Vec<FileEvent>,
    user: Option<(String, Location)>,
}

impl StageState {
    fn new(context_dir: &Arc<str>) -> Self {
        StageState {
            workdir: "/".into(),
            vars: HashMap::from([
                ("HOME".into(), "/root".into()),
                (
                    "PATH".into(),
                    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
                ),
            ]),
            files: CopiedFiles::new(context_dir),
            installed: Vec::new(),
            install_locations: Vec::new(),
            venvs: Vec::new(),
            generated: Vec::new(),
            bootstrap: None,
            installed_manifests: Vec::new(),
            has_unknown_installs: false,
            node_installs: Vec::new(),
            history: Vec::new(),
            user: None,
        }
    }

    fn var(&self, name: &str) -> Option<String> {
        self.vars.get(name).cloned()
    }

    /// `$VAR`/`${VAR}` from the stage's `ARG`/`ENV`, as Docker substitutes them in
    /// `WORKDIR`, `COPY` and `ENV`; unknown references stay as written.
    fn substitute(&self, text: &str) -> String {
        if !text.contains('$') {
            return text.to_string();
        }
        interpolate(text, &|name| self.var(name)).map_or_else(|_| text.to_string(), |i| i.value)
    }
}

pub fn contents(build: &Build) -> ImageContents {
    let mut states: Vec<Option<StageState>> = vec![None; build.dockerfile.stages.len()];
    for stage in 0..build.dockerfile.stages.len() {
        let state = StageReader {
            build,
            states: &states,
        }
        .read(stage);
        states[stage] = Some(state);
    }
    let final_index = *build.chain.last().unwrap_or(&0);
    let state = states[final_index]
        .clone()
        .unwrap_or_else(|| StageState::new(&build.context_dir));
    let closure = closure_of(&state.installed);
    let lost = lost_installs(build, &states, &closure);
    let from = &build.dockerfile.instructions[build.dockerfile.stages[final_index].from];
    let (env, args) = image_env(build);
    ImageContents {
        dockerfile: Arc::clone(build.path),
        final_stage: Location::new(build.path, from.line, from.column),
        base_image: build.dockerfile.stages[final_index].base.clone(),
        manifests: manifests(build, &state),
        installed: state.installed,
        closure,
        bootstrap: state.bootstrap,
        lost,
        env,
        args,
        build_images: build
            .dockerfile
            .stages
            .iter()
            .enumerate()
            .filter(|(index, _)| *index != final_index)
            .map(|(_, stage)| stage.base.clone())
            .collect(),
        workdir: state.workdir,
        user: state.user,
        files: state.files,
        has_unknown_installs: state.has_unknown_installs,
        node_installs: state.node_installs,
        histories: states
            .into_iter()
            .map(|s| s.map(|s| s.history).unwrap_or_default())
            .collect(),
        final_index,
        clean_starts: (0..build.dockerfile.stages.len())
            .map(|stage| starts_clean(build.dockerfile, stage))
            .collect(),
    }
}

/// Whether a stage's chain starts from a public image of a language (or `scratch`), which
/// holds none of the app's files.
fn starts_clean(dockerfile: &Dockerfile, stage: usize) -> bool {
    let first = stage_chain(dockerfile, stage)[0];
    let base = &dockerfile.stages[first].base;
    base == "scratch" || crate::knowledge::languages::of_image(base).is_some()
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
            // What the stage installed that the final image lacks (named as installed, not
            // with everything they pull in).
            let mut packages: Vec<String> = state
                .installed
                .iter()
                .map(|p| p.name.clone())
                .filter(|name| is_otel_package(name) && !final_closure.contains(name))
                .collect();
            packages.sort();
            packages.dedup();
            let location = state.install_locations.first()?.clone();
            let site = state
                .installed
                .iter()
                .find(|p| packages.contains(&p.name))
                .map(|p| p.site.clone())
                .unwrap_or_default();
            (!packages.is_empty()).then(|| LostInstall {
                stage: stage_name(build.dockerfile, index),
                packages,
                site,
                location,
            })
        })
        .collect()
}

fn closure_of(installed: &[InstalledPackage]) -> BTreeSet<String> {
    let mut closure = python::installed_closure(
        installed
            .iter()
            .filter(|p| p.registry == Registry::PyPi)
            .map(|p| (p.name.as_str(), p.extras.as_slice())),
    );
    closure.extend(node::installed_closure(
        installed
            .iter()
            .filter(|p| p.registry != Registry::PyPi)
            .map(|p| p.name.as_str()),
    ));
    closure
}

fn stage_name(dockerfile: &Dockerfile, index: usize) -> String {
    dockerfile.stages[index]
        .name
        .clone()
        .unwrap_or_else(|| index.to_string())
}

/// The service's manifests: every one the image installs, and those it could have meant to
/// (beside its Dockerfile, or at the root of its build context).
fn manifests(build: &Build, state: &StageState) -> Vec<Manifest> {
    let Some(context) = build.context else {
        return Vec::new();
    };
    manifests_of(
        context,
        &[build.dockerfile_dir(), build.context_dir.as_ref()],
        state,
    )
}

/// The manifests of a context in these folders, and those the image installs.
fn manifests_of(context: &BuildContext, own_folders: &[&str], state: &StageState) -> Vec<Manifest> {
    let is_own = |path: &str| {
        let folder = folder_of(path);
        own_folders.contains(&folder) || state.installed_manifests.iter().any(|m| &**m == path)
    };
    let located = |path: &Arc<str>, requirements: Vec<(&Requirement, Option<String>)>| Manifest {
        installed: state.installed_manifests.contains(path),
        requirements: requirements
            .into_iter()
            .map(|(r, part)| Listed {
                requirement: r.clone(),
                location: Location::new(path, r.line, r.column),
                part,
                range: None,
                locked: None,
            })
            .collect(),
        path: Arc::clone(path),
    };
    let requirements = context.requirements.iter().map(|f| {
        let listed = f.content.requirements.iter().map(|r| (r, None));
        located(&f.path, listed.collect())
    });
    let pyprojects = context.pyprojects.iter().map(|f| {
        let project = &f.content;
        let main = project.dependencies.iter().map(|r| (r, None));
        let extras = project.extras.iter().flat_map(|e| {
            e.requirements
                .iter()
                .map(move |r| (r, Some(format!("the extra `{}`", e.name))))
        });
        let groups = project.groups.iter().flat_map(|g| {
            let kind = if g.optional {
                "the optional group"
            } else {
                "the group"
            };
            g.requirements
                .iter()
                .map(move |r| (r, Some(format!("{kind} `{}`", g.name))))
        });
        located(&f.path, main.chain(extras).chain(groups).collect())
    });
    let pipfiles = context.pipfiles.iter().map(|f| {
        let packages = f.content.packages.iter().map(|r| (r, None));
        let dev = f
            .content
            .dev_packages
            .iter()
            .map(|r| (r, Some("[dev-packages]".to_string())));
        located(&f.path, packages.chain(dev).collect())
    });
    // `package.json` entries, as requirements (npm names are not PEP 503-normalized).
    type Listing = Vec<(Requirement, Option<String>, String)>;
    let package_jsons: Vec<(Arc<str>, Listing)> = context
        .package_jsons
        .iter()
        .map(|f| {
            let entry = |e: &crate::workspace::npm::Entry| Requirement {
                name: e.name.clone(),
                extras: Vec::new(),
                line: e.line,
                column: e.column,
            };
            let main = f
                .content
                .dependencies
                .iter()
                .chain(&f.content.optional_dependencies)
                .map(|e| (entry(e), None, e.value.clone()));
            let dev = f.content.dev_dependencies.iter().map(|e| {
                let part = Some(DEV_DEPENDENCIES.to_string());
                (entry(e), part, e.value.clone())
            });
            (Arc::clone(&f.path), main.chain(dev).collect())
        })
        .collect();
    let package_jsons = package_jsons.iter().map(|(path, requirements)| {
        let mut manifest = located(
            path,
            requirements
                .iter()
                .map(|(r, part, _)| (r, part.clone()))
                .collect(),
        );
        let lockfile = context
            .lockfiles
            .iter()
            .find(|l| folder_of(&l.path) == folder_of(path));
        for (listed, (_, _, range)) in manifest.requirements.iter_mut().zip(requirements) {
            listed.locked = lockfile.and_then(|l| {
                Some(Locked {
                    version: l
                        .content
                        .pinned(&listed.requirement.name, range)?
                        .to_string(),
                    lockfile: Arc::clone(&l.path),
                })
            });
            listed.range = Some(range.clone());
        }
        manifest
    });
    requirements
        .chain(pyprojects)
        .chain(pipfiles)
        .chain(package_jsons)
        .filter(|m| is_own(&m.path))
        .collect()
}

/// The final image's `ENV`, with `$VAR` references expanded from earlier `ARG`s (the
/// launcher's build argument, else the default) and `ENV` values of the same stages, as Docker
/// does at build time; and its `ARG`s, with whether an `ENV` uses each.
fn image_env(build: &Build) -> (Vec<EnvVar>, Vec<ImageArg>) {
    let source = build.path;
    // The latest value of each name, and where each `ENV` variable and `ARG` is: a lookup per
    // variable, not a search (a Dockerfile may set thousands).
    let mut known: HashMap<String, String> = HashMap::new();
    let mut env: Vec<Option<EnvVar>> = Vec::new();
    let mut env_at: HashMap<String, usize> = HashMap::new();
    let mut args: Vec<Option<ImageArg>> = Vec::new();
    let mut args_at: HashMap<String, usize> = HashMap::new();
    for instruction in build.instructions() {
        if instruction.keyword != "ENV" && instruction.keyword != "ARG" {
            continue;
        }
        for pair in instruction.env_pairs() {
            let lookup = |name: &str| known.get(name).cloned();
            let raw = pair.value.clone().unwrap_or_default();
            let interpolated = interpolate(&raw, &lookup);
            let value = interpolated
                .as_ref()
                .map_or_else(|_| raw.clone(), |i| i.value.clone());
            let given = build
                .args
                .iter()
                .find(|(name, _)| instruction.keyword == "ARG" && *name == pair.name);
            known.insert(
                pair.name.clone(),
                given.map_or_else(|| value.clone(), |(_, v)| v.clone()),
            );
            if instruction.keyword == "ARG" {
                // An `ARG` declared again moves to where it was declared last.
                if let Some(earlier) = args_at.insert(pair.name.clone(), args.len()) {
                    args[earlier] = None;
                }
                args.push(Some(ImageArg {
                    name: pair.name.clone(),
                    location: Location::new(source, pair.line, pair.column),
                    default: pair.value.clone(),
                    in_env: false,
                }));
            }
            if instruction.keyword == "ENV" {
                for used in interpolated.iter().flat_map(|i| &i.uses) {
                    if let Some(arg) = args_at.get(&used.name).and_then(|&at| args[at].as_mut()) {
                        arg.in_env = true;
                    }
                }
                // A variable set again moves to where it was set last.
                if let Some(earlier) = env_at.insert(pair.name.clone(), env.len()) {
                    env[earlier] = None;
                }
                env.push(Some(EnvVar {
                    name: pair.name.clone(),
                    value,
                    raw,
                    location: Location::new(source, pair.line, pair.column),
                    origin: EnvOrigin::Dockerfile,
                    uses: Vec::new(),
                    merged_at: None,
                    resolved: true,
                }));
            }
        }
    }
    (
        env.into_iter().flatten().collect(),
        args.into_iter().flatten().collect(),
    )
}

/// An `ARG` of the final image: a variable while the image builds, which the running container
/// gets only through an `ENV` that uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageArg {
    pub name: String,
    pub location: Location,
    /// `ARG NAME=default`, as written.
    pub default: Option<String>,
    /// An `ENV` of the final image uses it (`ENV NAME=$NAME`).
    pub in_env: bool,
}

struct StageReader<'a> {
    build: &'a Build<'a>,
    states: &'a [Option<StageState>],
}

impl StageReader<'_> {
    fn read(&self, stage: usize) -> StageState {
        let mut state = parent_stage(self.build.dockerfile, stage)
            .and_then(|parent| self.states[parent].clone())
            .unwrap_or_else(|| StageState::new(&self.build.context_dir));
        for instruction in self.build.stage_instructions(stage) {
            match instruction.keyword.as_str() {
                "WORKDIR" => {
                    if let Args::Shell(dir) = &instruction.args {
                        let dir = state.substitute(dir.trim());
                        state.workdir = join_image_path(&state.workdir, &dir);
                    }
                }
                "ARG" => self.arg(instruction, &mut state),
                "ENV" => {
                    for pair in instruction.env_pairs() {
                        let value = state.substitute(pair.value.as_deref().unwrap_or_default());
                        state.vars.insert(pair.name.clone(), value);
                    }
                }
                "COPY" | "ADD" => self.copy(instruction, &mut state),
                "RUN" => self.run(instruction, &mut state),
                "USER" => {
                    if let Args::Shell(name) = &instruction.args {
                        let name = state.substitute(name.trim());
                        state.user = Some((name, self.at(instruction)));
                    }
                }
                _ => {}
            }
        }
        state
    }

    /// `ARG NAME` in a stage brings the global `ARG`'s default into scope.
    fn arg(&self, instruction: &Instruction, state: &mut StageState) {
        let dockerfile = self.build.dockerfile;
        for pair in instruction.env_pairs() {
            let value = match &pair.value {
                Some(value) => Some(state.substitute(value)),
                None => dockerfile
                    .global_args
                    .iter()
                    .flat_map(|&i| dockerfile.instructions[i].env_pairs())
                    .rev()
                    .find(|global| global.name == pair.name)
                    .and_then(|global| global.value.clone()),
            };
            if let Some(value) = value {
                state.vars.insert(pair.name.clone(), value);
            }
        }
    }

    fn copy(&self, instruction: &Instruction, state: &mut StageState) {
        let mut paths: Vec<String> = match &instruction.args {
            Args::Exec(items) => items.clone(),
            Args::Shell(text) => shell::split(text).into_iter().map(|w| w.text).collect(),
        };
        paths.iter_mut().for_each(|p| *p = state.substitute(p));
        let Some(destination) = paths.pop() else {
            return;
        };
        let written = destination;
        let destination = join_image_path(&state.workdir, &written);
        // A folder: written as one (`/app/`, `.`), the working directory, or where several
        // sources go. Docker copies into an existing folder under the source's own name.
        let into_folder = written.ends_with('/')
            || written.ends_with("/.")
            || matches!(written.as_str(), "." | "..")
            || destination == state.workdir
            || destination == "/"
            || paths.len() > 1;
        self.record_copy(instruction, &paths, &destination, into_folder, state);
        match instruction.flag("from") {
            Some(from) => self.copy_from_stage(from, &paths, &destination, instruction, state),
            None => {
                state.has_unknown_installs |= self.copies_node_modules(&paths);
                state.files.add(&paths, destination);
            }
        }
    }

    fn at(&self, instruction: &Instruction) -> Location {
        Location::new(self.build.path, instruction.line, instruction.column)
    }

    /// What a `COPY`/`ADD` does to the stage's files: `ADD <url>` downloads one (mode 600,
    /// owned by root, unless `--chmod`/`--chown` say otherwise), `ADD` of a local archive
    /// unpacks it, and a copy brings what its sources hold.
    fn record_copy(
        &self,
        instruction: &Instruction,
        sources: &[String],
        destination: &str,
        into_folder: bool,
        state: &mut StageState,
    ) {
        let by = self.at(instruction);
        let add = instruction.keyword == "ADD";
        let from = instruction.flag("from");
        let mut copied = Vec::new();
        for source in sources {
            let name = source.rsplit('/').next().unwrap_or(source);
            let lands = if into_folder {
                format!("{}/{name}", destination.trim_end_matches('/'))
            } else {
                destination.to_string()
            };
            let is_url = source.starts_with("http://") || source.starts_with("https://");
            if add && is_url {
                state.history.push(FileEvent::Made {
                    path: lands,
                    origin: Some(source.clone()),
                    by: by.clone(),
                    private: instruction.flag("chmod").is_none()
                        && instruction.flag("chown").is_none(),
                });
            } else if add && from.is_none() && is_local_archive(source) {
                // `ADD agent.tar.gz /opt/` unpacks the archive there.
                state.history.push(FileEvent::Unpacked {
                    folder: destination.to_string(),
                    by: by.clone(),
                });
            } else {
                copied.push(source.clone());
            }
        }
        if copied.is_empty() {
            return;
        }
        let from = match from {
            None => CopySource::Context,
            Some(name) => {
                let name = name.to_ascii_lowercase();
                self.build
                    .dockerfile
                    .stages
                    .iter()
                    .position(|s| s.name.as_deref() == Some(name.as_str()))
                    .or_else(|| name.parse::<usize>().ok())
                    .map_or(CopySource::Image, CopySource::Stage)
            }
        };
        state.history.push(FileEvent::Copied {
            from,
            sources: copied,
            destination: destination.to_string(),
            into_folder,
            by,
        });
    }

    /// Whether a `COPY` from the context brings a `node_modules` folder along (one that
    /// `.dockerignore` does not leave out): what it holds was installed outside the build.
    fn copies_node_modules(&self, sources: &[String]) -> bool {
        let Some(context) = self.build.context else {
            return false;
        };
        let ignored = |folder: &str| {
            let relative = match &*self.build.context_dir {
                "." => folder.to_string(),
                dir => folder
                    .strip_prefix(dir)
                    .map_or(folder, |r| r.trim_start_matches('/'))
                    .to_string(),
            };
            let path = if relative.is_empty() || relative == "." {
                "node_modules".to_string()
            } else {
                format!("{relative}/node_modules")
            };
            context.dockerignore.iter().any(|pattern| {
                let pattern = pattern.trim_start_matches('/').trim_end_matches('/');
                pattern == path
                    || pattern == "**/node_modules"
                    || pattern == "*/node_modules" && path.matches('/').count() == 1
            })
        };
        let copies = CopiedFiles::new(&self.build.context_dir);
        context.node_modules.iter().any(|folder| {
            let marker = format!("{folder}/node_modules/x");
            let mut only_this = copies.clone();
            only_this.add(sources, "/".into());
            only_this.contains(&marker) && !ignored(folder)
        })
    }

    /// `COPY --from=builder /opt/venv /opt/venv` brings along the builder's packages installed
    /// under what it copies (a virtualenv, a `--prefix`, site-packages, `~/.local`).
    fn copy_from_stage(
        &self,
        from: &str,
        sources: &[String],
        destination: &str,
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
        let carried: Vec<InstalledPackage> = source_state
            .installed
            .iter()
            .filter(|package| {
                sources.iter().any(|source| {
                    let source = join_image_path("/", source);
                    is_within(&package.site, &source)
                        || is_within(&source, &package.site)
                        || (package.site == SYSTEM_SITE && source.contains("site-packages"))
                })
            })
            .map(|package| {
                let site = sources
                    .iter()
                    .map(|source| join_image_path("/", source))
                    .find_map(|source| {
                        let rest = package.site.strip_prefix(source.trim_end_matches('/'))?;
                        (rest.is_empty() || rest.starts_with('/'))
                            .then(|| join_image_path(destination, rest.trim_start_matches('/')))
                    })
                    .unwrap_or_else(|| destination.to_string());
                InstalledPackage {
                    site,
                    ..package.clone()
                }
            })
            .collect();
        if carried.is_empty() {
            return;
        }
        for install in &source_state.node_installs {
            if !state.node_installs.contains(install) {
                state.node_installs.push(install.clone());
            }
        }
        state.install_locations.push(Location::new(
            self.build.path,
            instruction.line,
            instruction.column,
        ));
        state.installed.extend(carried);
        state.bootstrap = state.bootstrap.take().or(source_state.bootstrap.clone());
        state.has_unknown_installs |= source_state.has_unknown_installs;
        for manifest in &source_state.installed_manifests {
            if !state.installed_manifests.contains(manifest) {
                state.installed_manifests.push(Arc::clone(manifest));
            }
        }
        for venv in &source_state.venvs {
            if !state.venvs.contains(venv) {
                state.venvs.push(venv.clone());
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
        let installed_before = state.installed.len();
        let mut run = RunState {
            cwd: state.workdir.clone(),
            activated: None,
        };
        for script in &scripts {
            let words = shell::split(script);
            let mut after_bootstrap_requirements = false;
            for (command, piped) in simple_commands(&words) {
                let texts: Vec<&str> = command.iter().map(|w| w.text.as_str()).collect();
                let (texts, stdout) = without_redirects(&texts);
                let texts = skip_prefixes(&texts, state);
                let Some((program, args)) = texts.split_first() else {
                    continue;
                };
                if *program == "cd" {
                    let dir = args
                        .first()
                        .map_or("/root".to_string(), |d| state.substitute(d));
                    run.cwd = join_image_path(&run.cwd, &dir);
                    continue;
                }
                let is_bootstrap_requirements = *program == "opentelemetry-bootstrap"
                    && installers::option_value(args, "-a", "--action") == Some("requirements");
                let stdout = stdout.map(|s| state.substitute(s));
                let command = installers::Command {
                    program,
                    args,
                    cwd: &run.cwd,
                    location: &location,
                    stdin_is_bootstrap: piped && after_bootstrap_requirements,
                    stdout: stdout.as_deref(),
                };
                let effects = installers::run(
                    &command,
                    &ImageView {
                        state,
                        run: &run,
                        context: self.build.context,
                        workspace: self.build.workspace,
                    },
                );
                if effects.is_empty() {
                    // What an installer does not install, it may make files with.
                    let substituted: Vec<String> =
                        args.iter().map(|a| state.substitute(a)).collect();
                    state.history.extend(made::effects(
                        program,
                        &substituted,
                        &run.cwd,
                        stdout.as_deref(),
                        &location,
                    ));
                }
                apply(effects, &location, state, &mut run);
                after_bootstrap_requirements = is_bootstrap_requirements;
            }
        }
        if state.installed.len() > installed_before || state.bootstrap.as_ref() == Some(&location) {
            state.install_locations.push(location);
        }
    }
}

/// What a `RUN` changes for the commands after it in the same `RUN`.
struct RunState {
    cwd: String,
    activated: Option<String>,
}

fn apply(effects: Vec<Effect>, location: &Location, state: &mut StageState, run: &mut RunState) {
    for effect in effects {
        match effect {
            Effect::Installed(packages) => state.installed.extend(packages),
            Effect::ManifestInstalled(path) => {
                if !state.installed_manifests.contains(&path) {
                    state.installed_manifests.push(path);
                }
            }
            Effect::Generated { path, packages } => state.generated.push((path, packages)),
            Effect::VenvCreated(dir) => state.venvs.push(dir),
            Effect::VenvActivated(dir) => run.activated = Some(dir),
            Effect::Setting(name, value) => {
                state.vars.insert(name, value);
            }
            Effect::Bootstrap => state.bootstrap = Some(location.clone()),
            Effect::Unknown => state.has_unknown_installs = true,
            Effect::NodeInstall(install) => state.node_installs.push(install),
            Effect::DevPruned(node_modules) => state
                .installed
                .retain(|p| !(p.site == node_modules && p.registry == Registry::Npm { dev: true })),
        }
    }
}

/// The simple commands of a line, each with whether it reads a pipe.
fn simple_commands(words: &[shell::Word]) -> Vec<(&[shell::Word], bool)> {
    let mut commands = Vec::new();
    let mut start = 0;
    let mut piped = false;
    for (index, word) in words.iter().enumerate() {
        if word.operator {
            if index > start {
                commands.push((&words[start..index], piped));
            }
            piped = word.text == "|";
            start = index + 1;
        }
    }
    if words.len() > start {
        commands.push((&words[start..], piped));
    }
    commands
}

/// The words without their redirections, and where standard output goes (`> file`).
fn without_redirects<'a>(words: &[&'a str]) -> (Vec<&'a str>, Option<&'a str>) {
    let mut kept = Vec::new();
    let mut stdout = None;
    let mut iter = words.iter();
    while let Some(&word) = iter.next() {
        match word {
            ">" | "1>" | ">>" => stdout = iter.next().copied(),
            "2>" | "<" | "2>>" | "&>" => {
                iter.next();
            }
            _ if word.starts_with("2>") || word.starts_with('<') || word.starts_with("&>") => {}
            _ if word.starts_with(">>") => stdout = Some(&word[2..]),
            _ if word.starts_with('>') => stdout = Some(&word[1..]),
            _ => kept.push(word),
        }
    }
    (kept, stdout)
}

/// Drops what runs the real command: `VAR=x`, `sudo`, `export` (which also sets a variable
/// for the rest of the `RUN`), `exec`, `env`.
fn skip_prefixes<'a, 'b>(words: &'b [&'a str], state: &mut StageState) -> &'b [&'a str] {
    let mut words = words;
    while let Some((first, rest)) = words.split_first() {
        let assignment = first.split_once('=').filter(|(name, _)| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        if let Some((name, value)) = assignment {
            let value = state.substitute(value);
            state.vars.insert(name.to_string(), value);
        } else if *first == "export" {
            for pair in rest {
                if let Some((name, value)) = pair.split_once('=') {
                    let value = state.substitute(value);
                    state.vars.insert(name.to_string(), value);
                }
            }
            return &[];
        } else if !matches!(*first, "sudo" | "exec" | "env" | "command" | "time") {
            break;
        }
        words = rest;
    }
    words
}

/// The image at a command, as installers see it.
struct ImageView<'a> {
    state: &'a StageState,
    run: &'a RunState,
    context: Option<&'a BuildContext>,
    workspace: &'a Workspace,
}

impl ImageView<'_> {
    fn context_file(&self, image_path: &str) -> Option<Arc<str>> {
        let context = self.context?;
        self.state.files.source_of(image_path, |path| {
            context.requirements.iter().any(|r| &*r.path == path)
                || context.pyprojects.iter().any(|p| &*p.path == path)
                || context.pipfiles.iter().any(|p| &*p.path == path)
                || context.package_jsons.iter().any(|p| &*p.path == path)
                || context.lockfiles.iter().any(|p| &*p.path == path)
        })
    }
}

impl Image for ImageView<'_> {
    fn var(&self, name: &str) -> Option<String> {
        self.state.var(name)
    }

    fn requirements_at(&self, image_path: &str) -> Option<(Arc<str>, &RequirementsFile)> {
        let file = self.context_file(image_path)?;
        let parsed = self.context?.requirements.iter().find(|r| r.path == file)?;
        Some((file, &parsed.content))
    }

    fn pyproject_in(&self, image_dir: &str) -> Option<(Arc<str>, &Pyproject)> {
        let file = self.context_file(&join_image_path(image_dir, "pyproject.toml"))?;
        let parsed = self.context?.pyprojects.iter().find(|p| p.path == file)?;
        Some((file, &parsed.content))
    }

    fn pipfile_in(&self, image_dir: &str) -> Option<(Arc<str>, &Pipfile)> {
        let file = self.context_file(&join_image_path(image_dir, "Pipfile"))?;
        let parsed = self.context?.pipfiles.iter().find(|p| p.path == file)?;
        Some((file, &parsed.content))
    }

    fn generated_at(&self, image_path: &str) -> Option<&[InstalledPackage]> {
        self.state
            .generated
            .iter()
            .rev()
            .find(|(path, _)| path == image_path)
            .map(|(_, packages)| packages.as_slice())
    }

    fn active_venv(&self) -> Option<String> {
        if let Some(venv) = &self.run.activated {
            return Some(venv.clone());
        }
        if let Some(venv) = self.state.var("VIRTUAL_ENV") {
            return Some(venv);
        }
        let path = self.state.var("PATH")?;
        path.split(':').find_map(|entry| {
            let dir = entry.strip_suffix("/bin")?;
            let is_venv = self.state.venvs.iter().any(|v| v == dir) || dir.contains("venv");
            is_venv.then(|| dir.to_string())
        })
    }

    fn package_json_in(&self, image_dir: &str) -> Option<(Arc<str>, &PackageJson)> {
        let file = self.context_file(&join_image_path(image_dir, "package.json"))?;
        let parsed = self
            .context?
            .package_jsons
            .iter()
            .find(|p| p.path == file)?;
        Some((file, &parsed.content))
    }

    fn lockfile_in(&self, image_dir: &str, kind: LockKind) -> Option<(Arc<str>, &Lockfile)> {
        let file = self.context_file(&join_image_path(image_dir, Lockfile::file_name(kind)))?;
        let parsed = self.context?.lockfiles.iter().find(|p| p.path == file)?;
        Some((file, &parsed.content))
    }

    fn locate(&self, word: &str, run: &Location) -> Location {
        self.workspace
            .source(&run.file)
            .and_then(|source| source.find_from(run.line, run.column, word))
            .map_or_else(
                || run.clone(),
                |(line, column)| Location::new(&run.file, line, column),
            )
    }
}

/// A local archive that `ADD` unpacks (Docker recognises tar, gzip, bzip2 and xz).
fn is_local_archive(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    [
        ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz",
    ]
    .iter()
    .any(|extension| lower.ends_with(extension))
}

fn shell_quote_join(items: &[String]) -> String {
    items
        .iter()
        .map(|item| format!("'{}'", item.replace('\'', "'\\''")))
        .collect::<Vec<_>>()
        .join(" ")
}

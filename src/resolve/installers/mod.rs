//! The tools that install packages in a `RUN`: one module each (pip, Poetry, uv, Pipenv, PDM,
//! `opentelemetry-bootstrap`, npm, Yarn, pnpm). Each reads one simple command and says what it
//! did to the image: packages installed (and where), manifests of the context installed,
//! requirements files written, virtualenvs created. The stage model (`super::image`) runs them
//! in order and keeps the image's state; a new installer is one module and one line in `run`.

mod bootstrap;
mod node;
mod npm;
mod pdm;
mod pip;
mod pipenv;
mod pnpm;
mod poetry;
mod uv;
mod yarn;

use std::sync::Arc;

use crate::resolve::image_path::join_image_path;
use crate::source::Location;
use crate::workspace::manifest::{Pipfile, Pyproject, Requirement, RequirementsFile};
use crate::workspace::npm::{LockKind, Lockfile, PackageJson};

pub use node::NodeInstall;

/// The site of packages installed into the system Python (`/usr/local` in the official images).
pub const SYSTEM_SITE: &str = "/usr/local";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledPackage {
    pub name: String,
    pub extras: Vec<String>,
    /// Where the package is named: a manifest line, or the word of the `RUN`.
    pub location: Location,
    /// The image folder it lives in: a virtualenv, a `--prefix`, or the system site; for npm
    /// packages, the `node_modules` folder.
    pub site: String,
    pub registry: Registry,
}

/// Where a package comes from, which decides whose names and rules apply to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registry {
    PyPi,
    /// `dev`: installed only because development dependencies were (a `devDependencies`
    /// entry, or a package only they need); `npm prune --omit=dev` removes it.
    Npm {
        dev: bool,
    },
}

/// What the image looks like where a command runs.
pub trait Image {
    /// An `ARG` or `ENV` value in scope, or a tool setting an earlier command made.
    fn var(&self, name: &str) -> Option<String>;
    /// The context's requirements file a `COPY` put at this image path.
    fn requirements_at(&self, image_path: &str) -> Option<(Arc<str>, &RequirementsFile)>;
    /// The context's `pyproject.toml` a `COPY` put in this image folder.
    fn pyproject_in(&self, image_dir: &str) -> Option<(Arc<str>, &Pyproject)>;
    /// The context's `Pipfile` a `COPY` put in this image folder.
    fn pipfile_in(&self, image_dir: &str) -> Option<(Arc<str>, &Pipfile)>;
    /// A requirements file an earlier command wrote (`poetry export -o requirements.txt`).
    fn generated_at(&self, image_path: &str) -> Option<&[InstalledPackage]>;
    /// The virtualenv that `pip` and `python` use here: `VIRTUAL_ENV`, the first `PATH` entry
    /// that is a virtualenv's `bin`, or one `activate`d earlier in the same `RUN`.
    fn active_venv(&self) -> Option<String>;
    /// Where `word` is written, searching from the `RUN` (for packages named on it).
    fn locate(&self, word: &str, run: &Location) -> Location;
    /// The context's `package.json` a `COPY` put in this image folder.
    fn package_json_in(&self, image_dir: &str) -> Option<(Arc<str>, &PackageJson)>;
    /// The context's lockfile of this kind a `COPY` put in this image folder.
    fn lockfile_in(&self, image_dir: &str, kind: LockKind) -> Option<(Arc<str>, &Lockfile)>;
}

/// One simple command of a `RUN`.
#[derive(Debug, Clone, Copy)]
pub struct Command<'a> {
    /// The program as written (`/opt/venv/bin/pip`).
    pub program: &'a str,
    pub args: &'a [&'a str],
    /// The folder it runs in (after `WORKDIR` and any `cd`).
    pub cwd: &'a str,
    pub location: &'a Location,
    /// It reads the output of `opentelemetry-bootstrap -a requirements` through a pipe.
    pub stdin_is_bootstrap: bool,
    /// `> file`: where its standard output goes, as an image path.
    pub stdout: Option<&'a str>,
}

impl Command<'_> {
    /// `/usr/local/bin/pip3` is `pip3`.
    pub fn name(&self) -> &str {
        self.program.rsplit('/').next().unwrap_or(self.program)
    }

    /// The action word of `tool action ...` (`poetry install`), skipping leading options.
    pub fn action(&self) -> Option<(&str, &[&str])> {
        let at = self.args.iter().position(|a| !a.starts_with('-'))?;
        Some((self.args[at], &self.args[at + 1..]))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Installed(Vec<InstalledPackage>),
    /// A manifest of the context the image installed (workspace path).
    ManifestInstalled(Arc<str>),
    /// A requirements file written at an image path, with what it lists.
    Generated {
        path: String,
        packages: Vec<InstalledPackage>,
    },
    VenvCreated(String),
    /// A virtualenv activated for the rest of the `RUN` (`. /opt/venv/bin/activate`).
    VenvActivated(String),
    /// A tool setting, as the environment variable that also sets it
    /// (`poetry config virtualenvs.create false` is `POETRY_VIRTUALENVS_CREATE=false`).
    Setting(String, String),
    /// `opentelemetry-bootstrap -a install` (or its requirements piped into pip).
    Bootstrap,
    /// An npm, Yarn or pnpm install of a project (`npm ci --omit=dev`).
    NodeInstall(NodeInstall),
    /// `npm prune --omit=dev`: the development packages of a project's `node_modules` are
    /// removed.
    DevPruned(String),
    /// Something was installed that cannot be read here (a wheel, a URL, `-r $FILE`).
    Unknown,
}

/// An installer reads a command it knows (`Some`, maybe with no effect) or leaves it (`None`).
type Installer = fn(&Command, &dyn Image) -> Option<Vec<Effect>>;

/// What one command does to the image; nothing for a command that installs nothing.
pub fn run(command: &Command, image: &dyn Image) -> Vec<Effect> {
    let installers: [Installer; 10] = [
        bootstrap::effects,
        pip::effects,
        poetry::effects,
        uv::effects,
        pipenv::effects,
        pdm::effects,
        venv_effects,
        npm::effects,
        yarn::effects,
        pnpm::effects,
    ];
    installers
        .iter()
        .find_map(|installer| installer(command, image))
        .unwrap_or_default()
}

/// `python -m venv DIR`, `virtualenv DIR`, and activating one.
fn venv_effects(command: &Command, _image: &dyn Image) -> Option<Vec<Effect>> {
    let name = command.name();
    let args = command.args;
    let creates = name == "virtualenv"
        || (name.starts_with("python") && args.len() >= 2 && args[0] == "-m" && args[1] == "venv");
    if creates {
        let dir = args.iter().skip(1).rev().find(|w| !w.starts_with('-'))?;
        return Some(vec![Effect::VenvCreated(join_image_path(command.cwd, dir))]);
    }
    if (name == "." || name == "source")
        && let Some(script) = args.first()
        && let Some(venv) = script.strip_suffix("/bin/activate")
    {
        return Some(vec![Effect::VenvActivated(join_image_path(
            command.cwd,
            venv,
        ))]);
    }
    None
}

/// Which parts of a project an install takes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// The project's own main dependencies (`[project] dependencies`).
    pub main: bool,
    /// The project itself, under its name (a path dependency pulls it in too).
    pub itself: bool,
    /// Groups by name; `default_groups` adds every group that is not optional.
    pub groups: Vec<String>,
    pub default_groups: bool,
    pub without_groups: Vec<String>,
    pub extras: Vec<String>,
    pub all_extras: bool,
}

impl Selection {
    /// `pip install .`: the project and its main dependencies, with the extras asked for.
    pub fn project(extras: Vec<String>) -> Self {
        Selection {
            main: true,
            itself: true,
            extras,
            ..Selection::default()
        }
    }
}

/// The packages a project install puts in `site`, following path dependencies
/// (`{path = "../lib"}`) to the projects they name.
pub fn project_packages(
    image: &dyn Image,
    image_dir: &str,
    selection: &Selection,
    site: &str,
) -> Option<(Vec<Arc<str>>, Vec<InstalledPackage>)> {
    let mut manifests = Vec::new();
    let mut packages = Vec::new();
    add_project(
        image,
        image_dir,
        selection,
        site,
        &mut manifests,
        &mut packages,
    )?;
    Some((manifests, packages))
}

fn add_project(
    image: &dyn Image,
    image_dir: &str,
    selection: &Selection,
    site: &str,
    manifests: &mut Vec<Arc<str>>,
    packages: &mut Vec<InstalledPackage>,
) -> Option<()> {
    const MAX_PATH_DEPENDENCIES: usize = 16;
    let (path, pyproject) = image.pyproject_in(image_dir)?;
    if manifests.contains(&path) || manifests.len() > MAX_PATH_DEPENDENCIES {
        return Some(());
    }
    manifests.push(Arc::clone(&path));
    let mut add = |requirements: &[Requirement]| {
        packages.extend(
            requirements
                .iter()
                .map(|r| from_requirement(r, &path, site)),
        );
    };
    if selection.main {
        add(&pyproject.dependencies);
    }
    for extra in &pyproject.extras {
        if selection.all_extras || selection.extras.contains(&extra.name) {
            add(&extra.requirements);
        }
    }
    for group in &pyproject.groups {
        let wanted =
            selection.groups.contains(&group.name) || (selection.default_groups && !group.optional);
        if wanted && !selection.without_groups.contains(&group.name) {
            add(&group.requirements);
        }
    }
    if selection.itself
        && let Some(name) = &pyproject.name
    {
        packages.push(InstalledPackage {
            name: name.clone(),
            extras: Vec::new(),
            location: Location::file_start(&path),
            site: site.to_string(),
            registry: Registry::PyPi,
        });
    }
    // A path dependency installs that project, with its own main dependencies.
    let dependencies = Selection::project(Vec::new());
    for dependency in &pyproject.path_dependencies {
        let dir = join_image_path(image_dir, &dependency.path);
        if add_project(image, &dir, &dependencies, site, manifests, packages).is_none() {
            packages.push(InstalledPackage {
                name: dependency.name.clone(),
                extras: Vec::new(),
                location: Location::file_start(&path),
                site: site.to_string(),
                registry: Registry::PyPi,
            });
        }
    }
    Some(())
}

/// What installing a project does to the image: its manifests (and those of its path
/// dependencies) installed, and their packages; unknown when the project is not in the
/// context (a `setup.py`, a folder not copied from it).
pub fn install_project(
    image: &dyn Image,
    image_dir: &str,
    selection: &Selection,
    site: &str,
) -> Vec<Effect> {
    match project_packages(image, image_dir, selection, site) {
        Some((manifests, packages)) => {
            let mut effects: Vec<Effect> = manifests
                .into_iter()
                .map(Effect::ManifestInstalled)
                .collect();
            effects.push(Effect::Installed(packages));
            effects
        }
        None => vec![Effect::Unknown],
    }
}

/// `poetry export -o requirements.txt`, `uv export > requirements.txt`: a requirements file
/// that lists what the selection would install, written where the options (or `>`) say.
pub fn export(
    command: &Command,
    image: &dyn Image,
    project_dir: &str,
    selection: &Selection,
    output_options: &[&str],
) -> Vec<Effect> {
    let output = option_values(command.args, output_options).pop();
    let Some(path) = output.as_deref().or(command.stdout) else {
        return Vec::new();
    };
    match project_packages(image, project_dir, selection, "") {
        Some((_, packages)) => vec![Effect::Generated {
            path: join_image_path(command.cwd, path),
            packages,
        }],
        None => Vec::new(),
    }
}

/// The project folder a tool works on: its `--directory`-like option, else where it runs.
pub fn project_dir(command: &Command, options: &[&str]) -> String {
    option_values(command.args, options).pop().map_or_else(
        || command.cwd.to_string(),
        |dir| join_image_path(command.cwd, &dir),
    )
}

pub fn from_requirement(
    requirement: &Requirement,
    file: &Arc<str>,
    site: &str,
) -> InstalledPackage {
    InstalledPackage {
        name: requirement.name.clone(),
        extras: requirement.extras.clone(),
        location: Location::new(file, requirement.line, requirement.column),
        site: site.to_string(),
        registry: Registry::PyPi,
    }
}

/// The values of an option that may repeat or list comma-separated values: `--with a,b`,
/// `--with=a --with b`, `-E x`.
pub fn option_values(args: &[&str], names: &[&str]) -> Vec<String> {
    let mut values = Vec::new();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        for name in names {
            let value = if word == name {
                words.clone().next().copied()
            } else {
                word.strip_prefix(&format!("{name}="))
            };
            if let Some(value) = value {
                values.extend(value.split(',').map(|v| v.trim().to_string()));
            }
        }
    }
    values
}

pub fn has_flag(args: &[&str], names: &[&str]) -> bool {
    args.iter().any(|a| names.contains(a))
}

/// `-a install`, `-ainstall`, `--action install`, `--action=install`.
pub fn option_value<'a>(words: &[&'a str], short: &str, long: &str) -> Option<&'a str> {
    let mut words = words.iter();
    while let Some(word) = words.next() {
        if *word == short || *word == long {
            return words.next().copied();
        }
        if let Some(value) = word.strip_prefix(&format!("{long}=")) {
            return Some(value);
        }
        if let Some(value) = word.strip_prefix(short).filter(|v| !v.is_empty()) {
            return Some(value);
        }
    }
    None
}

/// Where a tool's virtualenv for the project in `project_dir` lives, or the system site when
/// it installs into the active environment.
pub fn venv_site(image: &dyn Image, project_dir: &str, in_project: bool, shared: &str) -> String {
    if in_project {
        join_image_path(project_dir, ".venv")
    } else {
        image.active_venv().unwrap_or_else(|| shared.to_string())
    }
}

/// Whether a setting variable is on (`true`, `1`, `yes`).
pub fn is_on(value: Option<String>) -> bool {
    value.is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "true" | "1" | "yes" | "on"
        )
    })
}

//! `pip install` (also `python -m pip`, a virtualenv's own `pip`, `pip-sync`): packages named
//! on the command line, requirements files with their `-r` includes and local projects, and
//! projects installed from a folder (`pip install .`, `-e .[otel]`).

use std::sync::Arc;

use super::{
    Command, Effect, Image, InstalledPackage, Registry, SYSTEM_SITE, Selection, from_requirement,
};
use crate::resolve::image_path::join_image_path;
use crate::workspace::interpolate::VarOutcome;
use crate::workspace::manifest::requirement;

pub fn effects(command: &Command, image: &dyn Image) -> Option<Vec<Effect>> {
    let name = command.name();
    if name == "pip-sync" {
        return Some(sync(command, image, command.args));
    }
    let is_pip = name
        .strip_prefix("pip")
        .is_some_and(|version| version.chars().all(|c| c.is_ascii_digit() || c == '.'));
    let after_pip = if is_pip {
        command.args
    } else if name.starts_with("python") && command.args.get(..2) == Some(&["-m", "pip"][..]) {
        &command.args[2..]
    } else {
        return None;
    };
    Some(install(command, image, after_pip))
}

/// `pip-sync requirements.txt ...` (and `uv pip sync`): installs exactly those files.
pub fn sync(command: &Command, image: &dyn Image, args: &[&str]) -> Vec<Effect> {
    let site = site(command, image, args);
    let mut effects = Vec::new();
    for file in args.iter().filter(|a| !a.starts_with('-')) {
        install_requirements(command, image, file, &site, 0, &mut effects);
    }
    effects
}

/// The words after `pip`: `install` and its arguments (`uv pip install` reads the same).
pub fn install(command: &Command, image: &dyn Image, after_pip: &[&str]) -> Vec<Effect> {
    let Some(at) = after_pip.iter().position(|w| !w.starts_with('-')) else {
        return Vec::new();
    };
    if after_pip[at] != "install" {
        return Vec::new();
    }
    let args = &after_pip[at + 1..];
    let site = site(command, image, args);
    let mut effects = Vec::new();
    let mut words = args.iter().copied();
    while let Some(arg) = words.next() {
        let (option, inline) = match arg.split_once('=') {
            Some((option, value)) if arg.starts_with("--") => (option, Some(value)),
            _ => (arg, None),
        };
        match option {
            "-r" | "--requirement" => {
                let path = inline.or_else(|| words.next()).unwrap_or_default();
                install_requirements(command, image, path, &site, 0, &mut effects);
            }
            _ if option.starts_with("-r") && !option.starts_with("--") => {
                install_requirements(command, image, &option[2..], &site, 0, &mut effects);
            }
            "-e" | "--editable" => {
                let target = inline.or_else(|| words.next()).unwrap_or_default();
                install_target(command, image, target, command.cwd, &site, &mut effects);
            }
            _ if OPTIONS_WITH_VALUE.contains(&option) => {
                if inline.is_none() {
                    words.next();
                }
            }
            _ if option.starts_with('-') => {}
            _ => install_target(command, image, arg, command.cwd, &site, &mut effects),
        }
    }
    effects
}

/// Where pip puts packages: `--target`/`--prefix`/`--root`, `--user`, the virtualenv whose
/// `pip` this is, the active virtualenv, else the system site.
fn site(command: &Command, image: &dyn Image, args: &[&str]) -> String {
    for name in ["--target", "-t", "--prefix", "--root"] {
        if let Some(dir) = super::option_values(args, &[name]).into_iter().next() {
            return join_image_path(command.cwd, &dir);
        }
    }
    if args.contains(&"--user") {
        let home = image.var("HOME").unwrap_or_else(|| "/root".into());
        return join_image_path(&home, ".local");
    }
    if args.contains(&"--system") {
        return SYSTEM_SITE.to_string();
    }
    default_site(command, image)
}

fn default_site(command: &Command, image: &dyn Image) -> String {
    // `venv/bin/pip` run from `/` is `/venv`'s pip.
    let own_venv = command
        .program
        .rsplit_once("/bin/")
        .map(|(dir, _)| join_image_path(command.cwd, dir))
        .filter(|dir| !matches!(dir.as_str(), "/" | "/usr" | "/usr/local"));
    own_venv
        .or_else(|| image.active_venv())
        .unwrap_or_else(|| SYSTEM_SITE.to_string())
}

/// An argument that is not an option: a requirement, a local project, a URL, a file.
fn install_target(
    command: &Command,
    image: &dyn Image,
    target: &str,
    base_dir: &str,
    site: &str,
    effects: &mut Vec<Effect>,
) {
    // Quotes from `pip install "opentelemetry-distro[otlp]"` are part of the shell word.
    let target = target.trim_matches(['"', '\'']);
    let Some(target) = substitute(target, image) else {
        effects.push(Effect::Unknown);
        return;
    };
    let is_archive = [".whl", ".tar.gz", ".zip"]
        .iter()
        .any(|e| target.ends_with(e));
    if is_archive {
        effects.push(Effect::Unknown);
    } else if target.starts_with('.') || target.starts_with('/') {
        install_local_project(image, &target, base_dir, site, effects);
    } else if let Some((_, egg)) = target.split_once("#egg=") {
        add_named(command, image, egg, site, effects);
    } else if target.contains("://") {
        effects.push(Effect::Unknown);
    } else {
        add_named(command, image, &target, site, effects);
    }
}

/// `.`, `./pkg`, `.[otel]`: the project in that folder, with the extras named.
fn install_local_project(
    image: &dyn Image,
    target: &str,
    base_dir: &str,
    site: &str,
    effects: &mut Vec<Effect>,
) {
    let (dir, extras) = match target.split_once('[') {
        Some((dir, rest)) => (
            dir,
            rest.trim_end_matches(']')
                .split(',')
                .map(|e| crate::workspace::manifest::normalize_name(e.trim()))
                .collect(),
        ),
        None => (target, Vec::new()),
    };
    let dir = join_image_path(base_dir, dir);
    effects.extend(super::install_project(
        image,
        &dir,
        &Selection::project(extras),
        site,
    ));
}

fn add_named(
    command: &Command,
    image: &dyn Image,
    spec: &str,
    site: &str,
    effects: &mut Vec<Effect>,
) {
    if let Some(requirement) = requirement(spec, 0, 0) {
        effects.push(Effect::Installed(vec![InstalledPackage {
            name: requirement.name,
            extras: requirement.extras,
            location: image.locate(spec, command.location),
            site: site.to_string(),
            registry: Registry::PyPi,
        }]));
    }
}

/// `-r path`: the context's requirements file copied there (with its `-r` includes and local
/// projects), a file an earlier command wrote, or `opentelemetry-bootstrap`'s output.
fn install_requirements(
    command: &Command,
    image: &dyn Image,
    path: &str,
    site: &str,
    depth: usize,
    effects: &mut Vec<Effect>,
) {
    const MAX_INCLUDE_DEPTH: usize = 16;
    if path == "-" && command.stdin_is_bootstrap {
        effects.push(Effect::Bootstrap);
        return;
    }
    let Some(path) = substitute(path, image) else {
        effects.push(Effect::Unknown);
        return;
    };
    let image_path = join_image_path(command.cwd, &path);
    if let Some(generated) = image.generated_at(&image_path) {
        let packages = generated
            .iter()
            .map(|p| InstalledPackage {
                site: site.to_string(),
                registry: Registry::PyPi,
                ..p.clone()
            })
            .collect();
        effects.push(Effect::Installed(packages));
        return;
    }
    let Some((file, parsed)) = image.requirements_at(&image_path) else {
        effects.push(Effect::Unknown);
        return;
    };
    let already = effects
        .iter()
        .any(|e| matches!(e, Effect::ManifestInstalled(f) if *f == file));
    if already || depth > MAX_INCLUDE_DEPTH {
        return;
    }
    effects.push(Effect::ManifestInstalled(Arc::clone(&file)));
    effects.push(Effect::Installed(
        parsed
            .requirements
            .iter()
            .map(|r| from_requirement(r, &file, site))
            .collect(),
    ));
    let dir = image_path.rsplit_once('/').map_or("/", |(dir, _)| dir);
    let dir = if dir.is_empty() { "/" } else { dir };
    for include in &parsed.includes {
        let included = join_image_path(dir, &include.path);
        let nested = Command {
            cwd: "/",
            ..*command
        };
        install_requirements(&nested, image, &included, site, depth + 1, effects);
    }
    for local in &parsed.local_paths {
        install_local_project(image, &local.path, dir, site, effects);
    }
}

/// `$VAR` and `${VAR}` from the stage's `ARG`/`ENV`; `None` when one is unknown.
fn substitute(word: &str, image: &dyn Image) -> Option<String> {
    if !word.contains('$') {
        return Some(word.to_string());
    }
    crate::workspace::interpolate::interpolate(word, &|name| image.var(name))
        .ok()
        .filter(|result| result.uses.iter().all(|u| u.outcome != VarOutcome::Unset))
        .map(|result| result.value)
}

/// pip options that take a value as the next word.
const OPTIONS_WITH_VALUE: [&str; 29] = [
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
    "--target",
    "-t",
    "--prefix",
    "--root",
];

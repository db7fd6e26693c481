//! What installing a Node.js project puts in its `node_modules`, shared by npm, Yarn and pnpm:
//! the `package.json` dependencies (devDependencies only when development dependencies are
//! installed), what the lockfile beside it resolved, and the packages named on the command
//! line. Each tool's module reads its own command line into a `Request`.

use std::sync::Arc;

use super::{Command, Effect, Image, InstalledPackage, Registry};
use crate::knowledge::node;
use crate::resolve::image_path::join_image_path;
use crate::source::Location;
use crate::workspace::npm::LockKind;

/// A project install, as the image records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInstall {
    /// The `package.json` installed (workspace path).
    pub manifest: Arc<str>,
    /// Why development dependencies were left out (`--omit=dev`, `NODE_ENV=production`),
    /// as written; `None` when they were installed.
    pub production: Option<String>,
    pub tool: &'static str,
    /// The `RUN` that installed it.
    pub location: Location,
}

/// One install command, read by its tool's module.
pub struct Request<'a> {
    pub tool: &'static str,
    /// The project folder in the image.
    pub dir: String,
    /// Why development dependencies are left out, if they are.
    pub production: Option<String>,
    /// Packages named on the command line (`npm install express@4`).
    pub named: Vec<&'a str>,
    /// The lockfile the tool reads.
    pub lock: LockKind,
    /// `npm install -g`: into the global folder, not the project's.
    pub global: bool,
}

/// Where npm puts global packages in the official images; `require` does not look there.
const GLOBAL_NODE_MODULES: &str = "/usr/local/lib/node_modules";

pub fn install(command: &Command, image: &dyn Image, request: &Request) -> Vec<Effect> {
    let site = if request.global {
        GLOBAL_NODE_MODULES.to_string()
    } else {
        join_image_path(&request.dir, "node_modules")
    };
    let dev = request.production.is_none();
    let package = |name: &str, location: Location, dev: bool| InstalledPackage {
        name: name.to_string(),
        extras: Vec::new(),
        location,
        site: site.clone(),
        registry: Registry::Npm { dev },
    };
    let mut packages: Vec<InstalledPackage> = request
        .named
        .iter()
        .filter_map(|spec| {
            let spec = spec.trim_matches(['"', '\'']);
            let name = package_of_spec(spec);
            (!name.is_empty() && !name.starts_with('.'))
                .then(|| package(name, image.locate(spec, command.location), false))
        })
        .collect();
    let mut effects = Vec::new();
    let project = (!request.global)
        .then(|| image.package_json_in(&request.dir))
        .flatten();
    match project {
        Some((manifest, package_json)) => {
            let at = |line, column| Location::new(&manifest, line, column);
            packages.extend(
                package_json
                    .dependencies
                    .iter()
                    .chain(&package_json.optional_dependencies)
                    .map(|d| package(&d.name, at(d.line, d.column), false)),
            );
            if dev {
                packages.extend(
                    package_json
                        .dev_dependencies
                        .iter()
                        .map(|d| package(&d.name, at(d.line, d.column), true)),
                );
            }
            let lock = image
                .lockfile_in(&request.dir, request.lock)
                .or_else(|| image.lockfile_in(&request.dir, LockKind::Npm));
            if let Some((lock_path, lock)) = lock {
                let start = Location::file_start(&lock_path);
                packages.extend(
                    lock.packages
                        .iter()
                        .filter(|(name, _)| node::is_otel_package(name))
                        .filter(|(_, dev_only)| dev || !**dev_only || !lock.marks_dev)
                        .map(|(name, dev_only)| package(name, start.clone(), *dev_only)),
                );
            }
            effects.push(Effect::ManifestInstalled(Arc::clone(&manifest)));
            effects.push(Effect::NodeInstall(NodeInstall {
                manifest,
                production: request.production.clone(),
                tool: request.tool,
                location: command.location.clone(),
            }));
        }
        // An install without a project the tool can see: what it installs is not known
        // here (a `package.json` written by the build, a path not followed).
        None if request.named.is_empty() && !request.global => return vec![Effect::Unknown],
        None => {}
    }
    effects.push(Effect::Installed(packages));
    effects
}

/// `@scope/name@^1.0.0` → `@scope/name`; `name@latest` → `name`.
fn package_of_spec(spec: &str) -> &str {
    let from = usize::from(spec.starts_with('@'));
    match spec[from..].find('@') {
        Some(at) => &spec[..from + at],
        None => spec,
    }
}

/// Why development dependencies are left out by the environment: `NODE_ENV=production`
/// (npm 7+, Yarn 1 and pnpm all honour it), or npm's own settings.
pub fn production_from_env(image: &dyn Image) -> Option<String> {
    let node_env = image.var("NODE_ENV");
    if node_env.as_deref().map(str::trim) == Some("production") {
        return Some("NODE_ENV=production".to_string());
    }
    for name in ["NPM_CONFIG_PRODUCTION", "npm_config_production"] {
        if super::is_on(image.var(name)) {
            return Some(format!("{name}=true"));
        }
    }
    for name in ["NPM_CONFIG_OMIT", "npm_config_omit"] {
        if image
            .var(name)
            .is_some_and(|v| v.split(',').any(|o| o.trim() == "dev"))
        {
            return Some(format!("{name}=dev"));
        }
    }
    None
}

/// The words that are not options, skipping the values of options that take one.
pub fn positional<'a>(args: &[&'a str], with_value: &[&str]) -> Vec<&'a str> {
    let mut words = Vec::new();
    let mut iter = args.iter();
    while let Some(&word) = iter.next() {
        if with_value.contains(&word) {
            iter.next();
        } else if !word.starts_with('-') {
            words.push(word);
        }
    }
    words
}

/// The value of an option given as `--name value` or `--name=value`.
pub fn option<'a>(args: &[&'a str], names: &[&str]) -> Option<&'a str> {
    let mut iter = args.iter();
    while let Some(&word) = iter.next() {
        for name in names {
            if word == *name {
                return iter.next().copied();
            }
            if let Some(value) = word.strip_prefix(name).and_then(|v| v.strip_prefix('=')) {
                return Some(value);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_and_options() {
        assert_eq!(
            package_of_spec("@opentelemetry/api@^1.9"),
            "@opentelemetry/api"
        );
        assert_eq!(package_of_spec("express"), "express");
        assert_eq!(
            positional(&["--prefix", "/app", "ci", "-g", "x"], &["--prefix"]),
            ["ci", "x"]
        );
        assert_eq!(option(&["--omit=dev"], &["--omit"]), Some("dev"));
        assert_eq!(option(&["--omit", "dev"], &["--omit"]), Some("dev"));
    }
}

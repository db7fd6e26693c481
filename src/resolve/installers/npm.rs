//! npm: `npm ci` and `npm install` (with `--omit=dev`, `--production`, `--only=prod`, or
//! `NODE_ENV=production` set before it, development dependencies are left out), packages named
//! on `npm install x`, `-g` installs, `--prefix`, and `npm prune --omit=dev`.

use super::node::{self, Request};
use super::{Command, Effect, Image};
use crate::resolve::image_path::join_image_path;
use crate::workspace::npm::LockKind;

/// npm's options that take a value.
const WITH_VALUE: [&str; 7] = [
    "--prefix",
    "-C",
    "--workspace",
    "-w",
    "--cache",
    "--registry",
    "--loglevel",
];

/// Every spelling npm accepts for `install` and `ci`.
const INSTALL: [&str; 13] = [
    "install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall",
    "add", "ci",
];

pub fn effects(command: &Command, image: &dyn Image) -> Option<Vec<Effect>> {
    if command.name() != "npm" {
        return None;
    }
    let words = node::positional(command.args, &WITH_VALUE);
    let Some((&action, named)) = words.split_first() else {
        return Some(Vec::new());
    };
    let dir = node::option(command.args, &["--prefix", "-C"]).map_or_else(
        || command.cwd.to_string(),
        |dir| join_image_path(command.cwd, dir),
    );
    let production = production(command.args, image);
    let effects = match action {
        "ci" | "clean-install" | "install-clean" | "ic" => node::install(
            command,
            image,
            &Request {
                tool: "npm",
                dir,
                production,
                named: Vec::new(),
                lock: LockKind::Npm,
                global: false,
            },
        ),
        _ if INSTALL.contains(&action) => node::install(
            command,
            image,
            &Request {
                tool: "npm",
                dir,
                production,
                named: named.to_vec(),
                lock: LockKind::Npm,
                global: command
                    .args
                    .iter()
                    .any(|a| matches!(*a, "-g" | "--global" | "--location=global")),
            },
        ),
        "prune" if production.is_some() => {
            vec![Effect::DevPruned(join_image_path(&dir, "node_modules"))]
        }
        _ => Vec::new(),
    };
    Some(effects)
}

/// Why npm leaves development dependencies out: its flags, else the environment.
fn production(args: &[&str], image: &dyn Image) -> Option<String> {
    let omits = |value: &str| value.split(',').any(|v| v.trim() == "dev");
    if let Some(omit) = node::option(args, &["--omit"]).filter(|v| omits(v)) {
        return Some(format!("--omit={omit}"));
    }
    if let Some(only) = node::option(args, &["--only"]).filter(|v| v.starts_with("prod")) {
        return Some(format!("--only={only}"));
    }
    if args.contains(&"--production") || node::option(args, &["--production"]) == Some("true") {
        return Some("--production".to_string());
    }
    let includes_dev = node::option(args, &["--include"]).is_some_and(|v| v.contains("dev"))
        || node::option(args, &["--production"]) == Some("false");
    if includes_dev {
        return None;
    }
    node::production_from_env(image)
}

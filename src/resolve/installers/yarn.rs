//! Yarn: `yarn` and `yarn install` (`--production`, or `NODE_ENV=production` set before it,
//! leaves development dependencies out), `yarn add x`, `yarn global add x`, `--cwd`, and
//! Yarn 2+'s `yarn workspaces focus --production`.

use super::node::{self, Request};
use super::{Command, Effect, Image};
use crate::resolve::image_path::join_image_path;
use crate::workspace::npm::LockKind;

const WITH_VALUE: [&str; 4] = [
    "--cwd",
    "--modules-folder",
    "--cache-folder",
    "--network-timeout",
];

pub fn effects(command: &Command, image: &dyn Image) -> Option<Vec<Effect>> {
    if command.name() != "yarn" {
        return None;
    }
    let words = node::positional(command.args, &WITH_VALUE);
    let dir = node::option(command.args, &["--cwd"]).map_or_else(
        || command.cwd.to_string(),
        |dir| join_image_path(command.cwd, dir),
    );
    let (install, named, global) = match words.as_slice() {
        [] | ["install"] => (true, Vec::new(), false),
        ["add", named @ ..] => (true, named.to_vec(), false),
        ["global", "add", named @ ..] => (true, named.to_vec(), true),
        ["workspaces", "focus", ..] => (true, Vec::new(), false),
        _ => (false, Vec::new(), false),
    };
    if !install {
        return Some(Vec::new());
    }
    Some(node::install(
        command,
        image,
        &Request {
            tool: "yarn",
            dir,
            production: production(command.args, image),
            named,
            lock: LockKind::Yarn,
            global,
        },
    ))
}

fn production(args: &[&str], image: &dyn Image) -> Option<String> {
    match node::option(args, &["--production", "--prod"]) {
        Some("false") => return None,
        Some(value) if value != "true" => {}
        Some(_) => return Some("--production".to_string()),
        None => {}
    }
    if args.iter().any(|a| matches!(*a, "--production" | "--prod")) {
        return Some("--production".to_string());
    }
    node::production_from_env(image)
}

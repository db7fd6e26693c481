//! pnpm: `pnpm install` (`--prod`/`-P`, or `NODE_ENV=production` set before it, leaves
//! development dependencies out), `pnpm add x`, `-C`/`--dir`, and `pnpm prune --prod`.

use super::node::{self, Request};
use super::{Command, Effect, Image};
use crate::resolve::image_path::join_image_path;
use crate::workspace::npm::LockKind;

const WITH_VALUE: [&str; 5] = ["-C", "--dir", "--filter", "-F", "--store-dir"];

pub fn effects(command: &Command, image: &dyn Image) -> Option<Vec<Effect>> {
    if command.name() != "pnpm" {
        return None;
    }
    let words = node::positional(command.args, &WITH_VALUE);
    let dir = node::option(command.args, &["-C", "--dir"]).map_or_else(
        || command.cwd.to_string(),
        |dir| join_image_path(command.cwd, dir),
    );
    let production = production(command.args, image);
    let effects = match words.as_slice() {
        ["install" | "i", ..] => node::install(
            command,
            image,
            &Request {
                tool: "pnpm",
                dir,
                production,
                named: Vec::new(),
                lock: LockKind::Pnpm,
                global: false,
            },
        ),
        ["add", named @ ..] => node::install(
            command,
            image,
            &Request {
                tool: "pnpm",
                dir,
                production,
                named: named.to_vec(),
                lock: LockKind::Pnpm,
                global: command.args.iter().any(|a| matches!(*a, "-g" | "--global")),
            },
        ),
        ["prune", ..] if production.is_some() => {
            vec![Effect::DevPruned(join_image_path(&dir, "node_modules"))]
        }
        _ => Vec::new(),
    };
    Some(effects)
}

fn production(args: &[&str], image: &dyn Image) -> Option<String> {
    if let Some(flag) = args
        .iter()
        .find(|a| matches!(**a, "--prod" | "-P" | "--production"))
    {
        return Some(flag.to_string());
    }
    if args
        .iter()
        .any(|a| matches!(*a, "--dev" | "-D" | "--production=false"))
    {
        return None;
    }
    node::production_from_env(image)
}

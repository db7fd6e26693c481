//! uv: `uv sync` (the project, its dependencies and the default `dev` group, into the
//! project's `.venv` unless `UV_PROJECT_ENVIRONMENT` says otherwise), `uv pip install` and
//! `uv pip sync` (pip's semantics), `uv venv`, and `uv export` to a requirements file.

use super::{self as installers, Command, Effect, Image, Selection, has_flag, option_values, pip};
use crate::resolve::image_path::join_image_path;

pub fn effects(command: &Command, image: &dyn Image) -> Option<Vec<Effect>> {
    if command.name() != "uv" {
        return None;
    }
    let (action, args) = command.action()?;
    let project_dir = installers::project_dir(command, &["--directory", "--project"]);
    let effects = match action {
        "pip" => match args.first() {
            Some(&"sync") => pip::sync(command, image, &args[1..]),
            _ => pip::install(command, image, args),
        },
        "sync" => sync(image, &project_dir, args),
        "export" => export(command, image, &project_dir, args),
        "venv" => {
            let dir = args
                .iter()
                .find(|a| !a.starts_with('-'))
                .unwrap_or(&".venv");
            vec![Effect::VenvCreated(join_image_path(command.cwd, dir))]
        }
        _ => Vec::new(),
    };
    Some(effects)
}

fn selection(args: &[&str]) -> Selection {
    let only_groups = option_values(args, &["--only-group"]);
    let only_dev = has_flag(args, &["--only-dev"]);
    let mut groups = option_values(args, &["--group"]);
    let defaults = only_groups.is_empty()
        && !only_dev
        && !has_flag(args, &["--no-dev", "--no-default-groups"]);
    if defaults || only_dev {
        // uv syncs the `dev` group by default.
        groups.push("dev".to_string());
    }
    groups.extend(only_groups.iter().cloned());
    Selection {
        main: only_groups.is_empty() && !only_dev,
        itself: !has_flag(args, &["--no-install-project", "--only-dev"]) && only_groups.is_empty(),
        groups,
        default_groups: has_flag(args, &["--all-groups"]),
        without_groups: option_values(args, &["--no-group"]),
        extras: option_values(args, &["--extra"]),
        all_extras: has_flag(args, &["--all-extras"]),
    }
}

fn sync(image: &dyn Image, project_dir: &str, args: &[&str]) -> Vec<Effect> {
    let site = image.var("UV_PROJECT_ENVIRONMENT").map_or_else(
        || join_image_path(project_dir, ".venv"),
        |dir| join_image_path(project_dir, &dir),
    );
    installers::install_project(image, project_dir, &selection(args), &site)
}

fn export(command: &Command, image: &dyn Image, project_dir: &str, args: &[&str]) -> Vec<Effect> {
    let selection = selection(args);
    installers::export(
        command,
        image,
        project_dir,
        &selection,
        &["-o", "--output-file"],
    )
}

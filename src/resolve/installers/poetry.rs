//! Poetry: `poetry install` (main dependencies and every non-optional group; `--only`,
//! `--with`, `--without`, `--no-root`, `-E`), `poetry export` to a requirements file, and
//! `poetry config virtualenvs.*`, which decides where the packages go.

use super::{
    self as installers, Command, Effect, Image, SYSTEM_SITE, Selection, has_flag, is_on,
    option_values,
};
use crate::resolve::image_path::join_image_path;

/// Poetry's settings, as the environment variables that also set them.
const CREATE: &str = "POETRY_VIRTUALENVS_CREATE";
const IN_PROJECT: &str = "POETRY_VIRTUALENVS_IN_PROJECT";
const VENVS_PATH: &str = "POETRY_VIRTUALENVS_PATH";

pub fn effects(command: &Command, image: &dyn Image) -> Option<Vec<Effect>> {
    if command.name() != "poetry" {
        return None;
    }
    let (action, args) = command.action()?;
    let project_dir = installers::project_dir(command, &["-C", "--directory", "-P", "--project"]);
    let effects = match action {
        "install" | "sync" => install(image, &project_dir, args),
        "export" => export(command, image, &project_dir, args),
        "config" => config(args),
        _ => Vec::new(),
    };
    Some(effects)
}

fn install(image: &dyn Image, project_dir: &str, args: &[&str]) -> Vec<Effect> {
    let only = option_values(args, &["--only"]);
    let only_root = has_flag(args, &["--only-root"]);
    let selection = Selection {
        main: !only_root && (only.is_empty() || only.iter().any(|g| g == "main")),
        itself: !has_flag(args, &["--no-root"]),
        groups: if only.is_empty() {
            option_values(args, &["--with"])
        } else {
            only.clone()
        },
        default_groups: only.is_empty() && !only_root,
        without_groups: if has_flag(args, &["--no-dev"]) {
            vec!["dev".to_string()]
        } else {
            option_values(args, &["--without"])
        },
        extras: option_values(args, &["-E", "--extras"]),
        all_extras: has_flag(args, &["--all-extras"]),
    };
    let site = site(image, project_dir);
    installers::install_project(image, project_dir, &selection, &site)
}

/// Poetry makes a virtualenv unless told not to: in the project (`in-project`), or under its
/// cache; with `virtualenvs.create false` it installs into the active Python.
fn site(image: &dyn Image, project_dir: &str) -> String {
    let creates = image.var(CREATE).is_none_or(|v| is_on(Some(v)));
    if !creates {
        return image
            .active_venv()
            .unwrap_or_else(|| SYSTEM_SITE.to_string());
    }
    if is_on(image.var(IN_PROJECT)) {
        return join_image_path(project_dir, ".venv");
    }
    image
        .var(VENVS_PATH)
        .unwrap_or_else(|| "/root/.cache/pypoetry/virtualenvs".to_string())
}

/// `poetry export -f requirements.txt -o requirements.txt` (or `> requirements.txt`): the main
/// dependencies and the groups asked for.
fn export(command: &Command, image: &dyn Image, project_dir: &str, args: &[&str]) -> Vec<Effect> {
    let only = option_values(args, &["--only"]);
    let selection = Selection {
        main: only.is_empty() || only.iter().any(|g| g == "main"),
        groups: [only, option_values(args, &["--with"])].concat(),
        extras: option_values(args, &["-E", "--extras"]),
        all_extras: has_flag(args, &["--all-extras"]),
        ..Selection::default()
    };
    installers::export(command, image, project_dir, &selection, &["-o", "--output"])
}

/// `poetry config virtualenvs.create false` (`--local` writes poetry.toml: same effect here).
fn config(args: &[&str]) -> Vec<Effect> {
    let words: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect();
    let variable = match words.first() {
        Some(&"virtualenvs.create") => CREATE,
        Some(&"virtualenvs.in-project") => IN_PROJECT,
        Some(&"virtualenvs.path") => VENVS_PATH,
        _ => return Vec::new(),
    };
    words
        .get(1)
        .map(|value| vec![Effect::Setting(variable.to_string(), value.to_string())])
        .unwrap_or_default()
}

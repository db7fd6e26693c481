//! PDM: `pdm install` / `pdm sync` install the project's dependencies and its dev groups
//! (`--prod` leaves them out, `-G` picks groups) into the project's `.venv`; `pdm export -o`
//! writes them to a requirements file.

use super::{self as installers, Command, Effect, Image, Selection, has_flag, option_values};
use crate::resolve::image_path::join_image_path;

pub fn effects(command: &Command, image: &dyn Image) -> Option<Vec<Effect>> {
    if command.name() != "pdm" {
        return None;
    }
    let (action, args) = command.action()?;
    let project_dir = installers::project_dir(command, &["-p", "--project"]);
    let production = has_flag(args, &["--prod", "--production"]);
    let selection = Selection {
        main: true,
        itself: !has_flag(args, &["--no-self"]),
        groups: option_values(args, &["-G", "--group"]),
        default_groups: !production,
        without_groups: Vec::new(),
        extras: Vec::new(),
        all_extras: false,
    };
    let effects = match action {
        "install" | "sync" => {
            let site = join_image_path(&project_dir, ".venv");
            installers::install_project(image, &project_dir, &selection, &site)
        }
        "export" => installers::export(
            command,
            image,
            &project_dir,
            &selection,
            &["-o", "--output"],
        ),
        _ => Vec::new(),
    };
    Some(effects)
}

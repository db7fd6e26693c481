//! PDM: `pdm install` / `pdm sync` install the project's dependencies and its dev groups
//! (`--prod` leaves them out, `-G` picks groups) into the project's `.venv`; `pdm export -o`
//! writes them to a requirements file.

use super::{Command, Effect, Image, Selection, has_flag, option_values, project_packages};
use crate::resolve::image::files::join_image_path;

pub fn effects(command: &Command, image: &dyn Image) -> Option<Vec<Effect>> {
    if command.name() != "pdm" {
        return None;
    }
    let (action, args) = command.action()?;
    let project_dir = option_values(command.args, &["-p", "--project"])
        .pop()
        .map_or_else(
            || command.cwd.to_string(),
            |dir| join_image_path(command.cwd, &dir),
        );
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
            match project_packages(image, &project_dir, &selection, &site) {
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
        "export" => {
            let output = option_values(args, &["-o", "--output"]).pop();
            match (
                output.as_deref().or(command.stdout),
                project_packages(image, &project_dir, &selection, ""),
            ) {
                (Some(path), Some((_, packages))) => vec![Effect::Generated {
                    path: join_image_path(command.cwd, path),
                    packages,
                }],
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    };
    Some(effects)
}

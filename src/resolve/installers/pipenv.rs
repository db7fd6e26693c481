//! Pipenv: `pipenv install` / `pipenv sync` install the Pipfile's packages (`--dev` adds the
//! dev packages) and any named on the command line — into the system Python with `--system`,
//! else into a virtualenv; `pipenv requirements > file` writes them out.

use super::{
    Command, Effect, Image, InstalledPackage, Registry, SYSTEM_SITE, from_requirement, has_flag,
    is_on, venv_site,
};
use crate::resolve::image_path::join_image_path;
use crate::workspace::manifest::requirement;

pub fn effects(command: &Command, image: &dyn Image) -> Option<Vec<Effect>> {
    if command.name() != "pipenv" {
        return None;
    }
    let (action, args) = command.action()?;
    let project_dir = image
        .var("PIPENV_PIPFILE")
        .and_then(|file| file.rsplit_once('/').map(|(dir, _)| dir.to_string()))
        .map_or_else(
            || command.cwd.to_string(),
            |dir| join_image_path(command.cwd, &dir),
        );
    let dev = has_flag(args, &["--dev", "-d"]);
    let effects = match action {
        "install" | "sync" => {
            let site = if has_flag(args, &["--system"]) {
                SYSTEM_SITE.to_string()
            } else {
                venv_site(
                    image,
                    &project_dir,
                    is_on(image.var("PIPENV_VENV_IN_PROJECT")),
                    "/root/.local/share/virtualenvs",
                )
            };
            let mut effects = pipfile_packages(image, &project_dir, dev, &site);
            let named: Vec<InstalledPackage> = args
                .iter()
                .filter(|a| !a.starts_with('-'))
                .filter_map(|spec| {
                    let requirement = requirement(spec.trim_matches(['"', '\'']), 0, 0)?;
                    Some(InstalledPackage {
                        name: requirement.name,
                        extras: requirement.extras,
                        location: image.locate(spec, command.location),
                        site: site.clone(),
                        registry: Registry::PyPi,
                    })
                })
                .collect();
            if !named.is_empty() {
                effects.push(Effect::Installed(named));
            }
            effects
        }
        "requirements" | "lock" => match command.stdout {
            Some(path) => pipfile_packages(image, &project_dir, dev, "")
                .into_iter()
                .filter_map(|effect| match effect {
                    Effect::Installed(packages) => Some(Effect::Generated {
                        path: join_image_path(command.cwd, path),
                        packages,
                    }),
                    _ => None,
                })
                .collect(),
            None => Vec::new(),
        },
        _ => Vec::new(),
    };
    Some(effects)
}

fn pipfile_packages(image: &dyn Image, project_dir: &str, dev: bool, site: &str) -> Vec<Effect> {
    let Some((path, pipfile)) = image.pipfile_in(project_dir) else {
        return vec![Effect::Unknown];
    };
    let listed = pipfile
        .packages
        .iter()
        .chain(pipfile.dev_packages.iter().filter(|_| dev));
    vec![
        Effect::ManifestInstalled(path.clone()),
        Effect::Installed(listed.map(|r| from_requirement(r, &path, site)).collect()),
    ]
}

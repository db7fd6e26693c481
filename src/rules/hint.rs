//! Hints shared by rules of several areas.

use crate::finding::{Edit, Remedy};
use crate::resolve::{ImageContents, Launcher, Workload};

/// How to give `service` these variables: in compose's `environment:` when compose runs it;
/// an image run by hand gets them where its container runs (`docker run -e`), since an `ENV`
/// would bake a key into the image.
pub fn set_variables(service: &Workload, variables: &[(&str, &str)]) -> String {
    if service.launcher == Launcher::Image {
        let flags: Vec<String> = variables
            .iter()
            .map(|(name, value)| format!("-e {name}={value}"))
            .collect();
        return format!(
            "set where the container runs: docker run {} ... (or in your deployment's environment)",
            flags.join(" ")
        );
    }
    match variables {
        [(name, value)] => format!(
            "add to services.{}.environment: {name}: {value}",
            service.name
        ),
        _ => {
            let lines: Vec<String> = variables
                .iter()
                .map(|(name, value)| format!("\n  {name}: {value}"))
                .collect();
            format!(
                "add to services.{}.environment:{}",
                service.name,
                lines.concat()
            )
        }
    }
}

/// The fix that gives `service` a variable: added to its compose `environment:` (its own block,
/// never an anchor other services share), or, for an
/// image run by hand (no compose file to edit), left to the user with where to set it.
pub fn add_variable(service: &Workload, name: &str, value: &str) -> Remedy {
    if service.launcher == Launcher::Image {
        Remedy::manual(set_variables(service, &[(name, value)]))
    } else {
        Remedy::edit(Edit::AddVariable {
            service: service.name.clone(),
            at: service.location.clone(),
            name: name.to_string(),
            value: value.to_string(),
        })
    }
}

/// Packages added to the manifest the image installs; not for a `Pipfile` (its lock must
/// follow, which `pipenv install` does) nor when the image installs no manifest.
pub fn add_packages(image: &ImageContents, packages: &[&str]) -> Remedy {
    let Some(manifest) = image.manifests.iter().find(|m| m.installed) else {
        return Remedy::manual(format!(
            "{} installs no manifest to add them to: add them to its pip install",
            image.dockerfile
        ));
    };
    if manifest.path.ends_with("package.json") {
        return Remedy::manual(format!(
            "adding packages to {} is not automated: run `npm install --save-prod {}` beside it (it updates the lockfile too)",
            manifest.path,
            packages.join(" ")
        ));
    }
    if !crate::fix::edits_manifest(&manifest.path) {
        return Remedy::manual(format!(
            "adding packages to {} is not automated: run `pipenv install {}` beside it (it updates Pipfile.lock too)",
            manifest.path,
            packages.join(" ")
        ));
    }
    Remedy::edit(Edit::AddPackages {
        manifest: manifest.path.clone(),
        packages: packages.iter().map(|p| p.to_string()).collect(),
    })
}

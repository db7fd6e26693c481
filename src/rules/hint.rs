//! Hints shared by rules of several areas.

use crate::finding::{Cure, Edit, Remedy};
use crate::knowledge::honeycomb::Region;
use crate::knowledge::otel::{self, Protocol};
use crate::resolve::collector::ListenerProtocol;
use crate::resolve::{ImageContents, Launcher, Project, Workload};

/// How to give `service` these variables, where its launcher sets them: compose's
/// `environment:`; `-e` on the `docker run` line; the devcontainer's `remoteEnv`; the
/// environment of the process started on this machine. An image run by hand gets them where
/// its container runs (`docker run -e`), since an `ENV` would bake a key into the image.
pub fn set_variables(service: &Workload, variables: &[(&str, &str)]) -> String {
    let pairs = |separator: &str| -> Vec<String> {
        variables
            .iter()
            .map(|(name, value)| format!("{name}{separator}{value}"))
            .collect()
    };
    let flags = || -> Vec<String> { pairs("=").iter().map(|p| format!("-e {p}")).collect() };
    match service.launcher {
        Launcher::Compose => match variables {
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
        },
        Launcher::Image => format!(
            "set where the container runs: docker run {} ... (or in your deployment's environment)",
            flags().join(" ")
        ),
        Launcher::Kubernetes => {
            // `env` is a list of `name`/`value` pairs; quoted, so `true` or `4318` stay strings.
            let entries: Vec<String> = variables
                .iter()
                .map(|(name, value)| format!("\n  - name: {name}\n    value: \"{value}\""))
                .collect();
            format!(
                "add to the env of container {} ({}):{}",
                service.name,
                service.location,
                entries.concat()
            )
        }
        Launcher::DockerRun => format!(
            "add to the `docker run` line ({}): {}",
            service.location,
            flags().join(" ")
        ),
        Launcher::Devcontainer => {
            let entries: Vec<String> = variables
                .iter()
                .map(|(name, value)| format!("\"{name}\": \"{value}\""))
                .collect();
            format!(
                "add to \"remoteEnv\" in {}: {}",
                service.location.file,
                entries.join(", ")
            )
        }
        Launcher::Host => format!(
            "set it where `{}` starts ({}): {} <command>, or export it in that shell",
            service.name,
            service.location,
            pairs("=").join(" ")
        ),
    }
}

/// How to mount a workspace file at `target` in `service`'s container, where its launcher
/// says: compose's `volumes:`, `-v` on the `docker run` line (from the folder it runs in).
pub fn mount(service: Option<&Workload>, source: &str, target: &str) -> String {
    match service.map(|s| s.launcher) {
        Some(Launcher::DockerRun | Launcher::Image) => {
            let line = service
                .filter(|s| s.launcher == Launcher::DockerRun)
                .map(|s| format!(" ({})", s.location))
                .unwrap_or_default();
            format!("add to the `docker run` line{line}: -v \"$(pwd)/{source}:{target}\"")
        }
        Some(Launcher::Devcontainer) => format!(
            "add to \"mounts\": \"source=${{localWorkspaceFolder}}/{source},target={target},type=bind\""
        ),
        _ => format!("volumes: [\"./{source}:{target}\"]"),
    }
}

/// The fix that gives `service` a variable: added to its compose `environment:` (its own
/// block, never an anchor other services share); for the other launchers, left to the user
/// with where to set it (a `docker run` line, a devcontainer or a shell is not edited).
pub fn add_variable(service: &Workload, name: &str, value: &str) -> Remedy {
    if service.launcher == Launcher::Compose {
        Remedy::edit(Edit::AddVariable {
            service: service.name.clone(),
            at: service.location.clone(),
            name: name.to_string(),
            value: value.to_string(),
        })
    } else {
        Remedy::manual(set_variables(service, &[(name, value)]))
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

/// The workload as a package fix leaves it: the packages installed.
pub fn install(service: &Workload, packages: &[&str]) -> Cure {
    Cure::Install {
        workload: service.name.clone(),
        packages: packages.iter().map(|p| p.to_string()).collect(),
    }
}

/// Where a workload with no endpoint should send: the project's collector when one receives its
/// protocol from other containers, else Honeycomb itself.
pub struct SuggestedEndpoint {
    pub url: String,
    /// Honeycomb's own endpoint: the key header goes with it.
    pub honeycomb: bool,
}

pub fn suggested_endpoint(project: &Project, protocol: Protocol) -> SuggestedEndpoint {
    let wanted = ListenerProtocol::of(protocol);
    let collector = project.collectors.iter().find_map(|collector| {
        let listener = collector
            .listeners()
            .iter()
            .find(|l| l.protocol == wanted && l.reachable_from_other_containers())?;
        let port = listener.port.unwrap_or(protocol.default_port());
        Some(format!("http://{}:{port}", collector.service))
    });
    match collector {
        Some(url) => SuggestedEndpoint {
            url,
            honeycomb: false,
        },
        // gRPC names its port: 443 is the only one Honeycomb's gRPC listens on.
        None => SuggestedEndpoint {
            url: match protocol {
                Protocol::Grpc => format!("{}:443", Region::Us.api_base()),
                _ => Region::Us.api_base().to_string(),
            },
            honeycomb: true,
        },
    }
}

/// The workload as a variable fix leaves it: the variables set where the fix writes them.
pub fn set(service: &Workload, variables: &[(&str, &str)]) -> Vec<Cure> {
    variables
        .iter()
        .map(|(name, value)| Cure::SetVariable {
            workload: service.name.clone(),
            name: name.to_string(),
            value: value.to_string(),
            at: service.location.clone(),
        })
        .collect()
}

/// Whether the workload sets OTLP headers (generic or for traces) in its environment.
pub fn has_headers(service: &Workload) -> bool {
    [otel::HEADERS, otel::TRACES_HEADERS]
        .iter()
        .any(|name| service.env_var(name).is_some())
}

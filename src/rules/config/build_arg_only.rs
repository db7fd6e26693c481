use crate::knowledge::{honeycomb, otel};
use crate::resolve::{EnvVar, ImageArg, Launcher, Project, Workload};
use crate::rules::hint;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for an OpenTelemetry or Honeycomb variable given to the image build only: a
    /// build argument (compose `build.args`, a devcontainer's `build.args`, `docker build
    /// --build-arg`) or a Dockerfile `ARG`, that no `ENV` of the final image uses and that the
    /// container does not get otherwise.
    ///
    /// ## Why is this bad?
    /// An `ARG` exists while the image builds, not in the running container: without an `ENV`
    /// that uses it, the SDK never sees the value, and falls back to its defaults (localhost,
    /// no key). A build argument the Dockerfile does not declare is ignored altogether
    /// (`One or more build-args [...] were not consumed`).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     build:
    ///       context: .
    ///       args:
    ///         OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector:4318
    /// ```
    /// Use instead: the variable where the container runs:
    /// ```yaml
    ///   api:
    ///     build: .
    ///     environment:
    ///       OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector:4318
    /// ```
    /// (An `ENV NAME=$NAME` in the Dockerfile would carry it, but bakes the value into the
    /// image: never for a key.)
    ///
    /// ## Fix
    /// `otel-doctor fix` applies it for a compose service: it adds the variable to the
    /// service's `environment` (a key as a `${VAR}` reference, never its value); remove the
    /// build argument by hand. For a `docker run` line, a devcontainer or an image run by hand
    /// the hint says where to set it.
    pub struct BuildArgOnly => "config/build-arg-only", Error;
}

impl Check for BuildArgOnly {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let args = service
                .image_contents
                .as_ref()
                .map_or(&[][..], |image| &image.args[..]);
            let dockerfile = service.dockerfile.as_deref().unwrap_or("the Dockerfile");
            for given in service
                .build_args
                .iter()
                .filter(|a| runtime_only(service, &a.name))
            {
                let declared = args.iter().find(|a| a.name == given.name);
                if declared.is_some_and(|a| a.in_env) {
                    continue;
                }
                let why = match declared {
                    Some(arg) => format!(
                        "`ARG {}` ({}) has no ENV that uses it",
                        arg.name, arg.location
                    ),
                    None => format!(
                        "{dockerfile} declares no `ARG {}`, so docker build ignores it",
                        given.name
                    ),
                };
                report(
                    out,
                    service,
                    &given.name,
                    &runtime_value(given),
                    &given.location,
                    true,
                    format!(
                        "{} is given to the image build only (a build argument), and {why}: the running app never sees it.",
                        given.name
                    ),
                );
            }
            for arg in args.iter().filter(|a| {
                !a.in_env
                    && runtime_only(service, &a.name)
                    && !service.build_args.iter().any(|given| given.name == a.name)
            }) {
                let value = match &arg.default {
                    Some(default) if !is_secret(&arg.name, default) => default.clone(),
                    _ => format!("${{{}}}", arg.name),
                };
                report(
                    out,
                    service,
                    &arg.name,
                    &value,
                    &arg.location,
                    false,
                    message_for_arg(arg),
                );
            }
        }
    }
}

/// A variable the SDK (or Honeycomb's distro) reads in the running app, which the container
/// does not get at run time.
fn runtime_only(service: &Workload, name: &str) -> bool {
    // Honeycomb's distros read `HONEYCOMB_*`; an app passes the key on in its headers.
    let read =
        otel::VARIABLES.iter().any(|(known, _)| *known == name) || name.starts_with("HONEYCOMB_");
    read && service.env_var(name).is_none()
}

fn message_for_arg(arg: &ImageArg) -> String {
    format!(
        "`ARG {}` sets {} while the image builds only: no ENV uses it, so the running app never sees it.",
        arg.name, arg.name
    )
}

/// Whether a value is a secret a fix must not write: a Honeycomb key, or what the reports
/// mask (a variable named like a secret, a token's shape).
fn is_secret(name: &str, value: &str) -> bool {
    honeycomb::classify_key(value.trim()).is_some()
        || crate::redact::mask_value(name, value) != value
}

/// What to set at run time: the value as written when it is a reference (`${KEY}`) or not a
/// secret, else a reference to the variable of the same name.
fn runtime_value(given: &EnvVar) -> String {
    if given.raw.contains("${") || !is_secret(&given.name, &given.value) {
        if given.raw.is_empty() {
            given.value.clone()
        } else {
            given.raw.clone()
        }
    } else {
        format!("${{{}}}", given.name)
    }
}

fn report(
    out: &mut Findings,
    service: &Workload,
    name: &str,
    value: &str,
    location: &crate::source::Location,
    build_argument: bool,
    message: String,
) {
    let set = hint::set_variables(service, &[(name, value)]);
    // Where it was given goes too; a Dockerfile `ARG` is left alone (other builds may use it).
    let remove = match service.launcher {
        _ if !build_argument => "",
        Launcher::DockerRun => " and drop its --build-arg",
        Launcher::Compose | Launcher::Devcontainer => " and remove it from build.args",
        Launcher::Image | Launcher::Host | Launcher::Kubernetes => "",
    };
    let finding = out.service(
        &BuildArgOnly::META,
        service,
        location,
        message,
        format!(
            "{set}{remove}; an `ENV {name}=${name}` in the Dockerfile would bake the value into the image (never for a key)"
        ),
    );
    finding.fix = Some(hint::add_variable(service, name, value));
    finding.cures = hint::set(service, &[(name, value)]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::EnvOrigin;
    use crate::source::Location;
    use std::sync::Arc;

    fn given(name: &str, value: &str, raw: &str) -> EnvVar {
        EnvVar {
            name: name.to_string(),
            value: value.to_string(),
            raw: raw.to_string(),
            location: Location::file_start(&Arc::from("docker-compose.yml")),
            origin: EnvOrigin::Environment,
            uses: Vec::new(),
            merged_at: None,
            resolved: true,
        }
    }

    #[test]
    fn a_key_is_passed_by_reference_never_by_value() {
        let key = format!("hcaik_{}", "0".repeat(58));
        assert_eq!(
            runtime_value(&given("HONEYCOMB_API_KEY", &key, &key)),
            "${HONEYCOMB_API_KEY}"
        );
        assert_eq!(
            runtime_value(&given(
                "OTEL_EXPORTER_OTLP_HEADERS",
                "x-honeycomb-team=k",
                "x-honeycomb-team=${HONEYCOMB_API_KEY}"
            )),
            "x-honeycomb-team=${HONEYCOMB_API_KEY}"
        );
        assert_eq!(
            runtime_value(&given(
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                "http://c:4318",
                "http://c:4318"
            )),
            "http://c:4318"
        );
    }
}

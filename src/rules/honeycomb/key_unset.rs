use crate::resolve::{KeyUse, Launcher, Project, Workload, describe_source};
use crate::rules::{Check, Findings, declare_rule};
use crate::source::Location;

declare_rule! {
    /// ## What it does
    /// Checks that the Honeycomb key a service sends is not empty after docker compose has
    /// interpolated it.
    ///
    /// ## Why is this bad?
    /// `x-honeycomb-team=${HONEYCOMB_API_KEY}` with the variable set neither in the shell nor
    /// in `.env` becomes `x-honeycomb-team=`: Honeycomb answers 401 "missing
    /// 'x-honeycomb-team' header" to every export. compose only mentions it in a warning at
    /// start-up. A common cause: the key was exported in one terminal (or saved with
    /// `gp env` on Gitpod, which only reaches new workspaces) and compose ran in another.
    ///
    /// ## Example
    /// ```sh
    /// docker compose up          # HONEYCOMB_API_KEY not set here
    /// ```
    /// Use instead:
    /// ```sh
    /// export HONEYCOMB_API_KEY=<ingest key>
    /// docker compose up
    /// ```
    pub struct KeyUnset => "honeycomb/key-unset", Error;
}

impl Check for KeyUnset {
    fn check(&self, project: &Project, out: &mut Findings) {
        let dotenv = if project.dotenv_files.is_empty() {
            "there is no .env next to the compose file".to_string()
        } else {
            format!("not in {}", project.dotenv_files.join(", "))
        };
        // One unset variable is one finding, however many services send it.
        let mut causes: Vec<(Cause, Vec<&Workload>)> = Vec::new();
        for (service, key) in project.keys_sent_to_honeycomb() {
            if !key.value.trim().is_empty() {
                continue;
            }
            let cause = cause(service, &key, &dotenv);
            match causes.iter_mut().find(|(c, _)| c.same_as(&cause)) {
                Some((_, services)) => services.push(service),
                None => causes.push((cause, vec![service])),
            }
        }
        for (cause, services) in causes {
            let subject = match services.as_slice() {
                [_] => cause.subject.clone(),
                many => format!("{} services send an empty key", many.len()),
            };
            out.services(
                &Self::META,
                &services,
                &cause.location,
                format!(
                    "{subject} because {}. Honeycomb will answer 401 \"missing 'x-honeycomb-team' header\".",
                    cause.why
                ),
                cause.hint,
            );
        }
    }
}

/// Why a key is empty, where to fix it, and how.
struct Cause {
    variable: String,
    subject: String,
    why: String,
    location: Location,
    hint: String,
}

impl Cause {
    fn same_as(&self, other: &Cause) -> bool {
        self.variable == other.variable && self.why == other.why
    }
}

fn cause(service: &Workload, key: &KeyUse, dotenv: &str) -> Cause {
    let subject = format!("{} is \"{}\"", key.setting.describe(), key.setting.value);
    // Where the variable would come from is the launcher's: compose's shell and `.env`, the
    // shell that runs a script or starts a process, the machine VS Code runs on.
    let launched = &service.location.file;
    // A devcontainer's `${localEnv:X}` joins the compose service it runs in: its file says.
    let launcher = if key.setting.location.file.ends_with("devcontainer.json") {
        Launcher::Devcontainer
    } else {
        service.launcher
    };
    // Gitpod's paragraph only for a service that runs there: one whose settings read
    // Gitpod's own variables (`GITPOD_WORKSPACE_ID`, ...).
    let on_gitpod = service
        .env
        .iter()
        .flat_map(|var| &var.uses)
        .any(|used| used.name.starts_with("GITPOD_"));
    let export = |variable: &str| match launcher {
        Launcher::Devcontainer => format!(
            "export {variable}=<ingest key> where VS Code starts (${{localEnv:{variable}}} reads its environment), then reopen VS Code and rebuild the container\n(Codespaces: add {variable} as a Codespaces secret)"
        ),
        Launcher::DockerRun => {
            format!("export {variable}=<ingest key> in the shell that runs {launched}")
        }
        Launcher::Host => format!(
            "export {variable}=<ingest key> in the shell that starts {} ({launched})",
            service.name
        ),
        Launcher::Kubernetes => format!(
            "set {variable} in the env of container {} ({launched}), from a Secret: valueFrom.secretKeyRef",
            service.name
        ),
        Launcher::Compose | Launcher::Image => {
            let mut hint = format!(
                "export {variable}=<ingest key> in the shell that runs docker compose, or add {variable}=<ingest key> to .env (and keep .env out of git)"
            );
            if on_gitpod {
                hint.push_str(&format!(
                    "\n(Gitpod: gp env {variable}=<key> only reaches new workspaces; in this one run: eval $(gp env -e))"
                ));
            }
            hint
        }
    };
    let not_set = |variable: &str| match launcher {
        Launcher::Compose | Launcher::Image => {
            format!("{variable} is not set in the shell and {dotenv}")
        }
        Launcher::Devcontainer => format!(
            "{variable} is not set on this machine, and VS Code substitutes an empty string for ${{localEnv:{variable}}}"
        ),
        Launcher::DockerRun | Launcher::Host | Launcher::Kubernetes => {
            format!("{variable} is not set in the shell and nothing in {launched} sets it")
        }
    };
    let references = key
        .setting
        .env
        .map(|var| var.uses.as_slice())
        .unwrap_or_default();
    let found = |variable: &str, why: String, location: &Location, hint: String| Cause {
        variable: variable.to_string(),
        subject: subject.clone(),
        why,
        location: location.clone(),
        hint,
    };
    if let Some(unset) = references.iter().find(|r| r.source.is_none()) {
        let why = not_set(&unset.name);
        return found(&unset.name, why, key.setting.location, export(&unset.name));
    }
    if let Some(reference) = references.first() {
        let why = format!(
            "{} is set but empty (in {})",
            reference.name,
            describe_source(reference.source.as_ref())
        );
        return found(
            &reference.name,
            why,
            key.setting.location,
            export(&reference.name),
        );
    }
    let read = key
        .setting
        .code
        .filter(|_| key.setting.env.is_none())
        .and_then(|code| Some((code, code.variable.as_deref()?)));
    match read {
        Some((code, variable)) => {
            let subject = format!(
                "the code at {} reads the key from {variable}, which is empty",
                code.location
            );
            let (why, location, hint) = match service.passthrough(variable) {
                Some(passthrough) => (
                    format!(
                        "{} passes {variable} from the shell, where it is not set ({dotenv})",
                        passthrough.location
                    ),
                    &passthrough.location,
                    export(variable),
                ),
                None => (
                    format!("the service's environment never sets {variable}"),
                    &code.location,
                    format!(
                        "add to services.{}.environment:\n  {variable}: ${{{variable}}}\nthen {}",
                        service.name,
                        export(variable)
                    ),
                ),
            };
            Cause {
                variable: variable.to_string(),
                subject,
                why,
                location: location.clone(),
                hint,
            }
        }
        None => found(
            "",
            "the key written in the file is empty".to_string(),
            key.setting.location,
            export("HONEYCOMB_API_KEY"),
        ),
    }
}

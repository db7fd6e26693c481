use crate::resolve::{MissingEnvFile, Project};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that every `env_file` of a service exists.
    ///
    /// ## Why is this bad?
    /// docker compose refuses to start a service whose `env_file` is missing ("env file ...
    /// not found"): the variables it should carry, often the Honeycomb key and the OTLP
    /// settings, never reach the container.
    ///
    /// ## Example
    /// ```yaml
    /// env_file: backend.env   # not committed, never created
    /// ```
    /// Use instead: create the file (from a committed `backend.env.example`), or mark it
    /// optional:
    /// ```yaml
    /// env_file:
    ///   - path: backend.env
    ///     required: false
    /// ```
    pub struct EnvFileMissing => "compose/env-file-missing", Error;
}

impl Check for EnvFileMissing {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            for missing in &service.missing_env_files {
                out.service(
                    &Self::META,
                    service,
                    &missing.location,
                    format!(
                        "env_file {} does not exist: docker compose refuses to start `{}`.",
                        missing.path, service.name
                    ),
                    hint(missing),
                );
            }
        }
    }
}

fn hint(missing: &MissingEnvFile) -> String {
    let Some(generator) = &missing.generator else {
        return format!("create {} or mark it `required: false`", missing.path);
    };
    match (&generator.script, &generator.template) {
        (Some(script), Some(template)) => format!(
            "generate it before `docker compose up`: run {script} (it writes {} from {template})",
            missing.path
        ),
        (Some(script), None) => format!(
            "generate it before `docker compose up`: run {script}, which writes {}",
            missing.path
        ),
        (None, Some(template)) => format!(
            "create it from its template: cp {template} {} and fill in the values",
            missing.path
        ),
        (None, None) => format!("create {} or mark it `required: false`", missing.path),
    }
}

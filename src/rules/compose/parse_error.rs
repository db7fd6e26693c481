use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::FileKind;

declare_rule! {
    /// ## What it does
    /// Reports a compose file, `.env` or `env_file` that docker compose cannot read: YAML
    /// syntax, a duplicate key, a field of the wrong shape, a malformed env file, a file that
    /// is binary, empty, too large or unreadable. Also a `devcontainer.json` that is not JSON
    /// (with comments), or whose compose `service` or `dockerComposeFile` does not exist.
    ///
    /// ## Why is this bad?
    /// docker compose refuses the whole project, so no service starts at all. The rest of this
    /// report describes what would run once the file is fixed.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   backend:
    ///     environment:
    ///       OTEL_SERVICE_NAME: backend
    ///       OTEL_SERVICE_NAME: api
    /// ```
    /// Use instead: one value per key (`docker compose config` shows the same error).
    pub struct ParseError => "compose/parse-error", Error;
}

impl Check for ParseError {
    fn check(&self, project: &Project, out: &mut Findings) {
        for problem in &project.problems {
            let what = match problem.kind {
                FileKind::Compose => "docker compose cannot read this file",
                FileKind::EnvFile => "docker compose cannot read this env file",
                FileKind::Devcontainer => "the dev container cannot be created from this file",
                _ => continue,
            };
            out.workspace(
                &Self::META,
                &problem.location,
                format!("{what}: {}.", problem.message),
                match problem.kind {
                    FileKind::Devcontainer => "fix it at this line; `devcontainer read-configuration` (or VS Code's Rebuild Container) reports the same problem".to_string(),
                    _ => "fix it at this line; `docker compose config` reports the same problem".to_string(),
                },
            );
        }
    }
}

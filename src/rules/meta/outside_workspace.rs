use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a file the workspace refers to that lies outside it, which otel-doctor does not
    /// read: an `env_file`, `include`, `extends` file, build context or Dockerfile, a collector
    /// config mount or a `COMPOSE_FILE` entry given as an absolute path or with `../`, or a
    /// symlink whose target is outside. The workspace is the repository holding the folder
    /// checked (the nearest folder upward with `.git`), else that folder.
    ///
    /// ## Why is this bad?
    /// A workspace is untrusted input: in CI it is a pull request, and what it refers to is
    /// read into the report (`env_file: [/etc/shadow, ../secret.env]` would print their
    /// lines). So nothing outside the workspace is read, and what such a file would set is not
    /// known: findings about the variables it holds, or the services an `include` brings, may
    /// be missing or wrong. Files named on the command line (`-f`, `--env-file`, `--config`)
    /// are read wherever they are.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     env_file: ../secrets/api.env
    /// ```
    /// Use instead: keep the file in the repository (with its secrets in the environment, or a
    /// committed template), or check from a folder that holds both.
    pub struct OutsideWorkspace => "meta/outside-workspace", Warning;
}

impl Check for OutsideWorkspace {
    fn check(&self, project: &Project, out: &mut Findings) {
        let root = project.boundary.root().map_or_else(
            || project.root.display().to_string(),
            |r| r.display().to_string(),
        );
        for reference in &project.outside {
            let real = reference.real.display().to_string();
            let place = if real == *reference.path {
                "is".to_string()
            } else {
                format!("leads to {real},")
            };
            let message = if reference.what == "symlink" {
                format!(
                    "{} is a symlink to {real}, outside the workspace ({root}): not read.",
                    reference.path
                )
            } else {
                format!(
                    "{} {} {place} outside the workspace ({root}): not read, so what it holds is not checked.",
                    reference.what, reference.path
                )
            };
            out.workspace(
                &Self::META,
                &reference.location,
                message,
                format!(
                    "otel-doctor reads nothing outside {root}; if {} belongs to the project, check from a folder that holds both (the repository's root: the folder with .git)",
                    reference.path
                ),
            );
        }
    }
}

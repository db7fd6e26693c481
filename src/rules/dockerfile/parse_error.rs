use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::FileKind;

declare_rule! {
    /// ## What it does
    /// Reports a service's Dockerfile that cannot be read: missing, binary, not UTF-8, too
    /// large, or malformed (no `FROM`, an unterminated heredoc).
    ///
    /// ## Why is this bad?
    /// docker compose cannot build the service, and otel-doctor cannot tell what the image
    /// installs or runs, so the checks that depend on it are skipped.
    ///
    /// ## Example
    /// ```yaml
    /// build:
    ///   context: ./backend
    ///   dockerfile: Dockerfile.prod   # no such file
    /// ```
    /// Use instead: the path of the Dockerfile, relative to the build context.
    pub struct ParseError => "dockerfile/parse-error", Error;
}

impl Check for ParseError {
    fn check(&self, project: &Project, out: &mut Findings) {
        for problem in project
            .problems
            .iter()
            .filter(|p| p.kind == FileKind::Dockerfile)
        {
            out.workspace(
                &Self::META,
                &problem.location,
                format!("cannot read the Dockerfile: {}.", problem.message),
                "fix the Dockerfile (or the build's `dockerfile:` path) so `docker compose build` can use it".to_string(),
            );
        }
    }
}

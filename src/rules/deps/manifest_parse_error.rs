use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::FileKind;

declare_rule! {
    /// ## What it does
    /// Reports a dependency manifest (`requirements*.txt`, `pyproject.toml`) that cannot be
    /// read: malformed TOML, binary, not UTF-8, too large, unreadable.
    ///
    /// ## Why is this bad?
    /// pip fails on it at build time, and otel-doctor cannot tell which packages the image
    /// installs, so package checks for the service are less certain.
    ///
    /// ## Example
    /// ```toml
    /// [project]
    /// dependencies = ["opentelemetry-sdk"
    /// ```
    /// Use instead: valid TOML (`dependencies = ["opentelemetry-sdk"]`).
    pub struct ManifestParseError => "deps/manifest-parse-error", Warning;
}

impl Check for ManifestParseError {
    fn check(&self, project: &Project, out: &mut Findings) {
        for problem in project
            .problems
            .iter()
            .filter(|p| p.kind == FileKind::Manifest)
        {
            out.workspace(
                &Self::META,
                &problem.location,
                format!("cannot read this manifest: {}.", problem.message),
                "fix the file; pip and the build tools will fail on it too".to_string(),
            );
        }
    }
}

use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::interpolate::InterpolationError;

declare_rule! {
    /// ## What it does
    /// Checks for `$` expressions docker compose cannot parse: `${`, `${}`, `${ VAR}`,
    /// `${VAR!}`.
    ///
    /// ## Why is this bad?
    /// docker compose rejects the whole file with `Invalid template`, so no service starts.
    /// A literal `$` (in a password, a regex) must be written `$$`.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${ HONEYCOMB_API_KEY}
    /// ```
    /// Use instead:
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY}
    /// ```
    pub struct InvalidInterpolation => "compose/invalid-interpolation", Error;
}

impl Check for InvalidInterpolation {
    fn check(&self, project: &Project, out: &mut Findings) {
        for failure in &project.interpolation_failures {
            if !matches!(failure.error, InterpolationError::InvalidTemplate { .. }) {
                continue;
            }
            out.workspace(
                &Self::META,
                &failure.location,
                format!("docker compose rejects the file: {}.", failure.error),
                "write variables as ${NAME} or $NAME, and a literal dollar sign as $$".to_string(),
            );
        }
    }
}

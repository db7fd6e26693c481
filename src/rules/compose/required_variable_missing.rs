use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::interpolate::InterpolationError;

declare_rule! {
    /// ## What it does
    /// Checks `${VAR:?message}` and `${VAR?message}` references whose variable is missing
    /// (unset, or empty for `:?`).
    ///
    /// ## Why is this bad?
    /// docker compose refuses to start the project with `required variable VAR is missing a
    /// value: message`. Nothing runs, traced or not.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY:?set your Honeycomb key}
    /// ```
    /// Use instead: set the variable (`export HONEYCOMB_API_KEY=...` or a line in `.env`).
    pub struct RequiredVariableMissing => "compose/required-variable-missing", Error;
}

impl Check for RequiredVariableMissing {
    fn check(&self, project: &Project, out: &mut Findings) {
        for failure in &project.interpolation_failures {
            let InterpolationError::RequiredMissing { name, .. } = &failure.error else {
                continue;
            };
            out.workspace(
                &Self::META,
                &failure.location,
                format!("docker compose refuses to start: {}.", failure.error),
                format!("export {name}=... in the shell, or add {name}=... to .env"),
            );
        }
    }
}

use super::report_honeycomb_problems;
use crate::resolve::Project;
use crate::resolve::collector::RefState;
use crate::resolve::collector::honeycomb::HoneycombProblem;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that the variable a collector's `x-honeycomb-team` header is expanded from
    /// reaches the collector's container, with a value, in a syntax its release expands.
    ///
    /// ## Why is this bad?
    /// The config file is not interpolated by docker compose: `${env:HONEYCOMB_API_KEY}` is
    /// expanded by the collector, from its own container's environment. A key in `.env` or in
    /// your shell reaches the container only through the service's `environment:`. Unset, the
    /// header is empty and Honeycomb answers 401. Since v0.107 a bare `$HONEYCOMB_API_KEY` is
    /// sent as written (v0.104 to v0.106 refuse it).
    ///
    /// ## Example
    /// ```yaml
    /// otel-collector:
    ///   image: otel/opentelemetry-collector-contrib
    ///   # no environment: HONEYCOMB_API_KEY stays in .env
    /// ```
    /// Use instead:
    /// ```yaml
    ///   environment:
    ///     HONEYCOMB_API_KEY: ${HONEYCOMB_API_KEY}
    /// ```
    pub struct KeyVariableMissing => "collector/key-variable-missing", Error;
}

impl Check for KeyVariableMissing {
    fn check(&self, project: &Project, out: &mut Findings) {
        report_honeycomb_problems::<Self>(project, out, |collector, exporter, problem| {
            let name = &collector.service;
            let HoneycombProblem::KeyVariable { header, reference } = problem else {
                return None;
            };
            let variable = &reference.name;
            let (cause, hint) = match &reference.state {
                RefState::Set { location, .. } => (
                    format!("{variable} is empty in the `{name}` container (set at {location})"),
                    format!(
                        "give {variable} a value where it is set, or export it before docker compose up"
                    ),
                ),
                RefState::Kept => (
                    format!(
                        "{} does not expand a bare {} (only ${{...}}, since v0.107): it goes to Honeycomb as written",
                        collector.describe(),
                        reference.text
                    ),
                    format!("write ${{env:{variable}}}"),
                ),
                RefState::Refused => (
                    format!(
                        "{} refuses the bare {} and exits at start (v0.104 to v0.106)",
                        collector.describe(),
                        reference.text
                    ),
                    format!("write ${{env:{variable}}}"),
                ),
                _ => match collector.passed_through.iter().find(|(n, _)| n == variable) {
                    Some((_, location)) => (
                        format!(
                            "compose passes {variable} to `{name}` from the shell ({location}), and it is set neither there nor in .env, so the header is empty"
                        ),
                        format!(
                            "export {variable}=<ingest key> in the shell that runs docker compose, or add {variable}=<ingest key> to .env (and keep .env out of git)"
                        ),
                    ),
                    None => (
                        format!(
                            "the `{name}` container does not receive {variable}, so the header is empty"
                        ),
                        format!(
                            "pass it to the container:\n  {name}:\n    environment:\n      {variable}: ${{{variable}}}\n(.env and the shell only feed compose's own interpolation)"
                        ),
                    ),
                },
            };
            Some((
                header.location.clone(),
                format!(
                    "exporter {} sends x-honeycomb-team from {}, but {cause}: Honeycomb answers 401.",
                    exporter.id, reference.text
                ),
                hint,
            ))
        });
    }
}

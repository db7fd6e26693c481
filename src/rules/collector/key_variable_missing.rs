use super::{Problem, not_received, report_honeycomb_problems};
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
    ///
    /// ## Fix
    /// `otel-doctor fix` applies it when the collector's container does not receive the
    /// variable at all: it adds `HONEYCOMB_API_KEY: ${HONEYCOMB_API_KEY}` (the variable the
    /// header names) to the collector's own compose `environment`, a reference compose fills
    /// from the shell or `.env`, never the key. Not fixed automatically otherwise (a value to
    /// give, a syntax to change).
    pub struct KeyVariableMissing => "collector/key-variable-missing", Error;
}

impl Check for KeyVariableMissing {
    fn check(&self, project: &Project, out: &mut Findings) {
        report_honeycomb_problems::<Self, _>(project, out, |collector, exporter, problem| {
            let name = &collector.service;
            let HoneycombProblem::KeyVariable { header, reference } = problem else {
                return None;
            };
            let variable = &reference.name;
            let mut fix = None;
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
                _ => {
                    let missing = not_received(project, collector, variable, "<ingest key>");
                    fix = missing.fix;
                    (
                        format!("{}, so the header is empty", missing.cause),
                        missing.hint,
                    )
                }
            };
            let (fix, cures) = fix.unzip();
            Some(Problem {
                location: header.location.clone(),
                message: format!(
                    "exporter {} sends x-honeycomb-team from {}, but {cause}: Honeycomb answers 401.",
                    exporter.id, reference.text
                ),
                hint,
                fix,
                cures: cures.unwrap_or_default(),
            })
        });
    }
}

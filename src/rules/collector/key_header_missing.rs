use super::report_honeycomb_problems;
use crate::resolve::Project;
use crate::resolve::collector::honeycomb::HoneycombProblem;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that a collector exporter to Honeycomb sends the `x-honeycomb-team` header (or
    /// has an `auth` extension that adds headers).
    ///
    /// ## Why is this bad?
    /// Without it Honeycomb answers 401 "missing 'x-honeycomb-team' header" to every export.
    /// A key the apps send to the collector is not passed on: the collector sends its own
    /// headers.
    ///
    /// ## Example
    /// ```yaml
    /// exporters:
    ///   otlp/honeycomb:
    ///     endpoint: api.honeycomb.io:443
    /// ```
    /// Use instead:
    /// ```yaml
    ///     headers:
    ///       x-honeycomb-team: ${env:HONEYCOMB_API_KEY}
    /// ```
    pub struct KeyHeaderMissing => "collector/key-header-missing", Error;
}

impl Check for KeyHeaderMissing {
    fn check(&self, project: &Project, out: &mut Findings) {
        report_honeycomb_problems::<Self, _>(project, out, |collector, exporter, problem| {
            let HoneycombProblem::KeyHeaderMissing { location } = problem else {
                return None;
            };
            Some((
                location.clone(),
                format!(
                    "exporter {} of `{}` sends to Honeycomb without an x-honeycomb-team header: Honeycomb answers 401 \"missing 'x-honeycomb-team' header\".",
                    exporter.id, collector.service
                ),
                format!(
                    "add to exporter {}:\n  headers:\n    x-honeycomb-team: ${{env:HONEYCOMB_API_KEY}}\nand pass HONEYCOMB_API_KEY to the `{}` container (environment: [HONEYCOMB_API_KEY])",
                    exporter.id, collector.service
                ),
            ))
        });
    }
}

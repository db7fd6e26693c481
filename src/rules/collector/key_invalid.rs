use super::report_honeycomb_problems;
use crate::knowledge::honeycomb::mask_keys_in;
use crate::resolve::Project;
use crate::resolve::collector::honeycomb::HoneycombProblem;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that the key a collector exporter sends to Honeycomb is shaped like a Honeycomb
    /// key that can send data: not a placeholder (`YOUR_API_KEY`), not quoted twice, not a
    /// management key or a Key ID without its secret.
    ///
    /// ## Why is this bad?
    /// Honeycomb answers 401 "unknown API key" to every export.
    ///
    /// ## Example
    /// ```yaml
    ///     headers:
    ///       x-honeycomb-team: "<YOUR_API_KEY>"
    /// ```
    /// Use instead: `x-honeycomb-team: ${env:HONEYCOMB_API_KEY}`, with an ingest key in that
    /// variable.
    pub struct KeyInvalid => "collector/key-invalid", Error;
}

impl Check for KeyInvalid {
    fn check(&self, project: &Project, out: &mut Findings) {
        report_honeycomb_problems::<Self, _>(project, out, |collector, exporter, problem| {
            let HoneycombProblem::KeyInvalid { header, reason } = problem else {
                return None;
            };
            Some((
                header.location.clone(),
                format!(
                    "exporter {} of `{}` sends x-honeycomb-team \"{}\": {reason}. Honeycomb answers 401.",
                    exporter.id,
                    collector.service,
                    mask_keys_in(&header.value.value)
                ),
                "x-honeycomb-team: ${env:HONEYCOMB_API_KEY}, with an ingest key from Honeycomb (Environment settings → API Keys) in HONEYCOMB_API_KEY".to_string(),
            ))
        });
    }
}

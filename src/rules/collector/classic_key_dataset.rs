use super::report_honeycomb_problems;
use crate::resolve::Project;
use crate::resolve::collector::honeycomb::HoneycombProblem;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that a collector exporter sending a classic Honeycomb key also sends
    /// `x-honeycomb-dataset`.
    ///
    /// ## Why is this bad?
    /// Classic keys write to a dataset named by the header; without it Honeycomb answers 401
    /// "missing 'x-honeycomb-dataset' header". (Environment keys need no dataset: it is the
    /// service name.)
    ///
    /// ## Example
    /// ```yaml
    ///     headers:
    ///       x-honeycomb-team: ${env:HONEYCOMB_API_KEY}   # a classic key
    /// ```
    /// Use instead:
    /// ```yaml
    ///       x-honeycomb-dataset: my-traces
    /// ```
    pub struct ClassicKeyDataset => "collector/classic-key-dataset", Error;
}

impl Check for ClassicKeyDataset {
    fn check(&self, project: &Project, out: &mut Findings) {
        report_honeycomb_problems::<Self, _>(project, out, |collector, exporter, problem| {
            let HoneycombProblem::ClassicKeyWithoutDataset { header } = problem else {
                return None;
            };
            Some((
                header.location.clone(),
                format!(
                    "exporter {} of `{}` sends a classic key without x-honeycomb-dataset: Honeycomb answers 401 \"missing 'x-honeycomb-dataset' header\".",
                    exporter.id, collector.service
                ),
                format!(
                    "add to the headers of {}: x-honeycomb-dataset: <dataset name>",
                    exporter.id
                ),
            ))
        });
    }
}

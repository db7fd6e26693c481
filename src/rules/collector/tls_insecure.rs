use super::report_honeycomb_problems;
use crate::resolve::Project;
use crate::resolve::collector::honeycomb::HoneycombProblem;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that a collector exporter to Honeycomb does not set `tls.insecure: true`.
    ///
    /// ## Why is this bad?
    /// `insecure: true` means plaintext. Honeycomb speaks TLS only, so the connection fails
    /// (and were it to succeed, the key would cross the network in clear). It is copied from
    /// examples that send to a local Jaeger or another collector.
    ///
    /// ## Example
    /// ```yaml
    /// exporters:
    ///   otlp/honeycomb:
    ///     endpoint: api.honeycomb.io:443
    ///     tls:
    ///       insecure: true
    /// ```
    /// Use instead: remove `tls.insecure` (TLS is the default).
    pub struct TlsInsecure => "collector/tls-insecure", Error;
}

impl Check for TlsInsecure {
    fn check(&self, project: &Project, out: &mut Findings) {
        report_honeycomb_problems::<Self, _>(project, out, |collector, exporter, problem| {
            let HoneycombProblem::Insecure { location } = problem else {
                return None;
            };
            Some((
                location.clone(),
                format!(
                    "exporter {} of `{}` sends to Honeycomb without TLS (tls.insecure: true), and Honeycomb only speaks TLS: every export fails.",
                    exporter.id, collector.service
                ),
                "delete `insecure: true` (TLS is the default)".to_string(),
            ))
        });
    }
}

use super::{honeycomb_exporters, report, senders, stops};
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
        for collector in &project.collectors {
            let affected = senders(project, collector);
            let who = stops(&affected);
            for (exporter, problems) in honeycomb_exporters(collector) {
                for problem in &problems {
                    let HoneycombProblem::Insecure { location } = problem else {
                        continue;
                    };
                    report::<Self>(
                        out,
                        project,
                        collector,
                        &affected,
                        location,
                        format!(
                            "exporter {} of `{}` sends to Honeycomb without TLS (tls.insecure: true), and Honeycomb only speaks TLS: every export fails.{who}",
                            exporter.id, collector.service
                        ),
                        "delete `insecure: true` (TLS is the default)".to_string(),
                    );
                }
            }
        }
    }
}

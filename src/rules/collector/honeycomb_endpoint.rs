use super::report_honeycomb_problems;
use crate::resolve::Project;
use crate::resolve::collector::honeycomb::HoneycombProblem;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks a collector exporter's Honeycomb endpoint: port 443 only; for `otlphttp`, an
    /// `https://` URL whose `endpoint` does not already end in `/v1/traces` (the exporter adds
    /// it), or a `traces_endpoint` that does.
    ///
    /// ## Why is this bad?
    /// Honeycomb listens on 443 with TLS and nothing else: another port never connects, plain
    /// `http://` is refused, and `/v1/traces/v1/traces` answers 404. The collector retries,
    /// logs the error, then drops the spans.
    ///
    /// ## Example
    /// ```yaml
    /// exporters:
    ///   otlphttp/honeycomb:
    ///     endpoint: https://api.honeycomb.io/v1/traces
    /// ```
    /// Use instead: `endpoint: https://api.honeycomb.io` (or
    /// `traces_endpoint: https://api.honeycomb.io/v1/traces`).
    pub struct HoneycombEndpoint => "collector/honeycomb-endpoint", Error;
}

impl Check for HoneycombEndpoint {
    fn check(&self, project: &Project, out: &mut Findings) {
        report_honeycomb_problems::<Self, _>(project, out, |collector, exporter, problem| {
            let endpoint = exporter
                .endpoint
                .as_ref()
                .map(|(e, _)| e.value.clone())
                .unwrap_or_default();
            let (message, hint) = match problem {
                        HoneycombProblem::WrongPort { port, .. } => (
                            format!("Honeycomb listens on 443 only, not {port}"),
                            match exporter.kind {
                                Some(crate::knowledge::collector::ExporterKind::OtlpGrpc) => {
                                    "endpoint: api.honeycomb.io:443".to_string()
                                }
                                _ => "endpoint: https://api.honeycomb.io".to_string(),
                            },
                        ),
                        HoneycombProblem::WrongScheme { scheme: Some(scheme), .. } => (
                            format!("Honeycomb takes HTTPS only, not {scheme}://"),
                            "endpoint: https://api.honeycomb.io".to_string(),
                        ),
                        HoneycombProblem::WrongScheme { scheme: None, .. } => (
                            "an OTLP/HTTP endpoint needs a scheme: without https:// the exporter cannot send".to_string(),
                            "endpoint: https://api.honeycomb.io".to_string(),
                        ),
                        HoneycombProblem::WrongPath { doubled: true, .. } => (
                            "the exporter appends /v1/traces to `endpoint`, so it posts to .../v1/traces/v1/traces and Honeycomb answers 404".to_string(),
                            format!("endpoint: {}", endpoint.trim_end_matches('/').trim_end_matches("/v1/traces")),
                        ),
                        HoneycombProblem::WrongPath { doubled: false, .. } => (
                            "`traces_endpoint` is used as written and lacks /v1/traces: Honeycomb answers 404".to_string(),
                            format!("traces_endpoint: {}/v1/traces", endpoint.trim_end_matches('/')),
                        ),
                        _ => return None,
                    };
            Some((
                problem.location().clone(),
                format!(
                    "exporter {} of `{}` sends to \"{endpoint}\": {message}.",
                    exporter.id, collector.service
                ),
                hint,
            ))
        });
    }
}

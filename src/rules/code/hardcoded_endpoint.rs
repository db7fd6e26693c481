use crate::knowledge::{languages, otel};
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for an OTLP exporter built in code with a literal `endpoint=` (Node.js: `url:`).
    ///
    /// ## Why is this bad?
    /// An endpoint passed in code wins over `OTEL_EXPORTER_OTLP_ENDPOINT`: changing the
    /// environment (another region, a collector, a test) silently has no effect, and the
    /// same image cannot be pointed anywhere else.
    ///
    /// ## Example
    /// ```python
    /// OTLPSpanExporter(endpoint="https://api.honeycomb.io/v1/traces")
    /// ```
    /// Use instead:
    /// ```python
    /// OTLPSpanExporter()  # reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT
    /// ```
    pub struct HardcodedEndpoint => "code/hardcoded-endpoint", Warning;
}

impl Check for HardcodedEndpoint {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let Some(language) = service.language.filter(|l| languages::reads_code(*l)) else {
                continue;
            };
            for exporter in &service.code.exporters {
                // An endpoint read from the environment (`os.getenv(...)`) is configurable.
                let Some(endpoint) = exporter.endpoint.as_ref().filter(|e| e.is_literal()) else {
                    continue;
                };
                let (Some(url), location) = (endpoint.text(), &endpoint.location) else {
                    continue;
                };
                let overridden = service
                    .setting(otel::TRACES_ENDPOINT)
                    .or_else(|| service.setting(otel::ENDPOINT))
                    .map(|s| format!(": {} (\"{}\") is ignored", s.describe(), s.value))
                    .unwrap_or_default();
                out.service(
                    &Self::META,
                    service,
                    location,
                    format!(
                        "the exporter's endpoint is written in code as \"{url}\", {}{overridden}.",
                        if service.code_sdk_ignores_environment().is_some() {
                            "so each deployment needs its own build (the exporter reads no environment variable)"
                        } else {
                            "which overrides the environment"
                        }
                    ),
                    languages::code_terms(language)
                        .endpoint_from_environment
                        .to_string(),
                );
            }
        }
    }
}

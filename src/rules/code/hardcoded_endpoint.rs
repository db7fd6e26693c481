use crate::finding::Severity;
use crate::knowledge::{languages, otel};
use crate::resolve::route::HopStatus;
use crate::resolve::{Project, Setting, Workload};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for an OTLP exporter built in code with a literal `endpoint=` (Node.js: `url:`).
    ///
    /// ## Why is this bad?
    /// An endpoint passed in code wins over `OTEL_EXPORTER_OTLP_ENDPOINT`: changing the
    /// environment (another region, a collector, a test) silently has no effect, and the
    /// same image cannot be pointed anywhere else. When the environment says something else,
    /// or the endpoint in code leads nowhere, that is a warning; an endpoint in code that
    /// sends where it should, and that no variable contradicts, is only a note: nothing that
    /// arrives changes.
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
                let environment = service
                    .setting(otel::TRACES_ENDPOINT)
                    .map(|s| (s, true))
                    .or_else(|| service.setting(otel::ENDPOINT).map(|s| (s, false)));
                let contradicted = environment
                    .as_ref()
                    .filter(|(setting, specific)| !same_url(service, url, setting, *specific));
                let message = match (&contradicted, &environment) {
                    (Some((setting, _)), _) => format!(
                        "the exporter's endpoint is written in code as \"{url}\", which overrides the environment: {} (\"{}\") is ignored.",
                        setting.describe(),
                        setting.value
                    ),
                    (None, Some((setting, _))) => format!(
                        "the exporter's endpoint is written in code as \"{url}\", the same as {}: the environment cannot move it (another region, a collector, a test).",
                        setting.describe()
                    ),
                    (None, None) => format!(
                        "the exporter's endpoint is written in code as \"{url}\": the environment cannot move it (another region, a collector, a test)."
                    ),
                };
                let finding = out.service(
                    &Self::META,
                    service,
                    location,
                    message,
                    format!(
                        "drop {} and set OTEL_EXPORTER_OTLP_ENDPOINT in the service's environment",
                        languages::code_terms(language).endpoint_option
                    ),
                );
                // Warnings must change what arrives: a correct endpoint nothing contradicts
                // sends the same spans from code as it would from the environment.
                if contradicted.is_none() && first_hop_holds(service) {
                    finding.severity = Severity::Info;
                }
            }
        }
    }
}

/// Whether the code's URL is where the environment's endpoint would send traces.
fn same_url(service: &Workload, code_url: &str, setting: &Setting, signal_specific: bool) -> bool {
    let protocol = service.export_plan().protocol;
    let from_environment = otel::traces_url(setting.value, signal_specific, protocol);
    let parse = |text: &str| otel::endpoint_url(text, protocol);
    match (parse(code_url), parse(&from_environment)) {
        (Some(code), Some(environment)) => {
            code.scheme() == environment.scheme()
                && code.host_str() == environment.host_str()
                && code.port_or_known_default() == environment.port_or_known_default()
                && (!protocol.is_http()
                    || code.path().trim_end_matches('/')
                        == environment.path().trim_end_matches('/'))
        }
        _ => code_url.trim() == from_environment.trim(),
    }
}

/// Whether the spans get past the first hop of their route: the endpoint in code reaches
/// Honeycomb or a collector's receiver (what happens after it is the collector's business).
fn first_hop_holds(service: &Workload) -> bool {
    service
        .route
        .as_ref()
        .and_then(|route| route.hops.get(1))
        .is_some_and(|hop| hop.status == HopStatus::Ok)
}

use crate::knowledge::{languages, otel};
use crate::resolve::{ConfiguredEndpoint, EndpointSource, Project};
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::Language;

declare_rule! {
    /// ## What it does
    /// Checks the path of an HTTP OTLP endpoint: the generic `OTEL_EXPORTER_OTLP_ENDPOINT`
    /// must not already end in `/v1/traces`, and a traces-only endpoint
    /// (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or `endpoint=` in code) must.
    ///
    /// ## Why is this bad?
    /// The SDK appends `/v1/traces` to the generic endpoint, so `https://api.honeycomb.io/v1/traces`
    /// becomes `.../v1/traces/v1/traces`: a 404 on every export. The traces-only endpoint is
    /// used exactly as written, so `https://api.honeycomb.io` posts to `/`: also a 404.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_ENDPOINT: https://api.honeycomb.io/v1/traces
    /// ```
    /// Use instead:
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_ENDPOINT: https://api.honeycomb.io
    /// # or: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: https://api.honeycomb.io/v1/traces
    /// ```
    pub struct EndpointPath => "config/endpoint-path", Error;
}

impl Check for EndpointPath {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project.services.iter().filter(|s| s.reads_otel_env()) {
            let plan = service.export_plan();
            if !plan.protocol.is_http() || !plan.protocol_is_known() {
                continue;
            }
            let Some(endpoint) = plan.configured_endpoint() else {
                continue;
            };
            let ConfiguredEndpoint {
                url,
                value,
                name,
                location,
            } = endpoint;
            let generic = match &plan.endpoint {
                EndpointSource::Setting {
                    signal_specific, ..
                } => !signal_specific,
                // Go reads the generic variable as a base too.
                EndpointSource::Target(target) => target.host_option == otel::ENDPOINT,
                _ => false,
            };
            let assign = |value: &str| match &plan.endpoint {
                // A settings file's key (`.properties` and YAML both take `key: value`).
                EndpointSource::Setting { setting, .. } if setting.config.is_some() => {
                    format!("{}: {value}", setting.name)
                }
                EndpointSource::Setting { setting, .. } => format!("{}={value}", setting.name),
                EndpointSource::Target(target) => match &target.host.variable {
                    Some(variable) => format!("{variable}={value}"),
                    None => format!(
                        "{}(\"{value}\")",
                        target.host_option.trim_end_matches("(...)")
                    ),
                },
                _ => languages::code_terms(service.language.unwrap_or(Language::Python))
                    .endpoint_in_code(value),
            };
            let path = url.path().trim_end_matches('/');
            let (message, fixed) = if generic && path.ends_with("/v1/traces/v1/traces") {
                let base = value.trim_end_matches('/').trim_end_matches("/v1/traces");
                (
                    format!(
                        "{name} is \"{value}\" and the SDK appends /v1/traces, so it posts to {}: a 404 on every export.",
                        plan.url
                    ),
                    format!(
                        "{}  (or set OTEL_EXPORTER_OTLP_TRACES_ENDPOINT to the full URL instead)",
                        assign(base)
                    ),
                )
            } else if !generic && !path.ends_with("/v1/traces") {
                let full = format!("{}/v1/traces", value.trim_end_matches('/'));
                (
                    format!(
                        "{name} is \"{value}\", used as is for traces: the SDK posts to {}, not to /v1/traces, and gets a 404.",
                        plan.url
                    ),
                    if service.sdk_config.replaces_environment.is_some() {
                        assign(&full)
                    } else {
                        format!(
                            "{}  (or use OTEL_EXPORTER_OTLP_ENDPOINT, which gets /v1/traces appended)",
                            assign(&full)
                        )
                    },
                )
            } else {
                continue;
            };
            out.service(&Self::META, service, location, message, fixed);
        }
    }
}

use crate::knowledge::honeycomb::{TEAM_HEADER, region_of_host};
use crate::knowledge::otel;
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that a service sending straight to Honeycomb sends its API key in the
    /// `x-honeycomb-team` header.
    ///
    /// ## Why is this bad?
    /// Honeycomb rejects every request without the header: 401 "missing 'x-honeycomb-team'
    /// header". The SDK logs one line per failed batch, which nobody reads in a busy log.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_ENDPOINT: https://api.honeycomb.io
    /// ```
    /// Use instead:
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_ENDPOINT: https://api.honeycomb.io
    /// OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY}
    /// ```
    pub struct KeyHeaderMissing => "honeycomb/key-header-missing", Error;
}

impl Check for KeyHeaderMissing {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let plan = service.export_plan();
            let Some(url) = plan.parsed_url() else {
                continue;
            };
            let Some(region) = url.host_str().and_then(region_of_host) else {
                continue;
            };
            // A pair the SDK drops is `config/headers-malformed`, with its own fix.
            if plan.header(TEAM_HEADER).is_some()
                || plan
                    .dropped_headers
                    .iter()
                    .any(|d| d.pair.to_ascii_lowercase().contains("honeycomb-team"))
                || service.honeycomb_key().is_some()
                || service.unresolved(&[otel::HEADERS, otel::TRACES_HEADERS])
            {
                continue;
            }
            let Some(location) = plan.endpoint_location() else {
                continue;
            };
            let headers = match plan.headers_setting {
                Some(setting) => format!("{} has no x-honeycomb-team", setting.describe()),
                None => "no OTEL_EXPORTER_OTLP_HEADERS is set".to_string(),
            };
            out.service(
                &Self::META,
                service,
                location,
                format!(
                    "`{}` sends to Honeycomb ({}, {}) but {headers}: every request gets 401 \"missing 'x-honeycomb-team' header\".",
                    service.name,
                    plan.url,
                    region.name()
                ),
                "add OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY} to the service's environment".to_string(),
            );
        }
    }
}

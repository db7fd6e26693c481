use crate::finding::{Cure, Remedy};
use crate::knowledge::honeycomb::{HEADER_REFERENCE, TEAM_HEADER, region_of_host};
use crate::knowledge::otel;
use crate::resolve::Project;
use crate::rules::hint::{add_variable, set};
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
    ///
    /// ## Fix
    /// `otel-doctor fix` applies it: it adds
    /// `OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY}` to the service's own
    /// `environment` in the compose file: a reference to the key, never the key itself (set
    /// `HONEYCOMB_API_KEY` in the shell or `.env`). Not fixed automatically when the service
    /// already sets headers (add the pair to them), or when its `environment` cannot be edited
    /// as text (flow style, an alias, keys from a `<<:` merge).
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
            let (headers, fix, cures) = match plan.headers_setting {
                Some(setting) => {
                    let written = setting.env.map_or(setting.value, |var| var.raw.as_str());
                    let with_key = format!("{},{HEADER_REFERENCE}", written.trim_end_matches(','));
                    (
                        format!("{} has no x-honeycomb-team", setting.describe()),
                        Remedy::manual(format!(
                            "{} is already set ({}): add x-honeycomb-team=${{HONEYCOMB_API_KEY}} to it by hand",
                            setting.name, setting.location
                        )),
                        vec![Cure::SetVariable {
                            workload: service.name.clone(),
                            name: setting.name.to_string(),
                            value: with_key,
                            at: setting.location.clone(),
                        }],
                    )
                }
                None => (
                    "no OTEL_EXPORTER_OTLP_HEADERS is set".to_string(),
                    add_variable(service, otel::HEADERS, HEADER_REFERENCE),
                    set(service, &[(otel::HEADERS, HEADER_REFERENCE)]),
                ),
            };
            let finding = out.service(
                &Self::META,
                service,
                location,
                format!(
                    "`{}` sends to Honeycomb ({}, {}) but {headers}: every request gets 401 \"missing 'x-honeycomb-team' header\".",
                    service.name,
                    plan.url,
                    region.name()
                ),
                format!("add {}: {HEADER_REFERENCE} to the service's environment", otel::HEADERS),
            );
            finding.fix = Some(fix);
            finding.cures = cures;
        }
    }
}

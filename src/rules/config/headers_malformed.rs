use crate::knowledge::honeycomb::mask_keys_in;
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that `OTEL_EXPORTER_OTLP_HEADERS` is a list of `name=value` pairs separated by
    /// commas, with values URL-encoded, as the OTLP exporter specification defines it.
    ///
    /// ## Why is this bad?
    /// A pair the SDK cannot read is dropped with a single log warning, and the request goes
    /// without it: Honeycomb answers 401 "missing 'x-honeycomb-team' header". Common slips:
    /// `x-honeycomb-team:KEY` (a colon, as in HTTP), quotes that list-form `environment` keeps
    /// (`- OTEL_EXPORTER_OTLP_HEADERS="x-honeycomb-team=KEY"`), `;` as a separator.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team: ${HONEYCOMB_API_KEY}"
    /// ```
    /// Use instead:
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=${HONEYCOMB_API_KEY}"
    /// ```
    pub struct HeadersMalformed => "config/headers-malformed", Error;
}

impl Check for HeadersMalformed {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project.services.iter().filter(|s| s.reads_otel_env()) {
            let plan = service.export_plan();
            let Some(setting) = plan.headers_setting else {
                continue;
            };
            for dropped in &plan.dropped_headers {
                let pair = mask_keys_in(&dropped.pair);
                let fixed = pair
                    .trim_matches(['"', '\''])
                    .replacen(':', "=", usize::from(!pair.contains('=')))
                    .replace(['"', '\''], "")
                    .replace(" =", "=")
                    .replace("= ", "=");
                out.service(
                    &Self::META,
                    service,
                    setting.location,
                    format!(
                        "{} has the pair \"{pair}\", which {}: the SDK drops it with only a log warning and sends the request without it.",
                        setting.describe(),
                        dropped.reason
                    ),
                    format!("write it as name=value pairs separated by commas: {}={fixed}", setting.name),
                );
            }
        }
    }
}

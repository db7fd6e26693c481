use crate::knowledge::otel::is_loopback_host;
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that a Honeycomb key is not sent over plain `http://` to a host outside the
    /// machine or the compose network.
    ///
    /// ## Why is this bad?
    /// Headers travel in clear text: anyone on the path can read the key and send data with
    /// it. Honeycomb itself only takes HTTPS.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_ENDPOINT: http://collector.example.com:4318
    /// OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY}
    /// ```
    /// Use instead: `https://collector.example.com:4318`, or let the collector add the key.
    pub struct InsecureTransport => "honeycomb/insecure-transport", Warning;
}

impl Check for InsecureTransport {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let Some(key) = service.honeycomb_key() else {
                continue;
            };
            if key.value.trim().is_empty() {
                continue;
            }
            let plan = service.export_plan();
            let (Some(url), Some(location)) = (plan.parsed_url(), plan.endpoint_location()) else {
                continue;
            };
            let host = url.host_str().unwrap_or_default();
            if url.scheme() != "http" || is_loopback_host(host) || project.service(host).is_some() {
                continue;
            }
            out.service(
                &Self::META,
                service,
                location,
                format!(
                    "`{}` sends its Honeycomb key over plain http to {host}: anyone on the way can read it.",
                    service.name
                ),
                format!("use https://{}", url.as_str().trim_start_matches("http://").trim_end_matches('/')),
            );
        }
    }
}

use crate::knowledge::otel;
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that an endpoint host without a domain (`otel-collector`) is a service of the
    /// compose project.
    ///
    /// ## Why is this bad?
    /// Inside a compose network, bare names resolve to services. A name that is no service
    /// (a typo, a collector that was never added, a service renamed) fails DNS on every export.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     environment:
    ///       OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-colector:4318
    ///   otel-collector:
    ///     image: otel/opentelemetry-collector-contrib
    /// ```
    /// Use instead: `http://otel-collector:4318`.
    pub struct EndpointUnknownHost => "config/endpoint-unknown-host", Error;
}

impl Check for EndpointUnknownHost {
    fn check(&self, project: &Project, out: &mut Findings) {
        // Without compose files, or with `include:`d ones not read, the list of services is
        // not known.
        if project.compose_files.is_empty() || project.includes_files {
            return;
        }
        for service in project.services.iter().filter(|s| s.reads_otel_env()) {
            let plan = service.export_plan();
            let Some(endpoint) = plan.configured_endpoint() else {
                continue;
            };
            let (url, value, name, location) = (
                &endpoint.url,
                endpoint.value,
                &endpoint.name,
                endpoint.location,
            );
            let Some(url::Host::Domain(host)) = url.host() else {
                continue;
            };
            if host.contains('.')
                || otel::is_loopback_host(host)
                || project.service_names().any(|n| n == host)
            {
                continue;
            }
            let names: Vec<&str> = project.service_names().collect();
            let closest = names
                .iter()
                .min_by_key(|n| crate::rules::edit_distance(n, host))
                .filter(|n| crate::rules::edit_distance(n, host) <= 3);
            let hint = match closest {
                Some(candidate) => format!(
                    "did you mean `{candidate}`? {}",
                    value.replacen(host, candidate, 1)
                ),
                None => format!(
                    "add a `{host}` service (e.g. an OpenTelemetry Collector) to {}, or fix the host name",
                    project.compose_files.join(", ")
                ),
            };
            out.service(
                &Self::META,
                service,
                location,
                format!(
                    "{name} is \"{value}\", but `{host}` is not a service in {} (services: {}): the name will not resolve.",
                    project.compose_files.join(", "),
                    names.join(", ")
                ),
                hint,
            );
        }
    }
}

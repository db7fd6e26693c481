use crate::finding::Remedy;
use crate::knowledge::honeycomb::HEADER_REFERENCE;
use crate::knowledge::otel;
use crate::resolve::{EndpointSource, Project};
use crate::rules::hint::{add_variable, has_headers, set, set_variables, suggested_endpoint};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that a service exporting over OTLP is told where to send.
    ///
    /// ## Why is this bad?
    /// Without `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or an
    /// `endpoint=` in code) the SDK sends to `http://localhost:4318` (gRPC: `4317`). Inside a
    /// container, localhost is the container itself: nothing listens there, every export fails,
    /// and the only trace of it is a retry warning in the app's log.
    ///
    /// ## Example
    /// ```yaml
    /// environment:
    ///   OTEL_SERVICE_NAME: backend-flask
    /// ```
    /// Use instead:
    /// ```yaml
    /// environment:
    ///   OTEL_SERVICE_NAME: backend-flask
    ///   OTEL_EXPORTER_OTLP_ENDPOINT: https://api.honeycomb.io
    ///   OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY}
    /// ```
    ///
    /// ## Fix
    /// `otel-doctor fix` applies it: it adds `OTEL_EXPORTER_OTLP_ENDPOINT` to the service's own
    /// compose `environment`: the project's collector when one receives the protocol from other
    /// containers (`http://otel-collector:4318`), else Honeycomb (`https://api.honeycomb.io`,
    /// with `OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY}` when the service
    /// has no headers: a reference, never the key). Not fixed automatically when the variable is
    /// passed from the shell (set it there) or for an image run by hand.
    pub struct EndpointMissing => "config/endpoint-missing", Error;
}

impl Check for EndpointMissing {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project.services.iter().filter(|s| s.reads_otel_env()) {
            let plan = service.export_plan();
            if plan.endpoint != EndpointSource::Default
                || service.unresolved(&[otel::ENDPOINT, otel::TRACES_ENDPOINT])
                || service.network.is_host()
                || !service.exports_over_otlp()
            {
                continue;
            }
            let passed = [otel::TRACES_ENDPOINT, otel::ENDPOINT]
                .iter()
                .find_map(|name| service.passthrough(name));
            let (location, why) = match passed {
                Some(passed) => (
                    &passed.location,
                    format!(
                        "{} is passed from the shell, where it is not set, so no OTLP endpoint is configured",
                        passed.name
                    ),
                ),
                None => (
                    service.otel_anchor(),
                    "no OTLP endpoint is configured".to_string(),
                ),
            };
            let suggested = suggested_endpoint(project, plan.protocol);
            let mut variables = vec![(otel::ENDPOINT, suggested.url.as_str())];
            if suggested.honeycomb && !has_headers(service) {
                variables.push((otel::HEADERS, HEADER_REFERENCE));
            }
            let mut hint = set_variables(service, &variables);
            if suggested.honeycomb {
                hint.push_str(
                    "\n(or the address of your collector, e.g. http://otel-collector:4318)",
                );
            }
            let finding = out.service(
                &Self::META,
                service,
                location,
                format!(
                    "{why}: the SDK sends to {}, which inside the container is the container itself, where nothing listens.",
                    plan.url
                ),
                hint,
            );
            finding.fix = Some(match passed {
                Some(passed) => Remedy::manual(format!(
                    "{} is passed from the shell: set it there (or in .env), or give it a value in compose",
                    passed.name
                )),
                None => variables
                    .iter()
                    .map(|(name, value)| add_variable(service, name, value))
                    .fold(None, |all, one| Remedy::merge(all, Some(one)))
                    .unwrap_or_else(|| Remedy::manual("nothing to add")),
            });
            finding.cures = set(service, &variables);
        }
    }
}

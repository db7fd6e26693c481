use super::{report, senders, stops};
use crate::knowledge::collector::Requirement;
use crate::knowledge::honeycomb;
use crate::resolve::Project;
use crate::resolve::collector::Invalid;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks every component's settings the way the collector's own `Validate()` does, in
    /// the release the image's tag names: an `otlp` (gRPC) exporter's `endpoint` without a
    /// port (refused since v0.98.0, `missing port in address`) or without a value, an
    /// `otlphttp` exporter without any endpoint, an `otlp` receiver without `protocols`, a
    /// `batch` processor whose `send_batch_max_size` is below `send_batch_size`, a
    /// `memory_limiter` without `check_interval` or a limit.
    ///
    /// ## Why is this bad?
    /// The collector validates its whole config at start and exits on the first refusal
    /// (`Error: invalid configuration: exporters::otlp: address api.honeycomb.io: missing port
    /// in address`): every service that sends to it loses its spans. An older release that
    /// starts anyway fails every export instead.
    ///
    /// ## Example
    /// ```yaml
    /// exporters:
    ///   otlp:
    ///     endpoint: https://api.honeycomb.io
    /// ```
    /// Use instead: `endpoint: api.honeycomb.io:443` (gRPC dials `host:port`).
    pub struct ConfigInvalid => "collector/config-invalid", Error;
}

impl Check for ConfigInvalid {
    fn check(&self, project: &Project, out: &mut Findings) {
        for collector in &project.collectors {
            let affected = senders(project, collector);
            let who = stops(&affected);
            for invalid in collector.invalid() {
                let validation = invalid.validation;
                let effect = match (invalid.starts_anyway, validation.before) {
                    (true, Some(before)) => format!(
                        "{} starts with it, but {before}; from v{} the collector refuses it at start (`{}`).",
                        collector.describe(),
                        validation.since,
                        invalid.refusal()
                    ),
                    _ => format!(
                        "{} refuses its config at start (`Error: invalid configuration: {}`; checked since v{}).",
                        collector.describe(),
                        invalid.refusal(),
                        validation.since
                    ),
                };
                let message = format!(
                    "the {} {} of `{}`: {effect}{who}",
                    invalid.kind.name(),
                    invalid.component,
                    collector.service
                );
                report::<Self>(
                    out,
                    project,
                    collector,
                    &affected,
                    &invalid.location,
                    message,
                    hint(invalid),
                );
            }
        }
    }
}

/// The setting that passes the check.
fn hint(invalid: &Invalid) -> String {
    match invalid.validation.requirement {
        Requirement::EndpointPort | Requirement::EndpointPortNumeric => {
            let address = invalid.value.as_deref().unwrap_or_default();
            let host = address
                .split(['/', ':'])
                .next()
                .filter(|h| !h.is_empty())
                .unwrap_or("otel-collector");
            let port = if honeycomb::region_of_host(host).is_some() {
                443
            } else {
                4317
            };
            format!("endpoint: {host}:{port}   # gRPC dials host:port: no scheme, no path")
        }
        Requirement::Endpoint => {
            "endpoint: api.honeycomb.io:443   # or the next collector's host:4317".to_string()
        }
        Requirement::AnyOf(_) => "endpoint: https://api.honeycomb.io".to_string(),
        Requirement::AnyUnder { .. } => {
            "protocols:\n  grpc:\n    endpoint: 0.0.0.0:4317\n  http:\n    endpoint: 0.0.0.0:4318"
                .to_string()
        }
        Requirement::Positive(keys) if keys.contains(&"check_interval") => {
            "check_interval: 1s".to_string()
        }
        Requirement::Positive(_) => "limit_percentage: 80\nspike_limit_percentage: 25".to_string(),
        Requirement::AtLeast {
            larger,
            smaller,
            smaller_default,
        } => format!(
            "set {larger} to at least {smaller} ({smaller_default} unless set), or remove {larger}"
        ),
    }
}

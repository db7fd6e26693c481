use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule, edit_distance};

declare_rule! {
    /// ## What it does
    /// Checks the declarative configuration file an SDK reads instead of the `OTEL_*`
    /// variables (`OTEL_CONFIG_FILE`, `OTEL_EXPERIMENTAL_CONFIG_FILE`) against the shape of
    /// the OpenTelemetry configuration schema: `file_format` is there, the tracer provider has
    /// processors, each processor an exporter, each exporter one kind, an OTLP exporter only
    /// the settings the schema allows, and every `${...}` reference is well formed.
    ///
    /// ## Why is this bad?
    /// The SDK refuses the whole file: the Java agent and Go's `otelconf` fail to start the SDK
    /// (or the app), and a malformed `${...}` makes the parse fail with no partial result. A
    /// misspelled key (`endpont:`) is not a setting the exporter has, so the file is rejected
    /// too, and spans never leave the service.
    ///
    /// ## Example
    /// ```yaml
    /// file_format: "1.0"
    /// tracer_provider:
    ///   processors:
    ///     - batch:
    ///         exporter:
    ///           otlp_http:
    ///             endpont: http://otel-collector:4318/v1/traces
    /// ```
    /// Use instead:
    /// ```yaml
    ///             endpoint: http://otel-collector:4318/v1/traces
    /// ```
    pub struct ConfigFileInvalid => "config/config-file-invalid", Error;
}

impl Check for ConfigFileInvalid {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            for problem in &service.sdk_config.problems {
                let suggestion = problem.unknown_key.as_ref().and_then(|(key, known)| {
                    known
                        .iter()
                        .map(|k| (edit_distance(k, key), k))
                        .filter(|(distance, _)| *distance <= 2)
                        .min()
                        .map(|(_, k)| *k)
                });
                let hint = match (&problem.unknown_key, suggestion) {
                    (Some((key, _)), Some(known)) => format!("rename `{key}` to `{known}`"),
                    (Some((key, known)), None) => {
                        format!("remove `{key}`; the settings allowed there are {}", known.join(", "))
                    }
                    _ => "fix the file as the message says (the schema: https://github.com/open-telemetry/opentelemetry-configuration)".to_string(),
                };
                out.service(
                    &Self::META,
                    service,
                    &problem.location,
                    format!("{} (`{}`).", problem.message, service.name),
                    hint,
                );
            }
        }
    }
}

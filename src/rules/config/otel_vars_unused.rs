use crate::resolve::{EnvVar, Project, Sdk};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Notes `OTEL_*` variables on a service that sends with Honeycomb's classic SDK
    /// (`beeline.init`, `libhoney.init`) and does not use OpenTelemetry, or whose SDK reads
    /// other settings instead of them (Spring Boot's Micrometer tracing reads
    /// `management.otlp.tracing.*`; a declarative configuration file reads only the variables
    /// it substitutes).
    ///
    /// ## Why is this bad?
    /// The classic SDK sends events to Honeycomb by itself, with the key and dataset given
    /// to `init()`: nothing in the service reads `OTEL_*`. They are harmless, but they suggest
    /// a migration to OpenTelemetry that is not done yet, and changing them changes nothing.
    ///
    /// ## Example
    /// ```python
    /// beeline.init(writekey=os.environ["HONEYCOMB_API_KEY"], service_name="frontend")
    /// ```
    /// ```yaml
    /// OTEL_SERVICE_NAME: frontend   # read by nothing
    /// ```
    /// Use instead: drop the variables, or move the service to OpenTelemetry (Honeycomb's
    /// distribution keeps `HONEYCOMB_API_KEY`).
    pub struct OtelVarsUnused => "config/otel-vars-unused", Info;
}

impl Check for OtelVarsUnused {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            if let Some(replaced) = &service.sdk_config.replaces_environment {
                let unused: Vec<&EnvVar> = service
                    .env
                    .iter()
                    .filter(|v| v.name.starts_with("OTEL_") && !replaced.reads.contains(&v.name))
                    .collect();
                let Some(first) = unused.first() else {
                    continue;
                };
                let names: Vec<&str> = unused.iter().map(|v| v.name.as_str()).collect();
                out.service(
                    &Self::META,
                    service,
                    &first.location,
                    format!(
                        "`{}` is configured by {} ({}), which reads none of {}: they change nothing.",
                        service.name,
                        replaced.description,
                        replaced.location.file,
                        names.join(", ")
                    ),
                    format!(
                        "drop them, and set what they meant in {}",
                        replaced.location.file
                    ),
                );
                continue;
            }
            if service.sdk() != Sdk::Classic {
                continue;
            }
            let unused: Vec<&str> = service
                .env
                .iter()
                .filter(|v| v.name.starts_with("OTEL_"))
                .map(|v| v.name.as_str())
                .collect();
            let Some(first) = service.env.iter().find(|v| v.name.starts_with("OTEL_")) else {
                continue;
            };
            let library = service
                .code
                .classic_sdk
                .as_ref()
                .map_or("the classic SDK", |c| c.library);
            out.service(
                &Self::META,
                service,
                &first.location,
                format!(
                    "`{}` sends with Honeycomb's {library}, which reads none of {}: they change nothing.",
                    service.name,
                    unused.join(", ")
                ),
                "drop them, or move the service to OpenTelemetry".to_string(),
            );
        }
    }
}

use crate::resolve::{Project, Sdk};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Notes `OTEL_*` variables on a service that sends with Honeycomb's classic SDK
    /// (`beeline.init`, `libhoney.init`) and does not use OpenTelemetry.
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
        for service in project.services.iter().filter(|s| s.sdk() == Sdk::Classic) {
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

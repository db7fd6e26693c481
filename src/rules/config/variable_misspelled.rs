use crate::knowledge::otel::KNOWN_VARIABLES;
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule, edit_distance};

declare_rule! {
    /// ## What it does
    /// Checks for environment variables one or two typos away from an OpenTelemetry variable
    /// (`OTEP_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_HEADER`).
    ///
    /// ## Why is this bad?
    /// The SDK reads exact names and ignores everything else without a word: the endpoint,
    /// the headers or the service name you set never takes effect.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_HEADER: x-honeycomb-team=${HONEYCOMB_API_KEY}
    /// ```
    /// Use instead:
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY}
    /// ```
    pub struct VariableMisspelled => "config/variable-misspelled", Error;
}

/// Families of valid variables this catalogue does not list one by one.
const VALID_PREFIXES: [&str; 6] = [
    "OTEL_PYTHON_",
    "OTEL_NODE_",
    "OTEL_INSTRUMENTATION_",
    "OTEL_SEMCONV_",
    "OTEL_BLRP_",
    "OTEL_METRIC_",
];

impl Check for VariableMisspelled {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            for var in &service.env {
                let Some(intended) = intended_name(&var.name) else {
                    continue;
                };
                out.service(
                    &Self::META,
                    service,
                    &var.location,
                    format!("`{}` is not an OpenTelemetry variable: the SDK ignores it. Did you mean `{intended}`?", var.name),
                    format!("rename it to {intended}"),
                );
            }
        }
    }
}

/// The known variable `name` is a typo of, if it is one.
fn intended_name(name: &str) -> Option<&'static str> {
    if KNOWN_VARIABLES.contains(&name) || VALID_PREFIXES.iter().any(|p| name.starts_with(p)) {
        return None;
    }
    let allowed = if name.len() > 12 { 2 } else { 1 };
    KNOWN_VARIABLES
        .iter()
        // Lengths further apart than the allowed typos cannot be close: skip the distance.
        .filter(|known| known.len().abs_diff(name.len()) <= allowed)
        .map(|known| (edit_distance(name, known), *known))
        .filter(|(distance, _)| *distance <= allowed)
        .min()
        .map(|(_, known)| known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_near_names_only() {
        assert_eq!(
            intended_name("OTEP_EXPORTER_OTLP_ENDPOINT"),
            Some("OTEL_EXPORTER_OTLP_ENDPOINT")
        );
        assert_eq!(
            intended_name("OTEL_EXPORTER_OTLP_HEADER"),
            Some("OTEL_EXPORTER_OTLP_HEADERS")
        );
        assert_eq!(
            intended_name("OTEL_EXPORTER_OTEL_ENDPOINT"),
            Some("OTEL_EXPORTER_OTLP_ENDPOINT")
        );
        assert_eq!(intended_name("OTEL_SERVICE_NAME"), None);
        assert_eq!(intended_name("FLASK_ENV"), None);
        assert_eq!(intended_name("OTEL_PYTHON_LOG_CORRELATION"), None);
    }
}

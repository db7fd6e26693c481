use crate::resolve::{Project, Workload, describe_source};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks OpenTelemetry and Honeycomb settings (`OTEL_*`, `HONEYCOMB_*`) for `${VAR}`
    /// references to variables that are set neither in the shell nor in `.env`.
    ///
    /// ## Why is this bad?
    /// docker compose replaces an unset variable with an empty string and prints one warning
    /// among its start-up noise (`The "X" variable is not set. Defaulting to a blank
    /// string.`). The setting then holds a fragment: an endpoint without a host, a header
    /// without a value.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_ENDPOINT: ${COLLECTOR_URL}
    /// ```
    /// Use instead: set the variable in `.env`, or give it a default:
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_ENDPOINT: ${COLLECTOR_URL:-http://otel-collector:4318}
    /// ```
    pub struct VariableUnset => "compose/variable-unset", Warning;
}

impl Check for VariableUnset {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let key_setting = empty_key_setting(service);
            let collector_keys = collector_key_variables(project, service);
            for var in &service.env {
                if !(var.name.starts_with("OTEL_") || var.name.starts_with("HONEYCOMB_"))
                    || key_setting.as_deref() == Some(var.name.as_str())
                    || collector_keys.contains(&var.name)
                {
                    continue;
                }
                for unset in var.unset_references() {
                    out.service(
                        &Self::META,
                        service,
                        &var.location,
                        format!(
                            "{} uses ${{{}}}, which is set {}: compose substitutes an empty string, making it \"{}\".",
                            var.name,
                            unset.name,
                            describe_source(unset.source.as_ref()),
                            var.value
                        ),
                        format!(
                            "set {} in the shell or in .env, or give it a default: ${{{}:-...}}",
                            unset.name, unset.name
                        ),
                    );
                }
            }
        }
    }
}

/// The variable whose unset reference leaves the Honeycomb key empty: `honeycomb/key-unset`
/// reports that one, with the key's own fix.
fn empty_key_setting(service: &Workload) -> Option<String> {
    let key = service.honeycomb_key()?;
    key.value
        .trim()
        .is_empty()
        .then(|| key.setting.name.to_string())
}

/// The variables a collector's `x-honeycomb-team` headers expand:
/// `collector/key-variable-missing` reports an empty one, with the key's own fix.
fn collector_key_variables(project: &Project, service: &Workload) -> Vec<String> {
    let Some(collector) = project.collector(&service.name) else {
        return Vec::new();
    };
    let Some(model) = collector.model() else {
        return Vec::new();
    };
    model
        .components
        .iter()
        .filter_map(|c| collector.exporter(&c.id))
        .filter_map(|e| e.honeycomb_key().map(|h| h.value.refs.clone()))
        .flatten()
        .map(|r| r.name)
        .collect()
}

use std::collections::HashMap;

use crate::finding::Severity;
use crate::finding::{Edit, Remedy};
use crate::knowledge::otel::{Effect, VARIABLES};
use crate::resolve::{EnvVar, Project, Workload};
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
    /// The severity follows what the intended variable does: an error when traces will not
    /// arrive without it (endpoint, headers, protocol, exporter, sampler), a warning when they
    /// arrive degraded (service name, resource attributes) or when it only concerns metrics
    /// or logs.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_HEADER: x-honeycomb-team=${HONEYCOMB_API_KEY}
    /// ```
    /// Use instead:
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY}
    /// ```
    ///
    /// ## Fix
    /// `otel-doctor fix` applies it: it renames the variable where it is written (compose
    /// `environment`, an env file, a Dockerfile `ENV`). Not fixed automatically when the
    /// intended name is also set in the same file: keep one of the two by hand.
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
        // The services of a monorepo repeat the same names: each is compared with the
        // catalogue once.
        let mut verdicts = HashMap::new();
        for service in project.services.iter().filter(|s| s.reads_otel_env()) {
            for var in &service.env {
                let verdict = *verdicts
                    .entry(var.name.as_str())
                    .or_insert_with(|| intended_name(&var.name));
                let Some((intended, effect)) = verdict else {
                    continue;
                };
                let consequence = match effect {
                    Effect::Delivery => "",
                    Effect::Quality => " Traces still arrive, without what it sets.",
                    Effect::OtherSignal => {
                        " It concerns metrics or logs only: traces are not affected."
                    }
                    Effect::Tuning => " Traces still arrive, with the SDK's default.",
                };
                let finding = out.service(
                    &Self::META,
                    service,
                    &var.location,
                    format!("`{}` is not an OpenTelemetry variable: the SDK ignores it. Did you mean `{intended}`?{consequence}", var.name),
                    format!("rename it to {intended}"),
                );
                if effect != Effect::Delivery {
                    finding.severity = Severity::Warning;
                }
                finding.fix = Some(rename(service, var, intended));
            }
        }
    }
}

/// Renames the variable where it is written, unless the intended name is set in the same file
/// too (renaming would repeat it: a duplicate key compose refuses).
fn rename(service: &Workload, var: &EnvVar, intended: &str) -> Remedy {
    match service.env_var(intended) {
        Some(other) if other.location.file == var.location.file => Remedy::manual(format!(
            "{intended} is set too, at {}: keep one of the two by hand",
            other.location
        )),
        _ => Remedy::edit(Edit::Replace {
            at: var.location.clone(),
            old: var.name.clone(),
            new: intended.to_string(),
        }),
    }
}

/// The known variable `name` is a typo of, if it is one, and what that variable does.
pub fn intended_name(name: &str) -> Option<(&'static str, Effect)> {
    if VARIABLES.iter().any(|(known, _)| *known == name)
        || VALID_PREFIXES.iter().any(|p| name.starts_with(p))
    {
        return None;
    }
    let allowed = if name.len() > 12 { 2 } else { 1 };
    VARIABLES
        .iter()
        // Lengths further apart than the allowed typos cannot be close: skip the distance.
        .filter(|(known, _)| known.len().abs_diff(name.len()) <= allowed)
        .map(|(known, effect)| (edit_distance(name, known), *known, *effect))
        .filter(|(distance, _, _)| *distance <= allowed)
        .min_by_key(|(distance, known, _)| (*distance, *known))
        .map(|(_, known, effect)| (known, effect))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_near_names_only() {
        assert_eq!(
            intended_name("OTEP_EXPORTER_OTLP_ENDPOINT"),
            Some(("OTEL_EXPORTER_OTLP_ENDPOINT", Effect::Delivery))
        );
        assert_eq!(
            intended_name("OTEL_EXPORTER_OTLP_HEADER"),
            Some(("OTEL_EXPORTER_OTLP_HEADERS", Effect::Delivery))
        );
        assert_eq!(
            intended_name("OTEL_EXPORTER_OTEL_ENDPOINT"),
            Some(("OTEL_EXPORTER_OTLP_ENDPOINT", Effect::Delivery))
        );
        assert_eq!(
            intended_name("OTEL_SERVICE_NAM"),
            Some(("OTEL_SERVICE_NAME", Effect::Quality))
        );
        assert_eq!(
            intended_name("OTEL_LOGS_EXPORTR"),
            Some(("OTEL_LOGS_EXPORTER", Effect::OtherSignal))
        );
        assert_eq!(intended_name("OTEL_SERVICE_NAME"), None);
        assert_eq!(intended_name("FLASK_ENV"), None);
        assert_eq!(intended_name("OTEL_PYTHON_LOG_CORRELATION"), None);
    }
}

use crate::knowledge::otel;
use crate::resolve::{CodeEnvWrite, Project, Workload};
use crate::rules::hint::set_variables;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for an OpenTelemetry or Honeycomb variable the app's code sets in its own
    /// environment (`os.environ.setdefault(...)`, `os.environ[...] =`, `process.env.X ??=`)
    /// while an agent sets the SDK up before that code runs: `opentelemetry-instrument`, a
    /// Node.js `--require`/`--import` preload, the Java agent.
    ///
    /// ## Why is this bad?
    /// The agent reads the environment when the process starts, before the first line of the
    /// app. What the code writes afterwards is never seen by the SDK: it sends with what the
    /// container received (or the SDK's defaults), whatever the code says.
    ///
    /// ## Example
    /// ```python
    /// # command: opentelemetry-instrument python app.py
    /// os.environ.setdefault("OTEL_EXPORTER_OTLP_ENDPOINT", "https://api.honeycomb.io")
    /// ```
    /// Use instead: set it where the container starts:
    /// ```yaml
    /// environment:
    ///   OTEL_EXPORTER_OTLP_ENDPOINT: https://api.honeycomb.io
    /// ```
    pub struct EnvSetAfterSdk => "code/env-set-after-sdk", Warning;
}

impl Check for EnvSetAfterSdk {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let Some((agent, agent_at)) = service.sdk_set_up_first() else {
                continue;
            };
            let language = service.language.map(|l| l.name());
            for write in &service.late_env_writes {
                if !otel::read_by_sdk(&write.name, language) {
                    continue;
                }
                let current = service
                    .env_var(&write.name)
                    .filter(|v| v.resolved)
                    .map(|v| v.value.as_str());
                // Warnings must change what arrives: a write that would not change the value
                // changes nothing.
                if !write.mode.applies_to(current) || write.value.as_deref() == current {
                    continue;
                }
                let intended = write.value.as_deref().map_or_else(
                    || "a value computed in code".to_string(),
                    |v| format!("\"{v}\""),
                );
                let instead = match current {
                    Some(value) => format!("keeps \"{value}\" from the container's environment"),
                    None => "never sees it, and uses its default".to_string(),
                };
                let value = as_reference(service, write);
                out.service(
                    &Self::META,
                    service,
                    &write.location,
                    format!(
                        "the code sets {} to {intended}, but {agent} ({agent_at}) sets the SDK up from the environment before the app's code runs: the SDK {instead}.",
                        write.name
                    ),
                    format!(
                        "the agent reads only what the container starts with: {}",
                        set_variables(service, &[(&write.name, &value)])
                    ),
                );
            }
        }
    }
}

/// The value to give the container: what the code computes, with the variable it reads (a
/// key, most often) as a reference to it rather than its value.
fn as_reference(service: &Workload, write: &CodeEnvWrite) -> String {
    let value = write.value.as_deref().unwrap_or("<value>");
    let Some(read) = write.reads.as_deref() else {
        return value.to_string();
    };
    let reference = format!("${{{read}}}");
    match service.env_var(read).map(|v| v.value.as_str()) {
        Some(current) if !current.is_empty() && value.contains(current) => {
            value.replace(current, &reference)
        }
        _ if value.contains(&reference) => value.to_string(),
        _ => format!("{value}{reference}"),
    }
}

use super::{not_received, report};
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that every variable a collector config expands (`${env:X}`, `${X}`) reaches the
    /// collector's own container: its compose `environment` (or `env_file`), a pod's `env` or
    /// `envFrom`. A reference with a default (`${env:X:-default}`) is fine. The Honeycomb key's
    /// variable is `collector/key-variable-missing`'s.
    ///
    /// ## Why is this bad?
    /// The config file is expanded by the collector, from its container's environment, not by
    /// docker compose from `.env` or the shell. A variable the container does not receive
    /// becomes an empty string, with only a warning in the collector's log: a resource
    /// attribute set to `""`, a header without its token, a tenant routed nowhere.
    ///
    /// ## Example
    /// ```yaml
    /// processors:
    ///   resource:
    ///     attributes:
    ///       - key: deployment.environment
    ///         value: ${env:DEPLOY_ENV}   # not in the collector's environment
    ///         action: upsert
    /// ```
    /// Use instead: pass it to the collector (`environment: {DEPLOY_ENV: ${DEPLOY_ENV}}`), or
    /// give the reference a default: `${env:DEPLOY_ENV:-production}`.
    ///
    /// ## Fix
    /// `otel-doctor fix` applies it when a compose collector's container does not receive the
    /// variable at all: it adds `X: ${X}` to the collector's `environment` (a reference compose
    /// fills from the shell or `.env`). Not fixed automatically otherwise (a value to give).
    pub struct VariableUnset => "collector/variable-unset", Warning;
}

/// The settings whose variable `collector/key-variable-missing` judges.
const KEY_SETTINGS: [&str; 2] = ["x-honeycomb-team", "api_key"];

impl Check for VariableUnset {
    fn check(&self, project: &Project, out: &mut Findings) {
        for collector in &project.collectors {
            for reference in collector.unset_references() {
                let setting = reference.path.rsplit('.').next().unwrap_or_default();
                if reference.path.starts_with("exporters.")
                    && KEY_SETTINGS.iter().any(|k| k.eq_ignore_ascii_case(setting))
                {
                    continue;
                }
                let missing = not_received(project, collector, &reference.name, "<value>");
                let message = format!(
                    "{} in the config of `{}` ({}) expands to an empty string: {}.",
                    reference.text, collector.service, reference.path, missing.cause
                );
                let hint = format!(
                    "{}\nor give it a default: ${{env:{}:-<value>}}",
                    missing.hint, reference.name
                );
                let Some(finding) = report::<Self>(
                    out,
                    project,
                    collector,
                    &[],
                    &reference.location,
                    message,
                    hint,
                ) else {
                    continue;
                };
                if let Some((fix, cures)) = missing.fix {
                    finding.fix = Some(fix);
                    finding.cures = cures;
                }
            }
        }
    }
}

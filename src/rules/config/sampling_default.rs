use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for a framework that samples only a share of the traces unless told otherwise:
    /// Spring Boot's Micrometer tracing keeps 10% (`management.tracing.sampling.probability`
    /// defaults to `0.1`).
    ///
    /// ## Why is this bad?
    /// Nine traces in ten are dropped before they leave the service, and nothing says so: a
    /// request you are looking for is most likely missing, and counts in Honeycomb are a tenth
    /// of the real ones (the spans carry no sample rate for Honeycomb to correct with).
    ///
    /// ## Example
    /// ```yaml
    /// # application.yml
    /// management:
    ///   otlp:
    ///     tracing:
    ///       endpoint: http://otel-collector:4318/v1/traces
    /// ```
    /// Use instead:
    /// ```yaml
    /// management:
    ///   tracing:
    ///     sampling:
    ///       probability: 1.0
    ///   otlp:
    ///     tracing:
    ///       endpoint: http://otel-collector:4318/v1/traces
    /// ```
    pub struct SamplingDefault => "config/sampling-default", Warning;
}

impl Check for SamplingDefault {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let Some(default) = &service.sdk_config.sampling_default else {
                continue;
            };
            let framework = service
                .sdk_config
                .replaces_environment
                .as_ref()
                .map_or("its tracing", |r| r.description.as_str());
            out.service(
                &Self::META,
                service,
                &default.location,
                format!(
                    "`{}` sets no {}: {framework} samples {} of traces by default, so most requests are never traced.",
                    service.name, default.key, default.ratio
                ),
                format!(
                    "set {}: 1.0 in {} (or the share you mean to keep)",
                    default.key, default.location.file
                ),
            );
        }
    }
}

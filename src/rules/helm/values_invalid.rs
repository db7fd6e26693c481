use super::on_release;
use crate::knowledge::helm_collector as chart;
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks the OpenTelemetry Collector chart's values for what the chart itself refuses to
    /// render (its templates' `fail` calls): no `mode`, a `mode` other than `deployment`,
    /// `daemonset` or `statefulset`, and no `image.repository` in chart 0.89.0 and later.
    ///
    /// ## Why is this bad?
    /// `helm install` and `helm upgrade` stop with "[ERROR] 'mode' must be set" or
    /// "[ERROR] 'image.repository' must be set": no collector is deployed, and an Argo CD or
    /// Flux sync fails where nobody is watching, while the apps keep sending to a Service
    /// that does not exist.
    ///
    /// ## Example
    /// ```yaml
    /// config:
    ///   exporters:
    ///     otlp/honeycomb: {endpoint: api.honeycomb.io:443}
    /// ```
    /// Use instead:
    /// ```yaml
    /// mode: deployment
    /// image:
    ///   repository: otel/opentelemetry-collector-k8s
    /// config:
    ///   ...
    /// ```
    ///
    /// ## Fix
    /// Not fixed automatically: the mode and the image are choices (a gateway or one per node;
    /// which distribution): the hint names the usual ones.
    pub struct ValuesInvalid => "helm/values-invalid", Error;
}

impl Check for ValuesInvalid {
    fn check(&self, project: &Project, out: &mut Findings) {
        for release in &project.kubernetes.charts {
            for (refusal, location) in &release.refusals {
                let hint = if refusal.contains("image.repository") {
                    format!(
                        "set the image:\nimage:\n  repository: {}",
                        chart::SUGGESTED_IMAGE
                    )
                } else {
                    "set the mode at the values' top level: mode: deployment   (a gateway; daemonset: one per node)".to_string()
                };
                on_release(
                    project,
                    out,
                    &Self::META,
                    release,
                    location,
                    format!(
                        "the values of the opentelemetry-collector chart (Service {}): {refusal}.",
                        release.service_name()
                    ),
                    hint,
                );
            }
        }
    }
}

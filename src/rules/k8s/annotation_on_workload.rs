use crate::finding::{Edit, Remedy};
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::kubernetes::injected;

declare_rule! {
    /// ## What it does
    /// Checks that the OpenTelemetry Operator's injection annotations
    /// (`instrumentation.opentelemetry.io/inject-*`) are on the pod template
    /// (`spec.template.metadata.annotations`), not on the Deployment's (StatefulSet's, ...)
    /// own `metadata.annotations`.
    ///
    /// ## Why is this bad?
    /// The operator's webhook sees pods, not Deployments: an annotation on the Deployment is
    /// never copied to its pods, so nothing is injected and the app runs without
    /// OpenTelemetry, silently.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// metadata:
    ///   name: api
    ///   annotations:
    ///     instrumentation.opentelemetry.io/inject-python: "true"
    /// ```
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   template:
    ///     metadata:
    ///       annotations:
    ///         instrumentation.opentelemetry.io/inject-python: "true"
    /// ```
    ///
    /// ## Fix
    /// `otel-doctor fix` applies it: the line leaves the workload's annotations (and
    /// `annotations:` with it when it was the only one) and joins the pod template's, which are
    /// created when the template has none. Flow-style maps (`annotations: {...}`) are left to
    /// you.
    pub struct AnnotationOnWorkload => "k8s/annotation-on-workload", Error;
}

impl Check for AnnotationOnWorkload {
    fn check(&self, project: &Project, out: &mut Findings) {
        for pod in &project.kubernetes.pods {
            for annotation in pod.workload_annotations.iter().filter(|a| {
                injected(&a.name).is_some() && !pod.annotations.iter().any(|p| p.name == a.name)
            }) {
                let finding = super::on_pod(
                    project,
                    out,
                    &Self::META,
                    pod,
                    &annotation.location,
                    format!(
                        "`{}: \"{}\"` is on {}'s own metadata: the operator's webhook reads only the pod template's annotations, so nothing is injected into its pods.",
                        annotation.name,
                        annotation.value,
                        pod.object.reference()
                    ),
                    format!(
                        "move it under spec.template.metadata.annotations ({}):\n  annotations:\n    {}: \"{}\"",
                        pod.template_at, annotation.name, annotation.value
                    ),
                );
                if let Some(finding) = finding {
                    finding.fix = Some(Remedy::edit(Edit::MoveAnnotation {
                        at: annotation.location.clone(),
                        template: pod.template_at.clone(),
                        name: annotation.name.clone(),
                        value: annotation.value.clone(),
                    }));
                }
            }
        }
    }
}

use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::kubernetes::EnvSource;

declare_rule! {
    /// ## What it does
    /// Checks each `envFrom.configMapRef` against the ConfigMaps of the manifests: the
    /// ConfigMap must be in the pod's own namespace. When the manifests hold no ConfigMap at
    /// all, they are applied from elsewhere and nothing is reported.
    ///
    /// ## Why is this bad?
    /// A pod cannot read a ConfigMap of another namespace. A missing ConfigMap keeps the pod in
    /// `CreateContainerConfigError`; with `optional: true` the container starts without the
    /// variables it holds (an OTLP endpoint, a service name), and the SDK falls back to its
    /// defaults: `localhost:4318` inside the pod.
    ///
    /// ## Example
    /// ```yaml
    /// envFrom:
    ///   - configMapRef: {name: otel-env}   # the ConfigMap is named otel-config
    /// ```
    /// Use instead: `name: otel-config`.
    pub struct ConfigMapMissing => "k8s/configmap-missing", Error;
}

impl Check for ConfigMapMissing {
    fn check(&self, project: &Project, out: &mut Findings) {
        super::env_from_missing(project, out, &Self::META, EnvSource::ConfigMap);
    }
}

use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::kubernetes::{Instrumentation, Object};

declare_rule! {
    /// ## What it does
    /// Checks that the Instrumentation an injection annotation selects is in the manifests:
    /// `"true"` needs exactly one Instrumentation in the pod's namespace; `"name"` one of that
    /// name in the pod's namespace; `"ns/name"` one in namespace `ns`.
    ///
    /// ## Why is this bad?
    /// Without the Instrumentation it names (or with several to choose from for `"true"`),
    /// the operator's webhook logs an error and starts the pod without injecting anything:
    /// the app runs, and no span is ever sent.
    ///
    /// ## Example
    /// ```yaml
    /// annotations:
    ///   instrumentation.opentelemetry.io/inject-python: "observability/python"
    /// ```
    /// with no Instrumentation `python` in namespace `observability`.
    /// Use instead: the namespace and name of an Instrumentation that is applied
    /// (`kubectl get instrumentations -A`).
    pub struct InstrumentationMissing => "k8s/instrumentation-missing", Error;
}

impl Check for InstrumentationMissing {
    fn check(&self, project: &Project, out: &mut Findings) {
        let instrumentations = &project.kubernetes.instrumentations;
        for pod in &project.kubernetes.pods {
            for (annotation, _) in pod.injections() {
                let namespace = &pod.object.namespace;
                let value = annotation.value.trim();
                let in_namespace = |ns: &str| -> Vec<&Object> {
                    instrumentations
                        .iter()
                        .map(|i| &i.object)
                        .filter(|i| i.namespace == ns)
                        .collect()
                };
                let problem = match value {
                    "false" => None,
                    "true" => match in_namespace(namespace).as_slice() {
                        [_] => None,
                        [] => Some(format!(
                            "there is no Instrumentation in namespace `{namespace}` in these manifests{}",
                            elsewhere(instrumentations)
                        )),
                        several => Some(format!(
                            "there are {} Instrumentations in namespace `{namespace}` ({}): the operator will not choose one",
                            several.len(),
                            names(several)
                        )),
                    },
                    reference => {
                        let (ns, name) = reference
                            .split_once('/')
                            .unwrap_or((namespace.as_str(), reference));
                        let found = instrumentations
                            .iter()
                            .any(|i| i.object.namespace == ns && i.object.name == name);
                        (!found).then(|| {
                            format!(
                                "there is no Instrumentation `{name}` in namespace `{ns}` in these manifests{}",
                                elsewhere(instrumentations)
                            )
                        })
                    }
                };
                let Some(problem) = problem else {
                    continue;
                };
                let hint = match instrumentations.as_slice() {
                    [] => format!(
                        "apply an Instrumentation (apiVersion: opentelemetry.io/v1alpha1, kind: Instrumentation) in namespace `{namespace}` with spec.exporter.endpoint set to your collector; if one is applied from elsewhere, ignore this"
                    ),
                    [only] => format!(
                        "select it: {}: \"{}/{}\"",
                        annotation.name, only.object.namespace, only.object.name
                    ),
                    several => format!(
                        "name one as \"namespace/name\": {}",
                        names(&several.iter().map(|i| &i.object).collect::<Vec<_>>())
                    ),
                };
                super::on_pod(
                    project,
                    out,
                    &Self::META,
                    pod,
                    &annotation.value_location,
                    format!(
                        "{} of {} is \"{value}\", but {problem}: the operator injects nothing.",
                        annotation.name,
                        pod.object.reference()
                    ),
                    hint,
                );
            }
        }
    }
}

fn names(objects: &[&Object]) -> String {
    objects
        .iter()
        .map(|o| format!("{}/{}", o.namespace, o.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The Instrumentations the manifests do have, as a clause.
fn elsewhere(instrumentations: &[Instrumentation]) -> String {
    if instrumentations.is_empty() {
        return String::new();
    }
    let all: Vec<&Object> = instrumentations.iter().map(|i| &i.object).collect();
    format!(" (they have {})", names(&all))
}

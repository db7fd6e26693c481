use crate::finding::Severity;
use crate::knowledge::kubernetes::{
    GO_TARGET_EXE, GO_TARGET_EXE_VARIABLE, SIDECAR_INJECT, appended_variables,
    language_container_names,
};
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::kubernetes::{Annotation, CollectorResource, Manifests, PodTemplate};

declare_rule! {
    /// ## What it does
    /// Checks the pods the OpenTelemetry Operator is asked to change for what makes its webhook
    /// skip the change.
    ///
    /// What it looks for (opentelemetry-operator, `internal/instrumentation`, `pkg/sidecar`):
    /// - `inject-go` without `instrumentation.opentelemetry.io/otel-go-auto-target-exe` (nor
    ///   `OTEL_GO_AUTO_TARGET_EXE` in the Instrumentation);
    /// - a container that sets `JAVA_TOOL_OPTIONS` (Java), `NODE_OPTIONS` (Node.js),
    ///   `PYTHONPATH` (Python) or `DOTNET_STARTUP_HOOKS`, `DOTNET_ADDITIONAL_DEPS`,
    ///   `DOTNET_SHARED_STORE` (.NET) with `valueFrom`: the operator cannot append its agent;
    /// - `sidecar.opentelemetry.io/inject` with no sidecar-mode OpenTelemetryCollector in the
    ///   namespace (`"true"`), several of them, or a named one that is missing or not in
    ///   `mode: sidecar`;
    /// - a pod of several containers without `instrumentation.opentelemetry.io/container-names`
    ///   (a warning: only the first container is injected, and it says which).
    ///
    /// ## Why is this bad?
    /// The webhook logs the reason in the operator's pod and admits the pod unchanged: the app
    /// runs, without its agent or its collector, and nothing is sent. Nothing in the pod says so.
    ///
    /// ## Example
    /// ```yaml
    /// annotations:
    ///   instrumentation.opentelemetry.io/inject-go: "true"
    /// ```
    /// Use instead:
    /// ```yaml
    /// annotations:
    ///   instrumentation.opentelemetry.io/inject-go: "true"
    ///   instrumentation.opentelemetry.io/otel-go-auto-target-exe: "/app/server"
    /// ```
    pub struct InjectionNotApplied => "k8s/injection-not-applied", Error;
}

impl Check for InjectionNotApplied {
    fn check(&self, project: &Project, out: &mut Findings) {
        let manifests = &project.kubernetes;
        for pod in &manifests.pods {
            let mut report = |annotation: &Annotation, message: String, hint: String| {
                super::on_pod(
                    project,
                    out,
                    &Self::META,
                    pod,
                    &annotation.location,
                    message,
                    hint,
                );
            };
            for (annotation, language) in pod.injections() {
                if annotation.value.trim() == "false" {
                    continue;
                }
                if let Some((message, hint)) =
                    go_target_missing(manifests, pod, annotation, language)
                {
                    report(annotation, message, hint);
                }
                for (message, hint) in appended_from_elsewhere(pod, language) {
                    report(annotation, message, hint);
                }
            }
            if let Some(annotation) = pod.annotations.iter().find(|a| a.name == SIDECAR_INJECT)
                && let Some((message, hint)) = sidecar_problem(manifests, pod, &annotation.value)
            {
                report(annotation, message, hint);
            }
            if let Some((annotation, message, hint)) = first_container_only(pod) {
                let finding = super::on_pod(
                    project,
                    out,
                    &Self::META,
                    pod,
                    &annotation.location,
                    message,
                    hint,
                );
                if let Some(finding) = finding {
                    finding.severity = Severity::Warning;
                }
            }
        }
    }
}

/// Go's agent needs the program to attach to: from the annotation, else from the
/// Instrumentation's env.
fn go_target_missing(
    manifests: &Manifests,
    pod: &PodTemplate,
    injection: &Annotation,
    language: &str,
) -> Option<(String, String)> {
    if language != "go" || pod.annotations.iter().any(|a| a.name == GO_TARGET_EXE) {
        return None;
    }
    let instrumentation =
        manifests.selected_instrumentation(&pod.object.namespace, &injection.value);
    if instrumentation.is_some_and(|i| {
        i.environment(language)
            .iter()
            .any(|e| e.name == GO_TARGET_EXE_VARIABLE)
    }) {
        return None;
    }
    Some((
        format!(
            "{} asks for Go instrumentation without {GO_TARGET_EXE}: the operator skips Go injection (\"OTEL_GO_AUTO_TARGET_EXE not set\") and the pod runs uninstrumented.",
            pod.object.reference()
        ),
        format!(
            "add beside it the path of the program in the container:\n  {GO_TARGET_EXE}: \"/path/to/your/binary\""
        ),
    ))
}

/// The injected containers that set a variable the operator must append to with `valueFrom`.
fn appended_from_elsewhere(pod: &PodTemplate, language: &str) -> Vec<(String, String)> {
    let variables = appended_variables(language);
    pod.injected_containers()
        .flat_map(|container| {
            container
                .env
                .iter()
                .filter(|e| e.value_from && variables.contains(&e.name.as_str()))
                .map(move |entry| {
                    (
                        format!(
                            "container `{}` sets {} with valueFrom ({}): the operator cannot append its {language} agent to it and skips {language} injection for {}.",
                            container.name,
                            entry.name,
                            entry.location,
                            pod.object.reference()
                        ),
                        format!(
                            "set {} with `value:` (the operator appends its agent to it), or move what it carries to another variable",
                            entry.name
                        ),
                    )
                })
        })
        .collect()
}

/// `sidecar.opentelemetry.io/inject`: `"true"` needs exactly one sidecar-mode collector in the
/// pod's namespace; a name (or `ns/name`) one in `mode: sidecar` (`pkg/sidecar/podmutator.go`).
fn sidecar_problem(
    manifests: &Manifests,
    pod: &PodTemplate,
    value: &str,
) -> Option<(String, String)> {
    let namespace = &pod.object.namespace;
    let sidecars = |ns: &str| -> Vec<&CollectorResource> {
        manifests
            .collectors
            .iter()
            .filter(|c| c.object.namespace == ns && c.is_sidecar())
            .collect()
    };
    let value = value.trim();
    let problem = if value.eq_ignore_ascii_case("false") {
        return None;
    } else if value.eq_ignore_ascii_case("true") {
        match sidecars(namespace).as_slice() {
            [_] => return None,
            [] => format!(
                "there is no OpenTelemetryCollector with mode: sidecar in namespace `{namespace}` in these manifests"
            ),
            several => format!(
                "there are {} sidecar-mode OpenTelemetryCollectors in namespace `{namespace}` ({}) and the operator will not choose one",
                several.len(),
                several
                    .iter()
                    .map(|c| c.object.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    } else {
        let (ns, name) = value.split_once('/').unwrap_or((namespace.as_str(), value));
        let named = manifests
            .collectors
            .iter()
            .find(|c| c.object.namespace == ns && c.object.name == name);
        match named {
            Some(collector) if collector.is_sidecar() => return None,
            Some(collector) => format!(
                "OpenTelemetryCollector `{ns}/{name}` ({}) runs in mode `{}`, not sidecar",
                collector.object.location, collector.mode
            ),
            None => {
                format!(
                    "there is no OpenTelemetryCollector `{name}` in namespace `{ns}` in these manifests"
                )
            }
        }
    };
    Some((
        format!(
            "{SIDECAR_INJECT} of {} is \"{value}\", but {problem}: the operator adds no collector to the pod, and spans sent to localhost are lost.",
            pod.object.reference()
        ),
        format!(
            "apply an OpenTelemetryCollector with `spec.mode: sidecar` in namespace `{namespace}` and name it here (\"{namespace}/<name>\"), or send to a collector's Service instead"
        ),
    ))
}

/// A pod of several containers injected without naming them: only the first gets the agent.
fn first_container_only(pod: &PodTemplate) -> Option<(&Annotation, String, String)> {
    let [first, second, ..] = pod.containers.as_slice() else {
        return None;
    };
    if pod.container_names().is_some() {
        return None;
    }
    let (annotation, language) = pod.injections().find(|(annotation, language)| {
        annotation.value.trim() != "false"
            && !pod
                .annotations
                .iter()
                .any(|a| a.name == language_container_names(language))
    })?;
    let names: Vec<&str> = pod.containers.iter().map(|c| c.name.as_str()).collect();
    Some((
        annotation,
        format!(
            "{} has {} containers ({}) and no instrumentation.opentelemetry.io/container-names: the operator injects {language} into the first one only, `{}`; `{}`{} without it.",
            pod.object.reference(),
            names.len(),
            names.join(", "),
            first.name,
            second.name,
            if names.len() > 2 {
                " and the others run"
            } else {
                " runs"
            }
        ),
        format!(
            "name the container(s) to inject, comma-separated, beside the annotation:\n  instrumentation.opentelemetry.io/container-names: \"{}\"",
            first.name
        ),
    ))
}

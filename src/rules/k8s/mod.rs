//! `k8s/`: what only Kubernetes manifests get wrong, between objects: an injection annotation
//! the operator never sees, an Instrumentation or a Secret that is not there, a host no
//! Service answers, compose's `${VAR}` where Kubernetes expands only `$(VAR)`.

mod annotation_on_workload;
mod compose_style_variable;
mod configmap_missing;
mod endpoint_unknown_service;
mod injection_not_applied;
mod instrumentation_missing;
mod instrumentation_protocol;
mod node_local_without_host_port;
mod not_rendered;
mod parse_error;
mod secret_missing;

use super::{Findings, Rule, RuleMeta};
use crate::finding::Finding;
use crate::resolve::{Project, Workload};
use crate::source::Location;
use crate::workspace::kubernetes::{EnvSource, PodTemplate};

pub const RULES: &[&dyn Rule] = &[
    &parse_error::ParseError,
    &annotation_on_workload::AnnotationOnWorkload,
    &instrumentation_missing::InstrumentationMissing,
    &instrumentation_protocol::InstrumentationProtocol,
    &endpoint_unknown_service::EndpointUnknownService,
    &node_local_without_host_port::NodeLocalWithoutHostPort,
    &injection_not_applied::InjectionNotApplied,
    &compose_style_variable::ComposeStyleVariable,
    &secret_missing::SecretMissing,
    &configmap_missing::ConfigMapMissing,
    &not_rendered::NotRendered,
];

/// Reports a finding about a pod template on the workloads of its containers (or on the
/// workspace when it has none): the finding, when it is a workload's.
fn on_pod<'a>(
    project: &Project,
    out: &'a mut Findings,
    rule: &RuleMeta,
    pod: &PodTemplate,
    location: &Location,
    message: String,
    hint: String,
) -> Option<&'a mut Finding> {
    let workloads: Vec<&Workload> = pod
        .containers
        .iter()
        .filter_map(|c| project.service(&c.workload))
        .collect();
    let Some((first, others)) = workloads.split_first() else {
        out.workspace(rule, location, message, hint);
        return None;
    };
    let finding = out.service(rule, first, location, message, hint);
    finding
        .services
        .extend(others.iter().map(|w| w.name.clone()));
    Some(finding)
}

/// Reports each `envFrom` reference to an object of kind `source` that is not in the pod's
/// namespace, when the input has objects of that kind (else they are applied from elsewhere).
fn env_from_missing(project: &Project, out: &mut Findings, rule: &RuleMeta, source: EnvSource) {
    let manifests = &project.kubernetes;
    for pod in &manifests.pods {
        let namespace = &pod.object.namespace;
        for container in &pod.containers {
            let Some(workload) = project.service(&container.workload) else {
                continue;
            };
            let references = container.env_from.iter().filter(|r| r.source == source);
            for reference in references {
                let (found, any) = manifests.has_source(source, namespace, &reference.name);
                if found || !any {
                    continue;
                }
                let kind = source.kind();
                let outcome = if reference.optional {
                    "the container starts without its variables (optional: true)"
                } else {
                    "the pod does not start (CreateContainerConfigError)"
                };
                out.service(
                    rule,
                    workload,
                    &reference.location,
                    format!(
                        "envFrom reads {kind} `{}`, but no {kind} `{}` is in namespace `{namespace}` in these manifests: {outcome}.",
                        reference.name, reference.name
                    ),
                    format!(
                        "name a {kind} of namespace `{namespace}`, or add `{}` to it ({kind}s are not shared across namespaces)",
                        reference.name
                    ),
                );
            }
        }
    }
}

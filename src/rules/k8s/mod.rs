//! `k8s/`: what only Kubernetes manifests get wrong, between objects: an injection annotation
//! the operator never sees, an Instrumentation or a Secret that is not there, a host no
//! Service answers, compose's `${VAR}` where Kubernetes expands only `$(VAR)`.

mod annotation_on_workload;
mod compose_style_variable;
mod endpoint_unknown_service;
mod injection_not_applied;
mod instrumentation_missing;
mod instrumentation_protocol;
mod parse_error;
mod secret_missing;

use super::{Findings, Rule, RuleMeta};
use crate::finding::Finding;
use crate::resolve::{Project, Workload};
use crate::source::Location;
use crate::workspace::kubernetes::PodTemplate;

pub const RULES: &[&dyn Rule] = &[
    &parse_error::ParseError,
    &annotation_on_workload::AnnotationOnWorkload,
    &instrumentation_missing::InstrumentationMissing,
    &instrumentation_protocol::InstrumentationProtocol,
    &endpoint_unknown_service::EndpointUnknownService,
    &injection_not_applied::InjectionNotApplied,
    &compose_style_variable::ComposeStyleVariable,
    &secret_missing::SecretMissing,
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

//! `k8s/`: what only Kubernetes manifests get wrong, between objects: an injection annotation
//! the operator never sees, an Instrumentation or a Secret that is not there, a host no
//! Service answers, compose's `${VAR}` where Kubernetes expands only `$(VAR)`.

mod annotation_on_workload;
mod compose_style_variable;
mod endpoint_unknown_service;
mod instrumentation_missing;
mod parse_error;
mod secret_missing;

use super::{Findings, Rule, RuleMeta};
use crate::resolve::{Project, Workload};
use crate::source::Location;
use crate::workspace::kubernetes::PodTemplate;

pub const RULES: &[&dyn Rule] = &[
    &parse_error::ParseError,
    &annotation_on_workload::AnnotationOnWorkload,
    &instrumentation_missing::InstrumentationMissing,
    &endpoint_unknown_service::EndpointUnknownService,
    &compose_style_variable::ComposeStyleVariable,
    &secret_missing::SecretMissing,
];

/// Reports a finding about a pod template on the workloads of its containers (or on the
/// workspace when it has none).
fn on_pod(
    project: &Project,
    out: &mut Findings,
    rule: &RuleMeta,
    pod: &PodTemplate,
    location: &Location,
    message: String,
    hint: String,
) {
    let workloads: Vec<&Workload> = pod
        .containers
        .iter()
        .filter_map(|c| project.service(&c.workload))
        .collect();
    let Some((first, others)) = workloads.split_first() else {
        out.workspace(rule, location, message, hint);
        return;
    };
    let finding = out.service(rule, first, location, message, hint);
    finding
        .services
        .extend(others.iter().map(|w| w.name.clone()));
}

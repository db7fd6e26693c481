//! `helm/`: what only the OpenTelemetry Collector Helm chart's values cause: a list that
//! replaced the chart's instead of merging with it, a receiver's port the chart does not
//! expose, a node-local collector without a `hostPort`, values the chart refuses. The
//! collector the values render is checked by every `collector/` rule too.

mod node_local_without_host_port;
mod pipeline_replaced;
mod port_not_exposed;
mod values_invalid;

use super::{Findings, Rule, RuleMeta};
use crate::finding::Finding;
use crate::resolve::Project;
use crate::resolve::collector::Collector;
use crate::source::Location;
use crate::workspace::kubernetes::helm::ChartRelease;

pub const RULES: &[&dyn Rule] = &[
    &values_invalid::ValuesInvalid,
    &pipeline_replaced::PipelineReplaced,
    &port_not_exposed::PortNotExposed,
    &node_local_without_host_port::NodeLocalWithoutHostPort,
];

/// Reports a finding on a release's collector (or on the workspace when it has no workload).
fn on_release<'a>(
    project: &Project,
    out: &'a mut Findings,
    rule: &RuleMeta,
    release: &ChartRelease,
    location: &Location,
    message: String,
    hint: String,
) -> Option<&'a mut Finding> {
    match project.service(&release.workload) {
        Some(workload) => Some(out.service(rule, workload, location, message, hint)),
        None => {
            out.workspace(rule, location, message, hint);
            None
        }
    }
}

/// Whether `helm/pipeline-replaced` reports the collector's traces pipeline: a chart's
/// collector whose values define an exporter to Honeycomb its traces pipeline leaves out.
pub fn reports_pipeline(project: &Project, collector: &Collector) -> bool {
    let is_chart = project
        .kubernetes
        .charts
        .iter()
        .any(|c| c.workload == collector.service);
    is_chart
        && collector.model().is_some_and(|model| {
            model.traces_pipelines().next().is_some_and(|pipeline| {
                pipeline_replaced::unlisted_honeycomb_exporter(collector, model, pipeline).is_some()
            })
        })
}

/// A finding at a place where the chart's defaults were put (the colon of the values key
/// that pulled them in) is about a value the user did not write: its message says so. A
/// component the chart defines by default that no pipeline lists (its `debug` exporter once
/// the values list their own) is the chart's choice, not a mistake of the values: not reported.
pub fn mark_chart_defaults(project: &Project, findings: &mut Vec<Finding>) {
    findings.retain(|finding| {
        finding.rule != UNUSED_COMPONENT
            || finding
                .location
                .as_ref()
                .and_then(|at| project.kubernetes.chart_default_at(at))
                .is_none()
    });
    for finding in findings {
        let Some(release) = finding
            .location
            .as_ref()
            .and_then(|at| project.kubernetes.chart_default_at(at))
        else {
            continue;
        };
        finding.message.push_str(&format!(
            " (This is the chart's default, from opentelemetry-collector {}'s values.yaml: {} does not write it.)",
            release.defaults_from, release.file
        ));
    }
}

/// `collector/component-unused`'s id.
const UNUSED_COMPONENT: &str = "collector/component-unused";

use super::on_release;
use crate::finding::{Cure, Edit, Remedy};
use crate::knowledge::collector::Kind;
use crate::resolve::Project;
use crate::resolve::collector::{Collector, Model, Pipeline, honeycomb};
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::kubernetes::helm::ChartRelease;

declare_rule! {
    /// ## What it does
    /// Checks that the traces pipeline of a collector rendered from the OpenTelemetry
    /// Collector chart's values lists the exporter to Honeycomb the values define: not the
    /// chart's default `[debug]`, kept because the values wrote another list (another
    /// pipeline's `exporters`, the traces `receivers`), and not a list of the values that
    /// leaves the exporter out.
    ///
    /// ## Why is this bad?
    /// Helm merges maps but replaces lists whole: a list in the values never merges with the
    /// chart's, and a pipeline the values do not list keeps the chart's `exporters: [debug]`.
    /// The collector starts, takes every span and prints it to its own log; Honeycomb
    /// receives nothing, and nothing logs an error.
    ///
    /// ## Example
    /// ```yaml
    /// config:
    ///   exporters:
    ///     otlp/honeycomb: {endpoint: api.honeycomb.io:443, headers: {x-honeycomb-team: ${env:HONEYCOMB_API_KEY}}}
    ///   service:
    ///     pipelines:
    ///       metrics:
    ///         exporters: [otlp/honeycomb]   # traces still has the chart's [debug]
    /// ```
    /// Use instead:
    /// ```yaml
    ///       traces:
    ///         exporters: [debug, otlp/honeycomb]
    /// ```
    ///
    /// ## Fix
    /// `otel-doctor fix` applies it when the values write the traces `exporters` list: it
    /// restates the list with the Honeycomb exporter added, in the list's own style. When the
    /// values do not write the traces list at all, the hint gives the lines to add.
    pub struct PipelineReplaced => "helm/pipeline-replaced", Error;
}

impl Check for PipelineReplaced {
    fn check(&self, project: &Project, out: &mut Findings) {
        for release in &project.kubernetes.charts {
            let Some(collector) = project.collector(&release.workload) else {
                continue;
            };
            let Some(model) = collector.model() else {
                continue;
            };
            let Some(pipeline) = model.traces_pipelines().next() else {
                continue;
            };
            let Some(exporter) = unlisted_honeycomb_exporter(collector, model, pipeline) else {
                continue;
            };
            let listed: Vec<&str> = pipeline.exporters.iter().map(|r| r.id.as_str()).collect();
            let restated = listed
                .iter()
                .copied()
                .chain([exporter])
                .collect::<Vec<_>>()
                .join(", ");
            let from_chart = pipeline
                .exporters
                .first()
                .is_none_or(|first| release.is_default_at(&first.location));
            let name = &collector.service;
            if from_chart {
                let (location, why) = replacing_list(release, model, exporter);
                let message = format!(
                    "the {} pipeline of `{name}` keeps the chart's default exporters [{}]: {why}, and Helm replaces a list whole, never merging it with the chart's nor carrying it to another pipeline. {exporter} is defined but spans never reach Honeycomb.",
                    pipeline.id,
                    listed.join(", ")
                );
                let hint = format!(
                    "write the traces list in the values ({}):\nconfig:\n  service:\n    pipelines:\n      {}:\n        exporters: [{restated}]",
                    release.file, pipeline.id
                );
                if let Some(finding) =
                    on_release(project, out, &Self::META, release, &location, message, hint)
                {
                    finding.fix = Some(Remedy::manual(
                        "the values do not write the traces pipeline's `exporters:`: add the key as the hint shows",
                    ));
                    finding.cures.push(cure(collector, exporter));
                }
            } else if let Some(last) = pipeline.exporters.last() {
                let first = &pipeline.exporters[0].location;
                let message = format!(
                    "the values' {} exporters [{}] replace the chart's list whole and leave out {exporter}, which the values define: spans from `{name}` never reach Honeycomb.",
                    pipeline.id,
                    listed.join(", ")
                );
                if let Some(finding) = on_release(
                    project,
                    out,
                    &Self::META,
                    release,
                    first,
                    message,
                    format!("exporters: [{restated}]"),
                ) {
                    finding.fix = Some(Remedy::edit(Edit::AddListItem {
                        at: last.location.clone(),
                        after: last.id.clone(),
                        item: exporter.to_string(),
                    }));
                    finding.cures.push(cure(collector, exporter));
                }
            }
        }
    }
}

fn cure(collector: &Collector, exporter: &str) -> Cure {
    Cure::PipelineExporter {
        collector: collector.service.clone(),
        exporter: exporter.to_string(),
    }
}

/// An exporter to Honeycomb the config defines and the traces pipeline does not list, when
/// the pipeline lists none.
pub fn unlisted_honeycomb_exporter<'m>(
    collector: &Collector,
    model: &'m Model,
    pipeline: &Pipeline,
) -> Option<&'m str> {
    let to_honeycomb = |id: &str| {
        collector
            .exporter(id)
            .is_some_and(|e| honeycomb::region(&e).is_some())
    };
    if pipeline.exporters.iter().any(|r| to_honeycomb(&r.id)) {
        return None;
    }
    model
        .components
        .iter()
        .find(|c| c.kind == Kind::Exporter && to_honeycomb(&c.id))
        .map(|c| c.id.as_str())
}

/// The list of the values that left the chart's traces list in place: another pipeline's
/// list naming the exporter, else a list under the traces pipeline, else the first list the
/// values write under `service.pipelines`.
fn replacing_list(
    release: &ChartRelease,
    model: &Model,
    exporter: &str,
) -> (crate::source::Location, String) {
    let elsewhere = model.pipelines.iter().find_map(|p| {
        let listed = p.exporters.iter().find(|r| r.id == exporter)?;
        let path = format!("service.pipelines.{}.exporters", p.id);
        let (_, at) = release.user_lists.iter().find(|(l, _)| *l == path)?;
        Some((
            at.clone(),
            format!(
                "the values list {exporter} in the {} pipeline only ({})",
                p.id, listed.location
            ),
        ))
    });
    if let Some(found) = elsewhere {
        return found;
    }
    let written = release
        .user_lists
        .iter()
        .find(|(path, _)| path.starts_with("service.pipelines.traces."))
        .or_else(|| {
            release
                .user_lists
                .iter()
                .find(|(path, _)| path.starts_with("service.pipelines."))
        });
    match written {
        Some((path, at)) => (
            at.clone(),
            format!("the values write `{path}` ({at}) but not the traces exporters"),
        ),
        None => (
            model.pipelines_location.clone(),
            "the values write no traces exporters".to_string(),
        ),
    }
}

use std::collections::HashSet;

use super::{names, report, senders};
use crate::finding::{Cure, Edit, Remedy};
use crate::knowledge::collector::Kind;
use crate::resolve::Project;
use crate::resolve::collector::{Collector, CollectorConfig, ConfigProblem, Reference, honeycomb};
use crate::resolve::route::{Destination, HopStatus};
use crate::rules::{Check, Findings, declare_rule};
use crate::source::Location;

declare_rule! {
    /// ## What it does
    /// Checks that the traces pipeline of a collector the apps send to exports to Honeycomb:
    /// not only to `debug` (or `logging`, `file`, `nop`), and not only to another backend when
    /// the workspace is set up for Honeycomb (a Honeycomb key or endpoint somewhere).
    ///
    /// ## Why is this bad?
    /// The collector accepts every span and the apps log no error, but the spans end in the
    /// collector's own log, a file in its container, or another backend. The usual cause is
    /// an exporter to Honeycomb defined under `exporters:` and never added to the pipeline, or
    /// the image's built-in config (debug only) running instead of yours.
    ///
    /// ## Example
    /// ```yaml
    /// service:
    ///   pipelines:
    ///     traces:
    ///       receivers: [otlp]
    ///       exporters: [debug]
    /// ```
    /// Use instead:
    /// ```yaml
    ///       exporters: [otlp/honeycomb, debug]
    /// ```
    ///
    /// ## Fix
    /// `otel-doctor fix` applies it when an exporter to Honeycomb is defined but not in the
    /// traces pipeline: it lists the exporter after the pipeline's last one, in the list's own
    /// style (`[debug, otlp/honeycomb]`, or a `- otlp/honeycomb` line). Not fixed automatically
    /// when no such exporter is defined (its key and endpoint are yours to write) or when the
    /// image's built-in config runs.
    pub struct ExportersNotHoneycomb => "collector/exporters-not-honeycomb", Error;
}

impl Check for ExportersNotHoneycomb {
    fn check(&self, project: &Project, out: &mut Findings) {
        for collector in &project.collectors {
            let senders = senders(project, collector);
            let sending: HashSet<&str> = senders.iter().copied().collect();
            // A chart's values that define the exporter: helm/pipeline-replaced says why.
            if senders.is_empty() || crate::rules::helm::reports_pipeline(project, collector) {
                continue;
            }
            let routes: Vec<&crate::resolve::Route> = project
                .services
                .iter()
                .filter(|s| sending.contains(s.name.as_str()))
                .filter_map(|s| s.route.as_deref())
                .collect();
            let own: Vec<(&crate::resolve::route::Hop, &Destination)> = routes
                .iter()
                .flat_map(|r| r.destinations())
                .filter(|(_, end)| end.through.contains(&collector.service))
                .map(|(hop, end)| (hop, &end.destination))
                .collect();
            let honeycomb = routes
                .iter()
                .flat_map(|r| &r.ends)
                .any(|end| matches!(end.destination, Destination::Honeycomb(_)));
            // An exporter of a type not known here may well reach Honeycomb.
            let unknown = own.iter().any(|(hop, destination)| {
                hop.status == HopStatus::Unknown
                    || matches!(destination, Destination::UnknownHost(_))
            });
            if honeycomb || unknown || own.is_empty() {
                continue;
            }
            // Spans a connector turns into metrics are not a trace destination either way.
            let local_only = own
                .iter()
                .filter(|(_, d)| !matches!(d, Destination::Converted(_)))
                .all(|(_, d)| {
                    matches!(
                        d,
                        Destination::Console | Destination::File | Destination::Nowhere
                    )
                });
            if !local_only && !project.mentions_honeycomb() {
                continue; // collector/traces-elsewhere says where they go.
            }
            let Some((location, message, hint, unlisted)) =
                finding(collector, &senders, local_only)
            else {
                continue;
            };
            let Some(finding) =
                report::<Self>(out, project, collector, &senders, &location, message, hint)
            else {
                continue;
            };
            if let Some((exporter, last)) = unlisted {
                finding.fix = Some(Remedy::edit(Edit::AddListItem {
                    at: last.location.clone(),
                    after: last.id.clone(),
                    item: exporter.clone(),
                }));
                finding.cures.push(Cure::PipelineExporter {
                    collector: collector.service.clone(),
                    exporter,
                });
            }
        }
    }
}

/// The finding's location, message and hint, and the Honeycomb exporter defined but left out
/// of the pipeline with the last item of the pipeline's list, when that is the cause.
type Found<'c> = (Location, String, String, Option<(String, &'c Reference)>);

fn finding<'c>(collector: &'c Collector, senders: &[&str], local_only: bool) -> Option<Found<'c>> {
    let name = &collector.service;
    let who = names(senders);
    let add = "add to exporters:\n  otlp/honeycomb:\n    endpoint: api.honeycomb.io:443\n    headers:\n      x-honeycomb-team: ${env:HONEYCOMB_API_KEY}\nand list otlp/honeycomb in the traces pipeline's exporters".to_string();
    match &collector.config {
        CollectorConfig::BuiltIn => {
            // A config mounted in the wrong place is collector/config-missing's finding.
            if collector
                .problems
                .iter()
                .any(|p| matches!(p, ConfigProblem::MountedElsewhere { .. }))
            {
                return None;
            }
            let location = collector.image.as_ref().map(|i| i.1.clone())?;
            let path = collector
                .distribution
                .and_then(|d| d.default_config())
                .unwrap_or("its default path");
            Some((
                location,
                format!(
                    "`{name}` runs its image's built-in config (nothing is mounted at {path}), which prints spans to its log and sends them nowhere else: spans from {who} never reach Honeycomb."
                ),
                format!("mount your config: volumes: [\"./otel-collector.yaml:{path}\"]"),
                None,
            ))
        }
        CollectorConfig::Read(model) => {
            let pipeline = model.traces_pipelines().next()?;
            let listed: Vec<&str> = pipeline
                .exporters
                .iter()
                .map(|r| r.id.as_str())
                .filter(|id| model.component(Kind::Connector, id).is_none())
                .collect();
            let location = pipeline
                .exporters
                .first()
                .map_or_else(|| pipeline.location.clone(), |r| r.location.clone());
            let unused = model
                .components
                .iter()
                .filter(|c| c.kind == Kind::Exporter && !listed.contains(&c.id.as_str()))
                .find(|c| {
                    collector
                        .exporter(&c.id)
                        .is_some_and(|e| honeycomb::region(&e).is_some())
                });
            let goes = if local_only {
                format!(
                    "exports only to {} (the collector's log or container), so nothing leaves it",
                    listed.join(", ")
                )
            } else {
                format!(
                    "exports to {}, not to Honeycomb, though the workspace is set up for Honeycomb",
                    listed.join(", ")
                )
            };
            let unlisted = unused
                .zip(pipeline.exporters.last())
                .map(|(exporter, last)| (exporter.id.clone(), last));
            let (extra, hint) = match unused {
                Some(exporter) => (
                    format!(
                        " {} is defined ({}) but not in the pipeline.",
                        exporter.id, exporter.location
                    ),
                    format!(
                        "list it in the pipeline: exporters: [{}]",
                        listed
                            .iter()
                            .copied()
                            .chain([exporter.id.as_str()])
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
                None => (String::new(), add),
            };
            Some((
                location,
                format!(
                    "the {} pipeline of `{name}` {goes}: spans from {who} never reach Honeycomb.{extra}",
                    pipeline.id
                ),
                hint,
                unlisted,
            ))
        }
        _ => None,
    }
}

use super::{report, senders_where, stops};
use crate::resolve::Project;
use crate::resolve::route::{HopKind, HopStatus};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that a collector has a traces pipeline (`service.pipelines.traces`, or
    /// `traces/<name>`) that takes spans from the receiver the apps send to.
    ///
    /// ## Why is this bad?
    /// Without one, the receiver is not started for traces (or not at all) and refuses every
    /// span, even though metrics or logs may flow through the same collector.
    ///
    /// ## Example
    /// ```yaml
    /// service:
    ///   pipelines:
    ///     metrics:
    ///       receivers: [otlp]
    ///       exporters: [otlp/honeycomb]
    /// ```
    /// Use instead: add
    /// ```yaml
    ///     traces:
    ///       receivers: [otlp]
    ///       exporters: [otlp/honeycomb]
    /// ```
    pub struct NoTracesPipeline => "collector/no-traces-pipeline", Error;
}

impl Check for NoTracesPipeline {
    fn check(&self, project: &Project, out: &mut Findings) {
        for collector in &project.collectors {
            let Some(model) = collector.model() else {
                continue;
            };
            let stopped = |route: &crate::resolve::Route| {
                route.hops.iter().any(|hop| {
                    hop.kind == HopKind::Pipeline
                        && hop.status == HopStatus::Broken
                        && hop.collector.as_deref() == Some(&collector.service)
                })
            };
            let senders = senders_where(project, collector, stopped);
            if senders.is_empty() {
                continue;
            }
            let traces: Vec<&str> = model.traces_pipelines().map(|p| p.id.as_str()).collect();
            let receivers: Vec<String> = collector
                .listeners()
                .iter()
                .map(|l| l.receiver.clone())
                .collect();
            let receiver = receivers.first().map_or("otlp", String::as_str);
            let exporter = model
                .components
                .iter()
                .find(|c| c.kind == crate::knowledge::collector::Kind::Exporter)
                .map_or("otlp/honeycomb", |c| c.id.as_str());
            let problem = if traces.is_empty() {
                let others: Vec<&str> = model.pipelines.iter().map(|p| p.id.as_str()).collect();
                if others.is_empty() {
                    "has no pipeline at all".to_string()
                } else {
                    format!("has no traces pipeline (only {})", others.join(", "))
                }
            } else {
                format!(
                    "has no traces pipeline that takes receiver {receiver} ({} take{} other receivers)",
                    traces.join(", "),
                    if traces.len() == 1 { "s" } else { "" }
                )
            };
            report::<Self>(
                out,
                project,
                collector,
                &senders,
                &model.pipelines_location,
                format!(
                    "`{}` {problem}: its receiver refuses spans.{}",
                    collector.service,
                    stops(&senders)
                ),
                format!(
                    "add under service.pipelines:\n  traces:\n    receivers: [{receiver}]\n    exporters: [{exporter}]"
                ),
            );
        }
    }
}

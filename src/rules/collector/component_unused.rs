use super::{report, senders_where};
use crate::knowledge::collector::Kind;
use crate::resolve::Project;
use crate::resolve::collector::honeycomb;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for components a collector config defines but no pipeline uses (or, for
    /// extensions, `service.extensions` does not list).
    ///
    /// ## Why is this bad?
    /// The collector does not start a component no pipeline names, and says nothing about it.
    /// The classic case is an exporter to Honeycomb written under `exporters:` and never added
    /// to the traces pipeline: the spans go only where the pipeline says.
    ///
    /// ## Example
    /// ```yaml
    /// processors:
    ///   batch:
    /// service:
    ///   pipelines:
    ///     traces:
    ///       receivers: [otlp]
    ///       exporters: [otlp/honeycomb]
    /// ```
    /// Use instead: `processors: [batch]` in the pipeline, or remove `batch:`.
    pub struct ComponentUnused => "collector/component-unused", Warning;
}

impl Check for ComponentUnused {
    fn check(&self, project: &Project, out: &mut Findings) {
        for collector in &project.collectors {
            let Some(model) = collector.model() else {
                continue;
            };
            // An unused exporter to Honeycomb while no route reaches Honeycomb is the cause
            // collector/exporters-not-honeycomb reports.
            let stranded = !senders_where(project, collector, |_| true).is_empty()
                && senders_where(project, collector, |r| r.reaches_honeycomb()).is_empty();
            for component in &model.components {
                let used = match component.kind {
                    Kind::Extension => model.extensions.iter().any(|r| r.id == component.id),
                    _ => model.pipelines.iter().any(|p| {
                        [&p.receivers, &p.processors, &p.exporters]
                            .iter()
                            .any(|refs| refs.iter().any(|r| r.id == component.id))
                    }),
                };
                if used {
                    continue;
                }
                let to_honeycomb = component.kind == Kind::Exporter
                    && collector
                        .exporter(&component.id)
                        .is_some_and(|e| honeycomb::region(&e).is_some());
                if to_honeycomb && stranded {
                    continue;
                }
                let (list, place) = match component.kind {
                    Kind::Extension => ("service.extensions".to_string(), "extensions"),
                    kind => ("any pipeline".to_string(), kind.section()),
                };
                report::<Self>(
                    out,
                    project,
                    collector,
                    &[],
                    &component.location,
                    format!(
                        "the {} {} of `{}` is defined but not in {list}: the collector does not start it.",
                        component.kind.name(),
                        component.id,
                        collector.service
                    ),
                    format!(
                        "add `{}` to the `{place}` list of the pipeline that needs it, or delete its definition",
                        component.id
                    ),
                );
            }
        }
    }
}

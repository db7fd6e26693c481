use super::{report, senders, stops};
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that every receiver, processor and exporter a pipeline lists (and every
    /// extension `service.extensions` lists) is defined in its section of the config.
    ///
    /// ## Why is this bad?
    /// The collector refuses the config (`references exporter "otlp/honeycomb" which is not
    /// configured`) and exits at start: nothing is received or exported.
    ///
    /// ## Example
    /// ```yaml
    /// exporters:
    ///   otlp/honeycomb:
    ///     endpoint: api.honeycomb.io:443
    /// service:
    ///   pipelines:
    ///     traces:
    ///       receivers: [otlp]
    ///       exporters: [otlp/hny]
    /// ```
    /// Use instead: `exporters: [otlp/honeycomb]`, the name it is defined with.
    pub struct ComponentUndefined => "collector/component-undefined", Error;
}

impl Check for ComponentUndefined {
    fn check(&self, project: &Project, out: &mut Findings) {
        for collector in &project.collectors {
            let Some(model) = collector.model() else {
                continue;
            };
            let affected = senders(project, collector);
            let who = stops(&affected);
            for undefined in model.undefined() {
                let reference = undefined.reference;
                let section = undefined.kinds[0].section();
                let place = match undefined.pipeline {
                    Some(pipeline) => format!("pipeline {pipeline}"),
                    None => "service.extensions".to_string(),
                };
                let candidates: Vec<&str> = model
                    .components
                    .iter()
                    .filter(|c| undefined.kinds.contains(&c.kind))
                    .map(|c| c.id.as_str())
                    .collect();
                let hint = match candidates.as_slice() {
                    [] => format!("define it under `{section}:`, or remove it from the list"),
                    _ => format!(
                        "use one defined under `{section}:` ({}), or define `{}` there",
                        candidates.join(", "),
                        reference.id
                    ),
                };
                report::<Self>(
                    out,
                    project,
                    collector,
                    &affected,
                    &reference.location,
                    format!(
                        "{place} of `{}` lists the {} {}, which is not defined under `{section}:`: the collector refuses its config and exits at start.{who}",
                        collector.service, undefined.what, reference.id
                    ),
                    hint,
                );
            }
        }
    }
}

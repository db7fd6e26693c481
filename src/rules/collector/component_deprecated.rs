use super::report;
use crate::knowledge::collector::{self as knowledge, Availability};
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for components the image's release still has but has deprecated, such as the
    /// `logging` exporter (deprecated in v0.86, removed in v0.111).
    ///
    /// ## Why is this bad?
    /// It works today; the next image upgrade removes it, and then the collector refuses its
    /// config and exits at start.
    ///
    /// ## Example
    /// ```yaml
    /// exporters:
    ///   logging:
    /// ```
    /// Use instead: `debug:`.
    pub struct ComponentDeprecated => "collector/component-deprecated", Warning;
}

impl Check for ComponentDeprecated {
    fn check(&self, project: &Project, out: &mut Findings) {
        for collector in &project.collectors {
            let (Some(distribution), Some(model)) = (collector.distribution, collector.model())
            else {
                continue;
            };
            for component in &model.components {
                let name = &component.type_name;
                let kind = component.kind;
                let Availability::Deprecated { instead } =
                    knowledge::availability(distribution, collector.version, kind, name)
                else {
                    continue;
                };
                report::<Self>(
                    out,
                    project,
                    collector,
                    &[],
                    &component.location,
                    format!(
                        "the {name} {} is deprecated: a later image removes it, and `{}` will then refuse its config.",
                        kind.name(),
                        collector.service
                    ),
                    format!("use {instead}"),
                );
            }
        }
    }
}

use super::{report, senders, stops};
use crate::knowledge::collector::{self as knowledge, Availability, Distribution};
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule, edit_distance};

declare_rule! {
    /// ## What it does
    /// Checks every component a collector config defines against the image's distribution and
    /// release: a typo (`otlphtp`), a component of contrib in the core or k8s image
    /// (`tail_sampling` in `otel/opentelemetry-collector`, `honeycombmarker` in
    /// `otel/opentelemetry-collector-k8s`), one removed in the release the tag names (`jaeger`
    /// exporter after v0.84, `logging` after v0.110, `honeycomb` after v0.56), or one added
    /// after it (the `interval` processor came to the k8s image in v0.119).
    ///
    /// ## Why is this bad?
    /// The collector refuses a config with an unknown component type (`unknown type: "jaeger"
    /// for id: "jaeger"`) and exits at start: every service that sends to it is refused.
    ///
    /// ## Example
    /// ```yaml
    /// # image: otel/opentelemetry-collector-contrib:0.114.0
    /// exporters:
    ///   logging:
    ///     verbosity: detailed
    /// ```
    /// Use instead: `debug:` (the `logging` exporter was removed in v0.111.0).
    pub struct UnknownComponent => "collector/unknown-component", Error;
}

impl Check for UnknownComponent {
    fn check(&self, project: &Project, out: &mut Findings) {
        for collector in &project.collectors {
            let (Some(distribution), Some(model)) = (collector.distribution, collector.model())
            else {
                continue;
            };
            let release = match collector.version {
                Some(version) => format!("{} {version}", distribution.binary()),
                None => format!("the latest {}", distribution.binary()),
            };
            let affected = senders(project, collector);
            let who = stops(&affected);
            for component in &model.components {
                let kind = component.kind;
                let name = &component.type_name;
                let (problem, hint) =
                    match knowledge::availability(distribution, collector.version, kind, name) {
                        Availability::Removed { until, instead } => (
                            format!("the {name} {} was removed after v{until}", kind.name()),
                            format!("use {instead}"),
                        ),
                        Availability::Added { since } => (
                            format!("the {name} {} arrived in v{since}", kind.name()),
                            format!("use an image of v{since} or later"),
                        ),
                        Availability::ElsewhereOnly { distributions } => (
                            format!(
                                "{name} is {} {} of {} only",
                                if kind.name().starts_with('e') {
                                    "an"
                                } else {
                                    "a"
                                },
                                kind.name(),
                                distribution_names(&distributions)
                            ),
                            format!(
                                "use the image {} (it has every component)",
                                Distribution::Contrib.image()
                            ),
                        ),
                        Availability::Unknown => {
                            match suggestion(distribution, collector.version, kind, name) {
                                Some(close) => (
                                    format!("there is no {} named {name}", kind.name()),
                                    format!("did you mean `{close}`?"),
                                ),
                                None => (
                                    format!("there is no {} named {name} in it", kind.name()),
                                    format!(
                                        "use a {} it has, or the image {}",
                                        kind.name(),
                                        Distribution::Contrib.image()
                                    ),
                                ),
                            }
                        }
                        // Only typos are certain in a distribution not fully listed here.
                        Availability::NotListed => {
                            match suggestion(distribution, collector.version, kind, name) {
                                Some(close) => (
                                    format!("there is no {} named {name}", kind.name()),
                                    format!("did you mean `{close}`?"),
                                ),
                                None => continue,
                            }
                        }
                        Availability::Available | Availability::Deprecated { .. } => continue,
                    };
                report::<Self>(
                    out,
                    project,
                    collector,
                    &affected,
                    &component.location,
                    format!(
                        "`{}` runs {release}, and {problem}: it refuses the config (unknown type: \"{name}\") and exits at start.{who}",
                        collector.service
                    ),
                    hint,
                );
            }
        }
    }
}

/// The closest known name, when `name` is a typo of it: one or two edits away, fewer than a
/// third of its length, and no other name as close.
fn suggestion(
    distribution: Distribution,
    version: Option<knowledge::Version>,
    kind: knowledge::Kind,
    name: &str,
) -> Option<&'static str> {
    let names = knowledge::known_names(distribution, version, kind);
    let mut scored: Vec<(usize, &'static str)> = names
        .into_iter()
        .map(|known| {
            (
                edit_distance(&known.replace('_', ""), &name.replace('_', "")),
                known,
            )
        })
        .filter(|(distance, known)| *distance > 0 && *distance <= 2 && *distance * 3 < known.len())
        .collect();
    scored.sort();
    match scored.as_slice() {
        [(best, name), rest @ ..] if rest.first().is_none_or(|(next, _)| next > best) => Some(name),
        _ => None,
    }
}

fn distribution_names(distributions: &[Distribution]) -> String {
    let names: Vec<&str> = distributions.iter().map(|d| d.binary()).collect();
    names.join(" and ")
}

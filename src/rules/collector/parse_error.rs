use super::{report, senders, stops};
use crate::resolve::Project;
use crate::resolve::collector::ConfigProblem;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a collector config the collector cannot load: YAML syntax, a duplicate key, an
    /// unknown top-level section, a section or pipeline list of the wrong shape, a pipeline
    /// without receivers or exporters, an OTLP exporter without an endpoint.
    ///
    /// ## Why is this bad?
    /// The collector validates its whole config at start and exits on the first error: no
    /// pipeline runs, and every service that sends to it is refused.
    ///
    /// ## Example
    /// ```yaml
    /// exporter:            # the section is `exporters`
    ///   otlp:
    ///     endpoint: api.honeycomb.io:443
    /// ```
    /// Use instead: `exporters:`. `docker compose logs otel-collector` shows the collector's
    /// own error.
    pub struct ParseError => "collector/parse-error", Error;
}

impl Check for ParseError {
    fn check(&self, project: &Project, out: &mut Findings) {
        for collector in &project.collectors {
            let affected = senders(project, collector);
            let who = stops(&affected);
            for problem in &collector.problems {
                let ConfigProblem::Parse { location, message } = problem else {
                    continue;
                };
                report::<Self>(
                    out,
                    project,
                    collector,
                    &affected,
                    location,
                    format!(
                        "`{}` cannot load its config: {message}. It exits at start.{who}",
                        collector.service
                    ),
                    "fix the config at this line; `docker compose logs` shows the collector's own error".to_string(),
                );
            }
        }
    }
}

use std::collections::HashSet;

use super::{names, report, senders};
use crate::resolve::Project;
use crate::resolve::route::Destination;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Says where a collector sends the apps' spans when that is another backend (Jaeger,
    /// Grafana Tempo, a vendor) and nothing in the workspace is set up for Honeycomb.
    ///
    /// ## Why is this bad?
    /// It is not, if that is the plan: this is a note, so that a report about Honeycomb says
    /// plainly that these traces will be found elsewhere.
    ///
    /// ## Example
    /// ```yaml
    /// exporters:
    ///   otlp/jaeger:
    ///     endpoint: jaeger:4317
    /// ```
    /// To send to Honeycomb as well, add an exporter to it:
    /// ```yaml
    ///   otlp/honeycomb:
    ///     endpoint: api.honeycomb.io:443
    ///     headers:
    ///       x-honeycomb-team: ${env:HONEYCOMB_API_KEY}
    /// ```
    pub struct TracesElsewhere => "collector/traces-elsewhere", Info;
}

impl Check for TracesElsewhere {
    fn check(&self, project: &Project, out: &mut Findings) {
        if project.mentions_honeycomb() {
            return;
        }
        for collector in &project.collectors {
            let senders = senders(project, collector);
            let sending: HashSet<&str> = senders.iter().copied().collect();
            let mut places: Vec<(String, Option<String>, crate::source::Location)> = Vec::new();
            for service in project
                .services
                .iter()
                .filter(|s| sending.contains(s.name.as_str()))
            {
                let Some(route) = &service.route else {
                    continue;
                };
                for (hop, end) in route.destinations() {
                    let Destination::Backend(name) = &end.destination else {
                        continue;
                    };
                    if !end.delivered || !end.through.contains(&collector.service) {
                        continue;
                    }
                    if let (Some(location), false) =
                        (&hop.location, places.iter().any(|(n, _, _)| n == name))
                    {
                        places.push((name.clone(), hop.endpoint.clone(), location.clone()));
                    }
                }
            }
            let Some((_, _, location)) = places.first() else {
                continue;
            };
            let listed: Vec<String> = places
                .iter()
                .map(|(name, endpoint, _)| match endpoint {
                    Some(endpoint) => format!("{name} ({endpoint})"),
                    None => name.clone(),
                })
                .collect();
            report::<Self>(
                out,
                project,
                collector,
                &[],
                location,
                format!(
                    "`{}` sends spans from {} to {}, not to Honeycomb.",
                    collector.service,
                    names(&senders),
                    listed.join(", ")
                ),
                "to send them to Honeycomb too, add an exporter with endpoint: api.honeycomb.io:443 and the header x-honeycomb-team: ${env:HONEYCOMB_API_KEY} to the traces pipeline".to_string(),
            );
        }
    }
}

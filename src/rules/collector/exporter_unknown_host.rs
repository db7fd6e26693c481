use super::{names, report};
use crate::resolve::Project;
use crate::resolve::route::{Destination, HopKind};
use crate::rules::{Check, Findings, declare_rule, edit_distance};
use crate::source::Location;

declare_rule! {
    /// ## What it does
    /// Checks that a collector exporter's host without a domain (`gateway`, `jaeger`) is a
    /// service of the compose project, when the spans have no other way to Honeycomb.
    ///
    /// ## Why is this bad?
    /// Inside a compose network bare names resolve to services only. An exporter to a service
    /// that was renamed or never added fails DNS on every export; the collector retries, logs,
    /// and drops the spans. (An exporter to a missing Jaeger beside one to Honeycomb loses only
    /// Jaeger's copy: the route line shows it, with no error.)
    ///
    /// ## Example
    /// ```yaml
    /// exporters:
    ///   otlp/gateway:
    ///     endpoint: otel-gatway:4317
    /// ```
    /// Use instead: the gateway's service name, `otel-gateway:4317`.
    pub struct ExporterUnknownHost => "collector/exporter-unknown-host", Error;
}

impl Check for ExporterUnknownHost {
    fn check(&self, project: &Project, out: &mut Findings) {
        for collector in &project.collectors {
            // The exporter's endpoint line, what it sends to, its host, and the services that
            // lose spans there.
            let mut dead_ends: Vec<(Location, String, String, String, Vec<&str>)> = Vec::new();
            for service in &project.services {
                let Some(route) = service.route.as_deref().filter(|r| r.broken()) else {
                    continue;
                };
                for (index, (hop, end)) in route.destinations().enumerate() {
                    let Destination::UnknownHost(host) = &end.destination else {
                        continue;
                    };
                    let (Some(location), Some(endpoint)) = (&hop.location, &hop.endpoint) else {
                        continue;
                    };
                    if hop.collector.as_deref() != Some(&collector.service) {
                        continue;
                    }
                    let exporter = exporter_before(route, index).unwrap_or_default();
                    match dead_ends.iter_mut().find(|d| &d.0 == location) {
                        // Only this service pushes while its route is read.
                        Some(dead_end) if dead_end.4.last() != Some(&service.name.as_str()) => {
                            dead_end.4.push(&service.name)
                        }
                        Some(_) => {}
                        None => dead_ends.push((
                            location.clone(),
                            exporter,
                            endpoint.clone(),
                            host.clone(),
                            vec![&service.name],
                        )),
                    }
                }
            }
            let services: Vec<&str> = project.service_names().collect();
            for (location, exporter, endpoint, host, senders) in dead_ends {
                let closest = services
                    .iter()
                    .filter(|s| edit_distance(s, &host) <= 3)
                    .min_by_key(|s| edit_distance(s, &host));
                let hint = match closest {
                    Some(name) => format!(
                        "did you mean `{name}`? endpoint: {}",
                        endpoint.replacen(&host, name, 1)
                    ),
                    None => format!(
                        "add a `{host}` service to the compose project, or send to one of its services ({})",
                        services.join(", ")
                    ),
                };
                report::<Self>(
                    out,
                    project,
                    collector,
                    &senders,
                    &location,
                    format!(
                        "exporter {exporter} of `{}` sends to {endpoint}, but `{host}` is not a service of the project: the name does not resolve and every export fails. Spans from {} stop here.",
                        collector.service,
                        names(&senders)
                    ),
                    hint,
                );
            }
        }
    }
}

/// The exporter hop that leads to the `index`-th destination of a route.
fn exporter_before(route: &crate::resolve::Route, index: usize) -> Option<String> {
    let destination = route
        .hops
        .iter()
        .enumerate()
        .filter(|(_, h)| h.kind == HopKind::Destination)
        .nth(index)?
        .0;
    route.hops[..destination]
        .iter()
        .rev()
        .find(|h| h.kind == HopKind::Exporter)
        .map(|h| h.name.clone())
}

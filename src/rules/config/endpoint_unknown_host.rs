use std::collections::HashMap;

use crate::finding::name_services;
use crate::knowledge::otel;
use crate::resolve::{ConfiguredEndpoint, HostKind, HostName, InactiveService, Project};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that an endpoint host without a domain (`otel-collector`) resolves inside the
    /// compose network: a service that compose starts, its `container_name` or a network
    /// alias, or, in the sending container, a `links` alias or an `extra_hosts` entry. A
    /// container with `network_mode: host` is outside the compose network: only its
    /// `extra_hosts` resolve there.
    ///
    /// ## Why is this bad?
    /// Inside a compose network, bare names resolve only to what compose registers. A name
    /// that is none of those (a typo, a collector that was never added, a service renamed, a
    /// service of a profile that is not enabled) fails DNS on every export.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     environment:
    ///       OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-colector:4318
    ///   otel-collector:
    ///     image: otel/opentelemetry-collector-contrib
    /// ```
    /// Use instead: `http://otel-collector:4318`.
    pub struct EndpointUnknownHost => "config/endpoint-unknown-host", Error;
}

impl Check for EndpointUnknownHost {
    fn check(&self, project: &Project, out: &mut Findings) {
        // Without compose files there is no compose network to know; with an `include:` that
        // could not be read, some of its names are unknown.
        if project.compose_files.is_empty() || project.includes_unread {
            return;
        }
        let names: Vec<&str> = project.service_names().collect();
        let services = name_services(&names);
        let mut seen: HashMap<String, Unknown> = HashMap::new();
        for service in project.services.iter().filter(|s| s.reads_otel_env()) {
            let plan = service.export_plan();
            let Some(endpoint) = plan.configured_endpoint() else {
                continue;
            };
            let ConfiguredEndpoint {
                url,
                value,
                name,
                location,
            } = endpoint;
            let Some(url::Host::Domain(host)) = url.host() else {
                continue;
            };
            if host.contains('.') || otel::is_loopback_host(host) {
                continue;
            }
            let files = project.compose_files.join(", ");
            match project.compose_host(service, host) {
                // `network_mode: host` leaves the compose network: only `/etc/hosts` entries
                // (`extra_hosts`) still resolve there.
                Some(what) if service.network_mode_host && what.kind.is_network_name() => {
                    out.service(
                        &Self::META,
                        service,
                        location,
                        format!(
                            "{name} is \"{value}\", but `{}` runs with network_mode: host, outside the compose network, where `{host}` ({}) does not resolve.",
                            service.name,
                            what.describe(),
                        ),
                        format!(
                            "publish the port of {} and send to it on localhost: {}",
                            what.service,
                            value.replacen(host, "localhost", 1)
                        ),
                    );
                    continue;
                }
                Some(_) => continue,
                None => {}
            }
            if let Some((inactive, what)) = project.inactive_host(host) {
                out.service(
                    &Self::META,
                    service,
                    location,
                    format!(
                        "{name} is \"{value}\", but `{host}` is {}: {}. The name will not resolve.",
                        describe_inactive(what),
                        profile_state(project, inactive)
                    ),
                    format!(
                        "enable its profile when starting the project: COMPOSE_PROFILES={} (in .env or the shell), or `docker compose --profile {} up`; or remove `profiles` from {} ({})",
                        inactive.profiles.join(","),
                        inactive.profiles.first().map_or("", String::as_str),
                        inactive.name,
                        inactive.location
                    ),
                );
                continue;
            }
            // Many services may send to the same unknown host (an anchor they share): what the
            // whole network answers is worked out once per host.
            let unknown = seen.entry(host.to_string()).or_insert_with(|| Unknown {
                closest: closest(&project.network_hosts, host),
                elsewhere: elsewhere(project, host),
            });
            let elsewhere = &unknown.elsewhere;
            let own_closest = closest(&service.own_hosts, host);
            // The network's names first: on a tie, the first of them all wins.
            let closest = match (unknown.closest, own_closest) {
                (Some((network, _)), Some((own, name))) if own < network => Some(name),
                (Some((_, name)), _) => Some(name),
                (None, own) => own.map(|(_, name)| name),
            };
            let hint = match closest {
                Some(candidate) => format!(
                    "did you mean `{candidate}`? {}",
                    value.replacen(host, candidate, 1)
                ),
                None => format!(
                    "add a `{host}` service (e.g. an OpenTelemetry Collector) to {files}, or fix the host name"
                ),
            };
            out.service(
                &Self::META,
                service,
                location,
                format!(
                    "{name} is \"{value}\", but `{host}` is no service, container_name, network alias or extra_hosts entry in {files} (services: {services}): the name will not resolve.{elsewhere}",
                ),
                hint,
            );
        }
    }
}

/// What the compose network says about a host it does not resolve.
struct Unknown<'a> {
    /// The network's name nearest to it, and how many typos away.
    closest: Option<(usize, &'a str)>,
    /// The container that resolves it, if one does, as a sentence.
    elsewhere: String,
}

/// The name nearest to `host`, at most three typos away, and how far.
fn closest<'a>(names: &'a [HostName], host: &str) -> Option<(usize, &'a str)> {
    names
        .iter()
        .map(|name| {
            (
                crate::rules::edit_distance(&name.name, host),
                name.name.as_str(),
            )
        })
        .min_by_key(|(distance, _)| *distance)
        .filter(|(distance, _)| *distance <= 3)
}

/// A `links` alias or an `extra_hosts` entry of another container is a near miss worth
/// naming: it resolves there, not here.
fn elsewhere(project: &Project, host: &str) -> String {
    project
        .services
        .iter()
        .flat_map(|other| other.own_hosts.iter().map(move |h| (other, h)))
        .find(|(_, h)| h.is(host))
        .map(|(other, h)| {
            format!(
                " It is {} ({}): only {}'s container resolves it.",
                h.describe(),
                h.location,
                other.name
            )
        })
        .unwrap_or_default()
}

fn describe_inactive(what: &HostName) -> String {
    match what.kind {
        HostKind::Service => "a service that compose does not start".to_string(),
        _ => format!(
            "{} ({}), a service that compose does not start",
            what.describe(),
            what.location
        ),
    }
}

fn profile_state(project: &Project, inactive: &InactiveService) -> String {
    let profiles: Vec<String> = inactive.profiles.iter().map(|p| format!("`{p}`")).collect();
    let enabled = if project.profiles.is_empty() {
        "none is enabled (COMPOSE_PROFILES is not set)".to_string()
    } else {
        format!(
            "COMPOSE_PROFILES enables only {}",
            project.profiles.join(",")
        )
    };
    format!(
        "it starts only with the profile{} {}, and {enabled}",
        if profiles.len() == 1 { "" } else { "s" },
        profiles.join(" or ")
    )
}

use std::collections::HashMap;

use crate::finding::name_services;
use crate::knowledge::otel;
use crate::resolve::{
    ConfiguredEndpoint, HostKind, HostLookup, HostName, InactiveService, Launcher, Network,
    Project, Workload,
};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that an endpoint host without a domain (`otel-collector`) resolves on the
    /// network the sender runs on: on the compose network, a service that compose starts, its
    /// `container_name` or a network alias; on a docker network, the `--name` or
    /// `--network-alias` of a container that joins it; in the sending container, a `links`
    /// alias or an `extra_hosts` entry. A process on this machine (or a container with
    /// `network_mode: host`) and a container on docker's default bridge are outside every such
    /// network: a compose service's name does not resolve there.
    ///
    /// ## Why is this bad?
    /// Inside a compose network, bare names resolve only to what compose registers. A name
    /// that is none of those (a typo, a collector that was never added, a service renamed, a
    /// service of a profile that is not enabled) fails DNS on every export. On this machine,
    /// `otel-collector` resolves nowhere: the collector is reached through the port it
    /// publishes, on `localhost`.
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
        // Without a network whose names are all known, a bare name may be anything.
        if !project.knows_names() {
            return;
        }
        let names: Vec<&str> = project.service_names().collect();
        let services = name_services(&names);
        let mut seen: HashMap<(String, Network), Unknown> = HashMap::new();
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
            match project.lookup_host(service, host) {
                // Another network's name: only `/etc/hosts` entries (`extra_hosts`) and the
                // sender's own network resolve where it runs.
                HostLookup::OtherNetwork(what) => {
                    let message = if what.network.resolves_names() {
                        format!(
                            "{name} is \"{value}\", but `{}` runs {}, outside {}, where `{host}` ({}) does not resolve.",
                            service.name,
                            runs_where(service),
                            what.network.name(),
                            what.describe(),
                        )
                    } else {
                        format!(
                            "{name} is \"{value}\", but `{host}` is {} ({}), a container on {}, where names do not resolve.",
                            what.describe(),
                            what.location,
                            what.network.name(),
                        )
                    };
                    out.service(
                        &Self::META,
                        service,
                        location,
                        message,
                        reach_hint(project, service, what, &url, value),
                    );
                    continue;
                }
                HostLookup::Resolves(_) => continue,
                HostLookup::Unknown => {}
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
            // whole network answers is worked out once per host and network.
            let unknown = seen
                .entry((host.to_string(), service.network.clone()))
                .or_insert_with(|| Unknown {
                    closest: closest(
                        project
                            .network_hosts
                            .iter()
                            .filter(|name| name.network == service.network),
                        host,
                    ),
                    elsewhere: elsewhere(project, host),
                });
            let elsewhere = &unknown.elsewhere;
            let own_closest = closest(service.own_hosts.iter(), host);
            // The network's names first: on a tie, the first of them all wins.
            let closest = match (unknown.closest, own_closest) {
                (Some((network, _)), Some((own, name))) if own < network => Some(name),
                (Some((_, name)), _) => Some(name),
                (None, own) => own.map(|(_, name)| name),
            };
            // A name of another network, one typo away: reach it the way this sender can.
            let near_elsewhere = || {
                project
                    .network_hosts
                    .iter()
                    .filter(|name| name.network != service.network)
                    .map(|name| (crate::rules::edit_distance(&name.name, host), name))
                    .filter(|(distance, _)| *distance <= 3)
                    .min_by_key(|(distance, _)| *distance)
                    .map(|(_, name)| name)
            };
            let near = closest.is_none().then(near_elsewhere).flatten();
            let hint = match (closest, near, &service.network) {
                (Some(candidate), _, _) => format!(
                    "did you mean `{candidate}`? {}",
                    value.replacen(host, candidate, 1)
                ),
                (None, Some(name), _) => reach_hint(project, service, name, &url, value),
                (None, None, Network::Compose) => format!(
                    "add a `{host}` service (e.g. an OpenTelemetry Collector) to {files}, or fix the host name"
                ),
                (None, None, Network::Docker(network)) => format!(
                    "start the container it means on the same network (docker run --network {network} --name {host} ...), or fix the host name"
                ),
                (None, None, _) => {
                    "send to an address this sender can reach, or fix the host name".to_string()
                }
            };
            let message = match &service.network {
                Network::Compose => format!(
                    "{name} is \"{value}\", but `{host}` is no service, container_name, network alias or extra_hosts entry in {files} (services: {services}): the name will not resolve.{elsewhere}",
                ),
                Network::Docker(network) => {
                    let containers: Vec<&str> = project
                        .network_hosts
                        .iter()
                        .filter(|name| name.network == service.network)
                        .map(|name| name.name.as_str())
                        .collect();
                    format!(
                        "{name} is \"{value}\", but `{host}` is not the --name or --network-alias of any container on the docker network `{network}` (names there: {}): the name will not resolve.{elsewhere}",
                        if containers.is_empty() {
                            "none".to_string()
                        } else {
                            name_services(&containers)
                        }
                    )
                }
                other => format!(
                    "{name} is \"{value}\", but `{}` runs {}, where `{host}` is no name that resolves.{elsewhere}",
                    service.name,
                    match other {
                        Network::Host => runs_where(service),
                        other => other.describe(),
                    }
                ),
            };
            out.service(&Self::META, service, location, message, hint);
        }
    }
}

/// Where a workload runs, as the message says it.
fn runs_where(service: &Workload) -> String {
    match (&service.network, service.launcher) {
        (Network::Host, Launcher::Host) => "on this machine".to_string(),
        (Network::Host, _) => "with the host's network (network_mode: host)".to_string(),
        (network, _) => network.describe(),
    }
}

/// How the sender reaches the workload behind a name of another network: from this machine,
/// the port it publishes on localhost; from a container, the network that has the name.
fn reach_hint(
    project: &Project,
    service: &Workload,
    what: &HostName,
    url: &url::Url,
    value: &str,
) -> String {
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default();
    let published = port.and_then(|port| {
        project
            .service(&what.service)?
            .ports
            .iter()
            .find(|p| p.target == port.to_string())?
            .published
            .clone()
    });
    if !service.network.is_host() {
        // From a container: the other container's port on this machine, or its network.
        let through_machine = match &published {
            Some(published) => format!(
                "{} publishes it on this machine: send to {} (on Linux with extra_hosts: [\"host.docker.internal:host-gateway\"])",
                what.service,
                with_host_port(value, host, "host.docker.internal", port, published)
            ),
            None => format!(
                "publish the port of {} and send to host.docker.internal",
                what.service
            ),
        };
        let same_network = match (&what.network, &service.network) {
            (Network::Docker(name), _) => {
                format!("start `{}` on the docker network `{name}`", service.name)
            }
            (Network::Bridge, Network::Compose) => match project.compose_networks.first() {
                Some(network) => format!(
                    "start `{}` on the compose network (docker run --network {network} ...)",
                    what.service
                ),
                None => format!("start `{}` on the compose network", what.service),
            },
            (network, _) => format!("attach `{}` to {}", service.name, network.name()),
        };
        return format!("{through_machine}; or {same_network}");
    }
    match published {
        Some(published) => format!(
            "{} publishes the port on this machine: send to {}",
            what.service,
            with_host_port(value, host, "localhost", port, &published)
        ),
        None => format!(
            "publish the port of {} (ports: [\"{p}:{p}\"]) and send to it on localhost: {}",
            what.service,
            value.replacen(host, "localhost", 1),
            p = port.unwrap_or_default()
        ),
    }
}

/// The endpoint with another host, and the published port in place of the container's.
fn with_host_port(
    value: &str,
    host: &str,
    new_host: &str,
    port: Option<u16>,
    published: &str,
) -> String {
    let replaced = value.replacen(host, new_host, 1);
    match port {
        Some(port) if published != port.to_string() => {
            replaced.replacen(&format!(":{port}"), &format!(":{published}"), 1)
        }
        _ => replaced,
    }
}

/// What the sender's network says about a host it does not resolve.
struct Unknown<'a> {
    /// The network's name nearest to it, and how many typos away.
    closest: Option<(usize, &'a str)>,
    /// The container that resolves it, if one does, as a sentence.
    elsewhere: String,
}

/// The name nearest to `host`, at most three typos away, and how far.
fn closest<'a>(names: impl Iterator<Item = &'a HostName>, host: &str) -> Option<(usize, &'a str)> {
    names
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

//! The road a service's spans take: from its SDK, through every collector on the way (receiver,
//! traces pipeline, exporter), to where they end — Honeycomb (US or EU), another backend, the
//! console, or nowhere. Every hop keeps the position of the setting that decides it; the first
//! thing that breaks a branch is marked there and the branch stops.

use super::collector::{
    Collector, CollectorConfig, ListenerMatch, ListenerProtocol, honeycomb, match_listener,
};
use super::kubernetes::{ClusterHost, NodeListener};
use super::{EndpointSource, HostName, Network, Project, Workload};
use crate::knowledge::collector::{self as knowledge, ExporterKind, Kind};
use crate::knowledge::honeycomb::{Region, region_of_host};
use crate::knowledge::otel::{self, Protocol};
use crate::source::Location;

/// How many collectors a route may pass through before it is called a loop.
const MAX_COLLECTORS: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// In order; a pipeline with several exporters lists each exporter followed by what comes
    /// after it (a pre-order walk of the tree).
    pub hops: Vec<Hop>,
    /// Where each branch ends, and whether the spans get there.
    pub ends: Vec<RouteEnd>,
    /// The first collector, as this machine can reach it (for the canary and key check).
    pub entry: Option<CollectorEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HopKind {
    Sdk,
    Receiver,
    Pipeline,
    Exporter,
    Destination,
}

impl HopKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HopKind::Sdk => "sdk",
            HopKind::Receiver => "receiver",
            HopKind::Pipeline => "pipeline",
            HopKind::Exporter => "exporter",
            HopKind::Destination => "destination",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HopStatus {
    Ok,
    Broken,
    Unknown,
}

impl HopStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            HopStatus::Ok => "ok",
            HopStatus::Broken => "broken",
            HopStatus::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub kind: HopKind,
    /// The service, receiver, pipeline or exporter id, or the destination's name.
    pub name: String,
    pub endpoint: Option<String>,
    pub protocol: Option<String>,
    pub location: Option<Location>,
    pub status: HopStatus,
    /// Why it is broken or unknown, in a few words.
    pub note: Option<String>,
    /// The collector service the hop is in.
    pub collector: Option<String>,
}

/// Where spans end up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Honeycomb(Region),
    /// Another backend, by name (`Jaeger`, `Grafana Tempo`, a vendor, a host).
    Backend(String),
    /// A collector's log (the `debug` exporter) or the app's stdout.
    Console,
    File,
    Nowhere,
    /// A connector turned the spans into another signal (`spanmetrics`).
    Converted(String),
    /// A host name that is no service of the project: it does not resolve.
    UnknownHost(String),
    Unknown,
}

impl Destination {
    pub fn describe(&self) -> String {
        match self {
            Destination::Honeycomb(region) => format!("Honeycomb {}", region.name()),
            Destination::Backend(name) => name.clone(),
            Destination::Console => "the console".into(),
            Destination::File => "a file".into(),
            Destination::Nowhere => "nowhere".into(),
            Destination::Converted(connector) => format!("other signals (connector {connector})"),
            Destination::UnknownHost(host) => format!("`{host}`, which does not resolve"),
            Destination::Unknown => "an unknown place".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteEnd {
    pub destination: Destination,
    /// The spans get there: no hop on the way is broken or unknown (another backend is still
    /// where they arrive, though its hop is broken when the workspace means Honeycomb).
    pub delivered: bool,
    /// The collectors the spans pass through on the way, in order.
    pub through: Vec<String>,
}

/// The first collector of a route, seen from the machine running the tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectorEntry {
    pub collector: String,
    pub container_port: u16,
    /// `127.0.0.1:14318` and the `ports:` entry, when the receiver's port is published.
    pub published: Option<(String, Location)>,
    /// The Honeycomb keys its exporters send on this route.
    pub keys: Vec<CollectorKey>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectorKey {
    pub value: String,
    pub location: Location,
    pub region: Region,
    pub collector: String,
    pub exporter: String,
}

impl Hop {
    /// The port of `host:port`.
    pub fn port(&self) -> Option<u16> {
        self.endpoint.as_deref()?.rsplit(':').next()?.parse().ok()
    }
}

impl Route {
    /// Some branch delivers to Honeycomb.
    pub fn reaches_honeycomb(&self) -> bool {
        self.ends
            .iter()
            .any(|end| end.delivered && matches!(end.destination, Destination::Honeycomb(_)))
    }

    /// Each destination hop with where its branch ends.
    pub fn destinations(&self) -> impl Iterator<Item = (&Hop, &RouteEnd)> {
        self.hops
            .iter()
            .filter(|h| h.kind == HopKind::Destination)
            .zip(&self.ends)
    }

    /// Some hop is broken and no branch reaches Honeycomb: a branch that breaks beside one that
    /// delivers (a leftover exporter to a Jaeger that is gone) loses only its own copy.
    pub fn broken(&self) -> bool {
        self.hops.iter().any(|h| h.status == HopStatus::Broken) && !self.reaches_honeycomb()
    }
}

/// The route of every service that uses OpenTelemetry, in the order of `project.services`.
pub fn resolve(project: &Project) -> Vec<Option<Route>> {
    let honeycomb_intended = project.mentions_honeycomb();
    project
        .services
        .iter()
        .map(|service| route_of(project, service, honeycomb_intended))
        .collect()
}

fn route_of(project: &Project, service: &Workload, honeycomb_intended: bool) -> Option<Route> {
    let browser = service.browser_tracing_only();
    if (!service.uses_opentelemetry() && browser.is_none())
        || project.collector(&service.name).is_some()
    {
        return None;
    }
    let mut walk = Walk {
        project,
        route: Route {
            hops: Vec::new(),
            ends: Vec::new(),
            entry: None,
        },
        depth: 0,
        path: Vec::new(),
        sender_tls: None,
    };
    if let Some(browser) = browser {
        return browser_route(walk, browser, honeycomb_intended);
    }
    let plan = service.export_plan();
    // Honeycomb's classic SDKs send events themselves, not OTLP, and nothing in a proxy
    // reads OTEL_*: no route to follow.
    if !service.reads_otel_env() {
        return None;
    }
    let anchor = plan
        .endpoint_location()
        .unwrap_or_else(|| service.otel_anchor())
        .clone();
    let sdk = |endpoint: Option<String>, protocol: Option<String>| Hop {
        kind: HopKind::Sdk,
        name: service.name.clone(),
        endpoint,
        protocol,
        location: Some(anchor.clone()),
        status: HopStatus::Ok,
        note: None,
        collector: None,
    };
    if let Some((setting, exporters)) = service.traces_exporters()
        && !exporters.contains(&"otlp")
    {
        walk.route.hops.push(Hop {
            location: Some(setting.location.clone()),
            ..sdk(None, None)
        });
        let destination = if exporters.contains(&"console") {
            Destination::Console
        } else {
            Destination::Nowhere
        };
        let note = format!("{} is \"{}\"", setting.describe(), setting.value);
        walk.end(
            destination,
            None,
            Some(setting.location.clone()),
            HopStatus::Broken,
            Some(note),
            None,
        );
        return Some(walk.route);
    }
    if let Some(disabled) = service
        .setting(otel::SDK_DISABLED)
        .filter(|s| s.value.trim().eq_ignore_ascii_case("true"))
    {
        walk.route.hops.push(sdk(None, None));
        let note = format!("{} is true", disabled.name);
        walk.end(
            Destination::Nowhere,
            None,
            Some(disabled.location.clone()),
            HopStatus::Broken,
            Some(note),
            None,
        );
        return Some(walk.route);
    }
    let protocol = plan.protocol;
    if let EndpointSource::Unknown(location) = plan.endpoint {
        // Computed in code, or in a file, not followed here: not a broken endpoint.
        walk.route.hops.push(sdk(None, None));
        walk.end(
            Destination::Unknown,
            None,
            Some(location.clone()),
            HopStatus::Unknown,
            Some("the endpoint is decided by code or a file otel-doctor does not follow".into()),
            None,
        );
        return Some(walk.route);
    }
    let Some(url) = plan.parsed_url() else {
        walk.route
            .hops
            .push(sdk(Some(plan.url.clone()), Some(protocol.to_string())));
        walk.end(
            Destination::Unknown,
            None,
            Some(anchor.clone()),
            HopStatus::Broken,
            Some("the endpoint is not a URL".into()),
            None,
        );
        return Some(walk.route);
    };
    let host = url.host_str().unwrap_or_default().to_string();
    let port = url
        .port_or_known_default()
        .unwrap_or(protocol.default_port());
    walk.route.hops.push(sdk(
        Some(format!("{host}:{port}")),
        Some(protocol.to_string()),
    ));
    if plan.endpoint == EndpointSource::Default && !service.network.is_host() {
        // Broken when an SDK is known to export; else whatever reads OTEL_* would.
        let (status, note) = if service.exports_over_otlp() {
            (
                HopStatus::Broken,
                "no endpoint: the SDK sends to localhost, the container itself",
            )
        } else {
            (
                HopStatus::Unknown,
                "no endpoint is set: an SDK set up from the environment would send to localhost",
            )
        };
        walk.end(
            Destination::Nowhere,
            Some(format!("{host}:{port}")),
            Some(anchor),
            status,
            Some(note.to_string()),
            None,
        );
        return Some(walk.route);
    }
    let from = Sender {
        network: service.network.clone(),
        location: anchor,
        collector: None,
    };
    walk.sender_tls = Some(url.scheme() == "https");
    if project.kubernetes.is_node_ip(&service.name, &host) {
        walk.follow_to_node(port, protocol, &from);
    } else {
        walk.follow(&host, port, protocol, &from);
    }
    walk.sender_tls = None;
    other_backends(&mut walk, service);
    let mut route = walk.route;
    settle(&mut route, honeycomb_intended);
    Some(route)
}

/// Branches for the exporters the code hands the SDK besides the OTLP one (Zipkin, Jaeger):
/// each sends its own copy of the spans to its own backend.
fn other_backends(walk: &mut Walk, service: &Workload) {
    for exporter in &service.code.exporters {
        let super::ExporterKind::Backend(name) = exporter.kind else {
            continue;
        };
        let Some(endpoint) = exporter.endpoint.as_ref() else {
            continue;
        };
        let Some(url) = endpoint.text().and_then(|t| url::Url::parse(t.trim()).ok()) else {
            continue;
        };
        let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
            continue;
        };
        walk.route.hops.push(Hop {
            kind: HopKind::Sdk,
            name: format!("{} ({name})", service.name),
            endpoint: Some(format!("{host}:{port}")),
            protocol: Some(name.to_ascii_lowercase()),
            location: Some(endpoint.location.clone()),
            status: HopStatus::Ok,
            note: None,
            collector: None,
        });
        let from = Sender {
            network: service.network.clone(),
            location: endpoint.location.clone(),
            collector: None,
        };
        let receiving_collector = walk
            .project
            .network_hosts
            .iter()
            .find(|h| h.is(host))
            .and_then(|h| walk.project.collector(&h.service));
        match receiving_collector {
            // A collector's Zipkin or Jaeger receiver is not followed.
            Some(collector) => walk.end_from(
                &from,
                Destination::Backend(format!("{name} receiver of {}", collector.service)),
                format!("{host}:{port}"),
                HopStatus::Unknown,
                None,
            ),
            None => walk.follow(host, port, Protocol::HttpProtobuf, &from),
        }
    }
}

/// Spans of a frontend's browser code leave from the user's browser, on this machine: to the
/// exporter's URL as written in the bundle, reaching a collector through a port it publishes.
/// None when the URL is relative (the frontend's own server proxies it) or not known.
fn browser_route(
    mut walk: Walk,
    browser: &super::BrowserTracing,
    honeycomb_intended: bool,
) -> Option<Route> {
    let exporter = browser.exporter.as_ref()?;
    let url = url::Url::parse(exporter.text()?.trim()).ok()?;
    let host = url.host_str()?.to_string();
    // The web exporter posts OTLP/JSON; a collector's HTTP receiver takes both encodings.
    let protocol = Protocol::HttpJson;
    let port = url.port_or_known_default()?;
    walk.route.hops.push(Hop {
        kind: HopKind::Sdk,
        name: "browser".to_string(),
        endpoint: Some(format!("{host}:{port}")),
        protocol: Some(protocol.to_string()),
        location: Some(exporter.location.clone()),
        status: HopStatus::Ok,
        note: None,
        collector: None,
    });
    let from = Sender {
        network: Network::Host,
        location: exporter.location.clone(),
        collector: None,
    };
    walk.follow(&host, port, protocol, &from);
    let mut route = walk.route;
    settle(&mut route, honeycomb_intended);
    Some(route)
}

/// Judges where branches end once the whole route is known: a debug or file branch beside a
/// branch that delivers (to Honeycomb, or to another backend when the workspace is not about
/// Honeycomb) is fine; without one, it is where the spans stop. Another backend is fine too,
/// unless the workspace is set up for Honeycomb and none reaches it.
fn settle(route: &mut Route, honeycomb_intended: bool) {
    let honeycomb = route.reaches_honeycomb();
    let backend = route
        .ends
        .iter()
        .any(|end| end.delivered && matches!(end.destination, Destination::Backend(_)));
    let delivered_somewhere = honeycomb || (backend && !honeycomb_intended);
    let destinations = route
        .hops
        .iter_mut()
        .filter(|h| h.kind == HopKind::Destination)
        .zip(route.ends.iter_mut());
    for (hop, end) in destinations {
        if matches!(
            end.destination,
            Destination::Console | Destination::File | Destination::Nowhere
        ) && delivered_somewhere
            && hop.collector.is_some()
        {
            hop.status = HopStatus::Ok;
            hop.note = None;
        }
        // Spans that reach another backend arrive there, though that breaks a route meant
        // for Honeycomb.
        end.delivered = hop.status == HopStatus::Ok;
        if let Destination::Backend(name) = &end.destination
            && !honeycomb
            && honeycomb_intended
            && hop.status == HopStatus::Ok
        {
            hop.status = HopStatus::Broken;
            hop.note = Some(format!("{name}, not Honeycomb"));
        }
    }
}

/// Where the spans leave from: an app (in a container or on this machine), or a collector's
/// exporter.
struct Sender {
    network: Network,
    location: Location,
    /// The collector whose exporter sends them.
    collector: Option<String>,
}

struct Walk<'a> {
    project: &'a Project,
    route: Route,
    depth: usize,
    /// The collectors on the branch being walked.
    path: Vec<String>,
    /// Whether the app sends with TLS, until its first collector checks it.
    sender_tls: Option<bool>,
}

impl Walk<'_> {
    fn end(
        &mut self,
        destination: Destination,
        endpoint: Option<String>,
        location: Option<Location>,
        status: HopStatus,
        note: Option<String>,
        collector: Option<&str>,
    ) {
        // A branch stops at its first broken or unknown hop, so every hop before a destination
        // on its branch is fine: the destination's own status decides.
        let delivered = status == HopStatus::Ok;
        self.route.hops.push(Hop {
            kind: HopKind::Destination,
            name: destination.describe(),
            endpoint,
            protocol: None,
            location,
            status,
            note,
            collector: collector.map(str::to_string),
        });
        self.route.ends.push(RouteEnd {
            destination,
            delivered,
            through: self.path.clone(),
        });
    }

    /// The end of a hop from `from` to `endpoint`, at the setting that decides it.
    fn end_from(
        &mut self,
        from: &Sender,
        destination: Destination,
        endpoint: String,
        status: HopStatus,
        note: Option<String>,
    ) {
        let location = Some(from.location.clone());
        let collector = from.collector.as_deref();
        self.end(
            destination,
            Some(endpoint),
            location,
            status,
            note,
            collector,
        );
    }

    /// Spans sent to `host:port`: Honeycomb, a collector of the project, another service, a
    /// vendor, or somewhere unknown.
    fn follow(&mut self, host: &str, port: u16, protocol: Protocol, from: &Sender) {
        let endpoint = format!("{host}:{port}");
        if let Some(region) = region_of_host(host) {
            self.end_from(
                from,
                Destination::Honeycomb(region),
                endpoint,
                HopStatus::Ok,
                None,
            );
            return;
        }
        // `localhost` in a pod is the pod: a collector among its containers (a sidecar)
        // receives what the others send there.
        if otel::is_loopback_host(host)
            && let Some(sidecar) = self.project.collector_in_pod(&from.network)
        {
            self.through(sidecar, port, protocol);
            return;
        }
        if otel::is_loopback_host(host) && !from.network.is_host() {
            let note = match from.network {
                Network::Kubernetes { .. } => {
                    format!("{host} is the pod itself, and no container of it is a collector")
                }
                _ => format!("{host} is the container itself"),
            };
            self.end_from(
                from,
                Destination::Nowhere,
                endpoint,
                HopStatus::Broken,
                Some(note),
            );
            return;
        }
        // The machine itself (from the host's network, or `host.docker.internal` from a
        // container) reaches a collector through the port it publishes.
        let the_machine = (otel::is_loopback_host(host) && from.network.is_host())
            || matches!(host, "host.docker.internal" | "gateway.docker.internal");
        if the_machine {
            let publishing = self
                .project
                .collectors
                .iter()
                .find_map(|c| c.published_target(port).map(|target| (c, target)));
            match publishing {
                Some((collector, container_port)) => {
                    self.through(collector, container_port, protocol)
                }
                None => self.end_from(
                    from,
                    Destination::Backend(format!("whatever listens on {port} on this machine")),
                    endpoint,
                    HopStatus::Unknown,
                    None,
                ),
            }
            return;
        }
        if let Some(namespace) = from.network.namespace()
            && self.follow_in_cluster(host, port, protocol, from, namespace)
        {
            return;
        }
        // A service answers to its name, its `container_name` and its network aliases, on
        // its network only.
        let on_network = |name: &&HostName| {
            name.is(host) && name.network == from.network && name.network.resolves_names()
        };
        let target = self
            .project
            .network_hosts
            .iter()
            .find(on_network)
            .map(|name| name.service.as_str());
        if target.is_none()
            && let Some(elsewhere) = self.project.network_hosts.iter().find(|n| n.is(host))
        {
            let note = if elsewhere.network.resolves_names() {
                format!(
                    "`{host}` resolves only {}, and the sender runs {}",
                    elsewhere.network.describe(),
                    from.network.describe()
                )
            } else {
                format!(
                    "`{host}` is a container on {}, where names do not resolve",
                    elsewhere.network.name()
                )
            };
            self.end_from(
                from,
                Destination::UnknownHost(host.to_string()),
                endpoint,
                HopStatus::Broken,
                Some(note),
            );
            return;
        }
        if let Some(collector) = target.and_then(|name| self.project.collector(name)) {
            self.through(collector, port, protocol);
            return;
        }
        if let Some(service) =
            target.and_then(|name| self.project.services.iter().find(|s| s.name == name))
        {
            let backend = service
                .image
                .as_deref()
                .and_then(knowledge::backend_of_image);
            let (destination, status) = match backend {
                Some(name) => (Destination::Backend(name.to_string()), HopStatus::Ok),
                None => (
                    Destination::Backend(format!("the `{host}` service")),
                    HopStatus::Unknown,
                ),
            };
            self.end_from(from, destination, endpoint, status, None);
            return;
        }
        if let Some(vendor) = knowledge::backend_of_host(host) {
            self.end_from(
                from,
                Destination::Backend(vendor.to_string()),
                endpoint,
                HopStatus::Ok,
                None,
            );
            return;
        }
        let known_services =
            self.project.knows_names() && self.project.inactive_host(host).is_none();
        if !host.contains('.') && known_services && host.parse::<std::net::IpAddr>().is_err() {
            let note = format!("`{host}` is not a service of the project");
            self.end_from(
                from,
                Destination::UnknownHost(host.to_string()),
                endpoint,
                HopStatus::Broken,
                Some(note),
            );
            return;
        }
        self.end_from(
            from,
            Destination::Backend(host.to_string()),
            endpoint,
            HopStatus::Unknown,
            None,
        );
    }

    /// Spans sent to the pod's node's IP: to the collector that opens the port on every node,
    /// else nowhere when the collectors that run there all leave it closed.
    fn follow_to_node(&mut self, port: u16, protocol: Protocol, from: &Sender) {
        let endpoint = format!("node IP:{port}");
        match super::kubernetes::node_listener(self.project, port) {
            NodeListener::Collector {
                collector,
                container_port,
            } => self.through(collector, container_port, protocol),
            NodeListener::Closed(collectors) => {
                let names: Vec<&str> = collectors.iter().map(|c| c.service.as_str()).collect();
                let note = format!(
                    "nothing listens on the node's port {port}: {} opens no hostPort {port} and has no hostNetwork",
                    names.join(", ")
                );
                self.end_from(
                    from,
                    Destination::Nowhere,
                    endpoint,
                    HopStatus::Broken,
                    Some(note),
                );
            }
            NodeListener::NotInInput => self.end_from(
                from,
                Destination::Backend(format!("whatever listens on the node's port {port}")),
                endpoint,
                HopStatus::Unknown,
                None,
            ),
        }
    }

    /// Spans sent from a pod: to a Service of the cluster (a collector behind it, or another
    /// workload), or to a cluster name no Service answers. False when the host is not a
    /// cluster name.
    fn follow_in_cluster(
        &mut self,
        host: &str,
        port: u16,
        protocol: Protocol,
        from: &Sender,
        namespace: &str,
    ) -> bool {
        let endpoint = format!("{host}:{port}");
        match self.project.cluster_host(namespace, host) {
            ClusterHost::Service {
                name, workloads, ..
            } => {
                let collector = workloads
                    .iter()
                    .find_map(|workload| self.project.collector(workload));
                match collector {
                    Some(collector) => self.through(collector, port, protocol),
                    None => self.end_from(
                        from,
                        Destination::Backend(format!("the `{name}` Service")),
                        endpoint,
                        HopStatus::Unknown,
                        None,
                    ),
                }
            }
            ClusterHost::Unknown { service, namespace } => {
                let note = format!("no Service `{service}` in namespace `{namespace}`");
                self.end_from(
                    from,
                    Destination::UnknownHost(host.to_string()),
                    endpoint,
                    HopStatus::Broken,
                    Some(note),
                );
            }
            ClusterHost::Outside => return false,
        }
        true
    }

    fn hop(
        &mut self,
        kind: HopKind,
        name: &str,
        location: Option<Location>,
        collector: &Collector,
    ) -> &mut Hop {
        self.route.hops.push(Hop {
            kind,
            name: name.to_string(),
            endpoint: None,
            protocol: None,
            location,
            status: HopStatus::Ok,
            note: None,
            collector: Some(collector.service.clone()),
        });
        self.route.hops.last_mut().expect("just pushed")
    }

    fn through(&mut self, collector: &Collector, port: u16, protocol: Protocol) {
        self.path.push(collector.service.clone());
        self.walk_collector(collector, port, protocol);
        self.path.pop();
    }

    fn walk_collector(&mut self, collector: &Collector, port: u16, protocol: Protocol) {
        let wanted = ListenerProtocol::of(protocol);
        let endpoint = format!("{}:{port}", collector.service);
        if self.route.entry.is_none() {
            self.route.entry = Some(CollectorEntry {
                collector: collector.service.clone(),
                container_port: port,
                published: collector
                    .published(port)
                    .map(|(address, location)| (address, location.clone())),
                keys: Vec::new(),
            });
        }
        self.depth += 1;
        if self.depth > MAX_COLLECTORS {
            let hop = self.hop(HopKind::Receiver, "otlp", None, collector);
            hop.status = HopStatus::Broken;
            hop.note = Some("the collectors send to each other in a loop".into());
            return;
        }
        let receiver = |walk: &mut Self,
                        name: &str,
                        location: Option<Location>,
                        status,
                        note: Option<String>| {
            let hop = walk.hop(HopKind::Receiver, name, location, collector);
            hop.endpoint = Some(endpoint.clone());
            hop.protocol = Some(wanted.name().to_string());
            hop.status = status;
            hop.note = note;
        };
        let model = match &collector.config {
            CollectorConfig::Read(model) => model,
            CollectorConfig::WillNotStart => {
                let first = collector.problems.first();
                let note = format!(
                    "{} does not start: {}",
                    collector.service,
                    if first.is_some_and(|p| p.is_parse()) {
                        "its config is invalid"
                    } else {
                        "it cannot read its config"
                    }
                );
                receiver(
                    self,
                    "otlp",
                    first.map(|p| p.location().clone()),
                    HopStatus::Broken,
                    Some(note),
                );
                return;
            }
            CollectorConfig::Unknown(reason) => {
                receiver(
                    self,
                    "otlp",
                    collector.image.as_ref().map(|i| i.1.clone()),
                    HopStatus::Unknown,
                    Some(reason.clone()),
                );
                return;
            }
            CollectorConfig::BuiltIn => {
                let location = collector
                    .problems
                    .first()
                    .map(|p| p.location().clone())
                    .or_else(|| collector.image.as_ref().map(|i| i.1.clone()));
                receiver(self, "otlp", location.clone(), HopStatus::Ok, None);
                self.hop(HopKind::Pipeline, "traces", location.clone(), collector);
                self.hop(HopKind::Exporter, "debug", location.clone(), collector);
                let note =
                    "the image's built-in config prints spans to the collector's log".to_string();
                self.end(
                    Destination::Console,
                    None,
                    location,
                    HopStatus::Broken,
                    Some(note),
                    Some(&collector.service),
                );
                return;
            }
        };
        if let Some((why, location)) = collector.refusal() {
            let note = format!("{} does not start: {why}", collector.service);
            receiver(
                self,
                "otlp",
                Some(location.clone()),
                HopStatus::Broken,
                Some(note),
            );
            return;
        }
        let listener = match match_listener(collector.listeners(), port, wanted) {
            ListenerMatch::Found(listener) => listener,
            ListenerMatch::OtherProtocol(other) => {
                let note = format!(
                    "{port} is the {} port of receiver {}",
                    other.protocol.name(),
                    other.receiver
                );
                receiver(
                    self,
                    "otlp",
                    Some(other.location.clone()),
                    HopStatus::Broken,
                    Some(note),
                );
                return;
            }
            ListenerMatch::Elsewhere(elsewhere) => {
                let note = format!(
                    "receiver {} takes {} on {}, not {port}",
                    elsewhere.receiver,
                    wanted.name(),
                    elsewhere.describe()
                );
                receiver(
                    self,
                    "otlp",
                    Some(elsewhere.location.clone()),
                    HopStatus::Broken,
                    Some(note),
                );
                return;
            }
            ListenerMatch::NoProtocol => {
                let note = format!("no OTLP receiver has a {} protocol", wanted.name());
                receiver(
                    self,
                    "otlp",
                    Some(receiver_anchor(collector, model)),
                    HopStatus::Broken,
                    Some(note),
                );
                return;
            }
        };
        if let Some(secure) = self.sender_tls.take()
            && secure != listener.tls
        {
            let note = if secure {
                format!(
                    "TLS to receiver {}, which takes plaintext",
                    listener.receiver
                )
            } else {
                format!(
                    "plaintext to receiver {}, which takes TLS",
                    listener.receiver
                )
            };
            receiver(
                self,
                &listener.receiver,
                Some(listener.protocol_location.clone()),
                HopStatus::Broken,
                Some(note),
            );
            return;
        }
        if !listener.reachable_from_other_containers() && !collector.network.is_host() {
            let note = format!(
                "receiver {} listens on {} only",
                listener.receiver,
                listener.describe()
            );
            receiver(
                self,
                &listener.receiver,
                Some(listener.location.clone()),
                HopStatus::Broken,
                Some(note),
            );
            return;
        }
        receiver(
            self,
            &listener.receiver,
            Some(listener.location.clone()),
            HopStatus::Ok,
            None,
        );
        self.pipelines_from(collector, model, &listener.receiver);
    }

    /// Every traces pipeline that takes `receiver`, and where each sends.
    fn pipelines_from(
        &mut self,
        collector: &Collector,
        model: &super::collector::Model,
        receiver: &str,
    ) {
        let pipelines: Vec<&super::collector::Pipeline> = model
            .traces_pipelines()
            .filter(|p| p.receivers.iter().any(|r| r.id == receiver))
            .collect();
        if pipelines.is_empty() {
            let hop = self.hop(
                HopKind::Pipeline,
                "traces",
                Some(model.pipelines_location.clone()),
                collector,
            );
            hop.status = HopStatus::Broken;
            hop.note = Some(format!("no traces pipeline takes receiver {receiver}"));
            return;
        }
        for pipeline in pipelines {
            self.hop(
                HopKind::Pipeline,
                &pipeline.id,
                Some(pipeline.location.clone()),
                collector,
            );
            for reference in &pipeline.exporters {
                if model.component(Kind::Connector, &reference.id).is_some() {
                    self.connect(collector, model, reference);
                    continue;
                }
                self.export(collector, &reference.id, &reference.location);
            }
        }
    }

    /// A connector: spans go on to the traces pipelines that take it as a receiver (`forward`,
    /// `routing`), or become another signal (`spanmetrics` makes metrics) and end here.
    fn connect(
        &mut self,
        collector: &Collector,
        model: &super::collector::Model,
        reference: &super::collector::Reference,
    ) {
        let location = Some(reference.location.clone());
        self.hop(
            HopKind::Exporter,
            &reference.id,
            location.clone(),
            collector,
        );
        let continues = model
            .traces_pipelines()
            .any(|p| p.receivers.iter().any(|r| r.id == reference.id));
        if !continues {
            let owner = Some(collector.service.as_str());
            let converted = Destination::Converted(reference.id.clone());
            self.end(converted, None, location, HopStatus::Ok, None, owner);
        } else if self.depth <= MAX_COLLECTORS {
            self.depth += 1;
            self.pipelines_from(collector, model, &reference.id);
            self.depth -= 1;
        }
    }

    fn export(&mut self, collector: &Collector, id: &str, reference: &Location) {
        let Some(exporter) = collector.exporter(id) else {
            let hop = self.hop(HopKind::Exporter, id, Some(reference.clone()), collector);
            hop.status = HopStatus::Broken;
            hop.note = Some(format!("exporter {id} is not defined"));
            return;
        };
        let location = exporter
            .endpoint
            .as_ref()
            .map_or_else(|| exporter.location.clone(), |(_, l)| l.clone());
        let endpoint = exporter.endpoint.as_ref().map(|(e, _)| e.value.clone());
        let hop = self.hop(
            HopKind::Exporter,
            id,
            Some(exporter.location.clone()),
            collector,
        );
        hop.endpoint = endpoint.clone();
        hop.protocol = match exporter.kind {
            Some(ExporterKind::OtlpGrpc) => Some("grpc".into()),
            Some(ExporterKind::OtlpHttp) => Some("http/protobuf".into()),
            _ => None,
        };
        let owner = Some(collector.service.as_str());
        let local = |kind| match kind {
            ExporterKind::Console => (
                Destination::Console,
                "spans are printed to the collector's log",
            ),
            ExporterKind::File => (
                Destination::File,
                "spans are written to a file in the container",
            ),
            _ => (Destination::Nowhere, "spans are dropped"),
        };
        match exporter.kind {
            Some(kind @ (ExporterKind::Console | ExporterKind::File | ExporterKind::Nowhere)) => {
                let (destination, note) = local(kind);
                self.end(
                    destination,
                    None,
                    Some(exporter.location.clone()),
                    HopStatus::Broken,
                    Some(note.into()),
                    owner,
                );
            }
            Some(ExporterKind::Backend(name)) => {
                self.end(
                    Destination::Backend(name.to_string()),
                    endpoint,
                    Some(location),
                    HopStatus::Ok,
                    None,
                    owner,
                );
            }
            Some(
                kind @ (ExporterKind::OtlpGrpc
                | ExporterKind::OtlpHttp
                | ExporterKind::LegacyHoneycomb),
            ) => {
                // A release older than its own check starts with a setting that fails every
                // export (an endpoint without a port).
                let failing = collector
                    .invalid()
                    .iter()
                    .find(|i| i.starts_anyway && i.kind == Kind::Exporter && i.component == id);
                if let Some(invalid) = failing {
                    let destination = honeycomb::region(&exporter)
                        .map_or(Destination::Unknown, Destination::Honeycomb);
                    self.end(
                        destination,
                        endpoint,
                        Some(invalid.location.clone()),
                        HopStatus::Broken,
                        Some(invalid.message.clone()),
                        owner,
                    );
                    return;
                }
                // The collector refuses an OTLP exporter without an endpoint; a value another
                // provider supplies is not known here.
                let Some((host, port)) = exporter.host_port() else {
                    self.end(
                        Destination::Unknown,
                        None,
                        Some(exporter.location.clone()),
                        HopStatus::Unknown,
                        None,
                        owner,
                    );
                    return;
                };
                if let Some(region) = honeycomb::region(&exporter) {
                    let problems = honeycomb::problems(&exporter);
                    let (status, note, at) = match problems.first() {
                        Some(problem) => (
                            HopStatus::Broken,
                            Some(problem.note()),
                            problem.location().clone(),
                        ),
                        None => (HopStatus::Ok, None, location),
                    };
                    if let Some(key) = exporter.honeycomb_key()
                        && let Some(entry) = &mut self.route.entry
                    {
                        entry.keys.push(CollectorKey {
                            value: key.value.value.clone(),
                            location: key.location.clone(),
                            region,
                            collector: collector.service.clone(),
                            exporter: id.to_string(),
                        });
                    }
                    let shown = format!("{host}:{}", port.unwrap_or(443));
                    self.end(
                        Destination::Honeycomb(region),
                        Some(shown),
                        Some(at),
                        status,
                        note,
                        owner,
                    );
                    return;
                }
                let protocol = if kind == ExporterKind::OtlpGrpc {
                    Protocol::Grpc
                } else {
                    Protocol::HttpProtobuf
                };
                let from = Sender {
                    network: collector.network.clone(),
                    location,
                    collector: Some(collector.service.clone()),
                };
                self.follow(
                    &host,
                    port.unwrap_or(protocol.default_port()),
                    protocol,
                    &from,
                );
            }
            None => {
                let name = format!("the {} exporter", exporter.type_name);
                self.end(
                    Destination::Backend(name),
                    endpoint,
                    Some(location),
                    HopStatus::Unknown,
                    None,
                    owner,
                );
            }
        }
    }
}

/// Where a receiver problem without a better line points: the OTLP receiver, else `receivers`.
fn receiver_anchor(collector: &Collector, model: &super::collector::Model) -> Location {
    model
        .components
        .iter()
        .find(|c| c.kind == Kind::Receiver && c.type_name == "otlp")
        .map(|c| c.location.clone())
        .or_else(|| model.root.entry("receivers").map(|e| e.location.clone()))
        .unwrap_or_else(|| collector.location.clone())
}

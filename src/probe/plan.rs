//! Where the network steps go: one target per distinct pipeline (endpoint, protocol and
//! headers as each service will send them), or the reason a service has none worth probing.

use super::collector;
use super::target::{Key, Overrides, Skipped, Target};
use super::trust::{self, EnvironmentValue, KeyPolicy};
use crate::knowledge::honeycomb::{self, Region};
use crate::knowledge::otel::{self, Header, Protocol};
use crate::resolve::kubernetes::{self, ClusterHost};
use crate::resolve::{EndpointSource, HostKind, HostLookup, Project, Workload};

/// Where the key may go, and what of this machine's environment no other endpoint may get.
pub struct Guard<'a> {
    pub policy: &'a KeyPolicy,
    pub environment: &'a [EnvironmentValue],
}

pub fn plan(
    project: &Project,
    services: &[&Workload],
    overrides: &Overrides,
    guard: &Guard,
) -> (Vec<Target>, Vec<Skipped>) {
    let mut targets: Vec<Target> = Vec::new();
    let mut skipped = Vec::new();
    let guarded = |mut target: Target| {
        let chosen = overrides.endpoint_chosen && target.via.is_none();
        trust::guard(&mut target, guard.policy, chosen, guard.environment);
        target
    };
    for service in services.iter().filter(|s| s.uses_opentelemetry()) {
        match target_of(project, service, overrides).map(guarded) {
            Ok(target) => match targets.iter_mut().find(|t| {
                t.url == target.url && t.protocol == target.protocol && t.headers == target.headers
            }) {
                Some(existing) => existing.services.push(service.name.clone()),
                None => targets.push(target),
            },
            Err(reason) => skipped.push(Skipped {
                service: service.name.clone(),
                reason,
            }),
        }
    }
    if targets.is_empty()
        && let Some(key) = &overrides.api_key
    {
        targets.push(guarded(standalone(key, overrides.endpoint.as_deref())));
    }
    (targets, skipped)
}

/// `--api-key` (or `HONEYCOMB_API_KEY`) with no service to take a pipeline from: Honeycomb's
/// own endpoint (or `--endpoint`) over OTLP/HTTP.
fn standalone(key: &str, endpoint: Option<&str>) -> Target {
    let protocol = Protocol::HttpProtobuf;
    let base = endpoint.unwrap_or(Region::Us.api_base());
    Target {
        services: Vec::new(),
        resource_name: "otel-doctor".into(),
        protocol,
        url: otel::traces_url(base, false, protocol),
        headers: vec![Header {
            name: honeycomb::TEAM_HEADER.into(),
            value: key.to_string(),
        }],
        key: Some(Key {
            value: key.to_string(),
            location: None,
        }),
        endpoint_location: None,
        via: None,
        canary_skip: None,
        key_region: None,
        withheld: None,
    }
}

fn target_of(
    project: &Project,
    service: &Workload,
    overrides: &Overrides,
) -> Result<Target, String> {
    if let Some((setting, exporters)) = service.traces_exporters()
        && !exporters.contains(&"otlp")
    {
        return Err(format!(
            "{} is \"{}\": nothing is sent over OTLP (config/exporter-not-otlp)",
            setting.describe(),
            setting.value
        ));
    }
    if service
        .setting(otel::SDK_DISABLED)
        .is_some_and(|s| s.value.trim().eq_ignore_ascii_case("true"))
    {
        return Err("the SDK is disabled (config/sdk-disabled)".into());
    }
    let plan = service.export_plan();
    if overrides.endpoint.is_none()
        && let Some(target) = collector::target(service, &plan, |host, scheme, port| {
            unreachable_from_here(project, service, host, scheme, port)
        })
    {
        return Ok(target);
    }
    let url = match &overrides.endpoint {
        Some(endpoint) => otel::traces_url(endpoint, false, plan.protocol),
        None => {
            reachable_from_here(project, service, &plan.endpoint, &plan.url, plan.protocol)?;
            plan.url.clone()
        }
    };
    let mut headers = plan.headers.clone();
    let key = service.honeycomb_key().map(|key| {
        // Honeycomb's classic SDK sends its key itself; the plan's headers have the others.
        if !headers.iter().any(|h| h.name == honeycomb::TEAM_HEADER) {
            headers.push(Header {
                name: honeycomb::TEAM_HEADER.into(),
                value: key.value.clone(),
            });
        }
        Key {
            value: key.value.clone(),
            location: Some(key.origin().clone()),
        }
    });
    let resource_name = service
        .setting(otel::SERVICE_NAME)
        .map_or_else(|| service.name.clone(), |s| s.value.to_string());
    Ok(Target {
        services: vec![service.name.clone()],
        resource_name,
        protocol: plan.protocol,
        url,
        headers,
        key,
        endpoint_location: plan.endpoint_location().cloned(),
        via: None,
        canary_skip: None,
        key_region: None,
        withheld: None,
    })
}

/// A canary from this machine only tells something when it takes the service's own road.
fn reachable_from_here(
    project: &Project,
    service: &Workload,
    endpoint: &EndpointSource,
    url: &str,
    protocol: Protocol,
) -> Result<(), String> {
    if *endpoint == EndpointSource::Default {
        return Err("no endpoint is configured (config/endpoint-missing)".into());
    }
    let Some(parsed) = otel::endpoint_url(url, protocol) else {
        return Err("the endpoint is not a URL (config/endpoint-invalid)".into());
    };
    let host = parsed.host_str().unwrap_or_default();
    let port = parsed
        .port_or_known_default()
        .unwrap_or(protocol.default_port());
    match unreachable_from_here(project, service, host, parsed.scheme(), port) {
        Some(reason) => Err(reason),
        None => Ok(()),
    }
}

/// Why this machine cannot reach the endpoint host the way the service's container does, if
/// it cannot: the container's own localhost, or a name that only the compose network (or the
/// container's `/etc/hosts`) resolves. A road to the same server from here (a published
/// port) would answer these; until then the canary is skipped, not failed.
fn unreachable_from_here(
    project: &Project,
    service: &Workload,
    host: &str,
    scheme: &str,
    port: u16,
) -> Option<String> {
    if otel::is_loopback_host(host) {
        return (!service.network.is_host()).then(|| {
            format!("{host} is the container's own localhost (config/endpoint-localhost)")
        });
    }
    if let Some(reason) = in_cluster(project, service, host, scheme, port) {
        return Some(reason);
    }
    let known = match project.lookup_host(service, host) {
        HostLookup::Resolves(name) | HostLookup::OtherNetwork(name) => Some(name),
        HostLookup::Unknown => None,
    };
    if let Some(name) = known {
        return Some(match &name.kind {
            HostKind::ExtraHost { address } if address == "host-gateway" => format!(
                "{host} is this machine as the container sees it (extra_hosts {host}:host-gateway): from here, run otel-doctor canary --endpoint {scheme}://localhost:{port}"
            ),
            HostKind::ExtraHost { address } => format!(
                "{host} resolves only inside {}'s container (extra_hosts {host}:{address}): from here, run otel-doctor canary --endpoint {scheme}://{}:{port}",
                name.service,
                bracketed(address)
            ),
            HostKind::Service => format!(
                "{host} resolves only inside {}: run otel-doctor from a container on that network, or publish the port",
                name.network.name()
            ),
            _ => format!(
                "{host} ({}) resolves only inside {}: run otel-doctor from a container on that network, or publish the port",
                name.describe(),
                name.network.name()
            ),
        });
    }
    let bare = !host.contains('.') && host.parse::<std::net::IpAddr>().is_err();
    bare.then(|| {
        format!(
            "{host} is a bare name that no service of the project answers to: only a compose network could resolve it"
        )
    })
}

/// Why a cluster name (`svc` or `svc.ns` from a pod, any `*.svc` or `*.svc.cluster.local`) is
/// not reached from here: only the cluster's DNS answers it (Kubernetes, "DNS for Services and
/// Pods"). `kubectl port-forward` is the road from this machine to the same Service.
fn in_cluster(
    project: &Project,
    service: &Workload,
    host: &str,
    scheme: &str,
    port: u16,
) -> Option<String> {
    if project.kubernetes.is_node_ip(&service.name, host) {
        return Some(format!(
            "{host} is the IP of the pod's node, which only the cluster knows: from here, run kubectl port-forward to the collector pod on that node ({port}:{port}) and otel-doctor canary --endpoint {scheme}://localhost:{port}"
        ));
    }
    let lower = host.trim_end_matches('.').to_ascii_lowercase();
    let cluster_suffix = lower.ends_with(".svc.cluster.local") || lower.ends_with(".svc");
    let found = service
        .namespace
        .as_deref()
        .map(|namespace| kubernetes::lookup(&project.kubernetes, namespace, host));
    let forward = |namespace: &str, name: &str| {
        format!(
            "from here, run kubectl port-forward --namespace {namespace} service/{name} {port}:{port} and otel-doctor canary --endpoint {scheme}://localhost:{port}"
        )
    };
    match found {
        Some(ClusterHost::Service { object, name, .. }) => Some(format!(
            "{host} is the `{name}` Service of namespace `{}`, which only the cluster's DNS resolves: {}",
            object.namespace,
            forward(&object.namespace, &name)
        )),
        Some(ClusterHost::Unknown { service, namespace }) => Some(format!(
            "{host} is a cluster name, which only the cluster's DNS resolves (and no Service `{service}` of namespace `{namespace}` is in these manifests)"
        )),
        _ if cluster_suffix => {
            let mut labels = lower.split('.');
            let name = labels.next().unwrap_or_default();
            let namespace = labels.next().filter(|ns| *ns != "svc").unwrap_or("default");
            Some(format!(
                "{host} is a cluster name, which only the cluster's DNS resolves: {}",
                forward(namespace, name)
            ))
        }
        _ => None,
    }
}

/// An address as a URL host: IPv6 in brackets.
fn bracketed(address: &str) -> String {
    if address.contains(':') {
        format!("[{address}]")
    } else {
        address.to_string()
    }
}

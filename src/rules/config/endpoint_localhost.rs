use crate::finding::Cure;
use crate::knowledge::otel;
use crate::resolve::{ConfiguredEndpoint, Network, Project};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that a containerised service does not send to `localhost` / `127.0.0.1`.
    ///
    /// ## Why is this bad?
    /// Inside a container, localhost is the container itself, not your machine and not the
    /// collector container. Every export is refused. Only `network_mode: host` shares the
    /// host's network.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_ENDPOINT: http://localhost:4318
    /// ```
    /// Use instead: the collector's service name, or the host from inside Docker:
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector:4318
    /// # or http://host.docker.internal:4318 (Linux: extra_hosts: ["host.docker.internal:host-gateway"])
    /// ```
    pub struct EndpointLocalhost => "config/endpoint-localhost", Error;
}

impl Check for EndpointLocalhost {
    fn check(&self, project: &Project, out: &mut Findings) {
        let collector = project
            .service_names()
            .find(|n| n.contains("collector") || n.contains("otel") || n.contains("agent"));
        // In a pod with a collector among its containers (a sidecar), localhost is that
        // collector.
        let services = project
            .services
            .iter()
            .filter(|s| !s.network.is_host() && project.collector_in_pod(&s.network).is_none());
        for service in services {
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
            let Some(host) = url.host_str().filter(|h| otel::is_loopback_host(h)) else {
                continue;
            };
            let port = url
                .port_or_known_default()
                .unwrap_or(plan.protocol.default_port());
            if let Network::Kubernetes { pod, .. } = &service.network {
                out.service(
                    &Self::META,
                    service,
                    location,
                    format!(
                        "{name} is \"{value}\": in pod {pod}, {host} is the pod itself, and none of its containers is a collector, so nothing receives the spans."
                    ),
                    format!(
                        "send to your collector's Service ({}://SERVICE.NAMESPACE:{port}), or run the collector in this pod as a sidecar container",
                        url.scheme()
                    ),
                );
                continue;
            }
            let target = match collector {
                Some(collector) => format!("{}://{collector}:{port}", url.scheme()),
                None => format!("{}://host.docker.internal:{port}", url.scheme()),
            };
            let finding = out.service(
                &Self::META,
                service,
                location,
                format!(
                    "{name} is \"{value}\": inside the `{}` container, {host} is the container itself, so nothing receives the spans.",
                    service.name
                ),
                format!(
                    "send to the collector by its service name, or to your machine from Docker: {target}\n(Linux needs extra_hosts: [\"host.docker.internal:host-gateway\"] for host.docker.internal)"
                ),
            );
            // Sent to the collector, the spans meet what the collector does with them.
            if let Some(collector) = collector {
                finding.cures = vec![Cure::SetVariable {
                    workload: service.name.clone(),
                    name: name.clone(),
                    value: value.replacen(host, collector, 1),
                    at: location.clone(),
                }];
            }
        }
    }
}

use super::on_release;
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};
use crate::source::Location;
use crate::workspace::kubernetes::Container;

/// The downward API field that gives a pod its node's IP.
const HOST_IP_FIELD: &str = "status.hostIP";

declare_rule! {
    /// ## What it does
    /// Checks the apps that send to their node's IP (`$(HOST_IP)` from `status.hostIP`, as
    /// Honeycomb's Kubernetes guide sets them up) against the daemonset collector rendered
    /// from the OpenTelemetry Collector chart: the port they send to needs a `hostPort` under
    /// `ports:` (the chart writes it in daemonset mode only), or the collector `hostNetwork`.
    ///
    /// ## Why is this bad?
    /// The node's IP reaches a pod's port only through a `hostPort` (or the host's network).
    /// Without one nothing listens on the node at that port: every export is refused, and the
    /// collector's log shows nothing.
    ///
    /// ## Example
    /// ```yaml
    /// mode: daemonset
    /// ports:
    ///   otlp-http:
    ///     hostPort: null        # or a custom port with no hostPort
    /// ```
    /// Use instead: `hostPort: 4318` (the chart's default), or `hostNetwork: true`.
    ///
    /// ## Fix
    /// Not fixed automatically: a `hostPort` opens the port on every node, which is yours to
    /// decide; the hint gives the `ports:` entry.
    pub struct NodeLocalWithoutHostPort => "helm/node-local-without-host-port", Error;
}

impl Check for NodeLocalWithoutHostPort {
    fn check(&self, project: &Project, out: &mut Findings) {
        let senders: Vec<(&Container, u16, Location)> = project
            .kubernetes
            .pods
            .iter()
            .flat_map(|pod| &pod.containers)
            .filter_map(|c| node_port(c).map(|(port, at)| (c, port, at)))
            .collect();
        for release in project
            .kubernetes
            .charts
            .iter()
            .filter(|r| r.node_local() && !r.host_network)
        {
            let mut ports: Vec<u16> = senders.iter().map(|(_, port, _)| *port).collect();
            ports.sort_unstable();
            ports.dedup();
            for port in ports {
                let served = release
                    .ports
                    .iter()
                    .any(|p| p.enabled && p.container_port == Some(port) && p.host_port.is_some());
                if served {
                    continue;
                }
                let apps: Vec<&(&Container, u16, Location)> =
                    senders.iter().filter(|(_, p, _)| *p == port).collect();
                let entry = release
                    .ports
                    .iter()
                    .find(|p| p.container_port == Some(port));
                let location = entry.map_or_else(|| release.origin.clone(), |e| e.location.clone());
                let (first, at) = (apps[0].0, &apps[0].2);
                let message = format!(
                    "`{}` sends to its node's IP on port {port} ({at}), but the daemonset collector of the chart ({}) has no hostPort {port} and no hostNetwork: nothing listens on the node's port {port}, and every export is refused.",
                    first.workload, release.file
                );
                let name = entry.map_or("otlp-http", |e| e.name.as_str());
                let hint = format!(
                    "ports:\n  {name}:\n    enabled: true\n    containerPort: {port}\n    hostPort: {port}\n    protocol: TCP\n(or hostNetwork: true)"
                );
                if let Some(finding) =
                    on_release(project, out, &Self::META, release, &location, message, hint)
                {
                    finding
                        .services
                        .extend(apps.iter().map(|(c, _, _)| c.workload.clone()));
                }
            }
        }
    }
}

/// The port a container sends to on its node (`http://$(HOST_IP):4318`), with the value's
/// position: a value that names a variable of the node's IP, followed by `:port`.
fn node_port(container: &Container) -> Option<(u16, Location)> {
    let host_vars: Vec<&str> = container
        .env
        .iter()
        .filter(|e| e.field_path.as_deref() == Some(HOST_IP_FIELD))
        .map(|e| e.name.as_str())
        .collect();
    container.env.iter().find_map(|entry| {
        let (value, at) = entry.value.as_ref()?;
        host_vars.iter().find_map(|var| {
            let rest = value.split(&format!("$({var}):")).nth(1)?;
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            Some((digits.parse().ok()?, at.clone()))
        })
    })
}

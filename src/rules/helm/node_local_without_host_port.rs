use super::on_release;
use crate::resolve::Project;
use crate::resolve::kubernetes::{ClosedNodePort, closed_node_ports};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks the apps that send to their node's IP (`$(HOST_IP)` from `status.hostIP`, as
    /// Honeycomb's Kubernetes guide sets them up, or the operator's `$(OTEL_NODE_IP)` in an
    /// Instrumentation's endpoint) against the daemonset collector rendered from the
    /// OpenTelemetry Collector chart: the port they send to needs a `hostPort` under `ports:`
    /// (the chart writes it in daemonset mode only), or the collector `hostNetwork`.
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
        let closed = closed_node_ports(project);
        for release in project
            .kubernetes
            .charts
            .iter()
            .filter(|r| r.node_local() && !r.host_network)
        {
            for ClosedNodePort { port, senders, .. } in &closed {
                let port = *port;
                let entry = release
                    .ports
                    .iter()
                    .find(|p| p.container_port == Some(port));
                let location = entry.map_or_else(|| release.origin.clone(), |e| e.location.clone());
                let first = &senders[0];
                let message = format!(
                    "`{}` sends to its node's IP, \"{}\" ({}), but the daemonset collector of the chart ({}) has no hostPort {port} and no hostNetwork: nothing listens on the node's port {port}, and every export is refused.",
                    first.workload.name, first.endpoint, first.location, release.file
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
                        .extend(senders.iter().map(|s| s.workload.name.clone()));
                }
            }
        }
    }
}

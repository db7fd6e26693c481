use super::on_release;
use crate::resolve::Project;
use crate::resolve::collector::ListenerProtocol;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that every OTLP receiver of a collector rendered from the OpenTelemetry
    /// Collector chart listens on a port the chart exposes: an entry under `ports:` with
    /// `enabled: true` and that `containerPort`.
    ///
    /// ## Why is this bad?
    /// The chart writes the pod's ports and the Service's from `ports:` only. A receiver on a
    /// port that is not there (a custom port, or `otlp-http` disabled) listens inside the pod,
    /// but the Service has no such port: apps that send through the Service get "connection
    /// refused", and the collector logs nothing.
    ///
    /// ## Example
    /// ```yaml
    /// ports:
    ///   otlp-http:
    ///     enabled: false
    /// config:
    ///   receivers:
    ///     otlp:
    ///       protocols:
    ///         http: {endpoint: "${env:MY_POD_IP}:4318"}
    /// ```
    /// Use instead: `enabled: true` (with `containerPort: 4318` and `servicePort: 4318`).
    ///
    /// ## Fix
    /// Not fixed automatically: the hint gives the `ports:` entry to write (enabling a port
    /// also opens it on the Service, which is yours to decide).
    pub struct PortNotExposed => "helm/port-not-exposed", Error;
}

impl Check for PortNotExposed {
    fn check(&self, project: &Project, out: &mut Findings) {
        for release in &project.kubernetes.charts {
            let Some(collector) = project.collector(&release.workload) else {
                continue;
            };
            for listener in collector.listeners() {
                let Some(port) = listener.port else {
                    continue;
                };
                if !listener.reachable_from_other_containers()
                    || release
                        .ports
                        .iter()
                        .any(|p| p.enabled && p.container_port == Some(port))
                {
                    continue;
                }
                let disabled = release
                    .ports
                    .iter()
                    .find(|p| p.container_port == Some(port));
                let (location, why, entry) = match disabled {
                    Some(entry) => (
                        entry.location.clone(),
                        format!("`ports.{}` is not enabled", entry.name),
                        entry.name.as_str(),
                    ),
                    None => (
                        listener.location.clone(),
                        format!("no entry of `ports:` has containerPort {port}"),
                        // The chart's own names for the OTLP ports.
                        match listener.protocol {
                            ListenerProtocol::Grpc => "otlp",
                            ListenerProtocol::Http => "otlp-http",
                        },
                    ),
                };
                let message = format!(
                    "receiver {} of `{}` listens on {port} ({}), but {why}: the chart's pod and Service ({}) have no port {port}, and apps sending there get connection refused.",
                    listener.receiver,
                    collector.service,
                    listener.location,
                    release.service_name()
                );
                let hint = format!(
                    "ports:\n  {entry}:\n    enabled: true\n    containerPort: {port}\n    servicePort: {port}\n    protocol: TCP"
                );
                on_release(project, out, &Self::META, release, &location, message, hint);
            }
        }
    }
}

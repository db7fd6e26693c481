use crate::resolve::Project;
use crate::resolve::kubernetes::{ClosedNodePort, closed_node_ports};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks the apps that send to their node's IP — `$(OTEL_NODE_IP)`, which the
    /// OpenTelemetry Operator gives every container it injects, or a variable from
    /// `status.hostIP` — against the collectors that run on every node (a DaemonSet, an
    /// OpenTelemetryCollector with `mode: daemonset`): one of them must open that port on the
    /// node, with a `hostPort` or `hostNetwork: true`. The collector chart's daemonset is
    /// checked by `helm/node-local-without-host-port`.
    ///
    /// ## Why is this bad?
    /// A pod's ports are reachable at its own IP, not at its node's: without a `hostPort`
    /// nothing listens on the node's port, every export is refused, and the collector's log
    /// shows nothing. The operator opens no `hostPort` for a daemonset collector unless its
    /// `spec.ports` asks for one.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Instrumentation
    /// spec:
    ///   exporter:
    ///     endpoint: http://$(OTEL_NODE_IP):4318
    /// ---
    /// kind: OpenTelemetryCollector
    /// spec:
    ///   mode: daemonset        # no hostPort 4318
    /// ```
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   mode: daemonset
    ///   ports:
    ///     - name: otlp-http
    ///       port: 4318
    ///       hostPort: 4318
    /// ```
    ///
    /// ## Fix
    /// Not fixed automatically: a `hostPort` opens the port on every node, which is yours to
    /// decide; the hint gives the YAML to add.
    pub struct NodeLocalWithoutHostPort => "k8s/node-local-without-host-port", Error;
}

impl Check for NodeLocalWithoutHostPort {
    fn check(&self, project: &Project, out: &mut Findings) {
        let manifests = &project.kubernetes;
        for ClosedNodePort {
            port,
            senders,
            collectors,
        } in closed_node_ports(project)
        {
            // The chart's values are where its daemonset is fixed: helm/node-local-without-host-port.
            let Some(collector) = collectors
                .iter()
                .find(|c| !manifests.charts.iter().any(|r| r.workload == c.service))
            else {
                continue;
            };
            let Some(workload) = project.service(&collector.service) else {
                continue;
            };
            let Some((pod, container)) = manifests.container_of(&collector.service) else {
                continue;
            };
            let resource = manifests.collectors.iter().find(|c| c.object == pod.object);
            // The line to edit: the container port the receiver listens on, else the
            // resource's `mode: daemonset`, else the container.
            let location = workload
                .ports
                .iter()
                .find(|p| p.target == port.to_string())
                .map(|p| &p.location)
                .or_else(|| resource.and_then(|r| r.mode_at.as_ref()))
                .unwrap_or(&container.location);
            let first = &senders[0];
            let message = format!(
                "`{}` sends to its node's IP, \"{}\" ({}), but the collector that runs on every node, `{}`, has no hostPort {port} and no hostNetwork: nothing listens on the node's port {port}, and every export is refused.",
                first.workload.name, first.endpoint, first.location, collector.service
            );
            let hint = if resource.is_some() {
                format!(
                    "add to the OpenTelemetryCollector `{}`'s spec:\n  ports:\n    - name: otlp-http\n      port: {port}\n      hostPort: {port}\n(or hostNetwork: true)",
                    pod.object.name
                )
            } else {
                format!(
                    "add to container `{}`'s ports:\n  - containerPort: {port}\n    hostPort: {port}\n    protocol: TCP\n(or hostNetwork: true in the pod's spec)",
                    container.name
                )
            };
            let finding = out.service(&Self::META, workload, location, message, hint);
            finding
                .services
                .extend(senders.iter().map(|s| s.workload.name.clone()));
        }
    }
}

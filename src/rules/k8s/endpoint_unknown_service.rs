use crate::resolve::kubernetes::{ClusterHost, lookup};
use crate::resolve::{ConfiguredEndpoint, Project};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that an endpoint host of a pod's container that is a cluster name (`svc`,
    /// `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`) is answered by a Service of the
    /// manifests in that namespace, or by the `<name>-collector` Service the OpenTelemetry
    /// Operator makes for an OpenTelemetryCollector.
    ///
    /// ## Why is this bad?
    /// Cluster DNS resolves a bare name only in the pod's own namespace: a collector in
    /// `observability` is `otel-collector.observability` from the `shop` namespace. A name
    /// no Service answers fails DNS on every export, and the spans are dropped.
    ///
    /// ## Example
    /// ```yaml
    /// - name: OTEL_EXPORTER_OTLP_ENDPOINT
    ///   value: http://otel-collector:4318   # the Service is in namespace observability
    /// ```
    /// Use instead: `http://otel-collector.observability:4318`.
    pub struct EndpointUnknownService => "k8s/endpoint-unknown-service", Error;
}

impl Check for EndpointUnknownService {
    fn check(&self, project: &Project, out: &mut Findings) {
        let manifests = &project.kubernetes;
        for service in project.services.iter().filter(|s| s.reads_otel_env()) {
            let Some(namespace) = &service.namespace else {
                continue;
            };
            let plan = service.export_plan();
            let Some(ConfiguredEndpoint {
                url,
                value,
                name,
                location,
            }) = plan.configured_endpoint()
            else {
                continue;
            };
            let Some(url::Host::Domain(host)) = url.host() else {
                continue;
            };
            // `${VAR}` that Kubernetes leaves as written: k8s/compose-style-variable's cause.
            // The node's IP is no name: k8s/node-local-without-host-port judges it.
            if value.contains("${") || manifests.is_node_ip(&service.name, host) {
                continue;
            }
            let ClusterHost::Unknown {
                service: wanted,
                namespace: in_namespace,
            } = lookup(manifests, namespace, host)
            else {
                continue;
            };
            let names = manifests.service_names();
            // The same Service in another namespace, else the nearest name in this one.
            let elsewhere = names.iter().find(|(n, _)| *n == wanted);
            let hint = match elsewhere {
                Some((found, object)) => {
                    let qualified = format!("{found}.{}", object.namespace);
                    format!(
                        "the Service is in namespace `{}`: {}",
                        object.namespace,
                        value.replacen(host, &qualified, 1)
                    )
                }
                None => match names
                    .iter()
                    .filter(|(_, o)| o.namespace == in_namespace)
                    .map(|(n, _)| (crate::rules::edit_distance(n, &wanted), n))
                    .min()
                    .filter(|(distance, _)| *distance <= 3)
                {
                    Some((_, closest)) => format!(
                        "did you mean `{closest}`? {}",
                        value.replacen(&wanted, closest, 1)
                    ),
                    None => format!(
                        "add a Service `{wanted}` in namespace `{in_namespace}` that selects your collector's pods, or fix the host name"
                    ),
                },
            };
            let services: Vec<String> = names
                .iter()
                .map(|(n, o)| format!("{n}.{}", o.namespace))
                .collect();
            out.service(
                &Self::META,
                service,
                location,
                format!(
                    "{name} is \"{value}\", but no Service `{wanted}` is in namespace `{in_namespace}` in these manifests (Services: {}): the name will not resolve from namespace `{namespace}`.",
                    if services.is_empty() { "none".to_string() } else { services.join(", ") }
                ),
                hint,
            );
        }
    }
}

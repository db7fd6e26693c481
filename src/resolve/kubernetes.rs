//! The cluster's network, from its manifests: which Service a host name reaches from a pod
//! of a namespace, and the workloads behind it. Kubernetes DNS answers `svc` in the pod's own
//! namespace, `svc.ns`, `svc.ns.svc` and `svc.ns.svc.cluster.local` (Kubernetes, "DNS for
//! Services and Pods").

use super::collector::Collector;
use super::{Project, Workload};
use crate::source::Location;
use crate::workspace::kubernetes::{Manifests, Object};

/// What a host name is on the cluster's network, seen from a pod of `namespace`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterHost<'a> {
    /// A Service of the input (or the operator's Service of an OpenTelemetryCollector), and
    /// the containers (workload names) it selects.
    Service {
        object: &'a Object,
        name: String,
        workloads: Vec<String>,
    },
    /// A cluster name (`svc`, `svc.ns`, `svc.ns.svc.cluster.local`) that no Service of the
    /// input answers.
    Unknown { service: String, namespace: String },
    /// Not a cluster name: a public host, an IP address.
    Outside,
}

/// The Service `host` reaches from a pod of `namespace`.
pub fn lookup<'a>(manifests: &'a Manifests, namespace: &str, host: &str) -> ClusterHost<'a> {
    let host = host.to_ascii_lowercase();
    let host = host.trim_end_matches('.');
    let trimmed = host
        .strip_suffix(".svc.cluster.local")
        .or_else(|| host.strip_suffix(".svc"));
    let labels: Vec<&str> = trimmed.unwrap_or(host).split('.').collect();
    let (service, namespace) = match labels.as_slice() {
        [service] if trimmed.is_none() => (*service, namespace),
        [service, namespace] if trimmed.is_some() || is_namespace(manifests, namespace) => {
            (*service, *namespace)
        }
        _ => return ClusterHost::Outside,
    };
    if service.parse::<std::net::Ipv4Addr>().is_ok()
        || service.is_empty()
        || crate::knowledge::otel::is_loopback_host(service)
    {
        return ClusterHost::Outside;
    }
    let found = manifests
        .service_names()
        .into_iter()
        .find(|(name, object)| name == service && object.namespace == namespace);
    match found {
        Some((name, object)) => {
            let workloads = manifests
                .services
                .iter()
                .filter(|s| std::ptr::eq(&s.object, object))
                .flat_map(|s| manifests.selected(s))
                // An OpenTelemetryCollector's Service reaches its own collector container.
                .chain(manifests.pods.iter().filter(|pod| pod.object == *object))
                .flat_map(|pod| pod.containers.iter().filter(|c| !c.init))
                .map(|c| c.workload.clone())
                .collect();
            ClusterHost::Service {
                object,
                name,
                workloads,
            }
        }
        None => match chart_release(manifests, service, namespace) {
            Some(release) => release,
            None => ClusterHost::Unknown {
                service: service.to_string(),
                namespace: namespace.to_string(),
            },
        },
    }
}

/// A release of the collector chart whose release name (and so Service name) or namespace
/// the files do not give, that may be the Service `service` of `namespace`.
fn chart_release<'a>(
    manifests: &'a Manifests,
    service: &str,
    namespace: &str,
) -> Option<ClusterHost<'a>> {
    let release = manifests
        .charts
        .iter()
        .find(|c| c.answers(service, namespace))?;
    let (pod, _) = manifests.container_of(&release.workload)?;
    Some(ClusterHost::Service {
        object: &pod.object,
        name: service.to_string(),
        workloads: vec![release.workload.clone()],
    })
}

/// An app that sends to its node's IP (`http://$(HOST_IP):4318`, `status.hostIP`): the port,
/// and the endpoint as written, at its position.
pub struct NodeSender<'a> {
    pub workload: &'a Workload,
    pub port: u16,
    pub endpoint: String,
    pub location: Location,
}

/// The pods' containers that send to their node's IP.
pub fn node_senders(project: &Project) -> Vec<NodeSender<'_>> {
    project
        .services
        .iter()
        .filter(|s| s.namespace.is_some() && s.reads_otel_env())
        .filter_map(|workload| {
            let plan = workload.export_plan();
            let configured = plan.configured_endpoint()?;
            let host = configured.url.host_str()?;
            if !project.kubernetes.is_node_ip(&workload.name, host) {
                return None;
            }
            Some(NodeSender {
                workload,
                port: configured.url.port_or_known_default()?,
                endpoint: configured.value.to_string(),
                location: configured.location.clone(),
            })
        })
        .collect()
}

/// What a pod reaches at its node's IP on a port: a collector that runs on every node and
/// opens the port there (a `hostPort`, or the node's own network) (Kubernetes, "DaemonSet":
/// "Communicating with Daemon Pods").
pub enum NodeListener<'a> {
    /// The collector, and the container port the node's port reaches.
    Collector {
        collector: &'a Collector,
        container_port: u16,
    },
    /// Collectors run on every node, but none opens the port on the node.
    Closed(Vec<&'a Collector>),
    /// No collector of these manifests runs on every node: one may be deployed from elsewhere.
    NotInInput,
}

pub fn node_listener(project: &Project, port: u16) -> NodeListener<'_> {
    let on_every_node: Vec<&Collector> = project
        .collectors
        .iter()
        .filter(|c| project.kubernetes.runs_on_every_node(&c.service))
        .collect();
    let open = on_every_node.iter().find_map(|collector| {
        let container_port = if collector.network.is_host() {
            Some(port)
        } else {
            collector.published_target(port)
        }?;
        Some(NodeListener::Collector {
            collector,
            container_port,
        })
    });
    match open {
        Some(listener) => listener,
        None if on_every_node.is_empty() => NodeListener::NotInInput,
        None => NodeListener::Closed(on_every_node),
    }
}

/// A port of the node that pods send to and that no collector opens there, though
/// collectors run on every node.
pub struct ClosedNodePort<'a> {
    pub port: u16,
    /// In the order of the project's services.
    pub senders: Vec<NodeSender<'a>>,
    pub collectors: Vec<&'a Collector>,
}

/// The node ports the apps send to that the collectors on every node leave closed, by port.
pub fn closed_node_ports(project: &Project) -> Vec<ClosedNodePort<'_>> {
    let mut closed: Vec<ClosedNodePort> = Vec::new();
    for sender in node_senders(project) {
        if let Some(known) = closed.iter_mut().find(|c| c.port == sender.port) {
            known.senders.push(sender);
            continue;
        }
        if let NodeListener::Closed(collectors) = node_listener(project, sender.port) {
            closed.push(ClosedNodePort {
                port: sender.port,
                senders: vec![sender],
                collectors,
            });
        }
    }
    closed
}

/// Whether the input declares or uses the namespace: `svc.ns` is then a cluster name.
fn is_namespace(manifests: &Manifests, namespace: &str) -> bool {
    manifests
        .namespaces
        .iter()
        .chain(manifests.services.iter().map(|s| &s.object))
        .chain(manifests.pods.iter().map(|p| &p.object))
        .chain(manifests.collectors.iter().map(|c| &c.object))
        .any(|o| o.namespace == namespace)
        || manifests
            .charts
            .iter()
            .any(|c| c.namespace.as_deref() == Some(namespace))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::kubernetes;

    fn manifests() -> Manifests {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: otel-collector\n  namespace: obs\nspec:\n  selector: {app: otelcol}\n---\napiVersion: opentelemetry.io/v1beta1\nkind: OpenTelemetryCollector\nmetadata:\n  name: gateway\n";
        kubernetes::read(&"k.yaml".into(), text, "default")
            .unwrap()
            .manifests
    }

    #[test]
    fn names_resolve_by_namespace() {
        let manifests = manifests();
        let found = |ns: &str, host: &str| {
            matches!(lookup(&manifests, ns, host), ClusterHost::Service { .. })
        };
        assert!(found("obs", "otel-collector"));
        assert!(!found("default", "otel-collector"));
        assert!(found("default", "otel-collector.obs"));
        assert!(found("default", "otel-collector.obs.svc.cluster.local"));
        assert!(found("default", "gateway-collector"));
        assert_eq!(
            lookup(&manifests, "default", "otel-colector.obs.svc"),
            ClusterHost::Unknown {
                service: "otel-colector".into(),
                namespace: "obs".into()
            }
        );
        assert_eq!(
            lookup(&manifests, "default", "api.honeycomb.io"),
            ClusterHost::Outside
        );
        assert_eq!(
            lookup(&manifests, "default", "localhost"),
            ClusterHost::Outside
        );
    }
}

//! The cluster's network, from its manifests: which Service a host name reaches from a pod
//! of a namespace, and the workloads behind it. Kubernetes DNS answers `svc` in the pod's own
//! namespace, `svc.ns`, `svc.ns.svc` and `svc.ns.svc.cluster.local` (Kubernetes, "DNS for
//! Services and Pods").

use std::collections::{HashMap, HashSet};

use super::collector::Collector;
use super::{Project, Workload};
use crate::source::Location;
use crate::workspace::kubernetes::{Answering, Manifests, Object, PodTemplate, Service};

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

/// The manifests' Services by the names they answer to, the pods by label and by object, and
/// the namespaces in use, built once: every workload looks its endpoint hosts up, so a lookup
/// that scanned the manifests made linting grow with the square of the input.
#[derive(Debug, Clone, Default)]
pub struct Cluster {
    /// `(namespace, name)` to the first Service of [`Manifests::service_names`] with that
    /// name there.
    services: HashMap<(String, String), Answering>,
    /// `(namespace, label, value)` to the pods (positions in `Manifests::pods`, in order)
    /// that have the label.
    labelled: HashMap<(String, String, String), Vec<usize>>,
    /// `(kind, namespace, name)` to the pods of that object.
    pods_of_object: HashMap<(String, String, String), Vec<usize>>,
    namespaces: HashSet<String>,
}

impl Cluster {
    pub fn of(manifests: &Manifests) -> Cluster {
        let mut cluster = Cluster::default();
        for (name, object, answering) in manifests.answering_names() {
            cluster
                .services
                .entry((object.namespace.clone(), name))
                .or_insert(answering);
        }
        for (at, pod) in manifests.pods.iter().enumerate() {
            let object = &pod.object;
            for (label, value) in &pod.labels {
                cluster
                    .labelled
                    .entry((object.namespace.clone(), label.clone(), value.clone()))
                    .or_default()
                    .push(at);
            }
            cluster
                .pods_of_object
                .entry((
                    object.kind.clone(),
                    object.namespace.clone(),
                    object.name.clone(),
                ))
                .or_default()
                .push(at);
        }
        cluster.namespaces = manifests
            .namespaces
            .iter()
            .chain(manifests.services.iter().map(|s| &s.object))
            .chain(manifests.pods.iter().map(|p| &p.object))
            .chain(manifests.collectors.iter().map(|c| &c.object))
            .map(|o| o.namespace.clone())
            .chain(manifests.charts.iter().filter_map(|c| c.namespace.clone()))
            .collect();
        cluster
    }

    /// The Service `host` reaches from a pod of `namespace`; `manifests` are the ones the
    /// cluster was built [`of`](Cluster::of).
    pub fn lookup<'a>(
        &self,
        manifests: &'a Manifests,
        namespace: &str,
        host: &str,
    ) -> ClusterHost<'a> {
        let host = host.to_ascii_lowercase();
        let host = host.trim_end_matches('.');
        let trimmed = host
            .strip_suffix(".svc.cluster.local")
            .or_else(|| host.strip_suffix(".svc"));
        let labels: Vec<&str> = trimmed.unwrap_or(host).split('.').collect();
        let (service, namespace) = match labels.as_slice() {
            [service] if trimmed.is_none() => (*service, namespace),
            [service, namespace] if trimmed.is_some() || self.namespaces.contains(*namespace) => {
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
        let key = (namespace.to_string(), service.to_string());
        let Some(&answering) = self.services.get(&key) else {
            return match chart_release(manifests, service, namespace) {
                Some(release) => release,
                None => ClusterHost::Unknown {
                    service: service.to_string(),
                    namespace: namespace.to_string(),
                },
            };
        };
        let (object, selected) = match answering {
            Answering::Service(at) => {
                let service = &manifests.services[at];
                (&service.object, self.selected(manifests, service))
            }
            Answering::Collector(at) => (&manifests.collectors[at].object, Vec::new()),
        };
        // An OpenTelemetryCollector's Service reaches its own collector container.
        let own = self
            .pods_of_object
            .get(&(
                object.kind.clone(),
                object.namespace.clone(),
                object.name.clone(),
            ))
            .into_iter()
            .flatten()
            .map(|&at| &manifests.pods[at])
            .filter(|pod| pod.object == *object);
        let workloads = selected
            .into_iter()
            .chain(own)
            .flat_map(|pod| pod.containers.iter().filter(|c| !c.init))
            .map(|c| c.workload.clone())
            .collect();
        ClusterHost::Service {
            object,
            name: key.1,
            workloads,
        }
    }

    /// The pods a Service selects, found among the pods that have its first selector entry.
    fn selected<'a>(&self, manifests: &'a Manifests, service: &Service) -> Vec<&'a PodTemplate> {
        let Some((label, value)) = service.selector.first() else {
            return Vec::new();
        };
        let key = (
            service.object.namespace.clone(),
            label.clone(),
            value.clone(),
        );
        self.labelled
            .get(&key)
            .into_iter()
            .flatten()
            .map(|&at| &manifests.pods[at])
            .filter(|pod| service.selects(pod))
            .collect()
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
        let cluster = Cluster::of(&manifests);
        let lookup = |ns: &str, host: &str| cluster.lookup(&manifests, ns, host);
        let found = |ns: &str, host: &str| matches!(lookup(ns, host), ClusterHost::Service { .. });
        assert!(found("obs", "otel-collector"));
        assert!(!found("default", "otel-collector"));
        assert!(found("default", "otel-collector.obs"));
        assert!(found("default", "otel-collector.obs.svc.cluster.local"));
        assert!(found("default", "gateway-collector"));
        assert_eq!(
            lookup("default", "otel-colector.obs.svc"),
            ClusterHost::Unknown {
                service: "otel-colector".into(),
                namespace: "obs".into()
            }
        );
        assert_eq!(lookup("default", "api.honeycomb.io"), ClusterHost::Outside);
        assert_eq!(lookup("default", "localhost"), ClusterHost::Outside);
    }
}

//! The network a workload runs on and the host names it resolves there: on the compose
//! network, the services compose starts, their `container_name`s and network aliases; on a
//! docker network of its own (`docker run --network NAME`), the `--name`s and
//! `--network-alias`es of the containers that join it; on docker's default bridge and on this
//! machine's network, no name at all (published ports are reached on `localhost` from this
//! machine). In one container only, its `links` aliases and `extra_hosts`. A service that
//! compose does not start (none of its profiles is enabled) answers to none of its names:
//! nothing registers them.
//!
//! The compose project's networks are not told apart: a name counts when any network of the
//! project declares it, so a service on another network of the same project is not called
//! unknown.

use crate::source::Location;
use crate::workspace::workload::WorkloadSpec;

/// Where a workload's container (or process) is attached, which decides the names it
/// resolves and whether `localhost` is this machine.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Network {
    /// The compose project's networks (also a `docker run --network` that joins one of them).
    Compose,
    /// A user-defined docker network (`docker run --network NAME`): Docker's DNS answers the
    /// names of the containers on it.
    Docker(String),
    /// Docker's default bridge (`docker run` without `--network`, `network_mode: bridge`): no
    /// name resolves there but `--link` aliases and `--add-host` entries (Docker, "Networking
    /// with standalone containers": the default bridge has no automatic service discovery).
    Bridge,
    /// This machine's network: a process started on the host, `network_mode: host`,
    /// `--network host`. `localhost` is the machine, and reaches the ports containers publish.
    Host,
    /// `network_mode: none`: no network at all.
    Isolated,
    /// A Kubernetes pod of `namespace` (`pod` is its workload, `deployment/api`): the
    /// cluster's DNS answers Services (`svc` in the namespace, `svc.ns` anywhere), not
    /// containers, and `localhost` is the pod, which its containers share (a sidecar
    /// collector) (Kubernetes, "Pods": containers of a pod share its network namespace).
    Kubernetes { namespace: String, pod: String },
}

impl Network {
    /// The network a workload declares: `network_mode` (compose) or `--network` (`docker run`,
    /// whose module writes Docker's default, `bridge`, when the line has none); none means the
    /// compose project's. `compose_networks` are the Docker names of the compose project's
    /// networks (`myapp_default`), which a `docker run --network` may join.
    pub fn of(spec: &WorkloadSpec, compose_networks: &[String]) -> Network {
        let Some(mode) = &spec.network_mode else {
            return Network::Compose;
        };
        match mode.value.as_str() {
            "host" => Network::Host,
            "none" => Network::Isolated,
            "bridge" | "default" => Network::Bridge,
            // Another container's network stack: compose's `service:NAME`, a container of the
            // project.
            mode if mode.starts_with("service:") || mode.starts_with("container:") => {
                Network::Compose
            }
            name if compose_networks.iter().any(|n| n == name) => Network::Compose,
            name => Network::Docker(name.to_string()),
        }
    }

    /// A pod's network: its namespace and workload (`deployment/api`).
    pub fn of_pod(namespace: &str, pod: &str) -> Network {
        Network::Kubernetes {
            namespace: namespace.to_string(),
            pod: pod.to_string(),
        }
    }

    /// The namespace of a pod's network.
    pub fn namespace(&self) -> Option<&str> {
        match self {
            Network::Kubernetes { namespace, .. } => Some(namespace),
            _ => None,
        }
    }

    /// Whether Docker's DNS answers the names of the containers on it.
    pub fn resolves_names(&self) -> bool {
        matches!(self, Network::Compose | Network::Docker(_))
    }

    /// Whether `localhost` is this machine (and its published ports), not a container.
    pub fn is_host(&self) -> bool {
        *self == Network::Host
    }

    /// The network, for messages: "the compose network", "this machine's network".
    pub fn name(&self) -> String {
        match self {
            Network::Compose => "the compose network".to_string(),
            Network::Docker(name) => format!("the docker network `{name}`"),
            Network::Bridge => "docker's default bridge network".to_string(),
            Network::Host => "this machine's network".to_string(),
            Network::Isolated => "no network (network_mode: none)".to_string(),
            Network::Kubernetes { namespace, pod } => {
                format!("the network of pod {pod} (namespace `{namespace}`)")
            }
        }
    }

    /// Where a workload on it runs, for messages: "on this machine's network".
    pub fn describe(&self) -> String {
        match self {
            Network::Bridge => {
                "on docker's default bridge network, where container names do not resolve"
                    .to_string()
            }
            Network::Isolated => "without a network (network_mode: none)".to_string(),
            network => format!("on {}", network.name()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostKind {
    Service,
    ContainerName,
    Alias,
    /// `links: [SERVICE:ALIAS]`.
    Link,
    /// `extra_hosts: [NAME:ADDRESS]`.
    ExtraHost {
        address: String,
    },
}

/// A name a network (or a container's `/etc/hosts`) resolves, and what declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostName {
    pub name: String,
    pub kind: HostKind,
    /// The service it reaches (for `extra_hosts`, the service whose container has the entry).
    pub service: String,
    pub location: Location,
    /// The network whose DNS answers it.
    pub network: Network,
}

impl HostName {
    /// What the name is, for messages: "`container_name` of otel-collector".
    pub fn describe(&self) -> String {
        match &self.kind {
            HostKind::Service if self.network == Network::Compose => {
                "a compose service".to_string()
            }
            HostKind::Service => format!("the container {}", self.service),
            HostKind::ContainerName if self.network == Network::Compose => {
                format!("`container_name` of {}", self.service)
            }
            HostKind::ContainerName => format!("the `--name` of {}", self.service),
            HostKind::Alias => format!("a network alias of {}", self.service),
            HostKind::Link => format!("a `links` alias of {}", self.service),
            HostKind::ExtraHost { address } => {
                format!("an `extra_hosts` entry of {} for {address}", self.service)
            }
        }
    }

    pub fn is(&self, host: &str) -> bool {
        // DNS names are case-insensitive.
        self.name.eq_ignore_ascii_case(host)
    }
}

/// The names other containers on its network reach a workload by: none on this machine's
/// network. On a docker network, its own name counts only when it is the container's `--name`
/// (else Docker makes one up). On docker's default bridge the `--name` is kept, though it
/// resolves nowhere, to say where a name that does not resolve is.
pub fn network_names(service: &WorkloadSpec, network: &Network) -> Vec<HostName> {
    let name = |name: &str, kind: HostKind, location: &Location| HostName {
        name: name.to_string(),
        kind,
        service: service.name.clone(),
        location: location.clone(),
        network: network.clone(),
    };
    let topology = &service.topology;
    let own_name = match network {
        Network::Compose => Some(name(&service.name, HostKind::Service, &service.location)),
        Network::Docker(_) | Network::Bridge => None,
        // A pod answers to the Services that select it (`resolve::kubernetes`).
        Network::Host | Network::Isolated | Network::Kubernetes { .. } => return Vec::new(),
    };
    own_name
        .into_iter()
        .chain(
            topology
                .container_name
                .iter()
                .map(|c| name(&c.value, HostKind::ContainerName, &c.location)),
        )
        .chain(
            topology
                .aliases
                .iter()
                .map(|a| name(&a.value, HostKind::Alias, &a.location)),
        )
        .collect()
}

/// The names only this service's container resolves: its `links` aliases (the linked
/// service's name is a network name anyway, except on docker's default bridge, where `--link`
/// is what makes it resolve) and its `extra_hosts`.
pub fn own_names(service: &WorkloadSpec, network: &Network) -> Vec<HostName> {
    let topology = &service.topology;
    let links = topology.links.iter().filter_map(move |link| {
        let name = match (&link.alias, network) {
            (Some(alias), _) => alias.clone(),
            (None, Network::Bridge) => link.service.clone(),
            (None, _) => return None,
        };
        Some(HostName {
            name,
            kind: HostKind::Link,
            service: link.service.clone(),
            location: link.location.clone(),
            network: network.clone(),
        })
    });
    let extra_hosts = topology.extra_hosts.iter().map(|entry| HostName {
        name: entry.name.clone(),
        kind: HostKind::ExtraHost {
            address: entry.address.clone(),
        },
        service: service.name.clone(),
        location: entry.location.clone(),
        network: network.clone(),
    });
    links.chain(extra_hosts).collect()
}

//! The host names a container of the project resolves: the services compose starts, their
//! `container_name`s and network aliases (on the project's network), and, in one container
//! only, its `links` aliases and `extra_hosts`. A service that compose does not start (none of
//! its profiles is enabled) answers to none of its names: nothing registers them.
//!
//! Networks are not told apart: a name counts when any network of the project declares it,
//! so a service on another network of the same project is not called unknown.

use crate::source::Location;
use crate::workspace::workload::WorkloadSpec;

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

impl HostKind {
    /// Whether compose's network DNS answers it (not a container's own `/etc/hosts`).
    pub fn is_network_name(&self) -> bool {
        !matches!(self, HostKind::ExtraHost { .. })
    }
}

/// A name compose's network (or a container's `/etc/hosts`) resolves, and what declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostName {
    pub name: String,
    pub kind: HostKind,
    /// The service it reaches (for `extra_hosts`, the service whose container has the entry).
    pub service: String,
    pub location: Location,
}

impl HostName {
    /// What the name is, for messages: "`container_name` of otel-collector".
    pub fn describe(&self) -> String {
        match &self.kind {
            HostKind::Service => "a compose service".to_string(),
            HostKind::ContainerName => format!("`container_name` of {}", self.service),
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

/// The names other containers of the project reach a service by.
pub fn network_names(service: &WorkloadSpec) -> Vec<HostName> {
    let name = |name: &str, kind: HostKind, location: &Location| HostName {
        name: name.to_string(),
        kind,
        service: service.name.clone(),
        location: location.clone(),
    };
    let topology = &service.topology;
    std::iter::once(name(&service.name, HostKind::Service, &service.location))
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
/// service's name is a network name anyway) and its `extra_hosts`.
pub fn own_names(service: &WorkloadSpec) -> Vec<HostName> {
    let topology = &service.topology;
    let links = topology.links.iter().filter_map(|link| {
        Some(HostName {
            name: link.alias.clone()?,
            kind: HostKind::Link,
            service: link.service.clone(),
            location: link.location.clone(),
        })
    });
    let extra_hosts = topology.extra_hosts.iter().map(|entry| HostName {
        name: entry.name.clone(),
        kind: HostKind::ExtraHost {
            address: entry.address.clone(),
        },
        service: service.name.clone(),
        location: entry.location.clone(),
    });
    links.chain(extra_hosts).collect()
}

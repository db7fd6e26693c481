//! The OpenTelemetry Operator's `OpenTelemetryCollector` as the collector it deploys: one
//! container, `otc-container`, running `spec.image` (else the operator's default image) with
//! `--config=/conf/collector.yaml`, where the operator mounts `spec.config`; `spec.env` and
//! `spec.envFrom` as its environment (opentelemetry-operator, `internal/manifests/collector/container.go`).

use crate::knowledge::kubernetes;
use crate::workspace::collector::{self, ConfigEntry, ConfigKind, ConfigNode};
use crate::workspace::workload::{CommandLine, Port, Text, Volume};
use crate::workspace::yaml::{Node, NodeKind};

use super::read::Reader;
use super::{CollectorResource, Container, ManifestFile, Object, PodTemplate, ResourceConfig};

impl Reader<'_> {
    /// An `OpenTelemetryCollector`: the resource, and its collector container as a pod template
    /// and a workload.
    pub(super) fn collector(&self, object: Object, document: &Node, out: &mut ManifestFile) {
        let spec = document.get("spec");
        let mode_node = spec.and_then(|s| s.get("mode"));
        let mode = mode_node
            .and_then(Node::as_scalar)
            .unwrap_or(kubernetes::DEFAULT_COLLECTOR_MODE)
            .to_string();
        let config_node = spec.and_then(|s| s.get("config"));
        let config = config_node.and_then(|node| match &node.kind {
            NodeKind::Scalar(text) => Some(ResourceConfig::Text {
                text: text.clone(),
                location: self.location(node),
            }),
            NodeKind::Map(_) => {
                let mut config = collector::from_yaml(self.file, node.clone());
                self.relocate(&mut config);
                Some(ResourceConfig::Tree(config))
            }
            _ => None,
        });
        let resource = CollectorResource {
            object: object.clone(),
            mode,
            mode_at: mode_node.map(|node| self.location(node)),
            config,
        };
        // `spec.config` is required (the CRD's schema): without it the resource is known by
        // its Service only, and what runs behind it is not known.
        let (Some(spec), Some(config_node)) =
            (spec, config_node.filter(|_| resource.config.is_some()))
        else {
            out.manifests.collectors.push(resource);
            return;
        };
        let name_node = document
            .get("metadata")
            .and_then(|m| m.get("name"))
            .unwrap_or(document);
        let workload = format!("{}/{}", object.reference(), kubernetes::COLLECTOR_CONTAINER);
        let host_network = spec.get("hostNetwork").and_then(Node::as_scalar) == Some("true");
        let (mut container, env) = self.container(&workload, name_node, spec, host_network);
        let at = self.location(config_node);
        let word = |value: String| Text {
            value: value.clone(),
            raw: value,
            location: at.clone(),
            uses: Vec::new(),
            interpolated: true,
        };
        if container.image.is_none() {
            container.image = Some(Text {
                location: self.location(name_node),
                ..word(kubernetes::DEFAULT_COLLECTOR_IMAGE.to_string())
            });
        }
        // `spec.args` is a map: the operator passes `--key=value`, sorted, after the config
        // (and ignores a `config` key).
        let mut args: Vec<Text> = spec
            .get("args")
            .and_then(Node::entries)
            .unwrap_or_default()
            .iter()
            .filter(|(key, _)| key.name != "config")
            .filter_map(|(key, value)| {
                Some(Text {
                    location: self.location(value),
                    ..word(format!("--{}={}", key.name, value.as_scalar()?))
                })
            })
            .collect();
        args.sort_by(|a, b| a.value.cmp(&b.value));
        let config = format!("--config={}", kubernetes::COLLECTOR_CONFIG_PATH);
        args.insert(0, word(config));
        container.volumes = vec![Volume {
            source: Some(word(resource.config_file())),
            target: kubernetes::COLLECTOR_CONFIG_PATH.to_string(),
            bind: true,
            long_syntax: false,
            location: at.clone(),
        }];
        container.command = Some(CommandLine::Exec(args));
        // The CR's `ports` are Service ports; one with a `hostPort` is also opened on the node
        // (`PortsSpec.hostPort`, `toContainerPorts` in `internal/manifests/collector/container.go`).
        container.ports = spec
            .get("ports")
            .map(|ports| self.host_ports(ports))
            .unwrap_or_default();
        out.workloads.push(container);
        out.manifests.pods.push(PodTemplate {
            object,
            labels: Vec::new(),
            annotations: Vec::new(),
            workload_annotations: Vec::new(),
            template_at: self.location(name_node),
            containers: vec![Container {
                name: kubernetes::COLLECTOR_CONTAINER.to_string(),
                workload,
                location: self.location(name_node),
                env,
                env_from: self.env_from(spec),
                init: false,
            }],
        });
        out.manifests.collectors.push(resource);
    }
}

impl Reader<'_> {
    /// `spec.ports` entries with a `hostPort`: the node's port, to the container's `port`.
    fn host_ports(&self, ports: &Node) -> Vec<Port> {
        let NodeKind::Seq(items) = &ports.kind else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|entry| {
                let host_port = entry.get("hostPort")?;
                let port = entry.get("port")?.as_scalar()?;
                Some(Port {
                    host_ip: None,
                    published: Some(host_port.as_scalar()?.to_string()),
                    target: port.to_string(),
                    protocol: entry
                        .get("protocol")
                        .and_then(Node::as_scalar)
                        .map(str::to_ascii_lowercase),
                    location: self.location(host_port),
                })
            })
            .collect()
    }
}

/// The listen address the operator's webhook gives a receiver protocol that names none
/// (`internal/components/single_endpoint.go`, `DefaultRecAddress`).
const DEFAULT_RECEIVER_ADDRESS: &str = "0.0.0.0";

/// The OTLP receiver's protocols and their ports, as the operator's parser knows them
/// (`internal/components/receivers/helpers.go`).
const OTLP_PROTOCOLS: [(&str, u16); 2] = [("grpc", 4317), ("http", 4318)];

/// The config as the collector receives it: the operator's defaulting webhook has written a
/// listen address into every OTLP protocol that names none, and completed a bare `:port`
/// (`AddressDefaulter`: an empty endpoint becomes `0.0.0.0:<port>`, one without a host
/// `0.0.0.0:<its port>`). The collector's own `localhost` default never applies there.
pub fn apply_webhook_defaults(config: &mut ConfigNode) {
    let ConfigKind::Map(sections) = &mut config.kind else {
        return;
    };
    let receivers = sections
        .iter_mut()
        .filter(|section| section.key == "receivers")
        .filter_map(|section| match &mut section.value.kind {
            ConfigKind::Map(receivers) => Some(receivers),
            _ => None,
        })
        .flatten()
        .filter(|receiver| receiver.key.split('/').next() == Some("otlp"));
    for receiver in receivers {
        let ConfigKind::Map(settings) = &mut receiver.value.kind else {
            continue;
        };
        let protocols = settings
            .iter_mut()
            .filter(|entry| entry.key == "protocols")
            .filter_map(|entry| match &mut entry.value.kind {
                ConfigKind::Map(protocols) => Some(protocols),
                _ => None,
            })
            .flatten();
        for protocol in protocols {
            let Some((_, port)) = OTLP_PROTOCOLS
                .iter()
                .find(|(name, _)| *name == protocol.key)
            else {
                continue;
            };
            default_endpoint(protocol, *port);
        }
    }
}

fn default_endpoint(protocol: &mut ConfigEntry, port: u16) {
    if protocol.value.kind == ConfigKind::Null {
        protocol.value.kind = ConfigKind::Map(Vec::new());
    }
    let ConfigKind::Map(settings) = &mut protocol.value.kind else {
        return;
    };
    match settings.iter_mut().find(|e| e.key == "endpoint") {
        None => {
            let at = protocol.location.clone();
            settings.push(ConfigEntry {
                key: "endpoint".into(),
                location: at.clone(),
                value: ConfigNode {
                    kind: ConfigKind::Scalar(format!("{DEFAULT_RECEIVER_ADDRESS}:{port}")),
                    location: at,
                },
            });
        }
        Some(endpoint) => {
            if let ConfigKind::Scalar(text) = &mut endpoint.value.kind {
                let parts: Vec<&str> = text.split(':').collect();
                if text.is_empty() {
                    *text = format!("{DEFAULT_RECEIVER_ADDRESS}:{port}");
                } else if parts.len() < 2 || parts[0].is_empty() {
                    *text = format!("{DEFAULT_RECEIVER_ADDRESS}:{}", parts[parts.len() - 1]);
                }
            }
        }
    }
}

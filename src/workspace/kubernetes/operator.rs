//! The OpenTelemetry Operator's `OpenTelemetryCollector` as the collector it deploys: one
//! container, `otc-container`, running `spec.image` (else the operator's default image) with
//! `--config=/conf/collector.yaml`, where the operator mounts `spec.config`; `spec.env` and
//! `spec.envFrom` as its environment (opentelemetry-operator, `internal/manifests/collector/container.go`).

use crate::knowledge::kubernetes;
use crate::workspace::collector;
use crate::workspace::workload::{CommandLine, Text, Volume};
use crate::workspace::yaml::{Node, NodeKind};

use super::read::Reader;
use super::{CollectorResource, Container, ManifestFile, Object, PodTemplate, ResourceConfig};

impl Reader<'_> {
    /// An `OpenTelemetryCollector`: the resource, and its collector container as a pod template
    /// and a workload.
    pub(super) fn collector(&self, object: Object, document: &Node, out: &mut ManifestFile) {
        let spec = document.get("spec");
        let mode = spec
            .and_then(|s| s.get("mode"))
            .and_then(Node::as_scalar)
            .unwrap_or(kubernetes::DEFAULT_COLLECTOR_MODE)
            .to_string();
        let config_node = spec.and_then(|s| s.get("config"));
        let config = config_node.and_then(|node| match &node.kind {
            NodeKind::Scalar(text) => Some(ResourceConfig::Text {
                text: text.clone(),
                location: self.location(node),
            }),
            NodeKind::Map(_) => Some(ResourceConfig::Tree(collector::from_yaml(
                self.file,
                node.clone(),
            ))),
            _ => None,
        });
        let resource = CollectorResource {
            object: object.clone(),
            mode,
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
        // The CR's `ports` are Service ports, not container ports.
        container.ports.clear();
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

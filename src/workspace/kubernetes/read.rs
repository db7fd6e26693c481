//! Reading one manifest document into the objects, pod templates and workloads of [`Manifests`],
//! with every value's position.

use std::collections::HashMap;
use std::sync::Arc;

use crate::knowledge::kubernetes;
use crate::source::Location;

use super::super::collector::ConfigKind;
use super::super::workload::{
    CommandLine, EnvEntry, Launcher, Port, Text, Topology, Volume, WorkloadSpec,
};
use super::super::yaml::{self, Node, items};
use super::*;

/// A pod's ConfigMap volumes by name: the prefix of their files' workspace names, and
/// `items`' paths with the workspace name of their key.
type ConfigMapVolumes = Vec<(String, (String, Vec<(String, String)>))>;

pub(super) struct Reader<'a> {
    pub(super) file: &'a Arc<str>,
    pub(super) default_namespace: &'a str,
    /// Where a rendered stream's values are written in the user's files.
    pub(super) origins: &'a Origins,
}

impl Reader<'_> {
    pub(super) fn location(&self, node: &Node) -> Location {
        self.at(node.line, node.column)
    }

    pub(super) fn key_location(&self, key: &yaml::Key) -> Location {
        self.at(key.line, key.column)
    }

    fn at(&self, line: u32, column: u32) -> Location {
        self.origins
            .get(line, column)
            .cloned()
            .unwrap_or_else(|| Location::new(self.file, line, column))
    }

    /// A collector config converted from a node of the stream, at the places its values are
    /// written.
    pub(super) fn relocate(&self, node: &mut ConfigNode) {
        let relocate = |location: &mut Location| {
            if Arc::ptr_eq(&location.file, self.file) {
                *location = self.at(location.line, location.column);
            }
        };
        relocate(&mut node.location);
        match &mut node.kind {
            ConfigKind::Seq(items) => items.iter_mut().for_each(|item| self.relocate(item)),
            ConfigKind::Map(entries) => {
                for entry in entries {
                    relocate(&mut entry.location);
                    self.relocate(&mut entry.value);
                }
            }
            _ => {}
        }
    }

    fn object_of(&self, document: &Node, kind: &str) -> Option<Object> {
        let metadata = document.get("metadata");
        let name_node = metadata.and_then(|m| m.get("name"));
        let name = name_node.and_then(Node::as_scalar)?.to_string();
        let namespace = metadata
            .and_then(|m| m.get("namespace"))
            .and_then(Node::as_scalar)
            .unwrap_or(self.default_namespace)
            .to_string();
        Some(Object {
            kind: kind.to_string(),
            name,
            namespace,
            location: self.location(name_node.unwrap_or(document)),
        })
    }

    pub(super) fn object(
        &self,
        document: &Node,
        api_version: &str,
        kind: &str,
        out: &mut ManifestFile,
    ) {
        if kind == "List" {
            // `kubectl get -o yaml` wraps objects in a List.
            for item in items(document.get("items")) {
                if let (Some(api_version), Some(kind)) = (
                    item.get("apiVersion").and_then(Node::as_scalar),
                    item.get("kind").and_then(Node::as_scalar),
                ) {
                    self.object(item, api_version, kind, out);
                }
            }
            return;
        }
        let Some(object) = self.object_of(document, kind) else {
            return;
        };
        let operator = api_version.starts_with("opentelemetry.io/");
        // Kubernetes' own kinds, not a CRD's of the same name (Knative's `Service`).
        let core = api_version == "v1";
        let workloads = ["apps/", "batch/", "extensions/"]
            .iter()
            .any(|group| api_version.starts_with(group));
        let manifests = &mut out.manifests;
        match kind {
            "Pod" if core => self.pod(object, document, None, out),
            kind if workloads && TEMPLATE_KINDS.contains(&kind) => {
                let template = document.get("spec").and_then(|s| s.get("template"));
                self.pod(object, document, template, out);
            }
            "CronJob" if workloads => {
                let template = document
                    .get("spec")
                    .and_then(|s| s.get("jobTemplate"))
                    .and_then(|j| j.get("spec"))
                    .and_then(|s| s.get("template"));
                self.pod(object, document, template, out);
            }
            "Service" if core => {
                let spec = document.get("spec");
                manifests.services.push(Service {
                    object,
                    selector: string_map(spec.and_then(|s| s.get("selector"))),
                    ports: items(spec.and_then(|s| s.get("ports")))
                        .filter_map(|p| p.get("port")?.as_scalar()?.parse().ok())
                        .collect(),
                });
            }
            "ConfigMap" if core => {
                let data = document
                    .get("data")
                    .and_then(Node::entries)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|(key, value)| {
                        Some((
                            key.name.clone(),
                            value.as_scalar()?.to_string(),
                            self.location(value),
                        ))
                    })
                    .collect();
                manifests.config_maps.push(ConfigMap { object, data });
            }
            "Secret" if core => {
                let keys = ["data", "stringData"]
                    .iter()
                    .flat_map(|field| keys_of(document.get(field)))
                    .collect();
                manifests.secrets.push(Secret { object, keys });
            }
            "SealedSecret" => {
                let spec = document.get("spec");
                let keys = keys_of(spec.and_then(|s| s.get("encryptedData")));
                let name = spec
                    .and_then(|s| s.get("template"))
                    .and_then(|t| t.get("metadata"))
                    .and_then(|m| m.get("name"))
                    .and_then(Node::as_scalar);
                manifests.secrets.push(Secret {
                    object: renamed(object, name),
                    keys,
                });
            }
            "ExternalSecret" => {
                // The Secret it makes is `spec.target.name`, else its own name (External
                // Secrets Operator, ExternalSecret spec).
                let spec = document.get("spec");
                let name = spec
                    .and_then(|s| s.get("target"))
                    .and_then(|t| t.get("name"))
                    .and_then(Node::as_scalar);
                let keys = items(spec.and_then(|s| s.get("data")))
                    .filter_map(|d| d.get("secretKey")?.as_scalar().map(str::to_string))
                    .collect();
                manifests.secrets.push(Secret {
                    object: renamed(object, name),
                    keys,
                });
            }
            "Namespace" if core => manifests.namespaces.push(Object {
                namespace: object.name.clone(),
                ..object
            }),
            kubernetes::INSTRUMENTATION_KIND if operator => {
                let spec = document.get("spec");
                let endpoint = spec
                    .and_then(|s| s.get("exporter"))
                    .and_then(|e| e.get("endpoint"))
                    .and_then(|node| self.literal(crate::knowledge::otel::ENDPOINT, node));
                let env = self.literal_env(spec.and_then(|s| s.get("env")));
                let language_env = kubernetes::INJECTED
                    .iter()
                    .filter_map(|language| {
                        let key = kubernetes::instrumentation_key(language);
                        let env = self.literal_env(spec?.get(key)?.get("env"));
                        Some((language.to_string(), env))
                    })
                    .collect();
                let node_ip_variables = items(spec.and_then(|s| s.get("env")))
                    .map(|entry| (None, entry))
                    .chain(kubernetes::INJECTED.iter().flat_map(|language| {
                        let key = kubernetes::instrumentation_key(language);
                        let env = spec.and_then(|s| s.get(key)).and_then(|l| l.get("env"));
                        items(env).map(|entry| (Some(language.to_string()), entry))
                    }))
                    .filter(|(_, entry)| {
                        field_path(entry).as_deref() == Some(kubernetes::HOST_IP_FIELD)
                    })
                    .filter_map(|(language, entry)| {
                        Some((language, entry.get("name")?.as_scalar()?.to_string()))
                    })
                    .collect();
                manifests.instrumentations.push(Instrumentation {
                    object,
                    endpoint,
                    env,
                    language_env,
                    node_ip_variables,
                });
            }
            kubernetes::COLLECTOR_KIND if operator => self.collector(object, document, out),
            _ => {}
        }
    }

    /// A pod template (`template` of a workload, or the Pod itself) and its containers.
    pub(super) fn pod(
        &self,
        object: Object,
        document: &Node,
        template: Option<&Node>,
        out: &mut ManifestFile,
    ) {
        let own_metadata = document.get("metadata");
        let (pod, workload_annotations) = match template {
            Some(template) => (template, self.annotations(own_metadata)),
            None if object.kind == "Pod" => (document, Vec::new()),
            None => return,
        };
        let metadata = pod.get("metadata");
        let template_at = match template {
            Some(template) => template
                .entries()
                .and_then(|e| e.iter().find(|(k, _)| k.name == "metadata"))
                .map_or_else(|| self.location(template), |(k, _)| self.key_location(k)),
            None => self.location(document),
        };
        let spec = pod.get("spec");
        let host_network = spec
            .and_then(|s| s.get("hostNetwork"))
            .and_then(Node::as_scalar)
            == Some("true");
        let config_maps = self.config_map_volumes(spec, &object.namespace);
        let mut containers = Vec::new();
        let listed = items(spec.and_then(|s| s.get("initContainers")))
            .map(|c| (c, true))
            .chain(items(spec.and_then(|s| s.get("containers"))).map(|c| (c, false)));
        for (container, init) in listed {
            let Some(name_node) = container.get("name") else {
                continue;
            };
            let Some(name) = name_node.as_scalar() else {
                continue;
            };
            let workload = if init {
                format!("{}/init:{name}", object.reference())
            } else {
                format!("{}/{name}", object.reference())
            };
            let (mut spec, env) = self.container(&workload, name_node, container, host_network);
            spec.volumes = self.config_map_mounts(container, &config_maps);
            out.workloads.push(spec);
            containers.push(Container {
                name: name.to_string(),
                workload,
                location: self.location(name_node),
                env,
                env_from: self.env_from(container),
                init,
            });
        }
        out.manifests.pods.push(PodTemplate {
            object,
            labels: string_map(metadata.and_then(|m| m.get("labels"))),
            annotations: self.annotations(metadata),
            workload_annotations,
            template_at,
            containers,
        });
    }

    /// The pod's `configMap` volumes: volume name, the prefix of its files' workspace names,
    /// and its `items` (path in the volume, workspace name of the key).
    fn config_map_volumes(&self, spec: Option<&Node>, namespace: &str) -> ConfigMapVolumes {
        items(spec.and_then(|s| s.get("volumes")))
            .filter_map(|volume| {
                let name = volume.get("name")?.as_scalar()?.to_string();
                let config_map = volume.get("configMap")?;
                let map = config_map.get("name")?.as_scalar()?;
                let files = items(config_map.get("items"))
                    .filter_map(|item| {
                        let key = item.get("key")?.as_scalar()?;
                        let path = item.get("path")?.as_scalar()?;
                        Some((path.to_string(), config_map_file(namespace, map, key)))
                    })
                    .collect();
                Some((name, (config_map_file(namespace, map, ""), files)))
            })
            .collect()
    }

    /// A container's `volumeMounts` of ConfigMap volumes, as mounts of each file: a ConfigMap
    /// key `K` mounted at `M` is the file `M/K` (or `M` itself with `subPath: K`).
    fn config_map_mounts(&self, container: &Node, volumes: &ConfigMapVolumes) -> Vec<Volume> {
        let mut mounts = Vec::new();
        for mount in items(container.get("volumeMounts")) {
            let (Some(name), Some(target)) = (
                mount.get("name").and_then(Node::as_scalar),
                mount.get("mountPath"),
            ) else {
                continue;
            };
            let Some(mount_path) = target.as_scalar() else {
                continue;
            };
            // A ConfigMap's key is a workspace file bound there (`bind`); anything else is
            // mounted by name, like a compose named volume.
            let volume = |target_path: String, source: String, bind: bool| Volume {
                source: Some(Text {
                    value: source.clone(),
                    raw: source,
                    location: self.location(target),
                    uses: Vec::new(),
                    interpolated: true,
                }),
                target: target_path,
                bind,
                long_syntax: false,
                location: self.location(target),
            };
            let Some((prefix, files)) = volumes
                .iter()
                .find(|(volume, _)| volume == name)
                .map(|(_, files)| files)
            else {
                // An emptyDir, a Secret, a claim: mounted, with content these files do not
                // show (an init container may write the config there).
                mounts.push(volume(mount_path.to_string(), name.to_string(), false));
                continue;
            };
            let sub_path = mount.get("subPath").and_then(Node::as_scalar);
            let volume = |target_path: String, file: String| volume(target_path, file, true);
            // Without `items`, every key is a file of its own name in the mounted folder.
            match (sub_path, files.is_empty()) {
                (Some(sub), true) => {
                    mounts.push(volume(mount_path.to_string(), format!("{prefix}{sub}")));
                }
                (Some(sub), false) => {
                    if let Some((_, file)) = files.iter().find(|(path, _)| path == sub) {
                        mounts.push(volume(mount_path.to_string(), file.clone()));
                    }
                }
                (None, true) => mounts.push(volume(
                    mount_path.to_string(),
                    prefix.trim_end_matches('/').to_string(),
                )),
                (None, false) => {
                    for (path, file) in files {
                        let target = format!("{}/{path}", mount_path.trim_end_matches('/'));
                        mounts.push(volume(target, file.clone()));
                    }
                }
            }
        }
        mounts
    }

    pub(super) fn annotations(&self, metadata: Option<&Node>) -> Vec<Annotation> {
        metadata
            .and_then(|m| m.get("annotations"))
            .and_then(Node::entries)
            .unwrap_or_default()
            .iter()
            .filter_map(|(key, value)| {
                Some(Annotation {
                    name: key.name.clone(),
                    value: value.as_scalar()?.to_string(),
                    location: self.key_location(key),
                    value_location: self.location(value),
                })
            })
            .collect()
    }

    /// A container as a workload: its image, command, ports and environment. Kubernetes
    /// expands `$(VAR)` in `value`, `command` and `args` from the variables defined before it
    /// in the same container (Kubernetes docs, "Define dependent environment variables"); a
    /// value from a Secret or the downward API is not known here.
    pub(super) fn container(
        &self,
        workload: &str,
        name_node: &Node,
        container: &Node,
        host_network: bool,
    ) -> (WorkloadSpec, Vec<ContainerEnv>) {
        let mut known: HashMap<String, Option<String>> = HashMap::new();
        let mut environment = Vec::new();
        let mut written = Vec::new();
        for entry in items(container.get("env")) {
            let Some(name_node) = entry.get("name") else {
                continue;
            };
            let Some(name) = name_node.as_scalar() else {
                continue;
            };
            let location = self.location(name_node);
            let value_node = entry.get("value");
            let value =
                value_node.and_then(|v| v.as_scalar().map(|s| (s.to_string(), self.location(v))));
            let secret = entry
                .get("valueFrom")
                .and_then(|v| v.get("secretKeyRef"))
                .and_then(|r| self.key_ref(r));
            let field_path = field_path(entry);
            let text = match &value {
                Some((raw, at)) => {
                    let expanded = expand(raw, &known);
                    known.insert(name.to_string(), expanded.clone());
                    Text {
                        value: expanded.clone().unwrap_or_else(|| raw.clone()),
                        raw: raw.clone(),
                        location: at.clone(),
                        uses: Vec::new(),
                        interpolated: expanded.is_some(),
                    }
                }
                None if entry.get("valueFrom").is_some() => {
                    known.insert(name.to_string(), known_from(name, field_path.as_deref()));
                    // Filled in the cluster: the value is not in the files.
                    Text {
                        value: String::new(),
                        raw: String::new(),
                        location: location.clone(),
                        uses: Vec::new(),
                        interpolated: false,
                    }
                }
                // `name` alone sets the variable to the empty string.
                None => {
                    known.insert(name.to_string(), Some(String::new()));
                    Text {
                        value: String::new(),
                        raw: String::new(),
                        location: location.clone(),
                        uses: Vec::new(),
                        interpolated: true,
                    }
                }
            };
            environment.push(EnvEntry {
                name: name.to_string(),
                location: location.clone(),
                value: Some(text),
                merged_at: None,
                inherited: false,
            });
            written.push(ContainerEnv {
                name: name.to_string(),
                location,
                value,
                secret,
                value_from: entry.get("valueFrom").is_some(),
                field_path,
            });
        }
        let words = |field: &str| -> Option<CommandLine> {
            let list = container.get(field)?;
            let words = items(Some(list))
                .filter_map(|word| {
                    let raw = word.as_scalar()?;
                    let expanded = expand(raw, &known);
                    Some(Text {
                        value: expanded.clone().unwrap_or_else(|| raw.to_string()),
                        raw: raw.to_string(),
                        location: self.location(word),
                        uses: Vec::new(),
                        interpolated: expanded.is_some(),
                    })
                })
                .collect();
            Some(CommandLine::Exec(words))
        };
        let image = container.get("image").and_then(|image| {
            Some(Text {
                value: image.as_scalar()?.to_string(),
                raw: image.as_scalar()?.to_string(),
                location: self.location(image),
                uses: Vec::new(),
                interpolated: true,
            })
        });
        let ports = items(container.get("ports"))
            .filter_map(|port| {
                let target = port.get("containerPort")?;
                Some(Port {
                    host_ip: None,
                    published: port
                        .get("hostPort")
                        .and_then(Node::as_scalar)
                        .map(str::to_string),
                    target: target.as_scalar()?.to_string(),
                    protocol: port
                        .get("protocol")
                        .and_then(Node::as_scalar)
                        .map(str::to_ascii_lowercase),
                    location: self.location(target),
                })
            })
            .collect();
        let network_mode = host_network.then(|| Text {
            value: "host".into(),
            raw: "true".into(),
            location: self.location(container),
            uses: Vec::new(),
            interpolated: true,
        });
        let spec = WorkloadSpec {
            name: workload.to_string(),
            location: self.location(name_node),
            launcher: Launcher::Kubernetes,
            image,
            build: None,
            environment,
            env_files: Vec::new(),
            // `command` replaces the image's ENTRYPOINT, `args` its CMD.
            command: words("args"),
            entrypoint: words("command"),
            network_mode,
            extends: None,
            topology: Topology::default(),
            volumes: Vec::new(),
            ports,
            code_dir: None,
        };
        (spec, written)
    }

    /// A variable with a literal value, at the value's position.
    pub(super) fn literal(&self, name: &str, node: &Node) -> Option<EnvEntry> {
        let value = node.as_scalar()?;
        Some(EnvEntry {
            name: name.to_string(),
            location: self.location(node),
            value: Some(Text {
                value: value.to_string(),
                raw: value.to_string(),
                location: self.location(node),
                uses: Vec::new(),
                interpolated: true,
            }),
            merged_at: None,
            inherited: false,
        })
    }

    /// An `env` list's entries with a literal `value`.
    pub(super) fn literal_env(&self, env: Option<&Node>) -> Vec<EnvEntry> {
        items(env)
            .filter_map(|entry| {
                let name = entry.get("name")?.as_scalar()?;
                self.literal(name, entry.get("value")?)
            })
            .collect()
    }

    /// A container's `envFrom` entries (`configMapRef` / `secretRef`, with `prefix`).
    pub(super) fn env_from(&self, container: &Node) -> Vec<EnvFrom> {
        items(container.get("envFrom"))
            .filter_map(|entry| {
                let (source, reference) = [
                    (EnvSource::ConfigMap, "configMapRef"),
                    (EnvSource::Secret, "secretRef"),
                ]
                .into_iter()
                .find_map(|(source, key)| Some((source, entry.get(key)?)))?;
                let name = reference.get("name")?;
                Some(EnvFrom {
                    source,
                    name: name.as_scalar()?.to_string(),
                    prefix: entry
                        .get("prefix")
                        .and_then(Node::as_scalar)
                        .unwrap_or_default()
                        .to_string(),
                    optional: reference.get("optional").and_then(Node::as_scalar) == Some("true"),
                    location: self.location(name),
                })
            })
            .collect()
    }

    fn key_ref(&self, node: &Node) -> Option<KeyRef> {
        let name = node.get("name").and_then(Node::as_scalar)?;
        let key = node.get("key").and_then(Node::as_scalar)?;
        let optional_node = node.get("optional");
        let optional = optional_node.and_then(Node::as_scalar) == Some("true");
        Some(KeyRef {
            name: name.to_string(),
            key: key.to_string(),
            optional,
            location: self.location(node.get("name")?),
            optional_at: optional_node.filter(|_| optional).map(|n| self.location(n)),
        })
    }
}

/// `valueFrom.fieldRef.fieldPath` of an `env` entry.
pub(super) fn field_path(entry: &Node) -> Option<String> {
    entry
        .get("valueFrom")
        .and_then(|v| v.get("fieldRef"))
        .and_then(|r| r.get("fieldPath"))
        .and_then(Node::as_scalar)
        .map(str::to_string)
}

/// What a `valueFrom` variable expands to in the values after it: the node's IP stays the
/// reference as written ([`node_ip_reference`]), which routes follow to the node; any other
/// value filled in the cluster is not known.
pub(super) fn known_from(name: &str, field_path: Option<&str>) -> Option<String> {
    (field_path == Some(kubernetes::HOST_IP_FIELD)).then(|| node_ip_reference(name))
}

/// `$(VAR)` references expanded from the variables defined before; `$$(VAR)` is a literal
/// `$(VAR)`, and a reference to a variable not defined before stays as written (Kubernetes,
/// `EnvVar.value`). `None` when a referenced variable's value is not in the files.
pub(super) fn expand(raw: &str, known: &HashMap<String, Option<String>>) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(escaped) = after.strip_prefix('$') {
            out.push('$');
            rest = escaped;
            continue;
        }
        let reference = after
            .strip_prefix('(')
            .and_then(|inner| inner.split_once(')'));
        match reference {
            Some((name, tail)) => {
                match known.get(name) {
                    Some(Some(value)) => out.push_str(value),
                    Some(None) => return None,
                    None => {
                        out.push_str("$(");
                        out.push_str(name);
                        out.push(')');
                    }
                }
                rest = tail;
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Some(out)
}
fn string_map(node: Option<&Node>) -> Vec<(String, String)> {
    node.and_then(Node::entries)
        .unwrap_or_default()
        .iter()
        .filter_map(|(key, value)| Some((key.name.clone(), value.as_scalar()?.to_string())))
        .collect()
}

fn keys_of(node: Option<&Node>) -> Vec<String> {
    node.and_then(Node::entries)
        .unwrap_or_default()
        .iter()
        .map(|(key, _)| key.name.clone())
        .collect()
}

fn renamed(object: Object, name: Option<&str>) -> Object {
    match name {
        Some(name) => Object {
            name: name.to_string(),
            ..object
        },
        None => object,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(pairs: &[(&str, Option<&str>)]) -> HashMap<String, Option<String>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
            .collect()
    }

    #[test]
    fn dependent_variables_expand_only_from_earlier_ones() {
        let env = known(&[("HOST", Some("collector")), ("KEY", None)]);
        assert_eq!(
            expand("http://$(HOST):4318", &env).as_deref(),
            Some("http://collector:4318")
        );
        assert_eq!(expand("$(LATER)", &env).as_deref(), Some("$(LATER)"));
        assert_eq!(expand("$$(HOST)", &env).as_deref(), Some("$(HOST)"));
        assert_eq!(expand("${HOST}", &env).as_deref(), Some("${HOST}"));
        assert_eq!(expand("x-honeycomb-team=$(KEY)", &env), None);
    }
}

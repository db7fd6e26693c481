//! Kubernetes manifests: every YAML stream (`---` documents) whose documents have `apiVersion`
//! and `kind`. A pod template's containers are workloads (`deployment/api/app`); a Service is a
//! name on the cluster's network; ConfigMaps, Secrets (names and keys only: a Secret's values
//! are never read), Namespaces and the OpenTelemetry Operator's Instrumentation and
//! OpenTelemetryCollector resources are kept for the rules that relate them.

use std::collections::HashMap;
use std::sync::Arc;

use crate::knowledge::kubernetes;
use crate::source::Location;

use super::collector::ConfigNode;
use super::workload::{EnvEntry, Text, WorkloadSpec};
use super::yaml::{self, Node, YamlError};

pub mod helm;
mod operator;

pub use operator::apply_webhook_defaults;
mod origin;
mod read;
pub mod render;
pub mod values_schema;

pub use origin::{Origins, Written, trace};

use read::Reader;

/// The namespace of an object that names none (`kubectl apply` without `-n`).
pub const DEFAULT_NAMESPACE: &str = "default";

/// The kinds whose `spec.template` is a pod template; `CronJob` nests one level deeper
/// (`spec.jobTemplate.spec.template`), and a `Pod` is its own template.
const TEMPLATE_KINDS: [&str; 5] = [
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
];

/// The resources read from the workspace's manifests, in the order they were found.
#[derive(Debug, Clone, Default)]
pub struct Manifests {
    pub pods: Vec<PodTemplate>,
    pub services: Vec<Service>,
    pub config_maps: Vec<ConfigMap>,
    pub secrets: Vec<Secret>,
    pub namespaces: Vec<Object>,
    pub instrumentations: Vec<Instrumentation>,
    /// The operator's `OpenTelemetryCollector` resources: each is also a pod template (its
    /// collector container) and, unless it runs as a sidecar, gets a `<name>-collector`
    /// Service.
    pub collectors: Vec<CollectorResource>,
    /// The kustomizations and charts of the workspace, and what became of rendering each.
    pub renderings: Vec<Rendering>,
    /// Releases of the OpenTelemetry Collector Helm chart, rendered from their values (their
    /// pod templates and Services are among the others).
    pub charts: Vec<helm::ChartRelease>,
    /// Files that several renderings read (a base under two overlays).
    pub shared: Vec<SharedFile>,
}

/// A file several renderings read: an edit for one reaches them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedFile {
    pub file: Arc<str>,
    /// The folders rendered from it.
    pub folders: Vec<String>,
}

/// A kustomization or chart folder, and what became of rendering it.
#[derive(Debug, Clone)]
pub struct Rendering {
    /// `kustomize` or `helm`.
    pub tool: &'static str,
    /// The folder, as findings name files.
    pub folder: String,
    /// Its kustomization file or `Chart.yaml`.
    pub location: Location,
    /// What rendering applies that the files alone do not (`patches`, `namespace: prod`).
    pub applies: Vec<String>,
    /// How to render it by hand and lint the result.
    pub command: String,
    pub outcome: RenderOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderOutcome {
    /// Its manifests are the renderer's output, named `file` in findings.
    Rendered { file: Arc<str> },
    /// The renderer is not on PATH: its files were read as plain manifests.
    NotOnPath,
    /// The renderer failed, or must not run on it (`reason`): its files were read as plain
    /// manifests.
    Failed { reason: String },
}

/// The operator's `OpenTelemetryCollector`: a collector whose config is in the resource.
#[derive(Debug, Clone)]
pub struct CollectorResource {
    pub object: Object,
    /// `spec.mode`: `deployment` (the default), `daemonset`, `statefulset` or `sidecar`.
    pub mode: String,
    /// Where `spec.mode` is written, if it is.
    pub mode_at: Option<Location>,
    /// `spec.config`, when it has one.
    pub config: Option<ResourceConfig>,
}

impl CollectorResource {
    pub fn is_sidecar(&self) -> bool {
        self.mode == kubernetes::SIDECAR_MODE
    }

    /// The workspace name its config is read under, as the file its container mounts.
    pub fn config_file(&self) -> String {
        let object = &self.object;
        format!(
            "{}/{}/{}/collector.yaml",
            object.kind.to_ascii_lowercase(),
            object.namespace,
            object.name
        )
    }
}

/// An `OpenTelemetryCollector`'s `spec.config`.
#[derive(Debug, Clone)]
pub enum ResourceConfig {
    /// `opentelemetry.io/v1alpha1`: a YAML string, at the `config:` value's position.
    Text { text: String, location: Location },
    /// `opentelemetry.io/v1beta1`: a mapping, already read with its positions.
    Tree(ConfigNode),
}

/// What names an object: its kind, name and namespace, and where its document starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub location: Location,
}

impl Object {
    /// `deployment/api`, as `kubectl` names it.
    pub fn reference(&self) -> String {
        format!("{}/{}", self.kind.to_ascii_lowercase(), self.name)
    }
}

/// The operator's `Instrumentation`: what it sets in the containers it injects (the
/// operator never overrides a variable the container sets itself).
#[derive(Debug, Clone)]
pub struct Instrumentation {
    pub object: Object,
    /// `spec.exporter.endpoint`, which becomes `OTEL_EXPORTER_OTLP_ENDPOINT`.
    pub endpoint: Option<EnvEntry>,
    /// `spec.env`, then each language's `spec.<language>.env`, by language.
    pub env: Vec<EnvEntry>,
    pub language_env: Vec<(String, Vec<EnvEntry>)>,
    /// The variables `spec.env` (no language) and `spec.<language>.env` take from the node's
    /// IP (`status.hostIP`).
    pub node_ip_variables: Vec<(Option<String>, String)>,
}

impl Instrumentation {
    /// The variables it gives a container injected with `language`, in order.
    pub fn environment(&self, language: &str) -> Vec<EnvEntry> {
        self.endpoint
            .iter()
            .chain(&self.env)
            .chain(
                self.language_env
                    .iter()
                    .filter(|(l, _)| l == language)
                    .flat_map(|(_, env)| env),
            )
            .cloned()
            .collect()
    }

    /// The variables that hold the node's IP in a container it injects with `language`: the
    /// operator's own `OTEL_NODE_IP`, and those its env takes from `status.hostIP`.
    pub fn node_ip_variables<'a>(&'a self, language: &'a str) -> impl Iterator<Item = &'a str> {
        std::iter::once(kubernetes::OPERATOR_NODE_IP).chain(
            self.node_ip_variables
                .iter()
                .filter(move |(only, _)| only.as_deref().is_none_or(|l| l == language))
                .map(|(_, name)| name.as_str()),
        )
    }
}

/// How a value that uses a variable of the node's IP reads once expanded: the reference as
/// written (`$(HOST_IP)`), which only the kubelet fills in. Routes follow such a host to the
/// collectors that listen on the node ([`Manifests::is_node_ip`]).
pub fn node_ip_reference(variable: &str) -> String {
    format!("$({variable})")
}

/// A pod template: a Pod, or the template of a Deployment, StatefulSet, DaemonSet, ReplicaSet,
/// Job or CronJob.
#[derive(Debug, Clone)]
pub struct PodTemplate {
    pub object: Object,
    /// The pod's labels, which Services select.
    pub labels: Vec<(String, String)>,
    /// The pod's annotations (for a Pod, its own `metadata.annotations`).
    pub annotations: Vec<Annotation>,
    /// The workload's own `metadata.annotations` (none for a Pod): the operator's webhook
    /// sees only the pod's.
    pub workload_annotations: Vec<Annotation>,
    /// The pod template's `metadata:` key, or its `template:` key when it has none: where
    /// annotations belong.
    pub template_at: Location,
    pub containers: Vec<Container>,
}

impl PodTemplate {
    /// The operator's injection annotations on the pod, with what each injects.
    pub fn injections(&self) -> impl Iterator<Item = (&Annotation, &'static str)> {
        self.annotations
            .iter()
            .filter_map(|a| Some((a, injected(&a.name)?)))
    }
}

impl PodTemplate {
    /// The `instrumentation.opentelemetry.io/container-names` annotation, if the pod has one.
    pub fn container_names(&self) -> Option<&Annotation> {
        self.annotations
            .iter()
            .find(|a| a.name == kubernetes::CONTAINER_NAMES)
    }

    /// The containers the operator injects: those `container-names` lists, else the first one
    /// (opentelemetry-operator, `ensureContainer`); never an init container.
    pub fn injected_containers(&self) -> impl Iterator<Item = &Container> {
        let listed: Option<Vec<&str>> = self
            .container_names()
            .map(|a| a.value.split(',').map(str::trim).collect());
        self.containers
            .iter()
            .filter(|c| !c.init)
            .enumerate()
            .filter(move |(at, c)| match &listed {
                Some(names) => names.contains(&c.name.as_str()),
                None => *at == 0,
            })
            .map(|(_, c)| c)
    }
}

/// What an annotation makes the operator inject (`python`), if it is an injection one.
pub fn injected(annotation: &str) -> Option<&'static str> {
    let what = annotation.strip_prefix(kubernetes::INJECT_PREFIX)?;
    kubernetes::INJECTED
        .into_iter()
        .find(|known| *known == what)
}

/// `metadata.annotations` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub name: String,
    pub value: String,
    pub location: Location,
    pub value_location: Location,
}

/// A container of a pod template: the workload it becomes, and the references its
/// environment makes to other objects.
#[derive(Debug, Clone)]
pub struct Container {
    pub name: String,
    /// The workload's name: `<kind>/<object>/<container>`, `<kind>/<object>/init:<container>`
    /// for an init container.
    pub workload: String,
    pub location: Location,
    pub env: Vec<ContainerEnv>,
    /// `envFrom`, in order.
    pub env_from: Vec<EnvFrom>,
    /// An `initContainers` entry: it runs to completion before the pod's containers start,
    /// the operator never injects it, and no Service sends it traffic.
    pub init: bool,
}

/// The kind of object an `envFrom` entry or a key reference reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvSource {
    ConfigMap,
    Secret,
}

impl EnvSource {
    pub fn kind(self) -> &'static str {
        match self {
            EnvSource::ConfigMap => "ConfigMap",
            EnvSource::Secret => "Secret",
        }
    }
}

/// An `envFrom` entry: every key of a ConfigMap (`configMapRef`) or a Secret (`secretRef`)
/// becomes a variable, its name after `prefix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFrom {
    pub source: EnvSource,
    pub name: String,
    pub prefix: String,
    pub optional: bool,
    /// The reference's `name:` value.
    pub location: Location,
}

/// One `env` entry as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerEnv {
    pub name: String,
    pub location: Location,
    /// `value:`, with the position of the value.
    pub value: Option<(String, Location)>,
    /// `valueFrom.secretKeyRef`.
    pub secret: Option<KeyRef>,
    /// Whether the value comes from `valueFrom` (a Secret, a ConfigMap, the downward API).
    pub value_from: bool,
    /// `valueFrom.fieldRef.fieldPath` (the downward API: `status.hostIP`).
    pub field_path: Option<String>,
}

/// `secretKeyRef` / `configMapKeyRef`: an object's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRef {
    pub name: String,
    pub key: String,
    pub optional: bool,
    pub location: Location,
    /// The `optional: true` entry, when there is one.
    pub optional_at: Option<Location>,
}

/// A Service: the names it answers to (`svc`, `svc.ns`, `svc.ns.svc.cluster.local`) and the
/// pods it selects.
#[derive(Debug, Clone)]
pub struct Service {
    pub object: Object,
    pub selector: Vec<(String, String)>,
    pub ports: Vec<u16>,
}

impl Service {
    /// Whether its selector picks the pod: a pod of its namespace whose labels hold every
    /// selector entry.
    pub fn selects(&self, pod: &PodTemplate) -> bool {
        !self.selector.is_empty()
            && pod.object.namespace == self.object.namespace
            && self.selector.iter().all(|entry| pod.labels.contains(entry))
    }
}

#[derive(Debug, Clone)]
pub struct ConfigMap {
    pub object: Object,
    /// `data` entries: key, value, where the value is written.
    pub data: Vec<(String, String, Location)>,
}

/// A Secret, a SealedSecret or an ExternalSecret, by the Secret it makes and its keys: values
/// are never read.
#[derive(Debug, Clone)]
pub struct Secret {
    pub object: Object,
    pub keys: Vec<String>,
}

/// One file's objects and the workloads its containers become.
#[derive(Debug, Default)]
pub struct ManifestFile {
    pub manifests: Manifests,
    pub workloads: Vec<WorkloadSpec>,
    /// Whether any document has `apiVersion` and `kind`: otherwise it is no manifest.
    pub is_manifest: bool,
}

/// Whether a YAML file is worth parsing as manifests: it names an `apiVersion` and a `kind`
/// at the start of a line.
pub fn looks_like_manifest(text: &str) -> bool {
    let starts = |key: &str| text.lines().any(|line| line.starts_with(key));
    starts("apiVersion:") && starts("kind:")
}

/// Reads one file's documents; `default_namespace` is the namespace of objects that name none.
pub fn read(
    file: &Arc<str>,
    text: &str,
    default_namespace: &str,
) -> Result<ManifestFile, YamlError> {
    let documents = yaml::parse_stream(text)?;
    Ok(read_documents(
        file,
        &documents,
        default_namespace,
        &Origins::default(),
    ))
}

/// The documents of a stream named `file`. For a rendered stream, `origins` finds its values
/// in the files it was rendered from: its objects' locations are there, and only what no file
/// writes is in `file`.
pub fn read_documents(
    file: &Arc<str>,
    documents: &[Node],
    default_namespace: &str,
    origins: &Origins,
) -> ManifestFile {
    let mut out = ManifestFile::default();
    for document in documents {
        let (Some(api_version), Some(kind)) = (
            document.get("apiVersion").and_then(Node::as_scalar),
            document.get("kind").and_then(Node::as_scalar),
        ) else {
            continue;
        };
        out.is_manifest = true;
        let reader = Reader {
            file,
            default_namespace,
            origins,
        };
        reader.object(document, api_version, kind, &mut out);
    }
    out
}

/// What the operator's injection adds to a container's environment: the selected
/// Instrumentation's endpoint and variables, and `OTEL_SERVICE_NAME` from the workload's name,
/// under what the container sets itself. Injected are the containers
/// `instrumentation.opentelemetry.io/container-names` lists, else the first one.
pub fn inject(manifests: &Manifests, specs: &mut [WorkloadSpec]) {
    let positions = positions(specs);
    for pod in &manifests.pods {
        for (annotation, language) in pod.injections() {
            let namespace = &pod.object.namespace;
            let Some(instrumentation) =
                manifests.selected_instrumentation(namespace, &annotation.value)
            else {
                continue;
            };
            for container in pod.injected_containers() {
                let Some(spec) = positions
                    .get(container.workload.as_str())
                    .map(|&at| &mut specs[at])
                else {
                    continue;
                };
                let mut added = instrumentation.environment(language);
                added.push(EnvEntry {
                    name: crate::knowledge::otel::SERVICE_NAME.to_string(),
                    location: annotation.location.clone(),
                    value: Some(Text {
                        value: pod.object.name.clone(),
                        raw: pod.object.name.clone(),
                        location: annotation.location.clone(),
                        uses: Vec::new(),
                        interpolated: true,
                    }),
                    merged_at: None,
                    inherited: false,
                });
                added.retain(|entry| !spec.environment.iter().any(|e| e.name == entry.name));
                spec.environment.splice(0..0, added);
            }
        }
    }
}
/// What `envFrom` adds to each container's environment, under its `env` (and what the operator
/// injects, which goes into `env`): a ConfigMap's keys with their values, at the values' lines;
/// a Secret's keys as set but unknown (values are never read). A later `envFrom` entry wins
/// over an earlier one, `env` over all of them, and `$(VAR)` in `env` expands from them
/// (Kubernetes docs, "Configure all key-value pairs in a ConfigMap as container environment
/// variables"; kubelet `makeEnvironmentVariables`). Run after [`inject`].
pub fn apply_env_from(manifests: &Manifests, specs: &mut [WorkloadSpec]) {
    let positions = positions(specs);
    for pod in &manifests.pods {
        let namespace = &pod.object.namespace;
        for container in pod.containers.iter().filter(|c| !c.env_from.is_empty()) {
            let Some(spec) = positions
                .get(container.workload.as_str())
                .map(|&at| &mut specs[at])
            else {
                continue;
            };
            let mut from: Vec<EnvEntry> = Vec::new();
            for reference in &container.env_from {
                for entry in manifests.env_from_entries(namespace, reference) {
                    from.retain(|e| e.name != entry.name);
                    from.push(entry);
                }
            }
            let known_value = |entry: &EnvEntry| {
                entry
                    .value
                    .as_ref()
                    .filter(|text| text.interpolated)
                    .map(|text| text.value.clone())
            };
            let mut known: HashMap<String, Option<String>> = from
                .iter()
                .map(|entry| (entry.name.clone(), known_value(entry)))
                .collect();
            for written in &container.env {
                let Some(entry) = spec
                    .environment
                    .iter_mut()
                    .find(|e| e.location == written.location)
                else {
                    continue;
                };
                if let (Some((raw, _)), Some(text)) = (&written.value, entry.value.as_mut())
                    && raw.contains("$(")
                {
                    let expanded = read::expand(raw, &known);
                    text.value = expanded.clone().unwrap_or_else(|| raw.clone());
                    text.interpolated = expanded.is_some();
                }
                let known_now = read::known_from(&written.name, written.field_path.as_deref())
                    .or_else(|| known_value(entry));
                known.insert(written.name.clone(), known_now);
            }
            from.retain(|entry| !spec.environment.iter().any(|e| e.name == entry.name));
            spec.environment.splice(0..0, from);
        }
    }
}

/// Where each workload is among `specs` (the first of a name), so that a pod's containers
/// find theirs without a scan of every workload.
fn positions(specs: &[WorkloadSpec]) -> HashMap<String, usize> {
    let mut positions = HashMap::new();
    for (at, spec) in specs.iter().enumerate() {
        positions.entry(spec.name.clone()).or_insert(at);
    }
    positions
}

/// The workspace name of a ConfigMap key mounted as a file: collector configs are read from
/// it as from a file of the workspace.
pub fn config_map_file(namespace: &str, name: &str, key: &str) -> String {
    format!("configmap/{namespace}/{name}/{key}")
}

impl Manifests {
    pub fn extend(&mut self, other: Manifests) {
        self.pods.extend(other.pods);
        self.services.extend(other.services);
        self.config_maps.extend(other.config_maps);
        self.secrets.extend(other.secrets);
        self.namespaces.extend(other.namespaces);
        self.instrumentations.extend(other.instrumentations);
        self.collectors.extend(other.collectors);
        self.renderings.extend(other.renderings);
        self.charts.extend(other.charts);
    }

    /// The variables one `envFrom` entry gives a container of `namespace`: none when its
    /// object is not in the input.
    fn env_from_entries(&self, namespace: &str, reference: &EnvFrom) -> Vec<EnvEntry> {
        let entry = |key: &str, value: Text| EnvEntry {
            name: format!("{}{key}", reference.prefix),
            location: value.location.clone(),
            value: Some(value),
            merged_at: None,
            inherited: false,
        };
        let own = |object: &Object| object.name == reference.name && object.namespace == namespace;
        match reference.source {
            EnvSource::ConfigMap => self
                .config_maps
                .iter()
                .filter(|map| own(&map.object))
                .flat_map(|map| &map.data)
                .map(|(key, value, location)| {
                    entry(
                        key,
                        Text {
                            value: value.clone(),
                            raw: value.clone(),
                            location: location.clone(),
                            uses: Vec::new(),
                            interpolated: true,
                        },
                    )
                })
                .collect(),
            // Filled in the cluster: set, with a value that is not in the files.
            EnvSource::Secret => self
                .secrets
                .iter()
                .filter(|secret| own(&secret.object))
                .flat_map(|secret| &secret.keys)
                .map(|key| {
                    entry(
                        key,
                        Text {
                            value: String::new(),
                            raw: String::new(),
                            location: reference.location.clone(),
                            uses: Vec::new(),
                            interpolated: false,
                        },
                    )
                })
                .collect(),
        }
    }

    /// Whether an object of the kind `source` names is in the input under `name` in
    /// `namespace`, and whether the input has any object of that kind at all.
    pub fn has_source(&self, source: EnvSource, namespace: &str, name: &str) -> (bool, bool) {
        let objects: Vec<&Object> = match source {
            EnvSource::ConfigMap => self.config_maps.iter().map(|m| &m.object).collect(),
            EnvSource::Secret => self.secrets.iter().map(|s| &s.object).collect(),
        };
        let found = objects
            .iter()
            .any(|o| o.name == name && o.namespace == namespace);
        (found, !objects.is_empty())
    }

    /// The Instrumentation an injection annotation's value selects for a pod of `namespace`:
    /// `"true"` the only one of the namespace, else `name` in the namespace or `ns/name`
    /// (opentelemetry-operator, `getInstrumentationInstance`).
    pub fn selected_instrumentation(
        &self,
        namespace: &str,
        value: &str,
    ) -> Option<&Instrumentation> {
        let in_namespace = |ns: &str| -> Vec<&Instrumentation> {
            self.instrumentations
                .iter()
                .filter(|i| i.object.namespace == ns)
                .collect()
        };
        match value.trim() {
            "false" => None,
            "true" => {
                let found = in_namespace(namespace);
                let mut found = found.into_iter();
                let only = found.next()?;
                found.next().is_none().then_some(only)
            }
            reference => {
                let (ns, name) = reference.split_once('/').unwrap_or((namespace, reference));
                in_namespace(ns).into_iter().find(|i| i.object.name == name)
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.pods.is_empty()
            && self.services.is_empty()
            && self.config_maps.is_empty()
            && self.secrets.is_empty()
            && self.namespaces.is_empty()
            && self.instrumentations.is_empty()
            && self.collectors.is_empty()
            && self.charts.is_empty()
    }

    /// The chart release whose defaults were placed at `location`, when one was: a finding
    /// there is about a value of the chart's, not one the user wrote.
    pub fn chart_default_at(&self, location: &Location) -> Option<&helm::ChartRelease> {
        self.charts.iter().find(|c| c.is_default_at(location))
    }

    /// Whether `host` (as a URL holds it, lower case) is the node's IP in the container of
    /// `workload`: a reference to a variable the container takes from `status.hostIP`, or that
    /// the operator's injection gives it (`OTEL_NODE_IP`, an Instrumentation's env).
    pub fn is_node_ip(&self, workload: &str, host: &str) -> bool {
        // Most hosts are names: no pod is looked up for them.
        if !host.starts_with("$(") {
            return false;
        }
        let Some((pod, container)) = self.container_of(workload) else {
            return false;
        };
        let named = |variable: &str| node_ip_reference(variable).eq_ignore_ascii_case(host);
        let own = container
            .env
            .iter()
            .filter(|e| e.field_path.as_deref() == Some(kubernetes::HOST_IP_FIELD))
            .any(|e| named(&e.name));
        own || pod.injections().any(|(annotation, language)| {
            pod.injected_containers()
                .any(|c| c.workload == container.workload)
                && self
                    .selected_instrumentation(&pod.object.namespace, &annotation.value)
                    .is_some_and(|i| i.node_ip_variables(language).any(named))
        })
    }

    /// Whether the workload's pods run one on every node: a DaemonSet's (the chart's in
    /// daemonset mode among them), or an OpenTelemetryCollector's in daemonset mode.
    pub fn runs_on_every_node(&self, workload: &str) -> bool {
        // By the workload's name (`daemonset/<name>/<container>`), not a search of every pod:
        // each route to the node asks it of every collector.
        let container = format!("/{}", kubernetes::COLLECTOR_CONTAINER);
        workload.starts_with("daemonset/")
            || self
                .collectors
                .iter()
                .filter(|c| c.mode == kubernetes::DAEMONSET_MODE)
                .any(|c| {
                    workload
                        .strip_prefix(&c.object.reference())
                        .is_some_and(|rest| rest == container)
                })
    }

    /// The pod template and container a workload comes from.
    pub fn container_of(&self, workload: &str) -> Option<(&PodTemplate, &Container)> {
        self.pods.iter().find_map(|pod| {
            pod.containers
                .iter()
                .find(|c| c.workload == workload)
                .map(|c| (pod, c))
        })
    }

    /// The pod templates by the workloads their containers become: [`Manifests::container_of`]
    /// for every workload at once.
    pub fn pods_by_workload(&self) -> HashMap<&str, &PodTemplate> {
        let mut pods = HashMap::new();
        for pod in &self.pods {
            for container in &pod.containers {
                pods.entry(container.workload.as_str()).or_insert(pod);
            }
        }
        pods
    }

    /// The names Services answer to, with the namespace each is in: the Services of the
    /// input, and the `<name>-collector` Service the operator makes for each
    /// OpenTelemetryCollector that is not a sidecar (opentelemetry-operator, `naming.Service`).
    pub fn service_names(&self) -> Vec<(String, &Object)> {
        self.answering_names()
            .map(|(name, object, _)| (name, object))
            .collect()
    }

    /// [`Manifests::service_names`], each with what answers to it.
    pub fn answering_names(&self) -> impl Iterator<Item = (String, &Object, Answering)> {
        let services = self
            .services
            .iter()
            .enumerate()
            .map(|(at, s)| (s.object.name.clone(), &s.object, Answering::Service(at)));
        let collectors = self
            .collectors
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_sidecar())
            .map(|(at, c)| {
                let name = kubernetes::collector_service(&c.object.name);
                (name, &c.object, Answering::Collector(at))
            });
        services.chain(collectors)
    }
}

/// What answers to a Service name: a Service of the input, or the operator's Service of an
/// OpenTelemetryCollector (their positions in [`Manifests::services`] and
/// [`Manifests::collectors`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answering {
    Service(usize),
    Collector(usize),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_of_documents_keeps_absolute_lines() {
        let text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: obs\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: obs\nspec:\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: app\n          image: python:3.12\n          env:\n            - name: OTEL_SERVICE_NAME\n              value: api\n";
        let file: Arc<str> = "k8s.yaml".into();
        let read = read(&file, text, DEFAULT_NAMESPACE).unwrap();
        assert!(read.is_manifest);
        assert_eq!(read.manifests.namespaces[0].name, "obs");
        let spec = &read.workloads[0];
        assert_eq!(spec.name, "deployment/api/app");
        assert_eq!(spec.environment[0].location.line, 20);
        let pod = &read.manifests.pods[0];
        assert_eq!(pod.object.namespace, "obs");
        assert_eq!(pod.template_at.line, 13);
        assert_eq!(pod.labels, vec![("app".to_string(), "api".to_string())]);
    }

    #[test]
    fn the_node_ip_stays_a_reference_that_routes_can_follow() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: app\n      image: python:3.12\n      env:\n        - name: HOST_IP\n          valueFrom:\n            fieldRef: {fieldPath: status.hostIP}\n        - name: POD_IP\n          valueFrom:\n            fieldRef: {fieldPath: status.podIP}\n        - name: OTEL_EXPORTER_OTLP_ENDPOINT\n          value: http://$(HOST_IP):4318\n        - name: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT\n          value: http://$(POD_IP):4318\n";
        let file: Arc<str> = "k8s.yaml".into();
        let read = read(&file, text, DEFAULT_NAMESPACE).unwrap();
        let env = &read.workloads[0].environment;
        let endpoint = env[2].value.as_ref().unwrap();
        assert_eq!(endpoint.value, "http://$(HOST_IP):4318");
        assert!(endpoint.interpolated);
        // Another downward API value is not known here.
        assert!(!env[3].value.as_ref().unwrap().interpolated);
        let manifests = &read.manifests;
        assert!(manifests.is_node_ip("pod/api/app", "$(host_ip)"));
        assert!(!manifests.is_node_ip("pod/api/app", "$(pod_ip)"));
        assert!(!manifests.is_node_ip("pod/api/app", "otel-collector"));
    }

    #[test]
    fn init_containers_are_workloads_the_operator_never_injects() {
        let text = "apiVersion: opentelemetry.io/v1alpha1\nkind: Instrumentation\nmetadata:\n  name: otel\nspec:\n  exporter:\n    endpoint: http://collector:4318\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  annotations:\n    instrumentation.opentelemetry.io/inject-python: \"true\"\nspec:\n  initContainers:\n    - name: migrate\n      image: python:3.12\n  containers:\n    - name: app\n      image: python:3.12\n";
        let file: Arc<str> = "k8s.yaml".into();
        let mut read = read(&file, text, DEFAULT_NAMESPACE).unwrap();
        let names: Vec<&str> = read.workloads.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["pod/api/init:migrate", "pod/api/app"]);
        inject(&read.manifests, &mut read.workloads);
        assert!(read.workloads[0].environment.is_empty());
        assert_eq!(
            read.workloads[1].environment[0].name,
            crate::knowledge::otel::ENDPOINT
        );
    }
}

//! Values for the OpenTelemetry Collector Helm chart, found where users keep them: a values
//! file of a parent chart that depends on it (under the dependency's name or alias), a values
//! file of its own (recognised by its shape), or inline in a Flux `HelmRelease` or an Argo CD
//! `Application`. They are merged over the chart's defaults with Helm's rules (maps merge,
//! lists replace, `null` deletes a default key), and rendered the way the chart's templates
//! render them — without Go templates: the collector's pod template (a workload), its Service
//! and its config file — with every value at its line in the user's file. A default the user
//! did not write is placed at the colon of the values key that pulled it in (`config:`,
//! `traces:`), where no value of the user's can be: findings there say it is the chart's.

use std::sync::Arc;

use crate::knowledge::collector::Version;
use crate::knowledge::helm_collector::{self as chart, ChartDefaults};
use crate::source::Location;

use super::super::collector::{self, ConfigNode};
use super::super::workload::{Text, Volume};
use super::super::yaml::{self, Key, Node, NodeKind};
use super::read::Reader;
use super::{ManifestFile, Object, Origins, config_map_file};

/// Values for the chart, as found: the values node and what the file says of the release.
#[derive(Debug, Clone)]
pub struct ChartValues {
    /// The user's values (a map), or `None` when the release gives none (all defaults).
    pub values: Option<Node>,
    /// The key the values are under (`opentelemetry-collector:`, `values:`), if any: defaults
    /// the user did not write at all are placed there.
    pub under: Option<Key>,
    /// What found them: the HelmRelease or Application, or the values file's first key.
    pub origin: Location,
    pub release: Option<String>,
    pub namespace: Option<String>,
    /// The chart's name in this release: a dependency's alias, else the chart's.
    pub name: String,
    pub version: Option<Version>,
}

/// A release of the chart, rendered: what rules about its values need.
#[derive(Debug, Clone)]
pub struct ChartRelease {
    pub origin: Location,
    pub file: Arc<str>,
    /// The Service's name, when the release name is known (or `fullnameOverride` set).
    pub fullname: Option<String>,
    /// The chart's name in the release (`nameOverride`, the alias): with the release name
    /// unknown, any Service name that contains it may be the chart's.
    pub name: String,
    /// `None`: the namespace `helm install -n` gives, not in the files.
    pub namespace: Option<String>,
    pub workload: String,
    /// The chart version whose defaults were used, and whether the file named it.
    pub defaults_from: &'static str,
    pub version: Option<Version>,
    pub mode: Option<(String, Location)>,
    /// `image.repository` when set, with its position.
    pub image_repository: Option<(String, Location)>,
    pub ports: Vec<ChartPort>,
    pub host_network: bool,
    /// Where defaults were placed: the colon of the key that pulled them in.
    pub default_anchors: Vec<Location>,
    /// The lists of the config the user wrote, by path (`service.pipelines.traces.exporters`):
    /// each replaced the chart's list whole.
    pub user_lists: Vec<(String, Location)>,
    /// What the chart itself refuses (`fail` in its templates), and where.
    pub refusals: Vec<(String, Location)>,
}

/// One entry of `ports:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartPort {
    pub name: String,
    pub enabled: bool,
    pub container_port: Option<u16>,
    pub host_port: Option<u16>,
    pub protocol: String,
    pub location: Location,
}

impl ChartRelease {
    /// Whether a default the user did not write was placed at `location`.
    pub fn is_default_at(&self, location: &Location) -> bool {
        self.default_anchors.contains(location)
    }

    /// Whether a Service named `service` in `namespace` may be this release's.
    pub fn answers(&self, service: &str, namespace: &str) -> bool {
        let in_namespace = self.namespace.as_deref().is_none_or(|ns| ns == namespace);
        let named = match &self.fullname {
            Some(full) => full == service,
            None => service.contains(&self.name),
        };
        in_namespace && named
    }

    /// The Service as `kubectl` would name it, or the pattern when the release is not known.
    pub fn service_name(&self) -> String {
        self.fullname
            .clone()
            .unwrap_or_else(|| format!("<release>-{}", self.name))
    }

    /// Whether the mode runs one collector per node.
    pub fn node_local(&self) -> bool {
        self.mode
            .as_ref()
            .is_some_and(|(mode, _)| mode == chart::NODE_LOCAL_MODE)
    }
}

/// A `Chart.yaml` dependency on the collector chart: the key its values are under, and the
/// version it pins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub key: String,
    pub version: Option<Version>,
}

/// The collector chart among a `Chart.yaml`'s `dependencies`, if it is one.
pub fn dependency(chart_yaml: &str) -> Option<Dependency> {
    let root = yaml::parse(chart_yaml).ok()?;
    let dependencies = root.get("dependencies")?;
    let NodeKind::Seq(items) = &dependencies.kind else {
        return None;
    };
    items.iter().find_map(|item| {
        let name = item.get("name")?.as_scalar()?;
        (name == chart::CHART).then(|| Dependency {
            key: item
                .get("alias")
                .and_then(Node::as_scalar)
                .unwrap_or(name)
                .to_string(),
            version: item
                .get("version")
                .and_then(Node::as_scalar)
                .and_then(pinned_version),
        })
    })
}

/// A version constraint's version (`0.120.0`, `~0.120.0`, `>=0.120.0`): the first one named.
fn pinned_version(constraint: &str) -> Option<Version> {
    let start = constraint.find(|c: char| c.is_ascii_digit())?;
    let end = constraint[start..]
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map_or(constraint.len(), |end| start + end);
    Version::parse(constraint[start..end].trim_end_matches('.'))
}

/// Whether a values file name is one Helm reads (`values.yaml`, `values-prod.yaml`).
pub fn is_values_name(name: &str) -> bool {
    name.starts_with("values") && (name.ends_with(".yaml") || name.ends_with(".yml"))
}

/// The chart's values in one file: under a parent chart's dependency key, inline in a
/// HelmRelease or an Application, or a values file of its own by its shape.
pub fn find(file: &Arc<str>, text: &str, parent: Option<&Dependency>) -> Vec<ChartValues> {
    let Ok(documents) = yaml::parse_stream(text) else {
        return Vec::new();
    };
    let at = |line: u32, column: u32| Location::new(file, line, column);
    let mut found = Vec::new();
    for document in &documents {
        if let Some(dependency) = parent {
            if let Some((key, values)) = entry(document, &dependency.key) {
                found.push(ChartValues {
                    values: Some(values.clone()),
                    under: Some(key.clone()),
                    origin: at(key.line, key.column),
                    release: None,
                    namespace: None,
                    name: dependency.key.clone(),
                    version: dependency.version,
                });
            }
            continue;
        }
        let kind = document.get("kind").and_then(Node::as_scalar);
        let api_version = document
            .get("apiVersion")
            .and_then(Node::as_scalar)
            .unwrap_or_default();
        match kind {
            Some("HelmRelease") if api_version.starts_with("helm.toolkit.fluxcd.io/") => {
                found.extend(helm_release(document, &at));
            }
            Some("Application") if api_version.starts_with("argoproj.io/") => {
                found.extend(application(file, text, document, &at));
            }
            Some(_) => {}
            None if is_values_shape(document) => {
                let first = document.entries().and_then(|e| e.first());
                found.push(ChartValues {
                    values: Some(document.clone()),
                    under: None,
                    origin: first.map_or_else(|| at(1, 1), |(k, _)| at(k.line, k.column)),
                    release: None,
                    namespace: None,
                    name: chart::CHART.to_string(),
                    version: None,
                });
            }
            None => {}
        }
    }
    found
}

/// A values file of the chart: a top-level `mode:` the chart knows, and `config:`, `image:`
/// or `presets:` beside it.
fn is_values_shape(document: &Node) -> bool {
    let mode = document.get("mode").and_then(Node::as_scalar);
    mode.is_some_and(|m| chart::MODES.contains(&m))
        && ["config", "image", "presets"]
            .iter()
            .any(|key| document.get(key).is_some())
}

fn entry<'n>(node: &'n Node, key: &str) -> Option<&'n (Key, Node)> {
    node.entries()?.iter().find(|(k, _)| k.name == key)
}

fn scalar_at<'n>(node: &'n Node, path: &[&str]) -> Option<&'n str> {
    path.iter()
        .try_fold(node, |node, key| node.get(key))?
        .as_scalar()
}

/// Flux: `spec.chart.spec.chart`, `spec.chart.spec.version`, `spec.values`; the release is
/// `spec.releaseName`, else `[<targetNamespace>-]<name>` (Flux helm-controller,
/// `HelmRelease.GetReleaseName`).
fn helm_release(document: &Node, at: &dyn Fn(u32, u32) -> Location) -> Option<ChartValues> {
    let spec = document.get("spec")?;
    // Values from ConfigMaps or Secrets (`valuesFrom`) are not in the files: the merged
    // values would be a guess.
    if scalar_at(spec, &["chart", "spec", "chart"])? != chart::CHART
        || spec.get("valuesFrom").is_some()
    {
        return None;
    }
    let name = scalar_at(document, &["metadata", "name"])?;
    let target = spec.get("targetNamespace").and_then(Node::as_scalar);
    let release = spec
        .get("releaseName")
        .and_then(Node::as_scalar)
        .map(str::to_string)
        .unwrap_or_else(|| match target {
            Some(ns) => format!("{ns}-{name}"),
            None => name.to_string(),
        });
    let namespace = target
        .or_else(|| scalar_at(document, &["metadata", "namespace"]))
        .map(str::to_string);
    let values = entry(spec, "values");
    let origin = entry(document, "kind").map_or_else(|| at(1, 1), |(k, _)| at(k.line, k.column));
    Some(ChartValues {
        values: values.map(|(_, v)| v.clone()),
        under: values.map(|(k, _)| k.clone()),
        origin,
        release: Some(release),
        namespace,
        name: chart::CHART.to_string(),
        version: scalar_at(spec, &["chart", "spec", "version"]).and_then(pinned_version),
    })
}

/// Argo CD: `spec.source` (or each of `spec.sources`) with `chart`, `targetRevision`,
/// `helm.valuesObject` or the `helm.values` string; the release is `helm.releaseName`, else
/// the Application's name; the namespace `spec.destination.namespace`.
fn application(
    file: &Arc<str>,
    text: &str,
    document: &Node,
    at: &dyn Fn(u32, u32) -> Location,
) -> Vec<ChartValues> {
    let Some(spec) = document.get("spec") else {
        return Vec::new();
    };
    let Some(name) = scalar_at(document, &["metadata", "name"]) else {
        return Vec::new();
    };
    let namespace = scalar_at(spec, &["destination", "namespace"]).map(str::to_string);
    let sources: Vec<&Node> = match spec.get("sources").map(|s| &s.kind) {
        Some(NodeKind::Seq(items)) => items.iter().collect(),
        _ => spec.get("source").into_iter().collect(),
    };
    sources
        .into_iter()
        .filter(|source| source.get("chart").and_then(Node::as_scalar) == Some(chart::CHART))
        // Values from files of another source (`valueFiles`) or `parameters` are not read
        // here: the merged values would be a guess.
        .filter(|source| {
            let given = |key: &str| {
                let value = source.get("helm").and_then(|h| h.get(key));
                value.is_some_and(|v| match &v.kind {
                    NodeKind::Seq(items) => !items.is_empty(),
                    kind => *kind != NodeKind::Null,
                })
            };
            !given("valueFiles") && !given("parameters")
        })
        .map(|source| {
            let helm = source.get("helm");
            let object = helm.and_then(|h| entry(h, "valuesObject"));
            let string = helm.and_then(|h| entry(h, "values"));
            let (values, under) = match (object, string) {
                (Some((key, values)), _) => (Some(values.clone()), Some(key.clone())),
                (None, Some((key, values))) => (embedded(file, text, values), Some(key.clone())),
                (None, None) => (None, None),
            };
            ChartValues {
                values,
                under,
                origin: entry(source, "chart")
                    .map_or_else(|| at(1, 1), |(k, _)| at(k.line, k.column)),
                release: Some(
                    helm.and_then(|h| h.get("releaseName"))
                        .and_then(Node::as_scalar)
                        .unwrap_or(name)
                        .to_string(),
                ),
                namespace: namespace.clone(),
                name: chart::CHART.to_string(),
                version: source
                    .get("targetRevision")
                    .and_then(Node::as_scalar)
                    .and_then(pinned_version),
            }
        })
        .collect()
}

/// Values written as a YAML string (`values: |`), parsed at their lines in the file.
fn embedded(file: &Arc<str>, text: &str, value: &Node) -> Option<Node> {
    let body = value.as_scalar()?;
    let location = Location::new(file, value.line, value.column);
    let (first_line, indent) = super::super::block_start(text, &location);
    let mut node = yaml::parse(body).ok()?;
    node.shift(first_line.saturating_sub(1), indent);
    Some(node)
}

/// Helm's merge of the user's values over the chart's (`chartutil.CoalesceValues`): maps
/// merge key by key, anything else the user writes replaces the default (a list whole), and
/// a `null` the user writes deletes a key the defaults have. Defaults the user did not write
/// move to `anchor`, which is recorded.
struct Coalesce {
    anchors: Vec<(u32, u32)>,
    lists: Vec<(String, u32, u32)>,
}

impl Coalesce {
    fn merge(&mut self, default: Node, user: Node, anchor: (u32, u32), path: &str) -> Node {
        match (default.kind, user.kind) {
            (NodeKind::Map(defaults), NodeKind::Map(written)) => {
                let mut defaults = defaults;
                let mut merged = Vec::new();
                for (key, value) in written {
                    let inner = join(path, &key.name);
                    match defaults.iter().position(|(k, _)| k.name == key.name) {
                        Some(at) => {
                            let (_, default) = defaults.remove(at);
                            if value.kind == NodeKind::Null {
                                continue;
                            }
                            let anchor = colon(&key);
                            merged.push((key, self.merge(default, value, anchor, &inner)));
                        }
                        None => {
                            self.note_lists(&value, &inner);
                            merged.push((key, value));
                        }
                    }
                }
                for (mut key, mut value) in defaults {
                    self.place(&mut key, &mut value, anchor);
                    merged.push((key, value));
                }
                Node {
                    kind: NodeKind::Map(merged),
                    ..node_at(user.line, user.column)
                }
            }
            (_, kind) => {
                let user = Node { kind, ..user };
                self.note_lists(&user, path);
                user
            }
        }
    }

    /// A default moves to `anchor`, key and value, all the way down.
    fn place(&mut self, key: &mut Key, value: &mut Node, anchor: (u32, u32)) {
        if !self.anchors.contains(&anchor) {
            self.anchors.push(anchor);
        }
        (key.line, key.column, key.used_line) = (anchor.0, anchor.1, anchor.0);
        relocate(value, anchor);
    }

    fn note_lists(&mut self, node: &Node, path: &str) {
        match &node.kind {
            NodeKind::Seq(_) => self.lists.push((path.to_string(), node.line, node.column)),
            NodeKind::Map(entries) => {
                for (key, value) in entries {
                    self.note_lists(value, &join(path, &key.name));
                }
            }
            _ => {}
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Just after a key: no value of the user's starts there.
fn colon(key: &Key) -> (u32, u32) {
    let width = u32::try_from(key.name.chars().count()).unwrap_or(0);
    (key.line, key.column + width)
}

fn relocate(node: &mut Node, (line, column): (u32, u32)) {
    (node.line, node.column, node.used_line) = (line, column, line);
    match &mut node.kind {
        NodeKind::Seq(items) => items.iter_mut().for_each(|i| relocate(i, (line, column))),
        NodeKind::Map(entries) => {
            for (key, value) in entries {
                (key.line, key.column, key.used_line) = (line, column, line);
                relocate(value, (line, column));
            }
        }
        _ => {}
    }
}

fn node_at(line: u32, column: u32) -> Node {
    Node {
        kind: NodeKind::Null,
        line,
        column,
        used_line: line,
    }
}

fn scalar(text: &str, (line, column): (u32, u32)) -> Node {
    Node {
        kind: NodeKind::Scalar(text.to_string()),
        ..node_at(line, column)
    }
}

fn key(name: &str, (line, column): (u32, u32)) -> Key {
    Key {
        name: name.to_string(),
        line,
        column,
        used_line: line,
    }
}

fn map(entries: Vec<(&str, Node)>, at: (u32, u32)) -> Node {
    Node {
        kind: NodeKind::Map(
            entries
                .into_iter()
                .map(|(name, value)| (key(name, (value.line, value.column)), value))
                .collect(),
        ),
        ..node_at(at.0, at.1)
    }
}

fn seq(items: Vec<Node>, at: (u32, u32)) -> Node {
    Node {
        kind: NodeKind::Seq(items),
        ..node_at(at.0, at.1)
    }
}

fn position(node: &Node) -> (u32, u32) {
    (node.line, node.column)
}

/// What rendering one release adds to the workspace: its objects and workload, and its config
/// file by workspace name.
pub struct Rendered {
    pub release: ChartRelease,
    pub config: Option<(String, ConfigNode)>,
}

/// Renders one release: merges its values over the chart's defaults, and adds the collector's
/// pod template, container (a workload) and Service to `out`.
pub fn render(
    file: &Arc<str>,
    found: ChartValues,
    default_namespace: &str,
    out: &mut ManifestFile,
) -> Rendered {
    let defaults: &ChartDefaults = chart::defaults(found.version);
    let default_root = yaml::parse(defaults.values).unwrap_or_else(|_| node_at(1, 1));
    // Defaults the user did not write at all: at the key the values are under, else at the
    // values' first key.
    let root_anchor = match (&found.under, &found.values) {
        (Some(key), _) => colon(key),
        (None, Some(values)) => values
            .entries()
            .and_then(|e| e.first())
            .map_or((1, 1), |(k, _)| colon(k)),
        (None, None) => (found.origin.line, found.origin.column),
    };
    let mut coalesce = Coalesce {
        anchors: Vec::new(),
        lists: Vec::new(),
    };
    let user = found
        .values
        .clone()
        .unwrap_or_else(|| map(Vec::new(), root_anchor));
    let mut default_root = default_root;
    if found.values.is_none() {
        relocate(&mut default_root, root_anchor);
        coalesce.anchors.push(root_anchor);
    }
    let values = coalesce.merge(default_root, user, root_anchor, "");
    let at = |(line, column): (u32, u32)| Location::new(file, line, column);
    let text_of = |path: &[&str]| scalar_at(&values, path).filter(|s| !s.is_empty());

    let mut refusals = Vec::new();
    let mode_at = values.get("mode").map_or(root_anchor, position);
    let mode = text_of(&["mode"]).map(|m| (m.to_string(), at(mode_at)));
    match &mode {
        None => refusals.push((
            "`mode` is not set: the chart refuses to render (\"[ERROR] 'mode' must be set\")"
                .to_string(),
            found.origin.clone(),
        )),
        Some((written, location)) if !chart::MODES.contains(&written.as_str()) => {
            refusals.push((
                format!(
                    "`mode: {written}` is not one the chart renders ({}): no collector is deployed",
                    chart::MODES.join(", ")
                ),
                location.clone(),
            ));
        }
        Some(_) => {}
    }
    let repository = text_of(&["image", "repository"]).map(|r| {
        let node = values.get("image").and_then(|i| i.get("repository"));
        (r.to_string(), at(node.map_or(root_anchor, position)))
    });
    let image_required = found
        .version
        .is_none_or(|version| version >= chart::IMAGE_REQUIRED_SINCE);
    if repository.is_none() && image_required {
        refusals.push((
            "`image.repository` is not set: the chart refuses to render since 0.89.0 (\"[ERROR] 'image.repository' must be set\")".to_string(),
            found.origin.clone(),
        ));
    }

    let name = text_of(&["nameOverride"])
        .unwrap_or(&found.name)
        .to_string();
    let fullname = match (text_of(&["fullnameOverride"]), &found.release) {
        (Some(full), _) => Some(chart::fullname(Some(full), "", &name)),
        (None, Some(release)) => Some(chart::fullname(None, release, &name)),
        (None, None) => None,
    };
    let namespace = text_of(&["namespaceOverride"])
        .map(str::to_string)
        .or_else(|| found.namespace.clone());
    let shown_name = fullname
        .clone()
        .unwrap_or_else(|| chart::fullname(None, chart::CHART, &name));
    let kind = match mode.as_ref().map(|(m, _)| m.as_str()) {
        Some("daemonset") => "DaemonSet",
        Some("statefulset") => "StatefulSet",
        _ => "Deployment",
    };
    let host_network = text_of(&["hostNetwork"]) == Some("true");
    let ports = chart_ports(file, values.get("ports"));

    let mut config = match values.get("alternateConfig") {
        Some(alternate) if alternate.entries().is_some_and(|e| !e.is_empty()) => alternate.clone(),
        _ => values
            .get("config")
            .cloned()
            .unwrap_or_else(|| node_at(root_anchor.0, root_anchor.1)),
    };
    let presets = PresetContext {
        configs: defaults.presets,
        namespace: namespace.as_deref().unwrap_or(default_namespace),
        fullname: &shown_name,
        daemonset: kind == "DaemonSet",
    };
    apply_presets(&values, &mut config, &mut coalesce.anchors, &presets);
    let rewrite = text_of(&["rewriteDeprecatedComponentNames"]) != Some("false");
    if rewrite {
        for rename in chart::RENAMES
            .iter()
            .filter(|r| found.version.is_none_or(|v| v >= r.since))
        {
            apply_rename(&mut config, rename.section, rename.old, rename.new);
        }
    }

    let config_map = text_of(&["configMap", "existingName"]);
    let creates_config = text_of(&["configMap", "create"]) != Some("false");
    let config_at = values
        .entries()
        .and_then(|e| e.iter().find(|(k, _)| k.name == "config"))
        .map_or(root_anchor, |(k, _)| (k.line, k.column));
    let origin = position_of(&found.origin);
    let workload_namespace = namespace.as_deref().unwrap_or(default_namespace);
    let object = Object {
        kind: kind.to_string(),
        name: shown_name.clone(),
        namespace: workload_namespace.to_string(),
        location: found.origin.clone(),
    };
    let workload = format!("{}/{}", object.reference(), chart::CONTAINER);
    let document = pod_document(PodParts {
        values: &values,
        name: &name,
        release: found.release.as_deref().unwrap_or(chart::CHART),
        // Without a repository the chart refuses to render (helm/values-invalid); the rest is
        // judged as the hint leaves it, with the image the hint names.
        image: image(&values, defaults).or_else(|| {
            Some(scalar(
                &format!("{}:{}", chart::SUGGESTED_IMAGE, defaults.app_version),
                origin,
            ))
        }),
        args_at: config_at,
        config_map: config_map.filter(|_| !creates_config),
        reads_config: creates_config || config_map.is_some(),
        node_local: kind == "DaemonSet",
        origin,
    });
    let reader = Reader {
        file,
        default_namespace,
        origins: &Origins::default(),
    };
    let before = out.workloads.len();
    reader.pod(
        object.clone(),
        &document,
        document.get("spec").and_then(|s| s.get("template")),
        out,
    );
    let config_file = config_map_file(workload_namespace, &shown_name, "relay");
    if creates_config && let Some(spec) = out.workloads.get_mut(before) {
        spec.volumes.push(Volume {
            source: Some(Text {
                value: config_file.clone(),
                raw: config_file.clone(),
                location: at(config_at),
                uses: Vec::new(),
                interpolated: true,
            }),
            target: chart::CONFIG_PATH.to_string(),
            bind: true,
            long_syntax: false,
            location: at(config_at),
        });
    }
    let service_enabled = match text_of(&["service", "enabled"]) {
        Some(enabled) => enabled == "true",
        None => kind != "DaemonSet",
    };
    if service_enabled {
        out.manifests.services.push(super::Service {
            object: Object {
                kind: "Service".to_string(),
                ..object.clone()
            },
            selector: vec![
                ("app.kubernetes.io/name".to_string(), name.clone()),
                (
                    "app.kubernetes.io/instance".to_string(),
                    found.release.clone().unwrap_or_else(|| chart::CHART.into()),
                ),
            ],
            ports: ports
                .iter()
                .filter(|p| p.enabled)
                .filter_map(|p| p.container_port)
                .collect(),
        });
    }
    let release = ChartRelease {
        origin: found.origin.clone(),
        file: Arc::clone(file),
        fullname,
        name,
        namespace,
        workload,
        defaults_from: defaults.recorded_from,
        version: found.version,
        mode,
        image_repository: repository,
        ports,
        host_network,
        default_anchors: coalesce.anchors.iter().map(|a| at(*a)).collect(),
        user_lists: coalesce
            .lists
            .iter()
            .filter_map(|(path, line, column)| {
                let inner = path.strip_prefix("config.")?;
                Some((inner.to_string(), at((*line, *column))))
            })
            .collect(),
        refusals,
    };
    let config = creates_config.then(|| (config_file, collector::from_yaml(file, config)));
    Rendered { release, config }
}

fn position_of(location: &Location) -> (u32, u32) {
    (location.line, location.column)
}

/// The image as the chart writes it: `repository:tag` (the tag defaults to the chart's
/// appVersion), or `repository@digest`; before chart 0.89.0 the repository had a default.
fn image(values: &Node, defaults: &ChartDefaults) -> Option<Node> {
    let image = values.get("image")?;
    let repository = image.get("repository")?;
    let name = repository.as_scalar().filter(|r| !r.is_empty())?;
    let written = |key: &str| {
        image
            .get(key)
            .and_then(Node::as_scalar)
            .filter(|s| !s.is_empty())
    };
    let reference = match (written("digest"), written("tag")) {
        (Some(digest), _) => format!("{name}@{digest}"),
        (None, Some(tag)) => format!("{name}:{tag}"),
        (None, None) => format!("{name}:{}", defaults.app_version),
    };
    Some(scalar(&reference, position(repository)))
}

struct PodParts<'a> {
    values: &'a Node,
    name: &'a str,
    release: &'a str,
    image: Option<Node>,
    args_at: (u32, u32),
    config_map: Option<&'a str>,
    reads_config: bool,
    node_local: bool,
    origin: (u32, u32),
}

/// The collector's workload as the chart's `_pod.tpl` writes it, as a manifest document that
/// the manifest reader reads like any other: labels, container, args, ports (a `hostPort` in
/// daemonset mode), the chart's env (`MY_POD_IP`, ... from the downward API) then
/// `extraEnvs`, and `hostNetwork`.
fn pod_document(parts: PodParts<'_>) -> Node {
    let origin = parts.origin;
    let values = parts.values;
    let field_ref = |name: &str, path: &str| {
        map(
            vec![
                ("name", scalar(name, origin)),
                (
                    "valueFrom",
                    map(
                        vec![(
                            "fieldRef",
                            map(vec![("fieldPath", scalar(path, origin))], origin),
                        )],
                        origin,
                    ),
                ),
            ],
            origin,
        )
    };
    let mut env = vec![
        field_ref("MY_POD_IP", "status.podIP"),
        field_ref("OTEL_K8S_NODE_NAME", "spec.nodeName"),
        field_ref("OTEL_K8S_NODE_IP", "status.hostIP"),
        field_ref("OTEL_K8S_NAMESPACE", "metadata.namespace"),
        field_ref("OTEL_K8S_POD_NAME", "metadata.name"),
        field_ref("OTEL_K8S_POD_IP", "status.podIP"),
    ];
    // The node's name and IP for the presets that read them: `${env:K8S_NODE_IP}` in the
    // kubeletstats receiver, `node_from_env_var: K8S_NODE_NAME` in daemonset mode (`_pod.tpl`;
    // chart 0.88.0 sets K8S_NODE_NAME only, which its kubeletstats endpoint reads).
    let enabled = |preset: &str| scalar_at(values, &["presets", preset, "enabled"]) == Some("true");
    if enabled("kubeletMetrics") || (enabled("kubernetesAttributes") && parts.node_local) {
        env.push(field_ref("K8S_NODE_NAME", "spec.nodeName"));
        env.push(field_ref("K8S_NODE_IP", "status.hostIP"));
    }
    if let Some(NodeKind::Seq(extra)) = values.get("extraEnvs").map(|e| &e.kind) {
        env.extend(extra.iter().cloned());
    }
    let mut args = vec![];
    if parts.reads_config {
        args.push(scalar(
            &format!("--config={}", chart::CONFIG_PATH),
            parts.args_at,
        ));
    }
    if let Some(NodeKind::Seq(extra)) = values
        .get("command")
        .and_then(|c| c.get("extraArgs"))
        .map(|e| &e.kind)
    {
        args.extend(extra.iter().cloned());
    }
    let ports = match values.get("ports").and_then(Node::entries) {
        Some(entries) => entries
            .iter()
            .filter(|(_, port)| scalar_at(port, &["enabled"]) == Some("true"))
            .filter_map(|(_, port)| {
                let container_port = port.get("containerPort")?;
                let mut fields = vec![("containerPort", container_port.clone())];
                if let Some(protocol) = port.get("protocol") {
                    fields.push(("protocol", protocol.clone()));
                }
                if parts.node_local
                    && let Some(host_port) =
                        port.get("hostPort").filter(|h| h.as_scalar().is_some())
                {
                    fields.push(("hostPort", host_port.clone()));
                }
                Some(map(fields, position(container_port)))
            })
            .collect(),
        None => Vec::new(),
    };
    let mut container = vec![
        ("name", scalar(chart::CONTAINER, origin)),
        ("args", seq(args, parts.args_at)),
        ("env", seq(env, origin)),
        ("ports", seq(ports, origin)),
    ];
    if let Some(image) = parts.image {
        container.push(("image", image));
    }
    let mut pod_spec = vec![("containers", seq(vec![map(container, origin)], origin))];
    if let Some(host_network) = values.get("hostNetwork") {
        pod_spec.push(("hostNetwork", host_network.clone()));
    }
    if let Some(config_map) = parts.config_map {
        // `configMap.existingName`: the chart mounts that ConfigMap's `relay` key instead.
        let volume = map(
            vec![
                ("name", scalar("opentelemetry-collector-configmap", origin)),
                (
                    "configMap",
                    map(
                        vec![
                            ("name", scalar(config_map, origin)),
                            (
                                "items",
                                seq(
                                    vec![map(
                                        vec![
                                            ("key", scalar("relay", origin)),
                                            ("path", scalar("relay.yaml", origin)),
                                        ],
                                        origin,
                                    )],
                                    origin,
                                ),
                            ),
                        ],
                        origin,
                    ),
                ),
            ],
            origin,
        );
        pod_spec.push(("volumes", seq(vec![volume], origin)));
        if let Some((_, container)) = pod_spec.first_mut()
            && let NodeKind::Seq(items) = &mut container.kind
            && let Some(NodeKind::Map(fields)) = items.first_mut().map(|c| &mut c.kind)
        {
            let mount = map(
                vec![
                    ("name", scalar("opentelemetry-collector-configmap", origin)),
                    ("mountPath", scalar("/conf", origin)),
                ],
                origin,
            );
            fields.push((key("volumeMounts", origin), seq(vec![mount], origin)));
        }
    }
    let labels = map(
        vec![
            ("app.kubernetes.io/name", scalar(parts.name, origin)),
            ("app.kubernetes.io/instance", scalar(parts.release, origin)),
        ],
        origin,
    );
    let template = map(
        vec![
            ("metadata", map(vec![("labels", labels)], origin)),
            ("spec", map(pod_spec, origin)),
        ],
        origin,
    );
    map(
        vec![("spec", map(vec![("template", template)], origin))],
        origin,
    )
}

/// `ports:` entries, enabled or not.
fn chart_ports(file: &Arc<str>, ports: Option<&Node>) -> Vec<ChartPort> {
    let number = |port: &Node, key: &str| -> Option<u16> { scalar_at(port, &[key])?.parse().ok() };
    ports
        .and_then(Node::entries)
        .unwrap_or_default()
        .iter()
        .map(|(key, port)| ChartPort {
            name: key.name.clone(),
            enabled: scalar_at(port, &["enabled"]) == Some("true"),
            container_port: number(port, "containerPort"),
            host_port: number(port, "hostPort"),
            protocol: scalar_at(port, &["protocol"]).unwrap_or("TCP").to_string(),
            location: Location::new(file, key.line, key.column),
        })
        .collect()
}

/// What the presets' configs depend on: the chart version's table of them, and the release.
struct PresetContext<'a> {
    configs: &'static str,
    namespace: &'a str,
    fullname: &'a str,
    daemonset: bool,
}

impl PresetContext<'_> {
    /// Each preset's component config as the chart writes it for this release, by preset key.
    fn table(&self) -> Option<Node> {
        let text = self
            .configs
            .replace("{namespace}", self.namespace)
            .replace("{fullname}", self.fullname);
        yaml::parse(&text).ok()
    }
}

/// A preset's component config as the chart writes it, placed at `anchor`, with the two
/// settings of the preset that change it (`_config.tpl`): `kubernetesAttributes` in daemonset
/// mode keeps to the node's pods (`filter.node_from_env_var: K8S_NODE_NAME`), and
/// `logsCollection` with `includeCollectorLogs: true` excludes nothing, the collector's own
/// logs included (its empty `exclude` is placed at that setting, which decides it).
fn preset_config(
    table: Option<&Node>,
    preset: &chart::Preset,
    settings: &Node,
    context: &PresetContext<'_>,
    anchor: (u32, u32),
) -> Option<Node> {
    let mut config = table?.get(preset.key)?.get(preset.component)?.clone();
    relocate(&mut config, anchor);
    let NodeKind::Map(entries) = &mut config.kind else {
        return Some(config);
    };
    if preset.key == "kubernetesAttributes" && context.daemonset {
        let filter = map(
            vec![("node_from_env_var", scalar("K8S_NODE_NAME", anchor))],
            anchor,
        );
        entries.insert(0, (key("filter", anchor), filter));
    }
    let include_own = settings
        .get("includeCollectorLogs")
        .filter(|flag| flag.as_scalar() == Some("true"));
    if preset.key == "logsCollection"
        && let Some(flag) = include_own
        && let Some((_, exclude)) = entries.iter_mut().find(|(k, _)| k.name == "exclude")
    {
        *exclude = seq(Vec::new(), position(flag));
    }
    Some(config)
}

/// What the enabled presets add: each one's component with the config the chart gives it
/// (under what the values write for that component, which wins key by key: `mustMergeOverwrite`
/// in `_config.tpl`), listed in the pipelines it feeds (a processor first, a receiver last);
/// what the values do not write is placed at the preset's key.
fn apply_presets(
    values: &Node,
    config: &mut Node,
    anchors: &mut Vec<(u32, u32)>,
    context: &PresetContext<'_>,
) {
    let Some(presets) = values.get("presets").and_then(Node::entries) else {
        return;
    };
    let table = context.table();
    for preset in &chart::PRESETS {
        let Some((preset_key, settings)) = presets.iter().find(|(k, _)| k.name == preset.key)
        else {
            continue;
        };
        if scalar_at(settings, &["enabled"]) != Some("true") {
            continue;
        }
        let anchor = colon(preset_key);
        if !anchors.contains(&anchor) {
            anchors.push(anchor);
        }
        let section = child_map(config, preset.section, anchor);
        let default = preset_config(table.as_ref(), preset, settings, context, anchor)
            .unwrap_or_else(|| map(Vec::new(), anchor));
        if let NodeKind::Map(entries) = &mut section.kind {
            match entries.iter().position(|(k, _)| k.name == preset.component) {
                // `filelog:` with nothing under it takes the preset's config whole.
                Some(at) if entries[at].1.kind == NodeKind::Null => entries[at].1 = default,
                Some(at) => {
                    let written =
                        std::mem::replace(&mut entries[at].1, node_at(anchor.0, anchor.1));
                    let mut coalesce = Coalesce {
                        anchors: Vec::new(),
                        lists: Vec::new(),
                    };
                    entries[at].1 = coalesce.merge(default, written, anchor, "");
                    for placed in coalesce.anchors {
                        if !anchors.contains(&placed) {
                            anchors.push(placed);
                        }
                    }
                }
                None => entries.push((key(preset.component, anchor), default)),
            }
        }
        let Some(pipelines) = config.get("service").and_then(|s| s.get("pipelines")) else {
            continue;
        };
        let existing: Vec<String> = pipelines
            .entries()
            .unwrap_or_default()
            .iter()
            .map(|(k, _)| k.name.clone())
            .collect();
        for pipeline in preset
            .pipelines
            .iter()
            .filter(|p| existing.iter().any(|e| e == *p))
        {
            let service = child_map(config, "service", anchor);
            let pipelines = child_map(service, "pipelines", anchor);
            let pipeline = child_map(pipelines, pipeline, anchor);
            let list = child_seq(pipeline, preset.section, anchor);
            if let NodeKind::Seq(items) = &mut list.kind
                && !items
                    .iter()
                    .any(|i| i.as_scalar() == Some(preset.component))
            {
                let item = scalar(preset.component, anchor);
                if preset.section == "processors" {
                    items.insert(0, item);
                } else {
                    items.push(item);
                }
            }
        }
    }
}

fn child_map<'n>(node: &'n mut Node, name: &str, anchor: (u32, u32)) -> &'n mut Node {
    child(node, name, anchor, || map(Vec::new(), anchor))
}

fn child_seq<'n>(node: &'n mut Node, name: &str, anchor: (u32, u32)) -> &'n mut Node {
    child(node, name, anchor, || seq(Vec::new(), anchor))
}

fn child<'n>(
    node: &'n mut Node,
    name: &str,
    anchor: (u32, u32),
    empty: impl Fn() -> Node,
) -> &'n mut Node {
    if !matches!(node.kind, NodeKind::Map(_)) {
        node.kind = NodeKind::Map(Vec::new());
    }
    let NodeKind::Map(entries) = &mut node.kind else {
        unreachable!("made a map above")
    };
    let at = match entries.iter().position(|(k, _)| k.name == name) {
        Some(at) => at,
        None => {
            entries.push((key(name, anchor), empty()));
            entries.len() - 1
        }
    };
    let value = &mut entries[at].1;
    if value.kind == NodeKind::Null {
        *value = empty();
        (value.line, value.column) = anchor;
    }
    value
}

/// The chart's rewrite of a deprecated component name (`rewriteDeprecatedComponentNames`):
/// `old` and `old/x` become `new` and `new/x`, in the section and in every pipeline's list.
fn apply_rename(config: &mut Node, section: &str, old: &str, new: &str) {
    let renamed = |name: &str| -> Option<String> {
        if name == old {
            Some(new.to_string())
        } else {
            name.strip_prefix(old)
                .and_then(|rest| rest.strip_prefix('/'))
                .map(|rest| format!("{new}/{rest}"))
        }
    };
    if let NodeKind::Map(entries) = &mut config.kind {
        for (key, value) in entries.iter_mut() {
            if key.name == section
                && let NodeKind::Map(components) = &mut value.kind
            {
                for (component, _) in components.iter_mut() {
                    if let Some(name) = renamed(&component.name) {
                        component.name = name;
                    }
                }
            }
        }
    }
    let pipelines = config
        .get("service")
        .and_then(|s| s.get("pipelines"))
        .is_some();
    if !pipelines {
        return;
    }
    let anchor = (config.line, config.column);
    let pipelines = child_map(child_map(config, "service", anchor), "pipelines", anchor);
    if let NodeKind::Map(entries) = &mut pipelines.kind {
        for (_, pipeline) in entries.iter_mut() {
            if let Some(NodeKind::Seq(items)) = pipeline
                .entries()
                .and_then(|e| e.iter().position(|(k, _)| k.name == section))
                .and_then(|at| match &mut pipeline.kind {
                    NodeKind::Map(fields) => Some(&mut fields[at].1.kind),
                    _ => None,
                })
            {
                for item in items.iter_mut() {
                    if let NodeKind::Scalar(name) = &mut item.kind
                        && let Some(new_name) = renamed(name)
                    {
                        *name = new_name;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(text: &str) -> Rendered {
        let file: Arc<str> = "values.yaml".into();
        let found = find(&file, text, None).pop().expect("values found");
        render(&file, found, "default", &mut ManifestFile::default())
    }

    fn list(config: &ConfigNode, path: &[&str]) -> Vec<String> {
        let node = path.iter().try_fold(config, |n, k| n.get(k)).unwrap();
        node.items()
            .iter()
            .map(|i| format!("{}@{}", i.as_scalar().unwrap(), i.location))
            .collect()
    }

    #[test]
    fn lists_replace_maps_merge_and_null_deletes() {
        let rendered = rendered(
            "mode: deployment\nimage:\n  repository: otel/opentelemetry-collector-k8s\nconfig:\n  receivers:\n    jaeger: null\n  exporters:\n    otlp/honeycomb:\n      endpoint: api.honeycomb.io:443\n  service:\n    pipelines:\n      metrics:\n        exporters: [otlp/honeycomb]\n",
        );
        let (name, config) = rendered.config.unwrap();
        assert_eq!(name, "configmap/default/opentelemetry-collector/relay");
        let receivers: Vec<&str> = config
            .get("receivers")
            .unwrap()
            .entries()
            .iter()
            .map(|e| e.key.as_str())
            .collect();
        assert!(!receivers.contains(&"jaeger"));
        assert!(receivers.contains(&"otlp"));
        // The user's metrics list replaced the chart's; traces kept the chart's, placed at the
        // colon of `pipelines:` (line 11, column 5 + 9).
        assert_eq!(
            list(&config, &["service", "pipelines", "metrics", "exporters"]),
            ["otlp/honeycomb@values.yaml:13:21"]
        );
        assert_eq!(
            list(&config, &["service", "pipelines", "traces", "exporters"]),
            ["debug@values.yaml:11:14"]
        );
        let release = rendered.release;
        assert!(release.is_default_at(&Location::new(&"values.yaml".into(), 11, 14)));
        assert_eq!(
            release.user_lists,
            [(
                "service.pipelines.metrics.exporters".to_string(),
                Location::new(&"values.yaml".into(), 13, 20)
            )]
        );
        assert!(release.refusals.is_empty());
    }

    #[test]
    fn presets_and_renames_follow_the_chart() {
        let rendered = rendered(
            "mode: daemonset\nimage:\n  repository: otel/opentelemetry-collector-k8s\npresets:\n  kubernetesAttributes:\n    enabled: true\n",
        );
        let (_, config) = rendered.config.unwrap();
        let processors: Vec<String> =
            list(&config, &["service", "pipelines", "traces", "processors"])
                .into_iter()
                .map(|p| p.split('@').next().unwrap().to_string())
                .collect();
        assert_eq!(processors, ["k8s_attributes", "memory_limiter", "batch"]);
        assert!(
            config
                .get("processors")
                .unwrap()
                .get("k8s_attributes")
                .is_some()
        );
    }

    #[test]
    fn presets_carry_the_config_the_chart_gives_them_under_the_values() {
        let file: Arc<str> = "values.yaml".into();
        let text = "mode: daemonset\nimage:\n  repository: otel/opentelemetry-collector-k8s\npresets:\n  kubeletMetrics:\n    enabled: true\n  kubernetesAttributes:\n    enabled: true\n  logsCollection:\n    enabled: true\nconfig:\n  receivers:\n    kubeletstats:\n      collection_interval: 30s\n";
        let found = find(&file, text, None).pop().expect("values found");
        let mut out = ManifestFile::default();
        let rendered = render(&file, found, "default", &mut out);
        let (_, config) = rendered.config.unwrap();
        let at = |path: &[&str]| {
            let node = path.iter().try_fold(&config, |n, k| n.get(k)).unwrap();
            format!("{}@{}", node.as_scalar().unwrap_or("-"), node.location)
        };
        // The values' key wins; what they leave out is the preset's, at the preset's key.
        let kubelet = ["receivers", "kubeletstats"];
        assert_eq!(
            at(&[&kubelet[..], &["collection_interval"]].concat()),
            "30s@values.yaml:14:28"
        );
        assert_eq!(
            at(&[&kubelet[..], &["endpoint"]].concat()),
            "${env:K8S_NODE_IP}:10250@values.yaml:5:17"
        );
        // Daemonset mode keeps k8sattributes to the node's pods (renamed since 0.162.0).
        assert_eq!(
            at(&[
                "processors",
                "k8s_attributes",
                "filter",
                "node_from_env_var"
            ]),
            "K8S_NODE_NAME@values.yaml:7:23"
        );
        assert_eq!(
            list(&config, &["receivers", "file_log", "exclude"]),
            [
                "/var/log/pods/default_opentelemetry-collector*_*/opentelemetry-collector/*.log@values.yaml:9:17"
            ]
        );
        // The variables those configs read are in the collector's container (`_pod.tpl`).
        let env: Vec<&str> = out.workloads[0]
            .environment
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        assert!(env.contains(&"K8S_NODE_IP") && env.contains(&"K8S_NODE_NAME"));
    }

    #[test]
    fn the_chart_refuses_values_without_mode_or_image() {
        let file: Arc<str> = "values.yaml".into();
        let found = ChartValues {
            values: yaml::parse("config: {}\n").ok(),
            under: None,
            origin: Location::new(&file, 1, 1),
            release: Some("otel".into()),
            namespace: None,
            name: chart::CHART.into(),
            version: None,
        };
        let rendered = render(&file, found, "default", &mut ManifestFile::default());
        assert_eq!(rendered.release.refusals.len(), 2);
        assert_eq!(
            rendered.release.fullname.as_deref(),
            Some("otel-opentelemetry-collector")
        );
    }

    #[test]
    fn releases_are_found_in_charts_flux_and_argo() {
        let file: Arc<str> = "x.yaml".into();
        let parent = dependency(
            "apiVersion: v2\nname: app\ndependencies:\n  - name: opentelemetry-collector\n    alias: gateway\n    version: 0.120.0\n",
        )
        .unwrap();
        assert_eq!(parent.key, "gateway");
        let found = find(&file, "gateway:\n  mode: deployment\n", Some(&parent));
        assert_eq!(found[0].version, Version::parse("0.120.0"));
        let flux = find(
            &file,
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: otel\n  namespace: obs\nspec:\n  chart:\n    spec:\n      chart: opentelemetry-collector\n      version: \"0.110.x\"\n  values:\n    mode: deployment\n",
            None,
        );
        assert_eq!(flux[0].release.as_deref(), Some("otel"));
        assert_eq!(flux[0].namespace.as_deref(), Some("obs"));
        let argo = find(
            &file,
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: otel\nspec:\n  destination:\n    namespace: obs\n  source:\n    chart: opentelemetry-collector\n    targetRevision: 0.100.0\n    helm:\n      values: |\n        mode: daemonset\n",
            None,
        );
        let values = argo[0].values.as_ref().unwrap();
        assert_eq!(values.get("mode").unwrap().line, 13);
        assert!(find(&file, "mode: deployment\nreplicas: 2\n", None).is_empty());
        // Values from files of another source are not read: no guess at the merged values.
        let elsewhere = find(
            &file,
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: otel\nspec:\n  sources:\n    - chart: opentelemetry-collector\n      helm:\n        valueFiles: [$values/otel.yaml]\n        valuesObject:\n          nodeSelector: {}\n",
            None,
        );
        assert!(elsewhere.is_empty());
    }
}

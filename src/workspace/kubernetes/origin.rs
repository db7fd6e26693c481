//! Where each value of a rendered stream is written in the user's files. `kustomize build`
//! prints its objects anew (keys sorted, patches merged in), so a finding at a line of its
//! output would name a stream nobody can open or edit; findings point at the files instead.
//!
//! Each rendered object is matched to the object it was built from: the file its
//! `config.kubernetes.io/origin` annotation names when the kustomization asks for it
//! (`buildMetadata: [originAnnotations]`), else the object of the same kind whose name is the
//! rendered one's without `namePrefix`/`nameSuffix`; and to the patches that target it (files,
//! or strategic-merge patches written inline in a kustomization, at their lines there). Then
//! every value points where it is written with that text: the last patch that sets it, else
//! the resource file. A value that no file writes points at the inline JSON patch that writes
//! it, else at the kustomization's field that made it (`images`, `namespace`, `patches`,
//! ...). A generated ConfigMap's values point at their literal or their file.
//!
//! `helm template` marks each object with a `# Source: chart/templates/x.yaml` comment. A
//! template is not YAML, so a value points at the chart's `values.yaml` line that holds the
//! same text when only one does, else at the template's line that writes its key.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::source::Location;

use super::super::yaml::{self, Key, Node, NodeKind};
use super::render::{self, RenderSource, Renderer};

/// A file the rendering read, as the workspace names it.
pub struct Written {
    pub path: PathBuf,
    pub display: Arc<str>,
    pub text: String,
}

/// Where the values at positions of a rendered stream are written.
#[derive(Debug, Default)]
pub struct Origins {
    at: HashMap<(u32, u32), Location>,
}

impl Origins {
    /// Where the node or key at `line:column` of the rendered stream is written.
    pub fn get(&self, line: u32, column: u32) -> Option<&Location> {
        self.at.get(&(line, column))
    }

    fn insert(&mut self, line: u32, column: u32, location: Location) {
        self.at.insert((line, column), location);
    }
}

/// A node of a file.
#[derive(Clone, Copy)]
struct Place<'a> {
    file: &'a Arc<str>,
    node: &'a Node,
}

/// An object of the files: a resource, or a patch to one.
struct FileObject<'a> {
    kind: String,
    name: String,
    namespace: Option<String>,
    path: &'a Path,
    /// The kustomization folder's place in the rendering (the overlay is 0): patches apply
    /// from the deepest base up, so the overlay's win.
    depth: usize,
    written: Place<'a>,
}

/// A kustomization of the rendering, parsed.
struct Kustomization<'a> {
    dir: &'a Path,
    file: &'a Arc<str>,
    text: &'a str,
    document: Node,
}

/// Where the kustomization writes what transforms values no file holds.
struct Transformers<'a> {
    images: Option<Location>,
    namespace: Option<Location>,
    name: Option<Location>,
    patches: Option<Location>,
    /// The text of each patch written inline (`patch: |-`), with where it starts.
    inline: &'a [(InlinePatch<'a>, Vec<Node>)],
}

struct InlinePatch<'a> {
    file: Arc<str>,
    dir: &'a Path,
    first_line: u32,
    indent: u32,
    text: String,
    /// The entry's `target`, which patches whatever the text's own `metadata` says.
    target_kind: Option<String>,
    target_name: Option<String>,
}

impl Transformers<'_> {
    /// Where an inline patch writes `value`.
    fn inline_value(&self, value: &str) -> Option<Location> {
        if value.len() < 3 || value.contains('\n') {
            return None;
        }
        self.inline.iter().find_map(|(patch, _)| {
            patch.text.lines().enumerate().find_map(|(index, line)| {
                let column = line.find(value)?;
                Some(Location::new(
                    &patch.file,
                    patch.first_line + u32::try_from(index).ok()?,
                    patch.indent + u32::try_from(column).ok()? + 1,
                ))
            })
        })
    }
}

/// Where the values of `text` (parsed: `rendered`), rendered from `source`, are written:
/// `files` are the YAML files of its folders; `load` reads another file a kustomize generator
/// names.
pub fn trace(
    text: &str,
    rendered: &[Node],
    source: &RenderSource,
    files: &[Written],
    load: &mut dyn FnMut(&Path) -> Option<Written>,
) -> Origins {
    match source.renderer {
        Renderer::Kustomize => kustomize(rendered, source, files, load),
        Renderer::Helm => helm(text, rendered, source, files),
    }
}

/// Traces a `kustomize build` of `source`: `files` are the YAML files of its folders (resources,
/// patches, kustomizations); `load` reads a file a generator names.
fn kustomize(
    rendered: &[Node],
    source: &RenderSource,
    files: &[Written],
    load: &mut dyn FnMut(&Path) -> Option<Written>,
) -> Origins {
    let parsed: Vec<(&Written, Vec<Node>)> = files
        .iter()
        .filter_map(|file| Some((file, yaml::parse_stream(&file.text).ok()?)))
        .collect();
    let depth_of = |dir: Option<&Path>| {
        dir.and_then(|dir| source.dirs.iter().position(|d| d == dir))
            .unwrap_or(0)
    };
    let mut kustomizations = Vec::new();
    for (file, documents) in &parsed {
        let name = file.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if let (true, Some(dir), Some(document)) = (
            render::KUSTOMIZATION_NAMES.contains(&name),
            file.path.parent(),
            documents.first(),
        ) {
            kustomizations.push(Kustomization {
                dir,
                file: &file.display,
                text: &file.text,
                document: document.clone(),
            });
        }
    }
    // A strategic-merge patch written inline is read as a patch file, at its lines in the
    // kustomization.
    let inline: Vec<(InlinePatch, Vec<Node>)> = kustomizations
        .iter()
        .flat_map(inline_patches)
        .map(|patch| {
            let mut documents = yaml::parse_stream(&patch.text).unwrap_or_default();
            for document in &mut documents {
                document.shift(patch.first_line - 1, patch.indent);
            }
            (patch, documents)
        })
        .collect();
    let mut resources = Vec::new();
    let mut patches = Vec::new();
    for (file, documents) in &parsed {
        if kustomizations
            .iter()
            .any(|k| Arc::ptr_eq(k.file, &file.display))
        {
            continue;
        }
        let partial = source.is_partial(&file.path);
        for document in documents {
            let Some(object) = file_object(file, document, depth_of(file.path.parent())) else {
                continue;
            };
            if partial {
                patches.push(object);
            } else {
                resources.push(object);
            }
        }
    }
    for (patch, documents) in &inline {
        for document in documents {
            let Some((kind, name)) = kind_and_name(document) else {
                continue;
            };
            patches.push(FileObject {
                kind: patch
                    .target_kind
                    .clone()
                    .unwrap_or_else(|| kind.to_string()),
                name: patch
                    .target_name
                    .clone()
                    .unwrap_or_else(|| name.to_string()),
                namespace: None,
                path: patch.dir,
                depth: depth_of(Some(patch.dir)),
                written: Place {
                    file: &patch.file,
                    node: document,
                },
            });
        }
    }
    retarget_patches(&kustomizations, &mut patches);
    patches.sort_by_key(|patch| std::cmp::Reverse(patch.depth));
    // The overlay's kustomization first: its transformers are the ones a user edits.
    kustomizations.sort_by_key(|k| source.dirs.iter().position(|d| d == k.dir));
    let transformers = transformers(&kustomizations, &inline);
    let mut origins = Origins::default();
    for document in rendered {
        let Some((kind, name)) = kind_and_name(document) else {
            continue;
        };
        let namespace = metadata(document, "namespace");
        let from = annotated_origin(document).map(|path| {
            let overlay = source.dirs.first().map_or(Path::new(""), PathBuf::as_path);
            render::joined(overlay, &path)
        });
        let base = best_match(
            resources
                .iter()
                .filter(|r| r.kind == kind && from.as_deref().is_none_or(|p| p == r.path)),
            name,
            namespace,
        );
        let applied: Vec<Place> = patches
            .iter()
            .filter(|p| p.kind == kind && renamed_from(name, &p.name))
            .map(|p| p.written)
            .collect();
        let mut tracer = Tracer {
            origins: &mut origins,
            transformers: &transformers,
        };
        match base {
            Some(base) => {
                tracer.walk(
                    document,
                    Some(base.written),
                    &applied,
                    &mut Vec::new(),
                    None,
                );
            }
            None if kind == "ConfigMap" || kind == "Secret" => {
                if let Some((entry, kustomization)) = generator(&kustomizations, kind, name) {
                    tracer.generated(document, entry, kustomization, load);
                }
            }
            None => {
                tracer.walk(document, None, &applied, &mut Vec::new(), None);
            }
        }
    }
    origins
}

/// Traces a `helm template` of the chart in `source.dir`: `text` is its output, `files` the
/// chart's YAML files (templates and `values.yaml`).
fn helm(text: &str, rendered: &[Node], source: &RenderSource, files: &[Written]) -> Origins {
    let values: Vec<(&Arc<str>, Node)> = files
        .iter()
        .filter(|f| f.path == source.dir.join("values.yaml"))
        .filter_map(|f| Some((&f.display, yaml::parse(&f.text).ok()?)))
        .collect();
    let mut by_text: HashMap<&str, Vec<Location>> = HashMap::new();
    for (file, node) in &values {
        scalars(node, &mut |text, node| {
            by_text
                .entry(text)
                .or_default()
                .push(Location::new(file, node.line, node.column));
        });
    }
    // `# Source: <chart>/templates/x.yaml` before each document, the chart named by its folder.
    let mut sources: Vec<(u32, &Written)> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let Some(path) = line.strip_prefix("# Source: ") else {
            continue;
        };
        let within = path.trim().split_once('/').map_or("", |(_, rest)| rest);
        if let Some(file) = files.iter().find(|f| f.path == source.dir.join(within)) {
            sources.push((u32::try_from(index + 1).unwrap_or(u32::MAX), file));
        }
    }
    let mut origins = Origins::default();
    for document in rendered {
        let template = sources
            .iter()
            .rev()
            .find(|(line, _)| *line < document.line)
            .map(|(_, file)| *file);
        let mut visit = |key: Option<&Key>, node: &Node| {
            let unique_value = node
                .as_scalar()
                .filter(|text| text.len() >= 3)
                .and_then(|text| match by_text.get(text).map(Vec::as_slice) {
                    Some([only]) => Some(only.clone()),
                    _ => None,
                });
            let location = unique_value.or_else(|| {
                let template = template?;
                let name = key.map_or("", |k| k.name.as_str());
                template_line(template, name, node.as_scalar())
            });
            if let Some(location) = location {
                if let Some(key) = key {
                    origins.insert(key.line, key.column, location.clone());
                }
                origins.insert(node.line, node.column, location);
            }
        };
        each_entry(document, None, &mut visit);
    }
    origins
}

/// The template's line that writes `value` literally, else the one line that writes `key:`,
/// else its first line.
fn template_line(template: &Written, key: &str, value: Option<&str>) -> Option<Location> {
    let at = |index: usize, column: usize| {
        Location::new(
            &template.display,
            u32::try_from(index + 1).unwrap_or(u32::MAX),
            u32::try_from(column + 1).unwrap_or(u32::MAX),
        )
    };
    let lines: Vec<&str> = template.text.lines().collect();
    let literal = value
        .filter(|v| v.len() >= 3 && !v.contains('\n'))
        .and_then(|value| {
            lines
                .iter()
                .enumerate()
                .find_map(|(i, line)| line.find(value).map(|column| at(i, column)))
        });
    let keyed = || {
        let pattern = format!("{key}:");
        let mut found = lines.iter().enumerate().filter_map(|(i, line)| {
            let column = line.find(&pattern)?;
            let before = &line[..column];
            before
                .chars()
                .all(|c| c == ' ' || c == '-')
                .then(|| at(i, column))
        });
        match (found.next(), found.next()) {
            (Some(only), None) if !key.is_empty() => Some(only),
            _ => None,
        }
    };
    literal
        .or_else(keyed)
        .or_else(|| Some(Location::file_start(&template.display)))
}

/// Every scalar of a tree with its text.
fn scalars<'a>(node: &'a Node, visit: &mut dyn FnMut(&'a str, &'a Node)) {
    match &node.kind {
        NodeKind::Scalar(text) => visit(text, node),
        NodeKind::Seq(items) => items.iter().for_each(|item| scalars(item, visit)),
        NodeKind::Map(entries) => entries.iter().for_each(|(_, value)| scalars(value, visit)),
        NodeKind::Null => {}
    }
}

/// Every node of a tree, with the key it is the value of.
fn each_entry<'a>(
    node: &'a Node,
    key: Option<&'a Key>,
    visit: &mut dyn FnMut(Option<&'a Key>, &'a Node),
) {
    visit(key, node);
    match &node.kind {
        NodeKind::Seq(items) => items.iter().for_each(|item| each_entry(item, key, visit)),
        NodeKind::Map(entries) => entries
            .iter()
            .for_each(|(key, value)| each_entry(value, Some(key), visit)),
        _ => {}
    }
}

fn kind_and_name(document: &Node) -> Option<(&str, &str)> {
    Some((
        document.get("kind")?.as_scalar()?,
        metadata(document, "name")?,
    ))
}

fn metadata<'a>(document: &'a Node, field: &str) -> Option<&'a str> {
    document.get("metadata")?.get(field)?.as_scalar()
}

fn file_object<'a>(file: &'a Written, document: &'a Node, depth: usize) -> Option<FileObject<'a>> {
    let (kind, name) = kind_and_name(document)?;
    Some(FileObject {
        kind: kind.to_string(),
        name: name.to_string(),
        namespace: metadata(document, "namespace").map(str::to_string),
        path: &file.path,
        depth,
        written: Place {
            file: &file.display,
            node: document,
        },
    })
}

/// The `path` of `config.kubernetes.io/origin`, relative to the rendered folder.
fn annotated_origin(document: &Node) -> Option<String> {
    let text = document
        .get("metadata")?
        .get("annotations")?
        .get("config.kubernetes.io/origin")?
        .as_scalar()?;
    let origin = yaml::parse(text).ok()?;
    origin.get("path")?.as_scalar().map(str::to_string)
}

/// Whether an object named `original` in the files can be the rendered `name`: the same, or
/// with a `namePrefix`, a `nameSuffix` or a generator's hash around it.
fn renamed_from(name: &str, original: &str) -> bool {
    !original.is_empty() && name.contains(original)
}

/// The file object `name` was built from: the same name, else the longest it contains; of
/// those, one in the same namespace (kustomize's `namespace:` may have moved it).
fn best_match<'a, 'b>(
    candidates: impl Iterator<Item = &'b FileObject<'a>>,
    name: &str,
    namespace: Option<&str>,
) -> Option<&'b FileObject<'a>> {
    candidates
        .filter(|c| renamed_from(name, &c.name))
        .max_by_key(|c| {
            (
                c.name == name,
                c.name.len(),
                c.namespace.as_deref() == namespace,
            )
        })
}

/// A patch entry's `target` names the object its file patches, whatever the file's own
/// `metadata.name` says.
fn retarget_patches(kustomizations: &[Kustomization], patches: &mut [FileObject]) {
    for kustomization in kustomizations {
        for entry in yaml::items(kustomization.document.get("patches")) {
            let (Some(path), Some(target)) = (
                entry.get("path").and_then(Node::as_scalar),
                entry.get("target"),
            ) else {
                continue;
            };
            let path = render::joined(kustomization.dir, path);
            for patch in patches.iter_mut().filter(|p| p.path == path) {
                if let Some(kind) = target.get("kind").and_then(Node::as_scalar) {
                    patch.kind = kind.to_string();
                }
                if let Some(name) = target.get("name").and_then(Node::as_scalar) {
                    patch.name = name.to_string();
                }
            }
        }
    }
}

fn transformers<'a>(
    kustomizations: &[Kustomization],
    inline: &'a [(InlinePatch<'a>, Vec<Node>)],
) -> Transformers<'a> {
    let key_of = |fields: &[&str]| {
        kustomizations.iter().find_map(|k| {
            k.document.entries()?.iter().find_map(|(key, _)| {
                fields
                    .contains(&key.name.as_str())
                    .then(|| Location::new(k.file, key.line, key.column))
            })
        })
    };
    Transformers {
        images: key_of(&["images"]),
        namespace: key_of(&["namespace"]),
        name: key_of(&["namePrefix", "nameSuffix"]),
        patches: key_of(&[
            "patches",
            "patchesJson6902",
            "patchesStrategicMerge",
            "replacements",
        ]),
        inline,
    }
}

fn inline_patches<'a>(kustomization: &Kustomization<'a>) -> Vec<InlinePatch<'a>> {
    ["patches", "patchesJson6902"]
        .iter()
        .flat_map(|field| yaml::items(kustomization.document.get(field)))
        .filter_map(|entry| {
            let patch = entry.get("patch")?;
            let location = Location::new(kustomization.file, patch.line, patch.column);
            let (first_line, indent) = super::super::block_start(kustomization.text, &location);
            let target =
                |field: &str| Some(entry.get("target")?.get(field)?.as_scalar()?.to_string());
            Some(InlinePatch {
                file: Arc::clone(kustomization.file),
                dir: kustomization.dir,
                first_line,
                indent,
                text: patch.as_scalar()?.to_string(),
                target_kind: target("kind"),
                target_name: target("name"),
            })
        })
        .collect()
}

/// The `configMapGenerator` (or `secretGenerator`) entry whose name the rendered `name`
/// is built from.
fn generator<'a, 'b>(
    kustomizations: &'b [Kustomization<'a>],
    kind: &str,
    name: &str,
) -> Option<(&'b Node, &'b Kustomization<'a>)> {
    let field = if kind == "ConfigMap" {
        "configMapGenerator"
    } else {
        "secretGenerator"
    };
    kustomizations
        .iter()
        .flat_map(|k| yaml::items(k.document.get(field)).map(move |entry| (entry, k)))
        .filter(|(entry, _)| {
            entry
                .get("name")
                .and_then(Node::as_scalar)
                .is_some_and(|original| renamed_from(name, original))
        })
        .max_by_key(|(entry, _)| entry.get("name").and_then(Node::as_scalar).map(str::len))
}

struct Tracer<'o> {
    origins: &'o mut Origins,
    transformers: &'o Transformers<'o>,
}

impl Tracer<'_> {
    /// Traces `node`, at `path` in its object, written in `base` and set by `patches` (the
    /// last one wins); `ancestor` is where its parent is written.
    fn walk<'a>(
        &mut self,
        node: &Node,
        base: Option<Place<'a>>,
        patches: &[Place<'a>],
        path: &mut Vec<String>,
        ancestor: Option<&Location>,
    ) -> Option<Location> {
        let same = |w: &Place| match (&node.kind, &w.node.kind) {
            (NodeKind::Scalar(a), NodeKind::Scalar(b)) => a.trim_end() == b.trim_end(),
            (NodeKind::Null, NodeKind::Null) => true,
            (NodeKind::Map(_), NodeKind::Map(_)) | (NodeKind::Seq(_), NodeKind::Seq(_)) => true,
            _ => false,
        };
        let structure = matches!(node.kind, NodeKind::Map(_) | NodeKind::Seq(_));
        let written = if structure {
            base.filter(same)
                .or_else(|| patches.iter().rev().find(|p| same(p)).copied())
        } else {
            patches
                .iter()
                .rev()
                .find(|p| same(p))
                .copied()
                .or(base.filter(same))
        };
        let location = written
            .map(|w| Location::new(w.file, w.node.line, w.node.column))
            .or_else(|| self.transformed(path, node.as_scalar()))
            .or_else(|| ancestor.cloned());
        if let Some(location) = &location {
            self.origins
                .insert(node.line, node.column, location.clone());
        }
        match &node.kind {
            NodeKind::Map(entries) => {
                for (key, value) in entries {
                    let base_child = base.and_then(|b| entry_of(&b, &key.name));
                    let patch_children: Vec<_> = patches
                        .iter()
                        .filter_map(|p| entry_of(p, &key.name))
                        .collect();
                    path.push(key.name.clone());
                    let value_at = self.walk(
                        value,
                        base_child.map(|(file, _, node)| Place { file, node }),
                        &patch_children
                            .iter()
                            .map(|(file, _, node)| Place { file, node })
                            .collect::<Vec<_>>(),
                        path,
                        location.as_ref(),
                    );
                    path.pop();
                    // The key is where its value is written, in the same file.
                    let key_at = base_child
                        .iter()
                        .chain(patch_children.iter().rev())
                        .find(|(file, _, _)| {
                            value_at
                                .as_ref()
                                .is_some_and(|at| Arc::ptr_eq(&at.file, file))
                        })
                        .map(|(file, key, _)| Location::new(file, key.line, key.column))
                        .or(value_at);
                    if let Some(key_at) = key_at {
                        self.origins.insert(key.line, key.column, key_at);
                    }
                }
            }
            NodeKind::Seq(items) => {
                for (index, item) in items.iter().enumerate() {
                    let patch_items: Vec<Place> = patches
                        .iter()
                        .filter_map(|p| item_of(p, item, index))
                        .collect();
                    self.walk(
                        item,
                        base.and_then(|b| item_of(&b, item, index)),
                        &patch_items,
                        path,
                        location.as_ref(),
                    );
                }
            }
            _ => {}
        }
        location
    }

    /// The kustomization field that made a value no file writes: the transformer of its field,
    /// else the inline patch that writes its text, else the patches.
    fn transformed(&self, path: &[String], scalar: Option<&str>) -> Option<Location> {
        let t = self.transformers;
        let field = match path {
            [metadata, field] if metadata == "metadata" => field.as_str(),
            [.., last] if last == "image" => "image",
            _ => "",
        };
        match field {
            "namespace" => t.namespace.clone(),
            "name" => t.name.clone(),
            "image" => t.images.clone(),
            _ => None,
        }
        .or_else(|| t.inline_value(scalar?))
        .or_else(|| t.patches.clone())
    }

    /// A generated ConfigMap or Secret: the object at the generator's entry, each value at its
    /// literal (`key=value`) or at the first line of its file (`files: [key=path]`).
    fn generated(
        &mut self,
        document: &Node,
        entry: &Node,
        kustomization: &Kustomization,
        load: &mut dyn FnMut(&Path) -> Option<Written>,
    ) {
        let at_entry = Location::new(kustomization.file, entry.line, entry.column);
        let mut written: HashMap<String, Location> = HashMap::new();
        let scalars = |field: &str| {
            yaml::items(entry.get(field)).filter_map(|item| Some((item.as_scalar()?, item)))
        };
        for (literal, at) in scalars("literals") {
            if let Some((key, _)) = literal.split_once('=') {
                written.insert(
                    key.trim().to_string(),
                    Location::new(kustomization.file, at.line, at.column),
                );
            }
        }
        for (text, file) in scalars("files") {
            let (key, path) = match text.split_once('=') {
                Some((key, path)) => (key.trim().to_string(), path.trim()),
                None => (
                    Path::new(text)
                        .file_name()
                        .map_or_else(|| text.to_string(), |n| n.to_string_lossy().into_owned()),
                    text,
                ),
            };
            let location = load(&render::joined(kustomization.dir, path)).map_or_else(
                || Location::new(kustomization.file, file.line, file.column),
                |loaded| Location::file_start(&loaded.display),
            );
            written.insert(key, location);
        }
        self.origins
            .insert(document.line, document.column, at_entry.clone());
        for (key, value) in document.entries().unwrap_or_default() {
            self.origins.insert(key.line, key.column, at_entry.clone());
            if !["data", "stringData", "binaryData"].contains(&key.name.as_str()) {
                continue;
            }
            for (data_key, data) in value.entries().unwrap_or_default() {
                let location = written
                    .get(&data_key.name)
                    .cloned()
                    .unwrap_or_else(|| at_entry.clone());
                self.origins
                    .insert(data_key.line, data_key.column, location.clone());
                self.origins.insert(data.line, data.column, location);
            }
        }
        let name = document.get("metadata").and_then(|m| m.get("name"));
        if let (Some(name), Some(written_name)) = (name, entry.get("name")) {
            self.origins.insert(
                name.line,
                name.column,
                Location::new(kustomization.file, written_name.line, written_name.column),
            );
        }
    }
}

/// The entry `name` of a written map.
fn entry_of<'a>(place: &Place<'a>, name: &str) -> Option<(&'a Arc<str>, &'a Key, &'a Node)> {
    let (key, value) = place.node.entries()?.iter().find(|(k, _)| k.name == name)?;
    Some((place.file, key, value))
}

/// The item of a written list that a rendered `item` at `index` was merged from: by its
/// merge key, else at the same index.
fn item_of<'a>(place: &Place<'a>, item: &Node, index: usize) -> Option<Place<'a>> {
    let NodeKind::Seq(written) = &place.node.kind else {
        return None;
    };
    let node = match merge_key(item) {
        Some((field, value)) => written
            .iter()
            .find(|candidate| candidate.get(field).and_then(Node::as_scalar) == Some(value))?,
        None => written.get(index)?,
    };
    Some(Place {
        file: place.file,
        node,
    })
}

/// A list item's strategic-merge key: containers, env, ports and volumes merge by `name`,
/// volume mounts by `mountPath`.
fn merge_key(item: &Node) -> Option<(&'static str, &str)> {
    ["name", "mountPath", "containerPort"]
        .into_iter()
        .find_map(|field| Some((field, item.get(field)?.as_scalar()?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(path: &str, text: &str) -> Written {
        Written {
            path: PathBuf::from(path),
            display: Arc::from(path),
            text: text.to_string(),
        }
    }

    fn overlay(dirs: &[&str], partial: &[&str]) -> RenderSource {
        RenderSource {
            renderer: Renderer::Kustomize,
            dir: PathBuf::from(dirs[0]),
            file: PathBuf::from(dirs[0]).join("kustomization.yaml"),
            applies: Vec::new(),
            partial: partial.iter().map(PathBuf::from).collect(),
            dirs: dirs.iter().map(PathBuf::from).collect(),
            files: Vec::new(),
            refused: None,
        }
    }

    /// The origins of `rendered`, built by the overlay `prod` over `base` from `files`.
    fn traced(files: &[Written], partial: &[&str], rendered: &str) -> Origins {
        let rendered = yaml::parse_stream(rendered).unwrap();
        kustomize(
            &rendered,
            &overlay(&["prod", "base"], partial),
            files,
            &mut |_| None,
        )
    }

    fn at(origins: &Origins, line: u32, column: u32) -> String {
        origins
            .get(line, column)
            .map_or_else(|| "-".to_string(), ToString::to_string)
    }

    #[test]
    fn a_prefixed_object_is_traced_to_its_base_and_a_new_image_to_images() {
        let files = [
            written(
                "prod/kustomization.yaml",
                "namePrefix: prod-\nimages:\n  - name: api\n    newTag: '2'\nresources: [../base]\n",
            ),
            written("base/kustomization.yaml", "resources: [api.yaml]\n"),
            written(
                "base/api.yaml",
                "kind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: api:1\n          env:\n            - {name: A, value: one}\n",
            ),
        ];
        let origins = traced(
            &files,
            &[],
            "kind: Deployment\nmetadata:\n  name: prod-api\nspec:\n  template:\n    spec:\n      containers:\n      - env:\n        - name: A\n          value: one\n        image: api:2\n        name: app\n",
        );
        // `name: prod-api` is made by namePrefix; `value: one` is the base's; the image is
        // made by `images`.
        assert_eq!(at(&origins, 3, 9), "prod/kustomization.yaml:1:1");
        assert_eq!(at(&origins, 10, 18), "base/api.yaml:11:32");
        assert_eq!(at(&origins, 11, 16), "prod/kustomization.yaml:2:1");
        assert_eq!(at(&origins, 12, 15), "base/api.yaml:8:17");
    }

    #[test]
    fn an_object_moved_to_another_namespace_is_still_its_base() {
        let files = [
            written(
                "prod/kustomization.yaml",
                "namespace: prod\nresources: [../base]\n",
            ),
            written(
                "base/api.yaml",
                "kind: Service\nmetadata:\n  name: api\n  namespace: default\n",
            ),
        ];
        let origins = traced(
            &files,
            &[],
            "kind: Service\nmetadata:\n  name: api\n  namespace: prod\n",
        );
        assert_eq!(at(&origins, 3, 9), "base/api.yaml:3:9");
        assert_eq!(at(&origins, 4, 14), "prod/kustomization.yaml:1:1");
    }

    #[test]
    fn a_patch_by_target_wins_over_the_base() {
        let files = [
            written(
                "prod/kustomization.yaml",
                "resources: [../base]\npatches:\n  - path: p.yaml\n    target: {kind: Deployment, name: api}\n",
            ),
            written(
                "prod/p.yaml",
                "kind: Deployment\nmetadata:\n  name: not-important\nspec:\n  replicas: 3\n",
            ),
            written(
                "base/api.yaml",
                "kind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n",
            ),
        ];
        let origins = traced(
            &files,
            &["prod/p.yaml"],
            "kind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n",
        );
        assert_eq!(at(&origins, 5, 13), "prod/p.yaml:5:13");
        assert_eq!(at(&origins, 5, 3), "prod/p.yaml:5:3");
        assert_eq!(at(&origins, 3, 9), "base/api.yaml:3:9");
    }

    #[test]
    fn a_template_line_is_the_literal_else_the_only_key_else_the_first() {
        let template = written(
            "chart/templates/d.yaml",
            "env:\n  - name: A\n    value: {{ .Values.a }}\n  - name: B\n    value: literal-b\n",
        );
        let line = |key: &str, value: &str| {
            template_line(&template, key, Some(value))
                .unwrap()
                .to_string()
        };
        assert_eq!(line("value", "literal-b"), "chart/templates/d.yaml:5:12");
        assert_eq!(line("env", "x"), "chart/templates/d.yaml:1:1");
        assert_eq!(line("value", "from-values"), "chart/templates/d.yaml:1:1");
    }
}

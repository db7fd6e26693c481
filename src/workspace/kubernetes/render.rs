//! Kustomize overlays and Helm charts are not manifests until they are rendered: a patch is half
//! an object, a template is not YAML. They are rendered by the real tools, `kustomize build` and
//! `helm template`, when those are on PATH (Go templates and kustomize's transformers are never
//! reimplemented here); otherwise the overlay's own files are read as plain manifests, the
//! patches and templates are not, and one note says what was not applied.
//!
//! A workspace is untrusted: a renderer runs only on folders inside it, whose local references
//! stay inside it, with none that names a remote resource; never with the flags that let it run
//! programs or fetch (`--enable-exec`, `--enable-alpha-plugins`, `--enable-helm`); with an
//! environment of `PATH` and `HOME` only, no standard input, a time limit and bounded output.

use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::workspace::boundary::Boundary;
use crate::workspace::yaml::{self, Node};

/// kustomize's file names for a kustomization, in its order (`konfig.RecognizedKustomizationFileNames`).
pub const KUSTOMIZATION_NAMES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// How long one rendering may take.
const RENDER_TIMEOUT: Duration = Duration::from_secs(30);
/// How much of a rendering's output is read: manifests, not a disk.
const MAX_OUTPUT_BYTES: u64 = 32 * 1024 * 1024;
const MAX_ERROR_BYTES: u64 = 64 * 1024;

/// The tool that renders a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renderer {
    Kustomize,
    Helm,
}

impl Renderer {
    pub fn name(self) -> &'static str {
        match self {
            Renderer::Kustomize => "kustomize",
            Renderer::Helm => "helm",
        }
    }
}

/// A folder that a renderer turns into manifests.
#[derive(Debug, Clone)]
pub struct RenderSource {
    pub renderer: Renderer,
    pub dir: PathBuf,
    /// The kustomization file or `Chart.yaml`.
    pub file: PathBuf,
    /// What rendering applies that the files alone do not (`patches`, `namespace: prod`), for
    /// the note when it is not rendered.
    pub applies: Vec<String>,
    /// Files that are no whole manifests before rendering (patches, templates): never read as
    /// manifests.
    pub partial: Vec<PathBuf>,
    /// Every folder the rendering reads (the overlay and its bases), and the resource files it
    /// names elsewhere: when it is rendered, its output replaces their manifests.
    pub dirs: Vec<PathBuf>,
    pub files: Vec<PathBuf>,
    /// Why it must not be rendered here (a remote resource, a path outside the workspace).
    pub refused: Option<String>,
}

/// The kustomizations and charts among the workspace's folders that nothing else renders:
/// an overlay, not the base it builds on; a chart, not its subcharts.
pub fn sources(root: &Path, boundary: &Boundary) -> Vec<RenderSource> {
    let mut kustomizations: Vec<RenderSource> = Vec::new();
    let mut charts: Vec<RenderSource> = Vec::new();
    for dir in super::super::walk::folders(root) {
        let dir = joined(&dir, ".");
        if let Some(file) = KUSTOMIZATION_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|file| file.is_file())
        {
            kustomizations.push(kustomization(&dir, &file, boundary));
        }
        let chart = dir.join("Chart.yaml");
        if chart.is_file() && dir.join("templates").is_dir() {
            charts.push(helm_chart(&dir, &chart));
        }
    }
    // A base another kustomization builds on is rendered as part of it.
    let bases: Vec<PathBuf> = kustomizations
        .iter()
        .flat_map(|k| k.dirs.iter().skip(1).cloned())
        .collect();
    kustomizations.retain(|k| !bases.contains(&k.dir) && !is_component(&k.file));
    // A subchart (`charts/<name>`) is rendered by its parent.
    let chart_dirs: Vec<PathBuf> = charts.iter().map(|c| c.dir.clone()).collect();
    charts.retain(|c| {
        !chart_dirs
            .iter()
            .any(|parent| parent != &c.dir && c.dir.starts_with(parent.join("charts")))
    });
    kustomizations.extend(charts);
    kustomizations
}

/// A kustomization: what it applies, its patch files, and the folders it reads (its own, then
/// its bases' and components', followed).
fn kustomization(dir: &Path, file: &Path, boundary: &Boundary) -> RenderSource {
    let mut source = RenderSource {
        renderer: Renderer::Kustomize,
        dir: dir.to_path_buf(),
        file: file.to_path_buf(),
        applies: Vec::new(),
        partial: Vec::new(),
        dirs: Vec::new(),
        files: Vec::new(),
        refused: None,
    };
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        if source.dirs.contains(&dir) || source.dirs.len() > 64 {
            continue;
        }
        source.dirs.push(dir.clone());
        let Some(document) = KUSTOMIZATION_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|file| file.is_file())
            .and_then(|file| std::fs::read_to_string(file).ok())
            .and_then(|text| yaml::parse(&text).ok())
        else {
            continue;
        };
        let own = dir == source.dir;
        for field in ["resources", "bases", "components"] {
            for entry in strings(document.get(field)) {
                if is_remote(entry) {
                    source.refused.get_or_insert_with(|| {
                        format!("`{field}` names the remote `{entry}`: rendering would fetch it")
                    });
                    continue;
                }
                let path = joined(&dir, entry);
                if boundary.outside(&path).is_some() {
                    source.refused.get_or_insert_with(|| {
                        format!("`{field}` names `{entry}`, outside the workspace")
                    });
                } else if path.is_dir() {
                    pending.push(path);
                } else {
                    source.files.push(path);
                }
            }
        }
        for field in ["patches", "patchesStrategicMerge", "patchesJson6902"] {
            let Some(list) = document.get(field) else {
                continue;
            };
            for path in patch_files(list) {
                source.partial.push(joined(&dir, path));
            }
            if own {
                source.applies.push(format!("`{field}`"));
            }
        }
        if !own {
            continue;
        }
        for field in ["namespace", "namePrefix", "nameSuffix"] {
            if let Some(value) = document.get(field).and_then(Node::as_scalar) {
                source.applies.push(format!("`{field}: {value}`"));
            }
        }
        for field in [
            "images",
            "replicas",
            "configMapGenerator",
            "secretGenerator",
            "commonLabels",
            "labels",
            "commonAnnotations",
            "helmCharts",
            "replacements",
        ] {
            if document.get(field).is_some() {
                source.applies.push(format!("`{field}`"));
            }
        }
    }
    source
}

/// A `kind: Component` is applied by the kustomizations that list it, never built alone.
fn is_component(file: &Path) -> bool {
    std::fs::read_to_string(file)
        .ok()
        .and_then(|text| yaml::parse(&text).ok())
        .is_some_and(|document| document.get("kind").and_then(Node::as_scalar) == Some("Component"))
}

/// A chart: its templates are Go templates, never read as manifests.
fn helm_chart(dir: &Path, chart: &Path) -> RenderSource {
    let templates = dir.join("templates");
    let partial: Vec<PathBuf> = super::super::walk::yaml_files(&templates)
        .iter()
        .map(|file| joined(file, "."))
        .collect();
    RenderSource {
        applies: vec![format!(
            "its {} template{} (Go templates, not read)",
            partial.len(),
            if partial.len() == 1 { "" } else { "s" }
        )],
        renderer: Renderer::Helm,
        dir: dir.to_path_buf(),
        file: chart.to_path_buf(),
        partial,
        dirs: vec![dir.to_path_buf()],
        files: Vec::new(),
        refused: None,
    }
}

/// `dir/relative` with `.` and `..` folded as written, so that it compares equal to the same
/// file found by walking the workspace.
pub(super) fn joined(dir: &Path, relative: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for component in dir.join(relative).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `github.com/org/repo//path?ref=v1`, `https://...`, `git@...`: kustomize fetches these.
fn is_remote(entry: &str) -> bool {
    entry.contains("://")
        || entry.starts_with("git@")
        || entry.starts_with("github.com/")
        || entry.starts_with("gitlab.com/")
        || entry.starts_with("bitbucket.org/")
}

fn is_file_like(entry: &str) -> bool {
    entry.ends_with(".yaml") || entry.ends_with(".yml") || entry.ends_with(".json")
}

fn strings(node: Option<&Node>) -> impl Iterator<Item = &str> {
    yaml::items(node).filter_map(Node::as_scalar)
}

/// The files a patch list names: `- path: x.yaml`, or `- x.yaml` (patchesStrategicMerge).
fn patch_files(list: &Node) -> Vec<&str> {
    yaml::items(Some(list))
        .filter_map(|item| match item.as_scalar() {
            // An inline patch is YAML text, not a file name.
            Some(text) => (!text.contains('\n') && is_file_like(text)).then_some(text),
            None => item.get("path").and_then(Node::as_scalar),
        })
        .collect()
}

/// The renderer's executable on PATH: `kustomize`, else `kubectl` (which embeds it) for a
/// kustomization; `helm` for a chart.
pub fn executable(
    renderer: Renderer,
    path: Option<&std::ffi::OsStr>,
) -> Option<(PathBuf, Vec<String>)> {
    let find = |name: &str| {
        std::env::split_paths(path?)
            .map(|dir| dir.join(name))
            .find(|candidate| is_executable(candidate))
    };
    match renderer {
        Renderer::Kustomize => find("kustomize")
            .map(|exe| (exe, vec!["build".to_string()]))
            .or_else(|| find("kubectl").map(|exe| (exe, vec!["kustomize".to_string()]))),
        Renderer::Helm => find("helm").map(|exe| (exe, vec!["template".to_string()])),
    }
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

impl RenderSource {
    /// Whether its rendering replaces the manifests of `file`: a file of one of its folders,
    /// or a resource it names.
    pub fn covers(&self, file: &Path) -> bool {
        let file = joined(file, ".");
        file.parent()
            .is_some_and(|dir| self.dirs.iter().any(|d| d == dir))
            || self.files.contains(&file)
            || (self.renderer == Renderer::Helm && file.starts_with(&self.dir))
    }

    /// Whether `file` is no whole manifest before rendering: a patch, a template.
    pub fn is_partial(&self, file: &Path) -> bool {
        self.partial.contains(&joined(file, "."))
    }
}

/// The command a user runs to render `source` (for hints).
pub fn command_line(source: &RenderSource, display_dir: &str) -> String {
    match source.renderer {
        Renderer::Kustomize => format!("kustomize build {display_dir} | otel-doctor lint -"),
        Renderer::Helm => format!("helm template {display_dir} | otel-doctor lint -"),
    }
}

/// Runs the renderer on `source`: the manifests it prints, or why it failed (the first line of
/// what it said on standard error).
pub fn render(
    source: &RenderSource,
    executable: &Path,
    subcommand: &[String],
    path: Option<&std::ffi::OsStr>,
) -> Result<String, String> {
    let mut command = Command::new(executable);
    command.args(subcommand);
    if source.renderer == Renderer::Helm {
        // `helm template NAME CHART`: the chart's folder name as the release's.
        let release = source
            .dir
            .file_name()
            .map_or_else(|| "release".into(), |n| n.to_string_lossy().into_owned());
        command.arg(release);
    }
    // The workspace's own folder is `.` to the renderer, never an empty argument.
    let dir = if source.dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        &source.dir
    };
    command
        .arg(dir)
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(path) = path {
        command.env("PATH", path);
    }
    if let Some(home) = std::env::var_os("HOME") {
        command.env("HOME", home);
    }
    let mut child = command
        .spawn()
        .map_err(|error| format!("could not start {}: {error}", executable.display()))?;
    let stdout = child
        .stdout
        .take()
        .map(|out| bounded_reader(out, MAX_OUTPUT_BYTES));
    let stderr = child
        .stderr
        .take()
        .map(|err| bounded_reader(err, MAX_ERROR_BYTES));
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() < RENDER_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(10));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let output = stdout.and_then(|t| t.join().ok()).unwrap_or_default();
    let errors = stderr.and_then(|t| t.join().ok()).unwrap_or_default();
    let Some(status) = status else {
        return Err(format!(
            "stopped after {} s without finishing",
            RENDER_TIMEOUT.as_secs()
        ));
    };
    if !status.success() {
        let said = String::from_utf8_lossy(&errors);
        let first = said
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty())
            .unwrap_or("no message");
        return Err(format!("exited with {status}: {first}"));
    }
    if output.len() as u64 > MAX_OUTPUT_BYTES {
        return Err(format!(
            "printed over {} MiB of manifests",
            MAX_OUTPUT_BYTES / 1024 / 1024
        ));
    }
    String::from_utf8(output).map_err(|_| "printed text that is not UTF-8".to_string())
}

/// Reads up to `limit + 1` bytes on a thread, draining the rest so the child never blocks on
/// a full pipe.
fn bounded_reader(
    mut stream: impl Read + Send + 'static,
    limit: u64,
) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let _ = (&mut stream).take(limit + 1).read_to_end(&mut kept);
        let _ = std::io::copy(&mut stream, &mut std::io::sink());
        kept
    })
}

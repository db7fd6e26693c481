//! What a Node.js service loads and in which order: the script `node` runs, what
//! `--require`/`--import` (in the command or `NODE_OPTIONS`) preload, the files that set up
//! the SDK and what loads each of them, whether the app is made of ES modules, and which
//! instrumented modules are loaded before instrumentation starts. Its code facts are the
//! language-neutral `CodeFacts` (`code`); its browser tracing is apart (`browser`), because
//! browsers, not the container, send those spans.

pub mod browser;
pub mod code;

use std::sync::Arc;

use super::command::{Command, CommandWord, basename};
use super::environment::EnvVar;
use super::image::ImageContents;
use crate::knowledge::node;
use crate::resolve::image_path::join_image_path;
use crate::shell;
use crate::source::Location;
use crate::workspace::javascript::{ImportKind, JsSource};
use crate::workspace::npm::PackageJson;
use crate::workspace::{BuildContext, Parsed};
pub use browser::BrowserTracing;
use code::SetupFile;

/// Programs that run a script with Node.js and read its options.
const NODE_PROGRAMS: [&str; 8] = [
    "node",
    "nodejs",
    "nodemon",
    "ts-node",
    "ts-node-dev",
    "tsx",
    "pm2-runtime",
    "pm2",
];

/// Node's options that take the next word as their value.
const OPTIONS_WITH_VALUE: [&str; 6] = [
    "-C",
    "--conditions",
    "--title",
    "--input-type",
    "--env-file",
    "--watch-path",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreloadFlag {
    /// `--require`/`-r`: loaded with `require()` before the app (CommonJS hooks only).
    Require,
    /// `--import`: loaded as an ES module before the app (Node 18.19+/20.6+).
    Import,
    /// `--loader`/`--experimental-loader`: an ES module loader hook.
    Loader,
}

impl PreloadFlag {
    pub fn as_str(self) -> &'static str {
        match self {
            PreloadFlag::Require => "--require",
            PreloadFlag::Import => "--import",
            PreloadFlag::Loader => "--experimental-loader",
        }
    }
}

/// A module Node loads before the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preload {
    pub flag: PreloadFlag,
    /// The flag as written (`-r`, `--require`).
    pub written: &'static str,
    pub specifier: String,
    pub location: Location,
    /// `NODE_OPTIONS` when it came from there, else the command.
    pub from_node_options: bool,
    /// The build context's file it loads, when it is one.
    pub file: Option<Arc<str>>,
}

impl Preload {
    /// `@opentelemetry/auto-instrumentations-node/register`: zero-code instrumentation.
    pub fn registers_auto_instrumentation(&self) -> bool {
        self.specifier == node::REGISTER
    }

    pub fn describe(&self) -> String {
        let written = format!("{} {}", self.flag.as_str(), self.specifier);
        if self.from_node_options {
            format!("NODE_OPTIONS=\"{written}\"")
        } else {
            format!("`{written}`")
        }
    }
}

/// How a file that sets up the SDK is loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadedBy {
    /// It is the script `node` runs.
    Entry,
    /// A `--require`/`--import` preloads it (index into `preloads`).
    Preload(usize),
    /// Another file of the app imports it.
    Import {
        from: Arc<str>,
        location: Location,
        order: usize,
    },
    /// The framework loads it by convention (Next.js's `instrumentation.ts`).
    Framework,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    pub file: SetupFile,
    /// `None`: nothing loads it.
    pub loaded_by: Option<LoadedBy>,
    /// Whether instrumentation is configured in this file (so load order matters).
    pub patches: bool,
}

/// An instrumented module loaded before instrumentation starts patching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlyLoad {
    pub module: String,
    /// Where it is imported.
    pub location: Location,
    /// Where the SDK is loaded or started, later.
    pub setup: Location,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeFacts {
    /// The project's `package.json`.
    pub package_json: Option<Arc<str>>,
    /// `"type": "module"`, or an `.mjs`/`.mts` entry: the app is made of ES modules.
    pub esm: Option<Location>,
    /// The script `node` runs, and the context file it is when known.
    pub entry: Option<(CommandWord, Option<Arc<str>>)>,
    pub preloads: Vec<Preload>,
    pub setups: Vec<Setup>,
    pub loaded_early: Option<EarlyLoad>,
    /// An ES module loader hook is registered in code (`module.register(...)`).
    pub registers_loader_hook: bool,
    pub browser: Option<BrowserTracing>,
    /// The container runs a test runner (`cypress run`), not the app, and nothing
    /// asks it to trace: the app's packages and setup are not its own.
    pub runs_tests_only: bool,
}

impl NodeFacts {
    /// The preload of the zero-code auto-instrumentation, if any.
    pub fn auto_instrumentation(&self) -> Option<&Preload> {
        self.preloads
            .iter()
            .find(|p| p.registers_auto_instrumentation())
    }

    /// Whether some file that sets up the SDK is loaded.
    pub fn loads_a_setup(&self) -> bool {
        self.setups
            .iter()
            .any(|s| !s.file.browser && s.loaded_by.is_some())
    }
}

/// What `resolve` reads.
pub struct Inputs<'a> {
    pub context: &'a BuildContext,
    pub image: Option<&'a ImageContents>,
    /// The context folder, as the workspace shows it.
    pub context_dir: &'a str,
    /// The Dockerfile's folder.
    pub dockerfile_dir: Option<&'a str>,
    pub command: Option<&'a Command>,
    pub env: &'a [EnvVar],
    /// The ids of the development environment this run is in (Gitpod, Codespaces).
    pub dev_environment: &'a [String],
}

/// The Node.js facts of a service and the code facts of what its container runs; `None`
/// when its build context has no Node.js project.
pub fn resolve(inputs: &Inputs) -> Option<(NodeFacts, super::CodeFacts)> {
    let context = inputs.context;
    let (runs, assignments) = inputs
        .command
        .map_or((&[][..], &[][..]), |c| (&c.runs[..], &c.assignments[..]));
    let invocation = invocation(runs);
    let options = node_options(assignments, inputs.env);
    // An image run as it is (`image: node:20`, the app mounted) has no code to read, but its
    // command may still preload the SDK.
    let no_code = context.package_jsons.is_empty() && context.javascript.is_empty();
    if no_code && invocation.as_ref().is_none_or(|i| i.preloads.is_empty()) && options.is_empty() {
        return None;
    }
    let project = Project::find(inputs);
    let workdir = inputs.image.map_or("/", |i| i.workdir.as_str());
    let mut facts = NodeFacts {
        package_json: project.package.map(|p| Arc::clone(&p.path)),
        ..NodeFacts::default()
    };
    for (flag, written, word) in invocation.iter().flat_map(|i| &i.preloads) {
        facts.preloads.push(Preload {
            flag: *flag,
            written,
            specifier: word.text.clone(),
            location: word.location.clone(),
            from_node_options: false,
            file: project.resolve(&word.text, workdir),
        });
    }
    for (flag, written, specifier, location) in options {
        facts.preloads.push(Preload {
            file: project.resolve(&specifier, workdir),
            flag,
            written,
            specifier,
            location,
            from_node_options: true,
        });
    }
    if let Some(script) = invocation.as_ref().and_then(|i| i.script.clone()) {
        // `node .` runs the package's `main` (`index.js` by default).
        let written = match script.text.trim_end_matches('/') {
            "." => project
                .package
                .and_then(|p| p.content.main.clone())
                .unwrap_or_else(|| "index.js".to_string()),
            _ => script.text.clone(),
        };
        let file = project.resolve(&written, workdir);
        facts.entry = Some((script, file));
    }
    facts.esm = esm(&project, facts.entry.as_ref());
    let has_browser_tracing = project
        .all_files
        .iter()
        .any(|f| browser::is_browser_code(&f.content));
    let mut server_files: Vec<&Parsed<JsSource>> = project
        .image_files
        .iter()
        .copied()
        .filter(|f| !browser::is_browser_code(&f.content))
        .collect();
    let (mut code, mut setups) = code::facts(&server_files, inputs.env);
    // A frontend: its other files (`trace.getTracer(...)` with the API only) run in the
    // browser too, where the web SDK is set up. Only a server-side SDK says otherwise.
    if has_browser_tracing && setups.is_empty() && code.provider_created.is_none() {
        server_files.clear();
        code = super::CodeFacts::default();
        setups.clear();
    }
    facts.registers_loader_hook = server_files.iter().any(|f| registers_hook(&f.content));
    facts.setups = setups
        .into_iter()
        .map(|file| {
            let patches = server_files
                .iter()
                .find(|f| f.path == file.path)
                .is_some_and(|f| patches_modules(f));
            Setup {
                loaded_by: loaded_by(&file.path, &facts, &project),
                file,
                patches,
            }
        })
        .collect();
    if runs_a_test_runner(runs, &facts, inputs.env) {
        // `cypress run` in an image built from the app's folder: the app's tracing files are
        // there, but the container never runs or serves the app, so they are not its own.
        code = super::CodeFacts::default();
        facts.setups.clear();
        facts.runs_tests_only = true;
    }
    facts.loaded_early = loaded_early(&facts, &project);
    if !facts.runs_tests_only {
        facts.browser = browser::resolve(
            &project.all_files,
            project.package,
            inputs.env,
            inputs.dev_environment,
        );
    }
    Some((facts, code))
}

/// Whether the container runs a test runner (`cypress run`) that loads no setup file, on a
/// service given no `OTEL_*` variable: nothing says this container is meant to trace.
fn runs_a_test_runner(runs: &[CommandWord], facts: &NodeFacts, env: &[EnvVar]) -> bool {
    runs.first()
        .is_some_and(|first| node::TEST_RUNNERS.contains(&basename(&first.text)))
        && facts.preloads.is_empty()
        && !facts.loads_a_setup()
        && !env.iter().any(|v| v.name.starts_with("OTEL_"))
}

/// A `node` command line: what it preloads (flag, as written, and value) and the script it
/// runs.
struct Invocation {
    preloads: Vec<(PreloadFlag, &'static str, CommandWord)>,
    script: Option<CommandWord>,
}

fn invocation(runs: &[CommandWord]) -> Option<Invocation> {
    let (first, rest) = runs.split_first()?;
    let program = basename(&first.text);
    if !NODE_PROGRAMS.contains(&program) {
        return None;
    }
    let mut words = rest.iter().peekable();
    if program.starts_with("pm2") {
        words.next_if(|w| w.text == "start");
    }
    let mut preloads = Vec::new();
    let mut script = None;
    while let Some(word) = words.next() {
        let text = word.text.as_str();
        if let Some((flag, written, inline)) = preload_option(text) {
            let value = match inline {
                Some(value) => Some(CommandWord {
                    text: value.to_string(),
                    location: word.location.clone(),
                }),
                None => words.next().cloned(),
            };
            preloads.extend(value.map(|v| (flag, written, v)));
            continue;
        }
        match text {
            "-e" | "--eval" | "-p" | "--print" => break,
            "--" => {
                script = words.next().cloned();
                break;
            }
            _ if OPTIONS_WITH_VALUE.contains(&text) => {
                words.next();
            }
            _ if text.starts_with('-') => {}
            _ => {
                script = Some(word.clone());
                break;
            }
        }
    }
    Some(Invocation { preloads, script })
}

/// `-r x`, `--require=x`, `--import x`, `--loader x`: the flag, as written, and its inline
/// value.
fn preload_option(word: &str) -> Option<(PreloadFlag, &'static str, Option<&str>)> {
    const FLAGS: [(&str, PreloadFlag); 5] = [
        ("--require", PreloadFlag::Require),
        ("-r", PreloadFlag::Require),
        ("--import", PreloadFlag::Import),
        ("--experimental-loader", PreloadFlag::Loader),
        ("--loader", PreloadFlag::Loader),
    ];
    FLAGS.iter().find_map(|(name, flag)| {
        if word == *name {
            return Some((*flag, *name, None));
        }
        let value = word.strip_prefix(name)?.strip_prefix('=')?;
        Some((*flag, *name, Some(value)))
    })
}

/// The preloads of `NODE_OPTIONS`: from `NODE_OPTIONS=... node` in the command, else from the
/// container's environment.
fn node_options(
    assignments: &[CommandWord],
    env: &[EnvVar],
) -> Vec<(PreloadFlag, &'static str, String, Location)> {
    const NAME: &str = "NODE_OPTIONS";
    let inline = assignments.iter().rev().find_map(|word| {
        let value = word.text.strip_prefix(NAME)?.strip_prefix('=')?;
        Some((value.to_string(), word.location.clone()))
    });
    let Some((value, location)) = inline.or_else(|| {
        env.iter()
            .find(|v| v.name == NAME && v.resolved)
            .map(|v| (v.value.clone(), v.location.clone()))
    }) else {
        return Vec::new();
    };
    let words = shell::split(&value);
    let mut preloads = Vec::new();
    let mut iter = words.iter();
    while let Some(word) = iter.next() {
        if let Some((flag, written, inline)) = preload_option(&word.text) {
            let value = inline
                .map(String::from)
                .or_else(|| iter.next().map(|w| w.text.clone()));
            preloads.extend(value.map(|v| (flag, written, v, location.clone())));
        }
    }
    preloads
}

/// The service's Node.js project: its `package.json` and source files.
struct Project<'a> {
    package: Option<&'a Parsed<PackageJson>>,
    /// Files under the project's folder.
    all_files: Vec<&'a Parsed<JsSource>>,
    /// The project's files that the final image holds (all of them when none is copied in as
    /// is: compiled, or mounted at run time).
    image_files: Vec<&'a Parsed<JsSource>>,
    image: Option<&'a ImageContents>,
    folder: String,
}

impl<'a> Project<'a> {
    fn find(inputs: &Inputs<'a>) -> Self {
        let context = inputs.context;
        let installed = inputs.image.and_then(|image| {
            image.node_installs.iter().find_map(|install| {
                context
                    .package_jsons
                    .iter()
                    .find(|p| p.path == install.manifest)
            })
        });
        let copied_to_workdir = inputs.image.and_then(|image| {
            let file = image.source_of(&join_image_path(&image.workdir, "package.json"), |p| {
                context.package_jsons.iter().any(|s| &*s.path == p)
            })?;
            context.package_jsons.iter().find(|p| p.path == file)
        });
        let in_folder = |folder: &str| {
            context
                .package_jsons
                .iter()
                .find(|p| folder_of(&p.path) == folder)
        };
        // The context root's `package.json` is another service's (or the repository's
        // tooling) when the Dockerfile sits in a folder of its own and does not use it.
        let dockerfile_at_root = inputs
            .dockerfile_dir
            .is_none_or(|d| d == inputs.context_dir);
        let package = installed
            .or(copied_to_workdir)
            .or_else(|| inputs.dockerfile_dir.and_then(in_folder))
            .or_else(|| in_folder(inputs.context_dir).filter(|_| dockerfile_at_root));
        let folder = package.map_or_else(
            || {
                inputs
                    .dockerfile_dir
                    .filter(|d| is_under(d, inputs.context_dir))
                    .unwrap_or(inputs.context_dir)
                    .to_string()
            },
            |p| folder_of(&p.path).to_string(),
        );
        let all_files: Vec<&Parsed<JsSource>> = context
            .javascript
            .iter()
            .filter(|f| is_under(&f.path, &folder))
            .collect();
        let copied: Vec<&Parsed<JsSource>> = match inputs.image {
            Some(image) => all_files
                .iter()
                .copied()
                .filter(|f| image.image_path_of(&f.path).is_some())
                .collect(),
            None => Vec::new(),
        };
        let image_files = if copied.is_empty() {
            all_files.clone()
        } else {
            copied
        };
        Project {
            package,
            all_files,
            image_files,
            image: inputs.image,
            folder,
        }
    }

    /// The context file a module specifier written in the command loads, relative to the
    /// folder the command runs in.
    fn resolve(&self, specifier: &str, workdir: &str) -> Option<Arc<str>> {
        if node::package_of_specifier(specifier).is_some() && !looks_like_file(specifier) {
            return None;
        }
        let written = candidates(specifier);
        let in_image = self.image.and_then(|image| {
            written.iter().find_map(|candidate| {
                image.source_of(&join_image_path(workdir, candidate), |p| {
                    self.all_files.iter().any(|f| &*f.path == p)
                })
            })
        });
        // Not copied in as is (compiled in a build stage, or mounted): the project's own file
        // at that path, relative to the folder the command runs in.
        in_image.or_else(|| {
            let relative = match specifier.strip_prefix(workdir.trim_end_matches('/')) {
                Some(rest) if specifier.starts_with('/') => rest.trim_start_matches('/'),
                _ => specifier,
            };
            if relative.starts_with('/') {
                return None;
            }
            candidates(relative)
                .iter()
                .find_map(|c| self.find_file(&join_workspace(&self.folder, c)))
        })
    }

    /// The project file a relative import of `from` loads.
    fn resolve_import(&self, from: &str, specifier: &str) -> Option<Arc<str>> {
        if !specifier.starts_with('.') {
            return None;
        }
        candidates(specifier)
            .into_iter()
            .find_map(|c| self.find_file(&join_workspace(folder_of(from), &c)))
    }

    fn find_file(&self, path: &str) -> Option<Arc<str>> {
        self.all_files
            .iter()
            .find(|f| &*f.path == path)
            .map(|f| Arc::clone(&f.path))
    }
}

/// `tracing.js` (a bare file name in `node -r tracing.js`) is a file, not a package.
fn looks_like_file(specifier: &str) -> bool {
    [".js", ".cjs", ".mjs", ".ts", ".mts", ".cts"]
        .iter()
        .any(|e| specifier.ends_with(e))
        && !specifier.starts_with('@')
}

/// The files a specifier may load: as written, with Node's and TypeScript's extensions, an
/// `index` file, and the TypeScript source of compiled output (`dist/tracing.js` is built from
/// `tracing.ts` or `src/tracing.ts`).
fn candidates(specifier: &str) -> Vec<String> {
    const EXTENSIONS: [&str; 6] = [".js", ".ts", ".cjs", ".mjs", ".mts", ".cts"];
    let mut bases = vec![specifier.to_string()];
    for output in ["dist/", "build/", "out/", "lib/"] {
        let replaced = if let Some(rest) = specifier.strip_prefix(&format!("./{output}")) {
            Some(rest.to_string())
        } else if let Some(rest) = specifier.strip_prefix(output) {
            Some(rest.to_string())
        } else {
            specifier.find(&format!("/{output}")).map(|at| {
                format!(
                    "{}/{}",
                    &specifier[..at],
                    &specifier[at + output.len() + 1..]
                )
            })
        };
        if let Some(source) = replaced {
            bases.push(source.clone());
            bases.push(match source.rsplit_once('/') {
                Some((dir, file)) => format!("{dir}/src/{file}"),
                None => format!("src/{source}"),
            });
        }
    }
    let mut candidates = Vec::new();
    for base in bases {
        let stem = EXTENSIONS
            .iter()
            .find_map(|e| base.strip_suffix(e))
            .unwrap_or(&base)
            .to_string();
        candidates.push(base.clone());
        candidates.extend(EXTENSIONS.iter().map(|e| format!("{stem}{e}")));
        if stem == base {
            candidates.extend(EXTENSIONS.iter().map(|e| format!("{base}/index{e}")));
        }
    }
    candidates.dedup();
    candidates
}

fn folder_of(path: &str) -> &str {
    path.rsplit_once('/').map_or(".", |(dir, _)| dir)
}

fn is_under(path: &str, folder: &str) -> bool {
    folder == "." || path == folder || path.starts_with(&format!("{folder}/"))
}

/// A path relative to a workspace folder, with `.` and `..` folded.
fn join_workspace(folder: &str, relative: &str) -> String {
    let joined = if folder == "." {
        relative.to_string()
    } else {
        format!("{folder}/{relative}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// Whether the app is made of ES modules: `"type": "module"` in its `package.json`, or an
/// `.mjs`/`.mts` entry script.
fn esm(project: &Project, entry: Option<&(CommandWord, Option<Arc<str>>)>) -> Option<Location> {
    if let Some((word, _)) = entry
        && [".mjs", ".mts"].iter().any(|e| word.text.ends_with(e))
    {
        return Some(word.location.clone());
    }
    let package = project.package?;
    let module_type = package.content.module_type.as_ref()?;
    package
        .content
        .is_module()
        .then(|| Location::new(&package.path, module_type.line, module_type.column))
}

/// `register(...)` from `node:module`: an ES module loader hook registered in code.
fn registers_hook(source: &JsSource) -> bool {
    source
        .imports
        .iter()
        .filter(|i| matches!(i.specifier.as_str(), "node:module" | "module"))
        .flat_map(|i| &i.bindings)
        .any(|binding| {
            let callee = if binding.imported == "register" {
                binding.local.clone()
            } else {
                format!("{}.register", binding.local)
            };
            source.calls.iter().any(|c| c.callee == callee)
        })
}

/// Whether a file configures instrumentation (which patches modules as they load).
fn patches_modules(file: &Parsed<JsSource>) -> bool {
    let scope = code::Scope::new(file);
    file.content.calls.iter().any(|call| {
        scope
            .qualify(&call.callee)
            .is_some_and(|(package, name, _)| {
                node::symbol(package, &name) == Some(node::Symbol::Instrumentations)
            })
    }) || file.content.calls.iter().any(|call| {
        call.args
            .iter()
            .any(|arg| arg.value.entry("instrumentations").is_some())
    })
}

fn loaded_by(path: &Arc<str>, facts: &NodeFacts, project: &Project) -> Option<LoadedBy> {
    if facts
        .entry
        .as_ref()
        .is_some_and(|(_, file)| file.as_ref() == Some(path))
    {
        return Some(LoadedBy::Entry);
    }
    if let Some(index) = facts
        .preloads
        .iter()
        .position(|p| p.file.as_ref() == Some(path))
    {
        return Some(LoadedBy::Preload(index));
    }
    for file in &project.image_files {
        if file.path == *path {
            continue;
        }
        for import in &file.content.imports {
            if project
                .resolve_import(&file.path, &import.specifier)
                .as_ref()
                == Some(path)
            {
                return Some(LoadedBy::Import {
                    from: Arc::clone(&file.path),
                    location: Location::new(&file.path, import.line, import.column),
                    order: import.order,
                });
            }
        }
    }
    // Next.js loads `instrumentation.ts` (at the project root or in `src/`) itself.
    let uses_next = project
        .package
        .is_some_and(|p| p.content.all_dependencies().any(|d| d.name == "next"));
    let name = path.rsplit('/').next().unwrap_or(path);
    let is_convention = name.starts_with("instrumentation.")
        && matches!(
            folder_of(path)
                .strip_prefix(&project.folder)
                .unwrap_or(folder_of(path)),
            "" | "/src"
        );
    (uses_next && is_convention).then_some(LoadedBy::Framework)
}

/// In a CommonJS app, an instrumented module (`express`, `http`, `pg`) required before the
/// SDK's file is: it stays unpatched, and its requests make no spans.
fn loaded_early(facts: &NodeFacts, project: &Project) -> Option<EarlyLoad> {
    if facts.esm.is_some() {
        return None;
    }
    let setup = facts
        .setups
        .iter()
        .find(|s| !s.file.browser && s.patches && s.loaded_by.is_some())?;
    let file_of = |path: &Arc<str>| project.image_files.iter().find(|f| f.path == *path);
    let (importer, before, setup_location) = match setup.loaded_by.as_ref()? {
        LoadedBy::Entry => (
            file_of(&setup.file.path)?,
            setup.file.patches_from,
            setup.file.location.clone(),
        ),
        LoadedBy::Import {
            from,
            location,
            order,
        } => (file_of(from)?, *order, location.clone()),
        LoadedBy::Preload(_) | LoadedBy::Framework => return None,
    };
    importer
        .content
        .imports
        .iter()
        .filter(|i| i.order < before && i.kind != ImportKind::Dynamic)
        .find(|i| is_instrumented(&i.specifier))
        .map(|i| EarlyLoad {
            module: i.specifier.clone(),
            location: Location::new(&importer.path, i.line, i.column),
            setup: setup_location,
        })
}

fn is_instrumented(specifier: &str) -> bool {
    let package = node::package_of_specifier(specifier).unwrap_or(specifier);
    node::INSTRUMENTED_MODULES.contains(&package) || node::INSTRUMENTED_MODULES.contains(&specifier)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<CommandWord> {
        let file: Arc<str> = Arc::from("Dockerfile");
        shell::split(text)
            .into_iter()
            .map(|w| CommandWord {
                text: w.text,
                location: Location::new(&file, 1, 1),
            })
            .collect()
    }

    #[test]
    fn reads_node_command_lines() {
        let found = invocation(&words(
            "node --max-old-space-size=512 -r ./tracing.js --import=@opentelemetry/auto-instrumentations-node/register --inspect server.js --port 3",
        ))
        .unwrap();
        let preloads: Vec<(PreloadFlag, &str)> = found
            .preloads
            .iter()
            .map(|(f, _, w)| (*f, w.text.as_str()))
            .collect();
        assert_eq!(
            preloads,
            [
                (PreloadFlag::Require, "./tracing.js"),
                (PreloadFlag::Import, node::REGISTER)
            ]
        );
        assert_eq!(found.script.unwrap().text, "server.js");
        assert!(invocation(&words("python app.py")).is_none());
        assert!(invocation(&words("node -e 'x'")).unwrap().script.is_none());
    }

    #[test]
    fn candidates_cover_extensions_and_compiled_output() {
        let found = candidates("./dist/instrumentation.js");
        for expected in [
            "instrumentation.ts",
            "src/instrumentation.ts",
            "./dist/instrumentation.js",
        ] {
            assert!(found.iter().any(|c| c == expected), "{expected}: {found:?}");
        }
        assert!(candidates("./tracing").iter().any(|c| c == "./tracing.js"));
        assert_eq!(join_workspace("svc/src", "../tracing.js"), "svc/tracing.js");
    }
}

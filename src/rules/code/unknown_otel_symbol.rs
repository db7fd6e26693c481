use crate::knowledge::js_symbols::{self, Export, Release};
use crate::knowledge::python_symbols::{Lookup, Symbol, Symbols, symbols};
use crate::resolve::{OtelReference, Project, ReferenceKind, Workload};
use crate::rules::{Check, Findings, declare_rule, edit_distance};
use crate::workspace::Language;

declare_rule! {
    /// ## What it does
    /// Checks that the OpenTelemetry modules the code imports exist, that the names it
    /// imports from them are defined there, and that the functions and methods it calls on
    /// them exist: `TraceProvider`, `trace.set_tacer_provider(...)`, or an exporter imported
    /// from `opentelemetry.exporter.otlp.http.trace_exporter`. In JavaScript and TypeScript,
    /// that the names the code imports from `@opentelemetry/*` packages, the classes it
    /// builds and the methods it calls on them exist in the release line the lockfile pins
    /// (else the one `package.json` asks for; an experimental 0.x line is judged by the
    /// stable SDK line it was published with): the 2.x SDKs removed `new Resource(...)` (now `resourceFromAttributes`) and
    /// `provider.addSpanProcessor(...)` (now `spanProcessors` in the constructor).
    ///
    /// ## Why is this bad?
    /// The app crashes at start with `ModuleNotFoundError`, `ImportError` or
    /// `AttributeError` before it sends a single span. Installing more packages does not help:
    /// the name is wrong. Names are checked against the OpenTelemetry packages (and Honeycomb's
    /// distro) that otel-doctor's table was generated from, at the versions the message
    /// names; modules of other packages, and names starting with `_`, are not judged.
    ///
    /// ## Example
    /// ```python
    /// from opentelemetry.sdk.trace import TraceProvider
    /// from opentelemetry.exporter.otlp.http.trace_exporter import OTLPSpanExporter
    /// trace.set_tacer_provider(provider)
    /// ```
    /// Use instead:
    /// ```python
    /// from opentelemetry.sdk.trace import TracerProvider
    /// from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    /// trace.set_tracer_provider(provider)
    /// ```
    pub struct UnknownOtelSymbol => "code/unknown-otel-symbol", Error;
}

impl Check for UnknownOtelSymbol {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let references = &service.code.otel_references;
            if references.is_empty() {
                continue;
            }
            if service.language == Some(Language::Node) {
                check_js(service, out);
                continue;
            }
            let table = symbols();
            for reference in references {
                let Walk::Missing { index, owner } = walk(table, reference) else {
                    continue;
                };
                // `a.b().c()`: a missing `b` is the inner call `a.b()`'s finding.
                let end = reference.names.len() - 1;
                if reference.names[index..end].iter().any(|n| n.called) {
                    continue;
                }
                let (message, hint) = explain(table, reference, index, owner, references);
                out.service(
                    &Self::META,
                    service,
                    &reference.names[index].location,
                    message,
                    hint,
                );
            }
        }
    }
}

/// JavaScript: each reference against the release of its package that the lockfile pins, else
/// that `package.json` asks for. A package the manifest does not list, or a version the table
/// has no release for, is not judged.
fn check_js(service: &Workload, out: &mut Findings) {
    for reference in &service.code.otel_references {
        let Some((release, judged)) = js_release(service, &reference.base) else {
            continue;
        };
        let Some(export) = reference.names.first() else {
            continue;
        };
        let file = export
            .location
            .file
            .rsplit('/')
            .next()
            .unwrap_or(&export.location.file);
        let package = release.package;
        let found = release.export(&export.name);
        let (location, message, replaced) = match (reference.kind, found, reference.names.get(1)) {
            (ReferenceKind::Import, None, _) => (
                &export.location,
                format!(
                    "{file} imports {name} from {package}, which does not export it in {judged}: with `import` the app stops at start with SyntaxError (no export named '{name}'); with `require` it is undefined and throws TypeError when used.",
                    name = export.name
                ),
                &export.name,
            ),
            (ReferenceKind::Call, Some(Export::Type), _) => (
                &export.location,
                format!(
                    "{file} uses {name} from {package} as a value, but in {judged} it is only a TypeScript type: the app throws TypeError ({name} is not a constructor) when it runs this line.",
                    name = export.name
                ),
                &export.name,
            ),
            (ReferenceKind::Call, Some(class @ Export::Class(_)), Some(member))
                if !class.has_member(&member.name) =>
            {
                (
                    &member.location,
                    format!(
                        "{file} calls {member} on a {class_name} from {package}, which has no such method in {judged}: the app throws TypeError ({member} is not a function) when it runs this line.",
                        member = member.name,
                        class_name = export.name
                    ),
                    &member.name,
                )
            }
            _ => continue,
        };
        let hint = js_hint(release, replaced, found);
        out.service(&UnknownOtelSymbol::META, service, location, message, hint);
    }
}

/// The table's release of a package for the version the service installs (the one its
/// lockfile pins, else the range its `package.json` asks for), with how it was chosen as a
/// message says it: `2.0.1 (the newest of the line of ^2.0.0 in package.json)`.
fn js_release(service: &Workload, package: &str) -> Option<(&'static Release, String)> {
    let listed = service
        .image_contents
        .as_ref()?
        .manifests
        .iter()
        .flat_map(|m| &m.requirements)
        .find(|l| l.requirement.name == package)?;
    // What asked for the version, and how a message says it.
    let (asked, source, pinned_by) = match &listed.locked {
        Some(locked) => (
            locked.version.as_str(),
            format!("{}, which {} pins", locked.version, locked.lockfile),
            format!("which {} pins", locked.lockfile),
        ),
        None => {
            let range = listed.range.as_deref()?;
            let source = format!("{range} in package.json");
            (range, source, "as package.json asks".to_string())
        }
    };
    let release = js_symbols::release_for(package, asked)?;
    let version = release.version;
    let judged = if version == asked {
        format!("{version} ({pinned_by})")
    } else if release.is_on_line_of(asked) {
        format!("{version} (the newest of the line of {source})")
    } else {
        let stable = release.stable_line()?;
        format!(
            "{version} (the table's release of the {stable}.x SDK line, which {source} belongs to)"
        )
    };
    Some((release, judged))
}

/// What to write instead: the upgrade guide's replacement, else the closest name the release
/// has (a method of the class, or an export).
fn js_hint(release: &Release, name: &str, owner: Option<Export>) -> String {
    if let Some(replacement) = js_symbols::replacement(release.package, name) {
        return replacement.to_string();
    }
    let candidates: Vec<&str> = match owner {
        Some(Export::Class(members)) => members.split(',').collect(),
        _ => release.values().collect(),
    };
    let closest = candidates
        .iter()
        .map(|candidate| (edit_distance(name, candidate), *candidate))
        .filter(|(distance, _)| *distance <= typo_threshold(name))
        .min();
    match closest {
        Some((_, found)) => format!(
            "did you mean {found}? ({} {})",
            release.package, release.version
        ),
        None => {
            let shown = candidates.len().min(SHOWN);
            let more = if candidates.len() > shown {
                ", ..."
            } else {
                ""
            };
            format!(
                "{} {} offers: {}{more}",
                release.package,
                release.version,
                candidates[..shown].join(", ")
            )
        }
    }
}

/// How far a reference's names resolve in the table.
#[derive(Debug, PartialEq, Eq)]
enum Walk {
    /// Every name the table can judge exists.
    Resolved,
    /// The name at `index` does not exist in `owner`.
    Missing { index: usize, owner: Symbol },
    /// The table cannot judge the name at `index` (another package's module, a private name)
    /// or what the reference starts from.
    Unjudged { index: usize, owner: Option<Symbol> },
}

fn walk(table: &Symbols, reference: &OtelReference) -> Walk {
    let unjudged = |index, owner| Walk::Unjudged { index, owner };
    let (mut owner, start) = match reference.kind {
        ReferenceKind::Module => match reference.names.first().map(|n| table.root(&n.name)) {
            Some(Lookup::Found(root)) => (root, 1),
            _ => return unjudged(0, None),
        },
        ReferenceKind::Import | ReferenceKind::Call => match table.path(&reference.base) {
            Lookup::Found(base) => (base, 0),
            _ => return unjudged(0, None),
        },
    };
    for (index, name) in reference.names.iter().enumerate().skip(start) {
        // A class's attribute is judged only when it is called: what it offers besides its
        // methods (properties, attributes set in `__init__`) is not recorded.
        if matches!(owner, Symbol::Class(_)) && !name.called {
            return Walk::Resolved;
        }
        match table.attribute(owner, &name.name) {
            Lookup::Found(Symbol::Module(path)) => owner = Symbol::Module(path),
            // `import a.b` where `b` is not a module: too odd to guess about.
            Lookup::Found(_) if reference.kind == ReferenceKind::Module => return Walk::Resolved,
            Lookup::Found(Symbol::Other) => return Walk::Resolved,
            Lookup::Found(symbol) => owner = symbol,
            Lookup::Missing => return Walk::Missing { index, owner },
            Lookup::Unknown => return unjudged(index, Some(owner)),
        }
    }
    Walk::Resolved
}

/// The message and the fix for the missing name at `index`.
fn explain(
    table: &Symbols,
    reference: &OtelReference,
    index: usize,
    owner: Symbol,
    all: &[OtelReference],
) -> (String, String) {
    let name = &reference.names[index].name;
    let location = &reference.names[index].location;
    let file = location.file.rsplit('/').next().unwrap_or(&location.file);
    let written: Vec<&str> = reference.names[..index]
        .iter()
        .map(|n| n.name.as_str())
        .collect();
    let owner_path = [reference.base.as_str()]
        .into_iter()
        .chain(written.iter().copied())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(".");
    let missing_path = format!("{owner_path}.{name}");
    let checked = table
        .distribution_of(&missing_path)
        .map(|d| format!("{} {}", d.name, d.version))
        .unwrap_or_default();
    match reference.kind {
        ReferenceKind::Module => {
            let module = reference
                .names
                .iter()
                .map(|n| n.name.as_str())
                .collect::<Vec<_>>()
                .join(".");
            let imported = imported_names(all, &module);
            (
                format!(
                    "{file} imports {module}, but no module {missing_path} exists (checked against {checked}): the app crashes at start with ModuleNotFoundError, whatever the requirements install."
                ),
                module_hint(table, &module, &imported, owner),
            )
        }
        ReferenceKind::Import => (
            format!(
                "{file} imports {name} from {owner_path}, which does not define it (checked against {checked}): the app crashes at start with ImportError."
            ),
            name_hint(table, name, owner, |fixed| {
                format!("from {owner_path} import {fixed}")
            }),
        ),
        ReferenceKind::Call => {
            let message = match owner {
                Symbol::Class(_) => format!(
                    "{file} calls {name} on {owner_path}, which has no such method (checked against {checked}): the app crashes with AttributeError when it runs this line."
                ),
                _ => format!(
                    "{file} calls {missing_path}, but {owner_path} defines no {name} (checked against {checked}): the app crashes with AttributeError when it runs this line."
                ),
            };
            let hint = name_hint(table, name, owner, |fixed| {
                format!("call {fixed} instead of {name}")
            });
            (message, hint)
        }
    }
}

/// The names the code imports from a module, for finding where they really live.
fn imported_names<'a>(all: &'a [OtelReference], module: &str) -> Vec<&'a str> {
    all.iter()
        .filter(|r| r.kind == ReferenceKind::Import && r.base == module)
        .flat_map(|r| r.names.iter().map(|n| n.name.as_str()))
        .collect()
}

/// The module to import from instead: the closest one that defines every imported name, or
/// failing that the closest module of all.
fn module_hint(table: &Symbols, module: &str, imported: &[&str], parent: Symbol) -> String {
    let defines_all =
        |candidate: &'static str| imported.iter().all(|name| table.defines(candidate, name));
    let mut candidates: Vec<&'static str> = table
        .modules()
        .map(|(path, _)| path)
        .filter(|path| !imported.is_empty() && defines_all(path))
        .collect();
    let threshold = if candidates.is_empty() {
        candidates = table.modules().map(|(path, _)| path).collect();
        Some(typo_threshold(module))
    } else {
        None
    };
    candidates.sort_unstable();
    let closest = candidates
        .iter()
        .map(|candidate| (edit_distance(module, candidate), *candidate))
        .filter(|(distance, _)| threshold.is_none_or(|most| *distance <= most))
        .min();
    match closest {
        Some((_, found)) => {
            let package = table
                .distribution_of(found)
                .map(|d| format!(" (package {})", d.name))
                .unwrap_or_default();
            if imported.is_empty() {
                format!("did you mean {found}?{package}\n  import {found}")
            } else {
                format!(
                    "did you mean {found}?{package}\n  from {found} import {}",
                    imported.join(", ")
                )
            }
        }
        None => {
            let Symbol::Module(parent_path) = parent else {
                return format!("check the module path {module}");
            };
            let mut children = table.names(parent);
            children.sort_unstable();
            format!(
                "check the module path: {parent_path} has {}",
                children.join(", ")
            )
        }
    }
}

/// The closest real name, or the module that defines this exact name, or what there is.
fn name_hint(table: &Symbols, name: &str, owner: Symbol, write: impl Fn(&str) -> String) -> String {
    let mut candidates = table.names(owner);
    candidates.sort_unstable();
    let closest = candidates
        .iter()
        .map(|candidate| (edit_distance(name, candidate), *candidate))
        .filter(|(distance, _)| *distance <= typo_threshold(name))
        .min();
    if let Some((_, found)) = closest {
        return format!("did you mean {found}?\n  {}", write(found));
    }
    let mut homes: Vec<&'static str> = match owner {
        Symbol::Module(_) => table
            .modules()
            .map(|(path, _)| path)
            .filter(|path| table.defines(path, name))
            .collect(),
        Symbol::Class(_) | Symbol::Other => Vec::new(),
    };
    homes.sort_unstable_by_key(|path| (path.split('.').any(|p| p.starts_with('_')), path.len()));
    match homes.first() {
        Some(home) => format!("{name} is defined in {home}:\n  from {home} import {name}"),
        None => {
            // Constants (`OTEL_...`, semantic conventions) would drown the functions and classes.
            let offered: Vec<&str> = candidates
                .into_iter()
                .filter(|c| !c.chars().all(|ch| ch.is_ascii_uppercase() || ch == '_'))
                .collect();
            let shown = offered.len().min(SHOWN);
            let more = if offered.len() > shown { ", ..." } else { "" };
            format!("use one of: {}{more}", offered[..shown].join(", "))
        }
    }
}

/// How many names a hint lists at most.
const SHOWN: usize = 12;

/// How many typos apart a name and a suggestion may be: a third of the name, at least two.
fn typo_threshold(name: &str) -> usize {
    (name.chars().count() / 3).max(2)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    use super::*;
    use crate::resolve::references_in;
    use crate::workspace::npm::{self, PackageJson};
    use crate::workspace::{Parsed, javascript, python};

    /// The Python files of the fixtures whose expected findings have no unknown symbol: code
    /// that runs, so every OpenTelemetry name in it must be in the table.
    fn correct_fixture_sources(dir: &Path, correct: bool, out: &mut Vec<PathBuf>) {
        let expected = dir.join("expected.json");
        let correct = match std::fs::read_to_string(&expected) {
            Ok(text) => !text.contains(UnknownOtelSymbol::META.id),
            Err(_) => correct,
        };
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                correct_fixture_sources(&path, correct, out);
            } else if correct && path.extension().is_some_and(|e| e == "py") {
                out.push(path);
            }
        }
    }

    /// The folders of the correct fixtures with a `package.json`, and its dependencies, each
    /// at the version its `package-lock.json` pins when it has one (as the rule reads them).
    fn correct_node_projects(dir: &Path, correct: bool, out: &mut Vec<(PathBuf, PackageJson)>) {
        let correct = match std::fs::read_to_string(dir.join("expected.json")) {
            Ok(text) => !text.contains(UnknownOtelSymbol::META.id),
            Err(_) => correct,
        };
        if correct && let Ok(text) = std::fs::read_to_string(dir.join("package.json")) {
            let mut manifest = npm::parse_package_json(&text).unwrap();
            if let Ok(lock) = std::fs::read_to_string(dir.join("package-lock.json")) {
                let lock = npm::parse_lockfile(npm::LockKind::Npm, &lock).unwrap();
                for dependency in &mut manifest.dependencies {
                    if let Some(pinned) = lock.pinned(&dependency.name, &dependency.value) {
                        dependency.value = pinned.to_string();
                    }
                }
            }
            out.push((dir.to_path_buf(), manifest));
        }
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && !path.ends_with("node_modules") {
                correct_node_projects(&path, correct, out);
            }
        }
    }

    fn javascript_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && !path.ends_with("node_modules") {
                javascript_files(&path, out);
            } else if path.extension().is_some_and(|e| {
                ["js", "mjs", "cjs", "ts", "mts", "tsx"]
                    .iter()
                    .any(|x| e == *x)
            }) {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_otel_name_the_correct_node_fixtures_import_exists_in_the_release_they_install() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut projects = Vec::new();
        correct_node_projects(&root, false, &mut projects);
        let (mut resolved, mut gaps) = (0, Vec::new());
        for (dir, manifest) in &projects {
            let mut files = Vec::new();
            javascript_files(dir, &mut files);
            for file in files {
                let source = javascript::parse(&std::fs::read_to_string(&file).unwrap()).unwrap();
                for import in &source.imports {
                    let Some(release) = manifest
                        .dependencies
                        .iter()
                        .find(|d| d.name == import.specifier)
                        .and_then(|d| js_symbols::release_for(&d.name, &d.value))
                    else {
                        continue;
                    };
                    for binding in &import.bindings {
                        if binding.imported == "*" || binding.imported == "default" {
                            continue;
                        }
                        match release.export(&binding.imported) {
                            Some(_) => resolved += 1,
                            None => gaps.push(format!(
                                "{}: {} {} exports no {}",
                                file.display(),
                                release.package,
                                release.version,
                                binding.imported
                            )),
                        }
                    }
                }
            }
        }
        assert!(gaps.is_empty(), "the table lacks:\n{}", gaps.join("\n"));
        assert!(resolved > 30, "only {resolved} names resolved");
    }

    #[test]
    fn every_otel_name_in_the_correct_fixtures_is_in_the_table() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut files = Vec::new();
        correct_fixture_sources(&root, false, &mut files);
        let table = symbols();
        let (mut resolved, mut gaps) = (0, Vec::new());
        for file in &files {
            let text = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
            let parsed = Parsed {
                path: Arc::from(file.display().to_string()),
                content: python::parse(&text).unwrap(),
            };
            for reference in references_in(&parsed) {
                let names: Vec<&str> = reference.names.iter().map(|n| n.name.as_str()).collect();
                let path = format!("{} {}", reference.base, names.join("."));
                match walk(table, &reference) {
                    Walk::Resolved => resolved += 1,
                    Walk::Missing { index, .. } => {
                        gaps.push(format!("{}: {path}: no {}", file.display(), names[index]))
                    }
                    // Unjudged is fine only for what the table does not cover: another
                    // package's module, a private name, a class that answers every name.
                    Walk::Unjudged { index, owner } => {
                        let prefix = [reference.base.as_str()]
                            .into_iter()
                            .chain(names[..=index].iter().copied())
                            .filter(|p| !p.is_empty())
                            .collect::<Vec<_>>()
                            .join(".");
                        let covered = matches!(owner, Some(Symbol::Module(_)) | None)
                            && !names[index].starts_with('_')
                            && table.distribution_of(&prefix).is_some();
                        if covered {
                            gaps.push(format!("{}: {path}: {prefix} unknown", file.display()));
                        }
                    }
                }
            }
        }
        assert!(gaps.is_empty(), "the table lacks:\n{}", gaps.join("\n"));
        assert!(
            resolved > 100,
            "only {resolved} references resolved in {} files",
            files.len()
        );
    }
}

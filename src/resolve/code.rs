//! What a service's Python code does with OpenTelemetry: which modules it imports, whether it
//! sets a TracerProvider (itself, through Honeycomb's distro, or not at all), creates spans,
//! which exporters it builds (with what endpoint and headers, evaluated against the
//! container's environment and the settings objects the code defines), which instrumentors it
//! calls, whether it sends with Honeycomb's classic SDK, whether it runs Flask's debug
//! reloader, and what it writes into its own environment (`os.environ.setdefault`).

use std::collections::HashMap;
use std::sync::Arc;

use super::code_setting::{CodeSetting, Evaluator};
use super::environment::{CodeEnvWrite, EnvVar};
use super::image::ImageContents;
use super::python_settings::SettingsObjects;
use crate::knowledge::languages::EnvWriteMode;
use crate::knowledge::otel::Protocol;
use crate::knowledge::python;
use crate::resolve::image_path::is_within;
use crate::source::Location;
use crate::workspace::python::{ArgValue, Call, Import, PythonSource};
use crate::workspace::workload::WorkloadSpec;
use crate::workspace::{Parsed, Workspace};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExporterKind {
    /// An OTLP span exporter; the protocol is known from the module it was imported from.
    Otlp(Option<Protocol>),
    Console,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeExporter {
    pub kind: ExporterKind,
    pub location: Location,
    /// `OTLPSpanExporter(endpoint=...)`: overrides the environment's endpoint.
    pub endpoint: Option<CodeSetting>,
    /// `OTLPSpanExporter(headers=...)`: replaces the environment's headers.
    pub headers: Option<CodeHeaders>,
}

/// Headers passed in code, each value evaluated; `pairs` is `None` when they are built in a
/// way not followed here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeHeaders {
    pub pairs: Option<Vec<(String, CodeSetting)>>,
    pub location: Location,
}

/// `configure_opentelemetry(HoneycombOptions(...))`: Honeycomb's distro sets up the SDK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistroSetup {
    pub location: Location,
    /// The `HoneycombOptions` keyword arguments, evaluated.
    pub options: Vec<(String, CodeSetting)>,
}

impl DistroSetup {
    pub fn option(&self, name: &str) -> Option<&CodeSetting> {
        self.options.iter().find(|(n, _)| n == name).map(|(_, s)| s)
    }
}

/// Honeycomb's classic SDK (`beeline.init`, `libhoney.init`): it sends events to Honeycomb
/// itself, without OpenTelemetry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassicSdk {
    pub library: &'static str,
    pub location: Location,
    /// Keyword arguments (`writekey`, `dataset`, `api_host`), evaluated.
    pub options: Vec<(String, CodeSetting)>,
}

impl ClassicSdk {
    pub fn option(&self, name: &str) -> Option<&CodeSetting> {
        self.options.iter().find(|(n, _)| n == name).map(|(_, s)| s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtelImport {
    pub module: String,
    pub package: String,
    pub location: Location,
}

/// Names the code expects an OpenTelemetry module, or a class from one, to define, each where
/// the code writes it: the parts of an imported module's path, a name imported from it, or the
/// attributes called on a name an import bound (`trace.set_tracer_provider`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtelReference {
    pub kind: ReferenceKind,
    /// What the first name is looked up in: the module of a `from ... import`, what the
    /// callee's first name was imported as (`opentelemetry.trace`); empty for a module path.
    pub base: String,
    pub names: Vec<ReferenceName>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceName {
    pub name: String,
    pub location: Location,
    /// Called right there: `TracerProvider` in `TracerProvider().add_span_processor(p)`, and
    /// the last name of every call. A call's names up to one called before its end are
    /// also an inner call's, and reported with it.
    pub called: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceKind {
    /// `import a.b` or `from a.b import c`: the path `a.b`, every part a module.
    Module,
    /// `from a.b import c`: `c`, a name or a submodule of `a.b`.
    Import,
    /// A call: attributes, the last one called (`FlaskInstrumentor().instrument_app`).
    Call,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeFacts {
    /// The Python files that end up in the image.
    pub files: Vec<Arc<str>>,
    pub otel_imports: Vec<OtelImport>,
    pub otel_references: Vec<OtelReference>,
    pub provider_set: Option<Location>,
    pub provider_created: Option<Location>,
    pub spans_created: Option<Location>,
    pub exporters: Vec<CodeExporter>,
    /// Instrumentor classes called in code, with the package they come from.
    pub instrumentors: Vec<(String, Location)>,
    /// Web frameworks imported (`flask`, `django`, ...).
    pub frameworks: Vec<(String, Location)>,
    /// `app.run(debug=True)` without `use_reloader=False`.
    pub flask_reloader: Option<Location>,
    /// A `Resource` built in code (which usually names the service).
    pub resource: Option<Location>,
    /// Environment variables the code reads itself (`os.getenv("X")`, `os.environ.get("X")`).
    pub env_reads: Vec<String>,
    /// The kinds of exporter handed to span processors (`BatchSpanProcessor(exporter)`).
    attached: Vec<ExporterKind>,
    /// A span processor got an exporter not followed here.
    attached_unknown: bool,
    /// Exporters built but never handed to a span processor: they export nothing.
    pub unattached: Vec<CodeExporter>,
    pub honeycomb_distro: Option<DistroSetup>,
    pub classic_sdk: Option<ClassicSdk>,
    /// What the code writes into its own environment, in order.
    pub env_writes: Vec<CodeEnvWrite>,
}

impl CodeFacts {
    /// The protocol of the OTLP exporter built in code, if there is exactly one kind.
    pub fn exporter_protocol(&self) -> Option<(Protocol, &Location)> {
        self.exporters.iter().find_map(|e| match e.kind {
            ExporterKind::Otlp(Some(protocol)) => Some((protocol, &e.location)),
            _ => None,
        })
    }

    /// As the console-exporter fix leaves the code: an OTLP exporter handed to the SDK at
    /// `at`, reading the endpoint and headers from the environment.
    pub fn hand_over_otlp_exporter(&mut self, at: Location, protocol: Option<Protocol>) {
        let kind = ExporterKind::Otlp(protocol);
        self.attached.push(kind.clone());
        self.exporters.push(CodeExporter {
            kind,
            location: at,
            endpoint: None,
            headers: None,
        });
    }

    pub fn has_otlp_exporter(&self) -> bool {
        self.exporters
            .iter()
            .any(|e| matches!(e.kind, ExporterKind::Otlp(_)))
    }
}

/// `code_root` is the image folder the command runs its code from: only the context's files
/// copied under it are the service's code (a shared build context holds other services' too).
pub fn resolve(
    workspace: &Workspace,
    service: &WorkloadSpec,
    image: Option<&ImageContents>,
    code_root: Option<&str>,
    env: &[EnvVar],
) -> CodeFacts {
    let mut facts = CodeFacts::default();
    let Some(source_dir) = service.source_dir() else {
        return facts;
    };
    let context_dir = workspace.project_display(&source_dir.value);
    let Some(context) = workspace.contexts.get(&context_dir) else {
        return facts;
    };
    let in_image: Vec<&Parsed<PythonSource>> = match image {
        Some(image) => {
            let copied: Vec<(&Parsed<PythonSource>, String)> = context
                .python
                .iter()
                .filter_map(|f| Some((f, image.image_path_of(&f.path)?)))
                .collect();
            let under_root: Vec<&Parsed<PythonSource>> = copied
                .iter()
                .filter(|(_, at)| code_root.is_none_or(|root| is_within(at, root)))
                .map(|(f, _)| *f)
                .collect();
            match (under_root.is_empty(), copied.is_empty()) {
                (false, _) => under_root,
                (true, false) => copied.into_iter().map(|(f, _)| f).collect(),
                // Nothing copied: the code arrives another way (a bind mount). The service's
                // own code is then beside its Dockerfile; a shared context holds others'.
                (true, true) => context
                    .python
                    .iter()
                    .filter(|f| in_folder(&f.path, image.dockerfile_folder()))
                    .collect(),
            }
        }
        None => context.python.iter().collect(),
    };
    let settings = SettingsObjects::of(&in_image);
    for file in in_image {
        facts.files.push(Arc::clone(&file.path));
        read_file(file, env, &settings, &mut facts);
    }
    if !facts.attached.is_empty() && !facts.attached_unknown {
        let attached = std::mem::take(&mut facts.attached);
        let (kept, unattached) = std::mem::take(&mut facts.exporters)
            .into_iter()
            .partition(|e| attached.iter().any(|a| same_kind(a, &e.kind)));
        facts.exporters = kept;
        facts.unattached = unattached;
    }
    facts
}

/// Whether a workspace path is inside a folder (`.` holds everything).
fn in_folder(path: &str, folder: &str) -> bool {
    folder == "."
        || path
            .strip_prefix(folder)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The exporter a qualified class name builds.
fn exporter_kind(qualified: &str) -> Option<ExporterKind> {
    let (module, name) = qualified.rsplit_once('.').unwrap_or(("", qualified));
    match name {
        "OTLPSpanExporter" => Some(ExporterKind::Otlp(python::exporter_module_protocol(module))),
        "ConsoleSpanExporter" => Some(ExporterKind::Console),
        _ => None,
    }
}

/// The OpenTelemetry references of one file, for tests of the symbol table.
#[cfg(test)]
pub(crate) fn references_in(file: &Parsed<PythonSource>) -> Vec<OtelReference> {
    let mut facts = CodeFacts::default();
    read_file(file, &[], &SettingsObjects::default(), &mut facts);
    facts.otel_references
}

fn same_kind(a: &ExporterKind, b: &ExporterKind) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn read_file(
    file: &Parsed<PythonSource>,
    env: &[EnvVar],
    settings: &SettingsObjects,
    facts: &mut CodeFacts,
) {
    let at = |line: u32, column: u32| Location::new(&file.path, line, column);
    let names = imported_names(&file.content);
    let assigned: HashMap<String, ArgValue> = file
        .content
        .assignments
        .iter()
        .map(|a| (a.target.clone(), a.value.clone()))
        .collect();
    let evaluator = Evaluator {
        names: &names,
        assigned: &assigned,
        env,
        file: &file.path,
        settings,
    };
    environment_writes(file, &names, &evaluator, &mut facts.env_writes);
    let keyword_setting = |call: &Call, keyword: &str| {
        call.args
            .iter()
            .find(|a| a.keyword.as_deref() == Some(keyword))
            .map(|a| evaluator.setting(a))
    };
    let keyword_options = |call: &Call| -> Vec<(String, CodeSetting)> {
        call.args
            .iter()
            .filter_map(|a| Some((a.keyword.clone()?, evaluator.setting(a))))
            .collect()
    };
    for import in &file.content.imports {
        if let Some(package) = python::package_for_module(&import.module) {
            facts.otel_imports.push(OtelImport {
                module: import.module.clone(),
                package,
                location: at(import.line, import.column),
            });
            import_references(import, &at, &mut facts.otel_references);
        }
        let root = import.module.split('.').next().unwrap_or_default();
        if python::FRAMEWORKS
            .iter()
            .any(|(framework, _)| *framework == root)
        {
            facts
                .frameworks
                .push((root.to_string(), at(import.line, import.column)));
        }
    }
    let mut distro_options = None;
    // The names OpenTelemetry imports bind, unless the file rebinds them (`def f(context):`).
    let otel_names: Vec<(&str, &str)> = names
        .iter()
        .filter(|(local, module)| {
            python::package_for_module(module).is_some()
                && file.content.rebound.binary_search(local).is_err()
        })
        .map(|(local, module)| (local.as_str(), module.as_str()))
        .collect();
    let imports_flask = facts
        .frameworks
        .iter()
        .any(|(f, l)| f == "flask" && l.file == file.path);
    for call in &file.content.calls {
        let qualified = qualify(&call.callee, &names);
        let (module, name) = qualified
            .rsplit_once('.')
            .unwrap_or(("", qualified.as_str()));
        let location = at(call.line, call.column);
        if let Some(reference) = call_reference(call, &otel_names, &at) {
            facts.otel_references.push(reference);
        }
        match name {
            "set_tracer_provider" => {
                facts.provider_set.get_or_insert(location);
            }
            // A library that sets the SDK up itself (Traceloop, OpenLIT, Logfire, Azure
            // Monitor, programmatic auto-instrumentation).
            _ if python::SDK_SETUP_CALLS.contains(&qualified.as_str()) => {
                facts.provider_set.get_or_insert(location);
            }
            "TracerProvider" if module.starts_with("opentelemetry.sdk") || module.is_empty() => {
                facts.provider_created.get_or_insert(location);
            }
            "Resource" | "create" if module.starts_with("opentelemetry.sdk.resources") => {
                facts.resource.get_or_insert(location);
            }
            "start_as_current_span" | "start_span" => {
                facts.spans_created.get_or_insert(location);
            }
            "OTLPSpanExporter" => facts.exporters.push(CodeExporter {
                kind: ExporterKind::Otlp(python::exporter_module_protocol(module)),
                location,
                endpoint: keyword_setting(call, "endpoint"),
                headers: call
                    .args
                    .iter()
                    .find(|a| a.keyword.as_deref() == Some("headers"))
                    .map(|a| CodeHeaders {
                        pairs: evaluator.pairs(a),
                        location: at(a.line, a.column),
                    }),
            }),
            "BatchSpanProcessor" | "SimpleSpanProcessor"
                if module.starts_with("opentelemetry.sdk.trace") || module.is_empty() =>
            {
                let exporter = call.args.first().map(|a| evaluator.resolve(&a.value));
                let kind = match exporter {
                    Some(ArgValue::Call(callee, _)) => exporter_kind(&qualify(callee, &names)),
                    _ => None,
                };
                match kind {
                    Some(kind) => facts.attached.push(kind),
                    None => facts.attached_unknown = true,
                }
            }
            "ConsoleSpanExporter" => facts.exporters.push(CodeExporter {
                kind: ExporterKind::Console,
                location,
                endpoint: None,
                headers: None,
            }),
            "configure_opentelemetry" if module == python::HONEYCOMB_DISTRO_MODULE => {
                facts.honeycomb_distro.get_or_insert(DistroSetup {
                    location,
                    options: Vec::new(),
                });
            }
            "HoneycombOptions" if module == python::HONEYCOMB_DISTRO_MODULE => {
                distro_options.get_or_insert_with(|| keyword_options(call));
            }
            "init" | "Client" if matches!(module, "beeline" | "libhoney") => {
                facts.classic_sdk.get_or_insert(ClassicSdk {
                    library: if module == "beeline" {
                        "beeline"
                    } else {
                        "libhoney"
                    },
                    location,
                    options: keyword_options(call),
                });
            }
            _ if name.ends_with("Instrumentor")
                && module.starts_with("opentelemetry.instrumentation.") =>
            {
                if let Some(package) = python::package_for_module(module) {
                    facts.instrumentors.push((package, location));
                }
            }
            "getenv" | "get" if name == "getenv" || module.ends_with("environ") => {
                if let Some(ArgValue::Str(variable)) = call.args.first().map(|a| &a.value) {
                    facts.env_reads.push(variable.clone());
                }
            }
            "run" if imports_flask && runs_reloader(call) => {
                facts.flask_reloader.get_or_insert(location);
            }
            _ => {}
        }
    }
    if let (Some(setup), Some(options)) = (&mut facts.honeycomb_distro, distro_options)
        && setup.options.is_empty()
    {
        setup.options = options;
    }
}

/// `os.environ.setdefault("X", v)` (only when unset), `os.environ["X"] = v` and
/// `os.environ.update({"X": v})` / `update(X=v)` (always), in the order written.
fn environment_writes(
    file: &Parsed<PythonSource>,
    names: &HashMap<String, String>,
    evaluator: &Evaluator,
    out: &mut Vec<CodeEnvWrite>,
) {
    let environ = |dotted: &str| qualify(dotted, names) == "os.environ";
    let mut writes: Vec<(u32, u32, CodeEnvWrite)> = Vec::new();
    let mut write = |name: &str, value: &ArgValue, at: (u32, u32), mode: EnvWriteMode| {
        let setting = evaluator.value_setting(value, at.0, at.1);
        writes.push((
            at.0,
            at.1,
            CodeEnvWrite {
                name: name.to_string(),
                value: setting.text().map(str::to_string),
                mode,
                reads: setting.variable,
                location: Location::new(&file.path, at.0, at.1),
            },
        ));
    };
    for call in &file.content.calls {
        let Some((object, method)) = call.callee.rsplit_once('.') else {
            continue;
        };
        // Most calls are not on `environ`: told apart without qualifying them.
        if !matches!(method, "setdefault" | "update") || !object.ends_with("environ") {
            continue;
        }
        if !environ(object) {
            continue;
        }
        match (method, call.args.as_slice()) {
            ("setdefault", [name, value, ..]) => {
                if let ArgValue::Str(variable) = &name.value {
                    write(
                        variable,
                        &value.value,
                        (name.line, name.column),
                        EnvWriteMode::IfUnset,
                    );
                }
            }
            ("update", args) => {
                for arg in args {
                    match (&arg.keyword, &arg.value) {
                        (Some(variable), value) => write(
                            variable,
                            value,
                            (arg.line, arg.column),
                            EnvWriteMode::Overwrite,
                        ),
                        (None, ArgValue::Dict(pairs)) => {
                            for (key, value) in pairs {
                                if let ArgValue::Str(variable) = key {
                                    write(
                                        variable,
                                        value,
                                        (arg.line, arg.column),
                                        EnvWriteMode::Overwrite,
                                    );
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    for item in &file.content.item_assignments {
        if let (true, ArgValue::Str(variable)) = (environ(&item.base), &item.key) {
            write(
                variable,
                &item.value,
                (item.line, item.column),
                EnvWriteMode::Overwrite,
            );
        }
    }
    writes.sort_by_key(|(line, column, _)| (*line, *column));
    out.extend(writes.into_iter().map(|(_, _, write)| write));
}

/// Local names bound by imports, mapped to what they stand for: `from opentelemetry import
/// trace` binds `trace` to `opentelemetry.trace`; `import a.b as x` binds `x` to `a.b`.
fn imported_names(source: &PythonSource) -> HashMap<String, String> {
    let mut names = HashMap::new();
    for import in &source.imports {
        match (&import.names, &import.alias) {
            (Some(imported), _) => {
                for name in imported {
                    let local = name.alias.clone().unwrap_or_else(|| name.name.clone());
                    names.insert(local, format!("{}.{}", import.module, name.name));
                }
            }
            (None, Some(alias)) => {
                names.insert(alias.clone(), import.module.clone());
            }
            (None, None) => {
                let root = import.module.split('.').next().unwrap_or_default();
                names.insert(root.to_string(), root.to_string());
            }
        }
    }
    names
}

/// The parts of an OpenTelemetry import's module path, and the names it imports from it.
fn import_references(
    import: &Import,
    at: &impl Fn(u32, u32) -> Location,
    out: &mut Vec<OtelReference>,
) {
    let mut column = import.module_column;
    let parts = import
        .module
        .split('.')
        .map(|part| {
            let location = at(import.module_line, column);
            column = column.saturating_add(u32::try_from(part.chars().count() + 1).unwrap_or(0));
            ReferenceName {
                name: part.to_string(),
                location,
                called: false,
            }
        })
        .collect();
    out.push(OtelReference {
        kind: ReferenceKind::Module,
        base: String::new(),
        names: parts,
    });
    for name in import.names.iter().flatten().filter(|n| n.name != "*") {
        out.push(OtelReference {
            kind: ReferenceKind::Import,
            base: import.module.clone(),
            names: vec![ReferenceName {
                name: name.name.clone(),
                location: at(name.line, name.column),
                called: false,
            }],
        });
    }
}

/// A call on a name an OpenTelemetry import bound: the attributes after that name.
fn call_reference(
    call: &Call,
    otel_names: &[(&str, &str)],
    at: &impl Fn(u32, u32) -> Location,
) -> Option<OtelReference> {
    let mut parts = call.callee.split('.');
    let first = parts.next()?;
    let local = first.strip_suffix("()").unwrap_or(first);
    let (_, base) = otel_names.iter().find(|(name, _)| *name == local)?;
    let parts: Vec<&str> = parts.collect();
    let mut offset = Some(first.chars().count() + 1).filter(|_| local.len() == first.len());
    let mut attributes = Vec::new();
    for (index, part) in parts.iter().enumerate() {
        let name = part.strip_suffix("()").unwrap_or(part);
        let last = index + 1 == parts.len();
        // The called name's position is known; the others are where the callee's text puts
        // them, until arguments stand before them (`Class(x).a.b()`: then they are an inner
        // call's names, reported there).
        let location = match offset {
            _ if last => at(call.name_line, call.name_column),
            Some(offset) => at(
                call.line,
                u32::try_from(offset).map_or(call.column, |o| call.column.saturating_add(o)),
            ),
            None => at(call.line, call.column),
        };
        let called = last || name.len() != part.len();
        attributes.push(ReferenceName {
            name: name.to_string(),
            location,
            called,
        });
        offset = offset
            .filter(|_| !called)
            .map(|offset| offset + part.chars().count() + 1);
    }
    (!attributes.is_empty()).then(|| OtelReference {
        kind: ReferenceKind::Call,
        base: base.to_string(),
        names: attributes,
    })
}

/// The callee with its first name replaced by what the imports bound it to.
fn qualify(callee: &str, names: &HashMap<String, String>) -> String {
    let (first, rest) = callee.split_once('.').unwrap_or((callee, ""));
    let first = first.strip_suffix("()").unwrap_or(first);
    match (names.get(first), rest.is_empty()) {
        (Some(full), true) => full.clone(),
        (Some(full), false) => format!("{full}.{rest}"),
        (None, _) => callee.to_string(),
    }
}

fn runs_reloader(call: &Call) -> bool {
    let keyword = |name: &str| {
        call.args
            .iter()
            .find(|a| a.keyword.as_deref() == Some(name))
            .map(|a| &a.value)
    };
    keyword("debug") == Some(&ArgValue::Bool(true))
        && keyword("use_reloader") != Some(&ArgValue::Bool(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifies_through_imports() {
        let names: HashMap<String, String> = [
            ("trace".to_string(), "opentelemetry.trace".to_string()),
            (
                "FlaskInstrumentor".to_string(),
                "opentelemetry.instrumentation.flask.FlaskInstrumentor".to_string(),
            ),
        ]
        .into();
        assert_eq!(
            qualify("trace.set_tracer_provider", &names),
            "opentelemetry.trace.set_tracer_provider"
        );
        assert_eq!(
            qualify("FlaskInstrumentor().instrument_app", &names),
            "opentelemetry.instrumentation.flask.FlaskInstrumentor.instrument_app"
        );
        assert_eq!(qualify("app.run", &names), "app.run");
    }

    #[test]
    fn references_name_each_part_where_it_is_written() {
        let file = Parsed {
            path: Arc::from("app.py"),
            content: crate::workspace::python::parse(
                "import opentelemetry.sdk.trace\nfrom opentelemetry import trace as t, flask\nimport flask\nopentelemetry.sdk.trace.TracerProvider().add_span_processor(p)\nt.get_tracer(n).start_span(x)\nflask.Flask(n)\n",
            ),
        };
        let written: Vec<(ReferenceKind, String, Vec<String>)> = references_in(&file)
            .into_iter()
            .map(|r| {
                let names = r
                    .names
                    .iter()
                    .map(|n| {
                        let call = if n.called { "()" } else { "" };
                        format!("{}{call}@{}:{}", n.name, n.location.line, n.location.column)
                    })
                    .collect();
                (r.kind, r.base, names)
            })
            .collect();
        let reference = |kind, base: &str, names: &[&str]| {
            let names = names.iter().map(|n| n.to_string()).collect();
            (kind, base.to_string(), names)
        };
        assert_eq!(
            written,
            [
                reference(
                    ReferenceKind::Module,
                    "",
                    &["opentelemetry@1:8", "sdk@1:22", "trace@1:26"]
                ),
                reference(ReferenceKind::Module, "", &["opentelemetry@2:6"]),
                reference(ReferenceKind::Import, "opentelemetry", &["trace@2:27"]),
                reference(ReferenceKind::Import, "opentelemetry", &["flask@2:39"]),
                reference(
                    ReferenceKind::Call,
                    "opentelemetry",
                    &["sdk@4:15", "trace@4:19", "TracerProvider()@4:25"]
                ),
                reference(
                    ReferenceKind::Call,
                    "opentelemetry",
                    &[
                        "sdk@4:15",
                        "trace@4:19",
                        "TracerProvider()@4:25",
                        "add_span_processor()@4:42"
                    ]
                ),
                reference(
                    ReferenceKind::Call,
                    "opentelemetry.trace",
                    &["get_tracer()@5:3"]
                ),
                reference(
                    ReferenceKind::Call,
                    "opentelemetry.trace",
                    &["get_tracer()@5:3", "start_span()@5:17"]
                ),
            ]
        );
    }
}

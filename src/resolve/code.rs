//! What a service's Python code does with OpenTelemetry: which modules it imports, whether it
//! sets a TracerProvider, creates spans, which exporters it builds (and with what endpoint),
//! which instrumentors it calls, and whether it runs Flask's debug reloader.

use std::collections::HashMap;
use std::sync::Arc;

use super::image::ImageContents;
use super::image::files::is_within;
use crate::knowledge::otel::Protocol;
use crate::knowledge::python;
use crate::source::Location;
use crate::workspace::compose::ComposeService;
use crate::workspace::python::{ArgValue, Call, PythonSource};
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
    /// `OTLPSpanExporter(endpoint="...")`: a literal endpoint that overrides the environment.
    pub endpoint: Option<(String, Location)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtelImport {
    pub module: String,
    pub package: String,
    pub location: Location,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeFacts {
    /// The Python files that end up in the image.
    pub files: Vec<Arc<str>>,
    pub otel_imports: Vec<OtelImport>,
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
}

impl CodeFacts {
    /// The protocol of the OTLP exporter built in code, if there is exactly one kind.
    pub fn exporter_protocol(&self) -> Option<(Protocol, &Location)> {
        self.exporters.iter().find_map(|e| match e.kind {
            ExporterKind::Otlp(Some(protocol)) => Some((protocol, &e.location)),
            _ => None,
        })
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
    service: &ComposeService,
    image: Option<&ImageContents>,
    code_root: Option<&str>,
) -> CodeFacts {
    let mut facts = CodeFacts::default();
    let Some(build) = &service.build else {
        return facts;
    };
    let context_dir = workspace.project_display(&build.context.value);
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
                // Nothing copied: the code arrives another way (a bind mount), whole.
                (true, true) => context.python.iter().collect(),
            }
        }
        None => context.python.iter().collect(),
    };
    for file in in_image {
        facts.files.push(Arc::clone(&file.path));
        read_file(file, &mut facts);
    }
    facts
}

fn read_file(file: &Parsed<PythonSource>, facts: &mut CodeFacts) {
    let at = |line: u32, column: u32| Location::new(&file.path, line, column);
    let names = imported_names(&file.content);
    for import in &file.content.imports {
        if let Some(package) = python::package_for_module(&import.module) {
            facts.otel_imports.push(OtelImport {
                module: import.module.clone(),
                package,
                location: at(import.line, import.column),
            });
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
        match name {
            "set_tracer_provider" => {
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
                endpoint: string_argument(call, "endpoint").map(|(v, l, c)| (v, at(l, c))),
            }),
            "ConsoleSpanExporter" => facts.exporters.push(CodeExporter {
                kind: ExporterKind::Console,
                location,
                endpoint: None,
            }),
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

fn string_argument(call: &Call, keyword: &str) -> Option<(String, u32, u32)> {
    call.args
        .iter()
        .find_map(|arg| match (&arg.keyword, &arg.value) {
            (Some(k), ArgValue::Str(value)) if k == keyword => {
                Some((value.clone(), arg.line, arg.column))
            }
            _ => None,
        })
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
}

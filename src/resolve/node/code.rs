//! What a Node.js service's code does with OpenTelemetry, in the language-neutral terms of
//! `CodeFacts`: which packages it imports, whether it starts an SDK (`new NodeSDK(...).start()`,
//! `provider.register()`, Honeycomb's `new HoneycombSDK(...)`), creates spans, which exporters
//! it builds (their protocol from the package they come from, their `url` and `headers`
//! evaluated against the container's environment) and whether they reach the SDK, what it
//! writes into its own environment (`process.env.X ??= ...`); and, per file, where the SDK is
//! set up and where instrumentation starts patching.

use std::collections::HashMap;
use std::sync::Arc;

use crate::knowledge::node::{self, Symbol};
use crate::resolve::code::OtelImport;
use crate::resolve::environment::{CodeEnvWrite, EnvVar};
use crate::resolve::{
    CodeExporter, CodeFacts, CodeHeaders, CodeSetting, DistroSetup, ExporterKind,
};
use crate::source::Location;
use crate::workspace::Parsed;
use crate::workspace::javascript::{Arg, JsCall, JsSource, JsValue};

/// A file that sets up the SDK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupFile {
    pub path: Arc<str>,
    /// Where the SDK is started (`sdk.start()`, `provider.register()`).
    pub location: Location,
    /// Where in the file instrumentation starts patching modules: the first
    /// `getNodeAutoInstrumentations()`, `new XInstrumentation()` or SDK start.
    pub patches_from: usize,
    /// Honeycomb's browser SDK or a web tracer provider: it runs in the browser.
    pub browser: bool,
}

/// The names a file's imports bind: local name → (specifier, imported name).
pub struct Scope<'a> {
    pub file: &'a Parsed<JsSource>,
    bindings: HashMap<&'a str, (&'a str, &'a str)>,
    declarations: HashMap<&'a str, &'a JsValue>,
}

impl<'a> Scope<'a> {
    pub fn new(file: &'a Parsed<JsSource>) -> Self {
        let bindings = file
            .content
            .imports
            .iter()
            .flat_map(|import| {
                import.bindings.iter().map(move |b| {
                    (
                        b.local.as_str(),
                        (import.specifier.as_str(), b.imported.as_str()),
                    )
                })
            })
            .collect();
        let declarations = file
            .content
            .declarations
            .iter()
            .map(|d| (d.name.as_str(), &d.value))
            .collect();
        Scope {
            file,
            bindings,
            declarations,
        }
    }

    /// What a dotted callee or name stands for: the package and export it comes from, and
    /// the member path after it (`opentelemetry.NodeSDK` → `(@opentelemetry/sdk-node,
    /// NodeSDK, [])`; `sdk.start` → the `NodeSDK` that `sdk` was built from, with `[start]`).
    pub fn qualify(&self, dotted: &str) -> Option<(&'a str, String, Vec<String>)> {
        const MAX_HOPS: usize = 8;
        let mut parts: Vec<String> = dotted
            .split('.')
            .map(|p| p.trim_end_matches("()").to_string())
            .collect();
        for _ in 0..MAX_HOPS {
            let first = parts.first()?.clone();
            if let Some(&(specifier, imported)) = self.bindings.get(first.as_str()) {
                let package = node::package_of_specifier(specifier)?;
                return Some(if imported == "*" || imported == "default" {
                    let name = parts.get(1).cloned().unwrap_or_default();
                    (package, name, parts.into_iter().skip(2).collect())
                } else {
                    (
                        package,
                        imported.to_string(),
                        parts.into_iter().skip(1).collect(),
                    )
                });
            }
            // `const sdk = new NodeSDK(...)`: follow the declaration to what it was built from.
            match self.declarations.get(first.as_str()) {
                Some(JsValue::Call { callee, .. }) | Some(JsValue::Name(callee)) => {
                    let mut followed: Vec<String> = callee
                        .split('.')
                        .map(|p| p.trim_end_matches("()").to_string())
                        .collect();
                    followed.extend(parts.into_iter().skip(1));
                    parts = followed;
                }
                _ => return None,
            }
        }
        None
    }

    /// The OpenTelemetry symbol a callee names, and the method called on it.
    fn symbol_of(&self, callee: &str) -> Option<(Symbol, &'a str, Vec<String>)> {
        let (package, name, rest) = self.qualify(callee)?;
        // `tracing.ConsoleSpanExporter` from sdk-node's `tracing` namespace.
        let (name, rest) = match (name.as_str(), rest.split_first()) {
            ("tracing" | "node" | "api", Some((inner, rest))) => (inner.clone(), rest.to_vec()),
            _ => (name, rest),
        };
        let symbol = node::symbol(package, &name)?;
        Some((symbol, package, rest))
    }

    /// What a name stands for, through the file's declarations.
    pub fn value_of<'v>(&'v self, value: &'v JsValue) -> &'v JsValue {
        const MAX_HOPS: usize = 8;
        let mut value = value;
        for _ in 0..MAX_HOPS {
            match value {
                JsValue::Name(name) if !name.contains('.') => {
                    match self.declarations.get(name.as_str()) {
                        Some(bound) => value = bound,
                        None => break,
                    }
                }
                _ => break,
            }
        }
        value
    }
}

/// Evaluates values the code passes the SDK against the container's environment.
pub struct Evaluator<'a> {
    pub env: &'a [EnvVar],
}

enum Outcome {
    Text(String),
    /// `undefined`: the SDK falls back to its environment and defaults.
    Undefined,
    Unknown,
}

impl Evaluator<'_> {
    pub fn setting(&self, scope: &Scope, arg: &Arg) -> CodeSetting {
        let mut variable = None;
        let outcome = self.evaluate(scope, &arg.value, &mut variable, 0);
        CodeSetting {
            known: !matches!(outcome, Outcome::Unknown),
            value: match outcome {
                Outcome::Text(text) => Some(text),
                _ => None,
            },
            location: Location::new(&scope.file.path, arg.line, arg.column),
            variable,
        }
    }

    fn lookup(&self, name: &str) -> Option<String> {
        self.env
            .iter()
            .find(|v| v.name == name && v.resolved)
            .map(|v| v.value.clone())
    }

    fn evaluate(
        &self,
        scope: &Scope,
        value: &JsValue,
        variable: &mut Option<String>,
        depth: usize,
    ) -> Outcome {
        const MAX_DEPTH: usize = 16;
        if depth > MAX_DEPTH {
            return Outcome::Unknown;
        }
        match scope.value_of(value) {
            JsValue::Str(text) => Outcome::Text(text.clone()),
            JsValue::Undefined | JsValue::Null => Outcome::Undefined,
            JsValue::Env(name, _) => {
                variable.get_or_insert_with(|| name.clone());
                self.lookup(name).map_or(Outcome::Undefined, Outcome::Text)
            }
            JsValue::Or(parts) => {
                for part in parts {
                    match self.evaluate(scope, part, variable, depth + 1) {
                        Outcome::Text(text) if !text.is_empty() => return Outcome::Text(text),
                        Outcome::Unknown => return Outcome::Unknown,
                        _ => {}
                    }
                }
                Outcome::Undefined
            }
            JsValue::Concat(parts) | JsValue::Template(parts) => {
                let mut joined = String::new();
                for part in parts {
                    match self.evaluate(scope, part, variable, depth + 1) {
                        Outcome::Text(text) => joined.push_str(&text),
                        // `undefined` in a template is the text "undefined": not a URL.
                        _ => return Outcome::Unknown,
                    }
                }
                Outcome::Text(joined)
            }
            _ => Outcome::Unknown,
        }
    }

    /// `headers: { 'x-honeycomb-team': ... }` as pairs; `None` when built otherwise.
    fn pairs(&self, scope: &Scope, arg: &Arg) -> Option<Vec<(String, CodeSetting)>> {
        match scope.value_of(&arg.value) {
            JsValue::Object(entries) => Some(
                entries
                    .iter()
                    .map(|(key, value)| (key.to_ascii_lowercase(), self.setting(scope, value)))
                    .collect(),
            ),
            _ => None,
        }
    }
}

/// The facts of the files a service runs (not its browser code).
pub fn facts(files: &[&Parsed<JsSource>], env: &[EnvVar]) -> (CodeFacts, Vec<SetupFile>) {
    let mut facts = CodeFacts::default();
    let mut setups = Vec::new();
    let evaluator = Evaluator { env };
    for file in files {
        facts.files.push(Arc::clone(&file.path));
        let scope = Scope::new(file);
        read_file(&scope, &evaluator, &mut facts, &mut setups);
    }
    (facts, setups)
}

fn read_file(
    scope: &Scope,
    evaluator: &Evaluator,
    facts: &mut CodeFacts,
    setups: &mut Vec<SetupFile>,
) {
    let file = scope.file;
    let at = |line: u32, column: u32| Location::new(&file.path, line, column);
    for write in &file.content.env_writes {
        let value = Arg {
            value: write.value.clone(),
            line: write.value_line,
            column: write.value_column,
        };
        let setting = evaluator.setting(scope, &value);
        facts.env_writes.push(CodeEnvWrite {
            name: write.name.clone(),
            value: setting.text().map(str::to_string),
            mode: write.mode,
            reads: setting.variable,
            location: at(write.line, write.column),
        });
    }
    let mut imports_otel = false;
    // `import '@opentelemetry/auto-instrumentations-node/register'` starts the SDK as it loads.
    let mut registers: Option<(Location, usize)> = None;
    for import in &file.content.imports {
        let Some(package) = node::package_of_specifier(&import.specifier) else {
            continue;
        };
        if !node::is_otel_package(package) {
            continue;
        }
        imports_otel = true;
        if import.specifier == node::REGISTER && registers.is_none() {
            registers = Some((at(import.line, import.column), import.order));
        }
        // A dynamic import may sit behind a condition, but it is still a module the code
        // needs (`import type` never reaches here: the compiler erases it).
        facts.otel_imports.push(OtelImport {
            module: import.specifier.clone(),
            package: package.to_string(),
            location: at(import.line, import.column),
        });
    }
    if !imports_otel {
        return;
    }
    for read in &file.content.env_reads {
        facts.env_reads.push(read.name.clone());
    }
    let mut patches_from: Option<usize> = None;
    let mut started: Option<(Location, bool)> = None;
    let mut exporters: Vec<(CodeExporter, Option<&str>)> = Vec::new();
    for call in &file.content.calls {
        let location = at(call.line, call.column);
        if call.callee.ends_with(".startSpan") || call.callee.ends_with(".startActiveSpan") {
            facts.spans_created.get_or_insert(location.clone());
        }
        let Some((symbol, package, method)) = scope.symbol_of(&call.callee) else {
            continue;
        };
        let method = method.first().map(String::as_str);
        let options = call.args.first();
        match (symbol, method) {
            (Symbol::NodeSdk | Symbol::HoneycombSdk | Symbol::HoneycombWebSdk, None)
                if call.new =>
            {
                facts.provider_created.get_or_insert(location.clone());
                if let Some(options) = options {
                    let value = scope.value_of(&options.value);
                    if value.entry("serviceName").is_some() || value.entry("resource").is_some() {
                        facts.resource.get_or_insert(location.clone());
                    }
                    if value.entry("instrumentations").is_some() {
                        patches_from.get_or_insert(call.order);
                    }
                }
                if symbol == Symbol::HoneycombSdk {
                    let options = options
                        .map(|o| honeycomb_options(scope, evaluator, &o.value))
                        .unwrap_or_default();
                    facts
                        .honeycomb_distro
                        .get_or_insert(DistroSetup { location, options });
                }
            }
            (Symbol::NodeSdk | Symbol::HoneycombSdk | Symbol::HoneycombWebSdk, Some("start"))
            | (Symbol::TracerProvider | Symbol::WebTracerProvider, Some("register")) => {
                facts.provider_set.get_or_insert(location.clone());
                patches_from.get_or_insert(call.order);
                let browser = matches!(symbol, Symbol::WebTracerProvider | Symbol::HoneycombWebSdk);
                started.get_or_insert((location, browser));
            }
            (Symbol::RegisterOtel, None) => {
                facts.provider_created.get_or_insert(location.clone());
                facts.provider_set.get_or_insert(location.clone());
                if options.is_some_and(|o| scope.value_of(&o.value).entry("serviceName").is_some())
                {
                    facts.resource.get_or_insert(location.clone());
                }
                patches_from.get_or_insert(call.order);
                started.get_or_insert((location, false));
            }
            (Symbol::TracerProvider | Symbol::WebTracerProvider, None) if call.new => {
                facts.provider_created.get_or_insert(location);
            }
            (Symbol::OtlpExporter, None) if call.new => {
                let options = options.map(|o| scope.value_of(&o.value));
                let option = |name: &str| options.and_then(|o| o.entry(name));
                exporters.push((
                    CodeExporter {
                        kind: ExporterKind::Otlp(node::exporter_protocol(package)),
                        location: location.clone(),
                        endpoint: option("url").map(|arg| evaluator.setting(scope, arg)),
                        headers: option("headers").map(|arg| CodeHeaders {
                            pairs: evaluator.pairs(scope, arg),
                            location: Location::new(&file.path, arg.line, arg.column),
                        }),
                    },
                    declared_name(&file.content, call),
                ));
            }
            (Symbol::ConsoleExporter, None) if call.new => exporters.push((
                CodeExporter {
                    kind: ExporterKind::Console,
                    location,
                    endpoint: None,
                    headers: None,
                },
                declared_name(&file.content, call),
            )),
            (Symbol::Instrumentations, None) => {
                patches_from.get_or_insert(call.order);
                facts.instrumentors.push((package.to_string(), location));
            }
            (Symbol::Resource, None) => {
                facts.resource.get_or_insert(location);
            }
            _ => {}
        }
    }
    for (exporter, name) in exporters {
        if is_used(&file.content, &exporter, name) {
            facts.exporters.push(exporter);
        } else {
            facts.unattached.push(exporter);
        }
    }
    if let Some((location, order)) = registers.filter(|_| started.is_none()) {
        facts.provider_created.get_or_insert(location.clone());
        facts.provider_set.get_or_insert(location.clone());
        patches_from = Some(order);
        started = Some((location, false));
    }
    if let Some((location, browser)) = started {
        setups.push(SetupFile {
            path: Arc::clone(&file.path),
            location,
            patches_from: patches_from.unwrap_or(usize::MAX),
            browser,
        });
    }
}

/// `const exporter = new OTLPTraceExporter(...)`: the name the call's result is bound to.
fn declared_name<'a>(source: &'a JsSource, call: &JsCall) -> Option<&'a str> {
    const MAX_DISTANCE: usize = 16;
    source
        .declarations
        .iter()
        .filter(|d| d.order < call.order && call.order - d.order <= MAX_DISTANCE)
        .filter(|d| matches!(&d.value, JsValue::Call { callee, new: true, .. } if *callee == call.callee))
        .max_by_key(|d| d.order)
        .map(|d| d.name.as_str())
}

/// Whether an exporter reaches the SDK: built inside another call's arguments
/// (`new BatchSpanProcessor(new OTLPTraceExporter())`), or bound to a name that another
/// call's arguments use (`traceExporter: exporter`).
fn is_used(source: &JsSource, exporter: &CodeExporter, name: Option<&str>) -> bool {
    let at = (exporter.location.line, exporter.location.column);
    let inline = source
        .calls
        .iter()
        .any(|call| call.args.iter().any(|arg| has_arg_at(arg, at)));
    inline
        || name.is_some_and(|name| {
            source
                .calls
                .iter()
                .any(|call| call.args.iter().any(|arg| mentions(&arg.value, name)))
        })
}

/// Whether an argument, or one nested in it, starts at `at`.
fn has_arg_at(arg: &Arg, at: (u32, u32)) -> bool {
    (arg.line, arg.column) == at
        || match &arg.value {
            JsValue::Call { args, .. } | JsValue::Array(args) => {
                args.iter().any(|a| has_arg_at(a, at))
            }
            JsValue::Object(entries) => entries.iter().any(|(_, a)| has_arg_at(a, at)),
            _ => false,
        }
}

fn mentions(value: &JsValue, name: &str) -> bool {
    match value {
        JsValue::Name(n) => n == name,
        JsValue::Call { args, .. } | JsValue::Array(args) => {
            args.iter().any(|a| mentions(&a.value, name))
        }
        JsValue::Object(entries) => entries.iter().any(|(_, a)| mentions(&a.value, name)),
        JsValue::Or(parts) | JsValue::Concat(parts) | JsValue::Template(parts) => {
            parts.iter().any(|p| mentions(p, name))
        }
        _ => false,
    }
}

/// `new HoneycombSDK({ apiKey: ..., endpoint: ... })`, with the options named as the tool
/// knows them.
fn honeycomb_options(
    scope: &Scope,
    evaluator: &Evaluator,
    options: &JsValue,
) -> Vec<(String, CodeSetting)> {
    let JsValue::Object(entries) = scope.value_of(options) else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|(key, arg)| {
            let (_, name) = node::HONEYCOMB_OPTIONS.iter().find(|(js, _)| js == key)?;
            Some((name.to_string(), evaluator.setting(scope, arg)))
        })
        .collect()
}

//! What a Node.js service's code does with OpenTelemetry, in the language-neutral terms of
//! `CodeFacts`: which packages it imports, whether it starts an SDK (`new NodeSDK(...).start()`,
//! `provider.register()`, Honeycomb's `new HoneycombSDK(...)`), creates spans, which exporters
//! it builds (their protocol from the package they come from, their `url` and `headers`
//! evaluated against the container's environment) and whether they reach the SDK, what it
//! writes into its own environment (`process.env.X ??= ...`); and, per file, where the SDK is
//! set up and where instrumentation starts patching.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::knowledge::node::{self, Symbol};
use crate::resolve::code::{OtelImport, OtelReference, ReferenceKind, ReferenceName};
use crate::resolve::code_setting::Evaluated;
use crate::resolve::environment::{CodeEnvWrite, EnvVar, resolved};
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

impl Evaluator<'_> {
    pub fn setting(&self, scope: &Scope, arg: &Arg) -> CodeSetting {
        let mut variable = None;
        let outcome = self.evaluate(scope, &arg.value, &mut variable, 0);
        outcome.into_setting(
            Location::new(&scope.file.path, arg.line, arg.column),
            variable,
        )
    }

    fn evaluate(
        &self,
        scope: &Scope,
        value: &JsValue,
        variable: &mut Option<String>,
        depth: usize,
    ) -> Evaluated {
        const MAX_DEPTH: usize = 16;
        if depth > MAX_DEPTH {
            return Evaluated::Unknown;
        }
        match scope.value_of(value) {
            JsValue::Str(text) => Evaluated::Text(text.clone()),
            JsValue::Undefined | JsValue::Null => Evaluated::Absent,
            JsValue::Env(name, _) => {
                variable.get_or_insert_with(|| name.clone());
                resolved(self.env, name)
                    .map_or(Evaluated::Absent, |var| Evaluated::Text(var.value.clone()))
            }
            JsValue::Or(parts) => {
                for part in parts {
                    match self.evaluate(scope, part, variable, depth + 1) {
                        Evaluated::Text(text) if !text.is_empty() => return Evaluated::Text(text),
                        Evaluated::Unknown => return Evaluated::Unknown,
                        _ => {}
                    }
                }
                Evaluated::Absent
            }
            // `undefined` in a template is the text "undefined": not a URL.
            JsValue::Concat(parts) | JsValue::Template(parts) => Evaluated::concat(
                parts
                    .iter()
                    .map(|part| self.evaluate(scope, part, variable, depth + 1)),
            ),
            _ => Evaluated::Unknown,
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
    otel_references(scope, &at, &mut facts.otel_references);
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
                        target: None,
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
                    target: None,
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
    if !exporters.is_empty() {
        let uses = ArgumentUses::of(&file.content);
        for (exporter, name) in exporters {
            if uses.reach(&exporter, name) {
                facts.exporters.push(exporter);
            } else {
                facts.unattached.push(exporter);
            }
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
    // Declarations are in the order written: those just before the call, found by halving.
    let before = source
        .declarations
        .partition_point(|d| d.order < call.order);
    source.declarations[..before]
        .iter()
        .rev()
        .take_while(|d| call.order - d.order <= MAX_DISTANCE)
        .find(|d| matches!(&d.value, JsValue::Call { callee, new: true, .. } if *callee == call.callee))
        .map(|d| d.name.as_str())
}

/// What the calls of a file take as arguments, gathered once: a file of thousands of exporters
/// asks for each, and walking every call for each was quadratic.
struct ArgumentUses<'a> {
    /// Where each argument starts, nested ones too (in calls, arrays and objects).
    positions: HashSet<(u32, u32)>,
    /// The names the arguments mention, at any depth.
    names: HashSet<&'a str>,
}

impl<'a> ArgumentUses<'a> {
    fn of(source: &'a JsSource) -> Self {
        let mut uses = ArgumentUses {
            positions: HashSet::new(),
            names: HashSet::new(),
        };
        for call in &source.calls {
            for arg in &call.args {
                uses.position(arg);
                uses.mention(&arg.value);
            }
        }
        uses
    }

    fn position(&mut self, arg: &Arg) {
        self.positions.insert((arg.line, arg.column));
        match &arg.value {
            JsValue::Call { args, .. } | JsValue::Array(args) => {
                args.iter().for_each(|a| self.position(a));
            }
            JsValue::Object(entries) => entries.iter().for_each(|(_, a)| self.position(a)),
            _ => {}
        }
    }

    fn mention(&mut self, value: &'a JsValue) {
        match value {
            JsValue::Name(name) => {
                self.names.insert(name);
            }
            JsValue::Call { args, .. } | JsValue::Array(args) => {
                args.iter().for_each(|a| self.mention(&a.value));
            }
            JsValue::Object(entries) => entries.iter().for_each(|(_, a)| self.mention(&a.value)),
            JsValue::Or(parts) | JsValue::Concat(parts) | JsValue::Template(parts) => {
                parts.iter().for_each(|p| self.mention(p));
            }
            _ => {}
        }
    }

    /// Whether an exporter reaches the SDK: built inside another call's arguments
    /// (`new BatchSpanProcessor(new OTLPTraceExporter())`), or bound to a name that another
    /// call's arguments use (`traceExporter: exporter`).
    fn reach(&self, exporter: &CodeExporter, name: Option<&str>) -> bool {
        self.positions
            .contains(&(exporter.location.line, exporter.location.column))
            || name.is_some_and(|name| self.names.contains(name))
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

/// The names a file expects OpenTelemetry packages to export, for `code/unknown-otel-symbol`:
/// each name it imports from one (the package is the reference's base), and each call of an
/// export or of a method on what an export built (`new Resource(...)`,
/// `provider.addSpanProcessor(...)` for a `provider` made by `new NodeTracerProvider()`).
fn otel_references(
    scope: &Scope,
    at: &impl Fn(u32, u32) -> Location,
    out: &mut Vec<OtelReference>,
) {
    let name = |name: &str, location: &Location, called: bool| ReferenceName {
        name: name.to_string(),
        location: location.clone(),
        called,
    };
    for import in &scope.file.content.imports {
        let Some(package) = node::package_of_specifier(&import.specifier)
            .filter(|p| *p == import.specifier && node::is_otel_package(p))
        else {
            continue;
        };
        let location = at(import.line, import.column);
        for binding in &import.bindings {
            if binding.imported == "*" || binding.imported == "default" {
                continue;
            }
            out.push(OtelReference {
                kind: ReferenceKind::Import,
                base: package.to_string(),
                names: vec![name(&binding.imported, &location, false)],
            });
        }
    }
    for call in &scope.file.content.calls {
        let Some((package, export, members)) = scope.qualify(&call.callee) else {
            continue;
        };
        if !node::is_otel_package(package) || export.is_empty() {
            continue;
        }
        let location = at(call.line, call.column);
        let mut names = vec![name(&export, &location, members.is_empty())];
        // The first member only: what a method returns is not recorded.
        if let Some(member) = members.first() {
            names.push(name(member, &location, true));
        }
        out.push(OtelReference {
            kind: ReferenceKind::Call,
            base: package.to_string(),
            names,
        });
    }
}

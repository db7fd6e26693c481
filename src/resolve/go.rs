//! What a Go service's code does with OpenTelemetry, in the language-neutral terms of
//! `CodeFacts`: which packages it imports, whether it creates and sets a TracerProvider (or
//! has Honeycomb's `otel-config-go` do it), which exporters reach a span processor and where
//! each sends — host, port, TLS, path and headers computed as the exporter computes them, from
//! its options in code over the environment it reads —, which libraries it instruments,
//! whether `main` reaches the setup, and whether a short-lived program flushes its spans.

use std::collections::HashMap;
use std::sync::Arc;

use super::code::{
    CodeExporter, CodeFacts, CodeHeaders, CodeTls, EndpointForm, ExporterKind, OtelImport,
    ProviderUnset, Target, Unflushed, UnreachedSetup,
};
use super::code_setting::CodeSetting;
use super::environment::{CodeEnvWrite, EnvVar};
use super::image::Build;
use crate::knowledge::go::{self as knowledge, Exporter, OtlpOption, SdkCall, otelconfig};
use crate::knowledge::languages::EnvWriteMode;
use crate::knowledge::otel::{self, Protocol};
use crate::source::Location;
use crate::workspace::dependencies::Ecosystem;
use crate::workspace::go::{Arg, GoCall, GoSource, GoValue};
use crate::workspace::{BuildContext, Parsed};

/// The code facts of the service's Go program: the files of its own module (the `go.mod`
/// beside its Dockerfile or at the root of its build context, else its Dockerfile's folder)
/// that its Dockerfile copies in, without other programs' `main` packages when the module
/// holds several and one is the Dockerfile's; `None` when it has no Go file.
pub fn resolve(
    context: &BuildContext,
    context_dir: &str,
    dockerfile_dir: Option<&str>,
    build: Option<&Build>,
    env: &[EnvVar],
) -> Option<CodeFacts> {
    if context.go.is_empty() {
        return None;
    }
    let copied = build.map(Build::copied_by_any_stage);
    let own = |folder: &str| folder == context_dir || dockerfile_dir == Some(folder);
    let module = context
        .dependency_lists
        .iter()
        .filter(|l| l.content.ecosystem == Ecosystem::Go)
        .map(|l| crate::workspace::folder_of(&l.path))
        .find(|folder| own(folder))
        .or(dockerfile_dir)
        .unwrap_or(context_dir);
    let mut files: Vec<&Parsed<GoSource>> = context
        .go
        .iter()
        .filter(|f| {
            in_folder(&f.path, module) && copied.as_ref().is_none_or(|c| c.contains(&f.path))
        })
        .collect();
    let mains: Vec<&str> = files
        .iter()
        .filter(|f| f.content.package.as_deref() == Some("main"))
        .map(|f| crate::workspace::folder_of(&f.path))
        .collect();
    let dockerfile_dir = dockerfile_dir.unwrap_or(context_dir);
    let own_main = |folder: &str| folder == dockerfile_dir || in_folder(folder, dockerfile_dir);
    if mains.iter().any(|m| *m != mains[0]) && mains.iter().any(|m| own_main(m)) {
        files.retain(|f| {
            let folder = crate::workspace::folder_of(&f.path);
            own_main(folder) || !mains.contains(&folder)
        });
    }
    (!files.is_empty()).then(|| facts(&files, env))
}

/// Whether a workspace path is inside a folder (`.` holds everything).
fn in_folder(path: &str, folder: &str) -> bool {
    folder == "."
        || path
            .strip_prefix(folder)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The code facts of a Go module's files (tests excluded by the walk).
pub fn facts(files: &[&Parsed<GoSource>], env: &[EnvVar]) -> CodeFacts {
    let mut facts = CodeFacts::default();
    let scopes: Vec<Scope> = files.iter().map(|f| Scope::new(f)).collect();
    let evaluator = Evaluator { env };
    let vendor = scopes
        .iter()
        .flat_map(|s| &s.file.content.imports)
        .any(|i| i.path == knowledge::HONEYCOMB_DISTRO);
    let mut attached: Vec<Location> = Vec::new();
    let mut attached_unknown = false;
    let mut batcher: Option<Location> = None;
    let mut flushes = false;
    let mut serves = false;
    // `os.Setenv` calls, and the calls that set the SDK up (it reads the environment then).
    let mut writes: Vec<(usize, &GoCall, CodeEnvWrite)> = Vec::new();
    let mut setups: Vec<(usize, &GoCall)> = Vec::new();
    // Spans started on the global provider's tracer.
    let mut global_spans: Option<Location> = None;
    for (file_index, scope) in scopes.iter().enumerate() {
        let file = scope.file;
        facts.files.push(Arc::clone(&file.path));
        let imports_framework = file
            .content
            .imports
            .iter()
            .any(|i| knowledge::framework(&i.path).is_some());
        for import in &file.content.imports {
            let location = scope.at(import.line, import.column);
            if knowledge::is_otel_import(&import.path) {
                facts.otel_imports.push(OtelImport {
                    module: import.path.clone(),
                    package: import.path.clone(),
                    location: location.clone(),
                });
            }
            if knowledge::framework(&import.path).is_some() {
                facts.frameworks.push((import.path.clone(), location));
            }
        }
        for call in &file.content.calls {
            let location = scope.at(call.line, call.column);
            let method = call.callee.rsplit('.').next().unwrap_or_default();
            let on_value = call.callee.contains('.');
            let tracer = scope
                .tracer_of(call)
                .filter(|_| knowledge::SPAN_METHODS.contains(&method));
            let tracer_call = tracer.is_some();
            if tracer == Some(true) {
                global_spans.get_or_insert(location.clone());
            }
            serves |= on_value
                && (knowledge::SERVING_METHODS.contains(&method)
                    || (imports_framework
                        && !tracer_call
                        && knowledge::FRAMEWORK_SERVING_METHODS.contains(&method))
                    || scope
                        .qualify(&call.callee)
                        .is_some_and(|(p, _)| p == knowledge::SIGNAL));
            flushes |=
                knowledge::FLUSH_METHODS.contains(&method) || scope.calls_returned_function(call);
            if tracer_call {
                facts.spans_created.get_or_insert(location.clone());
            }
            match call.callee.as_str() {
                "os.Getenv" | "os.LookupEnv" => {
                    if let Some(GoValue::Str(name)) = call.args.first().map(|a| &a.value) {
                        facts.env_reads.push(name.clone());
                    }
                    continue;
                }
                "os.Setenv" => {
                    if let (Some(GoValue::Str(name)), Some(value)) =
                        (call.args.first().map(|a| &a.value), call.args.get(1))
                    {
                        let setting = evaluator.setting(scope, value, call);
                        writes.push((
                            file_index,
                            call,
                            CodeEnvWrite {
                                name: name.clone(),
                                value: setting.value,
                                mode: EnvWriteMode::Overwrite,
                                reads: setting.variable,
                                location: location.clone(),
                            },
                        ));
                    }
                    continue;
                }
                _ => {}
            }
            let Some((package, name)) = scope.qualify(&call.callee) else {
                continue;
            };
            if exporter_kind(package, name).is_some()
                || (package == knowledge::SDK_TRACE && name == "NewTracerProvider")
                || package == knowledge::OTELCONFIG
            {
                setups.push((file_index, call));
            }
            if knowledge::is_instrumentation(package) {
                facts.instrumentors.push((package.to_string(), location));
                continue;
            }
            match (package, name) {
                (knowledge::OTEL, "SetTracerProvider") => {
                    facts.provider_set.get_or_insert(location);
                }
                (knowledge::SDK_TRACE, _) => match sdk_call(name) {
                    Some(SdkCall::NewProvider) => {
                        facts.provider_created.get_or_insert(location);
                    }
                    Some(SdkCall::WithExporter | SdkCall::NewProcessor) => {
                        if name == "WithBatcher" || name == "NewBatchSpanProcessor" {
                            batcher.get_or_insert(location.clone());
                        }
                        match call.args.first().and_then(|a| scope.exporter_call(a, call)) {
                            Some(exporter) => attached.push(exporter),
                            None => attached_unknown = true,
                        }
                    }
                    _ => {}
                },
                (knowledge::SDK_RESOURCE, _) | ("go.opentelemetry.io/otel/attribute", _)
                    if names_service(scope, call) =>
                {
                    facts.resource.get_or_insert(location);
                }
                _ if package.starts_with("go.opentelemetry.io/otel/semconv")
                    && name.starts_with("ServiceName") =>
                {
                    facts.resource.get_or_insert(location);
                }
                (knowledge::OTELCONFIG, "ConfigureOpenTelemetry") => {
                    facts.provider_created.get_or_insert(location.clone());
                    facts.provider_set.get_or_insert(location.clone());
                    let launched = launcher(scope, &evaluator, call, vendor);
                    if launched.names_service {
                        facts.resource.get_or_insert(location.clone());
                    }
                    if let Some(exporter) = launched.exporter {
                        batcher.get_or_insert(location.clone());
                        attached.push(exporter.location.clone());
                        facts.exporters.push(exporter);
                    }
                }
                _ => {
                    if let Some(exporter) = exporter(scope, &evaluator, call, package, name) {
                        facts.exporters.push(exporter);
                    }
                }
            }
        }
    }
    // A write after the SDK is set up in the same function comes too late for it.
    facts.env_writes = writes
        .into_iter()
        .filter(|(file, call, _)| {
            !setups.iter().any(|(setup_file, setup)| {
                setup_file == file && setup.function == call.function && setup.order < call.order
            })
        })
        .map(|(_, _, write)| write)
        .collect();
    if !attached_unknown {
        let (kept, unattached) = std::mem::take(&mut facts.exporters)
            .into_iter()
            .partition(|e| attached.contains(&e.location));
        facts.exporters = kept;
        facts.unattached = unattached;
    }
    // Spans on the global tracer (and the instrumentation, which uses it too) are no-ops
    // when the provider the code creates is never made the global one.
    if facts.provider_set.is_none()
        && let Some(created) = facts.provider_created.clone()
        && let Some(uses) =
            global_spans.or_else(|| facts.instrumentors.first().map(|(_, l)| l.clone()))
    {
        facts.provider_unset = Some(ProviderUnset { created, uses });
    }
    let entry = scopes.iter().find_map(|s| s.main().map(|f| (s, f)));
    if let Some((scope, main)) = entry {
        let entry = scope.at(main.line, main.column);
        let waits = scopes
            .iter()
            .any(|s| s.file.content.waits.iter().any(|w| w.function.is_some()));
        if let Some(batcher) = batcher.clone()
            && !flushes
            && !serves
            && !waits
        {
            facts.unflushed = Some(Unflushed {
                batcher,
                entry: entry.clone(),
            });
        }
        facts.setup_unreached = unreached_setup(&scopes, &facts, entry);
    }
    facts
}

fn sdk_call(name: &str) -> Option<SdkCall> {
    knowledge::SDK_CALLS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| *c)
}

/// `semconv.ServiceName("x")`, `attribute.String("service.name", "x")` among a resource's
/// attributes.
fn names_service(scope: &Scope, call: &GoCall) -> bool {
    let (_, name) = scope.qualify(&call.callee).unwrap_or_default();
    name == "String"
        && matches!(call.args.first().map(|a| &a.value), Some(GoValue::Str(key)) if key == "service.name")
}

/// The names a file's imports bind, and its declarations.
struct Scope<'a> {
    file: &'a Parsed<GoSource>,
    imports: HashMap<&'a str, &'a str>,
}

impl<'a> Scope<'a> {
    fn new(file: &'a Parsed<GoSource>) -> Self {
        let imports = file
            .content
            .imports
            .iter()
            .filter(|i| !matches!(i.alias.as_deref(), Some("_" | ".")))
            .map(|i| (i.local_name(), i.path.as_str()))
            .collect();
        Scope { file, imports }
    }

    fn at(&self, line: u32, column: u32) -> Location {
        Location::new(&self.file.path, line, column)
    }

    fn arg_location(&self, arg: &Arg) -> Location {
        self.at(arg.line, arg.column)
    }

    /// `otlptracehttp.New` → (its import path, `New`).
    fn qualify<'c>(&self, callee: &'c str) -> Option<(&'a str, &'c str)> {
        let (first, rest) = callee.split_once('.')?;
        Some((self.imports.get(first)?, rest))
    }

    /// `func main` of package `main`.
    fn main(&self) -> Option<&'a crate::workspace::go::Function> {
        (self.file.content.package.as_deref() == Some("main"))
            .then(|| {
                self.file
                    .content
                    .functions
                    .iter()
                    .find(|f| f.name == "main" && !f.method)
            })
            .flatten()
    }

    /// The declaration a name stands for where it is used: its latest one before `order` in
    /// the same function, else at the top of the file.
    fn declaration(
        &self,
        name: &str,
        function: Option<usize>,
        order: usize,
    ) -> Option<&'a crate::workspace::go::Declaration> {
        let declarations = &self.file.content.declarations;
        declarations
            .iter()
            .rfind(|d| d.name == name && d.function == function && d.order < order)
            .or_else(|| {
                declarations
                    .iter()
                    .rfind(|d| d.name == name && d.function.is_none())
            })
    }

    fn declared(&self, name: &str, function: Option<usize>, order: usize) -> Option<&'a GoValue> {
        self.declaration(name, function, order).map(|d| &d.value)
    }

    /// A value through the names it is bound to.
    fn resolve(&self, value: &'a GoValue, at: &GoCall) -> &'a GoValue {
        self.resolve_with_position(value, at).0
    }

    /// The exporter constructor call a value comes from (through names, and through
    /// `otlptrace.New(ctx, client)` to the client), by its position.
    fn exporter_call(&self, arg: &'a Arg, at: &GoCall) -> Option<Location> {
        const MAX_HOPS: usize = 4;
        let mut value = &arg.value;
        let mut location = self.arg_location(arg);
        for _ in 0..MAX_HOPS {
            let (resolved, declared_at) = self.resolve_with_position(value, at);
            if let Some(declared_at) = declared_at {
                location = declared_at;
            }
            let GoValue::Call { callee, args, .. } = resolved else {
                return None;
            };
            let (package, name) = self.qualify(callee)?;
            if package == knowledge::OTLPTRACE && name == "New" {
                let client = args.get(1)?;
                value = &client.value;
                location = self.arg_location(client);
                continue;
            }
            exporter_kind(package, name)?;
            return Some(location);
        }
        None
    }

    /// A value through the names it is bound to, and where the value it ends at is written
    /// when that is a declaration's.
    fn resolve_with_position(
        &self,
        value: &'a GoValue,
        at: &GoCall,
    ) -> (&'a GoValue, Option<Location>) {
        const MAX_HOPS: usize = 8;
        let mut value = value;
        let mut position = None;
        for _ in 0..MAX_HOPS {
            let GoValue::Name(name) = value else { break };
            match self.declaration(name, at.function, at.order) {
                Some(declaration) => {
                    value = &declaration.value;
                    position = Some(self.at(declaration.value_line, declaration.value_column));
                }
                None => break,
            }
        }
        (value, position)
    }

    /// The tracer `tracer.Start(...)` is called on: `Some(true)` for the global provider's
    /// (`otel.Tracer("x")`, or a name bound to it), `Some(false)` for a provider's own
    /// (`tp.Tracer("x")`), `None` when it is not a tracer.
    fn tracer_of(&self, call: &GoCall) -> Option<bool> {
        let (receiver, _) = call.callee.rsplit_once('.')?;
        let callee = match receiver.strip_suffix("()") {
            Some(callee) => callee.to_string(),
            None => match self
                .declared(receiver, call.function, call.order)
                .or_else(|| self.declared(receiver, None, usize::MAX))
            {
                Some(GoValue::Call { callee, .. }) => callee.clone(),
                _ => return None,
            },
        };
        let method = callee.rsplit('.').next().unwrap_or_default();
        (method == "Tracer").then(|| {
            self.qualify(&callee).is_some_and(|(package, name)| {
                package == knowledge::OTEL
                    && matches!(name, "Tracer" | "GetTracerProvider().Tracer")
            })
        })
    }

    /// `shutdown(ctx)` where `shutdown` was returned by a call (`shutdown, err :=
    /// setupOTelSDK(ctx)`): very likely the provider's shutdown.
    fn calls_returned_function(&self, call: &GoCall) -> bool {
        !call.callee.contains('.')
            && matches!(
                self.declared(&call.callee, call.function, call.order),
                Some(GoValue::Call { .. })
            )
    }

    /// The option calls an exporter or launcher gets: its arguments, and the elements of a
    /// spread slice (`New(ctx, opts...)`) with what is `append`ed to it.
    fn options(&self, call: &'a GoCall) -> Vec<(&'a str, &'a [Arg], Location)> {
        let mut options = Vec::new();
        let last = call.args.len().saturating_sub(1);
        for (index, arg) in call.args.iter().enumerate() {
            if call.spread && index == last {
                let GoValue::Name(name) = &arg.value else {
                    continue;
                };
                // Every assignment to the slice before the call, in order: its literal's
                // elements, then what each `append` adds.
                let assignments = self.file.content.declarations.iter().filter(|d| {
                    &d.name == name
                        && (d.function.is_none()
                            || (d.function == call.function && d.order < call.order))
                });
                for declaration in assignments {
                    match &declaration.value {
                        GoValue::Composite { elements, .. } => {
                            for (_, element) in elements {
                                self.push_option(element, &mut options);
                            }
                        }
                        GoValue::Call { callee, args, .. } if callee == "append" => {
                            for appended in args.iter().skip(1) {
                                self.push_option(appended, &mut options);
                            }
                        }
                        _ => {}
                    }
                }
            } else {
                self.push_option(arg, &mut options);
            }
        }
        options
    }

    fn push_option(&self, arg: &'a Arg, out: &mut Vec<(&'a str, &'a [Arg], Location)>) {
        if let GoValue::Call { callee, args, .. } = &arg.value {
            out.push((callee.as_str(), args.as_slice(), self.arg_location(arg)));
        }
    }
}

fn exporter_kind(package: &str, name: &str) -> Option<Exporter> {
    knowledge::EXPORTERS
        .iter()
        .find(|(path, constructors, _)| *path == package && constructors.contains(&name))
        .map(|(_, _, exporter)| *exporter)
}

/// Evaluates values the code passes against the container's environment.
struct Evaluator<'a> {
    env: &'a [EnvVar],
}

impl Evaluator<'_> {
    fn lookup(&self, name: &str) -> Option<&EnvVar> {
        super::environment::resolved(self.env, name)
    }

    fn setting(&self, scope: &Scope, arg: &Arg, at: &GoCall) -> CodeSetting {
        let mut variable = None;
        let value = self.evaluate(scope, &arg.value, at, &mut variable, 0);
        CodeSetting {
            known: value.is_some(),
            value,
            location: scope.arg_location(arg),
            variable,
        }
    }

    /// A string the value is at run time; `None` when not followed here.
    fn evaluate(
        &self,
        scope: &Scope,
        value: &GoValue,
        at: &GoCall,
        variable: &mut Option<String>,
        depth: usize,
    ) -> Option<String> {
        const MAX_DEPTH: usize = 16;
        if depth > MAX_DEPTH {
            return None;
        }
        match scope.resolve(value, at) {
            GoValue::Str(text) => Some(text.clone()),
            GoValue::Concat(parts) => parts
                .iter()
                .map(|p| self.evaluate(scope, p, at, variable, depth + 1))
                .collect(),
            GoValue::Call { callee, args, .. } => {
                let reads_env = callee == "os.Getenv"
                    || (!callee.contains('.') && callee.to_ascii_lowercase().contains("env"));
                let Some(GoValue::Str(name)) = args.first().map(|a| &a.value).filter(|_| reads_env)
                else {
                    return sprintf(self, scope, callee, args, at, variable, depth);
                };
                variable.get_or_insert_with(|| name.clone());
                match (self.lookup(name), args.get(1)) {
                    (Some(var), _) if !var.value.is_empty() => Some(var.value.clone()),
                    // A helper such as `getEnv("X", "default")`: its default when unset.
                    (_, Some(default)) if callee != "os.Getenv" => {
                        self.evaluate(scope, &default.value, at, variable, depth + 1)
                    }
                    (var, _) => Some(var.map(|v| v.value.clone()).unwrap_or_default()),
                }
            }
            _ => None,
        }
    }

    /// `map[string]string{"k": v}` as header pairs; `None` when built otherwise.
    fn pairs(&self, scope: &Scope, arg: &Arg, at: &GoCall) -> Option<Vec<(String, CodeSetting)>> {
        let GoValue::Composite { elements, .. } = scope.resolve(&arg.value, at) else {
            return None;
        };
        elements
            .iter()
            .map(|(key, value)| {
                let key = key.as_ref()?;
                let mut ignored = None;
                let name = self.evaluate(scope, &key.value, at, &mut ignored, 0)?;
                Some((name.to_ascii_lowercase(), self.setting(scope, value, at)))
            })
            .collect()
    }
}

/// `fmt.Sprintf("%s:4317", host)`: `%s`, `%v` and `%d` replaced by the arguments.
fn sprintf(
    evaluator: &Evaluator,
    scope: &Scope,
    callee: &str,
    args: &[Arg],
    at: &GoCall,
    variable: &mut Option<String>,
    depth: usize,
) -> Option<String> {
    if callee != "fmt.Sprintf" {
        return None;
    }
    let GoValue::Str(format) = scope.resolve(&args.first()?.value, at) else {
        return None;
    };
    let mut values = args[1..]
        .iter()
        .map(|a| evaluator.evaluate(scope, &a.value, at, variable, depth + 1));
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('s' | 'v' | 'd') => out.push_str(&values.next()??),
            _ => return None,
        }
    }
    Some(out)
}

/// The exporter an exporter package's constructor builds, with where it sends.
fn exporter(
    scope: &Scope,
    evaluator: &Evaluator,
    call: &GoCall,
    package: &str,
    name: &str,
) -> Option<CodeExporter> {
    let built = exporter_kind(package, name)?;
    let location = scope.at(call.line, call.column);
    let exporter = |kind, endpoint, headers, target| CodeExporter {
        kind,
        location: location.clone(),
        endpoint,
        headers,
        target,
    };
    Some(match built {
        Exporter::Otlp(protocol) => {
            otlp_exporter(scope, evaluator, call, package, protocol, location.clone())
        }
        Exporter::Console => exporter(ExporterKind::Console, None, None, None),
        Exporter::Backend(backend) => {
            // `zipkin.New("http://zipkin:9411/api/v2/spans")`, or its default; Jaeger's
            // endpoint is an option, not followed.
            let written = call
                .args
                .first()
                .filter(|_| backend == "Zipkin")
                .map(|a| evaluator.setting(scope, a, call));
            let endpoint = match written {
                Some(setting) if setting.text() != Some("") => Some(setting),
                _ => knowledge::backend_default(backend).map(|url| CodeSetting {
                    value: Some(url.to_string()),
                    known: true,
                    location: location.clone(),
                    variable: None,
                }),
            };
            exporter(ExporterKind::Backend(backend), endpoint, None, None)
        }
        // autoexport builds what the environment names (OTLP over http/protobuf by default):
        // the SDK reads the environment for it.
        Exporter::FromEnvironment => {
            let protocol = [otel::TRACES_PROTOCOL, otel::PROTOCOL]
                .iter()
                .find_map(|v| evaluator.lookup(v))
                .and_then(|v| Protocol::parse(&v.value))
                .unwrap_or(Protocol::HttpProtobuf);
            let kind = match [otel::TRACES_EXPORTER]
                .iter()
                .find_map(|v| evaluator.lookup(v))
                .map(|v| v.value.trim().to_string())
                .as_deref()
            {
                Some("console") => ExporterKind::Console,
                _ => ExporterKind::Otlp(Some(protocol)),
            };
            exporter(kind, None, None, None)
        }
    })
}

/// Where an OTLP exporter sends, computed as `otlpconfig.NewHTTPConfig`/`NewGRPCConfig` do:
/// the environment first, then each option in order.
fn otlp_exporter(
    scope: &Scope,
    evaluator: &Evaluator,
    call: &GoCall,
    package: &str,
    protocol: Protocol,
    location: Location,
) -> CodeExporter {
    let short = package.rsplit('/').next().unwrap_or(package);
    let mut config = TargetConfig::from_environment(evaluator);
    let mut code_sets_target = false;
    let mut headers = None;
    for (callee, args, at) in scope.options(call) {
        let Some((option_package, option_name)) = scope.qualify(callee) else {
            continue;
        };
        let Some(option) =
            knowledge::otlp_option(option_name).filter(|_| option_package == package)
        else {
            continue;
        };
        let written = format!("{short}.{option_name}");
        let setting = args.first().map(|a| evaluator.setting(scope, a, call));
        code_sets_target |= option != OtlpOption::Headers && option != OtlpOption::Compression;
        match (option, setting) {
            (OtlpOption::Endpoint, Some(setting)) => {
                let option = match &setting.variable {
                    Some(variable) if evaluator.lookup(variable).is_none() => {
                        format!("{written}(...), which reads {variable} (not set in the service),")
                    }
                    Some(variable) => format!("{written}(...), which reads {variable},"),
                    None => format!("{written}(...)"),
                };
                config.host = Some(Host {
                    host_port: setting.value.clone().unwrap_or_default(),
                    setting,
                    option,
                    form: EndpointForm::HostPort,
                });
            }
            (OtlpOption::EndpointUrl, Some(setting)) => {
                let parsed = setting.text().and_then(|t| url::Url::parse(t.trim()).ok());
                if let Some(url) = &parsed {
                    config.path = Some(url.path().to_string());
                    config.tls = CodeTls {
                        secure: url.scheme() == "https",
                        decided_by: format!("the scheme of {written}(...)"),
                        location: Some(setting.location.clone()),
                    };
                }
                config.host = Some(Host {
                    host_port: parsed.as_ref().map(host_port).unwrap_or_default(),
                    setting,
                    option: format!("{written}(...)"),
                    form: EndpointForm::Url,
                });
            }
            (OtlpOption::Insecure, _) => {
                config.tls = CodeTls {
                    secure: false,
                    decided_by: format!("{written}()"),
                    location: Some(at),
                };
            }
            // gRPC credentials win over `WithInsecure`; an HTTP TLS configuration only
            // applies to https.
            (OtlpOption::Secure, _) if protocol == Protocol::Grpc => {
                config.tls = CodeTls {
                    secure: true,
                    decided_by: format!("{written}(...)"),
                    location: Some(at),
                };
            }
            (OtlpOption::UrlPath, setting) => {
                config.path = setting.and_then(|s| s.value);
            }
            (OtlpOption::Headers, _) => {
                headers = args.first().map(|a| CodeHeaders {
                    pairs: evaluator.pairs(scope, a, call),
                    location: scope.arg_location(a),
                });
            }
            _ => {}
        }
    }
    let target = code_sets_target.then(|| config.target(protocol)).flatten();
    CodeExporter {
        kind: ExporterKind::Otlp(Some(protocol)),
        location,
        endpoint: target.as_ref().map(|t| t.host.clone()),
        headers,
        target,
    }
}

/// `host:port` of a URL (the port only when written).
fn host_port(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// What names the exporter's host and port.
struct Host {
    /// As written (a URL for `WithEndpointURL` and the variables), where it is written.
    setting: CodeSetting,
    /// How a message names it.
    option: String,
    form: EndpointForm,
    /// The host and port the exporter takes from it.
    host_port: String,
}

/// The parts an exporter makes its URL of, each with what set it.
struct TargetConfig {
    host: Option<Host>,
    tls: CodeTls,
    /// The HTTP path when set (a base endpoint's path with `/v1/traces` added).
    path: Option<String>,
}

impl TargetConfig {
    /// The environment as opentelemetry-go's `envconfig.go` applies it: the generic endpoint
    /// (a base: `/v1/traces` is added), then the traces one (as is), then `INSECURE`.
    fn from_environment(evaluator: &Evaluator) -> Self {
        let mut config = TargetConfig {
            host: None,
            tls: CodeTls {
                secure: true,
                decided_by: "the exporter's default (TLS)".to_string(),
                location: None,
            },
            path: None,
        };
        for (name, signal_specific) in [(otel::ENDPOINT, false), (otel::TRACES_ENDPOINT, true)] {
            let Some(var) = evaluator.lookup(name) else {
                continue;
            };
            let Ok(url) = url::Url::parse(var.value.trim()) else {
                continue;
            };
            let base = url.path().trim_end_matches('/');
            config.path = Some(if signal_specific {
                url.path().to_string()
            } else {
                format!("{base}{}", knowledge::DEFAULT_TRACES_PATH)
            });
            config.tls = CodeTls {
                secure: !matches!(url.scheme(), "http" | "unix"),
                decided_by: format!("the scheme of {name}"),
                location: Some(var.location.clone()),
            };
            config.host = Some(Host {
                setting: from_variable(var, var.value.clone()),
                option: name.to_string(),
                form: EndpointForm::Url,
                host_port: host_port(&url),
            });
        }
        for name in [
            "OTEL_EXPORTER_OTLP_INSECURE",
            "OTEL_EXPORTER_OTLP_TRACES_INSECURE",
        ] {
            if let Some(var) = evaluator.lookup(name)
                && let Ok(insecure) = var.value.trim().to_ascii_lowercase().parse::<bool>()
            {
                config.tls = CodeTls {
                    secure: !insecure,
                    decided_by: format!("{name}={}", var.value.trim()),
                    location: Some(var.location.clone()),
                };
            }
        }
        config
    }

    fn target(self, protocol: Protocol) -> Option<Target> {
        let host = self.host?;
        let scheme = if self.tls.secure { "https" } else { "http" };
        let url = match protocol {
            Protocol::Grpc => format!("{scheme}://{}", host.host_port),
            _ => {
                // A URL without a path targets the root (`cleanPath`).
                let path = match self.path.as_deref() {
                    None => knowledge::DEFAULT_TRACES_PATH.to_string(),
                    Some("") => "/".to_string(),
                    Some(path) if path.starts_with('/') => path.to_string(),
                    Some(path) => format!("/{path}"),
                };
                format!("{scheme}://{}{path}", host.host_port)
            }
        };
        Some(Target {
            url,
            host: host.setting,
            host_option: host.option,
            form: host.form,
            tls: self.tls,
        })
    }
}

/// A value read from a variable of the container, written where the variable is set.
fn from_variable(var: &EnvVar, value: String) -> CodeSetting {
    CodeSetting {
        value: Some(value),
        known: true,
        location: var.location.clone(),
        variable: Some(var.name.clone()),
    }
}

/// What `otelconfig.ConfigureOpenTelemetry` sets up.
struct Launched {
    exporter: Option<CodeExporter>,
    names_service: bool,
}

/// `otelconfig.ConfigureOpenTelemetry(opts...)` as `otelconfig.go` does it: Honeycomb's
/// defaults and variables when its distribution is imported, then the options in code, then
/// the `OTEL_*` variables over them; an `http://` or `https://` scheme is dropped from the
/// endpoint, and TLS is used unless the insecure option or variable says otherwise.
fn launcher(scope: &Scope, evaluator: &Evaluator, call: &GoCall, vendor: bool) -> Launched {
    use otelconfig::Setting as S;
    let location = scope.at(call.line, call.column);
    let mut values: HashMap<S, (CodeSetting, String)> = HashMap::new();
    let mut headers: Vec<(String, CodeSetting)> = Vec::new();
    let mut traces_headers: Vec<(String, CodeSetting)> = Vec::new();
    if vendor {
        for (setting, name) in otelconfig::HONEYCOMB_VARIABLES.iter().rev() {
            // An empty key is skipped by the distribution, but it is the key the user meant
            // to send: kept, so that its emptiness is what gets reported.
            let Some(var) = evaluator
                .lookup(name)
                .filter(|v| !v.value.is_empty() || matches!(setting, S::ApiKey))
            else {
                continue;
            };
            let value = from_variable(var, var.value.clone());
            match setting {
                S::ApiKey | S::Dataset => {
                    let header = header_of(*setting);
                    let target = if name.contains("TRACES") {
                        &mut traces_headers
                    } else {
                        &mut headers
                    };
                    target.retain(|(h, _)| h != header);
                    target.push((header.to_string(), value));
                }
                _ => {
                    values.insert(*setting, (value, name.to_string()));
                }
            }
        }
    }
    for (callee, args, at) in scope.options(call) {
        let (_, option_name) = scope.qualify(callee).unwrap_or(("", callee));
        let Some(setting) = otelconfig::option(option_name) else {
            continue;
        };
        let written = format!("{option_name}(...)");
        let Some(arg) = args.first() else { continue };
        match setting {
            S::Headers | S::TracesHeaders => {
                let target = if setting == S::Headers {
                    &mut headers
                } else {
                    &mut traces_headers
                };
                for (name, value) in evaluator.pairs(scope, arg, call).into_iter().flatten() {
                    target.retain(|(h, _)| *h != name);
                    target.push((name, value));
                }
            }
            S::ApiKey | S::Dataset => {
                let header = header_of(setting);
                let target = if option_name.contains("Traces") {
                    &mut traces_headers
                } else {
                    &mut headers
                };
                target.retain(|(h, _)| h != header);
                target.push((header.to_string(), evaluator.setting(scope, arg, call)));
            }
            S::Insecure | S::TracesInsecure | S::TracesEnabled => {
                let flag = matches!(arg.value, GoValue::Bool(true));
                let setting_value = CodeSetting {
                    value: Some(flag.to_string()),
                    known: matches!(arg.value, GoValue::Bool(_)),
                    location: at.clone(),
                    variable: None,
                };
                values.insert(setting, (setting_value, written));
            }
            S::Protocol | S::TracesProtocol => {
                let protocol = match &arg.value {
                    GoValue::Name(name) => name
                        .rsplit('.')
                        .next()
                        .and_then(otelconfig::protocol_constant),
                    _ => None,
                };
                let setting_value = CodeSetting {
                    value: protocol.map(|p| p.as_str().to_string()),
                    known: protocol.is_some(),
                    location: scope.arg_location(arg),
                    variable: None,
                };
                values.insert(setting, (setting_value, written));
            }
            _ => {
                values.insert(setting, (evaluator.setting(scope, arg, call), written));
            }
        }
    }
    for (setting, name) in otelconfig::VARIABLES {
        let Some(var) = evaluator.lookup(name) else {
            continue;
        };
        match setting {
            S::Headers | S::TracesHeaders => {
                // The variable replaces the whole map.
                let pairs = otel::parse_headers(&var.value)
                    .0
                    .into_iter()
                    .map(|h| (h.name, from_variable(var, h.value)))
                    .collect();
                if *setting == S::Headers {
                    headers = pairs;
                } else {
                    traces_headers = pairs;
                }
            }
            // `default=false` without `overwrite`: it only sets what the code left unset.
            S::Insecure | S::TracesInsecure if values.contains_key(setting) => {}
            _ => {
                values.insert(
                    *setting,
                    (from_variable(var, var.value.clone()), name.to_string()),
                );
            }
        }
    }
    let names_service = values.contains_key(&S::ServiceName);
    let disabled = values
        .get(&S::TracesEnabled)
        .and_then(|(s, _)| s.text())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("false"));
    let protocol_setting = values.get(&S::TracesProtocol).or(values.get(&S::Protocol));
    let protocol = protocol_setting
        .and_then(|(s, _)| s.text().and_then(Protocol::parse))
        .unwrap_or(otelconfig::DEFAULT_PROTOCOL);
    let (endpoint, insecure) = match values.get(&S::TracesEndpoint) {
        Some(endpoint) => (Some(endpoint), values.get(&S::TracesInsecure)),
        None => (values.get(&S::Endpoint), values.get(&S::Insecure)),
    };
    if disabled {
        return Launched {
            exporter: None,
            names_service,
        };
    }
    let mut pairs = headers;
    for (name, value) in traces_headers {
        pairs.retain(|(h, _)| *h != name);
        pairs.push((name, value));
    }
    let headers = (!pairs.is_empty()).then(|| CodeHeaders {
        pairs: Some(pairs),
        location: location.clone(),
    });
    let insecure_set = insecure.filter(|(s, _)| s.known);
    let tls = CodeTls {
        secure: !insecure_set
            .and_then(|(s, _)| s.text())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true")),
        decided_by: match insecure_set {
            Some((setting, written)) => match &setting.variable {
                Some(variable) => format!("{variable}={}", setting.text().unwrap_or_default()),
                None => written.clone(),
            },
            None => "otel-config-go, which uses TLS unless OTEL_EXPORTER_OTLP_INSECURE=true (it drops an http:// scheme)".to_string(),
        },
        location: insecure_set.map(|(s, _)| s.location.clone()),
    };
    let host = match endpoint {
        Some((setting, written)) => Some(Host {
            host_port: launcher_host(setting.text().unwrap_or_default(), protocol),
            setting: setting.clone(),
            option: written.clone(),
            form: EndpointForm::Either,
        }),
        None if vendor => Some(Host {
            host_port: otelconfig::HONEYCOMB_ENDPOINT.to_string(),
            setting: CodeSetting {
                value: Some(otelconfig::HONEYCOMB_ENDPOINT.to_string()),
                known: true,
                location: location.clone(),
                variable: None,
            },
            option: "honeycomb-opentelemetry-go's default endpoint".to_string(),
            form: EndpointForm::Either,
        }),
        None => None,
    };
    let config = TargetConfig {
        host,
        tls,
        path: None,
    };
    let target = config.target(protocol);
    Launched {
        // The endpoint is the target's: the launcher's own, which the environment overrides.
        exporter: Some(CodeExporter {
            kind: ExporterKind::Otlp(Some(protocol)),
            location,
            endpoint: None,
            headers,
            target,
        }),
        names_service,
    }
}

fn header_of(setting: otelconfig::Setting) -> &'static str {
    match setting {
        otelconfig::Setting::Dataset => crate::knowledge::honeycomb::DATASET_HEADER,
        _ => crate::knowledge::honeycomb::TEAM_HEADER,
    }
}

/// The host and port `otelconfig` hands the exporter: for gRPC, `https://` means port 443
/// when none is written; the protocol's port is added to a host without one; the scheme is
/// dropped.
fn launcher_host(endpoint: &str, protocol: Protocol) -> String {
    let mut endpoint = endpoint.trim().to_string();
    if protocol == Protocol::Grpc {
        if let Some(rest) = endpoint.strip_prefix("https://") {
            let host = rest.split('/').next().unwrap_or(rest);
            endpoint = if host.contains(':') {
                host.to_string()
            } else {
                format!("{host}:443")
            };
        } else if let Some(rest) = endpoint.strip_prefix("http://") {
            endpoint = rest.to_string();
        }
    }
    if !endpoint.contains(':') {
        endpoint = format!("{endpoint}:{}", otelconfig::default_port(protocol));
    } else if endpoint.ends_with(':') {
        endpoint.push_str(&otelconfig::default_port(protocol).to_string());
    }
    endpoint
        .strip_prefix("https://")
        .or_else(|| endpoint.strip_prefix("http://"))
        .unwrap_or(&endpoint)
        .to_string()
}

/// The setup is in a function that `main` (and `init`) never reach, through the calls of the
/// module's files (a function used as a value, say as a command's handler, counts as
/// reached).
fn unreached_setup(scopes: &[Scope], facts: &CodeFacts, entry: Location) -> Option<UnreachedSetup> {
    let setup = facts
        .provider_set
        .as_ref()
        .or(facts.provider_created.as_ref())?;
    let (scope, call) = scopes.iter().find_map(|s| {
        s.file
            .content
            .calls
            .iter()
            .find(|c| s.at(c.line, c.column) == *setup)
            .map(|c| (s, c))
    })?;
    let function = scope.file.content.functions.get(call.function?)?;
    if function.method || matches!(function.name.as_str(), "main" | "init") {
        return None;
    }
    let folders: Vec<&str> = scopes.iter().map(|s| folder_of(&s.file.path)).collect();
    // Functions by folder and name; `pkg.F` reaches the folder the import path names.
    let mut reached: Vec<(&str, &str)> = Vec::new();
    let mut pending: Vec<(&str, &str)> = scopes
        .iter()
        .filter(|s| s.file.content.package.as_deref() == Some("main"))
        .flat_map(|s| ["main", "init"].map(|name| (folder_of(&s.file.path), name)))
        .collect();
    while let Some(key) = pending.pop() {
        if reached.contains(&key) {
            continue;
        }
        reached.push(key);
        for scope in scopes.iter().filter(|s| folder_of(&s.file.path) == key.0) {
            let content = &scope.file.content;
            let Some(index) = content
                .functions
                .iter()
                .position(|f| f.name == key.1 && !f.method)
            else {
                continue;
            };
            let used = content
                .calls
                .iter()
                .filter(|c| c.function == Some(index))
                .flat_map(|c| {
                    std::iter::once(c.callee.as_str()).chain(c.args.iter().flat_map(names_in))
                });
            for name in used {
                match name.split_once('.') {
                    None => pending.push((key.0, name)),
                    Some((package, function)) => {
                        let folder = scope
                            .imports
                            .get(package)
                            .and_then(|path| folder_of_import(path, &folders));
                        pending.extend(folder.map(|folder| (folder, function)));
                    }
                }
            }
        }
    }
    let key = (folder_of(&scope.file.path), function.name.as_str());
    (!reached.contains(&key)).then(|| UnreachedSetup {
        setup: setup.clone(),
        function: Some(function.name.clone()),
        entry,
    })
}

fn folder_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The folder of the module an import path names: the one whose trailing components end the
/// path, the longest such tail winning (the module's own path is not known here).
fn folder_of_import<'a>(path: &str, folders: &[&'a str]) -> Option<&'a str> {
    folders
        .iter()
        .filter_map(|folder| {
            let parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
            (0..parts.len())
                .find(|&skip| path.ends_with(&format!("/{}", parts[skip..].join("/"))))
                .map(|skip| (parts.len() - skip, *folder))
        })
        .max_by_key(|(length, _)| *length)
        .map(|(_, folder)| folder)
}

/// The names an argument mentions (a function passed as a value is reached).
fn names_in(arg: &Arg) -> Vec<&str> {
    match &arg.value {
        GoValue::Name(name) => vec![name.as_str()],
        GoValue::Call { args, .. } => args.iter().flat_map(names_in).collect(),
        GoValue::Composite { elements, .. } => {
            elements.iter().flat_map(|(_, v)| names_in(v)).collect()
        }
        _ => Vec::new(),
    }
}

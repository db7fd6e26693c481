//! What a Ruby service's code does with OpenTelemetry, in the language-neutral terms of
//! `CodeFacts`: which OpenTelemetry gems it requires, where `OpenTelemetry::SDK.configure`
//! sets the SDK up and what its block gives it (the service name, the instrumentation it
//! `use`s, the span processors and their exporters, with the endpoint and headers they are
//! built with, evaluated against the container's environment), whether it starts spans, and
//! whether the file that configures the SDK is loaded when the app starts.

use std::collections::HashMap;
use std::sync::Arc;

use super::code::{CodeExporter, CodeFacts, CodeHeaders, ExporterKind, OtelImport, UnreachedSetup};
use super::code_setting::{CodeSetting, Evaluated};
use super::command::{Command, basename};
use super::environment::{CodeEnvWrite, EnvVar, resolved};
use super::image::Build;
use crate::knowledge::languages::EnvWriteMode;
use crate::knowledge::ruby::{self as knowledge, Exporter};
use crate::source::Location;
use crate::workspace::dependencies::Ecosystem;
use crate::workspace::ruby::{Arg, RubyCall, RubySource, RubyValue};
use crate::workspace::{BuildContext, Parsed, folder_of};

/// The code facts of the service's Ruby app: the files under its own `Gemfile` (beside its
/// Dockerfile or at the root of its build context, else its Dockerfile's folder) that its
/// Dockerfile copies in, tests left out; `None` when it has no Ruby file.
pub fn resolve(
    context: &BuildContext,
    context_dir: &str,
    dockerfile_dir: Option<&str>,
    build: Option<&Build>,
    command: Option<&Command>,
    env: &[EnvVar],
) -> Option<CodeFacts> {
    if context.ruby.is_empty() {
        return None;
    }
    let own = |folder: &str| folder == context_dir || dockerfile_dir == Some(folder);
    let app = context
        .dependency_lists
        .iter()
        .filter(|l| l.content.ecosystem == Ecosystem::Ruby)
        .map(|l| folder_of(&l.path))
        .find(|folder| own(folder))
        .or(dockerfile_dir)
        .unwrap_or(context_dir);
    let copied = build.map(Build::copied_by_any_stage);
    let files: Vec<&Parsed<RubySource>> = context
        .ruby
        .iter()
        .filter(|f| {
            in_folder(&f.path, app)
                && !is_test(&f.path)
                && copied.as_ref().is_none_or(|c| c.contains(&f.path))
        })
        .collect();
    if files.is_empty() {
        return None;
    }
    let mut facts = facts(&files, env);
    let entries = entry_files(&files, app, command);
    facts.setup_unreached = unreached_setup(&files, &facts, &entries);
    Some(facts)
}

fn in_folder(path: &str, folder: &str) -> bool {
    folder == "."
        || path
            .strip_prefix(folder)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Tests and specs do not run in the container.
fn is_test(path: &str) -> bool {
    path.split('/')
        .any(|part| matches!(part, "spec" | "test" | "tests" | "features"))
        || path.ends_with("_spec.rb")
        || path.ends_with("_test.rb")
}

/// The names a file assigns, the latest winning.
struct Scope<'a> {
    file: &'a Parsed<RubySource>,
    assigned: HashMap<&'a str, &'a RubyValue>,
}

impl<'a> Scope<'a> {
    fn new(file: &'a Parsed<RubySource>) -> Self {
        let assigned = file
            .content
            .assignments
            .iter()
            .map(|a| (a.name.as_str(), &a.value))
            .collect();
        Scope { file, assigned }
    }

    fn at(&self, line: u32, column: u32) -> Location {
        Location::new(&self.file.path, line, column)
    }

    fn resolve(&self, value: &'a RubyValue) -> &'a RubyValue {
        const MAX_HOPS: usize = 8;
        let mut value = value;
        for _ in 0..MAX_HOPS {
            match value {
                RubyValue::Name(name) | RubyValue::Const(name) => {
                    match self.assigned.get(name.as_str()) {
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

/// Evaluates values the code passes against the container's environment.
struct Evaluator<'a> {
    env: &'a [EnvVar],
}

impl Evaluator<'_> {
    fn setting(&self, scope: &Scope, arg: &Arg) -> CodeSetting {
        let mut variable = None;
        let outcome = self.evaluate(scope, &arg.value, &mut variable, 0);
        outcome.into_setting(scope.at(arg.line, arg.column), variable)
    }

    fn evaluate(
        &self,
        scope: &Scope,
        value: &RubyValue,
        variable: &mut Option<String>,
        depth: usize,
    ) -> Evaluated {
        const MAX_DEPTH: usize = 16;
        if depth > MAX_DEPTH {
            return Evaluated::Unknown;
        }
        match scope.resolve(value) {
            RubyValue::Str(text) => Evaluated::Text(text.clone()),
            RubyValue::Nil => Evaluated::Absent,
            RubyValue::Env { name, default } => {
                variable.get_or_insert_with(|| name.clone());
                match (resolved(self.env, name), default) {
                    (Some(var), _) => Evaluated::Text(var.value.clone()),
                    (None, Some(default)) => self.evaluate(scope, default, variable, depth + 1),
                    (None, None) => Evaluated::Absent,
                }
            }
            // Ruby's `||`: the first that is not nil (an empty string is kept).
            RubyValue::Or(parts) => Evaluated::first_set(
                parts
                    .iter()
                    .map(|part| self.evaluate(scope, part, variable, depth + 1)),
            ),
            RubyValue::Concat(parts) => Evaluated::concat(
                parts
                    .iter()
                    .map(|part| self.evaluate(scope, part, variable, depth + 1)),
            ),
            _ => Evaluated::Unknown,
        }
    }

    /// `headers: { 'x-honeycomb-team' => ... }` as pairs; `None` when built otherwise.
    fn pairs(&self, scope: &Scope, arg: &Arg) -> Option<Vec<(String, CodeSetting)>> {
        match scope.resolve(&arg.value) {
            RubyValue::Hash(entries) => Some(
                entries
                    .iter()
                    .map(|(key, value)| (key.to_ascii_lowercase(), self.setting(scope, value)))
                    .collect(),
            ),
            _ => None,
        }
    }
}

/// The facts of the app's Ruby files.
fn facts(files: &[&Parsed<RubySource>], env: &[EnvVar]) -> CodeFacts {
    let mut facts = CodeFacts::default();
    let evaluator = Evaluator { env };
    let mut attached: Vec<Location> = Vec::new();
    let mut attached_unknown = false;
    for file in files {
        let scope = Scope::new(file);
        facts.files.push(Arc::clone(&file.path));
        // A write after `OpenTelemetry::SDK.configure` in the same file comes too late for it.
        let configured_at = file
            .content
            .calls
            .iter()
            .find(|c| c.receiver == knowledge::SDK && c.method == knowledge::CONFIGURE)
            .map_or(usize::MAX, |c| c.order);
        for write in file
            .content
            .env_writes
            .iter()
            .filter(|w| w.order < configured_at)
        {
            let mut variable = None;
            let value = match evaluator.evaluate(&scope, &write.value, &mut variable, 0) {
                Evaluated::Text(value) => Some(value),
                _ => None,
            };
            // `||=` assigns when the value is nil: an empty string is set (and true).
            let mode = if write.if_unset {
                EnvWriteMode::IfUnset
            } else {
                EnvWriteMode::Overwrite
            };
            facts.env_writes.push(CodeEnvWrite {
                name: write.name.clone(),
                value,
                mode,
                reads: variable,
                location: scope.at(write.line, write.column),
            });
        }
        for require in &file.content.requires {
            let location = scope.at(require.line, require.column);
            if let Some(gem) = knowledge::gem_of_require(&require.path) {
                facts.otel_imports.push(OtelImport {
                    module: require.path.clone(),
                    package: gem,
                    location: location.clone(),
                });
            }
            if knowledge::FRAMEWORKS
                .iter()
                .any(|(f, _)| *f == require.path)
            {
                facts.frameworks.push((require.path.clone(), location));
            }
        }
        // The block parameter of each `OpenTelemetry::SDK.configure`, by call index.
        let configurators: HashMap<usize, &str> = file
            .content
            .calls
            .iter()
            .enumerate()
            .filter(|(_, c)| c.receiver == knowledge::SDK && c.method == knowledge::CONFIGURE)
            .filter_map(|(index, c)| Some((index, c.block.as_ref()?.param.as_deref()?)))
            .collect();
        for call in &file.content.calls {
            let location = scope.at(call.line, call.column);
            let on_configurator = call
                .within
                .and_then(|w| configurators.get(&w))
                .is_some_and(|param| call.receiver == *param);
            match call.method.as_str() {
                knowledge::CONFIGURE if call.receiver == knowledge::SDK => {
                    facts.provider_created.get_or_insert(location.clone());
                    facts.provider_set.get_or_insert(location);
                }
                "service_name=" | "resource=" if on_configurator => {
                    facts.resource.get_or_insert(location);
                }
                "use" if on_configurator => {
                    let gem = match call.args.first().map(|a| &a.value) {
                        Some(RubyValue::Str(class) | RubyValue::Const(class)) => {
                            knowledge::instrumentation_gem(class)
                        }
                        _ => None,
                    };
                    facts
                        .instrumentors
                        .push((gem.unwrap_or_default(), location));
                }
                "use_all" if on_configurator => {
                    facts
                        .instrumentors
                        .push((knowledge::INSTRUMENTATION_ALL.to_string(), location));
                }
                "add_span_processor" => {
                    match call
                        .args
                        .first()
                        .and_then(|a| exporter_of_processor(&scope, a))
                    {
                        Some(exporter) => attached.push(exporter),
                        None => attached_unknown = true,
                    }
                }
                method if knowledge::SPAN_METHODS.contains(&method) => {
                    facts.spans_created.get_or_insert(location);
                }
                "new" => {
                    if let Some(exporter) = exporter(&scope, &evaluator, call, location) {
                        facts.exporters.push(exporter);
                    }
                }
                _ => {}
            }
        }
    }
    if !attached_unknown {
        let (kept, unattached) = std::mem::take(&mut facts.exporters)
            .into_iter()
            .partition(|e| attached.contains(&e.location));
        facts.exporters = kept;
        facts.unattached = unattached;
    }
    facts
}

/// `BatchSpanProcessor.new(exporter)`: where the exporter is built (through the name it is
/// assigned to), when it is built with `.new` of an exporter class.
fn exporter_of_processor(scope: &Scope, arg: &Arg) -> Option<Location> {
    let RubyValue::Call {
        receiver,
        method,
        args,
    } = scope.resolve(&arg.value)
    else {
        return None;
    };
    if method != "new" || !knowledge::is_processor(receiver) {
        return None;
    }
    let exporter = args.first()?;
    let (value, at) = match &exporter.value {
        RubyValue::Name(name) | RubyValue::Const(name) => {
            let assigned = scope
                .file
                .content
                .assignments
                .iter()
                .rfind(|a| a.name == *name)?;
            (
                &assigned.value,
                scope.at(assigned.value_line, assigned.value_column),
            )
        }
        value => (value, scope.at(exporter.line, exporter.column)),
    };
    matches!(
        value,
        RubyValue::Call { receiver, method, .. }
            if method == "new" && knowledge::exporter(receiver).is_some()
    )
    .then_some(at)
}

/// The exporter a class's `.new(...)` builds, with the endpoint and headers it is given.
fn exporter(
    scope: &Scope,
    evaluator: &Evaluator,
    call: &RubyCall,
    location: Location,
) -> Option<CodeExporter> {
    let (_, _, built) = knowledge::exporter(&call.receiver)?;
    let keyword = |name: &str| call.args.iter().find(|a| a.key.as_deref() == Some(name));
    let kind = match built {
        Exporter::Otlp(protocol) => ExporterKind::Otlp(Some(protocol)),
        Exporter::Console => ExporterKind::Console,
        Exporter::Backend(name) => ExporterKind::Backend(name),
    };
    Some(CodeExporter {
        kind,
        location,
        endpoint: keyword("endpoint").map(|a| evaluator.setting(scope, a)),
        headers: keyword("headers").map(|a| CodeHeaders {
            pairs: evaluator.pairs(scope, a),
            location: scope.at(a.line, a.column),
        }),
        target: None,
    })
}

/// The files the app's start loads first: the script `ruby` runs, the rackup file a Rack
/// server runs, and for a Rails app its boot files and initializers. Empty when the start is
/// not known.
fn entry_files<'a>(
    files: &[&'a Parsed<RubySource>],
    app: &str,
    command: Option<&Command>,
) -> Vec<&'a Parsed<RubySource>> {
    let relative = |file: &Parsed<RubySource>| -> String {
        match app {
            "." => file.path.to_string(),
            app => file
                .path
                .strip_prefix(app)
                .map_or(file.path.to_string(), |r| {
                    r.trim_start_matches('/').to_string()
                }),
        }
    };
    let named = |written: &str| {
        let written = written.trim_start_matches("./");
        files
            .iter()
            .copied()
            .find(|f| relative(f) == written || f.path.ends_with(&format!("/{written}")))
    };
    let rails = files
        .iter()
        .any(|f| relative(f) == knowledge::RAILS_BOOT[0]);
    let mut entries: Vec<&Parsed<RubySource>> = Vec::new();
    if rails {
        entries.extend(files.iter().copied().filter(|f| {
            let path = relative(f);
            knowledge::RAILS_BOOT.contains(&path.as_str())
                || path.starts_with(knowledge::RAILS_INITIALIZERS)
        }));
    }
    let words: Vec<&str> = command
        .map(|c| c.runs.iter().map(|w| w.text.as_str()).collect())
        .unwrap_or_default();
    let words: Vec<&str> = match words.as_slice() {
        ["bundle", "exec", rest @ ..] => rest.to_vec(),
        _ => words,
    };
    let Some(program) = words.first().map(|w| basename(w)) else {
        return entries;
    };
    let script = words[1..].iter().find(|w| !w.starts_with('-'));
    match program {
        "ruby" => entries.extend(script.and_then(|s| named(s))),
        _ if knowledge::RACK_SERVERS.contains(&program) => {
            let rackup = words[1..]
                .iter()
                .find(|w| w.ends_with(".ru"))
                .copied()
                .unwrap_or("config.ru");
            entries.extend(named(rackup));
        }
        "rails" => {}
        // Another program (a script, a binary): what it loads is not known.
        _ if !rails => entries.clear(),
        _ => {}
    }
    entries
}

/// The file that configures the SDK, when none of the files the app loads at start requires
/// it (directly or through the files they require).
fn unreached_setup(
    files: &[&Parsed<RubySource>],
    facts: &CodeFacts,
    entries: &[&Parsed<RubySource>],
) -> Option<UnreachedSetup> {
    let setup = facts.provider_set.as_ref()?;
    if entries.is_empty() {
        return None;
    }
    let mut reached: Vec<&str> = Vec::new();
    let mut pending: Vec<&Parsed<RubySource>> = entries.to_vec();
    while let Some(file) = pending.pop() {
        if reached.contains(&&*file.path) {
            continue;
        }
        reached.push(&file.path);
        for require in &file.content.requires {
            let wanted = if require.relative {
                let joined = format!("{}/{}", folder_of(&file.path), require.path);
                super::image::files::normalize(&joined)
            } else {
                require.path.clone()
            };
            let wanted = wanted.trim_end_matches(".rb");
            let found = files.iter().find(|f| {
                let path = f.path.trim_end_matches(".rb");
                if require.relative {
                    path == wanted
                } else {
                    path.ends_with(&format!("/{wanted}")) || path == wanted
                }
            });
            pending.extend(found.copied());
        }
    }
    (!reached.contains(&&*setup.file)).then(|| UnreachedSetup {
        setup: setup.clone(),
        function: None,
        entry: Location::file_start(&entries[0].path),
    })
}

//! What a .NET service's C# code and settings do with OpenTelemetry: `AddOpenTelemetry()`
//! (and `Sdk.CreateTracerProviderBuilder()`), the exporters added where traces are configured
//! (`WithTracing(t => t.AddOtlpExporter(o => { o.Endpoint = ...; o.Protocol = ... }))`,
//! `UseOtlpExporter(...)`, `AddConsoleExporter()`), with values evaluated against the
//! container's environment and `appsettings.json` (and `appsettings.{Environment}.json`),
//! whether it names the service, Honeycomb's `AddHoneycomb`, and the `OTEL_*` keys the
//! settings files give `IConfiguration`, which the exporter reads under the environment.

use std::sync::Arc;

use super::clike_eval::{Evaluator, KeyRead, assigned_once};
use super::code::{CodeExporter, CodeFacts, CodeHeaders, DistroSetup, ExporterKind, OtelImport};
use super::code_setting::CodeSetting;
use super::environment::EnvVar;
use super::sdk_config::{ConfigValue, Rank};
use crate::knowledge::{dotnet, otel};
use crate::source::Location;
use crate::workspace::clike::{Call, ClikeSource, Dialect, Value};
use crate::workspace::settings::{Document, Entry};
use crate::workspace::{BuildContext, Parsed};

pub struct Inputs<'a> {
    pub context: &'a BuildContext,
    /// The service's folder in the workspace (its Dockerfile's).
    pub folder: &'a str,
    pub env: &'a [EnvVar],
}

/// What the service's .NET code and settings do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DotnetCode {
    pub facts: CodeFacts,
    /// The `OTEL_*` and `HONEYCOMB_*` keys of its settings files, under the environment.
    pub settings: Vec<ConfigValue>,
}

/// The settings files of the environment the service runs in: `appsettings.json`, then
/// `appsettings.{ASPNETCORE_ENVIRONMENT}.json` (later wins).
struct AppSettings<'a> {
    documents: Vec<&'a Document>,
    env: &'a [EnvVar],
}

impl AppSettings<'_> {
    fn entry(&self, key: &str) -> Option<&Entry> {
        self.documents.iter().rev().find_map(|d| d.get(key, true))
    }

    /// A key as `IConfiguration` reads it: the environment (`Otlp__Endpoint`) over the files.
    fn lookup(&self, key: &str) -> KeyRead {
        let variable = dotnet::configuration_variable(key);
        let from_environment = self
            .env
            .iter()
            .find(|v| v.name.eq_ignore_ascii_case(&variable) && v.resolved);
        let (value, written) = match (from_environment, self.entry(key)) {
            (Some(var), _) => (Some(var.value.clone()), None),
            (None, Some(entry)) => (Some(entry.value.clone()), Some(entry.location.clone())),
            (None, None) => (None, None),
        };
        KeyRead {
            value,
            written,
            variable,
        }
    }
}

pub fn resolve(inputs: &Inputs) -> DotnetCode {
    let in_folder =
        |path: &str| inputs.folder == "." || path.starts_with(&format!("{}/", inputs.folder));
    let environment = dotnet::ENVIRONMENT_VARIABLES
        .iter()
        .find_map(|name| super::environment::resolved(inputs.env, name))
        .map_or(dotnet::DEFAULT_ENVIRONMENT, |v| v.value.trim());
    let settings_file = |name: &str| {
        let mut files = inputs.context.settings.iter().filter(|f| {
            f.path
                .rsplit('/')
                .next()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        });
        let file = files
            .clone()
            .find(|f| in_folder(&f.path))
            .or_else(|| files.next());
        file.and_then(|f| f.content.documents.first())
    };
    let settings = AppSettings {
        documents: settings_file("appsettings.json")
            .into_iter()
            .chain(settings_file(&format!("appsettings.{environment}.json")))
            .collect(),
        env: inputs.env,
    };
    let csharp = || {
        inputs
            .context
            .clike
            .iter()
            .filter(|f| Dialect::of_file(&f.path) == Some(Dialect::CSharp))
    };
    let under_folder: Vec<&Parsed<ClikeSource>> = csharp().filter(|f| in_folder(&f.path)).collect();
    let files = if under_folder.is_empty() {
        csharp().collect()
    } else {
        under_folder
    };
    let mut code = DotnetCode::default();
    for file in files {
        code.facts.files.push(Arc::clone(&file.path));
        read_file(file, &settings, &mut code.facts);
    }
    code.settings = settings
        .documents
        .iter()
        .flat_map(|d| &d.entries)
        .filter_map(|entry| {
            let variable = entry.key.to_ascii_uppercase();
            let read = variable.starts_with("OTEL_") || variable.starts_with("HONEYCOMB_");
            read.then(|| ConfigValue {
                name: entry.key.clone(),
                value: entry.value.clone(),
                location: entry.location.clone(),
                editable: entry.inline,
                rank: Rank::UnderEnvironment,
                variable,
            })
        })
        .collect();
    code
}

/// Where the zero-code auto-instrumentation is turned on: the CLR profiler of
/// OpenTelemetry's auto-instrumentation (`CORECLR_PROFILER`, with `CORECLR_ENABLE_PROFILING=1`),
/// its home folder (`OTEL_DOTNET_AUTO_HOME`, which `instrument.sh` sets), or the command
/// starting through `instrument.sh`.
pub fn auto_instrumentation<'a>(
    env: &'a [EnvVar],
    command: Option<&'a super::Command>,
) -> Option<&'a Location> {
    let var = |name: &str| super::environment::resolved(env, name);
    let profiler = var("CORECLR_PROFILER")
        .filter(|p| {
            p.value
                .trim()
                .eq_ignore_ascii_case(dotnet::AUTO_INSTRUMENTATION_PROFILER)
        })
        .filter(|_| var("CORECLR_ENABLE_PROFILING").is_some_and(|e| e.value.trim() == "1"));
    let script = command.and_then(|c| {
        c.words
            .iter()
            .find(|w| w.text.ends_with(dotnet::AUTO_INSTRUMENTATION_SCRIPT))
    });
    profiler
        .or_else(|| var(dotnet::AUTO_INSTRUMENTATION_HOME))
        .map(|v| &v.location)
        .or(script.map(|w| &w.location))
}

/// Whether an exporter added by `call` exports spans: not inside (nor chained on) the setup
/// of metrics or logs.
fn configures_traces(call: &Call, calls: &[Call]) -> bool {
    // `builder.Logging.AddOpenTelemetry(o => o.AddOtlpExporter())` sets logs up.
    let other_signal = |outer: &Call| {
        dotnet::OTHER_SIGNALS.contains(&outer.name())
            || (outer.name() == "AddOpenTelemetry"
                && outer.callee.to_ascii_lowercase().contains("logging"))
    };
    let in_other_signal = calls
        .iter()
        .any(|outer| other_signal(outer) && call.within(outer));
    let chained_on_other = call
        .callee
        .split('.')
        .any(|part| dotnet::OTHER_SIGNALS.contains(&part.trim_end_matches("()")));
    !in_other_signal && !chained_on_other
}

fn read_file(file: &Parsed<ClikeSource>, settings: &AppSettings, facts: &mut CodeFacts) {
    let source = &file.content;
    let at = |line: u32, column: u32| Location::new(&file.path, line, column);
    for import in &source.imports {
        if import.path.starts_with("OpenTelemetry") || import.path.starts_with("Honeycomb") {
            facts.otel_imports.push(OtelImport {
                module: import.path.clone(),
                package: import.path.clone(),
                location: at(import.line, import.column),
            });
        }
    }
    let lookup = |key: &str| settings.lookup(key);
    let evaluator = Evaluator {
        readers: &dotnet::READERS,
        assigned: assigned_once(source),
        env: settings.env,
        configuration: &lookup,
        file: &file.path,
    };
    // An option a lambda's body assigns: `o.Endpoint = ...` for the parameter `o`.
    let option = |lambda: &Value, name: &str| -> Option<(&Value, Location)> {
        let Value::Lambda { params, body } = lambda else {
            return None;
        };
        let param = params.first()?;
        let target = format!("{param}.{name}");
        source
            .assignments
            .iter()
            .rfind(|a| a.at > body.0 && a.at < body.1 && a.target == target)
            .map(|a| (&a.value, at(a.line, a.column)))
    };
    for call in &source.calls {
        // Where the called name is: `AddOtlpExporter` in `tracing.AddSource(...).AddOtlpExporter()`.
        let location = at(call.name_line, call.name_column);
        let name = call.name();
        if dotnet::SDK_SETUP_CALLS.contains(&name) {
            facts.provider_set.get_or_insert(location.clone());
        }
        match name {
            dotnet::OTLP_EXPORTER if configures_traces(call, &source.calls) => {
                // `AddOtlpExporter(o => ...)` or `AddOtlpExporter("name", o => ...)`.
                let lambda = call
                    .args
                    .iter()
                    .map(|a| &a.value)
                    .find(|v| matches!(v, Value::Lambda { .. }));
                let setting = |option_name: &str| {
                    let (value, written) = option(lambda?, option_name)?;
                    Some(evaluator.setting_of(value, written))
                };
                let protocol = lambda
                    .and_then(|l| option(l, dotnet::PROTOCOL_OPTION))
                    .and_then(|(value, _)| match value {
                        Value::Name(member) => dotnet::protocol_of(member),
                        _ => None,
                    });
                let headers = setting(dotnet::HEADERS_OPTION).map(|headers| CodeHeaders {
                    pairs: headers.text().map(|text| {
                        otel::parse_headers(text)
                            .0
                            .into_iter()
                            .map(|h| {
                                let value = CodeSetting {
                                    value: Some(h.value),
                                    ..headers.clone()
                                };
                                (h.name, value)
                            })
                            .collect()
                    }),
                    location: headers.location.clone(),
                });
                facts.generic_variables_only.get_or_insert(location.clone());
                facts.exporters.push(CodeExporter {
                    kind: ExporterKind::Otlp(protocol),
                    location,
                    endpoint: setting(dotnet::ENDPOINT_OPTION),
                    headers,
                    target: None,
                });
            }
            dotnet::USE_OTLP_EXPORTER => {
                // `UseOtlpExporter(OtlpExportProtocol.HttpProtobuf, new Uri("..."))`: a base
                // URL, to which `/v1/traces` is appended over HTTP when it is not there.
                let protocol = match call.args.first().map(|a| &a.value) {
                    Some(Value::Name(member)) => dotnet::protocol_of(member),
                    _ => None,
                };
                let endpoint = call.args.get(1).map(|a| {
                    let base = evaluator.setting(a);
                    let value = base.value.as_deref().map(|url| {
                        otel::traces_url_for(
                            url,
                            false,
                            protocol.unwrap_or(otel::Protocol::Grpc),
                            true,
                        )
                    });
                    CodeSetting { value, ..base }
                });
                facts.exporters.push(CodeExporter {
                    kind: ExporterKind::Otlp(protocol),
                    location,
                    endpoint,
                    headers: None,
                    target: None,
                });
            }
            dotnet::CONSOLE_EXPORTER if configures_traces(call, &source.calls) => {
                facts.exporters.push(CodeExporter {
                    kind: ExporterKind::Console,
                    location,
                    endpoint: None,
                    headers: None,
                    target: None,
                });
            }
            dotnet::NAMES_SERVICE if !call.args.is_empty() => {
                facts.resource.get_or_insert(location);
            }
            dotnet::STARTS_SPAN => {
                facts.spans_created.get_or_insert(location);
            }
            dotnet::HONEYCOMB_SETUP => {
                facts.provider_set.get_or_insert(location.clone());
                let options = honeycomb_options(source, settings, &evaluator, &file.path);
                if options.iter().any(|(name, _)| name == "service_name") {
                    facts.resource.get_or_insert(location.clone());
                }
                facts
                    .honeycomb_distro
                    .get_or_insert(DistroSetup { location, options });
            }
            _ => {}
        }
        if dotnet::READERS.env.contains(&call.callee.as_str())
            && let Some(Value::Str(variable)) = call.args.first().map(|a| &a.value)
        {
            facts.env_reads.push(variable.clone());
        }
    }
}

/// `HoneycombOptions` as the distribution gets them: from an object initializer in code
/// (`new HoneycombOptions { ApiKey = ... }`), else from the `Honeycomb` section of the
/// settings (`AddHoneycomb(builder.Configuration)`).
fn honeycomb_options(
    source: &ClikeSource,
    settings: &AppSettings,
    evaluator: &Evaluator,
    file: &Arc<str>,
) -> Vec<(String, CodeSetting)> {
    dotnet::HONEYCOMB_OPTIONS
        .iter()
        .filter_map(|(property, option)| {
            let in_code = source
                .assignments
                .iter()
                .find(|a| a.target == *property)
                .map(|a| evaluator.setting_of(&a.value, Location::new(file, a.line, a.column)));
            let in_settings = || {
                let key = format!("{}:{property}", dotnet::HONEYCOMB_SECTION);
                let read = settings.lookup(&key);
                Some(CodeSetting {
                    value: Some(read.value?),
                    known: true,
                    location: read.written?,
                    variable: Some(read.variable),
                })
            };
            Some((option.to_string(), in_code.or_else(in_settings)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::otel::Protocol;
    use crate::workspace::{clike, settings};

    fn code_of(program: &str, appsettings: &str) -> DotnetCode {
        let settings_path: Arc<str> = Arc::from("api/appsettings.json");
        let context = BuildContext {
            clike: vec![Parsed {
                path: Arc::from("api/Program.cs"),
                content: clike::parse(program, Dialect::CSharp),
            }],
            settings: vec![Parsed {
                content: settings::parse_json(&settings_path, appsettings).unwrap(),
                path: settings_path,
            }],
            ..BuildContext::default()
        };
        resolve(&Inputs {
            context: &context,
            folder: "api",
            env: &[],
        })
    }

    #[test]
    fn traces_exporters_with_their_options_and_not_the_metrics_ones() {
        let code = code_of(
            r#"using OpenTelemetry.Trace;
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddOpenTelemetry()
    .ConfigureResource(r => r.AddService("api"))
    .WithTracing(tracing => tracing
        .AddAspNetCoreInstrumentation()
        .AddOtlpExporter(o =>
        {
            o.Endpoint = new Uri(builder.Configuration["Otlp:Endpoint"]);
            o.Protocol = OtlpExportProtocol.HttpProtobuf;
            o.Headers = "x-honeycomb-team=abc";
        }))
    .WithMetrics(metrics => metrics.AddOtlpExporter().AddConsoleExporter());
builder.Logging.AddOpenTelemetry(options => options.AddOtlpExporter());
"#,
            "{\n  \"Otlp\": { \"Endpoint\": \"http://collector:4318\" },\n  \"OTEL_SERVICE_NAME\": \"api\"\n}\n",
        );
        let facts = &code.facts;
        assert!(facts.provider_set.is_some() && facts.resource.is_some());
        assert_eq!(facts.exporters.len(), 1, "{:?}", facts.exporters);
        let exporter = &facts.exporters[0];
        assert_eq!(
            exporter.kind,
            ExporterKind::Otlp(Some(Protocol::HttpProtobuf))
        );
        let endpoint = exporter.endpoint.as_ref().unwrap();
        assert_eq!(endpoint.text(), Some("http://collector:4318"));
        assert_eq!(endpoint.variable.as_deref(), Some("Otlp__Endpoint"));
        assert_eq!(
            (&*endpoint.location.file, endpoint.location.line),
            ("api/appsettings.json", 2)
        );
        let headers = exporter.headers.as_ref().unwrap().pairs.as_ref().unwrap();
        assert_eq!(headers[0].1.text(), Some("abc"));
        assert!(facts.generic_variables_only.is_some());
        assert_eq!(code.settings[0].variable, "OTEL_SERVICE_NAME");
    }

    #[test]
    fn use_otlp_exporter_appends_the_traces_path_to_its_base_url() {
        let code = code_of(
            "builder.Services.AddOpenTelemetry().UseOtlpExporter(OtlpExportProtocol.HttpProtobuf, new Uri(\"http://collector:4318\"));\n",
            "{}",
        );
        let endpoint = code.facts.exporters[0].endpoint.as_ref().unwrap();
        assert_eq!(endpoint.text(), Some("http://collector:4318/v1/traces"));
        assert!(code.facts.generic_variables_only.is_none());
    }
}

//! What a JVM service's Java and Kotlin code does with OpenTelemetry: which packages it imports,
//! whether it builds and registers an SDK (`OpenTelemetrySdk.builder()`, the autoconfigure
//! module, Honeycomb's `OpenTelemetryConfiguration`), which exporters it builds
//! (`OtlpGrpcSpanExporter.builder().setEndpoint(...).addHeader(...)`), with values evaluated
//! against the container's environment, which of them a span processor gets, whether it names
//! the service, and the system properties it sets (`System.setProperty("otel.…", …)`).

use std::collections::HashMap;
use std::sync::Arc;

use super::clike_eval::{Evaluator, KeyRead, assigned_once};
use super::code::{CodeExporter, CodeFacts, CodeHeaders, DistroSetup, ExporterKind, OtelImport};
use super::environment::EnvVar;
use crate::knowledge::java::{self, SpanExporterClass};
use crate::source::Location;
use crate::workspace::clike::{Call, ClikeSource, Dialect, Value};
use crate::workspace::{BuildContext, Parsed};

/// A system property the code sets (`System.setProperty("otel.traces.exporter", "console")`),
/// as the variable it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyWrite {
    pub variable: String,
    pub name: String,
    pub value: String,
    pub location: Location,
}

/// What the service's Java and Kotlin code does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JavaCode {
    pub facts: CodeFacts,
    /// The system properties it sets, in order.
    pub properties: Vec<PropertyWrite>,
}

/// The facts of the service's Java and Kotlin files: those under `folder` (its Dockerfile's),
/// else every one of its build context.
pub fn resolve(context: &BuildContext, folder: &str, env: &[EnvVar]) -> JavaCode {
    let jvm_files = || {
        context.clike.iter().filter(|f| {
            matches!(
                Dialect::of_file(&f.path),
                Some(Dialect::Java | Dialect::Kotlin)
            )
        })
    };
    let under_folder: Vec<&Parsed<ClikeSource>> = jvm_files()
        .filter(|f| folder == "." || f.path.starts_with(&format!("{folder}/")))
        .collect();
    let files = if under_folder.is_empty() {
        jvm_files().collect()
    } else {
        under_folder
    };
    let mut code = JavaCode::default();
    for file in files {
        code.facts.files.push(Arc::clone(&file.path));
        read_file(file, env, &mut code);
    }
    code.facts.settle_attachments();
    code
}

/// The simple class name a callee starts with (`OtlpGrpcSpanExporter` in
/// `OtlpGrpcSpanExporter.builder().build`).
fn class_of(callee: &str) -> &str {
    let first = callee.split('.').next().unwrap_or(callee);
    first.strip_suffix("()").unwrap_or(first)
}

/// The callee without its `()` marks, for comparing with the knowledge's names.
fn plain(callee: &str) -> String {
    callee.replace("()", "")
}

fn exporter_kind(class: &str) -> Option<ExporterKind> {
    java::SPAN_EXPORTERS
        .iter()
        .find(|(name, _)| *name == class)
        .map(|(_, built)| match built {
            SpanExporterClass::Otlp(protocol) => ExporterKind::Otlp(Some(*protocol)),
            SpanExporterClass::Console => ExporterKind::Console,
        })
}

fn read_file(file: &Parsed<ClikeSource>, env: &[EnvVar], code: &mut JavaCode) {
    let JavaCode { facts, properties } = code;
    let source = &file.content;
    let at = |line: u32, column: u32| Location::new(&file.path, line, column);
    for import in &source.imports {
        if let Some(package) = java::artifact_of_import(&import.path) {
            facts.otel_imports.push(OtelImport {
                module: import.path.clone(),
                package: package.to_string(),
                location: at(import.line, import.column),
            });
        }
    }
    let no_configuration = |key: &str| KeyRead {
        value: None,
        written: None,
        variable: key.to_string(),
    };
    let evaluator = Evaluator {
        readers: &java::READERS,
        assigned: assigned_once(source),
        env,
        configuration: &no_configuration,
        file: &file.path,
    };
    // The calls of one fluent chain start at the same token.
    let mut chains: HashMap<usize, Vec<&Call>> = HashMap::new();
    for call in &source.calls {
        chains.entry(call.span.0).or_default().push(call);
    }
    let chain_of = |call: &Call| chains.get(&call.span.0).map_or(&[][..], |c| &c[..]);
    for call in &source.calls {
        let location = at(call.line, call.column);
        let callee = plain(&call.callee);
        let class = class_of(&call.callee);
        // The first call of a chain on an exporter class builds that exporter.
        let starts_chain = !call.callee.contains("()") && callee.matches('.').count() == 1;
        if let Some(kind) = exporter_kind(class).filter(|_| starts_chain) {
            let chain = chain_of(call);
            let setter = |name: &'static str| chain.iter().filter(move |c| c.name() == name);
            let endpoint = setter(java::ENDPOINT_SETTER)
                .next_back()
                .and_then(|c| c.args.first())
                .map(|a| evaluator.setting(a));
            let headers: Vec<(String, super::CodeSetting)> = setter(java::HEADER_SETTER)
                .filter_map(|c| match (c.args.first(), c.args.get(1)) {
                    (Some(name), Some(value)) => Some((
                        evaluator.setting(name).text()?.to_ascii_lowercase(),
                        evaluator.setting(value),
                    )),
                    _ => None,
                })
                .collect();
            let headers_at = setter(java::HEADER_SETTER).next();
            facts.exporters.push(CodeExporter {
                kind,
                location,
                endpoint,
                headers: headers_at.map(|first| CodeHeaders {
                    pairs: Some(headers),
                    location: at(first.name_line, first.name_column),
                }),
                target: None,
            });
            continue;
        }
        if class == java::HONEYCOMB_SDK_BUILDER && starts_chain {
            let options = chain_of(call)
                .iter()
                .filter_map(|c| {
                    let (_, option) = java::HONEYCOMB_SDK_OPTIONS
                        .iter()
                        .find(|(setter, _)| *setter == c.name())?;
                    Some((option.to_string(), evaluator.setting(c.args.first()?)))
                })
                .collect::<Vec<_>>();
            if options.iter().any(|(name, _)| name == "service_name") {
                facts.resource.get_or_insert(location.clone());
            }
            facts.provider_set.get_or_insert(location.clone());
            facts
                .honeycomb_distro
                .get_or_insert(DistroSetup { location, options });
            continue;
        }
        if java::SDK_SETUP_CALLS.contains(&callee.as_str()) {
            facts.provider_set.get_or_insert(location.clone());
        }
        if java::AUTOCONFIGURE_CALLS.contains(&callee.as_str()) {
            facts.autoconfigured.get_or_insert(location.clone());
        }
        if callee == format!("{}.builder", java::TRACER_PROVIDER) {
            facts.provider_created.get_or_insert(location.clone());
        }
        if java::SPAN_PROCESSORS.contains(&class) && starts_chain {
            let kind = match call.args.first().map(|a| evaluator.resolve(&a.value)) {
                Some(Value::Call { callee, .. }) => exporter_kind(class_of(callee)),
                _ => None,
            };
            facts.attach(kind);
        }
        if call.name() == "spanBuilder" {
            facts.spans_created.get_or_insert(location.clone());
        }
        if names_service(call) {
            facts.resource.get_or_insert(location.clone());
        }
        if callee == java::SET_PROPERTY
            && let (Some(name), Some(value)) = (call.args.first(), call.args.get(1))
            && let Some(name) = evaluator.setting(name).text().map(String::from)
            && let Some(variable) = java::property_variable(&name)
        {
            let value = evaluator.setting(value);
            if let Some(text) = value.text() {
                properties.push(PropertyWrite {
                    variable,
                    name,
                    value: text.to_string(),
                    location: value.location.clone(),
                });
            }
        }
        if java::READERS.env.contains(&callee.as_str())
            && let Some(Value::Str(variable)) = call.args.first().map(|a| &a.value)
        {
            facts.env_reads.push(variable.clone());
        }
    }
}

/// A resource attribute call that names the service: `ResourceAttributes.SERVICE_NAME`,
/// `ServiceAttributes.SERVICE_NAME`, or `"service.name"`, among its arguments.
fn names_service(call: &Call) -> bool {
    call.args.iter().any(|a| match &a.value {
        Value::Name(name) => name.ends_with("SERVICE_NAME"),
        Value::Str(text) => text == "service.name",
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::otel::Protocol;
    use crate::workspace::clike;

    fn facts_of(text: &str) -> (CodeFacts, Vec<PropertyWrite>) {
        let code = code_of(text);
        (code.facts, code.properties)
    }

    fn code_of(text: &str) -> JavaCode {
        let context = BuildContext {
            clike: vec![Parsed {
                path: Arc::from("api/src/main/java/app/Tracing.java"),
                content: clike::parse(text, Dialect::Java),
            }],
            ..BuildContext::default()
        };
        resolve(&context, "api", &[])
    }

    #[test]
    fn a_manual_sdk_with_its_exporter_endpoint_and_headers() {
        let (facts, _) = facts_of(
            r#"import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
class Tracing {
  static OpenTelemetry init() {
    OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder()
        .setEndpoint("http://collector:4318")
        .addHeader("X-Honeycomb-Team", System.getenv("HONEYCOMB_API_KEY"))
        .build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
        .setResource(Resource.create(Attributes.of(ResourceAttributes.SERVICE_NAME, "api")))
        .build();
    return OpenTelemetrySdk.builder().setTracerProvider(provider).buildAndRegisterGlobal();
  }
}
"#,
        );
        assert_eq!(facts.otel_imports.len(), 2);
        assert_eq!(
            facts.otel_imports[0].package,
            "io.opentelemetry:opentelemetry-exporter-otlp"
        );
        assert_eq!(facts.exporters.len(), 1);
        let exporter = &facts.exporters[0];
        assert_eq!(exporter.kind, ExporterKind::Otlp(Some(Protocol::Grpc)));
        assert_eq!((exporter.location.line, exporter.location.column), (5, 37));
        let endpoint = exporter.endpoint.as_ref().unwrap();
        assert_eq!(endpoint.text(), Some("http://collector:4318"));
        assert_eq!((endpoint.location.line, endpoint.location.column), (6, 22));
        let headers = exporter.headers.as_ref().unwrap().pairs.as_ref().unwrap();
        assert_eq!(headers[0].0, "x-honeycomb-team");
        assert_eq!(headers[0].1.variable.as_deref(), Some("HONEYCOMB_API_KEY"));
        assert!(facts.provider_set.is_some() && facts.provider_created.is_some());
        assert!(facts.resource.is_some());
        assert!(facts.unattached.is_empty());
    }

    #[test]
    fn an_exporter_no_processor_gets_exports_nothing() {
        let (facts, _) = facts_of(
            r#"import io.opentelemetry.exporter.logging.LoggingSpanExporter;
var unused = OtlpHttpSpanExporter.builder().setEndpoint("http://collector:4318/v1/traces").build();
SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(LoggingSpanExporter.create()));
"#,
        );
        assert_eq!(facts.exporters.len(), 1);
        assert_eq!(facts.exporters[0].kind, ExporterKind::Console);
        assert_eq!(facts.unattached.len(), 1);
    }

    #[test]
    fn honeycomb_sdk_and_system_properties() {
        let (facts, properties) = facts_of(
            r#"import io.honeycomb.opentelemetry.OpenTelemetryConfiguration;
System.setProperty("otel.traces.exporter", "logging");
System.setProperty("app.name", "x");
OpenTelemetryConfiguration.builder()
    .setApiKey(System.getenv("HONEYCOMB_API_KEY"))
    .setServiceName("api")
    .buildAndRegisterGlobal();
"#,
        );
        let distro = facts.honeycomb_distro.as_ref().unwrap();
        assert_eq!(
            distro.option("apikey").unwrap().variable.as_deref(),
            Some("HONEYCOMB_API_KEY")
        );
        assert!(facts.resource.is_some());
        assert_eq!(
            properties,
            [PropertyWrite {
                variable: "OTEL_TRACES_EXPORTER".into(),
                name: "otel.traces.exporter".into(),
                value: "logging".into(),
                location: Location::new(&Arc::from("api/src/main/java/app/Tracing.java"), 2, 44),
            }]
        );
    }
}

//! The OpenTelemetry declarative configuration file (`OTEL_CONFIG_FILE`,
//! `OTEL_EXPERIMENTAL_CONFIG_FILE`): found where the container sees it (a bind mount, a `COPY`),
//! its `${VAR}`, `${env:VAR}` and `${VAR:-default}` references substituted from the container's
//! environment (the spec's data model: `$$` escapes `$`, an unset variable without default is
//! empty, a malformed reference is an error), checked against the configuration schema's shape
//! (opentelemetry-configuration `opentelemetry_configuration.json`, file formats 0.3 to 1.x),
//! and its tracer provider's exporter read as the settings it stands for. The SDK reads only
//! the file: the environment counts only where the file substitutes it.

use std::sync::Arc;

use super::Workload;
use super::container_file;
use super::sdk_config::{ConfigValue, Rank, Replacement, SdkConfig, SettingsProblem};
use crate::knowledge::otel::{self, Protocol};
use crate::source::Location;
use crate::workspace::Workspace;
use crate::workspace::collector::{CollectorFile, ConfigKind, ConfigNode};
use crate::workspace::workload::WorkloadSpec;

/// The settings the file gives the SDK, in place of its environment; `None` when the file is
/// not in the workspace (then what it says is not known).
pub fn resolve(
    workspace: &Workspace,
    spec: &WorkloadSpec,
    service: &Workload,
) -> Option<SdkConfig> {
    let variable = service.config_file()?;
    let workdir = service
        .image_contents
        .as_ref()
        .map_or("/", |i| i.workdir.as_str());
    let path = super::image_path::join_image_path(workdir, variable.value.trim());
    let exists = |file: &str| {
        matches!(
            workspace.sdk_config_files.get(file),
            Some(CollectorFile::Loaded(_) | CollectorFile::Broken(_))
        )
    };
    let file = container_file::workspace_file(
        workspace,
        spec,
        service.image_contents.as_ref(),
        &path,
        exists,
    )?;
    let mut reader = Reader {
        env: &service.env,
        file: &file,
        values: Vec::new(),
        problems: Vec::new(),
        reads: Vec::new(),
    };
    match workspace.sdk_config_files.get(&file)? {
        CollectorFile::Loaded(root) => reader.read(root),
        CollectorFile::Broken(error) => reader.problems.push(SettingsProblem {
            location: Location::new(&file, error.line, error.column),
            message: format!("{file} is not YAML the SDK can read: {}", error.message),
            unknown_key: None,
        }),
        _ => return None,
    }
    let Reader {
        values,
        problems,
        mut reads,
        ..
    } = reader;
    // The SDK reads the variable that names the file, too.
    reads.extend(
        otel::CONFIG_FILE_VARIABLES
            .iter()
            .map(|name| name.to_string()),
    );
    reads.sort();
    reads.dedup();
    if !problems.is_empty() {
        // The SDK rejects the whole file: what it says configures nothing, and the problems
        // are all there is to report.
        return Some(SdkConfig {
            problems,
            ..SdkConfig::default()
        });
    }
    let endpoint_key = values
        .iter()
        .find(|v| v.variable == otel::TRACES_ENDPOINT)
        .map_or_else(
            || "tracer_provider.processors[0].batch.exporter.otlp_http.endpoint".to_string(),
            |v| v.name.clone(),
        );
    Some(SdkConfig {
        values,
        replaces_environment: Some(Replacement {
            description: "its declarative configuration file".into(),
            location: Location::file_start(&file),
            endpoint_key,
            endpoint_example: "http://otel-collector:4318/v1/traces".into(),
            service_name_key: "resource.attributes (name: service.name)".into(),
            without_endpoint: format!(
                "its exporter sends to {} (gRPC: {}), which inside the container is the container itself, where nothing listens",
                otel::default_endpoint(Protocol::HttpProtobuf),
                otel::default_endpoint(Protocol::Grpc)
            ),
            exporter_hint: EXPORTER_EXAMPLE.into(),
            reads,
        }),
        sampling_default: None,
        problems,
    })
}

/// A tracer provider that exports over OTLP, for hints.
const EXPORTER_EXAMPLE: &str = "tracer_provider:\n  processors:\n    - batch:\n        exporter:\n          otlp_http:\n            endpoint: ${OTEL_EXPORTER_OTLP_ENDPOINT:-http://otel-collector:4318}/v1/traces";

/// The keys an OTLP exporter takes (the schema's `additionalProperties: false`): `otlp_http`,
/// `otlp_grpc`, and file format 0.x's `otlp`.
const OTLP_KEYS: [&str; 13] = [
    "endpoint",
    "tls",
    "headers",
    "headers_list",
    "compression",
    "max_request_size",
    "max_response_size",
    "timeout",
    "encoding",
    "insecure",
    "protocol",
    "certificate",
    "client_key",
];

struct Reader<'a> {
    env: &'a [super::EnvVar],
    file: &'a Arc<str>,
    values: Vec<ConfigValue>,
    problems: Vec<SettingsProblem>,
    /// The variables substituted.
    reads: Vec<String>,
}

impl Reader<'_> {
    fn problem(&mut self, location: &Location, message: String) {
        self.problems.push(SettingsProblem {
            location: location.clone(),
            message,
            unknown_key: None,
        });
    }

    /// A scalar, substituted; `None` for null (or an empty substitution) and for what is not a
    /// scalar.
    fn scalar(&mut self, node: &ConfigNode) -> Option<(String, bool)> {
        self.substituted(node)
            .filter(|(value, _)| !value.is_empty())
    }

    /// A scalar, substituted (possibly to nothing), and whether it is a literal.
    fn substituted(&mut self, node: &ConfigNode) -> Option<(String, bool)> {
        let ConfigKind::Scalar(text) = &node.kind else {
            return None;
        };
        match substitute(text, self.env) {
            Ok((value, substituted, reads)) => {
                self.reads.extend(reads);
                Some((value, !substituted))
            }
            Err(reference) => {
                self.problem(
                    &node.location,
                    format!(
                        "`{reference}` is not a valid substitution (`${{NAME}}`, `${{env:NAME}}` or `${{NAME:-default}}`): the SDK rejects the whole file"
                    ),
                );
                None
            }
        }
    }

    fn value(&mut self, variable: &str, name: String, node: &ConfigNode) {
        if let Some((value, literal)) = self.scalar(node) {
            self.values.push(ConfigValue {
                variable: variable.to_string(),
                name,
                value,
                location: node.location.clone(),
                editable: literal,
                rank: Rank::OverEnvironment,
            });
        }
    }

    /// A value the file implies (a protocol by the exporter's kind), located at its key.
    fn implied(&mut self, variable: &str, name: String, value: &str, location: &Location) {
        self.values.push(ConfigValue {
            variable: variable.to_string(),
            name,
            value: value.to_string(),
            location: location.clone(),
            editable: false,
            rank: Rank::OverEnvironment,
        });
    }

    fn read(&mut self, root: &ConfigNode) {
        let start = Location::file_start(self.file);
        if !root.is_map() {
            self.problem(
                &root.location,
                format!(
                    "{} is {}, not a mapping of settings: the SDK rejects it",
                    self.file,
                    root.type_name()
                ),
            );
            return;
        }
        match root.get("file_format") {
            None => self.problem(
                &start,
                "no file_format: the SDK rejects a configuration file without its format version (file_format: \"1.0\")".into(),
            ),
            Some(format) if format.as_scalar().is_none() => self.problem(
                &format.location,
                format!("file_format is {}, not a version string", format.type_name()),
            ),
            Some(_) => {}
        }
        if let Some(disabled) = root.get("disabled") {
            self.value(otel::SDK_DISABLED, "disabled".into(), disabled);
        }
        if let Some(resource) = root.get("resource") {
            self.resource(resource);
        }
        match root.entry("tracer_provider") {
            Some(entry) => self.tracer_provider(&entry.value, &entry.location),
            None => self.implied(
                otel::TRACES_EXPORTER,
                "tracer_provider (not set)".into(),
                "none",
                &start,
            ),
        }
        // In the file's order, though exporters are read after the processors that hold them.
        self.problems
            .sort_by_key(|p| (p.location.line, p.location.column));
    }

    fn resource(&mut self, resource: &ConfigNode) {
        // 0.4 and later: a list of `{name, value}`; 0.3 and before: a mapping.
        let attributes = resource.get("attributes");
        let service_name = match attributes.map(|a| &a.kind) {
            Some(ConfigKind::Seq(items)) => items
                .iter()
                .find(|item| {
                    item.get("name").and_then(ConfigNode::as_scalar) == Some("service.name")
                })
                .and_then(|item| item.get("value")),
            Some(ConfigKind::Map(_)) => attributes.and_then(|a| a.get("service.name")),
            _ => None,
        };
        if let Some(value) = service_name {
            self.value(
                otel::SERVICE_NAME,
                "resource.attributes service.name".into(),
                value,
            );
        }
        // The `service` detector names the service from OTEL_SERVICE_NAME (the Java agent's
        // `ServiceResourceDetector`; the configuration's `detection/development.detectors`).
        let detectors = resource
            .get("detection/development")
            .and_then(|d| d.get("detectors"));
        let service_detector = matches!(
            detectors.map(|d| &d.kind),
            Some(ConfigKind::Seq(items)) if items.iter().any(|item| item.get("service").is_some())
        );
        if service_detector {
            self.reads.push(otel::SERVICE_NAME.to_string());
            let from_environment = self
                .env
                .iter()
                .find(|v| v.name == otel::SERVICE_NAME && v.resolved && !v.value.is_empty());
            if let (None, Some(variable)) = (service_name, from_environment) {
                let value = ConfigValue {
                    variable: otel::SERVICE_NAME.to_string(),
                    name: otel::SERVICE_NAME.to_string(),
                    value: variable.value.clone(),
                    location: variable.location.clone(),
                    editable: false,
                    rank: Rank::OverEnvironment,
                };
                self.values.push(value);
            }
        }
        if let Some(list) = resource.get("attributes_list") {
            self.value(
                otel::RESOURCE_ATTRIBUTES,
                "resource.attributes_list".into(),
                list,
            );
        }
    }

    fn tracer_provider(&mut self, provider: &ConfigNode, key: &Location) {
        let Some(processors) = provider.get("processors") else {
            self.problem(
                key,
                "tracer_provider has no processors: the schema requires them, and without one no span is exported".into(),
            );
            return;
        };
        let ConfigKind::Seq(items) = &processors.kind else {
            self.problem(
                &processors.location,
                format!(
                    "tracer_provider.processors is {}, not a list",
                    processors.type_name()
                ),
            );
            return;
        };
        if let Some(sampler) = provider.get("sampler") {
            self.sampler(sampler);
        }
        // The first OTLP exporter decides where spans go; without one, the first exporter.
        let mut exporters = Vec::new();
        for (index, processor) in items.iter().enumerate() {
            let Some(entry) =
                self.only_entry(processor, &format!("tracer_provider.processors[{index}]"))
            else {
                continue;
            };
            let path = format!("tracer_provider.processors[{index}].{}", entry.key);
            let Some(exporter) = entry.value.entry("exporter") else {
                if matches!(entry.key.as_str(), "batch" | "simple") {
                    self.problem(
                        &entry.location,
                        format!("{path} has no exporter: the schema requires one"),
                    );
                }
                continue;
            };
            let path = format!("{path}.exporter");
            if let Some(kind) = self.only_entry(&exporter.value, &path) {
                exporters.push((format!("{path}.{}", kind.key), kind.clone()));
            }
        }
        let otlp = exporters
            .iter()
            .find(|(_, e)| matches!(e.key.as_str(), "otlp_http" | "otlp_grpc" | "otlp"));
        match (otlp, exporters.first()) {
            (Some((path, exporter)), _) => {
                let (path, exporter) = (path.clone(), exporter.clone());
                self.otlp_exporter(&path, &exporter);
            }
            (None, Some((path, exporter))) => {
                // The kinds share the variable's names (`console`, `zipkin`).
                let (path, location) = (path.clone(), exporter.location.clone());
                self.implied(otel::TRACES_EXPORTER, path, &exporter.key, &location);
            }
            (None, None) => {}
        }
    }

    /// The one entry a processor or an exporter must have (`minProperties`/`maxProperties`
    /// 1).
    fn only_entry<'n>(
        &mut self,
        node: &'n ConfigNode,
        path: &str,
    ) -> Option<&'n crate::workspace::collector::ConfigEntry> {
        match node.entries() {
            [only] => Some(only),
            [] => {
                self.problem(
                    &node.location,
                    format!("{path} is empty: it must name one kind"),
                );
                None
            }
            [first, second, ..] => {
                self.problem(
                    &second.location,
                    format!(
                        "{path} names both {} and {}: it must name one kind (use two entries instead)",
                        first.key, second.key
                    ),
                );
                None
            }
        }
    }

    fn otlp_exporter(&mut self, path: &str, exporter: &crate::workspace::collector::ConfigEntry) {
        let options = &exporter.value;
        for entry in options.entries() {
            if !OTLP_KEYS.contains(&entry.key.as_str()) {
                self.problems.push(SettingsProblem {
                    location: entry.location.clone(),
                    message: format!(
                        "{path} has no setting `{}`: the schema allows no other, so the SDK rejects the file",
                        entry.key
                    ),
                    unknown_key: Some((entry.key.clone(), &OTLP_KEYS)),
                });
            }
        }
        let protocol = match exporter.key.as_str() {
            "otlp_grpc" => Some(Protocol::Grpc.as_str().to_string()),
            "otlp_http" => {
                let json = options
                    .get("encoding")
                    .and_then(ConfigNode::as_scalar)
                    .is_some_and(|e| e == "json");
                Some(
                    if json {
                        Protocol::HttpJson
                    } else {
                        Protocol::HttpProtobuf
                    }
                    .as_str()
                    .to_string(),
                )
            }
            // 0.x: `otlp` with a `protocol`.
            _ => None,
        };
        match (protocol, options.get("protocol")) {
            (Some(protocol), _) => self.implied(
                otel::TRACES_PROTOCOL,
                path.to_string(),
                &protocol,
                &exporter.location,
            ),
            (None, Some(node)) => {
                self.value(otel::TRACES_PROTOCOL, format!("{path}.protocol"), node)
            }
            (None, None) => {}
        }
        if let Some(endpoint) = options.get("endpoint") {
            self.value(otel::TRACES_ENDPOINT, format!("{path}.endpoint"), endpoint);
        }
        self.headers(path, options);
    }

    /// `headers` (a list of `{name, value}`) over `headers_list` (`name=value,...`), as one
    /// setting of the headers variable's syntax.
    fn headers(&mut self, path: &str, options: &ConfigNode) {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut at: Option<(Location, String)> = None;
        if let Some(list) = options.get("headers_list")
            && let Some((text, _)) = self.scalar(list)
        {
            at = Some((list.location.clone(), format!("{path}.headers_list")));
            for header in otel::parse_headers(&text).0 {
                pairs.push((header.name, header.value));
            }
        }
        if let Some(headers) = options.get("headers") {
            match &headers.kind {
                ConfigKind::Seq(items) => {
                    for item in items {
                        let (Some(name), Some(value)) = (item.get("name"), item.get("value"))
                        else {
                            self.problem(
                                &item.location,
                                format!(
                                    "{path}.headers entries are `- name: ...` and `value: ...`"
                                ),
                            );
                            continue;
                        };
                        let (Some(name), Some((value, _))) =
                            (name.as_scalar(), self.substituted(value))
                        else {
                            continue;
                        };
                        let name = name.to_ascii_lowercase();
                        pairs.retain(|(n, _)| *n != name);
                        pairs.push((name, value));
                    }
                    at = Some((headers.location.clone(), format!("{path}.headers")));
                }
                _ => self.problem(
                    &headers.location,
                    format!(
                        "{path}.headers is {}, not a list of `- name: ...` and `value: ...`",
                        headers.type_name()
                    ),
                ),
            }
        }
        if let Some((location, name)) = at {
            let text = pairs
                .iter()
                .map(|(n, v)| format!("{n}={}", otel::encode_header_value(v)))
                .collect::<Vec<_>>()
                .join(",");
            self.implied(otel::TRACES_HEADERS, name, &text, &location);
        }
    }

    fn sampler(&mut self, sampler: &ConfigNode) {
        let (kind, node) = match sampler.entries() {
            [only] => (only.key.as_str(), &only.value),
            _ => return,
        };
        let (name, ratio) = match kind {
            "always_off" => ("always_off", None),
            "trace_id_ratio_based" => ("traceidratio", node.get("ratio")),
            "parent_based" => match node.get("root").map(ConfigNode::entries) {
                Some([root]) if root.key == "always_off" => ("parentbased_always_off", None),
                Some([root]) if root.key == "trace_id_ratio_based" => {
                    ("parentbased_traceidratio", root.value.get("ratio"))
                }
                _ => return,
            },
            _ => return,
        };
        self.implied(
            otel::TRACES_SAMPLER,
            format!("tracer_provider.sampler.{kind}"),
            name,
            &sampler.location,
        );
        if let Some(ratio) = ratio {
            self.value(
                otel::TRACES_SAMPLER_ARG,
                format!("tracer_provider.sampler.{kind} ratio"),
                ratio,
            );
        }
    }
}

/// A scalar with its references substituted, as the spec's data model says: the value,
/// whether anything was substituted, and the variables read; the malformed reference as the
/// error.
fn substitute(text: &str, env: &[super::EnvVar]) -> Result<(String, bool, Vec<String>), String> {
    let lookup = |name: &str| super::environment::resolved(env, name).map(|v| v.value.as_str());
    let mut out = String::new();
    let mut reads = Vec::new();
    let mut substituted = false;
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(next) = after.strip_prefix('$') {
            out.push('$');
            substituted = true;
            rest = next;
            continue;
        }
        let Some(body) = after.strip_prefix('{') else {
            out.push('$');
            rest = after;
            continue;
        };
        let Some(end) = body.find('}') else {
            out.push('$');
            rest = after;
            continue;
        };
        let reference = &body[..end];
        let inner = reference.strip_prefix("env:").unwrap_or(reference);
        let (name, default) = match inner.split_once(":-") {
            Some((name, default)) => (name, Some(default)),
            None => (inner, None),
        };
        let valid = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(format!("${{{reference}}}"));
        }
        reads.push(name.to_string());
        let value = lookup(name).filter(|v| !v.is_empty());
        out.push_str(value.or(default).unwrap_or_default());
        substituted = true;
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    Ok((out, substituted, reads))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::environment::EnvVar;
    use crate::workspace::collector;

    use crate::resolve::environment::compose_variable as var;

    #[test]
    fn substitution_follows_the_data_model() {
        let env = [var("STRING_VALUE", "value"), var("EMPTY", "")];
        let value = |text: &str| substitute(text, &env).map(|(v, _, _)| v);
        assert_eq!(value("${STRING_VALUE}"), Ok("value".into()));
        assert_eq!(value("${env:STRING_VALUE}"), Ok("value".into()));
        assert_eq!(value("foo ${STRING_VALUE} x"), Ok("foo value x".into()));
        assert_eq!(value("${UNDEFINED}"), Ok(String::new()));
        assert_eq!(value("${UNDEFINED:-fallback}"), Ok("fallback".into()));
        assert_eq!(value("${EMPTY:-fallback}"), Ok("fallback".into()));
        assert_eq!(value("$${STRING_VALUE}"), Ok("${STRING_VALUE}".into()));
        assert_eq!(value("$$${STRING_VALUE}"), Ok("$value".into()));
        assert_eq!(value("a $ b"), Ok("a $ b".into()));
        assert_eq!(
            value("${STRING_VALUE:?error}"),
            Err("${STRING_VALUE:?error}".into())
        );
        assert_eq!(value("${1API}"), Err("${1API}".into()));
    }

    fn read(text: &str, env: &[EnvVar]) -> (Vec<(String, String, String)>, Vec<String>) {
        let file: Arc<str> = Arc::from("otel-config.yaml");
        let root = collector::parse(&file, text).unwrap();
        let mut reader = Reader {
            env,
            file: &file,
            values: Vec::new(),
            problems: Vec::new(),
            reads: Vec::new(),
        };
        reader.read(&root);
        let values = reader
            .values
            .into_iter()
            .map(|v| (v.variable, v.name, v.value))
            .collect();
        let problems = reader
            .problems
            .into_iter()
            .map(|p| format!("{}:{} {}", p.location.line, p.location.column, p.message))
            .collect();
        (values, problems)
    }

    #[test]
    fn the_tracer_providers_otlp_exporter_as_settings() {
        let (values, problems) = read(
            "file_format: \"1.0\"\nresource:\n  attributes:\n    - name: service.name\n      value: api\ntracer_provider:\n  processors:\n    - simple:\n        exporter:\n          console:\n    - batch:\n        exporter:\n          otlp_http:\n            endpoint: ${COLLECTOR:-http://localhost:4318}/v1/traces\n            headers:\n              - name: x-honeycomb-team\n                value: ${HONEYCOMB_API_KEY}\n",
            &[var("HONEYCOMB_API_KEY", "a b")],
        );
        assert!(problems.is_empty(), "{problems:?}");
        let triple = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(
            values,
            [
                triple(
                    "OTEL_SERVICE_NAME",
                    "resource.attributes service.name",
                    "api"
                ),
                triple(
                    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
                    "tracer_provider.processors[1].batch.exporter.otlp_http",
                    "http/protobuf"
                ),
                triple(
                    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                    "tracer_provider.processors[1].batch.exporter.otlp_http.endpoint",
                    "http://localhost:4318/v1/traces"
                ),
                triple(
                    "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
                    "tracer_provider.processors[1].batch.exporter.otlp_http.headers",
                    "x-honeycomb-team=a%20b"
                ),
            ]
        );
    }

    #[test]
    fn the_service_detector_reads_the_service_name_variable() {
        let file: Arc<str> = Arc::from("otel-config.yaml");
        let root = collector::parse(
            &file,
            "file_format: \"1.0\"\nresource:\n  detection/development:\n    detectors:\n      - service:\n      - host:\n",
        )
        .unwrap();
        let env = [var("OTEL_SERVICE_NAME", "api")];
        let mut reader = Reader {
            env: &env,
            file: &file,
            values: Vec::new(),
            problems: Vec::new(),
            reads: Vec::new(),
        };
        reader.read(&root);
        assert_eq!(reader.reads, ["OTEL_SERVICE_NAME"]);
        assert!(
            reader
                .values
                .iter()
                .any(|v| v.variable == "OTEL_SERVICE_NAME" && v.value == "api")
        );
    }

    #[test]
    fn shapes_the_schema_rejects() {
        let (values, problems) = read(
            "tracer_provider:\n  processors:\n    - batch:\n        exporter:\n          otlp_grpc:\n            endpont: http://c:4317\n    - batch: {}\n",
            &[],
        );
        assert_eq!(
            problems,
            [
                "1:1 no file_format: the SDK rejects a configuration file without its format version (file_format: \"1.0\")",
                "6:13 tracer_provider.processors[0].batch.exporter.otlp_grpc has no setting `endpont`: the schema allows no other, so the SDK rejects the file",
                "7:7 tracer_provider.processors[1].batch has no exporter: the schema requires one",
            ]
        );
        assert_eq!(values.len(), 1);
        let (_, problems) = read("file_format: \"1.0\"\ntracer_provider: {}\n", &[]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let (values, _) = read("file_format: \"1.0\"\n", &[]);
        assert_eq!(values[0].2, "none");
    }
}

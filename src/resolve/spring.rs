//! Spring Boot's settings of a JVM service, as its tracing reads them: `application.yml` and
//! `application.properties` (and their `application-{profile}` files and profile documents, for
//! the profiles `SPRING_PROFILES_ACTIVE` or `spring.profiles.active` turn on), under the
//! environment (relaxed binding: `MANAGEMENT_OTLP_TRACING_ENDPOINT`), under system properties
//! and `--name=value` arguments (Spring Boot's "Externalized Configuration" order). Two
//! readers: the OpenTelemetry starter, which reads `otel.*` as the agent does, and Micrometer's
//! tracing, which builds an SDK of its own from `management.*` keys and reads no `OTEL_*`
//! variable.

use std::sync::Arc;

use super::environment::EnvVar;
use super::jvm::JvmProperty;
use super::sdk_config::{ConfigValue, Rank, Replacement, SamplingDefault, SdkConfig};
use crate::knowledge::java::{self, SpringKey};
use crate::knowledge::otel;
use crate::source::Location;
use crate::workspace::settings::{self, Document, SettingsFile};
use crate::workspace::{BuildContext, Parsed};

/// A key as Spring's environment resolves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpringValue {
    pub key: String,
    pub value: String,
    /// As a message names it (`management.otlp.tracing.endpoint`, `-Dspring.profiles.active`,
    /// `MANAGEMENT_OTLP_TRACING_ENDPOINT`).
    pub written: String,
    pub location: Location,
    pub editable: bool,
    /// From a settings file (not the environment or the command line).
    pub from_file: bool,
}

/// Every value of the service's Spring settings, lowest precedence first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpringSettings {
    pub values: Vec<SpringValue>,
    /// The settings files read, in order.
    pub files: Vec<Arc<str>>,
}

impl SpringSettings {
    pub fn get(&self, key: &str) -> Option<&SpringValue> {
        self.values.iter().rev().find(|v| v.key == key)
    }

    /// The winning value of each key under `prefix`, with the rest of the key, in the order
    /// first written.
    fn under<'a>(&'a self, prefix: &str) -> Vec<(&'a str, &'a SpringValue)> {
        let mut found: Vec<(&str, &SpringValue)> = Vec::new();
        for value in &self.values {
            let Some(rest) = value.key.strip_prefix(prefix) else {
                continue;
            };
            match found.iter_mut().find(|(name, _)| *name == rest) {
                Some(existing) => existing.1 = value,
                None => found.push((rest, value)),
            }
        }
        found
    }
}

pub struct Inputs<'a> {
    pub context: &'a BuildContext,
    /// The service's folder in the workspace (its Dockerfile's).
    pub folder: &'a str,
    pub env: &'a [EnvVar],
    pub properties: &'a [JvmProperty],
}

/// The profile of a settings file by its name (`application-prod.yml` → `prod`), or `None`
/// for the base file; not a settings file of Spring's at all when its name says otherwise.
fn profile_of(path: &str) -> Option<Option<&str>> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.strip_prefix("application")?;
    let stem = [".yml", ".yaml", ".properties"]
        .iter()
        .find_map(|extension| stem.strip_suffix(extension))?;
    match stem {
        "" => Some(None),
        _ => stem.strip_prefix('-').map(Some),
    }
}

/// The profiles a document is limited to, if it is.
fn document_profiles(document: &Document) -> Option<Vec<&str>> {
    let condition = java::SPRING_PROFILE_CONDITIONS
        .iter()
        .find_map(|key| document.get(key, false))?;
    Some(
        condition
            .value
            .split(',')
            .map(|p| p.trim().trim_start_matches('!'))
            .collect(),
    )
}

fn split_profiles(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect()
}

pub fn resolve(inputs: &Inputs) -> SpringSettings {
    let in_folder =
        |path: &str| inputs.folder == "." || path.starts_with(&format!("{}/", inputs.folder));
    let properties_files: Vec<(Arc<str>, SettingsFile)> = inputs
        .context
        .properties
        .iter()
        .filter(|f| in_folder(&f.path) && profile_of(&f.path).is_some())
        .map(|f| {
            (
                Arc::clone(&f.path),
                settings::from_properties(&f.path, &f.content),
            )
        })
        .collect();
    let yaml_files: Vec<&Parsed<SettingsFile>> = inputs
        .context
        .settings
        .iter()
        .filter(|f| in_folder(&f.path) && profile_of(&f.path).is_some())
        .collect();
    // Spring reads `.properties` after `.yml` of the same name: it wins.
    let mut files: Vec<(&Arc<str>, &SettingsFile)> = yaml_files
        .iter()
        .map(|f| (&f.path, &f.content))
        .chain(properties_files.iter().map(|(path, file)| (path, file)))
        .collect();
    files.sort_by_key(|(path, _)| profile_of(path).flatten().is_some());
    if files.is_empty() {
        return SpringSettings::default();
    }
    let outside_files = outside_files(inputs);
    let active = outside_files
        .iter()
        .rev()
        .find(|v| v.key == java::SPRING_PROFILES_ACTIVE)
        .map(|v| split_profiles(&v.value))
        .or_else(|| {
            files
                .iter()
                .filter(|(path, _)| profile_of(path) == Some(None))
                .flat_map(|(_, file)| &file.documents)
                .filter(|d| document_profiles(d).is_none())
                .filter_map(|d| d.get(java::SPRING_PROFILES_ACTIVE, false))
                .next_back()
                .map(|e| split_profiles(&e.value))
        })
        .unwrap_or_default();
    let mut settings = SpringSettings::default();
    let add = |document: &Document, settings: &mut SpringSettings| {
        settings
            .values
            .extend(document.entries.iter().map(|entry| SpringValue {
                key: entry.key.clone(),
                value: entry.value.clone(),
                written: entry.key.clone(),
                location: entry.location.clone(),
                editable: entry.inline,
                from_file: true,
            }));
    };
    // Base documents, then each active profile's documents and files.
    for (path, file) in &files {
        if profile_of(path) == Some(None) {
            settings.files.push(Arc::clone(path));
            for document in file
                .documents
                .iter()
                .filter(|d| document_profiles(d).is_none())
            {
                add(document, &mut settings);
            }
        }
    }
    for profile in &active {
        for (path, file) in &files {
            match profile_of(path) {
                Some(None) => {
                    for document in file.documents.iter().filter(|d| {
                        document_profiles(d).is_some_and(|p| p.contains(&profile.as_str()))
                    }) {
                        add(document, &mut settings);
                    }
                }
                Some(Some(own)) if own == profile => {
                    settings.files.push(Arc::clone(path));
                    for document in &file.documents {
                        add(document, &mut settings);
                    }
                }
                _ => {}
            }
        }
    }
    settings.values.extend(outside_files);
    settings.resolve_placeholders(inputs.env);
    settings
}

impl SpringSettings {
    /// `${key}` and `${key:default}` in values, resolved as Spring does: against the settings
    /// themselves and the environment's variables; what resolves to nothing stays as written.
    fn resolve_placeholders(&mut self, env: &[EnvVar]) {
        const MAX_ROUNDS: usize = 4;
        for _ in 0..MAX_ROUNDS {
            let mut changed = false;
            for index in 0..self.values.len() {
                if !self.values[index].value.contains("${") {
                    continue;
                }
                let resolved = self.substitute(&self.values[index].value, env);
                if resolved != self.values[index].value {
                    self.values[index].value = resolved;
                    self.values[index].editable = false;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    fn substitute(&self, value: &str, env: &[EnvVar]) -> String {
        let mut out = String::new();
        let mut rest = value;
        while let Some(start) = rest.find("${") {
            let Some(length) = rest[start..].find('}') else {
                break;
            };
            out.push_str(&rest[..start]);
            let inner = &rest[start + 2..start + length];
            let (name, default) = match inner.split_once(':') {
                Some((name, default)) => (name, Some(default)),
                None => (inner, None),
            };
            let found = self.get(name).map(|v| v.value.clone()).or_else(|| {
                env.iter()
                    .find(|v| v.name == name && v.resolved)
                    .map(|v| v.value.clone())
            });
            match (found, default) {
                (Some(found), _) => out.push_str(&found),
                (None, Some(default)) => out.push_str(default),
                (None, None) => out.push_str(&rest[start..start + length + 1]),
            }
            rest = &rest[start + length + 1..];
        }
        out.push_str(rest);
        out
    }
}

/// What Spring reads besides its files, lowest first: the environment's variables for the
/// keys tracing reads (relaxed binding), system properties, `--name=value` arguments.
fn outside_files(inputs: &Inputs) -> Vec<SpringValue> {
    let keys = java::MICROMETER_KEYS
        .iter()
        .map(|(key, _)| *key)
        .chain([java::SPRING_PROFILES_ACTIVE]);
    let mut values: Vec<SpringValue> = keys
        .filter_map(|key| {
            let variable = java::spring_variable(key);
            let var = inputs
                .env
                .iter()
                .find(|v| v.name == variable && v.resolved)?;
            Some(SpringValue {
                key: key.to_string(),
                value: var.value.clone(),
                written: var.name.clone(),
                location: var.location.clone(),
                editable: var.raw == var.value,
                from_file: false,
            })
        })
        .collect();
    values.extend(inputs.properties.iter().map(|p| SpringValue {
        key: p.name.clone(),
        value: p.value.clone(),
        written: p.written(),
        location: p.location.clone(),
        editable: p.literal,
        from_file: false,
    }));
    values
}

/// A value as the variable it stands for.
fn config_value(variable: &str, value: &SpringValue, text: String, rank: Rank) -> ConfigValue {
    ConfigValue {
        variable: variable.to_string(),
        name: value.written.clone(),
        value: text,
        location: value.location.clone(),
        editable: value.editable,
        rank,
    }
}

/// Headers written as a map (`<prefix><name>: <value>`), as the one `name=value,...` setting the
/// headers variable takes (values URL-encoded, as that syntax wants), located at the first.
fn headers(
    settings: &SpringSettings,
    prefix: &str,
    variable: &str,
    rank: Rank,
) -> Option<ConfigValue> {
    let pairs = settings.under(prefix);
    let (_, first) = pairs.first()?;
    let text = pairs
        .iter()
        .map(|(name, value)| format!("{name}={}", otel::encode_header_value(&value.value)))
        .collect::<Vec<_>>()
        .join(",");
    Some(ConfigValue {
        name: format!("{prefix}*"),
        editable: false,
        ..config_value(variable, first, text, rank)
    })
}

/// What the OpenTelemetry starter reads from Spring's settings files: its `otel.*` keys and the
/// application's name, under the environment (which it reads too, through Spring). System
/// properties are the JVM's, already read; `--otel.*` arguments win over everything.
pub fn starter_config(settings: &SpringSettings) -> Vec<ConfigValue> {
    let mut values = Vec::new();
    if let Some(name) = settings
        .get("spring.application.name")
        .filter(|v| v.from_file)
    {
        values.push(config_value(
            otel::SERVICE_NAME,
            name,
            name.value.clone(),
            Rank::UnderEnvironment,
        ));
    }
    for value in &settings.values {
        let rank = match (value.from_file, value.written.starts_with("--")) {
            (true, _) => Rank::UnderEnvironment,
            (false, true) => Rank::OverEnvironment,
            // The environment and system properties are read as they are.
            (false, false) => continue,
        };
        if value.key.starts_with(java::STARTER_HEADERS) {
            continue;
        }
        if let Some(variable) =
            java::property_variable(&value.key).filter(|_| value.key.starts_with("otel."))
        {
            values.push(config_value(&variable, value, value.value.clone(), rank));
        }
    }
    values.extend(headers(
        settings,
        java::STARTER_HEADERS,
        otel::HEADERS,
        Rank::UnderEnvironment,
    ));
    values
}

/// Micrometer's tracing: an SDK of Spring Boot's, configured by its `management.*` keys only
/// (the `OTEL_*` variables are not read). `declared` is where the bridge is declared, for what
/// its defaults decide.
pub fn micrometer_config(
    settings: &SpringSettings,
    declared: &Location,
    env: &[EnvVar],
) -> SdkConfig {
    // Spring Boot 3.5 names the service from OTEL_SERVICE_NAME too (its
    // `OpenTelemetryResourceAttributes`), under `spring.application.name`'s precedence here.
    let mut values: Vec<ConfigValue> = env
        .iter()
        .filter(|v| v.name == otel::SERVICE_NAME && v.resolved)
        .map(|v| ConfigValue {
            variable: v.name.clone(),
            name: v.name.clone(),
            value: v.value.clone(),
            location: v.location.clone(),
            editable: v.raw == v.value,
            rank: Rank::OverEnvironment,
        })
        .collect();
    for (key, meaning) in java::MICROMETER_KEYS {
        let Some(value) = settings.get(key) else {
            continue;
        };
        let rank = Rank::OverEnvironment;
        match meaning {
            SpringKey::Same(variable) => {
                values.push(config_value(variable, value, value.value.clone(), rank));
            }
            SpringKey::Transport => {
                let protocol = match value.value.trim().to_ascii_lowercase().as_str() {
                    "http" => otel::Protocol::HttpProtobuf.as_str().to_string(),
                    "grpc" => otel::Protocol::Grpc.as_str().to_string(),
                    other => other.to_string(),
                };
                values.push(config_value(otel::TRACES_PROTOCOL, value, protocol, rank));
            }
            SpringKey::Enabled => {
                let disabled = value.value.trim().eq_ignore_ascii_case("false");
                values.push(config_value(
                    otel::SDK_DISABLED,
                    value,
                    disabled.to_string(),
                    rank,
                ));
            }
            SpringKey::Probability => {
                values.push(config_value(
                    otel::TRACES_SAMPLER,
                    value,
                    "parentbased_traceidratio".into(),
                    rank,
                ));
                values.push(config_value(
                    otel::TRACES_SAMPLER_ARG,
                    value,
                    value.value.clone(),
                    rank,
                ));
            }
        }
    }
    values.extend(headers(
        settings,
        java::MICROMETER_HEADERS,
        otel::TRACES_HEADERS,
        Rank::OverEnvironment,
    ));
    let location = settings
        .files
        .first()
        .map_or_else(|| declared.clone(), Location::file_start);
    let sampling_default = settings
        .get("management.tracing.sampling.probability")
        .is_none()
        .then(|| SamplingDefault {
            ratio: java::MICROMETER_DEFAULT_PROBABILITY,
            key: "management.tracing.sampling.probability",
            location: location.clone(),
        });
    SdkConfig {
        values,
        replaces_environment: Some(Replacement {
            description: "Spring Boot's Micrometer tracing".into(),
            location,
            endpoint_key: "management.otlp.tracing.endpoint".into(),
            endpoint_example: "http://otel-collector:4318/v1/traces".into(),
            service_name_key: "spring.application.name".into(),
            without_endpoint: "Spring Boot creates no OTLP exporter (Spring Boot 3.2 and later; 3.0 and 3.1 send to http://localhost:4318/v1/traces, the container itself), so no span leaves the service".into(),
            exporter_hint: "management.otlp.tracing.endpoint: http://otel-collector:4318/v1/traces".into(),
            // Spring Boot 3.5 names the service from these too.
            reads: vec![otel::SERVICE_NAME.into(), otel::RESOURCE_ATTRIBUTES.into()],
        }),
        sampling_default,
        problems: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::properties;

    fn context(files: &[(&str, &str)]) -> BuildContext {
        let mut context = BuildContext::default();
        for (path, text) in files {
            let path: Arc<str> = Arc::from(*path);
            if path.ends_with(".properties") {
                context.properties.push(Parsed {
                    path,
                    content: properties::parse(text),
                });
            } else {
                let content = settings::parse_yaml(&path, text).unwrap();
                context.settings.push(Parsed { path, content });
            }
        }
        context
    }

    use crate::resolve::environment::compose_variable as var;

    #[test]
    fn profiles_files_and_the_environment_in_spring_order() {
        let context = context(&[
            (
                "api/src/main/resources/application.yml",
                "spring.application.name: api\nmanagement.otlp.tracing.endpoint: http://base:4318\n---\nspring.config.activate.on-profile: docker\nmanagement.otlp.tracing.endpoint: http://docker-doc:4318\n",
            ),
            (
                "api/src/main/resources/application-docker.properties",
                "management.otlp.tracing.headers.x-honeycomb-team=a b\n",
            ),
            (
                "api/src/main/resources/application-other.yml",
                "management.otlp.tracing.endpoint: http://other:4318\n",
            ),
            (
                "web/src/main/resources/application.yml",
                "spring.application.name: web\n",
            ),
        ]);
        let env = [var("SPRING_PROFILES_ACTIVE", "docker")];
        let settings = resolve(&Inputs {
            context: &context,
            folder: "api",
            env: &env,
            properties: &[],
        });
        assert_eq!(
            settings
                .get("management.otlp.tracing.endpoint")
                .unwrap()
                .value,
            "http://docker-doc:4318"
        );
        assert_eq!(
            settings.get("spring.application.name").unwrap().value,
            "api"
        );
        let config = micrometer_config(
            &settings,
            &Location::file_start(&Arc::from("api/pom.xml")),
            &[],
        );
        let value = |variable: &str| {
            config
                .values
                .iter()
                .rev()
                .find(|v| v.variable == variable)
                .map(|v| v.value.as_str())
        };
        assert_eq!(value(otel::TRACES_ENDPOINT), Some("http://docker-doc:4318"));
        assert_eq!(value(otel::TRACES_HEADERS), Some("x-honeycomb-team=a%20b"));
        assert_eq!(value(otel::SERVICE_NAME), Some("api"));
        assert!(config.sampling_default.is_some());
        let env = [var(
            "MANAGEMENT_OTLP_TRACING_ENDPOINT",
            "http://env:4318/v1/traces",
        )];
        let properties = [JvmProperty {
            name: "management.tracing.sampling.probability".into(),
            value: "1.0".into(),
            location: Location::file_start(&Arc::from("api/Dockerfile")),
            literal: true,
            argument: true,
        }];
        let settings = resolve(&Inputs {
            context: &context,
            folder: "api",
            env: &env,
            properties: &properties,
        });
        let endpoint = settings.get("management.otlp.tracing.endpoint").unwrap();
        assert_eq!(
            (endpoint.value.as_str(), endpoint.written.as_str()),
            (
                "http://env:4318/v1/traces",
                "MANAGEMENT_OTLP_TRACING_ENDPOINT"
            )
        );
        let config = micrometer_config(
            &settings,
            &Location::file_start(&Arc::from("api/pom.xml")),
            &[],
        );
        assert!(config.sampling_default.is_none());
    }

    fn context_with_placeholders() -> BuildContext {
        context(&[(
            "src/main/resources/application.yml",
            "spring.application.name: orders\nmanagement:\n  otlp.tracing.endpoint: ${COLLECTOR:http://localhost:4318}/v1/traces\n  opentelemetry.resource-attributes:\n    service.name: ${spring.application.name} ${MISSING}\n",
        )])
    }

    #[test]
    fn placeholders_resolve_against_the_settings_and_the_environment() {
        let placeholders = context_with_placeholders();
        let settings = resolve(&Inputs {
            context: &placeholders,
            folder: ".",
            env: &[var("COLLECTOR", "http://c:4318")],
            properties: &[],
        });
        assert_eq!(
            settings
                .get("management.otlp.tracing.endpoint")
                .unwrap()
                .value,
            "http://c:4318/v1/traces"
        );
        assert_eq!(
            settings
                .get("management.opentelemetry.resource-attributes.service.name")
                .unwrap()
                .value,
            "orders ${MISSING}"
        );
    }

    #[test]
    fn the_starter_reads_otel_keys_under_the_environment() {
        let context = context(&[(
            "src/main/resources/application.yml",
            "spring:\n  application:\n    name: orders\notel:\n  service.name: orders-svc\n  exporter:\n    otlp:\n      endpoint: http://collector:4318\n      headers:\n        x-honeycomb-team: k\n",
        )]);
        let settings = resolve(&Inputs {
            context: &context,
            folder: ".",
            env: &[],
            properties: &[],
        });
        let values: Vec<(String, String)> = starter_config(&settings)
            .into_iter()
            .map(|v| (v.variable, v.value))
            .collect();
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            values,
            [
                pair("OTEL_SERVICE_NAME", "orders"),
                pair("OTEL_SERVICE_NAME", "orders-svc"),
                pair("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
                pair("OTEL_EXPORTER_OTLP_HEADERS", "x-honeycomb-team=k"),
            ]
        );
    }
}

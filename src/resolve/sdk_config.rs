//! What configures a service's SDK besides its environment variables, keyed by the variable each
//! value stands for: JVM system properties (`-Dotel.exporter.otlp.endpoint=...`), the Java
//! agent's properties file, Spring Boot's `application.yml`, .NET's `appsettings.json`, a
//! declarative configuration file. Each value knows where it is written and whether it wins over
//! the environment or gives way to it, so that rules reading a setting see what the SDK sees.

use std::sync::Arc;

use crate::source::Location;
use crate::workspace::properties::Property;

/// How a value ranks against the environment variable it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rank {
    /// Wins over the environment: JVM system properties (the Java agent and autoconfigure read
    /// them first).
    OverEnvironment,
    /// The environment wins: configuration files (the agent's properties file, Spring's and
    /// .NET's application settings, which their frameworks layer under the environment).
    UnderEnvironment,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigValue {
    /// The variable it stands for (`OTEL_EXPORTER_OTLP_ENDPOINT`).
    pub variable: String,
    /// As written (`-Dotel.exporter.otlp.endpoint`, `otel.exporter.otlp.endpoint`).
    pub name: String,
    pub value: String,
    /// Where it is written: the value itself in a file of settings, or the entry that carries
    /// it (the `JAVA_TOOL_OPTIONS` variable, the command's word).
    pub location: Location,
    /// The value is written as it is, on the line `location` points at: an edit can replace
    /// it there (not when interpolated from another variable).
    pub editable: bool,
    pub rank: Rank,
}

/// A source the SDK reads instead of the environment: the `OTEL_*` variables count only
/// through it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    /// How messages name it (`the configuration file otel-config.yaml`).
    pub description: String,
    pub location: Location,
    /// The key that sets the traces endpoint there, and a value to show in hints.
    pub endpoint_key: String,
    pub endpoint_example: String,
    /// The key that names the service there.
    pub service_name_key: String,
    /// What happens when it sets no endpoint.
    pub without_endpoint: String,
    /// How to make it export over OTLP, for hints.
    pub exporter_hint: String,
    /// The `OTEL_*` variables it still reads (a configuration file's `${VAR}`s).
    pub reads: Vec<String>,
}

/// Something in a settings file the SDK reads that it rejects, or that does not do what its
/// writer meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsProblem {
    pub location: Location,
    pub message: String,
    /// A key the schema does not allow, and the keys it allows there.
    pub unknown_key: Option<(String, &'static [&'static str])>,
}

/// A framework that samples only a share of traces unless told otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamplingDefault {
    pub ratio: &'static str,
    /// The key that sets the share.
    pub key: &'static str,
    /// Where the framework is set up (its settings file, else its declaration).
    pub location: Location,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SdkConfig {
    /// In the order they apply: a later value of the same rank wins.
    pub values: Vec<ConfigValue>,
    /// Set when the SDK reads `values` instead of the environment.
    pub replaces_environment: Option<Replacement>,
    pub sampling_default: Option<SamplingDefault>,
    /// What is wrong with the settings file read instead of the environment.
    pub problems: Vec<SettingsProblem>,
}

impl ConfigValue {
    /// An entry of a `.properties` file, located at its value.
    pub fn of_property(
        property: &Property,
        file: &Arc<str>,
        variable: String,
        rank: Rank,
    ) -> ConfigValue {
        ConfigValue {
            variable,
            name: property.key.clone(),
            value: property.value.clone(),
            location: Location::new(file, property.value_line, property.value_column),
            editable: property.value_line == property.line,
            rank,
        }
    }
}

impl SdkConfig {
    /// The value that decides `variable` at this rank, if any.
    pub fn value(&self, variable: &str, rank: Rank) -> Option<&ConfigValue> {
        self.values
            .iter()
            .rev()
            .find(|v| v.rank == rank && v.variable == variable)
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
            && self.replaces_environment.is_none()
            && self.sampling_default.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(variable: &str, value: &str, rank: Rank) -> ConfigValue {
        ConfigValue {
            variable: variable.into(),
            name: variable.to_ascii_lowercase(),
            value: value.into(),
            location: Location::file_start(&Arc::from("f")),
            editable: false,
            rank,
        }
    }

    #[test]
    fn the_last_value_of_a_rank_wins() {
        let config = SdkConfig {
            values: vec![
                value("A", "1", Rank::OverEnvironment),
                value("A", "2", Rank::OverEnvironment),
                value("A", "3", Rank::UnderEnvironment),
            ],
            replaces_environment: None,
            sampling_default: None,
            problems: Vec::new(),
        };
        assert_eq!(config.value("A", Rank::OverEnvironment).unwrap().value, "2");
        assert_eq!(
            config.value("A", Rank::UnderEnvironment).unwrap().value,
            "3"
        );
        assert!(config.value("B", Rank::OverEnvironment).is_none());
    }
}

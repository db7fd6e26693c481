//! Settings objects of Python code: pydantic's `BaseSettings` (pydantic-settings, or pydantic
//! v1's own) reads each field from the environment variable named after it (with the class's
//! `env_prefix`, from `model_config = SettingsConfigDict(...)` or `class Config:`), or from
//! the one its `Field(alias=...)`, `validation_alias=...` or v1's `env=...` names, and falls
//! back to the field's default. `settings.otel_endpoint` handed to an exporter is then that
//! variable, with that default.

use std::collections::HashMap;

use crate::source::Location;
use crate::workspace::Parsed;
use crate::workspace::python::{Arg, ArgValue, ClassDef, PythonSource};

/// What a settings field reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsField {
    /// The variable, as pydantic looks it up (case-insensitively, unless the class says).
    pub variable: String,
    pub case_sensitive: bool,
    /// The default, where it is written; `None` when the field has none (pydantic refuses to
    /// start without the variable) or it is computed (`default_factory`).
    pub default: Option<Arg>,
    pub file: std::sync::Arc<str>,
}

impl SettingsField {
    /// Where the default is written, when there is one.
    pub fn default_location(&self) -> Option<Location> {
        self.default
            .as_ref()
            .map(|d| Location::new(&self.file, d.line, d.column))
    }
}

/// The settings classes of a service's code and the names bound to their objects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsObjects {
    /// Settings class name → its fields by name.
    classes: HashMap<String, HashMap<String, SettingsField>>,
    /// `settings = Settings()`: object name → class name.
    objects: HashMap<String, String>,
}

/// The classes pydantic settings come from, as imports qualify them.
const BASE_SETTINGS: [&str; 3] = [
    "pydantic_settings.BaseSettings",
    "pydantic.BaseSettings",
    "pydantic.v1.BaseSettings",
];

/// How many levels of settings subclasses are followed.
const MAX_INHERITANCE: usize = 4;

impl SettingsObjects {
    /// Reads the settings classes and objects of `files` (a service's code, any file may
    /// define them and any file use them).
    pub fn of(files: &[&Parsed<PythonSource>]) -> SettingsObjects {
        let mut found = SettingsObjects::default();
        let mut configs: HashMap<String, SettingsConfig> = HashMap::new();
        // Settings classes are found directly, then their subclasses, level by level.
        let mut pending: Vec<(&ClassDef, &Parsed<PythonSource>)> = files
            .iter()
            .flat_map(|f| f.content.classes.iter().map(move |c| (c, *f)))
            .filter(|(c, _)| c.enclosing.is_none() && !c.bases.is_empty())
            .collect();
        for _ in 0..MAX_INHERITANCE {
            let mut added = false;
            pending.retain(|(class, file)| {
                let parent = class.bases.iter().find_map(|base| {
                    let qualified = qualify(base, &file.content);
                    if BASE_SETTINGS.contains(&qualified.as_str()) {
                        return Some((HashMap::new(), SettingsConfig::default()));
                    }
                    let name = base.rsplit('.').next().unwrap_or(base);
                    Some((found.classes.get(name)?.clone(), configs.get(name)?.clone()))
                });
                let Some((mut fields, inherited)) = parent else {
                    return true;
                };
                // `model_config` is inherited, and a subclass's own settings win.
                let config = config_of(class, file, inherited);
                fields.extend(own_fields(class, file, &config));
                found.classes.insert(class.name.clone(), fields);
                configs.insert(class.name.clone(), config);
                added = true;
                false
            });
            if !added {
                break;
            }
        }
        if found.classes.is_empty() {
            return found;
        }
        for file in files {
            for assignment in &file.content.assignments {
                if let ArgValue::Call(callee, _) = &assignment.value {
                    let class = callee.rsplit('.').next().unwrap_or(callee);
                    if found.classes.contains_key(class) {
                        found
                            .objects
                            .insert(assignment.target.clone(), class.to_string());
                    }
                }
            }
        }
        found
    }

    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }

    /// The field `object.field` reads: an object bound to a settings class, or, for one bound
    /// some other way (`settings = get_settings()`), the only settings class with that field.
    pub fn field(&self, dotted: &str) -> Option<&SettingsField> {
        let (object, field) = dotted.rsplit_once('.')?;
        if let Some(class) = self.objects.get(object) {
            return self.classes.get(class)?.get(field);
        }
        // A subclass repeats its parent's fields: the same field is still one.
        let mut owners = self.classes.values().filter_map(|fields| fields.get(field));
        let first = owners.next()?;
        owners.all(|other| other == first).then_some(first)
    }
}

/// The fields a settings class declares itself, with the variables they read.
fn own_fields(
    class: &ClassDef,
    file: &Parsed<PythonSource>,
    config: &SettingsConfig,
) -> HashMap<String, SettingsField> {
    let prefix = config.prefix.as_deref().unwrap_or_default();
    class
        .fields
        .iter()
        .filter(|field| !matches!(field.name.as_str(), "model_config" | "Config"))
        .filter(|field| !field.name.starts_with('_'))
        .map(|field| {
            let (alias, default) = match field.value.as_ref().map(|v| &v.value) {
                Some(ArgValue::Call(callee, args)) if is_field_call(callee, &file.content) => {
                    (alias_of(args), field_default(args))
                }
                _ => (None, field.value.clone()),
            };
            let variable = alias.unwrap_or_else(|| format!("{prefix}{}", field.name));
            let setting = SettingsField {
                variable,
                case_sensitive: config.case_sensitive,
                default,
                file: std::sync::Arc::clone(&file.path),
            };
            (field.name.clone(), setting)
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
struct SettingsConfig {
    prefix: Option<String>,
    case_sensitive: bool,
}

/// `model_config = SettingsConfigDict(env_prefix="APP_")` (or a dict), or v1's nested
/// `class Config: env_prefix = "APP_"`.
fn config_of(
    class: &ClassDef,
    file: &Parsed<PythonSource>,
    inherited: SettingsConfig,
) -> SettingsConfig {
    let mut config = inherited;
    let mut apply = |key: &str, value: &ArgValue| match (key, value) {
        ("env_prefix", ArgValue::Str(prefix)) => config.prefix = Some(prefix.clone()),
        ("case_sensitive", ArgValue::Bool(sensitive)) => config.case_sensitive = *sensitive,
        _ => {}
    };
    if let Some(model_config) = class
        .fields
        .iter()
        .find(|f| f.name == "model_config")
        .and_then(|f| f.value.as_ref())
    {
        match &model_config.value {
            ArgValue::Call(_, args) => {
                for arg in args {
                    if let Some(key) = &arg.keyword {
                        apply(key, &arg.value);
                    }
                }
            }
            ArgValue::Dict(pairs) => {
                for (key, value) in pairs {
                    if let ArgValue::Str(key) = key {
                        apply(key, value);
                    }
                }
            }
            _ => {}
        }
    }
    let inner = file
        .content
        .classes
        .iter()
        .find(|c| c.name == "Config" && c.enclosing.as_deref() == Some(class.name.as_str()));
    for field in inner.iter().flat_map(|c| &c.fields) {
        if let Some(value) = &field.value {
            apply(&field.name, &value.value);
        }
    }
    config
}

/// `Field(...)` from pydantic.
fn is_field_call(callee: &str, source: &PythonSource) -> bool {
    let qualified = qualify(callee, source);
    qualified == "pydantic.Field" || qualified == "pydantic.fields.Field" || callee == "Field"
}

/// The variable a `Field(...)` names: `validation_alias`, `alias` (the first of an
/// `AliasChoices`), or v1's `env`.
fn alias_of(args: &[Arg]) -> Option<String> {
    ["validation_alias", "alias", "env"].iter().find_map(|key| {
        let arg = args.iter().find(|a| a.keyword.as_deref() == Some(*key))?;
        match &arg.value {
            ArgValue::Str(name) => Some(name.clone()),
            ArgValue::Call(callee, choices) if callee.ends_with("AliasChoices") => {
                match choices.first().map(|c| &c.value) {
                    Some(ArgValue::Str(name)) => Some(name.clone()),
                    _ => None,
                }
            }
            _ => None,
        }
    })
}

/// `Field("x")`, `Field(default="x")`; `Field(...)` (required) and `default_factory` have none.
fn field_default(args: &[Arg]) -> Option<Arg> {
    let default = args
        .iter()
        .find(|a| a.keyword.as_deref() == Some("default"))
        .or_else(|| args.first().filter(|a| a.keyword.is_none()))?;
    // `Field(...)`: `...` is not a value (it reads as `Other`).
    (default.value != ArgValue::Other).then(|| default.clone())
}

/// A name as the file's imports qualify it: `BaseSettings` imported from `pydantic_settings`
/// is `pydantic_settings.BaseSettings`.
fn qualify(dotted: &str, source: &PythonSource) -> String {
    let (first, rest) = dotted.split_once('.').unwrap_or((dotted, ""));
    for import in &source.imports {
        let bound = match (&import.names, &import.alias) {
            (Some(names), _) => names.iter().find_map(|n| {
                (n.alias.as_deref().unwrap_or(&n.name) == first)
                    .then(|| format!("{}.{}", import.module, n.name))
            }),
            (None, Some(alias)) => (alias == first).then(|| import.module.clone()),
            (None, None) => {
                (import.module.split('.').next() == Some(first)).then(|| first.to_string())
            }
        };
        if let Some(bound) = bound {
            return if rest.is_empty() {
                bound
            } else {
                format!("{bound}.{rest}")
            };
        }
    }
    dotted.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::python::parse;
    use std::sync::Arc;

    fn files(sources: &[(&str, &str)]) -> Vec<Parsed<PythonSource>> {
        sources
            .iter()
            .map(|(path, text)| Parsed {
                path: Arc::from(*path),
                content: parse(text),
            })
            .collect()
    }

    #[test]
    fn fields_read_prefixed_or_aliased_variables_with_their_defaults() {
        let parsed = files(&[
            (
                "config.py",
                "from pydantic import Field\nfrom pydantic_settings import BaseSettings, SettingsConfigDict\n\nclass Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix=\"APP_\")\n    otel_endpoint: str = \"http://localhost:4318/v1/traces\"\n    honeycomb_key: str = Field(default=\"\", alias=\"HONEYCOMB_API_KEY\")\n    name: str = Field(..., validation_alias=\"OTEL_SERVICE_NAME\")\n\nclass Tracing(Settings):\n    sampler: str = \"always_on\"\n\nsettings = Settings()\n",
            ),
            (
                "legacy.py",
                "from pydantic import BaseSettings\n\nclass Old(BaseSettings):\n    collector_url: str = \"http://collector:4318\"\n\n    class Config:\n        env_prefix = \"LEGACY_\"\n",
            ),
        ]);
        let refs: Vec<&Parsed<PythonSource>> = parsed.iter().collect();
        let objects = SettingsObjects::of(&refs);
        let field = |dotted: &str| {
            objects.field(dotted).map(|f| {
                (
                    f.variable.clone(),
                    f.default_location().map(|l| l.to_string()),
                )
            })
        };
        assert_eq!(
            field("settings.otel_endpoint"),
            Some(("APP_otel_endpoint".into(), Some("config.py:6:26".into())))
        );
        assert_eq!(
            field("settings.honeycomb_key"),
            Some(("HONEYCOMB_API_KEY".into(), Some("config.py:7:40".into())))
        );
        assert_eq!(
            field("settings.name"),
            Some(("OTEL_SERVICE_NAME".into(), None))
        );
        assert_eq!(field("settings.sampler"), None);
        assert_eq!(
            field("config.collector_url"),
            Some(("LEGACY_collector_url".into(), Some("legacy.py:4:26".into())))
        );
        assert_eq!(
            field("cfg.sampler").map(|f| f.0),
            Some("APP_sampler".into()),
            "an object bound otherwise: the only class with that field; a subclass keeps its parent's prefix"
        );
    }
}

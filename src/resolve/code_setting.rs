//! Values the code hands the SDK, evaluated the way they will be in the container: string
//! literals, `os.getenv("X", "default")`, `os.environ.get(...)`, `os.environ["X"]`, a
//! pydantic settings field (`settings.otel_endpoint`: its variable, else its default), and
//! `+` of those, against the service's own environment. Anything else (a variable, an
//! f-string) is left unknown rather than guessed.

use std::collections::HashMap;

use super::environment::{EnvVar, resolved};
use super::python_settings::{SettingsField, SettingsObjects};
use crate::source::Location;
use crate::workspace::python::{Arg, ArgValue};

/// A value the code passes to the SDK, and what it is at run time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeSetting {
    /// What it evaluates to; `None` when it is Python's `None` at run time (an unset variable
    /// read without a default).
    pub value: Option<String>,
    /// False when the code computes it in a way not followed here.
    pub known: bool,
    /// Where the value is written.
    pub location: Location,
    /// The environment variable it reads, if any.
    pub variable: Option<String>,
}

impl CodeSetting {
    /// A literal in the code (not read from the environment).
    pub fn is_literal(&self) -> bool {
        self.known && self.variable.is_none()
    }

    /// The value, when it is known and not `None`.
    pub fn text(&self) -> Option<&str> {
        self.value.as_deref().filter(|_| self.known)
    }
}

/// What a value of the app's code evaluates to, in whichever language it is written.
pub(crate) enum Evaluated {
    Text(String),
    /// The language's "no value" (`None`, `nil`, `undefined`, `null`): the SDK falls back to
    /// its environment and defaults.
    Absent,
    /// Computed in a way not followed here.
    Unknown,
}

impl Evaluated {
    /// The setting a value written at `location` makes, `variable` being the first
    /// environment variable it read.
    pub fn into_setting(self, location: Location, variable: Option<String>) -> CodeSetting {
        CodeSetting {
            known: !matches!(self, Evaluated::Unknown),
            value: match self {
                Evaluated::Text(text) => Some(text),
                _ => None,
            },
            location,
            variable,
        }
    }

    /// Parts joined into one text. Any part that is not a text makes the whole unknown: a
    /// `None + "x"` raises, `null`/`undefined` in a concatenation is not a URL either.
    pub fn concat(parts: impl IntoIterator<Item = Evaluated>) -> Evaluated {
        let mut joined = String::new();
        for part in parts {
            match part {
                Evaluated::Text(text) => joined.push_str(&text),
                _ => return Evaluated::Unknown,
            }
        }
        Evaluated::Text(joined)
    }

    /// The first of `values` that is not absent (Ruby's `||`, Java's and C#'s coalescing): an
    /// empty text counts as set.
    pub fn first_set(values: impl IntoIterator<Item = Evaluated>) -> Evaluated {
        values
            .into_iter()
            .find(|value| !matches!(value, Evaluated::Absent))
            .unwrap_or(Evaluated::Absent)
    }
}

/// Evaluates arguments in the context of one file (its imports) and one container (its
/// environment).
pub struct Evaluator<'a> {
    /// Local names bound by the file's imports, to what they stand for.
    pub names: &'a HashMap<String, String>,
    /// Names the file assigns (`endpoint = os.getenv(...)`), the last assignment winning.
    pub assigned: &'a HashMap<String, ArgValue>,
    pub env: &'a [EnvVar],
    pub file: &'a std::sync::Arc<str>,
    /// The settings objects of the service's code.
    pub settings: &'a SettingsObjects,
}

impl Evaluator<'_> {
    pub fn setting(&self, arg: &Arg) -> CodeSetting {
        self.setting_of(&arg.value, Location::new(self.file, arg.line, arg.column))
    }

    /// A value written at `line:column` of the file.
    pub fn value_setting(&self, value: &ArgValue, line: u32, column: u32) -> CodeSetting {
        self.setting_of(value, Location::new(self.file, line, column))
    }

    fn setting_of(&self, value: &ArgValue, location: Location) -> CodeSetting {
        let mut variable = None;
        let outcome = self.evaluate(value, &mut variable);
        // A settings field left to its default is written where the default is.
        let location = match self.settings_field(value) {
            Some(field) if self.field_variable(field).is_none() => {
                field.default_location().unwrap_or(location)
            }
            _ => location,
        };
        outcome.into_setting(location, variable)
    }

    /// What a name stands for, through the file's assignments.
    pub fn resolve<'v>(&'v self, value: &'v ArgValue) -> &'v ArgValue {
        const MAX_HOPS: usize = 8;
        let mut value = value;
        for _ in 0..MAX_HOPS {
            match value {
                ArgValue::Name(name) => match self.assigned.get(name) {
                    Some(bound) => value = bound,
                    None => break,
                },
                _ => break,
            }
        }
        value
    }

    /// `headers=` as pairs: a dict, or a sequence of `(key, value)` tuples.
    pub fn pairs(&self, arg: &Arg) -> Option<Vec<(String, CodeSetting)>> {
        let location = Location::new(self.file, arg.line, arg.column);
        let entries: Vec<(&ArgValue, &ArgValue)> = match self.resolve(&arg.value) {
            ArgValue::Dict(pairs) => pairs.iter().map(|(k, v)| (k, v)).collect(),
            ArgValue::Sequence(items) => items
                .iter()
                .map(|item| match item {
                    ArgValue::Sequence(pair) if pair.len() == 2 => Some((&pair[0], &pair[1])),
                    _ => None,
                })
                .collect::<Option<_>>()?,
            _ => return None,
        };
        entries
            .into_iter()
            .map(|(key, value)| match key {
                ArgValue::Str(key) => Some((
                    key.to_ascii_lowercase(),
                    self.setting_of(value, location.clone()),
                )),
                _ => None,
            })
            .collect()
    }

    fn evaluate(&self, value: &ArgValue, variable: &mut Option<String>) -> Evaluated {
        match self.resolve(value) {
            ArgValue::Str(text) => Evaluated::Text(text.clone()),
            ArgValue::None => Evaluated::Absent,
            ArgValue::Concat(parts) => {
                Evaluated::concat(parts.iter().map(|part| self.evaluate(part, variable)))
            }
            ArgValue::Call(callee, args) if self.reads_environment(callee) => {
                let Some(ArgValue::Str(name)) = args.first().map(|a| &a.value) else {
                    return Evaluated::Unknown;
                };
                variable.get_or_insert_with(|| name.clone());
                match resolved(self.env, name) {
                    Some(var) => Evaluated::Text(var.value.clone()),
                    None => match args.get(1).map(|a| &a.value) {
                        Some(default) => self.evaluate(default, variable),
                        None => Evaluated::Absent,
                    },
                }
            }
            ArgValue::Name(dotted) if self.settings_field(value).is_some() => {
                let Some(field) = self.settings.field(dotted) else {
                    return Evaluated::Unknown;
                };
                match self.field_variable(field) {
                    Some(set) => {
                        variable.get_or_insert_with(|| set.name.clone());
                        Evaluated::Text(set.value.clone())
                    }
                    None => {
                        variable.get_or_insert_with(|| display_name(field));
                        match &field.default {
                            Some(default) => self.evaluate(&default.value, variable),
                            // pydantic refuses to build the settings without it.
                            None => Evaluated::Unknown,
                        }
                    }
                }
            }
            ArgValue::Subscript(base, key) if self.qualify(base) == "os.environ" => {
                let ArgValue::Str(name) = key.as_ref() else {
                    return Evaluated::Unknown;
                };
                variable.get_or_insert_with(|| name.clone());
                // An unset key raises KeyError at start-up: not a value the SDK gets.
                resolved(self.env, name)
                    .map_or(Evaluated::Unknown, |var| Evaluated::Text(var.value.clone()))
            }
            _ => Evaluated::Unknown,
        }
    }

    /// The settings field a value names, through the file's assignments.
    fn settings_field(&self, value: &ArgValue) -> Option<&SettingsField> {
        match self.resolve(value) {
            ArgValue::Name(dotted) if !self.settings.is_empty() => self.settings.field(dotted),
            _ => None,
        }
    }

    /// The container's variable a settings field reads, when it has one (pydantic matches
    /// names regardless of case unless told otherwise).
    fn field_variable(&self, field: &SettingsField) -> Option<&EnvVar> {
        self.env.iter().filter(|v| v.resolved).find(|v| {
            if field.case_sensitive {
                v.name == field.variable
            } else {
                v.name.eq_ignore_ascii_case(&field.variable)
            }
        })
    }

    fn qualify(&self, dotted: &str) -> String {
        let (first, rest) = dotted.split_once('.').unwrap_or((dotted, ""));
        match (self.names.get(first), rest.is_empty()) {
            (Some(full), true) => full.clone(),
            (Some(full), false) => format!("{full}.{rest}"),
            (None, _) => dotted.to_string(),
        }
    }

    fn reads_environment(&self, callee: &str) -> bool {
        matches!(
            self.qualify(callee).as_str(),
            "os.getenv" | "os.environ.get"
        )
    }
}

/// How the variable a settings field reads is set: as written when names are compared with
/// their case, else in capitals, as environments spell them.
fn display_name(field: &SettingsField) -> String {
    if field.case_sensitive {
        field.variable.clone()
    } else {
        field.variable.to_ascii_uppercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::python::parse;
    use std::sync::Arc;

    use crate::resolve::environment::compose_variable as var;

    fn settings(code: &str, env: &[EnvVar]) -> Vec<CodeSetting> {
        let parsed = parse(code).unwrap();
        let names: HashMap<String, String> = [
            ("os".to_string(), "os".to_string()),
            ("getenv".to_string(), "os.getenv".to_string()),
        ]
        .into();
        let file = Arc::from("app.py");
        let assigned = HashMap::new();
        let settings = SettingsObjects::default();
        let evaluator = Evaluator {
            names: &names,
            assigned: &assigned,
            env,
            file: &file,
            settings: &settings,
        };
        parsed.calls[0]
            .args
            .iter()
            .map(|a| evaluator.setting(a))
            .collect()
    }

    #[test]
    fn environment_reads_evaluate_against_the_container() {
        let env = [var("OTLP_HOST", "http://collector:4317")];
        let found = settings(
            "f(os.getenv(\"OTLP_HOST\", \"http://x\"), os.environ.get(\"MISSING\", \"http://d\"), getenv(\"MISSING\"), os.environ[\"MISSING\"], \"lit\" + os.getenv(\"OTLP_HOST\"), name)",
            &env,
        );
        let values: Vec<(Option<&str>, bool, Option<&str>)> = found
            .iter()
            .map(|s| (s.value.as_deref(), s.known, s.variable.as_deref()))
            .collect();
        assert_eq!(
            values,
            [
                (Some("http://collector:4317"), true, Some("OTLP_HOST")),
                (Some("http://d"), true, Some("MISSING")),
                (None, true, Some("MISSING")),
                (None, false, Some("MISSING")),
                (Some("lithttp://collector:4317"), true, Some("OTLP_HOST")),
                (None, false, None),
            ]
        );
        assert!(!found[0].is_literal());
    }

    #[test]
    fn header_pairs_from_tuples_and_dicts() {
        let env = [var("HONEYCOMB_API_KEY", "k")];
        let parsed = parse(
            "f(headers=((\"X-Honeycomb-Team\", os.environ.get(\"HONEYCOMB_API_KEY\")),), h={\"x-honeycomb-dataset\": \"d\"})",
        )
        .unwrap();
        let names: HashMap<String, String> = [("os".to_string(), "os".to_string())].into();
        let file = Arc::from("app.py");
        let assigned = HashMap::new();
        let settings = SettingsObjects::default();
        let evaluator = Evaluator {
            names: &names,
            assigned: &assigned,
            env: &env,
            file: &file,
            settings: &settings,
        };
        let tuples = evaluator.pairs(&parsed.calls[0].args[0]).unwrap();
        assert_eq!(tuples[0].0, "x-honeycomb-team");
        assert_eq!(tuples[0].1.value.as_deref(), Some("k"));
        let dict = evaluator.pairs(&parsed.calls[0].args[1]).unwrap();
        assert_eq!(dict[0].1.value.as_deref(), Some("d"));
    }
}

//! Values Java, Kotlin and C# code hands the SDK, evaluated the way they will be in the
//! container: string literals, `System.getenv("X")`, `Environment.GetEnvironmentVariable("X")`,
//! `configuration["X"]`, their defaults (`?? "d"`, `?: "d"`, `Objects.requireNonNullElse`), `+`
//! of those, `new Uri(...)`, and names the file assigns once. Anything else is left unknown
//! rather than guessed. Which calls read what is each language's knowledge (`Readers`).

use std::collections::HashMap;
use std::sync::Arc;

use super::code_setting::{CodeSetting, Evaluated};
use super::environment::{EnvVar, resolved};
use crate::knowledge::clike::Readers;
use crate::source::Location;
use crate::workspace::clike::{Arg, ClikeSource, Value};

/// A key of the application's configuration as it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRead {
    pub value: Option<String>,
    /// The settings file line that gives the value (none when the environment does).
    pub written: Option<Location>,
    /// The environment variable that would set it (`Otlp__Endpoint`).
    pub variable: String,
}

/// Evaluates values of one file, for one container.
pub struct Evaluator<'a> {
    pub readers: &'a Readers,
    /// What the file assigns to each name, when it assigns it once.
    pub assigned: HashMap<&'a str, &'a Value>,
    pub env: &'a [EnvVar],
    /// A key of the application's configuration (`Otlp:Endpoint`), as read.
    pub configuration: &'a dyn Fn(&str) -> KeyRead,
    pub file: &'a Arc<str>,
}

/// What evaluating a value read: the first environment variable (or configuration key, by
/// the variable that sets it), and the settings file line its value came from.
#[derive(Default)]
struct Read {
    variable: Option<String>,
    written: Option<Location>,
}

/// Names a file assigns exactly once, to what: a name assigned twice may hold either value.
pub fn assigned_once(source: &ClikeSource) -> HashMap<&str, &Value> {
    let mut counts: HashMap<&str, (usize, &Value)> = HashMap::new();
    for assignment in &source.assignments {
        let entry = counts
            .entry(assignment.target.as_str())
            .or_insert((0, &assignment.value));
        entry.0 += 1;
    }
    counts
        .into_iter()
        .filter(|(_, (count, _))| *count == 1)
        .map(|(name, (_, value))| (name, value))
        .collect()
}

impl Evaluator<'_> {
    pub fn setting(&self, arg: &Arg) -> CodeSetting {
        self.setting_of(&arg.value, Location::new(self.file, arg.line, arg.column))
    }

    pub fn setting_of(&self, value: &Value, location: Location) -> CodeSetting {
        let mut read = Read::default();
        let outcome = self.evaluate(value, &mut read, 0);
        // A value a settings file gives is written there.
        outcome.into_setting(read.written.unwrap_or(location), read.variable)
    }

    /// What a name stands for, through the file's assignments.
    pub fn resolve<'v>(&'v self, value: &'v Value) -> &'v Value {
        const MAX_HOPS: usize = 8;
        let mut value = value;
        for _ in 0..MAX_HOPS {
            match value {
                Value::Name(name) => match self.assigned.get(name.as_str()) {
                    Some(bound) => value = bound,
                    None => break,
                },
                _ => break,
            }
        }
        value
    }

    fn evaluate(&self, value: &Value, read: &mut Read, depth: usize) -> Evaluated {
        const MAX_DEPTH: usize = 16;
        if depth > MAX_DEPTH {
            return Evaluated::Unknown;
        }
        match self.resolve(value) {
            Value::Str(text) => Evaluated::Text(text.clone()),
            Value::Null => Evaluated::Absent,
            // Java and C# write `null` into a concatenation: not a value the SDK can use.
            Value::Concat(parts) => Evaluated::concat(
                parts
                    .iter()
                    .map(|part| self.evaluate(part, read, depth + 1)),
            ),
            Value::Coalesce(parts) => self.first_set(parts.iter(), read, depth),
            Value::Call { callee, args, .. } if self.readers.env.contains(&callee.as_str()) => {
                let Some(Value::Str(name)) = args.first().map(|a| &a.value) else {
                    return Evaluated::Unknown;
                };
                read.variable.get_or_insert_with(|| name.clone());
                resolved(self.env, name)
                    .map_or(Evaluated::Absent, |v| Evaluated::Text(v.value.clone()))
            }
            Value::Call { callee, args, .. }
                if self.readers.coalesce.contains(&callee.as_str()) =>
            {
                self.first_set(args.iter().map(|a| &a.value), read, depth)
            }
            Value::Call { callee, args, .. }
                if self.readers.wrappers.contains(&callee.as_str()) && args.len() == 1 =>
            {
                self.evaluate(&args[0].value, read, depth + 1)
            }
            Value::Index { base, key } if self.is_configuration(base) => match key.as_ref() {
                Value::Str(key) => self.configuration_key(key, read),
                _ => Evaluated::Unknown,
            },
            Value::Call { callee, args, .. } => {
                let Some((base, method)) = callee.rsplit_once('.') else {
                    return Evaluated::Unknown;
                };
                let reads = self
                    .readers
                    .configuration
                    .is_some_and(|(_, methods)| methods.contains(&method));
                match args.first().map(|a| &a.value) {
                    Some(Value::Str(key)) if reads && self.is_configuration(base) => {
                        self.configuration_key(key, read)
                    }
                    _ => Evaluated::Unknown,
                }
            }
            _ => Evaluated::Unknown,
        }
    }

    /// The first of `values` that is not `null`.
    fn first_set<'v>(
        &self,
        values: impl Iterator<Item = &'v Value>,
        read: &mut Read,
        depth: usize,
    ) -> Evaluated {
        Evaluated::first_set(values.map(|value| self.evaluate(value, read, depth + 1)))
    }

    fn is_configuration(&self, base: &str) -> bool {
        let last = base.rsplit('.').next().unwrap_or(base);
        self.readers
            .configuration
            .is_some_and(|(name, _)| last.eq_ignore_ascii_case(name))
    }

    fn configuration_key(&self, key: &str, read: &mut Read) -> Evaluated {
        let key = (self.configuration)(key);
        read.variable.get_or_insert(key.variable);
        match key.value {
            Some(text) => {
                if read.written.is_none() {
                    read.written = key.written;
                }
                Evaluated::Text(text)
            }
            None => Evaluated::Absent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::clike::{Dialect, parse};

    const JAVA: Readers = Readers {
        env: &["System.getenv"],
        coalesce: &["Objects.requireNonNullElse"],
        wrappers: &["URI.create"],
        configuration: None,
    };

    const CSHARP: Readers = Readers {
        env: &["Environment.GetEnvironmentVariable"],
        coalesce: &[],
        wrappers: &["Uri"],
        configuration: Some(("Configuration", &["GetValue"])),
    };

    use crate::resolve::environment::compose_variable as var;

    fn evaluated(
        text: &str,
        dialect: Dialect,
        readers: &Readers,
    ) -> Vec<(Option<String>, bool, Option<String>)> {
        let source = parse(text, dialect);
        let env = [var("OTLP_HOST", "http://collector:4317")];
        let file = Arc::from("App.java");
        let configuration = |key: &str| KeyRead {
            value: (key == "Otlp:Endpoint").then(|| "http://from-settings:4318".to_string()),
            written: None,
            variable: key.replace(':', "__"),
        };
        let evaluator = Evaluator {
            readers,
            assigned: assigned_once(&source),
            env: &env,
            configuration: &configuration,
            file: &file,
        };
        let call = source.calls.iter().find(|c| c.name() == "otel").unwrap();
        call.args
            .iter()
            .map(|a| {
                let s = evaluator.setting(a);
                (s.value, s.known, s.variable)
            })
            .collect()
    }

    #[test]
    fn java_reads_of_the_environment_evaluate_against_the_container() {
        let found = evaluated(
            "String base = System.getenv(\"OTLP_HOST\");\notel(base + \"/v1/traces\", Objects.requireNonNullElse(System.getenv(\"MISSING\"), \"http://d\"), System.getenv(\"MISSING\"), URI.create(\"http://u\"), other(), 1);",
            Dialect::Java,
            &JAVA,
        );
        let text = |s: &str| Some(s.to_string());
        assert_eq!(
            found,
            [
                (
                    text("http://collector:4317/v1/traces"),
                    true,
                    text("OTLP_HOST")
                ),
                (text("http://d"), true, text("MISSING")),
                (None, true, text("MISSING")),
                (text("http://u"), true, None),
                (None, false, None),
                (None, false, None),
            ]
        );
    }

    #[test]
    fn csharp_configuration_and_defaults() {
        let found = evaluated(
            "otel(new Uri(builder.Configuration[\"Otlp:Endpoint\"] ?? \"http://x\"), config.GetValue<string>(\"Missing:Key\") ?? \"http://d\", Environment.GetEnvironmentVariable(\"OTLP_HOST\"));",
            Dialect::CSharp,
            &CSHARP,
        );
        let text = |s: &str| Some(s.to_string());
        assert_eq!(
            found,
            [
                (
                    text("http://from-settings:4318"),
                    true,
                    text("Otlp__Endpoint")
                ),
                (None, false, None),
                (text("http://collector:4317"), true, text("OTLP_HOST")),
            ]
        );
    }
}

//! The Java agent of a JVM service: where `-javaagent:` is passed (the command, or
//! `JAVA_TOOL_OPTIONS` and launch-script variables from any layer of the environment: the
//! image's `ENV`, compose `environment` or an `env_file`), whether the final image really has
//! the jar at that path (an `ADD` of its URL, a `COPY`, a `RUN curl -o`, followed through
//! `COPY --from`) or a volume mounts one there, whether the user the container runs as can
//! read it (`ADD <url>` writes mode 600, owned by root), and which agent and version it is
//! (which decides its default protocol).

use super::Workload;
use super::command::{Command, basename};
use super::environment::EnvVar;
use super::image::{FileAt, ImageContents};
use super::sdk_config::{ConfigValue, Rank};
use crate::knowledge::java::{self, Agent, OptionsReader};
use crate::knowledge::languages;
use crate::resolve::image_path::{is_within, join_image_path};
use crate::shell;
use crate::source::Location;
use crate::workspace::properties::PropertiesFile;
use crate::workspace::workload::Volume;
use crate::workspace::{Language, Parsed};

/// How the jar gets to the path the JVM loads it from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presence {
    /// An instruction of the final image puts it there.
    Provided {
        by: Location,
        /// The user the container runs as cannot read it: `(user, where USER is set)`.
        unreadable_for: Option<(String, Location)>,
    },
    /// Nothing in the image puts a file there.
    Missing,
    /// Cannot be told from here (a folder copied, another stage's files, a volume, a custom
    /// base image).
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JavaAgent {
    /// The path as written after `-javaagent:`.
    pub path: String,
    /// Where it is in the image.
    pub image_path: String,
    /// Where `-javaagent:` is written.
    pub location: Location,
    /// The variable that carries it, or `None` for the command line.
    pub variable: Option<String>,
    pub agent: Option<Agent>,
    pub presence: Presence,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JvmFacts {
    /// The agents the JVM loads.
    pub agents: Vec<JavaAgent>,
    /// `-javaagent:` in a variable the program never reads (`JAVA_OPTS` with `java -jar`).
    pub ignored: Vec<(String, Location)>,
}

impl JvmFacts {
    pub fn agent(&self) -> Option<&JavaAgent> {
        self.agents.first()
    }
}

pub struct Inputs<'a> {
    pub image: Option<&'a ImageContents>,
    pub command: Option<&'a Command>,
    pub env: &'a [EnvVar],
    /// The workload's volumes: a jar may be mounted over the image's files.
    pub volumes: &'a [Volume],
    /// `volumes_from`: another container's volumes are mounted too.
    pub shares_volumes: bool,
    /// The agent's version from the build's dependencies (`opentelemetry-javaagent:2.5.0`).
    pub declared_agent: Option<Agent>,
}

/// A JVM option as the JVM receives it: a word of the command line, or of a variable that
/// carries options.
struct JvmOption {
    word: String,
    location: Location,
    /// The variable that carries it, or `None` for the command line.
    variable: Option<String>,
    /// Written as it is on the line of `location` (a variable not interpolated).
    literal: bool,
}

/// The options the JVM receives, in the order it applies them (`JAVA_TOOL_OPTIONS` first, the
/// command line last, so that a later option wins), and the variables whose options it never
/// reads (`JAVA_OPTS` with `java -jar`: only launch scripts pass it on).
fn options(inputs: &Inputs) -> (Vec<JvmOption>, Vec<(String, Location)>) {
    let runs = inputs.command.map_or(&[][..], |c| &c.runs[..]);
    let runs_java_itself = runs.first().map(|w| basename(&w.text)) == Some("java");
    let mut found = Vec::new();
    let mut ignored = Vec::new();
    for (name, reader) in java::OPTION_VARIABLES {
        let Some(var) = super::environment::resolved(inputs.env, name) else {
            continue;
        };
        let words = shell::split(&var.value);
        if *reader == OptionsReader::LaunchScripts && runs_java_itself {
            if words.iter().any(|w| java::agent_path(&w.text).is_some()) {
                ignored.push((name.to_string(), var.location.clone()));
            }
            continue;
        }
        found.extend(words.into_iter().map(|w| JvmOption {
            word: w.text,
            location: var.location.clone(),
            variable: Some(name.to_string()),
            literal: var.raw == var.value,
        }));
    }
    if runs_java_itself {
        found.extend(
            java::jvm_arguments(runs.iter().skip(1).map(|w| w.text.as_str())).map(|index| {
                JvmOption {
                    word: runs[index + 1].text.clone(),
                    location: runs[index + 1].location.clone(),
                    variable: None,
                    literal: true,
                }
            }),
        );
    } else {
        // Another launcher (a script, `catalina.sh`) passes its own words on as it likes: an
        // agent anywhere among them is loaded.
        found.extend(
            runs.iter()
                .filter(|w| java::agent_path(&w.text).is_some())
                .map(|w| JvmOption {
                    word: w.text.clone(),
                    location: w.location.clone(),
                    variable: None,
                    literal: true,
                }),
        );
    }
    (found, ignored)
}

/// A property the program is given on its command line: a JVM system property (`-Dname=value`,
/// in the JVM's options or a variable that carries them), or, after the jar or main class, a
/// program argument in Spring Boot's form (`--name=value`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JvmProperty {
    pub name: String,
    pub value: String,
    pub location: Location,
    /// Written as it is on the line of `location`.
    pub literal: bool,
    /// `--name=value` after the program, not `-Dname=value`.
    pub argument: bool,
}

impl JvmProperty {
    /// As written: `-Dname` or `--name`.
    pub fn written(&self) -> String {
        let prefix = if self.argument { "--" } else { "-D" };
        format!("{prefix}{}", self.name)
    }
}

/// The system properties the JVM is given, in the order it applies them (a later one wins),
/// then the program's `--name=value` arguments.
pub fn properties(inputs: &Inputs) -> Vec<JvmProperty> {
    let (options, _) = options(inputs);
    let mut properties: Vec<JvmProperty> = options
        .into_iter()
        .filter_map(|option| {
            let (name, value) = java::system_property(&option.word)?;
            Some(JvmProperty {
                name: name.to_string(),
                value: value.to_string(),
                location: option.location,
                literal: option.literal,
                argument: false,
            })
        })
        .collect();
    let runs = inputs.command.map_or(&[][..], |c| &c.runs[..]);
    if runs.first().map(|w| basename(&w.text)) == Some("java") {
        let words = runs.iter().skip(1).map(|w| w.text.as_str());
        let program_start = java::jvm_arguments(words.clone())
            .last()
            .map_or(0, |i| i + 1);
        // The jar (`-jar app.jar`) or the main class, then the program's own arguments.
        let skip = match runs.get(program_start + 1).map(|w| w.text.as_str()) {
            Some("-jar") => program_start + 3,
            _ => program_start + 2,
        };
        properties.extend(runs.iter().skip(skip).filter_map(|word| {
            let (name, value) = word.text.strip_prefix("--")?.split_once('=')?;
            Some(JvmProperty {
                name: name.to_string(),
                value: value.to_string(),
                location: word.location.clone(),
                literal: true,
                argument: true,
            })
        }));
    }
    properties
}

/// The system properties that configure OpenTelemetry (`-Dotel.exporter.otlp.endpoint=...`),
/// as the variables they stand for: the agent and the SDK's autoconfigure read a system
/// property before the environment variable.
pub fn system_properties(properties: &[JvmProperty]) -> Vec<ConfigValue> {
    properties
        .iter()
        .filter(|p| !p.argument)
        .filter_map(|property| {
            Some(ConfigValue {
                variable: java::property_variable(&property.name)?,
                name: property.written(),
                value: property.value.clone(),
                location: property.location.clone(),
                editable: property.literal,
                rank: Rank::OverEnvironment,
            })
        })
        .collect()
}

/// The entries of the agent's configuration files that configure OpenTelemetry, as the
/// variables they stand for, under the environment: `otel.javaagent.configuration-file`
/// (opentelemetry-java-instrumentation's `ConfigurationFile`), and Honeycomb's
/// `HONEYCOMB_CONFIG_FILE` (its `EnvironmentConfiguration` reads it after the environment, and
/// points the agent at it when nothing else does). `file_at` finds the workspace file the
/// container has at a path.
pub fn configuration_files<'a>(
    service: &Workload,
    file_at: impl Fn(&str) -> Option<&'a Parsed<PropertiesFile>>,
) -> Vec<ConfigValue> {
    let workdir = service
        .image_contents
        .as_ref()
        .map_or("/", |i| i.workdir.as_str());
    let mut values = Vec::new();
    for variable in java::CONFIGURATION_FILE_VARIABLES {
        let Some(path) = service.setting(variable).map(|s| s.value.trim()) else {
            continue;
        };
        let Some(file) = file_at(&join_image_path(workdir, path)) else {
            continue;
        };
        values.extend(file.content.entries.iter().filter_map(|entry| {
            let variable = java::property_variable(&entry.key)?;
            Some(ConfigValue::of_property(
                entry,
                &file.path,
                variable,
                Rank::UnderEnvironment,
            ))
        }));
    }
    values
}

/// The JVM facts of a service whose command or environment passes `-javaagent:`.
pub fn resolve(inputs: &Inputs) -> Option<JvmFacts> {
    let runs = inputs.command.map_or(&[][..], |c| &c.runs[..]);
    let program = runs.first().map(|w| basename(&w.text));
    let workdir = inputs.image.map_or("/", |i| i.workdir.as_str());
    let (options, ignored) = options(inputs);
    let found: Vec<(String, Location, Option<String>)> = options
        .into_iter()
        .filter_map(|o| {
            Some((
                java::agent_path(&o.word)?.to_string(),
                o.location,
                o.variable,
            ))
        })
        .collect();
    let mut facts = JvmFacts {
        ignored,
        ..JvmFacts::default()
    };
    if found.is_empty() && facts.ignored.is_empty() {
        return None;
    }
    let looks_java = program.and_then(languages::of_program) == Some(Language::Java)
        || inputs
            .image
            .is_some_and(|i| languages::of_image(&i.base_image) == Some(Language::Java));
    if !looks_java && found.is_empty() {
        return None;
    }
    for (path, location, variable) in found {
        let image_path = join_image_path(workdir, &path);
        // Another container may fill a shared volume (`volumes_from`).
        let (presence, source) = match inputs.image {
            Some(image) if !inputs.shares_volumes => presence(image, &image_path, inputs.volumes),
            _ => (Presence::Unknown, None),
        };
        let agent = source
            .as_deref()
            .and_then(java::agent_of)
            .filter(|a| a.major.is_some() || a.latest)
            .or(inputs.declared_agent)
            .or_else(|| java::agent_of(&path))
            .or_else(|| source.as_deref().and_then(java::agent_of));
        facts.agents.push(JavaAgent {
            path,
            image_path,
            location,
            variable,
            agent,
            presence,
        });
    }
    Some(facts)
}

/// Whether the final image has a file at `image_path`, what put it there (and from which
/// URL or file, which names the agent's version), and whether its user can read it. A volume
/// mounted over the path decides instead of the image.
fn presence(
    image: &ImageContents,
    image_path: &str,
    volumes: &[Volume],
) -> (Presence, Option<String>) {
    if volumes.iter().any(|v| is_within(image_path, &v.target)) {
        return (Presence::Unknown, None);
    }
    match image.file_at(image_path) {
        FileAt::Made {
            by,
            origin,
            private,
        } => {
            let unreadable_for = image
                .user
                .clone()
                .filter(|(name, _)| private && !is_root(name));
            (Presence::Provided { by, unreadable_for }, origin)
        }
        FileAt::Absent if image.starts_clean() => (Presence::Missing, None),
        FileAt::Absent | FileAt::Maybe => (Presence::Unknown, None),
    }
}

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user);
    matches!(name, "root" | "0")
}

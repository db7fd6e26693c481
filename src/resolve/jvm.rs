//! The Java agent of a JVM service: where `-javaagent:` is passed (the command, or
//! `JAVA_TOOL_OPTIONS` and launch-script variables from any layer of the environment: the
//! image's `ENV`, compose `environment` or an `env_file`), whether the final image really has
//! the jar at that path (an `ADD` of its URL, a `COPY`, a `RUN curl -o`, followed through
//! `COPY --from`) or a volume mounts one there, whether the user the container runs as can
//! read it (`ADD <url>` writes mode 600, owned by root), and which agent and version it is
//! (which decides its default protocol).

use super::command::{Command, basename};
use super::environment::EnvVar;
use super::image::{FileAt, ImageContents};
use crate::knowledge::java::{self, Agent, OptionsReader};
use crate::knowledge::languages;
use crate::resolve::image_path::{is_within, join_image_path};
use crate::shell;
use crate::source::Location;
use crate::workspace::Language;
use crate::workspace::workload::Volume;

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

/// The JVM facts of a service whose command or environment passes `-javaagent:`.
pub fn resolve(inputs: &Inputs) -> Option<JvmFacts> {
    let runs = inputs.command.map_or(&[][..], |c| &c.runs[..]);
    let program = runs.first().map(|w| basename(&w.text));
    let runs_java_itself = program == Some("java");
    let workdir = inputs.image.map_or("/", |i| i.workdir.as_str());
    let mut facts = JvmFacts::default();
    let mut found: Vec<(String, Location, Option<String>)> = runs
        .iter()
        .filter_map(|w| {
            Some((
                java::agent_path(&w.text)?.to_string(),
                w.location.clone(),
                None,
            ))
        })
        .collect();
    for (name, reader) in java::OPTION_VARIABLES {
        let Some(var) = inputs.env.iter().find(|v| v.name == *name && v.resolved) else {
            continue;
        };
        for word in shell::split(&var.value) {
            let Some(path) = java::agent_path(&word.text) else {
                continue;
            };
            if *reader == OptionsReader::LaunchScripts && runs_java_itself {
                facts.ignored.push((name.to_string(), var.location.clone()));
            } else {
                found.push((
                    path.to_string(),
                    var.location.clone(),
                    Some(name.to_string()),
                ));
            }
        }
    }
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

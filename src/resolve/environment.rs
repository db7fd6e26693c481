//! A service's environment as the container receives it: the image's `ENV`, then each
//! `env_file`, then `environment` (compose's precedence), every value with its origin; and,
//! over those, what the app's own code writes into its environment before the SDK reads it.

use std::collections::HashMap;
use std::sync::Arc;

use crate::knowledge::languages::EnvWriteMode;
use crate::source::Location;
use crate::workspace::interpolate::{VarOutcome, VarUse};
use crate::workspace::workload::{EnvEntry, Text, WorkloadSpec};
use crate::workspace::{BuildContext, EnvFileState, MissingGenerator, VarSource, Workspace};

/// Which layer supplied the winning value (`from` in the JSON report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvOrigin {
    Environment,
    EnvFile,
    Dockerfile,
    /// A `${VAR:-default}` default was used.
    Default,
    /// The shell that starts a process on this machine passes it on.
    Shell,
    /// The app's code sets it in its own process (`os.environ.setdefault`, `process.env.X ??=`,
    /// `ENV['X'] ||=`, `os.Setenv`).
    Code,
}

impl EnvOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            EnvOrigin::Environment => "environment",
            EnvOrigin::EnvFile => "env_file",
            EnvOrigin::Dockerfile => "dockerfile",
            EnvOrigin::Default => "default",
            EnvOrigin::Shell => "shell",
            EnvOrigin::Code => "code",
        }
    }
}

/// A variable referenced by a value, and how it was resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    pub outcome: VarOutcome,
    pub source: Option<VarSource>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
    /// The value as written, before interpolation.
    pub raw: String,
    pub location: Location,
    pub origin: EnvOrigin,
    pub uses: Vec<VarRef>,
    /// The `<<` merge line that pulled the entry in from an anchor.
    pub merged_at: Option<u32>,
    /// False when compose cannot interpolate the value: what the container would get is
    /// unknown (compose refuses to start), so rules neither read it nor call it missing.
    pub resolved: bool,
}

impl EnvVar {
    /// The referenced variables that were not set and became empty.
    pub fn unset_references(&self) -> impl Iterator<Item = &VarRef> {
        self.uses.iter().filter(|r| r.outcome == VarOutcome::Unset)
    }
}

/// A write to the process environment in the app's own code: `os.environ.setdefault("X",
/// "v")`, `process.env.X ??= "v"`, Ruby's `ENV["X"] ||= "v"`, Go's `os.Setenv`. Each
/// language's code facts record the writes they find; resolution layers them over what the
/// container receives, unless an agent sets the SDK up before the code runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeEnvWrite {
    pub name: String,
    /// `None` when the code computes it in a way not followed here.
    pub value: Option<String>,
    pub mode: EnvWriteMode,
    /// The container's variable the value reads (`"x-honeycomb-team=" +
    /// os.getenv("HONEYCOMB_API_KEY")`): its value inherits where that one came from.
    pub reads: Option<String>,
    /// Where the write is.
    pub location: Location,
}

/// A variable set in a compose file's `environment`, known here: what the evaluators' tests
/// give the code they read.
#[cfg(test)]
pub fn compose_variable(name: &str, value: &str) -> EnvVar {
    EnvVar {
        name: name.into(),
        value: value.into(),
        raw: value.into(),
        location: Location::file_start(&std::sync::Arc::from("docker-compose.yml")),
        origin: EnvOrigin::Environment,
        uses: Vec::new(),
        merged_at: None,
        resolved: true,
    }
}

/// The variable `name` of an environment, when its value is known here.
pub fn resolved<'a>(env: &'a [EnvVar], name: &str) -> Option<&'a EnvVar> {
    env.iter().find(|v| v.name == name && v.resolved)
}

/// The environment once the code's writes have run, in order: a write that applies replaces
/// the variable (its origin is then the code, at the write's file and line); a value not known
/// here makes the variable unknown rather than guessed.
pub fn with_code_writes(env: &[EnvVar], writes: &[CodeEnvWrite]) -> Vec<EnvVar> {
    let mut env = Layers::new(env);
    for write in writes {
        let current = env.get(&write.name).map(|v| v.value.as_str());
        if !write.mode.applies_to(current) {
            continue;
        }
        let value = write.value.clone().unwrap_or_default();
        let uses = write
            .reads
            .as_deref()
            .and_then(|read| env.get(read))
            .map(|read| read.uses.clone())
            .unwrap_or_default();
        env.set(EnvVar {
            name: write.name.clone(),
            raw: value.clone(),
            value,
            location: write.location.clone(),
            origin: EnvOrigin::Code,
            uses,
            merged_at: None,
            resolved: write.value.is_some(),
        });
    }
    env.vars
}

/// `- NAME` / `NAME:` in `environment`: passed from the shell (or `.env`), where it is not set,
/// so compose leaves it out of the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsetPassthrough {
    pub name: String,
    pub location: Location,
}

/// An `env_file` that does not exist: compose refuses to start the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingEnvFile {
    pub path: Arc<str>,
    pub location: Location,
    /// How the project generates it, when it says.
    pub generator: Option<MissingGenerator>,
}

/// What compose gives a container: its variables, the required `env_file`s that are missing,
/// and the variables it was told to pass from a shell that does not have them.
pub struct Resolved {
    pub env: Vec<EnvVar>,
    pub missing_env_files: Vec<MissingEnvFile>,
    pub unset_passthrough: Vec<UnsetPassthrough>,
}

/// `code_loads_dotenv`: the code loads `.env` itself (`load_dotenv()`, `dotenv.config()`),
/// so the env files only it reads count.
pub fn resolve(
    workspace: &Workspace,
    service: &WorkloadSpec,
    image_env: &[EnvVar],
    code_loads_dotenv: bool,
) -> Resolved {
    let mut env = Layers::new(image_env);
    let mut missing = Vec::new();
    for env_file in service
        .env_files
        .iter()
        .filter(|file| code_loads_dotenv || !file.loaded_by_code)
    {
        let path = workspace.project_display(&env_file.path.value);
        match workspace.env_files.get(&path) {
            Some(EnvFileState::Loaded(lines)) => {
                for line in lines {
                    let Some(value) = &line.value else { continue };
                    let var = EnvVar {
                        name: line.name.clone(),
                        value: value.clone(),
                        raw: value.clone(),
                        location: Location::new(&path, line.line, line.column),
                        origin: EnvOrigin::EnvFile,
                        uses: references(workspace, &env_file.path.location.file, &line.uses),
                        merged_at: None,
                        resolved: true,
                    };
                    env.set(with_default_origin(var));
                }
            }
            Some(EnvFileState::Missing(generator)) if env_file.required => {
                missing.push(MissingEnvFile {
                    path,
                    location: env_file.path.location.clone(),
                    generator: generator.clone(),
                });
            }
            _ => {}
        }
    }
    let mut unset_passthrough = Vec::new();
    for entry in &service.environment {
        match from_entry(workspace, entry) {
            Some(var) => env.set(var),
            None => unset_passthrough.push(UnsetPassthrough {
                name: entry.name.clone(),
                location: entry.location.clone(),
            }),
        }
    }
    Resolved {
        env: env.vars,
        missing_env_files: missing,
        unset_passthrough,
    }
}

/// The build arguments a launcher passes to the workload's image build (`build.args`,
/// `--build-arg`), as interpolated.
pub fn build_args(workspace: &Workspace, service: &WorkloadSpec) -> Vec<EnvVar> {
    service
        .build
        .iter()
        .flat_map(|build| &build.args)
        .filter_map(|arg| from_entry(workspace, arg))
        .collect()
}

fn from_entry(workspace: &Workspace, entry: &EnvEntry) -> Option<EnvVar> {
    let variables = workspace.variables_for(&entry.location.file);
    let var = match &entry.value {
        Some(Text {
            value,
            raw,
            uses,
            interpolated,
            ..
        }) => EnvVar {
            name: entry.name.clone(),
            value: value.clone(),
            raw: raw.clone(),
            location: entry.location.clone(),
            origin: EnvOrigin::Environment,
            uses: references(workspace, &entry.location.file, uses),
            merged_at: entry.merged_at,
            resolved: *interpolated,
        },
        // `- NAME` / `NAME:` takes the value from the shell (or `.env`); unset, it is left out.
        None => EnvVar {
            name: entry.name.clone(),
            value: variables.lookup(&entry.name)?,
            raw: String::new(),
            location: entry.location.clone(),
            origin: EnvOrigin::Environment,
            uses: vec![VarRef {
                name: entry.name.clone(),
                outcome: VarOutcome::Value,
                source: variables.source(&entry.name),
            }],
            merged_at: entry.merged_at,
            resolved: true,
        },
    };
    if entry.inherited {
        return Some(EnvVar {
            origin: EnvOrigin::Shell,
            uses: vec![VarRef {
                name: entry.name.clone(),
                outcome: VarOutcome::Value,
                source: Some(VarSource::Shell),
            }],
            ..var
        });
    }
    Some(with_default_origin(var))
}

fn with_default_origin(mut var: EnvVar) -> EnvVar {
    if var.uses.iter().any(|r| r.outcome == VarOutcome::Default) {
        var.origin = EnvOrigin::Default;
    }
    var
}

/// The variables a value uses, with where each got its value: the variables of the compose
/// file that wrote the value (an `include:`d file has its own).
fn references(workspace: &Workspace, file: &str, uses: &[VarUse]) -> Vec<VarRef> {
    let variables = workspace.variables_for(file);
    uses.iter()
        .map(|u| VarRef {
            name: u.name.clone(),
            outcome: u.outcome,
            source: variables.source(&u.name),
        })
        .collect()
}

/// Whether the code of a context loads `.env` into its environment: python-dotenv's
/// `load_dotenv()`, Node's `dotenv` (`import 'dotenv/config'`, `require('dotenv').config()`).
pub fn code_loads_dotenv(context: &BuildContext) -> bool {
    let python = context.python.iter().any(|file| {
        file.content
            .calls
            .iter()
            .any(|call| call.callee.rsplit('.').next() == Some("load_dotenv"))
    });
    let javascript = context.javascript.iter().any(|file| {
        file.content
            .imports
            .iter()
            .any(|import| matches!(import.specifier.as_str(), "dotenv" | "dotenv/config"))
    });
    python || javascript
}

/// The variables of the layers read so far, in the order they were first defined, with where
/// each is: a service may receive thousands, and each is looked up, not searched.
struct Layers {
    vars: Vec<EnvVar>,
    at: HashMap<String, usize>,
}

impl Layers {
    fn new(image_env: &[EnvVar]) -> Self {
        let mut layers = Layers {
            vars: Vec::with_capacity(image_env.len()),
            at: HashMap::with_capacity(image_env.len()),
        };
        for var in image_env {
            layers.set(var.clone());
        }
        layers
    }

    fn get(&self, name: &str) -> Option<&EnvVar> {
        self.at.get(name).map(|&index| &self.vars[index])
    }

    /// Later layers win; the variable keeps the position it was first defined at.
    fn set(&mut self, var: EnvVar) {
        match self.at.get(&var.name) {
            Some(&index) => self.vars[index] = var,
            None => {
                self.at.insert(var.name.clone(), self.vars.len());
                self.vars.push(var);
            }
        }
    }
}

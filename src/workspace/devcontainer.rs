//! The devcontainer launcher: `.devcontainer/devcontainer.json` (or `.devcontainer.json`, or
//! `.devcontainer/NAME/devcontainer.json`), JSON with comments and trailing commas. An image
//! or Dockerfile devcontainer is the container the developer's app runs in: the workspace
//! mounted (its manifests installed the usual way, as `postCreateCommand` does), `containerEnv`
//! then `remoteEnv` (`${localEnv:X}` is this machine's environment, empty when unset;
//! `${containerEnv:X}` the container's), `runArgs` (`-e`, `--env-file`, `--network`, `-p`,
//! `--name`), `build` (its `args` too), and the app a `postStartCommand` or `postAttachCommand`
//! starts. A Docker Compose devcontainer (`dockerComposeFile`, `service`) is that compose
//! service: its environment gains the `remoteEnv`.

use std::collections::HashMap;
use std::sync::Arc;

use super::launch::{self, LaunchKind};
use super::workload::{
    Build, CommandLine, EnvEntry, EnvFileRef, Launcher, Port, Text, Topology, WorkloadSpec,
    relative_path,
};
use super::yaml::{self, Node, NodeKind, YamlError};
use crate::source::Location;

/// What a devcontainer.json declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Devcontainer {
    /// An image or a Dockerfile: a workload of its own.
    Container(Box<WorkloadSpec>),
    /// A compose service is the container: the app runs in it.
    Compose {
        /// The compose files, as workspace paths, in order.
        files: Vec<String>,
        app: Box<ComposeApp>,
    },
}

/// The developer's app in a compose devcontainer's service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposeApp {
    pub service: Text,
    /// `remoteEnv`, which joins the service's environment.
    pub environment: Vec<EnvEntry>,
    /// The workspace folder the service mounts, where the app's code is (a workspace path).
    pub code_dir: Text,
    /// What `postStartCommand` or `postAttachCommand` starts, if they start the app.
    pub command: Option<CommandLine>,
}

impl ComposeApp {
    /// The service as the app runs in it: its environment gains the `remoteEnv`, its code is
    /// the mounted workspace, and its command the app's (a service kept alive with
    /// `sleep infinity` runs nothing of its own). `project_dir` is the compose project's
    /// directory, as a workspace path.
    pub fn apply(&self, spec: &mut WorkloadSpec, project_dir: &str) {
        spec.environment.extend(self.environment.iter().cloned());
        spec.code_dir = Some(Text {
            value: relative_path(project_dir, &self.code_dir.value),
            ..self.code_dir.clone()
        });
        if self.command.is_some() || spec.command.as_ref().is_some_and(keeps_alive) {
            spec.command = self.command.clone();
            spec.entrypoint = None;
        }
    }
}

/// `sleep infinity`, `tail -f /dev/null`, `while sleep 1000; do :; done`: a command that
/// only keeps a devcontainer's service running.
pub fn keeps_alive(command: &CommandLine) -> bool {
    let text = match command {
        CommandLine::Shell(text) => text.value.clone(),
        CommandLine::Exec(words) => words
            .iter()
            .map(|w| w.value.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    };
    let text = text.trim();
    text.starts_with("sleep ")
        || text.contains("while sleep")
        || text == "tail -f /dev/null"
        || text.ends_with("sleep infinity")
}

/// What the devcontainer reads of the workspace.
pub struct Paths<'a> {
    /// The compose project directory, as a workspace path.
    pub project_dir: &'a str,
    /// The name of the workspace's folder (`/workspaces/NAME` in the container).
    pub root_name: &'a str,
}

/// Reads a devcontainer.json. `shell` is this machine's environment (`${localEnv:X}`).
pub fn read(
    file: &Arc<str>,
    text: &str,
    shell: &HashMap<String, String>,
    paths: &Paths,
) -> Result<Option<Devcontainer>, YamlError> {
    let root = yaml::parse(&as_yaml(text))?;
    if !matches!(root.kind, NodeKind::Map(_)) {
        return Err(YamlError {
            line: root.line,
            column: root.column,
            message: format!(
                "devcontainer.json must be an object, found {}",
                root.type_name()
            ),
        });
    }
    // The workspace is the folder that holds `.devcontainer` (or `.devcontainer.json`).
    let folder = match file.find(".devcontainer") {
        Some(0) => ".".to_string(),
        Some(at) => file[..at].trim_end_matches('/').to_string(),
        None => super::folder_of(file).to_string(),
    };
    let reader = Reader {
        file,
        shell,
        folder,
        own_dir: super::folder_of(file).to_string(),
        root_name: paths.root_name,
        container_env: HashMap::new(),
    };
    Ok(reader.devcontainer(&root, paths))
}

/// JSON with comments and trailing commas as YAML that keeps every position: comments and
/// the commas before a closing bracket become spaces.
fn as_yaml(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = bytes.to_vec();
    let mut i = 0;
    let mut last_comma: Option<usize> = None;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                last_comma = None;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    out[i] = b' ';
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |e| i + 2 + e + 2);
                for at in i..end.min(bytes.len()) {
                    if bytes[at] != b'\n' {
                        out[at] = b' ';
                    }
                }
                i = end;
                continue;
            }
            b',' => last_comma = Some(i),
            b'}' | b']' => {
                if let Some(comma) = last_comma.take() {
                    out[comma] = b' ';
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            // Tabs are not YAML indentation; in JSON they are only spacing.
            _ => last_comma = None,
        }
        i += 1;
    }
    for byte in &mut out {
        if *byte == b'\t' {
            *byte = b' ';
        }
    }
    String::from_utf8(out).unwrap_or_default()
}

struct Reader<'a> {
    file: &'a Arc<str>,
    shell: &'a HashMap<String, String>,
    /// The workspace folder the devcontainer mounts.
    folder: String,
    /// The folder of devcontainer.json, which its paths start from.
    own_dir: String,
    root_name: &'a str,
    /// `containerEnv`, which `${containerEnv:X}` of `remoteEnv` reads.
    container_env: HashMap<String, Option<String>>,
}

impl Reader<'_> {
    fn location(&self, node: &Node) -> Location {
        Location::new(self.file, node.line, node.column)
    }

    fn devcontainer(mut self, root: &Node, paths: &Paths) -> Option<Devcontainer> {
        let container_env = self.environment(root.get("containerEnv"));
        for entry in &container_env {
            let value = entry
                .value
                .as_ref()
                .filter(|v| v.interpolated)
                .map(|v| v.value.clone());
            self.container_env.insert(entry.name.clone(), value);
        }
        let remote_env = self.environment(root.get("remoteEnv"));
        let start = self.start_command(root);
        let name_location = root.entries().and_then(|e| e.first()).map_or_else(
            || Location::file_start(self.file),
            |(k, _)| Location::new(self.file, k.line, k.column),
        );
        let text = |value: &str, location: &Location| Text {
            value: value.to_string(),
            raw: String::new(),
            location: location.clone(),
            uses: Vec::new(),
            interpolated: true,
        };
        if let Some(service) = root.get("service").and_then(|s| self.text(s)) {
            let files: Vec<String> = match root.get("dockerComposeFile").map(|f| &f.kind) {
                Some(NodeKind::Scalar(file)) => vec![file.clone()],
                Some(NodeKind::Seq(items)) => items
                    .iter()
                    .filter_map(|i| i.as_scalar().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            };
            let files = files
                .iter()
                .map(|f| launch::join_folder(&self.own_dir, f))
                .collect();
            return Some(Devcontainer::Compose {
                files,
                app: Box::new(ComposeApp {
                    service,
                    environment: remote_env,
                    code_dir: text(&self.folder, &name_location),
                    command: start,
                }),
            });
        }
        let run_args = self.run_args(root.get("runArgs"), paths);
        let image = root.get("image").and_then(|i| self.text(i));
        let build = self.build(root, paths);
        if image.is_none() && build.is_none() {
            return None;
        }
        let mut environment = container_env;
        environment.extend(run_args.env);
        environment.extend(remote_env);
        let network = run_args
            .network
            .unwrap_or_else(|| text("bridge", &name_location));
        Some(Devcontainer::Container(Box::new(WorkloadSpec {
            name: "devcontainer".to_string(),
            location: name_location.clone(),
            launcher: Launcher::Devcontainer,
            image,
            build,
            environment,
            env_files: run_args.env_files,
            command: start,
            entrypoint: None,
            network_mode: Some(network),
            extends: None,
            topology: Topology {
                container_name: run_args.name,
                ..Topology::default()
            },
            volumes: Vec::new(),
            ports: run_args.ports,
            code_dir: Some(text(
                &relative_path(paths.project_dir, &self.folder),
                &name_location,
            )),
        })))
    }

    /// `build: {dockerfile, context, args, target}` (or the older top-level `dockerFile` and
    /// `context`): paths from devcontainer.json's folder.
    fn build(&self, root: &Node, paths: &Paths) -> Option<Build> {
        let build = root.get("build");
        let dockerfile = build
            .and_then(|b| b.get("dockerfile"))
            .or_else(|| root.get("dockerFile"))
            .or_else(|| root.get("dockerfile"))?;
        let context = build
            .and_then(|b| b.get("context"))
            .or_else(|| root.get("context"));
        let dockerfile_path = launch::join_folder(&self.own_dir, dockerfile.as_scalar()?);
        let context_path = launch::join_folder(
            &self.own_dir,
            context.and_then(Node::as_scalar).unwrap_or("."),
        );
        let at = |node: &Node, value: String| Text {
            value,
            raw: node.as_scalar().unwrap_or_default().to_string(),
            location: self.location(node),
            uses: Vec::new(),
            interpolated: true,
        };
        Some(Build {
            context: at(
                context.unwrap_or(dockerfile),
                relative_path(paths.project_dir, &context_path),
            ),
            dockerfile: Some(at(
                dockerfile,
                relative_path(&context_path, &dockerfile_path),
            )),
            target: build
                .and_then(|b| b.get("target"))
                .and_then(|t| self.text(t)),
            args: self.environment(build.and_then(|b| b.get("args"))),
        })
    }

    /// `containerEnv`, `remoteEnv`, `build.args`: a map of names to strings.
    fn environment(&self, node: Option<&Node>) -> Vec<EnvEntry> {
        let Some(entries) = node.and_then(Node::entries) else {
            return Vec::new();
        };
        entries
            .iter()
            // `null` unsets a variable (remoteEnv): it is not set.
            .filter(|(_, value)| value.as_scalar().is_some())
            .map(|(key, value)| EnvEntry {
                name: key.name.clone(),
                location: Location::new(self.file, key.line, key.column),
                value: self.text(value),
                merged_at: None,
                inherited: false,
            })
            .collect()
    }

    /// A string value with `${localEnv:X}`, `${containerEnv:X}` and the workspace folders
    /// substituted.
    fn text(&self, node: &Node) -> Option<Text> {
        let raw = node.as_scalar()?;
        let mut value = String::new();
        let mut uses = Vec::new();
        let mut known = true;
        let mut rest = raw;
        let mut offset = 0;
        while let Some(start) = rest.find("${") {
            value.push_str(&rest[..start]);
            let Some(end) = rest[start..].find('}') else {
                value.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let expression = &rest[start + 2..start + end];
            let at = offset + start;
            let (kind, argument) = expression.split_once(':').unwrap_or((expression, ""));
            match kind {
                "localEnv" | "env" => {
                    let (name, default) = match argument.split_once(':') {
                        Some((name, default)) => (name, Some(default)),
                        None => (argument, None),
                    };
                    let outcome = match (self.shell.get(name), default) {
                        (Some(set), _) => {
                            value.push_str(set);
                            super::interpolate::VarOutcome::Value
                        }
                        (None, Some(default)) => {
                            value.push_str(default);
                            super::interpolate::VarOutcome::Default
                        }
                        // The spec: an unset local variable is the empty string.
                        (None, None) => super::interpolate::VarOutcome::Unset,
                    };
                    uses.push(super::interpolate::VarUse {
                        name: name.to_string(),
                        offset: at,
                        outcome,
                    });
                }
                "containerEnv" => {
                    let name = argument.split(':').next().unwrap_or(argument);
                    match self.container_env.get(name) {
                        Some(Some(set)) => value.push_str(set),
                        _ => known = false,
                    }
                }
                "localWorkspaceFolder" => {
                    value.push_str(&format!("{}{}", launch::WORKSPACE_PATH, self.folder));
                }
                "localWorkspaceFolderBasename" | "containerWorkspaceFolderBasename" => {
                    value.push_str(self.root_name);
                }
                "containerWorkspaceFolder" => {
                    value.push_str(&format!("/workspaces/{}", self.root_name));
                }
                _ => known = false,
            }
            offset += start + end + 1;
            rest = &rest[start + end + 1..];
        }
        value.push_str(rest);
        Some(Text {
            value: value.replace(launch::WORKSPACE_PATH, ""),
            raw: raw.to_string(),
            location: self.location(node),
            uses,
            interpolated: known,
        })
    }

    /// `runArgs`: the `docker run` options VS Code adds.
    fn run_args(&self, node: Option<&Node>, paths: &Paths) -> RunArgs {
        let mut out = RunArgs::default();
        let Some(NodeKind::Seq(items)) = node.map(|n| &n.kind) else {
            return out;
        };
        let words: Vec<Text> = items.iter().filter_map(|item| self.text(item)).collect();
        let mut iter = words.iter();
        while let Some(word) = iter.next() {
            let (flag, inline) = match word.value.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_string())),
                _ => (word.value.as_str(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .map(|value| Text {
                        value,
                        ..word.clone()
                    })
                    .or_else(|| iter.next().cloned())
            };
            match flag {
                "-e" | "--env" => {
                    if let Some(value) = value() {
                        out.env.push(match value.value.split_once('=') {
                            Some((name, set)) => EnvEntry {
                                name: name.to_string(),
                                location: value.location.clone(),
                                value: Some(Text {
                                    value: set.to_string(),
                                    ..value.clone()
                                }),
                                merged_at: None,
                                inherited: false,
                            },
                            None => EnvEntry {
                                name: value.value.clone(),
                                location: value.location.clone(),
                                value: None,
                                merged_at: None,
                                inherited: false,
                            },
                        });
                    }
                }
                "--env-file" => {
                    if let Some(value) = value() {
                        // Relative to the folder `docker run` runs in: the workspace's.
                        let path = launch::join_folder(&self.folder, &value.value);
                        out.env_files.push(EnvFileRef {
                            path: Text {
                                value: relative_path(paths.project_dir, &path),
                                ..value
                            },
                            required: true,
                            loaded_by_code: false,
                        });
                    }
                }
                "--network" | "--net" => out.network = value(),
                "--name" => out.name = value(),
                "-p" | "--publish" => {
                    if let Some(value) = value() {
                        let parts: Vec<&str> = value.value.rsplitn(2, ':').collect();
                        out.ports.push(Port {
                            host_ip: None,
                            published: parts.get(1).map(|p| p.to_string()),
                            target: parts[0].to_string(),
                            protocol: None,
                            location: value.location.clone(),
                        });
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The app `postStartCommand` or `postAttachCommand` starts in the container, if one does:
    /// the first command of them that runs a program of a known language.
    fn start_command(&self, root: &Node) -> Option<CommandLine> {
        for key in ["postAttachCommand", "postStartCommand"] {
            let Some(node) = root.get(key) else {
                continue;
            };
            let scripts: Vec<&Node> = match &node.kind {
                NodeKind::Scalar(_) => vec![node],
                NodeKind::Seq(_) => vec![node],
                NodeKind::Map(entries) => entries.iter().map(|(_, v)| v).collect(),
                NodeKind::Null => Vec::new(),
            };
            for script in scripts {
                let words: Vec<Text> = match &script.kind {
                    NodeKind::Scalar(_) => {
                        let Some(value) = script.as_scalar() else {
                            continue;
                        };
                        let commands =
                            launch::read(self.file, value, LaunchKind::Script, self.shell).commands;
                        // Positions are searched in devcontainer.json itself.
                        let Some(command) = commands.into_iter().find(|c| {
                            c.program().first().is_some_and(|w| {
                                crate::knowledge::languages::of_program(&w.text).is_some()
                            })
                        }) else {
                            continue;
                        };
                        command
                            .program()
                            .iter()
                            .map(|word| Text {
                                value: word.plain(),
                                raw: word.raw.clone(),
                                location: self.location(script),
                                uses: word.uses.clone(),
                                interpolated: word.known,
                            })
                            .collect()
                    }
                    NodeKind::Seq(items) => items.iter().filter_map(|i| self.text(i)).collect(),
                    _ => Vec::new(),
                };
                if words
                    .first()
                    .is_some_and(|w| crate::knowledge::languages::of_program(&w.value).is_some())
                {
                    return Some(CommandLine::Exec(words));
                }
            }
        }
        None
    }
}

#[derive(Default)]
struct RunArgs {
    env: Vec<EnvEntry>,
    env_files: Vec<EnvFileRef>,
    network: Option<Text>,
    name: Option<Text>,
    ports: Vec<Port>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_one(file: &str, text: &str, shell: &[(&str, &str)]) -> Devcontainer {
        let shell: HashMap<String, String> = shell
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let paths = Paths {
            project_dir: ".",
            root_name: "shop",
        };
        read(&Arc::from(file), text, &shell, &paths)
            .expect("parses")
            .expect("a devcontainer")
    }

    const JSONC: &str = "// Python dev container\n{\n\t\"name\": \"api\", /* the image */\n\t\"image\": \"mcr.microsoft.com/devcontainers/python:3.12\",\n\t\"containerEnv\": {\"OTEL_SERVICE_NAME\": \"api\",},\n\t\"remoteEnv\": {\n\t\t\"OTEL_EXPORTER_OTLP_HEADERS\": \"x-honeycomb-team=${localEnv:HONEYCOMB_API_KEY}\",\n\t\t\"PATH\": \"${containerEnv:PATH}:/extra\",\n\t},\n\t\"runArgs\": [\"--env-file\", \".devcontainer/devcontainer.env\", \"-e\", \"A=b\"],\n\t\"postStartCommand\": \"python app.py\",\n}\n";

    #[test]
    fn comments_and_trailing_commas_keep_their_positions() {
        let Devcontainer::Container(spec) = read_one(".devcontainer/devcontainer.json", JSONC, &[])
        else {
            panic!("not a container");
        };
        let names: Vec<&str> = spec.environment.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "OTEL_SERVICE_NAME",
                "A",
                "OTEL_EXPORTER_OTLP_HEADERS",
                "PATH"
            ]
        );
        let headers = &spec.environment[2];
        assert_eq!(
            headers.location.to_string(),
            ".devcontainer/devcontainer.json:7:3"
        );
        let value = headers.value.as_ref().unwrap();
        assert_eq!(value.value, "x-honeycomb-team=");
        assert!(value.interpolated);
        assert_eq!(
            value.uses[0].outcome,
            super::super::interpolate::VarOutcome::Unset
        );
        assert!(!spec.environment[3].value.as_ref().unwrap().interpolated);
        assert_eq!(
            spec.env_files[0].path.value,
            ".devcontainer/devcontainer.env"
        );
        assert_eq!(spec.code_dir.as_ref().map(|d| d.value.as_str()), Some("."));
        assert!(matches!(&spec.command, Some(CommandLine::Exec(w)) if w[0].value == "python"));
    }

    #[test]
    fn the_local_environment_fills_local_env() {
        let Devcontainer::Container(spec) = read_one(
            ".devcontainer/devcontainer.json",
            JSONC,
            &[("HONEYCOMB_API_KEY", "k")],
        ) else {
            panic!("not a container");
        };
        assert_eq!(
            spec.environment[2].value.as_ref().unwrap().value,
            "x-honeycomb-team=k"
        );
    }

    #[test]
    fn a_compose_devcontainer_names_its_service_and_files() {
        let text = "{\n  \"dockerComposeFile\": [\"../docker-compose.yml\", \"docker-compose.extend.yml\"],\n  \"service\": \"app\",\n  \"remoteEnv\": {\"OTEL_SERVICE_NAME\": \"app\"}\n}\n";
        let Devcontainer::Compose { files, app } =
            read_one(".devcontainer/devcontainer.json", text, &[])
        else {
            panic!("not compose");
        };
        assert_eq!(
            files,
            [
                "docker-compose.yml",
                ".devcontainer/docker-compose.extend.yml"
            ]
        );
        assert_eq!(app.service.value, "app");
        assert_eq!(app.code_dir.value, ".");
        assert_eq!(
            app.environment[0].location.to_string(),
            ".devcontainer/devcontainer.json:4:17"
        );
    }

    #[test]
    fn a_dockerfile_build_with_args() {
        let text = "{\n  \"build\": {\"dockerfile\": \"Dockerfile\", \"context\": \"..\", \"args\": {\"OTEL_EXPORTER_OTLP_ENDPOINT\": \"http://collector:4318\"}}\n}\n";
        let Devcontainer::Container(spec) = read_one(".devcontainer/devcontainer.json", text, &[])
        else {
            panic!("not a container");
        };
        let build = spec.build.as_ref().unwrap();
        assert_eq!(build.context.value, ".");
        assert_eq!(
            build.dockerfile.as_ref().map(|d| d.value.as_str()),
            Some(".devcontainer/Dockerfile")
        );
        assert_eq!(build.args[0].name, "OTEL_EXPORTER_OTLP_ENDPOINT");
    }
}

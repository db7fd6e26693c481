//! The `docker run` launcher: a `docker run` (also `docker container run`, `podman run`,
//! `nerdctl run`) line of a script, a Makefile, Justfile or Taskfile target or a
//! `package.json` script, as the workload it starts: its image (or the build a
//! `docker build -t` of the same files tags with that name), `-e`/`--env-file`, the mounts
//! (bind sources mapped to workspace files, so that a collector's config is read), `-p`,
//! `--network`, `--name`/`--network-alias`, `--link`, `--add-host`, `--entrypoint`, and the
//! arguments after the image (`--config`).

use super::launch::{Command, Word};
use super::workload::{
    Build, CommandLine, EnvEntry, EnvFileRef, ExtraHost, Launcher, Link, Port, Text, Topology,
    Volume, WorkloadSpec, has_drive, relative_path,
};
use crate::knowledge::collector as knowledge;

/// Options of `docker run` (and podman's) that take a value; the others are flags. From
/// `docker container run --help` (Docker 27) and `podman run --help` (Podman 5).
const VALUE_OPTIONS: &[&str] = &[
    "add-host",
    "annotation",
    "arch",
    "attach",
    "authfile",
    "blkio-weight",
    "blkio-weight-device",
    "cap-add",
    "cap-drop",
    "cgroup-conf",
    "cgroup-parent",
    "cgroupns",
    "cgroups",
    "chrootdirs",
    "cidfile",
    "conmon-pidfile",
    "cpu-count",
    "cpu-percent",
    "cpu-period",
    "cpu-quota",
    "cpu-rt-period",
    "cpu-rt-runtime",
    "cpu-shares",
    "cpus",
    "cpuset-cpus",
    "cpuset-mems",
    "creds",
    "decryption-key",
    "detach-keys",
    "device",
    "device-cgroup-rule",
    "device-read-bps",
    "device-read-iops",
    "device-write-bps",
    "device-write-iops",
    "dns",
    "dns-option",
    "dns-search",
    "domainname",
    "entrypoint",
    "env",
    "env-file",
    "env-merge",
    "expose",
    "gidmap",
    "gpus",
    "group-add",
    "group-entry",
    "health-cmd",
    "health-interval",
    "health-on-failure",
    "health-retries",
    "health-start-interval",
    "health-start-period",
    "health-timeout",
    "hostname",
    "hostuser",
    "image-volume",
    "init-path",
    "io-maxbandwidth",
    "io-maxiops",
    "ip",
    "ip6",
    "ipc",
    "isolation",
    "kernel-memory",
    "label",
    "label-file",
    "link",
    "link-local-ip",
    "log-driver",
    "log-opt",
    "mac-address",
    "memory",
    "memory-reservation",
    "memory-swap",
    "memory-swappiness",
    "mount",
    "name",
    "net",
    "net-alias",
    "network",
    "network-alias",
    "oom-score-adj",
    "os",
    "passwd-entry",
    "personality",
    "pid",
    "pidfile",
    "pids-limit",
    "platform",
    "pod",
    "pod-id-file",
    "preserve-fd",
    "publish",
    "pull",
    "rdt-class",
    "requires",
    "restart",
    "runtime",
    "sdnotify",
    "seccomp-policy",
    "secret",
    "security-opt",
    "shm-size",
    "shm-size-systemd",
    "stop-signal",
    "stop-timeout",
    "storage-opt",
    "subgidname",
    "subuidname",
    "sysctl",
    "systemd",
    "timeout",
    "tmpfs",
    "tz",
    "uidmap",
    "ulimit",
    "umask",
    "unsetenv",
    "user",
    "userns",
    "uts",
    "variant",
    "volume",
    "volume-driver",
    "volumes-from",
    "workdir",
];

/// Short options that take a value (`-e`, `-p`, `-v`, ...); the others (`-d`, `-i`, `-t`,
/// `-P`, `-q`) are flags and may be grouped (`-dit`).
const SHORT_VALUE_OPTIONS: &[u8] = b"acehlmpuvw";

/// How paths of the launcher files relate to the compose project whose directory every path
/// of a workload is relative to.
pub struct Paths<'a> {
    /// The compose project directory, as a workspace path (`.` without compose files).
    pub project_dir: &'a str,
    /// Whether a workspace path exists.
    pub exists: &'a dyn Fn(&str) -> bool,
}

impl Paths<'_> {
    fn project_relative(&self, workspace_path: &str) -> String {
        relative_path(self.project_dir, workspace_path)
    }
}

/// `docker build -t NAME CONTEXT`: an image the workspace builds, by the name it tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageBuild {
    pub tag: String,
    /// The build context, as a workspace path.
    pub context: String,
    /// `-f`, as a workspace path.
    pub dockerfile: Option<String>,
    pub target: Option<String>,
    /// `--build-arg NAME=value`.
    pub args: Vec<Word>,
    pub context_word: Word,
}

/// The arguments after `run` when the command runs a container, after `build` when it builds
/// an image.
fn subcommand<'a>(command: &'a Command, wanted: &str) -> Option<&'a [Word]> {
    let words = command.program();
    let (program, rest) = words.split_first()?;
    let tool = program.text.rsplit('/').next().unwrap_or_default();
    if !matches!(tool, "docker" | "podman" | "nerdctl") {
        return None;
    }
    // Global options before the subcommand (`docker --context ci run`).
    let mut at = 0;
    while let Some(word) = rest.get(at) {
        match word.text.as_str() {
            "--context" | "-c" | "-H" | "--host" | "--config" | "-l" | "--log-level"
            | "--connection" | "--url" | "--root" | "--runroot" => at += 2,
            text if text.starts_with('-') => at += 1,
            _ => break,
        }
    }
    let rest = rest.get(at..)?;
    match rest {
        [first, tail @ ..] if first.text == wanted => Some(tail),
        [first, second, tail @ ..]
            if matches!(first.text.as_str(), "container" | "image" | "buildx")
                && second.text == wanted =>
        {
            Some(tail)
        }
        _ => None,
    }
}

/// The image a `docker build` command tags, and its context.
pub fn image_build(command: &Command) -> Option<ImageBuild> {
    let args = subcommand(command, "build")?;
    let mut tags = Vec::new();
    let mut dockerfile = None;
    let mut target = None;
    let mut context = None;
    let mut build_args = Vec::new();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let (flag, inline) = match word.text.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_string())),
            _ => (word.text.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| words.next().map(|w| w.text.clone()))
        };
        match flag {
            "-t" | "--tag" => tags.extend(value()),
            "-f" | "--file" => dockerfile = value(),
            "--target" => target = value(),
            "--build-arg" => {
                let word = match &inline {
                    Some(inline) => Some(valued(word, inline)),
                    None => words.next().cloned(),
                };
                build_args.extend(word);
            }
            flag if flag.starts_with('-') => {
                if BUILD_VALUE_OPTIONS.contains(&flag.trim_start_matches('-')) && inline.is_none() {
                    words.next();
                }
            }
            _ => context = Some(word.clone()),
        }
    }
    let context_word = context?;
    let in_workspace = |text: &str| {
        super::launch::workspace_path(text)
            .unwrap_or_else(|| super::launch::join_folder(&command.cwd, text))
    };
    if !context_word.known || context_word.text.starts_with('/') || context_word.text == "-" {
        return None;
    }
    let tag = tags.into_iter().next()?;
    Some(ImageBuild {
        tag,
        context: in_workspace(&context_word.text),
        dockerfile: dockerfile.map(|d| in_workspace(&d)),
        target,
        args: build_args,
        context_word,
    })
}

const BUILD_VALUE_OPTIONS: &[&str] = &[
    "add-host",
    "allow",
    "annotation",
    "attest",
    "build-arg",
    "build-context",
    "builder",
    "cache-from",
    "cache-to",
    "call",
    "cgroup-parent",
    "iidfile",
    "label",
    "load",
    "metadata-file",
    "network",
    "output",
    "o",
    "platform",
    "progress",
    "provenance",
    "sbom",
    "secret",
    "shm-size",
    "ssh",
    "ulimit",
];

/// The workload a `docker run` line starts.
pub fn workload(command: &Command, builds: &[ImageBuild], paths: &Paths) -> Option<WorkloadSpec> {
    let args = subcommand(command, "run")?;
    let run_word = command
        .program()
        .iter()
        .find(|w| w.text == "run")
        .unwrap_or(&command.words[0]);
    let mut line = RunLine::default();
    let mut index = 0;
    while let Some(word) = args.get(index) {
        index += 1;
        let text = word.text.as_str();
        if text == "--" {
            break;
        }
        if let Some(long) = text.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (long, None),
            };
            if !VALUE_OPTIONS.contains(&name) {
                line.detached |= name == "detach";
                continue;
            }
            let value = match inline {
                Some(value) => Some(valued(word, value)),
                None => {
                    index += 1;
                    args.get(index - 1).cloned()
                }
            };
            if let Some(value) = value {
                line.option(name, value);
            }
            continue;
        }
        if let Some(short) = text.strip_prefix('-').filter(|s| !s.is_empty()) {
            // `-dit`, `-p4318:4318`, `-e NAME=value`.
            let bytes = short.as_bytes();
            for (at, flag) in bytes.iter().enumerate() {
                if !SHORT_VALUE_OPTIONS.contains(flag) {
                    line.detached |= *flag == b'd';
                    continue;
                }
                let rest = &short[at + 1..];
                let value = if rest.is_empty() {
                    index += 1;
                    args.get(index - 1).cloned()
                } else {
                    Some(valued(word, rest.trim_start_matches('=')))
                };
                if let Some(value) = value {
                    line.option(short_name(*flag), value);
                }
                break;
            }
            continue;
        }
        line.image = Some(word.clone());
        line.arguments = args[index..].to_vec();
        break;
    }
    // A container left running (detached, or publishing a port) is a service of the
    // workspace, whatever it runs.
    let line_is_a_service = line.detached || !line.ports.is_empty();
    if line.image.is_none() {
        // After `--`.
        line.image = args.get(index).cloned();
        line.arguments = args
            .get(index + 1..)
            .map(<[Word]>::to_vec)
            .unwrap_or_default();
    }
    let image = line.image.clone()?;
    let spec = line.into_spec(command, run_word, &image, builds, paths);
    (line_is_a_service || matters(&spec)).then_some(spec)
}

/// Whether a container matters to tracing: a collector or a tracing backend, a container
/// given OpenTelemetry or Honeycomb settings, or an image built from the workspace. A one-shot
/// tool (`docker run --rm -v $(pwd):/src hadolint/hadolint`) is none of these.
fn matters(spec: &WorkloadSpec) -> bool {
    let image = spec.image.as_ref().map_or("", |i| i.value.as_str());
    knowledge::collector_image(image).is_some()
        || knowledge::backend_of_image(image).is_some()
        || spec.build.is_some()
        || spec
            .environment
            .iter()
            .any(|e| e.name.starts_with("OTEL_") || e.name.starts_with("HONEYCOMB_"))
}

/// An option's value written in the option's own word (`--env=A=b`, `-p4318:4318`).
fn valued(word: &Word, value: &str) -> Word {
    Word {
        text: value.to_string(),
        ..word.clone()
    }
}

fn short_name(flag: u8) -> &'static str {
    match flag {
        b'a' => "attach",
        b'c' => "cpu-shares",
        b'e' => "env",
        b'h' => "hostname",
        b'l' => "label",
        b'm' => "memory",
        b'p' => "publish",
        b'u' => "user",
        b'v' => "volume",
        _ => "workdir",
    }
}

#[derive(Default)]
struct RunLine {
    detached: bool,
    image: Option<Word>,
    arguments: Vec<Word>,
    env: Vec<Word>,
    env_files: Vec<Word>,
    volumes: Vec<Word>,
    mounts: Vec<Word>,
    ports: Vec<Word>,
    name: Option<Word>,
    network: Option<Word>,
    aliases: Vec<Word>,
    links: Vec<Word>,
    hosts: Vec<Word>,
    entrypoint: Option<Word>,
}

impl RunLine {
    fn option(&mut self, name: &str, value: Word) {
        match name {
            "env" => self.env.push(value),
            "env-file" => self.env_files.push(value),
            "volume" => self.volumes.push(value),
            "mount" => self.mounts.push(value),
            "publish" => self.ports.push(value),
            "name" => self.name = Some(value),
            "network" | "net" => self.network = Some(value),
            "network-alias" | "net-alias" => self.aliases.push(value),
            "link" => self.links.push(value),
            "add-host" => self.hosts.push(value),
            "entrypoint" => self.entrypoint = Some(value),
            _ => {}
        }
    }

    fn into_spec(
        self,
        command: &Command,
        run_word: &Word,
        image: &Word,
        builds: &[ImageBuild],
        paths: &Paths,
    ) -> WorkloadSpec {
        let name = self
            .name
            .as_ref()
            .filter(|n| n.known && !n.text.is_empty())
            .map_or_else(|| image_name(&image.text), |n| n.text.clone());
        let build = builds
            .iter()
            .find(|b| same_image(&b.tag, &image.text))
            .map(|b| Build {
                context: text_of(&b.context_word, paths.project_relative(&b.context)),
                dockerfile: b.dockerfile.as_ref().map(|d| {
                    let relative = relative_path(&b.context, d);
                    text_of(&b.context_word, relative)
                }),
                target: b
                    .target
                    .as_ref()
                    .map(|t| text_of(&b.context_word, t.clone())),
                args: b.args.iter().map(env_entry).collect(),
            });
        let network = self.network.as_ref().map_or_else(
            || Text {
                value: "bridge".into(),
                raw: String::new(),
                location: run_word.location.clone(),
                uses: Vec::new(),
                interpolated: true,
            },
            plain_text,
        );
        let environment = self.env.iter().map(env_entry).collect();
        let env_files = self
            .env_files
            .iter()
            .map(|file| EnvFileRef {
                path: text_of(file, paths.project_relative(&host_path(file, command))),
                required: true,
                loaded_by_code: false,
            })
            .collect();
        let volumes = self
            .volumes
            .iter()
            .filter_map(|v| short_volume(v, command, paths))
            .chain(self.mounts.iter().filter_map(|m| mount(m, command, paths)))
            .collect();
        let topology = Topology {
            container_name: self.name.as_ref().map(plain_text),
            aliases: self.aliases.iter().map(plain_text).collect(),
            links: self
                .links
                .iter()
                .map(|link| {
                    let (service, alias) = match link.text.split_once(':') {
                        Some((service, alias)) => (service.to_string(), Some(alias.to_string())),
                        None => (link.text.clone(), None),
                    };
                    Link {
                        service,
                        alias,
                        location: link.location.clone(),
                    }
                })
                .collect(),
            extra_hosts: self
                .hosts
                .iter()
                .filter_map(|host| {
                    let (name, address) = host.text.split_once([':', '='])?;
                    Some(ExtraHost {
                        name: name.to_string(),
                        address: address.to_string(),
                        location: host.location.clone(),
                    })
                })
                .collect(),
            ..Topology::default()
        };
        WorkloadSpec {
            name,
            location: command.location().clone(),
            launcher: Launcher::DockerRun,
            image: Some(plain_text(image)),
            build,
            environment,
            env_files,
            command: (!self.arguments.is_empty())
                .then(|| CommandLine::Exec(self.arguments.iter().map(plain_text).collect())),
            entrypoint: self
                .entrypoint
                .as_ref()
                .map(|e| CommandLine::Exec(vec![plain_text(e)])),
            network_mode: Some(network),
            extends: None,
            topology,
            volumes,
            ports: self.ports.iter().filter_map(port).collect(),
            code_dir: None,
        }
    }
}

/// The name `docker run` workloads go by without `--name`: the image's, without registry,
/// tag or digest (`otel/opentelemetry-collector-contrib:0.114.0` is
/// `opentelemetry-collector-contrib`).
fn image_name(image: &str) -> String {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    let name = last.split(':').next().unwrap_or(last);
    if name.is_empty() {
        "container".to_string()
    } else {
        name.to_string()
    }
}

/// A tag and an image reference name the same image (`app` is `app:latest`).
fn same_image(tag: &str, image: &str) -> bool {
    let normalize = |name: &str| {
        let last = name.rsplit('/').next().unwrap_or(name);
        if last.contains(':') {
            name.to_string()
        } else {
            format!("{name}:latest")
        }
    };
    normalize(tag) == normalize(image)
}

fn plain_text(word: &Word) -> Text {
    text_of(word, word.plain())
}

fn text_of(word: &Word, value: String) -> Text {
    Text {
        value,
        raw: word.raw.clone(),
        location: word.location.clone(),
        uses: word.uses.clone(),
        interpolated: word.known,
    }
}

/// `-e NAME=value`, or `-e NAME`, which passes the variable from docker's own environment.
fn env_entry(word: &Word) -> EnvEntry {
    let text = word.plain();
    match text.split_once('=') {
        Some((name, value)) => EnvEntry {
            name: name.to_string(),
            location: word.location.clone(),
            value: Some(Text {
                value: value.to_string(),
                raw: word
                    .raw
                    .split_once('=')
                    .map_or_else(|| word.raw.clone(), |(_, raw)| raw.to_string()),
                location: word.location.clone(),
                uses: word.uses.clone(),
                interpolated: word.known,
            }),
            merged_at: None,
            inherited: false,
        },
        None => EnvEntry {
            name: text,
            location: word.location.clone(),
            value: None,
            merged_at: None,
            inherited: false,
        },
    }
}

/// A host path as the workspace knows it: `$(pwd)/x` and relative paths start from the folder
/// the command runs in.
fn host_path(word: &Word, command: &Command) -> String {
    word.workspace_path()
        .unwrap_or_else(|| super::launch::join_folder(&command.cwd, &word.text))
}

/// A bind source in the workspace, relative to the compose project: from the folder the
/// command runs in or, when nothing is there and the file is beside the script (a script run
/// from its own folder), from the script's folder.
fn bind_source(source: &str, command: &Command, paths: &Paths) -> String {
    let from_cwd = super::launch::workspace_path(source)
        .unwrap_or_else(|| super::launch::join_folder(&command.cwd, source));
    let beside_script = || {
        let relative = source
            .strip_prefix(super::launch::WORKSPACE_PATH)
            .map(|rest| {
                rest.strip_prefix(&command.cwd)
                    .map_or(rest, |r| r.trim_start_matches('/'))
                    .to_string()
            })
            .unwrap_or_else(|| source.to_string());
        super::launch::join_folder(&command.file_dir, &relative)
    };
    let chosen = if (paths.exists)(&from_cwd) || command.cwd == command.file_dir {
        from_cwd
    } else {
        let beside = beside_script();
        if (paths.exists)(&beside) {
            beside
        } else {
            from_cwd
        }
    };
    paths.project_relative(&chosen)
}

/// Whether a `-v`/`--mount` source is a host path (not a named volume).
fn is_host_path(source: &str) -> bool {
    source.starts_with(super::launch::WORKSPACE_PATH)
        || source.starts_with(['.', '/', '~'])
        || has_drive(source)
}

/// `-v SOURCE:TARGET[:OPTIONS]` or `-v TARGET` (anonymous).
fn short_volume(word: &Word, command: &Command, paths: &Paths) -> Option<Volume> {
    let text = word.text.as_str();
    let (source, rest) = if has_drive(text) {
        let (drive, rest) = text.split_at(2);
        let (path, rest) = rest.split_once(':')?;
        (Some(format!("{drive}{path}")), rest)
    } else {
        match text.split_once(':') {
            Some((source, rest)) => (Some(source.to_string()), rest),
            None => (None, text),
        }
    };
    let target = rest.split(':').next().unwrap_or(rest).to_string();
    Some(volume(word, source, target, false, command, paths))
}

/// `--mount type=bind,source=...,target=...` (`src`, `dst`, `destination` too).
fn mount(word: &Word, command: &Command, paths: &Paths) -> Option<Volume> {
    let mut kind = "volume";
    let mut source = None;
    let mut target = None;
    for field in word.text.split(',') {
        let (key, value) = field.split_once('=').unwrap_or((field, ""));
        match key.trim() {
            "type" => kind = if value == "bind" { "bind" } else { "other" },
            "source" | "src" => source = Some(value.to_string()),
            "target" | "dst" | "destination" => target = Some(value.to_string()),
            _ => {}
        }
    }
    let target = target?;
    let mut volume = volume(word, source, target, true, command, paths);
    volume.bind = kind == "bind";
    Some(volume)
}

fn volume(
    word: &Word,
    source: Option<String>,
    target: String,
    long_syntax: bool,
    command: &Command,
    paths: &Paths,
) -> Volume {
    let bind = source.as_deref().is_some_and(is_host_path);
    let source = source.map(|source| {
        let in_workspace =
            source.starts_with(super::launch::WORKSPACE_PATH) || source.starts_with('.');
        let value = if in_workspace {
            bind_source(&source, command, paths)
        } else {
            source.clone()
        };
        text_of(word, value)
    });
    Volume {
        source,
        target,
        bind,
        long_syntax,
        location: word.location.clone(),
    }
}

/// `-p [IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`.
fn port(word: &Word) -> Option<Port> {
    let text = word.plain();
    let (spec, protocol) = match text.split_once('/') {
        Some((spec, protocol)) => (spec.to_string(), Some(protocol.to_string())),
        None => (text.clone(), None),
    };
    let (host_ip, rest) = match spec.strip_prefix('[') {
        Some(rest) => {
            let (ip, rest) = rest.split_once("]:")?;
            (Some(ip.to_string()), rest.to_string())
        }
        None => (None, spec.clone()),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let (host_ip, published, target) = match parts.as_slice() {
        [target] => (host_ip, None, *target),
        [published, target] => (host_ip, Some(*published), *target),
        [ip, published, target] => (Some(ip.to_string()), Some(*published), *target),
        _ => return None,
    };
    Some(Port {
        host_ip,
        published: published.filter(|p| !p.is_empty()).map(str::to_string),
        target: target.to_string(),
        protocol,
        location: word.location.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::launch::{self, LaunchKind};
    use super::*;
    use std::collections::HashMap;
    use std::sync::Arc;

    fn specs(file: &str, text: &str, existing: &[&str]) -> Vec<WorkloadSpec> {
        let script = launch::read(&Arc::from(file), text, LaunchKind::Script, &HashMap::new());
        let builds: Vec<ImageBuild> = script.commands.iter().filter_map(image_build).collect();
        let exists = |path: &str| existing.contains(&path);
        let paths = Paths {
            project_dir: ".",
            exists: &exists,
        };
        script
            .commands
            .iter()
            .filter_map(|c| workload(c, &builds, &paths))
            .collect()
    }

    #[test]
    fn a_collector_started_by_a_script() {
        let text = "#!/usr/bin/env bash\nset -e\ndocker run -d --rm --name otel-collector \\\n  -p 4317:4317 -p 127.0.0.1:4318:4318 \\\n  -e HONEYCOMB_API_KEY \\\n  -e OTEL_LOG=debug \\\n  -v \"$(pwd)/otel-collector.yaml:/etc/otelcol-contrib/config.yaml:ro\" \\\n  --network observability \\\n  otel/opentelemetry-collector-contrib:0.114.0 --config=/etc/otelcol-contrib/config.yaml\n";
        let found = specs("scripts/collector.sh", text, &["otel-collector.yaml"]);
        assert_eq!(found.len(), 1);
        let spec = &found[0];
        assert_eq!(spec.name, "otel-collector");
        assert_eq!(spec.launcher, Launcher::DockerRun);
        assert_eq!(
            spec.image.as_ref().map(|i| i.value.as_str()),
            Some("otel/opentelemetry-collector-contrib:0.114.0")
        );
        assert_eq!(spec.ports.len(), 2);
        assert_eq!(spec.ports[1].host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(spec.environment[0].name, "HONEYCOMB_API_KEY");
        assert!(spec.environment[0].value.is_none());
        assert_eq!(
            spec.environment[1].value.as_ref().map(|v| v.value.as_str()),
            Some("debug")
        );
        let volume = &spec.volumes[0];
        assert_eq!(volume.project_source(), Some("otel-collector.yaml"));
        assert_eq!(volume.target, "/etc/otelcol-contrib/config.yaml");
        assert_eq!(volume.location.to_string(), "scripts/collector.sh:7:6");
        assert_eq!(
            spec.network_mode.as_ref().map(|n| n.value.as_str()),
            Some("observability")
        );
        let Some(CommandLine::Exec(arguments)) = &spec.command else {
            panic!("{:?}", spec.command);
        };
        assert_eq!(
            arguments[0].value,
            "--config=/etc/otelcol-contrib/config.yaml"
        );
    }

    #[test]
    fn a_bind_source_beside_the_script_when_the_root_has_none() {
        let text =
            "docker run -v ./otel.yaml:/etc/otelcol/config.yaml otel/opentelemetry-collector\n";
        let found = specs("deploy/run.sh", text, &["deploy/otel.yaml"]);
        assert_eq!(
            found[0].volumes[0].project_source(),
            Some("deploy/otel.yaml")
        );
        let found = specs("deploy/run.sh", text, &["otel.yaml"]);
        assert_eq!(found[0].volumes[0].project_source(), Some("otel.yaml"));
    }

    #[test]
    fn options_grouped_inline_and_after_the_image() {
        let text = "podman container run -dit -eA=1 --env=B=2 -p4318:4318 --mount type=bind,src=./c.yaml,dst=/c.yaml --entrypoint /otelcol my/collector --config /c.yaml\n";
        let spec = &specs("run.sh", text, &[])[0];
        assert_eq!(spec.name, "collector");
        let names: Vec<&str> = spec.environment.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["A", "B"]);
        assert_eq!(spec.ports[0].published.as_deref(), Some("4318"));
        assert!(spec.volumes[0].bind && spec.volumes[0].long_syntax);
        assert_eq!(spec.volumes[0].project_source(), Some("c.yaml"));
        assert!(matches!(&spec.entrypoint, Some(CommandLine::Exec(e)) if e[0].value == "/otelcol"));
        assert_eq!(
            spec.network_mode.as_ref().map(|n| n.value.as_str()),
            Some("bridge")
        );
    }

    #[test]
    fn an_image_built_by_the_same_script_is_its_build() {
        let text = "docker build -t my-api:dev -f api/Dockerfile.dev ./api\ndocker run --rm my-api:dev\ndocker compose run web\n";
        let found = specs("run.sh", text, &[]);
        assert_eq!(found.len(), 1);
        let build = found[0].build.as_ref().expect("the build");
        assert_eq!(build.context.value, "api");
        assert_eq!(
            build.dockerfile.as_ref().map(|d| d.value.as_str()),
            Some("Dockerfile.dev")
        );
    }

    #[test]
    fn image_names() {
        assert_eq!(
            image_name("otel/opentelemetry-collector-contrib:0.114.0"),
            "opentelemetry-collector-contrib"
        );
        assert_eq!(image_name("ghcr.io/a/b@sha256:00"), "b");
        assert!(same_image("app", "app:latest"));
        assert!(!same_image("app:dev", "app"));
    }
}

//! A workload as its launcher declares it: what runs (image or build, command), with which
//! environment, mounts and ports, on which network and under which names. A compose service
//! is one; every launcher module turns its own files into these, and resolution, rules and
//! `fix` work on them whatever launched them.

use crate::source::Location;

use super::interpolate::VarUse;

/// What starts a workload. Rules never ask; the report's wording and the file `fix` edits do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Launcher {
    /// A service of a compose project.
    Compose,
    /// An image built from a Dockerfile that nothing in the workspace runs: started by hand
    /// (`docker run`), so its variables are set where it runs.
    Image,
    /// A `docker run` (or `podman run`) line of a script, a Makefile, Justfile or Taskfile
    /// target, or a `package.json` script.
    DockerRun,
    /// A development container (`.devcontainer/devcontainer.json`).
    Devcontainer,
    /// A process started on this machine (a `package.json` script, a Procfile entry, a
    /// Makefile target, a script): no container, the host's network and environment.
    Host,
    /// A container of a Kubernetes pod template (a Pod, Deployment, StatefulSet, DaemonSet,
    /// ReplicaSet, Job or CronJob).
    Kubernetes,
}

impl Launcher {
    /// Its stable name in machine-readable reports.
    pub fn id(self) -> &'static str {
        match self {
            Launcher::Compose => "compose",
            Launcher::Image => "image",
            Launcher::DockerRun => "docker-run",
            Launcher::Devcontainer => "devcontainer",
            Launcher::Host => "host",
            Launcher::Kubernetes => "kubernetes",
        }
    }
}

/// A scalar after interpolation, with the text as written and the variables it used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub value: String,
    pub raw: String,
    pub location: Location,
    pub uses: Vec<VarUse>,
    /// False when compose cannot interpolate it (`value` is then the raw text).
    pub interpolated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadSpec {
    pub name: String,
    pub location: Location,
    pub launcher: Launcher,
    pub image: Option<Text>,
    pub build: Option<Build>,
    pub environment: Vec<EnvEntry>,
    pub env_files: Vec<EnvFileRef>,
    pub command: Option<CommandLine>,
    pub entrypoint: Option<CommandLine>,
    pub network_mode: Option<Text>,
    /// `extends:` another service, of this file or of `file`.
    pub extends: Option<Extends>,
    /// The names it answers to, the services it needs, the profiles that start it.
    pub topology: Topology,
    pub volumes: Vec<Volume>,
    pub ports: Vec<Port>,
    /// The workspace folder it runs from when no image build copies it (a process on this
    /// machine, the workspace a devcontainer mounts): its code, manifests and `.env`.
    pub code_dir: Option<Text>,
}

/// A `volumes` entry: `./otel.yaml:/etc/otelcol/config.yaml:ro` or its long form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    /// The host path or volume name as written, interpolated; `None` for an anonymous volume.
    pub source: Option<Text>,
    /// The path inside the container.
    pub target: String,
    /// A host path (`./x`, `/x`, `~/x`, `type: bind`), not a named volume.
    pub bind: bool,
    /// Long syntax: Docker refuses a missing source instead of creating a directory there.
    pub long_syntax: bool,
    pub location: Location,
}

impl Volume {
    /// The source, when it is a path of this machine that can be resolved here (`./otel.yaml`,
    /// `/etc/otel.yaml`): not a named volume, not `~/...` nor a Windows drive. Whether it is in
    /// the workspace is the loader's call (see `workspace::boundary`).
    pub fn host_source(&self) -> Option<&str> {
        let source = self.source.as_ref().filter(|_| self.bind)?;
        let value = source.value.as_str();
        let unresolved = value.starts_with('~') || has_drive(value);
        (!unresolved).then_some(value)
    }
}

/// A `ports` entry: `"127.0.0.1:4318:4318/tcp"` or its long form. Ranges stay as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    pub host_ip: Option<String>,
    /// The port on the host; `None`: Docker picks one.
    pub published: Option<String>,
    pub target: String,
    pub protocol: Option<String>,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extends {
    pub service: String,
    pub file: Option<Text>,
    pub location: Location,
}

/// One `environment` entry. `value` is `None` for `KEY` / `KEY:` without a value, which compose
/// fills from the shell environment (or leaves out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvEntry {
    pub name: String,
    pub location: Location,
    pub value: Option<Text>,
    /// The line of the `<<` merge that pulled this entry in from an anchor, if it did.
    pub merged_at: Option<u32>,
    /// The shell that starts a process on this machine passes it on (its value is the
    /// shell's); `location` is where the process is started.
    pub inherited: bool,
}

/// `command` / `entrypoint`: a string compose splits into words, or a list of words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandLine {
    Shell(Text),
    Exec(Vec<Text>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    pub context: Text,
    pub dockerfile: Option<Text>,
    pub target: Option<Text>,
    /// Build arguments (`build.args`, `--build-arg`): the Dockerfile's `ARG`s at build time.
    pub args: Vec<EnvEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFileRef {
    pub path: Text,
    pub required: bool,
    /// Read only when the code loads it (`load_dotenv()`, `dotenv.config()`): python-dotenv
    /// and dotenv never override what the environment already has, so it lies under the rest.
    pub loaded_by_code: bool,
}

/// How a service relates to the rest of the project: the names other containers reach it by,
/// the names only it resolves, the services it needs, and the profiles that start it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Topology {
    /// `container_name`: on the project's networks it resolves like the service name.
    pub container_name: Option<Text>,
    /// `networks: {NET: {aliases: [...]}}`: more names for the service on that network.
    pub aliases: Vec<Text>,
    /// `links: [SERVICE]` or `[SERVICE:ALIAS]`: the alias resolves in this container only.
    pub links: Vec<Link>,
    /// `extra_hosts`: lines of this container's `/etc/hosts`.
    pub extra_hosts: Vec<ExtraHost>,
    /// `profiles`: none means the service always starts; otherwise only when one is enabled.
    pub profiles: Vec<Text>,
    pub depends_on: Vec<Text>,
    /// `volumes_from: [SERVICE]` (`container:NAME` names a container, not a service).
    pub volumes_from: Vec<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub service: String,
    pub alias: Option<String>,
    pub location: Location,
}

/// `NAME:ADDRESS` or `NAME=ADDRESS` (`host.docker.internal:host-gateway`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraHost {
    pub name: String,
    pub address: String,
    pub location: Location,
}

impl Topology {
    /// Another file's (or a derived service's) settings over these: compose's merge keeps a
    /// single `container_name` and appends lists, without repeats.
    pub fn merge(&mut self, over: Topology) {
        fn append<T: PartialEq>(into: &mut Vec<T>, from: Vec<T>, same: impl Fn(&T, &T) -> bool) {
            for item in from {
                if !into.iter().any(|existing| same(existing, &item)) {
                    into.push(item);
                }
            }
        }
        let same_text = |a: &Text, b: &Text| a.value == b.value;
        if over.container_name.is_some() {
            self.container_name = over.container_name;
        }
        append(&mut self.aliases, over.aliases, same_text);
        append(&mut self.links, over.links, |a, b| {
            a.service == b.service && a.alias == b.alias
        });
        append(&mut self.extra_hosts, over.extra_hosts, |a, b| {
            a.name == b.name && a.address == b.address
        });
        append(&mut self.profiles, over.profiles, same_text);
        append(&mut self.depends_on, over.depends_on, same_text);
        append(&mut self.volumes_from, over.volumes_from, same_text);
    }
}

impl WorkloadSpec {
    /// The folder whose files the workload runs: its build context, or the folder it runs
    /// from without one.
    pub fn source_dir(&self) -> Option<&Text> {
        self.build
            .as_ref()
            .map(|b| &b.context)
            .or(self.code_dir.as_ref())
    }

    /// The services this one cannot start without, as compose checks them: `depends_on`,
    /// `links`, `volumes_from`, `network_mode: service:NAME`, and `extends` within the project.
    pub fn needed_services(&self) -> Vec<(&str, &Location)> {
        let topology = &self.topology;
        let mut needed: Vec<(&str, &Location)> = topology
            .depends_on
            .iter()
            .map(|d| (d.value.as_str(), &d.location))
            .chain(
                topology
                    .links
                    .iter()
                    .map(|l| (l.service.as_str(), &l.location)),
            )
            .collect();
        for volumes in &topology.volumes_from {
            if !volumes.value.starts_with("container:") {
                let service = volumes.value.split(':').next().unwrap_or_default();
                needed.push((service, &volumes.location));
            }
        }
        if let Some(mode) = &self.network_mode
            && let Some(service) = mode.value.strip_prefix("service:")
        {
            needed.push((service, &mode.location));
        }
        if let Some(extends) = &self.extends
            && extends.file.is_none()
        {
            needed.push((&extends.service, &extends.location));
        }
        needed
    }
}

/// `path` as seen from `folder`, both workspace paths (`a/b`, `.`): `../x/y` from `a` to `x/y`.
pub fn relative_path(folder: &str, path: &str) -> String {
    let parts = |p: &str| -> Vec<String> {
        p.split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .map(str::to_string)
            .collect()
    };
    let (from, to) = (parts(folder), parts(path));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut relative: Vec<String> = vec!["..".to_string(); from.len() - common];
    relative.extend(to[common..].iter().cloned());
    if relative.is_empty() {
        ".".to_string()
    } else {
        relative.join("/")
    }
}

/// A Windows path with its drive (`C:\\x`).
pub(crate) fn has_drive(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.len() > 2
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && matches!(bytes[2], b'\\' | b'/')
}

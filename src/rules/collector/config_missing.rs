use super::{report, senders, stops};
use crate::resolve::collector::ConfigProblem;
use crate::resolve::{Launcher, Project};
use crate::rules::{Check, Findings, declare_rule, hint};

declare_rule! {
    /// ## What it does
    /// Checks that a collector finds the config it is meant to run with: every `--config`
    /// file exists and is mounted (or copied into the image) where the command says, and
    /// without `--config` the file is mounted where the image looks
    /// (`/etc/otelcol-contrib/config.yaml` for contrib, `/etc/otelcol/config.yaml` for core).
    ///
    /// ## Why is this bad?
    /// A bind mount whose source file does not exist makes Docker create an empty directory
    /// there: the collector exits with "is a directory". A path nothing is mounted at makes it
    /// exit with "no such file or directory". A config mounted where the image does not look
    /// is silently ignored: the image's built-in config runs, which only prints spans to the
    /// collector's log (the `debug` exporter). Nothing reaches Honeycomb in any of these cases.
    ///
    /// ## Example
    /// ```yaml
    /// otel-collector:
    ///   image: otel/opentelemetry-collector-contrib:0.114.0
    ///   volumes:
    ///     - ./otel-collector.yaml:/etc/otel/config.yaml   # contrib never reads this path
    /// ```
    /// Use instead:
    /// ```yaml
    ///     - ./otel-collector.yaml:/etc/otelcol-contrib/config.yaml
    /// ```
    pub struct ConfigMissing => "collector/config-missing", Error;
}

impl Check for ConfigMissing {
    fn check(&self, project: &Project, out: &mut Findings) {
        for collector in &project.collectors {
            let affected = senders(project, collector);
            let who = stops(&affected);
            let name = &collector.service;
            let service = project.service(name);
            for problem in &collector.problems {
                let (message, hint) = match problem {
                    ConfigProblem::MountSourceMissing {
                        source,
                        target,
                        long_syntax: false,
                        ..
                    } => (
                        format!(
                            "{source} does not exist: Docker creates an empty directory there and mounts it at {target}, so `{name}` cannot read its config and exits.{who}"
                        ),
                        format!("create {source}, or fix the path before the `:` (it is relative to the compose file's folder)"),
                    ),
                    ConfigProblem::MountSourceMissing { source, .. } => (
                        format!(
                            "{source} does not exist: Docker refuses to start `{name}` (bind source path does not exist).{who}"
                        ),
                        format!("create {source}, or fix `source:` (it is relative to the compose file's folder)"),
                    ),
                    ConfigProblem::NotMounted { path, .. } => (
                        format!(
                            "`{name}` reads its config from {path}, but nothing is mounted there and the image has no such file: it exits with \"no such file or directory\".{who}"
                        ),
                        format!(
                            "mount the config there: {}",
                            hint::mount(service, "otel-collector.yaml", path)
                        ),
                    ),
                    ConfigProblem::IsDirectory { path, .. } => (
                        format!(
                            "{path} is a directory in `{name}`, not a config file: it exits without starting.{who}"
                        ),
                        "mount the YAML file itself, or point --config at a file inside the directory".to_string(),
                    ),
                    ConfigProblem::MountedElsewhere {
                        file,
                        target,
                        default_path,
                        ..
                    } => (
                        format!(
                            "{file} is mounted at {target}, but `{name}` has no --config and reads {default_path}: it runs the image's built-in config, which only prints spans to its log.{who}"
                        ),
                        match service.map(|s| s.launcher) {
                            Some(Launcher::Compose) | None => format!(
                                "mount it where the image looks: \"./{file}:{default_path}\", or add command: [\"--config={target}\"]"
                            ),
                            _ => format!(
                                "mount it where the image looks: {}, or add --config={target} after the image",
                                hint::mount(service, file, default_path)
                            ),
                        },
                    ),
                    ConfigProblem::NoConfig { .. } => (
                        format!(
                            "`{name}` is given no --config and its image has no default config to fall back on: it exits at start.{who}"
                        ),
                        "add command: [\"--config=/etc/otelcol/config.yaml\"] and mount your config there".to_string(),
                    ),
                    ConfigProblem::EnvConfigUnset { variable, .. } => (
                        format!(
                            "`{name}` reads its config from the environment variable {variable}, which its container does not receive: it exits at start.{who}"
                        ),
                        format!("pass it to the container: environment: [\"{variable}=...\"]"),
                    ),
                    ConfigProblem::Parse { .. } => continue,
                };
                report::<Self>(
                    out,
                    project,
                    collector,
                    &affected,
                    problem.location(),
                    message,
                    hint,
                );
            }
        }
    }
}

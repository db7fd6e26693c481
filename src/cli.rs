//! The command line, as DESIGN.md defines it. Each subcommand owns the flags that mean
//! something to it (the network's only where there is a network, `--format sarif` only where a
//! report has findings), so a flag that would be silently ignored is an error instead.

use std::ffi::OsStr;
use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Deserialize;

use crate::rules;

#[derive(Debug, Parser)]
#[command(
    name = "otel-doctor",
    version = crate::LONG_VERSION,
    propagate_version = true,
    args_conflicts_with_subcommands = true,
    about = "Why does Honeycomb see nothing? Checks a workspace's OpenTelemetry setup, the \
             Honeycomb key, and sends a canary span.",
    after_help = "Without a command: `check .` (its flags are accepted here).\n\
                  Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, \
                  2 the tool could not run."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// `otel-doctor` alone is `otel-doctor check .`.
    #[command(flatten)]
    pub check: CheckOptions,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Every step: workspace lint, key check, canary span (the default)
    Check(CheckArgs),
    /// Offline steps only: never touches the network
    Lint(LintArgs),
    /// Validate the Honeycomb key(s) the services will use
    Key(NetworkCommandArgs),
    /// Send one canary span over each service's configured pipeline
    Canary(NetworkCommandArgs),
    /// Local OTLP receiver that prints what an app really emits
    Listen(ListenArgs),
    /// The rule catalogue
    Rules(RulesArgs),
    /// The effective configuration, and where each value comes from
    Config(ConfigArgs),
    /// Apply the remediations that are safe to automate (--diff: show them, change nothing)
    Fix(FixArgs),
    /// One rule's why, how to fix, and an example
    Explain(ExplainArgs),
    /// Shell completions, to source from the shell's startup file
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// The manual page (roff) on standard output, or every page with --out-dir
    Man {
        /// Write otel-doctor.1 and one otel-doctor-SUBCOMMAND.1 per subcommand into DIR
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct PathArg {
    /// The workspace folder, a compose file, a Dockerfile, or - for Kubernetes manifests on
    /// standard input
    #[arg(default_value = ".")]
    pub path: PathBuf,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub path: PathArg,
    #[command(flatten)]
    pub workspace: WorkspaceOptions,
    #[command(flatten)]
    pub report: ReportOptions,
    #[command(flatten)]
    pub gate: GateOptions,
}

/// `key` and `canary`: a workspace, a report, and the network.
#[derive(Debug, Args)]
pub struct NetworkCommandArgs {
    #[command(flatten)]
    pub lint: LintArgs,
    #[command(flatten)]
    pub network: NetworkOptions,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub path: PathArg,
    #[command(flatten)]
    pub options: CheckOptions,
}

/// What `check` takes besides its path (also what `otel-doctor` alone takes).
#[derive(Debug, Args)]
pub struct CheckOptions {
    #[command(flatten)]
    pub workspace: WorkspaceOptions,
    #[command(flatten)]
    pub report: ReportOptions,
    #[command(flatten)]
    pub gate: GateOptions,
    #[command(flatten)]
    pub network: NetworkOptions,
    /// After the other steps, wait up to SECS on a local OTLP receiver for each service's spans
    #[arg(long, value_name = "SECS")]
    pub listen: Option<f64>,
    #[command(flatten)]
    pub receiver: ReceiverArgs,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub path: PathArg,
    /// Print a unified diff of the fixes (for `git apply`) and change nothing
    #[arg(long)]
    pub diff: bool,
    #[command(flatten)]
    pub workspace: WorkspaceOptions,
    #[command(flatten)]
    pub text: TextOptions,
    /// Configuration file, instead of the nearest .otel-doctor.toml
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(flatten)]
    pub path: PathArg,
    #[command(flatten)]
    pub text: TextOptions,
    #[command(flatten)]
    pub policy: PolicyOptions,
    /// Seconds each network step may take [default: 10, or the config file's]
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// OTLP endpoint the canary would use instead of the services' own
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    #[command(flatten)]
    pub trust: TrustOptions,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(flatten)]
    pub text: TextOptions,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id, e.g. config/exporter-not-otlp
    #[arg(value_parser = RuleId, hide_possible_values = true)]
    pub rule: String,
    #[command(flatten)]
    pub color: ColorOptions,
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    #[command(flatten)]
    pub receiver: ReceiverArgs,
    /// Relay every request unchanged to this OTLP/HTTP URL (Honeycomb or a collector) and show
    /// its answer
    #[arg(long, value_name = "URL")]
    pub forward: Option<String>,
    /// Stop after SECS seconds (default: at Ctrl-C)
    #[arg(long, value_name = "SECS")]
    pub duration: Option<f64>,
    /// Seconds a relayed request may take [default: 10, or the config file's]
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// What makes the exit code 1 when the receiver stops: `problem` (nothing received, or
    /// every batch would be refused by Honeycomb), `warning` (any batch with a problem), `never`
    #[arg(long, value_enum, default_value_t = ListenFailOn::Problem)]
    pub fail_on: ListenFailOn,
    /// Show what each batch holds (span names, trace ids, resource, headers) under its line
    #[arg(short, long)]
    pub verbose: bool,
    #[command(flatten)]
    pub text: TextOptions,
}

/// When `listen` exits 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListenFailOn {
    /// Nothing received, or every batch would be refused
    Problem,
    /// Any batch Honeycomb would refuse or misfile
    Warning,
    /// Always 0
    Never,
}

/// Where the local receiver listens (`listen`, `check --listen`).
#[derive(Debug, Args)]
pub struct ReceiverArgs {
    /// OTLP/HTTP address: HOST:PORT, :PORT or PORT; port 0 picks a free one [default: 4318]
    #[arg(long, value_name = "ADDR")]
    pub http: Option<String>,
    /// OTLP/gRPC address, like --http [default: 4317]
    #[arg(long, value_name = "ADDR")]
    pub grpc: Option<String>,
    /// Interface to listen on; 0.0.0.0 lets containers reach it [default: 127.0.0.1]
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
}

/// Which workspace, and which part of it.
#[derive(Debug, Args)]
pub struct WorkspaceOptions {
    /// Only these services (repeatable)
    #[arg(long = "service", value_name = "NAME")]
    pub services: Vec<String>,
    /// Compose file, like `docker compose -f` (repeatable, merged in order)
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Env file used for interpolation instead of the project `.env` (repeatable)
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_files: Vec<PathBuf>,
    /// Namespace of the Kubernetes objects that name none [default: default]
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
}

/// How a report of findings is written.
#[derive(Debug, Args)]
pub struct ReportOptions {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// FILE: write the report there instead of standard output. FORMAT=FILE (repeatable): also
    /// write that format there, e.g. --output sarif=x.sarif --output json=x.json
    #[arg(long = "output", value_name = "[FORMAT=]FILE", value_parser = parse_output)]
    pub outputs: Vec<Output>,
    /// Only the verdict and the findings
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also show each service's effective configuration, suppressed findings, and timings
    #[arg(short, long)]
    pub verbose: bool,
    /// Which variables the JSON report and -v list (secret values are masked either way)
    #[arg(long, value_enum, value_name = "WHICH", default_value_t = ShowEnv::Sdk)]
    pub show_env: ShowEnv,
    #[command(flatten)]
    pub color: ColorOptions,
}

/// What decides the exit code of a run.
#[derive(Debug, Args)]
pub struct GateOptions {
    #[command(flatten)]
    pub policy: PolicyOptions,
    /// An earlier JSON or SARIF report: the findings it holds are marked baselined and do not
    /// fail the run
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the JSON report to FILE as a baseline for --baseline, and exit 0
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Fail (exit 2) when there is nothing to check: no compose file, no Dockerfile [default:
    /// on under GitHub Actions]
    #[arg(long, overrides_with = "no_fail_if_empty")]
    pub fail_if_empty: bool,
    /// An empty workspace passes, even under GitHub Actions
    #[arg(long, overrides_with = "fail_if_empty")]
    pub no_fail_if_empty: bool,
}

/// The settings of `.otel-doctor.toml` that flags override (`otel-doctor config` shows them).
#[derive(Debug, Args)]
pub struct PolicyOptions {
    /// Lowest severity that makes the exit code 1 [default: error, or the config file's]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Configuration file, instead of the nearest .otel-doctor.toml from PATH up to the
    /// repository root
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Only these rules or families (`config/`), comma-separated or repeated
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Not these rules or families (`deps/`), comma-separated or repeated
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// A rule's (or family's) level: ID=off|info|warning|error (repeatable)
    #[arg(long = "rule", value_name = "ID=LEVEL")]
    pub rules: Vec<String>,
    /// Inline `otel-doctor: ignore[...]` comments silence nothing (CI that trusts no one)
    #[arg(long)]
    pub no_inline_ignores: bool,
}

/// The network steps' flags.
#[derive(Debug, Args)]
pub struct NetworkOptions {
    /// Skip every network step
    #[arg(long)]
    pub offline: bool,
    /// Seconds each network step may take [default: 10, or the config file's]
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// OTLP endpoint to use instead of the services' own
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    #[command(flatten)]
    pub trust: TrustOptions,
    /// Honeycomb API key, for `key`/`canary` without a workspace (prefer the environment
    /// variable: a flag shows up in shell history and `ps`)
    #[arg(
        long,
        value_name = "KEY",
        env = "HONEYCOMB_API_KEY",
        hide_env_values = true
    )]
    pub api_key: Option<String>,
    /// No spinner on the running network step (there is none when stderr is not a terminal)
    #[arg(long)]
    pub no_progress: bool,
}

/// Where the key may go besides Honeycomb and this machine: the user's choice, never the
/// workspace's.
#[derive(Debug, Args)]
pub struct TrustOptions {
    /// Send the key to this endpoint too: HOST[:PORT] over TLS, or http://HOST[:PORT] for plain
    /// HTTP (repeatable). By default it goes only to Honeycomb over TLS and to this machine
    #[arg(
        long = "trust-endpoint",
        value_name = "HOST[:PORT]",
        env = "OTEL_DOCTOR_TRUST_ENDPOINTS",
        value_delimiter = ','
    )]
    pub trust_endpoints: Vec<String>,
}

/// Commands that print text and JSON only.
#[derive(Debug, Args)]
pub struct TextOptions {
    /// Output format
    #[arg(long, value_enum, default_value_t = TextFormat::Human)]
    pub format: TextFormat,
    /// Write to FILE instead of standard output
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub color: ColorOptions,
}

#[derive(Debug, Args)]
pub struct ColorOptions {
    /// When to colour: auto (a terminal, unless NO_COLOR; FORCE_COLOR forces it), always, never
    #[arg(long, value_enum, value_name = "WHEN")]
    pub color: Option<Color>,
    /// Same as --color never
    #[arg(long, conflicts_with = "color")]
    pub no_color: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl ColorOptions {
    /// The choice the flags and the environment make: a flag wins; then `NO_COLOR` (any
    /// non-empty value, no-color.org); then `FORCE_COLOR` (force-color.org: any non-empty value
    /// forces colour, except `0` and `false`, which Node.js and chalk read as "off").
    pub fn choice(&self, env: impl Fn(&str) -> Option<String>) -> Color {
        if self.no_color {
            return Color::Never;
        }
        if let Some(color) = self.color {
            return color;
        }
        let set = |name: &str| env(name).filter(|v| !v.is_empty());
        if set("NO_COLOR").is_some() {
            return Color::Never;
        }
        match set("FORCE_COLOR").as_deref() {
            Some("0" | "false") | None => Color::Auto,
            Some(_) => Color::Always,
        }
    }
}

/// One `--output`: a file for the main report, or a file for another format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// `None`: the `--format` report, instead of standard output.
    pub format: Option<Format>,
    pub file: PathBuf,
}

/// `sarif=x.sarif` is the SARIF report in `x.sarif`; anything else is a file name (a name
/// with `=` whose prefix is no format stays a file name, as `--output FILE` always was).
fn parse_output(value: &str) -> Result<Output, String> {
    if let Some((format, file)) = value.split_once('=')
        && let Ok(format) = Format::from_str(format, true)
    {
        if file.is_empty() {
            return Err(format!("no file after `{value}`: write FORMAT=FILE"));
        }
        return Ok(Output {
            format: Some(format),
            file: file.into(),
        });
    }
    Ok(Output {
        format: None,
        file: value.into(),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Junit,
    Github,
    /// One self-contained page: the checklist, the routes drawn, the findings
    Html,
}

/// The formats of commands that print no findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

/// Which of a service's variables the reports list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowEnv {
    /// Those the OpenTelemetry SDK reads, and those interpolated into them
    Sdk,
    /// Every variable the container receives
    All,
}

/// A rule id, with the catalogue as its possible values: shells complete them, and a wrong one
/// gets the closest id (`key-unset` → `honeycomb/key-unset`).
#[derive(Debug, Clone, Copy)]
struct RuleId;

impl TypedValueParser for RuleId {
    type Value = String;

    fn parse_ref(
        &self,
        command: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        let text = value.to_string_lossy();
        if rules::find(&text).is_some() {
            return Ok(text.into_owned());
        }
        let mut error = clap::Error::new(ErrorKind::InvalidValue).with_cmd(command);
        let arg = arg.map_or_else(|| "RULE".to_string(), ToString::to_string);
        error.insert(ContextKind::InvalidArg, ContextValue::String(arg));
        error.insert(
            ContextKind::InvalidValue,
            ContextValue::String(text.to_string()),
        );
        if let Some(known) = rules::closest_id(&text) {
            error.insert(
                ContextKind::SuggestedValue,
                ContextValue::String(known.into()),
            );
        }
        error.insert(
            ContextKind::Suggested,
            ContextValue::StyledStrs(vec!["`otel-doctor rules` lists every rule id".into()]),
        );
        Err(error)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            rules::all().map(|rule| PossibleValue::new(rule.meta().id)),
        ))
    }
}

/// What a run over a workspace was asked for, whichever command asked: flags a command does
/// not have keep their defaults.
#[derive(Debug, Clone)]
pub struct Options {
    pub format: Format,
    /// The `--format` report's file, instead of standard output.
    pub output: Option<PathBuf>,
    /// Further reports: `--output FORMAT=FILE`.
    pub also: Vec<(Format, PathBuf)>,
    pub fail_on: Option<FailOn>,
    pub services: Vec<String>,
    pub files: Vec<PathBuf>,
    pub env_files: Vec<PathBuf>,
    pub namespace: Option<String>,
    pub offline: bool,
    pub timeout: Option<f64>,
    pub endpoint: Option<String>,
    pub trust_endpoints: Vec<String>,
    pub api_key: Option<String>,
    pub quiet: bool,
    pub verbose: bool,
    pub show_env: ShowEnv,
    pub color: Color,
    pub config: Option<PathBuf>,
    pub baseline: Option<PathBuf>,
    pub write_baseline: Option<PathBuf>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub rules: Vec<String>,
    pub inline_ignores: bool,
    /// `None`: the default (on under GitHub Actions).
    pub fail_if_empty: Option<bool>,
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            format: Format::Human,
            output: None,
            also: Vec::new(),
            fail_on: None,
            services: Vec::new(),
            files: Vec::new(),
            env_files: Vec::new(),
            namespace: None,
            offline: false,
            timeout: None,
            endpoint: None,
            trust_endpoints: Vec::new(),
            api_key: None,
            quiet: false,
            verbose: false,
            show_env: ShowEnv::Sdk,
            color: Color::Auto,
            config: None,
            baseline: None,
            write_baseline: None,
            select: Vec::new(),
            ignore: Vec::new(),
            rules: Vec::new(),
            inline_ignores: true,
            fail_if_empty: None,
            progress: true,
        }
    }
}

/// Reads the process environment for the colour choice.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

impl Options {
    fn workspace(mut self, workspace: &WorkspaceOptions) -> Self {
        self.services.clone_from(&workspace.services);
        self.files.clone_from(&workspace.files);
        self.env_files.clone_from(&workspace.env_files);
        self.namespace.clone_from(&workspace.namespace);
        self
    }

    fn report(mut self, report: &ReportOptions) -> Self {
        self.format = report.format;
        for output in &report.outputs {
            match output.format {
                Some(format) => self.also.push((format, output.file.clone())),
                None => self.output = Some(output.file.clone()),
            }
        }
        self.quiet = report.quiet;
        self.verbose = report.verbose;
        self.show_env = report.show_env;
        self.color = report.color.choice(env);
        self
    }

    fn policy(mut self, policy: &PolicyOptions) -> Self {
        self.fail_on = policy.fail_on;
        self.config.clone_from(&policy.config);
        self.select.clone_from(&policy.select);
        self.ignore.clone_from(&policy.ignore);
        self.rules.clone_from(&policy.rules);
        self.inline_ignores = !policy.no_inline_ignores;
        self
    }

    fn gate(mut self, gate: &GateOptions) -> Self {
        self = self.policy(&gate.policy);
        self.baseline.clone_from(&gate.baseline);
        self.write_baseline.clone_from(&gate.write_baseline);
        self.fail_if_empty = match (gate.fail_if_empty, gate.no_fail_if_empty) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        };
        self
    }

    fn network(mut self, network: &NetworkOptions) -> Self {
        self.offline = network.offline;
        self.timeout = network.timeout;
        self.endpoint.clone_from(&network.endpoint);
        self.trust_endpoints
            .clone_from(&network.trust.trust_endpoints);
        self.api_key.clone_from(&network.api_key);
        self.progress = !network.no_progress;
        self
    }

    fn text(mut self, text: &TextOptions) -> Self {
        self.format = match text.format {
            TextFormat::Human => Format::Human,
            TextFormat::Json => Format::Json,
        };
        self.output.clone_from(&text.output);
        self.color = text.color.choice(env);
        self
    }

    pub fn of_lint(args: &LintArgs) -> Self {
        Options::default()
            .workspace(&args.workspace)
            .report(&args.report)
            .gate(&args.gate)
    }

    pub fn of_network_command(args: &NetworkCommandArgs) -> Self {
        Options::of_lint(&args.lint).network(&args.network)
    }

    pub fn of_check(options: &CheckOptions) -> Self {
        Options::default()
            .workspace(&options.workspace)
            .report(&options.report)
            .gate(&options.gate)
            .network(&options.network)
    }

    pub fn of_fix(args: &FixArgs) -> Self {
        Options {
            config: args.config.clone(),
            ..Options::default()
        }
        .workspace(&args.workspace)
        .text(&args.text)
    }

    pub fn of_config(args: &ConfigArgs) -> Self {
        Options {
            timeout: args.timeout,
            endpoint: args.endpoint.clone(),
            trust_endpoints: args.trust.trust_endpoints.clone(),
            ..Options::default()
        }
        .policy(&args.policy)
        .text(&args.text)
    }

    pub fn of_text(text: &TextOptions) -> Self {
        Options::default().text(text)
    }

    pub fn of_color(color: &ColorOptions) -> Self {
        Options {
            color: color.choice(env),
            ..Options::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_a_file_unless_it_names_a_format() {
        assert_eq!(
            parse_output("sarif=x.sarif"),
            Ok(Output {
                format: Some(Format::Sarif),
                file: "x.sarif".into()
            })
        );
        assert_eq!(parse_output("report.txt").unwrap().format, None);
        assert_eq!(
            parse_output("a=b.txt").unwrap().file,
            PathBuf::from("a=b.txt")
        );
        assert!(parse_output("json=").is_err());
    }

    #[test]
    fn colour_flags_win_then_no_color_then_force_color() {
        let options = |color, no_color| ColorOptions { color, no_color };
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let auto = options(None, false);
        assert_eq!(auto.choice(env(&[])), Color::Auto);
        assert_eq!(auto.choice(env(&[("FORCE_COLOR", "1")])), Color::Always);
        assert_eq!(auto.choice(env(&[("FORCE_COLOR", "0")])), Color::Auto);
        assert_eq!(auto.choice(env(&[("FORCE_COLOR", "")])), Color::Auto);
        assert_eq!(
            auto.choice(env(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")])),
            Color::Never
        );
        assert_eq!(
            options(Some(Color::Always), false).choice(env(&[("NO_COLOR", "1")])),
            Color::Always
        );
        assert_eq!(
            options(None, true).choice(env(&[("FORCE_COLOR", "1")])),
            Color::Never
        );
    }
}

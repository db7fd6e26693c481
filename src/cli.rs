//! The command line, as DESIGN.md defines it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Deserialize;

#[derive(Debug, Parser)]
#[command(
    name = "otel-doctor",
    version = crate::LONG_VERSION,
    propagate_version = true,
    about = "Why does Honeycomb see nothing? Checks a workspace's OpenTelemetry setup, the \
             Honeycomb key, and sends a canary span.",
    after_help = "Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, \
                  2 the tool could not run."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub options: Options,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Every step: workspace lint, key check, canary span (the default)
    Check(CheckArgs),
    /// Offline steps only: never touches the network
    Lint(PathArg),
    /// Validate the Honeycomb key(s) the services will use
    Key(PathArg),
    /// Send one canary span over each service's configured pipeline
    Canary(PathArg),
    /// Local OTLP receiver that prints what an app really emits
    Listen(ListenArgs),
    /// The rule catalogue
    Rules,
    /// The effective configuration, and where each value comes from
    Config(PathArg),
    /// Apply the remediations that are safe to automate (--diff: show them, change nothing)
    Fix(FixArgs),
    /// One rule's why, how to fix, and an example
    Explain {
        /// A rule id, e.g. config/exporter-not-otlp
        rule: String,
    },
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
    /// The workspace folder (or a compose file)
    #[arg(default_value = ".")]
    pub path: PathBuf,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub path: PathArg,
    /// Print a unified diff of the fixes (for `git apply`) and change nothing
    #[arg(long)]
    pub diff: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub path: PathArg,
    /// After the other steps, wait up to SECS on a local OTLP receiver for each service's spans
    #[arg(long, value_name = "SECS")]
    pub listen: Option<f64>,
    #[command(flatten)]
    pub receiver: ReceiverArgs,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Error,
    Warning,
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

#[derive(Debug, Args)]
pub struct Options {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human, global = true)]
    pub format: Format,
    /// Write the report to FILE instead of standard output
    #[arg(long, value_name = "FILE", global = true)]
    pub output: Option<PathBuf>,
    /// Lowest severity that makes the exit code 1 [default: error, or the config file's]
    #[arg(long, value_enum, global = true)]
    pub fail_on: Option<FailOn>,
    /// Only these services (repeatable)
    #[arg(long = "service", value_name = "NAME", global = true)]
    pub services: Vec<String>,
    /// Compose file, like `docker compose -f` (repeatable, merged in order)
    #[arg(short = 'f', long = "file", value_name = "FILE", global = true)]
    pub files: Vec<PathBuf>,
    /// Env file used for interpolation instead of the project `.env` (repeatable)
    #[arg(long = "env-file", value_name = "FILE", global = true)]
    pub env_files: Vec<PathBuf>,
    /// Skip every network step
    #[arg(long, global = true)]
    pub offline: bool,
    /// Seconds each network step may take [default: 10, or the config file's]
    #[arg(long, value_name = "SECS", global = true)]
    pub timeout: Option<f64>,
    /// OTLP endpoint to use instead of the services' own
    #[arg(long, value_name = "URL", global = true)]
    pub endpoint: Option<String>,
    /// Honeycomb API key, for `key`/`canary` without a workspace (prefer the environment
    /// variable: a flag shows up in shell history and `ps`)
    #[arg(
        long,
        value_name = "KEY",
        global = true,
        env = "HONEYCOMB_API_KEY",
        hide_env_values = true
    )]
    pub api_key: Option<String>,
    /// Only the verdict and the findings
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also show each service's effective configuration
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Which variables the JSON report and -v list (secret values are masked either way)
    #[arg(long, value_enum, value_name = "WHICH", default_value_t = ShowEnv::Sdk, global = true)]
    pub show_env: ShowEnv,
    /// No colour (also when NO_COLOR is set or the output is not a terminal)
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Configuration file, instead of the nearest .otel-doctor.toml from PATH up to the
    /// repository root
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// An earlier JSON or SARIF report: the findings it holds are marked baselined and do not
    /// fail the run
    #[arg(long, value_name = "FILE", global = true)]
    pub baseline: Option<PathBuf>,
}

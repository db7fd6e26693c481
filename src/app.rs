//! Runs what a command asks for: read the workspace, resolve the services, lint them, run the
//! network steps, render the report, and map it to an exit code.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::checklist;
use crate::cli::{
    CheckArgs, Cli, Command, FailOn, FixArgs, Format, ListenArgs, Options, ReceiverArgs, ShowEnv,
};
use crate::config::{ConfigError, Settings};
use crate::finding::{CANARY_STEP, Finding, KEY_STEP, Severity, WORKSPACE_STEP};
use crate::fix;
use crate::listen;
use crate::manual;
use crate::parallel;
use crate::policy;
use crate::probe;
use crate::redact::Redactor;
use crate::report::verdict::Verdict;
use crate::report::{self, Report, Status, Step};
use crate::resolve::{self, Project, Workload};
use crate::rules;
use crate::workspace;

/// Why the tool could not run (exit code 2): one line, shown after `otel-doctor: `.
#[derive(Debug)]
pub struct AppError(pub String);

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<workspace::LoadError> for AppError {
    fn from(error: workspace::LoadError) -> Self {
        AppError(error.0)
    }
}

impl From<ConfigError> for AppError {
    fn from(error: ConfigError) -> Self {
        AppError(error.0)
    }
}

impl From<policy::BaselineError> for AppError {
    fn from(error: policy::BaselineError) -> Self {
        AppError(error.0)
    }
}

/// Which steps a command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Steps {
    /// Workspace and services, offline.
    Lint,
    /// Everything.
    Check,
    /// The workspace (to know the services' pipelines) and the key check.
    Key,
    /// The workspace and the canary.
    Canary,
}

pub fn run(cli: Cli) -> Result<ExitCode, AppError> {
    let options = &cli.options;
    match cli.command {
        None => diagnose(Path::new("."), Steps::Check, options),
        Some(Command::Check(args)) => {
            let settings = Settings::load(&args.path.path, options)?;
            let listening = receiver_for_check(&args, &settings)?;
            diagnose_with(&args.path.path, Steps::Check, options, &settings, listening)
        }
        Some(Command::Lint(path)) => diagnose(&path.path, Steps::Lint, options),
        Some(Command::Key(path)) => diagnose(&path.path, Steps::Key, options),
        Some(Command::Canary(path)) => diagnose(&path.path, Steps::Canary, options),
        Some(Command::Rules) => {
            write_output(&catalogue(), options)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Explain { rule }) => {
            let text = explain(&rule)?;
            write_output(&text, options)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Config(path)) => {
            write_output(&show_config(&path.path, options)?, options)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Listen(args)) => run_listen(&args, options),
        Some(Command::Completions { shell }) => {
            write_output(&manual::completions(shell), options)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Man { out_dir: None }) => {
            let page = manual::page()
                .map_err(|e| AppError(format!("cannot render the manual page: {e}")))?;
            write_output(&page, options)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Man { out_dir: Some(dir) }) => {
            manual::write_pages(&dir)
                .map_err(|e| AppError(format!("cannot write {}: {e}", display(&dir))))?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Fix(args)) => run_fix(&args, options),
    }
}

/// Reads the workspace, runs the steps, applies the policy (configuration, ignores,
/// baseline), and reports.
fn diagnose(path: &Path, steps: Steps, options: &Options) -> Result<ExitCode, AppError> {
    let settings = Settings::load(path, options)?;
    diagnose_with(path, steps, options, &settings, None)
}

/// `check --listen`: a receiver started before the steps, and how long to wait on it after.
type Listening = Option<(listen::Receiver, Duration)>;

fn diagnose_with(
    path: &Path,
    steps: Steps,
    options: &Options,
    settings: &Settings,
    listening: Listening,
) -> Result<ExitCode, AppError> {
    let baseline = options
        .baseline
        .as_deref()
        .map(policy::Baseline::read)
        .transpose()?;
    let (project, variants, load_time) = read_projects(path, options)?;
    // A service's findings include those of the collectors its spans pass through.
    let routed = project.collectors_on_routes_of(&options.services);
    let in_scope = |service: Option<&str>| {
        in_scope(service, options, settings)
            || service.is_some_and(|s| routed.iter().any(|r| r == s))
    };
    // The main project's services are the ones the network steps and `--listen` look at
    // (variants are other projects, checked offline).
    let services: Vec<&Workload> = project
        .services
        .iter()
        .filter(|s| in_scope(Some(&s.name)))
        .collect();
    // Levels first: a rule turned off explains no canary refusal and no silence.
    let all_lint = policy::relevel(
        rules::lint_all(&project, &variants, &policy::stands(&project, settings)),
        settings,
    );
    let lint_findings: Vec<Finding> = all_lint
        .iter()
        .filter(|f| in_scope(f.service.as_deref()))
        .cloned()
        .collect();
    let mut redactor = Redactor::default();
    for project in std::iter::once(&project).chain(&variants) {
        redactor.learn(project);
    }
    if let Some(key) = &options.api_key {
        redactor.add(key);
    }
    let mut later_steps = Vec::new();
    let mut later_findings = Vec::new();
    if steps != Steps::Lint {
        let outcome = network_steps(&project, &services, steps, options, settings);
        for secret in &outcome.secrets {
            redactor.add(secret);
        }
        let mut network = outcome.steps;
        let standing = checklist::name_causes(
            &mut network,
            outcome.findings,
            &lint_findings,
            steps == Steps::Check,
        );
        later_steps.extend(network);
        later_findings.extend(standing);
    }
    if let Some((receiver, wait)) = listening {
        let (steps, findings) =
            listen::wait_for_services(receiver, &services, &lint_findings, wait);
        later_steps.extend(steps);
        later_findings.extend(findings);
    }
    // The policy sees the whole run, so that an ignore used by a service left out of the
    // report is not called unused.
    let mut findings = all_lint;
    findings.extend(later_findings);
    let findings: Vec<Finding> = policy::apply(findings, &project, settings, baseline.as_ref())
        .into_iter()
        .filter(|f| in_scope(f.service.as_deref()))
        // `key` and `canary` list no service's lint findings.
        .filter(|f| matches!(steps, Steps::Lint | Steps::Check) || !f.step.starts_with("service:"))
        .collect();
    let root = path.display().to_string();
    let wanted = |name: &str| in_scope(Some(name));
    let mut report = checklist::report(root, &project, &variants, &wanted, findings, load_time);
    report.verbose = options.verbose;
    report.quiet = options.quiet;
    if options.show_env == ShowEnv::Sdk {
        for service in &mut report.services {
            service.environment.retain(|var| var.read_by_sdk);
        }
    }
    if matches!(steps, Steps::Key | Steps::Canary) {
        report.steps.retain(|step| step.id == WORKSPACE_STEP);
    }
    report.steps.extend(later_steps);
    redact_texts(&mut report, &redactor);
    let text = redactor.redact(&report::render(&report, options.format));
    write_report(&text, options)?;
    if options.format == Format::Github
        && let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY")
    {
        append_step_summary(
            Path::new(&summary),
            &redactor.redact(&report::step_summary(&report)),
        )?;
    }
    let code = exit_code(&report, settings.fail_on.value);
    let services = project.services.len();
    parallel::drop_in_background((project, variants, report), services);
    Ok(code)
}

/// Masks the report's texts before a renderer lays them out: a secret a rule quoted is masked
/// whole, the same in every format, however a format then wraps or escapes it. (The rendered
/// output is redacted again, the last line of defence.)
fn redact_texts(report: &mut Report, redactor: &Redactor) {
    for finding in &mut report.findings {
        finding.message = redactor.redact(&finding.message);
        finding.hint = redactor.redact(&finding.hint);
    }
    for step in &mut report.steps {
        step.summary = redactor.redact(&step.summary);
        for detail in &mut step.details {
            *detail = redactor.redact(detail);
        }
    }
}

/// The workspace at `path` read and resolved: the project, its variant compose files, and how
/// long reading the files took.
fn read_projects(
    path: &Path,
    options: &Options,
) -> Result<(Project, Vec<Project>, Duration), AppError> {
    let started = Instant::now();
    let load_options = workspace::Options {
        path: path.to_path_buf(),
        compose_files: options.files.clone(),
        env_files: options.env_files.clone(),
        shell: shell_environment(),
        services: options.services.clone(),
    };
    let loaded = workspace::load(&load_options)?;
    let load_time = started.elapsed();
    let project = resolve::resolve(&loaded);
    let variants = load_variants(&loaded, &load_options, &project)?;
    check_service_names(&project, &variants, &options.services)?;
    let services = loaded.services.len();
    parallel::drop_in_background(loaded, services);
    Ok((project, variants, load_time))
}

/// Whether a finding of `service` (none: the workspace's) is in the run: `--service` names it
/// (or names none) and the configuration does not exclude it.
fn in_scope(service: Option<&str>, options: &Options, settings: &Settings) -> bool {
    service.is_none_or(|name| {
        (options.services.is_empty() || options.services.iter().any(|s| s == name))
            && !settings.excludes(name, &options.services)
    })
}

/// `otel-doctor fix`: the offline findings, after the configuration and the inline ignores,
/// fixed where their rule knows how. Exit 2 when a file could not be read or written.
fn run_fix(args: &FixArgs, options: &Options) -> Result<ExitCode, AppError> {
    if !matches!(options.format, Format::Human | Format::Json) {
        return Err(AppError(
            "`otel-doctor fix` prints --format human or json".into(),
        ));
    }
    let path = &args.path.path;
    let settings = Settings::load(path, options)?;
    let (project, variants, _) = read_projects(path, options)?;
    let findings: Vec<Finding> = policy::apply(
        rules::lint_all(&project, &variants, &policy::stands(&project, &settings)),
        &project,
        &settings,
        None,
    )
    .into_iter()
    .filter(|f| in_scope(f.service.as_deref(), options, &settings))
    .collect();
    let mode = if args.diff {
        fix::Mode::Diff
    } else {
        fix::Mode::Write
    };
    let outcome = fix::run(&project.root, &findings, mode);
    let mut redactor = Redactor::default();
    for project in std::iter::once(&project).chain(&variants) {
        redactor.learn(project);
    }
    if let Some(key) = &options.api_key {
        redactor.add(key);
    }
    let rendered = fix::render(
        &outcome,
        &path.display().to_string(),
        options.format == Format::Json,
    );
    let stdout = redactor.redact(&rendered.stdout);
    let mut stderr = redactor.redact(&rendered.stderr);
    if stdout != rendered.stdout && mode == fix::Mode::Diff && options.format != Format::Json {
        stderr.push_str(
            "note: the diff shows a key near a change, masked: it will not apply as is; run `otel-doctor fix` without --diff\n",
        );
    }
    write_output(&stdout, options)?;
    eprint!("{stderr}");
    Ok(if outcome.has_errors() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// `otel-doctor config`: the settings a run on `path` would use, with their origins.
fn show_config(path: &Path, options: &Options) -> Result<String, AppError> {
    if !path.exists() {
        return Err(AppError(format!(
            "cannot read {}: no such file or directory",
            path.display()
        )));
    }
    let settings = Settings::load(path, options)?;
    match options.format {
        Format::Human => Ok(settings.describe()),
        Format::Json => Ok(settings.describe_json()),
        Format::Sarif | Format::Junit | Format::Github => Err(AppError(
            "`otel-doctor config` prints --format human or json".into(),
        )),
    }
}

/// The key check and the canary, or their steps marked skipped with `--offline`.
fn network_steps(
    project: &Project,
    services: &[&Workload],
    steps: Steps,
    options: &Options,
    settings: &Settings,
) -> probe::Outcome {
    let request = probe::Request {
        key: matches!(steps, Steps::Check | Steps::Key),
        canary: matches!(steps, Steps::Check | Steps::Canary),
        timeout: Duration::from_secs_f64(settings.timeout.value),
        overrides: probe::Overrides {
            endpoint: settings.endpoint.as_ref().map(|e| e.value.clone()),
            api_key: options.api_key.clone(),
        },
        api_urls: probe::ApiUrls::from_env(|name| std::env::var(name).ok()),
    };
    if options.offline {
        let skipped = |id: &str, title: &str| Step {
            id: id.into(),
            title: title.into(),
            status: Status::Skip,
            duration: Duration::ZERO,
            summary: "skipped: --offline".into(),
            details: Vec::new(),
        };
        let mut outcome = probe::Outcome::default();
        if request.key {
            outcome.steps.push(skipped(KEY_STEP, "key"));
        }
        if request.canary {
            outcome.steps.push(skipped(CANARY_STEP, "canary"));
        }
        return outcome;
    }
    probe::run(project, services, &request)
}

/// The variant compose files beside the project's (`docker-compose.prod.yml`), each read and
/// resolved as the project `docker compose -f` makes of it.
fn load_variants(
    loaded: &workspace::Workspace,
    options: &workspace::Options,
    project: &Project,
) -> Result<Vec<Project>, AppError> {
    loaded
        .variants
        .iter()
        .map(|variant| {
            let workspace = workspace::load(&workspace::Options {
                compose_files: variant.files.clone(),
                ..options.clone()
            })?;
            Ok(resolve::resolve_variant(&workspace, variant, project))
        })
        .collect()
}

fn receiver_settings(
    args: &ReceiverArgs,
    forward: Option<&str>,
    settings: &Settings,
) -> Result<listen::Settings, AppError> {
    listen::Settings::new(
        [&args.http, &args.grpc, &args.bind].map(|flag| flag.as_deref()),
        forward,
        Duration::from_secs_f64(settings.timeout.value),
    )
    .map_err(AppError)
}

fn seconds(flag: &str, value: f64) -> Result<Duration, AppError> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| {
            AppError(format!(
                "{flag} must be a number of seconds above 0, not {value}"
            ))
        })
}

/// Started before the other steps, so that spans sent meanwhile are not lost.
fn receiver_for_check(args: &CheckArgs, settings: &Settings) -> Result<Listening, AppError> {
    let Some(wait) = args.listen else {
        let receiver = &args.receiver;
        if receiver.http.is_some() || receiver.grpc.is_some() || receiver.bind.is_some() {
            return Err(AppError(
                "--http, --grpc and --bind go with --listen SECS".into(),
            ));
        }
        return Ok(None);
    };
    let wait = seconds("--listen", wait)?;
    let receiver_settings = receiver_settings(&args.receiver, None, settings)?;
    let receiver = listen::Receiver::start(&receiver_settings).map_err(AppError)?;
    Ok(Some((receiver, wait)))
}

fn run_listen(args: &ListenArgs, options: &Options) -> Result<ExitCode, AppError> {
    let style = match options.format {
        Format::Human => listen::Style::Human,
        Format::Json => listen::Style::Json,
        other => {
            return Err(AppError(format!(
                "listen prints --format human or json, not {}",
                format!("{other:?}").to_lowercase()
            )));
        }
    };
    // The relay's bound is `--timeout`, or `[online] timeout` of the configuration here.
    let settings = Settings::load(Path::new("."), options)?;
    let settings = receiver_settings(&args.receiver, args.forward.as_deref(), &settings)?;
    let duration = args
        .duration
        .map(|s| seconds("--duration", s))
        .transpose()?;
    let mut out: Box<dyn Write> = match &options.output {
        Some(path) => Box::new(anstream::StripStream::new(
            std::fs::File::create(path)
                .map_err(|e| AppError(format!("cannot write {}: {e}", display(path))))?,
        )),
        None => Box::new(anstream::AutoStream::new(
            std::io::stdout(),
            color_choice(options),
        )),
    };
    listen::run(&settings, duration, style, &mut out, &mut std::io::stderr()).map_err(AppError)?;
    Ok(ExitCode::SUCCESS)
}

/// GitHub Actions shows `$GITHUB_STEP_SUMMARY` on the run's page.
fn append_step_summary(path: &Path, markdown: &str) -> Result<(), AppError> {
    use std::io::Write as _;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(markdown.as_bytes()))
        .map_err(|e| AppError(format!("cannot write {}: {e}", path.display())))
}

fn shell_environment() -> HashMap<String, String> {
    std::env::vars_os()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        })
        .collect()
}

fn check_service_names(
    project: &Project,
    variants: &[Project],
    wanted: &[String],
) -> Result<(), AppError> {
    let mut seen = HashSet::new();
    let known: Vec<&str> = std::iter::once(project)
        .chain(variants)
        .flat_map(Project::service_names)
        .filter(|name| seen.insert(*name))
        .collect();
    for name in wanted {
        if !seen.contains(name.as_str()) {
            return Err(AppError(format!(
                "no service named `{name}` (services: {})",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )));
        }
    }
    Ok(())
}

/// 1 with findings at or above `--fail-on`; else 3 when nothing failed but some online checks
/// could not be completed (this machine's network); else 0. `--fail-on never` is always 0.
fn exit_code(report: &Report, fail_on: FailOn) -> ExitCode {
    let threshold = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Never => return ExitCode::SUCCESS,
    };
    let failed = report
        .findings
        .iter()
        .any(|f| f.is_active() && f.severity >= threshold);
    if failed {
        ExitCode::from(1)
    } else if Verdict::of(report).is_unverified() {
        ExitCode::from(UNVERIFIED)
    } else {
        ExitCode::SUCCESS
    }
}

/// Nothing failed, but some checks could not be completed (the doctor's own network).
const UNVERIFIED: u8 = 3;

fn catalogue() -> String {
    let mut out = String::new();
    for rule in rules::all() {
        let meta = rule.meta();
        out.push_str(&format!(
            "{:<40} {:<8} {}\n",
            meta.id,
            meta.severity.as_str(),
            meta.summary()
        ));
    }
    out
}

fn explain(id: &str) -> Result<String, AppError> {
    let rule = rules::find(id).ok_or_else(|| {
        AppError(format!(
            "unknown rule `{id}`; `otel-doctor rules` lists them"
        ))
    })?;
    let meta = rule.meta();
    Ok(format!(
        "{} ({})\n\n{}\n",
        meta.id,
        meta.severity.as_str(),
        meta.documentation()
    ))
}

/// Writes to `--output` (without colour) or to standard output (colour when it is a terminal
/// and neither `NO_COLOR` nor `--no-color` says otherwise). A closed pipe is not an error.
fn write_output(text: &str, options: &Options) -> Result<(), AppError> {
    write_text(text, options, true)
}

/// Writes a report. JSON and SARIF hold no styles, and no control character (JSON escapes
/// them): they are written as they are, without a pass over megabytes of text to strip codes.
fn write_report(text: &str, options: &Options) -> Result<(), AppError> {
    let styled = !matches!(options.format, Format::Json | Format::Sarif);
    write_text(text, options, styled)
}

fn write_text(text: &str, options: &Options, styled: bool) -> Result<(), AppError> {
    if let Some(path) = &options.output {
        let plain = if styled {
            anstream::adapter::strip_str(text).to_string().into()
        } else {
            std::borrow::Cow::Borrowed(text)
        };
        return std::fs::write(path, plain.as_bytes())
            .map_err(|e| AppError(format!("cannot write {}: {e}", display(path))));
    }
    let stdout = std::io::stdout().lock();
    let mut stream: Box<dyn Write> = if styled {
        Box::new(anstream::AutoStream::new(stdout, color_choice(options)))
    } else {
        Box::new(stdout)
    };
    match stream
        .write_all(text.as_bytes())
        .and_then(|()| stream.flush())
    {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(AppError(format!("cannot write the report: {error}")))
        }
        _ => Ok(()),
    }
}

fn color_choice(options: &Options) -> anstream::ColorChoice {
    if options.no_color {
        anstream::ColorChoice::Never
    } else {
        anstream::ColorChoice::Auto
    }
}

fn display(path: &Path) -> String {
    PathBuf::from(path).display().to_string()
}

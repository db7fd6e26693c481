//! Runs what a command asks for: read the workspace, resolve the services, lint them, run the
//! network steps, render the report, and map it to an exit code.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::checklist;
use crate::cli::{
    CheckOptions, Cli, Color, Command, FailOn, FixArgs, Format, ListenArgs, ListenFailOn, Options,
    ReceiverArgs, ShowEnv,
};
use crate::config::{ConfigError, Origin, Settings};
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
use crate::terminal::{self, Spinner};
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
    let Some(command) = cli.command else {
        return check(Path::new("."), &cli.check);
    };
    match command {
        Command::Check(args) => check(&args.path.path, &args.options),
        Command::Lint(args) => diagnose(&args.path.path, Steps::Lint, &Options::of_lint(&args)),
        Command::Key(args) => diagnose(
            &args.lint.path.path,
            Steps::Key,
            &Options::of_network_command(&args),
        ),
        Command::Canary(args) => diagnose(
            &args.lint.path.path,
            Steps::Canary,
            &Options::of_network_command(&args),
        ),
        Command::Rules(args) => {
            let options = Options::of_text(&args.text);
            let text = match options.format {
                Format::Json => catalogue_json(),
                _ => catalogue(output_width(&options)),
            };
            write_output(&text, &options)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain(args) => {
            let text = explain(&args.rule)?;
            write_output(&text, &Options::of_color(&args.color))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Config(args) => {
            let options = Options::of_config(&args);
            write_output(&show_config(&args.path.path, &options)?, &options)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Listen(args) => run_listen(&args),
        Command::Completions { shell } => {
            write_output(&manual::completions(shell), &Options::default())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { out_dir: None } => {
            let page = manual::page()
                .map_err(|e| AppError(format!("cannot render the manual page: {e}")))?;
            write_output(&page, &Options::default())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { out_dir: Some(dir) } => {
            manual::write_pages(&dir)
                .map_err(|e| AppError(format!("cannot write {}: {e}", display(&dir))))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Fix(args) => run_fix(&args, &Options::of_fix(&args)),
    }
}

/// `otel-doctor check`, with `--listen`'s receiver started before the other steps.
fn check(path: &Path, check: &CheckOptions) -> Result<ExitCode, AppError> {
    let options = Options::of_check(check);
    let settings = Settings::load(path, &options)?;
    let listening = receiver_for_check(check, &settings)?;
    diagnose_with(path, Steps::Check, &options, &settings, listening)
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
    // The policy sees the whole lint, so that an ignore used by a service left out of the
    // report is not called unused (ignores of online rules never are: the network steps'
    // findings get theirs as each step finishes).
    let findings: Vec<Finding> = policy::apply(all_lint, &project, settings, baseline.as_ref())
        .into_iter()
        .filter(|f| in_scope(f.service.as_deref()))
        // `key` and `canary` list no service's lint findings.
        .filter(|f| matches!(steps, Steps::Lint | Steps::Check) || !f.step.starts_with("service:"))
        .collect();
    let root = if path == Path::new(STDIN_PATH) {
        workspace::STDIN_NAME.to_string()
    } else {
        path.display().to_string()
    };
    let wanted = |name: &str| in_scope(Some(name));
    let mut report = checklist::report(root, &project, &variants, &wanted, findings, load_time);
    report.verbose = options.verbose;
    report.quiet = options.quiet;
    report.width = output_width(options);
    report.source_lines = source_lines(&project, &report.findings);
    if options.show_env == ShowEnv::Sdk {
        for service in &mut report.services {
            service.environment.retain(|var| var.read_by_sdk);
        }
    }
    if matches!(steps, Steps::Key | Steps::Canary) {
        report.steps.retain(|step| step.id == WORKSPACE_STEP);
    }
    // Masked before the human report lays the text out: a secret wrapped over two lines
    // would no longer match what the redactor looks for.
    mask_texts(&mut report.steps, &mut report.findings, &redactor);
    // The human report on standard output is printed as it is known: the offline steps at
    // once, then each network step as it finishes, then the verdict.
    let streaming = options.format == Format::Human && options.output.is_none();
    let triage = |findings: Vec<Finding>| -> Vec<Finding> {
        policy::triage(findings, &project, settings, baseline.as_ref())
            .into_iter()
            .filter(|f| in_scope(f.service.as_deref()))
            .collect()
    };
    let mut live = LiveChecklist {
        report: &report,
        options,
        streaming,
        spinner: None,
        redactor,
        lint: &lint_findings,
        lint_reported: steps == Steps::Check,
        triage: &triage,
        steps: Vec::new(),
        findings: Vec::new(),
        failed: None,
    };
    if streaming {
        live.print(&report::human_head(&report));
    }
    if steps != Steps::Lint {
        network_steps(&project, &services, steps, options, settings, &mut live);
    }
    if let Some((receiver, wait)) = listening {
        live.spinner = Spinner::start(
            &format!("listen    waiting up to {} s for spans", wait.as_secs_f64()),
            options.progress && streaming,
        );
        let (steps, findings) =
            listen::wait_for_services(receiver, &services, &lint_findings, wait);
        live.spinner = None;
        let mut by_step: HashMap<String, Vec<Finding>> = HashMap::new();
        for finding in findings {
            by_step
                .entry(finding.step.clone())
                .or_default()
                .push(finding);
        }
        for step in steps {
            let findings = by_step.remove(&step.id).unwrap_or_default();
            live.add(step, findings, false);
        }
    }
    let LiveChecklist {
        steps: later_steps,
        findings: later_findings,
        redactor,
        failed,
        ..
    } = live;
    if let Some(error) = failed {
        return Err(error);
    }
    report.steps.extend(later_steps);
    report.findings.extend(later_findings);
    if streaming {
        write_output(&redactor.redact(&report::human_verdict(&report)), options)?;
    } else {
        let text = redactor.redact(&report::render(&report, options.format));
        write_report(&text, options.format, options.output.as_deref(), options)?;
    }
    for (format, file) in &options.also {
        let text = redactor.redact(&report::render(&report, *format));
        write_report(&text, *format, Some(file), options)?;
    }
    let writes_github = std::iter::once(options.format)
        .chain(options.also.iter().map(|(format, _)| *format))
        .any(|format| format == Format::Github);
    if writes_github && let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY") {
        append_step_summary(
            Path::new(&summary),
            &redactor.redact(&report::step_summary(&report)),
        )?;
    }
    if let Some(file) = &options.write_baseline {
        // Every finding, the inactive ones too: a baseline holds them all.
        let text = redactor.redact(&report::render(&report, Format::Json));
        write_report(&text, Format::Json, Some(file), options)?;
        eprintln!(
            "otel-doctor: wrote {} finding{} to {} (use it with --baseline)",
            report.findings.len(),
            if report.findings.len() == 1 { "" } else { "s" },
            display(file)
        );
    }
    let nothing_checked = report.services.is_empty() && options.api_key.is_none();
    if nothing_checked && fails_if_empty(options) {
        return Err(AppError(format!(
            "nothing to check in {}: no compose file and no Dockerfile (--fail-if-empty{})",
            display(path),
            if options.fail_if_empty.is_none() {
                ", on under GitHub Actions; --no-fail-if-empty allows it"
            } else {
                ""
            }
        )));
    }
    let code = if options.write_baseline.is_some() {
        ExitCode::SUCCESS
    } else {
        exit_code(&report, settings.fail_on.value)
    };
    let services = project.services.len();
    parallel::drop_in_background((project, variants, report), services);
    Ok(code)
}

/// The workspace at `path` read and resolved: the project, its variant compose files, and how
/// long reading the files took.
fn read_projects(
    path: &Path,
    options: &Options,
) -> Result<(Project, Vec<Project>, Duration), AppError> {
    let started = Instant::now();
    // `lint -`: manifests on standard input, in the current folder.
    let stdin = (path == Path::new(STDIN_PATH))
        .then(read_stdin)
        .transpose()?;
    let load_options = workspace::Options {
        path: if stdin.is_some() {
            PathBuf::from(".")
        } else {
            path.to_path_buf()
        },
        compose_files: options.files.clone(),
        env_files: options.env_files.clone(),
        shell: shell_environment(),
        services: options.services.clone(),
        compose_only: false,
        devcontainer: None,
        boundary: None,
        namespace: options.namespace.clone(),
        stdin,
    };
    // Fixed once: the variant compose files found beside the project are not the user's.
    let load_options = workspace::Options {
        boundary: Some(load_options.boundary()),
        ..load_options
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

/// The path that names standard input.
const STDIN_PATH: &str = "-";

/// How much of standard input is read: a rendered stream of manifests, not a disk.
const MAX_STDIN_BYTES: u64 = 64 * 1024 * 1024;

/// Standard input, whole (up to [`MAX_STDIN_BYTES`]).
fn read_stdin() -> Result<String, AppError> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_STDIN_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| AppError(format!("cannot read standard input: {error}")))?;
    if bytes.len() as u64 > MAX_STDIN_BYTES {
        return Err(AppError(format!(
            "standard input is over {} MiB: write the manifests to a folder and lint that",
            MAX_STDIN_BYTES / 1024 / 1024
        )));
    }
    String::from_utf8(bytes)
        .map_err(|_| AppError("standard input is not UTF-8 text: manifests are YAML".into()))
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
    let path = &args.path.path;
    if path == Path::new(STDIN_PATH) {
        return Err(AppError(
            "fix edits files, and standard input is none: run `otel-doctor fix` on the folder of the manifests".into(),
        ));
    }
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
    let findings = fix::leave_shared_files(findings, &project.kubernetes.shared);
    let outcome = fix::run(&project.root, &project.boundary, &findings, mode);
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
    // `config` takes --format human or json only.
    Ok(match options.format {
        Format::Json => settings.describe_json(),
        _ => settings.describe(),
    })
}

/// The key check and the canary, or their steps marked skipped with `--offline`, each told
/// to `progress` as it finishes.
fn network_steps(
    project: &Project,
    services: &[&Workload],
    steps: Steps,
    options: &Options,
    settings: &Settings,
    progress: &mut LiveChecklist,
) {
    let request = probe::Request {
        key: matches!(steps, Steps::Check | Steps::Key),
        canary: matches!(steps, Steps::Check | Steps::Canary),
        timeout: Duration::from_secs_f64(settings.timeout.value),
        overrides: probe::Overrides {
            endpoint: settings.endpoint.as_ref().map(|e| e.value.clone()),
            endpoint_chosen: settings
                .endpoint
                .as_ref()
                .is_some_and(|e| matches!(e.origin, Origin::Flag(_))),
            api_key: options.api_key.clone(),
        },
        api_urls: probe::ApiUrls::from_env(|name| std::env::var(name).ok()),
        policy: probe::KeyPolicy::from_settings(settings),
        environment: probe::environment_values(shell_environment()),
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
        if request.key {
            progress.add(skipped(KEY_STEP, "key"), Vec::new(), false);
        }
        if request.canary {
            progress.add(skipped(CANARY_STEP, "canary"), Vec::new(), false);
        }
        return;
    }
    probe::run_with(project, services, &request, progress);
}

/// The steps that finish after the offline ones (the network's, `--listen`'s): each is tied
/// to the lint finding that explains it, put through the policy, kept for the report, and
/// printed at once when the human report streams to standard output (with a spinner on
/// standard error while one runs).
struct LiveChecklist<'a> {
    /// The report of the offline steps, already printed.
    report: &'a Report,
    options: &'a Options,
    streaming: bool,
    spinner: Option<Spinner>,
    redactor: Redactor,
    lint: &'a [Finding],
    /// Whether the lint's findings are in the report (`check`), so that a canary refusal they
    /// explain is folded into them.
    lint_reported: bool,
    triage: &'a dyn Fn(Vec<Finding>) -> Vec<Finding>,
    steps: Vec<Step>,
    findings: Vec<Finding>,
    /// Standard output could not be written.
    failed: Option<AppError>,
}

impl LiveChecklist<'_> {
    fn add(&mut self, step: Step, findings: Vec<Finding>, network: bool) {
        let mut steps = [step];
        let findings = if network {
            checklist::name_causes(&mut steps, findings, self.lint, self.lint_reported)
        } else {
            findings
        };
        let mut findings = (self.triage)(findings);
        mask_texts(&mut steps, &mut findings, &self.redactor);
        let [step] = steps;
        if self.streaming {
            let text = report::human_step(self.report, &step, &findings);
            self.print(&text);
        }
        self.steps.push(step);
        self.findings.extend(findings);
    }

    fn print(&mut self, text: &str) {
        self.spinner = None;
        if self.failed.is_none()
            && let Err(error) = write_output(&self.redactor.redact(text), self.options)
        {
            self.failed = Some(error);
        }
    }
}

impl probe::Progress for LiveChecklist<'_> {
    fn secrets(&mut self, secrets: &[String]) {
        for secret in secrets {
            self.redactor.add(secret);
        }
    }

    fn running(&mut self, title: &str, target: &str) {
        let label = self.redactor.redact(&format!("{title:<9} {target}"));
        self.spinner = Spinner::start(&label, self.options.progress && self.streaming);
    }

    fn finished(&mut self, step: &Step, findings: &[Finding]) {
        self.spinner = None;
        self.add(step.clone(), findings.to_vec(), true);
    }
}

/// The words of steps and findings with their secrets masked.
fn mask_texts(steps: &mut [Step], findings: &mut [Finding], redactor: &Redactor) {
    for step in steps {
        step.summary = redactor.redact(&step.summary);
        for detail in &mut step.details {
            *detail = redactor.redact(detail);
        }
    }
    for finding in findings {
        finding.message = redactor.redact(&finding.message);
        finding.hint = redactor.redact(&finding.hint);
    }
}

/// The text of each line a finding points at, for the human report's code frames: each file
/// read once, from the workspace (a file that cannot be read simply gets no frame). Inside the
/// workspace's boundary only: a finding about a reference that leaves it (a symlinked `.env`)
/// points at a file that must not be read now either.
fn source_lines(project: &Project, findings: &[Finding]) -> HashMap<(Arc<str>, u32), String> {
    let mut wanted: HashMap<Arc<str>, Vec<u32>> = HashMap::new();
    for location in findings.iter().filter_map(|f| f.location.as_ref()) {
        wanted
            .entry(location.file.clone())
            .or_default()
            .push(location.line);
    }
    let mut lines = HashMap::new();
    for (file, numbers) in wanted {
        let path = project.root.join(&*file);
        if project.boundary.outside(&path).is_some() {
            continue;
        }
        let Ok(text) = crate::source::read_text(&path) else {
            continue;
        };
        let all: Vec<&str> = text.lines().collect();
        for number in numbers {
            if let Some(line) = (number as usize).checked_sub(1).and_then(|i| all.get(i)) {
                lines.insert((file.clone(), number), masked_source_line(line));
            }
        }
    }
    lines
}

/// A line of the workspace as a report may show it: a value after `NAME=` or `NAME:` is
/// masked as that variable's value would be (whole when the name says it is a secret), and
/// token shapes anywhere. The report's redactor runs over it too, but it only knows the values
/// it could read: a line that failed to parse (`DB_PASSWORD="unterminated`) is exactly the one
/// a frame shows.
fn masked_source_line(line: &str) -> String {
    let Some(at) = line.find(['=', ':']) else {
        return crate::redact::mask_value("", line);
    };
    let name = line[..at]
        .trim_end()
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .next()
        .unwrap_or_default();
    format!(
        "{}{}",
        &line[..=at],
        crate::redact::mask_value(name, &line[at + 1..])
    )
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
                compose_only: true,
                devcontainer: variant.devcontainer.clone(),
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
fn receiver_for_check(args: &CheckOptions, settings: &Settings) -> Result<Listening, AppError> {
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

fn run_listen(args: &ListenArgs) -> Result<ExitCode, AppError> {
    let options = Options {
        timeout: args.timeout,
        ..Options::of_text(&args.text)
    };
    let style = match options.format {
        Format::Json => listen::Style::Json,
        _ => listen::Style::Human,
    };
    // The relay's bound is `--timeout`, or `[online] timeout` of the configuration here.
    let settings = Settings::load(Path::new("."), &options)?;
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
            color_choice(&options),
        )),
    };
    let verdict = listen::run(
        &settings,
        duration,
        style,
        args.verbose,
        &mut out,
        &mut std::io::stderr(),
    )
    .map_err(AppError)?;
    // Nothing received counts only when the run had a length: Ctrl-C is the user's own stop.
    let nothing = verdict.nothing && duration.is_some();
    let failed = match args.fail_on {
        ListenFailOn::Problem => nothing || verdict.all_refused,
        ListenFailOn::Warning => nothing || verdict.any_flagged,
        ListenFailOn::Never => false,
    };
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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
        FailOn::Info => Severity::Info,
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

/// `otel-doctor rules`: one rule a line (its summary wrapped under the width), id, severity
/// and whether `fix` fixes it.
fn catalogue(width: usize) -> String {
    let id_width = rules::all().map(|r| r.meta().id.len()).max().unwrap_or(0);
    let prefix = id_width + 1 + 8 + 1;
    // Too narrow for a column: the summary goes under the id.
    let (room, indent) = match width.saturating_sub(prefix) {
        room if room >= 30 => (room, prefix),
        _ => (width.saturating_sub(4), 4),
    };
    let mut out = String::new();
    for rule in rules::all() {
        let meta = rule.meta();
        let head = format!("{:<id_width$} {:<8}", meta.id, meta.severity.as_str());
        let summary = terminal::wrap(&meta.summary(), room);
        if indent == prefix {
            for (n, line) in summary.iter().enumerate() {
                let left = if n == 0 {
                    head.clone()
                } else {
                    " ".repeat(prefix - 1)
                };
                out.push_str(&format!("{left} {line}\n"));
            }
        } else {
            out.push_str(head.trim_end());
            out.push('\n');
            for line in summary {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    out
}

/// `otel-doctor rules --format json`: the catalogue as data (schemas/rules.schema.json).
fn catalogue_json() -> String {
    let rules: Vec<serde_json::Value> = rules::all()
        .map(|rule| {
            let meta = rule.meta();
            serde_json::json!({
                "id": meta.id,
                "severity": meta.severity.as_str(),
                "fixable": meta.fixed_automatically(),
                "online": meta.online,
                "summary": meta.summary(),
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&rules).unwrap_or_default();
    text.push('\n');
    text
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
    write_text(text, options.output.as_deref(), options, true)
}

/// Writes a report to `file`, or to standard output. JSON, SARIF and HTML hold no styles, and no
/// control character (JSON escapes them): they are written as they are, without a pass over
/// megabytes of text to strip codes.
fn write_report(
    text: &str,
    format: Format,
    file: Option<&Path>,
    options: &Options,
) -> Result<(), AppError> {
    let styled = !matches!(format, Format::Json | Format::Sarif | Format::Html);
    write_text(text, file, options, styled)
}

/// `--fail-if-empty`, on by default under GitHub Actions (which sets `GITHUB_ACTIONS=true`):
/// a gate on a mistyped or empty path must not pass green.
fn fails_if_empty(options: &Options) -> bool {
    options
        .fail_if_empty
        .unwrap_or_else(|| std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"))
}

fn write_text(
    text: &str,
    file: Option<&Path>,
    options: &Options,
    styled: bool,
) -> Result<(), AppError> {
    if let Some(path) = file {
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
    match options.color {
        Color::Auto => anstream::ColorChoice::Auto,
        Color::Always => anstream::ColorChoice::Always,
        Color::Never => anstream::ColorChoice::Never,
    }
}

/// The width human text is laid out to: the terminal's when it goes to one.
fn output_width(options: &Options) -> usize {
    terminal::output_width(options.output.is_none())
}

fn display(path: &Path) -> String {
    PathBuf::from(path).display().to_string()
}

//! `.otel-doctor.toml`: the rules' levels, the exit threshold, the services to leave out and
//! the network steps' bounds. Found from the workspace up to the repository root, or named with
//! `--config`. Command-line flags win over the file, and every effective value remembers where
//! it came from (`otel-doctor config` shows it). A mistake in the file stops the run with its
//! `file:line:column`: a setting that silently does nothing is worse than none.

use std::collections::BTreeMap;
use std::fmt::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde_json::json;
use toml::Spanned;

use crate::cli::{FailOn, Options};
use crate::finding::Severity;
use crate::rules;
use crate::source::{self, Location};

pub const FILE_NAME: &str = ".otel-doctor.toml";
const DEFAULT_TIMEOUT: f64 = 10.0;
const MAX_TIMEOUT: f64 = 3600.0;

/// The configuration cannot be used (exit code 2): one line, with `file:line:column`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A rule's level in `[rules]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Info,
    Warning,
    Error,
}

impl Level {
    /// The severity its findings get; `None` when the rule is off.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Info => Some(Severity::Info),
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }

    fn as_str(self) -> &'static str {
        self.severity().map_or("off", Severity::as_str)
    }
}

/// Where an effective value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Default,
    File(Location),
    Flag(&'static str),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::File(location) => write!(f, "{location}"),
            Origin::Flag(flag) => f.write_str(flag),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sourced<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Sourced<T> {
    fn default(value: T) -> Self {
        Sourced {
            value,
            origin: Origin::Default,
        }
    }

    fn flag(value: T, flag: &'static str) -> Self {
        Sourced {
            value,
            origin: Origin::Flag(flag),
        }
    }
}

/// The effective configuration of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The configuration file read, as messages show it.
    pub file: Option<Arc<str>>,
    pub fail_on: Sourced<FailOn>,
    /// Left out of the run, unless named with `--service`.
    pub exclude_services: Sourced<Vec<String>>,
    /// The rules `[rules]` sets; the others keep their default level.
    pub rules: BTreeMap<&'static str, Sourced<Level>>,
    pub timeout: Sourced<f64>,
    /// Where the canary goes instead of each service's own endpoint.
    pub endpoint: Option<Sourced<String>>,
    /// Whether inline `otel-doctor: ignore[...]` comments count (`--no-inline-ignores`).
    pub inline_ignores: bool,
}

/// The file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    fail_on: Option<Spanned<FailOn>>,
    exclude_services: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<Level>>,
    online: Option<RawOnline>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOnline {
    timeout: Option<Spanned<f64>>,
    endpoint: Option<Spanned<String>>,
}

impl Settings {
    /// The settings for a run on `workspace`: `--config`, else the nearest `.otel-doctor.toml`,
    /// under the command line's flags.
    pub fn load(workspace: &Path, options: &Options) -> Result<Settings, ConfigError> {
        let path = match &options.config {
            Some(path) => Some(path.clone()),
            None => discover(workspace),
        };
        let mut settings = match path {
            Some(path) => read(&path)?,
            None => Settings::defaults(),
        };
        settings.apply_flags(options)?;
        Ok(settings)
    }

    fn defaults() -> Settings {
        Settings {
            file: None,
            fail_on: Sourced::default(FailOn::Error),
            exclude_services: Sourced::default(Vec::new()),
            rules: BTreeMap::new(),
            timeout: Sourced::default(DEFAULT_TIMEOUT),
            endpoint: None,
            inline_ignores: true,
        }
    }

    fn apply_flags(&mut self, options: &Options) -> Result<(), ConfigError> {
        if let Some(fail_on) = options.fail_on {
            self.fail_on = Sourced::flag(fail_on, "--fail-on");
        }
        if let Some(timeout) = options.timeout {
            check_timeout(timeout).map_err(|reason| ConfigError(format!("--timeout {reason}")))?;
            self.timeout = Sourced::flag(timeout, "--timeout");
        }
        if let Some(endpoint) = &options.endpoint {
            self.endpoint = Some(Sourced::flag(endpoint.clone(), "--endpoint"));
        }
        self.inline_ignores = options.inline_ignores;
        // From the broadest to the most precise, as ruff reads them: `--select`, then
        // `--ignore`, then `--rule ID=LEVEL`, each over the file's `[rules]`.
        if !options.select.is_empty() {
            let selected = rule_patterns("--select", &options.select)?;
            for rule in rules::all().map(|r| r.meta().id) {
                if !selected.iter().any(|pattern| pattern.matches(rule)) {
                    self.rules
                        .insert(rule, Sourced::flag(Level::Off, "--select"));
                }
            }
        }
        for pattern in rule_patterns("--ignore", &options.ignore)? {
            for rule in pattern.rules() {
                self.rules
                    .insert(rule, Sourced::flag(Level::Off, "--ignore"));
            }
        }
        for setting in &options.rules {
            let (pattern, level) = setting.split_once('=').ok_or_else(|| {
                ConfigError(format!(
                    "--rule {setting}: write ID=LEVEL, e.g. config/service-name-missing=off"
                ))
            })?;
            let level = match level.trim() {
                "off" => Level::Off,
                "info" => Level::Info,
                "warning" => Level::Warning,
                "error" => Level::Error,
                other => {
                    return Err(ConfigError(format!(
                        "--rule {setting}: `{other}` is not a level (off, info, warning, error)"
                    )));
                }
            };
            for rule in RulePattern::parse("--rule", pattern.trim())?.rules() {
                self.rules.insert(rule, Sourced::flag(level, "--rule"));
            }
        }
        Ok(())
    }

    /// The level `[rules]` gives a rule, if it gives one.
    pub fn level(&self, rule: &str) -> Option<Level> {
        self.rules.get(rule).map(|level| level.value)
    }

    /// Whether a service is left out: excluded in the file and not named with `--service`.
    pub fn excludes(&self, service: &str, named: &[String]) -> bool {
        self.exclude_services.value.iter().any(|s| s == service)
            && !named.iter().any(|s| s == service)
    }

    /// The effective configuration as a `.otel-doctor.toml` would write it, each value with
    /// where it came from: what `otel-doctor config` prints.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# {}",
            match &self.file {
                Some(file) => format!("configuration file: {file}"),
                None => format!(
                    "no {FILE_NAME} between the workspace and the repository root: defaults and flags only"
                ),
            }
        );
        let line = |out: &mut String, setting: String, origin: &Origin| {
            let _ = writeln!(out, "{setting:<44} # {origin}");
        };
        line(
            &mut out,
            format!("fail-on = {}", quoted(fail_on_str(self.fail_on.value))),
            &self.fail_on.origin,
        );
        let services: Vec<String> = self
            .exclude_services
            .value
            .iter()
            .map(|s| quoted(s))
            .collect();
        line(
            &mut out,
            format!("exclude-services = [{}]", services.join(", ")),
            &self.exclude_services.origin,
        );
        out.push_str("\n[rules]\n");
        if self.rules.is_empty() {
            out.push_str("# every rule at its default level (otel-doctor rules)\n");
        }
        for (id, level) in &self.rules {
            line(
                &mut out,
                format!("{} = {}", quoted(id), quoted(level.value.as_str())),
                &level.origin,
            );
        }
        out.push_str("\n[online]\n");
        line(
            &mut out,
            format!("timeout = {}", self.timeout.value),
            &self.timeout.origin,
        );
        match &self.endpoint {
            Some(endpoint) => line(
                &mut out,
                format!("endpoint = {}", quoted(&endpoint.value)),
                &endpoint.origin,
            ),
            None => line(
                &mut out,
                "# endpoint: each service's own".to_string(),
                &Origin::Default,
            ),
        }
        out
    }

    /// The same as JSON: each value with `from`.
    pub fn describe_json(&self) -> String {
        let sourced = |value: serde_json::Value, origin: &Origin| json!({"value": value, "from": origin.to_string()});
        let document = json!({
            "file": self.file.as_deref(),
            "fail-on": sourced(json!(fail_on_str(self.fail_on.value)), &self.fail_on.origin),
            "exclude-services": sourced(json!(self.exclude_services.value), &self.exclude_services.origin),
            "rules": self.rules.iter().map(|(id, level)| {
                (id.to_string(), sourced(json!(level.value.as_str()), &level.origin))
            }).collect::<serde_json::Map<_, _>>(),
            "online": {
                "timeout": sourced(json!(self.timeout.value), &self.timeout.origin),
                "endpoint": self.endpoint.as_ref().map(|e| sourced(json!(e.value), &e.origin)),
            },
        });
        let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// A rule id, or a family of them (`config/`, or `config`), as `--select`, `--ignore` and
/// `--rule` take them.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RulePattern {
    Rule(&'static str),
    Family(String),
}

impl RulePattern {
    fn parse(flag: &str, text: &str) -> Result<RulePattern, ConfigError> {
        if let Some(rule) = rules::find(text) {
            return Ok(RulePattern::Rule(rule.meta().id));
        }
        let family = format!("{}/", text.trim_end_matches('/'));
        if rules::all().any(|rule| rule.meta().id.starts_with(&family)) {
            return Ok(RulePattern::Family(family));
        }
        let suggestion = rules::closest_id(text)
            .map(|known| format!("; did you mean `{known}`?"))
            .unwrap_or_else(|| "; `otel-doctor rules` lists them".to_string());
        Err(ConfigError(format!(
            "{flag} {text}: no rule or family of rules (config/, deps/, ...) has this name{suggestion}"
        )))
    }

    fn matches(&self, rule: &str) -> bool {
        match self {
            RulePattern::Rule(id) => *id == rule,
            RulePattern::Family(family) => rule.starts_with(family.as_str()),
        }
    }

    fn rules(&self) -> impl Iterator<Item = &'static str> + '_ {
        rules::all()
            .map(|rule| rule.meta().id)
            .filter(|rule| self.matches(rule))
    }
}

fn rule_patterns(flag: &str, texts: &[String]) -> Result<Vec<RulePattern>, ConfigError> {
    texts
        .iter()
        .map(|text| RulePattern::parse(flag, text.trim()))
        .collect()
}

fn fail_on_str(fail_on: FailOn) -> &'static str {
    match fail_on {
        FailOn::Error => "error",
        FailOn::Warning => "warning",
        FailOn::Info => "info",
        FailOn::Never => "never",
    }
}

/// A TOML basic string (JSON's escapes are valid TOML).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// The nearest `.otel-doctor.toml` from the workspace upward, stopping at the repository root
/// (the folder holding `.git`) or the filesystem root.
fn discover(workspace: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(workspace).ok()?;
    let start = if start.is_file() {
        start.parent()?.to_path_buf()
    } else {
        start
    };
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(relative_to_current_dir(candidate));
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    None
}

/// A path as the user would type it from here.
fn relative_to_current_dir(path: PathBuf) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|dir| path.strip_prefix(dir).ok().map(Path::to_path_buf))
        .unwrap_or(path)
}

fn read(path: &Path) -> Result<Settings, ConfigError> {
    let display: Arc<str> = Arc::from(path.display().to_string());
    let text = source::read_text(path)
        .map_err(|error| ConfigError(format!("cannot read configuration {display}: {error}")))?;
    parse(&display, &text)
}

fn parse(file: &Arc<str>, text: &str) -> Result<Settings, ConfigError> {
    let at = |offset: usize| {
        let (line, column) = source::line_column(text, offset);
        Location::new(file, line, column)
    };
    let fail = |offset: usize, message: String| ConfigError(format!("{}: {message}", at(offset)));
    let raw: RawConfig = toml::from_str(text).map_err(|error| {
        let message = error.message().trim().replace('\n', " ");
        fail(error.span().map_or(0, |span| span.start), message)
    })?;
    let from_file = |span: std::ops::Range<usize>| Origin::File(at(span.start));
    let mut settings = Settings::defaults();
    settings.file = Some(Arc::clone(file));
    if let Some(fail_on) = raw.fail_on {
        settings.fail_on = Sourced {
            origin: from_file(fail_on.span()),
            value: fail_on.into_inner(),
        };
    }
    if let Some(services) = raw.exclude_services {
        settings.exclude_services = Sourced {
            origin: from_file(services.span()),
            value: services.into_inner(),
        };
    }
    for (id, level) in raw.rules {
        let Some(rule) = rules::find(id.get_ref()) else {
            let suggestion = rules::closest_id(id.get_ref())
                .map(|known| format!("; did you mean `{known}`?"))
                .unwrap_or_else(|| "; `otel-doctor rules` lists them".to_string());
            return Err(fail(
                id.span().start,
                format!("unknown rule `{}`{suggestion}", id.get_ref()),
            ));
        };
        settings.rules.insert(
            rule.meta().id,
            Sourced {
                origin: from_file(level.span()),
                value: level.into_inner(),
            },
        );
    }
    if let Some(online) = raw.online {
        if let Some(timeout) = online.timeout {
            check_timeout(*timeout.get_ref())
                .map_err(|reason| fail(timeout.span().start, format!("timeout {reason}")))?;
            settings.timeout = Sourced {
                origin: from_file(timeout.span()),
                value: timeout.into_inner(),
            };
        }
        if let Some(endpoint) = online.endpoint {
            check_endpoint(endpoint.get_ref())
                .map_err(|reason| fail(endpoint.span().start, reason))?;
            settings.endpoint = Some(Sourced {
                origin: from_file(endpoint.span()),
                value: endpoint.into_inner(),
            });
        }
    }
    Ok(settings)
}

fn check_timeout(seconds: f64) -> Result<(), String> {
    if seconds.is_finite() && seconds > 0.0 && seconds <= MAX_TIMEOUT {
        Ok(())
    } else {
        Err(format!(
            "must be between 0 and {MAX_TIMEOUT} seconds, not {seconds}"
        ))
    }
}

fn check_endpoint(endpoint: &str) -> Result<(), String> {
    match url::Url::parse(endpoint) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(()),
        _ => Err(format!(
            "endpoint {} is not an http:// or https:// URL",
            quoted(endpoint)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Settings, String> {
        parse(&Arc::from(".otel-doctor.toml"), text).map_err(|e| e.0)
    }

    #[test]
    fn every_setting_with_its_position() {
        let settings = parsed(
            "fail-on = \"warning\"\nexclude-services = [\"db\"]\n[rules]\n\"config/service-name-missing\" = \"off\"\n[online]\ntimeout = 5\nendpoint = \"http://127.0.0.1:4318\"\n",
        )
        .unwrap();
        assert_eq!(settings.fail_on.value, FailOn::Warning);
        assert_eq!(
            settings.fail_on.origin.to_string(),
            ".otel-doctor.toml:1:11"
        );
        assert_eq!(settings.exclude_services.value, ["db"]);
        assert_eq!(
            settings.level("config/service-name-missing"),
            Some(Level::Off)
        );
        assert_eq!(
            settings.rules["config/service-name-missing"]
                .origin
                .to_string(),
            ".otel-doctor.toml:4:33"
        );
        assert_eq!(settings.timeout.value, 5.0);
        assert_eq!(
            settings.timeout.origin.to_string(),
            ".otel-doctor.toml:6:11"
        );
        assert_eq!(
            settings.endpoint.map(|e| e.value).as_deref(),
            Some("http://127.0.0.1:4318")
        );
    }

    #[test]
    fn mistakes_are_one_line_at_their_position() {
        let cases = [
            (
                "fail-on = \"error\"\ncolour = true\n",
                ".otel-doctor.toml:2:1: unknown field `colour`",
            ),
            (
                "[online]\ntimeot = 3\n",
                ".otel-doctor.toml:2:1: unknown field `timeot`",
            ),
            (
                "fail-on = \"warn\"\n",
                ".otel-doctor.toml:1:11: unknown variant `warn`",
            ),
            (
                "[rules]\n\"config/x\" = \"off\"\n",
                ".otel-doctor.toml:2:1: unknown rule `config/x`",
            ),
            (
                "[rules]\n\"config/servce-name-missing\" = \"off\"\n",
                ".otel-doctor.toml:2:1: unknown rule `config/servce-name-missing`; did you mean `config/service-name-missing`?",
            ),
            (
                "[rules]\n\"config/sdk-disabled\" = \"of\"\n",
                ".otel-doctor.toml:2:25: unknown variant `of`",
            ),
            (
                "[online]\ntimeout = -1\n",
                ".otel-doctor.toml:2:11: timeout must be between 0 and 3600 seconds, not -1",
            ),
            (
                "[online]\ntimeout = \"5\"\n",
                ".otel-doctor.toml:2:11: invalid type: string \"5\"",
            ),
            (
                "[online]\nendpoint = \"collector:4318\"\n",
                ".otel-doctor.toml:2:12: endpoint \"collector:4318\" is not an http:// or https:// URL",
            ),
            ("fail-on = \"error\n", ".otel-doctor.toml:1:"),
        ];
        for (text, expected) in cases {
            let error = parsed(text).unwrap_err();
            assert!(error.starts_with(expected), "{text:?}: {error}");
            assert!(!error.contains('\n'), "{error}");
        }
    }

    #[test]
    fn the_description_is_a_config_file_with_origins() {
        let settings = parsed("[rules]\n\"config/sdk-disabled\" = \"warning\"\n").unwrap();
        let text = settings.describe();
        assert!(
            text.starts_with("# configuration file: .otel-doctor.toml\n"),
            "{text}"
        );
        assert!(text.contains("fail-on = \"error\""), "{text}");
        assert!(
            text.contains(
                "\"config/sdk-disabled\" = \"warning\"            # .otel-doctor.toml:2:25"
            ),
            "{text}"
        );
        let reparsed = parsed(&text).unwrap();
        assert_eq!(reparsed.rules.len(), 1);
    }
}

//! The knobs a CI job turns: rules selected, ignored or re-levelled on the command line, inline
//! ignores switched off, `--fail-on info`, colour, several reports from one run, a baseline
//! written without failing, an empty workspace that must not pass green, and a Dockerfile given
//! as PATH.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use support::fixture_copy::workspace;

fn doctor(dir: &Path, args: &[&str]) -> Output {
    doctor_with(dir, args, &[])
}

fn doctor_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `rule severity` of each active finding of a JSON report.
fn active(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["suppressed"].is_null())
        .map(|f| {
            format!(
                "{} {}",
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap()
            )
        })
        .collect()
}

fn lint_json(dir: &Path, args: &[&str]) -> (Value, Option<i32>) {
    let mut all = vec!["lint", ".", "--format", "json"];
    all.extend_from_slice(args);
    let output = doctor(dir, &all);
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", stderr(&output)));
    (report, output.status.code())
}

#[test]
fn select_ignore_and_rule_levels_on_the_command_line() {
    let dir = workspace("cruddur");
    let (report, code) = lint_json(dir.path(), &[]);
    assert_eq!(
        active(&report),
        ["deps/otel-not-installed error", "honeycomb/key-unset error"]
    );
    assert_eq!(code, Some(1));
    // A family, with or without its slash.
    for family in ["deps/", "deps"] {
        let (report, _) = lint_json(dir.path(), &["--select", family]);
        assert_eq!(
            active(&report),
            ["deps/otel-not-installed error"],
            "{family}"
        );
    }
    let (report, _) = lint_json(dir.path(), &["--ignore", "deps/,honeycomb/key-unset"]);
    assert_eq!(active(&report), Vec::<String>::new());
    let (report, code) = lint_json(
        dir.path(),
        &[
            "--rule",
            "deps/otel-not-installed=warning",
            "--rule",
            "honeycomb/=off",
        ],
    );
    assert_eq!(active(&report), ["deps/otel-not-installed warning"]);
    assert_eq!(code, Some(0));
    // The most precise wins: a rule's level over its family's ignore.
    let (report, _) = lint_json(
        dir.path(),
        &[
            "--ignore",
            "deps/",
            "--rule",
            "deps/otel-not-installed=info",
        ],
    );
    assert_eq!(
        active(&report),
        ["deps/otel-not-installed info", "honeycomb/key-unset error"]
    );
    for (args, error) in [
        (
            ["--ignore", "key-unset"],
            "otel-doctor: --ignore key-unset: no rule or family of rules (config/, deps/, ...) has this name; did you mean `honeycomb/key-unset`?\n",
        ),
        (
            ["--rule", "deps/otel-not-installed=loud"],
            "otel-doctor: --rule deps/otel-not-installed=loud: `loud` is not a level (off, info, warning, error)\n",
        ),
        (
            ["--rule", "deps/otel-not-installed"],
            "otel-doctor: --rule deps/otel-not-installed: write ID=LEVEL, e.g. config/service-name-missing=off\n",
        ),
    ] {
        let output = doctor(dir.path(), &[&["lint", "."][..], &args].concat());
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&output), error);
    }
    // `config` shows where each level came from.
    let shown = stdout(&doctor(
        dir.path(),
        &["config", "--ignore", "deps/otel-not-installed"],
    ));
    assert!(
        shown.contains("\"deps/otel-not-installed\" = \"off\"") && shown.contains("# --ignore"),
        "{shown}"
    );
}

#[test]
fn no_inline_ignores_makes_every_ignore_count_for_nothing() {
    let dir = workspace("rules/meta/malformed-ignore/near-miss");
    let (report, _) = lint_json(dir.path(), &[]);
    assert_eq!(active(&report), Vec::<String>::new());
    let (report, code) = lint_json(dir.path(), &["--no-inline-ignores"]);
    assert_eq!(active(&report), ["config/endpoint-localhost error"]);
    assert_eq!(code, Some(1));
    // Not read at all: none is reported unused or malformed either.
    let dir = workspace("rules/meta/unused-ignore/fires");
    let (report, _) = lint_json(dir.path(), &["--no-inline-ignores"]);
    assert!(
        active(&report).iter().all(|f| !f.starts_with("meta/")),
        "{report}"
    );
}

#[test]
fn fail_on_info_counts_notes() {
    let dir = workspace("rules/meta/unused-ignore/near-miss");
    let notes = workspace("rules/meta/unused-ignore/fires");
    let (report, code) = lint_json(
        notes.path(),
        &["--rule", "meta/=info", "--fail-on", "warning"],
    );
    assert!(
        active(&report).iter().all(|f| f.ends_with(" info")),
        "{report}"
    );
    assert_eq!(code, Some(0));
    assert_eq!(
        lint_json(notes.path(), &["--rule", "meta/=info", "--fail-on", "info"]).1,
        Some(1)
    );
    assert_eq!(lint_json(dir.path(), &["--fail-on", "info"]).1, Some(0));
}

#[test]
fn color_follows_the_flag_then_no_color_then_force_color() {
    let dir = workspace("cruddur");
    let styled = |args: &[&str], env: &[(&str, &str)]| {
        stdout(&doctor_with(
            dir.path(),
            &[&["lint", "."][..], args].concat(),
            env,
        ))
        .contains('\u{1b}')
    };
    // Standard output is a pipe here: no colour unless asked for.
    assert!(!styled(&[], &[]));
    assert!(styled(&["--color", "always"], &[]));
    assert!(styled(&[], &[("FORCE_COLOR", "1")]));
    assert!(!styled(&[], &[("FORCE_COLOR", "0")]));
    assert!(!styled(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]));
    assert!(!styled(&["--color", "never"], &[("FORCE_COLOR", "1")]));
    assert!(!styled(&["--no-color"], &[("FORCE_COLOR", "1")]));
    assert!(styled(&["--color", "always"], &[("NO_COLOR", "1")]));
}

#[test]
fn one_run_writes_several_reports_and_the_human_one_still_goes_to_stdout() {
    let dir = workspace("cruddur");
    let output = doctor(
        dir.path(),
        &[
            "lint",
            ".",
            "--output",
            "sarif=out/x.sarif",
            "--output",
            "json=x.json",
            "--output",
            "github=x.log",
        ],
    );
    // The folder of an --output is not created: that is the user's.
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).starts_with("otel-doctor: cannot write out/x.sarif: "),
        "{}",
        stderr(&output)
    );
    let output = doctor(
        dir.path(),
        &[
            "lint",
            ".",
            "--output",
            "sarif=x.sarif",
            "--output",
            "json=x.json",
            "--output",
            "github=x.log",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("✗ deps/otel-not-installed"),
        "{}",
        stdout(&output)
    );
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    let sarif: Value = serde_json::from_str(&read("x.sarif")).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 2);
    let json: Value = serde_json::from_str(&read("x.json")).unwrap();
    assert_eq!(json["summary"]["errors"], 2);
    assert!(read("x.log").starts_with("::error file="));
    // Plain `--output FILE` keeps its meaning: the --format report there, nothing on stdout.
    let output = doctor(
        dir.path(),
        &["lint", ".", "--format", "json", "--output", "report.json"],
    );
    assert!(output.stdout.is_empty());
    let json: Value = serde_json::from_str(&read("report.json")).unwrap();
    assert_eq!(json["version"], 1);
}

/// README's recipe, run as a CI script would (`set -e`): writing the baseline passes, and the
/// run against it passes until a new finding appears.
#[test]
fn a_baseline_is_written_without_failing_and_then_holds_the_old_findings() {
    let dir = workspace("cruddur");
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let recipe: Vec<&str> = readme
        .lines()
        .filter(|l| l.contains("otel-doctor-baseline.json") && l.starts_with("otel-doctor "))
        .map(|l| l.split('#').next().unwrap().trim())
        .collect();
    assert_eq!(recipe.len(), 2, "{recipe:?}");
    let bin = Path::new(env!("CARGO_BIN_EXE_otel-doctor"));
    let script = format!(
        "set -euo pipefail\notel-doctor() {{ {} \"$@\"; }}\n{}\n",
        bin.display(),
        recipe.join("\n")
    );
    let output = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("wrote 2 findings to otel-doctor-baseline.json"),
        "{}",
        stderr(&output)
    );
    // A new problem fails the gate.
    let compose = std::fs::read_to_string(dir.path().join("docker-compose.yml")).unwrap();
    let compose = compose.replacen(
        "OTEL_SERVICE_NAME: \"backend-flask\"",
        "OTEL_SERVICE_NAME: \"backend-flask\"\n      OTEL_SDK_DISABLED: \"true\"",
        1,
    );
    std::fs::write(dir.path().join("docker-compose.yml"), compose).unwrap();
    let output = doctor(
        dir.path(),
        &["lint", "--baseline", "otel-doctor-baseline.json"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
}

#[test]
fn an_empty_workspace_fails_when_asked_and_under_github_actions() {
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(doctor(empty.path(), &["lint"]).status.code(), Some(0));
    let output = doctor(empty.path(), &["lint", "--fail-if-empty"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "otel-doctor: nothing to check in .: no compose file and no Dockerfile (--fail-if-empty)\n"
    );
    let actions = [("GITHUB_ACTIONS", "true")];
    let output = doctor_with(empty.path(), &["lint", "src"], &actions);
    assert_eq!(
        output.status.code(),
        Some(2),
        "a mistyped path: {}",
        stderr(&output)
    );
    std::fs::create_dir(empty.path().join("src")).unwrap();
    let output = doctor_with(empty.path(), &["lint", "src"], &actions);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("on under GitHub Actions; --no-fail-if-empty allows it"));
    let output = doctor_with(
        empty.path(),
        &["lint", "src", "--no-fail-if-empty"],
        &actions,
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn a_dockerfile_given_as_path_is_linted_as_a_dockerfile() {
    let dir = workspace("cruddur");
    let (report, code) = lint_json(dir.path(), &[]);
    assert_eq!(code, Some(1));
    assert!(report["services"].as_array().unwrap().len() > 1);
    let output = doctor(
        dir.path(),
        &["lint", "backend-flask/Dockerfile", "--format", "json"],
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        !rules.iter().any(|r| r.starts_with("compose/")),
        "{rules:?}"
    );
    assert!(rules.contains(&"deps/otel-not-installed"), "{rules:?}");
    assert_eq!(report["services"][0]["name"], "backend-flask");
    assert_eq!(report["services"][0]["dockerfile"], "Dockerfile");
    // Another name docker builds take.
    std::fs::copy(
        dir.path().join("backend-flask/Dockerfile"),
        dir.path().join("backend-flask/api.Dockerfile"),
    )
    .unwrap();
    let output = doctor(
        dir.path(),
        &["lint", "backend-flask/api.Dockerfile", "--format", "json"],
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["services"][0]["dockerfile"], "api.Dockerfile");
}

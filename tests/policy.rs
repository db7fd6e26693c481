//! What the user decides about findings, end to end on copies of the fixtures: the
//! configuration file (levels, off, excluded services, fail-on, flags over the file, mistakes
//! with `file:line:column`), inline ignores in every file kind that has findings, unused
//! ignores, suppressed findings in each format, and baselines from JSON and SARIF reports.

use std::process::{Command, Output};

use serde_json::{Value, json};
use support::fixture_copy::workspace;
use tempfile::TempDir;

fn write(dir: &TempDir, file: &str, text: &str) {
    std::fs::write(dir.path().join(file), text).unwrap();
}

/// Inserts `text` as a new line before the 1-based `line`.
fn insert_line(dir: &TempDir, file: &str, line: usize, text: &str) {
    edit(dir, file, |lines| lines.insert(line - 1, text.to_string()));
}

fn edit(dir: &TempDir, file: &str, change: impl FnOnce(&mut Vec<String>)) {
    let path = dir.path().join(file);
    let original = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
    change(&mut lines);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
}

/// Runs the binary in the workspace (as `.`), with a clean environment.
fn doctor(dir: &TempDir, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(args)
        .current_dir(dir.path())
        .env_clear()
        .output()
        .unwrap()
}

fn lint_json(dir: &TempDir, args: &[&str]) -> (Value, Option<i32>) {
    let mut all = vec!["lint", ".", "--format", "json"];
    all.extend_from_slice(args);
    let output = doctor(dir, &all);
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (report, output.status.code())
}

/// `rule file:line:column [severity]`, with `(ignored at file:line:column)` or `(baselined)`.
fn findings(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let mut text = format!(
                "{} {}:{}:{} {}",
                f["rule"].as_str().unwrap(),
                f["file"].as_str().unwrap_or("-"),
                f["line"],
                f["column"],
                f["severity"].as_str().unwrap()
            );
            if let Some(at) = f["suppressed"]["location"].as_object() {
                assert_eq!(f["suppressed"]["kind"], "inline");
                text += &format!(
                    " (ignored at {}:{}:{})",
                    at["file"].as_str().unwrap(),
                    at["line"],
                    at["column"]
                );
            }
            if f["baselined"] == true {
                text += " (baselined)";
            }
            text
        })
        .collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

// --- configuration -----------------------------------------------------------------------

const WARNING_ONLY: &str = "rules/config/service-name-missing/fires";

#[test]
fn a_rule_can_be_relevelled_or_turned_off() {
    let dir = workspace(WARNING_ONLY);
    let (report, exit) = lint_json(&dir, &[]);
    assert_eq!(
        findings(&report),
        ["config/service-name-missing docker-compose.yml:6:7 warning"]
    );
    assert_eq!(exit, Some(0));

    write(
        &dir,
        ".otel-doctor.toml",
        "[rules]\n\"config/service-name-missing\" = \"error\"\n",
    );
    let (report, exit) = lint_json(&dir, &[]);
    assert_eq!(
        findings(&report),
        ["config/service-name-missing docker-compose.yml:6:7 error"]
    );
    assert_eq!(report["summary"]["errors"], 1);
    assert_eq!(exit, Some(1));

    write(
        &dir,
        ".otel-doctor.toml",
        "[rules]\n\"config/service-name-missing\" = \"off\"\n",
    );
    let (report, exit) = lint_json(&dir, &["--fail-on", "warning"]);
    assert_eq!(findings(&report), Vec::<String>::new());
    assert_eq!(exit, Some(0));
}

#[test]
fn fail_on_comes_from_the_file_and_the_flag_wins() {
    let dir = workspace(WARNING_ONLY);
    write(&dir, ".otel-doctor.toml", "fail-on = \"warning\"\n");
    assert_eq!(lint_json(&dir, &[]).1, Some(1));
    assert_eq!(lint_json(&dir, &["--fail-on", "error"]).1, Some(0));
    write(&dir, ".otel-doctor.toml", "fail-on = \"never\"\n");
    assert_eq!(lint_json(&dir, &["--fail-on", "warning"]).1, Some(1));
}

#[test]
fn excluded_services_are_left_out_unless_named() {
    let dir = workspace("cruddur");
    write(
        &dir,
        ".otel-doctor.toml",
        "exclude-services = [\"backend-flask\", \"not-in-this-workspace\"]\n",
    );
    let (report, exit) = lint_json(&dir, &[]);
    assert_eq!(findings(&report), Vec::<String>::new());
    let services: Vec<&str> = report["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(services, ["frontend-react-js", "dynamodb-local", "db"]);
    assert_eq!(exit, Some(0));

    let (report, exit) = lint_json(&dir, &["--service", "backend-flask"]);
    assert_eq!(report["services"].as_array().unwrap().len(), 1);
    assert_eq!(report["summary"]["errors"], 2);
    assert_eq!(exit, Some(1));
}

#[test]
fn the_config_command_shows_each_value_and_where_it_came_from() {
    let dir = workspace(WARNING_ONLY);
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    write(
        &dir,
        ".otel-doctor.toml",
        "fail-on = \"warning\"\nexclude-services = [\"db\"]\n\n[rules]\n\"config/service-name-missing\" = \"off\"\n\n[online]\ntimeout = 5\nendpoint = \"http://127.0.0.1:4318\"\n",
    );
    // Found from a folder below, up to the repository root.
    let output = doctor(&dir, &["config", "sub", "--timeout", "2.5"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "# configuration file: .otel-doctor.toml
fail-on = \"warning\"                          # .otel-doctor.toml:1:11
exclude-services = [\"db\"]                    # .otel-doctor.toml:2:20

[rules]
\"config/service-name-missing\" = \"off\"        # .otel-doctor.toml:5:33

[online]
timeout = 2.5                                # --timeout
endpoint = \"http://127.0.0.1:4318\"           # .otel-doctor.toml:9:12
"
    );
    let output = doctor(&dir, &["config", "--format", "json", "--fail-on", "never"]);
    let settings: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(settings["file"], ".otel-doctor.toml");
    assert_eq!(
        settings["fail-on"],
        json!({"value": "never", "from": "--fail-on"})
    );
    assert_eq!(
        settings["online"]["timeout"],
        json!({"value": 5.0, "from": ".otel-doctor.toml:8:11"})
    );
    for (args, error) in [
        (
            ["config", "--format", "sarif"],
            "error: invalid value 'sarif' for '--format <FORMAT>'",
        ),
        (
            ["config", "missing", "--no-color"],
            "otel-doctor: cannot read missing: no such file or directory\n",
        ),
    ] {
        let output = doctor(&dir, &args);
        assert_eq!(output.status.code(), Some(2));
        assert!(stderr(&output).starts_with(error), "{}", stderr(&output));
    }
}

#[test]
fn the_search_stops_at_the_repository_root() {
    let outer = tempfile::tempdir().unwrap();
    let repository = outer.path().join("repo");
    std::fs::create_dir_all(repository.join(".git")).unwrap();
    std::fs::write(
        outer.path().join(".otel-doctor.toml"),
        "fail-on = \"never\"\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(["config", "--format", "json"])
        .arg(&repository)
        .env_clear()
        .output()
        .unwrap();
    let settings: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(settings["file"], Value::Null);
    assert_eq!(settings["fail-on"]["from"], "default");
}

#[test]
fn mistakes_in_the_file_stop_the_run_with_file_line_and_column() {
    let dir = workspace(WARNING_ONLY);
    let cases = [
        (
            "fail-on = \"error\"\nfail_on = \"warning\"\n",
            ".otel-doctor.toml:2:1: unknown field `fail_on`, expected one of `fail-on`, `exclude-services`, `rules`, `online`",
        ),
        (
            "fail-on = \"sometimes\"\n",
            ".otel-doctor.toml:1:11: unknown variant `sometimes`, expected one of `error`, `warning`, `info`, `never`",
        ),
        (
            "[rules]\n\"config/service-name-mising\" = \"off\"\n",
            ".otel-doctor.toml:2:1: unknown rule `config/service-name-mising`; did you mean `config/service-name-missing`?",
        ),
        (
            "[online]\ntimeout = 0\n",
            ".otel-doctor.toml:2:11: timeout must be between 0 and 3600 seconds, not 0",
        ),
        ("[rules\n", ".otel-doctor.toml:1:7: "),
    ];
    for (text, expected) in cases {
        write(&dir, ".otel-doctor.toml", text);
        let output = doctor(&dir, &["lint"]);
        assert_eq!(output.status.code(), Some(2), "{text}");
        let error = stderr(&output);
        assert!(
            error.starts_with(&format!("otel-doctor: {expected}")),
            "{text:?}: {error}"
        );
        assert_eq!(error.lines().count(), 1, "{error}");
        assert!(output.stdout.is_empty());
    }
    let output = doctor(&dir, &["lint", "--config", "elsewhere.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "otel-doctor: cannot read configuration elsewhere.toml: file not found\n"
    );
}

#[test]
fn config_names_a_file_outside_the_workspace() {
    let dir = workspace(WARNING_ONLY);
    write(&dir, "strict.toml", "fail-on = \"warning\"\n");
    assert_eq!(lint_json(&dir, &["--config", "strict.toml"]).1, Some(1));
}

// --- inline ignores ----------------------------------------------------------------------

#[test]
fn an_ignore_in_compose_silences_the_line_below() {
    let dir = workspace("rules/config/endpoint-localhost/fires");
    insert_line(
        &dir,
        "docker-compose.yml",
        6,
        "      # otel-doctor: ignore[config/endpoint-localhost]",
    );
    let (report, exit) = lint_json(&dir, &[]);
    assert_eq!(
        findings(&report),
        [
            "config/endpoint-localhost docker-compose.yml:7:7 error (ignored at docker-compose.yml:6:7)"
        ]
    );
    assert_eq!(exit, Some(0));
    assert_eq!(
        report["summary"],
        json!({"errors": 0, "warnings": 0, "infos": 0, "ignored": 1, "baselined": 0, "status": "pass"})
    );
}

#[test]
fn ignores_in_dockerfiles_env_files_python_and_pyproject() {
    // (fixture, file, line to insert before or to append to, pragma, expected finding)
    let cases = [
        (
            "rules/dockerfile/flask-reloader/fires",
            "api/Dockerfile",
            Some(6),
            "# otel-doctor: ignore[dockerfile/flask-reloader]",
            "dockerfile/flask-reloader api/Dockerfile:7:51 warning (ignored at api/Dockerfile:6:1)",
        ),
        (
            "rules/honeycomb/key-invalid/fires",
            ".env",
            Some(1),
            "# otel-doctor: ignore[honeycomb/key-invalid]",
            "honeycomb/key-invalid .env:2:1 error (ignored at .env:1:1)",
        ),
        (
            "rules/code/console-exporter/fires",
            "api/app.py",
            None,
            "  # otel-doctor: ignore[code/console-exporter]",
            "code/console-exporter api/app.py:7:49 error (ignored at api/app.py:7:74)",
        ),
        (
            "rules/deps/manifest-parse-error/fires",
            "api/pyproject.toml",
            Some(3),
            "# otel-doctor: ignore[deps/manifest-parse-error]",
            "deps/manifest-parse-error api/pyproject.toml:4:24 warning (ignored at api/pyproject.toml:3:1)",
        ),
    ];
    for (fixture, file, line, pragma, expected) in cases {
        let dir = workspace(fixture);
        match line {
            Some(line) => insert_line(&dir, file, line, pragma),
            None => edit(&dir, file, |lines| lines[6].push_str(pragma)),
        }
        let (report, exit) = lint_json(&dir, &["--fail-on", "warning"]);
        assert_eq!(findings(&report), [expected], "{fixture}");
        assert_eq!(exit, Some(0), "{fixture}");
    }
}

#[test]
fn an_env_file_of_a_service_takes_ignores_too() {
    let dir = workspace("rules/config/endpoint-localhost/fires");
    write(
        &dir,
        "docker-compose.yml",
        "services:\n  api:\n    image: python:3.12-slim\n    env_file: api.env\n",
    );
    write(
        &dir,
        "api.env",
        "OTEL_SERVICE_NAME=api\nOTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 # otel-doctor: ignore[config/endpoint-localhost]\n",
    );
    let (report, exit) = lint_json(&dir, &[]);
    assert_eq!(
        findings(&report),
        ["config/endpoint-localhost api.env:2:1 error (ignored at api.env:2:51)"]
    );
    assert_eq!(exit, Some(0));
}

#[test]
fn requirements_files_are_read_for_ignores() {
    // No rule reports a finding inside requirements.txt yet; an ignore written there is
    // read all the same, and says so when it silences nothing.
    let dir = workspace("rules/code/console-exporter/fires");
    edit(&dir, "api/requirements.txt", |lines| {
        lines[0].push_str("  # otel-doctor: ignore[deps/otel-not-installed]");
    });
    let (report, _) = lint_json(&dir, &[]);
    let unused: Vec<String> = findings(&report)
        .into_iter()
        .filter(|f| f.starts_with("meta/"))
        .collect();
    let column = std::fs::read_to_string(dir.path().join("api/requirements.txt"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .find("deps/")
        .unwrap()
        + 1;
    assert_eq!(
        unused,
        [format!(
            "meta/unused-ignore api/requirements.txt:1:{column} info"
        )]
    );
}

#[test]
fn unused_ignores_can_be_relevelled_or_turned_off_and_name_rules_turned_off() {
    let dir = workspace("rules/meta/unused-ignore/fires");
    write(
        &dir,
        ".otel-doctor.toml",
        "[rules]\n\"meta/unused-ignore\" = \"warning\"\n\"config/endpoint-localhost\" = \"off\"\n",
    );
    let (report, exit) = lint_json(&dir, &["--fail-on", "warning"]);
    assert_eq!(
        findings(&report),
        [
            "meta/unused-ignore docker-compose.yml:6:29 warning",
            "meta/unused-ignore docker-compose.yml:8:61 warning",
            "meta/malformed-ignore docker-compose.yml:9:7 warning",
        ]
    );
    assert_eq!(
        report["findings"][0]["message"],
        "`config/endpoint-localhost` is off in .otel-doctor.toml, so this ignore silences nothing."
    );
    let mut fingerprints: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(
        fingerprints.len(),
        3,
        "each unused ignore is its own finding"
    );
    assert_eq!(exit, Some(1));
    write(
        &dir,
        ".otel-doctor.toml",
        "[rules]\n\"meta/unused-ignore\" = \"off\"\n\"meta/malformed-ignore\" = \"off\"\n",
    );
    assert_eq!(findings(&lint_json(&dir, &[]).0), Vec::<String>::new());
}

#[test]
fn ignored_findings_are_marked_in_sarif_human_junit_and_github() {
    let dir = workspace("rules/config/endpoint-localhost/fires");
    insert_line(
        &dir,
        "docker-compose.yml",
        6,
        "      # otel-doctor: ignore[config/endpoint-localhost]",
    );
    let output = doctor(&dir, &["lint", ".", "--format", "sarif"]);
    assert_eq!(output.status.code(), Some(0));
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "config/endpoint-localhost");
    assert_eq!(
        result["suppressions"],
        json!([{"kind": "inSource", "location": {"physicalLocation": {
            "artifactLocation": {"uri": "docker-compose.yml"},
            "region": {"startLine": 6, "startColumn": 7}
        }}}])
    );
    assert!(
        result.get("baselineState").is_none(),
        "only with --baseline"
    );

    let human = String::from_utf8(doctor(&dir, &["lint", "."]).stdout).unwrap();
    assert!(!human.contains("config/endpoint-localhost"), "{human}");
    assert!(
        human.ends_with("  1 finding ignored inline (-v lists them)\n"),
        "{human}"
    );
    // Wide enough that the finding's line does not wrap.
    let verbose = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(["lint", ".", "-v"])
        .current_dir(dir.path())
        .env_clear()
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    let verbose = String::from_utf8(verbose.stdout).unwrap();
    assert!(
        verbose.contains(
            "✗ config/endpoint-localhost  docker-compose.yml:7:7  (ignored inline at docker-compose.yml:6:7)"
        ),
        "{verbose}"
    );

    let junit =
        String::from_utf8(doctor(&dir, &["lint", ".", "--format", "junit"]).stdout).unwrap();
    assert!(!junit.contains("<failure"), "{junit}");
    assert!(
        junit.contains("(ignored inline at docker-compose.yml:6:7)"),
        "{junit}"
    );
    let github = doctor(&dir, &["lint", ".", "--format", "github"]);
    assert_eq!(String::from_utf8_lossy(&github.stdout), "");
}

// --- baselines ---------------------------------------------------------------------------

#[test]
fn a_baseline_holds_findings_whose_lines_moved_but_not_changed_ones() {
    for format in ["json", "sarif"] {
        let dir = workspace("rules/config/endpoint-localhost/fires");
        // One finding: without the collector, nothing hides behind it.
        edit(&dir, "docker-compose.yml", |lines| lines.truncate(6));
        let baseline = dir.path().join(format!("baseline.{format}"));
        let output = doctor(
            &dir,
            &[
                "lint",
                ".",
                "--format",
                format,
                "--output",
                baseline.to_str().unwrap(),
            ],
        );
        assert_eq!(output.status.code(), Some(1));

        // Unrelated lines above the finding: it is still the same finding.
        insert_line(&dir, "docker-compose.yml", 2, "  # a comment");
        insert_line(
            &dir,
            "docker-compose.yml",
            6,
            "      OTEL_TRACES_SAMPLER: always_on",
        );
        let with_baseline = ["--baseline", baseline.to_str().unwrap()];
        let (report, exit) = lint_json(&dir, &with_baseline);
        assert_eq!(
            findings(&report),
            ["config/endpoint-localhost docker-compose.yml:8:7 error (baselined)"],
            "{format}"
        );
        assert_eq!(exit, Some(0), "{format}");
        assert_eq!(report["summary"]["errors"], 0);
        assert_eq!(report["summary"]["baselined"], 1);
        let output = doctor(
            &dir,
            &[
                "lint",
                ".",
                "--format",
                "sarif",
                "--baseline",
                baseline.to_str().unwrap(),
            ],
        );
        let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(sarif["runs"][0]["results"][0]["baselineState"], "unchanged");
        let human = String::from_utf8(
            doctor(
                &dir,
                &["lint", ".", "--baseline", baseline.to_str().unwrap()],
            )
            .stdout,
        )
        .unwrap();
        assert!(
            human.ends_with("  1 finding in the baseline (-v lists them)\n"),
            "{human}"
        );

        // The offending value changes: a new finding, and the run fails again.
        edit(&dir, "docker-compose.yml", |lines| {
            lines[7] = lines[7].replace("127.0.0.1", "localhost");
        });
        let (report, exit) = lint_json(&dir, &with_baseline);
        assert_eq!(
            findings(&report),
            ["config/endpoint-localhost docker-compose.yml:8:7 error"],
            "{format}"
        );
        assert_eq!(exit, Some(1), "{format}");
        let output = doctor(
            &dir,
            &[
                "lint",
                ".",
                "--format",
                "sarif",
                "--baseline",
                baseline.to_str().unwrap(),
            ],
        );
        let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(sarif["runs"][0]["results"][0]["baselineState"], "new");
    }
}

#[test]
fn fingerprints_are_the_same_in_json_and_sarif() {
    let dir = workspace("cruddur");
    let (report, _) = lint_json(&dir, &[]);
    let output = doctor(&dir, &["lint", ".", "--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let from_json: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    let from_sarif: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"]["otelDoctorFinding/v1"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(from_json, from_sarif);
    assert_eq!(from_json.len(), 2);
    assert_ne!(from_json[0], from_json[1]);
}

#[test]
fn a_file_that_is_not_a_report_is_not_a_baseline() {
    let dir = workspace(WARNING_ONLY);
    write(&dir, "notes.json", "{\"what\": 1}\n");
    write(&dir, "broken.json", "{\n  \"findings\": [\n");
    let output = doctor(&dir, &["lint", ".", "--baseline", "notes.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "otel-doctor: notes.json: not an otel-doctor report: a JSON report has `findings`, a SARIF report `runs`\n"
    );
    let output = doctor(&dir, &["lint", ".", "--baseline", "broken.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with(
            "otel-doctor: broken.json:3:1: not an otel-doctor JSON or SARIF report: EOF"
        ),
        "{}",
        stderr(&output)
    );
    let output = doctor(&dir, &["lint", ".", "--baseline", "missing.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("otel-doctor: cannot read baseline missing.json: "));
}

// --- online findings ---------------------------------------------------------------------

mod support;

#[test]
fn an_online_finding_is_ignored_at_the_line_it_is_anchored_to() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let port = support::closed_port();
    std::fs::write(
        dir.path().join("docker-compose.yml"),
        format!(
            "services:\n  api:\n    image: python:3.12-slim\n    network_mode: host\n    command: opentelemetry-instrument python app.py\n    environment:\n      OTEL_SERVICE_NAME: api\n      OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf\n      # otel-doctor: ignore[network/refused]\n      OTEL_EXPORTER_OTLP_ENDPOINT: http://127.0.0.1:{port}\n"
        ),
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(["canary", ".", "--format", "json", "--timeout", "5"])
        .current_dir(dir.path())
        .env_clear()
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        findings(&report),
        ["network/refused docker-compose.yml:10:7 error (ignored at docker-compose.yml:9:7)"]
    );
    assert_eq!(output.status.code(), Some(0));
    // The step still says what happened; the ignore only stops it from counting.
    let canary = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "canary")
        .unwrap();
    assert_eq!(canary["status"], "fail");
}

//! The command line as users meet it: every output format's shape on the bundled example,
//! the human report (snapshot), exit codes, `rules`/`explain`, colour, and a closed pipe.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn doctor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .output()
        .unwrap()
}

/// The human report on one line per paragraph: wide enough that nothing wraps.
fn wide(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .env("COLUMNS", "400")
        .output()
        .unwrap()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn json_has_the_documented_shape() {
    let report = json(&doctor(&["lint", "fixtures/cruddur", "--format", "json"]));
    assert_eq!(
        keys(&report),
        [
            "version", "tool", "root", "services", "steps", "findings", "summary"
        ]
    );
    assert_eq!(report["version"], 1);
    assert_eq!(report["tool"]["name"], "otel-doctor");
    assert_eq!(report["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(report["root"], "fixtures/cruddur");
    let backend = &report["services"][0];
    assert_eq!(backend["name"], "backend-flask");
    assert_eq!(backend["language"], "python");
    assert_eq!(backend["dockerfile"], "backend-flask/Dockerfile");
    let service_name = backend["environment"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "OTEL_SERVICE_NAME")
        .unwrap();
    assert_eq!(
        service_name,
        &serde_json::json!({"name": "OTEL_SERVICE_NAME", "value": "backend-flask", "file": "docker-compose.yml", "line": 8, "from": "environment"})
    );
    // By default, only what the SDK reads (and what is interpolated into it).
    let names = |service: &Value| -> Vec<String> {
        service["environment"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        names(backend),
        [
            "OTEL_SERVICE_NAME",
            "OTEL_EXPORTER_OTLP_PROTOCOL",
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "OTEL_EXPORTER_OTLP_HEADERS"
        ]
    );
    assert!(names(&report["services"][3]).is_empty(), "db reads no OTel");
    let all = json(&doctor(&[
        "lint",
        "fixtures/cruddur",
        "--format",
        "json",
        "--show-env",
        "all",
    ]));
    let backend = &all["services"][0];
    let flask_env = backend["environment"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "FLASK_ENV")
        .unwrap();
    assert_eq!(flask_env["from"], "dockerfile");
    assert_eq!(flask_env["file"], "backend-flask/Dockerfile");
    assert_eq!(
        all["services"][3]["environment"][1],
        serde_json::json!({"name": "POSTGRES_PASSWORD", "value": "****", "file": "docker-compose.yml", "line": 41, "from": "environment"})
    );
    for step in report["steps"].as_array().unwrap() {
        assert_eq!(
            keys(step)[..5],
            ["id", "title", "status", "duration_ms", "summary"]
        );
        assert!(["pass", "warn", "fail", "skip"].contains(&step["status"].as_str().unwrap()));
    }
    let ids: Vec<&str> = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "workspace",
            "service:backend-flask",
            "service:frontend-react-js",
            "service:dynamodb-local",
            "service:db"
        ]
    );
    for finding in report["findings"].as_array().unwrap() {
        assert_eq!(finding["services"], serde_json::json!([finding["service"]]));
        assert_eq!(
            keys(finding),
            [
                "rule",
                "severity",
                "step",
                "service",
                "services",
                "file",
                "line",
                "column",
                "message",
                "hint",
                "fingerprint",
                "suppressed",
                "baselined"
            ]
        );
    }
    assert_eq!(
        report["summary"],
        serde_json::json!({"errors": 2, "warnings": 0, "infos": 0, "ignored": 0, "baselined": 0, "status": "fail"})
    );
}

#[test]
fn sarif_is_what_github_code_scanning_needs() {
    let sarif = json(&doctor(&["lint", "fixtures/cruddur", "--format", "sarif"]));
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), otel_doctor::rules::all().count());
    for rule in rules {
        for field in [
            "id",
            "shortDescription",
            "fullDescription",
            "help",
            "defaultConfiguration",
        ] {
            assert!(!rule[field].is_null(), "{} lacks {field}", rule["id"]);
        }
        // SARIF: a friendly name is one Pascal-case word, and never the id itself.
        let name = rule["name"].as_str().unwrap();
        assert!(
            name.starts_with(|c: char| c.is_ascii_uppercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric()),
            "{name}"
        );
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("## What it does")
        );
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let otel = results
        .iter()
        .find(|r| r["ruleId"] == "deps/otel-not-installed")
        .unwrap();
    assert_eq!(otel["level"], "error");
    let location = &otel["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "fixtures/cruddur/backend-flask/app.py"
    );
    assert_eq!(
        location["region"],
        serde_json::json!({"startLine": 7, "startColumn": 1})
    );
    assert!(
        otel["partialFingerprints"]["otelDoctorFinding/v1"]
            .as_str()
            .unwrap()
            .len()
            == 16
    );
    let clean = json(&doctor(&[
        "lint",
        "fixtures/seed/e-fixed",
        "--format",
        "sarif",
    ]));
    assert_eq!(clean["runs"][0]["results"], serde_json::json!([]));
}

/// GitHub refuses a SARIF result without a location: a finding that has none (a key given on
/// the command line, no workspace) becomes a notification of the run instead of vanishing.
#[test]
fn sarif_keeps_findings_without_a_file_as_notifications() {
    let empty = tempfile::tempdir().unwrap();
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = doctor(&[
        "canary",
        empty.path().to_str().unwrap(),
        "--api-key",
        "hcaik_0000000000000000000000000000000000000000000000000000000000",
        "--endpoint",
        &format!("http://127.0.0.1:{port}"),
        "--format",
        "sarif",
    ]);
    let run = &json(&output)["runs"][0];
    assert_eq!(run["results"], serde_json::json!([]));
    let notifications = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notifications.len(), 1, "{notifications:?}");
    assert_eq!(notifications[0]["associatedRule"]["id"], "network/refused");
    assert_eq!(notifications[0]["level"], "error");
    // Where `--baseline` reads it back.
    assert!(
        !notifications[0]["properties"]["otelDoctorFinding/v1"]
            .as_str()
            .unwrap()
            .is_empty()
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn github_annotations_are_escaped_and_repository_relative() {
    let output = doctor(&["lint", "fixtures/cruddur", "--format", "github"]);
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("::error file=fixtures/cruddur/backend-flask/app.py,line=7,col=1,title=deps/otel-not-installed::"), "{}", lines[0]);
    assert!(
        lines[0].contains("%0Afix: add to backend-flask/requirements.txt:%0A"),
        "{}",
        lines[0]
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "the exit code carries the verdict"
    );
}

#[test]
fn junit_has_one_testcase_per_step() {
    let output = doctor(&["lint", "fixtures/cruddur", "--format", "junit"]);
    let xml = String::from_utf8(output.stdout).unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"otel-doctor\" tests=\"5\" failures=\"1\" skipped=\"3\""), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 5);
    assert_eq!(xml.matches("<failure ").count(), 1);
    assert!(xml.contains("error deps/otel-not-installed backend-flask/app.py:7:1"));
}

/// Durations vary from run to run; everything else in the report must not.
fn normalized(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let trimmed = line.trim_end();
        let line = match trimmed.rsplit_once(' ') {
            Some((head, "ms")) => {
                let head = head.trim_end_matches(|c: char| c.is_ascii_digit());
                format!("{} N ms", head.trim_end())
            }
            _ => trimmed.to_string(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[test]
fn the_human_report_on_the_example_matches_its_snapshot() {
    let output = doctor(&["lint", "fixtures/cruddur"]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        !text.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
    let snapshot_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/cruddur-lint.txt");
    let actual = normalized(&text);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot_path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot_path).unwrap_or_default();
    assert_eq!(
        actual, expected,
        "run with UPDATE_SNAPSHOTS=1 to accept, then review the diff"
    );
}

#[test]
fn fail_on_sets_the_threshold_of_the_exit_code() {
    let warnings_only = "fixtures/rules/config/service-name-missing/fires";
    assert_eq!(doctor(&["lint", warnings_only]).status.code(), Some(0));
    assert_eq!(
        doctor(&["lint", warnings_only, "--fail-on", "warning"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        doctor(&["lint", "fixtures/cruddur", "--fail-on", "never"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn quiet_keeps_findings_and_verdict_only() {
    let text = String::from_utf8(wide(&["lint", "fixtures/cruddur", "-q"]).stdout).unwrap();
    assert!(!text.contains("[✓] workspace"));
    assert!(text.contains("✗ deps/otel-not-installed"));
    assert!(
        text.trim_end()
            .ends_with("Honeycomb will receive nothing from backend-flask.")
    );
}

#[test]
fn rules_and_explain() {
    let listing = String::from_utf8(doctor(&["rules"]).stdout).unwrap();
    for rule in otel_doctor::rules::all() {
        assert!(
            listing.contains(rule.meta().id),
            "{} missing from `rules`",
            rule.meta().id
        );
    }
    let explained = doctor(&["explain", "config/exporter-not-otlp"]);
    let text = String::from_utf8(explained.stdout).unwrap();
    assert!(
        text.starts_with("config/exporter-not-otlp (error)\n\n## What it does\n"),
        "{text}"
    );
    assert!(text.contains("## Why is this bad?") && text.contains("## Example"));
    let unknown = doctor(&["explain", "config/nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    let error = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        error.starts_with("error: invalid value 'config/nope' for '<RULE>'"),
        "{error}"
    );
    assert!(
        error.contains("`otel-doctor rules` lists every rule id"),
        "{error}"
    );
    // The same name in another area, or a typo away: clap says "did you mean".
    let short = String::from_utf8_lossy(&doctor(&["explain", "key-unset"]).stderr).into_owned();
    assert!(
        short.contains("a similar value exists: 'honeycomb/key-unset'"),
        "{short}"
    );
    let typo =
        String::from_utf8_lossy(&doctor(&["explain", "config/sdk-disabeld"]).stderr).into_owned();
    assert!(typo.contains("'config/sdk-disabled'"), "{typo}");
}

/// `rules --format json` is data: one object per rule, valid against the committed schema.
#[test]
fn rules_as_json_follow_their_schema() {
    let output = doctor(&["rules", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let rules = json(&output);
    let listed = rules.as_array().unwrap();
    assert_eq!(listed.len(), otel_doctor::rules::all().count());
    for (rule, known) in listed.iter().zip(otel_doctor::rules::all()) {
        let meta = known.meta();
        assert_eq!(
            keys(rule),
            ["id", "severity", "fixable", "online", "summary"]
        );
        assert_eq!(rule["id"], meta.id);
        assert_eq!(rule["online"], meta.online);
        assert_eq!(rule["fixable"], meta.fixed_automatically());
    }
    let find = |id: &str| listed.iter().find(|r| r["id"] == id).unwrap();
    assert_eq!(find("config/service-name-missing")["fixable"], true);
    assert_eq!(find("network/timeout")["online"], true);
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/rules.schema.json");
    assert_valid(&output.stdout, &schema);
}

/// Validates a JSON document against a JSON Schema with Python's `jsonschema` (on every
/// machine of this project's kind; CI requires it, elsewhere the check is skipped and says so).
fn assert_valid(document: &[u8], schema: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document.json");
    std::fs::write(&path, document).unwrap();
    let script = "import json, sys, jsonschema\n\
                  schema = json.load(open(sys.argv[1]))\n\
                  jsonschema.Draft202012Validator.check_schema(schema)\n\
                  jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))\n";
    let available = Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs python3 with jsonschema"
        );
        eprintln!(
            "python3 with jsonschema is not installed: {} not checked",
            schema.display()
        );
        return;
    }
    let output = Command::new("python3")
        .args(["-c", script])
        .arg(schema)
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A flag means something to every command that takes it: the network's are refused offline.
#[test]
fn subcommands_own_their_flags() {
    for args in [
        ["lint", "--endpoint", "http://127.0.0.1:4318"],
        ["lint", "--timeout", "5"],
        ["rules", "--format", "sarif"],
        ["explain", "--format", "json"],
        ["listen", "--format", "sarif"],
    ] {
        let output = doctor(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let error = String::from_utf8_lossy(&output.stderr);
        assert!(error.starts_with("error: "), "{args:?}: {error}");
    }
    // `otel-doctor` alone is `check .`, and takes check's flags.
    let report = json(&doctor(&["--offline", "--format", "json"]));
    assert_eq!(report["root"], ".");
    let check = doctor(&["check", "fixtures/cruddur", "--offline", "--timeout", "1"]);
    assert_eq!(check.status.code(), Some(1));
}

#[test]
fn bad_flags_exit_2() {
    assert_eq!(doctor(&["lint", "--format", "xml"]).status.code(), Some(2));
    assert_eq!(doctor(&["check", "--timeout", "0"]).status.code(), Some(2));
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(["rules"])
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}

#[test]
fn environment_layers_follow_compose_precedence_and_keep_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "docker-compose.yml",
        "services:\n  api:\n    build: ./api\n    env_file: api.env\n    environment:\n      OTEL_SERVICE_NAME: from-compose\n      OTEL_EXPORTER_OTLP_ENDPOINT: ${ENDPOINT:-http://otel-collector:4318}\n",
    );
    write(
        "api.env",
        "OTEL_SERVICE_NAME=from-env-file\nOTEL_TRACES_SAMPLER=parentbased_always_on\n",
    );
    write(
        "api/Dockerfile",
        "FROM python:3.12-slim\nENV OTEL_SERVICE_NAME=from-image OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\nCMD [\"python\", \"app.py\"]\n",
    );
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(["lint", "--format", "json"])
        .arg(dir.path())
        .env_clear()
        .output()
        .unwrap();
    let report = json(&output);
    let environment: Vec<(String, String, String, u64, String)> =
        report["services"][0]["environment"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["name"].as_str().unwrap().to_string(),
                    v["value"].as_str().unwrap().to_string(),
                    v["file"].as_str().unwrap().to_string(),
                    v["line"].as_u64().unwrap(),
                    v["from"].as_str().unwrap().to_string(),
                )
            })
            .collect();
    let expected = [
        (
            "OTEL_SERVICE_NAME",
            "from-compose",
            "docker-compose.yml",
            6,
            "environment",
        ),
        (
            "OTEL_EXPORTER_OTLP_PROTOCOL",
            "http/protobuf",
            "api/Dockerfile",
            2,
            "dockerfile",
        ),
        (
            "OTEL_TRACES_SAMPLER",
            "parentbased_always_on",
            "api.env",
            2,
            "env_file",
        ),
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "http://otel-collector:4318",
            "docker-compose.yml",
            7,
            "default",
        ),
    ]
    .map(|(n, v, f, l, o)| {
        (
            n.to_string(),
            v.to_string(),
            f.to_string(),
            l,
            o.to_string(),
        )
    });
    assert_eq!(environment, expected);
}

#[test]
fn a_shared_cause_is_one_finding_naming_every_service() {
    let output = doctor(&[
        "lint",
        "fixtures/python/shared-dockerfile",
        "--format",
        "json",
    ]);
    let report = json(&output);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["rule"], "dockerfile/requirements-not-installed");
    assert_eq!(findings[0]["service"], "web");
    assert_eq!(findings[0]["services"], serde_json::json!(["web", "jobs"]));
    let steps: Vec<(&str, &str)> = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap(), s["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [
            ("workspace", "pass"),
            ("service:web", "fail"),
            ("service:jobs", "fail")
        ]
    );
    let human = wide(&["lint", "fixtures/python/shared-dockerfile", "--no-color"]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("affects 2 services: web and jobs"), "{text}");
    assert!(
        text.contains("dockerfile/requirements-not-installed  shared with web, reported there"),
        "{text}"
    );
    assert!(
        text.contains(
            "1 error, 0 warnings in 2 services — Honeycomb will receive nothing from web and jobs."
        ),
        "{text}"
    );
}

#[test]
fn a_consequence_is_folded_into_its_cause() {
    let report = json(&doctor(&[
        "lint",
        "fixtures/rules/compose/env-file-missing/fires-folds-the-header",
        "--format",
        "json",
    ]));
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    let message = findings[0]["message"].as_str().unwrap();
    assert!(
        message.ends_with("Without its variables the service also has no x-honeycomb-team header."),
        "{message}"
    );
}

#[test]
fn one_unset_key_in_a_thousand_services_is_one_finding_and_a_short_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let mut compose = String::from("services:\n");
    for i in 0..1000 {
        compose.push_str(&format!(
            "  svc-{i}:\n    image: python:3.12-slim\n    command: opentelemetry-instrument python app.py\n    environment:\n      OTEL_SERVICE_NAME: svc-{i}\n      OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf\n      OTEL_EXPORTER_OTLP_ENDPOINT: https://api.honeycomb.io\n      OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${{HONEYCOMB_API_KEY}}\n"
        ));
    }
    std::fs::write(dir.path().join("docker-compose.yml"), compose).unwrap();
    let path = dir.path().to_str().unwrap();
    let report = json(&doctor(&["lint", path, "--format", "json"]));
    let findings = report["findings"].as_array().unwrap();
    let rules: Vec<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["honeycomb/key-unset"]);
    assert_eq!(findings[0]["services"].as_array().unwrap().len(), 1000);
    let message = findings[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("1000 services send an empty key because HONEYCOMB_API_KEY is not set"),
        "{message}"
    );
    let human = wide(&["lint", path, "--no-color"]);
    let text = String::from_utf8_lossy(&human.stdout);
    let verdict = text.lines().last().unwrap();
    assert_eq!(
        verdict,
        "✗ 1 error, 0 warnings in 1000 services — Honeycomb will receive nothing from svc-0, svc-1, svc-2, svc-3, svc-4 and 995 more."
    );
}

/// A platform's paragraph only on that platform: Cruddur reads `GITPOD_*` variables, the
/// rule's own fixture does not.
#[test]
fn the_gitpod_paragraph_is_only_for_gitpod_workspaces() {
    let hint = |fixture: &str| {
        let report = json(&doctor(&["lint", fixture, "--format", "json"]));
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "honeycomb/key-unset")
            .unwrap_or_else(|| panic!("{report}"))["hint"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(hint("fixtures/cruddur").contains("(Gitpod: gp env HONEYCOMB_API_KEY"));
    let plain = hint("fixtures/rules/honeycomb/key-unset/fires");
    assert!(plain.starts_with("export "), "{plain}");
    assert!(!plain.contains("Gitpod"), "{plain}");
}

#[test]
fn a_missing_generated_env_file_says_how_to_generate_it() {
    let report = json(&doctor(&[
        "lint",
        "fixtures/rules/compose/env-file-missing/fires-generated",
        "--format",
        "json",
    ]));
    assert_eq!(
        report["findings"][0]["hint"],
        "generate it before `docker compose up`: run bin/backend/generate-env (it writes backend.env from backend.env.template)"
    );
}

#[test]
fn a_proxy_is_skipped_with_its_reason() {
    let report = json(&doctor(&[
        "lint",
        "fixtures/workspace/many-languages",
        "--format",
        "json",
    ]));
    let proxy = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "service:frontend-proxy")
        .unwrap();
    assert_eq!(proxy["status"], "skip");
    assert_eq!(
        proxy["summary"],
        "a proxy: it traces through its own configuration (not checked)"
    );
}

#[test]
fn a_dockerfile_linted_on_its_own_gets_its_variables_at_run_time_not_in_compose() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM python:3.12-slim\nRUN pip install opentelemetry-distro opentelemetry-exporter-otlp\nCOPY app.py .\nCMD [\"opentelemetry-instrument\", \"python\", \"app.py\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("app.py"), "print('hello')\n").unwrap();
    let report = json(&doctor(&[
        "lint",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ]));
    let hint = |rule: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule} in {report}"))["hint"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        hint("config/endpoint-missing"),
        "set where the container runs: docker run -e OTEL_EXPORTER_OTLP_ENDPOINT=https://api.honeycomb.io:443 -e OTEL_EXPORTER_OTLP_HEADERS=x-honeycomb-team=${HONEYCOMB_API_KEY} ... (or in your deployment's environment)\n(or the address of your collector, e.g. http://otel-collector:4318)"
    );
    let name = dir.path().file_name().unwrap().to_str().unwrap();
    assert_eq!(
        hint("config/service-name-missing"),
        format!(
            "set where the container runs: docker run -e OTEL_SERVICE_NAME={name} ... (or in your deployment's environment)"
        )
    );
}

#[test]
fn fix_leaves_the_variables_of_a_dockerfile_linted_on_its_own_to_the_user() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM python:3.12-slim\nRUN pip install opentelemetry-distro opentelemetry-exporter-otlp\nENV OTEL_EXPORTER_OTLP_ENDPOINT=https://api.honeycomb.io\nCOPY app.py .\nCMD [\"opentelemetry-instrument\", \"python\", \"app.py\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("app.py"), "print('hello')\n").unwrap();
    let output = doctor(&["fix", dir.path().to_str().unwrap(), "--no-color"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.starts_with("nothing to fix automatically"), "{text}");
    for rule in [
        "config/service-name-missing",
        "honeycomb/key-header-missing",
    ] {
        let line = text
            .lines()
            .find(|l| l.contains(rule))
            .unwrap_or_else(|| panic!("{rule} not left to the user: {text}"));
        assert!(
            line.contains("set where the container runs: docker run -e"),
            "{line}"
        );
    }
}

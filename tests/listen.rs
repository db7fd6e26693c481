//! `otel-doctor listen` and `check --listen`, run as the real binary on 127.0.0.1 with ports
//! the OS picks: what is decoded and printed, what is refused and why, that nothing is lost
//! under concurrent senders, that `--forward` relays requests unchanged and survives a slow
//! upstream, and that no key is ever printed. Nothing here talks to anything but loopback.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValueKind;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;
use serde_json::Value;
use support::{FakeHoneycomb, Mode};

/// An ingest key of the right shape that is obviously fake.
const KEY: &str = "hcaik_000000000000000000000000000000000000000000000000000000fake";
const BIN: &str = env!("CARGO_BIN_EXE_otel-doctor");

/// A running `otel-doctor listen --format json`, and the events it printed so far.
struct Listening {
    child: Child,
    http: String,
    grpc: String,
    lines: mpsc::Receiver<String>,
    stderr: std::thread::JoinHandle<String>,
}

fn listen(extra: &[&str]) -> Listening {
    listen_with(&["--format", "json"], extra)
}

fn listen_with(format: &[&str], extra: &[&str]) -> Listening {
    let mut child = Command::new(BIN)
        .args(["listen", "--http", "127.0.0.1:0", "--grpc", "127.0.0.1:0"])
        .args(format)
        .args(extra)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut listening = Listening {
        child,
        http: String::new(),
        grpc: String::new(),
        lines,
        stderr,
    };
    if format.contains(&"json") {
        let first = listening.next_line(Duration::from_secs(10));
        let event: Value = serde_json::from_str(&first).unwrap();
        assert_eq!(event["event"], "listening", "{first}");
        listening.http = event["http"].as_str().unwrap().to_string();
        listening.grpc = event["grpc"].as_str().unwrap().to_string();
    }
    listening
}

impl Listening {
    fn next_line(&self, within: Duration) -> String {
        self.lines
            .recv_timeout(within)
            .expect("otel-doctor listen printed nothing in time")
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.http)
    }

    /// Ctrl-C, then every line printed until the process ended.
    fn interrupt(self) -> Finished {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        self.wait()
    }

    fn wait(mut self) -> Finished {
        let started = Instant::now();
        let status = self.child.wait().unwrap();
        let mut lines = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            lines.push(line);
        }
        Finished {
            code: status.code(),
            lines,
            stderr: self.stderr.join().unwrap(),
            exit_time: started.elapsed(),
        }
    }
}

struct Finished {
    code: Option<i32>,
    lines: Vec<String>,
    stderr: String,
    exit_time: Duration,
}

impl Finished {
    fn events(&self) -> Vec<Value> {
        self.lines
            .iter()
            .map(|line| {
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
            })
            .collect()
    }

    fn of(&self, kind: &str) -> Vec<Value> {
        self.events()
            .into_iter()
            .filter(|e| e["event"] == kind)
            .collect()
    }

    fn summary(&self) -> Value {
        let summaries = self.of("summary");
        assert_eq!(summaries.len(), 1, "{:?}", self.lines);
        summaries[0].clone()
    }
}

fn client() -> reqwest::blocking::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

fn string(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue {
            value: Some(AnyValueKind::StringValue(value.into())),
        }),
        ..KeyValue::default()
    }
}

fn now_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

/// `spans` spans of `service`, one trace, named `GET /0`, `GET /1`, ...
fn request(service: &str, spans: usize, trace: u8) -> ExportTraceServiceRequest {
    let start = now_nanos();
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![
                    string("service.name", service),
                    string("telemetry.sdk.language", "python"),
                ],
                ..Resource::default()
            }),
            scope_spans: vec![ScopeSpans {
                spans: (0..spans)
                    .map(|i| Span {
                        trace_id: vec![trace; 16],
                        span_id: vec![i as u8 + 1; 8],
                        name: format!("GET /{i}"),
                        start_time_unix_nano: start,
                        end_time_unix_nano: start + 1_000_000,
                        ..Span::default()
                    })
                    .collect(),
                ..ScopeSpans::default()
            }],
            ..ResourceSpans::default()
        }],
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn post(
    client: &reqwest::blocking::Client,
    url: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> (u16, String) {
    let mut builder = client.post(url).body(body);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let response = builder.send().unwrap();
    let status = response.status().as_u16();
    (status, response.text().unwrap_or_default())
}

fn protobuf(headers: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut all = vec![("content-type", "application/x-protobuf")];
    all.extend_from_slice(headers);
    all
}

/// One export over gRPC, optionally gzip, with metadata.
fn grpc_export(
    address: &str,
    request: ExportTraceServiceRequest,
    gzip: bool,
    metadata: &[(&'static str, &str)],
) -> Result<(), tonic::Status> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut client = TraceServiceClient::connect(format!("http://{address}"))
            .await
            .unwrap();
        if gzip {
            client = client.send_compressed(tonic::codec::CompressionEncoding::Gzip);
        }
        let mut request = tonic::Request::new(request);
        for (name, value) in metadata {
            request.metadata_mut().insert(*name, value.parse().unwrap());
        }
        client.export(request).await.map(|_| ())
    })
}

fn batches_of(finished: &Finished, service: &str) -> Vec<Value> {
    finished
        .of("batch")
        .into_iter()
        .filter(|b| b["resources"][0]["service_name"] == service)
        .collect()
}

#[test]
fn decodes_protobuf_json_gzip_and_grpc_with_exact_counts() {
    let listening = listen(&["--duration", "30"]);
    let client = client();
    let body = request("plain", 3, 1).encode_to_vec();
    assert_eq!(
        post(
            &client,
            &listening.url("/v1/traces"),
            &protobuf(&[("x-honeycomb-team", KEY)]),
            body.clone()
        ),
        (200, String::new())
    );
    let zipped = gzip(&request("zipped", 2, 2).encode_to_vec());
    assert_eq!(
        post(
            &client,
            &listening.url("/v1/traces"),
            &protobuf(&[("content-encoding", "gzip")]),
            zipped
        )
        .0,
        200
    );
    let json = serde_json::to_vec(&request("json", 4, 3)).unwrap();
    assert_eq!(
        post(
            &client,
            &listening.url("/v1/traces"),
            &[("content-type", "application/json")],
            json
        ),
        (200, "{}".to_string())
    );
    grpc_export(&listening.grpc, request("grpc", 5, 4), false, &[]).unwrap();
    grpc_export(&listening.grpc, request("grpc-gzip", 1, 5), true, &[]).unwrap();
    let finished = listening.interrupt();
    assert_eq!(finished.code, Some(0), "{}", finished.stderr);

    let plain = &batches_of(&finished, "plain")[0];
    assert_eq!(plain["transport"], "http/protobuf");
    assert_eq!(plain["listener"], "http");
    assert_eq!(plain["compression"], Value::Null);
    assert_eq!(plain["bytes"], body.len());
    assert_eq!(plain["items"], 3);
    assert_eq!(
        plain["resources"][0]["names"],
        serde_json::json!(["GET /0", "GET /1", "GET /2"])
    );
    assert_eq!(
        plain["resources"][0]["trace_ids"],
        serde_json::json!(["01".repeat(16)])
    );
    assert_eq!(
        plain["resources"][0]["attributes"]["telemetry.sdk.language"],
        "python"
    );
    assert_eq!(plain["headers"]["x-honeycomb-team"], "hcaik_000…fake");
    assert_eq!(plain["honeycomb"], serde_json::json!([]));

    let zipped = &batches_of(&finished, "zipped")[0];
    assert_eq!(zipped["compression"], "gzip");
    assert_eq!(zipped["items"], 2);
    assert_eq!(batches_of(&finished, "json")[0]["transport"], "http/json");
    let grpc = &batches_of(&finished, "grpc")[0];
    assert_eq!(grpc["transport"], "grpc");
    assert_eq!(grpc["listener"], "grpc");
    assert_eq!(grpc["notes"], serde_json::json!([]));
    assert_eq!(batches_of(&finished, "grpc-gzip")[0]["compression"], "gzip");

    let summary = finished.summary();
    assert_eq!(summary["batches"], 5);
    assert_eq!(summary["spans"], 3 + 2 + 4 + 5 + 1);
    assert_eq!(summary["refused"], 0);
}

#[test]
fn metrics_and_logs_are_answered_and_counted() {
    use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
    use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
    use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
    use opentelemetry_proto::tonic::metrics::v1::{Metric, ResourceMetrics, ScopeMetrics};
    let listening = listen(&["--duration", "30"]);
    let client = client();
    let resource = Some(Resource {
        attributes: vec![string("service.name", "shop")],
        ..Resource::default()
    });
    let metrics = ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            resource: resource.clone(),
            scope_metrics: vec![ScopeMetrics {
                metrics: vec![
                    Metric {
                        name: "http.server.duration".into(),
                        ..Metric::default()
                    },
                    Metric {
                        name: "http.server.active_requests".into(),
                        ..Metric::default()
                    },
                ],
                ..ScopeMetrics::default()
            }],
            ..ResourceMetrics::default()
        }],
    };
    let logs = ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            resource,
            scope_logs: vec![ScopeLogs {
                log_records: vec![LogRecord::default(); 3],
                ..ScopeLogs::default()
            }],
            ..ResourceLogs::default()
        }],
    };
    let headers = protobuf(&[("x-honeycomb-team", KEY)]);
    assert_eq!(
        post(
            &client,
            &listening.url("/v1/metrics"),
            &headers,
            metrics.encode_to_vec()
        )
        .0,
        200
    );
    assert_eq!(
        post(
            &client,
            &listening.url("/v1/logs"),
            &headers,
            logs.encode_to_vec()
        )
        .0,
        200
    );
    let finished = listening.interrupt();
    let batches = finished.of("batch");
    assert_eq!(batches[0]["signal"], "metrics");
    assert_eq!(batches[0]["items"], 2);
    assert_eq!(
        batches[0]["honeycomb"],
        serde_json::json!([
            "metrics without x-honeycomb-dataset land in the dataset \"unknown_metrics\""
        ])
    );
    assert_eq!(batches[1]["signal"], "logs");
    assert_eq!(batches[1]["items"], 3);
    let summary = finished.summary();
    assert_eq!(
        (
            &summary["spans"],
            &summary["metrics"],
            &summary["log_records"]
        ),
        (&Value::from(0), &Value::from(2), &Value::from(3))
    );
}

#[test]
fn says_what_honeycomb_would_do_with_each_batch() {
    let listening = listen(&["--duration", "30"]);
    let client = client();
    let url = listening.url("/v1/traces");
    let classic = "hcaic_0000000000000000000000000000000000000000000000000000000000";
    post(
        &client,
        &url,
        &protobuf(&[]),
        request("nokey", 1, 1).encode_to_vec(),
    );
    post(
        &client,
        &url,
        &protobuf(&[("x-honeycomb-team", classic)]),
        request("classic", 1, 2).encode_to_vec(),
    );
    post(
        &client,
        &url,
        &protobuf(&[("x-honeycomb-team", KEY)]),
        request("unknown_service:python", 1, 3).encode_to_vec(),
    );
    // gRPC on the HTTP port works here, and would not against a collector.
    grpc_export(&listening.http, request("wrongport", 1, 4), false, &[]).unwrap();
    let finished = listening.interrupt();
    let outlook = |service: &str| batches_of(&finished, service)[0]["honeycomb"].clone();
    assert_eq!(
        outlook("nokey"),
        serde_json::json!([
            "no x-honeycomb-team header: Honeycomb answers 401 \"missing 'x-honeycomb-team' header\""
        ])
    );
    assert_eq!(
        outlook("classic"),
        serde_json::json!([
            "a classic ingest key needs x-honeycomb-dataset: Honeycomb answers 401 \"missing 'x-honeycomb-dataset' header\""
        ])
    );
    assert_eq!(
        outlook("unknown_service:python"),
        serde_json::json!([
            "service.name is \"unknown_service:python\": the spans land in the dataset \"unknown_service\" (set OTEL_SERVICE_NAME)"
        ])
    );
    let wrong = &batches_of(&finished, "wrongport")[0];
    assert_eq!(wrong["transport"], "grpc");
    assert_eq!(wrong["listener"], "http");
    let note = wrong["notes"][0].as_str().unwrap();
    assert!(
        note.starts_with("gRPC arrived on the OTLP/HTTP port"),
        "{note}"
    );
}

#[test]
fn malformed_bodies_get_400_with_the_decoder_error() {
    let listening = listen(&["--duration", "30"]);
    let client = client();
    let url = listening.url("/v1/traces");
    let (status, body) = post(
        &client,
        &url,
        &[("content-type", "application/json")],
        b"{\"resourceSpans\": [".to_vec(),
    );
    assert_eq!(status, 400);
    assert!(
        body.contains("the body is not OTLP/JSON traces: EOF while parsing"),
        "{body}"
    );
    let (status, body) = post(&client, &url, &protobuf(&[]), vec![0xff; 64]);
    assert_eq!(status, 400);
    // The answer is a google.rpc.Status, as OTLP specifies for protobuf requests.
    let text = String::from_utf8_lossy(body.as_bytes()).to_string();
    assert!(
        text.contains("the body is not OTLP/protobuf traces: failed to decode Protobuf message"),
        "{text}"
    );
    // Snake_case keys and `{}` decode to nothing: a 200 would hide that nothing arrived.
    for empty in [&br#"{"resource_spans":[{"scope_spans":[]}]}"#[..], b"{}"] {
        let (status, body) = post(
            &client,
            &url,
            &[("content-type", "application/json")],
            empty.to_vec(),
        );
        assert_eq!(status, 400, "{body}");
        assert!(
            body.contains("decodes to no traces at all: OTLP/JSON keys are camelCase"),
            "{body}"
        );
    }
    // Base64 ids are what protobuf JSON mappings use, and what OTLP/JSON forbids.
    let (status, _) = post(
        &client,
        &url,
        &[("content-type", "application/json")],
        br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"W47/95gDgQPSabYzgT/GDA==","name":"x"}]}]}]}"#.to_vec(),
    );
    assert_eq!(status, 400);
    let (status, body) = post(
        &client,
        &url,
        &protobuf(&[("content-encoding", "gzip")]),
        b"not gzip at all".to_vec(),
    );
    assert_eq!(status, 400);
    assert!(
        String::from_utf8_lossy(body.as_bytes()).contains("the body does not gunzip"),
        "{body}"
    );
    let finished = listening.interrupt();
    let refused = finished.of("refused");
    assert_eq!(refused.len(), 6, "{refused:?}");
    assert!(refused.iter().all(|r| r["status"] == 400));
    assert_eq!(finished.summary()["refused"], 6);
}

#[test]
fn wrong_content_types_encodings_and_paths_are_refused_with_the_reason() {
    let listening = listen(&["--duration", "30"]);
    let client = client();
    let body = request("shop", 1, 1).encode_to_vec();
    let (status, text) = post(
        &client,
        &listening.url("/v1/traces"),
        &[("content-type", "text/plain")],
        body.clone(),
    );
    assert_eq!(
        (status, text.as_str()),
        (
            415,
            "content-type \"text/plain\" is not OTLP: send application/x-protobuf or application/json"
        )
    );
    let (status, _) = post(&client, &listening.url("/v1/traces"), &[], body.clone());
    assert_eq!(status, 415);
    let (status, text) = post(
        &client,
        &listening.url("/v1/traces"),
        &protobuf(&[("content-encoding", "br")]),
        body.clone(),
    );
    assert_eq!(status, 415);
    assert!(text.contains("content-encoding \"br\" is not supported"));
    let (status, text) = post(
        &client,
        &listening.url("/v1/traces/v1/traces"),
        &protobuf(&[]),
        body.clone(),
    );
    assert_eq!(status, 404);
    assert!(text.contains("(config/endpoint-path)"), "{text}");
    let status = client
        .get(listening.url("/v1/traces"))
        .send()
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 405);
    let finished = listening.interrupt();
    let statuses: Vec<u64> = finished
        .of("refused")
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [415, 415, 415, 404, 405]);
}

#[test]
fn gzip_bombs_and_oversized_bodies_get_413_naming_the_limit() {
    let listening = listen(&["--duration", "60"]);
    let client = client();
    let url = listening.url("/v1/traces");
    // 1 GiB of zeros in about 1 MiB (1024 gzip members of 1 MiB each, which gunzip joins):
    // the limit is on what the body inflates to.
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&vec![0u8; 1024 * 1024]).unwrap();
    let bomb = encoder.finish().unwrap().repeat(1024);
    assert!(bomb.len() < 2 * 1024 * 1024, "{}", bomb.len());
    let started = Instant::now();
    let (status, body) = post(
        &client,
        &url,
        &protobuf(&[("content-encoding", "gzip")]),
        bomb,
    );
    let bomb_time = started.elapsed();
    assert_eq!(status, 413);
    assert!(
        body.contains("the decompressed body is over the 20 MiB limit"),
        "{body}"
    );
    assert!(bomb_time < Duration::from_secs(5), "{bomb_time:?}");
    let (status, body) = post(&client, &url, &protobuf(&[]), vec![0u8; 21 * 1024 * 1024]);
    assert_eq!(status, 413);
    assert!(body.contains("the body is over the 20 MiB limit"), "{body}");
    // Still receiving.
    assert_eq!(
        post(
            &client,
            &url,
            &protobuf(&[]),
            request("after", 1, 1).encode_to_vec()
        )
        .0,
        200
    );
    let finished = listening.interrupt();
    assert_eq!(finished.summary()["spans"], 1);
    assert_eq!(finished.summary()["refused"], 2);
}

#[test]
fn twenty_concurrent_senders_for_ten_seconds_lose_no_span() {
    let listening = listen(&["--duration", "120"]);
    let url = listening.url("/v1/traces");
    let grpc = listening.grpc.clone();
    let stop = Instant::now() + Duration::from_secs(10);
    let senders: Vec<_> = (0..20u8)
        .map(|sender| {
            let url = url.clone();
            let grpc = grpc.clone();
            std::thread::spawn(move || {
                let client = client();
                let service = format!("sender-{sender}");
                let (mut spans, mut requests) = (0usize, 0usize);
                while Instant::now() < stop {
                    let count = 1 + (requests % 7);
                    let export = request(&service, count, sender);
                    match requests % 4 {
                        0 => grpc_export(&grpc, export, requests % 8 == 0, &[]).unwrap(),
                        1 => {
                            let body = serde_json::to_vec(&export).unwrap();
                            let answer =
                                post(&client, &url, &[("content-type", "application/json")], body);
                            assert_eq!(answer.0, 200, "{answer:?}");
                        }
                        2 => {
                            let body = gzip(&export.encode_to_vec());
                            let answer = post(
                                &client,
                                &url,
                                &protobuf(&[("content-encoding", "gzip")]),
                                body,
                            );
                            assert_eq!(answer.0, 200, "{answer:?}");
                        }
                        _ => {
                            let answer =
                                post(&client, &url, &protobuf(&[]), export.encode_to_vec());
                            assert_eq!(answer.0, 200, "{answer:?}");
                        }
                    }
                    spans += count;
                    requests += 1;
                }
                (service, spans, requests)
            })
        })
        .collect();
    let sent: Vec<(String, usize, usize)> =
        senders.into_iter().map(|s| s.join().unwrap()).collect();
    let finished = listening.interrupt();
    // Keyless batches: Honeycomb would refuse every one of them, and the exit code says so.
    assert_eq!(finished.code, Some(1), "{}", finished.stderr);
    let summary = finished.summary();
    let total_spans: usize = sent.iter().map(|s| s.1).sum();
    let total_requests: usize = sent.iter().map(|s| s.2).sum();
    assert!(
        total_requests > 200,
        "only {total_requests} requests in 10 s"
    );
    assert_eq!(summary["spans"], total_spans);
    assert_eq!(summary["batches"], total_requests);
    for (service, spans, requests) in &sent {
        let entry = summary["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == service.as_str())
            .unwrap_or_else(|| panic!("{service} missing from {summary}"));
        assert_eq!(entry["spans"], *spans, "{service}");
        assert_eq!(entry["batches"], *requests, "{service}");
    }
    assert_eq!(finished.of("batch").len(), total_requests);
    eprintln!("{total_requests} requests, {total_spans} spans received");
}

#[test]
fn forward_relays_requests_unchanged_and_prints_upstreams_answer() {
    let upstream = FakeHoneycomb::start(Mode::Accept, support::Auth::accepted(true, true));
    let listening = listen(&["--duration", "30", "--forward", &upstream.url()]);
    let client = client();
    let body = gzip(&request("shop", 2, 1).encode_to_vec());
    let answer = post(
        &client,
        &listening.url("/v1/traces"),
        &protobuf(&[
            ("content-encoding", "gzip"),
            ("x-honeycomb-team", KEY),
            ("x-honeycomb-dataset", "shop-dataset"),
        ]),
        body,
    );
    assert_eq!(answer.0, 200);
    grpc_export(
        &listening.grpc,
        request("shop-grpc", 3, 2),
        false,
        &[("x-honeycomb-team", KEY)],
    )
    .unwrap();
    let finished = listening.interrupt();
    let received = upstream.received();
    assert_eq!(received.requests.len(), 2, "{:?}", received.requests);
    let header = |index: usize, name: &str| {
        received.requests[index]
            .2
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let http_index = received
        .requests
        .iter()
        .position(|r| r.2.iter().any(|(n, _)| n == "content-encoding"))
        .expect("the gzip request arrived gzip");
    assert_eq!(received.requests[http_index].1, "/v1/traces");
    assert_eq!(header(http_index, "x-honeycomb-team").as_deref(), Some(KEY));
    assert_eq!(
        header(http_index, "x-honeycomb-dataset").as_deref(),
        Some("shop-dataset")
    );
    assert_eq!(
        header(http_index, "content-encoding").as_deref(),
        Some("gzip")
    );
    let grpc_index = 1 - http_index;
    assert_eq!(header(grpc_index, "x-honeycomb-team").as_deref(), Some(KEY));
    assert_eq!(
        header(grpc_index, "content-type").as_deref(),
        Some("application/x-protobuf")
    );
    // The fake decoded the relayed protobuf: the grpc batch's spans are all there.
    let grpc_spans = received
        .spans
        .iter()
        .filter(|s| s.service_name == "shop-grpc")
        .count();
    assert_eq!(grpc_spans, 3);
    for batch in finished.of("batch") {
        assert_eq!(batch["forward"]["status"], 200, "{batch}");
        assert_eq!(
            batch["forward"]["url"],
            format!("{}/v1/traces", upstream.url())
        );
    }
    assert_eq!(finished.summary()["forward"]["accepted"], 2);
}

#[test]
fn forward_decodes_honeycombs_protobuf_refusal() {
    // google.rpc.Status { code: 16, message: ... } as Honeycomb sends it.
    let message = "missing 'x-honeycomb-team' header";
    let mut status = vec![0x08, 16, 0x12, message.len() as u8];
    status.extend_from_slice(message.as_bytes());
    let upstream = FakeHoneycomb::start(
        Mode::Refuse {
            status: 401,
            content_type: "application/x-protobuf",
            body: status,
        },
        support::Auth::accepted(true, true),
    );
    let listening = listen_with(&[], &["--duration", "30", "--forward", &upstream.url()]);
    let mut banner = String::new();
    while !banner.contains("OTLP/HTTP") {
        banner = listening.next_line(Duration::from_secs(10));
    }
    let http = banner
        .split_whitespace()
        .nth(1)
        .expect("the OTLP/HTTP line names the address")
        .to_string();
    let client = client();
    let answer = post(
        &client,
        &format!("http://{http}/v1/traces"),
        &protobuf(&[]),
        request("shop", 1, 1).encode_to_vec(),
    );
    assert_eq!(answer.0, 200);
    let finished = listening.interrupt();
    let text = finished.lines.join("\n");
    assert!(
        text.contains(&format!(
            "→ {}/v1/traces  HTTP 401 \"missing 'x-honeycomb-team' header\"",
            upstream.url()
        )),
        "{text}"
    );
    assert!(text.contains("[✗] traces"), "{text}");
    assert!(
        text.contains("forwarded: 0 accepted, 1 refused, 0 failed, 0 not relayed"),
        "{text}"
    );
}

#[test]
fn a_slow_or_dead_upstream_never_slows_receiving() {
    let black_hole = FakeHoneycomb::start(Mode::BlackHole, support::Auth::accepted(true, true));
    let listening = listen(&[
        "--duration",
        "60",
        "--timeout",
        "1",
        "--forward",
        &black_hole.url(),
    ]);
    let client = client();
    let url = listening.url("/v1/traces");
    let started = Instant::now();
    for i in 0..300u32 {
        let answer = post(
            &client,
            &url,
            &protobuf(&[("x-honeycomb-team", KEY)]),
            request("shop", 2, (i % 200) as u8).encode_to_vec(),
        );
        assert_eq!(answer.0, 200);
    }
    let sending = started.elapsed();
    assert!(
        sending < Duration::from_secs(10),
        "300 requests took {sending:?} with a black-holed upstream"
    );
    let finished = listening.interrupt();
    assert!(
        finished.exit_time < Duration::from_secs(6),
        "stopping took {:?}",
        finished.exit_time
    );
    let batches = finished.of("batch");
    assert_eq!(batches.len(), 300, "every received batch is reported");
    assert_eq!(finished.summary()["spans"], 600);
    let forward = &finished.summary()["forward"];
    assert_eq!(forward["accepted"], 0);
    assert_eq!(
        forward["failed"].as_u64().unwrap() + forward["not_sent"].as_u64().unwrap(),
        300,
        "{forward}"
    );
    assert!(forward["failed"].as_u64().unwrap() >= 1, "{forward}");
}

#[test]
fn no_key_is_ever_printed() {
    let secret_header = "Bearer sk_live_0000fake0000fake0000";
    for format in ["human", "json"] {
        let upstream = FakeHoneycomb::start(
            Mode::Refuse {
                status: 401,
                content_type: "application/json",
                body: format!(r#"{{"error":"unknown API key {KEY}"}}"#).into_bytes(),
            },
            support::Auth::accepted(true, true),
        );
        let mut listening = listen_with(
            &["--format", format, "-v"],
            &["--duration", "30", "--forward", &upstream.url()],
        );
        if format == "human" {
            let mut banner = String::new();
            while !banner.contains("OTLP/HTTP") {
                banner = listening.next_line(Duration::from_secs(10));
            }
            listening.http = banner.split_whitespace().nth(1).unwrap().to_string();
        }
        let client = client();
        let mut leaky = request("shop", 1, 1);
        leaky.resource_spans[0].scope_spans[0].spans[0].name = format!("login {KEY}");
        leaky.resource_spans[0]
            .resource
            .as_mut()
            .unwrap()
            .attributes
            .push(string("service.version", KEY));
        post(
            &client,
            &listening.url("/v1/traces"),
            &protobuf(&[("x-honeycomb-team", KEY), ("authorization", secret_header)]),
            leaky.encode_to_vec(),
        );
        post(
            &client,
            &listening.url("/v1/traces"),
            &[
                ("content-type", "application/json"),
                ("x-honeycomb-team", KEY),
            ],
            format!(
                r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"{KEY}"}}]}}]}}]}}"#
            )
            .into_bytes(),
        );
        let finished = listening.interrupt();
        let output = format!("{}\n{}", finished.lines.join("\n"), finished.stderr);
        assert!(output.contains("hcaik_000…fake"), "{format}: {output}");
        assert!(!output.contains(KEY), "{format}: {output}");
        assert!(!output.contains(&KEY[6..40]), "{format}: {output}");
        assert!(!output.contains("sk_live_0000fake"), "{format}: {output}");
    }
}

/// `--fail-on`: nothing received, and batches Honeycomb would refuse, decide the exit code.
#[test]
fn the_exit_code_says_whether_honeycomb_would_take_what_arrived() {
    let client = reqwest::blocking::Client::new();
    for (fail_on, keyed, code) in [
        ("problem", false, 1),
        ("never", false, 0),
        ("problem", true, 0),
        ("warning", true, 0),
    ] {
        let listening = listen(&["--fail-on", fail_on]);
        let mut headers = protobuf(&[]);
        if keyed {
            headers.push(("x-honeycomb-team", KEY));
        }
        for n in 0..3 {
            let body = request("shop", 1, n).encode_to_vec();
            assert_eq!(
                post(&client, &listening.url("/v1/traces"), &headers, body).0,
                200
            );
        }
        let finished = listening.interrupt();
        assert_eq!(
            finished.code,
            Some(code),
            "{fail_on} {keyed}: {}",
            finished.lines.join("\n")
        );
    }
    let nothing = listen(&["--duration", "0.3", "--fail-on", "never"]).wait();
    assert_eq!(nothing.code, Some(0));
}

#[test]
fn prints_where_to_point_an_app_and_warns_on_every_interface() {
    let listening = listen_with(&[], &["--duration", "0.5"]);
    let finished = listening.wait();
    let text = finished.lines.join("\n");
    // Nothing was received in a run with a length: a gate on it fails.
    assert_eq!(finished.code, Some(1));
    let http = text
        .lines()
        .find(|l| l.trim_start().starts_with("OTLP/HTTP"))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap();
    assert!(http.starts_with("127.0.0.1:"), "{text}");
    assert!(!http.ends_with(":0"), "the real port is printed: {text}");
    for expected in [
        &format!(
            "OTEL_EXPORTER_OTLP_ENDPOINT=http://{http} OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf"
        )[..],
        "OTEL_EXPORTER_OTLP_ENDPOINT: http://host.docker.internal:",
        "- \"host.docker.internal:host-gateway\"",
        "--bind 0.0.0.0",
        "nothing received in",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    assert_eq!(finished.stderr, "");

    let everywhere = Command::new(BIN)
        .args(["listen", "--bind", "0.0.0.0", "--http", "0", "--grpc", "0"])
        .args(["--duration", "0.2", "--format", "json"])
        .env_clear()
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&everywhere.stderr);
    assert!(
        stderr.contains("warning: listening on every interface (0.0.0.0:"),
        "{stderr}"
    );
}

#[test]
fn bad_listen_flags_exit_2_with_the_reason() {
    let run = |args: &[&str]| {
        let output = Command::new(BIN).args(args).env_clear().output().unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).to_string(),
        )
    };
    assert_eq!(
        run(&["listen", "--http", "nowhere"]),
        (
            Some(2),
            "otel-doctor: --http `nowhere` is not an address: HOST:PORT, :PORT or PORT (port 0 picks a free one)\n".into()
        )
    );
    assert_eq!(run(&["listen", "--forward", "api.honeycomb.io"]).0, Some(2));
    assert_eq!(run(&["listen", "--duration", "0"]).0, Some(2));
    assert_eq!(
        run(&["check", "--http", "127.0.0.1:0"]),
        (
            Some(2),
            "otel-doctor: --http, --grpc and --bind go with --listen SECS\n".into()
        )
    );
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (code, stderr) = run(&["listen", "--http", &port, "--grpc", "0"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.starts_with(&format!("otel-doctor: cannot listen on 127.0.0.1:{port}: ")),
        "{stderr}"
    );
    assert!(stderr.contains("pick another port with --http"), "{stderr}");
}

/// A compose workspace whose one service sends to `endpoint` with these extra settings.
fn check_workspace(command: &str, endpoint: &str, service_name: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let name = service_name
        .map(|n| format!("      OTEL_SERVICE_NAME: {n}\n"))
        .unwrap_or_default();
    std::fs::write(
        dir.path().join("docker-compose.yml"),
        format!(
            "services:\n  shop:\n    image: python:3.12-slim\n    network_mode: host\n    command: {command}\n    environment:\n{name}      OTEL_EXPORTER_OTLP_ENDPOINT: {endpoint}\n      OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf\n"
        ),
    )
    .unwrap();
    dir
}

fn check_listen(dir: &std::path::Path, port: u16, seconds: &str, extra: &[&str]) -> Child {
    Command::new(BIN)
        .args(["check", "--format", "json", "--listen", seconds])
        .args([
            "--http",
            &format!("127.0.0.1:{port}"),
            "--grpc",
            "127.0.0.1:0",
        ])
        .args(extra)
        .arg(dir)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn report_of(child: Child) -> (Option<i32>, Value) {
    let output = child.wait_with_output().unwrap();
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), report)
}

fn step_of<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no step {id}: {report}"))
}

/// Sends `shop`'s spans to the port until it is accepted (the receiver starts with check).
fn send_until_accepted(port: u16, service: &str) {
    let client = client();
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let sent = client
            .post(format!("http://127.0.0.1:{port}/v1/traces"))
            .header("content-type", "application/x-protobuf")
            .body(request(service, 2, 9).encode_to_vec())
            .send();
        if sent.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the check's receiver never answered on {port}");
}

#[test]
fn check_listen_reports_the_spans_of_each_service() {
    let port = support::closed_port();
    let dir = check_workspace(
        "opentelemetry-instrument python app.py",
        &format!("http://127.0.0.1:{port}"),
        Some("shop"),
    );
    let started = Instant::now();
    let child = check_listen(dir.path(), port, "30", &["--offline"]);
    send_until_accepted(port, "shop");
    let (code, report) = report_of(child);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "the wait ends once every service was heard from"
    );
    let step = step_of(&report, "listen:shop");
    assert_eq!(step["status"], "pass", "{report}");
    assert_eq!(step["title"], "listen", "{step}");
    assert!(
        step["summary"]
            .as_str()
            .unwrap()
            .starts_with("spans received from shop: 2 spans in 1 batch (GET /0, GET /1)"),
        "{step}"
    );
    assert_eq!(code, Some(0), "{report}");
}

#[test]
fn check_listen_names_the_cause_when_nothing_arrives() {
    let port = support::closed_port();
    let dir = check_workspace(
        "opentelemetry-instrument --traces_exporter console python app.py",
        &format!("http://127.0.0.1:{port}"),
        Some("shop"),
    );
    let (code, report) = report_of(check_listen(dir.path(), port, "1", &["--offline"]));
    assert_eq!(code, Some(1));
    let step = step_of(&report, "listen:shop");
    assert_eq!(step["status"], "fail");
    assert_eq!(step["summary"], "nothing from shop in 1 s");
    // One root cause, one finding: the console exporter explains the silence.
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["config/exporter-not-otlp"], "{report}");
}

#[test]
fn check_listen_reports_silence_nothing_explains() {
    let port = support::closed_port();
    let elsewhere = support::closed_port();
    let dir = check_workspace(
        "opentelemetry-instrument python app.py",
        &format!("http://127.0.0.1:{elsewhere}"),
        Some("shop"),
    );
    let (code, report) = report_of(check_listen(dir.path(), port, "1", &["--offline"]));
    assert_eq!(code, Some(1));
    let step = step_of(&report, "listen:shop");
    let details = step["details"].as_array().unwrap();
    assert_eq!(details.len(), 1, "{step}");
    assert!(
        details[0].as_str().unwrap().starts_with(&format!(
            "shop exports to http://127.0.0.1:{elsewhere}/v1/traces (http/protobuf), but this receiver listens on ports {port} and "
        )),
        "{step}"
    );
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "listen/nothing-received");
    assert_eq!(finding["service"], "shop");
    assert_eq!(finding["file"], "docker-compose.yml");
    assert_eq!(finding["line"], 8);
    assert_eq!(
        finding["hint"],
        format!(
            "point shop at the receiver (OTEL_EXPORTER_OTLP_ENDPOINT=http://host.docker.internal:{port}) and send it a request while otel-doctor waits"
        )
    );
}

#[test]
fn check_listen_does_not_count_its_own_canary() {
    let port = support::closed_port();
    let dir = check_workspace(
        "opentelemetry-instrument python app.py",
        &format!("http://127.0.0.1:{port}"),
        Some("shop"),
    );
    let (code, report) = report_of(check_listen(dir.path(), port, "1", &["--timeout", "3"]));
    assert_eq!(step_of(&report, "canary")["status"], "pass", "{report}");
    assert_eq!(
        step_of(&report, "listen:shop")["status"],
        "fail",
        "{report}"
    );
    assert_eq!(code, Some(1));
}

#[test]
fn check_listen_in_human_form_lists_the_likely_causes() {
    let port = support::closed_port();
    let dir = check_workspace(
        "opentelemetry-instrument --traces_exporter console python app.py",
        &format!("http://127.0.0.1:{port}"),
        Some("shop"),
    );
    let output = Command::new(BIN)
        .args(["check", "--offline", "--no-color", "--listen", "1"])
        .args([
            "--http",
            &format!("127.0.0.1:{port}"),
            "--grpc",
            "127.0.0.1:0",
        ])
        .arg(dir.path())
        .env_clear()
        // Wide enough that no line wraps.
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("[✗] listen         nothing from shop in 1 s"),
        "{text}"
    );
    assert!(
        text.contains("likely cause: config/exporter-not-otlp  docker-compose.yml:"),
        "{text}"
    );
    assert!(!text.contains("listen/nothing-received"), "{text}");
    assert!(
        text.contains(
            "✗ 1 error, 0 warnings in 1 service — Honeycomb will receive nothing from shop."
        ),
        "{text}"
    );
}

#[test]
fn oversized_grpc_messages_are_refused_and_receiving_goes_on() {
    let listening = listen(&["--duration", "60"]);
    let mut huge = request("huge", 1, 1);
    huge.resource_spans[0].scope_spans[0].spans[0].name = "x".repeat(25 * 1024 * 1024);
    for gzip in [false, true] {
        let refused = grpc_export(&listening.grpc, huge.clone(), gzip, &[]).unwrap_err();
        assert!(
            matches!(
                refused.code(),
                tonic::Code::OutOfRange | tonic::Code::ResourceExhausted
            ),
            "gzip {gzip}: {refused:?}"
        );
    }
    grpc_export(&listening.grpc, request("after", 2, 2), true, &[]).unwrap();
    let finished = listening.interrupt();
    assert_eq!(finished.summary()["spans"], 2);
    assert_eq!(finished.summary()["batches"], 1);
}

/// A human `listen` prints one line a batch; a remark is spelled out under the first batch that
/// has it, and later batches count it on their line.
#[test]
fn each_batch_is_one_line_and_repeated_remarks_fold_into_a_count() {
    let mut listening = listen_with(&["--format", "human"], &["--duration", "30"]);
    let mut banner = String::new();
    while !banner.contains("OTLP/HTTP") {
        banner = listening.next_line(Duration::from_secs(10));
    }
    listening.http = banner.split_whitespace().nth(1).unwrap().to_string();
    let client = client();
    for n in 0..3 {
        let body = request("shop", 2, n).encode_to_vec();
        assert_eq!(
            post(&client, &listening.url("/v1/traces"), &protobuf(&[]), body).0,
            200
        );
    }
    let finished = listening.interrupt();
    let text = finished.lines.join("\n");
    let batches: Vec<&str> = text.lines().filter(|l| l.contains(" traces ")).collect();
    assert_eq!(batches.len(), 3, "{text}");
    let remark_lines: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with("! Honeycomb:"))
        .collect();
    assert!(!remark_lines.is_empty(), "the first batch says why: {text}");
    let first_batch = text.find(batches[0]).unwrap();
    let second_batch = text.find(batches[1]).unwrap();
    for remark in &remark_lines {
        let at = text.find(remark).unwrap();
        assert!(first_batch < at && at < second_batch, "{text}");
    }
    let count = match remark_lines.len() {
        1 => "1 remark as above".to_string(),
        n => format!("{n} remarks as above"),
    };
    assert!(
        batches[1].contains(&count) && batches[2].contains(&count),
        "{text}"
    );
    assert!(!text.contains("trace ids"), "details are for -v: {text}");
}

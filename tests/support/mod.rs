//! A fake Honeycomb for the online tests, on 127.0.0.1 with a port the OS picks: `/1/auth`
//! with a configurable answer, `/v1/traces` decoding real OTLP (protobuf and JSON, with
//! opentelemetry-proto), a gRPC TraceService, TLS with a self-signed certificate, and failure
//! modes. It records what it received. Nothing here talks to any other address.

#![allow(dead_code)] // each test binary uses a part of the support code

pub mod fixture_copy;
pub mod fixture_list;
pub mod one_service;
pub mod proxy;
pub mod report;
pub mod report_schema;
pub mod tree;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use prost::Message;

/// How the fake answers an export.
#[derive(Debug, Clone)]
pub enum Mode {
    Accept,
    /// An HTTP status with a body, or for gRPC a status code with this message.
    Refuse {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
    },
    PartialSuccess {
        rejected: i64,
        message: &'static str,
    },
    /// Answers after this long.
    Slow(Duration),
    /// Accepts the connection and never answers.
    BlackHole,
    /// Reads the request and closes the connection without a word.
    Close,
    /// Answers this status with a body that never ends.
    Endless(u16),
}

/// What `/1/auth` answers.
#[derive(Debug, Clone)]
pub struct Auth {
    pub status: u16,
    pub body: String,
    /// The body goes on forever after `body`.
    pub endless: bool,
}

impl Auth {
    pub fn accepted(events: bool, create_datasets: bool) -> Self {
        Auth {
            status: 200,
            body: format!(
                r#"{{"id":"hcaik_01","type":"ingest","api_key_access":{{"events":{events},"markers":false,"createDatasets":{create_datasets}}},"environment":{{"name":"Dev","slug":"dev"}},"team":{{"name":"Cruddur","slug":"cruddur"}}}}"#
            ),
            endless: false,
        }
    }

    /// 200 and JSON that never ends: whoever reads it all never gets to an answer.
    pub fn endless() -> Self {
        Auth {
            status: 200,
            body: r#"{"team": {"name": "Cruddur", "slug": "cruddur"}, "padding": ""#.into(),
            endless: true,
        }
    }

    pub fn unknown_key() -> Self {
        Auth {
            status: 401,
            body: r#"{"error":"unknown API key - check your credentials"}"#.into(),
            endless: false,
        }
    }
}

/// A span as the fake decoded it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedSpan {
    pub name: String,
    pub service_name: String,
    pub attributes: Vec<(String, String)>,
}

/// A request as received: method, path, lowercased headers.
pub type Request = (String, String, Vec<(String, String)>);

#[derive(Debug, Clone, Default)]
pub struct Received {
    pub requests: Vec<Request>,
    pub spans: Vec<ReceivedSpan>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<String> {
        self.requests.iter().rev().find_map(|(_, _, headers)| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        })
    }
}

struct Shared {
    mode: Mode,
    auth: Auth,
    received: Received,
}

/// An HTTP (or HTTPS) fake on 127.0.0.1.
pub struct FakeHoneycomb {
    pub addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    pub https: bool,
}

impl FakeHoneycomb {
    pub fn start(mode: Mode, auth: Auth) -> Self {
        Self::start_with(mode, auth, None)
    }

    /// HTTPS with a certificate no authority signed.
    pub fn start_self_signed(mode: Mode) -> Self {
        let certified =
            rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()])
                .unwrap();
        let cert = certified.cert.der().clone();
        let key = rustls::pki_types::PrivateKeyDer::try_from(certified.signing_key.serialize_der())
            .unwrap();
        let _ = rustls::crypto::ring::default_provider().install_default();
        let config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap();
        Self::start_with(mode, Auth::accepted(true, true), Some(Arc::new(config)))
    }

    fn start_with(mode: Mode, auth: Auth, tls: Option<Arc<rustls::ServerConfig>>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Mutex::new(Shared {
            mode,
            auth,
            received: Received::default(),
        }));
        let https = tls.is_some();
        let state = Arc::clone(&shared);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&state);
                let tls = tls.clone();
                std::thread::spawn(move || match tls {
                    Some(config) => {
                        if let Ok(connection) = rustls::ServerConnection::new(config) {
                            serve(rustls::StreamOwned::new(connection, stream), &state);
                        }
                    }
                    None => serve(stream, &state),
                });
            }
        });
        FakeHoneycomb {
            addr,
            shared,
            https,
        }
    }

    pub fn url(&self) -> String {
        format!(
            "{}://127.0.0.1:{}",
            if self.https { "https" } else { "http" },
            self.addr.port()
        )
    }

    pub fn received(&self) -> Received {
        self.shared.lock().unwrap().received.clone()
    }
}

/// One HTTP/1.1 exchange per connection (clients here send one request each).
fn serve<S: Read + Write>(stream: S, state: &Arc<Mutex<Shared>>) {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = request_line.split_whitespace();
    let (method, path) = (
        parts.next().unwrap_or_default().to_string(),
        parts.next().unwrap_or_default().to_string(),
    );
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let content_type = headers
        .iter()
        .find(|(n, _)| n == "content-type")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let (mode, auth) = {
        let mut shared = state.lock().unwrap();
        shared
            .received
            .requests
            .push((method.clone(), path.clone(), headers));
        if path == "/v1/traces" {
            let gzip = shared.received.requests.last().is_some_and(|(_, _, h)| {
                h.iter()
                    .any(|(n, v)| n == "content-encoding" && v == "gzip")
            });
            let spans = decode_http(&content_type, &gunzip_if(gzip, body.clone()));
            shared.received.spans.extend(spans);
        }
        (shared.mode.clone(), shared.auth.clone())
    };
    let mut stream = reader.into_inner();
    if path == "/1/auth" {
        if auth.endless {
            respond_endless(&mut stream, auth.status, "application/json", &auth.body);
        } else {
            respond(
                &mut stream,
                auth.status,
                "application/json",
                auth.body.as_bytes(),
            );
        }
        return;
    }
    let json = content_type.contains("json");
    match mode {
        Mode::Accept => respond(
            &mut stream,
            200,
            if json {
                "application/json"
            } else {
                "application/x-protobuf"
            },
            if json { b"{}" } else { b"" },
        ),
        Mode::Refuse {
            status,
            content_type,
            body,
        } => respond(&mut stream, status, content_type, &body),
        Mode::PartialSuccess { rejected, message } => {
            let response = ExportTraceServiceResponse {
                partial_success: Some(ExportTracePartialSuccess {
                    rejected_spans: rejected,
                    error_message: message.into(),
                }),
            };
            if json {
                let body = format!(
                    r#"{{"partialSuccess":{{"rejectedSpans":"{rejected}","errorMessage":"{message}"}}}}"#
                );
                respond(&mut stream, 200, "application/json", body.as_bytes());
            } else {
                respond(
                    &mut stream,
                    200,
                    "application/x-protobuf",
                    &response.encode_to_vec(),
                );
            }
        }
        Mode::Slow(delay) => {
            std::thread::sleep(delay);
            respond(&mut stream, 200, "application/x-protobuf", b"");
        }
        Mode::BlackHole => std::thread::sleep(Duration::from_secs(120)),
        Mode::Close => {}
        Mode::Endless(status) => respond_endless(&mut stream, status, "text/plain", "refused: "),
    }
}

/// `start`, then spaces in chunks until the client hangs up.
pub fn respond_endless<S: Write>(stream: &mut S, status: u16, content_type: &str, start: &str) {
    let head = format!(
        "HTTP/1.1 {status} {}\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{start}\r\n",
        reason(status),
        start.len()
    );
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
    while stream.write_all(chunk.as_bytes()).is_ok() {}
}

fn respond<S: Write>(stream: &mut S, status: u16, content_type: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status} {}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        reason(status),
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        401 => "Unauthorized",
        404 => "Not Found",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        _ => "Error",
    }
}

fn gunzip_if(gzip: bool, body: Vec<u8>) -> Vec<u8> {
    if !gzip {
        return body;
    }
    let mut plain = Vec::new();
    flate2::read::MultiGzDecoder::new(&body[..])
        .read_to_end(&mut plain)
        .expect("a gzip body");
    plain
}

/// Decodes an OTLP/HTTP request body, protobuf or JSON.
fn decode_http(content_type: &str, body: &[u8]) -> Vec<ReceivedSpan> {
    let request = if content_type.contains("json") {
        serde_json::from_slice::<ExportTraceServiceRequest>(body).expect("OTLP/JSON request")
    } else {
        ExportTraceServiceRequest::decode(body).expect("OTLP/protobuf request")
    };
    spans_of(&request)
}

pub fn spans_of(request: &ExportTraceServiceRequest) -> Vec<ReceivedSpan> {
    let mut spans = Vec::new();
    for resource_spans in &request.resource_spans {
        let service_name = resource_spans
            .resource
            .as_ref()
            .and_then(|r| r.attributes.iter().find(|a| a.key == "service.name"))
            .map(|a| text(a.value.as_ref().and_then(|v| v.value.as_ref())))
            .unwrap_or_default();
        for scope in &resource_spans.scope_spans {
            for span in &scope.spans {
                spans.push(ReceivedSpan {
                    name: span.name.clone(),
                    service_name: service_name.clone(),
                    attributes: span
                        .attributes
                        .iter()
                        .map(|a| {
                            (
                                a.key.clone(),
                                text(a.value.as_ref().and_then(|v| v.value.as_ref())),
                            )
                        })
                        .collect(),
                });
            }
        }
    }
    spans
}

fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::StringValue(s)) => s.clone(),
        Some(Value::BoolValue(b)) => b.to_string(),
        Some(Value::IntValue(i)) => i.to_string(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

/// A gRPC TraceService fake.
pub struct FakeGrpc {
    pub addr: SocketAddr,
    received: Arc<Mutex<Received>>,
}

#[derive(Clone)]
struct GrpcService {
    answer: Option<(tonic::Code, &'static str)>,
    received: Arc<Mutex<Received>>,
}

#[tonic::async_trait]
impl TraceService for GrpcService {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let headers: Vec<(String, String)> = request
            .metadata()
            .iter()
            .filter_map(|entry| match entry {
                tonic::metadata::KeyAndValueRef::Ascii(k, v) => {
                    Some((k.to_string(), v.to_str().unwrap_or_default().to_string()))
                }
                tonic::metadata::KeyAndValueRef::Binary(..) => None,
            })
            .collect();
        {
            let mut received = self.received.lock().unwrap();
            received
                .requests
                .push(("POST".into(), "grpc".into(), headers));
            received.spans.extend(spans_of(request.get_ref()));
        }
        match self.answer {
            Some((code, message)) => Err(tonic::Status::new(code, message)),
            None => Ok(tonic::Response::new(ExportTraceServiceResponse {
                partial_success: None,
            })),
        }
    }
}

impl FakeGrpc {
    /// `answer`: `None` accepts; `Some((code, message))` refuses with that status.
    pub fn start(answer: Option<(tonic::Code, &'static str)>) -> Self {
        let received = Arc::new(Mutex::new(Received::default()));
        let service = GrpcService {
            answer,
            received: Arc::clone(&received),
        };
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let incoming =
                    tonic::transport::server::TcpIncoming::bind("127.0.0.1:0".parse().unwrap())
                        .unwrap();
                sender.send(incoming.local_addr().unwrap()).unwrap();
                tonic::transport::Server::builder()
                    .add_service(TraceServiceServer::new(service))
                    .serve_with_incoming(incoming)
                    .await
                    .unwrap();
            });
        });
        let addr = receiver.recv().unwrap();
        FakeGrpc { addr, received }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.addr.port())
    }

    pub fn received(&self) -> Received {
        self.received.lock().unwrap().clone()
    }
}

/// A loopback port with nothing listening (bound, then released).
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// `otel-doctor lint WORKSPACE ARGS` with an empty environment, failing the test when it runs
/// longer than `bound` (a hang would stall CI for its whole budget). Its output is read as it
/// comes, so that a large report cannot block it on a full pipe.
pub fn lint_within(workspace: &Path, args: &[&str], bound: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_otel-doctor"))
        .arg("lint")
        .arg(workspace)
        .args(args)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut text);
            }
            text
        })
    };
    let stdout = read(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = read(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > bound {
            let _ = child.kill();
            panic!("otel-doctor did not finish within {bound:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

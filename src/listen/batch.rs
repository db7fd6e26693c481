//! One received request, summarised for a person: which services sent what, the headers (keys
//! masked), and what Honeycomb would do with it. Built once per request from the decoded
//! payload; the key never enters a `Batch` in clear.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use prost::Message;

use crate::knowledge::honeycomb::{self, KeyKind};
use crate::probe::CANARY_ATTRIBUTE;
use crate::redact;

/// How many distinct span names and trace ids a batch keeps (the counts stay exact).
const KEPT: usize = 50;

/// Spans further than this from the local clock are reported.
const CLOCK_TOLERANCE: Duration = Duration::from_secs(5 * 60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Traces,
    Metrics,
    Logs,
}

impl Signal {
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Traces => "traces",
            Signal::Metrics => "metrics",
            Signal::Logs => "logs",
        }
    }

    /// The OTLP/HTTP path of the signal.
    pub fn path(self) -> &'static str {
        match self {
            Signal::Traces => "/v1/traces",
            Signal::Metrics => "/v1/metrics",
            Signal::Logs => "/v1/logs",
        }
    }

    /// What one item of the signal is called.
    pub fn item(self) -> &'static str {
        match self {
            Signal::Traces => "span",
            Signal::Metrics => "metric",
            Signal::Logs => "log record",
        }
    }
}

/// The listener a request arrived on: both answer OTLP/HTTP and gRPC, but an app that sends
/// gRPC to the HTTP port would fail against a collector, so the mismatch is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listener {
    Http,
    Grpc,
}

impl Listener {
    pub fn as_str(self) -> &'static str {
        match self {
            Listener::Http => "http",
            Listener::Grpc => "grpc",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    HttpProtobuf,
    HttpJson,
    Grpc,
}

impl Transport {
    /// As `OTEL_EXPORTER_OTLP_PROTOCOL` names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::HttpProtobuf => "http/protobuf",
            Transport::HttpJson => "http/json",
            Transport::Grpc => "grpc",
        }
    }
}

/// A decoded OTLP request.
#[derive(Debug, Clone)]
pub enum Payload {
    Traces(ExportTraceServiceRequest),
    Metrics(ExportMetricsServiceRequest),
    Logs(ExportLogsServiceRequest),
}

impl Payload {
    pub fn signal(&self) -> Signal {
        match self {
            Payload::Traces(_) => Signal::Traces,
            Payload::Metrics(_) => Signal::Metrics,
            Payload::Logs(_) => Signal::Logs,
        }
    }

    /// No resource at all: what a body that is not OTLP (or OTLP/JSON with snake_case keys)
    /// decodes to.
    pub fn has_no_resource(&self) -> bool {
        match self {
            Payload::Traces(r) => r.resource_spans.is_empty(),
            Payload::Metrics(r) => r.resource_metrics.is_empty(),
            Payload::Logs(r) => r.resource_logs.is_empty(),
        }
    }

    /// The payload as OTLP protobuf, for relaying a gRPC request over OTLP/HTTP.
    pub fn to_protobuf(&self) -> Vec<u8> {
        match self {
            Payload::Traces(r) => r.encode_to_vec(),
            Payload::Metrics(r) => r.encode_to_vec(),
            Payload::Logs(r) => r.encode_to_vec(),
        }
    }

    pub fn encoded_len(&self) -> usize {
        match self {
            Payload::Traces(r) => r.encoded_len(),
            Payload::Metrics(r) => r.encoded_len(),
            Payload::Logs(r) => r.encoded_len(),
        }
    }
}

/// How a request reached the receiver.
#[derive(Debug, Clone)]
pub struct Arrival {
    pub listener: Listener,
    /// The port of that listener, and of the other one.
    pub port: u16,
    pub other_port: u16,
    pub transport: Transport,
    /// `gzip`, or `None` for an uncompressed body.
    pub compression: Option<String>,
    pub bytes: usize,
    pub peer: Option<SocketAddr>,
    /// Since the receiver started.
    pub at: Duration,
}

/// What one resource (one service) sent in a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceSummary {
    pub service_name: Option<String>,
    /// Spans, metrics or log records.
    pub items: usize,
    /// Spans of otel-doctor's own canary (not the app's).
    pub canary_spans: usize,
    /// Distinct span or metric names, the first `KEPT`, and how many there are.
    pub names: Vec<String>,
    pub distinct_names: usize,
    /// Distinct trace ids (hex), the first `KEPT`, and how many there are.
    pub trace_ids: Vec<String>,
    pub distinct_traces: usize,
    /// The resource attributes worth showing (SDK, version, environment, host).
    pub attributes: Vec<(String, String)>,
}

/// A request as the user sees it.
#[derive(Debug, Clone)]
pub struct Batch {
    pub signal: Signal,
    pub arrival: Arrival,
    pub resources: Vec<ResourceSummary>,
    /// Headers as received, minus transport noise, values masked where they may hold a key.
    pub headers: Vec<(String, String)>,
    /// What Honeycomb would do with this request if it were sent there as is.
    pub honeycomb: Vec<String>,
    /// Other things worth knowing (protocol on the other protocol's port).
    pub notes: Vec<String>,
    /// Upstream's answer, with `--forward`.
    pub forward: Option<Forwarded>,
}

impl Batch {
    /// Whether Honeycomb would refuse the request as it is (every refusal `honeycomb_outlook`
    /// names is a 401).
    pub fn refused_by_honeycomb(&self) -> bool {
        self.honeycomb
            .iter()
            .any(|outlook| outlook.contains("Honeycomb answers 401"))
    }

    pub fn new(
        arrival: Arrival,
        payload: &Payload,
        headers: &http::HeaderMap,
        now: SystemTime,
    ) -> Batch {
        let signal = payload.signal();
        let resources = summarise(payload);
        let mut honeycomb = honeycomb_outlook(signal, headers, &resources);
        if let Payload::Traces(request) = payload
            && let Some(skew) = clock_skew(request, now)
        {
            honeycomb.push(skew);
        }
        let notes = port_notes(&arrival);
        Batch {
            signal,
            arrival,
            resources,
            headers: shown_headers(headers),
            honeycomb,
            notes,
            forward: None,
        }
    }

    pub fn items(&self) -> usize {
        self.resources.iter().map(|r| r.items).sum()
    }
}

fn summarise(payload: &Payload) -> Vec<ResourceSummary> {
    match payload {
        Payload::Traces(request) => request
            .resource_spans
            .iter()
            .map(|rs| {
                let spans = rs.scope_spans.iter().flat_map(|s| &s.spans);
                let mut summary = resource_summary(rs.resource.as_ref());
                let mut names = Distinct::default();
                let mut traces = Distinct::default();
                for span in spans {
                    summary.items += 1;
                    if span.attributes.iter().any(|a| a.key == CANARY_ATTRIBUTE) {
                        summary.canary_spans += 1;
                    }
                    names.add_name(&span.name);
                    traces.add_id(hex(&span.trace_id));
                }
                (summary.names, summary.distinct_names) = names.finish();
                (summary.trace_ids, summary.distinct_traces) = traces.finish();
                summary
            })
            .collect(),
        Payload::Metrics(request) => request
            .resource_metrics
            .iter()
            .map(|rm| {
                let mut summary = resource_summary(rm.resource.as_ref());
                let mut names = Distinct::default();
                for metric in rm.scope_metrics.iter().flat_map(|s| &s.metrics) {
                    summary.items += 1;
                    names.add_name(&metric.name);
                }
                (summary.names, summary.distinct_names) = names.finish();
                summary
            })
            .collect(),
        Payload::Logs(request) => request
            .resource_logs
            .iter()
            .map(|rl| {
                let mut summary = resource_summary(rl.resource.as_ref());
                summary.items = rl.scope_logs.iter().map(|s| s.log_records.len()).sum();
                summary
            })
            .collect(),
    }
}

/// The resource attributes that tell which app, SDK and place sent the data.
const NOTABLE_ATTRIBUTES: &[&str] = &[
    "service.version",
    "service.namespace",
    "deployment.environment",
    "deployment.environment.name",
    "telemetry.sdk.language",
    "telemetry.sdk.version",
    "telemetry.distro.name",
    "telemetry.distro.version",
    "telemetry.auto.version",
    "host.name",
    "container.id",
    "process.runtime.name",
    "process.runtime.version",
];

fn resource_summary(resource: Option<&Resource>) -> ResourceSummary {
    let attributes = resource.map_or(&[][..], |r| &r.attributes);
    let value_of = |key: &str| {
        attributes
            .iter()
            .find(|a| a.key == key)
            .map(|a| text(a.value.as_ref()))
    };
    ResourceSummary {
        service_name: value_of("service.name"),
        items: 0,
        canary_spans: 0,
        names: Vec::new(),
        distinct_names: 0,
        trace_ids: Vec::new(),
        distinct_traces: 0,
        attributes: NOTABLE_ATTRIBUTES
            .iter()
            .filter_map(|key| value_of(key).map(|v| (key.to_string(), v)))
            .collect(),
    }
}

/// Distinct values in order of appearance, keeping the first `KEPT`.
#[derive(Default)]
struct Distinct {
    seen: HashSet<String>,
    kept: Vec<String>,
}

impl Distinct {
    /// A span or metric name, which the app chose: a key that slipped into one is masked.
    fn add_name(&mut self, name: &str) {
        self.add(name, honeycomb::mask_keys_in);
    }

    /// A trace id: 32 hex digits, the shape of a classic key, and never one.
    fn add_id(&mut self, id: String) {
        self.add(&id, str::to_string);
    }

    fn add(&mut self, value: &str, shown: impl Fn(&str) -> String) {
        if !self.seen.contains(value) {
            self.seen.insert(value.to_string());
            if self.kept.len() < KEPT {
                self.kept.push(shown(value));
            }
        }
    }

    fn finish(self) -> (Vec<String>, usize) {
        (self.kept, self.seen.len())
    }
}

/// An attribute value as text; keys that slipped into one are masked.
fn text(value: Option<&AnyValue>) -> String {
    let raw = match value.and_then(|v| v.value.as_ref()) {
        Some(Value::StringValue(s)) => s.clone(),
        Some(Value::BoolValue(b)) => b.to_string(),
        Some(Value::IntValue(i)) => i.to_string(),
        Some(Value::DoubleValue(d)) => d.to_string(),
        Some(Value::BytesValue(b)) => hex(b),
        Some(Value::StringValueStrindex(i)) => format!("#{i}"),
        Some(Value::ArrayValue(array)) => {
            let items: Vec<String> = array.values.iter().map(|v| text(Some(v))).collect();
            format!("[{}]", items.join(", "))
        }
        Some(Value::KvlistValue(list)) => {
            let items: Vec<String> = list.values.iter().map(pair_text).collect();
            format!("{{{}}}", items.join(", "))
        }
        None => String::new(),
    };
    honeycomb::mask_keys_in(&raw)
}

fn pair_text(pair: &KeyValue) -> String {
    format!("{}={}", pair.key, text(pair.value.as_ref()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Headers every client sends whatever its configuration: not worth a line.
const TRANSPORT_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "connection",
    "accept",
    "accept-encoding",
    "te",
    "grpc-accept-encoding",
    "grpc-timeout",
];

fn shown_headers(headers: &http::HeaderMap) -> Vec<(String, String)> {
    let mut shown: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| !TRANSPORT_HEADERS.contains(&name.as_str()))
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes());
            (name.to_string(), redact::mask_header(name.as_str(), &value))
        })
        .collect();
    shown.sort();
    shown
}

fn header<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// What Honeycomb would answer, or where it would file the data (HONEYCOMB.md: keys, datasets).
fn honeycomb_outlook(
    signal: Signal,
    headers: &http::HeaderMap,
    resources: &[ResourceSummary],
) -> Vec<String> {
    let mut outlook = Vec::new();
    let dataset = header(headers, honeycomb::DATASET_HEADER).filter(|d| !d.trim().is_empty());
    let kind = match header(headers, honeycomb::TEAM_HEADER) {
        None => {
            outlook.push(format!(
                "no {} header: Honeycomb answers 401 \"missing 'x-honeycomb-team' header\"",
                honeycomb::TEAM_HEADER
            ));
            None
        }
        Some(key) => match (honeycomb::key_slip(key), honeycomb::classify_key(key)) {
            (Some(slip), _) => {
                outlook.push(format!(
                    "{} holds {slip}: Honeycomb answers 401 \"unknown API key\"",
                    honeycomb::TEAM_HEADER
                ));
                None
            }
            (None, None) => {
                outlook.push(format!(
                    "{} \"{}\" is not shaped like a Honeycomb key: Honeycomb answers 401 \"unknown API key\"",
                    honeycomb::TEAM_HEADER,
                    honeycomb::mask(key)
                ));
                None
            }
            (None, Some(kind)) if !kind.can_send() => {
                outlook.push(format!(
                    "{} holds a {}, which cannot send data: Honeycomb answers 401",
                    honeycomb::TEAM_HEADER,
                    kind.describe()
                ));
                None
            }
            (None, Some(kind)) => Some(kind),
        },
    };
    let classic = kind.is_some_and(KeyKind::is_classic);
    if classic && dataset.is_none() && signal != Signal::Metrics {
        outlook.push(format!(
            "a {} needs {}: Honeycomb answers 401 \"missing 'x-honeycomb-dataset' header\"",
            kind.map_or("classic key", KeyKind::describe),
            honeycomb::DATASET_HEADER
        ));
    }
    if signal == Signal::Metrics && dataset.is_none() {
        outlook.push(format!(
            "metrics without {} land in the dataset \"unknown_metrics\"",
            honeycomb::DATASET_HEADER
        ));
    }
    if signal == Signal::Traces && !classic {
        for resource in resources {
            match resource.service_name.as_deref() {
                Some(name) if !name.trim().is_empty() && !name.starts_with("unknown_service") => {}
                name => outlook.push(format!(
                    "service.name is {}: the spans land in the dataset \"unknown_service\" (set OTEL_SERVICE_NAME)",
                    name.map_or("missing".to_string(), |n| format!("\"{n}\""))
                )),
            }
        }
    }
    outlook
}

/// The span furthest from this machine's clock, when it is far enough to hide the spans:
/// Honeycomb files spans at their own timestamps, and its default view is the last 2 hours.
fn clock_skew(request: &ExportTraceServiceRequest, now: SystemTime) -> Option<String> {
    let now = now.duration_since(UNIX_EPOCH).ok()?.as_nanos() as i128;
    let furthest = request
        .resource_spans
        .iter()
        .flat_map(|rs| &rs.scope_spans)
        .flat_map(|ss| &ss.spans)
        .map(|span| span.start_time_unix_nano as i128 - now)
        .max_by_key(|offset| offset.abs())?;
    if furthest.unsigned_abs() < CLOCK_TOLERANCE.as_nanos() {
        return None;
    }
    let distance = human_duration(Duration::from_nanos(
        u64::try_from(furthest.unsigned_abs()).unwrap_or(u64::MAX),
    ));
    let side = if furthest < 0 { "behind" } else { "ahead of" };
    Some(format!(
        "span start times are {distance} {side} this machine's clock: Honeycomb shows them at that time, outside a \"last 2 hours\" query"
    ))
}

fn human_duration(duration: Duration) -> String {
    let minutes = duration.as_secs() / 60;
    const DAY: u64 = 24 * 60;
    match minutes {
        m if m >= 2 * 365 * DAY => format!("{} years", m / (365 * DAY)),
        m if m >= 2 * DAY => format!("{} days", m / DAY),
        m if m >= 120 => format!("{} hours", m / 60),
        m => format!("{m} minutes"),
    }
}

/// gRPC on the OTLP/HTTP port, or OTLP/HTTP on the gRPC port: this receiver answers both, a
/// collector does not.
fn port_notes(arrival: &Arrival) -> Vec<String> {
    let grpc = arrival.transport == Transport::Grpc;
    let note = match (arrival.listener, grpc) {
        (Listener::Http, true) => format!(
            "gRPC arrived on the OTLP/HTTP port {}: this receiver answers it, a collector would not — send gRPC to port {} or set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
            arrival.port, arrival.other_port
        ),
        (Listener::Grpc, false) => format!(
            "OTLP/HTTP arrived on the gRPC port {}: this receiver answers it, a collector would not — send {} to port {} or set OTEL_EXPORTER_OTLP_PROTOCOL=grpc",
            arrival.port,
            arrival.transport.as_str(),
            arrival.other_port
        ),
        _ => return Vec::new(),
    };
    vec![note]
}

/// What upstream did with a relayed batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Forwarded {
    Answered {
        url: String,
        status: u16,
        /// The reason an error body gives, or a partial success's message.
        message: Option<String>,
    },
    Failed {
        url: String,
        error: String,
    },
    NotSent {
        reason: String,
    },
}

impl Forwarded {
    pub fn succeeded(&self) -> bool {
        matches!(self, Forwarded::Answered { status, message: None, .. } if (200..300).contains(status))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};

    const KEY: &str = "hcaik_0000000000000000000000000000000000000000000000000000000000";
    const CLASSIC: &str = "hcaic_0000000000000000000000000000000000000000000000000000000000";

    fn string(key: &str, value: &str) -> KeyValue {
        KeyValue {
            key: key.into(),
            value: Some(AnyValue {
                value: Some(Value::StringValue(value.into())),
            }),
            ..KeyValue::default()
        }
    }

    fn traces(service: Option<&str>, starts: &[u64]) -> Payload {
        let spans = starts
            .iter()
            .enumerate()
            .map(|(i, start)| Span {
                name: format!("GET /{}", i % 2),
                trace_id: vec![i as u8; 16],
                start_time_unix_nano: *start,
                ..Span::default()
            })
            .collect();
        Payload::Traces(ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                resource: Some(Resource {
                    attributes: service
                        .map(|s| string("service.name", s))
                        .into_iter()
                        .chain([string("telemetry.sdk.language", "python")])
                        .collect(),
                    ..Resource::default()
                }),
                scope_spans: vec![ScopeSpans {
                    spans,
                    ..ScopeSpans::default()
                }],
                ..ResourceSpans::default()
            }],
        })
    }

    fn arrival(listener: Listener, transport: Transport) -> Arrival {
        Arrival {
            listener,
            port: 4318,
            other_port: 4317,
            transport,
            compression: None,
            bytes: 10,
            peer: None,
            at: Duration::ZERO,
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> http::HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    http::HeaderName::from_static(k),
                    http::HeaderValue::from_str(v).unwrap(),
                )
            })
            .collect()
    }

    fn now() -> (SystemTime, u64) {
        let now = SystemTime::now();
        let nanos = now.duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64;
        (now, nanos)
    }

    #[test]
    fn counts_names_and_traces() {
        let (now, nanos) = now();
        let batch = Batch::new(
            arrival(Listener::Http, Transport::HttpProtobuf),
            &traces(Some("checkout"), &[nanos, nanos, nanos]),
            &headers(&[("x-honeycomb-team", KEY)]),
            now,
        );
        let resource = &batch.resources[0];
        assert_eq!(resource.service_name.as_deref(), Some("checkout"));
        assert_eq!(resource.items, 3);
        assert_eq!(resource.names, ["GET /0", "GET /1"]);
        assert_eq!(resource.distinct_traces, 3);
        assert_eq!(resource.trace_ids[1], "01".repeat(16));
        assert_eq!(
            resource.attributes,
            [("telemetry.sdk.language".into(), "python".into())]
        );
        assert!(batch.honeycomb.is_empty(), "{:?}", batch.honeycomb);
        assert_eq!(
            batch.headers,
            [("x-honeycomb-team".into(), "hcaik_000…0000".into())]
        );
    }

    #[test]
    fn names_what_honeycomb_would_refuse() {
        let (now, nanos) = now();
        let outlook = |service, pairs: &[(&'static str, &str)]| {
            Batch::new(
                arrival(Listener::Http, Transport::HttpProtobuf),
                &traces(service, &[nanos]),
                &headers(pairs),
                now,
            )
            .honeycomb
        };
        assert_eq!(
            outlook(Some("checkout"), &[]),
            [
                "no x-honeycomb-team header: Honeycomb answers 401 \"missing 'x-honeycomb-team' header\""
            ]
        );
        assert_eq!(
            outlook(Some("checkout"), &[("x-honeycomb-team", CLASSIC)]),
            [
                "a classic ingest key needs x-honeycomb-dataset: Honeycomb answers 401 \"missing 'x-honeycomb-dataset' header\""
            ]
        );
        assert!(
            outlook(
                None,
                &[
                    ("x-honeycomb-team", CLASSIC),
                    ("x-honeycomb-dataset", "shop")
                ]
            )
            .is_empty()
        );
        assert_eq!(
            outlook(Some("unknown_service:python"), &[("x-honeycomb-team", KEY)]),
            [
                "service.name is \"unknown_service:python\": the spans land in the dataset \"unknown_service\" (set OTEL_SERVICE_NAME)"
            ]
        );
        assert_eq!(
            outlook(
                Some("checkout"),
                &[("x-honeycomb-team", "{key from honeycomb environment}")]
            ),
            [
                "x-honeycomb-team holds a placeholder copied from the docs, not a key: Honeycomb answers 401 \"unknown API key\""
            ]
        );
        assert_eq!(
            outlook(
                Some("checkout"),
                &[("x-honeycomb-team", "not-a-key-at-all!")]
            ),
            [
                "x-honeycomb-team \"…***\" is not shaped like a Honeycomb key: Honeycomb answers 401 \"unknown API key\""
            ]
        );
    }

    #[test]
    fn reports_spans_far_from_the_local_clock() {
        let (now, nanos) = now();
        let hours = 3 * 3600 * 1_000_000_000;
        let batch = Batch::new(
            arrival(Listener::Http, Transport::HttpProtobuf),
            &traces(Some("checkout"), &[nanos, nanos - hours]),
            &headers(&[("x-honeycomb-team", KEY)]),
            now,
        );
        assert_eq!(
            batch.honeycomb,
            [
                "span start times are 3 hours behind this machine's clock: Honeycomb shows them at that time, outside a \"last 2 hours\" query"
            ]
        );
        let epoch = Batch::new(
            arrival(Listener::Http, Transport::HttpProtobuf),
            &traces(Some("checkout"), &[0]),
            &headers(&[("x-honeycomb-team", KEY)]),
            now,
        );
        assert!(
            epoch.honeycomb[0].contains("years behind"),
            "{:?}",
            epoch.honeycomb
        );
    }

    #[test]
    fn notes_a_protocol_on_the_other_port() {
        let (now, nanos) = now();
        let batch = Batch::new(
            arrival(Listener::Http, Transport::Grpc),
            &traces(Some("checkout"), &[nanos]),
            &headers(&[("x-honeycomb-team", KEY)]),
            now,
        );
        assert_eq!(
            batch.notes,
            [
                "gRPC arrived on the OTLP/HTTP port 4318: this receiver answers it, a collector would not — send gRPC to port 4317 or set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf"
            ]
        );
        let right = Batch::new(
            arrival(Listener::Http, Transport::HttpJson),
            &traces(Some("checkout"), &[nanos]),
            &headers(&[]),
            now,
        );
        assert!(right.notes.is_empty());
    }

    /// As reports mask them: only Honeycomb's key keeps a head and a tail.
    #[test]
    fn secret_headers_are_masked_whatever_their_shape() {
        let shown = shown_headers(&headers(&[
            ("authorization", "Bearer sk-live-0000000000000000"),
            ("x-api-key", "abcdefabcdefabcdefabcdef"),
            ("user-agent", "OTel-OTLP-Exporter-Python/1.45.1"),
            ("content-length", "12"),
        ]));
        assert_eq!(
            shown,
            [
                ("authorization".to_string(), "****".to_string()),
                (
                    "user-agent".into(),
                    "OTel-OTLP-Exporter-Python/1.45.1".into()
                ),
                ("x-api-key".into(), "****".into()),
            ]
        );
    }
}

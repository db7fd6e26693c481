//! OTLP/HTTP: `POST /v1/traces`, `/v1/metrics` and `/v1/logs`, protobuf or JSON, plain or
//! gzip. Every refusal says why: 415 for a content type or encoding OTLP does not have, 413
//! naming the limit (on the wire and decompressed: a small gzip body can inflate to gigabytes),
//! 400 with the decoder's error, also for a non-empty body that decodes to nothing, 408 for a
//! body that does not arrive in time, 503 with `Retry-After` when the receiver is full.
//!
//! A body is read whole before it waits for one of the few decoding slots: a sender that
//! trickles its body holds its own connection, never a slot the other senders need. The bytes
//! read and not yet decoded are bounded together (`BUFFERED_BYTES`).

use std::io::Read;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Extension, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, post};
use http_body_util::BodyExt;
use prost::Message;
use tokio::sync::SemaphorePermit;

use super::batch::{Arrival, Batch, Payload, Signal, Transport};
use super::{BODY_LIMIT, BUFFERED_BYTES, Event, PortInfo, Refusal, Shared, limit_text};
use crate::probe::answer::RpcStatus;

/// A body that takes longer than this to arrive is refused: OTLP exporters give up on a
/// request after `OTEL_EXPORTER_OTLP_TIMEOUT`, 10 s by default, so a body still arriving then
/// belongs to a sender that is no longer waiting for the answer.
const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// How much of an oversized body is read (and dropped) so that its sender gets the answer.
const DRAIN_LIMIT: usize = 4 * BODY_LIMIT;

/// The OTLP/HTTP routes, with `grpc`'s merged in; anything else is answered (and reported) by
/// `unknown_path`, which replaces the gRPC router's own fallback.
pub fn router(shared: Arc<Shared>, grpc: Router) -> Router {
    let fallback_shared = Arc::clone(&shared);
    Router::new()
        .route("/v1/traces", signal_route(Signal::Traces))
        .route("/v1/metrics", signal_route(Signal::Metrics))
        .route("/v1/logs", signal_route(Signal::Logs))
        .method_not_allowed_fallback(unknown_path)
        .with_state(shared)
        .merge(grpc)
        .fallback(
            move |port: Extension<PortInfo>,
                  peer: ConnectInfo<SocketAddr>,
                  method: Method,
                  uri: Uri| {
                unknown_path(State(Arc::clone(&fallback_shared)), port, peer, method, uri)
            },
        )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Protobuf,
    Json,
}

impl Format {
    fn transport(self) -> Transport {
        match self {
            Format::Protobuf => Transport::HttpProtobuf,
            Format::Json => Transport::HttpJson,
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Protobuf => "application/x-protobuf",
            Format::Json => "application/json",
        }
    }
}

/// What every OTLP/HTTP handler extracts.
struct Request {
    shared: Arc<Shared>,
    port: PortInfo,
    peer: SocketAddr,
    headers: HeaderMap,
    body: Body,
}

/// `POST` of one signal's export requests.
fn signal_route(signal: Signal) -> MethodRouter<Arc<Shared>> {
    post(
        move |State(shared): State<Arc<Shared>>,
              Extension(port): Extension<PortInfo>,
              ConnectInfo(peer): ConnectInfo<SocketAddr>,
              headers: HeaderMap,
              body: Body| {
            let request = Request {
                shared,
                port,
                peer,
                headers,
                body,
            };
            receive(signal, request)
        },
    )
}

/// Why a request is refused: the status and the message the sender (and the user) get.
struct Refused {
    status: StatusCode,
    message: String,
}

impl Refused {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Refused {
            status,
            message: message.into(),
        }
    }

    /// 503: the receiver cannot take the request now; its sender is told to retry.
    fn busy(message: impl Into<String>) -> Self {
        Refused::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }
}

async fn receive(signal: Signal, request: Request) -> Response {
    let Request {
        shared,
        port,
        peer,
        headers,
        body,
    } = request;
    let _ticket = shared.outbox.ticket();
    let peer = Some(peer);
    let at = shared.started.elapsed();
    let format = match body_format(&headers) {
        Ok(format) => format,
        Err(refused) => {
            return refuse(&shared, port, peer, signal.path(), None, refused).await;
        }
    };
    let compression = match content_encoding(&headers) {
        Ok(encoding) => encoding,
        Err(refused) => {
            return refuse(&shared, port, peer, signal.path(), Some(format), refused).await;
        }
    };
    let (wire, _buffered) = match read_body(&shared, &headers, body).await {
        Ok(read) => read,
        Err(refused) => {
            return refuse(&shared, port, peer, signal.path(), Some(format), refused).await;
        }
    };
    // Bodies are decoded a few at a time: the others wait their turn, already read.
    let Ok(_slot) = shared.decoding.acquire().await else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let bytes = wire.len();
    let gzip = compression.is_some();
    let decoded =
        tokio::task::spawn_blocking(move || decode(signal, format, gzip, &wire).map(|p| (p, wire)))
            .await;
    let (payload, wire) = match decoded {
        Ok(Ok(decoded)) => decoded,
        Ok(Err(refused)) => {
            return refuse(&shared, port, peer, signal.path(), Some(format), refused).await;
        }
        Err(_) => {
            let refused = Refused::new(StatusCode::INTERNAL_SERVER_ERROR, "the decoder stopped");
            return refuse(&shared, port, peer, signal.path(), Some(format), refused).await;
        }
    };
    let arrival = Arrival {
        listener: port.listener,
        port: port.port,
        other_port: port.other_port,
        transport: format.transport(),
        compression,
        bytes,
        peer,
        at,
    };
    let batch = Batch::new(arrival, &payload, &headers, SystemTime::now());
    if let Err(full) = shared.deliver(batch, headers, wire).await {
        return refuse(
            &shared,
            port,
            peer,
            signal.path(),
            Some(format),
            Refused::busy(full),
        )
        .await;
    }
    let body = match format {
        Format::Protobuf => Vec::new(),
        Format::Json => b"{}".to_vec(),
    };
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, format.content_type())],
        body,
    )
        .into_response()
}

fn body_format(headers: &HeaderMap) -> Result<Format, Refused> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).to_ascii_lowercase());
    let essence = content_type
        .as_deref()
        .and_then(|t| t.split(';').next())
        .map(str::trim);
    match essence {
        Some("application/x-protobuf" | "application/protobuf") => Ok(Format::Protobuf),
        Some("application/json") => Ok(Format::Json),
        other => Err(Refused::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "content-type {} is not OTLP: send application/x-protobuf or application/json",
                other.map_or("missing".to_string(), |t| format!("\"{t}\""))
            ),
        )),
    }
}

/// `Some("gzip")` for a gzip body, `None` for a plain one.
fn content_encoding(headers: &HeaderMap) -> Result<Option<String>, Refused> {
    let encoding = headers.get(header::CONTENT_ENCODING).map(|v| {
        String::from_utf8_lossy(v.as_bytes())
            .trim()
            .to_ascii_lowercase()
    });
    match encoding.as_deref() {
        None | Some("" | "identity") => Ok(None),
        Some("gzip") => Ok(Some("gzip".into())),
        Some(other) => Err(Refused::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "content-encoding \"{other}\" is not supported: OTLP/HTTP bodies are plain or gzip"
            ),
        )),
    }
}

fn too_large(what: &str) -> Refused {
    Refused::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "the {what} is over the {} limit: send smaller batches (OTEL_BSP_MAX_EXPORT_BATCH_SIZE)",
            limit_text()
        ),
    )
}

/// Reads at most `BODY_LIMIT` bytes, within `BODY_TIMEOUT`, and returns them with their share
/// of `BUFFERED_BYTES`, held until they are decoded. A larger body is still read, and dropped,
/// up to `DRAIN_LIMIT`: a client that is cut off while it sends never sees the 413 and its
/// reason. When the receiver already holds `BUFFERED_BYTES` the sender is told to retry.
async fn read_body<'a>(
    shared: &'a Shared,
    headers: &HeaderMap,
    body: Body,
) -> Result<(Bytes, Option<SemaphorePermit<'a>>), Refused> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > DRAIN_LIMIT as u64) {
        return Err(too_large("body"));
    }
    let read = async {
        let mut body = body;
        // A declared length within the limit is allocated once, not grown by doubling.
        let mut collected: Vec<u8> =
            Vec::with_capacity(declared.map_or(0, |length| length.min(BODY_LIMIT as u64) as usize));
        let mut buffered: Option<SemaphorePermit<'a>> = None;
        let mut total = 0usize;
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| {
                Refused::new(
                    StatusCode::BAD_REQUEST,
                    format!("cannot read the body: {e}"),
                )
            })?;
            if let Ok(data) = frame.into_data() {
                total += data.len();
                if total > DRAIN_LIMIT {
                    break;
                }
                if total <= BODY_LIMIT {
                    // Counted as it arrives: a trickling sender holds only what it sent.
                    let share = u32::try_from(data.len()).unwrap_or(u32::MAX);
                    let Ok(permit) = shared.buffered.try_acquire_many(share) else {
                        return Err(Refused::busy(format!(
                            "the receiver holds {} MiB of bodies not decoded yet: retry in a moment",
                            BUFFERED_BYTES / (1024 * 1024)
                        )));
                    };
                    match &mut buffered {
                        Some(held) => held.merge(permit),
                        None => buffered = Some(permit),
                    }
                    collected.extend_from_slice(&data);
                }
            }
        }
        if total > BODY_LIMIT {
            return Err(too_large("body"));
        }
        Ok((Bytes::from(collected), buffered))
    };
    tokio::time::timeout(BODY_TIMEOUT, read)
        .await
        .unwrap_or_else(|_| {
            Err(Refused::new(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the body did not arrive within {} s",
                    BODY_TIMEOUT.as_secs()
                ),
            ))
        })
}

/// Gunzips at most `BODY_LIMIT` bytes: the limit is checked on what the body inflates to.
fn gunzip(wire: &[u8]) -> Result<Vec<u8>, Refused> {
    let mut inflated = Vec::new();
    flate2::read::MultiGzDecoder::new(wire)
        .take(BODY_LIMIT as u64 + 1)
        .read_to_end(&mut inflated)
        .map_err(|e| {
            Refused::new(
                StatusCode::BAD_REQUEST,
                format!("content-encoding is gzip, but the body does not gunzip: {e}"),
            )
        })?;
    if inflated.len() > BODY_LIMIT {
        return Err(too_large("decompressed body"));
    }
    Ok(inflated)
}

fn decode(signal: Signal, format: Format, gzip: bool, wire: &[u8]) -> Result<Payload, Refused> {
    let inflated;
    let body = if gzip {
        inflated = gunzip(wire)?;
        &inflated[..]
    } else {
        wire
    };
    let bad = |e: &dyn std::fmt::Display| {
        let encoding = match format {
            Format::Protobuf => "OTLP/protobuf",
            Format::Json => "OTLP/JSON",
        };
        Refused::new(
            StatusCode::BAD_REQUEST,
            format!("the body is not {encoding} {}: {e}", signal.as_str()),
        )
    };
    let payload = match (signal, format) {
        (Signal::Traces, Format::Protobuf) => {
            Payload::Traces(Message::decode(body).map_err(|e| bad(&e))?)
        }
        (Signal::Metrics, Format::Protobuf) => {
            Payload::Metrics(Message::decode(body).map_err(|e| bad(&e))?)
        }
        (Signal::Logs, Format::Protobuf) => {
            Payload::Logs(Message::decode(body).map_err(|e| bad(&e))?)
        }
        (Signal::Traces, Format::Json) => {
            Payload::Traces(serde_json::from_slice(body).map_err(|e| bad(&e))?)
        }
        (Signal::Metrics, Format::Json) => {
            Payload::Metrics(serde_json::from_slice(body).map_err(|e| bad(&e))?)
        }
        (Signal::Logs, Format::Json) => {
            Payload::Logs(serde_json::from_slice(body).map_err(|e| bad(&e))?)
        }
    };
    if !body.is_empty() && payload.has_no_resource() {
        let why = match format {
            Format::Json => {
                "OTLP/JSON keys are camelCase (resourceSpans, scopeSpans, traceId): other keys are ignored"
            }
            Format::Protobuf => "is it an OTLP export request?",
        };
        return Err(Refused::new(
            StatusCode::BAD_REQUEST,
            format!(
                "the body ({} bytes) decodes to no {} at all: {why}",
                body.len(),
                signal.as_str()
            ),
        ));
    }
    Ok(payload)
}

/// Answers the refusal in the request's own encoding (OTLP: `google.rpc.Status`) and reports it.
async fn refuse(
    shared: &Shared,
    port: PortInfo,
    peer: Option<SocketAddr>,
    path: &str,
    format: Option<Format>,
    refused: Refused,
) -> Response {
    let message = crate::knowledge::honeycomb::mask_keys_in(&refused.message);
    shared
        .outbox
        .send(Event::Refused(Refusal {
            listener: port.listener,
            peer,
            at: shared.started.elapsed(),
            request: format!("POST {path}"),
            status: refused.status.as_u16(),
            reason: message.clone(),
        }))
        .await;
    error_response(refused.status, format, message)
}

fn error_response(status: StatusCode, format: Option<Format>, message: String) -> Response {
    // gRPC status codes for HTTP statuses, as the OTLP specification pairs them.
    let code = match status {
        StatusCode::BAD_REQUEST => 3,
        StatusCode::PAYLOAD_TOO_LARGE => 8,
        StatusCode::REQUEST_TIMEOUT => 4,
        StatusCode::SERVICE_UNAVAILABLE => 14,
        _ => 2,
    };
    let mut response = match format {
        Some(Format::Protobuf) => (
            status,
            [(header::CONTENT_TYPE, "application/x-protobuf")],
            RpcStatus { code, message }.encode_to_vec(),
        )
            .into_response(),
        Some(Format::Json) => (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::json!({ "code": code, "message": message }).to_string(),
        )
            .into_response(),
        None => (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            message,
        )
            .into_response(),
    };
    // The OTLP specification: a 503 is retried, after `Retry-After` when the server says.
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, http::HeaderValue::from_static("1"));
    }
    response
}

/// Anything but the three OTLP paths: the commonest cause is an endpoint that already ends in
/// `/v1/traces`, to which the SDK appends it again.
async fn unknown_path(
    State(shared): State<Arc<Shared>>,
    Extension(port): Extension<PortInfo>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    uri: Uri,
) -> Response {
    let path = uri.path();
    let doubled = ["/v1/traces", "/v1/metrics", "/v1/logs"]
        .iter()
        .any(|p| path.len() > p.len() && path.ends_with(p));
    let (status, message) = if method != Method::POST {
        (
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{method} {path}: OTLP/HTTP takes POST requests"),
        )
    } else if doubled {
        (
            StatusCode::NOT_FOUND,
            format!(
                "{path} is not an OTLP path: the endpoint already ended in the signal path and the SDK appended it again — set OTEL_EXPORTER_OTLP_ENDPOINT without /v1/traces (config/endpoint-path)"
            ),
        )
    } else {
        (
            StatusCode::NOT_FOUND,
            format!("{path} is not an OTLP path: use /v1/traces, /v1/metrics or /v1/logs"),
        )
    };
    shared
        .outbox
        .send(Event::Refused(Refusal {
            listener: port.listener,
            peer: Some(peer),
            at: shared.started.elapsed(),
            request: format!("{method} {path}"),
            status: status.as_u16(),
            reason: message.clone(),
        }))
        .await;
    error_response(status, None, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_limit() {
        let bomb = gzip(&vec![0u8; BODY_LIMIT + 1024]);
        assert!(bomb.len() < BODY_LIMIT / 100);
        let refused = gunzip(&bomb).unwrap_err();
        assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(
            refused
                .message
                .contains("decompressed body is over the 20 MiB limit")
        );
        assert_eq!(gunzip(&gzip(b"abc")).ok().as_deref(), Some(&b"abc"[..]));
    }

    #[test]
    fn json_that_decodes_to_nothing_is_an_error() {
        let refused = decode(
            Signal::Traces,
            Format::Json,
            false,
            br#"{"resource_spans":[{"scope_spans":[]}]}"#,
        )
        .unwrap_err();
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.message.contains("camelCase"), "{}", refused.message);
        assert!(decode(Signal::Traces, Format::Protobuf, false, b"").is_ok());
    }

    #[test]
    fn content_types_and_encodings() {
        let with = |name, value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(name, http::HeaderValue::from_static(value));
            headers
        };
        assert_eq!(
            body_format(&with(
                header::CONTENT_TYPE,
                "application/json; charset=utf-8"
            ))
            .ok(),
            Some(Format::Json)
        );
        let refused = body_format(&with(header::CONTENT_TYPE, "text/plain")).unwrap_err();
        assert_eq!(refused.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(content_encoding(&with(header::CONTENT_ENCODING, "br")).is_err());
        assert_eq!(
            content_encoding(&with(header::CONTENT_ENCODING, "GZIP")).ok(),
            Some(Some("gzip".into()))
        );
    }
}

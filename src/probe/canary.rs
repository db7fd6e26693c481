//! The canary: one real span, `otel-doctor canary`, exported with `opentelemetry-otlp` exactly
//! the way the service would (its endpoint, protocol, headers and `service.name`), once, with
//! retries off, and the answer read in full.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use opentelemetry::trace::{
    SpanContext, SpanId, SpanKind, Status, TraceFlags, TraceId, TraceState,
};
use opentelemetry::{InstrumentationScope, KeyValue};
use opentelemetry_otlp::{RetryPolicy, WithExportConfig, WithHttpConfig};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use opentelemetry_proto::transform::common::tonic::ResourceAttributesWithSchema;
use opentelemetry_proto::transform::trace::tonic::group_spans_by_resource_and_scope;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{SpanData, SpanEvents, SpanExporter as _, SpanLinks};

use super::answer::{PartialSuccess, error_reason, from_response, partial_success};
use super::classify::{Failure, FailureKind, classify};
use super::http::{Exchange, RecordingClient};
use super::target::Target;
use super::{Raised, network_finding};
use crate::knowledge::otel::Protocol;
use crate::rules::canary::{PartialSuccess as PartialSuccessRule, Rejected};

/// Marks the canary in Honeycomb, so it can be found (and told apart from real traffic).
pub const CANARY_ATTRIBUTE: &str = "otel_doctor.canary";

#[derive(Debug, Clone, Default)]
pub struct CanaryOutcome {
    /// The answer, in a line.
    pub answer: String,
    pub trace_id: Option<String>,
    pub accepted: bool,
    pub raised: Vec<Raised>,
}

pub fn send(target: &Target, timeout: Duration) -> CanaryOutcome {
    let span = canary_span();
    let trace_id = span.span_context.trace_id().to_string();
    let resource = Resource::builder_empty()
        .with_service_name(target.resource_name.clone())
        .build();
    let result = match target.protocol {
        Protocol::Grpc => send_grpc(target, span, &resource, timeout),
        Protocol::HttpProtobuf | Protocol::HttpJson => send_http(target, span, &resource, timeout),
    };
    let location = target.endpoint_location.clone();
    let mut outcome = CanaryOutcome {
        trace_id: Some(trace_id),
        ..CanaryOutcome::default()
    };
    match result {
        Reply::Accepted {
            status,
            partial: None,
        } => {
            outcome.accepted = true;
            outcome.answer = format!("{status}: accepted");
        }
        Reply::Accepted {
            status,
            partial: Some(partial),
        } => {
            outcome.answer = format!("{status}, but {} span(s) rejected", partial.rejected_spans);
            outcome.raised.push(Raised::new(
                &PartialSuccessRule::META,
                format!(
                    "{} accepted the request ({status}) but rejected {} span(s): \"{}\".",
                    target.url, partial.rejected_spans, partial.message
                ),
                "fix what the server's message names; the SDK logs nothing about partial successes"
                    .into(),
                location,
            ));
        }
        Reply::Refused { status, reason } => {
            let quoted = reason
                .as_deref()
                .map(|r| format!(" \"{r}\""))
                .unwrap_or_default();
            outcome.answer = format!("{status}{quoted}");
            let unauthenticated = status.ends_with("401") || status.contains("UNAUTHENTICATED");
            if unauthenticated && target.withheld.as_ref().is_some_and(|w| w.takes_key()) {
                // The key was kept from this endpoint: its 401 says nothing about the app's.
                outcome.answer.push_str(", as expected without the key");
                return outcome;
            }
            let key_location = target.key.as_ref().and_then(|k| k.location.clone());
            let anchor = if unauthenticated {
                key_location.or(location)
            } else {
                location
            };
            outcome.raised.push(Raised::new(
                &Rejected::META,
                format!(
                    "{} answered {status}{quoted} to the canary span.",
                    target.url
                ),
                rejection_hint(&status, reason.as_deref()),
                anchor,
            ));
        }
        Reply::Failed(failure) => {
            outcome.answer = format!("not delivered: {}", failure.detail);
            outcome
                .raised
                .push(network_finding(&failure, &target.url, timeout, location));
        }
    }
    outcome
}

/// What the endpoint did with the span.
enum Reply {
    Accepted {
        status: String,
        partial: Option<PartialSuccess>,
    },
    Refused {
        status: String,
        reason: Option<String>,
    },
    Failed(Failure),
}

fn send_http(target: &Target, span: SpanData, resource: &Resource, timeout: Duration) -> Reply {
    let client = match super::http::client(timeout) {
        Ok(client) => client,
        Err(failure) => return Reply::Failed(failure),
    };
    let headers: Vec<(String, String)> = target
        .headers
        .iter()
        .map(|h| (h.name.clone(), h.value.clone()))
        .collect();
    let recording = RecordingClient::new(client, headers.clone());
    let protocol = match target.protocol {
        Protocol::HttpJson => opentelemetry_otlp::Protocol::HttpJson,
        _ => opentelemetry_otlp::Protocol::HttpBinary,
    };
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_endpoint(target.url.clone())
        .with_protocol(protocol)
        .with_timeout(timeout)
        .with_headers(headers.into_iter().collect::<HashMap<_, _>>())
        .with_http_client(recording.clone())
        .with_retry_policy(RetryPolicy::disabled())
        .build();
    let mut exporter = match exporter {
        Ok(exporter) => exporter,
        Err(error) => {
            return Reply::Failed(Failure {
                kind: FailureKind::Closed,
                detail: format!("the exporter could not be built: {error}"),
            });
        }
    };
    exporter.set_resource(resource);
    // The blocking HTTP client must not run inside a tokio runtime: a plain executor drives
    // the export future (CRATES.md).
    let result = futures_executor::block_on(exporter.export(vec![span]));
    match (recording.last_exchange(), result) {
        (
            Some(Exchange::Answer {
                status,
                content_type,
                body,
            }),
            _,
        ) if (200..300).contains(&status) => Reply::Accepted {
            status: format!("HTTP {status}"),
            partial: partial_success(content_type.as_deref(), &body),
        },
        (
            Some(Exchange::Answer {
                status,
                content_type,
                body,
            }),
            _,
        ) => Reply::Refused {
            status: format!("HTTP {status}"),
            reason: error_reason(content_type.as_deref(), &body),
        },
        (Some(Exchange::Failed(failure)), _) => {
            Reply::Failed(super::http::blame_proxy(failure, &target.url))
        }
        (None, Err(error)) => Reply::Failed(classify(&error)),
        (None, Ok(())) => Reply::Failed(Failure {
            kind: FailureKind::Closed,
            detail: "the exporter sent nothing".into(),
        }),
    }
}

/// gRPC through `TraceServiceClient` on a channel built here: the OTLP exporter keeps only the
/// status code (not Honeycomb's message), and its timeout does not bound the connect, which
/// took 134 s against a black hole (CRATES.md, traps 3 and 4).
fn send_grpc(target: &Target, span: SpanData, resource: &Resource, timeout: Duration) -> Reply {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return Reply::Failed(classify(&error)),
    };
    let request = ExportTraceServiceRequest {
        resource_spans: group_spans_by_resource_and_scope(
            vec![span],
            &ResourceAttributesWithSchema::from(resource),
        ),
    };
    runtime.block_on(async {
        match tokio::time::timeout(timeout, export_grpc(target, request, timeout)).await {
            Ok(reply) => reply,
            Err(elapsed) => Reply::Failed(Failure {
                kind: FailureKind::Timeout,
                detail: elapsed.to_string(),
            }),
        }
    })
}

async fn export_grpc(
    target: &Target,
    request: ExportTraceServiceRequest,
    timeout: Duration,
) -> Reply {
    super::http::install_crypto_provider();
    let url = if target.url.contains("://") {
        target.url.clone()
    } else {
        format!("https://{}", target.url)
    };
    let endpoint = match tonic::transport::Endpoint::from_shared(url.clone()) {
        Ok(endpoint) => endpoint.connect_timeout(timeout).timeout(timeout),
        Err(error) => return Reply::Failed(classify(&error)),
    };
    let endpoint = if url.starts_with("https://") {
        let tls = tonic::transport::ClientTlsConfig::new()
            .with_native_roots()
            .with_webpki_roots();
        match endpoint.tls_config(tls) {
            Ok(endpoint) => endpoint,
            Err(error) => return Reply::Failed(classify(&error)),
        }
    } else {
        endpoint
    };
    let channel = match super::http::grpc_channel(&endpoint, &url, timeout) {
        Ok(channel) => channel,
        Err(failure) => return Reply::Failed(failure),
    };
    let mut client = TraceServiceClient::new(channel);
    let mut request = tonic::Request::new(request);
    for header in &target.headers {
        if let (Ok(name), Ok(value)) = (
            tonic::metadata::MetadataKey::from_bytes(header.name.as_bytes()),
            tonic::metadata::MetadataValue::try_from(header.value.as_str()),
        ) {
            request.metadata_mut().insert(name, value);
        }
    }
    match client.export(request).await {
        Ok(response) => Reply::Accepted {
            status: "gRPC OK".into(),
            partial: from_response(response.get_ref()),
        },
        Err(status) => match std::error::Error::source(&status) {
            // A transport failure surfaces as UNAVAILABLE with the cause as its source; the
            // channel's own timeout as CANCELLED "Timeout expired".
            Some(source) if status.code() == tonic::Code::Unavailable => {
                Reply::Failed(super::http::blame_proxy(classify(source), &url))
            }
            _ if status.code() == tonic::Code::DeadlineExceeded
                || (status.code() == tonic::Code::Cancelled
                    && status.message().to_ascii_lowercase().contains("timeout")) =>
            {
                Reply::Failed(Failure {
                    kind: FailureKind::Timeout,
                    detail: status.message().to_string(),
                })
            }
            _ => Reply::Refused {
                status: format!("gRPC {}", code_name(status.code())),
                reason: Some(status.message().to_string()).filter(|m| !m.is_empty()),
            },
        },
    }
}

/// gRPC status codes as the spec writes them (`UNAUTHENTICATED`), which is what people search.
fn code_name(code: tonic::Code) -> String {
    let mut name = String::new();
    for (index, c) in format!("{code:?}").chars().enumerate() {
        if c.is_uppercase() && index > 0 {
            name.push('_');
        }
        name.push(c.to_ascii_uppercase());
    }
    name
}

fn rejection_hint(status: &str, reason: Option<&str>) -> String {
    let reason = reason.unwrap_or_default().to_ascii_lowercase();
    let code = status.rsplit(' ').next().unwrap_or_default();
    match code {
        "401" | "UNAUTHENTICATED" if reason.contains("x-honeycomb-team") => {
            "send the key: OTEL_EXPORTER_OTLP_HEADERS=x-honeycomb-team=${HONEYCOMB_API_KEY}, with the variable set".into()
        }
        "401" | "UNAUTHENTICATED" if reason.contains("dataset") => {
            "a classic key needs x-honeycomb-dataset=<dataset> in OTEL_EXPORTER_OTLP_HEADERS".into()
        }
        "401" | "UNAUTHENTICATED" => "the key is unknown here: check it, and the region (https://api.honeycomb.io or https://api.eu1.honeycomb.io)".into(),
        "403" | "PERMISSION_DENIED" => "the key may not send events: use an ingest key".into(),
        "404" | "UNIMPLEMENTED" => "nothing receives traces at this path: the HTTP traces path is /v1/traces (see config/endpoint-path)".into(),
        "413" => "the batch is too large: lower OTEL_BSP_MAX_EXPORT_BATCH_SIZE".into(),
        "429" | "RESOURCE_EXHAUSTED" => "rate limited: send less (sample) or retry later".into(),
        _ if code.starts_with('5') || code == "UNAVAILABLE" || code == "INTERNAL" => {
            "the server failed: retry later, and check its status page or the collector's logs".into()
        }
        _ => "fix what the server's message names".into(),
    }
}

/// The span: new ids, a few microseconds long, marked as a canary.
fn canary_span() -> SpanData {
    let end = SystemTime::now();
    let start = end.checked_sub(Duration::from_micros(100)).unwrap_or(end);
    let span_context = SpanContext::new(
        TraceId::from_bytes(random_bytes()),
        SpanId::from_bytes(random_bytes()),
        TraceFlags::SAMPLED,
        false,
        TraceState::default(),
    );
    SpanData {
        span_context,
        parent_span_id: SpanId::INVALID,
        parent_span_is_remote: false,
        span_kind: SpanKind::Internal,
        name: Cow::Borrowed("otel-doctor canary"),
        start_time: start,
        end_time: end,
        attributes: vec![
            KeyValue::new(CANARY_ATTRIBUTE, true),
            KeyValue::new("otel_doctor.version", env!("CARGO_PKG_VERSION")),
        ],
        dropped_attributes_count: 0,
        events: SpanEvents::default(),
        links: SpanLinks::default(),
        status: Status::Ok,
        instrumentation_scope: InstrumentationScope::builder("otel-doctor")
            .with_version(env!("CARGO_PKG_VERSION"))
            .build(),
    }
}

/// Random ids without a random-number crate: std's `RandomState` is seeded per process from
/// the OS, which is plenty for one trace id.
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    for (index, chunk) in bytes.chunks_mut(8).enumerate() {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_usize(index);
        hasher.write_u128(
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        let word = hasher.finish().to_le_bytes();
        chunk.copy_from_slice(&word[..chunk.len()]);
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_codes_are_spelled_like_the_spec() {
        assert_eq!(code_name(tonic::Code::Unauthenticated), "UNAUTHENTICATED");
        assert_eq!(
            code_name(tonic::Code::PermissionDenied),
            "PERMISSION_DENIED"
        );
    }

    #[test]
    fn canary_ids_are_valid_and_differ() {
        let a = canary_span();
        let b = canary_span();
        assert!(a.span_context.is_valid());
        assert_ne!(a.span_context.trace_id(), b.span_context.trace_id());
    }
}

//! What an OTLP endpoint or Honeycomb's API said, decoded: the reason in an error body
//! (protobuf `google.rpc.Status`, or JSON `message`/`error`) and an OTLP partial success.
//! Raw protobuf bytes are never printed (Python's exporter does, which is why users see a
//! stray `!` or `=` before the message).

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse;
use prost::Message;

/// `google.rpc.Status`, the error body of OTLP/HTTP protobuf: only the code and message matter.
#[derive(Clone, PartialEq, Message)]
pub struct RpcStatus {
    #[prost(int32, tag = "1")]
    pub code: i32,
    #[prost(string, tag = "2")]
    pub message: String,
}

/// The reason an error body gives, whatever its encoding; `None` if it gives none.
pub fn error_reason(content_type: Option<&str>, body: &[u8]) -> Option<String> {
    if body.is_empty() {
        return None;
    }
    let json = content_type.is_some_and(|t| t.contains("json")) || body.first() == Some(&b'{');
    let reason = if json {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        ["message", "error", "Message"]
            .iter()
            .find_map(|key| value.get(key).and_then(|v| v.as_str()).map(str::to_string))
    } else if content_type.is_some_and(|t| t.contains("protobuf")) {
        RpcStatus::decode(body).ok().map(|status| status.message)
    } else {
        std::str::from_utf8(body)
            .ok()
            .map(|text| text.trim().to_string())
    };
    reason.filter(|r| !r.is_empty()).map(|r| shorten(&r))
}

/// An OTLP partial success: how many spans were rejected and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialSuccess {
    pub rejected_spans: i64,
    pub message: String,
}

/// Reads the partial success of a successful export answer, if it reports any rejection.
pub fn partial_success(content_type: Option<&str>, body: &[u8]) -> Option<PartialSuccess> {
    if body.is_empty() {
        return None;
    }
    let found = if content_type.is_some_and(|t| t.contains("json")) || body.first() == Some(&b'{') {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        let partial = value
            .get("partialSuccess")
            .or_else(|| value.get("partial_success"))?;
        let rejected = partial
            .get("rejectedSpans")
            .or_else(|| partial.get("rejected_spans"))
            .and_then(|v| {
                v.as_i64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
            .unwrap_or(0);
        let message = partial
            .get("errorMessage")
            .or_else(|| partial.get("error_message"))
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        PartialSuccess {
            rejected_spans: rejected,
            message: message.to_string(),
        }
    } else {
        from_response(&ExportTraceServiceResponse::decode(body).ok()?)?
    };
    (found.rejected_spans > 0 || !found.message.is_empty()).then_some(found)
}

/// The partial success of a decoded response (gRPC answers come decoded).
pub fn from_response(response: &ExportTraceServiceResponse) -> Option<PartialSuccess> {
    let partial = response.partial_success.as_ref()?;
    (partial.rejected_spans > 0 || !partial.error_message.is_empty()).then(|| PartialSuccess {
        rejected_spans: partial.rejected_spans,
        message: shorten(&partial.error_message),
    })
}

/// Server messages are quoted in one line; an HTML error page is not a message.
fn shorten(text: &str) -> String {
    const LIMIT: usize = 300;
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= LIMIT {
        line
    } else {
        format!("{}…", line.chars().take(LIMIT).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_from_every_encoding() {
        let status = RpcStatus {
            code: 16,
            message: "missing 'x-honeycomb-team' header".into(),
        }
        .encode_to_vec();
        assert_eq!(
            error_reason(Some("application/x-protobuf"), &status).as_deref(),
            Some("missing 'x-honeycomb-team' header")
        );
        assert_eq!(
            error_reason(
                Some("application/json"),
                br#"{"error":"unknown API key - check your credentials"}"#
            )
            .as_deref(),
            Some("unknown API key - check your credentials")
        );
        assert_eq!(
            error_reason(Some("text/plain"), b"  not found\n").as_deref(),
            Some("not found")
        );
        assert_eq!(error_reason(None, b""), None);
    }

    #[test]
    fn partial_success_in_json_and_protobuf() {
        let json = br#"{"partialSuccess":{"rejectedSpans":"1","errorMessage":"bad span"}}"#;
        assert_eq!(
            partial_success(Some("application/json"), json),
            Some(PartialSuccess {
                rejected_spans: 1,
                message: "bad span".into()
            })
        );
        assert_eq!(partial_success(Some("application/json"), b"{}"), None);
        let response = ExportTraceServiceResponse {
            partial_success: Some(
                opentelemetry_proto::tonic::collector::trace::v1::ExportTracePartialSuccess {
                    rejected_spans: 2,
                    error_message: "too old".into(),
                },
            ),
        };
        assert_eq!(
            partial_success(Some("application/x-protobuf"), &response.encode_to_vec()),
            Some(PartialSuccess {
                rejected_spans: 2,
                message: "too old".into()
            })
        );
    }
}

//! OTLP/gRPC: the trace, metrics and logs services, gzip accepted (the Python exporter's
//! `OTEL_EXPORTER_OTLP_COMPRESSION=gzip`), messages bounded like HTTP bodies.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::SystemTime;

use axum::Router;
use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::{
    LogsService, LogsServiceServer,
};
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use tonic::codec::CompressionEncoding;
use tonic::service::Routes;
use tonic::{Request, Response, Status};

use super::batch::{Arrival, Batch, Listener, Payload, Transport};
use super::{BODY_LIMIT, Event, PortInfo, Refusal, Shared};

pub fn routes(shared: Arc<Shared>) -> Router {
    let receiver = GrpcReceiver { shared };
    Routes::new(
        TraceServiceServer::new(receiver.clone())
            .accept_compressed(CompressionEncoding::Gzip)
            .max_decoding_message_size(BODY_LIMIT),
    )
    .add_service(
        MetricsServiceServer::new(receiver.clone())
            .accept_compressed(CompressionEncoding::Gzip)
            .max_decoding_message_size(BODY_LIMIT),
    )
    .add_service(
        LogsServiceServer::new(receiver)
            .accept_compressed(CompressionEncoding::Gzip)
            .max_decoding_message_size(BODY_LIMIT),
    )
    .into_axum_router()
}

#[derive(Clone)]
struct GrpcReceiver {
    shared: Arc<Shared>,
}

/// gRPC's own headers, which mean nothing to an OTLP/HTTP upstream.
fn is_grpc_transport_header(name: &str) -> bool {
    name.starts_with("grpc-") || matches!(name, "content-type" | "content-encoding" | "te")
}

impl GrpcReceiver {
    /// Reports (and relays) the request; `Err` UNAVAILABLE when the relay queue is full, which
    /// OTLP/gRPC exporters retry.
    async fn receive<T>(&self, request: Request<T>, wrap: fn(T) -> Payload) -> Result<(), Status> {
        let _ticket = self.shared.outbox.ticket();
        let port = request
            .extensions()
            .get::<PortInfo>()
            .copied()
            .unwrap_or(PortInfo {
                listener: Listener::Grpc,
                port: 0,
                other_port: 0,
            });
        let peer = request
            .extensions()
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map(|info| info.0);
        let (metadata, _, message) = request.into_parts();
        let mut headers = metadata.into_headers();
        let compression = headers
            .get("grpc-encoding")
            .and_then(|v| v.to_str().ok())
            .filter(|v| *v != "identity")
            .map(str::to_string);
        let payload = wrap(message);
        let arrival = Arrival {
            listener: port.listener,
            port: port.port,
            other_port: port.other_port,
            transport: Transport::Grpc,
            compression,
            bytes: payload.encoded_len(),
            peer,
            at: self.shared.started.elapsed(),
        };
        let batch = Batch::new(arrival, &payload, &headers, SystemTime::now());
        let names: Vec<http::HeaderName> = headers
            .keys()
            .filter(|name| is_grpc_transport_header(name.as_str()))
            .cloned()
            .collect();
        for name in names {
            headers.remove(name);
        }
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/x-protobuf"),
        );
        let body = if self.shared.forwarder.is_some() {
            payload.to_protobuf().into()
        } else {
            axum::body::Bytes::new()
        };
        let signal = payload.signal();
        let Err(full) = self.shared.deliver(batch, headers, body).await else {
            return Ok(());
        };
        self.shared
            .outbox
            .send(Event::Refused(Refusal {
                listener: port.listener,
                peer,
                at: self.shared.started.elapsed(),
                request: format!("gRPC export of {}", signal.as_str()),
                status: 503,
                reason: full.clone(),
            }))
            .await;
        Err(Status::unavailable(full))
    }
}

#[tonic::async_trait]
impl TraceService for GrpcReceiver {
    async fn export(
        &self,
        request: Request<ExportTraceServiceRequest>,
    ) -> Result<Response<ExportTraceServiceResponse>, Status> {
        self.receive(request, Payload::Traces).await?;
        Ok(Response::new(ExportTraceServiceResponse::default()))
    }
}

#[tonic::async_trait]
impl MetricsService for GrpcReceiver {
    async fn export(
        &self,
        request: Request<ExportMetricsServiceRequest>,
    ) -> Result<Response<ExportMetricsServiceResponse>, Status> {
        self.receive(request, Payload::Metrics).await?;
        Ok(Response::new(ExportMetricsServiceResponse::default()))
    }
}

#[tonic::async_trait]
impl LogsService for GrpcReceiver {
    async fn export(
        &self,
        request: Request<ExportLogsServiceRequest>,
    ) -> Result<Response<ExportLogsServiceResponse>, Status> {
        self.receive(request, Payload::Logs).await?;
        Ok(Response::new(ExportLogsServiceResponse::default()))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn grpc_headers_are_not_relayed() {
        assert!(super::is_grpc_transport_header("grpc-timeout"));
        assert!(super::is_grpc_transport_header("content-type"));
        assert!(!super::is_grpc_transport_header("x-honeycomb-team"));
    }
}

use crate::knowledge::otel::{self, Protocol};
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that `OTEL_EXPORTER_OTLP_PROTOCOL` (and its traces-only twin) is one of `grpc`,
    /// `http/protobuf` or `http/json`.
    ///
    /// ## Why is this bad?
    /// Any other value (`http`, `https`, `HTTP/PROTOBUF`, `"grpc"` with quotes) makes the SDK
    /// refuse to create the exporter: opentelemetry-python raises "Unsupported OTLP protocol"
    /// and the app runs on, sending nothing.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_PROTOCOL: http
    /// ```
    /// Use instead:
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf
    /// ```
    pub struct ProtocolInvalid => "config/protocol-invalid", Error;
}

impl Check for ProtocolInvalid {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project.services.iter().filter(|s| s.reads_otel_env()) {
            for name in [otel::TRACES_PROTOCOL, otel::PROTOCOL] {
                let Some(setting) = service.setting(name) else {
                    continue;
                };
                if Protocol::parse(setting.value).is_some() {
                    continue;
                }
                let lower = setting
                    .value
                    .trim()
                    .trim_matches(['"', '\''])
                    .to_ascii_lowercase();
                let suggestion = match Protocol::parse(&lower) {
                    Some(protocol) => protocol.as_str(),
                    None if lower.starts_with("grpc") => "grpc",
                    None => "http/protobuf",
                };
                out.service(
                    &Self::META,
                    service,
                    setting.location,
                    format!(
                        "{} is \"{}\", which is not grpc, http/protobuf or http/json: the SDK refuses to create the exporter.",
                        setting.describe(),
                        setting.value
                    ),
                    format!("{}={suggestion}", setting.name),
                );
            }
        }
    }
}

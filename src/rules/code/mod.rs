//! `code/`: the tracer setup in the service's source.

mod browser_endpoint_ephemeral;
mod browser_env_not_exposed;
mod console_exporter;
mod env_set_after_sdk;
mod hardcoded_endpoint;
mod no_tracer_provider;
mod sdk_started_late;
mod tracing_not_loaded;
mod unknown_otel_symbol;
mod unreadable_source;

use super::Rule;

pub const RULES: &[&dyn Rule] = &[
    &no_tracer_provider::NoTracerProvider,
    &console_exporter::ConsoleExporter,
    &hardcoded_endpoint::HardcodedEndpoint,
    &env_set_after_sdk::EnvSetAfterSdk,
    &unknown_otel_symbol::UnknownOtelSymbol,
    &tracing_not_loaded::TracingNotLoaded,
    &sdk_started_late::SdkStartedLate,
    &browser_env_not_exposed::BrowserEnvNotExposed,
    &browser_endpoint_ephemeral::BrowserEndpointEphemeral,
    &unreadable_source::UnreadableSource,
];

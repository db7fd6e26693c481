//! `code/`: the tracer setup in the service's source.

mod console_exporter;
mod hardcoded_endpoint;
mod no_tracer_provider;
mod unknown_otel_symbol;
mod unreadable_source;

use super::Rule;

pub const RULES: &[&dyn Rule] = &[
    &no_tracer_provider::NoTracerProvider,
    &console_exporter::ConsoleExporter,
    &hardcoded_endpoint::HardcodedEndpoint,
    &unknown_otel_symbol::UnknownOtelSymbol,
    &unreadable_source::UnreadableSource,
];

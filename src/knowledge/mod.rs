//! What the tool knows about the world outside the workspace, as data apart from the code that
//! applies it: the OpenTelemetry SDKs' environment configuration, Honeycomb's keys and hosts,
//! and, per ecosystem, which package provides which module. A new language or a new release
//! is a change here, not in the rules.

pub mod honeycomb;
pub mod languages;
pub mod otel;
pub mod python;
pub mod python_symbols;
pub mod secrets;

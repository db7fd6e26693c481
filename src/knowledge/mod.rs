//! What the tool knows about the world outside the workspace, as data apart from the code that
//! applies it: the OpenTelemetry SDKs' environment configuration, Honeycomb's keys and hosts,
//! the Collector's images, components and releases, and, per ecosystem, which package provides
//! which module. A new language or a new release is a change here, not in the rules.

pub mod collector;
pub mod ecosystems;
pub mod honeycomb;
pub mod java;
pub mod languages;
pub mod node;
pub mod otel;
pub mod python;
pub mod python_symbols;
pub mod secrets;

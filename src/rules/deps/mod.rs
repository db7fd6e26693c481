//! `deps/`: OpenTelemetry packages against what the code and the command use.

mod distro_missing;
mod exporter_missing;
mod exporter_protocol_mismatch;
mod instrumentation_missing;
mod manifest_parse_error;
mod otel_dev_dependency;
mod otel_not_installed;

use super::Rule;

pub const RULES: &[&dyn Rule] = &[
    &otel_not_installed::OtelNotInstalled,
    &otel_dev_dependency::OtelDevDependency,
    &distro_missing::DistroMissing,
    &exporter_missing::ExporterMissing,
    &exporter_protocol_mismatch::ExporterProtocolMismatch,
    &instrumentation_missing::InstrumentationMissing,
    &manifest_parse_error::ManifestParseError,
];

//! `config/`: the `OTEL_*` environment the SDK reads.

mod build_arg_only;
mod endpoint_invalid;
mod endpoint_localhost;
mod endpoint_missing;
mod endpoint_path;
mod endpoint_unknown_host;
mod exporter_not_otlp;
mod headers_malformed;
mod honeycomb_distro_vars;
mod otel_on_static_site;
mod otel_vars_unused;
mod protocol_ignored;
mod protocol_invalid;
mod protocol_port_mismatch;
mod sampler_drops_all;
mod sdk_disabled;
mod service_name_missing;
mod variable_misspelled;

pub use build_arg_only::BuildArgOnly;

use super::Rule;

pub const RULES: &[&dyn Rule] = &[
    &exporter_not_otlp::ExporterNotOtlp,
    &sdk_disabled::SdkDisabled,
    &endpoint_missing::EndpointMissing,
    &endpoint_invalid::EndpointInvalid,
    &endpoint_path::EndpointPath,
    &endpoint_localhost::EndpointLocalhost,
    &endpoint_unknown_host::EndpointUnknownHost,
    &protocol_invalid::ProtocolInvalid,
    &protocol_port_mismatch::ProtocolPortMismatch,
    &protocol_ignored::ProtocolIgnored,
    &headers_malformed::HeadersMalformed,
    &sampler_drops_all::SamplerDropsAll,
    &service_name_missing::ServiceNameMissing,
    &variable_misspelled::VariableMisspelled,
    &build_arg_only::BuildArgOnly,
    &honeycomb_distro_vars::HoneycombDistroVars,
    &otel_vars_unused::OtelVarsUnused,
    &otel_on_static_site::OtelOnStaticSite,
];

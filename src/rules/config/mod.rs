//! `config/`: the `OTEL_*` environment the SDK reads.

mod build_arg_only;
mod config_file_invalid;
mod endpoint_invalid;
mod endpoint_localhost;
mod endpoint_missing;
mod endpoint_path;
mod endpoint_tls_mismatch;
mod endpoint_unknown_host;
mod exporter_not_otlp;
mod headers_malformed;
mod honeycomb_distro_vars;
mod otel_on_static_site;
mod otel_vars_unused;
mod php_autoload_disabled;
mod protocol_ignored;
mod protocol_invalid;
mod protocol_port_mismatch;
mod sampler_drops_all;
mod sampling_default;
mod sdk_disabled;
mod service_name_missing;
mod variable_misspelled;

pub use build_arg_only::BuildArgOnly;

use super::Rule;

pub const RULES: &[&dyn Rule] = &[
    &exporter_not_otlp::ExporterNotOtlp,
    &sdk_disabled::SdkDisabled,
    &php_autoload_disabled::PhpAutoloadDisabled,
    &endpoint_missing::EndpointMissing,
    &endpoint_invalid::EndpointInvalid,
    &endpoint_path::EndpointPath,
    &endpoint_localhost::EndpointLocalhost,
    &endpoint_unknown_host::EndpointUnknownHost,
    &endpoint_tls_mismatch::EndpointTlsMismatch,
    &protocol_invalid::ProtocolInvalid,
    &protocol_port_mismatch::ProtocolPortMismatch,
    &protocol_ignored::ProtocolIgnored,
    &headers_malformed::HeadersMalformed,
    &config_file_invalid::ConfigFileInvalid,
    &sampler_drops_all::SamplerDropsAll,
    &sampling_default::SamplingDefault,
    &service_name_missing::ServiceNameMissing,
    &variable_misspelled::VariableMisspelled,
    &build_arg_only::BuildArgOnly,
    &honeycomb_distro_vars::HoneycombDistroVars,
    &otel_vars_unused::OtelVarsUnused,
    &otel_on_static_site::OtelOnStaticSite,
];

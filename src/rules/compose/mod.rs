//! `compose/`: what docker compose itself refuses or quietly changes.

mod env_file_missing;
mod invalid_interpolation;
mod parse_error;
mod required_variable_missing;
mod variable_unset;
mod variant_drops_otel;

pub use variant_drops_otel::drop_explained;

pub use env_file_missing::EnvFileMissing;

use super::Rule;

pub const RULES: &[&dyn Rule] = &[
    &parse_error::ParseError,
    &EnvFileMissing,
    &variable_unset::VariableUnset,
    &required_variable_missing::RequiredVariableMissing,
    &invalid_interpolation::InvalidInterpolation,
    &variant_drops_otel::VariantDropsOtel,
];

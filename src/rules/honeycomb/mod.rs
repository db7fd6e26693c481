//! `honeycomb/`: the key, its header, the dataset and the region.

mod classic_key_dataset;
mod insecure_transport;
mod key_hardcoded;
mod key_header_missing;
mod key_invalid;
mod key_unset;

use super::Rule;

pub const RULES: &[&dyn Rule] = &[
    &key_header_missing::KeyHeaderMissing,
    &key_unset::KeyUnset,
    &key_invalid::KeyInvalid,
    &classic_key_dataset::ClassicKeyDataset,
    &key_hardcoded::KeyHardcoded,
    &insecure_transport::InsecureTransport,
];

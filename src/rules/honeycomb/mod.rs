//! `honeycomb/`: the key, its header, the dataset and the region.

mod classic_key_dataset;
mod insecure_transport;
mod key_cannot_create_datasets;
mod key_cannot_send;
mod key_check_failed;
mod key_hardcoded;
mod key_header_missing;
mod key_in_frontend;
mod key_invalid;
mod key_rejected;
mod key_unset;
mod key_wrong_region;

pub use key_cannot_create_datasets::KeyCannotCreateDatasets;
pub use key_cannot_send::KeyCannotSend;
pub use key_check_failed::KeyCheckFailed;
pub use key_rejected::KeyRejected;
pub use key_unset::KeyUnset;
pub use key_wrong_region::KeyWrongRegion;

use super::Rule;

pub const RULES: &[&dyn Rule] = &[
    &key_header_missing::KeyHeaderMissing,
    &KeyUnset,
    &key_invalid::KeyInvalid,
    &classic_key_dataset::ClassicKeyDataset,
    &key_hardcoded::KeyHardcoded,
    &key_in_frontend::KeyInFrontend,
    &insecure_transport::InsecureTransport,
    &KeyRejected,
    &KeyWrongRegion,
    &KeyCannotSend,
    &KeyCannotCreateDatasets,
    &KeyCheckFailed,
];

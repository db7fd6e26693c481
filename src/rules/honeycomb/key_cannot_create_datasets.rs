use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a key that may send events but not create datasets (online check).
    ///
    /// ## Why is this bad?
    /// With an environment key, Honeycomb names the dataset after `service.name`. The first
    /// spans of a new service (or of a renamed one) need a new dataset; without "Create
    /// Datasets" they are dropped. Services whose dataset already exists are fine.
    ///
    /// ## Example
    /// A new service `payments` sending with an ingest key that lacks "Create Datasets".
    ///
    /// Use instead: allow "Create Datasets" on the key, or create the dataset in Honeycomb
    /// first.
    pub struct KeyCannotCreateDatasets => "honeycomb/key-cannot-create-datasets", Warning, online;
}

impl Check for KeyCannotCreateDatasets {}

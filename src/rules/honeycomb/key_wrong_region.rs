use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a key that Honeycomb knows in the other region: refused by the region the
    /// service sends to, accepted by the other (online check).
    ///
    /// ## Why is this bad?
    /// US and EU Honeycomb are separate: a key is known only in its own region, and the other
    /// answers 401 "unknown API key" to every export.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_ENDPOINT: https://api.honeycomb.io   # the key is an EU key
    /// ```
    /// Use instead:
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_ENDPOINT: https://api.eu1.honeycomb.io
    /// ```
    pub struct KeyWrongRegion => "honeycomb/key-wrong-region", Error, online;
}

impl Check for KeyWrongRegion {}

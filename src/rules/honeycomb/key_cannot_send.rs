use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a key that Honeycomb accepts but that may not send events (online check).
    ///
    /// ## Why is this bad?
    /// A configuration key made for queries or boards, without "Send Events", gets every
    /// export refused.
    ///
    /// ## Example
    /// A configuration key created with only "Run Queries".
    ///
    /// Use instead: an ingest key, or a configuration key with "Send Events" checked.
    pub struct KeyCannotSend => "honeycomb/key-cannot-send", Error, online;
}

impl Check for KeyCannotSend {}

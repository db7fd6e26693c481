use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a key Honeycomb's `/1/auth` refuses (401) in the region the service sends to,
    /// and in the other one (online check).
    ///
    /// ## Why is this bad?
    /// Every export is answered 401 "unknown API key": the key was deleted, mistyped, belongs
    /// to another team, or is not a Honeycomb key at all.
    ///
    /// ## Example
    /// ```sh
    /// HONEYCOMB_API_KEY=<a key that was rotated>
    /// ```
    /// Use instead: a current ingest key from Honeycomb (Environment settings → API Keys).
    pub struct KeyRejected => "honeycomb/key-rejected", Error, online;
}

impl Check for KeyRejected {}

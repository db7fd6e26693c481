use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an answer from Honeycomb's `/1/auth` that says nothing about the key: a rate
    /// limit (429), a server error (5xx), an unexpected status or body (online check).
    ///
    /// ## Why is this bad?
    /// The key could not be verified this time. It is not a verdict on the key; the canary
    /// span says whether data gets through.
    ///
    /// ## Example
    /// ```text
    /// GET https://api.honeycomb.io/1/auth → HTTP 429
    /// ```
    /// Use instead: run the check again in a minute.
    pub struct KeyCheckFailed => "honeycomb/key-check-failed", Warning, online;
}

impl Check for KeyCheckFailed {}

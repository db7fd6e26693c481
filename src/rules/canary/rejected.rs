use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a canary span the endpoint answered with an error: an HTTP status other than
    /// 2xx, or a gRPC status other than OK, with the server's own message (online check).
    ///
    /// ## Why is this bad?
    /// Every batch the app sends gets the same answer: 401 (key missing, unknown or in the
    /// other region), 404 (wrong path), 413 (batch too large), 429 (rate limited), 5xx (server
    /// trouble). The SDK logs it once per batch and drops the spans.
    ///
    /// ## Example
    /// ```text
    /// HTTP 401 "missing 'x-honeycomb-team' header"
    /// ```
    /// Use instead: fix what the message names; otel-doctor links it to the lint finding that
    /// explains it when there is one.
    pub struct Rejected => "canary/rejected", Error, online;
}

impl Check for Rejected {}

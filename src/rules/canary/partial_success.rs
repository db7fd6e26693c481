use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a canary the endpoint accepted with an OTLP partial success: the request was
    /// fine, but spans were rejected (online check).
    ///
    /// ## Why is this bad?
    /// The HTTP or gRPC status says success, so the SDK logs nothing, yet the rejected spans
    /// are gone. The server's message says why (an attribute too large, a bad timestamp).
    ///
    /// ## Example
    /// ```text
    /// partial success: 1 span rejected: "span timestamp out of range"
    /// ```
    /// Use instead: fix what the message names.
    pub struct PartialSuccess => "canary/partial-success", Error, online;
}

impl Check for PartialSuccess {}

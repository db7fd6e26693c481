use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an `otel-doctor: ignore[...]` pragma, or one rule id in it, that silences
    /// nothing: no finding of that rule on the pragma's line or the next, a rule id that does
    /// not exist, or a rule turned off in `.otel-doctor.toml`. (A comment that is not written
    /// as an ignore is `meta/malformed-ignore`.)
    ///
    /// ## Why is this bad?
    /// An ignore outlives the problem it was written for. Left behind, it will silently hide
    /// the next real problem on that line, and a misspelled one hides nothing while looking as
    /// if it did. Ignores of online rules (`network/*`, `canary/*`, key checks) are never
    /// reported: what the network answers changes from run to run.
    ///
    /// ## Example
    /// ```yaml
    /// environment:
    ///   # otel-doctor: ignore[config/endpoint-localhost]
    ///   OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector:4318
    /// ```
    /// The endpoint was fixed; remove the comment. An ignore covers its own line and the line
    /// below it; list several rules with commas: `# otel-doctor: ignore[a/b, c/d]` (`//` in
    /// JavaScript and TypeScript).
    pub struct UnusedIgnore => "meta/unused-ignore", Info;
}

impl Check for UnusedIgnore {}

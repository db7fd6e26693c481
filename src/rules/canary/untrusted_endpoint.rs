use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a pipeline whose canary was sent without the Honeycomb key (or another secret
    /// header), or not sent at all, because its endpoint is not one the user trusts with the
    /// key: not Honeycomb over TLS, not this machine, not named with `--trust-endpoint` (online
    /// check).
    ///
    /// ## Why is this bad?
    /// The workspace says where spans go, and in CI the workspace is a pull request while the
    /// team's key sits in the environment: one changed endpoint would carry the key anywhere,
    /// in clear over `http://`. So otel-doctor sends the key only where the user says, never
    /// where the workspace alone says (`.otel-doctor.toml` can narrow that list, not widen
    /// it), and sends such an endpoint nothing taken from this machine's environment. The
    /// canary then checks less than the service's real pipeline: an endpoint that needs the
    /// key answers 401, which is not reported as the app's fault.
    ///
    /// ## Example
    /// ```yaml
    /// OTEL_EXPORTER_OTLP_ENDPOINT: http://collector.example.com:4318
    /// OTEL_EXPORTER_OTLP_HEADERS: x-honeycomb-team=${HONEYCOMB_API_KEY}
    /// ```
    /// If the collector is yours, trust it for this run:
    /// ```sh
    /// otel-doctor check --trust-endpoint http://collector.example.com:4318
    /// # or, in CI: OTEL_DOCTOR_TRUST_ENDPOINTS=http://collector.example.com:4318
    /// ```
    /// Better, send over `https://` (then `--trust-endpoint collector.example.com:4318`), or
    /// let the collector add the key itself.
    pub struct UntrustedEndpoint => "canary/untrusted-endpoint", Warning, online;
}

impl Check for UntrustedEndpoint {}

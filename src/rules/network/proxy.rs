use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a failure of the HTTP proxy (`HTTPS_PROXY`, `HTTP_PROXY`) on the way to the
    /// endpoint (online check).
    ///
    /// ## Why is this bad?
    /// The exporter follows the proxy variables like any HTTP client: if the proxy refuses or
    /// cannot reach the endpoint, nothing is exported.
    ///
    /// ## Example
    /// ```sh
    /// HTTPS_PROXY=http://proxy.internal:3128   # not reachable from this network
    /// ```
    /// Use instead: a working proxy, or `NO_PROXY` listing the collector's host.
    pub struct Proxy => "network/proxy", Error, online;
}

impl Check for Proxy {}

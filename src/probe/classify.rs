//! Naming what went wrong on the network. Clients wrap the cause several layers deep
//! (`reqwest::Error` → `hyper_util` → `std::io::Error`, or `tonic::transport::Error` →
//! `hyper` → `rustls::Error`) and display only the outer layer ("error sending request",
//! "transport error"); the whole `source()` chain is read here, and the failure is named by the
//! most specific layer.

use std::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    Dns,
    Refused,
    Tls,
    Timeout,
    Proxy,
    /// The server accepted the connection and closed it, or anything else at the transport.
    Closed,
}

/// A transport failure: its kind and the most specific message of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    pub detail: String,
}

/// Names a failure from an error and its sources.
pub fn classify(error: &(dyn Error + 'static)) -> Failure {
    let chain: Vec<&(dyn Error + 'static)> =
        std::iter::successors(Some(error), |e| (*e).source()).collect();
    let texts: Vec<String> = chain.iter().map(|e| e.to_string()).collect();
    let all = texts.join(": ").to_ascii_lowercase();
    let innermost = innermost_message(&texts);
    let io_kind = chain
        .iter()
        .find_map(|e| e.downcast_ref::<std::io::Error>())
        .map(std::io::Error::kind);
    let timed_out = chain.iter().any(|e| {
        e.downcast_ref::<reqwest::Error>()
            .is_some_and(reqwest::Error::is_timeout)
    }) || io_kind == Some(std::io::ErrorKind::TimedOut)
        || all.contains("timed out")
        || all.contains("deadline has elapsed");
    let kind = if all.contains("proxy") || all.contains("tunnel") {
        FailureKind::Proxy
    } else if all.contains("dns error")
        || all.contains("failed to lookup address")
        || all.contains("name or service not known")
    {
        FailureKind::Dns
    } else if io_kind == Some(std::io::ErrorKind::ConnectionRefused)
        || all.contains("connection refused")
    {
        FailureKind::Refused
    } else if chain
        .iter()
        .any(|e| e.downcast_ref::<rustls::Error>().is_some())
        || all.contains("certificate")
        || all.contains("tls")
        || all.contains("invalidcontenttype")
    {
        FailureKind::Tls
    } else if timed_out {
        FailureKind::Timeout
    } else {
        FailureKind::Closed
    };
    Failure {
        kind,
        detail: innermost,
    }
}

/// The last message of the chain that says more than the ones around it, without repeating
/// what the outer layers already said.
fn innermost_message(texts: &[String]) -> String {
    texts
        .iter()
        .rev()
        .find(|t| !t.trim().is_empty())
        .cloned()
        .unwrap_or_else(|| "unknown error".to_string())
}

/// What to tell the user when a host name does not resolve from this machine. Names that only
/// a compose network resolves never get here (their canary is skipped); what is left is a
/// public or private name, so the cause is this machine's network, DNS or proxy, or a typo.
pub fn dns_advice(host: &str, proxy: Option<&str>) -> String {
    if matches!(
        host.to_ascii_lowercase().as_str(),
        "host.docker.internal" | "gateway.docker.internal"
    ) {
        return format!(
            "{host} exists only inside containers (Docker Desktop, or extra_hosts: {host}:host-gateway): from this machine the same server is localhost (otel-doctor canary --endpoint http://localhost:4318)"
        );
    }
    if !host.contains('.') && host.parse::<std::net::IpAddr>().is_err() {
        return format!(
            "{host} is a bare name, which only a compose network resolves: run otel-doctor from a container on that network, or publish the port and use --endpoint http://localhost:PORT"
        );
    }
    let network = match proxy {
        Some(proxy) => format!(
            "this machine cannot look it up, although a proxy is set ({proxy}): check that NO_PROXY does not list {host}, and that this machine has DNS"
        ),
        None => "this machine has no network or DNS, or reaches the internet only through a proxy: set HTTPS_PROXY=http://PROXY:PORT (and NO_PROXY for local hosts)".to_string(),
    };
    if crate::knowledge::honeycomb::region_of_host(host).is_some() {
        format!("{host} is Honeycomb's endpoint, so the name is right: {network}")
    } else {
        format!(
            "check the spelling of {host}; if it is right, {network}; a private name may need the VPN"
        )
    }
}

/// What to tell the user about a TLS failure, from rustls's reason.
pub fn tls_advice(detail: &str) -> &'static str {
    let lower = detail.to_ascii_lowercase();
    // rustls names them `UnknownIssuer` and `CaUsedAsEndEntity` (a self-signed certificate).
    if lower.contains("unknownissuer")
        || lower.contains("causedasendentity")
        || lower.contains("self-signed")
    {
        "the certificate is signed by an authority this machine does not trust (self-signed, or a corporate proxy's CA): give the SDK the CA (OTEL_EXPORTER_OTLP_CERTIFICATE or SSL_CERT_FILE), or use the public endpoint"
    } else if lower.contains("invalidcontenttype")
        || lower.contains("corrupt message")
        || lower.contains("wrong version")
    {
        "the server answers plain HTTP on this port: use http:// (or the TLS port)"
    } else if lower.contains("notvalidforname") || lower.contains("not valid for name") {
        "the certificate is for another host name: use the name the certificate was issued for"
    } else {
        "check the endpoint's scheme (https:// needs a TLS port) and its certificate"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Wrapped(&'static str, Option<std::io::Error>);
    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }
    impl Error for Wrapped {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            self.1.as_ref().map(|e| e as &(dyn Error + 'static))
        }
    }

    #[test]
    fn dns_advice_fits_the_host() {
        let honeycomb = dns_advice("api.honeycomb.io", None);
        assert!(honeycomb.starts_with("api.honeycomb.io is Honeycomb's endpoint, so the name is right: this machine has no network or DNS"), "{honeycomb}");
        assert!(honeycomb.contains("HTTPS_PROXY"), "{honeycomb}");
        assert!(!honeycomb.contains("compose"), "{honeycomb}");
        let behind_proxy = dns_advice("api.eu1.honeycomb.io", Some("http://proxy.corp:3128"));
        assert!(behind_proxy.contains("NO_PROXY"), "{behind_proxy}");
        let other = dns_advice("collector.example.invalid", None);
        assert!(other.starts_with("check the spelling of collector.example.invalid; if it is right, this machine has no network or DNS"), "{other}");
        assert!(dns_advice("otel-collector", None).contains("only a compose network resolves"));
        assert!(dns_advice("host.docker.internal", None).contains("localhost"));
    }

    #[test]
    fn reads_the_whole_chain() {
        let refused = Wrapped(
            "error sending request",
            Some(std::io::Error::from(std::io::ErrorKind::ConnectionRefused)),
        );
        assert_eq!(classify(&refused).kind, FailureKind::Refused);
        let dns = Wrapped(
            "error sending request",
            Some(std::io::Error::other(
                "dns error: failed to lookup address information",
            )),
        );
        assert_eq!(classify(&dns).kind, FailureKind::Dns);
        assert_eq!(
            classify(&dns).detail,
            "dns error: failed to lookup address information"
        );
        let tls = Wrapped(
            "error sending request",
            Some(std::io::Error::other(
                "invalid peer certificate: UnknownIssuer",
            )),
        );
        assert_eq!(classify(&tls).kind, FailureKind::Tls);
        assert!(tls_advice(&classify(&tls).detail).starts_with("the certificate is signed"));
        let closed = Wrapped(
            "error sending request",
            Some(std::io::Error::from(std::io::ErrorKind::ConnectionReset)),
        );
        assert_eq!(classify(&closed).kind, FailureKind::Closed);
    }
}

use crate::resolve::collector::{ListenerMatch, ListenerProtocol, match_listener};
use crate::resolve::{EndpointForm, EndpointSource, Project};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that a service speaks TLS to a collector's OTLP receiver only when the receiver
    /// has a `tls:` block, and plaintext only when it has none.
    ///
    /// TLS comes from the endpoint's scheme (`https://`), or, where the SDK decides it apart
    /// from the endpoint, from that setting: Go's exporters use TLS unless
    /// `WithInsecure()` (or `OTEL_EXPORTER_OTLP_INSECURE=true`, or an `http://` endpoint
    /// variable) says otherwise, and Honeycomb's `otel-config-go` drops an `http://` scheme
    /// and still uses TLS unless `OTEL_EXPORTER_OTLP_INSECURE=true`.
    ///
    /// ## Why is this bad?
    /// A collector receiver without `tls:` speaks plaintext: a TLS client fails every export
    /// in the handshake (`tls: first record does not look like a TLS handshake`, or
    /// `http: server gave HTTP response to HTTPS client`), and the reverse fails as well.
    ///
    /// ## Example
    /// ```go
    /// otlptracegrpc.New(ctx, otlptracegrpc.WithEndpoint("otel-collector:4317"))
    /// ```
    /// Use instead:
    /// ```go
    /// otlptracegrpc.New(ctx, otlptracegrpc.WithEndpoint("otel-collector:4317"), otlptracegrpc.WithInsecure())
    /// ```
    pub struct EndpointTlsMismatch => "config/endpoint-tls-mismatch", Error;
}

impl Check for EndpointTlsMismatch {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project.services.iter().filter(|s| s.reads_otel_env()) {
            let plan = service.export_plan();
            let (Some(url), Some((value, name)), Some(location)) = (
                plan.parsed_url(),
                plan.endpoint_text(),
                plan.endpoint_location(),
            ) else {
                continue;
            };
            if matches!(plan.endpoint, EndpointSource::Default) || service.network.is_host() {
                continue;
            }
            let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
                continue;
            };
            let Some(collector) = project.collector(host).filter(|c| c.model().is_some()) else {
                continue;
            };
            let listeners = collector.listeners();
            let ListenerMatch::Found(listener) =
                match_listener(listeners, port, ListenerProtocol::of(plan.protocol))
            else {
                continue;
            };
            let secure = url.scheme() == "https";
            if secure == listener.tls {
                continue;
            }
            let target = plan.target();
            let decided_by = match target {
                Some(target) => target.tls.decided_by.clone(),
                None => format!("the {} scheme of {name}", url.scheme()),
            };
            let (sends, takes, failure) = if secure {
                (
                    "with TLS",
                    "plaintext (it has no tls: block)",
                    "every export fails in the TLS handshake",
                )
            } else {
                (
                    "in plaintext",
                    "TLS only (it has a tls: block)",
                    "the receiver refuses every export",
                )
            };
            let tls_block = "(or give the receiver a tls: block with a certificate)";
            let hint = match (secure, target) {
                (true, Some(target)) => {
                    let decided_by = &target.tls.decided_by;
                    match (&target.tls.location, decided_by.split_once('=')) {
                        (Some(_), _) if decided_by.starts_with("the scheme of") => {
                            format!("use http:// in {} {tls_block}", target.host_option)
                        }
                        (Some(_), Some((variable, _))) => {
                            format!("set {variable}=true {tls_block}")
                        }
                        (Some(_), None) => format!("drop {decided_by} {tls_block}"),
                        (None, _) if target.form == EndpointForm::HostPort => {
                            let package = target.host_option.split('.').next().unwrap_or_default();
                            format!(
                                "add {package}.WithInsecure() to the exporter's options {tls_block}"
                            )
                        }
                        (None, _) => format!(
                            "set OTEL_EXPORTER_OTLP_INSECURE=true in the service's environment {tls_block}"
                        ),
                    }
                }
                (true, None) => format!("use http:// in {name}"),
                (false, _) => format!(
                    "use https:// in {name}, with the collector's certificate trusted (OTEL_EXPORTER_OTLP_CERTIFICATE)"
                ),
            };
            out.service(
                &Self::META,
                service,
                location,
                format!(
                    "{name} is \"{value}\": the exporter sends {sends} ({decided_by}), but receiver {} of `{}` on {port} takes {takes}, {}: {failure}.",
                    listener.receiver, collector.service, listener.protocol_location
                ),
                hint,
            );
        }
    }
}

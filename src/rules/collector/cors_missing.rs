use crate::knowledge::collector::Kind;
use crate::knowledge::otel;
use crate::resolve::collector::{Collector, ListenerProtocol};
use crate::resolve::{BrowserTracing, Project, Workload};
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::collector::ConfigNode;

declare_rule! {
    /// ## What it does
    /// Checks that a collector receiving spans from browsers (a frontend's web tracer that
    /// exports to a port the collector publishes on this machine) allows the frontend's origin
    /// in its OTLP HTTP receiver's `cors` settings.
    ///
    /// ## Why is this bad?
    /// A browser posts OTLP from the page's origin (`http://localhost:3000`) to another one
    /// (`http://localhost:4318`). Without `cors.allowed_origins` for that origin the receiver
    /// answers the preflight without CORS headers, the browser blocks every export, and no
    /// browser span arrives; the backend's spans do, which hides the problem.
    ///
    /// ## Example
    /// ```yaml
    /// receivers:
    ///   otlp:
    ///     protocols:
    ///       http:
    ///         endpoint: 0.0.0.0:4318
    /// ```
    /// Use instead:
    /// ```yaml
    ///       http:
    ///         endpoint: 0.0.0.0:4318
    ///         cors:
    ///           allowed_origins: ["http://localhost:3000"]
    /// ```
    pub struct CorsMissing => "collector/cors-missing", Error;
}

impl Check for CorsMissing {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let Some(browser) = service.node.as_ref().and_then(|n| n.browser.as_ref()) else {
                continue;
            };
            check_browser(project, service, browser, out);
        }
    }
}

fn check_browser(
    project: &Project,
    service: &Workload,
    browser: &BrowserTracing,
    out: &mut Findings,
) {
    let Some(url) = browser
        .exporter
        .as_ref()
        .and_then(|e| e.text())
        .and_then(|u| url::Url::parse(u.trim()).ok())
    else {
        return;
    };
    // A browser reaches a collector through a port it publishes on this machine.
    let Some(host_port) = url
        .host_str()
        .filter(|h| otel::is_loopback_host(h))
        .and_then(|_| url.port_or_known_default())
    else {
        return;
    };
    for collector in &project.collectors {
        let Some(container_port) = collector.published_target(host_port) else {
            continue;
        };
        let Some((http, listener_at)) = http_receiver(collector, container_port) else {
            continue;
        };
        let allowed = allowed_origins(http);
        let frontend = format!("`{}`", service.name);
        let origin = browser
            .origins
            .first()
            .cloned()
            .unwrap_or_else(|| "http://localhost:3000".to_string());
        let (location, problem, hint) = match &allowed {
            None => (
                listener_at,
                "it allows no cross-origin request (no `cors:`)".to_string(),
                format!(
                    "allow the frontend's origin under the receiver's http protocol:\n  cors:\n    allowed_origins: [\"{origin}\"]"
                ),
            ),
            Some((origins, at)) => {
                let unknown = origins.iter().any(|o| o.contains("${"));
                let fits = |origin: &String| {
                    origins
                        .iter()
                        .any(|allowed| allowed == "*" || origin_matches(allowed, origin))
                };
                if unknown || browser.origins.is_empty() || browser.origins.iter().any(fits) {
                    continue;
                }
                (
                    *at,
                    format!(
                        "its `cors.allowed_origins` ({}) leaves out {}",
                        origins.join(", "),
                        browser.origins.join(", ")
                    ),
                    format!("add \"{origin}\" to `cors.allowed_origins`"),
                )
            }
        };
        out.service(
            &CorsMissing::META,
            service,
            location,
            format!(
                "the browser code of {frontend} ({}) exports to {url}, which reaches `{}`'s OTLP HTTP receiver, but {problem}: browsers block every export after the preflight, and no browser span arrives.",
                browser.location, collector.service
            ),
            hint,
        );
    }
}

/// The `http:` protocol of the OTLP receiver listening on a container port, and where it is.
fn http_receiver(
    collector: &Collector,
    container_port: u16,
) -> Option<(&ConfigNode, &crate::source::Location)> {
    let listener = collector
        .listeners()
        .iter()
        .find(|l| l.protocol == ListenerProtocol::Http && l.port == Some(container_port))?;
    let receiver = collector
        .model()?
        .component(Kind::Receiver, &listener.receiver)?;
    let http = receiver.body.get("protocols")?.get("http")?;
    Some((http, &listener.protocol_location))
}

/// `cors.allowed_origins`, and where the list is; `None` when there is none. The collector
/// also takes one string, split at commas (`allowed_origins: "http://localhost:8080"`).
fn allowed_origins(http: &ConfigNode) -> Option<(Vec<String>, &crate::source::Location)> {
    let list = http.get("cors")?.get("allowed_origins")?;
    let origins: Vec<String> = list
        .scalars()
        .into_iter()
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|origin| !origin.is_empty())
        .map(String::from)
        .collect();
    (!origins.is_empty()).then_some((origins, &list.location))
}

/// The collector's CORS patterns: `*` stands for any run of characters
/// (`https://*.example.com`).
fn origin_matches(pattern: &str, origin: &str) -> bool {
    let pattern = pattern.trim_end_matches('/');
    let origin = origin.trim_end_matches('/');
    match pattern.split_once('*') {
        None => pattern.eq_ignore_ascii_case(origin),
        Some((prefix, suffix)) => {
            origin.len() >= prefix.len() + suffix.len()
                && origin.starts_with(prefix)
                && origin.ends_with(suffix)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_and_patterns() {
        assert!(origin_matches(
            "http://localhost:3000",
            "http://localhost:3000"
        ));
        assert!(origin_matches(
            "http://localhost:*",
            "http://localhost:5173"
        ));
        assert!(origin_matches(
            "https://*.example.com",
            "https://app.example.com"
        ));
        assert!(!origin_matches(
            "http://localhost:3000",
            "http://localhost:5173"
        ));
    }
}

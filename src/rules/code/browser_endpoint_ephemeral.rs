use crate::finding::Severity;
use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that the browser's exporter (a `WebTracerProvider`'s `OTLPTraceExporter`, or
    /// Honeycomb's web SDK) does not send to a host that exists only while one development
    /// environment runs: a Gitpod workspace URL, a Codespace's `*.app.github.dev`, a tunnel.
    /// A URL assembled from the variables the platform sets in each workspace (Gitpod's
    /// `${GITPOD_WORKSPACE_ID}` and `${GITPOD_WORKSPACE_CLUSTER_HOST}`, a Codespace's
    /// `${CODESPACE_NAME}`) is rebuilt in every workspace: that is not one workspace's host.
    ///
    /// ## Why is this bad?
    /// The URL works for its author, in that workspace, today. Every other developer, the next
    /// workspace and every deployed build send the browser's spans to a host that no longer
    /// answers, and nothing in the page says so.
    ///
    /// ## Example
    /// ```js
    /// new OTLPTraceExporter({ url: 'https://4318-abc123-workspace.ws-us110.gitpod.io/v1/traces' })
    /// ```
    /// Use instead: read the URL from a variable the bundler exposes, set per environment:
    /// ```js
    /// new OTLPTraceExporter({ url: process.env.REACT_APP_OTEL_EXPORTER_OTLP_ENDPOINT })
    /// ```
    pub struct BrowserEndpointEphemeral => "code/browser-endpoint-ephemeral", Error;
}

impl Check for BrowserEndpointEphemeral {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let Some(browser) = service.node.as_ref().and_then(|n| n.browser.as_ref()) else {
                continue;
            };
            let (Some(ephemeral), Some(exporter)) = (&browser.ephemeral, &browser.exporter) else {
                continue;
            };
            let setting = service.code_setting(exporter, "url");
            let written = if setting.env.is_some() {
                format!("{} (read by {})", setting.name, exporter.location)
            } else {
                "the browser exporter's url".to_string()
            };
            let finding = out.service(
                &Self::META,
                service,
                setting.location,
                format!(
                    "{written} sends the browser's spans to {}, a host of {}: it answers only while that environment runs, so other developers, new workspaces and deployed builds send spans nowhere.",
                    ephemeral.host, ephemeral.what
                ),
                "read the URL from a variable the bundler exposes (REACT_APP_*, VITE_*), set per environment; for local development, a collector published on localhost:4318".to_string(),
            );
            // It does work here and now: in this very workspace.
            if ephemeral.current {
                finding.severity = Severity::Warning;
            }
        }
    }
}

use crate::knowledge::languages;
use crate::resolve::{Project, Workload};
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::Language;

declare_rule! {
    /// ## What it does
    /// Notes `OTEL_*` variables set on a container that only serves files (nginx, Apache
    /// httpd): a built frontend bundle, static pages; or that runs the development server of
    /// a browser app (`react-scripts start`, `vite`), whose code runs in the browser. nginx configurations made from
    /// templates (`/etc/nginx/templates`, the `-otel` images) may use them: not reported.
    ///
    /// ## Why is this bad?
    /// Nothing in such a container reads them: nginx's own OpenTelemetry module is configured
    /// in `nginx.conf`, and the browser code of the bundle got its exporter settings when it
    /// was built. The variables look like tracing is set up where it is not.
    ///
    /// ## Example
    /// ```yaml
    /// frontend:
    ///   image: nginx:1.27
    ///   environment:
    ///     OTEL_EXPORTER_OTLP_ENDPOINT: http://collector:4318
    /// ```
    /// Use instead: set the browser exporter's URL at build time (`VITE_*`/`REACT_APP_*` build
    /// arguments), and configure the server's own tracing in its config file.
    pub struct OtelOnStaticSite => "config/otel-on-static-site", Info;
}

impl Check for OtelOnStaticSite {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let Some(server) = FileServer::of(service) else {
                continue;
            };
            let Some(first) = service.env.iter().find(|v| v.name.starts_with("OTEL_")) else {
                continue;
            };
            let (runs, browser, hint) = match &server {
                FileServer::Web(image) => (
                    format!("{image}, which serves files and reads no OTEL_* variable"),
                    "A frontend bundle it serves got its exporter settings when it was built.",
                    "remove them from this service; set the browser exporter's URL at build time (a VITE_*/REACT_APP_* build argument), and configure the server's own tracing in its config file (nginx: the otel module in nginx.conf)",
                ),
                FileServer::Bundle(program) => (
                    format!(
                        "`{program}`, a development server of browser code that reads no OTEL_* variable"
                    ),
                    "The app's code runs in the browser, which sees only the variables the bundler exposes (REACT_APP_*, VITE_*).",
                    "remove them from this service; to trace the frontend, set up a web tracer (@honeycombio/opentelemetry-web or @opentelemetry/sdk-trace-web) and give it its exporter URL through a REACT_APP_*/VITE_* variable",
                ),
            };
            out.service(
                &Self::META,
                service,
                &first.location,
                format!(
                    "`{}` runs {runs}: {} and the others do nothing here. {browser}",
                    service.name, first.name
                ),
                hint.to_string(),
            );
        }
    }
}

/// What a container that serves files runs.
enum FileServer {
    /// A web server image (nginx).
    Web(String),
    /// A Node.js development server whose app runs in the browser (`react-scripts start`).
    Bundle(String),
}

impl FileServer {
    fn of(service: &Workload) -> Option<Self> {
        if let Some(program) = service.bundle_server() {
            return Some(Self::Bundle(program.text.clone()));
        }
        if service.language != Some(Language::Proxy) {
            return None;
        }
        let base = service
            .image_contents
            .as_ref()
            .map(|i| i.base_image.as_str())
            .or(service.image.as_deref())
            .unwrap_or_default();
        // nginx's images fill `/etc/nginx/templates/*.template` with the environment
        // (`envsubst`), and their `-otel` variants configure the OpenTelemetry module so.
        let templated = base.contains("otel")
            || service
                .image_contents
                .as_ref()
                .is_some_and(|i| i.copies_into("/etc/nginx/templates"));
        (languages::serves_files_only(base) && !templated).then(|| Self::Web(base.to_string()))
    }
}

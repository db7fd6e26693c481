use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};
use crate::workspace::javascript::EnvSyntax;

declare_rule! {
    /// ## What it does
    /// Checks that browser tracing code reads its exporter settings from variables its
    /// bundler puts in the bundle: `REACT_APP_*` with Create React App, `import.meta.env.VITE_*`
    /// with Vite, `NEXT_PUBLIC_*` with Next.js.
    ///
    /// ## Why is this bad?
    /// Bundlers replace only those variables at build time; any other `process.env.X` or
    /// `import.meta.env.X` is `undefined` in the browser (Vite does not define `process.env`
    /// at all). The exporter then sends to its default, `http://localhost:4318/v1/traces` on
    /// each visitor's machine, and the browser's spans are lost.
    ///
    /// ## Example
    /// ```js
    /// new OTLPTraceExporter({ url: import.meta.env.OTEL_EXPORTER_OTLP_ENDPOINT })
    /// ```
    /// Use instead:
    /// ```js
    /// new OTLPTraceExporter({ url: import.meta.env.VITE_OTEL_EXPORTER_OTLP_ENDPOINT })
    /// ```
    pub struct BrowserEnvNotExposed => "code/browser-env-not-exposed", Error;
}

impl Check for BrowserEnvNotExposed {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let Some(browser) = service.node.as_ref().and_then(|n| n.browser.as_ref()) else {
                continue;
            };
            let Some(bundler) = browser.bundler else {
                continue;
            };
            for read in &browser.unexposed {
                let written = match read.syntax {
                    EnvSyntax::ProcessEnv => format!("process.env.{}", read.name),
                    EnvSyntax::ImportMetaEnv => format!("import.meta.env.{}", read.name),
                };
                let renamed = format!(
                    "{}{}",
                    bundler.prefix,
                    read.name.strip_prefix(bundler.prefix).unwrap_or(&read.name)
                );
                let (why, fixed) = if read.syntax != bundler.syntax {
                    let syntax = match bundler.syntax {
                        EnvSyntax::ProcessEnv => "process.env",
                        EnvSyntax::ImportMetaEnv => "import.meta.env",
                    };
                    (
                        format!("{} reads variables through {syntax} only", bundler.package),
                        format!("{syntax}.{renamed}"),
                    )
                } else {
                    (
                        format!(
                            "{} puts only variables starting with {} in the browser bundle",
                            bundler.package, bundler.prefix
                        ),
                        format!(
                            "{}.{renamed}",
                            if read.syntax == EnvSyntax::ProcessEnv {
                                "process.env"
                            } else {
                                "import.meta.env"
                            }
                        ),
                    )
                };
                let consequence = if read.option == "url" {
                    "the exporter sends to http://localhost:4318/v1/traces on each visitor's machine"
                } else {
                    "the browser sends no key, and Honeycomb answers 401"
                };
                out.service(
                    &Self::META,
                    service,
                    &read.location,
                    format!(
                        "the browser exporter's {} comes from {written}, but {why}: in the browser it is undefined, so {consequence}.",
                        read.option
                    ),
                    format!("read {fixed} instead, and set {renamed} where the frontend is built"),
                );
            }
        }
    }
}

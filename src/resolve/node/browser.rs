//! Tracing that runs in the visitor's browser: a web tracer (`WebTracerProvider` from
//! `@opentelemetry/sdk-trace-web`, Honeycomb's `HoneycombWebSDK`) in the frontend's code.
//! Browsers send those spans, not the container: what matters is the exporter URL the bundle
//! holds, whether the bundler exposes the variables that code reads (others are `undefined`
//! in the browser), and where a key in it ends up.
//!
//! A browser sending to a collector needs CORS on the collector's HTTP receiver for the
//! frontend's origin: `collector/cors-missing` checks `BrowserTracing::exporter` against the
//! receiver's `cors.allowed_origins`.

use std::sync::Arc;

use super::code::{Evaluator, Scope};
use crate::knowledge::node::{self, BUNDLER_BUILTINS, BUNDLERS, Symbol};
use crate::resolve::CodeSetting;
use crate::resolve::environment::EnvVar;
use crate::source::Location;
use crate::workspace::Parsed;
use crate::workspace::javascript::{Arg, EnvSyntax, JsSource, JsValue};
use crate::workspace::npm::PackageJson;

/// The bundler that builds the frontend, and the variables it exposes to browser code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bundler {
    pub package: &'static str,
    pub prefix: &'static str,
    pub syntax: EnvSyntax,
}

/// A variable browser code reads for the exporter that the bundler leaves `undefined`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unexposed {
    pub name: String,
    pub syntax: EnvSyntax,
    /// The value that reads it.
    pub location: Location,
    /// `url`, `headers`, `apiKey`.
    pub option: String,
}

/// An exporter URL on a host that lives only as long as one development environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ephemeral {
    pub host: String,
    /// `a Gitpod workspace`, `a GitHub Codespace`, ...
    pub what: &'static str,
    /// The host is the environment this run is in (its workspace id is in the host).
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserTracing {
    pub file: Arc<str>,
    /// Where the web tracer is set up.
    pub location: Location,
    /// The exporter's URL, as written and evaluated (the service's environment stands in for
    /// the build's, which is what a development server uses).
    pub exporter: Option<CodeSetting>,
    /// The Honeycomb key browser code sends (`x-honeycomb-team`, `apiKey`).
    pub key: Option<CodeSetting>,
    pub bundler: Option<Bundler>,
    pub unexposed: Vec<Unexposed>,
    pub ephemeral: Option<Ephemeral>,
    /// The exporter's URL is assembled from the variables a development platform sets per
    /// workspace: rebuilt in every workspace, so its host is not one workspace's.
    pub platform_built: bool,
    /// Where browsers load the frontend from, when the service publishes it
    /// (`http://localhost:3000`): the origin a collector's CORS must allow.
    pub origins: Vec<String>,
}

/// Whether a file runs in the browser: it imports the web SDK.
pub fn is_browser_code(source: &JsSource) -> bool {
    source.imports.iter().any(|import| {
        let package = node::package_of_specifier(&import.specifier).unwrap_or_default();
        package == node::SDK_TRACE_WEB
            || package == node::HONEYCOMB_WEB
            || package == "@opentelemetry/auto-instrumentations-web"
    })
}

/// `dev_environment` holds the ids of the development environment this run is in
/// (`GITPOD_WORKSPACE_ID`, `CODESPACE_NAME`).
pub fn resolve(
    files: &[&Parsed<JsSource>],
    package: Option<&Parsed<PackageJson>>,
    env: &[EnvVar],
    dev_environment: &[String],
) -> Option<BrowserTracing> {
    let bundler = package.and_then(|p| {
        BUNDLERS.iter().find_map(|(name, prefix, syntax)| {
            p.content
                .all_dependencies()
                .any(|d| d.name == *name)
                .then_some(Bundler {
                    package: name,
                    prefix,
                    syntax: *syntax,
                })
        })
    });
    // Vite reads another prefix when its config sets `envPrefix`: then the prefix is unknown.
    let custom_prefix = files.iter().any(|f| {
        f.path
            .rsplit('/')
            .next()
            .is_some_and(|n| n.starts_with("vite.config."))
            && f.content
                .calls
                .iter()
                .any(|c| c.args.iter().any(|a| a.value.entry("envPrefix").is_some()))
    });
    let bundler = bundler.filter(|b| !(custom_prefix && b.package == "vite"));
    let evaluator = Evaluator { env };
    let mut tracing: Option<BrowserTracing> = None;
    for file in files.iter().filter(|f| is_browser_code(&f.content)) {
        let scope = Scope::new(file);
        for call in file.content.calls.iter().filter(|c| c.new) {
            let Some((package, name, _)) = scope.qualify(&call.callee) else {
                continue;
            };
            let symbol = node::symbol(package, &name);
            let options = call.args.first().map(|a| scope_value(&scope, a));
            let option = |name: &str| options.and_then(|o| o.entry(name));
            let found = tracing.get_or_insert_with(|| BrowserTracing {
                file: Arc::clone(&file.path),
                location: Location::new(&file.path, call.line, call.column),
                exporter: None,
                key: None,
                bundler,
                unexposed: Vec::new(),
                ephemeral: None,
                platform_built: false,
                origins: Vec::new(),
            });
            let (url, key) = match symbol {
                Some(Symbol::OtlpExporter) => (
                    option("url"),
                    option("headers").and_then(|h| {
                        scope_value(&scope, h).entry(crate::knowledge::honeycomb::TEAM_HEADER)
                    }),
                ),
                Some(Symbol::HoneycombWebSdk) => (option("endpoint"), option("apiKey")),
                Some(Symbol::WebTracerProvider) => (None, None),
                _ => continue,
            };
            for (option_name, arg) in [("url", url), ("headers", key)] {
                let Some(arg) = arg else { continue };
                for (name, syntax) in env_reads(&scope, &arg.value) {
                    if !is_exposed(bundler, &name, syntax) {
                        found.unexposed.push(Unexposed {
                            name,
                            syntax,
                            location: Location::new(&file.path, arg.line, arg.column),
                            option: option_name.to_string(),
                        });
                    }
                }
            }
            if let Some(url) = url {
                if found.exporter.is_none() {
                    found.platform_built = built_from_platform(&env_reads(&scope, &url.value), env);
                }
                found
                    .exporter
                    .get_or_insert_with(|| evaluator.setting(&scope, url));
            }
            if let Some(key) = key {
                found
                    .key
                    .get_or_insert_with(|| evaluator.setting(&scope, key));
            }
        }
    }
    if let Some(tracing) = tracing.as_mut().filter(|t| !t.platform_built) {
        tracing.ephemeral = tracing
            .exporter
            .as_ref()
            .and_then(|e| e.text())
            .and_then(|url| url::Url::parse(url.trim()).ok())
            .and_then(|url| {
                let host = url.host_str()?.to_string();
                let what = node::ephemeral_host(&host)?;
                let current = dev_environment
                    .iter()
                    .any(|id| !id.is_empty() && host.contains(id.as_str()));
                Some(Ephemeral {
                    host,
                    what,
                    current,
                })
            });
    }
    tracing
}

fn scope_value<'a>(scope: &'a Scope<'a>, arg: &'a Arg) -> &'a JsValue {
    scope.value_of(&arg.value)
}

/// The variables a value reads, through the file's declarations.
fn env_reads(scope: &Scope, value: &JsValue) -> Vec<(String, EnvSyntax)> {
    fn walk(scope: &Scope, value: &JsValue, out: &mut Vec<(String, EnvSyntax)>, depth: usize) {
        const MAX_DEPTH: usize = 16;
        if depth > MAX_DEPTH {
            return;
        }
        match scope.value_of(value) {
            JsValue::Env(name, syntax) => out.push((name.clone(), *syntax)),
            JsValue::Or(parts) | JsValue::Concat(parts) | JsValue::Template(parts) => {
                for part in parts {
                    walk(scope, part, out, depth + 1);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(scope, value, &mut out, 0);
    out
}

/// Whether a value reads a platform's per-workspace variables, itself or through a variable
/// compose assembled from them (`REACT_APP_OTEL_URL: https://4318-${GITPOD_WORKSPACE_ID}...`).
fn built_from_platform(reads: &[(String, EnvSyntax)], env: &[EnvVar]) -> bool {
    let platform = |name: &str| node::PLATFORM_HOST_VARIABLES.contains(&name);
    reads.iter().any(|(name, _)| {
        platform(name)
            || env
                .iter()
                .find(|v| v.name == *name)
                .is_some_and(|v| v.uses.iter().any(|used| platform(&used.name)))
    })
}

/// Whether the bundler puts a variable in the browser bundle. Vite never defines
/// `process.env` for browser code; the others expose only their prefix (and `NODE_ENV`).
fn is_exposed(bundler: Option<Bundler>, name: &str, syntax: EnvSyntax) -> bool {
    let Some(bundler) = bundler else {
        return true;
    };
    BUNDLER_BUILTINS.contains(&name)
        || (syntax == bundler.syntax && name.starts_with(bundler.prefix))
}

use crate::knowledge::node::package_of_specifier;
use crate::resolve::{NodeFacts, Project, Workload};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that a Node.js file that sets up the SDK (`tracing.js` with
    /// `new NodeSDK(...).start()`) is loaded by the service: preloaded with `--require`/
    /// `--import` (in the command or `NODE_OPTIONS`), imported by the app, or run as its entry.
    ///
    /// ## Why is this bad?
    /// Writing `tracing.js` is half of the setup; the other half is loading it before the app.
    /// When the `CMD` (or `npm start`) runs `node index.js` and nothing requires
    /// `./tracing.js`, the SDK never starts and no span is created, without any error.
    ///
    /// In Go, the same for the function that sets up the provider (`initTracer`): `main`
    /// (or an `init`) must call it, directly or through the functions it calls. In Ruby, for
    /// the file that calls `OpenTelemetry::SDK.configure`: the script `ruby` runs, the
    /// rackup file, or (Rails) a boot file or initializer must require it.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["node", "index.js"]
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// CMD ["node", "--require", "./tracing.js", "index.js"]
    /// ```
    pub struct TracingNotLoaded => "code/tracing-not-loaded", Error;
}

impl Check for TracingNotLoaded {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            if let Some(unreached) = &service.code.setup_unreached {
                let (message, hint) = match &unreached.function {
                    Some(function) => (
                        format!(
                            "{function}() sets up the SDK here, but nothing the program runs calls it: main ({}) never reaches it, so the SDK never starts and no span is exported.",
                            unreached.entry
                        ),
                        format!(
                            "call it first thing in main: tp, err := {function}(ctx) (and defer its shutdown)"
                        ),
                    ),
                    None => (
                        format!(
                            "{} configures the SDK here, but the app never loads it: {} (where it starts) does not require it, nor does any file it requires, so the SDK never starts.",
                            unreached.setup.file, unreached.entry.file
                        ),
                        format!(
                            "require it at the top of {}: require_relative '{}' (or move it to config/initializers/ in a Rails app)",
                            unreached.entry.file,
                            relative_require(&unreached.entry.file, &unreached.setup.file)
                        ),
                    ),
                };
                out.service(&Self::META, service, &unreached.setup, message, hint);
            }
            let Some(node) = &service.node else { continue };
            check_service(service, node, out);
        }
    }
}

fn check_service(service: &Workload, node: &NodeFacts, out: &mut Findings) {
    // Only when the script the container runs is a file of the app, every file it preloads
    // is known, and nothing else sets the SDK up.
    let Some((entry, Some(entry_file))) = &node.entry else {
        return;
    };
    let preloads_unknown_files = node
        .preloads
        .iter()
        .any(|p| p.file.is_none() && package_of_specifier(&p.specifier).is_none());
    if node.loads_a_setup() || node.auto_instrumentation().is_some() || preloads_unknown_files {
        return;
    }
    let Some(setup) = node
        .setups
        .iter()
        .find(|s| !s.file.browser && s.loaded_by.is_none())
    else {
        return;
    };
    let file = &setup.file.path;
    let relative = match (node.package_json.as_deref(), file.rsplit_once('/')) {
        (Some(package), _) => {
            let folder = package.rsplit_once('/').map_or("", |(dir, _)| dir);
            file.strip_prefix(folder).map_or(file.to_string(), |rest| {
                rest.trim_start_matches('/').to_string()
            })
        }
        (None, Some((_, name))) => name.to_string(),
        (None, None) => file.to_string(),
    };
    let command = service
        .command
        .as_ref()
        .map(|c| {
            c.runs
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let entry_name = entry_file;
    out.service(
        &TracingNotLoaded::META,
        service,
        &setup.file.location,
        format!(
            "{file} starts the SDK here, but nothing loads it: the container runs `{command}`, which neither preloads it (--require) nor imports it from {entry_name}. The SDK never starts and no span is created."
        ),
        format!(
            "preload it before the app: node --require ./{relative} {} (in the CMD or the start script), or NODE_OPTIONS=\"--require ./{relative}\"",
            entry.text
        ),
    );
}

/// The `require_relative` path from one file to another, without `.rb`.
fn relative_require(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect::<Vec<_>>();
    let from_dir = &from_dir[..from_dir.len().saturating_sub(1)];
    let to_parts: Vec<&str> = to.split('/').collect();
    let shared = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - shared];
    parts.extend(&to_parts[shared..]);
    let joined = parts.join("/");
    joined.trim_end_matches(".rb").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_requires() {
        assert_eq!(
            relative_require("app/app.rb", "app/lib/otel.rb"),
            "lib/otel"
        );
        assert_eq!(relative_require("app/config.ru", "app/otel.rb"), "otel");
        assert_eq!(
            relative_require("app/config/boot.rb", "app/lib/otel.rb"),
            "../lib/otel"
        );
    }
}

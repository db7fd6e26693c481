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
    /// (or an `init`) must call it, directly or through the functions it calls.
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
                out.service(
                    &Self::META,
                    service,
                    &unreached.setup,
                    format!(
                        "{}() sets up the SDK here, but nothing the program runs calls it: main ({}) never reaches it, so the SDK never starts and no span is exported.",
                        unreached.function, unreached.entry
                    ),
                    format!(
                        "call it first thing in main: tp, err := {}(ctx) (and defer its shutdown)",
                        unreached.function
                    ),
                );
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

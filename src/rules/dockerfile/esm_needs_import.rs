use crate::finding::{Edit, Remedy};
use crate::resolve::{LoadedBy, NodeFacts, PreloadFlag, Project, Workload};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that a Node.js app made of ES modules (`"type": "module"` in `package.json`, or
    /// an `.mjs` entry) loads its instrumentation with `--import` (or a loader hook), not with
    /// `--require` or a plain `import` in the app's code.
    ///
    /// ## Why is this bad?
    /// `--require` and an in-code import install only CommonJS hooks (`require-in-the-middle`).
    /// ES modules are patched only through a module loader hook, which `--import
    /// @opentelemetry/auto-instrumentations-node/register` registers. The SDK starts and
    /// exports, so spans arrive, but Express's, HTTP's or pg's are missing.
    ///
    /// ## Example
    /// ```yaml
    /// NODE_OPTIONS: --require @opentelemetry/auto-instrumentations-node/register
    /// ```
    /// Use instead (Node.js 18.19+ or 20.6+):
    /// ```yaml
    /// NODE_OPTIONS: --import @opentelemetry/auto-instrumentations-node/register
    /// ```
    ///
    /// ## Fix
    /// `otel-doctor fix` applies it for the auto-instrumentation's `register` module: `--require`
    /// (or `-r`) becomes `--import` where it is written. Not fixed automatically for a file of
    /// the app, which must also register the ES module hook.
    pub struct EsmNeedsImport => "dockerfile/esm-needs-import", Warning;
}

impl Check for EsmNeedsImport {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let Some(node) = &service.node else { continue };
            if node.esm.is_some() {
                check_service(service, node, out);
            }
        }
    }
}

fn check_service(service: &Workload, node: &NodeFacts, out: &mut Findings) {
    let Some(esm) = &node.esm else { return };
    let hooked = node.registers_loader_hook
        || node
            .preloads
            .iter()
            .any(|p| matches!(p.flag, PreloadFlag::Import | PreloadFlag::Loader));
    if hooked {
        return;
    }
    let module_kind = format!("the app is made of ES modules ({esm})");
    // A `--require` of the auto-instrumentation or of a file that sets up the SDK.
    let required = node.preloads.iter().find(|p| {
        p.flag == PreloadFlag::Require
            && (p.registers_auto_instrumentation()
                || node
                    .setups
                    .iter()
                    .any(|s| p.file.as_ref() == Some(&s.file.path) && s.patches))
    });
    if let Some(preload) = required {
        let fixed = preload.describe().replacen("--require", "--import", 1);
        let fix = if preload.registers_auto_instrumentation() {
            Remedy::edit(Edit::Replace {
                at: preload.location.clone(),
                old: preload.written.to_string(),
                new: "--import".to_string(),
            })
        } else {
            Remedy::manual("load the file with --import, and register the ES module hook in it")
        };
        let finding = out.service(
            &EsmNeedsImport::META,
            service,
            &preload.location,
            format!(
                "{module_kind}, but {} loads the instrumentation with require(), whose hooks patch only CommonJS modules: spans arrive, but the framework's (HTTP, Express, database) are missing.",
                preload.describe()
            ),
            format!("use --import instead (Node.js 18.19+/20.6+): {fixed}"),
        );
        finding.fix = Some(fix);
        return;
    }
    // The SDK set up by an import in the app's own code.
    let imported = node.setups.iter().find_map(|s| match &s.loaded_by {
        Some(LoadedBy::Import { location, .. }) if s.patches && !s.file.browser => Some(location),
        Some(LoadedBy::Entry) if s.patches && !s.file.browser => Some(&s.file.location),
        _ => None,
    });
    if let Some(location) = imported {
        out.service(
            &EsmNeedsImport::META,
            service,
            location,
            format!(
                "{module_kind}, and the SDK is set up by the app's own code: ES module imports are patched only through a loader hook, which nothing registers, so the framework's spans (HTTP, Express, database) are missing."
            ),
            "preload the setup with --import (node --import ./tracing.js app.js), and register the ES module hook in it: import { register } from 'node:module'; register('@opentelemetry/instrumentation/hook.mjs', import.meta.url)".to_string(),
        );
    }
}

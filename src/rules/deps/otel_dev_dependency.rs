use crate::knowledge::languages::knows_installed_packages;
use crate::knowledge::node::{AUTO_INSTRUMENTATIONS, REGISTER};
use crate::resolve::{Listed, Project, Workload};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that the OpenTelemetry packages a Node.js service loads are not only in
    /// `devDependencies` when the image installs without them (`npm ci --omit=dev`,
    /// `npm install --production`, `yarn install --production`, `pnpm install --prod`, or any
    /// of them after `ENV NODE_ENV=production`).
    ///
    /// ## Why is this bad?
    /// `npm install --save-dev @opentelemetry/sdk-node` works on a laptop, where development
    /// dependencies are installed. A production install leaves them out: in the container
    /// `require('@opentelemetry/sdk-node')` throws `Cannot find module` and the app does not
    /// start, or a `--require` of the auto-instrumentation fails before it.
    ///
    /// ## Example
    /// ```json
    /// "devDependencies": { "@opentelemetry/auto-instrumentations-node": "^0.56.0" }
    /// ```
    /// with `RUN npm ci --omit=dev`. Use instead:
    /// ```json
    /// "dependencies": { "@opentelemetry/auto-instrumentations-node": "^0.56.0" }
    /// ```
    pub struct OtelDevDependency => "deps/otel-dev-dependency", Error;
}

impl Check for OtelDevDependency {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project
            .services
            .iter()
            .filter(|s| s.language.is_some_and(knows_installed_packages))
        {
            check_service(service, out);
        }
    }
}

fn check_service(service: &Workload, out: &mut Findings) {
    let Some(image) = service
        .image_contents
        .as_ref()
        .filter(|i| !i.has_unknown_installs)
    else {
        return;
    };
    let preload = service
        .node
        .as_ref()
        .and_then(|n| n.auto_instrumentation())
        .map(|p| (AUTO_INSTRUMENTATIONS, REGISTER, p.location.clone()));
    let imports = service
        .code
        .otel_imports
        .iter()
        .map(|i| (i.package.as_str(), i.module.as_str(), i.location.clone()));
    let mut left_out = Vec::new();
    for (package, module, used_at) in preload.into_iter().chain(imports) {
        if image.has(package) {
            continue;
        }
        let Some((listed, install)) = image.left_out_dev_dependency(package) else {
            continue;
        };
        if !left_out
            .iter()
            .any(|(seen, _, _, _): &(&Listed, _, _, _)| seen.location == listed.location)
        {
            left_out.push((listed, install, module.to_string(), used_at));
        }
    }
    let Some((listed, install, module, used_at)) = left_out.first() else {
        return;
    };
    let names: Vec<&str> = left_out
        .iter()
        .map(|(l, _, _, _)| l.requirement.name.as_str())
        .collect();
    out.service(
        &OtelDevDependency::META,
        service,
        &listed.location,
        format!(
            "{} {} only in devDependencies, but {} runs {} with {}, which leaves devDependencies out: {module} (used at {used_at}) is missing in the container, and node exits with `Error: Cannot find module '{module}'`.",
            names.join(", "),
            if names.len() == 1 { "is" } else { "are" },
            install.location,
            install.tool,
            install.production.as_deref().unwrap_or_default(),
        ),
        format!(
            "move {} to \"dependencies\" in {}: {} {}",
            if names.len() == 1 { "it" } else { "them" },
            listed.location.file,
            match install.tool {
                "yarn" => "yarn add",
                "pnpm" => "pnpm add --save-prod",
                _ => "npm install --save-prod",
            },
            names.join(" ")
        ),
    );
}

use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks, in a CommonJS Node.js app, that instrumented modules (`express`, `http`, `pg`,
    /// ...) are not required before the SDK (or its instrumentations) are set up.
    ///
    /// ## Why is this bad?
    /// OpenTelemetry's Node.js instrumentation patches a module when it is loaded. A module
    /// required before the instrumentations exist is never patched: the SDK runs and exports
    /// your manual spans, but the framework's request and query spans are missing.
    ///
    /// ## Example
    /// ```js
    /// const express = require('express');
    /// require('./tracing');
    /// ```
    /// Use instead (or better, preload it: `node --require ./tracing.js app.js`):
    /// ```js
    /// require('./tracing');
    /// const express = require('express');
    /// ```
    pub struct SdkStartedLate => "code/sdk-started-late", Warning;
}

impl Check for SdkStartedLate {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let Some(early) = service.node.as_ref().and_then(|n| n.loaded_early.as_ref()) else {
                continue;
            };
            let file = early
                .location
                .file
                .rsplit('/')
                .next()
                .unwrap_or(&early.location.file);
            out.service(
                &Self::META,
                service,
                &early.location,
                format!(
                    "{file} loads '{}' before the SDK is set up ({}): instrumentation patches a module when it is loaded, so '{}' stays unpatched and its requests make no spans.",
                    early.module, early.setup, early.module
                ),
                format!(
                    "set the SDK up first: move its require/import above '{}', or preload it with node --require so it runs before the app",
                    early.module
                ),
            );
        }
    }
}

use crate::knowledge::honeycomb::classify_key;
use crate::knowledge::node::PUBLIC_PREFIXES;
use crate::resolve::{Project, Workload};
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for a Honeycomb key in a variable that frontend frameworks put in the browser
    /// bundle (`REACT_APP_*`, `VITE_*`, `NEXT_PUBLIC_*`, ...), or sent by browser tracing code.
    ///
    /// ## Why is this bad?
    /// Everything in the bundle ships to every visitor: anyone can read the key in the page's
    /// JavaScript and send data with it. Honeycomb's advice for browsers is an ingest key that
    /// can only send events, created to be public, or a collector or proxy that adds the key
    /// server-side.
    ///
    /// ## Example
    /// ```yaml
    /// REACT_APP_HONEYCOMB_API_KEY: ${HONEYCOMB_API_KEY}
    /// ```
    /// Use instead: a dedicated ingest key with only "Send Events", or browser spans sent to a
    /// collector that holds the key.
    pub struct KeyInFrontend => "honeycomb/key-in-frontend", Warning;
}

impl Check for KeyInFrontend {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            check_service(service, out);
        }
    }
}

fn is_public(name: &str) -> Option<&'static str> {
    PUBLIC_PREFIXES
        .iter()
        .copied()
        .find(|p| name.starts_with(p))
}

fn holds_key(name: &str, value: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    classify_key(value.trim()).is_some()
        || (upper.contains("HONEYCOMB") && (upper.contains("KEY") || upper.contains("TEAM")))
}

fn check_service(service: &Workload, out: &mut Findings) {
    let mut reported: Vec<&str> = Vec::new();
    for var in service.env.iter().filter(|v| v.resolved) {
        let Some(prefix) = is_public(&var.name) else {
            continue;
        };
        if !holds_key(&var.name, &var.value) {
            continue;
        }
        reported.push(&var.name);
        out.service(
            &KeyInFrontend::META,
            service,
            &var.location,
            format!(
                "{} holds a Honeycomb key in a {prefix} variable, which the frontend's build puts in the bundle every browser downloads: anyone can read it and send data with it.",
                var.name
            ),
            "use an ingest key that can only send events, created to be public, or send the browser's spans to a collector that adds the key".to_string(),
        );
    }
    let Some(browser) = service.node.as_ref().and_then(|n| n.browser.as_ref()) else {
        return;
    };
    let Some(key) = &browser.key else { return };
    let variable = key.variable.as_deref();
    if variable.is_some_and(|v| reported.contains(&v)) {
        return;
    }
    let source = match variable {
        Some(variable) => format!("from {variable}"),
        None => "written in the code".to_string(),
    };
    out.service(
        &KeyInFrontend::META,
        service,
        &key.location,
        format!(
            "the browser tracing code sends a Honeycomb key ({source}): it ships in the bundle every browser downloads, where anyone can read it and send data with it."
        ),
        "use an ingest key that can only send events, created to be public, or send the browser's spans to a collector that adds the key".to_string(),
    );
}

use crate::resolve::{Instrument, Project, Workload};
use crate::rules::{Check, Findings, declare_rule};
use crate::source::Location;

declare_rule! {
    /// ## What it does
    /// Checks for Flask's debug reloader in a service started by `opentelemetry-instrument`:
    /// `flask run --debug` (or `--reload`), `FLASK_DEBUG=1`, or `app.run(debug=True)`.
    ///
    /// ## Why is this bad?
    /// The reloader re-executes the app in a child process, and the child does not inherit
    /// auto-instrumentation: the server answers requests, and no request span is ever created.
    ///
    /// ## Example
    /// ```yaml
    /// command: opentelemetry-instrument flask run --debug
    /// ```
    /// Use instead (keep the debugger, drop the reloader):
    /// ```yaml
    /// command: opentelemetry-instrument flask run --debug --no-reload
    /// ```
    pub struct FlaskReloader => "dockerfile/flask-reloader", Warning;
}

impl Check for FlaskReloader {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project.services.iter().filter(|s| s.is_python()) {
            let Some(instrument) = &service.instrument else {
                continue;
            };
            let Some((location, how)) = reloader(service, instrument) else {
                continue;
            };
            out.service(
                &Self::META,
                service,
                location,
                format!(
                    "{how} starts Flask's reloader, which re-runs the app in a child process without opentelemetry-instrument's hooks: no request spans."
                ),
                "add --no-reload to `flask run` (or use_reloader=False in app.run); the debugger keeps working".to_string(),
            );
        }
    }
}

/// Where the reloader gets switched on, and how a message names it.
fn reloader<'a>(
    service: &'a Workload,
    instrument: &'a Instrument,
) -> Option<(&'a Location, String)> {
    let words: Vec<&str> = instrument.program.iter().map(|w| w.text.as_str()).collect();
    let flask_run = words.windows(2).any(|w| w == ["flask", "run"]);
    if flask_run && !words.contains(&"--no-reload") {
        if let Some(flag) = instrument
            .program
            .iter()
            .find(|w| matches!(w.text.as_str(), "--debug" | "--reload"))
        {
            return Some((&flag.location, format!("`flask run {}`", flag.text)));
        }
        let debug = service
            .env_var("FLASK_DEBUG")
            .filter(|v| matches!(v.value.trim().to_ascii_lowercase().as_str(), "1" | "true"))?;
        return Some((
            &debug.location,
            format!("FLASK_DEBUG={} with `flask run`", debug.value),
        ));
    }
    service
        .code
        .flask_reloader
        .as_ref()
        .filter(|_| !flask_run)
        .map(|location| (location, "app.run(debug=True)".to_string()))
}

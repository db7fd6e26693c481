use crate::resolve::{Instrument, Project, Workload};
use crate::rules::{Check, Findings, declare_rule};
use crate::source::Location;

declare_rule! {
    /// ## What it does
    /// Checks for gunicorn forking several workers (`--workers N`, `-w N`,
    /// `WEB_CONCURRENCY`) or preloading the app (`--preload`) under
    /// `opentelemetry-instrument`.
    ///
    /// ## Why is this bad?
    /// `opentelemetry-instrument` sets the SDK up in gunicorn's master process, which then
    /// forks the workers. The SDK's exporters run on background threads, which a fork does not
    /// copy: the OpenTelemetry Python documentation ("Working With Fork Process Models", and
    /// the zero-code troubleshooting page) warns that pre-fork servers with several workers
    /// break the exports — metrics for certain, spans too when the app is preloaded — and
    /// recommends setting the SDK up in each worker.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["opentelemetry-instrument", "gunicorn", "--workers", "4", "app:app"]
    /// ```
    /// Use instead: set the SDK up per worker in gunicorn's `post_fork` hook, and start
    /// gunicorn without opentelemetry-instrument:
    /// ```python
    /// # gunicorn.conf.py
    /// def post_fork(server, worker):
    ///     provider = TracerProvider()
    ///     provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    ///     trace.set_tracer_provider(provider)
    /// ```
    pub struct ForkingServer => "dockerfile/forking-server", Warning;
}

impl Check for ForkingServer {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in project.services.iter().filter(|s| s.is_python()) {
            let Some(instrument) = &service.instrument else {
                continue;
            };
            let Some((location, how)) = forks(service, instrument) else {
                continue;
            };
            out.service(
                &Self::META,
                service,
                location,
                format!(
                    "{how} under opentelemetry-instrument: the SDK is set up in gunicorn's master and its exporter threads do not survive the fork into the workers, so exports break (see `otel-doctor explain dockerfile/forking-server`)."
                ),
                "set the SDK up in each worker with a post_fork hook in gunicorn.conf.py (OpenTelemetry Python docs: \"Working With Fork Process Models\"), or run a single worker".to_string(),
            );
        }
    }
}

/// Where gunicorn is told to fork several workers or to preload the app.
fn forks<'a>(service: &'a Workload, instrument: &'a Instrument) -> Option<(&'a Location, String)> {
    let program = &instrument.program;
    program
        .first()
        .filter(|w| w.text.rsplit('/').next() == Some("gunicorn"))?;
    let mut words = program.iter().skip(1);
    while let Some(word) = words.next() {
        let (flag, inline) = match word.text.split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_string())),
            None => (word.text.as_str(), None),
        };
        match flag {
            "--preload" => return Some((&word.location, "gunicorn --preload".to_string())),
            "-w" | "--workers" => {
                let count = inline.or_else(|| words.next().map(|w| w.text.clone()));
                if count
                    .as_deref()
                    .and_then(|c| c.parse::<u32>().ok())
                    .is_some_and(|n| n > 1)
                {
                    return Some((
                        &word.location,
                        format!("gunicorn {flag} {}", count.unwrap_or_default()),
                    ));
                }
            }
            _ if flag.starts_with("-w")
                && flag.len() > 2
                && flag[2..].parse::<u32>().is_ok_and(|n| n > 1) =>
            {
                return Some((&word.location, format!("gunicorn {flag}")));
            }
            _ => {}
        }
    }
    let concurrency = service
        .env_var("WEB_CONCURRENCY")
        .filter(|v| v.value.trim().parse::<u32>().is_ok_and(|n| n > 1))?;
    Some((
        &concurrency.location,
        format!("WEB_CONCURRENCY={} for gunicorn", concurrency.value.trim()),
    ))
}

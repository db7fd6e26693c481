use crate::resolve::Project;
use crate::rules::{Check, Findings, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that a short-lived program (a job, a command-line tool: its `main` neither
    /// serves nor waits) that batches its spans flushes them before it ends: Go's
    /// `tp.Shutdown(ctx)` (or `ForceFlush`), usually deferred in `main`.
    ///
    /// ## Why is this bad?
    /// A batching span processor sends spans every few seconds, in the background. When
    /// `main` returns, the process ends at once: the spans still in the batch (for a short
    /// program, all of them) are lost, and nothing is logged.
    ///
    /// ## Example
    /// ```go
    /// tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
    /// otel.SetTracerProvider(tp)
    /// run()
    /// ```
    /// Use instead:
    /// ```go
    /// tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
    /// defer func() { _ = tp.Shutdown(context.Background()) }()
    /// otel.SetTracerProvider(tp)
    /// run()
    /// ```
    pub struct NoFlush => "code/no-flush", Warning;
}

impl Check for NoFlush {
    fn check(&self, project: &Project, out: &mut Findings) {
        for service in &project.services {
            let Some(unflushed) = &service.code.unflushed else {
                continue;
            };
            out.service(
                &Self::META,
                service,
                &unflushed.batcher,
                format!(
                    "spans are batched here, but the program never shuts the provider down or flushes it, and its main ({}) neither serves nor waits: when main returns, the spans still in the batch are lost.",
                    unflushed.entry
                ),
                "flush before main returns: defer func() { _ = tp.Shutdown(context.Background()) }() right after the provider is created (with otel-config-go: defer the shutdown function ConfigureOpenTelemetry returns)".to_string(),
            );
        }
    }
}

//! `--forward`: every request relayed, body and headers unchanged, to one upstream (Honeycomb
//! or a collector), and upstream's answer attached to the batch. Relaying runs on its own
//! threads with a blocking client (never on the receiver's runtime), behind a bounded queue:
//! a slow or dead upstream costs relayed batches, never received ones.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;

use super::batch::{Batch, Forwarded, Signal};
use super::{Outbox, Ticket};
use crate::knowledge::honeycomb;
use crate::probe::answer::{error_reason, partial_success};
use crate::probe::classify::classify;
use crate::probe::http::{install_crypto_provider, read_body};
use crate::redact::{self, Redactor};

/// Requests relayed at the same time.
const WORKERS: usize = 4;
/// Requests waiting for a worker, and the bytes they may hold together.
const QUEUE: usize = 256;
const QUEUE_BYTES: usize = 64 * 1024 * 1024;

/// Where requests are relayed: a base URL to which the signal's path is added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    base: String,
}

impl Upstream {
    /// `https://api.honeycomb.io`, or a collector's `http://collector:4318`; a URL that already
    /// ends in a signal path (`.../v1/traces`) is taken as its base.
    pub fn parse(text: &str) -> Result<Upstream, String> {
        let url = url::Url::parse(text.trim())
            .map_err(|e| format!("--forward `{text}` is not a URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(format!(
                "--forward `{text}` must be an http:// or https:// URL (OTLP/HTTP), e.g. https://api.honeycomb.io"
            ));
        }
        let mut base = url.as_str().trim_end_matches('/').to_string();
        for signal in [Signal::Traces, Signal::Metrics, Signal::Logs] {
            if let Some(stripped) = base.strip_suffix(signal.path()) {
                base = stripped.to_string();
            }
        }
        Ok(Upstream { base })
    }

    pub fn url(&self, signal: Signal) -> String {
        format!("{}{}", self.base, signal.path())
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Keys would cross the network in clear.
    pub fn is_plain_http_off_this_machine(&self) -> bool {
        url::Url::parse(&self.base).is_ok_and(|url| {
            url.scheme() == "http"
                && !url
                    .host_str()
                    .is_some_and(crate::knowledge::otel::is_loopback_host)
        })
    }
}

/// A request as it will be relayed: the raw headers, including the key, stay here and go only
/// to the upstream.
pub struct Relay {
    pub signal: Signal,
    pub headers: http::HeaderMap,
    pub body: Bytes,
    /// Held until upstream's answer is reported, so that stopping waits for it.
    pub ticket: Ticket,
}

struct Job {
    batch: Box<Batch>,
    relay: Relay,
}

/// The receiving side's handle on the relay threads.
pub struct Forwarder {
    upstream: Upstream,
    jobs: SyncSender<Job>,
    queued_bytes: Arc<AtomicUsize>,
    stopping: Arc<AtomicBool>,
}

impl Forwarder {
    pub fn start(
        upstream: Upstream,
        timeout: Duration,
        outbox: Outbox,
    ) -> Result<Forwarder, String> {
        install_crypto_provider();
        // No redirects: the key goes to the URL the user named, nowhere else.
        let client = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the --forward client: {e}"))?;
        let (jobs, queue) = std::sync::mpsc::sync_channel::<Job>(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        let queued_bytes = Arc::new(AtomicUsize::new(0));
        let stopping = Arc::new(AtomicBool::new(false));
        for _ in 0..WORKERS {
            let worker = Worker {
                client: client.clone(),
                upstream: upstream.clone(),
                queue: Arc::clone(&queue),
                queued_bytes: Arc::clone(&queued_bytes),
                stopping: Arc::clone(&stopping),
                outbox: outbox.clone(),
            };
            std::thread::Builder::new()
                .name("otel-doctor-forward".into())
                .spawn(move || worker.run())
                .map_err(|e| format!("cannot start the --forward threads: {e}"))?;
        }
        Ok(Forwarder {
            upstream,
            jobs,
            queued_bytes,
            stopping,
        })
    }

    /// Queues a batch for relaying; `Err` (why) when the queue is full, and the batch dropped.
    pub fn submit(&self, batch: Box<Batch>, relay: Relay) -> Result<(), String> {
        let size = relay.body.len();
        let budget = self.queued_bytes.fetch_add(size, Ordering::SeqCst) + size;
        let full = || {
            format!(
                "the relay queue to {} is full (upstream is slow or down): send it again in a moment",
                self.upstream.base()
            )
        };
        if budget > QUEUE_BYTES {
            self.queued_bytes.fetch_sub(size, Ordering::SeqCst);
            return Err(full());
        }
        match self.jobs.try_send(Job { batch, relay }) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.queued_bytes.fetch_sub(size, Ordering::SeqCst);
                Err(full())
            }
        }
    }

    /// Batches still queued are reported as not relayed instead of waiting for upstream.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }
}

struct Worker {
    client: reqwest::blocking::Client,
    upstream: Upstream,
    queue: Arc<Mutex<Receiver<Job>>>,
    queued_bytes: Arc<AtomicUsize>,
    stopping: Arc<AtomicBool>,
    outbox: Outbox,
}

impl Worker {
    fn run(self) {
        loop {
            let job = {
                let Ok(queue) = self.queue.lock() else { return };
                match queue.recv() {
                    Ok(job) => job,
                    Err(_) => return,
                }
            };
            self.queued_bytes
                .fetch_sub(job.relay.body.len(), Ordering::SeqCst);
            let Job { mut batch, relay } = job;
            let Relay {
                signal,
                headers,
                body,
                ticket,
            } = relay;
            batch.forward = Some(if self.stopping.load(Ordering::SeqCst) {
                Forwarded::NotSent {
                    reason: "the receiver stopped before it was relayed".into(),
                }
            } else {
                self.relay(signal, headers, body)
            });
            self.outbox.deliver_blocking(batch);
            // Only now is the batch reported: stopping may stop waiting for it.
            drop(ticket);
        }
    }

    fn relay(&self, signal: Signal, mut headers: http::HeaderMap, body: Bytes) -> Forwarded {
        let url = self.upstream.url(signal);
        // Upstream may quote the key back ("unknown API key ..."): its words are masked.
        let mut redactor = Redactor::default();
        for (name, value) in &headers {
            if redact::names_a_secret(name.as_str()) {
                redactor.add(&String::from_utf8_lossy(value.as_bytes()));
            }
        }
        let mask = |text: String| redactor.redact(&honeycomb::mask_keys_in(&text));
        for name in HOP_BY_HOP {
            headers.remove(*name);
        }
        let result = self
            .client
            .post(&url)
            .headers(headers)
            .body(body)
            .send()
            .map_err(|error| classify(&error))
            .and_then(|response| {
                let status = response.status().as_u16();
                let content_type = response
                    .headers()
                    .get(http::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                // Only what a message needs: the rest of a huge answer is never read.
                let body = read_body(response).map_err(|error| classify(&error))?;
                Ok((status, content_type, body.bytes))
            });
        match result {
            Ok((status, content_type, body)) => {
                let message = if (200..300).contains(&status) {
                    partial_success(content_type.as_deref(), &body).map(|partial| {
                        format!("{} rejected: {}", partial.rejected_spans, partial.message)
                    })
                } else {
                    error_reason(content_type.as_deref(), &body)
                };
                Forwarded::Answered {
                    url,
                    status,
                    message: message.map(mask),
                }
            }
            Err(failure) => Forwarded::Failed {
                url,
                error: mask(failure.detail),
            },
        }
    }
}

/// Headers that belong to the connection to this receiver, not to the request: the client
/// sets its own. `accept-encoding` goes too, so that upstream's error body stays readable.
const HOP_BY_HOP: &[&str] = &[
    "host",
    "content-length",
    "connection",
    "keep-alive",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "accept-encoding",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_urls_take_the_signal_path() {
        let honeycomb = Upstream::parse("https://api.honeycomb.io/").unwrap();
        assert_eq!(
            honeycomb.url(Signal::Traces),
            "https://api.honeycomb.io/v1/traces"
        );
        let full = Upstream::parse("http://collector:4318/v1/traces").unwrap();
        assert_eq!(full.url(Signal::Logs), "http://collector:4318/v1/logs");
        assert!(full.is_plain_http_off_this_machine());
        assert!(
            !Upstream::parse("http://127.0.0.1:4318")
                .unwrap()
                .is_plain_http_off_this_machine()
        );
        assert!(Upstream::parse("api.honeycomb.io").is_err());
        assert!(Upstream::parse("grpc://collector:4317").is_err());
    }
}

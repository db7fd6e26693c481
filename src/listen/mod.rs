//! `otel-doctor listen`: a local OTLP receiver that shows what an app really emits — which
//! services, spans and headers arrive, and what Honeycomb would do with them — and, with
//! `--forward`, relays each request unchanged to the real endpoint and shows its answer.
//! `check --listen` uses the same receiver to tell, per service, whether spans arrived.
//!
//! Both listeners answer OTLP/HTTP and OTLP/gRPC (one axum router with tonic's routes merged
//! in); a request on the other protocol's port is received and the mismatch reported. The
//! receiver runs on its own small runtime; decoded batches reach the caller over a bounded
//! channel, in the order they were decoded.

mod batch;
mod check;
mod forward;
mod grpc;
mod http;
mod render;

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Extension;
use axum::body::Bytes;
use tokio::sync::{Notify, Semaphore, mpsc};

pub use batch::Forwarded;
pub use batch::{Batch, Listener, Signal};
pub use check::wait_for_services;
pub use forward::Upstream;
pub use render::{Style, Verdict};

pub const DEFAULT_HTTP_PORT: u16 = 4318;
pub const DEFAULT_GRPC_PORT: u16 = 4317;

/// The largest body accepted, on the wire and decompressed: the OpenTelemetry Collector's
/// default `max_request_body_size`.
pub const BODY_LIMIT: usize = 20 * 1024 * 1024;

fn limit_text() -> String {
    format!("{} MiB", BODY_LIMIT / (1024 * 1024))
}

/// Requests decoded at the same time; the others wait (bounds memory to a few bodies).
const DECODING_SLOTS: usize = 4;
/// Events waiting for the printer before receiving waits for it.
const EVENT_QUEUE: usize = 4096;

/// Where the receiver listens, and where it relays.
#[derive(Debug, Clone)]
pub struct Settings {
    pub http: SocketAddr,
    pub grpc: SocketAddr,
    pub forward: Option<Upstream>,
    /// Bound of each relayed request.
    pub timeout: Duration,
}

impl Settings {
    /// From `[--http, --grpc, --bind]`, `--forward` and `--timeout`.
    pub fn new(
        [http, grpc, bind]: [Option<&str>; 3],
        forward: Option<&str>,
        timeout: Duration,
    ) -> Result<Settings, String> {
        let (http, grpc) = addresses(http, grpc, bind)?;
        Ok(Settings {
            http,
            grpc,
            forward: forward.map(Upstream::parse).transpose()?,
            timeout,
        })
    }
}

/// The listen addresses from `--http`, `--grpc` and `--bind`: `HOST:PORT`, `:PORT` or `PORT`
/// each; the host defaults to `--bind`, which defaults to 127.0.0.1.
fn addresses(
    http: Option<&str>,
    grpc: Option<&str>,
    bind: Option<&str>,
) -> Result<(SocketAddr, SocketAddr), String> {
    let host = match bind {
        None => IpAddr::V4(Ipv4Addr::LOCALHOST),
        Some(text) => parse_host(text)
            .ok_or_else(|| format!("--bind `{text}` is not an IP address (e.g. 0.0.0.0)"))?,
    };
    let address = |flag: &str, text: Option<&str>, default_port: u16| {
        match text {
        None => Ok(SocketAddr::new(host, default_port)),
        Some(text) => parse_address(text, host).ok_or_else(|| {
            format!("--{flag} `{text}` is not an address: HOST:PORT, :PORT or PORT (port 0 picks a free one)")
        }),
    }
    };
    Ok((
        address("http", http, DEFAULT_HTTP_PORT)?,
        address("grpc", grpc, DEFAULT_GRPC_PORT)?,
    ))
}

fn parse_host(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_start_matches('[').trim_end_matches(']');
    if text.eq_ignore_ascii_case("localhost") {
        return Some(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    text.parse().ok()
}

fn parse_address(text: &str, default_host: IpAddr) -> Option<SocketAddr> {
    let text = text.trim();
    let port_only = text.strip_prefix(':').unwrap_or(text);
    if !port_only.contains(':')
        && let Ok(port) = port_only.parse::<u16>()
    {
        return Some(SocketAddr::new(default_host, port));
    }
    if let Ok(address) = text.parse::<SocketAddr>() {
        return Some(address);
    }
    let (host, port) = text.rsplit_once(':')?;
    Some(SocketAddr::new(parse_host(host)?, port.parse().ok()?))
}

/// Whether an address accepts connections from other machines.
pub fn is_every_interface(address: &SocketAddr) -> bool {
    address.ip().is_unspecified()
}

/// What the receiver reports.
#[derive(Debug, Clone)]
pub enum Event {
    Batch(Box<Batch>),
    Refused(Refusal),
}

/// A request the receiver turned down, and why.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub listener: Listener,
    pub peer: Option<SocketAddr>,
    pub at: Duration,
    /// `POST /v1/trace`
    pub request: String,
    pub status: u16,
    pub reason: String,
}

/// Which listener a request came in on (an extension of every request).
#[derive(Debug, Clone, Copy)]
struct PortInfo {
    listener: Listener,
    port: u16,
    other_port: u16,
}

/// Where events go, and how many requests are still on their way to becoming one (so that
/// stopping waits for them instead of losing them).
#[derive(Debug, Clone)]
struct Outbox {
    events: mpsc::Sender<Event>,
    pending: Arc<AtomicUsize>,
}

/// One request (or relayed batch) on its way to an event.
struct Ticket(Arc<AtomicUsize>);

impl Drop for Ticket {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Outbox {
    fn ticket(&self) -> Ticket {
        self.pending.fetch_add(1, Ordering::SeqCst);
        Ticket(Arc::clone(&self.pending))
    }

    async fn send(&self, event: Event) {
        // The receiving side only goes away when the command ends.
        let _ = self.events.send(event).await;
    }

    /// From the relay threads, which are not on the runtime.
    fn deliver_blocking(&self, batch: Box<Batch>) {
        let _ = self.events.blocking_send(Event::Batch(batch));
    }
}

/// What the request handlers share.
struct Shared {
    outbox: Outbox,
    forwarder: Option<forward::Forwarder>,
    decoding: Semaphore,
    started: Instant,
}

impl Shared {
    /// Reports a batch, after relaying it when `--forward` asks for that.
    async fn deliver(&self, batch: Batch, headers: ::http::HeaderMap, body: Bytes) {
        let batch = Box::new(batch);
        let batch = match &self.forwarder {
            Some(forwarder) => {
                let relay = forward::Relay {
                    signal: batch.signal,
                    headers,
                    body,
                    ticket: self.outbox.ticket(),
                };
                match forwarder.submit(batch, relay) {
                    Ok(()) => return,
                    Err(refused) => refused,
                }
            }
            None => batch,
        };
        self.outbox.send(Event::Batch(batch)).await;
    }
}

/// A running receiver.
pub struct Receiver {
    runtime: tokio::runtime::Runtime,
    pub http: SocketAddr,
    pub grpc: SocketAddr,
    pub forward: Option<Upstream>,
    events: mpsc::Receiver<Event>,
    shared: Arc<Shared>,
    servers: Vec<tokio::task::JoinHandle<()>>,
    interrupted: Option<Arc<Notify>>,
    timeout: Duration,
}

/// What waiting for the next event ended with.
pub enum Next {
    Event(Event),
    Deadline,
    Interrupted,
}

impl Receiver {
    pub fn start(settings: &Settings) -> Result<Receiver, String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("otel-doctor-listen")
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the receiver: {e}"))?;
        let bind = |address: SocketAddr, flag: &str| {
            runtime
                .block_on(tokio::net::TcpListener::bind(address))
                .map_err(|e| {
                    let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
                        format!(
                            " (a collector or another receiver runs there? pick another port with --{flag}, e.g. --{flag} 127.0.0.1:0)"
                        )
                    } else {
                        String::new()
                    };
                    format!("cannot listen on {address}: {e}{hint}")
                })
        };
        let http_listener = bind(settings.http, "http")?;
        let grpc_listener = bind(settings.grpc, "grpc")?;
        let local = |listener: &tokio::net::TcpListener| {
            listener
                .local_addr()
                .map_err(|e| format!("cannot read the bound address: {e}"))
        };
        let (http, grpc) = (local(&http_listener)?, local(&grpc_listener)?);
        let (sender, events) = mpsc::channel(EVENT_QUEUE);
        let outbox = Outbox {
            events: sender,
            pending: Arc::default(),
        };
        let forwarder = settings
            .forward
            .clone()
            .map(|upstream| forward::Forwarder::start(upstream, settings.timeout, outbox.clone()))
            .transpose()?;
        let shared = Arc::new(Shared {
            outbox,
            forwarder,
            decoding: Semaphore::new(DECODING_SLOTS),
            started: Instant::now(),
        });
        let router = http::router(Arc::clone(&shared), grpc::routes(Arc::clone(&shared)));
        let mut servers = Vec::new();
        for (listener, info) in [
            (
                http_listener,
                PortInfo {
                    listener: Listener::Http,
                    port: http.port(),
                    other_port: grpc.port(),
                },
            ),
            (
                grpc_listener,
                PortInfo {
                    listener: Listener::Grpc,
                    port: grpc.port(),
                    other_port: http.port(),
                },
            ),
        ] {
            let app = router
                .clone()
                .layer(Extension(info))
                .into_make_service_with_connect_info::<SocketAddr>();
            servers.push(runtime.spawn(async move {
                // Accept errors (too many open files) are retried inside `serve`.
                let _ = axum::serve(listener, app).await;
            }));
        }
        Ok(Receiver {
            runtime,
            http,
            grpc,
            forward: settings.forward.clone(),
            events,
            shared,
            servers,
            interrupted: None,
            timeout: settings.timeout,
        })
    }

    /// From now on Ctrl-C ends the wait (`Next::Interrupted`) instead of the process. The
    /// handler is in place when this returns, so a Ctrl-C right after is not lost.
    pub fn catch_interrupt(&mut self) {
        if self.interrupted.is_some() {
            return;
        }
        let notify = Arc::new(Notify::new());
        let notifier = Arc::clone(&notify);
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let Ok(mut interrupts) = self
                .runtime
                .block_on(async { signal(SignalKind::interrupt()) })
            else {
                return;
            };
            self.runtime.spawn(async move {
                if interrupts.recv().await.is_some() {
                    notifier.notify_one();
                }
            });
        }
        #[cfg(not(unix))]
        self.runtime.spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                notifier.notify_one();
            }
        });
        self.interrupted = Some(notify);
    }

    /// The next event, or why there is none: the deadline passed, or Ctrl-C.
    pub fn next(&mut self, deadline: Option<Instant>) -> Next {
        let events = &mut self.events;
        let interrupted = self.interrupted.clone();
        self.runtime.block_on(async move {
            let sleep = async {
                match deadline {
                    Some(deadline) => tokio::time::sleep_until(deadline.into()).await,
                    None => std::future::pending().await,
                }
            };
            let interrupt = async {
                match &interrupted {
                    Some(notify) => notify.notified().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                event = events.recv() => event.map_or(Next::Deadline, Next::Event),
                () = sleep => Next::Deadline,
                () = interrupt => Next::Interrupted,
            }
        })
    }

    /// Stops accepting and returns the events of the requests already received: none is
    /// lost, and a relay still waiting for upstream is waited for (up to `--timeout`).
    pub fn finish(mut self) -> Vec<Event> {
        for server in &self.servers {
            server.abort();
        }
        if let Some(forwarder) = &self.shared.forwarder {
            forwarder.stop();
        }
        let bound = Instant::now() + self.timeout + Duration::from_secs(2);
        let mut events = Vec::new();
        loop {
            while let Ok(event) = self.events.try_recv() {
                events.push(event);
            }
            let idle = self.shared.outbox.pending.load(Ordering::SeqCst) == 0;
            if idle || Instant::now() >= bound {
                while let Ok(event) = self.events.try_recv() {
                    events.push(event);
                }
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        self.runtime.shutdown_background();
        events
    }
}

/// What `otel-doctor listen` runs: start, print the instructions, print every event until
/// the duration ends or Ctrl-C, then print the summary.
pub fn run(
    settings: &Settings,
    duration: Option<Duration>,
    style: Style,
    detailed: bool,
    out: &mut dyn Write,
    warnings: &mut dyn Write,
) -> Result<render::Verdict, String> {
    let receiver = Receiver::start(settings)?;
    for address in [receiver.http, receiver.grpc] {
        if is_every_interface(&address) {
            let _ = writeln!(
                warnings,
                "otel-doctor: warning: listening on every interface ({address}): anything that can reach this machine can send to it"
            );
        }
    }
    if let Some(upstream) = &receiver.forward
        && upstream.is_plain_http_off_this_machine()
    {
        let _ = writeln!(
            warnings,
            "otel-doctor: warning: --forward {} is plain http: the apps' keys cross the network unencrypted",
            upstream.base()
        );
    }
    let mut printer = render::Printer::new(style, detailed, out);
    match print_until_stopped(receiver, duration, &mut printer) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write: {error}"))
        }
        _ => Ok(printer.verdict()),
    }
}

fn print_until_stopped(
    mut receiver: Receiver,
    duration: Option<Duration>,
    printer: &mut render::Printer,
) -> std::io::Result<()> {
    receiver.catch_interrupt();
    printer.listening(&receiver)?;
    let deadline = duration.map(|d| Instant::now() + d);
    while let Next::Event(event) = receiver.next(deadline) {
        printer.event(&event)?;
    }
    let elapsed = receiver.shared.started.elapsed();
    for event in receiver.finish() {
        printer.event(&event)?;
    }
    printer.summary(elapsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(http: Option<&str>, grpc: Option<&str>, bind: Option<&str>) -> (String, String) {
        let (http, grpc) = addresses(http, grpc, bind).unwrap();
        (http.to_string(), grpc.to_string())
    }

    #[test]
    fn addresses_default_to_loopback_and_the_otlp_ports() {
        assert_eq!(
            pair(None, None, None),
            ("127.0.0.1:4318".into(), "127.0.0.1:4317".into())
        );
        assert_eq!(
            pair(Some(":0"), Some("9000"), Some("0.0.0.0")),
            ("0.0.0.0:0".into(), "0.0.0.0:9000".into())
        );
        assert_eq!(
            pair(Some("[::1]:4318"), Some("localhost:4317"), None),
            ("[::1]:4318".into(), "127.0.0.1:4317".into())
        );
        assert_eq!(pair(None, None, Some("::")).0, "[::]:4318");
        assert!(addresses(Some("::1"), None, None).is_err());
        assert!(addresses(Some("collector:4318"), None, None).is_err());
        assert!(addresses(None, None, Some("example.com")).is_err());
        assert!(addresses(Some("70000"), None, None).is_err());
    }
}

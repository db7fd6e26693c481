//! The HTTP client of the network steps, and the wrapper that lets the canary see what the
//! OTLP exporter cannot tell: `opentelemetry-otlp` reduces a refused request to "network
//! error" and a 401 to "HTTP export failed with status code: 401", dropping the body with
//! Honeycomb's reason (CRATES.md, trap 2). The wrapper keeps the real answer.

use std::io::Read;
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use async_trait::async_trait;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::proxy::matcher::{Intercept, Matcher};
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use tonic::transport::{Channel, Endpoint};

use super::classify::{Failure, FailureKind, classify};

/// reqwest is built with `rustls-no-provider`: without a provider installed, the first client
/// panics ("No rustls crypto provider is configured"), even for plain `http://` (trap 1).
pub fn install_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// A blocking client bounded by `timeout` for connecting and for the whole request.
/// reqwest honours `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` by default. Redirects are not
/// followed: reqwest would resend `x-honeycomb-team` to wherever they point, and the key goes
/// only to the endpoint the service is configured with (a 3xx is reported as the answer).
pub fn client(timeout: Duration) -> Result<reqwest::blocking::Client, Failure> {
    install_crypto_provider();
    reqwest::blocking::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("otel-doctor/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|error| classify(&error))
}

/// The most of an answer's body that is read. OTLP answers, error statuses and `/1/auth`'s JSON
/// are a few hundred bytes; a server that sends more is not one of them, and reading all it
/// sends let a 1.5 GB answer to `/1/auth` take 3.1 GB of memory.
pub const ANSWER_LIMIT: usize = 1024 * 1024;

/// An answer's body, read up to `ANSWER_LIMIT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub bytes: Vec<u8>,
    /// The server sent more than the limit; the rest was not read.
    pub cut: bool,
}

/// Reads at most `ANSWER_LIMIT` bytes of an answer (and one more, to know whether there was
/// more); the rest is never read: the connection is dropped with the response.
pub fn read_body(answer: impl Read) -> std::io::Result<Body> {
    let mut bytes = Vec::new();
    answer
        .take(ANSWER_LIMIT as u64 + 1)
        .read_to_end(&mut bytes)?;
    let cut = bytes.len() > ANSWER_LIMIT;
    bytes.truncate(ANSWER_LIMIT);
    Ok(Body { bytes, cut })
}

/// A connection failure of a request that went through a proxy is the proxy's failure.
pub fn blame_proxy(failure: Failure, url: &str) -> Failure {
    match proxy_for(url) {
        Some(proxy) if failure.kind != FailureKind::Tls => Failure {
            kind: FailureKind::Proxy,
            detail: format!("{}: {}", proxy.uri(), failure.detail),
        },
        _ => failure,
    }
}

/// The proxy this machine's environment names for `url` (`HTTPS_PROXY`, `HTTP_PROXY`,
/// `ALL_PROXY`, unless `NO_PROXY` exempts the host; either case), read by the matcher reqwest
/// itself uses, so that the gRPC canary takes the road the HTTP requests take.
fn proxy_for(url: &str) -> Option<Intercept> {
    let uri: http::Uri = url.parse().ok()?;
    Matcher::from_env().intercept(&uri)
}

/// A gRPC channel to `endpoint` (at `url`), through the proxy the environment names for it:
/// tonic reads no proxy variable, so without this a gRPC canary would leave the machine by
/// another road than the HTTP requests, around the proxy that CI may require. The channel is a
/// CONNECT tunnel through the proxy, with TLS to the endpoint inside it.
pub fn grpc_channel(endpoint: &Endpoint, url: &str, timeout: Duration) -> Result<Channel, Failure> {
    let Some(proxy) = proxy_for(url) else {
        return Ok(endpoint.connect_lazy());
    };
    if proxy.uri().scheme_str() != Some("http") {
        return Err(Failure {
            kind: FailureKind::Proxy,
            detail: format!(
                "{}: gRPC goes through http:// proxies only; add the host to NO_PROXY or use an http:// proxy",
                proxy.uri()
            ),
        });
    }
    let mut connector = HttpConnector::new();
    connector.enforce_http(false);
    connector.set_connect_timeout(Some(timeout));
    let mut tunnel = Tunnel::new(proxy.uri().clone(), connector);
    if let Some(credentials) = proxy.basic_auth() {
        tunnel = tunnel.with_auth(credentials.clone());
    }
    Ok(endpoint.connect_with_connector_lazy(tunnel))
}

/// What came back from the last request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exchange {
    Answer {
        status: u16,
        content_type: Option<String>,
        body: Vec<u8>,
    },
    Failed(Failure),
}

/// An `HttpClient` for the OTLP exporter that records the exchange, and sends exactly the
/// headers it was built with: the exporter also merges `OTEL_EXPORTER_OTLP_HEADERS` from
/// otel-doctor's own environment, which belongs to the user's shell, not to the service. The
/// answer's body is read up to `ANSWER_LIMIT`.
#[derive(Debug, Clone)]
pub struct RecordingClient {
    inner: reqwest::blocking::Client,
    headers: Vec<(String, String)>,
    last: Arc<Mutex<Option<Exchange>>>,
}

impl RecordingClient {
    /// What `reqwest::blocking::Client`'s own `HttpClient` does, with the answer's body read
    /// up to `ANSWER_LIMIT` (the exporter's limit is 4 MiB, then an error without the status).
    fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let mut response = self.inner.execute(request.try_into()?)?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let body = read_body(response)?;
        let mut answer = Response::builder()
            .status(status)
            .body(Bytes::from(body.bytes))?;
        *answer.headers_mut() = headers;
        Ok(answer)
    }

    pub fn new(inner: reqwest::blocking::Client, headers: Vec<(String, String)>) -> Self {
        RecordingClient {
            inner,
            headers,
            last: Arc::default(),
        }
    }

    pub fn last_exchange(&self) -> Option<Exchange> {
        self.last.lock().ok().and_then(|last| last.clone())
    }
}

#[async_trait]
impl HttpClient for RecordingClient {
    async fn send_bytes(&self, mut request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let keep = [http::header::CONTENT_TYPE, http::header::CONTENT_ENCODING];
        let headers = request.headers_mut();
        let original = std::mem::take(headers);
        for name in keep {
            if let Some(value) = original.get(&name) {
                headers.insert(name, value.clone());
            }
        }
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(name.as_bytes()),
                http::HeaderValue::from_str(value),
            ) {
                headers.insert(name, value);
            }
        }
        let result = self.send(request);
        let exchange = match &result {
            Ok(response) => Exchange::Answer {
                status: response.status().as_u16(),
                content_type: response
                    .headers()
                    .get(http::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string),
                body: response.body().to_vec(),
            },
            Err(error) => Exchange::Failed(classify(error.as_ref())),
        };
        if let Ok(mut last) = self.last.lock() {
            *last = Some(exchange);
        }
        result
    }
}

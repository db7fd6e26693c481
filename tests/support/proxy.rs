//! A logging HTTP proxy on 127.0.0.1, standing for the outside world: point `HTTP_PROXY`,
//! `HTTPS_PROXY` and `ALL_PROXY` at it (with `NO_PROXY` empty) and everything the tool sends to
//! a host that is not this machine passes here first. It records every request line, every
//! `CONNECT` target, every header, and every byte that goes through a tunnel; then it relays
//! the request to `world` (a fake on loopback), or refuses it. Nothing leaves loopback.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the proxy saw.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    /// Request lines as sent: `POST http://exfil.invalid:4318/v1/traces HTTP/1.1`,
    /// `CONNECT exfil.invalid:4317 HTTP/1.1`.
    pub request_lines: Vec<String>,
    /// Every header line of every request, as sent.
    pub headers: Vec<String>,
    /// What went through tunnels, client to world (lossy text).
    pub tunnelled: String,
}

impl Seen {
    /// Everything, as one text to search.
    pub fn all(&self) -> String {
        format!(
            "{}\n{}\n{}",
            self.request_lines.join("\n"),
            self.headers.join("\n"),
            self.tunnelled
        )
    }

    /// The `host:port` of every `CONNECT`.
    pub fn connect_targets(&self) -> Vec<String> {
        self.request_lines
            .iter()
            .filter_map(|line| line.strip_prefix("CONNECT "))
            .filter_map(|rest| rest.split_whitespace().next())
            .map(str::to_string)
            .collect()
    }
}

pub struct LoggingProxy {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Seen>>,
}

impl LoggingProxy {
    /// Relays plain requests to `world` (rewritten to the origin form) and tunnels `CONNECT`s
    /// to `tunnel_world`; refuses what has nowhere to go.
    pub fn start(world: Option<SocketAddr>, tunnel_world: Option<SocketAddr>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let state = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&state);
                std::thread::spawn(move || handle(stream, world, tunnel_world, &state));
            }
        });
        LoggingProxy { addr, seen }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The environment that sends every client of the tool through this proxy.
    pub fn environment(&self) -> Vec<(&'static str, String)> {
        let url = self.url();
        [
            "HTTP_PROXY",
            "http_proxy",
            "HTTPS_PROXY",
            "https_proxy",
            "ALL_PROXY",
            "all_proxy",
        ]
        .into_iter()
        .map(|name| (name, url.clone()))
        .chain([("NO_PROXY", String::new()), ("no_proxy", String::new())])
        .collect()
    }

    pub fn seen(&self) -> Seen {
        self.seen.lock().unwrap().clone()
    }
}

fn handle(
    client: TcpStream,
    world: Option<SocketAddr>,
    tunnel_world: Option<SocketAddr>,
    seen: &Arc<Mutex<Seen>>,
) {
    let _ = client.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(client);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        head.push(line);
    }
    {
        let mut seen = seen.lock().unwrap();
        seen.request_lines.push(request_line.trim_end().to_string());
        seen.headers
            .extend(head.iter().map(|h| h.trim_end().to_string()));
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    if method == "CONNECT" {
        let Some(world) = tunnel_world else {
            let _ = reader
                .get_mut()
                .write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
            return;
        };
        let Ok(upstream) = TcpStream::connect(world) else {
            return;
        };
        let _ = reader
            .get_mut()
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
        tunnel(reader, upstream, seen);
        return;
    }
    let Some(world) = world else {
        let _ = reader
            .get_mut()
            .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
        return;
    };
    // `POST http://host:port/path` → `POST /path` to the world.
    let path = target
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|at| rest[at..].to_string()))
        .unwrap_or(target);
    let Ok(mut upstream) = TcpStream::connect(world) else {
        return;
    };
    let mut forwarded = format!("{method} {path} HTTP/1.1\r\n");
    for line in &head {
        forwarded.push_str(line);
    }
    forwarded.push_str("\r\n");
    let _ = upstream.write_all(forwarded.as_bytes());
    tunnel(reader, upstream, seen);
}

/// Copies both ways until either side closes, recording what the client sends.
fn tunnel(client: BufReader<TcpStream>, upstream: TcpStream, seen: &Arc<Mutex<Seen>>) {
    let buffered = client.buffer().to_vec();
    let mut client = client.into_inner();
    let (Ok(mut client_back), Ok(mut upstream_read)) = (client.try_clone(), upstream.try_clone())
    else {
        return;
    };
    let mut upstream = upstream;
    let _ = upstream.write_all(&buffered);
    seen.lock()
        .unwrap()
        .tunnelled
        .push_str(&String::from_utf8_lossy(&buffered));
    let answers = std::thread::spawn(move || {
        let _ = std::io::copy(&mut upstream_read, &mut client_back);
        let _ = client_back.shutdown(std::net::Shutdown::Both);
    });
    let mut buffer = [0u8; 16 * 1024];
    loop {
        match client.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                seen.lock()
                    .unwrap()
                    .tunnelled
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
                if upstream.write_all(&buffer[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = upstream.shutdown(std::net::Shutdown::Write);
    let _ = answers.join();
}

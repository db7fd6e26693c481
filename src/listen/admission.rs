//! Who gets a connection: at most `MAX_CONNECTIONS_PER_PEER` open connections per address, so
//! that one sender (or one misbehaving process) cannot take every socket and task of the
//! receiver. A connection over the cap is answered `503` with `Retry-After` (an OTLP/HTTP SDK
//! retries it; a gRPC client sees the connection fail, which it retries too) and closed; the
//! first refusal of a burst is reported.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

use axum::serve::Listener as ServeListener;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use super::batch::Listener;
use super::{Event, Outbox, Refusal};

/// Far more than the apps of one machine keep open (an SDK exports over one connection), and
/// few enough that one address cannot exhaust the receiver's file descriptors.
pub const MAX_CONNECTIONS_PER_PEER: usize = 512;

/// What a connection over the cap is sent before it is closed.
const TOO_MANY: &str = "HTTP/1.1 503 Service Unavailable\r\nretry-after: 1\r\ncontent-type: text/plain\r\ncontent-length: 45\r\nconnection: close\r\n\r\ntoo many connections from this address: retry";

/// Open connections by address, and whether a refusal of its current burst was reported.
#[derive(Debug, Default)]
struct Peers(HashMap<IpAddr, (usize, bool)>);

/// A TCP listener that admits at most `MAX_CONNECTIONS_PER_PEER` connections per address.
pub struct PeerLimited {
    inner: TcpListener,
    peers: Arc<Mutex<Peers>>,
    outbox: Outbox,
    listener: Listener,
    started: Instant,
}

impl PeerLimited {
    pub fn new(inner: TcpListener, outbox: Outbox, listener: Listener, started: Instant) -> Self {
        PeerLimited {
            inner,
            peers: Arc::default(),
            outbox,
            listener,
            started,
        }
    }

    /// Counts the connection in, or says whether to report its refusal.
    fn admit(&self, ip: IpAddr) -> Result<(), bool> {
        let Ok(mut peers) = self.peers.lock() else {
            return Ok(());
        };
        let (open, reported) = peers.0.entry(ip).or_default();
        if *open >= MAX_CONNECTIONS_PER_PEER {
            let first = !*reported;
            *reported = true;
            return Err(first);
        }
        *open += 1;
        Ok(())
    }
}

impl ServeListener for PeerLimited {
    type Io = PeerConnection;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let (stream, peer) = ServeListener::accept(&mut self.inner).await;
            match self.admit(peer.ip()) {
                Ok(()) => {
                    let connection = PeerConnection {
                        stream,
                        peers: Arc::clone(&self.peers),
                        ip: peer.ip(),
                    };
                    return (connection, peer);
                }
                Err(report) => {
                    // Best effort: the answer fits any socket buffer, and the connection is
                    // closed whether it was written or not.
                    let _ = stream.try_write(TOO_MANY.as_bytes());
                    drop(stream);
                    if report {
                        self.outbox
                            .send(Event::Refused(Refusal {
                                listener: self.listener,
                                peer: Some(peer),
                                at: self.started.elapsed(),
                                request: "connection".into(),
                                status: 503,
                                reason: format!(
                                    "{} already has {MAX_CONNECTIONS_PER_PEER} connections open: further ones are answered 503 with Retry-After and closed until some end",
                                    peer.ip()
                                ),
                            }))
                            .await;
                    }
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// An admitted connection; it is counted out when dropped.
pub struct PeerConnection {
    stream: TcpStream,
    peers: Arc<Mutex<Peers>>,
    ip: IpAddr,
}

impl Drop for PeerConnection {
    fn drop(&mut self) {
        if let Ok(mut peers) = self.peers.lock()
            && let Some((open, reported)) = peers.0.get_mut(&self.ip)
        {
            *open -= 1;
            // A new burst is reported once the last one has ebbed.
            if *open < MAX_CONNECTIONS_PER_PEER / 2 {
                *reported = false;
            }
            if *open == 0 {
                peers.0.remove(&self.ip);
            }
        }
    }
}

impl AsyncRead for PeerConnection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(context, buffer)
    }
}

impl AsyncWrite for PeerConnection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(context, data)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        data: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(context, data)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(context)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_many_is_a_complete_answer() {
        let (head, body) = TOO_MANY.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("content-length: {}", body.len())));
    }
}

//! The tokio shell around [`TurnServer`]: the UDP listener, TCP connections,
//! relayed UDP sockets, the timer, and the dispatch of [`Output`]s. The
//! WebSocket transport lives in `http.rs` and uses the same [`Shared::client_message`]
//! entry point; a future WebTransport session would too (STUN on a stream,
//! ChannelData in datagrams), registering its sender like a TCP connection.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::{mpsc, watch};
use tokio::task::AbortHandle;
use wasmrtc::stun::framing;

use crate::config::Args;
use crate::turn::{ClientKey, Millis, Output, PortRequest, RelayPorts, Transport, TurnServer};

/// Unix time in milliseconds: the relay is the host, so it reads the clock
/// and passes it in.
#[allow(clippy::disallowed_methods)]
pub fn now_ms() -> Millis {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as Millis)
}

/// Locks, recovering the data if a holder panicked (it cannot leave the
/// state half-updated in a way that matters more than stopping would).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// How many messages a TCP or WebSocket client's outbound queue holds
/// (~150 KB of full-size packets): enough for bursts, small enough that a
/// client slower than its peer sees loss within tens of milliseconds. At
/// 1024, data channel pings waited ~1 s behind a transfer to a busy page.
pub const CLIENT_QUEUE: usize = 128;

/// Whether a message to a client carries a peer's datagram (ChannelData or
/// a Data indication, RFC 8656 §11.4, §12.5) rather than a STUN response,
/// which is never dropped.
fn is_relayed_data(bytes: &[u8]) -> bool {
    const DATA_INDICATION: [u8; 2] = [0x00, 0x17];
    wasmrtc::stun::is_channel_data(bytes) || bytes.get(..2) == Some(&DATA_INDICATION[..])
}

struct RelaySocket {
    sock: Arc<UdpSocket>,
    reader: AbortHandle,
}

/// Everything the tasks share.
pub struct Shared {
    pub core: Mutex<TurnServer>,
    relays: Mutex<HashMap<SocketAddr, RelaySocket>>,
    /// Writers of stream connections (TCP, WebSocket), by connection id.
    conns: Mutex<HashMap<u64, mpsc::Sender<Vec<u8>>>>,
    udp: Mutex<Option<Arc<UdpSocket>>>,
    next_conn: AtomicU64,
    pub open_conns: AtomicUsize,
    port_cursor: Mutex<u16>,
    pub args: Args,
    pub shutdown: watch::Receiver<bool>,
}

/// A stream connection's registration; dropping it unregisters and
/// releases the connection's allocations.
pub struct ConnGuard {
    shared: Arc<Shared>,
    pub id: u64,
    transport: Transport,
}

impl Drop for ConnGuard {
    fn drop(&mut self) {
        lock(&self.shared.conns).remove(&self.id);
        self.shared.open_conns.fetch_sub(1, Ordering::Relaxed);
        let mut out = Vec::new();
        lock(&self.shared.core).handle_disconnect(self.transport, self.id, &mut out);
        let shared = self.shared.clone();
        if !out.is_empty() {
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move { shared.dispatch(out).await });
            }
        }
    }
}

fn udp_socket(addr: SocketAddr) -> io::Result<UdpSocket> {
    let s = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    // Large buffers: bursts (turnutils_uclient sends many at once) must not
    // be dropped by the kernel.
    let _ = s.set_recv_buffer_size(4 << 20);
    let _ = s.set_send_buffer_size(4 << 20);
    s.set_nonblocking(true)?;
    s.bind(&addr.into())?;
    UdpSocket::from_std(s.into())
}

impl Shared {
    pub fn new(core: TurnServer, args: Args, shutdown: watch::Receiver<bool>) -> Arc<Shared> {
        let start = args.min_port;
        Arc::new(Shared {
            core: Mutex::new(core),
            relays: Mutex::new(HashMap::new()),
            conns: Mutex::new(HashMap::new()),
            udp: Mutex::new(None),
            next_conn: AtomicU64::new(1),
            open_conns: AtomicUsize::new(0),
            port_cursor: Mutex::new(start),
            args,
            shutdown,
        })
    }

    /// Registers a stream connection's writer, or refuses when at the limit.
    pub fn register(self: &Arc<Self>, transport: Transport, tx: mpsc::Sender<Vec<u8>>) -> Option<ConnGuard> {
        if self.open_conns.fetch_add(1, Ordering::Relaxed) >= self.args.max_connections {
            self.open_conns.fetch_sub(1, Ordering::Relaxed);
            return None;
        }
        let id = self.next_conn.fetch_add(1, Ordering::Relaxed);
        lock(&self.conns).insert(id, tx);
        Some(ConnGuard { shared: self.clone(), id, transport })
    }

    /// One message from a client flow, on any transport.
    pub async fn client_message(self: &Arc<Self>, from: ClientKey, bytes: &[u8]) {
        let mut out = Vec::new();
        {
            let mut ports = Binder { shared: self };
            lock(&self.core).handle_client(from, bytes, now_ms(), &mut ports, &mut out);
        }
        self.dispatch(out).await;
    }

    pub async fn dispatch(&self, outs: Vec<Output>) {
        for o in outs {
            match o {
                Output::ToClient { to, bytes } => match to.transport {
                    Transport::Udp => {
                        let udp = lock(&self.udp).clone();
                        if let Some(u) = udp {
                            let _ = u.send_to(&bytes, to.addr).await;
                        }
                    }
                    Transport::Tcp | Transport::WebSocket => {
                        let Some(tx) = lock(&self.conns).get(&to.conn).cloned() else { continue };
                        if is_relayed_data(&bytes) {
                            // A full queue drops, as a router's would: the
                            // peers' congestion control sees loss instead
                            // of a queue that grows to seconds.
                            if let Err(mpsc::error::TrySendError::Full(_)) = tx.try_send(bytes) {
                                lock(&self.core).stats.queue_drops += 1;
                            }
                        } else {
                            let _ = tx.send(bytes).await;
                        }
                    }
                },
                Output::ToPeer { relay, peer, bytes } => {
                    let sock = lock(&self.relays).get(&relay).map(|r| r.sock.clone());
                    if let Some(s) = sock {
                        let _ = s.send_to(&bytes, peer).await;
                    }
                }
                Output::Release { relay } => {
                    if let Some(r) = lock(&self.relays).remove(&relay) {
                        r.reader.abort();
                    }
                }
            }
        }
    }

    /// Releases every allocation (shutdown).
    pub async fn release_all(&self) {
        let mut out = Vec::new();
        lock(&self.core).release_all(&mut out);
        self.dispatch(out).await;
    }
}

/// Binds relayed ports in `--min-port..=--max-port` for the core.
struct Binder<'a> {
    shared: &'a Arc<Shared>,
}

impl RelayPorts for Binder<'_> {
    fn bind(&mut self, want: PortRequest) -> Option<SocketAddr> {
        let (min, max) = (self.shared.args.min_port, self.shared.args.max_port.max(self.shared.args.min_port));
        let span = u32::from(max - min) + 1;
        let ip = self.shared.args.relay_ip();
        let mut cursor = lock(&self.shared.port_cursor);
        let tries = if let PortRequest::Exact(_) = want { 1 } else { span.min(512) };
        for _ in 0..tries {
            let port = match want {
                PortRequest::Exact(p) if (min..=max).contains(&p) => p,
                PortRequest::Exact(_) => return None,
                _ => {
                    let p = *cursor;
                    *cursor = if *cursor >= max { min } else { *cursor + 1 };
                    p
                }
            };
            if want == PortRequest::Even && port % 2 != 0 {
                continue;
            }
            let addr = SocketAddr::new(ip, port);
            let Ok(sock) = udp_socket(addr) else { continue };
            let sock = Arc::new(sock);
            let shared = self.shared.clone();
            let reader_sock = sock.clone();
            let task = tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                loop {
                    let Ok((n, peer)) = reader_sock.recv_from(&mut buf).await else { continue };
                    let mut out = Vec::new();
                    lock(&shared.core).handle_peer(addr, peer, &buf[..n], now_ms(), &mut out);
                    shared.dispatch(out).await;
                }
            });
            lock(&self.shared.relays).insert(addr, RelaySocket { sock, reader: task.abort_handle() });
            return Some(addr);
        }
        None
    }
}

/// The UDP listener: one socket, every client flow keyed by its address.
pub async fn bind_udp(shared: &Arc<Shared>, addr: SocketAddr) -> io::Result<SocketAddr> {
    let sock = Arc::new(udp_socket(addr)?);
    let local = sock.local_addr()?;
    *lock(&shared.udp) = Some(sock.clone());
    let shared = shared.clone();
    tokio::spawn(async move {
        let mut buf = vec![0u8; 65536];
        loop {
            let (n, from) = match sock.recv_from(&mut buf).await {
                Ok(x) => x,
                Err(_) => continue, // ICMP errors surface here on Linux
            };
            let key = ClientKey { transport: Transport::Udp, conn: 0, addr: from };
            shared.client_message(key, &buf[..n]).await;
        }
    });
    Ok(local)
}

/// The TCP listener (RFC 8656 §3.1, framing §12.5).
pub async fn bind_tcp(shared: &Arc<Shared>, addr: SocketAddr) -> io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let shared = shared.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, from)) = listener.accept().await else { continue };
            let shared = shared.clone();
            tokio::spawn(async move { tcp_connection(shared, stream, from).await });
        }
    });
    Ok(local)
}

async fn tcp_connection(shared: Arc<Shared>, stream: TcpStream, from: SocketAddr) {
    let _ = stream.set_nodelay(true);
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(CLIENT_QUEUE);
    let Some(guard) = shared.register(Transport::Tcp, tx) else {
        tracing::warn!(client = %from, "TCP connection refused: --max-connections reached");
        return;
    };
    let key = ClientKey { transport: Transport::Tcp, conn: guard.id, addr: from };
    let (mut rd, mut wr) = stream.into_split();
    let writer = tokio::spawn(async move {
        // Coalesce what is queued into one write.
        let mut batch = Vec::with_capacity(128 * 1024);
        while let Some(b) = rx.recv().await {
            batch.clear();
            batch.extend_from_slice(&b);
            while batch.len() < 64 * 1024 {
                match rx.try_recv() {
                    Ok(more) => batch.extend_from_slice(&more),
                    Err(_) => break,
                }
            }
            if wr.write_all(&batch).await.is_err() {
                break;
            }
        }
    });
    let mut shutdown = shared.shutdown.clone();
    let mut buf: Vec<u8> = Vec::with_capacity(65536 + 20);
    let mut chunk = vec![0u8; 65536];
    'conn: loop {
        let n = tokio::select! {
            r = rd.read(&mut chunk) => match r { Ok(0) | Err(_) => break, Ok(n) => n },
            _ = shutdown.changed() => break,
        };
        buf.extend_from_slice(&chunk[..n]);
        loop {
            match framing::next_message_len(&buf) {
                Ok(Some(len)) => {
                    let msg: Vec<u8> = buf.drain(..len).collect();
                    shared.client_message(key, &msg).await;
                }
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(client = %from, error = %e, "closing TCP connection: bytes are neither STUN nor ChannelData");
                    break 'conn;
                }
            }
        }
    }
    drop(guard);
    writer.abort();
}

/// Runs the expiry timer until shutdown.
pub fn spawn_timer(shared: &Arc<Shared>) {
    let shared = shared.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(500));
        loop {
            tick.tick().await;
            let mut out = Vec::new();
            lock(&shared.core).handle_timeout(now_ms(), &mut out);
            shared.dispatch(out).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::is_relayed_data;

    #[test]
    fn only_peer_datagrams_may_be_dropped() {
        // ChannelData on channel 0x4000 with 4 bytes of data.
        assert!(is_relayed_data(&[0x40, 0x00, 0x00, 0x04, 1, 2, 3, 4]));
        // A Data indication's header; an Allocate success response's.
        assert!(is_relayed_data(&[0x00, 0x17, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]));
        assert!(!is_relayed_data(&[0x01, 0x03, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]));
        assert!(!is_relayed_data(&[]));
    }
}

//! A small TURN test client over UDP, TCP or WebSocket, and helpers to run
//! a relay in-process on 127.0.0.1 ephemeral ports.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio_tungstenite::tungstenite::Message as Ws;
use wasmrtc::stun::integrity::IntegrityAlgorithm;
use wasmrtc::stun::{framing, long_term_key, Attribute, ChannelData, Class, Message, Method};
use wasmrtc_relay::config::Args;
use wasmrtc_relay::server::Relay;

pub const WAIT: Duration = Duration::from_secs(3);

/// Starts a relay on ephemeral ports with `extra` flags after the defaults.
pub async fn relay(extra: &[&str]) -> Relay {
    let mut argv: Vec<String> = "wasmrtc-relay --listening-ip 127.0.0.1 --listening-port 0 --http-port 0 --relay-ip 127.0.0.1 --min-port 40000 --max-port 48000 --realm wasmrtc --user alice:secret --allow-loopback-peers"
        .split(' ')
        .map(String::from)
        .collect();
    argv.extend(extra.iter().map(|s| s.to_string()));
    Relay::start(Args::load(argv).unwrap()).await.unwrap()
}

pub enum Conn {
    Udp(UdpSocket, SocketAddr),
    Tcp(TcpStream, Vec<u8>),
    Ws(Box<tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>>),
}

impl Conn {
    pub async fn udp(server: SocketAddr) -> Conn {
        Conn::Udp(UdpSocket::bind("127.0.0.1:0").await.unwrap(), server)
    }
    pub async fn tcp(server: SocketAddr) -> Conn {
        Conn::Tcp(TcpStream::connect(server).await.unwrap(), Vec::new())
    }
    pub async fn ws(http: SocketAddr) -> Conn {
        let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{http}/turn")).await.unwrap();
        Conn::Ws(Box::new(ws))
    }
    pub async fn send(&mut self, b: &[u8]) {
        match self {
            Conn::Udp(s, to) => {
                s.send_to(b, *to).await.unwrap();
            }
            Conn::Tcp(s, _) => s.write_all(b).await.unwrap(),
            Conn::Ws(w) => w.send(Ws::Binary(b.to_vec().into())).await.unwrap(),
        }
    }
    /// The next message, or `None` on timeout or close.
    pub async fn recv(&mut self) -> Option<Vec<u8>> {
        tokio::time::timeout(WAIT, self.recv_inner()).await.ok().flatten()
    }
    async fn recv_inner(&mut self) -> Option<Vec<u8>> {
        match self {
            Conn::Udp(s, _) => {
                let mut b = vec![0; 65536];
                let (n, _) = s.recv_from(&mut b).await.ok()?;
                b.truncate(n);
                Some(b)
            }
            Conn::Tcp(s, buf) => loop {
                if let Ok(Some(n)) = framing::next_message_len(buf) {
                    return Some(buf.drain(..n).collect());
                }
                let mut chunk = [0u8; 4096];
                let n = s.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buf.extend_from_slice(&chunk[..n]);
            },
            Conn::Ws(w) => loop {
                match w.next().await? {
                    Ok(Ws::Binary(b)) => return Some(b.to_vec()),
                    Ok(Ws::Close(_)) | Err(_) => return None,
                    Ok(_) => continue,
                }
            },
        }
    }
    /// Whether the server closed the connection (stream transports).
    pub async fn closed(&mut self) -> bool {
        match tokio::time::timeout(WAIT, self.recv_inner()).await {
            Ok(None) => true,
            Ok(Some(_)) => false,
            Err(_) => false,
        }
    }
}

/// A TURN client session on one connection.
pub struct Client {
    pub conn: Conn,
    pub user: String,
    pub key: Vec<u8>,
    pub nonce: String,
    tid: u32,
}

impl Client {
    pub fn new(conn: Conn, user: &str, password: &str) -> Client {
        Client { conn, user: user.into(), key: long_term_key(user, "wasmrtc", password).to_vec(), nonce: String::new(), tid: 0 }
    }
    pub fn request(&mut self, method: Method, attrs: Vec<Attribute>) -> Message {
        self.tid += 1;
        let mut tid = [0x5a; 12];
        tid[..4].copy_from_slice(&self.tid.to_be_bytes());
        let mut m = Message::new(method, Class::Request, tid);
        m.attributes = attrs;
        m
    }
    /// Sends `m` unsigned and returns the reply.
    pub async fn raw(&mut self, m: &Message) -> Option<Message> {
        self.conn.send(&m.encode().unwrap()).await;
        self.reply().await
    }
    pub async fn reply(&mut self) -> Option<Message> {
        loop {
            let b = self.conn.recv().await?;
            if let Ok(m) = Message::decode(&b) {
                if m.class != Class::Indication {
                    return Some(m);
                }
            }
        }
    }
    /// Sends `m` signed (getting a nonce first if needed), retrying once on 438.
    pub async fn signed(&mut self, m: Message) -> Option<Message> {
        if self.nonce.is_empty() {
            let r = self.raw(&m).await?;
            if r.error_code().map(|e| e.code) != Some(401) {
                return Some(r);
            }
            self.nonce = r.nonce()?.to_string();
        }
        for _ in 0..2 {
            let mut s = m.clone();
            s.attributes.push(Attribute::Username(self.user.clone()));
            s.attributes.push(Attribute::Realm("wasmrtc".into()));
            s.attributes.push(Attribute::Nonce(self.nonce.clone()));
            let b = s.encode_with(Some((IntegrityAlgorithm::Sha1, &self.key)), true).unwrap();
            self.conn.send(&b).await;
            let r = self.reply().await?;
            if r.error_code().map(|e| e.code) == Some(438) {
                self.nonce = r.nonce()?.to_string();
                continue;
            }
            return Some(r);
        }
        None
    }
    pub async fn allocate(&mut self) -> Result<SocketAddr, u16> {
        let m = self.request(Method::ALLOCATE, vec![Attribute::RequestedTransport(17)]);
        let r = self.signed(m).await.ok_or(0u16)?;
        match r.error_code() {
            Some(e) => Err(e.code),
            None => Ok(r.xor_relayed_address().ok_or(1u16)?),
        }
    }
    pub async fn permit(&mut self, peer: SocketAddr) -> Result<(), u16> {
        let m = self.request(Method::CREATE_PERMISSION, vec![Attribute::XorPeerAddress(peer)]);
        let r = self.signed(m).await.ok_or(0u16)?;
        r.error_code().map_or(Ok(()), |e| Err(e.code))
    }
    pub async fn bind(&mut self, channel: u16, peer: SocketAddr) -> Result<(), u16> {
        let m = self.request(Method::CHANNEL_BIND, vec![Attribute::ChannelNumber(channel), Attribute::XorPeerAddress(peer)]);
        let r = self.signed(m).await.ok_or(0u16)?;
        r.error_code().map_or(Ok(()), |e| Err(e.code))
    }
    pub async fn send_indication(&mut self, peer: SocketAddr, data: &[u8]) {
        let m = Message::new(Method::SEND, Class::Indication, [1; 12])
            .with(Attribute::XorPeerAddress(peer))
            .with(Attribute::Data(data.to_vec()));
        self.conn.send(&m.encode().unwrap()).await;
    }
    pub async fn channel_data(&mut self, channel: u16, data: &[u8]) {
        let pad = matches!(self.conn, Conn::Tcp(..));
        self.conn.send(&ChannelData { channel, data }.encode(pad).unwrap()).await;
    }
    /// The next data from a peer: (peer if by Data indication, data).
    pub async fn data(&mut self) -> Option<(Option<SocketAddr>, Vec<u8>)> {
        loop {
            let b = self.conn.recv().await?;
            if let Ok(cd) = ChannelData::decode(&b) {
                return Some((None, cd.data.to_vec()));
            }
            if let Ok(m) = Message::decode(&b) {
                if m.method == Method::DATA && m.class == Class::Indication {
                    return Some((m.xor_peer_addresses().next(), m.data()?.to_vec()));
                }
            }
        }
    }
}

/// A UDP echo peer on 127.0.0.1.
pub async fn echo_peer() -> SocketAddr {
    let s = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let a = s.local_addr().unwrap();
    tokio::spawn(async move {
        let mut b = vec![0; 65536];
        while let Ok((n, from)) = s.recv_from(&mut b).await {
            let _ = s.send_to(&b[..n], from).await;
        }
    });
    a
}

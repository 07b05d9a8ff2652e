//! Our data channel engine against an independent SCTP stack: sctp-proto
//! (webrtc-rs's sans-IO SCTP), with DCEP written out by hand on its side
//! from RFC 8832 §5. Our side is the SCTP client (it sends INIT) and the
//! SCTP server, with either DTLS role; channels are opened from both sides,
//! messages of every PPID and several sizes cross both ways through a
//! lossy, reordering network, and closing by stream reset (RFC 8831 §6.7)
//! completes on both sides.

// Native only: sctp-proto reads std::time.
#![cfg(not(target_arch = "wasm32"))]

mod datachannel_common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use sctp_proto::{
    Association, AssociationHandle, ClientConfig, DatagramEvent, Endpoint, EndpointConfig, Event, Payload,
    PayloadProtocolIdentifier as Ppi, ReliabilityType, ServerConfig, StreamEvent, TransportConfig,
};

use datachannel_common::{config, LOSSY};
use wasmrtc::datachannel::{ChannelId, ChannelInit, DataChannelEvent, DataChannels, MAX_MESSAGE_SIZE};
use wasmrtc::jsep::DtlsRole;
use wasmrtc::random::Random;
use wasmrtc::time::Instant;
use wasmrtc_sim::net::{Impairments, Network};

/// The sctp-proto peer: its endpoint, its association once there is one,
/// and what it read, by stream.
struct Proto {
    endpoint: Endpoint,
    association: Option<(AssociationHandle, Association)>,
    /// sctp-proto's clock: our virtual time added to a real instant.
    base: std::time::Instant,
    connected: bool,
    received: HashMap<u16, Vec<(Ppi, Vec<u8>)>>,
    /// Streams reset by us (Finished), and resets it completed.
    finished: Vec<u16>,
    reset_complete: Vec<u16>,
    /// Writes held until its side of the handshake completes: our COOKIE
    /// ACK may be lost while our DATA arrives, and sctp-proto 0.10.8 then
    /// refuses the write yet spends the stream sequence number, which
    /// stalls the stream for any receiver.
    pending: Vec<(u16, Ppi, Vec<u8>)>,
}

fn transport() -> Arc<TransportConfig> {
    Arc::new(
        TransportConfig::default()
            .with_max_send_message_size(MAX_MESSAGE_SIZE as u32).with_max_receive_message_size(MAX_MESSAGE_SIZE as u32)
            .with_max_receive_buffer_size(4 * 1024 * 1024),
    )
}

fn peer_addr() -> SocketAddr {
    "127.0.0.1:5000".parse().unwrap()
}

impl Proto {
    /// As SCTP server (it waits for our INIT) or client (it sends INIT).
    fn new(server: bool) -> Proto {
        // sctp-proto takes std Instants; its origin is arbitrary, the rest
        // of its time is our virtual clock.
        #[allow(clippy::disallowed_methods)]
        let base = std::time::Instant::now();
        let server_config = server.then(|| {
            let mut config = ServerConfig::new();
            config.transport = transport();
            Arc::new(config)
        });
        let mut proto = Proto {
            endpoint: Endpoint::new(Arc::new(EndpointConfig::new()), server_config),
            association: None,
            base,
            connected: false,
            received: HashMap::new(),
            finished: Vec::new(),
            reset_complete: Vec::new(),
            pending: Vec::new(),
        };
        if !server {
            let mut config = ClientConfig::new();
            config.transport = transport();
            proto.association = Some(proto.endpoint.connect(config, peer_addr()).expect("connect"));
        }
        proto
    }

    fn time(&self, now: Instant) -> std::time::Instant {
        self.base + Duration::from_micros(now.as_micros())
    }

    fn assoc(&mut self) -> &mut Association {
        &mut self.association.as_mut().expect("an association").1
    }

    fn handle_packet(&mut self, now: Instant, packet: &[u8]) {
        let t = self.time(now);
        let Some((handle, event)) = self.endpoint.handle(t, peer_addr(), None, None, Bytes::copy_from_slice(packet))
        else {
            return;
        };
        match event {
            DatagramEvent::NewAssociation(association) => self.association = Some((handle, association)),
            DatagramEvent::AssociationEvent(event) => {
                if let Some((_, association)) = self.association.as_mut() {
                    association.handle_event(event);
                }
            }
        }
        self.process();
    }

    fn handle_timeout(&mut self, now: Instant) {
        let t = self.time(now);
        if let Some((_, association)) = self.association.as_mut() {
            association.handle_timeout(t);
        }
        self.process();
    }

    fn poll_timeout(&self) -> Option<Instant> {
        let (_, association) = self.association.as_ref()?;
        let t = association.poll_timeout()?;
        // Rounded up: handling it a microsecond early would fire nothing.
        Some(Instant::from_micros(t.saturating_duration_since(self.base).as_nanos().div_ceil(1000) as u64))
    }

    fn poll_transmits(&mut self, now: Instant) -> Vec<Vec<u8>> {
        let t = self.time(now);
        let mut out = Vec::new();
        while let Some(transmit) = self.endpoint.poll_transmit() {
            if let Payload::RawEncode(packets) = transmit.payload {
                out.extend(packets.iter().map(|p| p.to_vec()));
            }
        }
        if let Some((_, association)) = self.association.as_mut() {
            while let Some(transmit) = association.poll_transmit(t) {
                if let Payload::RawEncode(packets) = transmit.payload {
                    out.extend(packets.iter().map(|p| p.to_vec()));
                }
            }
        }
        out
    }

    /// Association events: connection, streams the peer opened, readable
    /// data (DCEP answered here), resets.
    fn process(&mut self) {
        let Some((handle, association)) = self.association.as_mut() else { return };
        let handle = *handle;
        while let Some(event) = association.poll_endpoint_event() {
            if let Some(back) = self.endpoint.handle_event(handle, event) {
                association.handle_event(back);
            }
        }
        let mut readable = Vec::new();
        while let Some(event) = association.poll() {
            match event {
                Event::Connected => self.connected = true,
                Event::Stream(StreamEvent::Readable { id }) => readable.push(id),
                Event::Stream(StreamEvent::Finished { id }) => self.finished.push(id),
                Event::Stream(StreamEvent::ResetComplete { id }) => self.reset_complete.push(id),
                _ => {}
            }
        }
        while association.accept_stream().is_some() {}
        for id in readable {
            while let Ok(Some(chunks)) = association.stream(id).and_then(|mut s| s.read_sctp()) {
                let mut buf = vec![0; chunks.len()];
                let n = chunks.read(&mut buf).expect("read");
                buf.truncate(n);
                if chunks.ppi == Ppi::Dcep && buf.first() == Some(&0x03) {
                    // DATA_CHANNEL_OPEN (RFC 8832 §5.1): take the channel
                    // type, answer DATA_CHANNEL_ACK (§5.2).
                    let unordered = buf[1] & 0x80 != 0;
                    let param = u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]);
                    let kind = ReliabilityType::from(buf[1] & 0x7f);
                    let mut stream = association.stream(id).expect("stream");
                    stream.set_reliability_params(unordered, kind, param).expect("reliability");
                    self.pending.push((id, Ppi::Dcep, vec![0x02]));
                }
                self.received.entry(id).or_default().push((chunks.ppi, buf));
            }
        }
        self.write_pending();
    }

    fn write_pending(&mut self) {
        if !self.connected {
            return;
        }
        let Some((_, association)) = self.association.as_mut() else { return };
        let pending = std::mem::take(&mut self.pending);
        let mut blocked = false;
        for (id, ppi, data) in pending {
            // Keep the order: once one write is refused (its send buffer is
            // full), the rest wait too.
            blocked = blocked
                || association.stream(id).and_then(|mut s| s.write_sctp(&Bytes::from(data.clone()), ppi)).is_err();
            if blocked {
                self.pending.push((id, ppi, data));
            }
        }
    }

    /// Opens a channel in-band: DATA_CHANNEL_OPEN by hand (RFC 8832 §5.1),
    /// reliable and ordered, priority 256.
    fn open_channel(&mut self, id: u16, label: &str) {
        let mut open = vec![0x03, 0x00, 0x01, 0x00, 0, 0, 0, 0];
        open.extend_from_slice(&(label.len() as u16).to_be_bytes());
        open.extend_from_slice(&0u16.to_be_bytes());
        open.extend_from_slice(label.as_bytes());
        let mut stream = self.assoc().open_stream(id, Ppi::Dcep).expect("open_stream");
        stream.write_sctp(&Bytes::from(open), Ppi::Dcep).expect("OPEN");
    }

    fn send(&mut self, id: u16, ppi: Ppi, data: &[u8]) {
        self.pending.push((id, ppi, data.to_vec()));
        self.write_pending();
    }
}

/// The two ends of the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum End {
    Ours,
    Proto,
}

/// Our engine, the sctp-proto peer and a lossy link, in virtual time.
struct Link {
    ours: DataChannels,
    events: Vec<DataChannelEvent>,
    proto: Proto,
    now: Instant,
    net: Network<End>,
}

impl Link {
    fn new(dtls_role: DtlsRole, proto_is_sctp_server: bool, net: Impairments, seed: u64) -> Link {
        let now = Instant::from_micros(1_000_000);
        let ours = DataChannels::new(config(dtls_role), &mut Random::from_seed([seed as u8; 32]), now);
        Link {
            ours,
            events: Vec::new(),
            proto: Proto::new(proto_is_sctp_server),
            now,
            net: Network::new(seed, net),
        }
    }

    fn flush(&mut self) {
        let mut out: Vec<(bool, Vec<u8>)> = Vec::new();
        while let Some(p) = self.ours.poll_transmit() {
            out.push((true, p));
        }
        out.extend(self.proto.poll_transmits(self.now).into_iter().map(|p| (false, p)));
        for (to_proto, packet) in out {
            let (from, to) = if to_proto { (End::Ours, End::Proto) } else { (End::Proto, End::Ours) };
            self.net.send(self.now, from, to, packet);
        }
        while let Some(e) = self.ours.poll_event() {
            self.events.push(e);
        }
    }

    fn step(&mut self) {
        self.flush();
        let net = self.net.next_delivery();
        let Some(next) = [net, self.ours.poll_timeout(), self.proto.poll_timeout()].into_iter().flatten().min()
        else {
            return;
        };
        self.now = self.now.max(next);
        let now = self.now;
        while let Some(packet) = self.net.poll(now) {
            if packet.to == End::Proto {
                self.proto.handle_packet(now, &packet.data);
            } else {
                self.ours.handle_sctp_packet(now, &packet.data);
            }
            self.flush();
        }
        if self.ours.poll_timeout().is_some_and(|t| t <= now) {
            self.ours.handle_timeout(now);
        }
        if self.proto.poll_timeout().is_some_and(|t| t <= now) {
            self.proto.handle_timeout(now);
        }
        self.flush();
    }

    fn run_until(&mut self, limit: Duration, mut done: impl FnMut(&mut Link) -> bool) -> bool {
        let end = self.now + limit;
        let mut steps = 0u32;
        while !done(self) {
            steps += 1;
            if self.now >= end {
                return false;
            }
            assert!(steps < 1_000_000, "virtual time stopped at {:?}", self.now);
            self.step();
        }
        true
    }

    fn messages(&self, id: ChannelId) -> Vec<(bool, Vec<u8>)> {
        self.events
            .iter()
            .filter_map(|e| match e {
                DataChannelEvent::Message { id: i, binary, data } if *i == id => Some((*binary, data.clone())),
                _ => None,
            })
            .collect()
    }
}

/// The messages each side sends: (binary, bytes).
fn payloads() -> Vec<(bool, Vec<u8>)> {
    vec![
        (false, b"hello".to_vec()),
        (false, Vec::new()),
        (true, Vec::new()),
        (true, vec![7]),
        (false, "ünïcödé ✓".as_bytes().to_vec()),
        (true, (0..65536).map(|i| (i % 253) as u8).collect()),
        (true, (0..MAX_MESSAGE_SIZE as usize).map(|i| (i % 241) as u8).collect()),
    ]
}

fn ppi_of(binary: bool, data: &[u8]) -> (Ppi, Vec<u8>) {
    match (binary, data.is_empty()) {
        (false, false) => (Ppi::String, data.to_vec()),
        (true, false) => (Ppi::Binary, data.to_vec()),
        (false, true) => (Ppi::StringEmpty, vec![0]),
        (true, true) => (Ppi::BinaryEmpty, vec![0]),
    }
}

fn exchange(dtls_role: DtlsRole, proto_is_sctp_server: bool, net: Impairments, seed: u64) {
    let mut link = Link::new(dtls_role, proto_is_sctp_server, net, seed);
    // Ours, created before the association exists.
    let ours = link.ours.create_channel(ChannelInit { label: "from-wasmrtc".into(), ..Default::default() }).unwrap();
    let our_sid = link.ours.stream_id(ours).unwrap();
    assert_eq!(our_sid % 2, if dtls_role == DtlsRole::Client { 0 } else { 1 });
    if proto_is_sctp_server {
        link.ours.connect(link.now);
    }
    assert!(link.run_until(Duration::from_secs(60), |l| l.proto.connected && l.events.contains(&DataChannelEvent::ChannelOpen(ours))));

    // The peer's channel, on an id of its parity.
    let proto_sid = if dtls_role == DtlsRole::Client { 1 } else { 0 };
    link.proto.open_channel(proto_sid, "from-sctp-proto");
    assert!(link.run_until(Duration::from_secs(30), |l| l.events.iter().any(
        |e| matches!(e, DataChannelEvent::ChannelCreatedByPeer { channel, .. } if channel.label == "from-sctp-proto")
    )));
    let theirs = link
        .events
        .iter()
        .find_map(|e| match e {
            DataChannelEvent::ChannelCreatedByPeer { id, channel } if channel.stream_id == proto_sid => Some(*id),
            _ => None,
        })
        .unwrap();
    // Our DATA_CHANNEL_OPEN reached it, and our ACK too.
    assert!(link.run_until(Duration::from_secs(30), |l| {
        l.proto.received.get(&proto_sid).is_some_and(|m| m.first() == Some(&(Ppi::Dcep, vec![0x02])))
            && l.proto.received.contains_key(&our_sid)
    }));
    let open = &link.proto.received[&our_sid][0];
    assert_eq!(open.0, Ppi::Dcep);
    assert_eq!(&open.1[12..], b"from-wasmrtc", "label after the 12-byte header");

    // Messages both ways, on both channels.
    for (binary, data) in payloads() {
        link.ours.send(link.now, ours, binary, &data).unwrap();
        link.ours.send(link.now, theirs, binary, &data).unwrap();
        let (ppi, bytes) = ppi_of(binary, &data);
        link.proto.send(our_sid, ppi, &bytes);
        link.proto.send(proto_sid, ppi, &bytes);
        link.flush();
    }
    let n = payloads().len();
    let arrived = link.run_until(Duration::from_secs(300), |l| {
        l.messages(ours).len() == n
            && l.messages(theirs).len() == n
            && [our_sid, proto_sid].iter().all(|s| l.proto.received.get(s).map_or(0, Vec::len) == n + 1)
    });
    assert!(arrived, "all messages arrived");
    assert_eq!(link.messages(ours), payloads());
    assert_eq!(link.messages(theirs), payloads());
    for sid in [our_sid, proto_sid] {
        let got: Vec<(Ppi, Vec<u8>)> = link.proto.received[&sid].iter().skip(1).cloned().collect();
        let want: Vec<(Ppi, Vec<u8>)> = payloads().iter().map(|(b, d)| ppi_of(*b, d)).collect();
        assert_eq!(got, want, "sctp-proto got our PPIDs and bytes on stream {sid}");
    }

    // We close ours: sctp-proto sees the reset, resets its side, and we close.
    link.ours.close_channel(link.now, ours);
    assert!(link.run_until(Duration::from_secs(60), |l| l.events.contains(&DataChannelEvent::ChannelClosed(ours))));
    assert!(link.proto.finished.contains(&our_sid));
    // sctp-proto closes its channel: we see closing, then closed.
    link.proto.assoc().stream(proto_sid).unwrap().close().unwrap();
    assert!(link.run_until(Duration::from_secs(60), |l| l.events.contains(&DataChannelEvent::ChannelClosed(theirs))));
    let closing = link.events.iter().position(|e| *e == DataChannelEvent::ChannelClosing(theirs)).expect("closing");
    let closed = link.events.iter().position(|e| *e == DataChannelEvent::ChannelClosed(theirs)).unwrap();
    assert!(closing < closed);
    assert!(link.run_until(Duration::from_secs(60), |l| l.proto.reset_complete.contains(&proto_sid)));
    assert!(!link.events.iter().any(|e| matches!(e, DataChannelEvent::ChannelError(..))));
    assert!(!link.ours.uses_zero_checksum(), "sctp-proto does not offer RFC 9653: CRC32c stays");
}

#[test]
fn we_are_sctp_client_and_dtls_client() {
    exchange(DtlsRole::Client, true, LOSSY, 21);
}

#[test]
fn we_are_sctp_client_and_dtls_server() {
    exchange(DtlsRole::Server, true, LOSSY, 22);
}

#[test]
fn we_are_sctp_server_and_dtls_client() {
    exchange(DtlsRole::Client, false, LOSSY, 23);
}

#[test]
fn we_are_sctp_server_and_dtls_server() {
    exchange(DtlsRole::Server, false, LOSSY, 24);
}

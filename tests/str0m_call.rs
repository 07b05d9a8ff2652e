//! A whole call between our PeerConnection and str0m 0.24 (another sans-IO
//! WebRTC stack, on its RustCrypto backend), in virtual time: SDP offer and
//! answer (RFC 8829) in both directions, ICE (RFC 8445) from our relayed
//! candidate through the relay's TURN server to str0m's host candidate,
//! DTLS 1.2 in both roles (a=setup, RFC 8842 §5), SRTP
//! keyed from it with each profile (RFC 5764 §4.1.2: AES_CM_128_HMAC_SHA1_80,
//! and AEAD_AES_128_GCM of RFC 7714), and Opus (RFC 7587) and VP8 (RFC 7741)
//! frames both ways through both stacks' packetizers and depacketizers,
//! compared byte for byte with their RTP timestamps.
//!
//! Our peer talks TURN over a tunnel to the relay's sans-IO TurnServer; the
//! relayed UDP to str0m's socket crosses tests/sim's network. Signaling is
//! in-process: str0m writes its candidates into its SDP, ours trickle.

// Native only: str0m reads std::time and links its certificate generator natively.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::time::Duration;

use str0m::change::{SdpAnswer, SdpOffer, SdpPendingOffer};
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaKind as Str0mKind, MediaTime, Mid};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate as Str0mCandidate, Event, Input, Output as Str0mOutput, Rtc};
use wasmrtc::dtls::SrtpProfile;
use wasmrtc::ice::TunnelId;
use wasmrtc::jsep::{BundlePolicy, MediaKind, OfferOptions, SdpType, TransceiverDirection, TransceiverId};
use wasmrtc::peer::{Output, PeerConfig, PeerConnection, PeerConnectionState, PeerEvent, Relay};
use wasmrtc::random::Random;
use wasmrtc::time::Instant;
use wasmrtc_relay::turn::{self, ClientKey, PortRequest, RelayPorts, TurnServer};
use wasmrtc_sim::net::{Impairments, Network};
use wasmrtc_sim::pair::{certificate, turn_server, RELAY_URL, UNIX_T0_MS, USERS};

/// str0m's UDP socket.
const STR0M_ADDR: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 6000);
/// The tunnel (a WebSocket) and the relayed UDP, one way.
const TUNNEL_DELAY: Duration = Duration::from_millis(20);
const UDP_DELAY: Duration = Duration::from_millis(10);
/// Every call ends by this much virtual time, so a broken one fails.
const LIMIT: Duration = Duration::from_secs(30);

/// The endpoints of the simulated network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum End {
    /// Our end of tunnel connection `n`, and the relay's.
    Client(u64),
    Server(u64),
    /// A UDP address: the relay's allocations, str0m's socket.
    Udp(SocketAddr),
}

/// The relay's allocations, 127.0.0.1:50001 on.
#[derive(Default)]
struct Ports(u16);

impl RelayPorts for Ports {
    fn bind(&mut self, _want: PortRequest) -> Option<SocketAddr> {
        self.0 += 1;
        Some(SocketAddr::from(([127, 0, 0, 1], 50_000 + self.0)))
    }
}

/// One frame as a stack sent or received it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Frame {
    rtp_timestamp: u32,
    data: Vec<u8>,
}

/// Who makes the offer. str0m answers an offer's a=setup:actpass with
/// passive, so we are the DTLS client when we offer; answering str0m we are
/// the client (a=setup:active, as Chromium answers) or, with our answer
/// edited to a=setup:passive before we apply it (Chromium applies such an
/// edit too), the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Offerer {
    Wasmrtc,
    Str0m { we_answer_passive: bool },
}

impl Offerer {
    /// Our DTLS role, as getStats names it.
    fn our_dtls_role(self) -> &'static str {
        if self == (Offerer::Str0m { we_answer_passive: true }) {
            "server"
        } else {
            "client"
        }
    }
}

struct Call {
    now: Instant,
    net: Network<End>,
    server: TurnServer,
    ports: Ports,
    ours: PeerConnection,
    our_timeout: Option<Instant>,
    our_events: Vec<PeerEvent>,
    /// Open tunnels: tunnel → connection, and back.
    tunnels: HashMap<TunnelId, u64>,
    conns: HashMap<u64, TunnelId>,
    next_conn: u64,
    /// Tunnels that finish their WebSocket handshake at a time.
    opening: BTreeMap<Instant, Vec<(TunnelId, u64)>>,
    rtc: Rtc,
    /// str0m's clock: our virtual time added to a real instant.
    base: std::time::Instant,
    rtc_timeout: Instant,
    rtc_events: Vec<Event>,
    /// The offerer's m-lines as str0m names them: (audio, video).
    mids: (Mid, Mid),
}

impl Call {
    /// Our peer with `profile` only, str0m with its defaults, negotiated by
    /// `offerer` with one audio and one video m-line, sendrecv.
    fn negotiate(offerer: Offerer, profile: SrtpProfile, seed: u8) -> Call {
        // str0m takes std Instants; its origin is arbitrary, the rest of
        // its time is our virtual clock.
        #[allow(clippy::disallowed_methods)]
        let base = std::time::Instant::now();
        let (username, credential) = USERS[0];
        let config = PeerConfig {
            bundle_policy: BundlePolicy::Balanced,
            certificate: certificate(seed),
            relays: vec![Relay { url: RELAY_URL.into(), username: username.into(), credential: credential.into() }],
        };
        let mut ours = PeerConnection::new(config, Random::from_seed([seed; 32]));
        ours.set_srtp_profiles(vec![profile]);
        // Stats events carry the round-trip time str0m takes from our receiver reports.
        let mut rtc = Rtc::builder().set_stats_interval(Some(Duration::from_millis(500))).build(base);
        rtc.add_local_candidate(Str0mCandidate::host(STR0M_ADDR, "udp").expect("a host candidate"));
        let mut call = Call {
            now: Instant::ZERO,
            net: Network::new(u64::from(seed), Impairments::reliable(UDP_DELAY)),
            server: turn_server(),
            ports: Ports::default(),
            ours,
            our_timeout: None,
            our_events: Vec::new(),
            tunnels: HashMap::new(),
            conns: HashMap::new(),
            next_conn: 0,
            opening: BTreeMap::new(),
            rtc,
            base,
            rtc_timeout: Instant::ZERO,
            rtc_events: Vec::new(),
            mids: (Mid::from("none"), Mid::from("none")),
        };
        call.drain_rtc();
        match offerer {
            Offerer::Wasmrtc => call.wasmrtc_offers(),
            Offerer::Str0m { we_answer_passive } => call.str0m_offers(we_answer_passive),
        }
        call
    }

    fn wasmrtc_offers(&mut self) {
        let now = self.now;
        self.ours.add_track(MediaKind::Audio, "our-audio".into(), vec!["ours".into()]).unwrap();
        self.ours.add_track(MediaKind::Video, "our-video".into(), vec!["ours".into()]).unwrap();
        let offer = self.ours.create_offer(OfferOptions { ice_restart: false }).unwrap();
        self.ours.set_local_description(now, SdpType::Offer, Some(&offer)).unwrap();
        self.drain_ours();
        let offer = SdpOffer::from_sdp_string(&offer).expect("str0m parses our offer");
        let answer = self.rtc.sdp_api().accept_offer(offer).expect("str0m accepts our offer");
        self.drain_rtc();
        let mid = |kind| {
            let t = self.ours.transceivers().into_iter().find(|t| t.kind == kind).expect("a transceiver");
            Mid::from(t.mid.expect("a mid").as_str())
        };
        self.mids = (mid(MediaKind::Audio), mid(MediaKind::Video));
        self.ours
            .set_remote_description(now, SdpType::Answer, &answer.to_sdp_string())
            .expect("we take str0m's answer");
        self.drain_ours();
    }

    fn str0m_offers(&mut self, passive: bool) {
        let now = self.now;
        let mut change = self.rtc.sdp_api();
        let audio = change.add_media(Str0mKind::Audio, Direction::SendRecv, Some("str0m".into()), None, None);
        let video = change.add_media(Str0mKind::Video, Direction::SendRecv, Some("str0m".into()), None, None);
        let (offer, pending): (SdpOffer, SdpPendingOffer) = change.apply().expect("an offer");
        self.drain_rtc();
        self.mids = (audio, video);
        self.ours.set_remote_description(now, SdpType::Offer, &offer.to_sdp_string()).expect("we take str0m's offer");
        // addTrack reuses the transceivers the offer made (webrtc-pc §5.1).
        let audio = self.ours.add_track(MediaKind::Audio, "our-audio".into(), vec!["ours".into()]).unwrap();
        let video = self.ours.add_track(MediaKind::Video, "our-video".into(), vec!["ours".into()]).unwrap();
        assert_eq!(self.ours.transceivers().len(), 2, "{audio:?} {video:?} reuse the offer's transceivers");
        let mut answer = self.ours.create_answer().unwrap();
        if passive {
            assert!(answer.contains("a=setup:active\r\n"));
            answer = answer.replace("a=setup:active\r\n", "a=setup:passive\r\n");
        }
        self.ours.set_local_description(now, SdpType::Answer, Some(&answer)).unwrap();
        self.drain_ours();
        let answer = SdpAnswer::from_sdp_string(&answer).expect("str0m parses our answer");
        self.rtc.sdp_api().accept_answer(pending, answer).expect("str0m accepts our answer");
        self.drain_rtc();
    }

    fn rtc_time(&self, now: Instant) -> std::time::Instant {
        self.base + Duration::from_micros(now.as_micros())
    }

    fn server_ms(&self) -> u64 {
        UNIX_T0_MS + self.now.as_micros() / 1000
    }

    fn key(conn: u64) -> ClientKey {
        ClientKey {
            transport: turn::Transport::WebSocket,
            conn,
            addr: SocketAddr::from(([127, 0, 0, 1], 40_000 + conn as u16)),
        }
    }

    /// Our outputs: tunnels, transmits, events (candidates trickle to
    /// str0m), the next timeout.
    fn drain_ours(&mut self) {
        let now = self.now;
        self.our_timeout = None;
        while let Some(output) = self.ours.poll_output() {
            match output {
                Output::OpenTunnel { tunnel, url } => {
                    assert_eq!(url, RELAY_URL);
                    self.next_conn += 1;
                    let conn = self.next_conn;
                    self.net.set_both(End::Client(conn), End::Server(conn), Impairments::reliable(TUNNEL_DELAY));
                    // The WebSocket handshake: a round trip.
                    self.opening.entry(now + TUNNEL_DELAY * 2).or_default().push((tunnel, conn));
                }
                Output::CloseTunnel { tunnel } => {
                    if let Some(conn) = self.tunnels.remove(&tunnel) {
                        self.conns.remove(&conn);
                        let mut out = Vec::new();
                        self.server.handle_disconnect(turn::Transport::WebSocket, conn, &mut out);
                        self.server_outputs(out);
                    }
                }
                Output::Transmit { tunnel, data } => {
                    let conn = self.tunnels[&tunnel];
                    self.net.send(now, End::Client(conn), End::Server(conn), data);
                }
                Output::Event(event) => {
                    if let PeerEvent::IceCandidate { candidate, .. } = &*event {
                        let candidate = Str0mCandidate::from_sdp_string(&candidate.to_string())
                            .expect("str0m parses our candidate");
                        self.rtc.add_remote_candidate(candidate);
                        self.drain_rtc();
                    }
                    self.our_events.push(*event);
                }
                Output::Timeout(at) => self.our_timeout = Some(at),
            }
        }
    }

    /// str0m's outputs, to its next timeout (its single-mutation rule).
    fn drain_rtc(&mut self) {
        let now = self.now;
        loop {
            match self.rtc.poll_output().expect("str0m runs") {
                Str0mOutput::Timeout(at) => {
                    // Rounded up: handling it a microsecond early would fire nothing.
                    let micros = at.saturating_duration_since(self.base).as_nanos().div_ceil(1000);
                    self.rtc_timeout = Instant::from_micros(u64::try_from(micros).unwrap_or(u64::MAX));
                    return;
                }
                Str0mOutput::Transmit(t) => {
                    assert_eq!(t.source, STR0M_ADDR);
                    self.net.send(now, End::Udp(t.source), End::Udp(t.destination), t.contents.to_vec());
                }
                Str0mOutput::Event(event) => self.rtc_events.push(event),
            }
        }
    }

    fn server_outputs(&mut self, out: Vec<turn::Output>) {
        let now = self.now;
        for o in out {
            match o {
                turn::Output::ToClient { to, bytes } => {
                    if self.conns.contains_key(&to.conn) {
                        self.net.send(now, End::Server(to.conn), End::Client(to.conn), bytes);
                    }
                }
                turn::Output::ToPeer { relay, peer, bytes } => {
                    self.net.send(now, End::Udp(relay), End::Udp(peer), bytes)
                }
                turn::Output::Release { .. } => {}
            }
        }
    }

    fn server_deadline(&self) -> Option<Instant> {
        self.server.next_timeout().map(|ms| Instant::from_micros(ms.saturating_sub(UNIX_T0_MS) * 1000))
    }

    /// Advances to the earliest deadline (not past `until`) and handles
    /// everything due then; false when nothing is due by `until`.
    fn step(&mut self, until: Instant) -> bool {
        let next = [
            self.our_timeout,
            Some(self.rtc_timeout),
            self.net.next_delivery(),
            self.opening.keys().next().copied(),
            self.server_deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
        .filter(|t| *t <= until);
        let Some(next) = next else {
            self.now = self.now.max(until);
            return false;
        };
        self.now = self.now.max(next);
        let now = self.now;
        while let Some(datagram) = self.net.poll(now) {
            let server_ms = self.server_ms();
            let mut out = Vec::new();
            match (datagram.from, datagram.to) {
                (End::Client(conn), End::Server(_)) if self.conns.contains_key(&conn) => {
                    self.server.handle_client(Self::key(conn), &datagram.data, server_ms, &mut self.ports, &mut out)
                }
                (End::Server(conn), End::Client(_)) => {
                    if let Some(tunnel) = self.conns.get(&conn).copied() {
                        self.ours.handle_tunnel_message(now, tunnel, &datagram.data);
                        self.drain_ours();
                    }
                }
                (End::Udp(from), End::Udp(STR0M_ADDR)) => {
                    let contents = datagram.data.as_slice().try_into().expect("a datagram str0m can read");
                    let receive = Receive { proto: Protocol::Udp, source: from, destination: STR0M_ADDR, contents };
                    self.rtc.handle_input(Input::Receive(self.rtc_time(now), receive)).expect("str0m takes it");
                    self.drain_rtc();
                }
                (End::Udp(from), End::Udp(relay)) => {
                    self.server.handle_peer(relay, from, &datagram.data, server_ms, &mut out)
                }
                _ => {}
            }
            self.server_outputs(out);
        }
        while let Some(entry) = self.opening.first_entry().filter(|e| *e.key() <= now) {
            for (tunnel, conn) in entry.remove() {
                self.tunnels.insert(tunnel, conn);
                self.conns.insert(conn, tunnel);
                self.ours.handle_tunnel_open(now, tunnel);
                self.drain_ours();
            }
        }
        if self.our_timeout.is_some_and(|t| t <= now) {
            self.ours.handle_timeout(now);
            self.drain_ours();
        }
        if self.rtc_timeout <= now {
            self.rtc.handle_input(Input::Timeout(self.rtc_time(now))).expect("str0m's timeout");
            self.drain_rtc();
        }
        if self.server_deadline().is_some_and(|t| t <= now) {
            let mut out = Vec::new();
            let server_ms = self.server_ms();
            self.server.handle_timeout(server_ms, &mut out);
            self.server_outputs(out);
        }
        true
    }

    /// Runs until `done` holds (true) or `within` passes (false).
    fn run_within(&mut self, within: Duration, mut done: impl FnMut(&Call) -> bool) -> bool {
        let end = (self.now + within).min(Instant::ZERO + LIMIT);
        let mut steps_at_now = 0;
        loop {
            if done(self) {
                return true;
            }
            let before = self.now;
            if !self.step(end) {
                return done(self);
            }
            steps_at_now = if self.now == before { steps_at_now + 1 } else { 0 };
            assert!(steps_at_now < 10_000, "time does not advance at {:?}", self.now);
        }
    }

    fn connected(&self) -> bool {
        self.ours.connection_state() == PeerConnectionState::Connected
            && self.rtc_events.iter().any(|e| matches!(e, Event::Connected))
    }

    /// Our (audio, video) transceiver and (Opus, VP8) payload types.
    fn our_media(&self) -> [(TransceiverId, u8); 2] {
        [(MediaKind::Audio, "opus"), (MediaKind::Video, "VP8")].map(|(kind, name)| {
            let t = self.ours.transceivers().into_iter().find(|t| t.kind == kind).expect("a transceiver");
            assert_eq!(t.current_direction, Some(TransceiverDirection::SendRecv), "{kind:?}");
            (t.id, t.codecs.iter().find(|c| c.name == name).expect("negotiated").payload_type)
        })
    }

    /// str0m's payload type for `codec` on `mid`.
    fn str0m_pt(&mut self, mid: Mid, codec: Codec) -> str0m::media::Pt {
        let writer = self.rtc.writer(mid).expect("str0m sends on the m-line");
        let pt = writer.payload_params().find(|p| p.spec().codec == codec).expect("negotiated").pt();
        pt
    }

    /// The transport stats' value of `field`.
    fn transport_stat(&self, field: &str) -> Option<String> {
        let stats = self.ours.stats(self.now, 0.0);
        stats.iter().find(|s| s["type"] == "transport").and_then(|s| s[field].as_str().map(str::to_owned))
    }

    /// 1.2 s of 50 Opus packets/s and 30 VP8 frames/s from each side,
    /// then time for the last to arrive; what each side sent and received,
    /// as [(audio, video) from us, (audio, video) from str0m].
    fn exchange(&mut self) -> [[(Vec<Frame>, Vec<Frame>); 2]; 2] {
        let [(our_audio, our_opus), (our_video, our_vp8)] = self.our_media();
        let (audio_mid, video_mid) = self.mids;
        let (str0m_opus, str0m_vp8) = (self.str0m_pt(audio_mid, Codec::Opus), self.str0m_pt(video_mid, Codec::Vp8));
        let mut ours_sent = (Vec::new(), Vec::new());
        let mut str0m_sent = (Vec::new(), Vec::new());
        for tick in 0..120u32 {
            let now = self.now;
            if tick % 2 == 0 {
                let n = tick / 2;
                let frame = Frame { rtp_timestamp: 7_000 + n * 960, data: opus(n, 0) };
                self.ours.send_frame(now, our_audio, our_opus, frame.rtp_timestamp, &frame.data).unwrap();
                ours_sent.0.push(frame);
                let frame = Frame { rtp_timestamp: 3_000_000 + n * 960, data: opus(n, 1) };
                self.str0m_write(audio_mid, str0m_opus, Frequency::FORTY_EIGHT_KHZ, &frame);
                str0m_sent.0.push(frame);
            }
            if tick % 10 == 0 || tick % 10 == 3 || tick % 10 == 7 {
                let n = ours_sent.1.len() as u32;
                let frame = Frame { rtp_timestamp: 90_000 + n * 3000, data: vp8(n, 0) };
                self.ours.send_frame(now, our_video, our_vp8, frame.rtp_timestamp, &frame.data).unwrap();
                ours_sent.1.push(frame);
                let frame = Frame { rtp_timestamp: 4_000_000_000u32.wrapping_add(n * 3000), data: vp8(n, 1) };
                self.str0m_write(video_mid, str0m_vp8, Frequency::NINETY_KHZ, &frame);
                str0m_sent.1.push(frame);
            }
            self.drain_ours();
            self.run_within(Duration::from_millis(10), |_| false);
        }
        self.run_within(Duration::from_millis(500), |_| false);
        let our_received = |t: TransceiverId| {
            self.our_events
                .iter()
                .filter_map(|e| match e {
                    PeerEvent::MediaFrame { transceiver, rtp_timestamp, data, .. } if *transceiver == t => {
                        Some(Frame { rtp_timestamp: *rtp_timestamp, data: data.clone() })
                    }
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        let str0m_received = |mid: Mid| {
            self.rtc_events
                .iter()
                .filter_map(|e| match e {
                    Event::MediaData(m) if m.mid == mid => {
                        Some(Frame { rtp_timestamp: m.time.numer() as u32, data: m.data.to_vec() })
                    }
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        [
            [ours_sent, (str0m_received(audio_mid), str0m_received(video_mid))],
            [str0m_sent, (our_received(our_audio), our_received(our_video))],
        ]
    }

    fn str0m_write(&mut self, mid: Mid, pt: str0m::media::Pt, clock: Frequency, frame: &Frame) {
        let wallclock = self.rtc_time(self.now);
        let writer = self.rtc.writer(mid).expect("str0m sends on the m-line");
        let time = MediaTime::new(u64::from(frame.rtp_timestamp), clock);
        writer.write(pt, wallclock, time, frame.data.clone()).expect("str0m writes the frame");
        self.drain_rtc();
    }
}

/// Bytes that differ from frame to frame and along a frame, so a frame
/// rebuilt from the wrong pieces or in the wrong order does not compare equal.
fn pattern(n: u32, len: usize) -> impl Iterator<Item = u8> {
    (0..len as u32).map(move |i| (i.wrapping_mul(131) ^ n.wrapping_mul(0x9e37)).to_le_bytes()[0] ^ (i >> 8) as u8)
}

/// Opus packet `n` of sender `from` (RFC 6716 §3.1): TOC byte (CELT
/// fullband, 20 ms, one frame), then 40–199 bytes.
fn opus(n: u32, from: u32) -> Vec<u8> {
    let mut data = vec![0xfc];
    data.extend(pattern(n ^ from << 24, 40 + (n as usize * 37) % 160));
    data
}

/// VP8 frame `n` of sender `from` (RFC 6386 §9.1): every 30th a 25 KB key
/// frame (frame tag with P clear, start code, 1280×720), the others
/// 300 B–12 KB interframes, so most take several RTP packets in both
/// stacks' packetizers.
fn vp8(n: u32, from: u32) -> Vec<u8> {
    let key = n % 30 == 0;
    let len = if key { 25_000 } else { 300 + (n as usize * 4099) % 12_000 };
    let mut data = vec![0x50 | u8::from(!key), 0x2c, 0x01];
    if key {
        data.extend_from_slice(&[0x9d, 0x01, 0x2a, 0x00, 0x05, 0xd0, 0x02]);
    }
    data.extend(pattern(n ^ from << 24 ^ 0x5a5a, len - data.len()));
    data
}

/// One call: negotiated by `offerer`, connected, SRTP with `profile`,
/// frames both ways compared.
fn call(offerer: Offerer, profile: SrtpProfile, seed: u8) {
    #[allow(clippy::disallowed_methods)]
    let wall = std::time::Instant::now();
    let mut call = Call::negotiate(offerer, profile, seed);
    assert!(call.run_within(Duration::from_secs(10), Call::connected), "not connected at {:?}", call.now);
    let connected_at = call.now;
    assert_eq!(call.transport_stat("dtlsRole").as_deref(), Some(offerer.our_dtls_role()));
    assert_eq!(call.transport_stat("srtpCipher").as_deref(), Some(profile.name()));
    let [[from_us, at_str0m], [from_str0m, at_us]] = call.exchange();
    for (direction, sent, received) in [("wasmrtc → str0m", from_us, at_str0m), ("str0m → wasmrtc", from_str0m, at_us)]
    {
        assert_eq!((sent.0.len(), sent.1.len()), (60, 36), "{direction}");
        assert!(sent.1.iter().filter(|f| f.data.len() > 1200).count() > 20, "most VP8 frames fragment");
        assert_eq!(received.0, sent.0, "{offerer:?} offers, {profile:?}: Opus {direction}");
        assert_eq!(received.1, sent.1, "{offerer:?} offers, {profile:?}: VP8 {direction}");
    }
    assert_eq!(call.ours.media_datagrams_dropped(), 0);
    // RTCP reports both ways (RFC 3550 §6.4): str0m's RTT from our RR's
    // LSR/DLSR, ours from its; 20 ms of tunnel and 10 of UDP each way.
    let str0m_rtt = call.rtc_events.iter().rev().find_map(|e| match e {
        Event::MediaEgressStats(s) => s.rtt,
        _ => None,
    });
    for (whose, rtt) in [("our", call.ours.media_round_trip_time()), ("str0m's", str0m_rtt)] {
        assert!(
            rtt.is_some_and(|rtt| rtt.abs_diff(Duration::from_millis(60)) <= Duration::from_millis(1)),
            "{whose} RTT {rtt:?}"
        );
    }
    let keys = call
        .our_events
        .iter()
        .filter(|e| matches!(e, PeerEvent::MediaFrame { key_frame: true, data, .. } if data.len() == 25_000))
        .count();
    assert_eq!(keys, 2, "str0m's two VP8 key frames are key frames to us");
    let str0m_keys = call.rtc_events.iter().filter(|e| matches!(e, Event::MediaData(m) if m.is_keyframe())).count();
    assert_eq!(str0m_keys, 2, "our two VP8 key frames are key frames to str0m");
    println!(
        "{offerer:?} offers, {profile:?}: connected at {connected_at:?}, 60 Opus and 36 VP8 frames each way \
         byte-exact, {:?} wall",
        wall.elapsed()
    );
}

#[test]
fn wasmrtc_offers_aes_cm() {
    call(Offerer::Wasmrtc, SrtpProfile::Aes128CmHmacSha1_80, 1);
}

#[test]
fn wasmrtc_offers_aes_gcm() {
    call(Offerer::Wasmrtc, SrtpProfile::AeadAes128Gcm, 2);
}

#[test]
fn str0m_offers_aes_cm() {
    call(Offerer::Str0m { we_answer_passive: false }, SrtpProfile::Aes128CmHmacSha1_80, 3);
}

#[test]
fn str0m_offers_aes_gcm() {
    call(Offerer::Str0m { we_answer_passive: false }, SrtpProfile::AeadAes128Gcm, 4);
}

#[test]
fn str0m_offers_we_are_dtls_server_aes_cm() {
    call(Offerer::Str0m { we_answer_passive: true }, SrtpProfile::Aes128CmHmacSha1_80, 5);
}

#[test]
fn str0m_offers_we_are_dtls_server_aes_gcm() {
    call(Offerer::Str0m { we_answer_passive: true }, SrtpProfile::AeadAes128Gcm, 6);
}

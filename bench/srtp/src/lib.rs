//! What media costs the core, measured with its own code: SRTP protect and
//! unprotect (RFC 3711 with AES_CM_128_HMAC_SHA1_80, RFC 7714 with
//! AEAD_AES_128_GCM) on 1200-byte RTP payloads, and one 100 KB VP8 frame (a
//! 1080p frame's size) sent through `PeerConnection::send_frame` on a
//! connected peer: VP8 packetizing (RFC 7741), RTP headers, SRTP and the TURN
//! ChannelData framing of the relay tunnel.
//!
//! The same types are timed by run.mjs in Chromium (through wasm-bindgen)
//! and by src/bin/native.rs natively; they hold no clock, the caller times
//! each call.

use std::time::Duration;

use wasmrtc::jsep::{MediaKind, TransceiverId};
use wasmrtc::peer::Output;
use wasmrtc::rtp::packet::RtpHeader;
use wasmrtc::rtp::srtp::{SrtpContext, SrtpProfile};
use wasmrtc_sim::net::Impairments;
use wasmrtc_sim::pair::Pair;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::wasm_bindgen;

/// The RTP payload size of the throughput figures: what the core's
/// packetizers fill a packet to.
pub const PAYLOAD: usize = 1200;
/// The frame of the per-frame figure.
pub const FRAME: usize = 100_000;

/// `"aes-cm"` or `"aes-gcm"`.
pub fn profile(name: &str) -> SrtpProfile {
    match name {
        "aes-cm" => SrtpProfile::Aes128CmHmacSha1_80,
        "aes-gcm" => SrtpProfile::AeadAes128Gcm,
        _ => panic!("unknown profile {name}: aes-cm or aes-gcm"),
    }
}

/// Bytes that vary along a buffer.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8).collect()
}

/// A sender's and a receiver's SRTP context with the same keys, and the
/// packets protected by the last [`Srtp::protect`].
#[cfg_attr(target_arch = "wasm32", wasm_bindgen)]
pub struct Srtp {
    sender: SrtpContext,
    receiver: SrtpContext,
    header: RtpHeader,
    payload: Vec<u8>,
    packets: Vec<Vec<u8>>,
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen)]
impl Srtp {
    /// Contexts for `profile` ("aes-cm" or "aes-gcm"), `count` packets a round.
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen(constructor))]
    pub fn new(profile_name: &str, count: usize) -> Srtp {
        let profile = profile(profile_name);
        let (key, salt) = match profile {
            SrtpProfile::Aes128CmHmacSha1_80 => (pattern(16), pattern(14)),
            SrtpProfile::AeadAes128Gcm => (pattern(16), pattern(12)),
        };
        let context = || SrtpContext::new(profile, &key, &salt).expect("keys of the profile's lengths");
        Srtp {
            sender: context(),
            receiver: context(),
            header: RtpHeader { payload_type: 96, ssrc: 0x1234_5678, ..RtpHeader::default() },
            payload: pattern(PAYLOAD),
            packets: (0..count).map(|_| Vec::with_capacity(PAYLOAD + 64)).collect(),
        }
    }

    /// Writes and protects the round's packets, the next sequence numbers
    /// on; the payload bytes protected.
    pub fn protect(&mut self) -> usize {
        for packet in &mut self.packets {
            self.header.sequence_number = self.header.sequence_number.wrapping_add(1);
            self.header.timestamp = self.header.timestamp.wrapping_add(3000);
            packet.clear();
            self.header.write_packet(&self.payload, 0, packet).expect("an RTP packet");
            self.sender.protect_rtp(packet).expect("protected");
        }
        self.packets.len() * PAYLOAD
    }

    /// Unprotects what the last `protect` made; the payload bytes.
    /// Panics if one is refused: the figure would be a failure's.
    pub fn unprotect(&mut self) -> usize {
        for packet in &mut self.packets {
            self.receiver.unprotect_rtp(packet).expect("unprotected");
            assert_eq!(packet[12..], self.payload[..], "the payload back");
        }
        self.packets.len() * PAYLOAD
    }
}

/// Peer 0 of a connected pair, with a VP8 sender negotiated and SRTP keyed
/// with one profile, and a 100 KB frame to send.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen)]
pub struct FrameSender {
    pair: Pair,
    transceiver: TransceiverId,
    payload_type: u8,
    frame: Vec<u8>,
    rtp_timestamp: u32,
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen)]
impl FrameSender {
    /// Two peers connected in virtual time (tests/sim), SRTP with `profile`.
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen(constructor))]
    pub fn new(profile_name: &str) -> FrameSender {
        let profile = profile(profile_name);
        let mut pair = Pair::new(1, Impairments::reliable(Duration::from_millis(5)));
        for peer in &mut pair.peers {
            peer.pc.set_srtp_profiles(vec![profile]);
            peer.pc.add_track(MediaKind::Video, "video".into(), vec!["stream".into()]).expect("addTrack");
        }
        pair.connect();
        let state = pair.peers[0].pc.transceivers().into_iter().next().expect("the video transceiver");
        let payload_type = state.codecs.iter().find(|c| c.name == "VP8").expect("VP8 negotiated").payload_type;
        // A key frame's first bytes (RFC 6386 §9.1), then frame data.
        let mut frame = vec![0x50, 0x2c, 0x01, 0x9d, 0x01, 0x2a, 0x80, 0x07, 0x38, 0x04];
        frame.extend(pattern(FRAME - frame.len()));
        FrameSender { pair, transceiver: state.id, payload_type, frame, rtp_timestamp: 0 }
    }

    /// Sends the frame `count` times and takes what peer 0 transmits (it
    /// goes nowhere); the datagrams sent.
    pub fn send(&mut self, count: u32) -> usize {
        let now = self.pair.now;
        let pc = &mut self.pair.peers[0].pc;
        let mut datagrams = 0;
        for _ in 0..count {
            self.rtp_timestamp = self.rtp_timestamp.wrapping_add(3000);
            pc.send_frame(now, self.transceiver, self.payload_type, self.rtp_timestamp, &self.frame).expect("sent");
            while let Some(output) = pc.poll_output() {
                datagrams += usize::from(matches!(output, Output::Transmit { .. }));
            }
        }
        datagrams
    }
}

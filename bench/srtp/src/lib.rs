//! What media costs the core, measured with its own code: SRTP protect and
//! unprotect (RFC 3711 with AES_CM_128_HMAC_SHA1_80, RFC 7714 with
//! AEAD_AES_128_GCM) on 1200-byte RTP payloads, and one 100 KB VP8 frame (a
//! 1080p key frame's size) packetized and protected as the peer's send path
//! does before its pacer: VP8 packetizing (RFC 7741), RTP headers with their
//! extensions, SRTP. (The pacer then releases the packets one by one on its
//! timeouts, each through ICE and the TURN framing.)
//!
//! The same types are timed by run.mjs in Chromium (through wasm-bindgen)
//! and by src/bin/native.rs natively; they hold no clock, the caller times
//! each call.

use wasmrtc::rtp::format::vp8::Vp8Packetizer;
use wasmrtc::rtp::format::Packetizer;
use wasmrtc::rtp::packet::{ExtensionElement, HeaderExtension, RtpHeader};
use wasmrtc::rtp::srtp::{SrtpContext, SrtpProfile};

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

/// One 100 KB VP8 key frame made into SRTP packets as the peer's send
/// path makes them before its pacer: VP8 payloads of at most 1200 bytes
/// (RFC 7741), each with an RTP header carrying the MID and transport-cc
/// extensions (RFC 8285), protected (RFC 3711 / RFC 7714).
#[cfg_attr(target_arch = "wasm32", wasm_bindgen)]
pub struct FramePacketizer {
    packetizer: Vp8Packetizer,
    srtp: SrtpContext,
    header: RtpHeader,
    frame: Vec<u8>,
    packet: Vec<u8>,
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen)]
impl FramePacketizer {
    /// SRTP with `profile` ("aes-cm" or "aes-gcm").
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen(constructor))]
    pub fn new(profile_name: &str) -> FramePacketizer {
        let profile = profile(profile_name);
        let salt = match profile {
            SrtpProfile::Aes128CmHmacSha1_80 => pattern(14),
            SrtpProfile::AeadAes128Gcm => pattern(12),
        };
        let srtp = SrtpContext::new(profile, &pattern(16), &salt).expect("keys of the profile's lengths");
        let extension = HeaderExtension::from_elements(vec![
            ExtensionElement { id: 1, data: b"0".to_vec() },
            ExtensionElement { id: 3, data: vec![0, 0] },
        ]);
        let header = RtpHeader { payload_type: 96, ssrc: 0x1234_5678, extension: Some(extension), ..RtpHeader::default() };
        // A key frame's first bytes (RFC 6386 §9.1), then frame data.
        let mut frame = vec![0x50, 0x2c, 0x01, 0x9d, 0x01, 0x2a, 0x80, 0x07, 0x38, 0x04];
        frame.extend(pattern(FRAME - frame.len()));
        FramePacketizer { packetizer: Vp8Packetizer::new(1), srtp, header, frame, packet: Vec::with_capacity(PAYLOAD + 64) }
    }

    /// Packetizes and protects the frame `count` times; the packets made.
    pub fn send(&mut self, count: u32) -> usize {
        let mut packets = 0;
        for _ in 0..count {
            self.header.timestamp = self.header.timestamp.wrapping_add(3000);
            for payload in self.packetizer.packetize(&self.frame, PAYLOAD).expect("a VP8 frame") {
                self.header.sequence_number = self.header.sequence_number.wrapping_add(1);
                self.header.marker = payload.marker;
                self.packet.clear();
                self.header.write_packet(&payload.data, 0, &mut self.packet).expect("an RTP packet");
                self.srtp.protect_rtp(&mut self.packet).expect("protected");
                packets += 1;
            }
        }
        packets
    }
}

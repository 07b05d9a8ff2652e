//! One direction of SRTP/SRTCP (RFC 3711 §3.2): the session keys derived
//! from one master key, and per SSRC the packet index and replay state.
//! A peer has two: the local context protects what we send, the remote one
//! unprotects what we receive.

use std::collections::HashMap;

use super::cipher::SessionCipher;
use super::index::RtpIndex;
use super::replay::{Replay, ReplayWindow};
use super::SrtpError;
use crate::dtls::SrtpProfile;
use crate::rtp::packet::rtp::header_len;
use crate::rtp::packet::{be16, be32, PacketError};

/// What a context refused, by reason: for `getStats()` and logs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SrtpCounters {
    /// Packets protected or unprotected successfully.
    pub rtp_packets: u64,
    pub rtcp_packets: u64,
    /// Too short or not RTP/RTCP at all.
    pub malformed: u64,
    /// The tag did not verify.
    pub authentication_failures: u64,
    /// Seen before, or older than the replay window.
    pub replayed: u64,
}

#[derive(Debug, Clone, Default)]
struct Stream {
    rtp_index: RtpIndex,
    rtp_replay: ReplayWindow,
    /// Sending: the next SRTCP index. Receiving: unused.
    next_rtcp_index: u32,
    rtcp_replay: ReplayWindow,
}

/// One direction's SRTP and SRTCP state.
#[derive(Clone)]
pub struct SrtpContext {
    profile: SrtpProfile,
    rtp: SessionCipher,
    rtcp: SessionCipher,
    streams: HashMap<u32, Stream>,
    counters: SrtpCounters,
}

impl std::fmt::Debug for SrtpContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // No key material in logs.
        f.debug_struct("SrtpContext")
            .field("profile", &self.profile)
            .field("ssrcs", &self.streams.len())
            .field("counters", &self.counters)
            .finish()
    }
}

/// The largest SRTCP index (RFC 3711 §3.4: 31 bits).
const MAX_SRTCP_INDEX: u32 = 0x7fff_ffff;

impl SrtpContext {
    /// A context from a master key (16 bytes) and master salt (14 bytes for
    /// AES-CM, 12 for AES-GCM), deriving the session keys (RFC 3711 §4.3).
    pub fn new(profile: SrtpProfile, master_key: &[u8], master_salt: &[u8]) -> Result<SrtpContext, SrtpError> {
        let key: &[u8; 16] = master_key.try_into().map_err(|_| SrtpError::KeyLength)?;
        if master_salt.len() != master_salt_len(profile) {
            return Err(SrtpError::KeyLength);
        }
        Ok(SrtpContext::with_ciphers(
            profile,
            SessionCipher::derive(profile, key, master_salt, false),
            SessionCipher::derive(profile, key, master_salt, true),
        ))
    }

    pub(crate) fn with_ciphers(profile: SrtpProfile, rtp: SessionCipher, rtcp: SessionCipher) -> SrtpContext {
        SrtpContext { profile, rtp, rtcp, streams: HashMap::new(), counters: SrtpCounters::default() }
    }

    pub fn profile(&self) -> SrtpProfile {
        self.profile
    }

    pub fn counters(&self) -> SrtpCounters {
        self.counters
    }

    /// Bytes protection adds to an RTP packet (the tag).
    pub fn rtp_overhead(&self) -> usize {
        self.rtp.rtp_overhead()
    }

    /// Bytes protection adds to an RTCP packet (the E||index word and tag).
    pub fn rtcp_overhead(&self) -> usize {
        self.rtcp.rtcp_overhead()
    }

    /// The roll-over counter of `ssrc` so far (RFC 3711 §3.3.1).
    pub fn roc(&self, ssrc: u32) -> Option<u32> {
        self.streams.get(&ssrc).map(|s| s.rtp_index.roc())
    }

    /// Turns an RTP packet into SRTP in place: encrypts the payload and
    /// appends the tag. Reserve [`SrtpContext::rtp_overhead`] bytes of
    /// capacity to avoid a reallocation.
    pub fn protect_rtp(&mut self, packet: &mut Vec<u8>) -> Result<(), SrtpError> {
        let (header_len, ssrc, seq) = rtp_fields(packet).inspect_err(|_| self.counters.malformed += 1)?;
        let stream = self.streams.entry(ssrc).or_default();
        let estimate = stream.rtp_index.estimate(seq);
        stream.rtp_index.update(seq, estimate);
        self.rtp.protect_rtp(packet, header_len, ssrc, estimate.roc, seq);
        self.counters.rtp_packets += 1;
        Ok(())
    }

    /// Turns an SRTP packet back into RTP in place, or refuses it: forged,
    /// replayed or truncated packets are counted and left unchanged.
    pub fn unprotect_rtp(&mut self, packet: &mut Vec<u8>) -> Result<(), SrtpError> {
        let (header_len, ssrc, seq) = rtp_fields(packet)
            .and_then(|fields| match packet.len() >= fields.0 + self.rtp.rtp_overhead() {
                true => Ok(fields),
                false => Err(SrtpError::Truncated),
            })
            .inspect_err(|_| self.counters.malformed += 1)?;
        let stream = self.streams.get(&ssrc);
        let estimate = stream.map_or_else(|| RtpIndex::default().estimate(seq), |s| s.rtp_index.estimate(seq));
        if let Some(stream) = stream {
            if let Err(replay) = stream.rtp_replay.check(estimate.index) {
                self.counters.replayed += 1;
                return Err(replay.into());
            }
        }
        if self.rtp.unprotect_rtp(packet, header_len, ssrc, estimate.roc, seq).is_err() {
            self.counters.authentication_failures += 1;
            return Err(SrtpError::AuthenticationFailed);
        }
        // Only authenticated packets create or move a stream's state.
        let stream = self.streams.entry(ssrc).or_default();
        stream.rtp_index.update(seq, estimate);
        stream.rtp_replay.accept(estimate.index);
        self.counters.rtp_packets += 1;
        Ok(())
    }

    /// Turns an RTCP (compound) packet into SRTCP in place, encrypted (E=1),
    /// with the next SRTCP index of the first packet's sender SSRC.
    pub fn protect_rtcp(&mut self, packet: &mut Vec<u8>) -> Result<(), SrtpError> {
        let ssrc = rtcp_ssrc(packet).inspect_err(|_| self.counters.malformed += 1)?;
        let stream = self.streams.entry(ssrc).or_default();
        let index = stream.next_rtcp_index;
        if index > MAX_SRTCP_INDEX {
            // 2^31 packets under one key: RFC 3711 §9.2 asks for a rekey.
            return Err(SrtpError::IndexExhausted);
        }
        stream.next_rtcp_index += 1;
        self.rtcp.protect_rtcp(packet, ssrc, index);
        self.counters.rtcp_packets += 1;
        Ok(())
    }

    /// Turns an SRTCP packet back into RTCP in place, or refuses it.
    pub fn unprotect_rtcp(&mut self, packet: &mut Vec<u8>) -> Result<(), SrtpError> {
        let (ssrc, e_index) = rtcp_ssrc(packet)
            .and_then(|ssrc| Ok((ssrc, self.rtcp.srtcp_e_index(packet).ok_or(SrtpError::Truncated)?)))
            .inspect_err(|_| self.counters.malformed += 1)?;
        let index = u64::from(e_index.1);
        if let Some(stream) = self.streams.get(&ssrc) {
            if let Err(replay) = stream.rtcp_replay.check(index) {
                self.counters.replayed += 1;
                return Err(replay.into());
            }
        }
        if self.rtcp.unprotect_rtcp(packet, ssrc, e_index).is_err() {
            self.counters.authentication_failures += 1;
            return Err(SrtpError::AuthenticationFailed);
        }
        self.streams.entry(ssrc).or_default().rtcp_replay.accept(index);
        self.counters.rtcp_packets += 1;
        Ok(())
    }
}

impl From<Replay> for SrtpError {
    fn from(_: Replay) -> SrtpError {
        SrtpError::Replayed
    }
}

/// Master salt length of a profile (RFC 5764 §4.1.2, RFC 7714 §12).
pub(crate) fn master_salt_len(profile: SrtpProfile) -> usize {
    match profile {
        SrtpProfile::Aes128CmHmacSha1_80 => 14,
        SrtpProfile::AeadAes128Gcm => 12,
    }
}

/// Header length, SSRC and sequence number of an RTP packet.
fn rtp_fields(packet: &[u8]) -> Result<(usize, u32, u16), SrtpError> {
    let header_len = header_len(packet).map_err(|e| match e {
        PacketError::Truncated(_) => SrtpError::Truncated,
        _ => SrtpError::Malformed,
    })?;
    // header_len checked that the fixed header is there.
    let seq = be16(packet, 2).ok_or(SrtpError::Truncated)?;
    let ssrc = be32(packet, 8).ok_or(SrtpError::Truncated)?;
    Ok((header_len, ssrc, seq))
}

/// The sender SSRC of the first RTCP packet, which SRTCP keys on (RFC 3711
/// §3.4). Version 2 is required; lengths are not: they are encrypted.
fn rtcp_ssrc(packet: &[u8]) -> Result<u32, SrtpError> {
    match packet.first() {
        Some(first) if first >> 6 == 2 => be32(packet, 4).ok_or(SrtpError::Truncated),
        Some(_) => Err(SrtpError::Malformed),
        None => Err(SrtpError::Truncated),
    }
}

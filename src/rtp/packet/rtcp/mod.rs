//! RTCP (RFC 3550 §6) and the feedback messages WebRTC uses (RFC 4585,
//! RFC 5104, REMB, transport-wide congestion control), a file per packet
//! type; compound packets (RFC 3550 §6.1) and reduced-size RTCP (RFC 5506).
//!
//! [`parse`] reads a whole datagram into [`RtcpPacket`]s, skipping the
//! types it does not know (APP, XR, …) by their length field; [`write`]
//! serializes a list back into one compound packet.

mod bye;
mod fir;
mod nack;
mod pli;
mod receiver_report;
mod remb;
mod report_block;
mod rtt;
mod sdes;
mod sender_report;
mod transport_cc;

pub use bye::Goodbye;
pub use fir::{Fir, FirEntry};
pub use nack::{Nack, NackPair};
pub use pli::Pli;
pub use receiver_report::ReceiverReport;
pub use remb::Remb;
pub use report_block::ReportBlock;
pub use rtt::{ntp_compact, round_trip_time};
pub use sdes::{SdesChunk, SdesItem, SourceDescription, SDES_CNAME};
pub use sender_report::SenderReport;
pub use transport_cc::{TransportCc, DELTA_TICK_MICROS, REFERENCE_TIME_MILLIS};

use super::{be16, PacketError};

/// RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1).
pub const SR: u8 = 200;
pub const RR: u8 = 201;
pub const SDES: u8 = 202;
pub const BYE: u8 = 203;
pub const APP: u8 = 204;
pub const RTPFB: u8 = 205;
pub const PSFB: u8 = 206;

/// Feedback message types (FMT) of RTPFB and PSFB.
pub const FMT_NACK: u8 = 1;
pub const FMT_TRANSPORT_CC: u8 = 15;
pub const FMT_PLI: u8 = 1;
pub const FMT_FIR: u8 = 4;
pub const FMT_AFB: u8 = 15;

/// The common header: 4 octets.
pub const HEADER_LEN: usize = 4;

/// One RTCP packet of a compound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RtcpPacket {
    SenderReport(SenderReport),
    ReceiverReport(ReceiverReport),
    SourceDescription(SourceDescription),
    Goodbye(Goodbye),
    Nack(Nack),
    TransportCc(TransportCc),
    Pli(Pli),
    Fir(Fir),
    Remb(Remb),
}

/// The first word of every RTCP packet: V=2, P, count or FMT, PT, length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    pub count: u8,
    pub packet_type: u8,
}

/// Parses a (compound) RTCP datagram. `reduced_size` (RFC 5506, negotiated
/// by `a=rtcp-rsize`) lifts RFC 3550 §6.1's rule that a compound starts
/// with an SR or RR. Packets of unknown type, or unknown feedback types,
/// are skipped.
pub fn parse(bytes: &[u8], reduced_size: bool) -> Result<Vec<RtcpPacket>, PacketError> {
    let mut packets = Vec::new();
    let mut rest = bytes;
    let mut first = true;
    if bytes.is_empty() {
        return Err(PacketError::Truncated("empty RTCP packet"));
    }
    while !rest.is_empty() {
        let (header, body, len) = split_packet(rest)?;
        if first && !reduced_size && !matches!(header.packet_type, SR | RR) {
            return Err(PacketError::Malformed("compound RTCP must start with SR or RR"));
        }
        first = false;
        if let Some(packet) = parse_one(header, body)? {
            packets.push(packet);
        }
        rest = rest.get(len..).unwrap_or_default();
    }
    Ok(packets)
}

/// Splits off the first packet: its header, its body without padding, and
/// the bytes it takes.
fn split_packet(bytes: &[u8]) -> Result<(Header, &[u8], usize), PacketError> {
    let first = *bytes.first().ok_or(PacketError::Truncated("RTCP header"))?;
    if first >> 6 != 2 {
        return Err(PacketError::Malformed("RTCP version is not 2"));
    }
    let packet_type = *bytes.get(1).ok_or(PacketError::Truncated("RTCP header"))?;
    let words = be16(bytes, 2).ok_or(PacketError::Truncated("RTCP header"))?;
    let len = 4 * (usize::from(words) + 1);
    let packet = bytes.get(..len).ok_or(PacketError::Truncated("RTCP length beyond the datagram"))?;
    let mut body = packet.get(HEADER_LEN..).unwrap_or_default();
    if first & 0x20 != 0 {
        let pad = usize::from(*body.last().ok_or(PacketError::Malformed("P bit without padding"))?);
        if pad == 0 || pad > body.len() {
            return Err(PacketError::Malformed("RTCP padding count exceeds the packet"));
        }
        body = body.get(..body.len() - pad).unwrap_or_default();
    }
    Ok((Header { count: first & 0x1F, packet_type }, body, len))
}

fn parse_one(header: Header, body: &[u8]) -> Result<Option<RtcpPacket>, PacketError> {
    Ok(Some(match (header.packet_type, header.count) {
        (SR, _) => RtcpPacket::SenderReport(SenderReport::parse(header, body)?),
        (RR, _) => RtcpPacket::ReceiverReport(ReceiverReport::parse(header, body)?),
        (SDES, _) => RtcpPacket::SourceDescription(SourceDescription::parse(header, body)?),
        (BYE, _) => RtcpPacket::Goodbye(Goodbye::parse(header, body)?),
        (RTPFB, FMT_NACK) => RtcpPacket::Nack(Nack::parse(body)?),
        (RTPFB, FMT_TRANSPORT_CC) => RtcpPacket::TransportCc(TransportCc::parse(body)?),
        (PSFB, FMT_PLI) => RtcpPacket::Pli(Pli::parse(body)?),
        (PSFB, FMT_FIR) => RtcpPacket::Fir(Fir::parse(body)?),
        (PSFB, FMT_AFB) => match Remb::parse(body) {
            // Application layer feedback other than REMB is not ours.
            Err(PacketError::Malformed(remb::NOT_REMB)) => return Ok(None),
            other => RtcpPacket::Remb(other?),
        },
        _ => return Ok(None),
    }))
}

/// Serializes `packets` as one compound packet appended to `out`.
pub fn write(packets: &[RtcpPacket], out: &mut Vec<u8>) -> Result<(), PacketError> {
    let start = out.len();
    for packet in packets {
        if let Err(e) = packet.write(out) {
            out.truncate(start);
            return Err(e);
        }
    }
    Ok(())
}

impl RtcpPacket {
    /// Appends this packet, header included.
    pub fn write(&self, out: &mut Vec<u8>) -> Result<(), PacketError> {
        match self {
            RtcpPacket::SenderReport(p) => p.write(out),
            RtcpPacket::ReceiverReport(p) => p.write(out),
            RtcpPacket::SourceDescription(p) => p.write(out),
            RtcpPacket::Goodbye(p) => p.write(out),
            RtcpPacket::Nack(p) => p.write(out),
            RtcpPacket::TransportCc(p) => p.write(out),
            RtcpPacket::Pli(p) => p.write(out),
            RtcpPacket::Fir(p) => p.write(out),
            RtcpPacket::Remb(p) => p.write(out),
        }
    }
}

/// Starts a packet: pushes its header with a length to fill in later and
/// returns where it starts.
pub(crate) fn begin(out: &mut Vec<u8>, count: u8, packet_type: u8) -> usize {
    let start = out.len();
    out.extend_from_slice(&[0x80 | (count & 0x1F), packet_type, 0, 0]);
    start
}

/// Ends the packet begun at `start`: pads the body to a word with zeros
/// and writes the length in words minus one.
pub(crate) fn finish(out: &mut Vec<u8>, start: usize) -> Result<(), PacketError> {
    while (out.len() - start) % 4 != 0 {
        out.push(0);
    }
    let words = u16::try_from((out.len() - start) / 4 - 1).map_err(|_| PacketError::Unencodable("RTCP packet too long"))?;
    if let Some(slot) = out.get_mut(start + 2..start + 4) {
        slot.copy_from_slice(&words.to_be_bytes());
    }
    Ok(())
}

/// A count that must fit the header's 5 bits.
pub(crate) fn count(n: usize, what: &'static str) -> Result<u8, PacketError> {
    u8::try_from(n).ok().filter(|&n| n <= 31).ok_or(PacketError::Unencodable(what))
}


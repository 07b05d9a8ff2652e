use super::*;
use crate::rtp::srtp::tests::hex;

fn round_trip(packets: &[RtcpPacket]) -> Vec<u8> {
    let mut out = Vec::new();
    write(packets, &mut out).unwrap();
    assert_eq!(parse(&out, true).unwrap(), packets);
    out
}

#[test]
fn placeholder_compiles() {
    round_trip(&[RtcpPacket::Pli(Pli { sender_ssrc: 1, media_ssrc: 2 })]);
    let _ = hex("00");
}

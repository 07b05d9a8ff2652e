//! Synthetic encoded frames for the payload format tests: bitstreams whose
//! headers are real enough for the packetizers (VP9 frame headers, H.264 NAL
//! unit types, AV1 OBU headers) and whose bodies are pseudo-random.
#![allow(dead_code)]

/// xorshift64*: reproducible bytes without a dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Bytes with no zero, so an H.264 body never holds a start code.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| (self.next() % 255) as u8 + 1).collect()
    }
}

pub fn vp8(rng: &mut Rng, key: bool, len: usize) -> Vec<u8> {
    let mut frame = rng.bytes(len.max(3));
    // RFC 7741 §4.3: P (bit 0 of the first byte) is 0 on a key frame.
    frame[0] = (frame[0] & !1) | u8::from(!key);
    frame
}

pub fn vp9(rng: &mut Rng, key: bool, len: usize) -> Vec<u8> {
    // A profile 0 key frame header of 320x240, or a non-key frame header.
    let mut frame = if key { vec![0x82, 0x49, 0x83, 0x42, 0x00, 0x13, 0xF0, 0x0E, 0xF0] } else { vec![0x86] };
    frame.extend(rng.bytes(len));
    frame
}

pub const SPS: &[u8] = &[0x67, 0x42, 0xE0, 0x1F, 0x8C, 0x8D, 0x40];
pub const PPS: &[u8] = &[0x68, 0xCE, 0x3C, 0x80];

/// An Annex B access unit: SPS, PPS and an IDR slice, or `slices` non-IDR slices.
pub fn h264(rng: &mut Rng, key: bool, len: usize) -> Vec<u8> {
    let mut units: Vec<Vec<u8>> = Vec::new();
    if key {
        units.push(SPS.to_vec());
        units.push(PPS.to_vec());
        let mut idr = vec![0x65];
        idr.extend(rng.bytes(len));
        units.push(idr);
    } else {
        for _ in 0..3 {
            let mut slice = vec![0x41];
            slice.extend(rng.bytes(len / 3 + 1));
            units.push(slice);
        }
    }
    annex_b(&units)
}

pub fn annex_b(units: &[Vec<u8>]) -> Vec<u8> {
    let mut stream = Vec::new();
    for unit in units {
        stream.extend_from_slice(&[0, 0, 0, 1]);
        stream.extend_from_slice(unit);
    }
    stream
}

fn leb128(mut value: usize, out: &mut Vec<u8>) {
    loop {
        let byte = (value & 0x7F) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// One OBU with its size field.
pub fn obu(obu_type: u8, extension: Option<u8>, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![obu_type << 3 | 0x02 | u8::from(extension.is_some()) << 2];
    out.extend(extension);
    leb128(payload.len(), &mut out);
    out.extend_from_slice(payload);
    out
}

/// A temporal unit as an encoder emits it (temporal delimiter first) and as
/// the receiver rebuilds it (without).
pub fn av1(rng: &mut Rng, key: bool, len: usize) -> (Vec<u8>, Vec<u8>) {
    let mut received = Vec::new();
    if key {
        received.extend(obu(1, None, &rng.bytes(12)));
    }
    received.extend(obu(6, None, &rng.bytes(len)));
    received.extend(obu(5, Some(0x08), &rng.bytes(5)));
    let mut sent = obu(2, None, &[]);
    sent.extend_from_slice(&received);
    (sent, received)
}

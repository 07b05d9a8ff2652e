//! G.711 (ITU-T G.711, 11/1988) μ-law and A-law companding, and its RTP
//! payload formats PCMU and PCMA (RFC 3551 §4.5.14): one byte per sample,
//! 8000 Hz, any number of samples per payload.
//!
//! WebCodecs has no G.711 encoder, so the core codes it. Samples are 16-bit
//! linear PCM; μ-law works on their top 14 bits and A-law on their top 13
//! (G.711 Tables 2a and 1a), each coded as sign, a 3-bit segment and a 4-bit
//! step within it, then inverted (μ-law) or XORed with 0x55 (A-law).

use super::{
    one_frame_per_payload, Depacketizer, FormatError, Fragment, FrameStart, Packetizer, Payload,
    PayloadFormat, RtpInfo,
};
use std::borrow::Cow;

/// Which G.711 law, and so which static payload type (RFC 3551 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Law {
    /// PCMU, payload type 0.
    MuLaw,
    /// PCMA, payload type 8.
    ALaw,
}

/// μ-law's bias (33 in 14-bit units) makes each segment's span a power of two.
const MU_BIAS: i32 = 0x84;
/// The largest 16-bit magnitude μ-law codes; above it the code saturates.
const MU_CLIP: i32 = 32635;

pub fn encode_mu_law(sample: i16) -> u8 {
    let value = i32::from(sample);
    let sign = if value < 0 { 0x80 } else { 0 };
    let biased = value.abs().min(MU_CLIP) + MU_BIAS;
    // biased lies in [2^7, 2^15): its top bit gives the segment.
    let segment = (31 - biased.leading_zeros()) as i32 - 7;
    let step = (biased >> (segment + 3)) & 0x0F;
    !((sign | (segment << 4) | step) as u8)
}

pub fn decode_mu_law(code: u8) -> i16 {
    let code = !code;
    let segment = (code >> 4) & 0x07;
    let step = i32::from(code & 0x0F);
    let magnitude = (((step << 3) + MU_BIAS) << segment) - MU_BIAS;
    (if code & 0x80 != 0 { -magnitude } else { magnitude }) as i16
}

pub fn encode_a_law(sample: i16) -> u8 {
    let value = i32::from(sample) >> 3;
    // A-law codes a negative value as the magnitude of value + 1.
    let (magnitude, mask) = if value >= 0 { (value, 0xD5) } else { (-value - 1, 0x55) };
    let segment = if magnitude < 32 { 0 } else { (31 - magnitude.leading_zeros()) as i32 - 4 };
    let step = (magnitude >> segment.max(1)) & 0x0F;
    ((segment << 4) | step) as u8 ^ mask
}

pub fn decode_a_law(code: u8) -> i16 {
    let code = code ^ 0x55;
    let segment = (code >> 4) & 0x07;
    let step = i32::from(code & 0x0F) << 4;
    // The decoded value is the middle of the step's interval.
    let magnitude = match segment {
        0 => step + 8,
        segment => (step + 0x108) << (segment - 1),
    };
    (if code & 0x80 != 0 { magnitude } else { -magnitude }) as i16
}

/// Codes linear PCM samples as a PCMU or PCMA payload.
pub fn encode(law: Law, samples: &[i16]) -> Vec<u8> {
    let code = match law {
        Law::MuLaw => encode_mu_law,
        Law::ALaw => encode_a_law,
    };
    samples.iter().map(|&sample| code(sample)).collect()
}

/// Decodes a PCMU or PCMA payload to linear PCM samples.
pub fn decode(law: Law, payload: &[u8]) -> Vec<i16> {
    let decode = match law {
        Law::MuLaw => decode_mu_law,
        Law::ALaw => decode_a_law,
    };
    payload.iter().map(|&code| decode(code)).collect()
}

/// One frame of G.711 bytes per payload: they are small (160 bytes for
/// 20 ms), so the sender chooses the frame length and never splits it.
#[derive(Debug, Default)]
pub struct G711Packetizer;

impl Packetizer for G711Packetizer {
    fn packetize(&mut self, frame: &[u8], max_payload_size: usize) -> Result<Vec<Payload>, FormatError> {
        one_frame_per_payload(frame, max_payload_size)
    }
}

/// Each payload is a frame of samples, whichever law.
#[derive(Debug, Default)]
pub struct G711;

impl PayloadFormat for G711 {
    fn parse<'a>(&mut self, _: &RtpInfo, payload: &'a [u8]) -> Result<Fragment<'a>, FormatError> {
        Ok(Fragment { start: FrameStart::Yes, end: true, key_frame: true, data: Cow::Borrowed(payload) })
    }
}

pub type G711Depacketizer = Depacketizer<G711>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_decode_to_g711_table_values() {
        // G.711 Table 2a (μ-law) and 1a (A-law), scaled to 16 bits.
        assert_eq!(decode_mu_law(0xFF), 0);
        assert_eq!(decode_mu_law(0x7F), 0);
        assert_eq!(decode_mu_law(0x80), 32124);
        assert_eq!(decode_mu_law(0x00), -32124);
        assert_eq!(decode_mu_law(0xFE), 8);
        assert_eq!(decode_a_law(0xD5), 8);
        assert_eq!(decode_a_law(0x55), -8);
        assert_eq!(decode_a_law(0xAA), 32256);
        assert_eq!(decode_a_law(0x2A), -32256);
        assert_eq!(encode_mu_law(0), 0xFF);
        assert_eq!(encode_a_law(0), 0xD5);
        assert_eq!(encode_mu_law(i16::MAX), 0x80);
        assert_eq!(encode_mu_law(i16::MIN), 0x00);
        assert_eq!(encode_a_law(i16::MAX), 0xAA);
        assert_eq!(encode_a_law(i16::MIN), 0x2A);
    }

    fn mu_segment(sample: i16) -> u8 {
        (!encode_mu_law(sample) >> 4) & 7
    }

    fn a_segment(sample: i16) -> u8 {
        ((encode_a_law(sample) ^ 0x55) >> 4) & 7
    }

    #[test]
    fn segment_boundaries_are_the_tables() {
        // μ-law segment ends in 14-bit units: 31, 95, 223, ..., 8159 (×4 here,
        // less the half step the bias adds).
        for (segment, first) in [124i16, 380, 892, 1916, 3964, 8060, 16252].into_iter().enumerate() {
            assert_eq!(mu_segment(first - 1), segment as u8, "below {first}");
            assert_eq!(mu_segment(first), segment as u8 + 1, "at {first}");
            assert_eq!(mu_segment(-first), segment as u8 + 1, "at -{first}");
        }
        // A-law segments start at 32, 64, ..., 2048 in 13-bit units.
        for (segment, first) in [256i16, 512, 1024, 2048, 4096, 8192, 16384].into_iter().enumerate() {
            assert_eq!(a_segment(first - 1), segment as u8, "below {first}");
            assert_eq!(a_segment(first), segment as u8 + 1, "at {first}");
        }
    }

    #[test]
    fn every_code_decodes_back_to_itself() {
        for code in 0..=255u8 {
            let mu = encode_mu_law(decode_mu_law(code));
            // μ-law has two zeros (0xFF and 0x7F); both decode to 0.
            assert!(mu == code || (code == 0x7F && mu == 0xFF), "μ-law {code:#04x} → {mu:#04x}");
            assert_eq!(encode_a_law(decode_a_law(code)), code, "A-law {code:#04x}");
        }
    }

    #[test]
    fn quantization_error_is_at_most_half_a_step() {
        for sample in i16::MIN..=i16::MAX {
            let x = i32::from(sample);
            let mu_error = (i32::from(decode_mu_law(encode_mu_law(sample))) - x).abs();
            // μ-law steps are 2^(segment+3): half of that is (|x| + bias) / 32.
            if x.abs() <= MU_CLIP {
                assert!(mu_error <= (x.abs() + MU_BIAS) / 32, "μ-law {sample}: {mu_error}");
            }
            let a_error = (i32::from(decode_a_law(encode_a_law(sample))) - x).abs();
            // A-law steps are 16 below 512 and |x|/16 above; the 13-bit
            // truncation adds less than 8.
            assert!(a_error <= (x.abs() / 32).max(8) + 8, "A-law {sample}: {a_error}");
        }
    }

    #[test]
    fn encode_is_monotonic() {
        let mut previous = (i32::MIN, i32::MIN);
        for sample in i16::MIN..=i16::MAX {
            let mu = i32::from(decode_mu_law(encode_mu_law(sample)));
            let a = i32::from(decode_a_law(encode_a_law(sample)));
            assert!(mu >= previous.0 && a >= previous.1, "{sample}");
            previous = (mu, a);
        }
    }

    #[test]
    fn payload_round_trip() {
        let samples: Vec<i16> = (0..160).map(|i| ((i * 409) % 65536 - 32768) as i16).collect();
        for law in [Law::MuLaw, Law::ALaw] {
            let payload = encode(law, &samples);
            assert_eq!(payload.len(), 160);
            assert_eq!(encode(law, &decode(law, &payload)), payload);
        }
    }
}

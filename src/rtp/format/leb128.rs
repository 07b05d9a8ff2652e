//! LEB128 unsigned integers as AV1 codes them (AV1 bitstream spec §4.10.5):
//! at most 8 bytes, the value below 2^32.

use super::FormatError;

/// Reads a LEB128 value from the front of `bytes`: the value and its length.
pub(crate) fn read(bytes: &[u8]) -> Result<(usize, usize), FormatError> {
    let mut value: u64 = 0;
    for (i, &byte) in bytes.iter().take(8).enumerate() {
        value |= u64::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            let value =
                u32::try_from(value).map_err(|_| FormatError::Malformed("LEB128 value above 2^32 - 1"))?;
            return Ok((value as usize, i + 1));
        }
    }
    Err(FormatError::Truncated("LEB128 value"))
}

pub(crate) fn write(mut value: usize, out: &mut Vec<u8>) {
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

/// How many bytes `write` takes for `value`.
pub(crate) fn len(value: usize) -> usize {
    let bits = usize::BITS - value.leading_zeros();
    (bits.max(1) as usize).div_ceil(7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_lengths() {
        for value in [0usize, 1, 127, 128, 300, 16383, 16384, 0xFFFF_FFFF] {
            let mut out = Vec::new();
            write(value, &mut out);
            assert_eq!(out.len(), len(value), "{value}");
            assert_eq!(read(&out), Ok((value, out.len())));
        }
        assert_eq!(read(&[0xE5, 0x8E, 0x26]), Ok((624_485, 3)));
    }

    #[test]
    fn refuses_unterminated_and_oversized() {
        assert!(read(&[0x80, 0x80]).is_err());
        assert!(read(&[0xFF; 9]).is_err());
        assert!(read(&[0x80, 0x80, 0x80, 0x80, 0x10]).is_err());
    }
}

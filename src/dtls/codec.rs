//! Reading and writing the TLS presentation language (RFC 5246 §4): big-endian
//! integers and vectors with 1-, 2- or 3-byte length prefixes. The reader
//! returns `None` instead of panicking when the input runs short, which is how
//! every DTLS parser here stays panic-free on hostile bytes.

/// A cursor over untrusted bytes.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf }
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.buf.len() {
            return None;
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Some(head)
    }

    pub fn u8(&mut self) -> Option<u8> {
        self.bytes(1).and_then(|b| b.first().copied())
    }

    pub fn u16(&mut self) -> Option<u16> {
        let b = self.bytes(2)?;
        Some(u16::from_be_bytes([*b.first()?, *b.get(1)?]))
    }

    pub fn u24(&mut self) -> Option<u32> {
        let b = self.bytes(3)?;
        Some(u32::from_be_bytes([0, *b.first()?, *b.get(1)?, *b.get(2)?]))
    }

    pub fn u48(&mut self) -> Option<u64> {
        let b = self.bytes(6)?;
        let mut out = 0u64;
        for byte in b {
            out = (out << 8) | u64::from(*byte);
        }
        Some(out)
    }

    pub fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.bytes(N)?.try_into().ok()
    }

    /// `opaque x<0..2^8-1>`.
    pub fn vec8(&mut self) -> Option<&'a [u8]> {
        let n = self.u8()?;
        self.bytes(usize::from(n))
    }

    /// `opaque x<0..2^16-1>`.
    pub fn vec16(&mut self) -> Option<&'a [u8]> {
        let n = self.u16()?;
        self.bytes(usize::from(n))
    }

    /// `opaque x<0..2^24-1>`.
    pub fn vec24(&mut self) -> Option<&'a [u8]> {
        let n = self.u24()?;
        self.bytes(usize::try_from(n).ok()?)
    }

    /// A vector of 16-bit values (cipher suites, groups, signature schemes).
    /// An odd byte count is malformed.
    pub fn u16_list(bytes: &[u8]) -> Option<Vec<u16>> {
        if bytes.len() % 2 != 0 {
            return None;
        }
        Some(
            bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect(),
        )
    }
}

pub(crate) fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Values above 2^24-1 are a bug on our side (our messages are small); they
/// saturate rather than wrap so a peer would reject the message, not misread it.
pub(crate) fn put_u24(out: &mut Vec<u8>, v: usize) {
    let v = u32::try_from(v).unwrap_or(u32::MAX).min(0x00ff_ffff);
    out.extend_from_slice(&v.to_be_bytes()[1..]);
}

pub(crate) fn put_u48(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_be_bytes()[2..]);
}

pub(crate) fn put_vec8(out: &mut Vec<u8>, v: &[u8]) {
    out.push(u8::try_from(v.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(v);
}

pub(crate) fn put_vec16(out: &mut Vec<u8>, v: &[u8]) {
    put_u16(out, u16::try_from(v.len()).unwrap_or(u16::MAX));
    out.extend_from_slice(v);
}

pub(crate) fn put_vec24(out: &mut Vec<u8>, v: &[u8]) {
    put_u24(out, v.len());
    out.extend_from_slice(v);
}

pub(crate) fn u16_list_bytes(values: &[u16]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_be_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_stops_at_the_end() {
        let mut r = Reader::new(&[0, 3, 1, 2]);
        assert_eq!(r.vec16(), None);
        let mut r = Reader::new(&[0, 2, 1, 2, 7]);
        assert_eq!(r.vec16(), Some(&[1u8, 2][..]));
        assert_eq!(r.u16(), None);
        assert_eq!(r.u8(), Some(7));
        assert!(r.is_empty());
        assert_eq!(Reader::u16_list(&[1, 2, 3]), None);
        assert_eq!(Reader::new(&[0, 0, 0, 0, 1, 2]).u48(), Some(0x102));
    }

    #[test]
    fn writers_round_trip() {
        let mut out = Vec::new();
        put_vec24(&mut out, b"abc");
        put_u48(&mut out, 0x0102_0304_0506);
        let mut r = Reader::new(&out);
        assert_eq!(r.vec24(), Some(&b"abc"[..]));
        assert_eq!(r.u48(), Some(0x0102_0304_0506));
    }
}

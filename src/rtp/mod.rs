//! Media on the wire: RTP payload formats (`format`).
pub mod format;

//! Writing a session description: every line in the order RFC 8866 §5 gives,
//! each ended by CRLF (§5: "the sequence CRLF (0x0d0a) is used to end a
//! line"), attributes in the order the model holds them.
//!
//! The model keeps each line type in its own field, so the canonical order
//! falls out of writing the fields in turn; what a parse accepted, writing
//! gives back in a form that parses to the same model.

use std::fmt;

use super::model::{Bandwidth, Connection, MediaDescription, Origin, SessionDescription};

const CRLF: &str = "\r\n";

impl fmt::Display for SessionDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v=0{CRLF}")?;
        write!(f, "o={}{CRLF}", self.origin)?;
        write!(f, "s={}{CRLF}", self.session_name)?;
        write_line(f, 'i', self.information.as_deref())?;
        write_line(f, 'u', self.uri.as_deref())?;
        self.emails.iter().try_for_each(|email| write_line(f, 'e', Some(email)))?;
        self.phones.iter().try_for_each(|phone| write_line(f, 'p', Some(phone)))?;
        if let Some(connection) = &self.connection {
            write!(f, "c={connection}{CRLF}")?;
        }
        self.bandwidths.iter().try_for_each(|bandwidth| write!(f, "b={bandwidth}{CRLF}"))?;
        for timing in &self.timings {
            write!(f, "t={} {}{CRLF}", timing.start, timing.stop)?;
            timing.repeats.iter().try_for_each(|repeat| write_line(f, 'r', Some(repeat)))?;
        }
        write_line(f, 'z', self.time_zones.as_deref())?;
        write_line(f, 'k', self.encryption_key.as_deref())?;
        self.attributes.iter().try_for_each(|attribute| write!(f, "a={attribute}{CRLF}"))?;
        self.media.iter().try_for_each(|media| write!(f, "{media}"))
    }
}

/// One media section, from its `m=` line to its last `a=` line.
impl fmt::Display for MediaDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "m={} {}", self.media, self.port)?;
        if let Some(count) = self.number_of_ports {
            write!(f, "/{count}")?;
        }
        write!(f, " {}", self.proto)?;
        self.formats.iter().try_for_each(|format| write!(f, " {format}"))?;
        f.write_str(CRLF)?;
        write_line(f, 'i', self.information.as_deref())?;
        self.connections.iter().try_for_each(|connection| write!(f, "c={connection}{CRLF}"))?;
        self.bandwidths.iter().try_for_each(|bandwidth| write!(f, "b={bandwidth}{CRLF}"))?;
        write_line(f, 'k', self.encryption_key.as_deref())?;
        self.attributes.iter().try_for_each(|attribute| write!(f, "a={attribute}{CRLF}"))
    }
}

/// The value of `o=`.
impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {} {} {}",
            self.username, self.session_id, self.session_version, self.net_type, self.addr_type, self.unicast_address
        )
    }
}

/// The value of `c=`: `<nettype> <addrtype> <connection-address>`.
impl fmt::Display for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.net_type, self.addr_type, self.address)
    }
}

/// The value of `b=`: `<bwtype>:<bandwidth>`.
impl fmt::Display for Bandwidth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.bwtype, self.bandwidth)
    }
}

fn write_line(f: &mut fmt::Formatter<'_>, kind: char, value: Option<&str>) -> fmt::Result {
    match value {
        Some(value) => write!(f, "{kind}={value}{CRLF}"),
        None => Ok(()),
    }
}

//! Reading a session description: lines (RFC 8866 §5), the order they must
//! come in (§5, and the session/media split of §5.14), and the grammar of
//! each non-attribute line (§9). Attributes are in `attribute.rs`.
//!
//! Lines end in CRLF or a bare LF, and a final line end is optional. Parsing
//! is one pass that stops at the first bad line, and each line is scanned a
//! fixed number of times, so time is linear in the input and a megabyte of
//! garbage fails on its first bad line. Every line and list entry is charged
//! to a `Budget` of [`MAX_ENTRIES`](super::MAX_ENTRIES), which bounds what
//! a parse allocates (see the `sdp` module doc).

use super::error::SdpError;
use super::model::{Attribute, Bandwidth, Connection, MediaDescription, Origin, SessionDescription, Timing};
use super::token::{excerpt, is_token, number, Budget, Fallible, Words};

impl SessionDescription {
    /// Parses a whole session description. Never panics; the error names
    /// the first line that breaks the grammar or the line order.
    pub fn parse(text: &str) -> Result<SessionDescription, SdpError> {
        if text.is_empty() {
            return Err(SdpError::new(1, "empty session description"));
        }
        // A final line end does not start another (empty) line.
        let body = text.strip_suffix('\n').unwrap_or(text);
        let mut builder = Builder::default();
        let mut budget = Budget::new();
        let mut line_number = 0;
        for line in body.split('\n') {
            line_number += 1;
            budget
                .take()
                .and_then(|()| split_line(line))
                .and_then(|(kind, value)| builder.line(kind, value, &mut budget))
                .map_err(|message| SdpError::new(line_number, message))?;
        }
        builder.finish().map_err(|message| SdpError::new(line_number, message))
    }
}

/// `<type>=<value>` without its line end. Values may hold any character but
/// NUL, CR and LF (RFC 8866 §9 `byte-string`).
fn split_line(line: &str) -> Fallible<(char, &str)> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut chars = line.chars();
    let kind = match (chars.next(), chars.next()) {
        (Some(kind), Some('=')) => kind,
        (None, _) => return Err("empty line".into()),
        _ => return Err(format!("`{}` is not a `<type>=<value>` line", excerpt(line))),
    };
    let value = chars.as_str();
    if value.contains(['\r', '\0']) {
        return Err("CR or NUL inside a line".into());
    }
    Ok((kind, value))
}

/// Where a line type may appear at session level (RFC 8866 §5): types must
/// come in this order; `t=` and `r=` share a place so they can alternate.
fn session_rank(kind: char) -> Option<u8> {
    Some(match kind {
        'v' => 0,
        'o' => 1,
        's' => 2,
        'i' => 3,
        'u' => 4,
        'e' => 5,
        'p' => 6,
        'c' => 7,
        'b' => 8,
        't' | 'r' => 9,
        'z' => 10,
        'k' => 11,
        'a' => 12,
        'm' => 13,
        _ => return None,
    })
}

/// The same inside a media section (RFC 8866 §5, "Media description").
fn media_rank(kind: char) -> Option<u8> {
    Some(match kind {
        'm' => 0,
        'i' => 1,
        'c' => 2,
        'b' => 3,
        'k' => 4,
        'a' => 5,
        _ => return None,
    })
}

/// Line types that appear at most once in a section; a media section may
/// have several `c=` lines (RFC 8866 §5.7, one per multicast address).
fn is_singleton(kind: char, in_media: bool) -> bool {
    match kind {
        'i' | 'k' => true,
        'v' | 'o' | 's' | 'u' | 'c' | 'z' => !in_media,
        _ => false,
    }
}

/// The description read so far: the session-level lines, then the media
/// sections, with the place of the last line seen to check the order.
#[derive(Default)]
struct Builder {
    version_seen: bool,
    origin: Option<Origin>,
    session_name: Option<String>,
    information: Option<String>,
    uri: Option<String>,
    emails: Vec<String>,
    phones: Vec<String>,
    connection: Option<Connection>,
    bandwidths: Vec<Bandwidth>,
    timings: Vec<Timing>,
    time_zones: Option<String>,
    encryption_key: Option<String>,
    attributes: Vec<Attribute>,
    media: Vec<MediaDescription>,
    /// Rank of the previous line in the current section; `None` before the
    /// first line.
    rank: Option<u8>,
}

impl Builder {
    fn line(&mut self, kind: char, value: &str, budget: &mut Budget) -> Fallible<()> {
        let rank = match self.media.last() {
            None => session_rank(kind),
            Some(_) if session_rank(kind).is_some() && media_rank(kind).is_none() => {
                return Err(format!("{kind}= line inside a media section"));
            }
            Some(_) => media_rank(kind),
        }
        .ok_or_else(|| format!("unknown line type `{kind}=`"))?;

        if !self.version_seen && kind != 'v' {
            return Err("the first line must be v=".into());
        }
        if kind != 'm' {
            if let Some(previous) = self.rank {
                if rank < previous {
                    return Err(format!("{kind}= line out of order (RFC 8866 §5)"));
                }
                if rank == previous && is_singleton(kind, !self.media.is_empty()) {
                    return Err(format!("more than one {kind}= line"));
                }
            }
        }
        if self.media.is_empty() {
            self.check_required_before(rank, kind)?;
        }
        self.rank = Some(if kind == 'm' { 0 } else { rank });

        match (kind, self.media.last_mut()) {
            ('m', _) => self.media.push(media_line(value, budget)?),
            ('a', Some(media)) => media.attributes.push(Attribute::parse(value, budget)?),
            ('i', Some(media)) => media.information = Some(value.to_owned()),
            ('c', Some(media)) => media.connections.push(parse_connection_fields(value)?),
            ('b', Some(media)) => media.bandwidths.push(bandwidth(value)?),
            ('k', Some(media)) => media.encryption_key = Some(value.to_owned()),
            ('v', None) => {
                if value != "0" {
                    return Err(format!("unsupported version `{}`", excerpt(value)));
                }
                self.version_seen = true;
            }
            ('o', None) => self.origin = Some(origin(value)?),
            ('s', None) => self.session_name = Some(value.to_owned()),
            ('i', None) => self.information = Some(value.to_owned()),
            ('u', None) => self.uri = Some(value.to_owned()),
            ('e', None) => self.emails.push(value.to_owned()),
            ('p', None) => self.phones.push(value.to_owned()),
            ('c', None) => self.connection = Some(parse_connection_fields(value)?),
            ('b', None) => self.bandwidths.push(bandwidth(value)?),
            ('t', None) => self.timings.push(timing(value)?),
            ('r', None) => {
                let timing = self.timings.last_mut().ok_or("r= line without a t= line")?;
                timing.repeats.push(value.to_owned());
            }
            ('z', None) => self.time_zones = Some(value.to_owned()),
            ('k', None) => self.encryption_key = Some(value.to_owned()),
            ('a', None) => self.attributes.push(Attribute::parse(value, budget)?),
            // The rank tables admit no other combination.
            _ => return Err(format!("unexpected {kind}= line")),
        }
        Ok(())
    }

    /// `o=`, `s=` and at least one `t=` are required (RFC 8866 §5); report
    /// one missing at the first line that should have come after it.
    fn check_required_before(&self, rank: u8, kind: char) -> Fallible<()> {
        let missing = if rank > 1 && self.origin.is_none() {
            "o="
        } else if rank > 2 && self.session_name.is_none() {
            "s="
        } else if (rank > 9 || kind == 'r') && self.timings.is_empty() {
            "t="
        } else {
            return Ok(());
        };
        Err(format!("missing {missing} line before this {kind}= line"))
    }

    fn finish(self) -> Fallible<SessionDescription> {
        let origin = self.origin.ok_or("missing o= line")?;
        let session_name = self.session_name.ok_or("missing s= line")?;
        if self.timings.is_empty() {
            return Err("missing t= line".into());
        }
        Ok(SessionDescription {
            origin,
            session_name,
            information: self.information,
            uri: self.uri,
            emails: self.emails,
            phones: self.phones,
            connection: self.connection,
            bandwidths: self.bandwidths,
            timings: self.timings,
            time_zones: self.time_zones,
            encryption_key: self.encryption_key,
            attributes: self.attributes,
            media: self.media,
        })
    }
}

/// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (§5.2).
fn origin(value: &str) -> Fallible<Origin> {
    let mut words = Words::new(value);
    let username = words.expect("origin username")?.to_owned();
    let session_id = number(words.expect("session id")?, "session id")?;
    let session_version = number(words.expect("session version")?, "session version")?;
    let Connection { net_type, addr_type, address } = connection_words(&mut words)?;
    words.finish("origin address")?;
    Ok(Origin { username, session_id, session_version, net_type, addr_type, unicast_address: address })
}

/// `<nettype> <addrtype> <connection-address>`: the value of `c=` (§5.7),
/// also the tail of `o=` and of `a=rtcp`.
pub(super) fn parse_connection_fields(value: &str) -> Fallible<Connection> {
    let mut words = Words::new(value);
    let connection = connection_words(&mut words)?;
    words.finish("connection address")?;
    Ok(connection)
}

fn connection_words(words: &mut Words<'_>) -> Fallible<Connection> {
    let net_type = words.expect("network type")?;
    let addr_type = words.expect("address type")?;
    for token in [net_type, addr_type] {
        if !is_token(token) {
            return Err(format!("invalid network or address type `{}`", excerpt(token)));
        }
    }
    let address = words.expect("address")?;
    Ok(Connection { net_type: net_type.to_owned(), addr_type: addr_type.to_owned(), address: address.to_owned() })
}

/// `<bwtype>:<bandwidth>` (§5.8).
fn bandwidth(value: &str) -> Fallible<Bandwidth> {
    let (bwtype, bandwidth) = value.split_once(':').ok_or("expected `<bwtype>:<bandwidth>`")?;
    if !is_token(bwtype) {
        return Err(format!("invalid bandwidth type `{}`", excerpt(bwtype)));
    }
    Ok(Bandwidth { bwtype: bwtype.to_owned(), bandwidth: number(bandwidth, "bandwidth")? })
}

/// `<start-time> <stop-time>` (§5.9).
fn timing(value: &str) -> Fallible<Timing> {
    let mut words = Words::new(value);
    let start = number(words.expect("start time")?, "start time")?;
    let stop = number(words.expect("stop time")?, "stop time")?;
    words.finish("stop time")?;
    Ok(Timing { start, stop, repeats: Vec::new() })
}

/// `<media> <port>[/<number of ports>] <proto> <fmt> ...` (§5.14).
fn media_line(value: &str, budget: &mut Budget) -> Fallible<MediaDescription> {
    let mut words = Words::new(value);
    let media = words.expect("media type")?;
    if !is_token(media) {
        return Err(format!("invalid media type `{}`", excerpt(media)));
    }
    let ports = words.expect("port")?;
    let (port, number_of_ports) = match ports.split_once('/') {
        Some((port, count)) => (port, Some(number(count, "number of ports")?)),
        None => (ports, None),
    };
    let port = number(port, "port")?;
    let proto = words.expect("transport protocol")?;
    if !proto.split('/').all(is_token) {
        return Err(format!("invalid transport protocol `{}`", excerpt(proto)));
    }
    let formats = budget.list(words, |format| match is_token(format) {
        true => Ok(format.to_owned()),
        false => Err(format!("invalid format `{}`", excerpt(format))),
    })?;
    if formats.is_empty() {
        return Err("missing media format".into());
    }
    Ok(MediaDescription {
        media: media.to_owned(),
        port,
        number_of_ports,
        proto: proto.to_owned(),
        formats,
        information: None,
        connections: Vec::new(),
        bandwidths: Vec::new(),
        encryption_key: None,
        attributes: Vec::new(),
    })
}

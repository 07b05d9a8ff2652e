//! `a=` lines (RFC 8866 §5.13, §6): the grammar of each attribute WebRTC
//! types, and writing them back.
//!
//! Sources per attribute: `group` and `mid` RFC 5888 §5 and §4; directions
//! RFC 8866 §6.7; `ice-*` RFC 8839 §5.3–5.6; `fingerprint` RFC 8122 §5;
//! `setup` RFC 4145 §4; `sctp-port`/`max-message-size` RFC 8841 §5–6;
//! `rtpmap`/`fmtp` RFC 8866 §6.6, §6.15; `rtcp-fb` RFC 4585 §4.2; `extmap`
//! RFC 8285 §8; `msid` RFC 8830 §2; `ssrc`/`ssrc-group` RFC 5576 §4;
//! `rid` RFC 8851 §10; `simulcast` RFC 8853 §5.1; `rtcp` RFC 3605 §2.1;
//! `rtcp-mux`/`rtcp-mux-only`/`rtcp-rsize` RFC 8035, RFC 8858, RFC 5506;
//! `candidate`/`end-of-candidates` RFC 8839 §5.1, RFC 8840 §8.2.
//!
//! A typed attribute whose value does not match its grammar is an error, not
//! an [`Attribute::Other`]: a description we would misread is one to refuse.
//! Trailing spaces and tabs after a typed attribute are ignored.

use std::fmt;

use super::candidate;
use super::model::{Attribute, Direction, PayloadTypes, RidDirection, Setup, SimulcastRid};
use super::parse::parse_connection_fields;
use super::token::{excerpt, is_token, number, single_word, Budget, Fallible, Words};

impl Direction {
    /// The attribute name: `sendrecv`, `sendonly`, `recvonly`, `inactive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }

    fn from_name(name: &str) -> Option<Direction> {
        match name {
            "sendrecv" => Some(Direction::SendRecv),
            "sendonly" => Some(Direction::SendOnly),
            "recvonly" => Some(Direction::RecvOnly),
            "inactive" => Some(Direction::Inactive),
            _ => None,
        }
    }
}

impl Setup {
    /// The `a=setup` value: `actpass`, `active`, `passive`, `holdconn`.
    pub fn as_str(self) -> &'static str {
        match self {
            Setup::ActPass => "actpass",
            Setup::Active => "active",
            Setup::Passive => "passive",
            Setup::HoldConn => "holdconn",
        }
    }
}

impl Attribute {
    /// The attribute's name as written before the `:`, e.g. `mid`,
    /// `sendrecv`, `rtpmap`, or an [`Attribute::Other`]'s own name.
    pub fn name(&self) -> &str {
        match self {
            Attribute::Group { .. } => "group",
            Attribute::Mid(_) => "mid",
            Attribute::Direction(direction) => direction.as_str(),
            Attribute::IceUfrag(_) => "ice-ufrag",
            Attribute::IcePwd(_) => "ice-pwd",
            Attribute::IceOptions(_) => "ice-options",
            Attribute::IceLite => "ice-lite",
            Attribute::Fingerprint { .. } => "fingerprint",
            Attribute::Setup(_) => "setup",
            Attribute::SctpPort(_) => "sctp-port",
            Attribute::MaxMessageSize(_) => "max-message-size",
            Attribute::Rtpmap { .. } => "rtpmap",
            Attribute::Fmtp { .. } => "fmtp",
            Attribute::RtcpFb { .. } => "rtcp-fb",
            Attribute::Extmap { .. } => "extmap",
            Attribute::ExtmapAllowMixed => "extmap-allow-mixed",
            Attribute::Msid { .. } => "msid",
            Attribute::MsidSemantic { .. } => "msid-semantic",
            Attribute::Ssrc { .. } => "ssrc",
            Attribute::SsrcGroup { .. } => "ssrc-group",
            Attribute::Rid { .. } => "rid",
            Attribute::Simulcast { .. } => "simulcast",
            Attribute::RtcpMux => "rtcp-mux",
            Attribute::RtcpMuxOnly => "rtcp-mux-only",
            Attribute::RtcpRsize => "rtcp-rsize",
            Attribute::Rtcp { .. } => "rtcp",
            Attribute::Candidate(_) => "candidate",
            Attribute::EndOfCandidates => "end-of-candidates",
            Attribute::Other { name, .. } => name,
        }
    }

    /// Parses what follows `a=`.
    pub(super) fn parse(text: &str, budget: &mut Budget) -> Fallible<Attribute> {
        let (name, value) = match text.split_once(':') {
            Some((name, value)) => (name, Some(value)),
            None => (text.trim_end_matches([' ', '\t']), None),
        };
        if !is_token(name) {
            return Err(format!("invalid attribute name `{}`", excerpt(name)));
        }
        let typed_value = value.map(|value| value.trim_end_matches([' ', '\t']));
        match typed(name, typed_value, budget)? {
            Some(attribute) => Ok(attribute),
            None => Ok(Attribute::Other { name: name.to_owned(), value: value.map(str::to_owned) }),
        }
    }
}

/// The typed attribute `name`, `None` if WebRTC does not type it.
fn typed(name: &str, value: Option<&str>, budget: &mut Budget) -> Fallible<Option<Attribute>> {
    let flag = |attribute: Attribute| match value {
        None => Ok(Some(attribute)),
        Some(_) => Err(format!("a={name} takes no value")),
    };
    if let Some(direction) = Direction::from_name(name) {
        return flag(Attribute::Direction(direction));
    }
    match name {
        "ice-lite" => return flag(Attribute::IceLite),
        "extmap-allow-mixed" => return flag(Attribute::ExtmapAllowMixed),
        "rtcp-mux" => return flag(Attribute::RtcpMux),
        "rtcp-mux-only" => return flag(Attribute::RtcpMuxOnly),
        "rtcp-rsize" => return flag(Attribute::RtcpRsize),
        "end-of-candidates" => return flag(Attribute::EndOfCandidates),
        _ => {}
    }
    let parser: fn(&str, &mut Budget) -> Fallible<Attribute> = match name {
        "group" => group,
        "mid" => |value, _| Ok(Attribute::Mid(single_word(value, "mid")?.to_owned())),
        "ice-ufrag" => |value, _| Ok(Attribute::IceUfrag(single_word(value, "ice-ufrag")?.to_owned())),
        "ice-pwd" => |value, _| Ok(Attribute::IcePwd(single_word(value, "ice-pwd")?.to_owned())),
        "ice-options" => {
            |value, budget| Ok(Attribute::IceOptions(budget.list(Words::new(value), |option| Ok(option.to_owned()))?))
        }
        "fingerprint" => fingerprint,
        "setup" => setup,
        "sctp-port" => |value, _| Ok(Attribute::SctpPort(number(value, "sctp-port")?)),
        "max-message-size" => |value, _| Ok(Attribute::MaxMessageSize(number(value, "max-message-size")?)),
        "rtpmap" => rtpmap,
        "fmtp" => fmtp,
        "rtcp-fb" => rtcp_fb,
        "extmap" => extmap,
        "msid" => msid,
        "msid-semantic" => msid_semantic,
        "ssrc" => ssrc,
        "ssrc-group" => ssrc_group,
        "rid" => rid,
        "simulcast" => simulcast,
        "rtcp" => rtcp,
        "candidate" => |value, budget| Ok(Attribute::Candidate(candidate::parse_value(value, budget)?)),
        _ => return Ok(None),
    };
    let value = value.ok_or_else(|| format!("a={name} needs a value"))?;
    parser(value, budget).map(Some).map_err(|message| format!("a={name}: {message}"))
}

/// An RTP payload type: 0–127, the 7 bits of the RTP header's PT field.
fn payload_type(text: &str) -> Fallible<u8> {
    let pt: u8 = number(text, "payload type")?;
    if pt > 127 {
        return Err(format!("payload type {pt} is over 127"));
    }
    Ok(pt)
}

fn group(value: &str, budget: &mut Budget) -> Fallible<Attribute> {
    let mut words = Words::new(value);
    let semantics = words.expect("group semantics")?.to_owned();
    Ok(Attribute::Group { semantics, mids: budget.list(words, |mid| Ok(mid.to_owned()))? })
}

fn fingerprint(value: &str, _: &mut Budget) -> Fallible<Attribute> {
    let mut words = Words::new(value);
    let hash_function = words.expect("hash function")?;
    if !is_token(hash_function) {
        return Err(format!("invalid hash function `{}`", excerpt(hash_function)));
    }
    let hex = words.expect("fingerprint")?;
    words.finish("fingerprint")?;
    let fingerprint = hex
        .split(':')
        .map(|pair| match pair.as_bytes() {
            [high, low] => Some((hex_digit(*high)? << 4) | hex_digit(*low)?),
            _ => None,
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(|| format!("`{}` is not colon-separated hex pairs", excerpt(hex)))?;
    Ok(Attribute::Fingerprint { hash_function: hash_function.to_owned(), fingerprint })
}

fn hex_digit(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).and_then(|value| u8::try_from(value).ok())
}

fn setup(value: &str, _: &mut Budget) -> Fallible<Attribute> {
    let setup = match value {
        "actpass" => Setup::ActPass,
        "active" => Setup::Active,
        "passive" => Setup::Passive,
        "holdconn" => Setup::HoldConn,
        _ => return Err(format!("unknown role `{}`", excerpt(value))),
    };
    Ok(Attribute::Setup(setup))
}

fn rtpmap(value: &str, _: &mut Budget) -> Fallible<Attribute> {
    let mut words = Words::new(value);
    let payload_type = payload_type(words.expect("payload type")?)?;
    let encoding = words.expect("encoding")?;
    words.finish("encoding")?;
    let mut parts = encoding.split('/');
    let encoding_name = parts.next().filter(|name| !name.is_empty()).ok_or("missing encoding name")?;
    let clock_rate = number(parts.next().ok_or("missing clock rate")?, "clock rate")?;
    let encoding_params = parts.next().map(|params| number(params, "encoding parameters")).transpose()?;
    if parts.next().is_some() {
        return Err(format!("too many `/` in `{}`", excerpt(encoding)));
    }
    Ok(Attribute::Rtpmap { payload_type, encoding_name: encoding_name.to_owned(), clock_rate, encoding_params })
}

fn fmtp(value: &str, _: &mut Budget) -> Fallible<Attribute> {
    let mut words = Words::new(value);
    let payload_type = payload_type(words.expect("payload type")?)?;
    Ok(Attribute::Fmtp { payload_type, parameters: words.remainder().unwrap_or_default().to_owned() })
}

fn rtcp_fb(value: &str, _: &mut Budget) -> Fallible<Attribute> {
    let mut words = Words::new(value);
    let payload_types = match words.expect("payload type")? {
        "*" => PayloadTypes::All,
        pt => PayloadTypes::One(payload_type(pt)?),
    };
    let feedback_type = words.expect("feedback type")?.to_owned();
    Ok(Attribute::RtcpFb { payload_types, feedback_type, parameter: words.remainder().map(str::to_owned) })
}

fn extmap(value: &str, _: &mut Budget) -> Fallible<Attribute> {
    let mut words = Words::new(value);
    let id_and_direction = words.expect("extension id")?;
    let (id, direction) = match id_and_direction.split_once('/') {
        Some((id, direction)) => {
            let direction =
                Direction::from_name(direction).ok_or_else(|| format!("unknown direction `{}`", excerpt(direction)))?;
            (id, Some(direction))
        }
        None => (id_and_direction, None),
    };
    let id = number(id, "extension id")?;
    let uri = words.expect("extension URI")?.to_owned();
    Ok(Attribute::Extmap { id, direction, uri, attributes: words.remainder().map(str::to_owned) })
}

fn msid(value: &str, _: &mut Budget) -> Fallible<Attribute> {
    let mut words = Words::new(value);
    let stream_id = words.expect("stream id")?.to_owned();
    Ok(Attribute::Msid { stream_id, track_id: words.remainder().map(str::to_owned) })
}

fn msid_semantic(value: &str, budget: &mut Budget) -> Fallible<Attribute> {
    let mut words = Words::new(value);
    let semantic = words.expect("semantic")?.to_owned();
    Ok(Attribute::MsidSemantic { semantic, identifiers: budget.list(words, |identifier| Ok(identifier.to_owned()))? })
}

fn ssrc(value: &str, _: &mut Budget) -> Fallible<Attribute> {
    let mut words = Words::new(value);
    let ssrc = number(words.expect("ssrc")?, "ssrc")?;
    let source_attribute = words.remainder().ok_or("missing source attribute")?;
    let (attribute, value) = match source_attribute.split_once(':') {
        Some((attribute, value)) => (attribute, Some(value.to_owned())),
        None => (source_attribute, None),
    };
    if attribute.is_empty() {
        return Err("empty source attribute name".into());
    }
    Ok(Attribute::Ssrc { ssrc, attribute: attribute.to_owned(), value })
}

fn ssrc_group(value: &str, budget: &mut Budget) -> Fallible<Attribute> {
    let mut words = Words::new(value);
    let semantics = words.expect("semantics")?.to_owned();
    let ssrcs = budget.list(words, |ssrc| number(ssrc, "ssrc"))?;
    Ok(Attribute::SsrcGroup { semantics, ssrcs })
}

fn rid(value: &str, _: &mut Budget) -> Fallible<Attribute> {
    let mut words = Words::new(value);
    let id = words.expect("rid id")?.to_owned();
    let direction = match words.expect("rid direction")? {
        "send" => RidDirection::Send,
        "recv" => RidDirection::Recv,
        other => return Err(format!("unknown rid direction `{}`", excerpt(other))),
    };
    Ok(Attribute::Rid { id, direction, restrictions: words.remainder().map(str::to_owned) })
}

/// `send <streams> [recv <streams>]` or the other way round, where streams
/// are `;`-separated lists of `,`-separated alternatives.
fn simulcast(value: &str, budget: &mut Budget) -> Fallible<Attribute> {
    let mut send = None;
    let mut recv = None;
    let mut words = Words::new(value);
    while let Some(direction) = words.next() {
        let slot = match direction {
            "send" => &mut send,
            "recv" => &mut recv,
            other => return Err(format!("expected `send` or `recv`, found `{}`", excerpt(other))),
        };
        if slot.is_some() {
            return Err(format!("more than one `{direction}` list"));
        }
        *slot = Some(simulcast_streams(words.expect("simulcast stream list")?, budget)?);
    }
    if send.is_none() && recv.is_none() {
        return Err("no `send` or `recv` list".into());
    }
    Ok(Attribute::Simulcast { send: send.unwrap_or_default(), recv: recv.unwrap_or_default() })
}

fn simulcast_streams(list: &str, budget: &mut Budget) -> Fallible<Vec<Vec<SimulcastRid>>> {
    list.split(';')
        .map(|alternatives| {
            alternatives
                .split(',')
                .map(|rid| {
                    budget.take()?;
                    let (id, paused) = match rid.strip_prefix('~') {
                        Some(id) => (id, true),
                        None => (rid, false),
                    };
                    if id.is_empty() {
                        return Err(format!("empty rid in `{}`", excerpt(list)));
                    }
                    Ok(SimulcastRid { id: id.to_owned(), paused })
                })
                .collect()
        })
        .collect()
}

fn rtcp(value: &str, _: &mut Budget) -> Fallible<Attribute> {
    let mut words = Words::new(value);
    let port = number(words.expect("port")?, "port")?;
    let connection = match words.remainder() {
        None => None,
        Some(rest) => Some(parse_connection_fields(rest)?),
    };
    Ok(Attribute::Rtcp { port, connection })
}

/// Writes what follows `a=`.
impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.name();
        match self {
            Attribute::Group { semantics, mids } => {
                write!(f, "{name}:{semantics}")?;
                mids.iter().try_for_each(|mid| write!(f, " {mid}"))
            }
            Attribute::Mid(value) | Attribute::IceUfrag(value) | Attribute::IcePwd(value) => {
                write!(f, "{name}:{value}")
            }
            Attribute::IceOptions(options) => {
                write!(f, "{name}:{}", options.join(" "))
            }
            Attribute::Direction(_)
            | Attribute::IceLite
            | Attribute::ExtmapAllowMixed
            | Attribute::RtcpMux
            | Attribute::RtcpMuxOnly
            | Attribute::RtcpRsize
            | Attribute::EndOfCandidates => f.write_str(name),
            Attribute::Fingerprint { hash_function, fingerprint } => {
                write!(f, "{name}:{hash_function} ")?;
                for (index, byte) in fingerprint.iter().enumerate() {
                    let separator = if index == 0 { "" } else { ":" };
                    write!(f, "{separator}{byte:02X}")?;
                }
                Ok(())
            }
            Attribute::Setup(setup) => write!(f, "{name}:{}", setup.as_str()),
            Attribute::SctpPort(port) => write!(f, "{name}:{port}"),
            Attribute::MaxMessageSize(size) => write!(f, "{name}:{size}"),
            Attribute::Rtpmap { payload_type, encoding_name, clock_rate, encoding_params } => {
                write!(f, "{name}:{payload_type} {encoding_name}/{clock_rate}")?;
                match encoding_params {
                    Some(params) => write!(f, "/{params}"),
                    None => Ok(()),
                }
            }
            Attribute::Fmtp { payload_type, parameters } => {
                write!(f, "{name}:{payload_type}")?;
                if parameters.is_empty() {
                    Ok(())
                } else {
                    write!(f, " {parameters}")
                }
            }
            Attribute::RtcpFb { payload_types, feedback_type, parameter } => {
                match payload_types {
                    PayloadTypes::One(pt) => write!(f, "{name}:{pt} {feedback_type}")?,
                    PayloadTypes::All => write!(f, "{name}:* {feedback_type}")?,
                }
                write_optional(f, parameter.as_deref())
            }
            Attribute::Extmap { id, direction, uri, attributes } => {
                write!(f, "{name}:{id}")?;
                if let Some(direction) = direction {
                    write!(f, "/{}", direction.as_str())?;
                }
                write!(f, " {uri}")?;
                write_optional(f, attributes.as_deref())
            }
            Attribute::Msid { stream_id, track_id } => {
                write!(f, "{name}:{stream_id}")?;
                write_optional(f, track_id.as_deref())
            }
            // Chromium's spelling, with a space after the colon; every parser
            // we know accepts it, and Chromium's own wants it.
            Attribute::MsidSemantic { semantic, identifiers } => {
                write!(f, "{name}: {semantic}")?;
                identifiers.iter().try_for_each(|identifier| write!(f, " {identifier}"))
            }
            Attribute::Ssrc { ssrc, attribute, value } => {
                write!(f, "{name}:{ssrc} {attribute}")?;
                match value {
                    Some(value) => write!(f, ":{value}"),
                    None => Ok(()),
                }
            }
            Attribute::SsrcGroup { semantics, ssrcs } => {
                write!(f, "{name}:{semantics}")?;
                ssrcs.iter().try_for_each(|ssrc| write!(f, " {ssrc}"))
            }
            Attribute::Rid { id, direction, restrictions } => {
                let direction = match direction {
                    RidDirection::Send => "send",
                    RidDirection::Recv => "recv",
                };
                write!(f, "{name}:{id} {direction}")?;
                write_optional(f, restrictions.as_deref())
            }
            Attribute::Simulcast { send, recv } => {
                write!(f, "{name}:")?;
                let mut separator = "";
                for (direction, streams) in [("send", send), ("recv", recv)] {
                    if !streams.is_empty() {
                        write!(f, "{separator}{direction} ")?;
                        write_simulcast_streams(f, streams)?;
                        separator = " ";
                    }
                }
                Ok(())
            }
            Attribute::Rtcp { port, connection } => {
                write!(f, "{name}:{port}")?;
                match connection {
                    Some(connection) => write!(f, " {connection}"),
                    None => Ok(()),
                }
            }
            // Display for Candidate starts with `candidate:` already.
            Attribute::Candidate(candidate) => write!(f, "{candidate}"),
            Attribute::Other { name, value: Some(value) } => write!(f, "{name}:{value}"),
            Attribute::Other { name, value: None } => f.write_str(name),
        }
    }
}

fn write_optional(f: &mut fmt::Formatter<'_>, field: Option<&str>) -> fmt::Result {
    match field {
        Some(field) => write!(f, " {field}"),
        None => Ok(()),
    }
}

fn write_simulcast_streams(f: &mut fmt::Formatter<'_>, streams: &[Vec<SimulcastRid>]) -> fmt::Result {
    for (stream_index, alternatives) in streams.iter().enumerate() {
        if stream_index > 0 {
            f.write_str(";")?;
        }
        for (index, rid) in alternatives.iter().enumerate() {
            let separator = if index == 0 { "" } else { "," };
            let paused = if rid.paused { "~" } else { "" };
            write!(f, "{separator}{paused}{}", rid.id)?;
        }
    }
    Ok(())
}

//! The ICE candidate grammar, RFC 8839 §5.1 (`candidate-attribute`), with the
//! TCP candidate `tcptype` extension of RFC 6544 §4.5. The same text appears
//! as an `a=candidate:` line and as `RTCIceCandidate.candidate`.

use std::fmt;

use super::error::SdpError;
use super::model::Candidate;
use super::token::{excerpt, is_token, number, Budget, Fallible, Words};

impl Candidate {
    /// Parses a candidate attribute value, with or without its leading
    /// `candidate:` (an `RTCIceCandidate.candidate` string has it, the value
    /// of an `a=candidate` line does not). Errors are reported on line 1.
    pub fn parse(text: &str) -> Result<Candidate, SdpError> {
        let value = text.strip_prefix("candidate:").unwrap_or(text);
        parse_value(value, &mut Budget::new()).map_err(|message| SdpError::new(1, message))
    }
}

/// The value after `a=candidate:`; each extension is one entry of `budget`.
pub(super) fn parse_value(value: &str, budget: &mut Budget) -> Fallible<Candidate> {
    let mut words = Words::new(value);
    let foundation = words.expect("candidate foundation")?;
    // ice-char = ALPHA / DIGIT / "+" / "/"
    let is_ice_char = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
    if foundation.len() > 32 || !foundation.bytes().all(is_ice_char) {
        return Err(format!("invalid candidate foundation `{}`", excerpt(foundation)));
    }
    let component_text = words.expect("candidate component id")?;
    if component_text.len() > 5 {
        return Err(format!("candidate component id `{}` is too long", excerpt(component_text)));
    }
    let component = number(component_text, "candidate component id")?;
    let transport = words.expect("candidate transport")?;
    if !is_token(transport) {
        return Err(format!("invalid candidate transport `{}`", excerpt(transport)));
    }
    let priority = number(words.expect("candidate priority")?, "candidate priority")?;
    let address = words.expect("candidate address")?;
    let port = number(words.expect("candidate port")?, "candidate port")?;
    if words.next() != Some("typ") {
        return Err("expected `typ` after the candidate port".into());
    }
    let typ = words.expect("candidate type")?;

    let mut candidate = Candidate {
        foundation: foundation.to_owned(),
        component,
        transport: transport.to_owned(),
        priority,
        address: address.to_owned(),
        port,
        typ: typ.to_owned(),
        rel_addr: None,
        rel_port: None,
        tcp_type: None,
        extensions: Vec::new(),
    };

    // raddr and rport are positional (right after the type); anywhere later
    // the grammar reads them as plain extension names, and so do we.
    let mut name = words.next();
    if name == Some("raddr") {
        candidate.rel_addr = Some(words.expect("raddr value")?.to_owned());
        name = words.next();
    }
    if name == Some("rport") {
        candidate.rel_port = Some(number(words.expect("rport value")?, "rport")?);
        name = words.next();
    }
    while let Some(extension) = name {
        if !is_token(extension) {
            return Err(format!("invalid candidate extension name `{}`", excerpt(extension)));
        }
        let value = words.next().ok_or_else(|| format!("candidate extension `{}` has no value", excerpt(extension)))?;
        budget.take()?;
        if extension == "tcptype" {
            if candidate.tcp_type.is_some() {
                return Err("more than one tcptype".into());
            }
            candidate.tcp_type = Some(value.to_owned());
        } else {
            candidate.extensions.push((extension.to_owned(), value.to_owned()));
        }
        name = words.next();
    }
    Ok(candidate)
}

/// Writes `candidate:<foundation> <component> ...`; an `a=` line is `a=`
/// followed by this.
impl fmt::Display for Candidate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "candidate:{} {} {} {} {} {} typ {}",
            self.foundation, self.component, self.transport, self.priority, self.address, self.port, self.typ
        )?;
        if let Some(rel_addr) = &self.rel_addr {
            write!(f, " raddr {rel_addr}")?;
        }
        if let Some(rel_port) = self.rel_port {
            write!(f, " rport {rel_port}")?;
        }
        // Chromium and libnice put tcptype first among the extensions.
        if let Some(tcp_type) = &self.tcp_type {
            write!(f, " tcptype {tcp_type}")?;
        }
        for (name, value) in &self.extensions {
            write!(f, " {name} {value}")?;
        }
        Ok(())
    }
}

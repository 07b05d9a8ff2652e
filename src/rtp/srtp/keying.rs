//! Keys from DTLS-SRTP (RFC 5764 §4.2): the exporter output is the client's
//! write key, the server's write key, the client's salt, the server's salt.
//! We protect with our own role's half and unprotect with the peer's.

use super::context::{master_salt_len, SrtpContext};
use super::SrtpError;
use crate::dtls::{DtlsRole, SrtpProfile};

/// Both directions of one DTLS-SRTP association.
#[derive(Debug, Clone)]
pub struct SrtpSession {
    /// Protects what we send.
    pub local: SrtpContext,
    /// Unprotects what we receive.
    pub remote: SrtpContext,
}

impl SrtpSession {
    /// From what `DtlsEvent::Connected` hands out: the negotiated profile,
    /// the exported keying material, and our DTLS role.
    pub fn from_dtls(role: DtlsRole, profile: SrtpProfile, material: &[u8]) -> Result<SrtpSession, SrtpError> {
        if material.len() != profile.keying_material_len() {
            return Err(SrtpError::KeyLength);
        }
        let salt_len = master_salt_len(profile);
        let (client_key, rest) = material.split_at(16);
        let (server_key, rest) = rest.split_at(16);
        let (client_salt, server_salt) = rest.split_at(salt_len);
        let client = SrtpContext::new(profile, client_key, client_salt)?;
        let server = SrtpContext::new(profile, server_key, server_salt)?;
        Ok(match role {
            DtlsRole::Client => SrtpSession { local: client, remote: server },
            DtlsRole::Server => SrtpSession { local: server, remote: client },
        })
    }

    pub fn protect_rtp(&mut self, packet: &mut Vec<u8>) -> Result<(), SrtpError> {
        self.local.protect_rtp(packet)
    }

    pub fn unprotect_rtp(&mut self, packet: &mut Vec<u8>) -> Result<(), SrtpError> {
        self.remote.unprotect_rtp(packet)
    }

    pub fn protect_rtcp(&mut self, packet: &mut Vec<u8>) -> Result<(), SrtpError> {
        self.local.protect_rtcp(packet)
    }

    pub fn unprotect_rtcp(&mut self, packet: &mut Vec<u8>) -> Result<(), SrtpError> {
        self.remote.unprotect_rtcp(packet)
    }
}

//! Generating offers (RFC 8829 §5.2): the initial offer (§5.2.1) and
//! subsequent ones (§5.2.2), which keep every existing `m=` section in
//! place with its mid, offer stopping transceivers with port zero, put new
//! transceivers (then the data section) into recyclable zero-port slots or
//! at the end, and carry fresh ICE credentials after restartIce.

use crate::random::Random;
use crate::sdp::{MediaDescription, SessionDescription, Setup};

use super::codecs::offer_codecs;
use super::header_extensions;
use super::sections::{rejected_copy, RtpSection, DATA_PROTO, RTP_PROTO};
use super::session::Session;
use super::types::{OfferOptions, SignalingState, TransceiverId};

/// One `m=` line of the offer being built.
enum Slot {
    /// A transceiver's section, with its section in the last local
    /// description if it had one.
    Transceiver(TransceiverId, Option<MediaDescription>),
    /// The data section, with its previous section if any.
    Data(Option<MediaDescription>),
    /// A section no transceiver uses any more: offered rejected unless a
    /// new transceiver or the data section takes its place.
    Recyclable(MediaDescription),
}

impl Session {
    /// A mid not used in this session before (RFC 8829 §5.2.1: "0", "1", ...).
    pub(super) fn fresh_mid(&mut self) -> String {
        let mut n: u64 = 0;
        loop {
            let candidate = n.to_string();
            if self.used_mids.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }

    pub(super) fn build_offer(&mut self, options: OfferOptions, random: &mut Random) -> SessionDescription {
        if options.ice_restart || self.ice_to_replace.is_some() {
            self.refresh_ice(random);
        }
        // In have-local-offer the pending offer is the one to stay
        // compatible with (RFC 8829 §5.2.2).
        let base = if self.state == SignalingState::HaveLocalOffer { &self.pending_local } else { &self.current_local };
        let base_media: Vec<MediaDescription> = base.as_ref().map(|d| d.sdp.media.clone()).unwrap_or_default();

        let mut slots: Vec<Slot> = Vec::new();
        for m in base_media {
            let mid = m.mid().map(str::to_string);
            let owner = mid.as_deref().and_then(|mid| self.transceivers.iter().find(|t| t.mid.as_deref() == Some(mid)));
            if let Some(t) = owner {
                slots.push(Slot::Transceiver(t.id, Some(m)));
            } else if mid.is_some() && self.data.mid == mid {
                slots.push(Slot::Data(Some(m)));
            } else {
                slots.push(Slot::Recyclable(m));
            }
        }

        // New transceivers in insertion order, then the data section
        // (Chromium's order), each recycling the first free slot.
        let placed: Vec<TransceiverId> =
            slots.iter().filter_map(|s| if let Slot::Transceiver(id, _) = s { Some(*id) } else { None }).collect();
        let new_ids: Vec<TransceiverId> = self
            .transceivers
            .iter()
            .filter(|t| !t.stopping && !t.stopped && !placed.contains(&t.id))
            .map(|t| t.id)
            .collect();
        for id in new_ids {
            let has_mid = self.transceivers.iter().any(|t| t.id == id && t.jsep_mid().is_some());
            if !has_mid {
                let mid = self.fresh_mid();
                if let Some(t) = self.transceivers.iter_mut().find(|t| t.id == id) {
                    t.reserved_mid = Some(mid);
                }
            }
            place(&mut slots, Slot::Transceiver(id, None));
        }
        if self.data.wanted && !slots.iter().any(|s| matches!(s, Slot::Data(_))) {
            if self.data.mid.is_none() && self.data.reserved_mid.is_none() {
                self.data.reserved_mid = Some(self.fresh_mid());
            }
            place(&mut slots, Slot::Data(None));
        }

        let header_extensions = header_extensions::offered(&self.header_extension_ids);
        let mut sections = Vec::new();
        for slot in slots {
            match slot {
                Slot::Transceiver(id, previous) => {
                    let Some(t) = self.transceivers.iter().find(|t| t.id == id) else { continue };
                    if t.stopping || t.stopped {
                        // webrtc-pc §4.4.2 createOffer: a stopping
                        // transceiver is offered as stopped.
                        if let Some(previous) = previous {
                            sections.push(rejected_copy(&previous));
                        }
                        continue;
                    }
                    let Some(mid) = t.jsep_mid() else { continue };
                    let proto = previous.as_ref().map_or(RTP_PROTO, |p| p.proto.as_str());
                    let codecs = offer_codecs(t.kind, &t.codecs);
                    let spec = RtpSection {
                        proto,
                        mid,
                        direction: t.direction,
                        codecs: &codecs,
                        header_extensions: &header_extensions,
                        rtcp_rsize: true,
                        setup: Setup::ActPass,
                    };
                    sections.push(self.rtp_section(t, &spec));
                }
                Slot::Data(previous) => {
                    let Some(mid) = self.data.mid.as_deref().or(self.data.reserved_mid.as_deref()) else { continue };
                    let proto = previous.as_ref().map_or(DATA_PROTO, |p| p.proto.as_str());
                    sections.push(self.data_section(mid, proto, Setup::ActPass));
                }
                Slot::Recyclable(previous) => sections.push(rejected_copy(&previous)),
            }
        }
        let bundle = sections.iter().filter(|m| !m.is_rejected()).filter_map(|m| m.mid().map(str::to_string)).collect();
        self.finish_description(sections, bundle, true)
    }
}

/// Puts a new section in the first recyclable slot, else at the end
/// (RFC 8829 §5.2.2: a zero-port section MUST be recycled).
fn place(slots: &mut Vec<Slot>, new: Slot) {
    match slots.iter_mut().find(|s| matches!(s, Slot::Recyclable(_))) {
        Some(free) => *free = new,
        None => slots.push(new),
    }
}

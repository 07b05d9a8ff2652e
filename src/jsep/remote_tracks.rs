//! Processing remote MediaStreamTracks (webrtc-pc §5.4, "Processing Remote
//! MediaStreamTracks", run from §4.4.1.5): which remote streams a
//! receiver's track is in, when a `track` event fires and when the track
//! is muted.

use std::collections::BTreeSet;

use crate::sdp::{MediaDescription, SessionDescription};

use super::media;
use super::session::Session;
use super::transceiver::Transceiver;
use super::types::{DescriptionChanges, TransceiverDirection};

/// "Set the associated remote streams" (webrtc-pc §4.4.1.5): returns
/// whether the addList grew.
pub(super) fn set_associated_remote_streams(
    t: &mut Transceiver,
    msids: Vec<String>,
    changes: &mut DescriptionChanges,
) -> bool {
    let (old_set, new_set): (BTreeSet<&String>, BTreeSet<&String>) =
        (t.remote_stream_ids.iter().collect(), msids.iter().collect());
    for old in &t.remote_stream_ids {
        if !new_set.contains(old) {
            changes.stream_tracks_removed.push((old.clone(), t.id));
        }
    }
    let mut added = false;
    for new in &msids {
        if !old_set.contains(new) {
            changes.stream_tracks_added.push((new.clone(), t.id));
            added = true;
        }
    }
    t.remote_stream_ids = msids;
    added
}

/// "Process remote tracks" (webrtc-pc §5.4): track events, mutes and
/// [[FiredDirection]].
pub(super) fn process_remote_tracks(
    t: &mut Transceiver,
    direction: Option<TransceiverDirection>,
    msids: Vec<String>,
    changes: &mut DescriptionChanges,
) {
    let added = set_associated_remote_streams(t, msids, changes);
    let was_receiving = t.fired_direction.is_some_and(TransceiverDirection::has_recv);
    let receiving = direction.is_some_and(TransceiverDirection::has_recv);
    if receiving && (!was_receiving || added) {
        changes.tracks_added.push((t.id, t.remote_stream_ids.clone()));
    }
    let not_receiving = direction.is_some_and(|d| !d.has_recv());
    if not_receiving {
        t.receptive = false;
        if was_receiving {
            changes.tracks_removed.push(t.id);
        }
    }
    t.fired_direction = direction;
}

impl Session {
    /// The stream ids a remote section gives its track: its MSIDs, or the
    /// default stream when the description signals none.
    pub(super) fn remote_msids(&self, sdp: &SessionDescription, m: &MediaDescription) -> Vec<String> {
        if media::signals_msid(sdp) {
            media::msid_stream_ids(m)
        } else {
            vec![self.default_stream_id.clone()]
        }
    }
}

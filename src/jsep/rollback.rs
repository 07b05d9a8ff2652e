//! Rollback (webrtc-pc §4.4.1.5 "rollback", RFC 8829 §4.1.8.2): back to
//! the last stable state, undoing associations and transceivers the pending
//! description made, and replaying the stable state's remote tracks.

use super::remote_tracks::process_remote_tracks;
use super::session::Session;
use super::transport::ice_of;
use super::types::{DescriptionChanges, SignalingState};

impl Session {
    /// Rollback (webrtc-pc §4.4.1.5 "rollback", RFC 8829 §4.1.8.2).
    pub(super) fn rollback(&mut self) -> DescriptionChanges {
        let mut changes = DescriptionChanges::default();
        let remote_offer = self.state == SignalingState::HaveRemoteOffer;
        let snapshot = self.stable.take();
        let prior = |id| {
            snapshot
                .as_ref()
                .and_then(|s| s.transceivers.iter().find(|(tid, _, _)| *tid == id))
                .map(|(_, mid, streams)| (mid.clone(), streams.clone()))
        };
        let mut removed = Vec::new();
        for t in &mut self.transceivers {
            let before = prior(t.id);
            let (mid_before, streams_before) = before.clone().unwrap_or_default();
            if mid_before.is_none() {
                t.mid = None;
            }
            t.reserved_mid = None;
            if remote_offer && !t.stopped {
                process_remote_tracks(t, t.current_direction, streams_before, &mut changes);
            }
            if before.is_none() && !t.add_track_attached {
                t.stop();
                removed.push(t.id);
            }
        }
        self.transceivers.retain(|t| !removed.contains(&t.id));
        changes.removed_transceivers = removed;
        if let Some(snapshot) = snapshot {
            self.data.mid = snapshot.data_mid;
        }
        // An ICE restart offered in the rolled-back description is undone.
        if let Some(ice) = self.current_local.as_ref().and_then(|d| ice_of(&d.sdp)) {
            self.local_ice = ice;
        }
        self.data.reserved_mid = None;
        self.remote_ice_restart = false;
        self.pending_local = None;
        self.pending_remote = None;
        self.state = SignalingState::Stable;
        changes
    }
}

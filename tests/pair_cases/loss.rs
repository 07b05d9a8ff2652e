//! Loss recovery through two whole peers (issue 13): the jitter buffer puts
//! reordered and duplicated packets back in order.

use std::time::Duration;

use wasmrtc::dtls::SrtpProfile;
use wasmrtc_sim::net::Impairments;

use super::media::media_pair;

/// No loss, but 5% duplicated, 5% held back 30 ms, and 20–50 ms of delay:
/// packets overtake each other within and across frames.
const REORDERED: Impairments = Impairments {
    duplicate: 0.05,
    reorder: 0.05,
    reorder_delay: Duration::from_millis(30),
    ..Impairments::lossy(0.0, 0.05, (20, 50))
};

pub fn reordered_and_duplicated_packets_make_whole_frames() {
    let mut media = media_pair(50, REORDERED, SrtpProfile::AeadAes128Gcm);
    let sent = media.exchange(4);
    for to in 0..2 {
        let (audio, video) = media.transceivers[to];
        let (audio_sent, video_sent) = &sent[1 - to];
        for (kind, transceiver, sent) in [("audio", audio, audio_sent), ("video", video, video_sent)] {
            let (frames, dropped) = media.received(to, transceiver);
            // The stream starts at the first packet that arrives: a packet
            // that a later one overtook at the very start is too old, and
            // its frame reported dropped (a key frame request repairs it).
            let late_start = dropped == [sent[0].rtp_timestamp];
            assert!(dropped.is_empty() || late_start, "{kind} to {to}: {dropped:?}");
            assert_eq!(frames, sent[usize::from(late_start)..], "{kind} to {to}");
            println!("{kind} to {to}: {} frames, {} whole and in order", sent.len(), frames.len());
        }
    }
    let stats = media.pair.net.stats();
    assert!(stats.duplicated > 0, "{stats:?}");
}

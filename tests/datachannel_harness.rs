//! Two data channel engines through a simulated network with 10% loss,
//! duplication and reordering, in virtual time (no DTLS: SCTP packets go
//! directly): delivery guarantees per channel type, opening and closing,
//! message sizes, negotiated channels, stream ids by role, the spec's
//! errors, bufferedAmount, and seeded verification tags.

mod datachannel_common;

use std::collections::BTreeSet;
use std::time::Duration;

use datachannel_common::{config, Pair, LOSSY, PERFECT};
use wasmrtc::datachannel::{
    ChannelId, ChannelInit, DataChannelEvent, DataChannelState, DataChannels, Priority, SctpConfig,
    SctpTransportState, MAX_MESSAGE_SIZE,
};
use wasmrtc::error::ErrorName;
use wasmrtc::jsep::DtlsRole;
use wasmrtc::random::Random;
use wasmrtc::time::Instant;

fn init(label: &str) -> ChannelInit {
    ChannelInit { label: label.into(), ..Default::default() }
}

/// A message whose content says which one it is: index, then filler.
fn numbered(i: u32, len: usize) -> Vec<u8> {
    let mut m = i.to_be_bytes().to_vec();
    m.resize(len.max(4), (i % 251) as u8);
    m
}

fn index_of(m: &[u8]) -> u32 {
    u32::from_be_bytes([m[0], m[1], m[2], m[3]])
}

/// The peer's handle for the channel with `label` it was told about.
fn peer_channel(side: &datachannel_common::Side, label: &str) -> ChannelId {
    side.created_by_peer().into_iter().find(|(_, _, l)| l == label).map(|(id, ..)| id).expect("announced")
}

#[test]
fn reliable_messages_arrive_exactly_once_and_in_order_where_ordered() {
    let mut pair = Pair::new(1, LOSSY);
    pair.connect_and_wait();
    let ordered = pair.create(true, init("ordered"));
    let unordered = pair.create(true, ChannelInit { ordered: false, ..init("unordered") });
    let back = pair.create(false, init("back"));
    assert!(pair.run_until(Duration::from_secs(30), |p| p.a.created_by_peer().len() == 1
        && p.b.created_by_peer().len() == 2));
    let (b_ordered, b_unordered, a_back) =
        (peer_channel(&pair.b, "ordered"), peer_channel(&pair.b, "unordered"), peer_channel(&pair.a, "back"));
    // Until DATA_CHANNEL_ACK (or a message from the peer) arrives, an
    // unordered channel sends ordered (RFC 8832 §6): wait for one.
    pair.send(false, b_unordered, false, b"ack");
    assert!(pair.run_until(Duration::from_secs(30), |p| p.a.messages(unordered).len() == 1));

    const N: u32 = 400;
    for i in 0..N {
        let len = 4 + (i as usize * 37) % 3000;
        pair.send(true, ordered, true, &numbered(i, len));
        pair.send(true, unordered, true, &numbered(i, len));
        pair.send(false, back, true, &numbered(i, len));
    }
    let done = pair.run_until(Duration::from_secs(300), |p| {
        p.b.messages(b_ordered).len() == N as usize
            && p.b.messages(b_unordered).len() == N as usize
            && p.a.messages(a_back).len() == N as usize
    });
    assert!(done, "not all reliable messages arrived");
    pair.run_for(Duration::from_secs(5));

    let got: Vec<u32> = pair.b.messages(b_ordered).iter().map(|(_, m)| index_of(m)).collect();
    assert_eq!(got, (0..N).collect::<Vec<_>>(), "ordered: each once, in order");
    let got: Vec<u32> = pair.a.messages(a_back).iter().map(|(_, m)| index_of(m)).collect();
    assert_eq!(got, (0..N).collect::<Vec<_>>(), "ordered, the other way");
    let got: Vec<u32> = pair.b.messages(b_unordered).iter().map(|(_, m)| index_of(m)).collect();
    assert_eq!(got.len(), N as usize, "unordered: each exactly once");
    assert_eq!(got.iter().copied().collect::<BTreeSet<_>>(), (0..N).collect());
    assert_ne!(got, (0..N).collect::<Vec<_>>(), "10% loss should reorder unordered delivery");
    for (_, m) in pair.b.messages(b_ordered) {
        assert_eq!(m, numbered(index_of(&m), 4 + (index_of(&m) as usize * 37) % 3000), "content intact");
    }
    assert!(pair.packets_lost() > 50, "the network dropped packets: {}", pair.packets_lost());
}

#[test]
fn partially_reliable_channels_give_up_as_configured() {
    let mut pair = Pair::new(2, LOSSY);
    pair.connect_and_wait();
    let rexmit0 = pair.create(true, ChannelInit { ordered: false, max_retransmits: Some(0), ..init("rexmit0") });
    let timed = pair.create(true, ChannelInit { ordered: false, max_packet_life_time: Some(50), ..init("timed") });
    let reliable = pair.create(true, init("reliable"));
    assert!(pair.run_until(Duration::from_secs(30), |p| p.b.created_by_peer().len() == 3));
    let peer: Vec<ChannelId> = ["rexmit0", "timed", "reliable"].iter().map(|l| peer_channel(&pair.b, l)).collect();
    let created = pair.b.events.iter().find_map(|e| match e {
        DataChannelEvent::ChannelCreatedByPeer { channel: c, .. }
            if c.label == "timed" => Some((c.ordered, c.max_retransmits, c.max_packet_life_time)),
        _ => None,
    });
    assert_eq!(created, Some((false, None, Some(50))), "DCEP carried the channel type");

    const N: u32 = 500;
    for i in 0..N {
        pair.send(true, rexmit0, true, &numbered(i, 200));
        pair.send(true, timed, true, &numbered(i, 200));
        pair.run_for(Duration::from_millis(2));
    }
    pair.send(true, reliable, false, b"after");
    assert!(pair.run_until(Duration::from_secs(60), |p| p.b.messages(peer[2]).len() == 1));
    pair.run_for(Duration::from_secs(10));

    for (channel, name) in [(peer[0], "maxRetransmits 0"), (peer[1], "maxPacketLifeTime 50")] {
        let got: Vec<u32> = pair.b.messages(channel).iter().map(|(_, m)| index_of(m)).collect();
        let unique: BTreeSet<u32> = got.iter().copied().collect();
        assert_eq!(unique.len(), got.len(), "{name}: no duplicates");
        assert!(got.len() < N as usize, "{name}: some messages were given up ({} of {N})", got.len());
        assert!(got.len() > N as usize / 4, "{name}: many messages arrive ({} of {N})", got.len());
        eprintln!("{name}: {} of {N} delivered through 10% loss", got.len());
    }
    assert_eq!(pair.b.messages(peer[2]), [(false, b"after".to_vec())], "the association stays healthy");
}

#[test]
fn a_hundred_channels_open_and_close_cleanly_on_both_sides() {
    let mut pair = Pair::new(3, LOSSY);
    pair.connect_and_wait();
    let mut ours = Vec::new();
    for i in 0..100 {
        ours.push(pair.create(i % 2 == 0, init(&format!("c{i}"))));
    }
    assert!(pair.run_until(Duration::from_secs(60), |p| p.a.created_by_peer().len() == 50
        && p.b.created_by_peer().len() == 50));
    // Each channel: (creator is a, its handle there, the peer's handle).
    let channels: Vec<(bool, ChannelId, ChannelId)> = (0..100)
        .map(|i| {
            let on_a = i % 2 == 0;
            let peer = if on_a { &pair.b } else { &pair.a };
            (on_a, ours[i], peer_channel(peer, &format!("c{i}")))
        })
        .collect();
    for &(on_a, id, _) in &channels {
        pair.send(on_a, id, false, b"hello");
    }
    // Half are closed by their creator, half by the other side.
    let mut closers = Vec::new();
    for (i, &(on_a, id, peer_id)) in channels.iter().enumerate() {
        let (closer_is_a, closer_id, other_id) = if i % 4 < 2 { (on_a, id, peer_id) } else { (!on_a, peer_id, id) };
        pair.close(closer_is_a, closer_id);
        let closer = if closer_is_a { &pair.a } else { &pair.b };
        assert_eq!(closer.dc.ready_state(closer_id), DataChannelState::Closing);
        closers.push((closer_is_a, closer_id, other_id, i % 4 < 2));
    }
    let all_closed = pair.run_until(Duration::from_secs(120), |p| {
        p.a.count(|e| matches!(e, DataChannelEvent::ChannelClosed(_))) == 100
            && p.b.count(|e| matches!(e, DataChannelEvent::ChannelClosed(_))) == 100
    });
    assert!(all_closed, "every channel closed on both sides");
    for (closer_is_a, closer_id, other_id, creator_closed) in closers {
        let (closer, other) = if closer_is_a { (&pair.a, &pair.b) } else { (&pair.b, &pair.a) };
        assert!(closer.has(&DataChannelEvent::ChannelClosed(closer_id)));
        assert!(!closer.has(&DataChannelEvent::ChannelClosing(closer_id)), "close() fires no closing event");
        let closing = other.position(&DataChannelEvent::ChannelClosing(other_id)).expect("peer: closing");
        let closed = other.position(&DataChannelEvent::ChannelClosed(other_id)).expect("peer: closed");
        assert!(closing < closed);
        if creator_closed {
            // The creator sent "hello" then closed: the message precedes the reset.
            assert_eq!(other.messages(other_id), [(false, b"hello".to_vec())], "the message beat the close");
        }
        assert_eq!(closer.dc.ready_state(closer_id), DataChannelState::Closed);
        assert_eq!(other.dc.ready_state(other_id), DataChannelState::Closed);
    }
    assert_eq!(pair.a.count(|e| matches!(e, DataChannelEvent::ChannelError(..))), 0);
    // The ids are free again and the association still works.
    let again = pair.create(true, init("again"));
    assert_eq!(pair.a.dc.stream_id(again), Some(0));
    assert!(pair.run_until(Duration::from_secs(30), |p| p.b.created_by_peer().iter().any(|(_, _, l)| l == "again")));
}

#[test]
fn message_sizes_from_empty_to_the_negotiated_maximum() {
    let mut pair = Pair::new(4, LOSSY);
    pair.connect_and_wait();
    assert_eq!(pair.a.dc.max_message_size(), MAX_MESSAGE_SIZE);
    let id = pair.create(true, init("sizes"));
    assert!(pair.run_until(Duration::from_secs(30), |p| p.b.created_by_peer().len() == 1));
    let peer = peer_channel(&pair.b, "sizes");
    let big: Vec<u8> = (0..MAX_MESSAGE_SIZE as usize).map(|i| (i * 7 % 256) as u8).collect();
    let sent: Vec<(bool, Vec<u8>)> = vec![
        (false, Vec::new()),
        (true, Vec::new()),
        (false, b"x".to_vec()),
        (true, vec![0]),
        (false, "non-ASCII: ñ 😀".as_bytes().to_vec()),
        (true, big[..65536].to_vec()),
        (true, big.clone()),
        (false, vec![b'a'; MAX_MESSAGE_SIZE as usize]),
    ];
    for (binary, data) in &sent {
        pair.send(true, id, *binary, data);
    }
    let err = pair.a.dc.send(pair.now, id, true, &vec![0; MAX_MESSAGE_SIZE as usize + 1]).unwrap_err();
    assert_eq!(err.name, ErrorName::TypeError, "over maxMessageSize: TypeError");
    assert!(pair.run_until(Duration::from_secs(120), |p| p.b.messages(peer).len() == sent.len()));
    assert_eq!(pair.b.messages(peer), sent);

    // A peer that sent no a=max-message-size takes 64 KiB (RFC 8841 §6.1).
    let mut small = Pair::with_configs(
        5,
        PERFECT,
        SctpConfig { remote_max_message_size: None, ..SctpConfig::new(DtlsRole::Client) },
        config(DtlsRole::Server),
    );
    small.connect_and_wait();
    assert_eq!(small.a.dc.max_message_size(), 65536);
    let id = small.create(true, init("small"));
    small.run_for(Duration::from_secs(1));
    small.send(true, id, true, &big[..65536]);
    let err = small.a.dc.send(small.now, id, true, &big[..65537]).unwrap_err();
    assert_eq!(err.name, ErrorName::TypeError);
    // 0 means "any size": we still send at most what we advertise.
    let any = DataChannels::new(
        SctpConfig { remote_max_message_size: Some(0), ..SctpConfig::new(DtlsRole::Client) },
        &mut Random::from_seed([0; 32]),
        Instant::ZERO,
    );
    assert_eq!(any.max_message_size(), MAX_MESSAGE_SIZE);
}

#[test]
fn negotiated_channels_skip_dcep_and_check_their_ids() {
    let mut pair = Pair::new(6, LOSSY);
    let negotiated = |id| ChannelInit { negotiated: true, id: Some(id), ..init("neg") };
    let a = pair.create(true, negotiated(7));
    let b = pair.create(false, negotiated(7));
    assert_eq!(pair.a.dc.stream_id(a), Some(7), "a negotiated id may have either parity");
    let err = pair.a.dc.create_channel(negotiated(7)).unwrap_err();
    assert_eq!(err.name, ErrorName::OperationError, "id in use");
    for bad in [
        ChannelInit { negotiated: true, id: None, ..init("x") },
        ChannelInit { negotiated: true, id: Some(65535), ..init("x") },
        ChannelInit { max_retransmits: Some(1), max_packet_life_time: Some(1), ..init("x") },
        ChannelInit { label: "l".repeat(65536), ..init("x") },
        ChannelInit { protocol: "p".repeat(65536), ..init("x") },
    ] {
        assert_eq!(pair.a.dc.create_channel(bad).unwrap_err().name, ErrorName::TypeError);
    }
    // A non-negotiated channel ignores `id`.
    let ignored = pair.create(true, ChannelInit { id: Some(7), ..init("in-band") });
    assert_eq!(pair.a.dc.stream_id(ignored), Some(0));

    pair.connect();
    assert!(pair.run_until(Duration::from_secs(30), |p| p.a.opened().contains(&a) && p.b.opened().contains(&b)));
    pair.send(true, a, false, b"to b");
    pair.send(false, b, false, b"to a");
    assert!(pair.run_until(Duration::from_secs(30), |p| p.b.messages(b).len() == 1 && p.a.messages(a).len() == 1));
    assert_eq!(pair.b.messages(b), [(false, b"to b".to_vec())]);
    assert_eq!(pair.a.messages(a), [(false, b"to a".to_vec())]);
    assert!(pair.b.created_by_peer().iter().all(|(_, sid, _)| *sid != 7), "no DCEP for negotiated channels");
    assert_eq!(pair.a.dc.max_channels(), Some(65535));
    let last = pair.a.dc.create_channel(negotiated(65534)).expect("65534 is below maxChannels");
    assert_eq!(pair.a.dc.stream_id(last), Some(65534));
}

#[test]
fn channels_created_before_connect_open_in_creation_order() {
    // Lossy: our side announces them open in creation order.
    let mut pair = Pair::new(7, LOSSY);
    let ids: Vec<ChannelId> = (0..8).map(|i| pair.create(true, init(&format!("early{i}")))).collect();
    let before: Vec<DataChannelState> = ids.iter().map(|&id| pair.a.dc.ready_state(id)).collect();
    assert!(before.iter().all(|s| *s == DataChannelState::Connecting));
    assert_eq!(pair.a.dc.send(pair.now, ids[0], false, b"early").unwrap_err().name, ErrorName::InvalidStateError);
    assert_eq!(pair.a.dc.max_channels(), None);
    pair.connect();
    assert!(pair.run_until(Duration::from_secs(30), |p| p.b.created_by_peer().len() == 8));
    assert_eq!(pair.a.opened(), ids);
    let state = pair.a.position(&DataChannelEvent::StateChange(SctpTransportState::Connected)).unwrap();
    let first_open = pair.a.position(&DataChannelEvent::ChannelOpen(ids[0])).unwrap();
    assert!(state < first_open, "statechange to connected precedes the opens");
    assert_eq!(pair.a.dc.max_channels(), Some(65535));
    for (id, peer) in pair.b.created_by_peer().iter().map(|(id, ..)| *id).enumerate() {
        let created = pair.b.events.iter().position(|e| matches!(e, DataChannelEvent::ChannelCreatedByPeer { id: i, .. } if *i == peer));
        let opened = pair.b.position(&DataChannelEvent::ChannelOpen(peer));
        assert!(created < opened, "channel {id}: datachannel before open");
    }

    // Lossless: the peer is told about them in creation order too.
    let mut pair = Pair::new(8, PERFECT);
    for i in 0..8 {
        pair.create(true, init(&format!("early{i}")));
    }
    pair.connect();
    assert!(pair.run_until(Duration::from_secs(30), |p| p.b.created_by_peer().len() == 8));
    let labels: Vec<String> = pair.b.created_by_peer().into_iter().map(|(_, _, l)| l).collect();
    assert_eq!(labels, (0..8).map(|i| format!("early{i}")).collect::<Vec<_>>());
}

#[test]
fn stream_ids_have_the_parity_of_the_dtls_role() {
    let mut pair = Pair::new(9, PERFECT);
    pair.connect_and_wait();
    let a: Vec<ChannelId> = (0..3).map(|i| pair.create(true, init(&format!("a{i}")))).collect();
    let b: Vec<ChannelId> = (0..3).map(|i| pair.create(false, init(&format!("b{i}")))).collect();
    let a_ids: Vec<u16> = a.iter().map(|&id| pair.a.dc.stream_id(id).unwrap()).collect();
    let b_ids: Vec<u16> = b.iter().map(|&id| pair.b.dc.stream_id(id).unwrap()).collect();
    assert_eq!(a_ids, [0, 2, 4], "DTLS client: even");
    assert_eq!(b_ids, [1, 3, 5], "DTLS server: odd");
    assert!(pair.run_until(Duration::from_secs(10), |p| p.a.created_by_peer().len() == 3 && p.b.created_by_peer().len() == 3));
    let seen_by_b: Vec<u16> = pair.b.created_by_peer().iter().map(|(_, sid, _)| *sid).collect();
    let seen_by_a: Vec<u16> = pair.a.created_by_peer().iter().map(|(_, sid, _)| *sid).collect();
    assert_eq!(seen_by_b, [0, 2, 4]);
    assert_eq!(seen_by_a, [1, 3, 5]);
}

#[test]
fn priority_label_and_protocol_travel_in_dcep() {
    let mut pair = Pair::new(10, PERFECT);
    pair.connect_and_wait();
    pair.create(true, ChannelInit {
        label: "ラベル".into(),
        protocol: "chat/1".into(),
        priority: Priority::High,
        max_retransmits: Some(3),
        ..Default::default()
    });
    assert!(pair.run_until(Duration::from_secs(10), |p| p.b.created_by_peer().len() == 1));
    let created = pair.b.events.iter().find(|e| matches!(e, DataChannelEvent::ChannelCreatedByPeer { .. })).unwrap();
    let DataChannelEvent::ChannelCreatedByPeer { channel: c, .. } = created else {
        unreachable!()
    };
    assert_eq!((c.label.as_str(), c.protocol.as_str()), ("ラベル", "chat/1"));
    assert_eq!((c.priority, c.ordered, c.max_retransmits, c.max_packet_life_time), (Priority::High, true, Some(3), None));
}

#[test]
fn buffered_amount_drains_and_fires_bufferedamountlow() {
    let mut pair = Pair::new(11, LOSSY);
    pair.connect_and_wait();
    let id = pair.create(true, init("bulk"));
    assert!(pair.run_until(Duration::from_secs(30), |p| p.b.created_by_peer().len() == 1));
    pair.a.dc.set_buffered_amount_low_threshold(id, 100_000);
    for i in 0..32 {
        pair.send(true, id, true, &numbered(i, 64 * 1024));
    }
    let queued = pair.a.dc.buffered_amount(id);
    assert!(queued > 1_500_000, "2 MiB queued, {queued} still buffered");
    assert!(pair.run_until(Duration::from_secs(60), |p| p.a.has(&DataChannelEvent::BufferedAmountLow(id))));
    assert!(pair.a.dc.buffered_amount(id) <= 100_000);
    assert_eq!(pair.a.count(|e| *e == DataChannelEvent::BufferedAmountLow(id)), 1, "fired once, on the crossing");
    let peer = peer_channel(&pair.b, "bulk");
    assert!(pair.run_until(Duration::from_secs(120), |p| p.b.messages(peer).len() == 32));
    assert_eq!(pair.a.dc.buffered_amount(id), 0);
}

#[test]
fn close_sends_what_was_queued_first() {
    let mut pair = Pair::new(12, LOSSY);
    pair.connect_and_wait();
    let id = pair.create(true, init("flush"));
    assert!(pair.run_until(Duration::from_secs(30), |p| p.b.created_by_peer().len() == 1));
    for i in 0..16 {
        pair.send(true, id, true, &numbered(i, 64 * 1024));
    }
    pair.close(true, id);
    assert_eq!(pair.a.dc.send(pair.now, id, true, b"late").unwrap_err().name, ErrorName::InvalidStateError);
    let peer = peer_channel(&pair.b, "flush");
    assert!(pair.run_until(Duration::from_secs(120), |p| p.a.has(&DataChannelEvent::ChannelClosed(id))
        && p.b.has(&DataChannelEvent::ChannelClosed(peer))));
    let got: Vec<u32> = pair.b.messages(peer).iter().map(|(_, m)| index_of(m)).collect();
    assert_eq!(got, (0..16).collect::<Vec<_>>(), "every queued message arrived before the channel closed");
}

#[test]
fn the_transport_reports_state_zero_checksum_and_closes() {
    let mut pair = Pair::new(13, PERFECT);
    assert_eq!(pair.a.dc.state(), SctpTransportState::Connecting);
    let early = pair.create(true, init("e"));
    pair.connect_and_wait();
    assert_eq!(pair.a.dc.state(), SctpTransportState::Connected);
    assert!(pair.a.dc.uses_zero_checksum() && pair.b.dc.uses_zero_checksum(), "both sides accept RFC 9653 over DTLS");
    assert!(pair.a.has(&DataChannelEvent::StateChange(SctpTransportState::Connected)));
    assert!(pair.b.has(&DataChannelEvent::StateChange(SctpTransportState::Connected)));
    pair.run_for(Duration::from_millis(100));
    // pc.close() on a: ABORT; b's channels close with an sctp-failure error.
    pair.a.dc.close();
    assert_eq!(pair.a.dc.state(), SctpTransportState::Closed);
    assert_eq!(pair.a.dc.ready_state(early), DataChannelState::Closed);
    assert_eq!(pair.a.dc.create_channel(init("x")).unwrap_err().name, ErrorName::InvalidStateError);
    let events_before = pair.a.events.len();
    assert!(pair.run_until(Duration::from_secs(10), |p| p.b.dc.state() == SctpTransportState::Closed));
    assert_eq!(pair.a.events.len(), events_before, "close() fires nothing locally");
    let peer = peer_channel(&pair.b, "e");
    let error = pair.b.events.iter().find_map(|e| match e {
        DataChannelEvent::ChannelError(id, error) if *id == peer => Some(error.clone()),
        _ => None,
    });
    assert_eq!(error.and_then(|e| e.detail).map(|d| d.as_str()), Some("sctp-failure"));
    assert!(pair.b.has(&DataChannelEvent::ChannelClosed(peer)));
    assert!(pair.b.has(&DataChannelEvent::StateChange(SctpTransportState::Closed)));
}

/// The INIT chunk's Initiate Tag and Initial TSN (RFC 9260 §3.3.2).
fn init_tag_and_tsn(seed: [u8; 32], interleave: bool) -> (u32, u32) {
    let mut random = Random::from_seed(seed);
    let mut dc = DataChannels::new(config(DtlsRole::Client), &mut random, Instant::ZERO);
    if interleave {
        // Another association in the same thread, drawing from fastrand too.
        let mut other = DataChannels::new(config(DtlsRole::Client), &mut Random::from_seed([99; 32]), Instant::ZERO);
        other.connect(Instant::ZERO);
    }
    dc.connect(Instant::ZERO);
    let packet = dc.poll_transmit().expect("INIT");
    assert_eq!(packet[12], 1, "an INIT chunk");
    let word = |at: usize| u32::from_be_bytes([packet[at], packet[at + 1], packet[at + 2], packet[at + 3]]);
    (word(16), word(28))
}

#[test]
fn verification_tags_and_initial_tsns_follow_the_injected_seed() {
    let a = init_tag_and_tsn([1; 32], false);
    let b = init_tag_and_tsn([2; 32], false);
    assert_ne!(a.0, b.0, "different seeds, different verification tags");
    assert_ne!(a.1, b.1, "different seeds, different initial TSNs");
    assert_eq!(a, init_tag_and_tsn([1; 32], false), "equal seeds, equal tags");
    assert_eq!(a, init_tag_and_tsn([1; 32], true), "whatever other associations draw meanwhile");
}

#[test]
fn hostile_packets_never_panic() {
    let mut pair = Pair::new(14, PERFECT);
    let id = pair.create(true, init("x"));
    pair.connect_and_wait();
    pair.send(true, id, false, b"hello");
    // Capture real packets, then feed both sides mutations of them and noise.
    let mut real = Vec::new();
    while let Some(p) = pair.a.dc.poll_transmit() {
        real.push(p);
    }
    for p in &real {
        pair.b.dc.handle_sctp_packet(pair.now, p);
    }
    let mut dice = fastrand::Rng::with_seed(14);
    for i in 0..20_000 {
        let mut packet = if real.is_empty() || i % 3 == 0 {
            (0..dice.usize(0..300)).map(|_| dice.u8(..)).collect::<Vec<u8>>()
        } else {
            real[dice.usize(..real.len())].clone()
        };
        for _ in 0..dice.usize(1..4) {
            if !packet.is_empty() {
                let at = dice.usize(..packet.len());
                packet[at] = dice.u8(..);
            }
        }
        if dice.bool() && !packet.is_empty() {
            packet.truncate(dice.usize(..packet.len()));
        }
        pair.a.dc.handle_sctp_packet(pair.now, &packet);
        pair.b.dc.handle_sctp_packet(pair.now, &packet);
    }
    pair.flush();
}

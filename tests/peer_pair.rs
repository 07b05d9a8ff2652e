//! The two-peer scenarios (tests/pair_cases), natively, with their wall time.
#![cfg(not(target_arch = "wasm32"))]
// The wall time printed is the host's clock.
#![allow(clippy::disallowed_methods)]

mod pair_cases;

fn timed(name: &str, case: fn()) {
    let wall = std::time::Instant::now();
    case();
    println!("{name}: {:?} wall", wall.elapsed());
}

#[test]
fn connection_state_aggregates_ice_and_dtls() {
    timed("connection_state_aggregates_ice_and_dtls", pair_cases::connection_state_aggregates_ice_and_dtls);
}

#[test]
fn the_first_flight_is_held_until_ice_has_a_pair_then_sent_at_once() {
    timed("the_first_flight_is_held_until_ice_has_a_pair_then_sent_at_once", pair_cases::the_first_flight_is_held_until_ice_has_a_pair_then_sent_at_once);
}

#[test]
fn data_channels_under_ten_percent_loss() {
    timed("data_channels_under_ten_percent_loss", pair_cases::data_channels_under_ten_percent_loss);
}

#[test]
fn ice_restart_mid_transfer_loses_nothing() {
    timed("ice_restart_mid_transfer_loses_nothing", pair_cases::ice_restart_mid_transfer_loses_nothing);
}

#[test]
fn a_fingerprint_mismatch_fails_both_sides() {
    timed("a_fingerprint_mismatch_fails_both_sides", pair_cases::a_fingerprint_mismatch_fails_both_sides);
}

#[test]
fn close_from_either_side() {
    timed("close_from_either_side", pair_cases::close_from_either_side);
}

#[test]
fn a_partition_disconnects_and_sctp_carries_on_after_it_heals() {
    timed("a_partition_disconnects_and_sctp_carries_on_after_it_heals", pair_cases::a_partition_disconnects_and_sctp_carries_on_after_it_heals);
}

#[test]
fn frames_arrive_whole_and_in_order_on_a_clean_network() {
    timed("frames_arrive_whole_and_in_order_on_a_clean_network", pair_cases::media::frames_arrive_whole_and_in_order_on_a_clean_network);
}

#[test]
fn under_five_percent_loss_a_frame_is_whole_or_reported_dropped() {
    timed("under_five_percent_loss_a_frame_is_whole_or_reported_dropped", pair_cases::media::under_five_percent_loss_a_frame_is_whole_or_reported_dropped);
}

#[test]
fn reordered_and_duplicated_packets_make_whole_frames() {
    timed("reordered_and_duplicated_packets_make_whole_frames", pair_cases::loss::reordered_and_duplicated_packets_make_whole_frames);
}

#[test]
fn under_loss_every_frame_is_whole_or_reported_dropped() {
    timed("under_loss_every_frame_is_whole_or_reported_dropped", pair_cases::loss::under_loss_every_frame_is_whole_or_reported_dropped);
}

#[test]
fn with_rtx_five_percent_loss_at_100_ms_loses_no_video_frame() {
    timed("with_rtx_five_percent_loss_at_100_ms_loses_no_video_frame", pair_cases::loss::with_rtx_five_percent_loss_at_100_ms_loses_no_video_frame);
}

#[test]
fn after_an_outage_a_pli_brings_a_key_frame() {
    timed("after_an_outage_a_pli_brings_a_key_frame", pair_cases::loss::after_an_outage_a_pli_brings_a_key_frame);
}

#[test]
fn forged_and_garbled_rtp_is_dropped_and_counted() {
    timed("forged_and_garbled_rtp_is_dropped_and_counted", pair_cases::media::forged_and_garbled_rtp_is_dropped_and_counted);
}

#[test]
fn send_frame_refuses_what_cannot_be_sent() {
    timed("send_frame_refuses_what_cannot_be_sent", pair_cases::media::send_frame_refuses_what_cannot_be_sent);
}

#[test]
fn round_trip_time_from_sender_and_receiver_reports() {
    timed("round_trip_time_from_sender_and_receiver_reports", pair_cases::reports::round_trip_time_from_sender_and_receiver_reports);
}

#[test]
fn loss_and_jitter_seen_by_the_receiver_reach_the_sender() {
    timed("loss_and_jitter_seen_by_the_receiver_reach_the_sender", pair_cases::reports::loss_and_jitter_seen_by_the_receiver_reach_the_sender);
}

#[test]
fn sender_reports_come_at_the_rfc3550_interval() {
    timed("sender_reports_come_at_the_rfc3550_interval", pair_cases::reports::sender_reports_come_at_the_rfc3550_interval);
}

#[test]
fn a_stopped_transceiver_says_bye() {
    timed("a_stopped_transceiver_says_bye", pair_cases::reports::a_stopped_transceiver_says_bye);
}

#[test]
fn capture_times_put_audio_and_video_on_one_clock() {
    timed("capture_times_put_audio_and_video_on_one_clock", pair_cases::reports::capture_times_put_audio_and_video_on_one_clock);
}

#[test]
fn get_stats_reports_media_as_chromium_does() {
    timed("get_stats_reports_media_as_chromium_does", pair_cases::reports::get_stats_reports_media_as_chromium_does);
}

#[test]
fn the_target_follows_a_bottleneck_of_1_mbit_s_then_300_kbit_s() {
    timed("the_target_follows_a_bottleneck_of_1_mbit_s_then_300_kbit_s", pair_cases::congestion::the_target_follows_a_bottleneck_of_1_mbit_s_then_300_kbit_s);
}

#[test]
fn a_100_kb_key_frame_at_the_start_arrives_whole() {
    timed("a_100_kb_key_frame_at_the_start_arrives_whole", pair_cases::congestion::a_100_kb_key_frame_at_the_start_arrives_whole);
}

#[test]
fn random_loss_of_5_percent_does_not_pull_the_target_off_the_bottleneck() {
    timed("random_loss_of_5_percent_does_not_pull_the_target_off_the_bottleneck", pair_cases::congestion::random_loss_of_5_percent_does_not_pull_the_target_off_the_bottleneck);
}

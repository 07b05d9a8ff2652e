//! Two whole PeerConnections through the relay's TURN server in virtual
//! time (tests/sim): how the layers compose.
#![cfg(not(target_arch = "wasm32"))]

use std::time::Duration;

use wasmrtc::peer::PeerConnectionState;
use wasmrtc_sim::net::Impairments;
use wasmrtc_sim::pair::Pair;

#[test]
fn connects() {
    let wall = std::time::Instant::now();
    let mut pair = Pair::new(1, Impairments::reliable(Duration::from_millis(10)));
    let chat = pair.create_channel(0, "chat");
    pair.connect();
    assert!(pair.run_until(|p| p.peers[0].is_open(chat)));
    println!("connected at {:?} virtual, {:?} wall", pair.now, wall.elapsed());
    for e in &pair.peers[0].events { println!("{e:?}"); }
    assert!(pair.both(PeerConnectionState::Connected));
}

//! The native reference for run.mjs: the same figures as the page, with
//! the same code built for this machine, printed as one JSON line.
//! Usage: cargo run --release --bin srtp-native -- [ROUNDS=5] [PACKETS=4000] [FRAMES=20]

// This is the host timing the code under test.
#![allow(clippy::disallowed_methods)]

use std::time::Instant;

use srtp_bench::{FramePacketizer, Srtp};

/// The best of `rounds` runs of `work`, which returns the units it did:
/// units per second.
fn best(rounds: u32, mut work: impl FnMut() -> usize) -> f64 {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            let units = work();
            units as f64 / start.elapsed().as_secs_f64()
        })
        .fold(0.0, f64::max)
}

fn main() {
    let arg = |i: usize, default: usize| std::env::args().nth(i).map_or(default, |a| a.parse().expect("a number"));
    let (rounds, packets, frames) = (arg(1, 5) as u32, arg(2, 4000), arg(3, 20) as u32);
    let mut srtp = Vec::new();
    let mut frame = Vec::new();
    let mut per_frame = Vec::new();
    for name in ["aes-cm", "aes-gcm"] {
        let mut bench = Srtp::new(name, packets);
        let mut protect = 0.0f64;
        let mut unprotect = 0.0f64;
        for _ in 0..rounds {
            protect = protect.max(best(1, || bench.protect()));
            unprotect = unprotect.max(best(1, || bench.unprotect()));
        }
        srtp.push(format!(r#""{name}":{{"protect":{:.1},"unprotect":{:.1}}}"#, protect / 1e6, unprotect / 1e6));
        let mut sender = FramePacketizer::new(name);
        let datagrams = sender.send(1);
        let per_second = best(rounds, || {
            sender.send(frames);
            frames as usize
        });
        frame.push(format!(r#""{name}":{:.1}"#, 1e6 / per_second));
        per_frame.push(format!(r#""{name}":{datagrams}"#));
    }
    println!(
        r#"{{"srtp":{{{}}},"frame_us":{{{}}},"datagrams_per_frame":{{{}}}}}"#,
        srtp.join(","),
        frame.join(","),
        per_frame.join(",")
    );
}

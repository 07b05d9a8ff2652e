//! Interop with coturn's own client: `turnutils_uclient` against the
//! `wasmrtc-relay` binary (started with the issue's flags, on ephemeral
//! ports), with `turnutils_peer` as the UDP peer, over UDP and TCP, with
//! long-term and with TURN REST API credentials. Every run must report
//! "Total lost packets 0". Needs the Debian package `coturn`
//! (scripts/setup.sh installs it); without it the test fails under CI and is
//! skipped with a note elsewhere.

use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn have(tool: &str) -> bool {
    Command::new("sh").arg("-c").arg(format!("command -v {tool}")).stdout(Stdio::null()).status().is_ok_and(|s| s.success())
}

fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts the relay binary; returns it and its TURN port.
fn start_relay(extra: &[&str]) -> (Kill, u16) {
    let mut args: Vec<&str> = "--listening-ip 127.0.0.1 --listening-port 0 --http-port 0 --relay-ip 127.0.0.1 --min-port 49152 --max-port 65000 --realm wasmrtc --user alice:secret --allow-loopback-peers".split(' ').collect();
    args.extend_from_slice(extra);
    let mut child = Command::new(env!("CARGO_BIN_EXE_wasmrtc-relay"))
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    // "wasmrtc-relay ready udp=127.0.0.1:P tcp=127.0.0.1:P http=..."
    let port = line.split("udp=127.0.0.1:").nth(1).and_then(|s| s.split(' ').next()).and_then(|p| p.parse().ok());
    (Kill(child), port.unwrap_or_else(|| panic!("no ready line: {line:?}")))
}

fn uclient(port: u16, peer_port: u16, extra: &[&str]) -> (f64, u64, String) {
    let port_s = port.to_string();
    let peer_s = peer_port.to_string();
    let mut args = vec!["-e", "127.0.0.1", "-r", &peer_s, "-n", "200", "-m", "4", "-l", "160", "-z", "5", "-p", &port_s];
    args.extend_from_slice(extra);
    args.push("127.0.0.1");
    let out = Command::new("timeout").arg("60").arg("turnutils_uclient").args(&args).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "turnutils_uclient {args:?} failed ({:?}):\n{text}", out.status);
    // "Total lost packets 0 (0.000000%), total send dropped 0 (0.000000%)"
    let lost_line = text.lines().find(|l| l.contains("Total lost packets")).unwrap_or_else(|| panic!("no summary:\n{text}"));
    let lost: u64 = lost_line.split("Total lost packets ").nth(1).and_then(|s| s.split(' ').next()).and_then(|n| n.parse().ok()).unwrap();
    let recv: f64 = text
        .lines()
        .filter_map(|l| l.split("tot_recv_msgs=").nth(1))
        .filter_map(|s| s.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
        .next_back()
        .unwrap_or(0.0);
    (recv, lost, lost_line.trim().to_string())
}

#[test]
fn turnutils_uclient_udp_tcp_long_term_and_rest() {
    if !have("turnutils_uclient") || !have("turnutils_peer") {
        assert!(std::env::var_os("CI").is_none(), "coturn's turnutils are missing (scripts/setup.sh installs coturn)");
        eprintln!("skipped: turnutils_uclient not installed (apt-get install coturn)");
        return;
    }
    let peer_port = free_udp_port();
    let _peer = Kill(
        Command::new("turnutils_peer").args(["-L", "127.0.0.1", "-p", &peer_port.to_string()]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap(),
    );
    let (_relay, port) = start_relay(&["--use-auth-secret", "--static-auth-secret", "northsecret"]);
    std::thread::sleep(Duration::from_millis(200));
    for (name, extra) in [
        ("udp long-term", vec!["-u", "alice", "-w", "secret"]),
        ("tcp long-term", vec!["-t", "-u", "alice", "-w", "secret"]),
        ("udp rest", vec!["-u", "carol", "-W", "northsecret"]),
        ("tcp rest", vec!["-t", "-u", "carol", "-W", "northsecret"]),
        ("udp long-term send-indications", vec!["-s", "-u", "alice", "-w", "secret"]),
    ] {
        let (recv, lost, line) = uclient(port, peer_port, &extra);
        eprintln!("turnutils_uclient {name}: received {recv} messages; {line}");
        assert_eq!(lost, 0, "{name}: {line}");
        assert!(recv >= 800.0, "{name}: only {recv} messages came back");
    }
}

//! The HTTP port and operations: /healthz, /metrics (Prometheus text),
//! static files without path escapes, the WebSocket Origin allow-list, the
//! /signal/<room> forwarding, --config TOML, and graceful shutdown of the
//! binary on SIGTERM.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message as Ws;

/// A plain HTTP/1.1 GET; returns (status, content-type, body).
async fn get(http: SocketAddr, path: &str) -> (u16, String, Vec<u8>) {
    let mut s = tokio::net::TcpStream::connect(http).await.unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(WAIT, s.read_to_end(&mut buf)).await.unwrap().unwrap();
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&buf[..split]).to_string();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let ctype = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-type: ").map(str::to_string))
        .unwrap_or_default();
    (status, ctype, buf[split + 4..].to_vec())
}

#[tokio::test]
async fn healthz_and_metrics() {
    let r = relay(&[]).await;
    let (status, _, body) = get(r.http, "/healthz").await;
    assert_eq!((status, body.as_slice()), (200, &b"ok\n"[..]));
    // Relay something over UDP so the counters move.
    let peer = echo_peer().await;
    let mut c = Client::new(Conn::udp(r.udp.unwrap()).await, "alice", "secret");
    c.allocate().await.unwrap();
    c.bind(0x4000, peer).await.unwrap();
    c.channel_data(0x4000, b"12345").await;
    c.data().await.unwrap();
    let mut bad = Client::new(Conn::udp(r.udp.unwrap()).await, "alice", "nope");
    assert_eq!(bad.allocate().await, Err(401));
    let (status, ctype, body) = get(r.http, "/metrics").await;
    let text = String::from_utf8(body).unwrap();
    assert_eq!(status, 200);
    assert!(ctype.starts_with("text/plain"), "{ctype}");
    for want in [
        "wasmrtc_relay_allocations 1",
        "wasmrtc_relay_allocations_total 1",
        "wasmrtc_relay_packets_total{transport=\"udp\",direction=\"to_peer\"} 1",
        "wasmrtc_relay_packets_total{transport=\"udp\",direction=\"to_client\"} 1",
        "wasmrtc_relay_bytes_total{transport=\"udp\",direction=\"to_peer\"} 5",
        "wasmrtc_relay_packets_total{transport=\"websocket\",direction=\"to_peer\"} 0",
        "wasmrtc_relay_auth_failures_total 1",
        "# TYPE wasmrtc_relay_packets_total counter",
    ] {
        assert!(text.lines().any(|l| l == want), "missing {want:?} in\n{text}");
    }
    r.shutdown().await;
}

#[tokio::test]
async fn static_files_and_no_path_escape() {
    let root = std::env::temp_dir().join(format!("wasmrtc-relay-www-{}", std::process::id()));
    for (p, body) in [("www/index.html", "<h1>hi</h1>"), ("js/index.js", "export {}"), ("pkg/wasmrtc_bg.wasm", "\0asm"), ("secret.txt", "no")] {
        let f = root.join(p);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, body).unwrap();
    }
    let www = root.display().to_string();
    let r = relay(&["--www", &www]).await;
    let (s, t, b) = get(r.http, "/").await;
    assert_eq!((s, b.as_slice()), (200, &b"<h1>hi</h1>"[..]));
    assert!(t.starts_with("text/html"), "{t}");
    let (s, t, _) = get(r.http, "/js/index.js").await;
    assert_eq!(s, 200);
    assert!(t.contains("javascript"), "{t}");
    let (s, t, _) = get(r.http, "/pkg/wasmrtc_bg.wasm").await;
    assert_eq!((s, t.as_str()), (200, "application/wasm"));
    for escape in ["/../secret.txt", "/js/../secret.txt", "/js/..%2fsecret.txt", "/%2e%2e/secret.txt", "/pkg/..%2f..%2fsecret.txt", "/js/%2e%2e/%2e%2e/secret.txt"] {
        let (s, _, b) = get(r.http, escape).await;
        assert!(s == 404 || s == 400, "{escape}: {s}");
        assert_ne!(b, b"no", "{escape} escaped");
    }
    r.shutdown().await;
    std::fs::remove_dir_all(root).ok();
}

#[tokio::test]
async fn websocket_origin_allow_list() {
    let r = relay(&["--allowed-origin", "http://good.example"]).await;
    for (origin, ok) in [("http://good.example", true), ("http://evil.example", false)] {
        let mut req = format!("ws://{}/turn", r.http).into_client_request().unwrap();
        req.headers_mut().insert("Origin", origin.parse().unwrap());
        let res = tokio_tungstenite::connect_async(req).await;
        assert_eq!(res.is_ok(), ok, "{origin}");
    }
    r.shutdown().await;
}

#[tokio::test]
async fn signal_rooms_forward_to_the_other_members() {
    let r = relay(&[]).await;
    let url = |room: &str| format!("ws://{}/signal/{room}", r.http);
    let (mut a, _) = tokio_tungstenite::connect_async(url("room1")).await.unwrap();
    let (mut b, _) = tokio_tungstenite::connect_async(url("room1")).await.unwrap();
    let (mut c, _) = tokio_tungstenite::connect_async(url("room2")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    a.send(Ws::Text("offer".into())).await.unwrap();
    let got = tokio::time::timeout(WAIT, b.next()).await.unwrap().unwrap().unwrap();
    assert_eq!(got, Ws::Text("offer".into()));
    b.send(Ws::Binary(vec![1, 2, 3].into())).await.unwrap();
    let got = tokio::time::timeout(WAIT, a.next()).await.unwrap().unwrap().unwrap();
    assert_eq!(got, Ws::Binary(vec![1, 2, 3].into()));
    // Not to the sender, not to another room.
    assert!(tokio::time::timeout(Duration::from_millis(300), c.next()).await.is_err());
    assert!(tokio::time::timeout(Duration::from_millis(300), a.next()).await.is_err());
    r.shutdown().await;
}

#[test]
fn binary_reads_toml_config_and_stops_on_sigterm() {
    let cfg = std::env::temp_dir().join(format!("wasmrtc-relay-{}.toml", std::process::id()));
    std::fs::write(
        &cfg,
        "listening-ip = \"127.0.0.1\"\nlistening-port = 0\nhttp-port = 0\nrelay-ip = \"127.0.0.1\"\nmin-port = 49152\nmax-port = 65000\nrealm = \"wasmrtc\"\nuser = [\"alice:secret\"]\nallow-loopback-peers = true\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wasmrtc-relay"))
        .args(["--config", &cfg.display().to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert!(line.starts_with("wasmrtc-relay ready udp=127.0.0.1:"), "{line}");
    let udp: SocketAddr = line.split("udp=").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    // It serves: an Allocate with the file's user works.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let mut c = Client::new(Conn::udp(udp).await, "alice", "secret");
        c.allocate().await.expect("allocate with the config file's user");
    });
    let kill = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let mut status = None;
    for _ in 0..50 {
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let status = status.unwrap_or_else(|| {
        let _ = child.kill();
        panic!("relay did not stop within 5 s of SIGTERM")
    });
    let mut logs = String::new();
    child.stderr.take().unwrap().read_to_string(&mut logs).unwrap();
    std::fs::remove_file(&cfg).ok();
    assert!(status.success(), "{status:?}\n{logs}");
    assert!(logs.contains("SIGTERM") && logs.contains("allocation released") && logs.contains("stopped"), "{logs}");
}

//! The HTTP port: the WebSocket TURN transport at /turn (one STUN or
//! ChannelData message per binary WebSocket message, DESIGN.md "Relay
//! protocol"), the demo signaling rooms at /signal/<room>, /metrics
//! (Prometheus text format), /healthz, and the demo's static files.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tower_http::services::ServeDir;
use wasmrtc::stun::framing;

use crate::net::{lock, Shared};
use crate::turn::{ClientKey, Transport};

/// Largest WebSocket message: the largest STUN message (20 + 65535 bytes).
const MAX_WS_MESSAGE: usize = 20 + 65535;
const MAX_ROOM_MEMBERS: usize = 16;
const MAX_ROOMS: usize = 10_000;
const MAX_SIGNAL_MESSAGE: usize = 256 * 1024;

type Room = HashMap<u64, mpsc::Sender<WsMessage>>;

#[derive(Clone)]
pub struct AppState {
    shared: Arc<Shared>,
    rooms: Arc<Mutex<HashMap<String, Room>>>,
    next_member: Arc<AtomicU64>,
}

pub fn router(shared: Arc<Shared>) -> Router {
    let www = shared.args.www.clone();
    let state = AppState { shared, rooms: Arc::default(), next_member: Arc::new(AtomicU64::new(1)) };
    let mut app = Router::new()
        .route("/turn", get(turn_ws))
        .route("/signal/{room}", get(signal_ws))
        .route("/metrics", get(metrics))
        .route("/healthz", get(|| async { "ok\n" }));
    if let Some(root) = www {
        // ServeDir refuses `..` and absolute components: no path escapes.
        app = app
            .nest_service("/js", ServeDir::new(root.join("js")))
            .nest_service("/pkg", ServeDir::new(root.join("pkg")))
            .fallback_service(ServeDir::new(root.join("www")));
    }
    app.with_state(state)
}

fn origin_allowed(shared: &Shared, headers: &HeaderMap) -> bool {
    let allowed = &shared.args.allowed_origin;
    if allowed.is_empty() {
        return true;
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).unwrap_or("");
    allowed.iter().any(|a| a == origin)
}

async fn turn_ws(
    State(st): State<AppState>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !origin_allowed(&st.shared, &headers) {
        tracing::warn!(client = %from, origin = ?headers.get(header::ORIGIN), "WebSocket refused: Origin not allowed");
        return StatusCode::FORBIDDEN.into_response();
    }
    let shared = st.shared.clone();
    ws.max_message_size(MAX_WS_MESSAGE).max_frame_size(MAX_WS_MESSAGE).on_upgrade(move |s| turn_session(shared, s, from))
}

async fn turn_session(shared: Arc<Shared>, socket: WebSocket, from: SocketAddr) {
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(crate::net::CLIENT_QUEUE);
    let Some(guard) = shared.register(Transport::WebSocket, tx) else {
        tracing::warn!(client = %from, "WebSocket closed: --max-connections reached");
        return;
    };
    let key = ClientKey { transport: Transport::WebSocket, conn: guard.id, addr: from };
    let (mut sink, mut stream) = socket.split();
    let writer = tokio::spawn(async move {
        while let Some(b) = rx.recv().await {
            if sink.send(WsMessage::Binary(b.into())).await.is_err() {
                break;
            }
        }
        let _ = sink.close().await;
    });
    let mut shutdown = shared.shutdown.clone();
    loop {
        let msg = tokio::select! {
            m = stream.next() => m,
            _ = shutdown.changed() => break,
        };
        match msg {
            Some(Ok(WsMessage::Binary(b))) => {
                // Exactly one STUN or ChannelData message per WebSocket
                // message (ChannelData padded or not).
                let one = framing::next_message_len(&b) == Ok(Some(b.len()))
                    || (wasmrtc::stun::is_channel_data(&b) && wasmrtc::stun::ChannelData::decode(&b).is_ok());
                if !one {
                    tracing::warn!(client = %from, len = b.len(), "closing WebSocket: message is not one STUN or ChannelData message");
                    lock(&shared.core).stats.malformed += 1;
                    break;
                }
                shared.client_message(key, &b).await;
            }
            Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_))) => {}
            Some(Ok(WsMessage::Text(_))) => {
                tracing::warn!(client = %from, "closing WebSocket: text message on /turn");
                break;
            }
            Some(Ok(WsMessage::Close(_))) | None => break,
            Some(Err(e)) => {
                tracing::warn!(client = %from, error = %e, "closing WebSocket: protocol error");
                break;
            }
        }
    }
    drop(guard);
    writer.abort();
}

async fn signal_ws(
    State(st): State<AppState>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    Path(room): Path<String>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !origin_allowed(&st.shared, &headers) {
        return StatusCode::FORBIDDEN.into_response();
    }
    if room.is_empty() || room.len() > 128 {
        return StatusCode::BAD_REQUEST.into_response();
    }
    ws.max_message_size(MAX_SIGNAL_MESSAGE).on_upgrade(move |s| signal_session(st, s, room, from))
}

async fn signal_session(st: AppState, socket: WebSocket, room: String, from: SocketAddr) {
    let id = st.next_member.fetch_add(1, Ordering::Relaxed);
    let (tx, mut rx) = mpsc::channel::<WsMessage>(256);
    {
        let mut rooms = lock(&st.rooms);
        if !rooms.contains_key(&room) && rooms.len() >= MAX_ROOMS {
            return;
        }
        let members = rooms.entry(room.clone()).or_default();
        if members.len() >= MAX_ROOM_MEMBERS {
            tracing::info!(client = %from, room, "signal room full");
            return;
        }
        members.insert(id, tx);
    }
    let (mut sink, mut stream) = socket.split();
    let writer = tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            if sink.send(m).await.is_err() {
                break;
            }
        }
    });
    let mut shutdown = st.shared.shutdown.clone();
    loop {
        let msg = tokio::select! {
            m = stream.next() => m,
            _ = shutdown.changed() => break,
        };
        let m = match msg {
            Some(Ok(m @ (WsMessage::Text(_) | WsMessage::Binary(_)))) => m,
            Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_))) => continue,
            _ => break,
        };
        let others: Vec<mpsc::Sender<WsMessage>> = lock(&st.rooms)
            .get(&room)
            .map(|r| r.iter().filter(|(k, _)| **k != id).map(|(_, v)| v.clone()).collect())
            .unwrap_or_default();
        for o in others {
            let _ = o.try_send(m.clone());
        }
    }
    {
        let mut rooms = lock(&st.rooms);
        if let Some(r) = rooms.get_mut(&room) {
            r.remove(&id);
            if r.is_empty() {
                rooms.remove(&room);
            }
        }
    }
    writer.abort();
}

async fn metrics(State(st): State<AppState>) -> Response {
    let (stats, allocations) = {
        let core = lock(&st.shared.core);
        (core.stats.clone(), core.allocation_count())
    };
    let mut s = String::new();
    let _ = writeln!(s, "# HELP wasmrtc_relay_allocations Current allocations.\n# TYPE wasmrtc_relay_allocations gauge\nwasmrtc_relay_allocations {allocations}");
    let _ = writeln!(s, "# HELP wasmrtc_relay_allocations_total Allocations created.\n# TYPE wasmrtc_relay_allocations_total counter\nwasmrtc_relay_allocations_total {}", stats.allocations_total);
    let _ = writeln!(s, "# HELP wasmrtc_relay_connections Open TCP and WebSocket connections.\n# TYPE wasmrtc_relay_connections gauge\nwasmrtc_relay_connections {}", st.shared.open_conns.load(Ordering::Relaxed));
    let _ = writeln!(s, "# HELP wasmrtc_relay_packets_total Packets relayed, by client transport and direction.\n# TYPE wasmrtc_relay_packets_total counter");
    for t in Transport::ALL {
        let i = t as usize;
        let _ = writeln!(s, "wasmrtc_relay_packets_total{{transport=\"{}\",direction=\"to_peer\"}} {}", t.as_str(), stats.packets_to_peer[i]);
        let _ = writeln!(s, "wasmrtc_relay_packets_total{{transport=\"{}\",direction=\"to_client\"}} {}", t.as_str(), stats.packets_to_client[i]);
    }
    let _ = writeln!(s, "# HELP wasmrtc_relay_bytes_total Payload bytes relayed, by client transport and direction.\n# TYPE wasmrtc_relay_bytes_total counter");
    for t in Transport::ALL {
        let i = t as usize;
        let _ = writeln!(s, "wasmrtc_relay_bytes_total{{transport=\"{}\",direction=\"to_peer\"}} {}", t.as_str(), stats.bytes_to_peer[i]);
        let _ = writeln!(s, "wasmrtc_relay_bytes_total{{transport=\"{}\",direction=\"to_client\"}} {}", t.as_str(), stats.bytes_to_client[i]);
    }
    for (name, help, v) in [
        ("auth_failures_total", "Failed authentications.", stats.auth_failures),
        ("malformed_total", "Messages dropped as malformed.", stats.malformed),
        ("rate_limited_total", "Packets dropped by --max-bps.", stats.rate_limited),
        ("amplification_drops_total", "Unauthenticated UDP replies not sent because larger than the request.", stats.amplification_drops),
        ("queue_drops_total", "Relayed packets dropped because a TCP or WebSocket client's queue was full.", stats.queue_drops),
    ] {
        let _ = writeln!(s, "# HELP wasmrtc_relay_{name} {help}\n# TYPE wasmrtc_relay_{name} counter\nwasmrtc_relay_{name} {v}");
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], s).into_response()
}

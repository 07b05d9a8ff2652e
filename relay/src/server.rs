//! Starting and stopping a whole relay: used by `main.rs` and, in-process,
//! by the integration tests.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rand::RngCore;
use tokio::sync::watch;

use crate::auth::{Credentials, Nonces};
use crate::config::Args;
use crate::filter::PeerFilter;
use crate::net::{self, Shared};
use crate::turn::{self, TurnServer};

/// A running relay.
pub struct Relay {
    pub udp: Option<SocketAddr>,
    pub tcp: Option<SocketAddr>,
    pub http: SocketAddr,
    pub shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    http_task: tokio::task::JoinHandle<()>,
}

fn core_config(args: &Args) -> Result<turn::Config, String> {
    let mut users = HashMap::new();
    let mut add = |line: &str| -> Result<(), String> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Ok(());
        }
        let (u, p) = line.split_once(':').ok_or_else(|| format!("user {line:?} is not name:password"))?;
        users.insert(u.to_string(), p.to_string());
        Ok(())
    };
    for u in &args.users {
        add(u)?;
    }
    if let Some(f) = &args.user_file {
        let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
        for l in text.lines() {
            add(l)?;
        }
    }
    if args.use_auth_secret && args.static_auth_secret.is_empty() {
        return Err("--use-auth-secret needs --static-auth-secret".into());
    }
    let auth_secrets = if args.use_auth_secret { args.static_auth_secret.clone() } else { vec![] };
    if users.is_empty() && auth_secrets.is_empty() {
        tracing::warn!("no --user and no --use-auth-secret: every Allocate will be refused");
    }
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    Ok(turn::Config {
        realm: args.realm.clone(),
        credentials: Credentials { users, auth_secrets },
        nonces: Nonces::new(secret, args.stale_nonce),
        peers: PeerFilter {
            allow_loopback: args.allow_loopback_peers,
            allowed: args.allowed_peer_ip.clone(),
            denied: args.denied_peer_ip.clone(),
        },
        user_quota: args.user_quota,
        total_quota: args.total_quota,
        max_bps: args.max_bps,
        max_lifetime_s: args.max_allocate_lifetime,
        software: (!args.software.is_empty()).then(|| args.software.clone()),
        amplification_guard: args.strict_amplification_guard,
    })
}

impl Relay {
    /// Binds every listener and starts serving.
    pub async fn start(args: Args) -> Result<Relay, String> {
        let cfg = core_config(&args)?;
        let (stop, stop_rx) = watch::channel(false);
        let shared = Shared::new(TurnServer::new(cfg), args.clone(), stop_rx);
        let err = |what: &str, e: io::Error| format!("{what}: {e}");
        let mut port = args.listening_port;
        let udp = if args.no_udp {
            None
        } else {
            let a = net::bind_udp(&shared, SocketAddr::new(args.listening_ip, port)).await.map_err(|e| err("UDP listener", e))?;
            port = a.port();
            Some(a)
        };
        let tcp = if args.no_tcp {
            None
        } else {
            Some(net::bind_tcp(&shared, SocketAddr::new(args.listening_ip, port)).await.map_err(|e| err("TCP listener", e))?)
        };
        net::spawn_timer(&shared);
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.listening_ip, args.http_port))
            .await
            .map_err(|e| err("HTTP listener", e))?;
        let http = listener.local_addr().map_err(|e| err("HTTP listener", e))?;
        let app = crate::http::router(shared.clone());
        let mut stop_http = shared.shutdown.clone();
        let http_task = tokio::spawn(async move {
            let serve = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
                .with_graceful_shutdown(async move {
                    let _ = stop_http.changed().await;
                });
            if let Err(e) = serve.await {
                tracing::error!(error = %e, "HTTP server failed");
            }
        });
        tracing::info!(udp = ?udp, tcp = ?tcp, http = %http, relay_ip = %args.relay_ip(), "wasmrtc-relay listening");
        Ok(Relay { udp, tcp, http, shared, stop, http_task })
    }

    /// Graceful shutdown: stop accepting, close connections, release every
    /// allocation, wait (a little) for HTTP to finish.
    pub async fn shutdown(self) {
        tracing::info!("shutting down");
        let _ = self.stop.send(true);
        self.shared.release_all().await;
        let _ = tokio::time::timeout(Duration::from_secs(3), self.http_task).await;
        tracing::info!("stopped");
    }
}

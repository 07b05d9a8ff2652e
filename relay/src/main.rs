//! `wasmrtc-relay`: see `--help`, and DESIGN.md "Relay protocol".

use wasmrtc_relay::config::Args;
use wasmrtc_relay::server::Relay;

#[tokio::main]
async fn main() {
    let args = match Args::load(std::env::args().collect()) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    // Logs go to stderr; stdout carries only the ready line.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    if args.log_json {
        tracing_subscriber::fmt().json().with_writer(std::io::stderr).with_env_filter(filter).init();
    } else {
        tracing_subscriber::fmt().with_writer(std::io::stderr).with_ansi(ansi).with_env_filter(filter).init();
    }
    let relay = match Relay::start(args).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!("{e}");
            std::process::exit(1);
        }
    };
    // Tests and scripts read this line to learn ephemeral ports.
    println!(
        "wasmrtc-relay ready udp={} tcp={} http={}",
        relay.udp.map_or("-".into(), |a| a.to_string()),
        relay.tcp.map_or("-".into(), |a| a.to_string()),
        relay.http
    );
    wait_for_signal().await;
    relay.shutdown().await;
}

async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => tracing::info!("SIGTERM"),
                _ = tokio::signal::ctrl_c() => tracing::info!("SIGINT"),
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

//! `wasmrtc-relay`: see `--help`, and DESIGN.md "Relay protocol". A
//! native program: on wasm32 only the library builds, and this is empty.

#[cfg(not(target_arch = "wasm32"))]
use wasmrtc_relay::config::Args;
#[cfg(not(target_arch = "wasm32"))]
use wasmrtc_relay::server::Relay;

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
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
    // The handlers exist before anyone learns we are ready, so a SIGTERM
    // sent right after the ready line is a graceful shutdown, not a kill.
    let signals = Signals::install();
    // Tests and scripts read this line to learn ephemeral ports.
    println!(
        "wasmrtc-relay ready udp={} tcp={} http={}",
        relay.udp.map_or("-".into(), |a| a.to_string()),
        relay.tcp.map_or("-".into(), |a| a.to_string()),
        relay.http
    );
    signals.wait().await;
    relay.shutdown().await;
}

/// SIGTERM and SIGINT, registered when made.
struct Signals {
    term: Option<tokio::signal::unix::Signal>,
    int: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn install() -> Signals {
        use tokio::signal::unix::{signal, SignalKind};
        Signals { term: signal(SignalKind::terminate()).ok(), int: signal(SignalKind::interrupt()).ok() }
    }

    async fn wait(mut self) {
        async fn next(s: &mut Option<tokio::signal::unix::Signal>) {
            match s {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        }
        tokio::select! {
            _ = next(&mut self.term) => tracing::info!("SIGTERM"),
            _ = next(&mut self.int) => tracing::info!("SIGINT"),
        }
    }
}

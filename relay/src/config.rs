//! Settings: command-line flags named like coturn's, and the same settings
//! from a TOML file (`--config FILE`), whose keys are the flag names
//! (`listening-port = 3478`, `user = ["alice:secret"]`,
//! `allow-loopback-peers = true`). Flags given on the command line win over
//! the file.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Parser;

use crate::filter::IpRange;

#[derive(Parser, Debug, Clone)]
#[command(name = "wasmrtc-relay", version, about = "wasmrtc's TURN relay: UDP, TCP and WebSocket (/turn)", args_override_self = true)]
pub struct Args {
    /// A TOML file with the same settings as the flags (keys are flag names).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Address the UDP and TCP listeners (and the HTTP port) bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub listening_ip: IpAddr,
    /// UDP and TCP port for TURN (0: any free port).
    #[arg(long, default_value_t = 3478)]
    pub listening_port: u16,
    /// HTTP port: WebSocket /turn, /signal/<room>, /metrics, /healthz, static files (0: any).
    #[arg(long, default_value_t = 8080)]
    pub http_port: u16,
    /// Address relayed ports bind (default: --listening-ip).
    #[arg(long)]
    pub relay_ip: Option<IpAddr>,
    #[arg(long, default_value_t = 49152)]
    pub min_port: u16,
    #[arg(long, default_value_t = 65535)]
    pub max_port: u16,
    #[arg(long, default_value = "wasmrtc")]
    pub realm: String,
    /// A long-term user, `name:password` (repeatable).
    #[arg(long = "user")]
    pub users: Vec<String>,
    /// A file of `name:password` lines (`#` comments).
    #[arg(long)]
    pub user_file: Option<PathBuf>,
    /// TURN REST API credentials (needs --static-auth-secret).
    #[arg(long)]
    pub use_auth_secret: bool,
    /// REST API shared secret (repeatable; any one may sign).
    #[arg(long)]
    pub static_auth_secret: Vec<String>,
    /// Allow relaying to loopback peers (tests on one machine).
    #[arg(long)]
    pub allow_loopback_peers: bool,
    /// Peer addresses to allow even if special (A, A-B or A/N; repeatable).
    #[arg(long)]
    pub allowed_peer_ip: Vec<IpRange>,
    /// Peer addresses to refuse (A, A-B or A/N; repeatable).
    #[arg(long)]
    pub denied_peer_ip: Vec<IpRange>,
    /// Allocations per user (0: unlimited).
    #[arg(long, default_value_t = 0)]
    pub user_quota: usize,
    /// Allocations in all (0: unlimited).
    #[arg(long, default_value_t = 0)]
    pub total_quota: usize,
    /// Bytes per second per allocation and direction, as coturn counts it (0: unlimited).
    #[arg(long, default_value_t = 0)]
    pub max_bps: u64,
    /// Longest allocation lifetime granted, seconds.
    #[arg(long, default_value_t = 3600)]
    pub max_allocate_lifetime: u32,
    /// Nonce lifetime, seconds.
    #[arg(long, default_value_t = 600)]
    pub stale_nonce: u64,
    /// WebSocket Origins allowed on /turn and /signal (repeatable; none given: any).
    #[arg(long)]
    pub allowed_origin: Vec<String>,
    /// Serve DIR/www at /, DIR/js at /js/ and DIR/pkg at /pkg/.
    #[arg(long)]
    pub www: Option<PathBuf>,
    /// Open TCP and WebSocket connections at most.
    #[arg(long, default_value_t = 1024)]
    pub max_connections: usize,
    #[arg(long)]
    pub no_udp: bool,
    #[arg(long)]
    pub no_tcp: bool,
    /// Never answer an unauthenticated UDP request with more bytes than it
    /// had (breaks clients whose first Allocate is smaller than a challenge,
    /// e.g. Chromium's 28-byte one).
    #[arg(long)]
    pub strict_amplification_guard: bool,
    /// SOFTWARE attribute in authenticated responses.
    #[arg(long, default_value = "wasmrtc-relay")]
    pub software: String,
    /// Log JSON lines instead of text.
    #[arg(long)]
    pub log_json: bool,
}

impl Args {
    /// Parses the command line, reading `--config` first when given.
    pub fn load(argv: Vec<String>) -> Result<Args, String> {
        let first = Args::try_parse_from(&argv).map_err(|e| e.to_string())?;
        let Some(path) = &first.config else { return Ok(first) };
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file_args = toml_to_args(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut all = vec![argv.first().cloned().unwrap_or_default()];
        all.extend(file_args);
        all.extend(argv.into_iter().skip(1));
        Args::try_parse_from(all).map_err(|e| e.to_string())
    }

    pub fn relay_ip(&self) -> IpAddr {
        self.relay_ip.unwrap_or(self.listening_ip)
    }
}

/// `key = value` lines to `--key value` flags.
pub fn toml_to_args(text: &str) -> Result<Vec<String>, String> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
    let mut out = Vec::new();
    for (k, v) in table {
        if k == "config" {
            return Err("a config file cannot name another".into());
        }
        let flag = format!("--{k}");
        let scalar = |v: &toml::Value| -> Result<String, String> {
            match v {
                toml::Value::String(s) => Ok(s.clone()),
                toml::Value::Integer(i) => Ok(i.to_string()),
                toml::Value::Float(f) => Ok(f.to_string()),
                _ => Err(format!("{k}: expected a string or number")),
            }
        };
        match &v {
            toml::Value::Boolean(true) => out.push(flag),
            toml::Value::Boolean(false) => {}
            toml::Value::Array(items) => {
                for i in items {
                    out.push(flag.clone());
                    out.push(scalar(i)?);
                }
            }
            other => {
                out.push(flag);
                out.push(scalar(other)?);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_command_line_parses() {
        let argv = "wasmrtc-relay --listening-ip 127.0.0.1 --listening-port 3478 --http-port 8080 --relay-ip 127.0.0.1 --min-port 49152 --max-port 65000 --realm wasmrtc --user alice:secret --allow-loopback-peers";
        let a = Args::load(argv.split(' ').map(String::from).collect()).unwrap();
        assert_eq!((a.listening_port, a.http_port, a.min_port, a.max_port), (3478, 8080, 49152, 65000));
        assert_eq!(a.users, vec!["alice:secret"]);
        assert!(a.allow_loopback_peers);
    }

    #[test]
    fn toml_file_then_flags() {
        let dir = std::env::temp_dir().join(format!("wasmrtc-relay-cfg-{}", std::process::id()));
        std::fs::write(&dir, "listening-port = 4000\nrealm = \"r\"\nuser = [\"a:b\", \"c:d\"]\nallow-loopback-peers = true\ndenied-peer-ip = [\"10.0.0.0/8\"]\n").unwrap();
        let argv = vec!["x".to_string(), "--config".into(), dir.display().to_string(), "--listening-port".into(), "5000".into(), "--user".into(), "e:f".into()];
        let a = Args::load(argv).unwrap();
        std::fs::remove_file(&dir).ok();
        assert_eq!(a.listening_port, 5000);
        assert_eq!(a.realm, "r");
        assert_eq!(a.users, vec!["a:b", "c:d", "e:f"]);
        assert!(a.allow_loopback_peers);
        assert_eq!(a.denied_peer_ip.len(), 1);
        assert!(toml_to_args("x = {a = 1}").is_err());
        assert!(toml_to_args("not toml [").is_err());
    }
}

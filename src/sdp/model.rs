//! The typed model of an SDP session description (RFC 8866 §5), with the
//! attributes WebRTC uses typed and every other attribute kept verbatim, so
//! that parsing and serializing again gives back the same description.

/// `v=` through the last `m=` section: one whole session description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionDescription {
    /// `o=` (RFC 8866 §5.2).
    pub origin: Origin,
    /// `s=`; WebRTC writes `-`.
    pub session_name: String,
    /// `i=`, `u=`, `e=`, `p=` (§5.4–5.6).
    pub information: Option<String>,
    pub uri: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    /// Session-level `c=` (§5.7).
    pub connection: Option<Connection>,
    /// Session-level `b=` (§5.8).
    pub bandwidths: Vec<Bandwidth>,
    /// `t=` with their `r=` lines (§5.9, §5.10); at least one.
    pub timings: Vec<Timing>,
    /// `z=` (§5.11), kept as written.
    pub time_zones: Option<String>,
    /// `k=` (§5.12, obsolete), kept as written.
    pub encryption_key: Option<String>,
    /// Session-level `a=` lines in order (§5.13).
    pub attributes: Vec<Attribute>,
    /// `m=` sections in order (§5.14).
    pub media: Vec<MediaDescription>,
}

/// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub username: String,
    pub session_id: u64,
    pub session_version: u64,
    pub net_type: String,
    pub addr_type: String,
    pub unicast_address: String,
}

/// `c=<nettype> <addrtype> <connection-address>`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub net_type: String,
    pub addr_type: String,
    pub address: String,
}

/// `b=<bwtype>:<bandwidth>`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bandwidth {
    pub bwtype: String,
    pub bandwidth: u64,
}

/// `t=<start-time> <stop-time>` and the `r=` lines that follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    pub start: u64,
    pub stop: u64,
    pub repeats: Vec<String>,
}

/// `m=<media> <port>[/<number of ports>] <proto> <fmt> ...` and everything
/// up to the next `m=` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaDescription {
    /// `audio`, `video`, `application`, or anything else, as written.
    pub media: String,
    pub port: u16,
    pub number_of_ports: Option<u16>,
    /// `UDP/TLS/RTP/SAVPF`, `UDP/DTLS/SCTP`, ...
    pub proto: String,
    /// RTP payload types, or `webrtc-datachannel`.
    pub formats: Vec<String>,
    pub information: Option<String>,
    pub connections: Vec<Connection>,
    pub bandwidths: Vec<Bandwidth>,
    pub encryption_key: Option<String>,
    pub attributes: Vec<Attribute>,
}

/// `a=sendrecv` / `sendonly` / `recvonly` / `inactive` (RFC 8866 §6.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

/// `a=setup` (RFC 4145 §4, RFC 8842).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setup {
    ActPass,
    Active,
    Passive,
    HoldConn,
}

/// The payload type an `a=rtcp-fb` line applies to: one, or `*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayloadTypes {
    One(u8),
    All,
}

/// `a=rid` direction (RFC 8851 §10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RidDirection {
    Send,
    Recv,
}

/// One rid inside an `a=simulcast` stream list, `~` marking it paused
/// (RFC 8853 §5.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SimulcastRid {
    pub id: String,
    pub paused: bool,
}

/// `a=candidate` (RFC 8839 §5.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Candidate {
    pub foundation: String,
    pub component: u16,
    /// `udp` or `tcp` as written (the grammar is case-insensitive).
    pub transport: String,
    pub priority: u32,
    /// An IP address or an mDNS `.local` name.
    pub address: String,
    pub port: u16,
    /// `host`, `srflx`, `prflx`, `relay`.
    pub typ: String,
    pub rel_addr: Option<String>,
    pub rel_port: Option<u16>,
    /// `tcptype` (RFC 6544): `active`, `passive`, `so`.
    pub tcp_type: Option<String>,
    /// Every other `name value` pair after the fixed fields, in order
    /// (`generation`, `ufrag`, `network-id`, `network-cost`, ...).
    pub extensions: Vec<(String, String)>,
}

/// One `a=` line. The ones WebRTC acts on are typed; the rest are kept as
/// written in [`Attribute::Other`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attribute {
    /// `a=group:<semantics> <mid> ...` (RFC 5888), e.g. `BUNDLE`.
    Group { semantics: String, mids: Vec<String> },
    /// `a=mid:` (RFC 5888).
    Mid(String),
    Direction(Direction),
    /// `a=ice-ufrag:`, `a=ice-pwd:`, `a=ice-options:` (RFC 8839 §5).
    IceUfrag(String),
    IcePwd(String),
    IceOptions(Vec<String>),
    IceLite,
    /// `a=fingerprint:<hash-func> <hex:hex:...>` (RFC 8122 §5).
    Fingerprint { hash_function: String, fingerprint: Vec<u8> },
    Setup(Setup),
    /// `a=sctp-port:` and `a=max-message-size:` (RFC 8841 §5, §6).
    SctpPort(u16),
    MaxMessageSize(u64),
    /// `a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>]` (RFC 8866 §6.6).
    Rtpmap { payload_type: u8, encoding_name: String, clock_rate: u32, encoding_params: Option<u32> },
    /// `a=fmtp:<pt> <parameters>` (RFC 8866 §6.15); parameters as written.
    Fmtp { payload_type: u8, parameters: String },
    /// `a=rtcp-fb:<pt|*> <type> [<param>]` (RFC 4585 §4.2).
    RtcpFb { payload_types: PayloadTypes, feedback_type: String, parameter: Option<String> },
    /// `a=extmap:<id>[/<direction>] <uri> [<attributes>]` (RFC 8285 §8).
    Extmap { id: u16, direction: Option<Direction>, uri: String, attributes: Option<String> },
    /// `a=extmap-allow-mixed` (RFC 8285 §6).
    ExtmapAllowMixed,
    /// `a=msid:<stream id> [<track id>]` (RFC 8830 §2).
    Msid { stream_id: String, track_id: Option<String> },
    /// `a=msid-semantic: <semantic> <identifier> ...` (pre-RFC 8830 form, still sent).
    MsidSemantic { semantic: String, identifiers: Vec<String> },
    /// `a=ssrc:<ssrc> <attribute>[:<value>]` (RFC 5576 §4.1).
    Ssrc { ssrc: u32, attribute: String, value: Option<String> },
    /// `a=ssrc-group:<semantics> <ssrc> ...` (RFC 5576 §4.2).
    SsrcGroup { semantics: String, ssrcs: Vec<u32> },
    /// `a=rid:<id> <send|recv> [<restrictions>]` (RFC 8851 §10).
    Rid { id: String, direction: RidDirection, restrictions: Option<String> },
    /// `a=simulcast:` (RFC 8853 §5.1): alternatives within each stream.
    Simulcast { send: Vec<Vec<SimulcastRid>>, recv: Vec<Vec<SimulcastRid>> },
    /// `a=rtcp-mux`, `a=rtcp-mux-only`, `a=rtcp-rsize` (RFC 8035, 8858, 5506).
    RtcpMux,
    RtcpMuxOnly,
    RtcpRsize,
    /// `a=rtcp:<port> [<nettype> <addrtype> <address>]` (RFC 3605).
    Rtcp { port: u16, connection: Option<Connection> },
    Candidate(Candidate),
    /// `a=end-of-candidates` (RFC 8840 §8.2).
    EndOfCandidates,
    /// Anything else: `a=<name>` or `a=<name>:<value>`.
    Other { name: String, value: Option<String> },
}

import GeneratedProtocol
import NIOCore

/// Everything the transport needs to know, with the defaults the spec and the product
/// documentation give. One value, built once at start-up (flags > env > config file > defaults).
public struct RuntimeConfiguration: Sendable {
    /// Address both listeners bind to. Default `127.0.0.1`; `0.0.0.0` in the container.
    public var host: String = "127.0.0.1"
    /// WebSocket (and Control UI) port. Default 18789; `0` picks a free port (tests).
    public var port: Int = 18789
    /// HTTP port for health, readiness and metrics. Default 18790; `0` picks a free port.
    public var httpPort: Int = 18790

    /// How clients prove who they are.
    public var auth: AuthConfiguration = .init()
    /// Origins allowed to open a WebSocket from a browser, besides the gateway's own host and
    /// loopback. `*` allows any.
    public var allowedOrigins: [String] = []
    /// With auth `none`, the `Host` names (port ignored) the WebSocket port answers besides
    /// loopback (`localhost`, `127.0.0.0/8`, `[::1]`) and the hosts of ``allowedOrigins``;
    /// any other `Host` gets 403, which defeats DNS rebinding. `*` allows any. Unused with a
    /// token or password. Default empty.
    public var allowedHosts: [String] = []

    /// Largest inbound message in bytes; larger ones close the connection with 1009.
    public var maxPayload: Int = ProtocolLimits.maxPayload
    /// Outbound bytes queued for one client before it is closed as a slow consumer (1008).
    public var maxBufferedBytes: Int = ProtocolLimits.maxBufferedBytes
    /// Interval of `tick` events.
    public var tickInterval: Duration = .milliseconds(ProtocolLimits.tickIntervalMs)
    /// Time a client has to complete `connect`; then the socket is closed with 1000.
    public var handshakeTimeout: Duration = .milliseconds(ProtocolLimits.handshakeTimeoutMs)

    /// Time from accepting a TCP connection on the WebSocket port until its first HTTP request
    /// head (the WebSocket upgrade, or a Control UI request) has fully arrived; then the socket
    /// is closed without an answer (`kubeclaw_connections_timed_out_total{stage="upgrade"}`).
    /// Bounds sockets that send nothing or headers a byte at a time (slowloris). Default 10 s.
    public var upgradeTimeout: Duration = .seconds(10)
    /// Time an HTTP connection — on the ops port, or a Control UI connection on the WebSocket
    /// port — may take to send a complete request, counted from connecting or from the previous
    /// response; then it is closed (`kubeclaw_connections_timed_out_total{stage="http_idle"}`).
    /// Default 10 s.
    public var httpIdleTimeout: Duration = .seconds(10)
    /// Open TCP connections on the WebSocket port (WebSocket clients, Control UI and sockets not
    /// yet upgraded, together); past it a new connection is closed at once
    /// (`kubeclaw_connections_refused_total{listener="gateway"}`). Default 10,000 — keep it
    /// below the process's descriptor limit (`ulimit -n`).
    public var maxConnections: Int = 10_000
    /// Open TCP connections on the HTTP (ops) port; past it a new connection is closed at once
    /// (`kubeclaw_connections_refused_total{listener="http"}`). Default 256: probes and scrapers
    /// need a handful.
    public var maxHTTPConnections: Int = 256

    /// Budget of write requests (`chat.send`, `chat.abort`, `sessions.patch`, `sessions.delete`)
    /// per client identity. `messages == 0` turns rate limiting off (benchmarks).
    public var writeRateLimit: RateLimit = .init(messages: ProtocolLimits.rateLimitMessages, window: .milliseconds(ProtocolLimits.rateLimitWindowMs))
    /// Budget of read requests per connection: generous, so the Control UI's page load is
    /// never throttled, but finite so a runaway client cannot monopolise the gateway.
    public var readRateLimit: RateLimit = .init(messages: 1200, window: .seconds(60))
    /// Failed authentications per address before a lockout.
    public var authFailureLimit: AuthFailureLimit = .init()
    /// Proxies whose `Forwarded` / `X-Forwarded-For` headers name the real client (an Ingress
    /// controller's or load balancer's networks). Empty (default): the TCP peer is the client and
    /// those headers are ignored. Lockouts, budgets, logs and presence key on the client found.
    public var trustedProxies: [IPNetwork] = []

    /// Whether every result is checked against its schema before it is sent (a broken result
    /// becomes an internal error naming the violation). nil (default): on in debug builds, off
    /// in release builds, where the check would parse each encoded result again.
    public var validatesResponses: Bool? = nil

    /// Sessions one connection may follow with `sessions.messages.subscribe`; subscribing one
    /// more drops the one subscribed longest ago.
    public var maxSessionSubscriptions: Int = 256

    /// Requests one connection may have in flight at once; further frames wait to be read.
    public var maxConcurrentRequestsPerConnection: Int = 32
    /// How long in-flight requests may run after shutdown starts before connections close.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// `restartExpectedMs` of the `shutdown` event, when a restart is expected.
    public var restartExpectedMs: Int? = nil

    /// Directory of a Control UI build served on the WebSocket port (SPA fallback to
    /// `index.html`); nil serves a page that says how to connect.
    public var controlUIDirectory: String? = nil

    /// The version `hello-ok` and `/` report (the `SERVICE_VERSION` of the build).
    public var serviceVersion: String = "0.0.0-dev"

    public init() {}

    /// Whether loopback clients are exempt from the authentication lockout, `exemptLoopback`
    /// resolved against `trustedProxies`.
    public var exemptsLoopbackFromLockout: Bool { authFailureLimit.exemptLoopback ?? trustedProxies.isEmpty }

    /// `tickInterval` in whole milliseconds, as `hello-ok.policy.tickIntervalMs` advertises it.
    public var tickIntervalMs: Int { Int(tickInterval.nanoseconds / 1_000_000) }

    /// A write or read budget.
    public struct RateLimit: Sendable, Equatable {
        public var messages: Int
        public var window: Duration

        public init(messages: Int, window: Duration) {
            self.messages = messages
            self.window = window
        }

        public var isEnabled: Bool { messages > 0 }

        /// `window` in whole milliseconds.
        public var windowMs: Int { Int(window.nanoseconds / 1_000_000) }
    }

    /// Lockout after repeated failed authentication (OpenClaw: 10 per 60 s → 5 minutes).
    public struct AuthFailureLimit: Sendable, Equatable {
        public var failures: Int = ProtocolLimits.authFailures
        public var window: Duration = .milliseconds(ProtocolLimits.authFailureWindowMs)
        public var lockout: Duration = .milliseconds(ProtocolLimits.authLockoutMs)
        /// Whether loopback clients are exempt from the lockout. nil (default): exempt unless
        /// trusted proxies are configured — behind a sidecar proxy every peer is loopback, and an
        /// exemption would switch the lockout off for everyone.
        public var exemptLoopback: Bool? = nil

        public init() {}
    }
}

/// Shared-secret authentication, as OpenClaw's `connect.params.auth`.
public struct AuthConfiguration: Sendable {
    public enum Mode: String, Sendable {
        /// `auth.token` must equal the configured token (`OPENCLAW_GATEWAY_TOKEN`).
        case token
        /// `auth.password` must equal the configured password.
        case password
        /// No secret; allowed only on loopback binds or with `--allow-unauthenticated`.
        case none
    }

    public var mode: Mode = .none
    /// The token or password. Never logged, never returned.
    public var secret: String? = nil
    /// Serve without a secret on a non-loopback address.
    public var allowUnauthenticated: Bool = false

    public init(mode: Mode = .none, secret: String? = nil, allowUnauthenticated: Bool = false) {
        self.mode = mode
        self.secret = secret
        self.allowUnauthenticated = allowUnauthenticated
    }
}

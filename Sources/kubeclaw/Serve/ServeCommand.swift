import ArgumentParser
import Foundation
import Logging

/// `kubeclaw serve`: runs the gateway until SIGTERM/SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway (WebSocket on --port, health/metrics on --http-port).",
        discussion: """
            Settings come from flags, then environment variables, then the --config file, then
            defaults. The gateway token is read from OPENCLAW_GATEWAY_TOKEN (or --token-file),
            never from a flag, so it does not show up in process listings.
            """)

    @Option(help: "Address to bind (env KUBECLAW_HOST; default 127.0.0.1; 0.0.0.0 in a container).")
    var host: String?

    @Option(help: "WebSocket port (env KUBECLAW_PORT; default 18789).")
    var port: Int?

    @Option(name: .customLong("http-port"), help: "Health, readiness and metrics port (env KUBECLAW_HTTP_PORT; default 18790).")
    var httpPort: Int?

    @Option(name: .customLong("data-dir"), help: "Directory of the session database (env KUBECLAW_DATA_DIR; default ./.kubeclaw).")
    var dataDirectory: String?

    @Option(name: .customLong("database-url"), help: "PostgreSQL URL of the store replicas share, postgres://user:password@host:5432/db?sslmode=… (env DATABASE_URL, preferred: a flag shows in process listings); without it sessions live in SQLite in --data-dir. See docs/replicas.md.")
    var databaseURL: String?

    @Option(help: "Agent config file, e.g. {\"agent\":{\"model\",\"name\",\"description\"}} (env KUBECLAW_CONFIG).")
    var config: String?

    @Option(name: .customLong("ollama-url"), help: "Ollama base URL (env OLLAMA_HOST; default http://127.0.0.1:11434).")
    var ollamaURL: String?

    @Option(help: "Model to chat with, provider/model or a bare Ollama name; overrides the config file's agent.model (env KUBECLAW_MODEL).")
    var model: String?

    @Option(name: .customLong("fallback"), help: "A model tried when the model fails before its first token; repeatable, in order; replaces agent.fallbacks (env KUBECLAW_FALLBACKS, comma-separated).")
    var fallbacks: [String] = []

    @Option(name: .customLong("control-ui-dir"), help: "Serve a Control UI build from this directory on the WebSocket port (env KUBECLAW_CONTROL_UI_DIR).")
    var controlUIDirectory: String?

    @Option(name: .customLong("allowed-origin"), help: "Browser origin allowed to connect, besides the gateway's own host and loopback; repeatable, * for any (env KUBECLAW_ALLOWED_ORIGINS, comma-separated).")
    var allowedOrigins: [String] = []

    @Option(name: .customLong("trusted-proxy"), help: "A proxy (CIDR or address) whose Forwarded / X-Forwarded-For headers name the real client, e.g. the Ingress controller's pod network; repeatable (env KUBECLAW_TRUSTED_PROXIES, comma-separated). Lockouts and budgets then key on the forwarded client; without it the headers are ignored.")
    var trustedProxies: [String] = []

    @Flag(name: .customLong("exempt-loopback-from-lockout"), inversion: .prefixedNo, help: "Whether loopback clients are exempt from the failed-authentication lockout (default: exempt unless --trusted-proxy is given; behind a sidecar proxy every peer is loopback; env KUBECLAW_EXEMPT_LOOPBACK_FROM_LOCKOUT=true|false).")
    var exemptLoopbackFromLockout: Bool?

    @Flag(name: .customLong("validate-responses"), inversion: .prefixedNo, help: "Check every result against its schema before sending it; a broken one becomes an internal error naming the violation (default: on in debug builds, off in release builds; env KUBECLAW_VALIDATE_RESPONSES=true|false).")
    var validateResponses: Bool?

    @Option(name: .customLong("allowed-host"), help: "With --auth-mode none, a Host name served besides loopback and the allowed origins' hosts (DNS rebinding defence); repeatable, * for any (env KUBECLAW_ALLOWED_HOSTS, comma-separated).")
    var allowedHosts: [String] = []

    @Option(name: .customLong("auth-mode"), help: "token (default when OPENCLAW_GATEWAY_TOKEN is set), password (OPENCLAW_GATEWAY_PASSWORD) or none (env KUBECLAW_AUTH_MODE).")
    var authMode: String?

    @Option(name: .customLong("token-file"), help: "Read the gateway token from this file (surrounding whitespace and newlines trimmed); it wins over OPENCLAW_GATEWAY_TOKEN. Read once at start-up; its content is never logged (env KUBECLAW_TOKEN_FILE).")
    var tokenFile: String?

    @Flag(name: .customLong("allow-unauthenticated"), help: "Serve without a token on a non-loopback address (dangerous; env KUBECLAW_ALLOW_UNAUTHENTICATED=true).")
    var allowUnauthenticated = false

    @Option(name: .customLong("rate-limit"), help: "Write requests per client per window; 0 turns every budget off, reads too unless --read-rate-limit is set (env KUBECLAW_RATE_LIMIT; default 20).")
    var rateLimit: Int?

    @Option(name: .customLong("rate-limit-window"), help: "Rate-limit window in seconds (env KUBECLAW_RATE_LIMIT_WINDOW; default 60).")
    var rateLimitWindow: Int?

    @Option(name: .customLong("read-rate-limit"), help: "Read requests per connection per read window; 0 turns it off (env KUBECLAW_READ_RATE_LIMIT; default 1200).")
    var readRateLimit: Int?

    @Option(name: .customLong("read-rate-limit-window"), help: "Read budget window in seconds (env KUBECLAW_READ_RATE_LIMIT_WINDOW; default 60).")
    var readRateLimitWindow: Int?

    @Option(name: .customLong("max-payload"), help: "Largest inbound message in bytes, 1024...16777216 (env KUBECLAW_MAX_PAYLOAD; default 65536).")
    var maxPayload: Int?

    @Option(name: .customLong("max-buffered-bytes"), help: "Outbound bytes queued per client before it is cut off (env KUBECLAW_MAX_BUFFERED_BYTES; default 1048576).")
    var maxBufferedBytes: Int?

    @Option(name: .customLong("handshake-timeout"), help: "Seconds a client has to send connect (env KUBECLAW_HANDSHAKE_TIMEOUT; default 10).")
    var handshakeTimeout: Double?

    @Option(name: .customLong("upgrade-timeout"), help: "Seconds a new connection on the WebSocket port has to send its request headers (upgrade or Control UI) before it is closed (env KUBECLAW_UPGRADE_TIMEOUT; default 10).")
    var upgradeTimeout: Double?

    @Option(name: .customLong("http-idle-timeout"), help: "Seconds an HTTP connection (ops port, Control UI) may take to send a complete request, from connecting or its last response, before it is closed (env KUBECLAW_HTTP_IDLE_TIMEOUT; default 10).")
    var httpIdleTimeout: Double?

    @Option(name: .customLong("max-connections"), help: "Open TCP connections on the WebSocket port; more are closed at once (env KUBECLAW_MAX_CONNECTIONS; default 10000).")
    var maxConnections: Int?

    @Option(name: .customLong("max-http-connections"), help: "Open TCP connections on the HTTP (ops) port; more are closed at once (env KUBECLAW_MAX_HTTP_CONNECTIONS; default 256).")
    var maxHTTPConnections: Int?

    @Option(name: .customLong("tick-interval"), help: "Seconds between tick events (env KUBECLAW_TICK_INTERVAL; default 30).")
    var tickInterval: Double?

    @Option(name: .customLong("shutdown-grace"), help: "Seconds requests may run after SIGTERM (env KUBECLAW_SHUTDOWN_GRACE; default 10).")
    var shutdownGrace: Double?

    @Option(name: .customLong("max-reply-bytes"), help: "Longest model reply in UTF-8 bytes; a longer one is cut and the run ends with stopReason reply_size_cap (env KUBECLAW_MAX_REPLY_BYTES; default 1048576).")
    var maxReplyBytes: Int?

    @Option(name: .customLong("max-runs-per-client"), help: "Chat runs one client (its device, else its address) may have streaming at once; 0 for no limit (env KUBECLAW_MAX_RUNS_PER_CLIENT; default 8).")
    var maxRunsPerClient: Int?

    @Option(name: .customLong("session-retention-days"), help: "Delete sessions (with their transcripts) not updated for this many days; 0 keeps them forever (env KUBECLAW_SESSION_RETENTION_DAYS, config sessions.retentionDays; default 30).")
    var sessionRetentionDays: Int?

    @Option(name: .customLong("max-messages-per-session"), help: "Keep at most this many messages per session transcript, dropping the oldest; 0 keeps all (env KUBECLAW_MAX_MESSAGES_PER_SESSION, config sessions.maxMessages; default 1000).")
    var maxMessagesPerSession: Int?

    @Option(name: .customLong("num-ctx"), help: "Context window sent to Ollama as options.num_ctx (env KUBECLAW_NUM_CTX; default 16384; Ollama's own 4096 truncates long chats).")
    var numCtx: Int?

    @Option(name: .customLong("log-format"), help: "text or json (env KUBECLAW_LOG_FORMAT; default text).")
    var logFormat: LogFormat?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (env KUBECLAW_LOG_LEVEL; default info).")
    var logLevel: Logger.Level?

    func run() async throws {
        let configuration: KubeclawConfiguration
        do {
            configuration = try KubeclawConfiguration(flags: flagValues, environment: ProcessInfo.processInfo.environment)
        } catch let error as KubeclawConfiguration.Problem {
            FileHandle.standardError.write(Data("kubeclaw: \(error.description)\n".utf8))
            throw ExitCode(78)
        }
        LogFormat.bootstrap(configuration.logging.format, level: configuration.logging.level)
        try await GatewayProcess(configuration: configuration).run()
    }

    /// The settings given on the command line, as text for ``SettingsReader`` (repeatable
    /// flags joined with commas, as their environment variables are written).
    var flagValues: [ServeSetting: String] {
        var values: [ServeSetting: String] = [:]
        values[.host] = host
        values[.port] = port.map(String.init)
        values[.httpPort] = httpPort.map(String.init)
        values[.dataDirectory] = dataDirectory
        values[.databaseURL] = databaseURL
        values[.configFile] = config
        values[.ollamaURL] = ollamaURL
        values[.model] = model
        values[.fallbacks] = fallbacks.isEmpty ? nil : fallbacks.joined(separator: ",")
        values[.controlUIDirectory] = controlUIDirectory
        values[.allowedOrigins] = allowedOrigins.isEmpty ? nil : allowedOrigins.joined(separator: ",")
        values[.trustedProxies] = trustedProxies.isEmpty ? nil : trustedProxies.joined(separator: ",")
        values[.exemptLoopbackFromLockout] = exemptLoopbackFromLockout.map { String($0) }
        values[.validateResponses] = validateResponses.map { String($0) }
        values[.allowedHosts] = allowedHosts.isEmpty ? nil : allowedHosts.joined(separator: ",")
        values[.authMode] = authMode
        values[.tokenFile] = tokenFile
        values[.allowUnauthenticated] = allowUnauthenticated ? "true" : nil
        values[.rateLimit] = rateLimit.map(String.init)
        values[.rateLimitWindow] = rateLimitWindow.map(String.init)
        values[.readRateLimit] = readRateLimit.map(String.init)
        values[.readRateLimitWindow] = readRateLimitWindow.map(String.init)
        values[.maxPayload] = maxPayload.map(String.init)
        values[.maxBufferedBytes] = maxBufferedBytes.map(String.init)
        values[.handshakeTimeout] = handshakeTimeout.map { String($0) }
        values[.upgradeTimeout] = upgradeTimeout.map { String($0) }
        values[.httpIdleTimeout] = httpIdleTimeout.map { String($0) }
        values[.maxConnections] = maxConnections.map(String.init)
        values[.maxHTTPConnections] = maxHTTPConnections.map(String.init)
        values[.tickInterval] = tickInterval.map { String($0) }
        values[.shutdownGrace] = shutdownGrace.map { String($0) }
        values[.maxReplyBytes] = maxReplyBytes.map(String.init)
        values[.maxRunsPerClient] = maxRunsPerClient.map(String.init)
        values[.numCtx] = numCtx.map(String.init)
        values[.sessionRetentionDays] = sessionRetentionDays.map(String.init)
        values[.maxMessagesPerSession] = maxMessagesPerSession.map(String.init)
        values[.logFormat] = logFormat?.rawValue
        values[.logLevel] = logLevel?.rawValue
        return values
    }
}

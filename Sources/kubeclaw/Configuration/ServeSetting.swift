/// One setting of `kubeclaw serve`: the configuration key it is read under, the environment
/// variable and the flag that set it. Every setting has all three, so a deployment can choose
/// whichever fits; the precedence is flag > environment > config file > default.
struct ServeSetting: Sendable, Hashable {
    /// Dotted configuration key, e.g. `gateway.port`.
    let key: String
    let environment: String
    /// The flag as a user types it, for messages.
    let flag: String
    /// Never logged or shown (the gateway token and password).
    var isSecret = false

    /// How a problem with this setting's value names it.
    var label: String { "\(flag) (\(environment))" }
}

extension ServeSetting {
    static let host = ServeSetting(key: "gateway.host", environment: "KUBECLAW_HOST", flag: "--host")
    static let port = ServeSetting(key: "gateway.port", environment: "KUBECLAW_PORT", flag: "--port")
    static let httpPort = ServeSetting(key: "gateway.httpPort", environment: "KUBECLAW_HTTP_PORT", flag: "--http-port")
    static let controlUIDirectory = ServeSetting(key: "gateway.controlUiDir", environment: "KUBECLAW_CONTROL_UI_DIR", flag: "--control-ui-dir")
    static let allowedOrigins = ServeSetting(key: "gateway.allowedOrigins", environment: "KUBECLAW_ALLOWED_ORIGINS", flag: "--allowed-origin")
    static let trustedProxies = ServeSetting(key: "gateway.trustedProxies", environment: "KUBECLAW_TRUSTED_PROXIES", flag: "--trusted-proxy")
    static let exemptLoopbackFromLockout = ServeSetting(
        key: "gateway.exemptLoopbackFromLockout", environment: "KUBECLAW_EXEMPT_LOOPBACK_FROM_LOCKOUT", flag: "--[no-]exempt-loopback-from-lockout")
    static let validateResponses = ServeSetting(
        key: "gateway.validateResponses", environment: "KUBECLAW_VALIDATE_RESPONSES", flag: "--[no-]validate-responses")
    static let allowedHosts = ServeSetting(key: "gateway.allowedHosts", environment: "KUBECLAW_ALLOWED_HOSTS", flag: "--allowed-host")
    static let tickInterval = ServeSetting(key: "gateway.tickInterval", environment: "KUBECLAW_TICK_INTERVAL", flag: "--tick-interval")
    static let shutdownGrace = ServeSetting(key: "gateway.shutdownGrace", environment: "KUBECLAW_SHUTDOWN_GRACE", flag: "--shutdown-grace")

    static let authMode = ServeSetting(key: "auth.mode", environment: "KUBECLAW_AUTH_MODE", flag: "--auth-mode")
    static let token = ServeSetting(key: "auth.token", environment: "OPENCLAW_GATEWAY_TOKEN", flag: "--token-file", isSecret: true)
    static let tokenFile = ServeSetting(key: "auth.tokenFile", environment: "KUBECLAW_TOKEN_FILE", flag: "--token-file")
    static let password = ServeSetting(key: "auth.password", environment: "OPENCLAW_GATEWAY_PASSWORD", flag: "OPENCLAW_GATEWAY_PASSWORD", isSecret: true)
    static let allowUnauthenticated = ServeSetting(
        key: "auth.allowUnauthenticated", environment: "KUBECLAW_ALLOW_UNAUTHENTICATED", flag: "--allow-unauthenticated")

    static let rateLimit = ServeSetting(key: "limits.rateLimit", environment: "KUBECLAW_RATE_LIMIT", flag: "--rate-limit")
    static let rateLimitWindow = ServeSetting(key: "limits.rateLimitWindow", environment: "KUBECLAW_RATE_LIMIT_WINDOW", flag: "--rate-limit-window")
    static let readRateLimit = ServeSetting(key: "limits.readRateLimit", environment: "KUBECLAW_READ_RATE_LIMIT", flag: "--read-rate-limit")
    static let readRateLimitWindow = ServeSetting(
        key: "limits.readRateLimitWindow", environment: "KUBECLAW_READ_RATE_LIMIT_WINDOW", flag: "--read-rate-limit-window")
    static let maxPayload = ServeSetting(key: "limits.maxPayload", environment: "KUBECLAW_MAX_PAYLOAD", flag: "--max-payload")
    static let maxBufferedBytes = ServeSetting(key: "limits.maxBufferedBytes", environment: "KUBECLAW_MAX_BUFFERED_BYTES", flag: "--max-buffered-bytes")
    static let handshakeTimeout = ServeSetting(key: "limits.handshakeTimeout", environment: "KUBECLAW_HANDSHAKE_TIMEOUT", flag: "--handshake-timeout")
    static let upgradeTimeout = ServeSetting(key: "limits.upgradeTimeout", environment: "KUBECLAW_UPGRADE_TIMEOUT", flag: "--upgrade-timeout")
    static let httpIdleTimeout = ServeSetting(key: "limits.httpIdleTimeout", environment: "KUBECLAW_HTTP_IDLE_TIMEOUT", flag: "--http-idle-timeout")
    static let maxConnections = ServeSetting(key: "limits.maxConnections", environment: "KUBECLAW_MAX_CONNECTIONS", flag: "--max-connections")
    static let maxHTTPConnections = ServeSetting(
        key: "limits.maxHttpConnections", environment: "KUBECLAW_MAX_HTTP_CONNECTIONS", flag: "--max-http-connections")
    static let maxReplyBytes = ServeSetting(key: "limits.maxReplyBytes", environment: "KUBECLAW_MAX_REPLY_BYTES", flag: "--max-reply-bytes")
    static let maxRunsPerClient = ServeSetting(key: "limits.maxRunsPerClient", environment: "KUBECLAW_MAX_RUNS_PER_CLIENT", flag: "--max-runs-per-client")

    static let sessionRetentionDays = ServeSetting(
        key: "store.sessionRetentionDays", environment: "KUBECLAW_SESSION_RETENTION_DAYS", flag: "--session-retention-days")
    static let maxMessagesPerSession = ServeSetting(
        key: "store.maxMessagesPerSession", environment: "KUBECLAW_MAX_MESSAGES_PER_SESSION", flag: "--max-messages-per-session")
    static let dataDirectory = ServeSetting(key: "store.dataDir", environment: "KUBECLAW_DATA_DIR", flag: "--data-dir")
    /// Holds the database password, so never logged or shown (``DatabaseURL/description`` is).
    static let databaseURL = ServeSetting(key: "store.databaseUrl", environment: "DATABASE_URL", flag: "--database-url", isSecret: true)
    static let configFile = ServeSetting(key: "configFile", environment: "KUBECLAW_CONFIG", flag: "--config")

    static let ollamaURL = ServeSetting(key: "backend.ollamaUrl", environment: "OLLAMA_HOST", flag: "--ollama-url")
    static let model = ServeSetting(key: "agent.model", environment: "KUBECLAW_MODEL", flag: "--model")
    static let fallbacks = ServeSetting(key: "agent.fallbacks", environment: "KUBECLAW_FALLBACKS", flag: "--fallback")
    static let numCtx = ServeSetting(key: "backend.numCtx", environment: "KUBECLAW_NUM_CTX", flag: "--num-ctx")

    static let logFormat = ServeSetting(key: "logging.format", environment: "KUBECLAW_LOG_FORMAT", flag: "--log-format")
    static let logLevel = ServeSetting(key: "logging.level", environment: "KUBECLAW_LOG_LEVEL", flag: "--log-level")

    /// Every setting, for the environment mapping and the docs.
    static let all: [ServeSetting] = [
        host, port, httpPort, controlUIDirectory, allowedOrigins, trustedProxies, exemptLoopbackFromLockout, allowedHosts, validateResponses,
        tickInterval, shutdownGrace, authMode, token, tokenFile, password, allowUnauthenticated, rateLimit, rateLimitWindow,
        readRateLimit, readRateLimitWindow, maxPayload, maxBufferedBytes, handshakeTimeout, upgradeTimeout, httpIdleTimeout, maxConnections, maxHTTPConnections,
        maxReplyBytes, maxRunsPerClient, sessionRetentionDays, maxMessagesPerSession, dataDirectory, databaseURL, configFile, ollamaURL, model, fallbacks, numCtx, logFormat, logLevel,
    ]
}

import Foundation
import GatewayImpl
import GeneratedProtocol
import KubeclawServer
import Logging
import PostgresStore
import Runtime

/// Everything `kubeclaw serve` runs with, as one value: the transport (`runtime`: listeners,
/// auth, limits, timeouts), the store, the backend (Ollama, providers, agent, generation), the
/// chat limits and logging. Filled once at start-up from flags > environment > config file >
/// defaults (``SettingsReader``, on swift-configuration); every setting and its variable is in
/// ``ServeSetting`` and docs/configuration.md. `config.get` shows ``effectiveConfig``, derived
/// from this value with secrets replaced.
struct KubeclawConfiguration {
    typealias Problem = SettingsReader.Problem

    var runtime = RuntimeConfiguration()
    var store = Store()
    var backend = Backend()
    var chat = Chat()
    var logging = Logging()

    struct Store {
        /// Directory of the session database.
        var dataDirectory = "./.kubeclaw"
        /// The PostgreSQL database replicas share; nil keeps sessions in SQLite in ``dataDirectory``.
        var databaseURL: DatabaseURL?

        /// Where sessions live, safe to log: the SQLite directory or the URL without its password.
        var description: String { databaseURL?.description ?? dataDirectory }
        /// How long sessions and transcripts are kept. Default 30 days, 1,000 messages.
        var retention = RetentionPolicy()
    }

    struct Backend {
        var ollamaURL = "http://127.0.0.1:11434"
        /// The parsed `--config` file (agent, generation, providers), shown by `config.get`.
        var configFile = ConfigFile()
        var agent = AgentConfiguration()
        var generation = ModelGenerationOptions()
        /// Ollama, OpenAI, Anthropic and the config file's providers, with keys from the environment.
        var providers = ProviderSettings(providers: [])
    }

    struct Chat {
        /// Longest model reply in UTF-8 bytes. Default 1 MiB.
        var maxReplyBytes = 1 << 20
        /// Chat runs streaming at once per client identity; 0 is no limit.
        var maxRunsPerClient = 8
    }

    struct Logging {
        var format = LogFormat.text
        var level = Logger.Level.info
    }

    /// Resolves the configuration from the parsed flags and `environment`.
    init(flags: [ServeSetting: String], environment: [String: String]) throws {
        // The config file is named by a flag or the environment; its values then sit below both.
        let configPath = SettingsReader(flags: flags, environment: environment).string(.configFile)
        let configFile = ConfigFile.load(path: configPath)
        guard configFile.isValid else {
            let list = configFile.issues.map { "  \($0.path): \($0.message)" }.joined(separator: "\n")
            throw Problem(description: "config file \(configPath ?? "") is invalid:\n\(list)")
        }
        var fileValues: [ServeSetting: String] = [:]
        fileValues[.ollamaURL] = configFile.ollamaURL
        fileValues[.numCtx] = configFile.generation.numCtx.map(String.init)
        fileValues[.sessionRetentionDays] = configFile.sessionRetentionDays.map(String.init)
        fileValues[.maxMessagesPerSession] = configFile.maxMessagesPerSession.map(String.init)
        let settings = SettingsReader(flags: flags, environment: environment, file: fileValues)

        backend.configFile = configFile
        backend.agent = configFile.agent
        backend.generation = configFile.generation
        if let model = settings.string(.model) { backend.agent.model = model }
        if let fallbacks = settings.list(.fallbacks) { backend.agent.fallbacks = fallbacks }
        backend.generation.numCtx = try settings.integer(.numCtx, in: 256...1_048_576, "an integer in 256...1048576")
        backend.ollamaURL = settings.string(.ollamaURL) ?? backend.ollamaURL
        backend.providers = ProviderSettings(ollamaURL: backend.ollamaURL, file: configFile.providers, environment: environment)
        if let problem = backend.providers.problems().first { throw Problem(description: problem) }

        try readGateway(settings)
        try readLimits(settings)
        store.dataDirectory = settings.string(.dataDirectory) ?? store.dataDirectory
        if let text = settings.string(.databaseURL) {
            do {
                store.databaseURL = try DatabaseURL(text)
            } catch {
                throw Problem(description: "\(ServeSetting.databaseURL.label): \(error)")
            }
        }
        store.retention = RetentionPolicy(
            sessionRetentionDays: try settings.integer(.sessionRetentionDays, in: 0...36_500, "0 (keep forever) to 36500")
                ?? store.retention.sessionRetentionDays,
            maxMessagesPerSession: try settings.integer(.maxMessagesPerSession, in: 0...10_000_000, "0 (keep all) to 10000000")
                ?? store.retention.maxMessagesPerSession)
        runtime.serviceVersion = BuildInfo.version
        logging.format = try settings.choice(.logFormat, LogFormat.self, choices: "text or json") ?? .text
        logging.level = try settings.choice(.logLevel, Logger.Level.self, choices: "trace, debug, info, notice, warning, error or critical") ?? .info
        try readAuth(settings)
    }

    private mutating func readGateway(_ settings: SettingsReader) throws {
        runtime.host = settings.string(.host) ?? runtime.host
        runtime.port = try settings.integer(.port, in: 0...65535, "a port (0...65535)") ?? runtime.port
        runtime.httpPort = try settings.integer(.httpPort, in: 0...65535, "a port (0...65535)") ?? runtime.httpPort
        runtime.controlUIDirectory = settings.string(.controlUIDirectory)
        runtime.allowedOrigins = settings.list(.allowedOrigins) ?? []
        runtime.allowedHosts = settings.list(.allowedHosts) ?? []
        runtime.trustedProxies = try (settings.list(.trustedProxies) ?? []).map { text in
            guard let network = IPNetwork(text) else {
                throw Problem(description: "--trusted-proxy must be an IP address or CIDR (10.0.0.0/8, fd00::/8), got '\(text)'")
            }
            return network
        }
        runtime.authFailureLimit.exemptLoopback = try settings.bool(.exemptLoopbackFromLockout)
        runtime.validatesResponses = try settings.bool(.validateResponses)
        if let interval = try settings.seconds(.tickInterval, in: 1...3600, "1 to 3600 seconds") { runtime.tickInterval = interval }
        if let grace = try settings.seconds(.shutdownGrace, in: 0...3600, "0 to 3600 seconds") { runtime.shutdownGracePeriod = grace }
    }

    private mutating func readLimits(_ settings: SettingsReader) throws {
        if let messages = try settings.integer(.rateLimit, in: 0...1_000_000, "0 (off) or more, at most 1000000") {
            runtime.writeRateLimit.messages = messages
        }
        if let seconds = try settings.integer(.rateLimitWindow, in: 1...86_400, "1 to 86400 seconds") {
            runtime.writeRateLimit.window = .seconds(seconds)
        }
        // `--rate-limit 0` turns every budget off (benchmarks), unless reads get their own.
        if let messages = try settings.integer(.readRateLimit, in: 0...1_000_000, "0 (off) or more, at most 1000000") {
            runtime.readRateLimit.messages = messages
        } else if !runtime.writeRateLimit.isEnabled {
            runtime.readRateLimit.messages = 0
        }
        if let seconds = try settings.integer(.readRateLimitWindow, in: 1...86_400, "1 to 86400 seconds") {
            runtime.readRateLimit.window = .seconds(seconds)
        }
        runtime.maxPayload = try settings.integer(.maxPayload, in: 1024...(16 << 20), "in 1024...16777216") ?? runtime.maxPayload
        runtime.maxBufferedBytes = try settings.integer(.maxBufferedBytes, in: 65536...(1 << 30), "in 65536...1073741824")
            ?? runtime.maxBufferedBytes
        let timeoutRule = "more than 0 and at most 3600 seconds"
        if let timeout = try settings.seconds(.handshakeTimeout, in: 0.001...3600, timeoutRule) { runtime.handshakeTimeout = timeout }
        if let timeout = try settings.seconds(.upgradeTimeout, in: 0.001...3600, timeoutRule) { runtime.upgradeTimeout = timeout }
        if let timeout = try settings.seconds(.httpIdleTimeout, in: 0.001...3600, timeoutRule) { runtime.httpIdleTimeout = timeout }
        runtime.maxConnections = try settings.integer(.maxConnections, in: 1...1_000_000, "in 1...1000000") ?? runtime.maxConnections
        runtime.maxHTTPConnections = try settings.integer(.maxHTTPConnections, in: 1...1_000_000, "in 1...1000000")
            ?? runtime.maxHTTPConnections
        chat.maxReplyBytes = try settings.integer(.maxReplyBytes, in: 1024...(1 << 30), "at least 1024 (at most 1073741824)")
            ?? chat.maxReplyBytes
        chat.maxRunsPerClient = try settings.integer(.maxRunsPerClient, in: 0...100_000, "0 (no limit) or more, at most 100000")
            ?? chat.maxRunsPerClient
    }

    private mutating func readAuth(_ settings: SettingsReader) throws {
        // A token file wins over OPENCLAW_GATEWAY_TOKEN. Errors name the file, never its content.
        var token = settings.string(.token)
        if let path = settings.string(.tokenFile) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw Problem(description: "cannot read --token-file \(path) (missing, unreadable or not UTF-8)")
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw Problem(description: "--token-file \(path) is empty") }
            token = trimmed
        }
        let password = settings.string(.password)
        let requested = settings.string(.authMode)
        switch requested {
        case "password":
            guard let password else { throw Problem(description: "--auth-mode password needs OPENCLAW_GATEWAY_PASSWORD") }
            runtime.auth = AuthConfiguration(mode: .password, secret: password)
        case "none":
            runtime.auth = AuthConfiguration(mode: .none)
        case "token", nil:
            if let token {
                runtime.auth = AuthConfiguration(mode: .token, secret: token)
            } else if requested == "token" {
                throw Problem(description: "--auth-mode token needs OPENCLAW_GATEWAY_TOKEN or --token-file")
            } else {
                runtime.auth = AuthConfiguration(mode: .none)
            }
        case let other?:
            throw Problem(description: "--auth-mode must be token, password or none, got '\(other)'")
        }
        let allowUnauthenticated = try settings.bool(.allowUnauthenticated) ?? false
        runtime.auth.allowUnauthenticated = allowUnauthenticated
        if runtime.auth.mode == .none, !Self.isLoopback(runtime.host), !allowUnauthenticated {
            throw Problem(description: """
                refusing to serve \(runtime.host) without authentication: set OPENCLAW_GATEWAY_TOKEN, \
                bind 127.0.0.1, or pass --allow-unauthenticated
                """)
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// What `GatewayAssembly` builds the gateway from.
    var assembly: GatewayAssembly.Configuration {
        var configuration = GatewayAssembly.Configuration(
            runtime: runtime, dataDirectory: store.dataDirectory, ollamaURL: backend.ollamaURL,
            configFile: backend.configFile, agent: backend.agent, generation: backend.generation,
            effectiveConfig: effectiveConfig, serviceVersion: BuildInfo.version, providers: backend.providers)
        configuration.maxReplyBytes = chat.maxReplyBytes
        configuration.maxConcurrentRunsPerClient = chat.maxRunsPerClient
        configuration.retention = store.retention
        if let url = store.databaseURL {
            configuration.sharedStore = { replicaId, logger in
                let store = try await PostgresSessionStore(url: url, logger: logger)
                return .init(store: store, relay: PostgresEventRelay(store: store, origin: replicaId, logger: logger))
            }
        }
        // The assembly sets its parts' loggers to this level: without it they log at info
        // whatever --log-level says.
        configuration.logLevel = logging.level
        return configuration
    }
}

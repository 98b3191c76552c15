import Foundation
import GatewayImpl
import KubeclawServer
import GeneratedProtocol
import Logging
import Runtime

/// Everything `serve` runs with, resolved once: flags > environment > config file > defaults.
struct ServeSettings {
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    var runtime = RuntimeConfiguration()
    var dataDirectory = "./.kubeclaw"
    var ollamaURL = "http://127.0.0.1:11434"
    var configFile = ConfigFile()
    var agent = AgentConfiguration()
    var generation = ModelGenerationOptions()
    /// Ollama, OpenAI, Anthropic and the config file's providers, with keys from the environment.
    var providers = ProviderSettings(providers: [])
    /// Longest model reply in UTF-8 bytes (`--max-reply-bytes`). Default 1 MiB.
    var maxReplyBytes = 1 << 20
    /// Chat runs streaming at once per client identity (`--max-runs-per-client`); 0 is no limit.
    var maxRunsPerClient = 8
    /// How long sessions and transcripts are kept (`--session-retention-days`,
    /// `--max-messages-per-session`). Default 30 days, 1,000 messages.
    var retention = RetentionPolicy()
    var logFormat = LogFormat.text
    var logLevel = Logger.Level.info

    init(options: ServeCommand, environment: [String: String]) throws {
        func env(_ name: String) -> String? {
            environment[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        func integer(_ flag: Int?, _ name: String) throws -> Int? {
            if let flag { return flag }
            guard let text = env(name) else { return nil }
            guard let value = Int(text) else { throw Problem(description: "\(name) must be an integer, got '\(text)'") }
            return value
        }

        // The config file first: flags and environment override what it says.
        let configPath = options.config ?? env("KUBECLAW_CONFIG")
        configFile = ConfigFile.load(path: configPath)
        guard configFile.isValid else {
            let list = configFile.issues.map { "  \($0.path): \($0.message)" }.joined(separator: "\n")
            throw Problem(description: "config file \(configPath ?? "") is invalid:\n\(list)")
        }
        agent = configFile.agent
        generation = configFile.generation
        if let model = options.model ?? env("KUBECLAW_MODEL") { agent.model = model }
        if let numCtx = options.numCtx { generation.numCtx = numCtx }
        ollamaURL = options.ollamaURL ?? env("OLLAMA_HOST") ?? configFile.ollamaURL ?? ollamaURL
        if !options.fallbacks.isEmpty {
            agent.fallbacks = options.fallbacks
        } else if let list = env("KUBECLAW_FALLBACKS") {
            agent.fallbacks = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        providers = ProviderSettings(ollamaURL: ollamaURL, file: configFile.providers, environment: environment)
        if let problem = providers.problems().first { throw Problem(description: problem) }

        runtime.host = options.host ?? env("KUBECLAW_HOST") ?? runtime.host
        runtime.port = try integer(options.port, "KUBECLAW_PORT") ?? runtime.port
        runtime.httpPort = try integer(options.httpPort, "KUBECLAW_HTTP_PORT") ?? runtime.httpPort
        dataDirectory = options.dataDirectory ?? env("KUBECLAW_DATA_DIR") ?? dataDirectory
        runtime.controlUIDirectory = options.controlUIDirectory ?? env("KUBECLAW_CONTROL_UI_DIR")
        runtime.allowedOrigins = options.allowedOrigins.isEmpty
            ? (env("KUBECLAW_ALLOWED_ORIGINS")?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? [])
            : options.allowedOrigins
        let proxies = options.trustedProxies.isEmpty
            ? (env("KUBECLAW_TRUSTED_PROXIES")?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } ?? [])
            : options.trustedProxies
        runtime.trustedProxies = try proxies.map { text in
            guard let network = IPNetwork(text) else {
                throw Problem(description: "--trusted-proxy must be an IP address or CIDR (10.0.0.0/8, fd00::/8), got '\(text)'")
            }
            return network
        }
        runtime.authFailureLimit.exemptLoopback = options.exemptLoopbackFromLockout
        runtime.allowedHosts = options.allowedHosts.isEmpty
            ? (env("KUBECLAW_ALLOWED_HOSTS")?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? [])
            : options.allowedHosts
        if let messages = try integer(options.rateLimit, "KUBECLAW_RATE_LIMIT") {
            guard messages >= 0 else { throw Problem(description: "--rate-limit must be 0 (off) or more") }
            runtime.writeRateLimit.messages = messages
        }
        if let seconds = try integer(options.rateLimitWindow, "KUBECLAW_RATE_LIMIT_WINDOW") {
            guard seconds > 0 else { throw Problem(description: "--rate-limit-window must be positive") }
            runtime.writeRateLimit.window = .seconds(seconds)
        }
        if let maxPayload = options.maxPayload {
            guard (1024...(16 << 20)).contains(maxPayload) else { throw Problem(description: "--max-payload must be in 1024...16777216") }
            runtime.maxPayload = maxPayload
        }
        if let maxBuffered = options.maxBufferedBytes {
            guard maxBuffered >= 65536 else { throw Problem(description: "--max-buffered-bytes must be at least 65536") }
            runtime.maxBufferedBytes = maxBuffered
        }
        if let seconds = options.handshakeTimeout { runtime.handshakeTimeout = .milliseconds(Int(seconds * 1000)) }
        if let seconds = options.upgradeTimeout {
            runtime.upgradeTimeout = try Self.timeout(seconds, flag: "--upgrade-timeout")
        }
        if let seconds = options.httpIdleTimeout {
            runtime.httpIdleTimeout = try Self.timeout(seconds, flag: "--http-idle-timeout")
        }
        if let maxConnections = options.maxConnections {
            guard (1...1_000_000).contains(maxConnections) else { throw Problem(description: "--max-connections must be in 1...1000000") }
            runtime.maxConnections = maxConnections
        }
        if let maxConnections = options.maxHTTPConnections {
            guard (1...1_000_000).contains(maxConnections) else { throw Problem(description: "--max-http-connections must be in 1...1000000") }
            runtime.maxHTTPConnections = maxConnections
        }
        if let seconds = options.tickInterval {
            guard seconds >= 1 else { throw Problem(description: "--tick-interval must be at least 1 second") }
            runtime.tickInterval = .milliseconds(Int(seconds * 1000))
        }
        if let seconds = options.shutdownGrace ?? env("KUBECLAW_SHUTDOWN_GRACE").flatMap(Double.init) {
            runtime.shutdownGracePeriod = .milliseconds(Int(seconds * 1000))
        }
        if let bytes = try integer(options.maxReplyBytes, "KUBECLAW_MAX_REPLY_BYTES") {
            guard bytes >= 1024 else { throw Problem(description: "--max-reply-bytes must be at least 1024") }
            maxReplyBytes = bytes
        }
        if let runs = try integer(options.maxRunsPerClient, "KUBECLAW_MAX_RUNS_PER_CLIENT") {
            guard runs >= 0 else { throw Problem(description: "--max-runs-per-client must be 0 (no limit) or more") }
            maxRunsPerClient = runs
        }
        let retentionDays = try integer(options.sessionRetentionDays, "KUBECLAW_SESSION_RETENTION_DAYS")
            ?? configFile.sessionRetentionDays ?? retention.sessionRetentionDays
        guard (0...36_500).contains(retentionDays) else {
            throw Problem(description: "--session-retention-days must be 0 (keep forever) to 36500")
        }
        let maxMessages = try integer(options.maxMessagesPerSession, "KUBECLAW_MAX_MESSAGES_PER_SESSION")
            ?? configFile.maxMessagesPerSession ?? retention.maxMessagesPerSession
        guard (0...10_000_000).contains(maxMessages) else {
            throw Problem(description: "--max-messages-per-session must be 0 (keep all) to 10000000")
        }
        retention = RetentionPolicy(sessionRetentionDays: retentionDays, maxMessagesPerSession: maxMessages)
        runtime.serviceVersion = BuildInfo.version
        logFormat = options.logFormat ?? env("KUBECLAW_LOG_FORMAT").flatMap(LogFormat.init(rawValue:)) ?? .text
        logLevel = options.logLevel ?? env("KUBECLAW_LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info

        try resolveAuth(options: options, env: env)
    }

    private mutating func resolveAuth(options: ServeCommand, env: (String) -> String?) throws {
        // --token-file wins over OPENCLAW_GATEWAY_TOKEN. Errors name the file, never its content.
        var token = env("OPENCLAW_GATEWAY_TOKEN")
        if let path = options.tokenFile {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw Problem(description: "cannot read --token-file \(path) (missing, unreadable or not UTF-8)")
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw Problem(description: "--token-file \(path) is empty") }
            token = trimmed
        }
        let password = env("OPENCLAW_GATEWAY_PASSWORD")
        let requested = options.authMode ?? env("KUBECLAW_AUTH_MODE")
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
        runtime.auth.allowUnauthenticated = options.allowUnauthenticated
        if runtime.auth.mode == .none, !Self.isLoopback(runtime.host), !options.allowUnauthenticated {
            throw Problem(description: """
                refusing to serve \(runtime.host) without authentication: set OPENCLAW_GATEWAY_TOKEN, \
                bind 127.0.0.1, or pass --allow-unauthenticated
                """)
        }
    }

    /// A timeout flag in seconds: positive and at most an hour (so the conversion cannot trap).
    static func timeout(_ seconds: Double, flag: String) throws -> Duration {
        guard seconds.isFinite, seconds > 0, seconds <= 3600 else {
            throw Problem(description: "\(flag) must be more than 0 and at most 3600 seconds")
        }
        return .milliseconds(Int((seconds * 1000).rounded(.up)))
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// The effective configuration as `config.get` shows it, secrets replaced.
    var effectiveConfig: JSONValue {
        let runtime = self.runtime
        var gateway: [String: JSONValue] = [
            "host": .string(runtime.host), "port": .integer(runtime.port), "httpPort": .integer(runtime.httpPort),
            "maxPayload": .integer(runtime.maxPayload), "maxBufferedBytes": .integer(runtime.maxBufferedBytes),
            "tickIntervalMs": .integer(runtime.tickIntervalMs),
            "upgradeTimeoutMs": .integer(Int((runtime.upgradeTimeout / .milliseconds(1)).rounded())),
            "httpIdleTimeoutMs": .integer(Int((runtime.httpIdleTimeout / .milliseconds(1)).rounded())),
            "maxConnections": .integer(runtime.maxConnections), "maxHttpConnections": .integer(runtime.maxHTTPConnections),
            "rateLimit": ["messages": .integer(runtime.writeRateLimit.messages), "windowMs": .integer(runtime.writeRateLimit.windowMs)],
            "allowedOrigins": .array(runtime.allowedOrigins.map { .string($0) }),
            "trustedProxies": .array(runtime.trustedProxies.map { .string($0.description) }),
            "allowedHosts": .array(runtime.allowedHosts.map { .string($0) }),
            "maxReplyBytes": .integer(maxReplyBytes), "maxRunsPerClient": .integer(maxRunsPerClient),
            "sessionRetentionDays": .integer(retention.sessionRetentionDays),
            "maxMessagesPerSession": .integer(retention.maxMessagesPerSession),
            "auth": ["mode": .string(runtime.auth.mode.rawValue), "token": runtime.auth.secret == nil ? .null : .string("set")],
            "dataDir": .string(dataDirectory),
        ]
        if let directory = runtime.controlUIDirectory { gateway["controlUiDir"] = .string(directory) }
        var agentValue: [String: JSONValue] = [
            "id": .string(agent.id), "model": .string(agent.model), "name": .string(agent.name), "description": .string(agent.description),
        ]
        if let emoji = agent.emoji { agentValue["emoji"] = .string(emoji) }
        var ollama: [String: JSONValue] = ["url": .string(GatewayAssembly.withoutCredentials(ollamaURL))]
        if let numCtx = generation.numCtx { ollama["numCtx"] = .integer(numCtx) }
        if let keepAlive = generation.keepAlive { ollama["keepAlive"] = .string(keepAlive) }
        if let temperature = generation.temperature { ollama["temperature"] = .number(temperature) }
        if !agent.fallbacks.isEmpty { agentValue["fallbacks"] = .array(agent.fallbacks.map { .string($0) }) }
        var providerValues: [String: JSONValue] = [:]
        for provider in self.providers.providers where provider.api != .ollama {
            var value: [String: JSONValue] = [
                "api": .string(provider.api.rawValue), "baseUrl": .string(provider.baseURL),
                // Redacted below: shows that a key is set, never the key.
                "apiKey": provider.hasAPIKey ? .string("set") : .null,
            ]
            if let variable = provider.apiKeyVariable { value["apiKeyEnv"] = .string(variable) }
            if !provider.models.isEmpty { value["models"] = .array(provider.models.map { .string($0.id) }) }
            value["maxRetries"] = .integer(provider.retry.maxRetries)
            if let maxTokens = provider.maxTokens { value["maxTokens"] = .integer(maxTokens) }
            providerValues[provider.name] = .object(value)
        }
        return SecretRedactor.redact([
            "gateway": .object(gateway), "agent": .object(agentValue), "ollama": .object(ollama), "providers": .object(providerValues),
        ])
    }
}

import GatewayImpl
import GeneratedProtocol
import KubeclawServer

extension KubeclawConfiguration {
    /// The effective configuration as `config.get` shows it, secrets replaced.
    var effectiveConfig: JSONValue {
        let runtime = self.runtime
        let (agent, generation, ollamaURL) = (backend.agent, backend.generation, backend.ollamaURL)
        let (maxReplyBytes, maxRunsPerClient, dataDirectory) = (chat.maxReplyBytes, chat.maxRunsPerClient, store.dataDirectory)
        var gateway: [String: JSONValue] = [
            "host": .string(runtime.host), "port": .integer(runtime.port), "httpPort": .integer(runtime.httpPort),
            "maxPayload": .integer(runtime.maxPayload), "maxBufferedBytes": .integer(runtime.maxBufferedBytes),
            "tickIntervalMs": .integer(runtime.tickIntervalMs),
            "upgradeTimeoutMs": .integer(Int((runtime.upgradeTimeout / .milliseconds(1)).rounded())),
            "httpIdleTimeoutMs": .integer(Int((runtime.httpIdleTimeout / .milliseconds(1)).rounded())),
            "maxConnections": .integer(runtime.maxConnections), "maxHttpConnections": .integer(runtime.maxHTTPConnections),
            "rateLimit": ["messages": .integer(runtime.writeRateLimit.messages), "windowMs": .integer(runtime.writeRateLimit.windowMs)],
            "readRateLimit": ["messages": .integer(runtime.readRateLimit.messages), "windowMs": .integer(runtime.readRateLimit.windowMs)],
            "allowedOrigins": .array(runtime.allowedOrigins.map { .string($0) }),
            "trustedProxies": .array(runtime.trustedProxies.map { .string($0.description) }),
            "allowedHosts": .array(runtime.allowedHosts.map { .string($0) }),
            "maxReplyBytes": .integer(maxReplyBytes), "maxRunsPerClient": .integer(maxRunsPerClient),
            "sessionRetentionDays": .integer(store.retention.sessionRetentionDays),
            "maxMessagesPerSession": .integer(store.retention.maxMessagesPerSession),
            "auth": ["mode": .string(runtime.auth.mode.rawValue), "token": runtime.auth.secret == nil ? .null : .string("set")],
            "dataDir": .string(dataDirectory),
            "database": store.databaseURL.map { .string($0.description) } ?? .null,
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
        for provider in backend.providers.providers where provider.api != .ollama {
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

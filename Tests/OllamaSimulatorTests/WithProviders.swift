import GatewayImpl
import Logging
import OllamaSimulator

/// A provider simulator of `api` on a free loopback port for the duration of `body`.
@discardableResult
func withProviderSimulator<Result>(
    _ api: SimulatorAPI, _ behaviour: SimulatorBehaviour? = nil,
    _ body: (_ simulator: ModelSimulator, _ baseURL: String) async throws -> Result
) async throws -> Result {
    let simulator = ModelSimulator(api: api, behaviour: behaviour)
    return try await simulator.withRunning { port in
        // OpenAI base URLs include /v1; Anthropic's and Ollama's do not.
        try await body(simulator, api == .openAI ? "http://127.0.0.1:\(port)/v1" : "http://127.0.0.1:\(port)")
    }
}

/// Runs `body` with a backend for `configuration` and always shuts it down afterwards.
@discardableResult
func withHostedBackend<Result>(
    _ configuration: ProviderConfiguration, _ body: (any ModelBackend) async throws -> Result
) async throws -> Result {
    var logger = Logger(label: "test.backend")
    logger.logLevel = .warning
    let backend: any ModelBackend = configuration.api == .anthropicMessages
        ? try AnthropicBackend(configuration: configuration, logger: logger)
        : try OpenAICompatibleBackend(configuration: configuration, logger: logger)
    do {
        let result = try await body(backend)
        try await backend.shutdown()
        return result
    } catch {
        try await backend.shutdown()
        throw error
    }
}

/// Runs `body` with a router over `settings` and always shuts it down afterwards.
@discardableResult
func withProviders<Result>(
    _ settings: ProviderSettings, agentModels: [String] = [], _ body: (ModelProviders) async throws -> Result
) async throws -> Result {
    var logger = Logger(label: "test.providers")
    logger.logLevel = .warning
    let providers = try await ModelProviders(settings: settings, agentModels: agentModels, logger: logger)
    do {
        let result = try await body(providers)
        try await providers.shutdown()
        return result
    } catch {
        try await providers.shutdown()
        throw error
    }
}

enum ProviderFixtures {
    static let openAIKey = "sk-test-openai-0123456789"
    static let anthropicKey = "sk-ant-test-0123456789"

    static func openAI(_ baseURL: String, key: String? = openAIKey, retries: Int = 2) -> ProviderConfiguration {
        var configuration = ProviderConfiguration(
            name: "openai", api: .openAICompletions, baseURL: baseURL, apiKey: key, apiKeyVariable: "OPENAI_API_KEY",
            requiresAPIKey: true)
        configuration.retry = RetryPolicy(maxRetries: retries, initialBackoff: .milliseconds(50))
        return configuration
    }

    static func anthropic(_ baseURL: String, key: String? = anthropicKey, retries: Int = 2) -> ProviderConfiguration {
        var configuration = ProviderConfiguration(
            name: "anthropic", api: .anthropicMessages, baseURL: baseURL, apiKey: key, apiKeyVariable: "ANTHROPIC_API_KEY",
            requiresAPIKey: true)
        configuration.retry = RetryPolicy(maxRetries: retries, initialBackoff: .milliseconds(50))
        return configuration
    }

    static func question(_ model: String, timeouts: (Duration, Duration) = (.seconds(20), .seconds(20))) -> ModelChatRequest {
        ModelChatRequest(
            model: model,
            messages: [
                ModelMessage(role: "system", content: "Be brief."), ModelMessage(role: "user", content: "Why is the sky blue?"),
            ],
            firstTokenTimeout: timeouts.0, idleTimeout: timeouts.1)
    }
}

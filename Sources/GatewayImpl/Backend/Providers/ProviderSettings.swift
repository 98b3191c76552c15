import Foundation

/// Every model provider the gateway can use, as one value: Ollama (always), OpenAI and
/// Anthropic (always present, usable once their keys are set), and any number of named
/// providers from the config file (`providers.<name>`), e.g. `vllm` for a vLLM server.
///
/// Resolution, highest first: environment (`OPENAI_API_KEY`, `OPENAI_BASE_URL`,
/// `ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL` — the names the official SDKs read — and each
/// `apiKeyEnv` a provider names), then the config file, then the defaults below. Keys are only
/// ever read from the environment.
public struct ProviderSettings: Sendable, Equatable {
    public static let ollamaName = "ollama"
    public static let openAIName = "openai"
    public static let anthropicName = "anthropic"
    public static let defaultOpenAIBaseURL = "https://api.openai.com/v1"
    public static let defaultAnthropicBaseURL = "https://api.anthropic.com"

    /// Ollama first, then `openai`, `anthropic`, then the named providers by name.
    public var providers: [ProviderConfiguration]

    public init(providers: [ProviderConfiguration]) {
        self.providers = providers
    }

    /// Ollama at `ollamaURL`, the built-in hosted providers, and the config file's `file`
    /// entries, with `environment` applied.
    public init(ollamaURL: String, file: [ProviderFileEntry] = [], environment: [String: String] = [:]) {
        func env(_ name: String?) -> String? {
            name.flatMap { environment[$0] }.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        }
        let entries = Dictionary(file.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var providers = [ProviderConfiguration(name: Self.ollamaName, api: .ollama, baseURL: ollamaURL)]
        let builtIns: [(String, ProviderAPI, String, String, String)] = [
            (Self.openAIName, .openAICompletions, Self.defaultOpenAIBaseURL, "OPENAI_API_KEY", "OPENAI_BASE_URL"),
            (Self.anthropicName, .anthropicMessages, Self.defaultAnthropicBaseURL, "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"),
        ]
        for (name, api, defaultURL, keyVariable, urlVariable) in builtIns {
            let entry = entries[name]
            let variable = entry?.apiKeyEnv ?? keyVariable
            providers.append(Self.configuration(
                name: name, api: api, baseURL: env(urlVariable) ?? entry?.baseURL ?? defaultURL,
                key: env(variable), variable: variable, requiresKey: true, entry: entry))
        }
        for entry in file.sorted(by: { $0.name < $1.name }) where ![Self.ollamaName, Self.openAIName, Self.anthropicName].contains(entry.name) {
            providers.append(Self.configuration(
                name: entry.name, api: entry.api ?? .openAICompletions, baseURL: entry.baseURL ?? "",
                key: env(entry.apiKeyEnv), variable: entry.apiKeyEnv, requiresKey: entry.apiKeyEnv != nil, entry: entry))
        }
        self.providers = providers
    }

    private static func configuration(
        name: String, api: ProviderAPI, baseURL: String, key: String?, variable: String?, requiresKey: Bool, entry: ProviderFileEntry?
    ) -> ProviderConfiguration {
        var configuration = ProviderConfiguration(
            name: name, api: api, baseURL: baseURL, apiKey: key, apiKeyVariable: variable, requiresAPIKey: requiresKey,
            models: entry?.models ?? [], maxTokens: entry?.maxTokens, streamUsage: entry?.streamUsage ?? true)
        if let retries = entry?.maxRetries { configuration.retry.maxRetries = min(max(0, retries), 10) }
        return configuration
    }

    /// The provider of this name.
    public func provider(named name: String) -> ProviderConfiguration? {
        providers.first { $0.name == name }
    }

    public var names: Set<String> { Set(providers.map(\.name)) }

    /// `text` as a reference against these providers (a bare name is an Ollama model).
    public func reference(_ text: String) -> ModelReference {
        ModelReference(parsing: text, providers: names)
    }

    /// Whether `models.list` asks this provider: it takes no key, or has one.
    public func isActive(_ provider: ProviderConfiguration) -> Bool {
        !provider.requiresAPIKey || provider.hasAPIKey
    }

    /// What is wrong with the settings (a base URL that cannot be used), one sentence each;
    /// empty when the gateway can start with them. Ollama's address is checked by its backend.
    public func problems() -> [String] {
        providers.filter { $0.api != .ollama }.compactMap { provider in
            do throws(ProviderEndpointError) {
                _ = try ProviderEndpoint(parsing: provider.baseURL)
                return nil
            } catch {
                return "the base URL of provider \"\(provider.name)\" \(error.reason)"
            }
        }
    }
}

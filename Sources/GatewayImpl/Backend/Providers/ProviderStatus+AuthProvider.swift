import GeneratedProtocol

extension ProviderStatus {
    /// The provider as `models.authStatus` reports it: API keys do not expire (`static`); a key
    /// the provider refused (401/403) is `expired`, one that is needed and absent `missing`. The
    /// profile names the environment variable the key comes from, never the key.
    public var authProvider: ModelAuthProvider {
        let status: ModelAuthProvider.Status =
            switch keyState {
            case .notRequired, .configured: .static
            case .missing: .missing
            case .rejected: .expired
            }
        let profiles = keyVariable.map { variable in
            [ModelAuthProfile(profileId: variable, status: ModelAuthProfile.Status(rawValue: status.rawValue) ?? .static, type: .apiKey)]
        } ?? []
        return ModelAuthProvider(displayName: displayName, profiles: profiles, provider: name, status: status)
    }

    /// `Ollama`, `OpenAI`, `Anthropic` for the built-in providers; a named provider's own name.
    var displayName: String {
        switch name {
        case ProviderSettings.ollamaName: "Ollama"
        case ProviderSettings.openAIName: "OpenAI"
        case ProviderSettings.anthropicName: "Anthropic"
        default: name
        }
    }
}

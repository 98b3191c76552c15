/// The state of a provider's API key, as status reports it (never the key itself).
public enum ProviderKeyState: String, Sendable, Equatable {
    /// The provider takes no key (Ollama, a local OpenAI-compatible server without `apiKeyEnv`).
    case notRequired = "not-required"
    /// A key is needed and none is configured: calls fail at once with "set <VARIABLE>".
    case missing
    /// A key is configured, and the provider has not refused it.
    case configured
    /// A key is configured, and the provider's latest answer refused it (401/403).
    case rejected
}

/// What the gateway knows about one model of a backend.
public struct ModelSummary: Sendable, Equatable {
    /// The name to send in requests, e.g. `qwen2.5:14b` or `gpt-4.1-mini` (without the provider).
    public var name: String
    /// Architecture family, e.g. `qwen2`, if reported.
    public var family: String?
    /// Parameter count in human form, e.g. `14.8B`, if reported.
    public var parameterSize: String?
    /// The model's maximum context in tokens, where known (Ollama: only from `showModel`).
    public var contextLength: Int?
    /// The provider that serves it (`ollama`, `openai`, `vllm`, …), when a router set it.
    public var provider: String?
    /// A display name, when the provider has one (Anthropic's `display_name`).
    public var displayName: String?

    public init(
        name: String, family: String? = nil, parameterSize: String? = nil, contextLength: Int? = nil, provider: String? = nil,
        displayName: String? = nil
    ) {
        self.name = name
        self.family = family
        self.parameterSize = parameterSize
        self.contextLength = contextLength
        self.provider = provider
        self.displayName = displayName
    }
}

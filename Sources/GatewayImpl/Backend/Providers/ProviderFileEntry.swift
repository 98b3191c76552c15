/// One provider as the config file describes it (`providers.<name>`), before the environment
/// is applied; see ``ProviderSettings/init(ollamaURL:file:environment:)``.
public struct ProviderFileEntry: Sendable, Equatable {
    public var name: String
    /// `openai-completions` or `anthropic-messages`; fixed for the built-in `openai` and `anthropic`.
    public var api: ProviderAPI?
    public var baseURL: String?
    /// The environment variable holding the key (never the key itself).
    public var apiKeyEnv: String?
    public var models: [DeclaredModel] = []
    public var maxRetries: Int?
    public var maxTokens: Int?
    public var streamUsage: Bool?

    public init(
        name: String, api: ProviderAPI? = nil, baseURL: String? = nil, apiKeyEnv: String? = nil, models: [DeclaredModel] = [],
        maxRetries: Int? = nil, maxTokens: Int? = nil, streamUsage: Bool? = nil
    ) {
        self.name = name
        self.api = api
        self.baseURL = baseURL
        self.apiKeyEnv = apiKeyEnv
        self.models = models
        self.maxRetries = maxRetries
        self.maxTokens = maxTokens
        self.streamUsage = streamUsage
    }
}

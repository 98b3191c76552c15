/// One model provider: where it is, how to authenticate, and its limits. Built by
/// ``ProviderSettings``; every default is here.
///
/// The key is a plain field so the backend can send it, but this value's `description` never
/// shows it, and nothing the gateway returns or logs includes it.
public struct ProviderConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// The name used in `provider/model` references and in status, e.g. `openai`, `vllm`.
    public var name: String
    public var api: ProviderAPI
    /// The API's base URL: `https://api.openai.com/v1`, `https://api.anthropic.com`,
    /// `http://vllm:8000/v1`, or Ollama's address.
    public var baseURL: String
    /// The API key, or nil. Sent as `Authorization: Bearer …` (OpenAI-compatible) or
    /// `x-api-key` (Anthropic); never logged or returned.
    public var apiKey: String?
    /// The environment variable the key is read from (for messages: "set OPENAI_API_KEY").
    public var apiKeyVariable: String?
    /// Whether calls need a key: the hosted OpenAI and Anthropic APIs do; a named provider does
    /// when its configuration names an `apiKeyEnv`; Ollama never does.
    public var requiresAPIKey: Bool
    /// Models the configuration lists; when not empty, `models.list` shows exactly these for
    /// this provider (no catalog call) and readiness does not ask the provider for its list.
    public var models: [DeclaredModel]
    /// Retries of a failed request before its first token. Default: the SDKs' 2 for hosted
    /// APIs; 0 for Ollama, whose failures (out of memory, a missing model) do not pass.
    public var retry: RetryPolicy
    /// Most tokens to generate. Anthropic requires one (default 8192); for OpenAI-compatible
    /// providers nil leaves the server's default.
    public var maxTokens: Int?
    /// Ask OpenAI-compatible servers for a final usage chunk (`stream_options.include_usage`).
    /// Default true; turn off for a server that rejects the field.
    public var streamUsage: Bool
    /// Longest reply accepted, in UTF-8 bytes; a reply growing past it ends the run with an
    /// error (an upstream that never ends). Default 1 MiB (a 128k-token reply is about 500 KB).
    public var maxReplyBytes: Int
    /// Longest line, and longest event, of an event stream. Default 1 MiB and 4 MiB.
    public var maxLineBytes: Int
    public var maxEventBytes: Int
    /// Longest wait for a TCP (and TLS) connection. Default 10 s.
    public var connectTimeout: Duration
    /// Deadline of the small JSON calls (the model list). Default 30 s.
    public var metadataTimeout: Duration
    /// Most connections at once; a streamed reply holds one. Default 256.
    public var maxConnections: Int
    /// The `anthropic-version` header of Anthropic requests. Default `2023-06-01`.
    public var anthropicVersion: String

    public init(
        name: String, api: ProviderAPI, baseURL: String, apiKey: String? = nil, apiKeyVariable: String? = nil,
        requiresAPIKey: Bool? = nil, models: [DeclaredModel] = [], retry: RetryPolicy? = nil, maxTokens: Int? = nil,
        streamUsage: Bool = true
    ) {
        self.name = name
        self.api = api
        self.baseURL = baseURL
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.apiKeyVariable = apiKeyVariable
        self.requiresAPIKey = requiresAPIKey ?? (api != .ollama && apiKeyVariable != nil)
        self.models = models
        self.retry = retry ?? (api == .ollama ? .none : RetryPolicy())
        self.maxTokens = maxTokens ?? (api == .anthropicMessages ? 8192 : nil)
        self.streamUsage = streamUsage
        self.maxReplyBytes = 1 << 20
        self.maxLineBytes = 1 << 20
        self.maxEventBytes = 4 << 20
        self.connectTimeout = .seconds(10)
        self.metadataTimeout = .seconds(30)
        self.maxConnections = 256
        self.anthropicVersion = "2023-06-01"
    }

    /// Whether a key is configured (it may still be wrong).
    public var hasAPIKey: Bool { apiKey != nil }

    /// Never includes the key.
    public var description: String {
        "\(name) (\(api.rawValue), key \(apiKey == nil ? "absent" : "set"))"
    }
}

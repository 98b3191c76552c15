import GeneratedProtocol

/// The parts of a `/api/chat` request body a test asserts on: what the gateway really sent.
public struct RecordedChatRequest: Sendable, Hashable, Codable {
    /// `model`, exactly as sent (no `:latest` added).
    public var model: String
    /// `messages`, in order.
    public var messages: [RecordedMessage]
    /// `options` (e.g. `num_ctx`, `temperature`); empty when absent.
    public var options: [String: JSONValue]
    /// `keep_alive`, which Ollama accepts as a duration string (`"5m"`) or a number of seconds.
    public var keepAlive: JSONValue?
    /// `stream`; Ollama streams when it is absent (OpenAI and Anthropic do not).
    public var stream: Bool?
    /// Which API received it.
    public var api: String?
    /// The top-level `system` prompt (Anthropic).
    public var system: String?
    /// The credential as received: the `Authorization: Bearer` value (OpenAI) or `x-api-key`
    /// (Anthropic); how a test proves each provider got its own key, and only its own.
    public var apiKey: String?
    /// The `anthropic-version` header, when sent.
    public var anthropicVersion: String?

    public init(
        model: String,
        messages: [RecordedMessage],
        options: [String: JSONValue] = [:],
        keepAlive: JSONValue? = nil,
        stream: Bool? = nil,
        api: String? = nil,
        system: String? = nil,
        apiKey: String? = nil,
        anthropicVersion: String? = nil
    ) {
        self.model = model
        self.messages = messages
        self.options = options
        self.keepAlive = keepAlive
        self.stream = stream
        self.api = api
        self.system = system
        self.apiKey = apiKey
        self.anthropicVersion = anthropicVersion
    }

    enum CodingKeys: String, CodingKey {
        case model
        case messages
        case options
        case keepAlive = "keep_alive"
        case stream
        case api
        case system
        case apiKey = "api_key"
        case anthropicVersion = "anthropic_version"
    }
}

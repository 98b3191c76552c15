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
    /// `stream`; Ollama streams when it is absent.
    public var stream: Bool?

    public init(
        model: String,
        messages: [RecordedMessage],
        options: [String: JSONValue] = [:],
        keepAlive: JSONValue? = nil,
        stream: Bool? = nil
    ) {
        self.model = model
        self.messages = messages
        self.options = options
        self.keepAlive = keepAlive
        self.stream = stream
    }

    enum CodingKeys: String, CodingKey {
        case model
        case messages
        case options
        case keepAlive = "keep_alive"
        case stream
    }
}

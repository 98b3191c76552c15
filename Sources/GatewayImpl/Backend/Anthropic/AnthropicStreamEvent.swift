/// The payload of one Messages API stream event. Every event has a `type`; the other fields
/// belong to particular events: `message` to `message_start`, `content_block` to
/// `content_block_start`, `delta` to `content_block_delta` and `message_delta`, `usage` to
/// `message_delta`, `error` to `error`.
struct AnthropicStreamEvent: Decodable, Sendable {
    var type: String
    var message: StartedMessage?
    var contentBlock: ContentBlock?
    var delta: Delta?
    var usage: Usage?
    var error: AnthropicErrorBody.Detail?

    private enum CodingKeys: String, CodingKey {
        case type, message, delta, usage, error
        case contentBlock = "content_block"
    }

    struct StartedMessage: Decodable, Sendable {
        var model: String?
        var usage: Usage?
    }

    struct ContentBlock: Decodable, Sendable {
        var type: String?
        var text: String?
    }

    /// `text_delta` (`text`), `thinking_delta` (`thinking`), other delta types (skipped), or the
    /// `message_delta` delta (`stop_reason`).
    struct Delta: Decodable, Sendable {
        var type: String?
        var text: String?
        var thinking: String?
        var stopReason: String?

        private enum CodingKeys: String, CodingKey {
            case type, text, thinking
            case stopReason = "stop_reason"
        }
    }

    struct Usage: Decodable, Sendable {
        var inputTokens: Int?
        var outputTokens: Int?

        private enum CodingKeys: String, CodingKey {
            case inputTokens = "input_tokens"
            case outputTokens = "output_tokens"
        }
    }
}

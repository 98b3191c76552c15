/// The body of `POST /chat/completions`: always streamed; a final usage chunk requested unless
/// the provider is configured not to; the token cap under the name the server expects
/// (`max_completion_tokens` for OpenAI itself, `max_tokens` for compatible servers).
struct OpenAIChatRequestBody: Encodable, Sendable {
    var model: String
    var messages: [OpenAIMessageBody]
    var includeUsage: Bool
    var temperature: Double?
    var maxTokens: Int?
    var maxTokensKey: MaxTokensKey

    enum MaxTokensKey: String, Sendable {
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
    }

    private enum CodingKeys: String, CodingKey {
        case model, messages, stream, temperature
        case streamOptions = "stream_options"
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
    }

    private enum StreamOptionKeys: String, CodingKey {
        case includeUsage = "include_usage"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(messages, forKey: .messages)
        try container.encode(true, forKey: .stream)
        if includeUsage {
            var options = container.nestedContainer(keyedBy: StreamOptionKeys.self, forKey: .streamOptions)
            try options.encode(true, forKey: .includeUsage)
        }
        // JSON has no NaN or infinity; such a temperature is treated as unset.
        try container.encodeIfPresent(temperature.flatMap { $0.isFinite ? $0 : nil }, forKey: .temperature)
        if let maxTokens {
            try container.encode(maxTokens, forKey: maxTokensKey == .maxTokens ? .maxTokens : .maxCompletionTokens)
        }
    }
}

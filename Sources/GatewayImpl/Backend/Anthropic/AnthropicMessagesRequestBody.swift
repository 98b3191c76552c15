/// The body of `POST /v1/messages`, always streamed. The Messages API takes the system prompt
/// as a top-level `system`, only `user` and `assistant` turns in `messages`, and requires
/// `max_tokens`; ``init(request:maxTokens:)`` shapes a gateway conversation accordingly.
struct AnthropicMessagesRequestBody: Encodable, Sendable {
    var model: String
    var maxTokens: Int
    var system: String?
    var messages: [AnthropicMessageBody]
    var temperature: Double?

    private enum CodingKeys: String, CodingKey {
        case model, system, messages, stream, temperature
        case maxTokens = "max_tokens"
    }

    /// System messages become `system` (joined by blank lines); consecutive turns of one role are
    /// merged (a failed run leaves two user messages in a row); turns before the first user
    /// message are dropped (a history cut to its newest messages may start with the assistant);
    /// any other role counts as `user`. The temperature is clamped to Anthropic's 0...1.
    init(request: ModelChatRequest, maxTokens: Int) {
        model = request.model
        self.maxTokens = maxTokens
        let systemTexts = request.messages.filter { $0.role == "system" }.map(\.content).filter { !$0.isEmpty }
        system = systemTexts.isEmpty ? nil : systemTexts.joined(separator: "\n\n")
        var turns: [AnthropicMessageBody] = []
        for message in request.messages where message.role != "system" && !message.content.isEmpty {
            let role = message.role == "assistant" ? "assistant" : "user"
            if turns.isEmpty && role == "assistant" { continue }
            if turns.last?.role == role {
                turns[turns.count - 1].content += "\n\n" + message.content
            } else {
                turns.append(AnthropicMessageBody(role: role, content: message.content))
            }
        }
        messages = turns
        temperature = request.options.temperature.flatMap { $0.isFinite ? min(max($0, 0), 1) : nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(maxTokens, forKey: .maxTokens)
        try container.encodeIfPresent(system, forKey: .system)
        try container.encode(messages, forKey: .messages)
        try container.encode(true, forKey: .stream)
        try container.encodeIfPresent(temperature, forKey: .temperature)
    }
}

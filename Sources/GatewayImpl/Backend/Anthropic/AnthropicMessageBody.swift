/// A message on the Messages API wire: `{"role": "user"|"assistant", "content": "..."}`.
struct AnthropicMessageBody: Encodable, Sendable, Equatable {
    var role: String
    var content: String
}

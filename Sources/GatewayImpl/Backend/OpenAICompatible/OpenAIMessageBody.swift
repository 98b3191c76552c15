/// A chat message on the Chat Completions wire: `{"role": "...", "content": "..."}`.
struct OpenAIMessageBody: Encodable, Sendable {
    var role: String
    var content: String
}

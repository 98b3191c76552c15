/// A chat message on Ollama's wire, both ways. `content` may be absent in a reply chunk
/// that carries only thinking or tool calls.
struct OllamaMessageBody: Codable, Sendable {
    var role: String?
    var content: String?
}

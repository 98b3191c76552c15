/// Ollama's error reply: `{"error":"…"}`.
struct OllamaErrorBody: Decodable, Sendable {
    var error: String
}

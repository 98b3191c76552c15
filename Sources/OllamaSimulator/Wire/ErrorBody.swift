/// Ollama's error shape: `{"error":"…"}`, with the HTTP status carrying the class of failure.
struct ErrorBody: Codable, Sendable {
    var error: String
}

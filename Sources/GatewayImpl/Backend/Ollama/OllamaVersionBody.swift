/// `GET /api/version` → `{"version":"…"}`.
struct OllamaVersionBody: Decodable, Sendable {
    var version: String
}

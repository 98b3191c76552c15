/// The body of `POST /api/show`: `{"model":"…"}`.
struct OllamaModelNameBody: Encodable, Sendable {
    var model: String
}

/// The body of `/api/show` and `/api/pull`: `{"model":"…"}`. Older clients send `name`,
/// which Ollama still accepts, so both are read.
struct ModelNameBody: Decodable, Sendable {
    var model: String?
    var name: String?
    var stream: Bool?

    var resolvedName: String? {
        let candidate = model ?? name
        guard let candidate, !candidate.isEmpty else { return nil }
        return candidate
    }
}

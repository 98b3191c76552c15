/// One model of `GET /api/tags`.
struct OllamaTagsEntry: Decodable, Sendable {
    var name: String?
    var model: String?
    var details: OllamaModelDetails?
}

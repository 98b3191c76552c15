/// `GET /api/tags` → `{"models":[{"name","model","details":{…}},…]}`.
struct OllamaTagsBody: Decodable, Sendable {
    var models: [OllamaTagsEntry]?
}

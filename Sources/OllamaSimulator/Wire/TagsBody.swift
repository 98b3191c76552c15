/// `GET /api/tags` → `{"models":[…]}`.
struct TagsBody: Encodable, Sendable {
    var models: [TagsModelEntry]
}

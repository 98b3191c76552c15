/// `GET /api/version` → `{"version":"0.12.6"}`.
struct VersionBody: Codable, Sendable {
    var version: String
}

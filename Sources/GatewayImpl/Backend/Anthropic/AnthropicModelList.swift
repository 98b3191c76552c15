/// `GET /v1/models` → `{"data": [{"type": "model", "id", "display_name", "created_at", …}],
/// "has_more", "first_id", "last_id"}`; `max_input_tokens` is read when present.
struct AnthropicModelList: Decodable, Sendable {
    var data: [Entry]
    var hasMore: Bool?
    var lastId: String?

    private enum CodingKeys: String, CodingKey {
        case data
        case hasMore = "has_more"
        case lastId = "last_id"
    }

    struct Entry: Decodable, Sendable {
        var id: String
        var displayName: String?
        var maxInputTokens: Int?

        private enum CodingKeys: String, CodingKey {
            case id
            case displayName = "display_name"
            case maxInputTokens = "max_input_tokens"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(String.self, forKey: .id)
            displayName = try? container.decodeIfPresent(String.self, forKey: .displayName)
            maxInputTokens = try? container.decodeIfPresent(Int.self, forKey: .maxInputTokens)
        }
    }
}

/// `GET /models` → `{"object": "list", "data": [{"id": ..., ...}]}`. The context window is
/// read where a server reports it: vLLM's `max_model_len`, `context_length` (OpenRouter,
/// LM Studio), `context_window` (Groq).
struct OpenAIModelList: Decodable, Sendable {
    var data: [Entry]

    struct Entry: Decodable, Sendable {
        var id: String
        var maxModelLen: Int?
        var contextLength: Int?
        var contextWindow: Int?

        private enum CodingKeys: String, CodingKey {
            case id
            case maxModelLen = "max_model_len"
            case contextLength = "context_length"
            case contextWindow = "context_window"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(String.self, forKey: .id)
            // A server reporting these as something other than integers only loses the window.
            maxModelLen = try? container.decodeIfPresent(Int.self, forKey: .maxModelLen)
            contextLength = try? container.decodeIfPresent(Int.self, forKey: .contextLength)
            contextWindow = try? container.decodeIfPresent(Int.self, forKey: .contextWindow)
        }

        var window: Int? {
            (maxModelLen ?? contextLength ?? contextWindow).flatMap { $0 > 0 ? $0 : nil }
        }
    }
}

import GeneratedProtocol
import NIOHTTP1

/// `GET /v1/models`: `{"data": [{"type": "model", "id", "display_name", "created_at",
/// "max_input_tokens"}], "has_more": false, "first_id", "last_id"}`.
struct AnthropicModelsEndpoint: Sendable {
    let behaviour: SimulatorBehaviour
    let writer: ResponseWriter

    func handle(head: HTTPRequestHead) async throws {
        guard try await AnthropicErrors(writer: writer).check(head, key: behaviour.apiKey) else { return }
        let data: [JSONValue] = behaviour.models.map { model in
            [
                "type": "model", "id": .string(model.apiName), "display_name": .string(Self.displayName(model.apiName)),
                "created_at": "2025-09-29T00:00:00Z", "max_input_tokens": .integer(model.contextLength),
            ]
        }
        let ids = behaviour.models.map(\.apiName)
        try await writer.sendJSON(JSONValue.object([
            "data": .array(data), "has_more": false,
            "first_id": ids.first.map { .string($0) } ?? .null, "last_id": ids.last.map { .string($0) } ?? .null,
        ]))
    }

    /// `claude-sonnet-4-5` → `Claude Sonnet 4.5`.
    static func displayName(_ id: String) -> String {
        var words: [String] = []
        for part in id.split(separator: "-") {
            if let last = words.last, last.allSatisfy(\.isNumber), part.allSatisfy(\.isNumber) {
                words[words.count - 1] = last + "." + part
            } else {
                words.append(part.prefix(1).uppercased() + part.dropFirst())
            }
        }
        return words.joined(separator: " ")
    }
}

import GeneratedProtocol
import NIOHTTP1

/// `GET /v1/models`: `{"object": "list", "data": [{"id", "object": "model", "created",
/// "owned_by", "max_model_len"}]}` — `max_model_len` as vLLM reports a model's context window.
struct OpenAIModelsEndpoint: Sendable {
    let behaviour: SimulatorBehaviour
    let writer: ResponseWriter

    func handle(head: HTTPRequestHead) async throws {
        guard try await OpenAIErrors(writer: writer).authorize(head, key: behaviour.apiKey) else { return }
        let data: [JSONValue] = behaviour.models.map { model in
            [
                "id": .string(model.apiName), "object": "model", "created": 1_686_935_002, "owned_by": "kubeclaw-sim",
                "max_model_len": .integer(model.contextLength),
            ]
        }
        try await writer.sendJSON(JSONValue.object(["object": "list", "data": .array(data)]))
    }
}

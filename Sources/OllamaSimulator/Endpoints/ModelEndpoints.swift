import NIOCore
import NIOHTTP1

/// `GET /api/tags` and `POST /api/show`: the models of the current behaviour.
struct ModelEndpoints: Sendable {
    let behaviour: SimulatorBehaviour
    let writer: ResponseWriter

    func tags() async throws {
        try await writer.sendJSON(TagsBody(models: behaviour.models.map(TagsModelEntry.init)))
    }

    func show(body: ByteBuffer) async throws {
        guard let request = try await RequestBodyDecoder(writer: writer).decode(ModelNameBody.self, from: body) else {
            return
        }
        guard let name = request.resolvedName else {
            try await writer.sendError(status: .badRequest, "model is required")
            return
        }
        guard let model = behaviour.model(named: name) else {
            // Ollama's show handler quotes the name with single quotes here, unlike chat.
            try await writer.sendError(status: .notFound, "model '\(name)' not found")
            return
        }
        try await writer.sendJSON(ShowBody(model))
    }
}

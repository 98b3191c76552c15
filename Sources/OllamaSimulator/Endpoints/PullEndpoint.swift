import NIOCore
import NIOHTTP1

/// `POST /api/pull`: reports the progress of a simulated download (manifest, two layers in
/// three steps each, verification) and adds the model to `/api/tags` on success.
struct PullEndpoint: Sendable {
    let state: SimulatorState
    let behaviour: SimulatorBehaviour
    let writer: ResponseWriter

    /// The registry's answer for a name it does not know.
    static let failureMessage = "pull model manifest: file does not exist"

    func handle(body: ByteBuffer) async throws {
        guard let request = try await RequestBodyDecoder(writer: writer).decode(ModelNameBody.self, from: body) else {
            return
        }
        guard let name = request.resolvedName else {
            try await writer.sendError(status: .badRequest, "model is required")
            return
        }
        let model = behaviour.model(named: name) ?? SimulatorModel(name: name)
        let streamed = request.stream ?? true

        if behaviour.pullFails {
            if streamed {
                // Ollama has already sent 200 and the first status when the registry fails.
                try await writer.startStream()
                try await writer.sendChunk(WireJSON.line(PullProgressLine(status: "pulling manifest")))
                try await writer.sendChunk(WireJSON.line(ErrorBody(error: Self.failureMessage)))
                try await writer.endStream()
            } else {
                try await writer.sendError(status: .internalServerError, Self.failureMessage)
            }
            return
        }

        if streamed {
            try await writer.startStream()
            for line in progress(for: model) {
                try await writer.sendChunk(WireJSON.line(line))
            }
            try await writer.endStream()
        } else {
            try await writer.sendJSON(PullProgressLine(status: "success"))
        }
        _ = state.updateBehaviour { (behaviour: inout SimulatorBehaviour) in
            if behaviour.model(named: model.name) == nil { behaviour.models.append(model) }
        }
    }

    /// The progress objects, in Ollama's order; `completed` is absent until a layer has bytes.
    func progress(for model: SimulatorModel) -> [PullProgressLine] {
        var lines = [PullProgressLine(status: "pulling manifest")]
        let layers: [(digest: String, size: Int64)] = [
            ("sha256:" + model.digest, model.sizeInBytes),
            ("sha256:" + String(model.digest.reversed()), 1_024 + Int64(model.name.utf8.count)),
        ]
        for layer in layers {
            let status = "pulling " + String(layer.digest.dropFirst("sha256:".count).prefix(12))
            lines.append(PullProgressLine(status: status, digest: layer.digest, total: layer.size))
            lines.append(PullProgressLine(status: status, digest: layer.digest, total: layer.size, completed: layer.size / 2))
            lines.append(PullProgressLine(status: status, digest: layer.digest, total: layer.size, completed: layer.size))
        }
        lines.append(PullProgressLine(status: "verifying sha256 digest"))
        lines.append(PullProgressLine(status: "writing manifest"))
        lines.append(PullProgressLine(status: "removing any unused layers"))
        lines.append(PullProgressLine(status: "success"))
        return lines
    }
}

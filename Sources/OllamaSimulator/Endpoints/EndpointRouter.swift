import Logging
import NIOCore
import NIOHTTP1

/// Routes a request to its endpoint and counts it. An endpoint that fails to write has
/// lost its client, so any thrown error closes the connection.
struct EndpointRouter: Sendable {
    let api: SimulatorAPI
    let state: SimulatorState
    let logger: Logger

    func handle(
        _ request: IncomingRequest,
        writer: ResponseWriter,
        liveness: ConnectionLiveness
    ) async -> ConnectionDisposition {
        let head = request.head
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        state.recordRequest(method: head.method.rawValue, path: path)
        // One read per request: a behaviour change applies to the next request, not half-way through this one.
        let behaviour = state.behaviour
        do {
            guard case .complete(_, let body) = request else {
                try await writer.sendError(status: .payloadTooLarge, "request body too large")
                return .close
            }
            let control = ControlEndpoint(state: state, writer: writer)
            switch (head.method, path) {
            case (.GET, "/_sim/behaviour"):
                try await control.behaviour()
            case (.POST, "/_sim/behaviour"):
                try await control.updateBehaviour(body: body)
            case (.GET, "/_sim/stats"):
                try await control.stats()
            case (.POST, "/_sim/reset"):
                try await control.resetStats()
            default:
                switch api {
                case .ollama:
                    return try await ollama(head: head, path: path, body: body, behaviour: behaviour, writer: writer, liveness: liveness)
                case .openAI:
                    return try await openAI(head: head, path: path, body: body, behaviour: behaviour, writer: writer, liveness: liveness)
                case .anthropic:
                    return try await anthropic(head: head, path: path, body: body, behaviour: behaviour, writer: writer, liveness: liveness)
                }
            }
            return .keepOpen
        } catch {
            logger.debug("response not completed", metadata: ["path": "\(path)", "error": "\(error)"])
            return .close
        }
    }

    // MARK: Faces

    private func ollama(
        head: HTTPRequestHead, path: String, body: ByteBuffer, behaviour: SimulatorBehaviour, writer: ResponseWriter,
        liveness: ConnectionLiveness
    ) async throws -> ConnectionDisposition {
        let models = ModelEndpoints(behaviour: behaviour, writer: writer)
        switch (head.method, path) {
        case (.GET, "/"), (.HEAD, "/"):
            try await writer.sendText("Ollama is running")
        case (.GET, "/api/version"), (.HEAD, "/api/version"):
            try await writer.sendJSON(VersionBody(version: behaviour.version))
        case (.GET, "/api/tags"), (.HEAD, "/api/tags"):
            try await models.tags()
        case (.POST, "/api/show"):
            try await models.show(body: body)
        case (.POST, "/api/chat"):
            return try await ChatEndpoint(state: state, behaviour: behaviour, writer: writer, liveness: liveness).handle(body: body)
        case (.POST, "/api/pull"):
            try await PullEndpoint(state: state, behaviour: behaviour, writer: writer).handle(body: body)
        default:
            // Ollama's router answers unknown routes with this plain-text body.
            try await writer.sendText(status: .notFound, "404 page not found")
        }
        return .keepOpen
    }

    private func openAI(
        head: HTTPRequestHead, path: String, body: ByteBuffer, behaviour: SimulatorBehaviour, writer: ResponseWriter,
        liveness: ConnectionLiveness
    ) async throws -> ConnectionDisposition {
        switch (head.method, path) {
        case (.POST, "/v1/chat/completions"):
            return try await OpenAIChatEndpoint(state: state, behaviour: behaviour, writer: writer, liveness: liveness)
                .handle(head: head, body: body)
        case (.GET, "/v1/models"):
            try await OpenAIModelsEndpoint(behaviour: behaviour, writer: writer).handle(head: head)
        default:
            try await OpenAIErrors(writer: writer).send(.notFound, "Invalid URL (\(head.method.rawValue) \(path))")
        }
        return .keepOpen
    }

    private func anthropic(
        head: HTTPRequestHead, path: String, body: ByteBuffer, behaviour: SimulatorBehaviour, writer: ResponseWriter,
        liveness: ConnectionLiveness
    ) async throws -> ConnectionDisposition {
        switch (head.method, path) {
        case (.POST, "/v1/messages"):
            return try await AnthropicMessagesEndpoint(state: state, behaviour: behaviour, writer: writer, liveness: liveness)
                .handle(head: head, body: body)
        case (.GET, "/v1/models"):
            try await AnthropicModelsEndpoint(behaviour: behaviour, writer: writer).handle(head: head)
        default:
            try await AnthropicErrors(writer: writer).send(.notFound, type: "not_found_error", "Not Found")
        }
        return .keepOpen
    }
}

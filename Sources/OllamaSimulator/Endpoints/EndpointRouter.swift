import Logging
import NIOCore
import NIOHTTP1

/// Routes a request to its endpoint and counts it. An endpoint that fails to write has
/// lost its client, so any thrown error closes the connection.
struct EndpointRouter: Sendable {
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
            let models = ModelEndpoints(behaviour: behaviour, writer: writer)
            let control = ControlEndpoint(state: state, writer: writer)
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
                let chat = ChatEndpoint(state: state, behaviour: behaviour, writer: writer, liveness: liveness)
                return try await chat.handle(body: body)
            case (.POST, "/api/pull"):
                try await PullEndpoint(state: state, behaviour: behaviour, writer: writer).handle(body: body)
            case (.GET, "/_sim/behaviour"):
                try await control.behaviour()
            case (.POST, "/_sim/behaviour"):
                try await control.updateBehaviour(body: body)
            case (.GET, "/_sim/stats"):
                try await control.stats()
            case (.POST, "/_sim/reset"):
                try await control.resetStats()
            default:
                // Ollama's router answers unknown routes with this plain-text body.
                try await writer.sendText(status: .notFound, "404 page not found")
            }
            return .keepOpen
        } catch {
            logger.debug("response not completed", metadata: ["path": "\(path)", "error": "\(error)"])
            return .close
        }
    }
}

import GeneratedProtocol
import NIOCore
import NIOHTTP1

/// `POST /api/chat`: validates like Ollama, records what was sent, then answers according
/// to the behaviour — a paced NDJSON stream, one JSON body, an injected error, a cut or
/// corrupted stream, or silence.
struct ChatEndpoint: Sendable {
    let state: SimulatorState
    let behaviour: SimulatorBehaviour
    let writer: ResponseWriter
    let liveness: ConnectionLiveness

    func handle(body: ByteBuffer) async throws -> ConnectionDisposition {
        let requestStart = ContinuousClock.now
        guard let request = try await RequestBodyDecoder(writer: writer).decode(ChatRequestBody.self, from: body) else {
            return .keepOpen
        }
        guard let modelName = request.model, !modelName.isEmpty else {
            try await writer.sendError(status: .badRequest, "model is required")
            return .keepOpen
        }
        let messages = request.messages ?? []
        let options = request.options ?? [:]
        state.recordChatRequest(
            RecordedChatRequest(
                model: modelName,
                messages: messages.map { RecordedMessage(role: $0.role, content: $0.content) },
                options: options,
                keepAlive: request.keepAlive,
                stream: request.stream
            )
        )
        guard let model = behaviour.model(named: modelName) else {
            // Ollama quotes the name Go-style (%q) in this one message.
            try await writer.sendError(status: .notFound, "model \"\(modelName)\" not found, try pulling it first")
            return .keepOpen
        }
        state.chatStarted()
        if let status = behaviour.errorStatus, state.claimInjectedError() {
            state.chatFailed()
            try await writer.sendError(
                status: HTTPResponseStatus(statusCode: status),
                behaviour.errorMessage ?? "simulated failure (HTTP \(status))",
                retryAfter: behaviour.retryAfter
            )
            return .keepOpen
        }

        let generation = ChatGeneration(model: model.name, messages: messages, options: options, behaviour: behaviour)
        let streamed = request.stream ?? true
        return try await StreamedChat(state: state, liveness: liveness).run(hang: behaviour.hang) {
            if messages.isEmpty {
                return try await loadOrUnload(model: model.name, keepAlive: request.keepAlive, streamed: streamed)
            } else if streamed {
                return try await stream(generation, requestStart: requestStart)
            } else {
                return try await answerWhole(generation, requestStart: requestStart)
            }
        }
    }

    /// Streams the reply: the head with the first piece, one line per piece, then the final line.
    /// Returns `.close` when the behaviour cuts the stream.
    private func stream(_ generation: ChatGeneration, requestStart: ContinuousClock.Instant) async throws
        -> ConnectionDisposition
    {
        let pacing = PacingSchedule(
            start: requestStart,
            firstTokenDelay: behaviour.timeToFirstToken,
            tokensPerSecond: behaviour.tokensPerSecond
        )
        // Like Ollama, nothing (not even the head) is written before the first token is ready.
        try await pacing.wait(forToken: 0)
        try await writer.startStream()
        let firstToken = ContinuousClock.now
        for (index, token) in generation.tokens.enumerated() {
            try await pacing.wait(forToken: index)
            if try await interruption(afterChunks: index) { return .close }
            try await writer.sendChunk(WireJSON.line(generation.chunk(token)))
        }
        if try await interruption(afterChunks: generation.tokens.count) { return .close }
        let final = generation.final(content: "", requestStart: requestStart, firstToken: firstToken)
        try await writer.sendChunk(WireJSON.line(final))
        try await writer.endStream()
        return .keepOpen
    }

    /// Applies `cutAfterChunks` and `malformedLineAfterChunks` at a point between lines.
    /// True when the stream must be cut here.
    private func interruption(afterChunks written: Int) async throws -> Bool {
        if behaviour.malformedLineAfterChunks == written {
            try await writer.sendChunk(ByteBuffer(string: "this line is not JSON {\n"))
        }
        if behaviour.injectAfterChunks == written, let text = behaviour.injectedText {
            try await writer.sendChunk(ByteBuffer(string: text))
        }
        if behaviour.streamErrorAfterChunks == written {
            // Ollama reports a failure after the 200 head as an error line, then ends the reply.
            try await writer.sendChunk(WireJSON.line(ErrorBody(error: behaviour.errorMessage ?? "simulated failure during the reply")))
            try await writer.endStream()
            return true
        }
        return behaviour.cutAfterChunks == written
    }

    /// `stream:false`: the same time spent generating, then one JSON object with the whole reply.
    private func answerWhole(_ generation: ChatGeneration, requestStart: ContinuousClock.Instant) async throws
        -> ConnectionDisposition
    {
        let pacing = PacingSchedule(
            start: requestStart,
            firstTokenDelay: behaviour.timeToFirstToken,
            tokensPerSecond: behaviour.tokensPerSecond
        )
        try await pacing.wait(forToken: 0)
        let firstToken = ContinuousClock.now
        try await pacing.wait(forToken: max(0, generation.tokens.count - 1))
        if let cut = behaviour.cutAfterChunks, cut <= generation.tokens.count {
            return .close
        }
        if behaviour.malformedLineAfterChunks != nil {
            try await writer.sendWhole(
                status: .ok,
                contentType: "application/json; charset=utf-8",
                body: ByteBuffer(string: "this body is not JSON {")
            )
            return .keepOpen
        }
        try await writer.sendJSON(
            generation.final(content: generation.text, requestStart: requestStart, firstToken: firstToken)
        )
        return .keepOpen
    }

    /// An empty `messages` list loads the model (or unloads it with `keep_alive: 0`) and
    /// answers at once with `done_reason` `load` or `unload`.
    private func loadOrUnload(model: String, keepAlive: JSONValue?, streamed: Bool) async throws
        -> ConnectionDisposition
    {
        let unload = keepAlive == .number(0) || keepAlive == .string("0") || keepAlive == .string("0s")
        let line = ChatResponseLine(
            model: model,
            createdAt: WireTimestamp.now(),
            message: ChatMessageBody(role: "assistant", content: ""),
            doneReason: unload ? "unload" : "load",
            done: true
        )
        if streamed {
            try await writer.startStream()
            try await writer.sendChunk(WireJSON.line(line))
            try await writer.endStream()
        } else {
            try await writer.sendJSON(line)
        }
        return .keepOpen
    }
}

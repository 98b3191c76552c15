import NIOCore

/// Writes a generation as an event stream in a face's ``EventStreamFormat``, paced like the
/// Ollama face, with the behaviour's interruptions between pieces: a cut connection, a broken
/// event, injected raw text, an error event that ends the stream. ``SimulatorBehaviour/endless``
/// repeats the pieces until the client leaves (at most ``StreamedChat/longestHang``).
struct EventStreamReply: Sendable {
    let generation: ChatGeneration
    let behaviour: SimulatorBehaviour
    let writer: ResponseWriter

    /// `.close` when the stream was cut or ended by an error event (both count as failed).
    func stream(_ format: some EventStreamFormat, requestStart: ContinuousClock.Instant) async throws -> ConnectionDisposition {
        let pacing = PacingSchedule(
            start: requestStart, firstTokenDelay: behaviour.timeToFirstToken, tokensPerSecond: behaviour.tokensPerSecond)
        // As a model does, nothing (not even the head) goes out before the first token is ready.
        try await pacing.wait(forToken: 0)
        try await writer.startEventStream(extraHeaders: format.headers)
        try await writer.sendChunk(format.opening())
        let tokens = generation.tokens
        var index = 0
        while index < tokens.count || (behaviour.endless && !tokens.isEmpty) {
            if behaviour.endless, ContinuousClock.now - requestStart > StreamedChat.longestHang { return .close }
            try await pacing.wait(forToken: index)
            if try await interruption(format, afterChunks: index) { return .close }
            try await writer.sendChunk(format.piece(generation.content(of: tokens[index % tokens.count])))
            index += 1
            // A write into a writable channel need not suspend: an unpaced endless reply must
            // still give other tasks (the reader noticing the client leave) their turn.
            if behaviour.endless { await Task.yield() }
        }
        if try await interruption(format, afterChunks: index) { return .close }
        try await writer.sendChunk(format.closing(outputTokens: index, stopReason: generation.doneReason))
        try await writer.endStream()
        return .keepOpen
    }

    /// Applies the behaviour's interruptions at a point between pieces; true when the stream ends here.
    private func interruption(_ format: some EventStreamFormat, afterChunks written: Int) async throws -> Bool {
        if behaviour.malformedLineAfterChunks == written {
            try await writer.sendChunk(format.malformed())
        }
        if behaviour.injectAfterChunks == written, let text = behaviour.injectedText {
            try await writer.sendChunk(ByteBuffer(string: text))
        }
        if behaviour.streamErrorAfterChunks == written {
            try await writer.sendChunk(format.streamError(type: behaviour.errorType, message: behaviour.errorMessage))
            try await writer.endStream()
            return true
        }
        return behaviour.cutAfterChunks == written
    }
}

import Foundation

/// Turns the events of a streamed Messages API reply into reply text and, at `message_stop`,
/// the completion: `message_start` (input tokens), `content_block_start` / `content_block_delta`
/// (text; thinking counts as progress), `message_delta` (stop reason, output tokens), `ping`
/// (nothing), `error` (ends the reply with Anthropic's scrubbed message). Unknown event and
/// delta types are skipped, as Anthropic's versioning policy asks of clients.
struct AnthropicStreamAccumulator: Sendable {
    let provider: String
    let scrubber: SecretScrubber
    private var reply: ReplyText
    private var stopReason: String?
    private var inputTokens: Int?
    private var outputTokens: Int?

    init(provider: String, scrubber: SecretScrubber, maxReplyBytes: Int) {
        self.provider = provider
        self.scrubber = scrubber
        self.reply = ReplyText(limit: maxReplyBytes)
    }

    mutating func consume(_ event: ServerSentEvent) throws(ModelBackendError) -> StreamStep {
        let payload: AnthropicStreamEvent
        do {
            payload = try JSONDecoder().decode(AnthropicStreamEvent.self, from: Data(event.data.utf8))
        } catch {
            throw .malformedResponse("an event of the reply stream is not valid JSON")
        }
        switch event.event ?? payload.type {
        case "message_start":
            inputTokens = payload.message?.usage?.inputTokens ?? inputTokens
            outputTokens = payload.message?.usage?.outputTokens ?? outputTokens
            return .nothing
        case "content_block_start":
            switch payload.contentBlock?.type {
            case "text": return try text(payload.contentBlock?.text)
            case "thinking", "redacted_thinking": return .progress
            default: return .nothing
            }
        case "content_block_delta":
            switch payload.delta?.type {
            case "text_delta": return try text(payload.delta?.text)
            case "thinking_delta": return .progress
            default: return .nothing
            }
        case "message_delta":
            stopReason = payload.delta?.stopReason ?? stopReason
            inputTokens = payload.usage?.inputTokens ?? inputTokens
            outputTokens = payload.usage?.outputTokens ?? outputTokens
            return .nothing
        case "message_stop":
            return .done(ModelChatCompletion(
                text: reply.text, doneReason: Self.stopReason(stopReason), promptTokens: inputTokens,
                completionTokens: outputTokens))
        case "error":
            throw .upstream(UpstreamFailure(
                provider: provider, type: payload.error?.type.map { scrubber.scrub($0) },
                detail: scrubber.scrub(payload.error?.message ?? "the stream reported an error")))
        default:
            // `ping`, `content_block_stop`, and event types newer than this client.
            return .nothing
        }
    }

    private mutating func text(_ piece: String?) throws(ModelBackendError) -> StreamStep {
        guard let piece, !piece.isEmpty else { return .nothing }
        try reply.append(piece)
        return .text(piece)
    }

    /// Anthropic's `stop_reason` in OpenClaw's words: `stop`, `length`, `toolUse`, or as sent.
    static func stopReason(_ reason: String?) -> String? {
        switch reason {
        case nil: nil
        case "end_turn", "stop_sequence": "stop"
        case "max_tokens": "length"
        case "tool_use": "toolUse"
        case let other?: other
        }
    }
}

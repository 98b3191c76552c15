import Foundation

/// Turns the events of a streamed Chat Completion into reply text and, at `data: [DONE]`,
/// the completion. Only choice 0 is read. An `error` payload (or an event named `error`) ends
/// the reply with the server's scrubbed message; events with a name other than `error` or
/// `message` are not Chat Completions events and are skipped.
struct OpenAIStreamAccumulator: Sendable {
    let provider: String
    let scrubber: SecretScrubber
    private var reply: ReplyText
    private var finishReason: String?
    private var promptTokens: Int?
    private var completionTokens: Int?

    init(provider: String, scrubber: SecretScrubber, maxReplyBytes: Int) {
        self.provider = provider
        self.scrubber = scrubber
        self.reply = ReplyText(limit: maxReplyBytes)
    }

    mutating func consume(_ event: ServerSentEvent) throws(ModelBackendError) -> StreamStep {
        if event.data.hasPrefix("[DONE]") { return .done(completion) }
        if let name = event.event, name != "message", name != "error" { return .nothing }
        let chunk: OpenAIChatChunk
        do {
            chunk = try JSONDecoder().decode(OpenAIChatChunk.self, from: Data(event.data.utf8))
        } catch {
            throw .malformedResponse("an event of the reply stream is not valid JSON")
        }
        if let error = chunk.error ?? (event.event == "error" ? OpenAIErrorDetail.unknown : nil) {
            throw .upstream(UpstreamFailure(
                provider: provider, type: error.kind.map { scrubber.scrub($0) },
                detail: scrubber.scrub(error.message ?? "the stream reported an error")))
        }
        if let usage = chunk.usage {
            promptTokens = usage.promptTokens ?? promptTokens
            completionTokens = usage.completionTokens ?? completionTokens
        }
        guard let choice = chunk.choices?.first(where: { ($0.index ?? 0) == 0 }) else { return .nothing }
        if let reason = choice.finishReason { finishReason = reason }
        let text = (choice.delta?.content ?? "") + (choice.delta?.refusal ?? "")
        if !text.isEmpty {
            try reply.append(text)
            return .text(text)
        }
        let reasoning = choice.delta?.reasoningContent ?? choice.delta?.reasoning ?? ""
        return reasoning.isEmpty ? .nothing : .progress
    }

    /// The stream ended without `[DONE]`: complete when the server had already said why it
    /// stopped (some servers close right after the finishing chunk), else cut short.
    func atEnd() throws(ModelBackendError) -> ModelChatCompletion {
        guard finishReason != nil else { throw .streamEndedEarly }
        return completion
    }

    private var completion: ModelChatCompletion {
        ModelChatCompletion(
            text: reply.text, doneReason: Self.stopReason(finishReason), promptTokens: promptTokens,
            completionTokens: completionTokens)
    }

    /// OpenAI's `finish_reason` in OpenClaw's words: `stop`, `length`, `toolUse`, or as sent.
    static func stopReason(_ finishReason: String?) -> String? {
        switch finishReason {
        case nil: nil
        case "tool_calls", "function_call": "toolUse"
        case let other?: other
        }
    }
}

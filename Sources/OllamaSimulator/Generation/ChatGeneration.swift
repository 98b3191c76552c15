import Foundation
import GeneratedProtocol

/// The reply a chat request gets, worked out before anything is written: the text, its
/// pieces, the token counts and why it stops. Pure, so the same request always gets the
/// same reply — except in ``SimulatorReply/timestamps(count:)`` mode, whose pieces are
/// stamped with the clock as they are written.
struct ChatGeneration: Sendable {
    let model: String
    let tokens: [String]
    let promptTokens: Int
    let doneReason: String
    /// Each piece's content is replaced by the time it is written (`t<nanoseconds> `).
    let stampsPieces: Bool

    init(model: String, messages: [ChatMessageBody], options: [String: JSONValue], behaviour: SimulatorBehaviour) {
        self.model = model
        var tokens: [String]
        switch behaviour.reply {
        case .text(let fixed):
            tokens = behaviour.tokenization.tokens(of: fixed)
        case .echo:
            tokens = behaviour.tokenization.tokens(of: messages.last { $0.role == "user" }?.content ?? "")
        case .timestamps(let count):
            tokens = Array(repeating: "t0 ", count: max(0, count))
        }
        stampsPieces = if case .timestamps = behaviour.reply { true } else { false }
        var doneReason = "stop"
        // `num_predict` caps the reply as it does in Ollama, which then reports `length`.
        if let limit = options["num_predict"]?.doubleValue, limit >= 0, Int(limit) < tokens.count {
            tokens = Array(tokens.prefix(Int(limit)))
            doneReason = "length"
        }
        self.tokens = tokens
        self.doneReason = doneReason
        // A word count stands in for the prompt's tokens: deterministic and monotonic in the input.
        let promptWords = messages.reduce(0) { $0 + SimulatorTokenization.words.tokens(of: $1.content).count }
        self.promptTokens = max(1, promptWords)
    }

    /// The whole reply (stamped now, in timestamps mode).
    var text: String {
        stampsPieces ? tokens.map { _ in Self.stamp() }.joined() : tokens.joined()
    }

    /// A streamed piece: `done:false` with one piece of content (stamped now, in timestamps mode).
    func chunk(_ token: String) -> ChatResponseLine {
        ChatResponseLine(
            model: model,
            createdAt: WireTimestamp.now(),
            message: ChatMessageBody(role: "assistant", content: stampsPieces ? Self.stamp() : token),
            done: false
        )
    }

    /// The content a piece carries when written: the token, or in timestamps mode the time now.
    func content(of token: String) -> String {
        stampsPieces ? Self.stamp() : token
    }

    /// `t<Unix time in nanoseconds> `, the content of a piece in timestamps mode.
    static func stamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return "t\(Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)) "
    }

    /// The final object: `done:true`, `done_reason` and the statistics. Streamed, its content
    /// is empty (the pieces came before); unstreamed, it carries the whole reply.
    func final(content: String, requestStart: ContinuousClock.Instant, firstToken: ContinuousClock.Instant)
        -> ChatResponseLine
    {
        let end = ContinuousClock.now
        return ChatResponseLine(
            model: model,
            createdAt: WireTimestamp.now(),
            message: ChatMessageBody(role: "assistant", content: content),
            doneReason: doneReason,
            done: true,
            totalDuration: Self.nanoseconds(end - requestStart),
            loadDuration: Self.nanoseconds(firstToken - requestStart),
            promptEvalCount: promptTokens,
            // Nominal: a real model spends about this long per prompt token on a small GPU.
            promptEvalDuration: Int64(promptTokens) * 250_000,
            evalCount: tokens.count,
            evalDuration: max(1, Self.nanoseconds(end - firstToken))
        )
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let components = duration.components
        return components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}

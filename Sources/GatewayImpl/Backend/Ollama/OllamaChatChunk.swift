/// One line of a streamed `/api/chat` reply: a piece of content (`done:false`), the final
/// object (`done:true`, with `done_reason` and counts), or `{"error":…}` when generation
/// fails after the response has started.
struct OllamaChatChunk: Decodable, Sendable {
    var message: OllamaMessageBody?
    var done: Bool?
    var doneReason: String?
    var promptEvalCount: Int?
    var evalCount: Int?
    var error: String?

    enum CodingKeys: String, CodingKey {
        case message
        case done
        case doneReason = "done_reason"
        case promptEvalCount = "prompt_eval_count"
        case evalCount = "eval_count"
        case error
    }
}

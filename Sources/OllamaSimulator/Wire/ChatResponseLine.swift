/// One object of a `/api/chat` reply: a streamed chunk (`done:false`), or the final object
/// (`done:true`) with `done_reason` and the timing and token statistics (durations in nanoseconds).
struct ChatResponseLine: Encodable, Sendable {
    var model: String
    var createdAt: String
    var message: ChatMessageBody
    var doneReason: String?
    var done: Bool
    var totalDuration: Int64?
    var loadDuration: Int64?
    var promptEvalCount: Int?
    var promptEvalDuration: Int64?
    var evalCount: Int?
    var evalDuration: Int64?

    enum CodingKeys: String, CodingKey {
        case model
        case createdAt = "created_at"
        case message
        case doneReason = "done_reason"
        case done
        case totalDuration = "total_duration"
        case loadDuration = "load_duration"
        case promptEvalCount = "prompt_eval_count"
        case promptEvalDuration = "prompt_eval_duration"
        case evalCount = "eval_count"
        case evalDuration = "eval_duration"
    }
}

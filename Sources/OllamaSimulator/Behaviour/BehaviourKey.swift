/// The JSON field names of the control endpoint (`/_sim/behaviour`), shared by the patch
/// it accepts and the document it returns. snake_case, like the Ollama API beside it.
enum BehaviourKey: String, CodingKey, CaseIterable {
    case models
    case reply
    case echo
    case timestamps
    case tokenization
    case tokensPerSecond = "tokens_per_second"
    case firstTokenDelayMilliseconds = "first_token_delay_ms"
    case errorStatus = "error_status"
    case errorMessage = "error_message"
    case cutAfter = "cut_after"
    case hang
    case malformedAfter = "malformed_after"
    case pullFails = "pull_fails"
    case version
    case errorType = "error_type"
    case errorCount = "error_count"
    case retryAfter = "retry_after"
    case streamErrorAfter = "stream_error_after"
    case injectText = "inject_text"
    case injectAfter = "inject_after"
    case apiKey = "api_key"
    case endless
}

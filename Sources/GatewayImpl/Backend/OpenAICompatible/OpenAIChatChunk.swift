/// One `data:` payload of a streamed Chat Completion: content pieces in `choices[0].delta`,
/// `finish_reason` on the last choice chunk, `usage` on the final chunk (with `choices: []`)
/// when it was asked for, or `error` when the server fails after the stream started.
struct OpenAIChatChunk: Decodable, Sendable {
    var choices: [Choice]?
    var usage: Usage?
    var error: OpenAIErrorDetail?

    struct Choice: Decodable, Sendable {
        var index: Int?
        var delta: Delta?
        var finishReason: String?

        private enum CodingKeys: String, CodingKey {
            case index, delta
            case finishReason = "finish_reason"
        }
    }

    struct Delta: Decodable, Sendable {
        var content: String?
        /// Reasoning text of reasoning models (vLLM and DeepSeek: `reasoning_content`;
        /// OpenRouter and newer vLLM: `reasoning`): progress, not reply text.
        var reasoningContent: String?
        var reasoning: String?
        var refusal: String?

        private enum CodingKeys: String, CodingKey {
            case content, reasoning, refusal
            case reasoningContent = "reasoning_content"
        }
    }

    struct Usage: Decodable, Sendable {
        var promptTokens: Int?
        var completionTokens: Int?

        private enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
        }
    }
}

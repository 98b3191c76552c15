/// Which provider's API a simulator speaks: one server core, three faces.
public enum SimulatorAPI: String, Sendable, Hashable, CaseIterable {
    /// Ollama's native API: `/api/chat` (NDJSON), `/api/tags`, `/api/show`, `/api/pull`, `/api/version`.
    case ollama
    /// OpenAI's Chat Completions API as OpenAI and vLLM serve it: `/v1/chat/completions` (SSE), `/v1/models`.
    case openAI = "openai"
    /// Anthropic's Messages API: `/v1/messages` (SSE), `/v1/models`.
    case anthropic
}

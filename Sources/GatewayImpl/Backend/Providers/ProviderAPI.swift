/// The wire protocol a provider speaks, named as OpenClaw's `models.providers.*.api` names them.
public enum ProviderAPI: String, Sendable, Equatable, CaseIterable {
    /// Ollama's native API (`/api/chat`, `/api/tags`).
    case ollama = "ollama"
    /// OpenAI's Chat Completions API (`/chat/completions` with SSE, `/models`): OpenAI itself,
    /// vLLM, llama.cpp's server, LM Studio, LiteLLM, OpenRouter, …
    case openAICompletions = "openai-completions"
    /// Anthropic's Messages API (`/v1/messages` with SSE, `/v1/models`).
    case anthropicMessages = "anthropic-messages"
}

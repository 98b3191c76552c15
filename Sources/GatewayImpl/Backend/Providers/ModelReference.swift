import Foundation

/// A model as an agent names it: `provider/model` (`openai/gpt-4.1-mini`,
/// `vllm/Qwen/Qwen2.5-7B-Instruct`), or a bare name, which is an Ollama model.
///
/// The text before the first `/` is a provider only when a provider of that name is
/// configured; otherwise the whole text is an Ollama model name (Ollama names may contain
/// slashes: `hf.co/bartowski/Llama-3.2-1B-GGUF`, `library/qwen2.5`).
public struct ModelReference: Sendable, Hashable, CustomStringConvertible {
    public var provider: String
    /// The model as the provider names it.
    public var model: String

    public init(provider: String, model: String) {
        self.provider = provider
        self.model = model
    }

    /// Reads `text` against the configured provider names.
    public init(parsing text: String, providers: Set<String>) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let slash = trimmed.firstIndex(of: "/") {
            let prefix = String(trimmed[..<slash])
            let rest = String(trimmed[trimmed.index(after: slash)...])
            if providers.contains(prefix), !rest.isEmpty {
                self.init(provider: prefix, model: rest)
                return
            }
        }
        self.init(provider: ProviderSettings.ollamaName, model: trimmed)
    }

    /// `provider/model`.
    public var description: String { "\(provider)/\(model)" }

    /// How the gateway stores and shows it: bare for Ollama (as before providers existed),
    /// `provider/model` otherwise.
    public var stored: String {
        provider == ProviderSettings.ollamaName ? model : description
    }
}

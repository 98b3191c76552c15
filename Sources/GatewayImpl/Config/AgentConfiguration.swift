/// The agent the gateway serves, as the Kubernetes ConfigMap describes it:
/// `{"agent":{"model":"qwen2.5:14b","name":"OpenClaw","description":"AI assistant powered by Ollama"}}`.
public struct AgentConfiguration: Sendable, Equatable {
    /// Agent id used in session keys (`agent:<id>:main`).
    public var id: String = "main"
    /// The model the agent talks to: `provider/model` (`openai/gpt-4.1-mini`,
    /// `anthropic/claude-sonnet-4-5`, `vllm/…`) or a bare Ollama model name.
    public var model: String = "qwen2.5:14b"
    /// Models tried in order when `model` fails before its first token (rate limited,
    /// overloaded, down, no key). Every run starts with `model` again.
    public var fallbacks: [String] = []
    /// Display name (`agent.identity.get`, the Control UI header).
    public var name: String = "OpenClaw"
    /// What the agent is; part of its system prompt.
    public var description: String = "AI assistant powered by Ollama"
    /// Optional emoji shown as the avatar.
    public var emoji: String?
    /// Optional avatar URL or data URL.
    public var avatar: String?
    /// Extra instructions appended to the system prompt.
    public var instructions: String?

    public init() {}

    /// `model`, then `fallbacks`: what a run tries, in order.
    public var modelChain: [String] { [model] + fallbacks }

    /// The system prompt built from the name and description.
    public var systemPrompt: String {
        var prompt = "You are \(name), \(description). Answer the user helpfully and concisely."
        if let instructions, !instructions.isEmpty { prompt += "\n\n" + instructions }
        return prompt
    }

    /// A one-glyph avatar: the emoji, or the name's first letter.
    public var glyph: String {
        emoji ?? name.first.map { String($0).uppercased() } ?? "A"
    }
}

/// How the model is asked to generate (Ollama `options` and `keep_alive`).
public struct ModelGenerationOptions: Sendable, Equatable {
    /// Context window in tokens. Ollama's own default (4096) silently truncates long chats.
    public var numCtx: Int? = 16384
    /// How long Ollama keeps the model loaded after a request (`keep_alive`, e.g. `30m`).
    public var keepAlive: String? = "30m"
    /// Sampling temperature; nil leaves the model's default.
    public var temperature: Double?

    public init() {}
}

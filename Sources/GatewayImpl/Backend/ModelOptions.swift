/// Generation settings; nil leaves the model's own default in force.
public struct ModelOptions: Sendable, Equatable {
    /// Context window in tokens (Ollama's `options.num_ctx`).
    public var numCtx: Int?
    /// Sampling temperature (Ollama's `options.temperature`).
    public var temperature: Double?
    /// How long the backend keeps the model loaded after the request (Ollama's `keep_alive`):
    /// a duration such as `"5m"` or `"1h"`, `"0"` to unload at once, `"-1"` to keep it loaded.
    public var keepAlive: String?

    public init(numCtx: Int? = nil, temperature: Double? = nil, keepAlive: String? = nil) {
        self.numCtx = numCtx
        self.temperature = temperature
        self.keepAlive = keepAlive
    }
}

/// One chat turn to generate.
public struct ModelChatRequest: Sendable {
    /// The backend's model name, e.g. `qwen2.5:14b`.
    public var model: String
    /// The conversation so far, oldest first.
    public var messages: [ModelMessage]
    public var options: ModelOptions
    /// Longest wait from sending the request to the first streamed piece of the reply. Covers
    /// loading the model, so it is generous by default (5 minutes).
    public var firstTokenTimeout: Duration
    /// Longest wait between two streamed pieces once the reply has started (default 60 s).
    public var idleTimeout: Duration

    public init(
        model: String,
        messages: [ModelMessage],
        options: ModelOptions = ModelOptions(),
        firstTokenTimeout: Duration = .seconds(300),
        idleTimeout: Duration = .seconds(60)
    ) {
        self.model = model
        self.messages = messages
        self.options = options
        self.firstTokenTimeout = firstTokenTimeout
        self.idleTimeout = idleTimeout
    }
}

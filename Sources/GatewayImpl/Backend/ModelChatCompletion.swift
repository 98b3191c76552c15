/// A finished reply.
public struct ModelChatCompletion: Sendable, Equatable {
    /// The whole reply: every streamed piece, in order.
    public var text: String
    /// Why generation stopped, as the backend says it (`stop`, `length`, …), if it says.
    public var doneReason: String?
    /// Tokens the backend read from the prompt, if it reports them.
    public var promptTokens: Int?
    /// Tokens the backend generated, if it reports them.
    public var completionTokens: Int?
    /// The provider that answered (set by ``ModelProviders``: with fallbacks, not always the primary's).
    public var provider: String?
    /// The model that answered, as that provider names it.
    public var model: String?

    public init(
        text: String, doneReason: String? = nil, promptTokens: Int? = nil, completionTokens: Int? = nil, provider: String? = nil,
        model: String? = nil
    ) {
        self.text = text
        self.doneReason = doneReason
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.provider = provider
        self.model = model
    }
}

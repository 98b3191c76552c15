/// A model a provider's configuration lists (`providers.<name>.models[]`): what `models.list`
/// shows for that provider instead of asking it, with the context window the provider does not report.
public struct DeclaredModel: Sendable, Equatable {
    /// The id sent to the provider, e.g. `Qwen/Qwen2.5-7B-Instruct`.
    public var id: String
    /// A display name; the id when nil.
    public var name: String?
    /// Context window in tokens, when known.
    public var contextWindow: Int?

    public init(id: String, name: String? = nil, contextWindow: Int? = nil) {
        self.id = id
        self.name = name
        self.contextWindow = contextWindow
    }
}

/// What the gateway knows about one model of the backend.
public struct ModelSummary: Sendable, Equatable {
    /// The name to send in requests, e.g. `qwen2.5:14b`.
    public var name: String
    /// Architecture family, e.g. `qwen2`, if reported.
    public var family: String?
    /// Parameter count in human form, e.g. `14.8B`, if reported.
    public var parameterSize: String?
    /// The model's maximum context in tokens; only known from a detailed look (`showModel`).
    public var contextLength: Int?

    public init(name: String, family: String? = nil, parameterSize: String? = nil, contextLength: Int? = nil) {
        self.name = name
        self.family = family
        self.parameterSize = parameterSize
        self.contextLength = contextLength
    }
}

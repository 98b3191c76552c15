/// Everything that decides how the simulator answers, as one value. Each request reads the
/// behaviour once when it arrives, so a change applies to the next request, never half-way
/// through a reply.
///
/// Set it at start (the `ollama-sim` flags), at run time (`POST /_sim/behaviour` with a
/// partial JSON object), or in-process (``OllamaSimulator/behaviour``).
public struct SimulatorBehaviour: Sendable, Hashable {
    /// The models in `/api/tags`; chat, show and pull of any other name answer 404 as Ollama does.
    public var models: [SimulatorModel]
    /// What the model answers. Default: ``SimulatorReply/defaultText``.
    public var reply: SimulatorReply
    /// How the reply is cut into streamed pieces; each piece counts as one token in `eval_count`.
    public var tokenization: SimulatorTokenization
    /// Pace of the streamed pieces after the first. `0` streams as fast as the socket takes them.
    public var tokensPerSecond: Double
    /// Delay before the first piece (and before the response head, as with a real model load).
    public var timeToFirstToken: Duration
    /// When set, `/api/chat` answers with this HTTP status and `{"error": errorMessage}` instead of a reply.
    public var errorStatus: Int?
    /// The `error` text sent with ``errorStatus``; a generic text when nil.
    public var errorMessage: String?
    /// When set, a streamed chat closes the connection after this many content lines,
    /// without the final `done:true` line (a crashed runner, a dropped proxy).
    public var cutAfterChunks: Int?
    /// When true, `/api/chat` reads the request and never answers, until the client goes away.
    public var hang: Bool
    /// When set, a streamed chat writes one line that is not JSON after this many content lines,
    /// then carries on.
    public var malformedLineAfterChunks: Int?
    /// When true, `/api/pull` reports `pulling manifest` and then an error.
    public var pullFails: Bool
    /// Reported by `GET /api/version`.
    public var version: String

    /// The models a fresh simulator has.
    public static let defaultModels: [SimulatorModel] = [
        SimulatorModel(name: "qwen2.5:14b", contextLength: 32_768, family: "qwen2", parameterSize: "14.8B"),
        SimulatorModel(name: "llama3.2:3b", contextLength: 131_072, family: "llama", parameterSize: "3.2B"),
    ]

    public init(
        models: [SimulatorModel] = SimulatorBehaviour.defaultModels,
        reply: SimulatorReply = .text(SimulatorReply.defaultText),
        tokenization: SimulatorTokenization = .words,
        tokensPerSecond: Double = 0,
        timeToFirstToken: Duration = .zero,
        errorStatus: Int? = nil,
        errorMessage: String? = nil,
        cutAfterChunks: Int? = nil,
        hang: Bool = false,
        malformedLineAfterChunks: Int? = nil,
        pullFails: Bool = false,
        version: String = "0.12.6"
    ) {
        self.models = models
        self.reply = reply
        self.tokenization = tokenization
        self.tokensPerSecond = tokensPerSecond
        self.timeToFirstToken = timeToFirstToken
        self.errorStatus = errorStatus
        self.errorMessage = errorMessage
        self.cutAfterChunks = cutAfterChunks
        self.hang = hang
        self.malformedLineAfterChunks = malformedLineAfterChunks
        self.pullFails = pullFails
        self.version = version
    }

    /// The model a request names, resolving a missing tag to `:latest` as Ollama does.
    public func model(named name: String) -> SimulatorModel? {
        let canonical = SimulatorModel.canonicalName(name)
        return models.first { $0.name == canonical }
    }
}

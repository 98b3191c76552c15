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
    /// When set, a chat is answered with this HTTP status and the face's error body (Ollama
    /// `{"error": …}`, OpenAI `{"error": {message, type, param, code}}`, Anthropic
    /// `{"type": "error", "error": {type, message}}`) instead of a reply.
    public var errorStatus: Int?
    /// The error text sent with ``errorStatus`` (and with ``streamErrorAfterChunks``); a generic text when nil.
    public var errorMessage: String?
    /// The provider's error type or code sent with an error (`rate_limit_error`,
    /// `overloaded_error`, `server_error`, …); when nil, the one the face uses for the status.
    public var errorType: String?
    /// How many chats get ``errorStatus`` before it clears (each one counts down); nil: every chat.
    /// `errorStatus: 429, errorCount: 1` is "rate limited once, then fine".
    public var errorCount: Int?
    /// The `Retry-After` header sent with ``errorStatus``, as raw text (`"1"`, a date, or
    /// something hostile such as `"1e300"`).
    public var retryAfter: String?
    /// When set, a streamed reply reports an error inside the stream after this many pieces and
    /// ends: OpenAI `data: {"error": …}`, Anthropic `event: error` (`overloaded_error` unless
    /// ``errorType`` says otherwise), Ollama an `{"error": …}` line.
    public var streamErrorAfterChunks: Int?
    /// Raw bytes written into a streamed reply after ``injectAfterChunks`` pieces (an unknown
    /// event, a comment, a huge line, broken framing), then the reply carries on.
    public var injectedText: String?
    public var injectAfterChunks: Int?
    /// When set, chats must carry this key (`Authorization: Bearer …` for OpenAI, `x-api-key` for
    /// Anthropic); others get the face's 401. When nil any key, or none, is accepted.
    public var apiKey: String?
    /// When true, a streamed reply repeats its pieces forever (until the client leaves, at most
    /// an hour): an upstream that never ends.
    public var endless: Bool
    /// When set, a streamed chat closes the connection after this many content lines,
    /// without the final `done:true` line (a crashed runner, a dropped proxy).
    public var cutAfterChunks: Int?
    /// When true, `/api/chat` reads the request and never answers, until the client goes away.
    public var hang: Bool
    /// When set, a streamed chat writes one line (OpenAI, Anthropic: one event) that is not JSON
    /// after this many content lines, then carries on.
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
        version: String = "0.12.6",
        errorType: String? = nil,
        errorCount: Int? = nil,
        retryAfter: String? = nil,
        streamErrorAfterChunks: Int? = nil,
        injectedText: String? = nil,
        injectAfterChunks: Int? = nil,
        apiKey: String? = nil,
        endless: Bool = false
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
        self.errorType = errorType
        self.errorCount = errorCount
        self.retryAfter = retryAfter
        self.streamErrorAfterChunks = streamErrorAfterChunks
        self.injectedText = injectedText
        self.injectAfterChunks = injectAfterChunks
        self.apiKey = apiKey
        self.endless = endless
    }

    /// A fresh behaviour for a face: its usual models (Ollama: ``defaultModels``; OpenAI:
    /// `gpt-4.1-mini`, `gpt-4.1`; Anthropic: `claude-sonnet-4-5`, `claude-haiku-4-5`).
    public static func defaults(for api: SimulatorAPI) -> SimulatorBehaviour {
        SimulatorBehaviour(models: defaultModels(for: api))
    }

    public static func defaultModels(for api: SimulatorAPI) -> [SimulatorModel] {
        switch api {
        case .ollama:
            defaultModels
        case .openAI:
            [
                SimulatorModel(name: "gpt-4.1-mini", contextLength: 1_047_576, family: "gpt", parameterSize: "7B"),
                SimulatorModel(name: "gpt-4.1", contextLength: 1_047_576, family: "gpt", parameterSize: "7B"),
            ]
        case .anthropic:
            [
                SimulatorModel(name: "claude-sonnet-4-5", contextLength: 200_000, family: "claude", parameterSize: "7B"),
                SimulatorModel(name: "claude-haiku-4-5", contextLength: 200_000, family: "claude", parameterSize: "7B"),
            ]
        }
    }

    /// The model a request names, resolving a missing tag to `:latest` as Ollama does.
    public func model(named name: String) -> SimulatorModel? {
        let canonical = SimulatorModel.canonicalName(name)
        return models.first { $0.name == canonical }
    }
}

/// One session's metadata: what `sessions.list` returns and `sessions.patch` changes.
///
/// The transcript is not part of the record; it lives beside it as ``StoredMessage``s keyed by
/// the same `key`.
public struct SessionRecord: Sendable, Equatable {
    /// Canonical key `agent:<agentId>:<rest>` (or `global`, `unknown`, `cron:*`); the primary key.
    public var key: String
    /// UUID string assigned when the session is created; stable for the session's life.
    public var sessionId: String
    /// The agent the session belongs to.
    public var agentId: String
    /// A user-chosen name, unique among sessions when non-nil.
    public var label: String?
    /// A display name for UIs.
    public var displayName: String?
    /// Model override for the session; nil uses the agent's default.
    public var model: String?
    /// String overrides set by `sessions.patch`, keyed by their JSON field name: `thinkingLevel`,
    /// `verboseLevel`, `reasoningLevel`, `responseUsage`, `elevatedLevel`, `execHost`,
    /// `execSecurity`, `execAsk`, `execNode`, `sendPolicy`, `groupActivation`.
    public var settings: [String: String]
    /// Key of the session that spawned this one (sub-agents).
    public var spawnedBy: String?
    /// How many spawns deep this session is; nil for sessions nobody spawned.
    public var spawnDepth: Int?
    /// True when the last run of the session was aborted.
    public var abortedLastRun: Bool
    /// Tokens read by the model over the session, when the backend reports them.
    public var inputTokens: Int?
    /// Tokens written by the model over the session, when the backend reports them.
    public var outputTokens: Int?
    /// Creation time, milliseconds since the Unix epoch.
    public var createdAt: Int64
    /// Last activity (a save or an appended message), milliseconds since the Unix epoch.
    public var updatedAt: Int64

    public init(
        key: String,
        sessionId: String,
        agentId: String,
        label: String? = nil,
        displayName: String? = nil,
        model: String? = nil,
        settings: [String: String] = [:],
        spawnedBy: String? = nil,
        spawnDepth: Int? = nil,
        abortedLastRun: Bool = false,
        inputTokens: Int? = nil,
        outputTokens: Int? = nil,
        createdAt: Int64,
        updatedAt: Int64
    ) {
        self.key = key
        self.sessionId = sessionId
        self.agentId = agentId
        self.label = label
        self.displayName = displayName
        self.model = model
        self.settings = settings
        self.spawnedBy = spawnedBy
        self.spawnDepth = spawnDepth
        self.abortedLastRun = abortedLastRun
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

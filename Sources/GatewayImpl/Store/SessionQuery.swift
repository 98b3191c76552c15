/// The filters of `sessions.list`. Every filter is optional and they combine with AND;
/// the default value lists every ordinary session.
public struct SessionQuery: Sendable, Equatable {
    /// At most this many sessions (the most recently updated); nil is no limit, and a limit
    /// below 1 lists nothing.
    public var limit: Int?
    /// Skip this many sessions of the sorted list first (paging); nil or 0 skips none.
    public var offset: Int?
    /// Only sessions updated at or after this time, in milliseconds since the Unix epoch
    /// (`activeMinutes` converted by the caller).
    public var updatedSince: Int64?
    /// Only the session with exactly this label.
    public var label: String?
    /// Only sessions of this agent.
    public var agentId: String?
    /// Only sessions spawned by the session with this key.
    public var spawnedBy: String?
    /// Only sessions whose key, label, display name or session id contains this text, ignoring
    /// case (Unicode-aware).
    public var search: String?
    /// Also list the special session `global`.
    public var includeGlobal: Bool
    /// Also list the special session `unknown`.
    public var includeUnknown: Bool

    public init(
        limit: Int? = nil,
        offset: Int? = nil,
        updatedSince: Int64? = nil,
        label: String? = nil,
        agentId: String? = nil,
        spawnedBy: String? = nil,
        search: String? = nil,
        includeGlobal: Bool = false,
        includeUnknown: Bool = false
    ) {
        self.limit = limit
        self.offset = offset
        self.updatedSince = updatedSince
        self.label = label
        self.agentId = agentId
        self.spawnedBy = spawnedBy
        self.search = search
        self.includeGlobal = includeGlobal
        self.includeUnknown = includeUnknown
    }
}

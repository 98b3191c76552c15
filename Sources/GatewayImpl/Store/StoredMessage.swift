import GeneratedProtocol

/// One transcript entry of a session, in OpenClaw's message shape.
public struct StoredMessage: Sendable, Equatable {
    /// Assigned by the store on append; increases with append order, so it orders a transcript.
    public var id: Int64?
    /// Key of the session the message belongs to.
    public var sessionKey: String
    /// `user`, `assistant` or `system`.
    public var role: String
    /// OpenClaw content parts, e.g. `[{"type":"text","text":"hi"}]`.
    public var content: [JSONValue]
    /// Milliseconds since the Unix epoch.
    public var timestamp: Int64
    /// The run that produced (or was started by) the message.
    public var runId: String?
    /// Why the model stopped, for assistant messages (`stop`, `length`, `aborted`, …).
    public var stopReason: String?
    /// Token usage as the backend reported it; `.null` and nil stay distinct.
    public var usage: JSONValue?

    public init(
        id: Int64? = nil,
        sessionKey: String,
        role: String,
        content: [JSONValue],
        timestamp: Int64,
        runId: String? = nil,
        stopReason: String? = nil,
        usage: JSONValue? = nil
    ) {
        self.id = id
        self.sessionKey = sessionKey
        self.role = role
        self.content = content
        self.timestamp = timestamp
        self.runId = runId
        self.stopReason = stopReason
        self.usage = usage
    }
}

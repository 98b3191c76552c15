/// The idempotency record of one chat run: a retried `chat.send` with the same key finds it
/// instead of starting a second run.
public struct RunRecord: Sendable, Equatable {
    /// The client's idempotency key, which is also the run id (OpenClaw's rule).
    public var idempotencyKey: String
    /// Key of the session the run belongs to.
    public var sessionKey: String
    public var status: RunStatus
    /// A short outcome for retries to report (an error message, say).
    public var summary: String?
    /// Milliseconds since the Unix epoch.
    public var createdAt: Int64
    /// Milliseconds since the Unix epoch; set by ``SessionStore/finishRun(idempotencyKey:status:summary:at:)``.
    public var updatedAt: Int64

    public init(
        idempotencyKey: String,
        sessionKey: String,
        status: RunStatus = .running,
        summary: String? = nil,
        createdAt: Int64,
        updatedAt: Int64
    ) {
        self.idempotencyKey = idempotencyKey
        self.sessionKey = sessionKey
        self.status = status
        self.summary = summary
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

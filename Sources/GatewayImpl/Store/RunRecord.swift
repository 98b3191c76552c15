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
    /// The replica streaming the run, in a shared store (``RunLeasePolicy/replicaId``); nil for
    /// a process alone with its store.
    public var owner: String?
    /// The owner's last lease renewal, milliseconds since the Unix epoch: a `running` run whose
    /// lease is older than ``RunLeasePolicy/expiry`` lost its replica.
    public var heartbeatAt: Int64?

    public init(
        idempotencyKey: String,
        sessionKey: String,
        status: RunStatus = .running,
        summary: String? = nil,
        createdAt: Int64,
        updatedAt: Int64,
        owner: String? = nil,
        heartbeatAt: Int64? = nil
    ) {
        self.idempotencyKey = idempotencyKey
        self.sessionKey = sessionKey
        self.status = status
        self.summary = summary
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.owner = owner
        self.heartbeatAt = heartbeatAt
    }
}

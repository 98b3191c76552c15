/// Messages between replicas besides events, carried by the ``EventRelay``: asking the replica
/// that streams a run to abort it, and its answer (docs/replicas.md).
public enum RelayControl: Sendable, Equatable {
    case abortRequest(RemoteAbortRequest)
    case abortReply(RemoteAbortReply)
}

/// `chat.abort` received by one replica for runs another streams.
public struct RemoteAbortRequest: Codable, Sendable, Equatable {
    /// Matches the reply to the request.
    public var requestId: String
    /// The replica asked (the runs' lease owner); the others ignore the request.
    public var owner: String
    /// The replica waiting for the reply.
    public var replyTo: String
    public var sessionKey: String
    /// A single run, or nil for every run of the session on the owner.
    public var runId: String?
    /// Who asks, as far as another replica can judge: an admin, or the device that started the run.
    public var requesterIsAdmin: Bool
    public var requesterDeviceId: String?

    public init(
        requestId: String, owner: String, replyTo: String, sessionKey: String, runId: String?, requesterIsAdmin: Bool,
        requesterDeviceId: String?
    ) {
        self.requestId = requestId
        self.owner = owner
        self.replyTo = replyTo
        self.sessionKey = sessionKey
        self.runId = runId
        self.requesterIsAdmin = requesterIsAdmin
        self.requesterDeviceId = requesterDeviceId
    }
}

/// What the owner did with a ``RemoteAbortRequest``.
public struct RemoteAbortReply: Codable, Sendable, Equatable {
    public var requestId: String
    /// The replica that asked.
    public var replyTo: String
    public var aborted: Bool
    public var runIds: [String]
    /// Why nothing was aborted, when the requester may not (`unauthorized`, `runId does not
    /// match sessionKey`): the asking replica answers its client with it.
    public var refusal: String?

    public init(requestId: String, replyTo: String, aborted: Bool, runIds: [String], refusal: String? = nil) {
        self.requestId = requestId
        self.replyTo = replyTo
        self.aborted = aborted
        self.runIds = runIds
        self.refusal = refusal
    }
}

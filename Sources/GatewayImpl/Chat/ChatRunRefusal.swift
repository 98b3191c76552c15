import GeneratedProtocol

/// Why `chat.send` did not start a run although its params were valid: a concurrency limit.
/// Both answer `UNAVAILABLE` (`retryable: true`) with `details.code` naming the limit, so a
/// client can tell them from a backend failure and retry once a run has ended.
enum ChatRunRefusal: Error, Equatable, Sendable {
    /// The session already has a streaming run (`runId`): one run per session at a time, so the
    /// second message cannot interleave with, or be answered without, the first one's reply.
    case sessionBusy(runId: String)
    /// The client identity already has `limit` runs streaming
    /// (``GatewaySettings/maxConcurrentRunsPerClient``).
    case tooManyRuns(limit: Int)

    /// `details.code` of the wire error (declared in the spec's `errorDetails`).
    static let sessionBusyCode = ErrorDetailCode.chatRunActive.rawValue
    static let tooManyRunsCode = ErrorDetailCode.chatRunLimit.rawValue

    /// The wire error.
    var error: GatewayError {
        switch self {
        case .sessionBusy(let runId):
            GatewayError(
                .unavailable, "a run of this session is still streaming; wait for its final event or chat.abort it",
                details: ["code": .string(Self.sessionBusyCode), "runId": .string(runId)], retryable: true, retryAfterMs: 1000)
        case .tooManyRuns(let limit):
            GatewayError(
                .unavailable, "too many chat runs streaming for this client (at most \(limit) at once)",
                details: ["code": .string(Self.tooManyRunsCode), "limit": .integer(limit)], retryable: true, retryAfterMs: 1000)
        }
    }
}

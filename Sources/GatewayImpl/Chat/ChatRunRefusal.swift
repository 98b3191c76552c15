import GeneratedProtocol

/// Why `chat.send` did not start a run although its params were valid: a concurrency limit
/// (on the wire: `GatewayError.chatRun`).
enum ChatRunRefusal: Error, Equatable, Sendable {
    /// The session already has a streaming run (`runId`): one run per session at a time, so the
    /// second message cannot interleave with, or be answered without, the first one's reply.
    case sessionBusy(runId: String)
    /// The client identity already has `limit` runs streaming
    /// (``GatewaySettings/maxConcurrentRunsPerClient``).
    case tooManyRuns(limit: Int)
}

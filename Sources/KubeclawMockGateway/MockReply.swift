import GeneratedProtocol

/// How a ``MockGateway`` answers one method instead of its example (``MockGateway/answer(_:with:)``).
public enum MockReply: Sendable, Equatable {
    /// `ok: true` with this payload.
    case result(JSONValue)
    /// `ok: false` with this error code and message.
    case error(code: String, message: String)
    /// No answer at all (for timeouts; a `cancel` frame for it is recorded and answered).
    case silence
}

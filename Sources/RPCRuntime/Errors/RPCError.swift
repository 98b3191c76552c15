/// An error a method implementation throws to answer with a specific error code, one of the
/// protocol's (`Code`, the generated `ErrorCode`); the generated module names it `GatewayError`.
///
/// The dispatcher turns it into the response's `error` object; any other thrown error becomes
/// an internal error that reveals nothing about its cause.
public struct RPCError<Code: Sendable & Hashable>: Error, Sendable, Equatable {
    public var code: Code
    public var message: String
    public var details: JSONValue?
    public var retryable: Bool?
    public var retryAfterMs: Int?
    /// A payload sent along with the error (OpenClaw's `chat.send` does this for failed runs).
    public var payload: JSONValue?

    public init(
        _ code: Code, _ message: String, details: JSONValue? = nil, retryable: Bool? = nil,
        retryAfterMs: Int? = nil, payload: JSONValue? = nil
    ) {
        self.code = code
        self.message = message
        self.details = details
        self.retryable = retryable
        self.retryAfterMs = retryAfterMs
        self.payload = payload
    }
}

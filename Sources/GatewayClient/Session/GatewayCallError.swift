import GeneratedProtocol

/// Why a request of a ``GatewaySession`` produced no result.
public enum GatewayCallError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered `ok: false`. A response without an `error` object reads as
    /// `UNAVAILABLE`, as the Control UI does.
    case rpc(ErrorShape, id: String)
    /// No response within the timeout. A later response shows up as an unmatched response.
    case timedOut(method: String, id: String)
    /// The connection ended before the response; the server's close code and reason, if any.
    case connectionClosed(code: UInt16?, reason: String?)
    /// The connection failed underneath (e.g. the server broke the WebSocket protocol).
    case transport(WebSocketConnectionError)
    /// A response with this request's id arrived but is not a valid response frame.
    case malformedResponse(ReceivedFrame)
    /// The response was `ok: true` but its payload does not decode as the expected result type.
    case unexpectedPayload(method: String, id: String, reason: String)
    /// A request with this id is still waiting for its response.
    case duplicateRequestID(String)
    /// The params could not be encoded as JSON.
    case unencodableParams(method: String, reason: String)

    public var description: String {
        switch self {
        case .rpc(let error, let id): "request \(id) failed: \(error.code): \(error.message)"
        case .timedOut(let method, let id): "\(method) (id \(id)) got no response in time"
        case .connectionClosed(let code, let reason):
            "connection closed" + (code.map { " with \($0)" } ?? " without a close frame") + (reason.map { " \"\($0)\"" } ?? "")
        case .transport(let error): "transport failed: \(error)"
        case .malformedResponse(let frame): "malformed response: \(frame.raw)"
        case .unexpectedPayload(let method, let id, let reason): "\(method) (id \(id)) returned an unexpected payload: \(reason)"
        case .duplicateRequestID(let id): "a request with id \(id) is already waiting"
        case .unencodableParams(let method, let reason): "params of \(method) cannot be encoded: \(reason)"
        }
    }
}

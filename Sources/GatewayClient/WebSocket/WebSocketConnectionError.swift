/// Why a ``WebSocketConnection`` could not connect, send or receive.
public enum WebSocketConnectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL is not one this client speaks: only `ws://` with a host (no TLS).
    case unsupportedURL(String)
    /// The TCP connection could not be made (refused, unreachable, name not resolved).
    case connectFailed(String)
    /// The server answered the upgrade request with an HTTP status other than 101,
    /// e.g. 403 from an Origin check. `body` is the start of the response body (at most 4 KiB).
    case upgradeRefused(status: Int, reason: String, body: String)
    /// The server answered 101 but the handshake is invalid (wrong `Sec-WebSocket-Accept`,
    /// no `Upgrade` header), or the connection broke during the handshake.
    case handshakeFailed(String)
    /// The connect/upgrade or a ``WebSocketConnection/receive(timeout:)`` took longer than allowed.
    case timedOut
    /// The connection is closed (or closing): nothing more can be sent.
    case connectionClosed
    /// Another task is already waiting in ``WebSocketConnection/receive()``; messages have one reader.
    case receiveInProgress
    /// The server broke RFC 6455 (a frame over the size limit, a bad fragment sequence, a text
    /// message that is not UTF-8, an unknown opcode). The connection is closed.
    case protocolViolation(String)

    public var description: String {
        switch self {
        case .unsupportedURL(let url): "unsupported WebSocket URL (only ws:// is supported): \(url)"
        case .connectFailed(let why): "TCP connect failed: \(why)"
        case .upgradeRefused(let status, let reason, let body):
            body.isEmpty ? "upgrade refused: HTTP \(status) \(reason)" : "upgrade refused: HTTP \(status) \(reason): \(body)"
        case .handshakeFailed(let why): "WebSocket handshake failed: \(why)"
        case .timedOut: "timed out"
        case .connectionClosed: "the WebSocket connection is closed"
        case .receiveInProgress: "another task is already receiving on this connection"
        case .protocolViolation(let why): "WebSocket protocol violation by the server: \(why)"
        }
    }
}

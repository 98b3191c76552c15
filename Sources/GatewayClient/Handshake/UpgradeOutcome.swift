import NIOCore
import NIOHTTP1
import NIOWebSocket

/// What the HTTP upgrade of a new connection came to.
enum UpgradeOutcome: Sendable {
    /// The server answered 101 with a valid accept key; the pipeline now speaks WebSocket frames.
    case upgraded(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, response: HTTPResponseHead)
    /// The server answered with another status. The future yields the error to throw once the
    /// response (status and the start of its body) has been read; the channel still needs closing.
    case refused(any Channel, EventLoopFuture<WebSocketConnectionError>)
}

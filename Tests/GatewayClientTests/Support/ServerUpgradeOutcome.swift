import NIOCore
import NIOHTTP1
import NIOWebSocket

/// What one connection to the test server became.
enum ServerUpgradeOutcome: Sendable {
    case websocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, HTTPRequestHead)
    /// The upgrade was refused; answer with this status and body.
    case refused(NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, status: HTTPResponseStatus, body: String)
}

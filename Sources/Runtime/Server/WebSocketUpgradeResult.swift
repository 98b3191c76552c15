import NIOCore
import NIOHTTP1
import NIOWebSocket

/// What an accepted TCP connection on the WebSocket port turned into.
enum WebSocketUpgradeResult: Sendable {
    case webSocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, UpgradeRequest)
    case http(NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>)
    /// A WebSocket upgrade refused in `shouldUpgrade`: answer and close.
    case refused(NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, UpgradeRefusal)
}

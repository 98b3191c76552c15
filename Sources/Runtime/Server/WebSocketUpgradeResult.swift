import NIOCore
import NIOHTTP1
import NIOWebSocket

/// What an accepted TCP connection on the WebSocket port turned into.
enum WebSocketUpgradeResult: Sendable {
    case webSocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, UpgradeRequest)
    case http(NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>)
    /// A WebSocket upgrade refused by the Host or Origin check: answer 403 and close.
    case refused(NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, OriginPolicy.Refusal)
}
